#!/usr/bin/env bash
# A fibre cut where no link is declared: the estate names each device's
# parent, nothing more.  The core's real snmpd reports its interfaces; when
# site1 goes dark and the core's port to it went down with it, the outage
# is a fibre-cut naming that port.  When site1 only stops answering (its
# link up), it is device-down; site2 behind another port is untouched.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh
D=$PWD/${B:-build}/nocwatchd
DB=$LAB_DIR/nocwatch.db

printf 'rocommunity labread\n' >"$LAB_DIR/core.conf"
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
site "dep" { kind remote parent "dc" }
device "core" { site "dc" address 198.51.100.2
	snmp version 2c community "labread"
	check icmp { interval 2s timeout 1s }
	check snmp-metrics { interval 2s timeout 1s oids { ifOperStatus } } }
device "lib-rtr" { site "lib" address 203.0.113.2 parent "core"
	check icmp { interval 2s timeout 1s } }
device "dep-rtr" { site "dep" address 203.0.113.6 parent "core"
	check icmp { interval 2s timeout 1s } }
CONF
lab_bg noc "$D" -f "$LAB_DIR/d.conf" 2>"$LAB_DIR/daemon.log"
sleep 8
expect_match "a healthy estate has no incident" '^0$' "$(lab_inc_q 'len(I)')"

# site1's router stops answering; its link stays up.
lab_exec site1 nft -f - <<NFT
table inet lab {
	chain input { type filter hook input priority 0; icmp type echo-request drop; }
}
NFT
lab_inc_wait 'len(I) == 1 and I[0]["state"] == "open"' 30
expect_rc "site1 silent, its port up: an incident" 0 $?
expect_match "  device-down P1 for lib alone" "^device-down P1 \['lib'\]$" \
    "$(lab_inc_q '"%s %s %s" % (I[0]["cause"], I[0]["priority"], I[0]["sites"])')"
lab_clear site1
lab_inc_wait 'I[0]["state"] == "resolved"' 30
expect_rc "  resolved when it answers" 0 $?
sleep 2

# site1's fibre is cut: the core's port c1 goes down with it.
lab_cut site1 r1
lab_inc_wait 'len(I) == 2 and I[0]["state"] == "open"' 30
expect_rc "site1's fibre cut: an incident" 0 $?
expect_match "  fibre-cut P1 for lib alone, naming the core's port" \
    "^fibre-cut P1 \['lib'\] lib cut off: fibre cut \(core c1 down\)$" \
    "$(lab_inc_q '"%s %s %s %s" % (I[0]["cause"], I[0]["priority"], I[0]["sites"], I[0]["title"])')"
id=$(lab_inc_q 'I[0]["id"]')
expect_match "  the evidence: c1 went down, no link declared on it" \
    'core +c1 \(ifIndex [0-9]+\) went down as the site went dark \(ifOperStatus poll\); no link is declared on it' \
    "$("$NOCWATCH" incident "$id" --db "$DB")"
lab_restore site1 r1
lab_inc_wait 'all(i["state"] == "resolved" for i in I)' 40
expect_rc "  resolved after the repair" 0 $?
expect_match "site2 behind c2 had no incident" '^0$' \
    "$(lab_inc_q 'len([i for i in I if "dep" in i["sites"]])')"
[ "$T_FAILED" -eq 0 ]
