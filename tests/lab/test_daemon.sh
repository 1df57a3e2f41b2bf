#!/usr/bin/env bash
# nocwatchd in the lab for about 30 s: a core router's real snmpd, ICMP
# targets, test traffic across the router; RRD files with the layouts' data
# sources and RRAs and plausible values (direct and through rrdcached);
# graphs; a trap that triggers a re-check within a second; a reload with a
# bad file that keeps the running configuration, then a good one; SIGTERM.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh
D=$PWD/${B:-build}/nocwatchd

cat >"$LAB_DIR/core.conf" <<'CONF'
rocommunity labread
override -rw .1.3.6.1.2.1.33.1.4.1.0 integer 3
CONF
lab_snmpd core 198.51.100.2 "$LAB_DIR/core.conf"
lab_wait_snmp noc 198.51.100.2 labread || fail "core agent starts" "no answer"

# The layouts of rrd/ with 5-second steps, so 30 s make several rows.
mkdir -p "$LAB_DIR/layouts"
for f in rrd/*.layout; do
	sed 's/^step [0-9]*$/step 5/; s/^ds \([a-z_]*\) \([A-Z]*\) [0-9]* /ds \1 \2 15 /' \
	    "$f" >"$LAB_DIR/layouts/$(basename "$f")"
done
cp rrd/*.graph "$LAB_DIR/layouts/"

write_conf() {	# FILE RRD-DIR SOCKET [RRDCACHED]
	cat >"$1" <<CONF
rrd-dir "$2"
layouts "$LAB_DIR/layouts"
control-socket "$3"
state-db "$2/../state-$(basename "$3").db"
trap-listen "198.51.100.1:9162"
trap-community "labtrap" from 198.51.100.2
${4:+rrdcached \"$4\"}
site "dc" { kind datacentre }
site "lib" { kind remote parent "dc" }
template "router" {
	snmp version 2c community "labread"
	check icmp { interval 2s timeout 1s count 3 }
	check snmp-metrics { interval 5s timeout 2s
		oids { ifHCInOctets ifHCOutOctets ifInErrors ifOutErrors ifInDiscards ifOutDiscards ifOperStatus upsOutputSource.0 } }
}
device "core" { site "dc" address 198.51.100.2 template "router" }
device "lib-rtr" { site "lib" address 203.0.113.2 parent "core"
	check icmp { interval 3s timeout 1s }
	check tcp 2222 { interval 3s timeout 1s }
	check pcap "n0" { filter "icmp" silent 2s interval 4s timeout 3s }
	check pcap "n0" { filter "udp port 3784" silent 2s interval 4s timeout 3s }
}
CONF
}

status() { lab_exec noc "$NOCWATCH" status --socket "$1" --json; }

# --- direct RRD writes ---------------------------------------------------
write_conf "$LAB_DIR/d.conf" "$LAB_DIR/rrd" "$LAB_DIR/ctl.sock"
"$D" -n -f "$LAB_DIR/d.conf" >/dev/null
expect_rc "lab configuration is OK" 0 $?
lab_bg noc "$D" -f "$LAB_DIR/d.conf"
dpid=${LAB_PIDS[-1]}
for i in $(seq 1 50); do [ -S "$LAB_DIR/ctl.sock" ] && break; sleep 0.1; done
# Traffic across the core router for 20 s: noc -> site1 through c0 and c1.
lab_exec noc "$NOCWATCH" probe icmp -n 2000 -i 10ms -s 1400 -t 1s 203.0.113.2 >/dev/null &
traffic=$!
sleep 12

# A trap from the router: its checks and its children's run at once.
before=$(status "$LAB_DIR/ctl.sock")
t0=$(date +%s%N)
lab_exec core snmptrap -M /nonexistent -m '' -v2c -c labtrap 198.51.100.1:9162 '' \
    .1.3.6.1.6.3.1.1.5.3 .1.3.6.1.2.1.2.2.1.1.3 i 3
# Counted per check (a scheduled run soon after may clear "last run by
# trap"), timed by the daemon's own stamp of each re-check's start.
printf '%s' "$before" >"$LAB_DIR/before.json"
ok=""
for i in $(seq 1 40); do
	s=$(status "$LAB_DIR/ctl.sock")
	ok=$(printf '%s' "$s" | python3 -c 'import json,sys
b = {(dv["name"], i): c["trap_runs"] for dv in json.load(open(sys.argv[1]))["devices"] for i, c in enumerate(dv["checks"])}
d = json.load(sys.stdin)
new = [c["trap_run_at_ms"] for dv in d["devices"] for i, c in enumerate(dv["checks"]) if c["trap_runs"] > b[(dv["name"], i)]]
print(max(new) - int(sys.argv[2]) // 1000000 if len(new) == 4 else "")' "$LAB_DIR/before.json" "$t0")
	[ -n "$ok" ] && break
	sleep 0.1
done
expect_range "a trap re-checks the router and the device below it (not passive watches) within 1 s (ms)" 0 1000 "${ok:-99999}"
expect_match "the trap was counted" '"rechecks":1' "$s"

# A reload with a broken file keeps the running configuration...
cp "$LAB_DIR/d.conf" "$LAB_DIR/good.conf"
echo 'device "x" { site "nowhere" address 203.0.113.9 }' >>"$LAB_DIR/d.conf"
runs_before=$(printf '%s' "$s" | python3 -c 'import json,sys; print(json.load(sys.stdin)["devices"][0]["checks"][0]["runs"])')
kill -HUP "$dpid"
sleep 1
s=$(status "$LAB_DIR/ctl.sock")
expect_match "bad reload: still two devices" '"devices":2,' "$s"
# ...and a good one applies, keeping each check's state.
cp "$LAB_DIR/good.conf" "$LAB_DIR/d.conf"
echo 'device "sw" { site "lib" address 203.0.113.2 parent "lib-rtr" check icmp { interval 5s timeout 1s } }' >>"$LAB_DIR/d.conf"
kill -HUP "$dpid"
sleep 1
s=$(status "$LAB_DIR/ctl.sock")
expect_match "good reload: three devices" '"devices":3,' "$s"
runs_after=$(printf '%s' "$s" | python3 -c 'import json,sys; print(json.load(sys.stdin)["devices"][0]["checks"][0]["runs"])')
expect_range "check state carried over the reload (runs)" "$runs_before" 100000 "$runs_after"
sleep 14
wait "$traffic"
human=$(lab_exec noc "$NOCWATCH" status --socket "$LAB_DIR/ctl.sock")
expect_match "nocwatch status lists the checks" 'lib-rtr +lib +icmp +ok ' "$human"
expect_match "nocwatch status lists the sites" '^sites: dc \(datacentre\) lib \(remote, via dc\)$' "$human"
expect_match "nocwatch status: refused port shown" 'lib-rtr +lib +tcp +refused ' "$human"
expect_match "passive watch hears the ICMP keepalives" 'lib-rtr +lib +pcap +ok ' "$human"
expect_match "passive watch says silent when BFD never comes" 'lib-rtr +lib +pcap +silent .*no matching packet' "$human"
late=$(printf '%s' "$s" | python3 -c 'import json,sys; print(json.load(sys.stdin)["daemon"]["scheduler"]["late"])')
expect_range "no late check runs" 0 0 "$late"
kill -TERM "$dpid"
wait "$dpid"
expect_rc "SIGTERM stops the daemon cleanly" 0 $?
[ -S "$LAB_DIR/ctl.sock" ]
expect_rc "control socket removed" 1 $?

idx_name=c0
info=$(rrdtool info "$LAB_DIR/rrd/core/if.$idx_name.rrd" 2>&1)
expect_match "interface RRD: 5 s step" '^step = 5$' "$info"
expect_match "interface RRD: in is a COUNTER" 'ds\[in\]\.type = "COUNTER"' "$info"
expect_match "interface RRD: oper_status data source" 'ds\[oper_status\]\.type = "GAUGE"' "$info"
expect_match "interface RRD: discards as DERIVE" 'ds\[in_discards\]\.type = "DERIVE"' "$info"
n=$(printf '%s\n' "$info" | grep -c '^rra\[[0-9]*\]\.cf')
expect_range "interface RRD: the layout's 6 RRAs" 6 6 "$n"
info=$(rrdtool info "$LAB_DIR/rrd/core/icmp.rrd")
expect_match "ICMP RRD: median, min, max, loss" 'ds\[rtt_median\].*ds\[rtt_min\].*ds\[rtt_max\].*ds\[loss_pct\]|ds\[loss_pct\]' "$(printf '%s' "$info" | tr '\n' ' ')"
maxin=$(rrdtool fetch "$LAB_DIR/rrd/core/if.c0.rrd" AVERAGE -s -40s | awk 'NR > 2 && $2 != "-nan" && $2 != "nan" { v = $2 + 0; if (v > m) m = v } END { print m + 0 }')
expect_range "traffic from the test shows on c0: bytes/s in (x8 = bits/s)" 10000 1e12 "$maxin"
maxout=$(rrdtool fetch "$LAB_DIR/rrd/core/if.c1.rrd" AVERAGE -s -40s | awk 'NR > 2 && $3 != "-nan" && $3 != "nan" { v = $3 + 0; if (v > m) m = v } END { print m + 0 }')
expect_range "and leaves on c1: bytes/s out" 10000 1e12 "$maxout"
med=$(rrdtool fetch "$LAB_DIR/rrd/lib-rtr/icmp.rrd" AVERAGE -s -40s | awk 'NR > 2 && $2 != "-nan" && $2 != "nan" { v = $2 + 0; if (v > m) m = v } END { print m + 0 }')
expect_range "lib-rtr median RTT is plausible (ms)" 0.001 50 "$med"
[ -f "$LAB_DIR/rrd/core/ups.rrd" ]
expect_rc "UPS values of the router's agent recorded" 0 $?
"$NOCWATCH" graph core if.c0 --rrd-dir "$LAB_DIR/rrd" --defs "$LAB_DIR/layouts" --period 1h -o "$LAB_DIR/traffic.png"
expect_rc "graph of the daemon's traffic data" 0 $?
size=$(stat -c %s "$LAB_DIR/traffic.png" 2>/dev/null || echo 0)
expect_range "graph PNG is not empty (bytes)" 5000 10000000 "$size"
mkdir -p "${TEST_ARTIFACTS:-tests/out/artifacts}"
cp "$LAB_DIR/traffic.png" "${TEST_ARTIFACTS:-tests/out/artifacts}/daemon-traffic.png"

# --- the same through rrdcached ---------------------------------------------
rrdcached -g -l "unix:$LAB_DIR/rrdcached.sock" -p "$LAB_DIR/rrdcached.pid" -w 3600 -z 0 -j "$LAB_DIR" >/dev/null 2>&1 &
rpid=$!
for i in $(seq 1 50); do [ -S "$LAB_DIR/rrdcached.sock" ] && break; sleep 0.1; done
write_conf "$LAB_DIR/c.conf" "$LAB_DIR/rrdc" "$LAB_DIR/ctl2.sock" "unix:$LAB_DIR/rrdcached.sock"
lab_bg noc "$D" -f "$LAB_DIR/c.conf"
cpid=${LAB_PIDS[-1]}
sleep 12
kill -TERM "$cpid"
wait "$cpid"
expect_rc "the rrdcached daemon run stops cleanly" 0 $?
n=$(rrdtool fetch "$LAB_DIR/rrdc/core/icmp.rrd" AVERAGE -s -20s | awk 'NR > 2 && $2 != "-nan" && $2 != "nan"' | wc -l)
expect_range "through rrdcached: rows written and flushed on SIGTERM" 1 100 "$n"
kill "$rpid" 2>/dev/null
exit 0
