#!/usr/bin/env bash
# SNMPv3 routers that are silent when nocwatchd starts (a power cut in
# their comms room, the monitor restarted in the middle of it): engine-ID
# discovery must never block the event loop.  net-snmp runs a synchronous
# discovery probe inside snmp_sess_async_send unless the session carries
# SNMP_FLAGS_DONT_PROBE, and snmp_sess_open clears that flag; with it
# cleared every poll of a silent agent held the loop for its whole
# timeout, so healthy TCP checks beside them were reported as timeouts.
# Here: 12 silent v3 agents beside 20 TCP checks every second, through a
# reload; then power returns and the real agent's check turns OK, which
# proves the asynchronous discovery completes.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh
D=$PWD/${B:-build}/nocwatchd

# The site's router: a real snmpd with a v3 user on 161, and 11 more
# "routers" on other ports that nothing answers.  Power is off: the site
# drops every SNMP packet until the table is deleted.
cat >"$LAB_DIR/site1.conf" <<'CONF'
createUser labv3 SHA-256 "authpass-256" AES "privpass-aes"
rouser labv3 priv
CONF
lab_exec site1 nft -f - <<'NFT'
table inet power {
	chain input {
		type filter hook input priority 0;
		udp dport { 161, 1161-1171 } drop
	}
}
NFT
expect_rc "the site's power is off (its SNMP dropped)" 0 $?
lab_snmpd site1 203.0.113.2 "$LAB_DIR/site1.conf"
lab_bg core python3 tests/lab/servers.py banner 198.51.100.2 2222 "SSH-2.0-lab"
lab_wait_tcp noc 198.51.100.2 2222 || fail "the TCP server starts" "no"

{
	echo "rrd-dir \"$LAB_DIR/rrd\""
	echo "layouts \"$PWD/rrd\""
	echo "control-socket \"$LAB_DIR/ctl.sock\""
	echo "state-db \"$LAB_DIR/state.db\""
	echo "http-listen none"
	echo 'site "dc" { kind datacentre }'
	echo 'site "s1" { kind remote parent "dc" }'
	for p in 161 $(seq 1161 1171); do
		echo "device \"r-$p\" { site \"s1\" address 203.0.113.2"
		echo "	snmp version 3 user \"labv3\" level authPriv auth SHA-256 auth-passphrase \"authpass-256\" priv AES priv-passphrase \"privpass-aes\" port $p"
		echo '	check snmp-status "sysUpTime.0" { interval 2s timeout 1s retries 2 } }'
	done
	for i in $(seq 1 20); do
		echo "device \"t-$i\" { site \"dc\" address 198.51.100.2 check tcp 2222 { interval 1s timeout 500ms } }"
	done
} >"$LAB_DIR/v3.conf"
"$D" -n -f "$LAB_DIR/v3.conf" >/dev/null
expect_rc "the configuration is OK" 0 $?

lab_bg noc "$D" -d -f "$LAB_DIR/v3.conf" 2>"$LAB_DIR/daemon.log"
dpid=${LAB_PIDS[-1]}
st() {
	lab_exec noc "$NOCWATCH" status --socket "$LAB_DIR/ctl.sock" --json 2>/dev/null |
	    python3 -c 'import json,sys
d = json.load(sys.stdin)
s = d["daemon"]["scheduler"]
c = [x for v in d["devices"] for x in v["checks"]]
tcp = [x for x in c if x["type"] == "tcp"]
v3 = [x for x in c if x["type"] == "snmp-status"]
print(s["late"], round(s["max_loop_lag_ms"]), sum(x["outcome"] == "ok" for x in tcp),
      sum(x["outcome"] == "timeout" for x in v3), sum(x["outcome"] == "ok" for x in v3))
print(next((x["detail"] for x in v3 if x["outcome"] == "timeout"), "-"))'
}
for i in $(seq 1 50); do [ -S "$LAB_DIR/ctl.sock" ] && break; sleep 0.1; done
sleep 12
out=$(st)
read -r late lag tok v3to v3ok <<<"$(head -1 <<<"$out")"
echo "# after 12 s: late $late, max loop lag $lag ms, tcp ok $tok/20, v3 timeouts $v3to/12"
expect_range "12 silent SNMPv3 agents: no check ran late" 0 0 "$late"
# The old code held the loop ~1 s per silent agent per poll.
expect_range "  the loop never waited (max lag, ms)" 0 250 "$lag"
expect_range "  every TCP check beside them is OK" 20 20 "$tok"
expect_range "  every v3 check timed out" 12 12 "$v3to"
expect_match "  the configured timeout (1 s over 3 tries) is what was used" \
    "discovery: no response from 203\.0\.113\.2 after 3 tries of 333 ms" "$(tail -1 <<<"$out")"

# A reload in the middle of the power cut: new sessions, discovery again.
kill -HUP "$dpid"
sleep 8
read -r late lag tok v3to v3ok < <(st)
echo "# after a reload: late $late, max loop lag $lag ms, tcp ok $tok/20"
expect_range "a reload during the cut: still no late check" 0 0 "$late"
expect_range "  and no loop lag over 250 ms" 0 250 "$lag"
expect_range "  every TCP check OK" 20 20 "$tok"

# Power back: the real agent answers; its check turns OK through our own
# asynchronous discovery (engine ID from the Report, keys localised).
lab_exec site1 nft delete table inet power
ok=""
for i in $(seq 1 75); do
	read -r late lag tok v3to v3ok < <(st)
	[ "$v3ok" = 1 ] && { ok=1; break; }
	sleep 0.2
done
expect_range "power back: the v3 agent's check is OK (discovered asynchronously)" 1 1 "$v3ok"
expect_range "  the other 11 still time out" 11 11 "$v3to"
expect_range "  and nothing ran late" 0 0 "$late"

t0=$(date +%s%N)
kill -TERM "$dpid"
for i in $(seq 1 50); do kill -0 "$dpid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$dpid" 2>/dev/null && fail "SIGTERM stops the daemon" "still running after 5 s"
expect_range "SIGTERM handled promptly (ms)" 0 2000 $((($(date +%s%N) - t0) / 1000000))
exit 0
