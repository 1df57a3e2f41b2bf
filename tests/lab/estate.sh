# shellcheck shell=bash
# The demo estate (used by `make demo` and by tests/scenarios): two
# datacentres and six remote sites, every device a real snmpd agent in a
# network namespace, every fibre a veth pair.  Source tests/lab/lab.sh
# first.  Addresses come only from the lab's ranges (tests/README.md):
#
#   noc 198.51.100.1 --n0/c0-- core-north (dc-north, 198.18.100.0/24)
#   core-north x0 -- x0 core-south (dc-south, 198.18.101.0/24), 203.0.113.64/30
#   core-north f1..f3 -- up0 of sites 1..3 (dc-north's), 203.0.113.4(k-1)/30
#   core-south f4..f6 -- up0 of sites 4..6 (dc-south's)
#   core-south b1 -- up1 of site 1 (library-central's second fibre), .32/30
#   site k: 198.18.k.0/24 on lo: router .1, switches .2 .3, UPS .4
#   dc-north: core .1, switches .2 .3, UPS .4, Wi-Fi controller .5;
#   dc-south: core .1, switches .2 .3, UPS .4
#   Access points (rows of the controller's bsnAPTable, tests/lab/wlc_table.py):
#   DCN-AP-1..4 in dc-north, and at each remote site CODE-AP-n (library 4,
#   depot 9, the others 2): 25 in all.  A site the controller can no longer
#   reach loses its APs from the table, as a real controller's do.
#
# Settings (environment):
#   ESTATE_NOC   namespace of the monitor ("" = the machine's own, as the
#                demo does: then an unreachable route guards each lab range)
#   ESTATE_PORT  HTTP port of the wall display (8080)
#   ESTATE_POLL  poll interval of the checks (2s)
#   ESTATE_DETACH=1  agents outlive the shell that started them (the demo)

ESTATE_SITES=(library-central depot-east school-hill townhall-west
    leisure-centre harbour-office)
ESTATE_CODES=(lib dep sch twn lei hbr)
ESTATE_DC=(dcn dcn dcn dcs dcs dcs)
ESTATE_RANGES="198.18.0.0/15 203.0.113.0/24 198.51.100.0/24"
ESTATE_NOC=${ESTATE_NOC-noc}
ESTATE_PORT=${ESTATE_PORT:-8080}
ESTATE_POLL=${ESTATE_POLL:-2s}
ESTATE_NOCIF=${ESTATE_NOCIF:-n0}

# The links: NAME NS_A IF_A ADDR_A NS_B IF_B ADDR_B (NS "-" is the monitor).
estate_links() {
	local k dc o
	echo "uplink - $ESTATE_NOCIF 198.51.100.1/30 dcn c0 198.51.100.2/30"
	echo "dc-interconnect dcn x0 203.0.113.65/30 dcs x0 203.0.113.66/30"
	for k in 1 2 3 4 5 6; do
		dc=${ESTATE_DC[k - 1]}
		o=$((4 * (k - 1)))
		echo "fibre-${ESTATE_CODES[k - 1]} $dc f$k 203.0.113.$((o + 1))/30 s$k up0 203.0.113.$((o + 2))/30"
	done
	echo "fibre-lib-b dcs b1 203.0.113.33/30 s1 up1 203.0.113.34/30"
}

# The routes: NS PREFIX VIA METRIC (re-applied after a repair).
estate_route_table() {
	local k
	echo "- 198.18.0.0/15 198.51.100.2 0"
	echo "- 203.0.113.0/24 198.51.100.2 0"
	for k in 1 2 3; do
		echo "dcn 198.18.$k.0/24 203.0.113.$((4 * (k - 1) + 2)) 0"
	done
	echo "dcn 198.18.1.0/24 203.0.113.66 50"	# library's second way in
	for p in 198.18.101.0/24 198.18.4.0/24 198.18.5.0/24 198.18.6.0/24 \
	    203.0.113.32/30; do
		echo "dcn $p 203.0.113.66 0"
	done
	for k in 4 5 6; do
		echo "dcs 198.18.$k.0/24 203.0.113.$((4 * (k - 1) + 2)) 0"
	done
	echo "dcs 198.18.1.0/24 203.0.113.34 0"
	echo "dcs 198.51.100.0/24 203.0.113.65 0"
	echo "dcs 198.18.100.0/24 203.0.113.65 0"
	for k in 1 2 3 4 5 6; do
		echo "s$k 198.51.100.0/24 203.0.113.$((4 * (k - 1) + 1)) 0"
	done
	echo "s1 198.51.100.0/24 203.0.113.33 50"
}

