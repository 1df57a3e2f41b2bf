# shellcheck shell=bash
# The benchmarks' estate (source after tests/lab/lab.sh and lab_init): a
# monitor namespace `mon` and a `farm` holding many lab addresses on its
# loopback, one snmpd answering for all of them (tests/README.md: one agent, many
# addresses), reached over one link.
#
#   farm_hosts N               print N lab addresses, 198.18.0.1 ...
#   farm_up FILE               mon and farm, FILE's addresses on farm, snmpd

farm_hosts() {	# N
	python3 - "$1" <<'PY'
import sys
for i in range(1, int(sys.argv[1]) + 1):
    print("198.18.%d.%d" % (i // 250, i % 250 + 1))
PY
}

farm_up() {	# FILE of the addresses the farm answers on
	lab_host mon; lab_host farm
	lab_link mon m0 198.51.100.1/30 farm f0 198.51.100.2/30
	lab_route mon 198.18.0.0/15 198.51.100.2
	sed 's|^|addr add |; s|$|/32 dev lo|' "$1" >"$LAB_DIR/batch"
	lab_exec farm ip -batch "$LAB_DIR/batch"
	echo "rocommunity public" >"$LAB_DIR/snmpd.conf"
	mkdir -p "$LAB_DIR/s"
	SNMP_PERSISTENT_DIR="$LAB_DIR/s" lab_bg farm snmpd -f -Lf /dev/null -C \
	    -c "$LAB_DIR/snmpd.conf" -M /nonexistent -m '' -p "$LAB_DIR/s/pid" \
	    udp:0.0.0.0:161
	lab_wait_snmp mon "$(head -n 1 "$1")" || { echo "snmpd did not start"; return 1; }
}

# The head of a collectd configuration: its files under LAB_DIR, warnings
# to its log, the ping, snmp and rrdtool plugins loaded.
farm_collectd_head() {	# INTERVAL
	echo "FQDNLookup false"
	echo "Interval $1"
	echo "BaseDir \"$LAB_DIR/cd\""
	echo "PIDFile \"$LAB_DIR/cd/collectd.pid\""
	echo "PluginDir \"/usr/lib/collectd\""
	echo "TypesDB \"/usr/share/collectd/types.db\""
	echo "ReadThreads 5"
	echo "LoadPlugin logfile"
	echo "<Plugin logfile>"
	echo "  LogLevel warning"
	echo "  File \"$LAB_DIR/collectd.log\""
	echo "</Plugin>"
	echo "LoadPlugin ping"
	echo "LoadPlugin snmp"
	echo "LoadPlugin rrdtool"
}
