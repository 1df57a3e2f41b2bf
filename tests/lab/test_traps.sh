#!/usr/bin/env bash
# nocwatch traps listen in the lab: traps from snmptrap (v1, v2c, v3, an
# inform), UPS and Wi-Fi notifications mapped to events, a wrong community
# dropped, and the linkDown a real snmpd sends by itself when a fibre is cut.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh

cat >"$LAB_DIR/core.conf" <<'CONF'
rocommunity labread
trap2sink 198.51.100.1:9162 labtrap
createUser internal SHA "internalpass1"
iquerySecName internal
rouser internal
notificationEvent linkDownTrap .1.3.6.1.6.3.1.1.5.3 .1.3.6.1.2.1.2.2.1.1 .1.3.6.1.2.1.2.2.1.7 .1.3.6.1.2.1.2.2.1.8
notificationEvent linkUpTrap .1.3.6.1.6.3.1.1.5.4 .1.3.6.1.2.1.2.2.1.1 .1.3.6.1.2.1.2.2.1.7 .1.3.6.1.2.1.2.2.1.8
monitor -r 1 -e linkDownTrap linkDown .1.3.6.1.2.1.2.2.1.8 == 2
monitor -r 1 -e linkUpTrap linkUp .1.3.6.1.2.1.2.2.1.8 != 2
CONF
# labtrap only from site1's range and from the core router: site2 using
# the same community is refused (communities are checked per source).
printf '# trap communities\nlabtrap from 203.0.113.0/30\nlabtrap from 198.51.100.2\n' >"$LAB_DIR/communities"
echo '-e 0x8000000001020304 trapv3 SHA-256 trap-auth-pass AES trap-priv-pass' >"$LAB_DIR/v3users"
lab_bg noc "$NOCWATCH" traps listen 198.51.100.1:9162 --json -t 40 \
    --community-file "$LAB_DIR/communities" --v3-users "$LAB_DIR/v3users" \
    >"$LAB_DIR/traps.json" 2>"$LAB_DIR/traps.err"
listener=${LAB_PIDS[-1]}
lab_wait_udp noc 198.51.100.1 9162 || fail "listener starts" "not listening"

trap_from() {	# HOST ARGS...: snmptrap with no MIB files
	local h=$1
	shift
	lab_exec "$h" snmptrap -M /nonexistent -m '' "$@"
}
T=198.51.100.1:9162
trap_from site1 -v2c -c labtrap $T '' .1.3.6.1.6.3.1.1.5.3 .1.3.6.1.2.1.2.2.1.1.4 i 4 .1.3.6.1.2.1.2.2.1.8.4 i 2
trap_from site1 -v1 -c labtrap $T .1.3.6.1.4.1.8072.3.2.10 203.0.113.2 3 0 '' .1.3.6.1.2.1.2.2.1.1.5 i 5
trap_from site1 -v2c -c labtrap $T '' .1.3.6.1.2.1.33.2.1
trap_from site1 -v2c -c labtrap $T '' .1.3.6.1.2.1.33.2.3 .1.3.6.1.2.1.33.1.6.2.1.2.1 o .1.3.6.1.2.1.33.1.6.3.3
trap_from site1 -v2c -c labtrap $T '' .1.3.6.1.2.1.33.2.4 .1.3.6.1.2.1.33.1.6.2.1.2.1 o .1.3.6.1.2.1.33.1.6.3.2
trap_from site1 -v2c -c labtrap $T '' .1.3.6.1.4.1.14179.2.6.3.8 .1.3.6.1.4.1.14179.2.2.1.1.3.0 s 'ap-<b>hall</b>'
trap_from site1 -v2c -c wrongcommunity $T '' .1.3.6.1.6.3.1.1.5.1
trap_from site2 -v2c -c labtrap $T '' .1.3.6.1.6.3.1.1.5.1
lab_exec site1 snmpinform -M /nonexistent -m '' -v2c -c labtrap -t 2 -r 0 $T '' .1.3.6.1.6.3.1.1.5.2 >/dev/null 2>&1
expect_rc "inform acknowledged (snmpinform exits 0)" 0 $?
trap_from site1 -v3 -e 0x8000000001020304 -u trapv3 -l authPriv -a SHA-256 -A trap-auth-pass -x AES -X trap-priv-pass $T '' .1.3.6.1.6.3.1.1.5.1
trap_from site1 -v3 -e 0x8000000001020304 -u trapv3 -l authPriv -a SHA-256 -A wrong-pass-here -x AES -X trap-priv-pass $T '' .1.3.6.1.6.3.1.1.5.1
# Forged: the configured user's name without its keys (noAuthNoPriv), which
# net-snmp's USM lets through.
trap_from site1 -v3 -e 0x8000000001020304 -u trapv3 -l noAuthNoPriv $T '' .1.3.6.1.6.3.1.1.5.1