estate_ip() {	# NS ARGS...: ip in the namespace (or the monitor's)
	local ns=$1
	shift
	if [ "$ns" = - ]; then ns=$ESTATE_NOC; fi
	if [ -z "$ns" ]; then ip "$@"; else ip -n "$(lab_ns "$ns")" "$@"; fi
}

estate_exec() {	# NS CMD...
	local ns=$1
	shift
	if [ "$ns" = - ]; then ns=$ESTATE_NOC; fi
	if [ -z "$ns" ]; then "$@"; else lab_exec "$ns" "$@"; fi
}

estate_bg() {	# NS LOG CMD...: a process in NS, killed on exit or demo-stop
	local ns=$1 log=$2
	shift 2
	if [ "${ESTATE_DETACH:-0}" = 1 ]; then
		setsid ip netns exec "$(lab_ns "$ns")" "$@" </dev/null \
		    >>"$log" 2>&1 &
	else
		lab_bg "$ns" "$@" </dev/null >>"$log" 2>&1
	fi
}

estate_mklink() {	# one line of estate_links
	local name=$1 a=$2 ifa=$3 aa=$4 b=$5 ifb=$6 ab=$7
	if [ "$a" = - ] && [ -z "$ESTATE_NOC" ]; then
		ip link add "$ifa" type veth peer name "$ifb" \
		    netns "$(lab_ns "$b")" || return 1
	else
		[ "$a" = - ] && a=$ESTATE_NOC
		ip link add "$ifa" netns "$(lab_ns "$a")" type veth peer \
		    name "$ifb" netns "$(lab_ns "$b")" || return 1
	fi
	estate_ip "$a" addr add "$aa" dev "$ifa"
	estate_ip "$b" addr add "$ab" dev "$ifb"
	estate_ip "$a" link set "$ifa" up
	estate_ip "$b" link set "$ifb" up
	: "$name"
}

estate_routes() {
	local ns p v m
	while read -r ns p v m; do
		estate_ip "$ns" route replace "$p" via "$v" metric "$m" \
		    2>/dev/null
	done < <(estate_route_table)
	return 0
}

# Agents.  The router of a namespace reports its own interfaces and sends
# linkDown/linkUp (and coldStart when it starts) from its loopback address.
estate_router_conf() {	# ADDR
	echo "rocommunity labread"
	echo "[snmp] clientaddr $1"
	lab_link_traps 198.51.100.1:9162
}

estate_agent() {	# NS ADDR KIND
	local ns=$1 addr=$2 kind=$3 dir conf
	dir="$LAB_DIR/agents/$addr"
	mkdir -p "$dir"
	conf="$dir/snmpd.conf"
	case "$kind" in
	router) estate_router_conf "$addr" >"$conf" ;;
	switch) echo "rocommunity labread" >"$conf" ;;
	ups)
		cat >"$conf" <<-CONF
		rocommunity labread
		rwcommunity labwrite 198.51.100.0/24
		rwcommunity labwrite 198.18.0.0/15
		override -rw .1.3.6.1.2.1.33.1.4.1.0 integer 3
		override -rw .1.3.6.1.2.1.33.1.2.1.0 integer 2
		override -rw .1.3.6.1.2.1.33.1.2.3.0 integer 45
		override -rw .1.3.6.1.2.1.33.1.2.4.0 integer 100
		CONF
		;;
	wlc)
		estate_aps_make
		cat >"$conf" <<-CONF
		rocommunity labread
		pass_persist .1.3.6.1.4.1.14179.2.2.1 $(command -v python3) $PWD/tests/lab/wlc_table.py $(estate_aps_file)
		CONF
		;;
	esac
	SNMP_PERSISTENT_DIR="$dir" estate_bg "$ns" "$dir/log" snmpd -f -Lf \
	    "$dir/snmpd.log" -C -c "$conf" -M /nonexistent -m '' \
	    -I -smux -p "$dir/pid" "udp:$addr:161"
}

# The controller's AP table: its state file, made once per estate.
ESTATE_APS=(dc-north=4:DCN library-central=4:LIB depot-east=9:DEP
    school-hill=2:SCH townhall-west=2:TWN leisure-centre=2:LEI
    harbour-office=2:HBR)
