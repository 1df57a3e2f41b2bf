# shellcheck shell=bash
# The network lab harness (its rules: tests/README.md): hosts are network
# namespaces, links are veth pairs, a cut fibre is the far end set down.
# Source it, call lab_init, build hosts and links; everything is torn down
# on exit, also on failure.  Probes only ever target lab addresses.
#
#   lab_host NAME                          a namespace with lo up
#   lab_link A IFA ADDR/LEN B IFB ADDR/LEN a veth "fibre" between A and B
#   lab_route HOST PREFIX VIA              a route (re-applied on restore)
#   lab_forward HOST                       make HOST a router
#   lab_exec HOST CMD...                   run CMD inside HOST
#   lab_bg HOST CMD...                     same, in the background, killed on exit
#   lab_cut HOST IF / lab_restore HOST IF  cut / repair a link at its far end
#   lab_loss HOST PCT                      drop PCT% of echo requests into HOST
#   lab_delay HOST MS                      answer HOST's pings after MS ms
#   lab_clear HOST                         remove loss and delay from HOST
#   lab_snmpd HOST ADDR CONFFILE           a real snmpd agent on ADDR:161
#   lab_inc_q EXPR / lab_inc_wait EXPR S   the incidents in $DB, as Python
#   lab_playwright                         Playwright's driver, for Chromium

LAB_ID=${LAB_ID:-nw$$}
LAB_DIR=${LAB_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/nocwatch-lab.XXXXXX")}
LAB_HOSTS=()
LAB_PIDS=()
LAB_ROUTES=()
LAB_TOOLS=${LAB_TOOLS:-${B:-build}/tests/lab}

lab_ns() { echo "$LAB_ID-$1"; }

# Playwright's driver (playwright-core, no browser download: it drives
# Debian's chromium) in $B/node, installed from the npm registry when
# missing; prints the NODE_PATH to use, or nothing.
# 1.61 is the last release that runs on Node.js 18, Debian bookworm's own.
LAB_PLAYWRIGHT=playwright-core@1.61.1
lab_playwright() {
	local dir=$PWD/${B:-build}/node
	if ! grep -qs "\"version\": \"${LAB_PLAYWRIGHT#*@}\"" \
	    "$dir/node_modules/playwright-core/package.json"; then
		mkdir -p "$dir"
		npm install --prefix "$dir" --no-save --no-package-lock --no-audit \
		    --no-fund --loglevel=error "$LAB_PLAYWRIGHT" >"$dir/npm.log" 2>&1
	fi
	[ -f "$dir/node_modules/playwright-core/package.json" ] &&
	    echo "$dir/node_modules"
}

lab_teardown() {
	local pid h
	for pid in "${LAB_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${LAB_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	# snmpd and friends daemonised in a namespace: kill what is left there.
	for h in "${LAB_HOSTS[@]}"; do
		ip netns pids "$(lab_ns "$h")" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$(lab_ns "$h")" 2>/dev/null
	done
	lab_teardown_etc
	rm -rf "$LAB_DIR"
	LAB_HOSTS=()
	LAB_PIDS=()
}

# The daemons the lab starts as root stay root: their configurations and
# state are the lab's (root's), also on a machine where the Debian package
# made a nocwatch user (nocwatchd would become it otherwise).
export NOCWATCHD_USER=root

lab_init() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "lab: needs root (network namespaces)" >&2
		return 1
	fi
	mkdir -p "$LAB_DIR"
	trap 'lab_teardown' EXIT
	trap 'exit 130' INT TERM
}

lab_host() {
	local ns
	ns=$(lab_ns "$1")
	ip netns add "$ns" || return 1
	LAB_HOSTS+=("$1")
	ip -n "$ns" link set lo up
}

lab_exec() {
	local h=$1
	shift
	ip netns exec "$(lab_ns "$h")" "$@"
}

lab_bg() {
	local h=$1
	shift
	ip netns exec "$(lab_ns "$h")" "$@" &
	LAB_PIDS+=($!)
}

lab_link() {
	local a=$1 ifa=$2 addra=$3 b=$4 ifb=$5 addrb=$6
	ip link add "$ifa" netns "$(lab_ns "$a")" type veth peer name "$ifb" \
	    netns "$(lab_ns "$b")" || return 1
	ip -n "$(lab_ns "$a")" addr add "$addra" dev "$ifa"
	ip -n "$(lab_ns "$b")" addr add "$addrb" dev "$ifb"
	ip -n "$(lab_ns "$a")" link set "$ifa" up
	ip -n "$(lab_ns "$b")" link set "$ifb" up
}

lab_route() {
	LAB_ROUTES+=("$1 $2 $3")
	ip -n "$(lab_ns "$1")" route replace "$2" via "$3"
}

lab_forward() {
	lab_exec "$1" sysctl -qw net.ipv4.ip_forward=1
}

lab_cut() {
	ip -n "$(lab_ns "$1")" link set "$2" down
}

