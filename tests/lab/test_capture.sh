#!/usr/bin/env bash
# nocwatch probe capture in the lab: counts the traffic the test sends,
# writes a pcap file, stops on -c, says "silent" when nothing matches,
# and reports a bad filter with pcap's own message.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh

cap() { lab_exec noc "$NOCWATCH" probe capture "$@"; }

# 20 echo requests + 20 replies cross n0 while we listen for 3 s.
(sleep 0.7; lab_exec noc "$NOCWATCH" probe icmp -n 20 -i 20ms 203.0.113.2 >/dev/null) &
out=$(cap n0 icmp -t 3 -w "$LAB_DIR/n0.pcap" --live 2>"$LAB_DIR/live"); rc=$?
wait
expect_rc "capture with traffic exits 0" 0 $rc
expect_match "40 icmp packets counted" '^n0 : OK 40 packets, [0-9]+ bytes in 3\.[0-9] s \(icmp 40\)' "$out"
expect_match "top talkers listed" 'top talker [12]: 203\.0\.113\.2, 20 packets' "$out"
expect_match "live lines printed" '^capture: [0-9]+ packets' "$(cat "$LAB_DIR/live")"
n=$(tcpdump -nr "$LAB_DIR/n0.pcap" 2>/dev/null | grep -c ICMP)
expect_range "pcap file holds the 40 packets" 40 40 "$n"

(sleep 0.5; lab_exec noc "$NOCWATCH" probe icmp -n 50 -i 20ms 203.0.113.6 >/dev/null) &
start=$(date +%s%N)
out=$(cap n0 --json -c 10 icmp and host 203.0.113.6); rc=$?
took=$((($(date +%s%N) - start) / 1000000))
wait
expect_rc "-c 10 exits 0" 0 $rc
expect_match "-c 10 stops at 10" '^10$' "$(json_get "$out" values.packets)"
expect_range "-c 10 stops early (ms)" 0 2500 "$took"

out=$(cap n0 udp port 3784 -t 1); rc=$?
expect_rc "nothing matching exits 2" 2 $rc
expect_match "silent verdict" '^n0 : CRITICAL silent: no matching packet in 1\.[0-9] s' "$out"

err=$(cap n0 'ip and and' -t 1 2>&1); rc=$?
expect_rc "bad filter exits 3" 3 $rc
expect_match "bad filter: pcap's message" "^nocwatch: capture: filter: .*syntax error" "$err"
err=$(cap nosuch0 -t 1 2>&1); rc=$?
expect_rc "unknown interface exits 3" 3 $rc
expect_match "unknown interface said" "nosuch0: .*(No such device|doesn't exist)" "$err"
err=$(cap n0 -t 0 2>&1); rc=$?
expect_rc "-t 0 exits 3" 3 $rc
exit 0
