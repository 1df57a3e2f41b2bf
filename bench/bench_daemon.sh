#!/usr/bin/env bash
# nocwatchd against collectd (ping + snmp + rrdtool plugins) on the same
# estate, one after the other in one run: N devices (default 10000) on lab
# addresses served by one snmpd, each with 1 ICMP check and 10 SNMP values
# every 60 s, for CYCLES intervals (default 3).  Reports CPU % of one core,
# peak RSS, RRD values written per second and late cycles.  nocwatchd's
# values are counted by its RRD writer; collectd's are counted in a sample
# of its RRD files (rrdtool fetch) and scaled to all of them.  The values
# differ in kind: collectd stores all ten SNMP values and three ping
# values; nocwatchd stores seven interface values (the if layout) and four
# ICMP values per device.  The devices are spread over sites of 100, and
# DEAD of them (default 5, in different sites) have no address, so the
# incident engine has open incidents while the API is driven with ab.
cd "$(dirname "$0")/.." || exit 1
. tests/lab/lab.sh
. bench/farm.sh
lab_init || exit 1
N=${N:-10000}
CYCLES=${CYCLES:-3}
INTERVAL=${INTERVAL:-60}
RUN=$((CYCLES * INTERVAL + 10))
DEAD=${DEAD:-5}

farm_hosts "$N" >"$LAB_DIR/hosts"
# Every (N / DEAD)th device, from the 50th, is left without its address.
awk -v n="$N" -v k="$DEAD" 'BEGIN { s = k ? int(n / k) : n + 1 }
    { if (k && NR % s == 50 % s) next; print }' "$LAB_DIR/hosts" >"$LAB_DIR/live"
farm_up "$LAB_DIR/live" || exit 1

# Ten IF-MIB values of interface 1 (lo) on every device.
OIDS="ifHCInOctets.1 ifHCOutOctets.1 ifInErrors.1 ifOutErrors.1 ifOperStatus.1
      ifInDiscards.1 ifOutDiscards.1 ifInUcastPkts.1 ifOutUcastPkts.1 ifHighSpeed.1"

# Small RRAs for both tools, so the disk is not what is measured.
mkdir -p "$LAB_DIR/layouts"
for l in icmp if; do
	grep -v '^rra' "rrd/$l.layout" >"$LAB_DIR/layouts/$l.layout"
	echo "rra AVERAGE 0.5 1 100" >>"$LAB_DIR/layouts/$l.layout"
done
{
	echo "rrd-dir \"$LAB_DIR/nw-rrd\""
	echo "layouts \"$LAB_DIR/layouts\""
	echo "control-socket \"$LAB_DIR/ctl.sock\""
	echo "state-db \"$LAB_DIR/nocwatch.db\""
	echo "http-rate-limit 0"
	awk -v n="$N" 'BEGIN { for (i = 0; i * 100 < n; i++)
	    printf "site \"s%d\" { kind %s }\n", i + 1, i < 2 ? "datacentre" : "remote" }'
	echo "template \"t\" { snmp version 2c community \"public\""
	echo "  check icmp { interval ${INTERVAL}s timeout 2s count 1 }"
	echo "  check snmp-metrics { interval ${INTERVAL}s timeout 5s oids { $(echo $OIDS) } } }"
	awk '{ printf "device \"d%d\" { site \"s%d\" address %s template \"t\" }\n", NR, int((NR - 1) / 100) + 1, $1 }' "$LAB_DIR/hosts"
} >"$LAB_DIR/nocwatch.conf"

