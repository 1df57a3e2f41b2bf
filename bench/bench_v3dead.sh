#!/usr/bin/env bash
# A comms room without power when nocwatchd starts: N devices (default
# 1000), of which a tenth are SNMPv3 (authPriv) agents that never answer
# — their addresses route to the farm, which holds no such address and
# drops what it gets — and the rest answer ICMP and SNMP v2c.  Every
# device is checked every 10 s for RUN seconds (default 120), with a
# reload in the middle (new sessions: engine-ID discovery again).  Reports
# the runs, late runs, the worst lateness and the worst event-loop lag.
# The goal (issue: never blind): 0 late and a loop lag under 50 ms; with
# net-snmp's own blocking discovery each silent v3 agent held the loop for
# its whole timeout at every poll.
cd "$(dirname "$0")/.." || exit 1
. tests/lab/lab.sh
. bench/farm.sh
lab_init || exit 1
N=${N:-1000}
RUN=${RUN:-120}
V3=$((N / 10))
B=${B:-build}
CLI=${CLI:-$B/nocwatch}	# the command that asks (it gives up after 10 s)

farm_hosts "$((N - V3))" >"$LAB_DIR/live"
farm_up "$LAB_DIR/live" || exit 1
lab_route mon 198.19.0.0/16 198.51.100.2
{
	echo "rrd-dir \"$LAB_DIR/rrd\""
	echo "layouts \"$PWD/rrd\""
	echo "control-socket \"$LAB_DIR/ctl.sock\""
	echo "state-db \"$LAB_DIR/nocwatch.db\""
	echo "http-listen none"
	echo 'site "dc" { kind datacentre }'
	echo 'template "v2" { snmp version 2c community "public"'
	echo '  check icmp { interval 10s timeout 2s count 1 }'
	echo '  check snmp-status "sysUpTime.0" { interval 10s timeout 2s } }'
	echo 'template "v3" { snmp version 3 user "nocwatch" level authPriv auth SHA-256 auth-passphrase "bench-auth-pass" priv AES priv-passphrase "bench-priv-pass"'
	echo '  check snmp-status "sysUpTime.0" { interval 10s timeout 2s } }'
	awk '{ printf "device \"d%d\" { site \"dc\" address %s template \"v2\" }\n", NR, $1 }' "$LAB_DIR/live"
	for i in $(seq 1 "$V3"); do
		echo "device \"v3-$i\" { site \"dc\" address 198.19.$((i / 250)).$((i % 250 + 1)) template \"v3\" }"
	done
} >"$LAB_DIR/b.conf"
chmod 600 "$LAB_DIR/b.conf"
"$B/nocwatchd" -n -f "$LAB_DIR/b.conf" || exit 1
lab_bg mon "$B/nocwatchd" -f "$LAB_DIR/b.conf" 2>"$LAB_DIR/daemon.log"
dpid=${LAB_PIDS[-1]}
st() {
	lab_exec mon "$CLI" status --socket "$LAB_DIR/ctl.sock" --json |
	    python3 -c 'import json,sys
d = json.load(sys.stdin)
s = d["daemon"]["scheduler"]
print(s["runs"], s["late"], round(s["max_late_ms"], 1), round(s["max_loop_lag_ms"], 1))'
}
for i in $(seq 1 100); do [ -S "$LAB_DIR/ctl.sock" ] && break; sleep 0.1; done
sleep $((RUN / 2))
kill -HUP "$dpid"
sleep $((RUN - RUN / 2))
for i in 1 2 3 4 5 6; do	# a blocked loop answers late, if at all
	read -r runs late maxlate lag < <(st 2>/dev/null) && [ -n "$lag" ] && break
	sleep 5
done
timeouts=$(grep -c "v3-.*timeout" "$LAB_DIR/daemon.log")
cpu=$(awk '{ print $14 + $15 }' "/proc/$(pgrep -f "nocwatchd -f $LAB_DIR/b.conf" | head -1)/stat" 2>/dev/null)
echo "nocwatchd, $N devices ($V3 silent SNMPv3), every 10 s, ${RUN} s with a reload:"
echo "  runs $runs, late $late (worst ${maxlate} ms), worst event-loop lag ${lag} ms, v3 timeouts logged $timeouts, CPU $((cpu / $(getconf CLK_TCK))) s"
[ -n "$lag" ] || { echo "  (the daemon did not answer its control socket)"; exit 1; }
[ "$late" = 0 ] && awk -v l="$lag" 'BEGIN { exit !(l < 50) }'
