#!/usr/bin/env bash
# Inside the pristine root (tests/fresh/check_fresh.sh, FRESH_STEPS=deb):
# `make deb` on a machine with none of nocwatch's packages, the .deb
# installed with apt (its dependencies resolved), then what an
# administrator and an engineer see: the system user, the state
# directories, the secrets for the daemon's group, the unit enabled but
# not started, conffiles, `nocwatch probe icmp` as an ordinary user,
# `nocwatchd -n` on the installed sample, the daemon started as root
# ending up as nocwatch; then remove and purge.  Loopback only.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

make deb B=build >deb-build.log 2>&1
expect_rc "make deb on a new machine" 0 $?
tail -n 3 deb-build.log
deb=$(ls build/deb/nocwatch_*_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { echo "FAIL no .deb built"; tail -n 30 deb-build.log; exit 1; }
grep -q '^E:' build/deb/lintian.txt
expect_rc "lintian: no errors" 1 $?

export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "./$deb" >apt.log 2>&1
expect_rc "apt-get install ./nocwatch.deb" 0 $?
[ $? -eq 0 ] || tail -n 20 apt.log

expect_match "system user nocwatch created" '^nocwatch:x:[0-9]+:[0-9]+:.*:/var/lib/nocwatch:' "$(getent passwd nocwatch)"
expect_match "/var/lib/nocwatch is the daemon's" '^nocwatch nocwatch 750$' "$(stat -c '%U %G %a' /var/lib/nocwatch)"
expect_match "secrets: root writes, the daemon's group reads" '^root nocwatch 640$' \
    "$(stat -c '%U %G %a' /etc/nocwatch/nocwatch.secrets.conf)"
expect_match "conffiles: the configuration and its secrets" \
    '/etc/nocwatch/nocwatch.conf.*/etc/nocwatch/nocwatch.secrets.conf' \
    "$(dpkg-query --control-show nocwatch conffiles | tr '\n' ' ')"
[ -L /etc/systemd/system/multi-user.target.wants/nocwatchd.service ]
expect_rc "the unit is enabled" 0 $?
# (/proc is the machine's: the package's daemon is the one whose binary
# is the installed one.)
n=$(for p in $(pgrep -x nocwatchd); do readlink "/proc/$p/exe"; done | grep -c '^/usr/sbin/nocwatchd$')
expect_match "  and not started by the install" '^0$' "$n"
expect_match "nocwatch has cap_net_raw (as fping)" 'cap_net_raw=ep' "$(getcap /usr/bin/nocwatch)"
for p in nocwatch.1 nocwatch.conf.5 nocwatchd.8; do
	s=${p##*.}
	[ -f "/usr/share/man/man$s/$p.gz" ]
	expect_rc "man page $p installed" 0 $?
done
out=$(man -P cat nocwatch.conf 2>/dev/null | head -n 5)
expect_match "man nocwatch.conf reads" 'nocwatchd configuration' "$out"

useradd -m engineer 2>/dev/null
out=$(runuser -u engineer -- nocwatch probe icmp -n 2 -i 50ms 127.0.0.1 2>&1); rc=$?
echo "$out" | sed 's/^/  /'
expect_rc "nocwatch probe icmp 127.0.0.1 as an ordinary user" 0 $rc
expect_match "  answered" '127.0.0.1.*(0% loss|loss 0)' "$out"

out=$(nocwatchd -n 2>&1)
expect_match "nocwatchd -n on the installed sample (its default path)" '^configuration OK: 8 sites' "$out"
out=$(runuser -u nocwatch -- nocwatchd -n 2>&1)
expect_match "  and as the daemon's user (secrets through its group)" '^configuration OK: 8 sites' "$out"
expect_match "nocwatchd -V" '^nocwatchd [0-9]' "$(nocwatchd -V)"

# Started as root on a loopback estate: it ends up as nocwatch.
install -d -o nocwatch -g nocwatch /run/nocwatch
cat >/etc/nocwatch/lo.conf <<'CONF'
http-listen "127.0.0.1:18089"
trap-listen "127.0.0.1:162"
site "dc" { kind datacentre }
device "lo" { site "dc" address 127.0.0.1 check icmp { interval 2s timeout 1s } }
CONF
nocwatchd -f /etc/nocwatch/lo.conf 2>daemon.log &
dpid=$!
for _ in $(seq 1 50); do [ -S /run/nocwatch/nocwatchd.sock ] && break; sleep 0.1; done
sleep 3
st=$(grep -E '^(Uid|CapEff)' "/proc/$dpid/status")
echo "$st" | sed 's/^/  /'
expect_match "the packaged daemon runs as nocwatch" "Uid:	$(id -u nocwatch)	" "$st"
expect_match "  with CAP_NET_RAW only" 'CapEff:	0000000000002000' "$st"
out=$(nocwatch status 2>&1)
expect_match "  and pings (nocwatch status as root)" 'lo +dc +icmp +ok' "$out"
kill -TERM $dpid; wait $dpid
ls /var/lib/nocwatch/nocwatch.db >/dev/null 2>&1
expect_rc "its store in /var/lib/nocwatch" 0 $?

apt-get remove -y -qq nocwatch >/dev/null 2>&1
expect_rc "apt-get remove" 0 $?
[ ! -e /usr/sbin/nocwatchd ] && [ -f /etc/nocwatch/nocwatch.conf ] && [ -d /var/lib/nocwatch ]
expect_rc "  removes the programs, keeps configuration and state" 0 $?
apt-get purge -y -qq nocwatch >/dev/null 2>&1
[ ! -e /etc/nocwatch/nocwatch.conf ] && [ ! -e /var/lib/nocwatch ]
expect_rc "purge removes configuration and state" 0 $?
exit $((T_FAILED > 0))
