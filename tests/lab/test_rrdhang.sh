#!/usr/bin/env bash
# An rrdcached that accepts connections and never answers (hung, or its
# disk stuck).  librrd's own client waits in fgets() without a time-out
# under a process-wide lock, so with it the RRD writer stopped for good
# and the first graph request blocked the event loop on that lock: no
# checks, no health, no SIGTERM.  Now every rrdcached request has a
# deadline (5 s, then backed off), graphs and exports run in a worker
# with their own deadline, and the loop never waits on either.
# Then rrdcached comes back (a real one on the same socket) and the
# writer finds it again.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh
D=$PWD/${B:-build}/nocwatchd
PORT=18097
SOCK=$LAB_DIR/rrdcached.sock

mkdir -p "$LAB_DIR/layouts" "$LAB_DIR/rrd/core"
for f in rrd/*.layout; do
	sed 's/^step [0-9]*$/step 5/; s/^ds \([a-z_]*\) \([A-Z]*\) [0-9]* /ds \1 \2 15 /' \
	    "$f" >"$LAB_DIR/layouts/$(basename "$f")"
done
cp rrd/*.graph "$LAB_DIR/layouts/"
# The file exists already (a restart), so graphs have something to read.
FILE=$LAB_DIR/rrd/core/icmp.rrd
defs=$(awk '$1 == "ds" { print "DS:" $2 ":" $3 ":" $4 ":" $5 ":" $6 }
    $1 == "rra" { print "RRA:" $2 ":" $3 ":" $4 ":" $5 }' "$LAB_DIR/layouts/icmp.layout")
# shellcheck disable=SC2086
rrdtool create "$FILE" --step 5 --start "$(($(date +%s) - 600))" $defs
[ -f "$FILE" ] || fail "the RRD file is made before the start" "no file"

python3 tests/lab/servers.py mute "$SOCK" &
mute=$!
for _ in $(seq 1 50); do [ -S "$SOCK" ] && break; sleep 0.1; done

cat >"$LAB_DIR/n.conf" <<CONF
rrd-dir "$LAB_DIR/rrd"
layouts "$LAB_DIR/layouts"
rrdcached "unix:$SOCK"
control-socket "$LAB_DIR/ctl.sock"
state-db "$LAB_DIR/state.db"
http-listen "127.0.0.1:$PORT"
web-dir "$PWD/web"
site "dc" { kind datacentre }
device "core" { site "dc" address 198.51.100.2 check icmp { interval 1s timeout 500ms count 1 } }
CONF
lab_bg noc "$D" -d -f "$LAB_DIR/n.conf" 2>"$LAB_DIR/daemon.log"
dpid=${LAB_PIDS[-1]}
for _ in $(seq 1 50); do [ -S "$LAB_DIR/ctl.sock" ] && break; sleep 0.1; done
t_start=$(date +%s%N)

st() {	# late max-lag icmp-runs timeouts down
	lab_exec noc "$NOCWATCH" status --socket "$LAB_DIR/ctl.sock" --json 2>/dev/null |
	    python3 -c 'import json,sys
d = json.load(sys.stdin)["daemon"]
s, r = d["scheduler"], d["rrd"]
print(s["late"], round(s["max_loop_lag_ms"]), s["runs"], r.get("rrdcached_timeouts", -1),
      int(r.get("rrdcached_down", False)))'
}

# A graph and an export while the writer waits on rrdcached: each answers
# from the file within its deadline, and the loop goes on meanwhile.
sleep 3
t0=$(date +%s%N)
code=$(lab_exec noc curl -s -o "$LAB_DIR/g.png" -w '%{http_code}' --max-time 30 \
    "http://127.0.0.1:$PORT/graph/core/icmp.png?period=1h")
ms=$((($(date +%s%N) - t0) / 1000000))
echo "# graph with rrdcached hung: HTTP $code in $ms ms"
expect_match "a graph is drawn while rrdcached hangs (HTTP code)" '^200$' "$code"
expect_match "  it is a PNG" 'PNG image data' "$(file "$LAB_DIR/g.png")"
expect_range "  within the graph deadline (ms)" 0 15500 "$ms"
code=$(lab_exec noc curl -s -o "$LAB_DIR/x.json" -w '%{http_code}' --max-time 30 \
    "http://127.0.0.1:$PORT/api/v1/metrics/core/icmp?period=1h")
expect_match "an export is answered too (HTTP code)" '^200$' "$code"

# nocwatch graph asks the daemon to flush the file first (control socket):
# the daemon waits for its writer in a worker, not on its loop.
t0=$(date +%s%N)
lab_exec noc "$NOCWATCH" graph core icmp --rrd-dir "$LAB_DIR/rrd" --defs "$LAB_DIR/layouts" \
    --socket "$LAB_DIR/ctl.sock" --period 1h -o "$LAB_DIR/g2.png" >"$LAB_DIR/graph.out" 2>&1
rc=$?
echo "# nocwatch graph with rrdcached hung: rc $rc in $((($(date +%s%N) - t0) / 1000000)) ms"
expect_match "nocwatch graph draws from the file while rrdcached hangs" 'PNG image data' "$(file "$LAB_DIR/g2.png")"

# Health and status answer at once all the while; checks run on time.
worst=0
for _ in $(seq 1 10); do
	t0=$(date +%s%N)
	lab_exec noc curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$PORT/api/v1/health"
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$ms" -gt "$worst" ] && worst=$ms
	sleep 1
done
expect_range "health answered within 1 s every time (worst ms)" 0 1000 "$worst"
read -r late lag runs tmo down <<<"$(st)"
el=$((($(date +%s%N) - t_start) / 1000000000))
echo "# after ${el} s: late $late, max loop lag $lag ms, runs $runs, rrdcached time-outs $tmo"
expect_range "no check ran late" 0 0 "$late"
expect_range "  the loop never waited (max lag, ms)" 0 250 "$lag"
expect_range "  the 1 s ICMP check kept running (runs)" "$((el - 3))" "$((el + 2))" "$runs"
expect_range "the writer's rrdcached requests timed out and were counted" 1 100 "$tmo"
expect_match "  and logged with the reason" "no answer to .* within 5000 ms" "$(cat "$LAB_DIR/daemon.log")"
expect_match "  and nocwatch status says so" '^rrdcached: .*, [1-9][0-9]* requests timed out' \
    "$(lab_exec noc "$NOCWATCH" status --socket "$LAB_DIR/ctl.sock")"

# rrdcached comes back on the same socket: the writer finds it again.
kill "$mute"
wait "$mute" 2>/dev/null
rm -f "$SOCK"
rrdcached -g -l "unix:$SOCK" -p "$LAB_DIR/rrdcached.pid" -w 3600 -z 0 \
    -j "$LAB_DIR" >/dev/null 2>&1 &
rpid=$!
t_back=$(date +%s)
ok=""
for _ in $(seq 1 90); do
	rrdtool flushcached --daemon "unix:$SOCK" "$FILE" >/dev/null 2>&1
	l=$(rrdtool last "$FILE")
	[ "$l" -ge "$t_back" ] && { ok=1; break; }
	sleep 1
done
echo "# rrdcached back: new samples in the file after $(($(date +%s) - t_back)) s"
expect_match "rrdcached back: the writer's new samples reach the file (within its back-off)" '^1$' "${ok:-0}"

t0=$(date +%s%N)
kill -TERM "$dpid"
wait "$dpid"
expect_rc "SIGTERM stops the daemon cleanly" 0 $?
expect_range "  promptly (ms)" 0 3000 $((($(date +%s%N) - t0) / 1000000))
kill "$rpid" 2>/dev/null
wait "$rpid" 2>/dev/null	# it removes its socket as it goes

# Hung again, and SIGTERM right away: the stop is bounded, not wedged.
rm -f "$SOCK"
python3 tests/lab/servers.py mute "$SOCK" &
mute=$!
for _ in $(seq 1 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
rm -f "$LAB_DIR/ctl.sock"
lab_bg noc "$D" -d -f "$LAB_DIR/n.conf" 2>"$LAB_DIR/daemon2.log"
dpid=${LAB_PIDS[-1]}
for _ in $(seq 1 50); do [ -S "$LAB_DIR/ctl.sock" ] && break; sleep 0.1; done
sleep 2
kill -0 "$dpid" 2>/dev/null || fail "the daemon starts with rrdcached hung" "$(cat "$LAB_DIR/daemon2.log")"
t0=$(date +%s%N)
kill -TERM "$dpid"
for _ in $(seq 1 200); do kill -0 "$dpid" 2>/dev/null || break; sleep 0.1; done
ms=$((($(date +%s%N) - t0) / 1000000))
kill -0 "$dpid" 2>/dev/null && { fail "SIGTERM with rrdcached hung" "still running after 20 s"; kill -9 "$dpid"; }
wait "$dpid"
expect_rc "  it exits 0" 0 $?
echo "# SIGTERM with rrdcached hung: stopped in $ms ms"
cat "$LAB_DIR/daemon2.log"
expect_range "SIGTERM with rrdcached hung stops within the writer's grace (ms)" 0 12000 "$ms"
kill "$mute" 2>/dev/null
exit 0
