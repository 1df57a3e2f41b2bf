#!/usr/bin/env bash
# Least privilege and systemd's protocol (issue 17): nocwatchd started as
# root in the lab, with traps on port 162 and HTTP on port 80, binds them,
# becomes an unprivileged user (nobody here; the package's is nocwatch)
# keeping CAP_NET_RAW only, and still receives traps, pings and serves
# HTTP; a notify handler it runs has no capability at all.  A NOTIFY_SOCKET
# receiver sees READY=1, WATCHDOG=1 (WATCHDOG_USEC) and STOPPING=1.  A
# user that does not exist, or a state directory the user cannot write,
# stops the start with a clear message.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh
D=$PWD/${B:-build}/nocwatchd

# The daemon's user must reach its files: a world-traversable tree, the
# configuration readable, the state made by the daemon itself.
chmod 711 "$LAB_DIR"
P=$LAB_DIR/pd
mkdir -p "$P" "$P/layouts"
chmod 755 "$P" "$P/layouts"
cp rrd/* "$P/layouts/"
chmod 644 "$P/layouts/"*
cat >"$P/handler.sh" <<'SH'
#!/bin/sh
grep -E '^(Uid|CapInh|CapPrm|CapEff|CapAmb|NoNewPrivs)' /proc/$$/status >"$(dirname "$0")/out/handler.status"
SH
chmod 755 "$P/handler.sh"
mkdir -p "$P/out" && chmod 777 "$P/out"	# the handler's, as nobody
cat >"$LAB_DIR/core.conf" <<'CONF'
rocommunity labread
CONF
lab_snmpd core 198.51.100.2 "$LAB_DIR/core.conf"
cat >"$P/d.conf" <<CONF
rrd-dir "$P/state/rrd"
layouts "$P/layouts"
control-socket "$P/ctl.sock"
state-db "$P/state/nocwatch.db"
trap-listen "198.51.100.1:162"
trap-community "labtrap" from 198.51.100.2
http-listen "198.51.100.1:80"
user "nobody"
incidents { correlation-window 1s  hold-down 2s }
notify exec "$P/handler.sh" { timeout 5s }
site "dc" { kind datacentre }
site "s1" { kind remote parent "dc" }
device "core" { site "dc" address 198.51.100.2
	snmp version 2c community "labread"
	check icmp { interval 2s timeout 1s count 2 } }
device "r1" { site "s1" address 203.0.113.2 parent "core"
	check icmp { interval 2s timeout 1s count 2 retries 1 } }
CONF
chmod 644 "$P/d.conf"
"$D" -n -f "$P/d.conf" >/dev/null
expect_rc "configuration with a user is OK" 0 $?

# systemd's side of sd_notify(3): a datagram socket, every message kept.
cat >"$P/notify.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode() + "\n")
PY
python3 "$P/notify.py" "$P/notify.sock" "$P/notify.log" &
npid=$!
for _ in $(seq 1 50); do [ -S "$P/notify.sock" ] && break; sleep 0.1; done
chmod 666 "$P/notify.sock"	# as systemd's: any process of the unit

# trap_accepted SOCKET: a linkDown trap from core to port 162, then the
# daemon's count of accepted traps.
trap_accepted() {
	lab_exec core snmptrap -M /nonexistent -m '' -v2c -c labtrap 198.51.100.1:162 '' \
	    .1.3.6.1.6.3.1.1.5.3 .1.3.6.1.2.1.2.2.1.1.1 i 1
	sleep 1
	lab_exec noc "$NOCWATCH" status --socket "$1" --json |
	    python3 -c 'import json,sys; print(json.load(sys.stdin)["daemon"]["traps"]["accepted"])'
}
# http_code: what the daemon's HTTP server on port 80 answers.
http_code() {
	lab_exec noc curl -s -m 5 -o /dev/null -w '%{http_code}' http://198.51.100.1/api/v1/health
}

start=$(date +%s%N)
NOTIFY_SOCKET=$P/notify.sock WATCHDOG_USEC=2000000 \
    lab_bg noc "$D" -f "$P/d.conf" 2>"$P/daemon.log"
dpid=${LAB_PIDS[-1]}
for _ in $(seq 1 100); do grep -q READY=1 "$P/notify.log" 2>/dev/null && break; sleep 0.1; done
grep -q '^READY=1$' "$P/notify.log"
expect_rc "READY=1 sent once started" 0 $?
# The process that runs (lab_bg may wrap it): the one whose binary is D.
npd=$(pgrep -f "^$D -f $P/d.conf" | head -n 1)
st=$(grep -E '^(Uid|Gid|Groups|CapPrm|CapEff|CapBnd|CapAmb|CapInh|NoNewPrivs)' "/proc/$npd/status")
echo "$st" | sed 's/^/  /'
nob=$(id -u nobody)
expect_match "runs as nobody (real, effective, saved, fs uid)" "Uid:	$nob	$nob	$nob	$nob" "$st"
expect_match "  with nobody's group only" "Groups:	$(id -g nobody) *$" "$st"
expect_match "permitted: CAP_NET_RAW only" 'CapPrm:	0000000000002000' "$st"
expect_match "effective: CAP_NET_RAW only" 'CapEff:	0000000000002000' "$st"
expect_match "bounding set: CAP_NET_RAW only" 'CapBnd:	0000000000002000' "$st"
expect_match "no ambient or inheritable capabilities" 'CapInh:	0000000000000000' "$st"
expect_match "  (ambient)" 'CapAmb:	0000000000000000' "$st"
expect_match "no_new_privs" 'NoNewPrivs:	1' "$st"
expect_match "the log says so" "running as user nobody" "$(cat "$P/daemon.log")"

# Still at work: HTTP on port 80, pings, a trap on port 162.
# (Not from loopback: a token is asked for, which is an answer.)
expect_match "HTTP on port 80 answers after the drop" '^401$' "$(http_code)"
sleep 3
out=$(lab_exec noc "$NOCWATCH" status --socket "$P/ctl.sock" 2>&1)
expect_match "pings work after the drop (core ok)" 'core +dc +icmp +ok' "$out"
expect_match "a trap to port 162 is received after the drop" '^[1-9]' \
    "$(trap_accepted "$P/ctl.sock")"
ls -ln "$P/state" | sed 's/^/  /'
expect_match "state directory made for the user" "^$nob\$" "$(stat -c %u "$P/state")"
expect_match "the store is the user's" "^$nob\$" "$(stat -c %u "$P/state/nocwatch.db")"

# A handler run for an incident inherits no capability.
lab_cut site1 r1
for _ in $(seq 1 100); do [ -s "$P/out/handler.status" ] && break; sleep 0.1; done
hs=$(cat "$P/out/handler.status" 2>/dev/null)
echo "$hs" | sed 's/^/  handler /'
expect_match "a notify handler runs as nobody" "Uid:	$nob	" "$hs"
expect_match "  with no permitted capability" 'CapPrm:	0000000000000000' "$hs"
expect_match "  and no effective one" 'CapEff:	0000000000000000' "$hs"
lab_restore site1 r1

# Watchdog: WATCHDOG=1 at least every half interval (1 s here).
sleep 3
n=$(grep -c '^WATCHDOG=1$' "$P/notify.log")
el=$(( ($(date +%s%N) - start) / 1000000000 ))
echo "  $n WATCHDOG=1 in about $el s"
expect_range "WATCHDOG=1 about once a second (count over ${el} s)" $((el - 4)) $((el + 1)) "$n"

kill -TERM "$dpid"
for _ in $(seq 1 100); do kill -0 "$dpid" 2>/dev/null || break; sleep 0.1; done
grep -q '^STOPPING=1$' "$P/notify.log"
expect_rc "STOPPING=1 sent on SIGTERM" 0 $?
kill "$npid" 2>/dev/null

# As the unit starts it: already its user, with CAP_NET_RAW and
# CAP_NET_BIND_SERVICE as ambient capabilities (setpriv does what
# systemd's User= and AmbientCapabilities= do).  It binds 162 and 80, then
# keeps CAP_NET_RAW alone, and nothing ambient.
# (Its runtime directory is its own, as systemd's RuntimeDirectory=.)
install -d -o nobody -g "$(id -g nobody)" "$P/run"
sed "s|\"$P/ctl.sock\"|\"$P/run/ctl.sock\"|" "$P/d.conf" >"$P/unit.conf"
lab_bg noc setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
    --inh-caps=+net_raw,+net_bind_service --ambient-caps=+net_raw,+net_bind_service \
    "$D" -f "$P/unit.conf" 2>"$P/daemon-unit.log"
upid=${LAB_PIDS[-1]}
for _ in $(seq 1 50); do [ -S "$P/run/ctl.sock" ] && break; sleep 0.1; done
sleep 1
npd=$(pgrep -f "^$D -f $P/unit.conf" | head -n 1)
st=$(grep -E '^(Uid|CapPrm|CapEff|CapAmb|CapInh|NoNewPrivs)' "/proc/$npd/status" 2>&1)
echo "$st" | sed 's/^/  unit-style /'
expect_match "started as the unit does: still nobody" "Uid:	$nob	$nob	$nob	$nob" "$st"
expect_match "  CAP_NET_BIND_SERVICE dropped once bound (effective)" 'CapEff:	0000000000002000' "$st"
expect_match "  (permitted)" 'CapPrm:	0000000000002000' "$st"
expect_match "  nothing ambient for its children" 'CapAmb:	0000000000000000' "$st"
expect_match "  HTTP on port 80 answers" '^401$' "$(http_code)"
expect_match "  a trap to port 162 is received" '^[1-9]' "$(trap_accepted "$P/run/ctl.sock")"
[ -n "$npd" ] || sed 's/^/  log: /' "$P/daemon-unit.log"
kill -TERM "$npd"
for _ in $(seq 1 100); do kill -0 "$npd" 2>/dev/null || break; sleep 0.1; done

# A user that does not exist is an error, not a silent root daemon.
out=$("$D" -f "$P/d.conf" -u no-such-user-here 2>&1); rc=$?
expect_rc "a user that does not exist stops the start" 1 $rc
expect_match "  and says so" "user 'no-such-user-here' does not exist" "$out"
# A state directory the user cannot write: said before anything runs.
mkdir -p "$P/ro" && chmod 755 "$P/ro"
sed "s|\"$P/state/rrd\"|\"$P/ro\"|" "$P/d.conf" >"$P/ro.conf"
sed -i 's|http-listen "198.51.100.1:80"|http-listen "none"|; s|trap-listen "198.51.100.1:162"|trap-listen "198.51.100.1:1162"|; s|ctl.sock|ctl2.sock|' "$P/ro.conf"
out=$(lab_exec noc timeout 10 "$D" -f "$P/ro.conf" 2>&1); rc=$?
expect_rc "an rrd-dir the user cannot write stops the start" 1 $rc
expect_match "  and names it" "rrd-dir $P/ro: not writable as uid $nob" "$out"
exit 0
