#!/usr/bin/env bash
# Forged traps at nocwatchd.  The daemon acts on traps (re-checks, link
# evidence, UPS on battery), so a trap is accepted only as the
# configuration says: v1/v2c by community and source, SNMPv3 only from a
# configured trap-user, from its source, at trap-v3-level or above.  The
# poller's engine-ID discovery user "" exists in net-snmp's user table
# (here a v3 device is polled), and noAuthNoPriv messages naming a known
# user pass net-snmp's USM: before this both were accepted.  Each reject
# is counted by reason in the status.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh
D=$PWD/${B:-build}/nocwatchd

# The polled router: a real snmpd with a known engine ID, so the poller's
# user "poller" is localised to it in net-snmp's user table.
cat >"$LAB_DIR/core.conf" <<'CONF'
exactEngineID 0x8000000001020304
createUser poller SHA "poller-pass" AES "poller-pass"
rouser poller priv
CONF
lab_snmpd core 198.51.100.2 "$LAB_DIR/core.conf"

# A hand-built SNMPv3 noAuthNoPriv linkDown trap (snmptrap refuses an empty
# user name): USER and ENGINE-ID (hex) given.
cat >"$LAB_DIR/v3trap.py" <<'PY'
import socket, sys
def tlv(t, b): 
    n = len(b)
    ln = bytes([n]) if n < 128 else bytes([0x81, n]) if n < 256 else bytes([0x82, n >> 8, n & 255])
    return bytes([t]) + ln + b
def integer(v): return tlv(0x02, v.to_bytes(4, "big"))
def octets(b): return tlv(0x04, b)
def oid(s):
    p = [int(x) for x in s.split(".")]
    out = bytes([40 * p[0] + p[1]])
    for x in p[2:]:
        enc = [x & 127]
        x >>= 7
        while x:
            enc.insert(0, (x & 127) | 128)
            x >>= 7
        out += bytes(enc)
    return tlv(0x06, out)
def seq(*xs): return tlv(0x30, b"".join(xs))
user, engine, dst, port = sys.argv[1].encode(), bytes.fromhex(sys.argv[2]), sys.argv[3], int(sys.argv[4])
vbs = seq(seq(oid("1.3.6.1.2.1.1.3.0"), tlv(0x43, (1234).to_bytes(4, "big"))),
          seq(oid("1.3.6.1.6.3.1.1.4.1.0"), oid("1.3.6.1.6.3.1.1.5.3")),
          seq(oid("1.3.6.1.2.1.2.2.1.1.4"), integer(4)),
          seq(oid("1.3.6.1.2.1.2.2.1.8.4"), integer(2)))
pdu = tlv(0xA7, integer(4711) + integer(0) + integer(0) + vbs)
usm = seq(octets(engine), integer(0), integer(0), octets(user), octets(b""), octets(b""))
msg = seq(integer(3), seq(integer(4711), integer(65507), octets(b"\x00"), integer(3)),
          octets(usm), seq(octets(engine), octets(b""), pdu))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(msg, (dst, port))
PY

cat >"$LAB_DIR/n.conf" <<CONF
rrd-dir "$LAB_DIR/rrd"
layouts "$PWD/rrd"
control-socket "$LAB_DIR/ctl.sock"
state-db "$LAB_DIR/state.db"
http-listen none
trap-listen "198.51.100.1:9162"
trap-community "labtrap" from 203.0.113.0/30
trap-user "trapv3" engine-id "0x8000000001020304" auth SHA-256 auth-passphrase "trap-auth-pass" priv AES priv-passphrase "trap-priv-pass" from 203.0.113.0/30
site "dc" { kind datacentre }
device "core" { site "dc" address 198.51.100.2
	snmp version 3 user "poller" level authPriv auth SHA auth-passphrase "poller-pass" priv AES priv-passphrase "poller-pass"
	check snmp-status "sysUpTime.0" { interval 2s timeout 1s } }
CONF
"$D" -n -f "$LAB_DIR/n.conf" >/dev/null
expect_rc "the configuration is OK" 0 $?
lab_bg noc "$D" -f "$LAB_DIR/n.conf" 2>"$LAB_DIR/daemon.log"
dpid=${LAB_PIDS[-1]}
lab_wait_udp noc 198.51.100.1 9162 || fail "the daemon listens for traps" "no"
for i in $(seq 1 50); do
	lab_exec noc "$NOCWATCH" status --socket "$LAB_DIR/ctl.sock" 2>/dev/null | grep -q '^core .* ok ' && break
	sleep 0.2
done
lab_exec noc "$NOCWATCH" status --socket "$LAB_DIR/ctl.sock" | grep -q '^core .* ok '
expect_rc "the v3 router is polled (its engine discovered, the poller's user localised)" 0 $?

