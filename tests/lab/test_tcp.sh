#!/usr/bin/env bash
# nocwatch probe tcp in the lab: open, closed, filtered, cut, banners.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh

lab_bg site1 python3 tests/lab/servers.py banner 203.0.113.2 2222 'SSH-2.0-labssh\r\n'
lab_wait_tcp noc 203.0.113.2 2222 || fail "banner server starts" "no listener"
# site2 silently drops SYNs to port 8081 (a firewall that says nothing).
lab_exec site2 nft -f - <<'NFT'
table inet lab {
	chain input { type filter hook input priority 0; tcp dport 8081 drop; }
}
NFT

probe() { lab_exec noc "$NOCWATCH" probe tcp "$@"; }

out=$(probe 203.0.113.2:2222); rc=$?
expect_rc "open port exits 0" 0 $rc
expect_match "open port: connect time" '^203\.0\.113\.2:2222 : OK connect [0-9.]+ ms' "$out"

out=$(probe 203.0.113.2:2223); rc=$?
expect_rc "closed port exits 2" 2 $rc
expect_match "closed port is refused" 'CRITICAL refused: connect: Connection refused' "$out"

out=$(probe -t 700ms 203.0.113.6:8081); rc=$?
expect_rc "filtered port exits 2" 2 $rc
expect_match "filtered port times out" 'CRITICAL timeout: no answer to connect within 700 ms' "$out"

out=$(probe --expect SSH-2.0 203.0.113.2:2222); rc=$?
expect_rc "banner matches exits 0" 0 $rc
expect_match "banner: response time" 'OK connect [0-9.]+ ms, response [0-9.]+ ms' "$out"

out=$(probe --expect SMTP -t 2s 203.0.113.2:2222); rc=$?
expect_rc "banner mismatch exits 2" 2 $rc
expect_match "banner mismatch shows what came, escaped" 'bad-response: closed without the expected string; got "SSH-2\.0-labssh\\x0d\\x0a"' "$out"

out=$(probe -p 2222 --json 203.0.113.2); rc=$?
expect_match "-p default port, json outcome" '^ok$' "$(json_get "$out" outcome)"
expect_match "json connect_ms" '^[0-9.e-]+$' "$(json_get "$out" values.connect_ms)"

out=$(probe -w 0.0001ms 203.0.113.2:2222); rc=$?
expect_rc "connect over -w exits 1" 1 $rc

lab_cut site1 r1
out=$(probe -t 4s 203.0.113.2:2222); rc=$?
expect_rc "port behind a cut link exits 2" 2 $rc
expect_match "cut link: unreachable or timeout" 'CRITICAL (unreachable|timeout):' "$out"
lab_restore site1 r1

for bad in "203.0.113.2:0" "203.0.113.2:65536" "203.0.113.2:http" "203.0.113.2"; do
	err=$(probe "$bad" 2>&1); rc=$?
	expect_rc "bad target '$bad' exits 3" 3 $rc
	expect_match "bad target '$bad' said" '^nocwatch: ' "$err"
done
err=$(probe -t 0 203.0.113.2:22 2>&1); rc=$?
expect_rc "timeout 0 exits 3" 3 $rc
err=$(probe --send 'bad\q' 203.0.113.2:22 2>&1); rc=$?
expect_rc "bad escape in --send exits 3" 3 $rc
exit 0