estate_aps_file() { echo "$LAB_DIR/agents/198.18.100.5/aps.json"; }
estate_aps() { python3 tests/lab/wlc_table.py "$(estate_aps_file)" "$@"; }
estate_aps_make() {
	[ -f "$(estate_aps_file)" ] || estate_aps make "${ESTATE_APS[@]}"
}

estate_stop_agents() {	# NS: stop the agents of one namespace
	local pid
	for pid in $(ip netns pids "$(lab_ns "$1")" 2>/dev/null); do
		kill "$pid" 2>/dev/null
	done
	for _ in $(seq 1 30); do
		[ -z "$(ip netns pids "$(lab_ns "$1")" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	ip netns pids "$(lab_ns "$1")" 2>/dev/null | xargs -r kill -9
}

estate_start_agents() {	# NS
	local ns=$1 net
	case "$ns" in
	dcn)
		estate_agent dcn 198.18.100.1 router
		estate_agent dcn 198.18.100.2 switch
		estate_agent dcn 198.18.100.3 switch
		estate_agent dcn 198.18.100.4 ups
		estate_agent dcn 198.18.100.5 wlc
		;;
	dcs)
		estate_agent dcs 198.18.101.1 router
		estate_agent dcs 198.18.101.2 switch
		estate_agent dcs 198.18.101.3 switch
		estate_agent dcs 198.18.101.4 ups
		;;
	s*)
		net=198.18.${ns#s}
		estate_agent "$ns" "$net.1" router
		estate_agent "$ns" "$net.2" switch
		estate_agent "$ns" "$net.3" switch
		estate_agent "$ns" "$net.4" ups
		;;
	esac
}

estate_addrs() {	# NS: the device addresses on its lo
	local ns=$1 net a
	case "$ns" in
	dcn) net=198.18.100 ;;
	dcs) net=198.18.101 ;;
	s*) net=198.18.${ns#s} ;;
	esac
	for a in 1 2 3 4 5; do
		[ "$a" = 5 ] && [ "$ns" != dcn ] && continue
		lab_exec "$ns" ip addr add "$net.$a/32" dev lo
	done
}

ESTATE_NS=(dcn dcs s1 s2 s3 s4 s5 s6)

estate_up() {
	local ns line
	if [ -n "$ESTATE_NOC" ]; then
		lab_host "$ESTATE_NOC" || return 1
	fi
	for ns in "${ESTATE_NS[@]}"; do
		lab_host "$ns" || return 1
	done
	if [ -z "$ESTATE_NOC" ]; then
		# The monitor is in the machine's own namespace: a cut link
		# must end in "no route to host", never a default route.
		for p in $ESTATE_RANGES; do
			ip route replace unreachable "$p" metric 4000
		done
	fi
	while read -r line; do
		# shellcheck disable=SC2086
		estate_mklink $line || return 1
	done < <(estate_links)
	for ns in dcn dcs; do
		lab_forward "$ns"
		# A route through a link whose far end is gone is not used:
		# library-central's traffic then takes its second fibre.
		lab_exec "$ns" sysctl -qw net.ipv4.conf.all.ignore_routes_with_linkdown=1
	done
	for ns in "${ESTATE_NS[@]}"; do
		estate_addrs "$ns"
	done
	estate_routes
	for ns in "${ESTATE_NS[@]}"; do
		estate_start_agents "$ns"
	done
	for a in 198.18.100.1 198.18.101.1 198.18.1.4 198.18.6.4 198.18.100.5; do
		estate_wait_agent "$a" || { echo "estate: agent $a does not answer" >&2; return 1; }
	done
}

