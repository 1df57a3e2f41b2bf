#!/usr/bin/env bash
# RRD storage through a real rrdcached (started here, its write-back held
# for an hour so only a flush makes data visible), and `nocwatch graph`
# rendering a PNG that decodes.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
B=${B:-build}
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp" /tmp/nocwatch-rrd.*' EXIT

rrdcached -g -l "unix:$tmp/rrdcached.sock" -p "$tmp/rrdcached.pid" -w 3600 -z 0 \
    -j "$tmp" >"$tmp/rrdcached.log" 2>&1 &
pid=$!
for i in $(seq 1 50); do [ -S "$tmp/rrdcached.sock" ] && break; sleep 0.1; done
NOCWATCH_TEST_RRDCACHED="unix:$tmp/rrdcached.sock" "$B/tests/test_rrdstore" |
    sed 's/^\(PASS\|FAIL\) /\1 rrdcached: /'
[ "${PIPESTATUS[0]}" = 0 ]
expect_rc "the store test passes through rrdcached" 0 $?

out=$(NOCWATCH_TEST_KEEP=1 "$B/tests/test_rrdstore")
dir=$(printf '%s\n' "$out" | sed -n 's/^# kept //p')
"$NOCWATCH" graph core-north if.ge-0_0_1 --rrd-dir "$dir/direct" --defs rrd -o "$tmp/traffic.png"
expect_rc "nocwatch graph exits 0" 0 $?
"$NOCWATCH" graph wan/library icmp --rrd-dir "$dir/direct" --defs rrd --period 6h --size 1200x300 -o "$tmp/icmp.png"
expect_rc "latency graph exits 0" 0 $?
for png in traffic icmp; do
	dims=$(python3 - "$tmp/$png.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w, h = 8, b"", 0, 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h = struct.unpack(">II", body[:8])
    if kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
print(w, h, len(raw))
PY
)
	read -r w h raw <<<"$dims"
	expect_range "$png graph decodes: width" 800 2000 "$w"
	expect_range "$png graph decodes: height" 250 600 "$h"
	expect_range "$png graph decodes: pixel data" 100000 100000000 "$raw"
done
err=$("$NOCWATCH" graph nosuch icmp --rrd-dir "$dir/direct" -o "$tmp/x.png" 2>&1)
expect_rc "no data exits 2" 2 $?
expect_match "no data said" "no data for nosuch icmp" "$err"
err=$("$NOCWATCH" graph core-north if.ge-0_0_1 --rrd-dir "$dir/direct" --defs rrd --period 1x -o "$tmp/x.png" 2>&1)
expect_rc "bad period exits 3" 3 $?
rm -rf "$dir"
exit 0
