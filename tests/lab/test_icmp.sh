#!/usr/bin/env bash
# nocwatch probe icmp in the lab: reachable, cut, unreachable with the
# router named, 20% loss, 80 ms delay, IPv6, thresholds, JSON, bad input.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1

. tests/lab/topo_basic.sh
lab_route noc 198.18.0.0/15 198.51.100.2
# The core router knows 198.18.0.0/15 is unreachable and says so.
ip -n "$(lab_ns core)" route add unreachable 198.18.0.0/15
# noc itself has no route at all for 203.0.113.128/25.
ip -n "$(lab_ns noc)" route add unreachable 203.0.113.128/25

probe() { lab_exec noc "$NOCWATCH" probe icmp "$@"; }

out=$(probe -n 5 203.0.113.2); rc=$?
expect_rc "reachable host exits 0" 0 $rc
expect_match "reachable host: 5/5 received" '^203\.0\.113\.2 : OK 5/5 received, 0% loss, rtt min/avg/med/max [0-9.]+/' "$out"

out=$(probe -n 3 203.0.113.2 203.0.113.6 198.51.100.2); rc=$?
expect_rc "three targets exit 0" 0 $rc
expect_match "three targets, three lines" '^3$' "$(printf '%s\n' "$out" | grep -c ' : OK ')"

out=$(probe --json -n 4 203.0.113.6); rc=$?
expect_match "json outcome ok" '^ok$' "$(json_get "$out" outcome)"
expect_match "json received 4" '^4$' "$(json_get "$out" values.received)"
expect_match "json has a median" '^[0-9.e-]+$' "$(json_get "$out" values.rtt_median)"

out=$(probe -n 2 -t 500ms 198.18.7.7); rc=$?
expect_rc "router-reported unreachable exits 2" 2 $rc
expect_match "unreachable names the router" 'CRITICAL unreachable: .*unreachable \(reported by 198\.51\.100\.2\)' "$out"

out=$(probe -n 2 -t 500ms 203.0.113.200); rc=$?
expect_rc "no local route exits 2" 2 $rc
expect_match "no local route said" 'unreachable: No route to host' "$out"

lab_cut site1 r1
start=$(date +%s%N)
out=$(probe -n 3 -i 100ms -t 1s 203.0.113.2); rc=$?
took=$((($(date +%s%N) - start) / 1000000))
expect_rc "host behind a cut link exits 2" 2 $rc
expect_match "cut link: timeout or unreachable" 'CRITICAL (timeout|unreachable):' "$out"
expect_range "cut link answer comes in bounded time (ms)" 0 5000 $took
lab_restore site1 r1
out=$(probe -n 2 203.0.113.2); rc=$?
expect_rc "restored link answers again" 0 $rc

lab_loss site2 20
out=$(probe --json -n 600 -i 2ms -t 500ms 203.0.113.6)
loss=$(json_get "$out" values.loss_pct)
# 600 samples at p=0.2: sd 1.6 points; +-6 points is ~3.7 sd.
expect_range "20% loss measured within +-6 points" 14 26 "$loss"
lab_clear site2

lab_delay site2 80
out=$(probe --json -n 20 -i 50ms -t 1s 203.0.113.6)
med=$(json_get "$out" values.rtt_median)
expect_range "80 ms delay measured (median ms)" 79 90 "$med"
out=$(probe -n 5 -i 50ms -w 40ms 203.0.113.6); rc=$?
expect_rc "avg rtt over -w exits 1" 1 $rc
expect_match "WARNING line with perfdata (empty critical)" '^203\.0\.113\.6 : WARNING .* \| .*rtt_avg=[0-9.]+ms;40; ' "$out"
out=$(probe -n 5 -i 50ms -w 20ms -c 40ms 203.0.113.6); rc=$?
expect_rc "avg rtt over -c exits 2" 2 $rc
out=$(probe -n 5 -i 50ms -w 200ms,20% -c 500ms,60% 203.0.113.6); rc=$?
expect_rc "within thresholds exits 0" 0 $rc
lab_clear site2

out=$(probe -6 -n 3 ::1); rc=$?
expect_rc "IPv6 loopback exits 0" 0 $rc
expect_match "IPv6 3/3" '^::1 : OK 3/3 received' "$out"

printf '203.0.113.2\n# comment\n\n203.0.113.6\n' >"$LAB_DIR/targets"
out=$(probe -n 1 -f "$LAB_DIR/targets"); rc=$?
expect_match "targets from a file" '^2$' "$(printf '%s\n' "$out" | grep -c ' : OK ')"

for bad in "-n 0" "-n 10001" "-i 0" "-t 2x" "-s 70000" "-w 10q"; do
	# shellcheck disable=SC2086
	err=$(probe $bad 203.0.113.2 2>&1 >/dev/null); rc=$?
	expect_rc "bad argument '$bad' exits 3" 3 $rc
	expect_match "bad argument '$bad' one clear line" '^nocwatch: ' "$(printf '%s' "$err" | head -1)"
done
err=$(probe 203.0.113.999 2>&1); rc=$?
expect_rc "malformed address exits 3" 3 $rc
expect_match "malformed address said" 'not a valid address' "$err"
exit 0
