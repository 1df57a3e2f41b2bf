#!/usr/bin/env bash
# The command line itself: help, usage errors, exit statuses, install.
# No network at all.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

"$NOCWATCH" >/dev/null 2>&1; expect_rc "no command exits 3" 3 $?
"$NOCWATCH" --help >/dev/null; expect_rc "--help exits 0" 0 $?
"$NOCWATCH" bogus >/dev/null 2>&1; expect_rc "unknown command exits 3" 3 $?
"$NOCWATCH" probe >/dev/null 2>&1; expect_rc "probe without type exits 3" 3 $?
err=$("$NOCWATCH" probe smtp 2>&1); expect_rc "unknown probe exits 3" 3 $?
expect_match "unknown probe said" "unknown probe 'smtp'" "$err"
out=$("$NOCWATCH" version); expect_match "version" '^nocwatch [0-9]' "$out"
for p in icmp tcp dns http capture; do
	out=$("$NOCWATCH" probe $p --help); rc=$?
	expect_rc "probe $p --help exits 0" 0 $rc
	expect_match "probe $p --help shows usage" "^usage: nocwatch probe $p" "$out"
	err=$("$NOCWATCH" probe $p --no-such-option x 2>&1); rc=$?
	expect_rc "probe $p bad option exits 3" 3 $rc
	expect_match "probe $p bad option prints usage" "usage: nocwatch probe $p" "$err"
done
err=$("$NOCWATCH" probe icmp 2>&1); expect_rc "icmp without target exits 3" 3 $?
expect_match "icmp without target said" "no target given" "$err"
err=$("$NOCWATCH" probe icmp -f /nonexistent/list 2>&1); expect_rc "missing targets file exits 3" 3 $?
err=$("$NOCWATCH" probe icmp 'bad host!' 2>&1); expect_rc "hostile host name exits 3" 3 $?
expect_match "hostile host name said" "not a valid host name" "$err"
err=$("$NOCWATCH" probe tcp 127.0.0.1:-1 2>&1); expect_rc "negative port exits 3" 3 $?
err=$("$NOCWATCH" probe snmp --expect upp 127.0.0.1 ifOperStatus.1 2>&1)
expect_rc "snmp --expect with a label ifOperStatus lacks exits 3" 3 $?
expect_match "  and names the word" "'upp' is not a number or a value of ifOperStatus" "$err"

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make --no-print-directory -s install DESTDIR="$dest" PREFIX=/usr/local B="${B:-build}" >/dev/null 2>&1
expect_rc "make install succeeds" 0 $?
out=$("$dest/usr/local/bin/nocwatch" version 2>&1)
expect_match "installed binary runs" '^nocwatch ' "$out"
[ -f "$dest/usr/local/share/doc/nocwatch/README.md" ]
expect_rc "README installed" 0 $?
out=$("$dest/usr/local/sbin/nocwatchd" -n -f "$dest/usr/local/etc/nocwatch/nocwatch.conf" 2>&1)
expect_match "installed nocwatchd checks the installed sample estate" '^configuration OK: 8 sites' "$out"
expect_match "secrets installed readable by their owner only" '^600$' "$(stat -c %a "$dest/usr/local/etc/nocwatch/nocwatch.secrets.conf")"
[ -f "$dest/usr/local/share/nocwatch/rrd/icmp.layout" ] && [ -f "$dest/usr/local/share/nocwatch/rrd/if.graph" ]
expect_rc "layouts and graph definitions installed" 0 $?
[ -f "$dest/usr/local/share/nocwatch/web/index.html" ] && [ -f "$dest/usr/local/share/nocwatch/web/wall.js" ]
expect_rc "the wall display's files installed" 0 $?
[ -f "$dest/usr/local/share/man/man1/nocwatch.1" ] && [ -f "$dest/usr/local/share/man/man5/nocwatch.conf.5" ] &&
    [ -f "$dest/usr/local/share/man/man8/nocwatchd.8" ]
expect_rc "man pages installed" 0 $?
u=$dest/usr/local/lib/systemd/system/nocwatchd.service
expect_match "the unit starts the installed daemon on the installed config" \
    '^ExecStart=/usr/local/sbin/nocwatchd -f /usr/local/etc/nocwatch/nocwatch.conf$' "$(cat "$u" 2>&1)"
expect_match "  and the daemon looks there by itself" \
    'default /usr/local/etc/nocwatch/nocwatch.conf' "$("$dest/usr/local/sbin/nocwatchd" -h)"
# A second install keeps an engineer's own configuration.
echo '# mine' >>"$dest/usr/local/etc/nocwatch/nocwatch.conf"
make --no-print-directory -s install DESTDIR="$dest" PREFIX=/usr/local B="${B:-build}" >/dev/null 2>&1
expect_match "a second install does not overwrite the configuration" '# mine' \
    "$(tail -n 1 "$dest/usr/local/etc/nocwatch/nocwatch.conf")"
