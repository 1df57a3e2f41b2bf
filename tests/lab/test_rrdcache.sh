#!/usr/bin/env bash
# The RRD write-behind cache in a running nocwatchd: samples are held for
# rrd-write-delay and then written a file at a time; a reader (the API's
# export, a graph, `nocwatch graph`) makes the daemon write that file first,
# so what it shows is never stale; a reload and SIGTERM write everything;
# kill -9 loses at most the delay and a half of samples.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh
D=$PWD/${B:-build}/nocwatchd
PORT=18094

# 5-second rows, so a minute shows several.
mkdir -p "$LAB_DIR/layouts"
for f in rrd/*.layout; do
	sed 's/^step [0-9]*$/step 5/; s/^ds \([a-z_]*\) \([A-Z]*\) [0-9]* /ds \1 \2 15 /' \
	    "$f" >"$LAB_DIR/layouts/$(basename "$f")"
done
cp rrd/*.graph "$LAB_DIR/layouts/"

write_conf() {	# DELAY
	cat >"$LAB_DIR/n.conf" <<CONF
rrd-dir "$LAB_DIR/rrd"
layouts "$LAB_DIR/layouts"
rrd-write-delay $1
control-socket "$LAB_DIR/ctl.sock"
state-db "$LAB_DIR/state.db"
http-listen "127.0.0.1:$PORT"
web-dir "$PWD/web"
site "dc" { kind datacentre }
device "core" { site "dc" address 198.51.100.2 check icmp { interval 1s timeout 500ms count 1 } }
CONF
}
FILE=$LAB_DIR/rrd/core/icmp.rrd
last() { rrdtool last "$FILE" 2>/dev/null | grep -E "^[0-9]+$" || echo 0; }
status() { lab_exec noc "$NOCWATCH" status --socket "$LAB_DIR/ctl.sock" --json; }
start() {
	lab_bg noc "$D" -f "$LAB_DIR/n.conf"
	dpid=${LAB_PIDS[-1]}
	for _ in $(seq 1 50); do [ -f "$FILE" ] && return 0; sleep 0.2; done
	return 1
}

# --- held, then written for a reader -----------------------------------------
write_conf 60s
start || fail "the daemon makes the RRD file" "no $FILE"
t_start=$(date +%s)
sleep 6
l=$(last)
expect_range "samples are held: the file has none of the 6 s (last update)" 0 "$((t_start - 1))" "$l"
s=$(status)
held=$(printf '%s' "$s" | python3 -c 'import json,sys; r = json.load(sys.stdin)["daemon"]["rrd"]; print(r["cache_bytes"], r["written"], r["write_delay_s"])')
expect_match "status shows the bytes held, none written, the delay" '^[1-9][0-9]* 0 60(\.0)?$' "$held"
human=$(lab_exec noc "$NOCWATCH" status --socket "$LAB_DIR/ctl.sock")
expect_match "nocwatch status shows the cache" '^RRD cache: [0-9.]+ of 64 MB held, written every 60 s' "$human"

t=$(date +%s)
pts=$(lab_exec noc curl -s --max-time 5 "http://127.0.0.1:$PORT/api/v1/metrics/core/icmp?period=1h" |
    python3 -c 'import json,sys
d = json.load(sys.stdin)
ok = [p[0] for p in d["points"] if p[1] is not None]
print(len(ok), max(ok) if ok else 0)')
read -r n newest <<<"$pts"
expect_range "the API's export wrote the file first: rows with values" 1 100 "$n"
expect_range "  and its newest row is of the last 10 s (s before now; a row is stamped at its end)" -5 10 "$((t - newest))"
expect_range "  the file's last update is the newest sample (s before now)" 0 3 "$(($(date +%s) - $(last)))"

sleep 4
t=$(date +%s)
lab_exec noc "$NOCWATCH" graph core icmp --rrd-dir "$LAB_DIR/rrd" --defs "$LAB_DIR/layouts" \
    --socket "$LAB_DIR/ctl.sock" --period 1h -o "$LAB_DIR/g.png"
expect_rc "nocwatch graph draws it" 0 $?
t1=$(date +%s)
# The file's last update against the moment the command began: a sample
# that came in while it ran may be in it (after t); held, the file would
# end at the API's write 4 s and more before.
expect_range "nocwatch graph had the daemon write the file first (s after the command began)" -3 "$((t1 - t))" "$(($(last) - t))"

sleep 4
t=$(date +%s)
kill -HUP "$dpid"
sleep 2
expect_range "a reload writes what is held (s before the reload)" 0 3 "$((t - $(last)))"

sleep 4
t=$(date +%s)
kill -TERM "$dpid"
wait "$dpid"
expect_rc "SIGTERM stops the daemon" 0 $?
expect_range "SIGTERM writes what is held (s before the stop)" 0 3 "$((t - $(last)))"

# --- kill -9: what it may lose -----------------------------------------------
# With a 4 s delay a file is written every 4-6 s: a kill -9 loses the
# samples since the last write, at most 6 s and a tick, never more.
write_conf 4s
start || fail "the daemon starts again" "no file"
sleep 15
t=$(date +%s)
kill -9 "$dpid"
wait "$dpid" 2>/dev/null
lost=$((t - $(last)))
expect_range "kill -9 lost at most the delay and a half (+1 s tick, +1 s probe): s" 0 8 "$lost"
echo "# kill -9 lost the last $lost s of samples (delay 4 s)"
exit 0
