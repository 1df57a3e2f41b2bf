#!/usr/bin/env bash
# nocwatch probe dns against dnsmasq in the lab; target names resolved
# through the lab's DNS server (unknown host exits 2).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh

lab_bg site2 dnsmasq -k -u root --no-resolv --no-hosts --bind-interfaces \
    --listen-address=203.0.113.6 --pid-file= -C /dev/null --local=/lab/ \
    --host-record=gw.lab,203.0.113.2,2001:db8::2 \
    --address=/www.lab/198.51.100.80 --log-facility=/dev/null
for i in $(seq 1 50); do
	lab_exec noc "$NOCWATCH" probe dns -s 203.0.113.6 -t 100ms gw.lab >/dev/null 2>&1 && break
	sleep 0.1
done
lab_resolv noc 203.0.113.6

probe() { lab_exec noc "$NOCWATCH" probe dns "$@"; }

out=$(probe -s 203.0.113.6 gw.lab); rc=$?
expect_rc "A record exits 0" 0 $rc
expect_match "A record answer" '^gw\.lab : OK 203\.0\.113\.2, NOERROR in [0-9.]+ ms, ttl [0-9]+ s' "$out"
out=$(probe -s 203.0.113.6 -q AAAA gw.lab); rc=$?
expect_match "AAAA record answer" 'OK 2001:db8::2, NOERROR' "$out"
out=$(probe -s 203.0.113.6 -q PTR 203.0.113.2); rc=$?
expect_match "PTR record answer" 'OK gw\.lab, NOERROR' "$out"
out=$(probe -s 203.0.113.6 nosuch.lab); rc=$?
expect_rc "NXDOMAIN exits 2" 2 $rc
expect_match "NXDOMAIN said" 'CRITICAL dns-failure: NXDOMAIN' "$out"
out=$(probe -s 203.0.113.6 --json --expect 198.51.100.80 www.lab); rc=$?
expect_rc "--expect matches exits 0" 0 $rc
expect_match "json rcode 0" '^0$' "$(json_get "$out" values.rcode)"
expect_match "json answers 1" '^1$' "$(json_get "$out" values.answers)"
out=$(probe -s 203.0.113.6 --expect 198.51.100.81 www.lab); rc=$?
expect_rc "--expect mismatch exits 2" 2 $rc
out=$(probe -s 203.0.113.2 -t 300ms -r 2 gw.lab); rc=$?
expect_rc "no server there exits 2" 2 $rc
expect_match "no server: timeout" 'CRITICAL timeout: no answer from 203\.0\.113\.2 in 2 attempts of 300 ms' "$out"
out=$(probe gw.lab); rc=$?
expect_rc "the resolver from resolv.conf answers" 0 $rc

# Target names go through the same resolver.
out=$(lab_exec noc "$NOCWATCH" probe icmp -n 2 gw.lab); rc=$?
expect_rc "icmp to a lab name exits 0" 0 $rc
expect_match "icmp names the address" '^gw\.lab : OK 2/2' "$out"
out=$(lab_exec noc "$NOCWATCH" probe icmp nosuch.lab 2>&1); rc=$?
expect_rc "unknown host exits 2" 2 $rc
expect_match "unknown host said clearly" '^nosuch\.lab : CRITICAL dns-failure: unknown host' "$out"

err=$(probe -q MX gw.lab 2>&1); rc=$?
expect_rc "unsupported type exits 3" 3 $rc
err=$(probe -s 203.0.113.6:99999 gw.lab 2>&1); rc=$?
expect_rc "bad server port exits 3" 3 $rc
exit 0
