#!/usr/bin/env bash
# Hostile HTTP clients against nocwatchd's descriptors: 400 half-open
# connections (a slowloris that never sends a request), no token needed,
# at a daemon allowed 128 descriptors.  Before, accept() failed with
# EMFILE and libevent retried at once, for ever: ~70% CPU, millions of log
# lines, and the checks failed with "Too many open files".  Now an accept
# error pauses the listener for a second (one log line per 10 s), and past
# 3/4 of the limit new connections wait in the kernel's backlog, so the
# checks keep their descriptors; once the clients go, HTTP answers again.
# An address holding more than 32 connections has its newest cut, and a
# connection that has not sent a whole request within 10 s is cut (a
# slowloris trickling one header byte at a time kept evhttp's idle timeout
# alive for ever), so another client is answered during the attack.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh
D=$PWD/${B:-build}/nocwatchd

lab_bg core python3 tests/lab/servers.py banner 198.51.100.2 2222 "SSH-2.0-lab"
lab_wait_tcp noc 198.51.100.2 2222 || fail "the TCP server starts" "no"
{
	echo "rrd-dir \"$LAB_DIR/rrd\""
	echo "layouts \"$PWD/rrd\""
	echo "control-socket \"$LAB_DIR/ctl.sock\""
	echo "state-db \"$LAB_DIR/state.db\""
	echo 'http-listen "198.51.100.1:8080"'
	echo 'site "dc" { kind datacentre }'
	for i in $(seq 1 10); do
		echo "device \"t-$i\" { site \"dc\" address 198.51.100.2 check tcp 2222 { interval 1s timeout 500ms } }"
	done
} >"$LAB_DIR/n.conf"
lab_bg noc prlimit --nofile=128:128 "$D" -f "$LAB_DIR/n.conf" 2>"$LAB_DIR/daemon.log"
for i in $(seq 1 50); do
	dpid=$(pgrep -f "nocwatchd -f $LAB_DIR/n.conf" | head -1)
	[ -n "$dpid" ] && lab_wait_tcp noc 198.51.100.1 8080 && break
	sleep 0.1
done
cpu() { awk '{ print $14 + $15 }' "/proc/$dpid/stat"; }
st() {	# "failing-tcp-checks accept_errors fd_pauses"
	lab_exec noc "$NOCWATCH" status --socket "$LAB_DIR/ctl.sock" --json 2>/dev/null |
	    python3 -c 'import json,sys
d = json.load(sys.stdin)
c = [x for v in d["devices"] for x in v["checks"]]
print(sum(x["outcome"] != "ok" for x in c))
bad = [x["detail"] for x in c if x["outcome"] != "ok"]
print("#", bad[0] if bad else "", file=sys.stderr)'
}
sleep 3
expect_range "before: every TCP check OK (failing)" 0 0 "$(st)"

cat >"$LAB_DIR/loris.py" <<'PY'
import socket, sys, time
n, hold = int(sys.argv[1]), float(sys.argv[2])
conns = []
for _ in range(n):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect(("198.51.100.1", 8080))
    except BlockingIOError:
        pass
    conns.append(s)
time.sleep(hold)
PY
lab_bg noc python3 "$LAB_DIR/loris.py" 400 25
loris=${LAB_PIDS[-1]}
sleep 3
c0=$(cpu)
l0=$(wc -l <"$LAB_DIR/daemon.log")
sleep 10
c1=$(cpu)
l1=$(wc -l <"$LAB_DIR/daemon.log")
ticks=$(getconf CLK_TCK)
echo "# under 400 half-open connections: $((c1 - c0)) CPU ticks in 10 s, $((l1 - l0)) log lines"
# Before: ~70% of a core (700 ticks at 100 Hz) and hundreds of thousands of lines.
expect_range "  the daemon does not spin (CPU ticks in 10 s, $ticks per s)" 0 $((ticks * 2)) $((c1 - c0))
expect_range "  nor floods its log (lines in 10 s)" 0 20 $((l1 - l0))
expect_range "  every TCP check still OK (failing)" 0 0 "$(st)"
grep -q "cannot accept a connection\|descriptors in use" "$LAB_DIR/daemon.log"
expect_rc "  and it says why new connections wait" 0 $?

# Another client, from another address, during the attack.
t0=$(date +%s%N)
code=""
for i in $(seq 1 40); do
	code=$(lab_exec core curl -s -m 2 -o /dev/null -w '%{http_code}' http://198.51.100.1:8080/api/v1/health)
	case "$code" in [1-5][0-9][0-9]) break ;; esac
	sleep 0.25
done
expect_match "another client is answered during the attack (HTTP status)" '^[1-5][0-9][0-9]$' "$code"
echo "# it waited $((($(date +%s%N) - t0) / 1000000)) ms"

# A slowloris proper: one header byte every 2 s on one connection; with
# "second", after a whole first request and its reply on it.
cat >"$LAB_DIR/trickle.py" <<'PY'
import socket, sys, time
s = socket.create_connection(("198.51.100.1", 8080))
s.settimeout(1)
if sys.argv[1:] == ["second"]:
    s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
    got = b""
    t0 = time.time()
    while b"\r\n\r\n" not in got and time.time() - t0 < 10:
        try:
            got += s.recv(4096)
        except socket.timeout:
            pass
t0 = time.time()
for b in b"GET /api/v1/health HTTP/1.1\r\nX-Slow: " + b"a" * 100:
    try:
        s.send(bytes([b]))
        if s.recv(4096) == b"":
            break
    except socket.timeout:
        pass
    except OSError:
        break
    time.sleep(1)
    if time.time() - t0 > 40:
        break
print(round(time.time() - t0))
PY
t=$(lab_exec site1 python3 "$LAB_DIR/trickle.py")
expect_range "a connection trickling its headers is cut at the deadline (s)" 9 16 "$t"
# A second request on the same connection gets no more time than a
# first: the server closes after each reply, so nothing can trickle on.
t=$(lab_exec site1 python3 "$LAB_DIR/trickle.py" second)
expect_range "a second request trickled on a kept connection is cut within the deadline (s)" 0 16 "$t"
kill "$loris" 2>/dev/null
ok=""
for i in $(seq 1 60); do
	if lab_exec noc curl -s -m 2 -o /dev/null -w '%{http_code}' http://198.51.100.1:8080/api/v1/health | grep -q '^[1-5][0-9][0-9]$'; then
		ok=1
		break
	fi
	sleep 0.5
done
expect_rc "the clients gone: HTTP answers again" 0 $([ -n "$ok" ]; echo $?)
kill -0 "$dpid" 2>/dev/null
expect_rc "the daemon is still running" 0 $?
exit 0
