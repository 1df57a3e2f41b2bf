#!/usr/bin/env bash
# The API and the wall read the incident store off the event loop.  A
# store of 300,000 incidents (years of a busy estate) makes a query that
# filters on a priority no row has scan them all (about 55 ms each); 40
# such requests at once held the loop in turn with the reads on it (the
# code before: 292 ms of loop lag, a callback over 100 ms in the
# watchdog's log).  With the reads on the store's worker the loop is not
# held (4 ms), every request is answered (200 within the 5 s deadline, or
# 503 past it or when 32 already wait), a check keeps running, and
# /api/v1/health counts the worker's reads.  The same address holds 8
# event streams and 20 idle connections meanwhile: none of its
# connections is cut for that.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh
D=$PWD/${B:-build}/nocwatchd
DB=$LAB_DIR/state.db
A=198.51.100.1:8088

lab_bg core python3 tests/lab/servers.py banner 198.51.100.2 2222 "SSH-2.0-lab"
lab_wait_tcp noc 198.51.100.2 2222 || fail "the service starts" "no"
RT=$("$NOCWATCH" token read | sed -n 's/^token: //p')
rh=$("$NOCWATCH" token read "$RT" | sed -n 's/.*"\(sha256:[0-9a-f]*\)"/\1/p')
cat >"$LAB_DIR/n.conf" <<CONF
rrd-dir "$LAB_DIR/rrd"
layouts "$PWD/rrd"
control-socket "$LAB_DIR/ctl.sock"
state-db "$DB"
http-listen "$A"
api-token read "$rh" name "wall"
site "dc" { kind datacentre }
device "app" { site "dc" address 198.51.100.2
	check tcp 2222 { interval 1s timeout 500ms } }
CONF

# The daemon makes the store (its schema); stopped, it is filled.  The
# control socket is open before the store is, so wait for an HTTP answer:
# the loop serves none until the start is complete (a sanitizer build
# takes seconds).
lab_bg noc "$D" -f "$LAB_DIR/n.conf" 2>>"$LAB_DIR/daemon.log"
dpid=${LAB_PIDS[-1]}
for _ in $(seq 1 300); do
	lab_exec noc curl -s -o /dev/null --max-time 1 "http://$A/api/v1/health" && break
	sleep 0.1
done
kill "$dpid"
wait "$dpid" 2>/dev/null
python3 - "$DB" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
cols = [r[1] for r in con.execute("PRAGMA table_info(incidents)")]
if not cols:
    sys.exit("the daemon made no incidents table in %s" % sys.argv[1])
row = {"key": None, "cause": "device-down", "situation": "device-down",
       "priority": 4, "state": "resolved", "title": "app down (seeded)",
       "sites": '["dc"]', "devices": '["app"]', "flapping": 0,
       "started_at": 1, "opened_at": 1, "recovered_at": 2, "resolved_at": 3,
       "respond_by": 4, "resolve_by": 5, "updated_at": 3, "episodes": "[]",
       "sla_breached": 0}
use = [c for c in row if c in cols]
sql = "INSERT INTO incidents (%s) VALUES (%s)" % (",".join(use),
    ",".join("?" * len(use)))
def rows():
    for i in range(300000):
        row["key"] = "device:app:%d" % i
        yield [row[c] for c in use]
con.executemany(sql, rows())
con.commit()
PY
expect_rc "a store of 300,000 resolved incidents" 0 $?

lab_bg noc "$D" -f "$LAB_DIR/n.conf" 2>>"$LAB_DIR/daemon.log"
dpid=${LAB_PIDS[-1]}
for _ in $(seq 1 300); do
	lab_exec noc curl -s -o /dev/null --max-time 1 "http://$A/api/v1/health" && break
	sleep 0.1
done
sleep 3
lag0=$(lab_exec noc "$NOCWATCH" status --socket "$LAB_DIR/ctl.sock" --json |
    python3 -c 'import json,sys; print(round(json.load(sys.stdin)["daemon"]["scheduler"]["max_loop_lag_ms"]))')