make --no-print-directory -s uninstall DESTDIR="$dest" PREFIX=/usr/local >/dev/null 2>&1
expect_rc "make uninstall succeeds" 0 $?
left=$(cd "$dest" && find . -type f | sort | tr '\n' ' ')
expect_match "  and leaves only the configuration" \
    '^./usr/local/etc/nocwatch/nocwatch.conf ./usr/local/etc/nocwatch/nocwatch.secrets.conf $' "$left"

# A distribution's prefix: configuration in /etc, the unit in /lib, both
# agreeing with the daemon's own default (its own build: the paths are
# compiled in).
pb=$dest/build-usr
make --no-print-directory -s install DESTDIR="$dest/pkg" PREFIX=/usr B="$pb" >/dev/null 2>&1
expect_rc "make install PREFIX=/usr succeeds" 0 $?
[ -f "$dest/pkg/etc/nocwatch/nocwatch.conf" ] && [ -x "$dest/pkg/usr/sbin/nocwatchd" ]
expect_rc "  config in /etc/nocwatch, daemon in /usr/sbin" 0 $?
expect_match "  the unit in /lib/systemd/system names them" \
    '^ExecStart=/usr/sbin/nocwatchd -f /etc/nocwatch/nocwatch.conf$' \
    "$(cat "$dest/pkg/lib/systemd/system/nocwatchd.service" 2>&1)"
expect_match "  the daemon's default is the same file" 'default /etc/nocwatch/nocwatch.conf' \
    "$("$dest/pkg/usr/sbin/nocwatchd" -h)"
expect_match "  layouts where the daemon looks" '/usr/share/nocwatch/rrd' \
    "$(strings "$dest/pkg/usr/sbin/nocwatchd" | grep -m1 '^/usr/share/nocwatch/rrd$')"

# systemd reads the generated unit without a complaint (its ExecStart
# pointed at this build, which must exist for verify).
make --no-print-directory -s "$pb/nocwatchd.service" B="$pb" PREFIX=/usr SBINDIR="$PWD/${B:-build}" >/dev/null 2>&1
if command -v systemd-analyze >/dev/null 2>&1; then
	out=$(systemd-analyze verify --man=no "$pb/nocwatchd.service" 2>&1); rc=$?
	expect_rc "systemd-analyze verify passes on the unit" 0 $rc
	[ -z "$out" ]; expect_rc "  with nothing to say" 0 $?
	[ -z "$out" ] || echo "$out" | sed 's/^/  /'
else
	fail "systemd-analyze verify" "systemd-analyze is not installed"
fi
# Incidents, maintenance and tokens from the command line.
t=$(mktemp -d)
out=$("$NOCWATCH" incidents --db "$t/none.db" 2>&1)
expect_rc "incidents on a missing store exits 3" 3 $?
expect_match "  and says so" 'not a nocwatch store|unable to open|none.db' "$out"
"$NOCWATCH" incident abc >/dev/null 2>&1
expect_rc "incident with a bad id exits 3" 3 $?
out=$("$NOCWATCH" ack 1 --socket "$t/no.sock" 2>&1)
expect_rc "ack without a daemon exits 2" 2 $?
expect_match "  and names the socket" 'no.sock.*is nocwatchd running' "$out"
"$NOCWATCH" maintenance add --site x --socket "$t/no.sock" >/dev/null 2>&1
expect_rc "maintenance add without --for/--until exits 3" 3 $?
"$NOCWATCH" maintenance add --site x --for 2d3x >/dev/null 2>&1
expect_rc "maintenance add with a bad duration exits 3" 3 $?
out=$("$NOCWATCH" report --from 2026-11-24T10:00:00Z --until 2026-11-24T09:00:00Z --db "$t/none.db" 2>&1)
expect_rc "report with --from after --until exits 3" 3 $?
expect_match "  and says so" 'from must be before --until' "$out"
"$NOCWATCH" report --from yesterday >/dev/null 2>&1
expect_rc "report with a bad time exits 3" 3 $?
"$NOCWATCH" report --db "$t/none.db" >/dev/null 2>&1
expect_rc "report on a missing store exits 3" 3 $?
out=$("$NOCWATCH" token write)
expect_match "token prints a token and its config line" \
    '^token: [0-9a-f]{48}
api-token write "sha256:[0-9a-f]{64}"$' "$out"
tok=$(printf '%s' "$out" | sed -n 's/^token: //p')
expect_match "  the line hashes that token" "$(printf '%s' "$tok" | sha256sum | cut -c1-64)" "$out"
rm -rf "$t"
exit 0
