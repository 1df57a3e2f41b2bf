#!/usr/bin/env bash
# nocwatch probe snmp against real snmpd agents in the lab: a router's own
# interfaces (a cut shows as ifOperStatus down), UPS and Wi-Fi controller
# values changed with snmpset, SNMPv3 authPriv with SHA-2 and AES, wrong
# credentials, and 50 healthy agents polled beside a blackholed and a
# 3 s slow one.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh

cat >"$LAB_DIR/core.conf" <<'CONF'
rocommunity labread
rwcommunity labwrite
createUser labv3 SHA-256 "authpass-256" AES "privpass-aes"
createUser labv3max SHA-512 "authpass-512" AES-256 "privpass-aes256"
rouser labv3 priv
rouser labv3max priv
override -rw .1.3.6.1.2.1.33.1.4.1.0 integer 3
override -rw .1.3.6.1.2.1.33.1.2.3.0 integer 42
override -rw .1.3.6.1.4.1.14179.2.2.1.1.6.1 integer 1
override -rw .1.3.6.1.4.1.14179.2.2.1.1.6.2 integer 1
override -rw .1.3.6.1.4.1.14179.2.2.1.1.3.1 octet_str "ap-library-1"
override -rw .1.3.6.1.4.1.14179.2.2.1.1.3.2 octet_str "ap-library-2"
CONF
lab_snmpd core 198.51.100.2 "$LAB_DIR/core.conf"
lab_wait_snmp noc 198.51.100.2 labread || fail "core agent starts" "no answer"
export NOCWATCH_COMMUNITY=labread
probe() { lab_exec noc "$NOCWATCH" probe snmp "$@"; }
sset() { lab_exec noc snmpset -v2c -c labwrite -M /nonexistent -m '' 198.51.100.2 "$@" >/dev/null; }

out=$(probe 198.51.100.2 sysUpTime.0 sysDescr.0); rc=$?
expect_rc "v2c get exits 0" 0 $rc
expect_match "sysUpTime and sysDescr shown" 'OK sysUpTime\.0 = Timeticks: [0-9]+ \(.*\), sysDescr\.0 = STRING: "Linux' "$out"

idx=$(ip -n "$(lab_ns core)" -o link show c1 | cut -d: -f1)
out=$(probe --expect 1 198.51.100.2 "ifOperStatus.$idx"); rc=$?
expect_rc "fibre up: ifOperStatus of c1 is up" 0 $rc
expect_match "ifOperStatus labelled" "ifOperStatus\.$idx = INTEGER: up\(1\)" "$out"
lab_cut site1 r1
ok=""
for i in $(seq 1 30); do
	out=$(probe --expect up 198.51.100.2 "ifOperStatus.$idx"); rc=$?
	[ $rc = 2 ] && { ok=1; break; }
	sleep 0.2
done
expect_rc "fibre cut: ifOperStatus check goes CRITICAL" 2 $rc
expect_match "fibre cut: the router reports down" "ifOperStatus\.$idx is (down\(2\)|lowerLayerDown\(7\)), expected up" "$out"
lab_restore site1 r1

out=$(probe --table ifTable 198.51.100.2); rc=$?
expect_rc "ifTable exits 0" 0 $rc
expect_match "ifTable has c1 as a row" "^$idx +\| $idx \| \"c1\"" "$out"

out=$(probe --expect 3 198.51.100.2 upsOutputSource.0); rc=$?
expect_match "UPS on mains" 'upsOutputSource\.0 = INTEGER: normal\(3\)' "$out"
sset .1.3.6.1.2.1.33.1.4.1.0 i 5
out=$(probe --expect 3 198.51.100.2 upsOutputSource.0 upsEstimatedMinutesRemaining.0); rc=$?
expect_rc "UPS on battery fails --expect 3" 2 $rc
expect_match "UPS on battery said" 'upsOutputSource\.0 is battery\(5\), expected 3' "$out"
out=$(probe --json 198.51.100.2 upsEstimatedMinutesRemaining.0)
expect_match "minutes remaining in JSON" '^42$' "$(json_get "$out" values.0.value)"