estate_wait_agent() {	# ADDR
	local i
	for i in $(seq 1 100); do
		estate_exec - snmpget -v2c -c labread -t 0.3 -r 0 -M /nonexistent \
		    -m '' "$1" .1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# The monitor's configuration for the estate.  DIR holds its files.
estate_conf() {	# DIR
	local dir=$1 k code site dc net ifoids="ifHCInOctets ifHCOutOctets ifInErrors ifOutErrors ifOperStatus"
	# ESTATE_IFPOLL=0: the routers' link states are not polled, so only
	# their linkDown/linkUp traps tell.
	[ "${ESTATE_IFPOLL:-1}" = 0 ] && ifoids="ifHCInOctets ifHCOutOctets"
	cat <<CONF
# nocwatch: the demo estate (tests/lab/estate.sh)
rrd-dir "$dir/rrd"
layouts "$dir/layouts"
rrd-write-delay ${ESTATE_RRD_DELAY:-60s}
control-socket "$dir/nocwatchd.sock"
state-db "${ESTATE_DB:-$dir/nocwatch.db}"
http-listen "127.0.0.1:$ESTATE_PORT"
web-dir "${ESTATE_WEB:-$PWD/web}"
trap-listen "198.51.100.1:9162"
trap-community "labtrap" from 198.18.0.0/15
incidents { correlation-window 2s  hold-down 4s  reopen-window ${ESTATE_REOPEN:-3s}  wifi-ap-down 30%
	wifi-ap-rejoin 20s }
defaults { interval $ESTATE_POLL  timeout 1s  retries 1 }
${ESTATE_NOTIFY:+notify exec \"$ESTATE_NOTIFY\"}

template "router" {
	snmp version 2c community "labread"
	check icmp { interval $ESTATE_POLL timeout 1s count 3 warning 60ms,10% critical 400ms,60% }
	check snmp-metrics { interval $ESTATE_POLL timeout 1s oids { $ifoids } }
}
template "switch" {
	snmp version 2c community "labread"
	check icmp { interval $ESTATE_POLL timeout 1s count 3 }
	check snmp-status "ifOperStatus.1" { interval $ESTATE_POLL timeout 1s expect 1 }
}
template "ups" {
	snmp version 2c community "labread"
	check icmp { interval $ESTATE_POLL timeout 1s count 3 }
	check snmp-status "upsOutputSource.0" { interval $ESTATE_POLL timeout 1s expect 3 }
	check snmp-metrics { interval $ESTATE_POLL timeout 1s oids { upsEstimatedMinutesRemaining.0 upsEstimatedChargeRemaining.0 upsBatteryStatus.0 } }
}
template "wlc" {
	snmp version 2c community "labread"
	check icmp { interval $ESTATE_POLL timeout 1s count 3 }
	check snmp-metrics { interval $ESTATE_POLL timeout 1s oids { bsnAPOperationStatus } }
}

site "dc-north" { kind datacentre  tags { "north" }  aps { "DCN-*" } }
site "dc-south" { kind datacentre  parent "dc-north"  tags { "south" } }
device "core-north" { site "dc-north" address 198.18.100.1 template "router" }
device "sw-dcn-1" { site "dc-north" address 198.18.100.2 parent "core-north" template "switch" }
device "sw-dcn-2" { site "dc-north" address 198.18.100.3 parent "core-north" template "switch" }
device "ups-dc-north" { site "dc-north" address 198.18.100.4 parent "core-north" template "ups" }
device "wlc-north" { site "dc-north" address 198.18.100.5 parent "core-north" template "wlc" }
device "core-south" { site "dc-south" address 198.18.101.1 parent "core-north" template "router" }
device "sw-dcs-1" { site "dc-south" address 198.18.101.2 parent "core-south" template "switch" }
device "sw-dcs-2" { site "dc-south" address 198.18.101.3 parent "core-south" template "switch" }
device "ups-dc-south" { site "dc-south" address 198.18.101.4 parent "core-south" template "ups" }
link "dc-interconnect" { from "core-north" interface "x0" to "core-south" interface "x0" }
CONF
	for k in 1 2 3 4 5 6; do
		site=${ESTATE_SITES[k - 1]}
		code=${ESTATE_CODES[k - 1]}
		dc=${ESTATE_DC[k - 1]}
		net=198.18.$k
		[ "$dc" = dcn ] && dc=north || dc=south
		cat <<CONF
site "$site" { kind remote  parent "dc-$dc"  tags { "$dc" }  aps { "${code^^}-*" } }
device "wan-$code" { site "$site" address $net.1 parent "core-$dc" template "router" }
device "sw-$code-1" { site "$site" address $net.2 parent "wan-$code" template "switch" }
device "sw-$code-2" { site "$site" address $net.3 parent "wan-$code" template "switch" }
device "ups-$code" { site "$site" address $net.4 parent "wan-$code" template "ups" }
link "fibre-$code" { from "core-$dc" interface "f$k" to "wan-$code" interface "up0" }
CONF
	done
	echo 'link "fibre-lib-b" { from "core-south" interface "b1" to "wan-lib" interface "up1" }'
}

# --- faults -------------------------------------------------------------

estate_site_index() {	# SITE (name or code) -> k
	local k
	for k in 1 2 3 4 5 6; do
		if [ "$1" = "${ESTATE_SITES[k - 1]}" ] ||
		    [ "$1" = "${ESTATE_CODES[k - 1]}" ]; then
			echo "$k"
			return 0
		fi
	done
	echo "estate: no site '$1' (sites: ${ESTATE_SITES[*]})" >&2
	return 1
}

# Cut a site's fibre at the site's end (the DC's end then reads down);
# FIBRE 2 is library-central's second one.
fault_cut() {	# SITE [FIBRE]
	local k
	k=$(estate_site_index "$1") || return 1
	estate_ip "s$k" link set "up$((${2:-1} - 1))" down
	estate_aps_sync
}

# Cut a named link (estate_links) at its second end.
fault_cutlink() {	# LINK
	local line LINK_NAME=$1
	while read -r line; do
		# shellcheck disable=SC2086
		set -- $line
		if [ "$1" = "$LINK_NAME" ]; then
			estate_ip "$5" link set "$6" down
			estate_aps_sync
			return 0
		fi
	done < <(estate_links)
	echo "estate: no link '$LINK_NAME'" >&2
	return 1
}

# The whole site dark: every link of its router down.
fault_dark() {	# SITE
	local k i
	k=$(estate_site_index "$1") || return 1
	for i in up0 up1; do
		estate_ip "s$k" link set "$i" down 2>/dev/null
	done
	estate_aps_sync
	return 0
}

# Set a value on a lab agent from its own namespace: a UPS's power source
# changes whether or not the monitor can reach it (a dark site's UPS is
# back on the mains before its network comes back).
estate_snmpset() {	# ADDR OID VALUE
	estate_exec "$(estate_dev_ns "$1")" snmpset -M /nonexistent -m '' -v2c \
	    -c labwrite -t 1 -r 2 "$1" "$2" i "$3" >/dev/null
}

# The site's UPS on battery (5) or back on mains (3); with "trap", it also
# sends upsTrapOnBattery, as a UPS does the moment the mains fail.
fault_ups() {	# SITE battery|mains [trap]
	local k addr
	if [ "$1" = dc-north ] || [ "$1" = dc-south ]; then
		[ "$1" = dc-north ] && addr=198.18.100.4 || addr=198.18.101.4
	else
		k=$(estate_site_index "$1") || return 1
		addr=198.18.$k.4
	fi
	case "$2" in
	battery) estate_snmpset "$addr" .1.3.6.1.2.1.33.1.4.1.0 5 ;;
	mains) estate_snmpset "$addr" .1.3.6.1.2.1.33.1.4.1.0 3 ;;
	*) echo "estate: fault_ups SITE battery|mains" >&2; return 1 ;;
	esac
	if [ "${3:-}" = trap ] && [ -n "$k" ]; then
		lab_exec "s$k" snmptrap -v2c -c labtrap --clientaddr="$addr" \
		    -M /nonexistent -m '' 198.51.100.1:9162 '' \
		    .1.3.6.1.2.1.33.2.1 .1.3.6.1.2.1.33.1.2.3.0 i 0 >/dev/null
	fi
}