lab_restore() {
	local r h p v
	ip -n "$(lab_ns "$1")" link set "$2" up
	# Setting a link down deleted the routes through it: add them again.
	for r in "${LAB_ROUTES[@]}"; do
		read -r h p v <<<"$r"
		ip -n "$(lab_ns "$h")" route replace "$p" via "$v" 2>/dev/null
	done
	return 0
}

lab_loss() {
	lab_exec "$1" nft -f - <<-NFT
	table inet lab {
		chain input {
			type filter hook input priority 0;
			icmp type echo-request numgen random mod 100 < $2 drop
			icmpv6 type echo-request numgen random mod 100 < $2 drop
		}
	}
	NFT
}

lab_delay() {
	lab_exec "$1" sysctl -qw net.ipv4.icmp_echo_ignore_all=1
	lab_bg "$1" "$LAB_TOOLS/echo_delay" -d "$2" -T 600
	sleep 0.2
}

lab_clear() {
	lab_exec "$1" nft delete table inet lab 2>/dev/null
	lab_exec "$1" sysctl -qw net.ipv4.icmp_echo_ignore_all=0
	return 0
}

# lab_snmpd HOST ADDR CONF: snmpd in the foreground (killed on exit), no
# MIB files, its own persistent directory.
lab_snmpd() {
	local h=$1 addr=$2 conf=$3 dir
	dir="$LAB_DIR/snmpd-$h-$addr"
	mkdir -p "$dir"
	SNMP_PERSISTENT_DIR="$dir" lab_bg "$h" snmpd -f -Lf "$dir/log" -C \
	    -c "$conf" -M /nonexistent -m '' -p "$dir/pid" "udp:$addr:161"
}

# lab_inc_q PYEXPR: a Python expression over I, the incidents in the store
# $DB (newest first), printed; lab_inc_wait PYEXPR SECONDS waits (bounded)
# until it is True.
lab_inc_q() {
	{ "$NOCWATCH" incidents --json --db "$DB" 2>/dev/null || echo '[]'; } |
	    python3 -c 'import json,sys
I = json.load(sys.stdin) or []
print(eval(sys.argv[1]))' "$1"
}
lab_inc_wait() { lab_until "$2" lab_inc_q "$1"; }

# lab_until SECONDS CMD...: poll every 0.2 s (bounded) until CMD prints
# True.
lab_until() {
	local i n=$(($1 * 5))
	shift
	for i in $(seq 1 "$n"); do
		[ "$("$@")" = True ] && return 0
		sleep 0.2
	done
	return 1
}

# lab_wait_tcp HOST ADDR PORT: wait (bounded) until something listens.
lab_wait_tcp() {
	local i
	for i in $(seq 1 50); do
		lab_exec "$1" bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# lab_wait_snmp HOST ADDR: wait (bounded) until the agent answers.
lab_wait_snmp() {
	local i
	for i in $(seq 1 50); do
		if lab_exec "$1" snmpget -v2c -c "${3:-public}" -t 0.2 -r 0 \
		    -M /nonexistent -m '' "$2" .1.3.6.1.2.1.1.3.0 >/dev/null 2>&1
		then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# lab_resolv HOST ADDR: inside HOST, /etc/resolv.conf names only ADDR
# (ip netns exec bind-mounts /etc/netns/NS/ over /etc).
lab_resolv() {
	local ns
	ns=$(lab_ns "$1")
	mkdir -p "/etc/netns/$ns"
	echo "nameserver $2" >"/etc/netns/$ns/resolv.conf"
	LAB_ETC+=("/etc/netns/$ns")
}
LAB_ETC=()
lab_teardown_etc() {
	local d
	for d in "${LAB_ETC[@]}"; do rm -rf "$d"; done
}

# lab_wait_udp HOST ADDR PORT: wait (bounded) until HOST listens on ADDR:PORT.
lab_wait_udp() {
	local i
	for i in $(seq 1 50); do
		[ -n "$(lab_exec "$1" ss -Hnlu "src $2:$3" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	return 1
}

# lab_link_traps SINK: snmpd.conf lines that make an agent watch its own
# interfaces every second and send linkDown/linkUp (RFC 2863 varbinds) to
# SINK with community "labtrap", as a router does.
lab_link_traps() {
	cat <<CONF
trap2sink $1 labtrap
createUser internal SHA "internalpass1"
iquerySecName internal
rouser internal
notificationEvent linkDownTrap .1.3.6.1.6.3.1.1.5.3 .1.3.6.1.2.1.2.2.1.1 .1.3.6.1.2.1.2.2.1.7 .1.3.6.1.2.1.2.2.1.8
notificationEvent linkUpTrap .1.3.6.1.6.3.1.1.5.4 .1.3.6.1.2.1.2.2.1.1 .1.3.6.1.2.1.2.2.1.7 .1.3.6.1.2.1.2.2.1.8
monitor -r 1 -e linkDownTrap linkDown .1.3.6.1.2.1.2.2.1.8 == 2
monitor -r 1 -e linkUpTrap linkUp .1.3.6.1.2.1.2.2.1.8 == 1
CONF
}