# A real router: its snmpd notices the cut and sends linkDown itself.
idx=$(ip -n "$(lab_ns core)" -o link show c1 | cut -d: -f1)
lab_snmpd core 198.51.100.2 "$LAB_DIR/core.conf"
lab_wait_snmp noc 198.51.100.2 labread || fail "core agent starts" "no answer"
sleep 2
cut_at=$(date +%s%N)
lab_cut site1 r1
got=""
for i in $(seq 1 100); do
	if grep -q "\"event\":\"link-down\",\"if_index\":$idx," "$LAB_DIR/traps.json"; then
		got=$(date +%s%N)
		break
	fi
	sleep 0.1
done
[ -n "$got" ] || got=$(date +%s%N)
expect_range "router's own linkDown arrives after the cut (ms)" 0 5000 $((($got - cut_at) / 1000000))
lab_restore site1 r1
for i in $(seq 1 50); do
	grep -q "\"event\":\"link-up\",\"if_index\":$idx," "$LAB_DIR/traps.json" && break
	sleep 0.1
done
kill -TERM "$listener" 2>/dev/null
wait "$listener" 2>/dev/null

j=$(cat "$LAB_DIR/traps.json")
expect_match "v2c linkDown decoded with ifIndex" '"source":"203\.0\.113\.2","version":"2c","inform":false,"trap":"linkDown","trap_oid":"1\.3\.6\.1\.6\.3\.1\.1\.5\.3","event":"link-down","if_index":4' "$j"
expect_match "v1 linkUp converted to v2 form" '"version":"1","inform":false,"trap":"linkUp","trap_oid":"1\.3\.6\.1\.6\.3\.1\.1\.5\.4","event":"link-up","if_index":5' "$j"
expect_match "UPS on battery" '"trap":"upsTrapOnBattery".*"event":"ups-on-battery"' "$j"
expect_match "UPS battery low (alarm added)" '"trap":"upsTrapAlarmEntryAdded".*"event":"ups-battery-low"' "$j"
expect_match "UPS back on utility (alarm removed)" '"trap":"upsTrapAlarmEntryRemoved".*"event":"ups-on-utility"' "$j"
expect_match "AP disassociated" '"trap":"bsnAPDisassociated".*"event":"ap-disassociated"' "$j"
expect_match "device string kept as text" 'ap-<b>hall</b>' "$j"
expect_match "inform received" '"inform":true,"trap":"warmStart"' "$j"
expect_match "v3 authPriv trap received" '"version":"3","inform":false,"trap":"coldStart"' "$j"
expect_match "router coldStart from its own snmpd" '"source":"198\.51\.100\.2","version":"2c","inform":false,"trap":"coldStart"' "$j"
expect_match "router linkDown for the cut interface" "\"source\":\"198\\.51\\.100\\.2\",[^}]*\"event\":\"link-down\",\"if_index\":$idx," "$j"
expect_match "router linkUp after the repair" "\"event\":\"link-up\",\"if_index\":$idx," "$j"
n=$(grep -c '"trap":"coldStart"' "$LAB_DIR/traps.json")
expect_range "wrong community, wrong source, wrong v3 key, v3 without keys, empty v3 user are not delivered (coldStarts)" 2 2 "$n"
expect_match "stats: one bad community, one from a wrong source" ' 1 bad community, 1 from a wrong source' "$(cat "$LAB_DIR/traps.err")"
expect_match "stats: the keyless v3 trap is under the level" ' 1 under the v3 level' "$(cat "$LAB_DIR/traps.err")"
if grep -q '"source":"203.0.113.6"' "$LAB_DIR/traps.json"; then
	fail "community refused from a source it is not allowed for" "site2 trap delivered"
else
	pass "community refused from a source it is not allowed for"
fi
expect_match "stats: the wrong-passphrase v3 trap failed authentication" ' 1 failed v3 authentication' "$(cat "$LAB_DIR/traps.err")"
expect_match "stats: one inform acknowledged" '1 informs acknowledged' "$(cat "$LAB_DIR/traps.err")"

err=$(lab_exec noc "$NOCWATCH" traps listen 99999 2>&1); rc=$?
expect_rc "bad port exits 3" 3 $rc
printf 'labtrap from 999.1.1.1\n' >"$LAB_DIR/badcomm"
err=$(lab_exec noc "$NOCWATCH" traps listen --community-file "$LAB_DIR/badcomm" 198.51.100.1:9163 2>&1); rc=$?
expect_rc "bad community rule exits 3" 3 $rc
expect_match "bad community rule said" "community rule 1: expected" "$err"
err=$(lab_exec noc "$NOCWATCH" traps 2>&1); rc=$?
expect_rc "traps without listen exits 3" 3 $rc
exit 0
