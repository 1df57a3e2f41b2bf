#!/usr/bin/env bash
# The demo: the lab estate of tests/lab/estate.sh (two datacentres, six
# remote sites, real snmpd agents in network namespaces), nocwatchd in the
# machine's own namespace with the wall display on 127.0.0.1:8080, and
# faults to try on it.  Needs root (namespaces).
#
#   tools/demo.sh start | cut SITE | power SITE | wifi SITE | restore | status | stop
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
case "$B" in /*) ;; *) B=$PWD/$B ;; esac
export LAB_ID=${DEMO_ID:-nwdemo}
export LAB_DIR=$B/$LAB_ID
export LAB_TOOLS=$B/tests/lab
ESTATE_NOC=""
ESTATE_NOCIF="$LAB_ID-0"
ESTATE_PORT=${DEMO_PORT:-8080}
ESTATE_POLL=${DEMO_POLL:-2s}
ESTATE_DETACH=1
. tests/lab/lab.sh
. tests/lab/estate.sh
URL="http://127.0.0.1:$ESTATE_PORT/"
CONF=$LAB_DIR/nocwatch.conf

die() { echo "demo: $*" >&2; exit 1; }

running() { ip netns list 2>/dev/null | grep -q "^$LAB_ID-"; }

daemon_pid() { cat "$LAB_DIR/nocwatchd.pid" 2>/dev/null; }

start() {
	[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
	if running; then
		echo "demo: already running; the wall display is at $URL"
		echo "      (make demo-stop removes it)"
		return 0
	fi
	if ip -o addr show 2>/dev/null | grep -q ' 198\.51\.100\.1/'; then
		die "another lab estate holds 198.51.100.1 in this namespace (a demo under another DEMO_ID?)"
	fi
	if [ -n "$(ss -Hltn "sport = :$ESTATE_PORT" 2>/dev/null)" ]; then
		die "something already listens on port $ESTATE_PORT (DEMO_PORT=N picks another)"
	fi
	rm -rf "$LAB_DIR"
	mkdir -p "$LAB_DIR/layouts"
	cp rrd/* "$LAB_DIR/layouts/"
	# Rows every 10 s, so the wall's graphs fill in within minutes.
	sed -i 's/^step \(60\|300\)$/step 10/; s/^\(ds [a-z_]* [A-Z]*\) \(180\|900\) /\1 30 /' \
	    "$LAB_DIR"/layouts/*.layout
	echo "demo: building the lab estate (2 datacentres, 6 remote sites, 33 snmpd agents)"
	if ! estate_up; then
		stop >/dev/null 2>&1
		die "the lab estate did not come up"
	fi
	estate_conf "$LAB_DIR" >"$CONF"
	"$B/nocwatchd" -n -f "$CONF" >/dev/null || { stop >/dev/null 2>&1; die "bad configuration $CONF"; }
	setsid "$B/nocwatchd" -f "$CONF" </dev/null >>"$LAB_DIR/nocwatchd.log" 2>&1 &
	echo $! >"$LAB_DIR/nocwatchd.pid"
	for _ in $(seq 1 150); do
		curl -sf -o /dev/null "$URL" && break
		kill -0 "$(daemon_pid)" 2>/dev/null || break
		sleep 0.2
	done
	if ! curl -sf -o /dev/null "$URL"; then
		tail -5 "$LAB_DIR/nocwatchd.log" >&2
		stop >/dev/null 2>&1
		die "the wall display does not answer at $URL"
	fi
	cat <<EOF

nocwatch is running.  Wall display: $URL
(${URL}?period=1h shows the last hour in the graphs, which fill in as the demo runs)

Try:
  make demo-cut SITE=depot-east          cut a site's fibre: one P1 fibre-cut
  make demo-cut SITE=library-central     one of its two fibres: redundancy-degraded
  make demo-power SITE=harbour-office    UPS on battery (P2), then dark (P1 power-loss)
  make demo-wifi SITE=townhall-west      its APs leave the controller: P2 wifi-degraded for the site
  make demo-restore                      heal everything
  $B/nocwatch incidents --db $LAB_DIR/nocwatch.db
  curl -s ${URL}api/v1/sites
  make demo-stop                         remove every namespace, process and file

Sites: ${ESTATE_SITES[*]}
EOF
}

need_running() { running || die "not running (make demo starts it)"; }

stop() {
	local pid ns
	pid=$(daemon_pid)
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	pkill -f "nocwatchd -f $CONF" 2>/dev/null
	for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep "^$LAB_ID-"); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
	done
	sleep 0.5
	for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep "^$LAB_ID-"); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns"
	done
	ip link del "$ESTATE_NOCIF" 2>/dev/null
	for p in $ESTATE_RANGES; do
		ip route del unreachable "$p" metric 4000 2>/dev/null
	done
	rm -rf "$LAB_DIR"
	echo "demo: stopped; namespaces, processes and files removed"
}

case "${1:-}" in
start) start ;;
cut)
	need_running
	[ -n "${2:-}" ] || die "usage: make demo-cut SITE=name (${ESTATE_SITES[*]})"
	fault_cut "$2" "${3:-1}" || exit 1
	echo "demo: cut the fibre of $2; watch $URL"
	;;
power)
	need_running
	[ -n "${2:-}" ] || die "usage: make demo-power SITE=name (${ESTATE_SITES[*]})"
	fault_ups "$2" battery || exit 1
	echo "demo: $2's UPS is on battery; the site goes dark in 10 s"
	sleep 10
	fault_dark "$2"
	echo "demo: $2 is dark (battery exhausted); watch $URL"
	;;
wifi)
	need_running
	[ -n "${2:-}" ] || die "usage: make demo-wifi SITE=name (${ESTATE_SITES[*]})"
	estate_site_index "$2" >/dev/null || exit 1
	fault_aps "site:$2" gone || exit 1
	echo "demo: $2's access points left the Wi-Fi controller (the site itself is up); watch $URL"
	;;
restore)
	need_running
	fault_restore
	echo "demo: everything restored; incidents resolve after the hold-down"
	;;
status)
	need_running
	"$B/nocwatch" status --socket "$LAB_DIR/nocwatchd.sock"
	"$B/nocwatch" incidents --open --db "$LAB_DIR/nocwatch.db"
	;;
stop) stop ;;
*) echo "usage: tools/demo.sh start|cut SITE [FIBRE]|power SITE|wifi SITE|restore|status|stop" >&2; exit 2 ;;
esac