out=$(probe --table bsnAPTable 198.51.100.2); rc=$?
expect_match "AP table: two APs associated" 'associated\(1\)' "$out"
sset .1.3.6.1.4.1.14179.2.2.1.1.6.2 i 2
out=$(probe --walk bsnAPOperationStatus 198.51.100.2); rc=$?
expect_match "AP 2 now disassociating" 'bsnAPOperationStatus\.2 = INTEGER: disassociating\(2\)' "$out"
out=$(probe -w 40 -c 45 198.51.100.2 upsEstimatedMinutesRemaining.0); rc=$?
expect_rc "value 42 over -w 40 exits 1" 1 $rc

export NOCWATCH_AUTH_PASS=authpass-256 NOCWATCH_PRIV_PASS=privpass-aes
out=$(probe -v3 -u labv3 -l authPriv -a SHA-256 -x AES 198.51.100.2 sysName.0); rc=$?
expect_rc "v3 authPriv SHA-256/AES exits 0" 0 $rc
printf 'auth authpass-512\npriv privpass-aes256\n' >"$LAB_DIR/secrets"
chmod 600 "$LAB_DIR/secrets"
out=$(probe -v3 -u labv3max -l authPriv -a SHA-512 -x AES-256 --secrets "$LAB_DIR/secrets" 198.51.100.2 sysUpTime.0); rc=$?
expect_rc "v3 authPriv SHA-512/AES-256 from a secrets file exits 0" 0 $rc
start=$(date +%s%N)
out=$(NOCWATCH_AUTH_PASS=wrong-passphrase probe -v3 -u labv3 -l authPriv -a SHA-256 -x AES -t 500ms -r 1 198.51.100.2 sysName.0); rc=$?
took=$((($(date +%s%N) - start) / 1000000))
expect_rc "v3 wrong auth passphrase exits 2" 2 $rc
expect_match "v3 wrong auth passphrase: auth-failed or timeout" 'CRITICAL (auth-failed|timeout):' "$out"
expect_range "v3 wrong credentials end in bounded time (ms)" 0 3000 $took
out=$(probe -v3 -u nobody -l authPriv -a SHA-256 -x AES -t 500ms -r 1 198.51.100.2 sysName.0); rc=$?
expect_match "v3 unknown user: auth-failed" 'CRITICAL auth-failed: SNMPv3: unknown user name' "$out"
out=$(NOCWATCH_PRIV_PASS=wrong-privpass probe -v3 -u labv3 -l authPriv -a SHA-256 -x AES -t 500ms -r 1 198.51.100.2 sysName.0); rc=$?
expect_rc "v3 wrong priv passphrase exits 2" 2 $rc
unset NOCWATCH_AUTH_PASS NOCWATCH_PRIV_PASS
out=$(NOCWATCH_COMMUNITY=wrong probe -t 300ms -r 1 198.51.100.2 sysName.0); rc=$?
expect_rc "wrong community exits 2" 2 $rc
expect_match "wrong community: timeout after 2 tries" 'CRITICAL timeout: no response from 198\.51\.100\.2 after 2 tries of 300 ms' "$out"
if printf '%s' "$out" | grep -q labread; then
	fail "community never shown" "community in output"
else
	pass "community never shown"
fi

# 50 healthy agents, one blackholed, one 3 s slow, all at once.
lab_host farm
lab_link core c9 198.18.0.1/24 farm f9 198.18.0.2/24
lab_route noc 198.18.0.0/15 198.51.100.2
lab_route farm 198.51.100.0/30 198.18.0.1
listen=""
for i in $(seq 1 50); do
	ip -n "$(lab_ns farm)" addr add "198.18.1.$i/32" dev lo
	listen="$listen,udp:198.18.1.$i:161"
	echo "198.18.1.$i" >>"$LAB_DIR/agents"
