#!/usr/bin/env bash
# Detection of a fibre cut: nocwatchd against Nagios 4, in the same lab at
# the same time.  The estate is tests/lab/estate.sh (33 devices, parents as
# in nocwatch's configuration); Nagios gets one host per device with its
# parent, from Debian's sample templates (generic-switch: a check every 5
# minutes, retries every minute, 10 attempts; check-host-alive as in the
# sample commands) with the PING service of the sample switch.cfg, and the
# sample contact, whose notifications are written
# to a file instead of mailed.  The cut is depot-east's fibre, 30 s after
# both start; the run ends when Nagios has a hard DOWN for the site's router
# (or after LIMIT s, 1800).
# Reports each tool's detection time and how many alerts it raised.
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
case "$B" in /*) ;; *) B=$PWD/$B ;; esac
LAB_TOOLS=$B/tests/lab
. tests/lab/lab.sh
lab_init || exit 1
ESTATE_NOC=noc
. tests/lab/estate.sh
LIMIT=${LIMIT:-1800}
NW=$B/nocwatch
N=$LAB_DIR/nagios
SAMPLE=/etc/nagios4/objects

[ -x /usr/sbin/nagios4 ] || { echo "bench-detect: nagios4 is not installed (tools/deps.sh bench)"; exit 1; }
estate_up || { echo "bench-detect: the lab estate did not come up"; exit 1; }
mkdir -p "$LAB_DIR/layouts" "$N/checkresults"
cp rrd/* "$LAB_DIR/layouts/"
estate_conf "$LAB_DIR" >"$LAB_DIR/nocwatch.conf"

# --- Nagios: the same hosts and parents, the sample templates -------------
cp "$SAMPLE/templates.cfg" "$SAMPLE/timeperiods.cfg" "$SAMPLE/contacts.cfg" "$N/"
cat >"$N/commands.cfg" <<EOF
# check-host-alive as in the sample commands.cfg; notifications to a file.
define command {
    command_name    check-host-alive
    command_line    \$USER1\$/check_ping -H \$HOSTADDRESS\$ -w 3000.0,80% -c 5000.0,100% -p 5
}
define command {
    command_name    check_ping
    command_line    \$USER1\$/check_ping -H \$HOSTADDRESS\$ -w \$ARG1\$ -c \$ARG2\$ -p 5
}
define command {
    command_name    notify-host-by-email
    command_line    /usr/bin/printf "%b" "\$TIMET\$ \$NOTIFICATIONTYPE\$ \$HOSTNAME\$ \$HOSTSTATE\$\n" >> $N/notifications.log
}
define command {
    command_name    notify-service-by-email
    command_line    /usr/bin/printf "%b" "\$TIMET\$ \$NOTIFICATIONTYPE\$ \$HOSTNAME\$ \$SERVICEDESC\$ \$SERVICESTATE\$\n" >> $N/notifications.log
}
EOF
python3 - "$LAB_DIR/nocwatch.conf" >"$N/hosts.cfg" <<'PY'
import re, sys
for line in open(sys.argv[1]):
    m = re.match(r'device "([^"]+)" \{ site "[^"]+" address (\S+)(?: parent "([^"]+)")?', line)
    if m:
        print("define host {\n    use generic-switch\n    host_name %s\n    address %s" % (m.group(1), m.group(2)))
        if m.group(3):
            print("    parents %s" % m.group(3))
        print("}")
        # The sample switch.cfg's PING service.
        print("define service {\n    use generic-service\n    host_name %s\n"
              "    service_description PING\n    check_command check_ping!200.0,20%%!600.0,60%%\n"
              "    check_interval 5\n    retry_interval 1\n}" % m.group(1))
PY
echo '$USER1$=/usr/lib/nagios/plugins' >"$N/resource.cfg"
cat >"$N/nagios.cfg" <<EOF
log_file=$N/nagios.log
cfg_file=$N/commands.cfg
cfg_file=$N/contacts.cfg
cfg_file=$N/timeperiods.cfg
cfg_file=$N/templates.cfg
cfg_file=$N/hosts.cfg
resource_file=$N/resource.cfg
object_cache_file=$N/objects.cache
precached_object_file=$N/objects.precache
status_file=$N/status.dat
state_retention_file=$N/retention.dat
retain_state_information=0
check_result_path=$N/checkresults
lock_file=$N/nagios.lock
temp_file=$N/nagios.tmp
temp_path=$N
command_file=$N/nagios.cmd
check_external_commands=0
nagios_user=nagios
nagios_group=nagios
query_socket=$N/nagios.qh
interval_length=60
log_initial_states=1
enable_notifications=1
use_syslog=0
EOF
chown -R nagios:nagios "$N"
chmod 755 "$LAB_DIR"
/usr/sbin/nagios4 -v "$N/nagios.cfg" >"$N/verify.txt" 2>&1 ||
    { echo "bench-detect: Nagios refuses the configuration:"; grep -i -B2 -A2 "error" "$N/verify.txt" | head -30; exit 1; }

# --- both at once ---------------------------------------------------------
lab_bg noc "$B/nocwatchd" -f "$LAB_DIR/nocwatch.conf" 2>>"$LAB_DIR/nocwatchd.log"
lab_bg noc /usr/sbin/nagios4 "$N/nagios.cfg" >"$N/stdout.txt" 2>&1
sleep 30
t_cut=$(date +%s.%N)
fault_cut depot-east
echo "bench-detect: depot-east's fibre cut at $(date -u +%H:%M:%S); waiting for Nagios (up to $LIMIT s)"
t_nw=""
t_ng=""
end=$(($(date +%s) + LIMIT))
while [ "$(date +%s)" -lt "$end" ]; do
	if [ -z "$t_nw" ] && [ "$("$NW" incidents --open --json --db "$LAB_DIR/nocwatch.db" 2>/dev/null |
	    python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null)" -ge 1 ] 2>/dev/null; then
		t_nw=$(date +%s.%N)
	fi
	if [ -z "$t_ng" ] && grep -q "HOST ALERT: wan-dep;DOWN;HARD" "$N/nagios.log" 2>/dev/null; then
		t_ng=$(grep -m1 "HOST ALERT: wan-dep;DOWN;HARD" "$N/nagios.log" | sed 's/^\[\([0-9]*\)\].*/\1/')
	fi
	[ -n "$t_nw" ] && [ -n "$t_ng" ] && break
	sleep 0.5