traps() {
	lab_exec noc "$NOCWATCH" status --socket "$LAB_DIR/ctl.sock" --json |
	    python3 -c 'import json,sys; t = json.load(sys.stdin)["daemon"]["traps"]
print(t["packets"], t["accepted"], t["bad_community"], t["bad_source"], t["v3_bad_user"], t["v3_low_level"], t["dropped"], t["v3_auth_failed"])'
}
T=198.51.100.1:9162
send() {	# HOST ARGS...
	local h=$1
	shift
	if [ "$1" = raw ]; then
		lab_exec "$h" python3 "$LAB_DIR/v3trap.py" "$2" 8000000001020304 198.51.100.1 9162
		return
	fi
	lab_exec "$h" snmptrap -M /nonexistent -m '' "$@" $T '' .1.3.6.1.6.3.1.1.5.3 \
	    .1.3.6.1.2.1.2.2.1.1.4 i 4 .1.3.6.1.2.1.2.2.1.8.4 i 2
}
V3="-v3 -e 0x8000000001020304"
wait_packets() {	# N: until N packets were seen (bounded 5 s)
	local i p
	for i in $(seq 1 50); do
		read -r p _ < <(traps)
		[ "$p" -ge "$1" ] && return 0
		sleep 0.1
	done
}
step() {	# LABEL FIELD(1..7) HOST ARGS...: one trap, one counter moves
	local label=$1 field=$2 h=$3 before after
	shift 3
	before=$(traps)
	send "$h" "$@"
	read -r p _ <<<"$before"
	wait_packets $((p + 1))
	after=$(traps)
	python3 - "$label" "$field" "$before" "$after" <<'PY'
import sys
label, field = sys.argv[1], int(sys.argv[2])
b = [int(x) for x in sys.argv[3].split()]
a = [int(x) for x in sys.argv[4].split()]
names = ["accepted", "bad_community", "bad_source", "v3_bad_user", "v3_low_level", "dropped", "v3_auth_failed"]
moved = [names[i - 1] for i in range(1, 8) if a[i] != b[i]]
want = [names[field - 1]]
print(("PASS %s (%s)" if moved == want else "FAIL %s: counters moved: %s, expected %s")
      % ((label, ",".join(moved)) if moved == want else (label, moved, want)))
PY
}
out=$(
step "a v3 authPriv trap from the configured user and range is accepted" 1 site1 $V3 -u trapv3 -l authPriv -a SHA-256 -A trap-auth-pass -x AES -X trap-priv-pass
step "the same user's name without keys (noAuthNoPriv) is under the level" 5 site1 $V3 -u trapv3 -l noAuthNoPriv
step "the empty user (the poller's engine-ID discovery user) is refused" 4 site1 raw ""
step "a hand-built keyless trap naming the configured user is under the level" 5 site1 raw trapv3
step "a v3 user the poller uses is not a trap user" 4 site1 $V3 -u poller -l authPriv -a SHA -A poller-pass -x AES -X poller-pass
step "the right keys from outside the user's range (site2) are refused" 3 site2 $V3 -u trapv3 -l authPriv -a SHA-256 -A trap-auth-pass -x AES -X trap-priv-pass
step "a wrong passphrase fails the digest check and is refused" 7 site1 $V3 -u trapv3 -l authNoPriv -a SHA-256 -A wrong-pass-here
step "a v2c trap with the community from its range is accepted" 1 site1 -v2c -c labtrap
step "the community from another source is refused" 3 site2 -v2c -c labtrap
step "a wrong community is refused" 2 site1 -v2c -c guess
)
echo "$out"
T_FAILED=$((T_FAILED + $(grep -c '^FAIL' <<<"$out")))
kill -0 "$dpid" 2>/dev/null
expect_rc "the daemon is still running" 0 $?

# Configuration errors name file and line.
printf 'trap-user "x" auth SHA auth-passphrase "short"\ntrap-v3-level none\ntrap-user "y" engine-id "0x12" auth SHA auth-passphrase "long-enough"\n' >"$LAB_DIR/bad.conf"
err=$("$D" -n -f "$LAB_DIR/bad.conf" 2>&1)
expect_match "a short trap-user passphrase is an error at file:line" 'bad\.conf:1: .*8 or more' "$err"
expect_match "a bad trap-v3-level is an error at file:line" 'bad\.conf:2: trap-v3-level must be' "$err"
expect_match "a bad engine-id is an error at file:line" 'bad\.conf:3: .*engine-id' "$err"
if grep -q 'short' <<<"$err"; then
	fail "the passphrase is not echoed" "$err"
else
	pass "the passphrase is not echoed"
fi
exit 0
