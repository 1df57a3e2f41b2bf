#!/usr/bin/env bash
# The incident engine end to end in the lab (tests/lab/topo_estate.sh):
# real snmpd agents (a core router that sends linkDown/linkUp traps, a UPS,
# a Wi-Fi controller), real links cut and restored, nocwatchd with its
# SQLite store, and a real HTTP service-desk receiver that refuses every
# webhook for the first minute.
#
#  1. fibre cut to a site of 10 devices: one P1 fibre-cut listing them,
#     within 5 s (trap) / 15 s; restored: resolved with the outage's length;
#     cut again within the reopen window: the same incident reopens;
#  4. the shared upstream of two sites cut: one incident naming both;
#  5. kill -9 of nocwatchd during that outage and a restart: nothing lost,
#     duplicated or notified again; ack;
#  7. the receiver (503 for 60 s, then 200) and an exec handler get every
#     event exactly once (by idempotency key), in order per incident.
# Power, Wi-Fi, two outages at once, flapping and maintenance are in the
# outage scenarios (tests/scenarios/).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_estate.sh
D=$PWD/${B:-build}/nocwatchd
DB=$LAB_DIR/nocwatch.db

{
	echo 'rocommunity labread'
	lab_link_traps 198.51.100.1:9162
} >"$LAB_DIR/core.conf"
cat >"$LAB_DIR/ups.conf" <<'CONF'
rocommunity labread
rwcommunity labwrite
override -rw .1.3.6.1.2.1.33.1.4.1.0 integer 3
override -rw .1.3.6.1.2.1.33.1.2.3.0 integer 42
CONF
cat >"$LAB_DIR/wlc.conf" <<'CONF'
rocommunity labread
rwcommunity labwrite
override -rw .1.3.6.1.4.1.14179.2.2.1.1.6.1 integer 1
override -rw .1.3.6.1.4.1.14179.2.2.1.1.6.2 integer 1
override -rw .1.3.6.1.4.1.14179.2.2.1.1.6.3 integer 1
override -rw .1.3.6.1.4.1.14179.2.2.1.1.6.4 integer 1
CONF
lab_snmpd core 198.51.100.2 "$LAB_DIR/core.conf"
lab_snmpd core 198.51.100.40 "$LAB_DIR/wlc.conf"
lab_snmpd sb 203.0.113.145 "$LAB_DIR/ups.conf"
for a in 198.51.100.2 198.51.100.40 203.0.113.145; do
	lab_wait_snmp noc $a labread || fail "agent $a starts" "no answer"
done

# The service desk: 503 for the first 60 s, then 200; and an exec handler.
lab_bg noc python3 tests/lab/receiver.py --port 8099 --fail-for 60 \
    --log "$LAB_DIR/hook.log"
# A receiver that refuses everything with 400: given up after 3 attempts,
# a dead letter that holds its incident's later events back.
lab_bg noc python3 tests/lab/receiver.py --port 8098 --status 400 \
    --log "$LAB_DIR/hook400.log"
