# shellcheck shell=bash
# Assertions for the black-box tests: each prints one "PASS name" or
# "FAIL name: why" line, which tests/run.sh counts.

NOCWATCH=${NOCWATCH:-$PWD/${B:-build}/nocwatch}
T_FAILED=0

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; T_FAILED=$((T_FAILED + 1)); }

# expect_rc NAME WANT GOT
expect_rc() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "exit $3, want $2"; fi
}

# expect_match NAME REGEX TEXT
expect_match() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then
		pass "$1"
	else
		fail "$1" "'$2' not in: $(printf '%s' "$3" | head -c 400)"
	fi
}

# expect_range NAME LOW HIGH VALUE: LOW <= VALUE <= HIGH (decimals allowed)
expect_range() {
	if awk -v l="$2" -v h="$3" -v v="$4" 'BEGIN { exit !(v != "" && v + 0 >= l + 0 && v + 0 <= h + 0) }'; then
		pass "$1 ($4 in $2..$3)"
	else
		fail "$1" "value '$4' not in $2..$3"
	fi
}

# json_get JSON KEY.PATH: a value from one JSON object (python3, stdlib).
json_get() {
	python3 -c 'import json,sys
o=json.loads(sys.argv[1])
for k in sys.argv[2].split("."):
    o=o[int(k)] if isinstance(o,list) else o[k]
print(o)' "$1" "$2"
}