# Access points: SELECTOR (all, site:NAME, first:N, spread:N, or N for
# first:N) gone from the controller's table or back, or down/up in it.
fault_aps() {	# SELECTOR gone|back|down|up
	local sel=$1
	case "$sel" in *[!0-9]*) ;; *) sel=first:$sel ;; esac
	estate_aps set "$sel" "$2"
}

# The controller keeps the APs it can reach: a site cut off from dc-north
# loses its APs from the table (a real controller drops them when their
# heartbeats stop, here at once), and they rejoin when the path is back.
# The path is tried from the monitor, beside the controller (the sites
# route back to the monitor's range only).
estate_aps_sync() {
	local k up
	up=$(for k in 1 2 3 4 5 6; do
		estate_exec - ping -c 2 -i 0.2 -W 0.5 -q "198.18.$k.1" \
		    >/dev/null 2>&1 && echo "$k" &
	done; wait)
	for k in 1 2 3 4 5 6; do
		case " $(echo $up) " in
		*" $k "*) estate_aps set "site:${ESTATE_SITES[k - 1]}" back ;;
		*) estate_aps set "site:${ESTATE_SITES[k - 1]}" gone ;;
		esac
	done
}

# A device gone silent: everything to its address dropped in its namespace;
# "snmp" drops only its agent's port.
estate_dev_ns() {	# ADDR -> NS
	case "$1" in
	198.18.100.*) echo dcn ;;
	198.18.101.*) echo dcs ;;
	198.18.*) local x=${1#198.18.}; echo "s${x%%.*}" ;;
	esac
}

