#!/usr/bin/env bash
# UPSes as the field has them: an APC Smart-UPS card (PowerNet-MIB, not
# RFC 1628) at site1, and an RFC 1628 UPS at site2 configured with numeric
# OIDs only.  Both are real snmpd agents whose values (overrides) the test
# changes with snmpset.  The APC UPS on battery is a P2 with its run time,
# and the site going dark makes it the same incident's P1 power-loss; the
# numeric RFC one is just as much a UPS; an APC upsOnBattery v1 trap is
# understood.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh
D=$PWD/${B:-build}/nocwatchd
DB=$LAB_DIR/nocwatch.db
APC=.1.3.6.1.4.1.318.1.1.1
RFC=.1.3.6.1.2.1.33.1

lab_exec site1 ip addr add 203.0.113.130/32 dev lo
lab_exec site2 ip addr add 203.0.113.146/32 dev lo
lab_route core 203.0.113.128/28 203.0.113.2
lab_route core 203.0.113.144/28 203.0.113.6
cat >"$LAB_DIR/apc.conf" <<CONF
rocommunity labread
rwcommunity labwrite 198.51.100.0/24
override -rw $APC.4.1.1.0 integer 2
override -rw $APC.2.1.1.0 integer 2
override -rw $APC.2.2.1.0 integer 100
override -rw $APC.2.2.3.0 integer 190200
CONF
cat >"$LAB_DIR/rfc.conf" <<CONF
rocommunity labread
rwcommunity labwrite 198.51.100.0/24
override -rw $RFC.4.1.0 integer 3
override -rw $RFC.2.3.0 integer 45
CONF
lab_snmpd site1 203.0.113.130 "$LAB_DIR/apc.conf"
lab_snmpd site2 203.0.113.146 "$LAB_DIR/rfc.conf"
lab_wait_snmp noc 203.0.113.130 labread || fail "APC agent starts" "no answer"
lab_wait_snmp noc 203.0.113.146 labread || fail "RFC 1628 agent starts" "no answer"

cat >"$LAB_DIR/d.conf" <<CONF
rrd-dir "$LAB_DIR/rrd"
layouts "$PWD/rrd"
control-socket "$LAB_DIR/ctl.sock"
state-db "$DB"
http-listen "127.0.0.1:8080"
trap-listen "198.51.100.1:9162"
trap-community "labtrap" from 203.0.113.0/24
incidents { correlation-window 2s  hold-down 3s  reopen-window 1s }
site "dc" { kind datacentre }
site "site1" { kind remote parent "dc" }
site "site2" { kind remote parent "dc" }
device "core" { site "dc" address 198.51.100.2 check icmp { interval 2s timeout 1s } }
device "rtr1" { site "site1" address 203.0.113.2 parent "core"
	check icmp { interval 2s timeout 1s count 2 } }
device "ups-apc" { site "site1" address 203.0.113.130 parent "rtr1"
	snmp version 2c community "labread"
	check icmp { interval 2s timeout 1s count 2 }
	check snmp-status "upsBasicOutputStatus.0" { interval 2s timeout 1s expect 2 }
	check snmp-metrics { interval 2s timeout 1s
		oids { upsAdvBatteryRunTimeRemaining.0 upsAdvBatteryCapacity.0 upsBasicBatteryStatus.0 } } }
device "rtr2" { site "site2" address 203.0.113.6 parent "core"
	check icmp { interval 2s timeout 1s count 2 } }
device "ups-rfc" { site "site2" address 203.0.113.146 parent "rtr2"
	snmp version 2c community "labread"
	check icmp { interval 2s timeout 1s count 2 }
	check snmp-status "1.3.6.1.2.1.33.1.4.1.0" { interval 2s timeout 1s expect 3 }
	check snmp-metrics { interval 2s timeout 1s oids { "1.3.6.1.2.1.33.1.2.3.0" } } }
CONF
"$D" -n -f "$LAB_DIR/d.conf" >/dev/null
expect_rc "UPS lab configuration is OK" 0 $?
lab_bg noc "$D" -f "$LAB_DIR/d.conf" 2>"$LAB_DIR/daemon.log"
lab_wait_tcp noc 127.0.0.1 8080 || fail "the HTTP server listens" "no"
sleep 6