echo "# worst loop lag before the reads: $lag0 ms"

# The same address holds 8 event streams (a wall) and 20 connections
# that have sent nothing yet (a browser's preconnects) meanwhile: with
# the queries waiting, over 32 connections from one address.  The
# per-client cap counts only connections without a whole request (20
# here); when it counted those being answered it cut some of the
# queries without an answer (curl's 000).
spids=()
for i in $(seq 1 8); do
	lab_exec noc curl -s -N -o /dev/null --max-time 20 \
	    -H "Authorization: Bearer $RT" "http://$A/api/v1/events" &
	spids+=($!)
done
lab_exec noc python3 -c 'import socket, sys, time
s = [socket.create_connection((sys.argv[1], 8088)) for _ in range(20)]
time.sleep(6)' "${A%:*}" &
ipid=$!
sleep 1
# 40 requests at once that scan every row (no incident is a P1).
t0=$(date +%s.%N)
cpids=()
for i in $(seq 1 40); do
	lab_exec noc curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 \
	    -H "Authorization: Bearer $RT" \
	    "http://$A/api/v1/incidents?priority=P1" >"$LAB_DIR/code.$i" &
	cpids+=($!)
done
wait "${cpids[@]}"
t1=$(date +%s.%N)
codes=$(cat "$LAB_DIR"/code.* | sort | uniq -c | awk '{ printf "%s×%s ", $1, $2 }')
echo "# 40 scans of the whole store: $codes in $(python3 -c "print(round($t1 - $t0, 1))") s"
other=$(cat "$LAB_DIR"/code.* | grep -cv '^\(200\|503\)$')
expect_range "every request answered: 200, or 503 (past the deadline, or 32 already waiting)" 0 0 "$other"
expect_range "  and some of them with the rows (200)" 1 40 "$(cat "$LAB_DIR"/code.* | grep -c '^200$')"
lag=$(lab_exec noc "$NOCWATCH" status --socket "$LAB_DIR/ctl.sock" --json |
    python3 -c 'import json,sys; print(round(json.load(sys.stdin)["daemon"]["scheduler"]["max_loop_lag_ms"]))')
echo "# worst loop lag with the reads: $lag ms"
expect_range "the loop was not held by the reads (max lag, ms)" 0 100 "$lag"
held=$(grep -c 'event loop held' "$LAB_DIR/daemon.log")
expect_range "  and the watchdog saw no callback over 100 ms" 0 0 "$held"
reads=$(lab_exec noc curl -s --max-time 5 -H "Authorization: Bearer $RT" \
    "http://$A/api/v1/health" | python3 -c 'import json,sys; r = json.load(sys.stdin)["store_reads"]; print(r["done"] + r["late"] + r["refused"])')
expect_range "/api/v1/health counts the worker's reads" 40 100000 "$reads"
cut=$(lab_exec noc curl -s --max-time 5 -H "Authorization: Bearer $RT" \
    "http://$A/api/v1/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["http"]["cut_per_client"])')
expect_range "  none of those connections cut (cut_per_client)" 0 0 "$cut"
kill "${spids[@]}" 2>/dev/null
wait "$ipid"	# the 20 idle connections closed
# The cap itself still holds: 40 connections from one address that send
# nothing, and its 8 newest are cut at the next sweep (once a second).
sleep 1
lab_exec noc python3 -c 'import socket, sys, time
s = [socket.create_connection((sys.argv[1], 8088)) for _ in range(40)]
time.sleep(3)' "${A%:*}"
cut=$(lab_exec noc curl -s --max-time 5 -H "Authorization: Bearer $RT" \
    "http://$A/api/v1/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["http"]["cut_per_client"])')
expect_range "40 idle connections from one address: its 8 newest cut" 8 8 "$cut"
# The check kept its pace: the service is up, no incident was opened.
n=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from incidents where state != ?", ("resolved",)).fetchone()[0])' "$DB")
expect_range "  no check ran late enough to open an incident" 0 0 "$n"
kill "$dpid"
wait "$dpid" 2>/dev/null
exit 0
