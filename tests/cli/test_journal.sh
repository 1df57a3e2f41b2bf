#!/usr/bin/env bash
# nocwatchd's log under systemd: when stderr is the journal's stream
# ($JOURNAL_STREAM names its device and inode) every line starts with its
# syslog priority, which journald keeps (journalctl -p warning shows the
# warnings alone); on any other stderr, plain "nocwatchd: " lines.  No
# network: HTTP and traps off, one loopback device, state in a temp dir.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
D=${B:-build}/nocwatchd
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/d.conf" <<CONF
rrd-dir "$tmp/rrd"
layouts "$PWD/rrd"
control-socket "$tmp/ctl.sock"
state-db "$tmp/nocwatch.db"
http-listen none
user root
site "dc" { kind datacentre }
device "lo" { site "dc" address 127.0.0.1 check tcp 9 { interval 5s timeout 1s } }
CONF

run() {	# LOGFILE [JOURNAL]: the daemon for about a second, then SIGTERM
	: >"$1"
	local js=
	[ -n "${2:-}" ] && js=$(stat -c '%d:%i' "$1")
	JOURNAL_STREAM=$js "$D" -f "$tmp/d.conf" 2>>"$1" &
	local pid=$!
	for _ in $(seq 1 50); do [ -S "$tmp/ctl.sock" ] && break; sleep 0.1; done
	sleep 0.5
	kill -TERM $pid
	wait $pid
}

run "$tmp/journal.log" journal
log=$(cat "$tmp/journal.log")
echo "$log" | head -n 4 | sed 's/^/  /'
expect_match "info lines carry <6>" '^<6>started: 1 sites, 1 devices' "$log"
expect_match "  and stopping too" '^<6>stopping$' "$log"
bad=$(grep -v '^<[0-7]>' "$tmp/journal.log")
[ -z "$bad" ]; expect_rc "every line has a priority" 0 $?
[ -z "$bad" ] || echo "$bad" | sed 's/^/  no priority: /'
out=$(JOURNAL_STREAM=$(stat -c '%d:%i' "$tmp/journal.log") "$D" -f "$tmp/d.conf" -u no-such-user-x 2>>"$tmp/journal.log"; tail -n 1 "$tmp/journal.log")
expect_match "a failed start is a warning, <4>" "^<4>cannot start: user 'no-such-user-x' does not exist" "$out"

run "$tmp/plain.log"
log=$(cat "$tmp/plain.log")
expect_match "plain stderr: no priority prefix" '^nocwatchd: started: 1 sites' "$log"
grep -q '^<[0-7]>' "$tmp/plain.log"
expect_rc "  on any line" 1 $?
# Another process's stream (the inode differs): no prefix either.
: >"$tmp/other"
JOURNAL_STREAM=$(stat -c '%d:%i' "$tmp/other") "$D" -f "$tmp/d.conf" -u no-such-user-x 2>"$tmp/x.log"
expect_match "JOURNAL_STREAM of another file: plain" '^nocwatchd: cannot start' "$(cat "$tmp/x.log")"
exit 0
