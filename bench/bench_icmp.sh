#!/usr/bin/env bash
# nocwatch probe icmp against fping over the same N lab addresses (default
# 2048), same burst (5 requests, 1 ms between any two sends, 1 s timeout),
# one after the other in one run.  Reports wall time, CPU time per probed
# host and peak RSS; the ratio column is nocwatch / fping.
cd "$(dirname "$0")/.." || exit 1
. tests/lab/lab.sh
lab_init || exit 1
N=${N:-2048}
COUNT=${COUNT:-5}

lab_host mon; lab_host far
lab_link mon m0 198.51.100.1/30 far f0 198.51.100.2/30
lab_route mon 198.18.0.0/15 198.51.100.2
# N addresses on the far side's loopback: 198.18.0.1 ...
python3 - "$N" >"$LAB_DIR/targets" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(1, n + 1):
    print("198.18.%d.%d" % (i // 250, i % 250 + 1))
PY
sed 's|^|addr add |; s|$|/32 dev lo|' "$LAB_DIR/targets" >"$LAB_DIR/batch"
lab_exec far ip -batch "$LAB_DIR/batch"

measure() {	# name cmd... -> prints "wall user sys maxrss_kb" into $LAB_DIR/name.time
	local name=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$LAB_DIR/$name.time" \
	    ip netns exec "$(lab_ns mon)" "$@" >"$LAB_DIR/$name.out" 2>&1
}

measure nocwatch "$PWD/$B/nocwatch" probe icmp -n "$COUNT" -i 200ms -t 1s -g 1ms -f "$LAB_DIR/targets"
measure fping fping -q -C "$COUNT" -p 200 -i 1 -t 1000 -f "$LAB_DIR/targets"

nw_ok=$(grep -c " : OK $COUNT/$COUNT received" "$LAB_DIR/nocwatch.out")
fp_ok=$(awk -F' : ' 'NF == 2 { n = split($2, v, " "); ok = 1; for (i = 1; i <= n; i++) if (v[i] == "-") ok = 0; if (ok && n == c) t++ } END { print t + 0 }' c="$COUNT" "$LAB_DIR/fping.out")

read -r nw_wall nw_user nw_sys nw_rss <"$LAB_DIR/nocwatch.time"
read -r fp_wall fp_user fp_sys fp_rss <"$LAB_DIR/fping.time"
awk -v n="$N" -v c="$COUNT" \
    -v nw="$nw_wall" -v nu="$nw_user" -v ns="$nw_sys" -v nr="$nw_rss" -v nok="$nw_ok" \
    -v fw="$fp_wall" -v fu="$fp_user" -v fs="$fp_sys" -v fr="$fp_rss" -v fok="$fp_ok" 'BEGIN {
	printf "ICMP: %d hosts x %d echo requests, 1 ms between sends\n", n, c
	printf "%-10s %9s %9s %14s %9s %14s\n", "tool", "wall s", "cpu s", "cpu us/host", "rss MB", "hosts 100%"
	ncpu = nu + ns; fcpu = fu + fs
	printf "%-10s %9.2f %9.2f %14.1f %9.1f %14d\n", "nocwatch", nw, ncpu, ncpu * 1e6 / n, nr / 1024, nok
	printf "%-10s %9.2f %9.2f %14.1f %9.1f %14d\n", "fping", fw, fcpu, fcpu * 1e6 / n, fr / 1024, fok
	if (fcpu > 0) printf "ratio nocwatch/fping: wall %.2f, cpu %.2f, rss %.2f\n", nw / fw, ncpu / fcpu, nr / fr
	else printf "ratio: fping used under 10 ms of CPU (below /usr/bin/time resolution)\n"
}'