ups_set() {	# ADDR OID VALUE: a UPS agent's integer, as the UPS changes it
	lab_exec noc snmpset -M /nonexistent -m '' -v2c -c labwrite "$1" "$2" i "$3" \
	    >/dev/null
}
observed() {	# DEVICE: on_battery minutes_left
	lab_exec noc curl -s --max-time 5 "http://127.0.0.1:8080/api/v1/devices/$1" |
	    python3 -c 'import json,sys
o = json.load(sys.stdin)["observed"]
print(o.get("on_battery"), o.get("minutes_left"))'
}
expect_match "the APC card is read as a UPS: on mains, 31.7 minutes of run time" \
    '^False 31.7$' "$(observed ups-apc)"
expect_match "the RFC 1628 UPS given by numbers is one too: 45 minutes" \
    '^False 45(\.0)?$' "$(observed ups-rfc)"
expect_match "no incident while both are on mains" '^0$' "$(lab_inc_q 'len(I)')"

# The APC UPS goes on battery (onBattery 3): a P2, with its run time.
ups_set 203.0.113.130 "$APC.4.1.1.0" 3
lab_inc_wait 'len(I) == 1 and I[0]["state"] == "open"' 20
expect_rc "APC onBattery opens an incident" 0 $?
expect_match "  P2 on-battery, with the minutes left" \
    '^P2 power-loss on-battery site1 running on battery, 32 minutes left$' \
    "$(lab_inc_q '"%s %s %s %s" % (I[0]["priority"], I[0]["cause"], I[0]["situation"], I[0]["title"])')"
id=$(lab_inc_q 'I[0]["id"]')
expect_match "  the evidence names the PowerNet object" 'UPS on battery \(upsBasicOutputStatus poll\)' \
    "$("$NOCWATCH" incident "$id" --db "$DB")"
# ... and then the site goes dark: the same incident, now P1 power-loss.
lab_cut site1 r1
lab_inc_wait 'I[0]["priority"] == "P1"' 30
expect_rc "  the site going dark makes it P1" 0 $?
expect_match "  the same incident, a power loss for site1" "^1 $id power-loss site1 cut off" \
    "$(lab_inc_q '"%d %s %s %s" % (len(I), I[0]["id"], I[0]["cause"], I[0]["title"])')"
lab_restore site1 r1
ups_set 203.0.113.130 "$APC.4.1.1.0" 2
lab_inc_wait 'I[0]["state"] == "resolved"' 40
expect_rc "  resolved on mains with the site back" 0 $?

# The numeric RFC 1628 UPS on battery (5).
ups_set 203.0.113.146 "$RFC.4.1.0" 5
lab_inc_wait 'len(I) == 2 and I[0]["state"] == "open"' 20
expect_rc "the numeric RFC 1628 UPS on battery opens an incident" 0 $?
expect_match "  P2 on-battery for site2, 45 minutes left" \
    '^P2 on-battery site2 running on battery, 45 minutes left$' \
    "$(lab_inc_q '"%s %s %s" % (I[0]["priority"], I[0]["situation"], I[0]["title"])')"
ups_set 203.0.113.146 "$RFC.4.1.0" 4	# bypass: on mains
lab_inc_wait 'I[0]["state"] == "resolved"' 30
expect_rc "  bypass(4) is mains again: resolved" 0 $?

# An APC v1 trap, upsOnBattery (enterprise apc, specific 5).
mains='ups-apc: on utility power (upsBasicOutputStatus poll)'
n0=$(grep -cF "$mains" "$LAB_DIR/daemon.log")
lab_exec site1 snmptrap -v1 -c labtrap --clientaddr=203.0.113.130 -M /nonexistent \
    -m '' 198.51.100.1:9162 .1.3.6.1.4.1.318 203.0.113.130 6 5 '' >/dev/null
for _ in $(seq 1 30); do
	grep -q 'ups-apc: on battery (on-battery trap from 203.0.113.130)' "$LAB_DIR/daemon.log" && break
	sleep 0.1
done
expect_match "APC upsOnBattery trap read as on battery" \
    'ups-apc: on battery \(on-battery trap from 203.0.113.130\)' "$(cat "$LAB_DIR/daemon.log")"
sleep 2
expect_match "  and the re-check it asked for finds the UPS on mains again" \
    "^$((n0 + 1))$" "$(grep -cF "$mains" "$LAB_DIR/daemon.log")"
[ "$T_FAILED" -eq 0 ]