fault_blackhole() {	# ADDR [snmp]
	local ns match
	ns=$(estate_dev_ns "$1")
	match="ip daddr $1"
	[ "${2:-}" = snmp ] && match="$match udp dport 161"
	lab_exec "$ns" nft add table inet blackhole 2>/dev/null
	lab_exec "$ns" nft add chain inet blackhole input \
	    '{ type filter hook input priority -10; }' 2>/dev/null
	lab_exec "$ns" nft add rule inet blackhole input $match drop
}

# Loss and delay on a site's WAN (echo requests into the site namespace).
fault_loss() { local k; k=$(estate_site_index "$1") || return 1; lab_loss "s$k" "$2"; }
fault_delay() { local k; k=$(estate_site_index "$1") || return 1; lab_delay "s$k" "$2"; }

# A link going down and up every PERIOD seconds for SECONDS (bounded).
fault_flap() {	# SITE SECONDS [PERIOD]
	local k end half
	k=$(estate_site_index "$1") || return 1
	end=$(($(date +%s) + $2))
	half=$(awk -v p="${3:-2}" 'BEGIN { print p / 2 }')
	while [ "$(date +%s)" -lt "$end" ]; do
		estate_ip "s$k" link set up0 down; sleep "$half"
		estate_ip "s$k" link set up0 up; sleep "$half"
	done
	# The site answers again once its routes are back (setting the end
	# down deleted them): that is the repair.
	estate_repair_mark
	estate_routes
}

# The moment a fault that heals itself (flap, reboot) began its repair, for
# the scenario judge (ESTATE_REPAIR_MARK names the file; the last one
# written counts).
estate_repair_mark() {
	[ -n "${ESTATE_REPAIR_MARK:-}" ] && date +%s.%N >"$ESTATE_REPAIR_MARK"
	return 0
}

# A router restarting: its agents stop, its links vanish (the neighbours'
# ends with them), and after SECONDS everything comes back new: links
# recreated (counters from zero), agents restarted (sysUpTime from zero,
# a coldStart trap).
fault_reboot() {	# NS SECONDS
	local ns=$1 secs=${2:-8} line
	estate_stop_agents "$ns"
	while read -r line; do
		# shellcheck disable=SC2086
		set -- $line
		if [ "$2" = "$ns" ]; then estate_ip "$2" link del "$3"
		elif [ "$5" = "$ns" ]; then estate_ip "$5" link del "$6"; fi
	done < <(estate_links)
	sleep "$secs"
	estate_repair_mark
	while read -r line; do
		# shellcheck disable=SC2086
		set -- $line
		if [ "$2" = "$ns" ] || [ "$5" = "$ns" ]; then
			estate_mklink "$@"
		fi
	done < <(estate_links)
	estate_routes
	estate_start_agents "$ns"
}

estate_kill_delay() {	# NS: stop its delayed echo responder
	local pid
	for pid in $(ip netns pids "$(lab_ns "$1")" 2>/dev/null); do
		case "$(cat "/proc/$pid/comm" 2>/dev/null)" in
		echo_delay) kill "$pid" ;;
		esac
	done
}

# Everything healed: links up, routes back, filters gone, UPSes on mains,
# APs up.
fault_restore() {
	local line ns
	# The power first (every UPS back on the mains), then the network:
	# the order it comes back in; a site that answered again with its UPS
	# still on battery would be a second power problem.
	for ns in 1 2 3 4 5 6; do
		estate_snmpset "198.18.$ns.4" .1.3.6.1.2.1.33.1.4.1.0 3
	done
	estate_snmpset 198.18.100.4 .1.3.6.1.2.1.33.1.4.1.0 3
	estate_snmpset 198.18.101.4 .1.3.6.1.2.1.33.1.4.1.0 3
	while read -r line; do
		# shellcheck disable=SC2086
		set -- $line
		estate_ip "$2" link set "$3" up 2>/dev/null
		estate_ip "$5" link set "$6" up 2>/dev/null
	done < <(estate_links)
	estate_routes
	for ns in "${ESTATE_NS[@]}"; do
		lab_exec "$ns" nft delete table inet blackhole 2>/dev/null
		lab_clear "$ns"
		estate_kill_delay "$ns"
	done
	estate_aps heal
	return 0
}