{
	farm_collectd_head "$INTERVAL"
	echo "<Plugin rrdtool>"
	echo "  DataDir \"$LAB_DIR/cd-rrd\""
	echo "  RRARows 100"
	echo "  RRATimespan 6000"
	echo "</Plugin>"
	echo "<Plugin ping>"
	awk '{ printf "  Host \"%s\"\n", $1 }' "$LAB_DIR/hosts"
	echo "  Interval $INTERVAL"
	echo "  Timeout 2"
	echo "</Plugin>"
	echo "<Plugin snmp>"
	i=0
	for o in $OIDS; do
		i=$((i + 1))
		echo "  <Data \"v$i\">"
		echo "    Type \"gauge\""
		echo "    Table false"
		echo "    Instance \"v$i\""
		echo "    Values \"$(python3 -c "
import sys
t = {'ifHCInOctets':'1.3.6.1.2.1.31.1.1.1.6','ifHCOutOctets':'1.3.6.1.2.1.31.1.1.1.10',
     'ifInErrors':'1.3.6.1.2.1.2.2.1.14','ifOutErrors':'1.3.6.1.2.1.2.2.1.20',
     'ifOperStatus':'1.3.6.1.2.1.2.2.1.8','ifInDiscards':'1.3.6.1.2.1.2.2.1.13',
     'ifOutDiscards':'1.3.6.1.2.1.2.2.1.19','ifInUcastPkts':'1.3.6.1.2.1.2.2.1.11',
     'ifOutUcastPkts':'1.3.6.1.2.1.2.2.1.17','ifHighSpeed':'1.3.6.1.2.1.31.1.1.1.15'}
n, i = sys.argv[1].split('.')
print(t[n] + '.' + i)" "$o")\""
		echo "  </Data>"
	done
	collect=$(for j in $(seq 1 10); do printf '"v%d" ' "$j"; done)
	awk -v c="$collect" -v iv="$INTERVAL" '{ printf "  <Host \"d%d\">\n    Address \"%s\"\n    Version 2\n    Community \"public\"\n    Collect %s\n    Interval %d\n  </Host>\n", NR, $1, c, iv }' "$LAB_DIR/hosts"
	echo "</Plugin>"
} >"$LAB_DIR/collectd.conf"
mkdir -p "$LAB_DIR/cd"

find_pid() {	# PATTERN: wait (bounded) for the process to appear
	local i p
	for i in $(seq 1 50); do
		p=$(pgrep -n -f "$1") && { echo "$p"; return 0; }
		sleep 0.1
	done
	return 1
}

sample() {	# PID -> "utime+stime_seconds vmhwm_kb"
	awk '{ printf "%s ", ($14 + $15) / 100 }' "/proc/$1/stat"
	awk '/VmHWM/ { print $2 }' "/proc/$1/status"
}

# --- nocwatchd (BUILD's; REF=DIR: a second build of it after, on the
# same estate from a clean store and RRD directory, for code before and
# after side by side in one run) ---
late_of() {	# BUILD
	lab_exec mon "$1/nocwatch" status --socket "$LAB_DIR/ctl.sock" --json |
	    python3 -c 'import json,sys; d = json.load(sys.stdin)["daemon"]["scheduler"]; print(d["late"], d["runs"], d["max_loop_lag_ms"])'
}
run_nocwatchd() {	# BUILD TAG
	local nb=$1 tag=$2 npid c0 c1 nrss nstat i nopen nsites
	local alate0 aruns0 alate1 aruns1 alag
	rm -rf "$LAB_DIR/nw-rrd" "$LAB_DIR"/nocwatch.db*
	lab_bg mon "$nb/nocwatchd" -f "$LAB_DIR/nocwatch.conf"
	npid=$(find_pid "$nb/nocwatchd -f $LAB_DIR/nocwatch.conf")
	sleep 5
	read -r c0 _ < <(sample "$npid")
	sleep "$RUN"
	read -r c1 nrss < <(sample "$npid")
	nstat=$(lab_exec mon "$nb/nocwatch" status --socket "$LAB_DIR/ctl.sock" --json)
	# The HTTP API under load (ab), while the checks go on; first
	# (bounded) the dead devices' incidents.
	for i in $(seq 1 $((INTERVAL + 30))); do
		nopen=$(lab_exec mon curl -s "http://127.0.0.1:8080/api/v1/incidents?state=open" |
		    python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null)
		[ "${nopen:-0}" -ge "$DEAD" ] && break
		sleep 1
	done
	nsites=$(lab_exec mon curl -s "http://127.0.0.1:8080/api/v1/sites" |
	    python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null)
	read -r alate0 aruns0 _ < <(late_of "$nb")
	for ep in sites incidents; do
		lab_exec mon ab -q -k -c 16 -t 20 -n 10000000 \
		    "http://127.0.0.1:8080/api/v1/$ep" >"$LAB_DIR/ab-$ep-$tag.txt" 2>&1
	done
	read -r alate1 aruns1 alag < <(late_of "$nb")
	kill -TERM "$npid"
	sleep 3
	printf '%s' "$nstat" | python3 -c '
import json, sys
d = json.load(sys.stdin)["daemon"]
print(d["rrd"]["values"], d["rrd"]["queued"], d["scheduler"]["late"], d["scheduler"]["runs"], d["scheduler"]["max_loop_lag_ms"])' >"$LAB_DIR/nstat-$tag"
	echo "$(awk -v a="$c0" -v b="$c1" 'BEGIN { print b - a }') $nrss ${nsites:-?} ${nopen:-?} $((aruns1 - aruns0)) $((alate1 - alate0)) $alag" >"$LAB_DIR/nrun-$tag"
}
run_nocwatchd "$B" this
[ -n "${REF:-}" ] && run_nocwatchd "$REF" ref