done
ip -n "$(lab_ns farm)" addr add 198.18.1.98/32 dev lo
ip -n "$(lab_ns farm)" addr add 198.18.1.99/32 dev lo
lab_route core 198.18.1.0/24 198.18.0.2
echo "rocommunity labread" >"$LAB_DIR/farm.conf"
mkdir -p "$LAB_DIR/farm"
SNMP_PERSISTENT_DIR="$LAB_DIR/farm" lab_bg farm snmpd -f -Lf /dev/null -C -c "$LAB_DIR/farm.conf" \
    -M /nonexistent -m '' -p "$LAB_DIR/farm/pid" "${listen#,}"
# 1.5 s each way: the agent answers 3 s late.
lab_bg farm python3 tests/lab/udp_delay.py 198.18.1.98 161 198.18.1.1 161 1.5
lab_exec farm nft add table inet lab
lab_exec farm nft add chain inet lab input '{ type filter hook input priority 0; }'
lab_exec farm nft add rule inet lab input ip daddr 198.18.1.99 drop
lab_wait_snmp noc 198.18.1.50 labread || fail "farm agents start" "no answer"
lab_wait_udp farm 198.18.1.98 161 || fail "slow relay starts" "not listening"
printf '198.18.1.99\n198.18.1.98\n' >>"$LAB_DIR/agents"
start=$(date +%s%N)
out=$(probe --json -t 5s -r 0 -f "$LAB_DIR/agents" sysUpTime.0)
took=$((($(date +%s%N) - start) / 1000000))
healthy=$(printf '%s\n' "$out" | grep -c '"target":"198.18.1.[0-9]*"[^}]*"outcome":"ok"' )
n=$(printf '%s\n' "$out" | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
ok = [r for r in rows if r["outcome"] == "ok" and r["target"] not in ("198.18.1.98",)]
print(len(ok), max(r["rtt_ms"] for r in ok) if ok else -1)
slow = [r for r in rows if r["target"] == "198.18.1.98"][0]
dead = [r for r in rows if r["target"] == "198.18.1.99"][0]
print(slow["outcome"], round(slow["rtt_ms"]), dead["outcome"])
first = [r["target"] for r in rows[:50]]
print(sum(1 for t in first if t not in ("198.18.1.98", "198.18.1.99")))
')
read -r n_ok max_rtt <<<"$(printf '%s\n' "$n" | sed -n 1p)"
read -r slow_out slow_rtt dead_out <<<"$(printf '%s\n' "$n" | sed -n 2p)"
first50=$(printf '%s\n' "$n" | sed -n 3p)
expect_range "all 50 healthy agents answered" 50 50 "$n_ok"
expect_range "healthy agents answered fast despite the others (max ms)" 0 1000 "$max_rtt"
expect_range "the first 50 answers are the healthy ones" 50 50 "$first50"
expect_match "the 3 s agent answered" '^ok$' "$slow_out"
expect_range "the 3 s agent took about 3 s" 2900 4000 "$slow_rtt"
expect_match "the blackholed agent timed out" '^timeout$' "$dead_out"
expect_range "the whole poll ended in bounded time (ms)" 0 9000 "$took"

err=$(probe 198.51.100.2 2>&1); rc=$?
expect_rc "no OID exits 3" 3 $rc
err=$(probe 198.51.100.2 noSuchName.0 2>&1); rc=$?
expect_rc "unknown name exits 3" 3 $rc
expect_match "unknown name said" "unknown object name 'noSuchName'" "$err"
err=$(probe 198.51.100.2 1.3.6.x 2>&1); rc=$?
expect_rc "malformed OID exits 3" 3 $rc
err=$(probe -v 4 198.51.100.2 sysName.0 2>&1); rc=$?
expect_rc "bad version exits 3" 3 $rc
err=$(probe -v3 -u x -l authPriv -a SHA-256 -x AES 198.51.100.2 sysName.0 2>&1); rc=$?
expect_rc "v3 without passphrases exits 3" 3 $rc
exit 0
