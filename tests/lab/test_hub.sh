#!/usr/bin/env bash
# A hub-and-spoke estate: a remote hub site behind the datacentre, and two
# spoke sites behind the hub (sites three levels deep).  The hub's fibre cut
# is one P1 naming the hub and both spokes; a spoke's fibre cut is one P1
# for that spoke alone, explained by the hub router's port (the link is
# written spoke first: its far end is found from the devices' tree, not
# from the order of its ends).
#
#   noc n0 -- c0 core (dc) c1 -- h0 hub (site hub) h1 -- p0 spk1
#                                                  h2 -- p0 spk2
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
D=$PWD/${B:-build}/nocwatchd
DB=$LAB_DIR/nocwatch.db

lab_host noc; lab_host core; lab_host hub; lab_host spk1; lab_host spk2
lab_link noc n0 198.51.100.1/30 core c0 198.51.100.2/30
lab_link core c1 203.0.113.1/30 hub h0 203.0.113.2/30
lab_link hub h1 203.0.113.5/30 spk1 p0 203.0.113.6/30
lab_link hub h2 203.0.113.9/30 spk2 p0 203.0.113.10/30
lab_forward core
lab_forward hub
lab_exec hub ip addr add 198.18.50.1/32 dev lo
lab_route noc 203.0.113.0/24 198.51.100.2
lab_route noc 198.18.50.0/24 198.51.100.2
lab_route core 203.0.113.4/30 203.0.113.2
lab_route core 203.0.113.8/30 203.0.113.2
lab_route core 198.18.50.0/24 203.0.113.2
lab_route hub 198.51.100.0/24 203.0.113.1
lab_route spk1 198.51.100.0/24 203.0.113.5
lab_route spk2 198.51.100.0/24 203.0.113.9

# Real agents on both routers: IF-MIB from their own interfaces.
echo 'rocommunity labread' >"$LAB_DIR/agent.conf"
lab_snmpd core 198.51.100.2 "$LAB_DIR/agent.conf"
lab_snmpd hub 198.18.50.1 "$LAB_DIR/agent.conf"
lab_wait_snmp noc 198.51.100.2 labread || fail "core agent starts" "no answer"
lab_wait_snmp noc 198.18.50.1 labread || fail "hub agent starts" "no answer"

cat >"$LAB_DIR/d.conf" <<CONF
rrd-dir "$LAB_DIR/rrd"
layouts "$PWD/rrd"
control-socket "$LAB_DIR/ctl.sock"
state-db "$DB"
http-listen "none"
incidents { correlation-window 2s  hold-down 3s  reopen-window 1s }
template "router" {
	snmp version 2c community "labread"
	check icmp { interval 2s timeout 1s count 2 }
	check snmp-metrics { interval 2s timeout 1s oids { ifOperStatus } }
}
site "dc" { kind datacentre }
site "hub" { kind remote parent "dc" }
site "spoke-1" { kind remote parent "hub" }
site "spoke-2" { kind remote parent "hub" }
device "core" { site "dc" address 198.51.100.2 template "router" }
device "hub-rtr" { site "hub" address 198.18.50.1 parent "core" template "router" }
device "spoke-1-rtr" { site "spoke-1" address 203.0.113.6 parent "hub-rtr"
	check icmp { interval 2s timeout 1s count 2 } }
device "spoke-2-rtr" { site "spoke-2" address 203.0.113.10 parent "hub-rtr"
	check icmp { interval 2s timeout 1s count 2 } }
link "hub-fibre" { from "core" interface "c1" to "hub-rtr" interface "h0" }
link "spoke-1-fibre" { from "spoke-1-rtr" interface "p0" to "hub-rtr" interface "h1" }
link "spoke-2-fibre" { from "hub-rtr" interface "h2" to "spoke-2-rtr" interface "p0" }
CONF
"$D" -n -f "$LAB_DIR/d.conf" >/dev/null
expect_rc "sites behind a hub site: the configuration is OK" 0 $?
lab_bg noc "$D" -f "$LAB_DIR/d.conf" 2>"$LAB_DIR/daemon.log"
sleep 8


lab_cut hub h0
lab_inc_wait 'len(I) == 1 and I[0]["state"] == "open"' 30
expect_rc "the hub's fibre cut opens an incident" 0 $?
sleep 4	# a second incident would have opened by now
expect_match "  one P1 fibre-cut naming the hub and both spokes" \
    "^1 P1 fibre-cut \['hub', 'spoke-1', 'spoke-2'\]$" \
    "$(lab_inc_q '"%d %s %s %s" % (len(I), I[0]["priority"], I[0]["cause"], sorted(I[0]["sites"]))')"
expect_match "  every device behind the cut" "^\['hub-rtr', 'spoke-1-rtr', 'spoke-2-rtr'\]$" \
    "$(lab_inc_q 'sorted(I[0]["devices"])')"
lab_restore hub h0
lab_inc_wait 'I[0]["state"] == "resolved"' 40
expect_rc "  resolved when the fibre is back" 0 $?
sleep 3

lab_cut spk1 p0
lab_inc_wait 'len(I) == 2 and I[0]["state"] == "open"' 30
expect_rc "a spoke's fibre cut opens an incident" 0 $?
sleep 4
expect_match "  one P1 fibre-cut for that spoke alone" \
    "^2 P1 fibre-cut \['spoke-1'\] \['spoke-1-rtr'\]$" \
    "$(lab_inc_q '"%d %s %s %s %s" % (len(I), I[0]["priority"], I[0]["cause"], I[0]["sites"], I[0]["devices"])')"
id=$(lab_inc_q 'I[0]["id"]')
expect_match "  explained by the hub router's port (the link's far end from the tree)" \
    'hub-rtr h1 down .*link spoke-1-fibre' "$("$NOCWATCH" incident "$id" --db "$DB")"
lab_restore spk1 p0
lab_inc_wait 'I[0]["state"] == "resolved"' 40
expect_rc "  resolved when it is back" 0 $?
[ "$T_FAILED" -eq 0 ]