cat >"$LAB_DIR/handler.sh" <<EOF
#!/bin/sh
# JSON on stdin; the environment names the event.
# One file per event (handlers for different incidents run side by side).
cat >"$LAB_DIR/exec/\$NOCWATCH_IDEMPOTENCY_KEY.json"
echo "\$NOCWATCH_EVENT \$NOCWATCH_INCIDENT \$NOCWATCH_IDEMPOTENCY_KEY \${HOME:-nohome}" >>"$LAB_DIR/exec.env"
# The sockets it inherited (the daemon's trap, SNMP and event sockets must
# not leak into a handler).
for f in /proc/\$\$/fd/*; do readlink "\$f"; done | grep -c '^socket:' >>"$LAB_DIR/exec.fds"
exit 0
EOF
chmod 755 "$LAB_DIR/handler.sh"
mkdir -p "$LAB_DIR/exec"

mkdir -p "$LAB_DIR/layouts"
cp rrd/* "$LAB_DIR/layouts/"
{
	cat <<CONF
rrd-dir "$LAB_DIR/rrd"
layouts "$LAB_DIR/layouts"
control-socket "$LAB_DIR/ctl.sock"
state-db "$DB"
trap-listen "198.51.100.1:9162"
trap-community "labtrap" from 198.51.100.0/24
incidents { correlation-window 3s  hold-down 4s  reopen-window 12s  wifi-ap-down 40% }
notify webhook "http://127.0.0.1:8099/hook" { timeout 2s  retry-max 4s }
notify webhook "http://127.0.0.1:8098/gone" { timeout 2s  retry-max 1s }
notify exec "$LAB_DIR/handler.sh" { timeout 5s  retry-max 4s }
notify syslog
defaults { interval 5s timeout 1s retries 2 }
site "dc" { kind datacentre }
site "a" { kind remote parent "dc" }
site "b" { kind remote parent "dc" }
site "c" { kind remote parent "dc" }
site "d" { kind remote parent "dc" }
template "host" { check icmp { interval 5s timeout 1s count 3 } }
device "core" { site "dc" address 198.51.100.2 template "host"
	snmp version 2c community "labread"
	check snmp-metrics { interval 2s oids { ifOperStatus } } }
device "wlc" { site "dc" address 198.51.100.40 parent "core" template "host"
	snmp version 2c community "labread"
	check snmp-metrics { interval 2s oids { bsnAPOperationStatus } } }
device "agg" { site "dc" address 203.0.113.10 parent "core" template "host" }
device "ra" { site "a" address 203.0.113.2 parent "core" template "host" }
device "rb" { site "b" address 203.0.113.6 parent "core" template "host" }
device "ups-b" { site "b" address 203.0.113.145 parent "rb" template "host"
	snmp version 2c community "labread"
	check snmp-status "upsOutputSource.0" { interval 2s expect 3 }
	check snmp-metrics { interval 5s oids { upsEstimatedMinutesRemaining.0 } } }
device "rc" { site "c" address 203.0.113.14 parent "agg" template "host" }
device "rd" { site "d" address 203.0.113.18 parent "agg" template "host" }
device "c-pc" { site "c" address 203.0.113.161 parent "rc" template "host" }
device "d-pc" { site "d" address 203.0.113.177 parent "rd" template "host" }
link "a-fibre" { from "core" interface "c1" to "ra" interface "r1" }
link "b-fibre" { from "core" interface "c2" to "rb" interface "r2" }
link "agg-fibre" { from "core" interface "c3" to "agg" interface "g0" }
link "c-fibre" { from "agg" interface "g1" to "rc" interface "r3" }
link "d-fibre" { from "agg" interface "g2" to "rd" interface "r4" }
CONF
	for i in $(seq 129 137); do
		echo "device \"a-dev$i\" { site \"a\" address 203.0.113.$i parent \"ra\" template \"host\" }"
	done
	for i in 146 147 148; do
		echo "device \"b-dev$i\" { site \"b\" address 203.0.113.$i parent \"rb\" template \"host\" }"
	done
} >"$LAB_DIR/d.conf"
"$D" -n -f "$LAB_DIR/d.conf" >/dev/null
expect_rc "incident lab configuration is OK" 0 $?

start_daemon() {
	lab_bg noc "$D" -d -f "$LAB_DIR/d.conf" 2>>"$LAB_DIR/daemon.log"
	dpid=${LAB_PIDS[-1]}
	for _ in $(seq 1 50); do [ -S "$LAB_DIR/ctl.sock" ] && break; sleep 0.1; done
}
incs() { "$NOCWATCH" incidents --json --db "$DB" 2>/dev/null || echo '[]'; }
# q PYEXPR: evaluate over I, the incidents (newest first); prints the value.
q() {
	incs | python3 -c 'import json,sys
I = json.load(sys.stdin)
def site(s, state=None): return [i for i in I if s in i["sites"] and (state is None or i["state"] == state)]
print(eval(sys.argv[1]))' "$1"
}
# wait_for PYEXPR SECONDS: poll until true; prints the seconds it took.
wait_for() {
	local t0 now
	t0=$(date +%s%N)
	while :; do
		now=$(date +%s%N)
		if [ "$(q "$1")" = True ]; then
			echo "$(((now - t0) / 1000000))" | awk '{ printf "%.1f", $1 / 1000 }'
			return 0
		fi
		[ $(((now - t0) / 1000000000)) -ge "$2" ] && { echo never; return 1; }
		sleep 0.2
	done
}

start_daemon
# Let every check run and pass a few times.
sleep 12
expect_match "a healthy estate has no incident" '^0$' "$(q 'len(I)')"

# --- 1. fibre cut ----------------------------------------------------------
lab_cut sa r1
t=$(wait_for 'len(site("a", "open")) == 1' 30)
expect_range "fibre cut detected (s)" 0 5 "$t"
sleep 6	# let the devices behind join
expect_match "one P1 fibre-cut for site a" '^1 P1 fibre-cut$' \
    "$(q '"%d %s %s" % (len(site("a")), site("a")[0]["priority"], site("a")[0]["cause"])')"
expect_match "it lists the 10 devices of site a" '^10$' \
    "$(q 'len([d for d in site("a")[0]["devices"] if d == "ra" or d.startswith("a-dev")])')"
id1=$(q 'site("a")[0]["id"]')
ev=$("$NOCWATCH" incident "$id1" --db "$DB")
expect_match "the evidence names the core's interface" 'core +core c1 down' "$ev"
expect_match "the timeline starts with opened" 'timeline:
 *[0-9T:Z-]+ +opened' "$ev"
t_cut=$(date +%s)
sleep 5
lab_restore sa r1
t=$(wait_for "site(\"a\")[0][\"state\"] == \"resolved\"" 40)
expect_range "restored fibre resolves (s, after a 4 s hold-down)" 1 25 "$t"
dur=$(q 'site("a")[0]["duration_s"]')
expect_range "the incident's outage duration (s)" 10 30 "$dur"
# The same cut again within the reopen window: the incident reopens.
lab_cut sa r1
wait_for 'site("a")[0]["state"] == "open"' 30 >/dev/null
expect_match "a recurrence within the window reopens the same incident" \
    "^1 $id1 True\$" "$(q 'len(site("a")), site("a")[0]["id"], True' | tr -d '(),')"
expect_match "the timeline says reopened" 'reopened' \
    "$("$NOCWATCH" incident "$id1" --db "$DB")"
lab_restore sa r1
wait_for 'site("a")[0]["state"] == "resolved"' 40 >/dev/null
expect_rc "and resolves again" 0 $?
sleep 13	# past the reopen window (12 s: room for the second cut to be seen under load)

# --- 4. a shared upstream ----------------------------------------------------
n0=$(q 'len(I)')
lab_cut agg g0
t=$(wait_for 'len([i for i in I if i["state"] == "open"]) >= 1' 30)
sleep 6
expect_match "a cut shared upstream: one incident for sites c and d" \
    "^1 P1 fibre-cut \['c', 'd'\]$" \
    "$(q "'%d %s %s %s' % (len(I) - $n0, I[0]['priority'], I[0]['cause'], sorted(I[0]['sites']))")"

# --- 5. kill -9 during the outage, then a restart ----------------------------
before=$(sqlite3 "$DB" 'SELECT COUNT(*) FROM incidents; SELECT COUNT(*) FROM outbox;' | tr '\n' ' ')
kill -9 "$dpid"
wait "$dpid" 2>/dev/null
start_daemon
sleep 12
after=$(sqlite3 "$DB" 'SELECT COUNT(*) FROM incidents; SELECT COUNT(*) FROM outbox;' | tr '\n' ' ')
expect_match "after kill -9 and restart: no incident or notification added" \
    "^${before}\$" "$after"
expect_match "the outage's incident is still the open one" '^1$' \
    "$(q 'len([i for i in I if i["state"] == "open"])')"
id5=$(q 'I[0]["id"]')
"$NOCWATCH" ack "$id5" --by alice --socket "$LAB_DIR/ctl.sock" >/dev/null
expect_rc "nocwatch ack of the open incident" 0 $?
"$NOCWATCH" ack "$id5" --socket "$LAB_DIR/ctl.sock" >/dev/null 2>&1
expect_rc "a second ack is refused" 1 $?
expect_match "acknowledged, by alice" '^acknowledged alice$' \
    "$(q '"%s %s" % (I[0]["state"], I[0]["acknowledged_by"])')"
lab_restore agg g0
wait_for 'all(i["state"] == "resolved" for i in I)' 40 >/dev/null
expect_rc "restored after the restart: resolved" 0 $?

# --- 7. notifications: every event once, in order ----------------------------
# The last deliveries (retries of the refused channel included).
for _ in $(seq 1 60); do
	[ "$(sqlite3 "$DB" "SELECT COUNT(*) FROM outbox WHERE state = 'pending'")" = 0 ] && break
	sleep 0.5
done
python3 - "$DB" "$LAB_DIR/hook.log" "$LAB_DIR/exec" <<'PY' >"$LAB_DIR/notify.out"
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT channel, idem_key, incident, event, state, id FROM outbox ORDER BY id").fetchall()
want = {}
for ch, key, inc, ev, st, _ in rows:
    if ch.startswith("webhook:http://127.0.0.1:8099/"):
        want[key] = (inc, ev, st)
hook = [json.loads(l) for l in open(sys.argv[2])]
ok = [h for h in hook if h["status"] == 200]
got = {}
for h in ok:
    got.setdefault(h["key"], 0)
    got[h["key"]] += 1
print("outbox_webhook_rows", len(want))
print("pending", sum(1 for v in want.values() if v[2] != "sent"))
print("refused_503", sum(1 for h in hook if h["status"] == 503))
print("keys_missing", len(set(want) - set(got)))
print("keys_unknown", len(set(got) - set(want)))
print("keys_dup_accepted", sum(1 for k, n in got.items() if n > 1))
print("header_matches_body", all(h["header_key"] == h["key"] for h in hook))
# In order per incident: the accepted events follow the outbox order.
order = {key: i for i, (ch, key, inc, ev, st, i) in enumerate(rows)}
byinc = {}
for h in ok:
    byinc.setdefault(h["incident"], []).append(order.get(h["key"], -1))
print("in_order", all(v == sorted(v) for v in byinc.values()))
firsts = {}
for h in ok:
    firsts.setdefault(h["incident"], h["event"])
print("first_is_opened", all(e == "opened" for e in firsts.values()))
import glob, os
ex = [json.load(open(f)) for f in glob.glob(os.path.join(sys.argv[3], "*.json"))]
exkeys = [e["idempotency_key"] for e in ex]
exwant = [k for ch, k, inc, ev, st, _ in rows if ch.startswith("exec:")]
print("exec_all", sorted(set(exkeys)) == sorted(exwant))
PY
out=$(cat "$LAB_DIR/notify.out")
expect_match "the receiver refused webhooks for a minute" 'refused_503 [1-9]' "$out"
expect_match "every webhook event was delivered" 'pending 0' "$out"
expect_match "no event missing at the receiver" 'keys_missing 0' "$out"
expect_match "no unknown event at the receiver" 'keys_unknown 0' "$out"
expect_match "no event accepted twice" 'keys_dup_accepted 0' "$out"
expect_match "Idempotency-Key header matches the body" 'header_matches_body True' "$out"
expect_match "events in order per incident" 'in_order True' "$out"
expect_match "each incident's first event is opened" 'first_is_opened True' "$out"
expect_match "the exec handler got every event" 'exec_all True' "$out"
# Given up: each incident's first event there is a dead letter, its later
# events wait behind it (in order, for `nocwatch outbox retry`), none is
# sent, none is tried more than 3 times.
expect_match "a 400 is given up after 3 attempts, not retried forever" '^([1-9][0-9]*) \1 0 3$' \
    "$(sqlite3 "$DB" "SELECT COUNT(DISTINCT incident), SUM(state = 'failed'), SUM(state = 'sent'), MAX(attempts) FROM outbox WHERE channel LIKE '%8098%'" | tr '|' ' ')"
expect_match "  a dead letter holds its incident's later events back" '^0$' \
    "$(sqlite3 "$DB" "SELECT COUNT(*) FROM outbox WHERE channel LIKE '%8098%' AND state = 'pending' AND attempts > 0")"
expect_match "the exec handler ran with a minimal environment" ' nohome$' \
    "$(tail -1 "$LAB_DIR/exec.env")"
expect_match "  and inherited no socket of the daemon's (sockets per run)" '^0( 0)*$' \
    "$(sort -u "$LAB_DIR/exec.fds" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"

# Acknowledge: a resolved incident refuses, an open one takes it once.
"$NOCWATCH" ack "$id1" --socket "$LAB_DIR/ctl.sock" >/dev/null 2>&1
expect_rc "ack of a resolved incident is refused" 1 $?

mkdir -p tests/out/artifacts
"$NOCWATCH" incidents --db "$DB" >tests/out/artifacts/incidents-list.txt
"$NOCWATCH" incident "$id1" --db "$DB" >tests/out/artifacts/incident-1.txt
cp "$LAB_DIR/daemon.log" tests/out/artifacts/incidents-daemon.log 2>/dev/null
cp "$LAB_DIR/notify.out" tests/out/artifacts/incidents-notify.txt 2>/dev/null
[ "$T_FAILED" -eq 0 ]
