#!/usr/bin/env bash
# The manual pages: clean under mandoc -Tlint (warnings and worse), every
# keyword the configuration parser knows documented in nocwatch.conf(5),
# every command of `nocwatch --help` in nocwatch(1), every option of
# nocwatchd in nocwatchd(8), and one version string for both programs.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
NOCWATCHD=${B:-build}/nocwatchd

for m in doc/man/*.[0-9]; do
	out=$(mandoc -Tlint -Wwarning "$m" 2>&1); rc=$?
	expect_rc "$(basename "$m"): mandoc -Tlint clean" 0 $rc
	[ $rc -eq 0 ] || echo "$out" | sed 's/^/  /'
done

# Words the parser compares the configuration with; a few are not
# keywords (an alias, a macro example).
missing=
for w in $(grep -oh '"[a-z][a-z0-9-]*"' src/conf/config*.c | tr -d '"' | sort -u); do
	case $w in datacenter|it|noc|r) continue ;; esac
	grep -qw -- "$w" doc/man/nocwatch.conf.5 || missing="$missing $w"
done
[ -z "$missing" ]; expect_rc "every configuration keyword is in nocwatch.conf(5)" 0 $?
[ -z "$missing" ] || echo "  missing:$missing"
n=$(grep -oh '"[a-z][a-z0-9-]*"' src/conf/config*.c | sort -u | wc -l)
expect_range "  (keywords found in the parser)" 80 1000 "$n"

missing=; n=0
for c in $("$NOCWATCH" --help | sed -n 's/^  \([a-z]*\) .*/\1/p'); do
	n=$((n + 1))
	grep -q "Cm $c\b" doc/man/nocwatch.1 || missing="$missing $c"
done
[ -z "$missing" ]; expect_rc "every nocwatch command ($n) is in nocwatch(1)" 0 $?
[ -z "$missing" ] || echo "  missing:$missing"
for p in icmp tcp dns http capture snmp; do
	grep -q "^\.It Cm probe $p\b" doc/man/nocwatch.1
	expect_rc "  probe $p has its entry" 0 $?
done

missing=; n=0
for o in $("$NOCWATCHD" -h | sed -n 's/^  -\([a-zA-Z]\) .*/\1/p'); do
	n=$((n + 1))
	grep -q "^\.It Fl $o\b" doc/man/nocwatchd.8 || missing="$missing -$o"
done
[ -z "$missing" ]; expect_rc "every nocwatchd option ($n) is in nocwatchd(8)" 0 $?
[ -z "$missing" ] || echo "  missing:$missing"

v1=$("$NOCWATCH" --version); v2=$("$NOCWATCHD" -V)
expect_match "nocwatch --version" '^nocwatch [0-9]+\.[0-9]+' "$v1"
expect_match "nocwatchd -V" '^nocwatchd [0-9]+\.[0-9]+' "$v2"
expect_match "  the same version" "^${v1#nocwatch }\$" "${v2#nocwatchd }"
exit 0
