#!/usr/bin/env bash
# Runs every unit test binary and every black-box test script, counts the
# PASS/FAIL lines they print, and ends with "N passed, N failed".
# A script that dies or times out without saying FAIL counts as one failure.
# LAB=0 skips the lab tests, SCENARIOS=0 the outage scenarios; ONLY=pattern
# runs only matching test files.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
export B
# Sanitizer builds: third-party caches are not our leaks (tests/lsan.supp).
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1"
# Full stacks, so suppressions can name the library function (librrd has
# no frame pointers for the fast unwinder).
export ASAN_OPTIONS="fast_unwind_on_malloc=0"
out=tests/out
mkdir -p "$out"
passed=0
failed=0
summary=()

# Run one test into its log; its exit status and seconds beside it.
exec_one() {	# NAME LIMIT CMD...
	local name=$1 limit=$2 log="$out/$1.log" t0=$SECONDS
	shift 2
	mkdir -p "$(dirname "$log")"
	timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1
	echo $? >"$log.rc"
	echo $((SECONDS - t0)) >"$log.time"
}

# Count one finished test's PASS/FAIL lines and print them.
count_one() {	# NAME
	local name=$1 log="$out/$1.log" rc p f
	rc=$(cat "$log.rc" 2>/dev/null || echo 1)
	p=$(grep -c '^PASS ' "$log")
	f=$(grep -c '^FAIL ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $name: exited $rc without a FAIL line" >>"$log"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	grep -E '^(FAIL|PASS) ' "$log" | sed "s|^|[$name] |"
	if [ "$f" -gt 0 ]; then
		echo "---- $log (last 30 lines) ----"
		tail -n 30 "$log"
		echo "----"
	fi
	summary+=("$(printf '%-28s %4d passed %4d failed %5d s' "$name" "$p" "$f" \
	    "$(cat "$log.time" 2>/dev/null || echo 0)")")
	rm -f "$log.rc" "$log.time"
}

run_one() { exec_one "$@"; count_one "$1"; }

for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$(basename "$t")" in *${ONLY:-}*) ;; *) continue ;; esac
	run_one "unit/$(basename "$t")" 120 "$t"
done

for t in tests/cli/test_*.sh; do
	[ -f "$t" ] || continue
	case "$(basename "$t")" in *${ONLY:-}*) ;; *) continue ;; esac
	run_one "cli/$(basename "$t" .sh)" 300 bash "$t"
done

# The lab tests, LAB_JOBS (2) at a time: each builds its own namespaces
# (only the demo test uses the machine's own, on a port of its own), and
# they spend their time waiting on links, agents and hold-downs.  The
# longest start first; results are printed in name order.
if [ "${LAB:-1}" != 0 ]; then
	names=()
	for t in tests/lab/test_incidents.sh tests/lab/test_api.sh tests/lab/test_*.sh; do
		case "$(basename "$t")" in *${ONLY:-}*) ;; *) continue ;; esac
		n="lab/$(basename "$t" .sh)"
		case " ${names[*]} " in *" $n "*) continue ;; esac
		names+=("$n")
		while [ "$(jobs -pr | wc -l)" -ge "${LAB_JOBS:-2}" ]; do
			wait -n
		done
		exec_one "$n" 900 bash "$t" &
	done
	wait
	while read -r n; do
		[ -n "$n" ] && count_one "$n"
	done < <(printf '%s\n' "${names[@]}" | sort)
fi

# The outage scenarios (tests/scenarios/*.scn), in estates of their own.
if [ "${LAB:-1}" != 0 ] && [ "${SCENARIOS:-1}" != 0 ]; then
	case scenarios in *${ONLY:-}*)
		run_one scenarios/suite 1800 bash tests/scenarios/run.sh ;;
	esac
fi

echo
printf '%s\n' "${summary[@]}"
echo "($SECONDS s in all)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
