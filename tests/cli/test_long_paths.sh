#!/usr/bin/env bash
# A daemon whose files live deeper than a unix socket address holds (107
# bytes, as a CI workspace or a build tree may be): its control socket is
# still made, answered and removed, and `nocwatch status` reaches it.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
D=$PWD/${B:-build}/nocwatchd
tmp=$(mktemp -d)
dpid=
trap '[ -n "$dpid" ] && kill "$dpid" 2>/dev/null; rm -rf "$tmp"' EXIT
deep=$tmp/$(printf 'a-rather-long-workspace-directory-name/%.0s' 1 2 3 4)state
mkdir -p "$deep"
sock=$deep/nocwatchd.sock
expect_range "the socket path is longer than sun_path" 108 4000 "${#sock}"
cat >"$deep/n.conf" <<CONF
rrd-dir "$deep/rrd"
layouts "$PWD/rrd"
state-db "$deep/nocwatch.db"
control-socket "$sock"
http-listen "none"
CONF
out=$("$D" -n -f "$deep/n.conf" 2>&1)
expect_rc "nocwatchd -n accepts it" 0 $?
"$D" -f "$deep/n.conf" 2>"$tmp/d.log" &
dpid=$!
for _ in $(seq 1 50); do [ -S "$sock" ] && break; sleep 0.1; done
expect_match "the control socket is made at its long path" '^socket$' \
    "$([ -S "$sock" ] && echo socket || { echo none; cat "$tmp/d.log"; })"
out=$("$NOCWATCH" status --socket "$sock" 2>&1)
expect_rc "nocwatch status reaches it" 0 $?
expect_match "and reads the daemon's status" '^nocwatchd up [0-9]+s' "$out"
kill "$dpid"; wait "$dpid"
dpid=
expect_match "the daemon removes it when it stops" '^gone$' \
    "$([ -e "$sock" ] && echo there || echo gone)"
out=$("$NOCWATCH" status --socket "$sock" 2>&1)
expect_rc "status without a daemon exits 2" 2 $?
expect_match "and says so" 'is nocwatchd running' "$out"
: "$out"
[ "$T_FAILED" -eq 0 ]