done
sleep 5	# the notifications that follow the hard state
n_inc=$("$NW" incidents --json --db "$LAB_DIR/nocwatch.db" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
n_ng_alerts=$(grep -c "HOST ALERT: .*;HARD;" "$N/nagios.log")
t_ng_first=$(grep -m1 "HOST ALERT: .*;HARD;" "$N/nagios.log" | sed 's/^\[\([0-9]*\)\].*/\1/')
n_ng_soft=$(grep -c "HOST ALERT: .*;SOFT;" "$N/nagios.log")
n_ng_notes=$(grep -c "PROBLEM" "$N/notifications.log" 2>/dev/null)
n_ng_salerts=$(grep -c "SERVICE ALERT: .*;HARD;" "$N/nagios.log")
fmt() { [ -n "$1" ] && awk -v a="$1" -v b="$t_cut" 'BEGIN { printf "%.1f s", a - b }' || echo "not within $LIMIT s"; }
echo
echo "Fibre cut to depot-east (4 devices behind it), detection and alerts:"
printf '%-34s %-20s %s\n' tool "detected after" alerts
printf '%-34s %-20s %s\n' "nocwatchd (demo configuration)" "$(fmt "$t_nw")" "$n_inc incident(s)"
echo "Nagios: first hard host alert (any host) after $(fmt "$t_ng_first"), wan-dep hard DOWN after $(fmt "$t_ng")"
printf '%-34s %-20s %s\n' "Nagios 4 (sample templates)" "$(fmt "$t_ng")" \
    "$n_ng_alerts hard host alerts ($n_ng_soft soft before), $n_ng_salerts hard service alerts, ${n_ng_notes:-0} notification(s)"
grep "HOST ALERT\|SERVICE ALERT\|NOTIFICATION" "$N/nagios.log" | sed 's/^/  nagios: /' | head -20
"$NW" incidents --db "$LAB_DIR/nocwatch.db" | sed 's/^/  nocwatch: /'
