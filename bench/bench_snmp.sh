#!/usr/bin/env bash
# SNMP GET round trips against N lab agent addresses (default 2000) served
# by real snmpd, one instance per core left over: nocwatch's engine
# (bench/snmp_rate.c, the code the daemon uses) against net-snmp's own
# snmpget run per agent, as scripts and check_snmp do, in one run.
cd "$(dirname "$0")/.." || exit 1
. tests/lab/lab.sh
. bench/farm.sh
lab_init || exit 1
N=${N:-2000}
SECS=${SECS:-10}

farm_hosts "$N" >"$LAB_DIR/agents"
farm_up "$LAB_DIR/agents" || exit 1
spid=$(cat "$LAB_DIR/s/pid")

proc_cpu() { awk '{ print ($14 + $15) / 100 }' "/proc/$1/stat"; }

a0=$(proc_cpu "$spid")
read -r req ok to secs cpu < <(lab_exec mon "$B/bench/snmp_rate" -f "$LAB_DIR/agents" -d "$SECS" -k "${K:-1}" sysUpTime.0)
a1=$(proc_cpu "$spid")

M=${M:-300}
head -n "$M" "$LAB_DIR/agents" >"$LAB_DIR/agents.few"
/usr/bin/time -f "%e %U %S" -o "$LAB_DIR/snmpget.time" ip netns exec "$(lab_ns mon)" bash -c '
while read -r a; do snmpget -v2c -c public -M /nonexistent -m "" -t 1 -r 0 "$a" .1.3.6.1.2.1.1.3.0 >/dev/null; done <"$1"' _ "$LAB_DIR/agents.few"
read -r gw gu gs <"$LAB_DIR/snmpget.time"

awk -v n="$N" -v req="$req" -v ok="$ok" -v to="$to" -v secs="$secs" -v cpu="$cpu" \
    -v acpu="$(awk -v a="$a0" -v b="$a1" 'BEGIN { print b - a }')" \
    -v m="$M" -v gw="$gw" -v gu="$gu" -v gs="$gs" 'BEGIN {
	rate = ok / secs; us = cpu * 1e6 / req
	grate = m / gw; gus = (gu + gs) * 1e6 / m
	printf "SNMP GET sysUpTime.0: %d agent addresses, one snmpd, %.0f s\n", n, secs
	printf "%-22s %12s %14s %12s %10s\n", "tool", "GETs/s", "CPU us/GET", "timeouts", "agent CPU"
	printf "%-22s %12.0f %14.1f %12d %9.0f%%\n", "nocwatch engine", rate, us, to, acpu * 100 / secs
	printf "%-22s %12.0f %14.1f %12s %10s\n", "snmpget per agent", grate, gus, "-", "-"
	printf "nocwatch CPU per GET allows %.0f GETs/s on one core; ratio snmpget/nocwatch CPU per GET: %.0fx\n", 1e6 / us, gus / us
}'
