#!/usr/bin/env bash
# The incident store never makes the event loop wait for the disk: the
# incident engine's changes are committed by the store's writer thread
# (SQLite WAL, synchronous=FULL: on the disk before the engine hears they
# are); the loop's own connection only reads, at start.  strace, attached
# to every thread of the daemon while a service fails and comes back, sees
# the syncs -- and none of them on the loop's thread (the code before
# synced every commit there).  The notify handler hears of each event
# once, after it is on the disk; a kill -9 right after an opening loses
# nothing.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh
D=$PWD/${B:-build}/nocwatchd
DB=$LAB_DIR/state.db

lab_bg core python3 tests/lab/servers.py banner 198.51.100.2 2222 "SSH-2.0-lab"
lab_wait_tcp noc 198.51.100.2 2222 || fail "the service starts" "no"
cat >"$LAB_DIR/n.conf" <<CONF
rrd-dir "$LAB_DIR/rrd"
layouts "$PWD/rrd"
control-socket "$LAB_DIR/ctl.sock"
state-db "$DB"
http-listen none
incidents { correlation-window 1s hold-down 1s reopen-window 2s }
notify exec "$LAB_DIR/handler.sh" { timeout 5s retry-max 2s }
site "dc" { kind datacentre }
device "app" { site "dc" address 198.51.100.2
	check tcp 2222 { interval 1s timeout 500ms } }
CONF
cat >"$LAB_DIR/handler.sh" <<HANDLER
#!/bin/sh
cat >/dev/null
echo "\$NOCWATCH_EVENT \$NOCWATCH_INCIDENT" >>"$LAB_DIR/exec.log"
HANDLER
chmod 755 "$LAB_DIR/handler.sh"

drop() {	# on|off: the service's packets dropped
	if [ "$1" = on ]; then
		lab_exec core nft -f - <<'NFT'
table inet hang {
	chain input {
		type filter hook input priority 0;
		tcp dport 2222 drop
	}
}
NFT
	else
		lab_exec core nft delete table inet hang
	fi
}

lab_bg noc "$D" -f "$LAB_DIR/n.conf" 2>>"$LAB_DIR/daemon.log"
dpid=${LAB_PIDS[-1]}
for _ in $(seq 1 50); do [ -S "$LAB_DIR/ctl.sock" ] && break; sleep 0.1; done
sleep 1
strace -f -qq -e trace=fsync,fdatasync,sync_file_range -o "$LAB_DIR/strace.out" \
    -p "$dpid" 2>/dev/null &
spid=$!
sleep 1

drop on
lab_inc_wait 'len(I) == 1 and I[0]["state"] == "open"' 20
expect_rc "the failing service opens an incident" 0 $?
drop off
lab_inc_wait 'len(I) == 1 and I[0]["state"] == "resolved"' 20
expect_rc "  and it resolves" 0 $?
sleep 2
kill "$spid"
wait "$spid" 2>/dev/null

# strace -f writes "TID syscall(...) = ..." per line.
loop=$(awk -v p="$dpid" '$1 == p' "$LAB_DIR/strace.out" | grep -c 'sync')
others=$(awk -v p="$dpid" '$1 != p' "$LAB_DIR/strace.out" | grep -c 'sync')
echo "# syncs while the incident opened and resolved: $others off the loop, $loop on it"
expect_range "the store's syncs happen (off the loop)" 1 100000 "$others"
expect_range "  and never on the loop's thread" 0 0 "$loop"
for _ in $(seq 1 25); do grep -q '^resolved ' "$LAB_DIR/exec.log" 2>/dev/null && break; sleep 0.2; done
expect_match "the notify handler heard opened, then resolved, once each" \
    '^opened [0-9]+ resolved [0-9]+ $' "$(awk '{ printf "%s %s ", $1, $2 }' "$LAB_DIR/exec.log")"
st=$(lab_exec noc "$NOCWATCH" status --socket "$LAB_DIR/ctl.sock" --json |
    python3 -c 'import json,sys; s = json.load(sys.stdin)["daemon"]["incidents"]["store_writes"]; print(s["commits"], s["failures"], s["changes"])')
read -r commits failures changes <<<"$st"
echo "# the writer thread: $commits transactions, $changes changes"
expect_range "status counts the writer's transactions" 1 100000 "$commits"
expect_range "  and the changes in them (opened, recovering, resolved)" 3 100000 "$changes"
expect_range "  no failure" 0 0 "$failures"

# kill -9 just after an incident opens: the commit is in the WAL, which
# the page cache holds; the next start finds it.
drop on
lab_inc_wait 'len(I) == 2 and I[0]["state"] == "open"' 20
kill -9 "$dpid"
wait "$dpid" 2>/dev/null
n=$(sqlite3 "$DB" "select count(*) from incidents where state = 'open'")
expect_range "kill -9 right after an opening: the open incident is in the store" 1 1 "$n"
drop off
exit 0
