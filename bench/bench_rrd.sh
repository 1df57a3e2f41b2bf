#!/usr/bin/env bash
# Cost per stored value: nocwatchd against collectd (ping + snmp + rrdtool
# with its write cache, CacheTimeout 120) on the same estate, one after the
# other in one run, and nocwatchd once more writing through rrdcached (-w
# 120), rrdcached's own CPU counted.  N hosts (default 1000) on lab
# addresses served by one snmpd, each every INTERVAL s (10): one ICMP echo,
# the IF-MIB HC octet counters of its two interfaces and sysUpTime.0, into
# RRD files.  Each daemon runs WARM s (30) and is then measured for RUN s
# (240, twice collectd's cache time, so that each writes its files twice).
# PERF=1 also records where nocwatchd's time goes (perf, 60 s).
# Values stored are counted the same way for every run: non-empty values
# in a sample of its RRD files over the window, after it stopped (so what
# its cache held is on disk), scaled to all files.
cd "$(dirname "$0")/.." || exit 1
. tests/lab/lab.sh
. bench/farm.sh
lab_init || exit 1
N=${N:-1000}
INTERVAL=${INTERVAL:-10}
WARM=${WARM:-30}
RUN=${RUN:-240}

farm_hosts "$N" >"$LAB_DIR/hosts"
farm_up "$LAB_DIR/hosts" || exit 1
# The agent's two interfaces (lo and the link), by their indexes.
read -r if1 if2 < <(lab_exec mon snmpwalk -v2c -c public -On 198.18.0.2 \
    .1.3.6.1.2.1.2.2.1.1 | awk -F': ' '{ printf "%s ", $2 }')
OIDS="ifHCInOctets.$if1 ifHCOutOctets.$if1 ifHCInOctets.$if2 ifHCOutOctets.$if2 sysUpTime.0"
NUM_OIDS="1.3.6.1.2.1.31.1.1.1.6.$if1 1.3.6.1.2.1.31.1.1.1.10.$if1 1.3.6.1.2.1.31.1.1.1.6.$if2 1.3.6.1.2.1.31.1.1.1.10.$if2 1.3.6.1.2.1.1.3.0"

