#!/usr/bin/env bash
# Optical receive power as fibre evidence.  A remote site stops answering
# while the core's interface to it stays up: with good light at the core it
# is device-down; with the core's receive power (a CISCO-ENTITY-SENSOR
# entSensorValue, an snmpd override changed by snmpset) under the link's
# loss-of-signal level, the same outage is a fibre-cut with that evidence.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh
D=$PWD/${B:-build}/nocwatchd
DB=$LAB_DIR/nocwatch.db
RX=.1.3.6.1.4.1.9.9.91.1.1.1.1.4.1001

cat >"$LAB_DIR/core.conf" <<CONF
rocommunity labread
rwcommunity labwrite
override -rw $RX integer -235
CONF
lab_snmpd core 198.51.100.2 "$LAB_DIR/core.conf"
lab_wait_snmp noc 198.51.100.2 labread || fail "core agent starts" "no answer"
cat >"$LAB_DIR/d.conf" <<CONF
rrd-dir "$LAB_DIR/rrd"
layouts "$PWD/rrd"
control-socket "$LAB_DIR/ctl.sock"
state-db "$DB"
http-listen "none"
incidents { correlation-window 2s  hold-down 3s  reopen-window 1s }
site "dc" { kind datacentre }
site "lib" { kind remote parent "dc" }
device "core" { site "dc" address 198.51.100.2
	snmp version 2c community "labread"
	check icmp { interval 2s timeout 1s }
	check snmp-metrics { interval 2s timeout 1s oids { ifOperStatus } } }
device "lib-rtr" { site "lib" address 203.0.113.2 parent "core"
	check icmp { interval 2s timeout 1s } }
link "lib-fibre" {
	from "core" interface "c1" rx-power "$RX" precision 1 los -30dBm
	to "lib-rtr" interface "r1"
}
CONF
"$D" -n -f "$LAB_DIR/d.conf" >/dev/null
expect_rc "a link with rx-power and los parses" 0 $?
lab_bg noc "$D" -d -f "$LAB_DIR/d.conf" 2>"$LAB_DIR/daemon.log"
sleep 8

# The router stops answering ICMP entirely (the link stays up).
silence() {
	lab_exec site1 nft -f - <<-NFT
	table inet lab {
		chain input { type filter hook input priority 0; icmp type echo-request drop; }
	}
	NFT
}

# The router stops answering; the fibre's light is fine (-23.5 dBm).
silence
lab_inc_wait 'len(I) == 1 and I[0]["state"] == "open"' 30
expect_rc "a dark site with the link up opens an incident" 0 $?
expect_match "  good light: device-down, P1 (the site is cut off)" '^device-down P1$' \
    "$(lab_inc_q '"%s %s" % (I[0]["cause"], I[0]["priority"])')"
lab_clear site1
lab_inc_wait 'I[0]["state"] == "resolved"' 30
expect_rc "  resolved when it answers again" 0 $?
sleep 2

# The core now receives -40.0 dBm: under the -30 dBm loss of signal.
lab_exec noc snmpset -M /nonexistent -m '' -v2c -c labwrite 198.51.100.2 "$RX" i -400 >/dev/null
sleep 4
silence
lab_inc_wait 'len(I) == 2 and I[0]["state"] == "open"' 30
expect_rc "the same outage with the light lost opens an incident" 0 $?
expect_match "  lost light: fibre-cut, P1" '^fibre-cut P1$' \
    "$(lab_inc_q '"%s %s" % (I[0]["cause"], I[0]["priority"])')"
id=$(lab_inc_q 'I[0]["id"]')
expect_match "  the evidence gives the receive power and the level" \
    'core c1 receives -40.0 dBm, under loss of signal \(-30.0 dBm\)' \
    "$("$NOCWATCH" incident "$id" --db "$DB")"
lab_clear site1
lab_exec noc snmpset -M /nonexistent -m '' -v2c -c labwrite 198.51.100.2 "$RX" i -235 >/dev/null
lab_inc_wait 'I[0]["state"] == "resolved"' 30
expect_rc "  resolved when the light and the site are back" 0 $?
[ "$T_FAILED" -eq 0 ]