# --- collectd (SKIP_COLLECTD=1: not run) ---
d0=0 d1=0 crss=0 clate=0 cvalues=0
if [ "${SKIP_COLLECTD:-0}" != 1 ]; then
lab_bg mon collectd -f -C "$LAB_DIR/collectd.conf"
cpid=$(find_pid "collectd -f -C $LAB_DIR/collectd.conf")
sleep 5
read -r d0 _ < <(sample "$cpid")
sleep "$RUN"
read -r d1 crss < <(sample "$cpid")
kill -TERM "$cpid"
sleep 2
clate=$(grep -c "above its read interval\|took .* seconds" "$LAB_DIR/collectd.log" 2>/dev/null)
cfiles=$(find "$LAB_DIR/cd-rrd" -name '*.rrd' 2>/dev/null | wc -l)
cvalues=$(find "$LAB_DIR/cd-rrd" -name '*.rrd' 2>/dev/null | head -2000 | while read -r f; do
	rrdtool fetch "$f" AVERAGE -s "-$RUN" 2>/dev/null | awk 'NR > 2 { for (i = 2; i <= NF; i++) if ($i !~ /nan/) n++ } END { print n + 0 }'
done | awk -v tot="$cfiles" '{ s += $1; n++ } END { if (n) print s / n * tot; else print 0 }')
fi


report_row() {	# TAG LABEL
	local nc nr nwritten nqueued nlate nruns nlag
	read -r nc nr _ <"$LAB_DIR/nrun-$1"
	read -r nwritten nqueued nlate nruns nlag <"$LAB_DIR/nstat-$1"
	awk -v run="$RUN" -v nc="$nc" -v nr="$nr" -v nw="$nwritten" \
	    -v nl="$nlate" -v l="$2" 'BEGIN {
		printf "%-24s %10.1f %10.1f %16.0f %14d\n", l, nc * 100 / run, nr / 1024, nw / run, nl }'
}
echo "Daemon: $N devices x (1 ICMP + 10 SNMP values) every $INTERVAL s, $RUN s measured"
printf '%-24s %10s %10s %16s %14s\n' tool "CPU %" "RSS MB" "RRD values/s" "late cycles"
report_row this "nocwatchd ($B)"
[ -n "${REF:-}" ] && report_row ref "nocwatchd ($REF)"
[ "${SKIP_COLLECTD:-0}" != 1 ] && awk -v run="$RUN" \
    -v dc="$(awk -v a="$d0" -v b="$d1" 'BEGIN { print b - a }')" -v cr="$crss" \
    -v cv="$cvalues" -v cl="$clate" 'BEGIN {
	printf "%-24s %10.1f %10.1f %16.0f %14d\n", "collectd", dc * 100 / run, cr / 1024, cv / run, cl }'
for tag in this ${REF:+ref}; do
	read -r _ _ nsites nopen aruns alate alag <"$LAB_DIR/nrun-$tag"
	read -r _ _ _ nruns nlag <"$LAB_DIR/nstat-$tag"
	echo "nocwatchd ($tag): $nruns check runs, worst event-loop lag $nlag ms"
	for ep in sites incidents; do
		awk -v ep="$ep" '/^Requests per second/ { rps = $4 }
		    /^Time per request:.*\(mean\)$/ { mean = $4 }
		    /^  99%/ { p99 = $2 }
		    /^Failed requests/ { failed = $3 }
		    /^Non-2xx responses/ { non2xx = $3 }
		    /^Document Length/ { len = $3 }
		    END { printf "  API /api/v1/%s under ab (16 connections, 20 s): %d bytes, %.0f requests/s, mean %.2f ms, 99%% within %s ms, %d failed, %d not 2xx\n", ep, len, rps, mean, p99, failed, non2xx }' "$LAB_DIR/ab-$ep-$tag.txt"
	done
	echo "  estate during the API load: $nsites sites, $nopen open incidents"
	echo "  checks during the API load: $aruns runs, $alate late, worst event-loop lag $alag ms"
done