# The layouts of rrd/ with a row per sample (step = the interval), as
# collectd makes its files, so both store every value they collect.
mkdir -p "$LAB_DIR/layouts"
for f in rrd/*.layout; do
	sed "s/^step [0-9]*\$/step $INTERVAL/; s/^ds \([a-z_]*\) \([A-Z]*\) [0-9]* /ds \1 \2 $((INTERVAL * 3)) /" \
	    "$f" >"$LAB_DIR/layouts/$(basename "$f")"
done

nw_conf() {	# RRD-DIR [RRDCACHED]
	echo "rrd-dir \"$1\""
	echo "layouts \"$LAB_DIR/layouts\""
	[ -n "${2:-}" ] && echo "rrdcached \"$2\""
	echo "control-socket \"$LAB_DIR/ctl.sock\""
	echo "state-db \"$LAB_DIR/nocwatch-$(basename "$1").db\""
	echo "http-listen none"
	awk -v n="$N" 'BEGIN { for (i = 0; i * 100 < n; i++)
	    printf "site \"s%d\" { kind %s }\n", i + 1, i < 2 ? "datacentre" : "remote" }'
	echo "template \"t\" { snmp version 2c community \"public\""
	echo "  check icmp { interval ${INTERVAL}s timeout 2s count 1 }"
	echo "  check snmp-metrics { interval ${INTERVAL}s timeout 5s oids { $OIDS } } }"
	awk '{ printf "device \"d%d\" { site \"s%d\" address %s template \"t\" }\n", NR, int((NR - 1) / 100) + 1, $1 }' "$LAB_DIR/hosts"
}
nw_conf "$LAB_DIR/nw-rrd" >"$LAB_DIR/nocwatch.conf"
nw_conf "$LAB_DIR/nc-rrd" "unix:$LAB_DIR/rrdcached.sock" >"$LAB_DIR/nocwatch-c.conf"

{
	farm_collectd_head "$INTERVAL"
	echo "<Plugin rrdtool>"
	echo "  DataDir \"$LAB_DIR/cd-rrd\""
	echo "  CacheTimeout 120"
	echo "  CacheFlush 900"
	echo "</Plugin>"
	echo "<Plugin ping>"
	awk '{ printf "  Host \"%s\"\n", $1 }' "$LAB_DIR/hosts"
	echo "  Interval $INTERVAL"
	echo "  Timeout 2"
	echo "</Plugin>"
	echo "<Plugin snmp>"
	i=0
	for o in $NUM_OIDS; do
		i=$((i + 1))
		echo "  <Data \"v$i\">"
		echo "    Type \"derive\""
		echo "    Table false"
		echo "    Instance \"v$i\""
		echo "    Values \"$o\""
		echo "  </Data>"
	done
	awk -v iv="$INTERVAL" '{ printf "  <Host \"d%d\">\n    Address \"%s\"\n    Version 2\n    Community \"public\"\n    Collect \"v1\" \"v2\" \"v3\" \"v4\" \"v5\"\n    Interval %d\n  </Host>\n", NR, $1, iv }' "$LAB_DIR/hosts"
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
cpu_of() { awk '{ print ($14 + $15) / 100 }' "/proc/$1/stat"; }
rss_of() { awk '/VmHWM/ { print $2 }' "/proc/$1/status"; }

# Non-empty values in the window, from a sample of the files, scaled.
stored() {	# DIR FROM TO
	local files
	files=$(find "$1" -name '*.rrd' | wc -l)
	find "$1" -name '*.rrd' | shuf -n 600 --random-source=/dev/zero | while read -r f; do
		rrdtool fetch "$f" AVERAGE -r "$INTERVAL" -s "$2" -e "$3" 2>/dev/null |
		    awk 'NR > 2 { for (i = 2; i <= NF; i++) if ($i !~ /nan/) n++ } END { print n + 0 }'
	done | awk -v tot="$files" '{ s += $1; n++ } END { printf "%d %d\n", n ? s / n * tot : 0, tot }'
}

# One daemon: start, warm up, measure RUN s, stop; "cpu_s rss_kb t0 t1".
measure() {	# NAME HELPER-PID-PATTERN CMD...
	local name=$1 helper=$2 pid hpid=
	shift 2
	lab_bg mon "$@"
	pid=$(find_pid "$*") || { echo "$name did not start" >&2; return 1; }
	[ -n "$helper" ] && hpid=$(pgrep -n -f "$helper")
	sleep "$WARM"
	local c0 h0=0 t0 c1 h1=0 t1 rss
	c0=$(cpu_of "$pid"); [ -n "$hpid" ] && h0=$(cpu_of "$hpid")
	t0=$(date +%s)
	# PERF=1: where nocwatchd's time goes, 60 s of the window.
	if [ "${PERF:-0}" = 1 ] && [ "$name" = nocwatchd ] && command -v perf >/dev/null; then
		perf record -q -e cpu-clock -F 499 -g -p "$pid" -o "$LAB_DIR/perf.data" \
		    -- sleep 60 >/dev/null 2>&1 &
	fi
	sleep "$RUN"
	c1=$(cpu_of "$pid"); [ -n "$hpid" ] && h1=$(cpu_of "$hpid")
	t1=$(date +%s)
	rss=$(rss_of "$pid")
	if [ "$name" != collectd ]; then
		lab_exec mon "$B/nocwatch" status --socket "$LAB_DIR/ctl.sock" --json |
		    python3 -c 'import json,sys; d = json.load(sys.stdin)["daemon"]; print(d["scheduler"]["late"], d["scheduler"]["max_loop_lag_ms"], d["rrd"]["updates"])' \
		    >"$LAB_DIR/$name.status"
	else
		grep -c "above its read interval\|took .* seconds" "$LAB_DIR/collectd.log" \
		    >"$LAB_DIR/$name.status" 2>/dev/null
	fi
	kill -TERM "$pid"
	for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
	echo "$(awk -v a="$c0" -v b="$c1" -v x="$h0" -v y="$h1" 'BEGIN { print b - a, y - x }') $rss $t0 $t1"
}

read -r ncpu _ nrss nt0 nt1 < <(measure nocwatchd "" "$B/nocwatchd" -f "$LAB_DIR/nocwatch.conf")
rrdcached -g -l "unix:$LAB_DIR/rrdcached.sock" -p "$LAB_DIR/rrdcached.pid" -w 120 -z 60 \
    -j "$LAB_DIR/journal" -B -b "$LAB_DIR" >/dev/null 2>&1 &
mkdir -p "$LAB_DIR/journal"
for _ in $(seq 1 50); do [ -S "$LAB_DIR/rrdcached.sock" ] && break; sleep 0.1; done
read -r rcpu rhcpu rrss rt0 rt1 < <(measure rrdcached "rrdcached -g -l unix:$LAB_DIR/rrdcached.sock" \
    "$B/nocwatchd" -f "$LAB_DIR/nocwatch-c.conf")
pkill -TERM -f "rrdcached -g -l unix:$LAB_DIR/rrdcached.sock"; sleep 2
read -r ccpu _ crss ct0 ct1 < <(measure collectd "" collectd -f -C "$LAB_DIR/collectd.conf")

read -r nval nfiles < <(stored "$LAB_DIR/nw-rrd" "$nt0" "$nt1")
read -r rval rfiles < <(stored "$LAB_DIR/nc-rrd" "$rt0" "$rt1")
read -r cval cfiles < <(stored "$LAB_DIR/cd-rrd" "$ct0" "$ct1")
read -r nlate nlag nupd <"$LAB_DIR/nocwatchd.status"
read -r rlate rlag _ <"$LAB_DIR/rrdcached.status"
clate=$(cat "$LAB_DIR/collectd.status")

echo "RRD cost per value: $N hosts x (1 ICMP + 4 HC octet counters + sysUpTime.0) every $INTERVAL s; each measured $RUN s after $WARM s"
printf '%-30s %8s %10s %8s %7s %12s %14s %6s\n' tool CPU-s "CPU %" "RSS MB" files "values/s" "CPU-us/value" late
row() {	# NAME CPU RSS-KB VALUES FILES LATE
	awk -v n="$1" -v c="$2" -v r="$3" -v v="$4" -v f="$5" -v l="$6" -v run="$RUN" 'BEGIN {
	    printf "%-30s %8.2f %10.1f %8.1f %7d %12.0f %14.2f %6s\n", n, c, c * 100 / run, r / 1024, f, v / run, v ? c * 1e6 / v : 0, l }'
}
row "nocwatchd (write-behind 60 s)" "$ncpu" "$nrss" "$nval" "$nfiles" "$nlate"
row "nocwatchd + rrdcached -w 120" "$(awk -v a="$rcpu" -v b="$rhcpu" 'BEGIN { print a + b }')" "$rrss" "$rval" "$rfiles" "$rlate"
echo "  (of which rrdcached: $rhcpu CPU-s)"
row "collectd (CacheTimeout 120)" "$ccpu" "$crss" "$cval" "$cfiles" "$clate"
awk -v a="$ncpu" -v av="$nval" -v c="$ccpu" -v cv="$cval" 'BEGIN {
    if (av && cv && c) printf "nocwatchd / collectd CPU per value: %.2fx\n", (a / av) / (c / cv) }'
echo "nocwatchd: $nupd RRD updates (files written) in its run, worst event-loop lag $nlag ms"
if [ -f "$LAB_DIR/perf.data" ]; then
	echo "nocwatchd's time by function (perf, cpu-clock, 60 s; self time):"
	perf report -i "$LAB_DIR/perf.data" --no-children --sort dso,sym --stdio 2>/dev/null |
	    grep -E '^ +[0-9.]+%' | head -n 15
fi
