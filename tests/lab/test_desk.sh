#!/usr/bin/env bash
# Incidents into service desks (issue 18), end to end in the lab: nocwatchd
# with a Hornbill, a ServiceNow, a PagerDuty, an Alertmanager and an e-mail
# channel (a local SMTP server that insists on STARTTLS and AUTH),
# all four served by emulators written from the vendors' API references
# (tests/lab/desk_emulator.py: they check the auth header, the method and
# the required fields, answer in the real shapes and record everything).
#
#   noc -- core -- sa (site "a", one fibre)
#               == sb (site "b", two fibres in one redundancy group)
#
#  1. a fibre cut at a: exactly one ticket per desk, resolved with the
#     outage's duration; PagerDuty trigger then resolve on one dedup_key,
#     Alertmanager's alert ended;
#  2. one fibre of b (P3 redundancy-degraded), then the other (the same
#     incident, P1): one ticket per desk, updated with the new priority
#     (Hornbill's timeline and escalateRequest, ServiceNow's impact/urgency,
#     PagerDuty's severity), resolved once both are back;
#  3. Hornbill answers logIncident with 200 and "@status": false: a dead
#     letter, shown by nocwatch status, /api/v1/health and `nocwatch outbox
#     list`, holding that incident's later events back; `nocwatch outbox
#     retry ID` delivers it and them;
#  4. Hornbill creates the ticket and drops the connection: the retry
#     finds it by nocwatch's key, no second ticket; the same for nocwatchd
#     killed (-9) while logIncident is under way;
#  5. PagerDuty's 429 with Retry-After: 3 is honoured;
#  6. nocwatch notify test hornbill: a test ticket, the answer printed;
#  7. an unacknowledged P1 past its respond-by raises sla-breach (once,
#     also across a restart) and reminds every `repeat` until acknowledged;
#  8. a reopening sets Hornbill's request open again; once an analyst has
#     closed it, a new request is logged that names the closed one.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
D=$PWD/${B:-build}/nocwatchd
DB=$LAB_DIR/nocwatch.db
EMU=http://127.0.0.1:8097

lab_host noc; lab_host core; lab_host sa; lab_host sb
lab_link noc n0 198.51.100.1/30 core c0 198.51.100.2/30
lab_link core c1 203.0.113.1/30 sa r1 203.0.113.2/30
lab_link core c2 203.0.113.5/30 sb r2 203.0.113.6/30
lab_link core c3 203.0.113.9/30 sb r3 203.0.113.10/30
lab_forward core
# A route over a fibre whose far end is down is not used (a router's
# routing protocol would withdraw it): the other fibre takes over.
for h in core sb; do
	lab_exec $h sysctl -qw net.ipv4.conf.all.ignore_routes_with_linkdown=1
done
lab_exec sb ip addr add 203.0.113.145/32 dev lo
lab_route noc 203.0.113.0/24 198.51.100.2
lab_route sa 198.51.100.0/24 203.0.113.1
# Site b's two paths: one preferred, the other taking over when it is cut.
b_routes() {
	lab_exec core ip route replace 203.0.113.144/28 via 203.0.113.6 metric 10 2>/dev/null
	lab_exec core ip route replace 203.0.113.144/28 via 203.0.113.10 metric 20 2>/dev/null
	lab_exec sb ip route replace 198.51.100.0/24 via 203.0.113.5 metric 10 2>/dev/null
	lab_exec sb ip route replace 198.51.100.0/24 via 203.0.113.9 metric 20 2>/dev/null
}
b_routes

{
	echo 'rocommunity labread'
	lab_link_traps 198.51.100.1:9162
} >"$LAB_DIR/core.conf"
lab_snmpd core 198.51.100.2 "$LAB_DIR/core.conf"
lab_wait_snmp noc 198.51.100.2 labread || fail "core agent starts" "no answer"
lab_bg noc python3 tests/lab/desk_emulator.py --port 8097 --log "$LAB_DIR/emu.log"
lab_wait_tcp noc 127.0.0.1 8097 || fail "emulator starts" "not listening"
# E-mail: an SMTP server that insists on STARTTLS and AUTH (its certificate
# for 127.0.0.1, trusted through the channel's ca-file).
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$LAB_DIR/smtp.key" \
    -out "$LAB_DIR/smtp.pem" >/dev/null 2>&1
lab_bg noc python3 tests/lab/smtp_sink.py --port 8025 --out "$LAB_DIR/mail" \
    --cert "$LAB_DIR/smtp.pem" --key "$LAB_DIR/smtp.key" --user nocwatch \
    --password mail-test-pass --require-tls
lab_wait_tcp noc 127.0.0.1 8025 || fail "SMTP server starts" "not listening"

mkdir -p "$LAB_DIR/layouts"
cp rrd/* "$LAB_DIR/layouts/"
umask 077
cat >"$LAB_DIR/secrets.conf" <<'CONF'
hb_key = "hb-test-key"
sn_pass = "sn-test-pass"
pd_key = "R0123456789ABCDEF0123456789ABCDE"
mail_pass = "mail-test-pass"
CONF
cat >"$LAB_DIR/d.conf" <<CONF
include "$LAB_DIR/secrets.conf"
user root
rrd-dir "$LAB_DIR/rrd"
layouts "$LAB_DIR/layouts"
control-socket "$LAB_DIR/ctl.sock"
state-db "$DB"
http-listen "127.0.0.1:8096"
web-dir "$PWD/web"
trap-listen "198.51.100.1:9162"
trap-community "labtrap" from 198.51.100.0/24
incidents { correlation-window 2s  hold-down 3s  reopen-window 4s }
notify hornbill "$EMU/hb/" {
	api-key \$hb_key  key-field "h_custom_a"
	priority P1 "1"  priority P2 "2"  priority P3 "3"  priority P4 "4"
	service-id "12"  team-id "network/noc"  site-id "b" "7"
	timeout 2s  retry-max 2s
}
notify servicenow "$EMU/sn" { user "nocwatch" password \$sn_pass
	assignment-group "Network"  timeout 2s  retry-max 2s }
notify pagerduty "$EMU/pd/v2/enqueue" { routing-key \$pd_key  timeout 2s  retry-max 2s }
notify alertmanager "$EMU/am" { timeout 2s  retry-max 2s  repost 2s }
notify email "smtp://127.0.0.1:8025" { from "nocwatch@noc.example"
	to "noc-team@council.example"  to "on-call@council.example"
	user "nocwatch"  password \$mail_pass  ca-file "$LAB_DIR/smtp.pem"
	timeout 5s  retry-max 2s }
defaults { interval 2s timeout 1s retries 1 }
site "dc" { kind datacentre }
site "a" { kind remote parent "dc" }
site "b" { kind remote parent "dc" }
device "core" { site "dc" address 198.51.100.2
	snmp version 2c community "labread"
	check icmp { interval 2s timeout 1s count 2 }
	check snmp-metrics { interval 2s oids { ifOperStatus } } }
device "ra" { site "a" address 203.0.113.2 parent "core"
	check icmp { interval 2s timeout 1s count 2 } }
device "rb" { site "b" address 203.0.113.145 parent "core"
	check icmp { interval 2s timeout 1s count 2 } }
link "a-fibre" { from "core" interface "c1" to "ra" interface "r1" }
link "b-fibre-1" { from "core" interface "c2" to "rb" interface "r2" group "b" }
link "b-fibre-2" { from "core" interface "c3" to "rb" interface "r3" group "b" }
CONF
umask 022
out=$("$D" -n -f "$LAB_DIR/d.conf" 2>&1)
expect_match "a configuration with four service desks is OK" '^configuration OK' "$out"
# A desk without its credentials is said at its line.
sed 's/api-key \$hb_key  //' "$LAB_DIR/d.conf" >"$LAB_DIR/bad.conf"
chmod 600 "$LAB_DIR/bad.conf"
out=$("$D" -n -f "$LAB_DIR/bad.conf" 2>&1)
expect_match "hornbill without api-key: file:line" "bad.conf:[0-9]+: notify hornbill needs api-key" "$out"

start_daemon() {
	lab_bg noc "$D" -d -f "$LAB_DIR/d.conf" 2>>"$LAB_DIR/daemon.log"
	dpid=${LAB_PIDS[-1]}
	for _ in $(seq 1 50); do [ -S "$LAB_DIR/ctl.sock" ] && break; sleep 0.1; done
}
emu() {	# PYEXPR over S (the emulator's state); prints the value
	lab_exec noc curl -s "$EMU/_emu/state" | python3 -c 'import json,sys
S = json.load(sys.stdin)
HB = S["hornbill"]; SN = S["servicenow"]; PD = S["pagerduty"]; AM = S["alertmanager"]
def hb(k): return [r for r in HB.values() if r["fields"].get("h_custom_a") == k]
def sn(k): return [r for r in SN.values() if r["correlation_id"] == k]
def pd(k): return [e for e in PD if e["dedup_key"] == k]
def am(k): return [a for a in AM if a["labels"]["incident"] == k]
print(eval(sys.argv[1]))' "$1"
}
fault() { lab_exec noc curl -s -X POST -d "$1" "$EMU/_emu/fault" >/dev/null; }
q() { lab_inc_q "$1"; }
wait_emu() { lab_until "$2" emu "$1"; }	# PYEXPR SECONDS
# What the wall shows in a real browser (Playwright, Debian's chromium).
np=$(lab_playwright)
[ -n "$np" ] || fail "Playwright's driver is installed from the npm registry" "no"
ART=tests/out/artifacts
mkdir -p "$ART"
wall_shows() {	# SELECTOR REGEX NAME: "seen MS TEXT" once it shows
	lab_exec noc env NODE_PATH="$np" timeout 60 node tests/lab/wall_marks.js \
	    "http://127.0.0.1:8096/" "$1" "$2" "$ART/desk-wall-$3" 30 2>&1
}

start_daemon
sleep 8
expect_match "a healthy estate has no incident" '^0$' "$(q 'len(I)')"

# --- 1. a fibre cut (and its e-mails) ---------------------------------------
lab_cut sa r1
lab_inc_wait 'any("a" in i["sites"] and i["state"] == "open" for i in I)' 30
ida=$(q '[i for i in I if "a" in i["sites"]][0]["id"]')
ka="nocwatch-incident-$ida"
wait_emu "len(hb('$ka')) == 1 and len(sn('$ka')) == 1 and len(pd('$ka')) >= 1 and len(am('$ka')) >= 1" 20
expect_rc "the fibre cut reaches all four desks" 0 $?
expect_match "Hornbill: one request, P1 (priorityId 1), our service and team" \
    "^1 1 12 network/noc$" "$(emu "len(hb('$ka')), hb('$ka')[0]['priorityId'], hb('$ka')[0]['fields']['serviceId'], hb('$ka')[0]['fields']['teamId']" | tr -d "(),'")"
expect_match "  its summary is the incident's title" '^a cut off' "$(emu "hb('$ka')[0]['fields']['summary']")"
expect_match "ServiceNow: one incident, impact 1 urgency 1, assignment group" '^1 1 1 Network$' \
    "$(emu "len(sn('$ka')), sn('$ka')[0]['impact'], sn('$ka')[0]['urgency'], sn('$ka')[0]['assignment_group']" | tr -d "(),'")"
expect_match "PagerDuty: a trigger, severity critical" '^trigger critical$' \
    "$(emu "pd('$ka')[0]['event_action'], pd('$ka')[0]['payload']['severity']" | tr -d "(),'")"
sleep 4
lab_restore sa r1
lab_inc_wait "[i for i in I if i['id'] == $ida][0]['state'] == 'resolved'" 40
wait_emu "HB and hb('$ka')[0]['status'] == 'status.resolved' and sn('$ka')[0]['state'] == '6' and pd('$ka')[-1]['event_action'] == 'resolve' and 'endsAt' in am('$ka')[-1]" 20
expect_rc "resolved on all four desks" 0 $?
dur=$(q "round([i for i in I if i['id'] == $ida][0]['duration_s'])")
expect_match "Hornbill's resolution gives the outage's duration ($dur s)" "Outage $dur s" \
    "$(emu "hb('$ka')[0]['resolution']")"
expect_match "ServiceNow's close notes too" "Outage $dur s" "$(emu "sn('$ka')[0]['close_notes']")"
expect_match "still one ticket each (Hornbill, ServiceNow, PagerDuty dedup keys)" '^1 1 1$' \
    "$(emu "len(hb('$ka')), len(sn('$ka')), len(set(e['dedup_key'] for e in pd('$ka')))" | tr -d '(),')"
expect_match "nothing was rejected by the emulators" '^\[\]$' "$(emu "S['rejected']")"
mails() {	# PYEXPR over M, the messages received (dicts: env, text)
	python3 -c 'import json,sys,glob,os
M = []
for j in sorted(glob.glob(sys.argv[2] + "/*.json"), key=lambda p: int(os.path.basename(p)[:-5])):
    m = json.load(open(j)); m["text"] = open(j[:-5] + ".eml", encoding="utf-8").read(); M.append(m)
print(eval(sys.argv[1]))' "$1" "$LAB_DIR/mail"
}
sleep 2
# One opening and one resolution (an update between them when the cause
# is refined after the opening, as on a loaded machine), each once.
expect_match "e-mail: one opened and one resolved message for the cut, no message twice" \
    "^1 1 True$" "$(mails "'%d %d %s' % (len([m for m in M if 'Message-ID: <nocwatch-$ida-' in m['text'] and 'Subject: [nocwatch] P1 opened' in m['text']]), len([m for m in M if 'Message-ID: <nocwatch-$ida-' in m['text'] and 'Subject: [nocwatch] P1 RESOLVED' in m['text']]), len(set(l for m in M for l in m['text'].splitlines() if l.startswith('Message-ID:'))) == len(M))")"
expect_match "  subjects say what happened" \
    "\[nocwatch\] P1 opened: a cut off.*\[nocwatch\] P1 RESOLVED" \
    "$(mails "' '.join(l for m in M for l in m['text'].splitlines() if l.startswith('Subject:'))")"
expect_match "  over STARTTLS, authenticated, to both recipients" \
    "^True True \['<noc-team@council.example>', '<on-call@council.example>'\]$" \
    "$(mails "'%s %s %s' % (M[0]['tls'], M[0]['auth'], M[0]['to'])")"
expect_match "  the resolution gives the outage's duration" "Outage $dur s" \
    "$(mails "[m['text'] for m in M if 'RESOLVED' in m['text']][0]")"
sleep 3	# past the reopen window

# --- 2. redundancy lost, then the outage --------------------------------------
lab_cut sb r2
lab_inc_wait 'any("b" in i["sites"] and i["state"] == "open" for i in I)' 40
idb=$(q '[i for i in I if "b" in i["sites"]][0]["id"]')
kb="nocwatch-incident-$idb"
expect_match "one fibre of b: P3 redundancy-degraded" '^P3 redundancy-degraded$' \
    "$(q "[i for i in I if i['id'] == $idb][0]['priority'] + ' ' + [i for i in I if i['id'] == $idb][0]['situation']")"
wait_emu "len(hb('$kb')) == 1 and hb('$kb')[0]['priorityId'] == '3' and len(sn('$kb')) == 1" 20
expect_rc "  a P3 ticket (Hornbill priorityId 3, site b's siteId 7)" 0 $?
expect_match "  Hornbill's siteId for b" '^7$' "$(emu "hb('$kb')[0]['fields'].get('siteId')")"
lab_cut sb r3
lab_inc_wait "[i for i in I if i['id'] == $idb][0]['priority'] == 'P1'" 40
expect_rc "the second fibre: the same incident becomes P1" 0 $?
wait_emu "hb('$kb')[0]['priorityId'] == '1' and sn('$kb')[0]['impact'] == '1' and pd('$kb')[-1]['payload']['severity'] == 'critical'" 20
expect_rc "  every desk's ticket is raised to P1" 0 $?
expect_match "  Hornbill's timeline says so" 'P1' "$(emu "hb('$kb')[0]['timeline']")"
expect_match "  ServiceNow's work notes too" 'P1' "$(emu "sn('$kb')[0]['work_notes_log']")"
expect_match "  still one ticket each" '^1 1$' "$(emu "len(hb('$kb')), len(sn('$kb'))" | tr -d '(),')"
n_am=$(emu "len(am('$kb'))")
sleep 5
expect_range "Alertmanager: the open incident posted again every 2 s (posts in 5 s)" 2 4 \
    "$(( $(emu "len(am('$kb'))") - n_am ))"
expect_match "  as P1, not yet ended" "^P1 False$" \
    "$(emu "'%s %s' % (am('$kb')[-1]['labels']['priority'], 'endsAt' in am('$kb')[-1])")"
lab_restore sb r2; lab_restore sb r3; b_routes
lab_inc_wait "[i for i in I if i['id'] == $idb][0]['state'] == 'resolved'" 40
wait_emu "hb('$kb')[0]['status'] == 'status.resolved' and sn('$kb')[0]['state'] == '6'" 20
expect_rc "  resolved on the desks" 0 $?
sleep 5

# --- 3. a dead letter -----------------------------------------------------------
fault '{"desk": "hornbill", "method": "logIncident", "mode": "status_false"}'
lab_cut sa r1
lab_inc_wait 'len([i for i in I if "a" in i["sites"]]) == 2 or [i for i in I if "a" in i["sites"]][0]["state"] == "open"' 30
sleep 3
idc=$(q '[i for i in I if "a" in i["sites"]][0]["id"]')
kc="nocwatch-incident-$idc"
out=$(lab_exec noc "$NOCWATCH" outbox list --socket "$LAB_DIR/ctl.sock")
echo "$out" | sed 's/^/  /'
expect_match "Hornbill's 200 with @status false is a dead letter" \
    "hornbill:.*Hornbill refused logIncident: The specified priority does not exist" "$out"
dl=$(echo "$out" | awk 'NR > 1 && /hornbill/ { print $1; exit }')
expect_match "  nocwatch status shows it" 'DEAD LETTERS' \
    "$(lab_exec noc "$NOCWATCH" status --socket "$LAB_DIR/ctl.sock")"
expect_match "  /api/v1/health counts it" '"dead_letters": *1' \
    "$(lab_exec noc curl -s http://127.0.0.1:8096/api/v1/health)"
expect_match "  the wall's state carries it" '"dead_letters": *1' \
    "$(lab_exec noc curl -s http://127.0.0.1:8096/api/v1/state)"
expect_match "  the wall in a browser shows it in its header" \
    '^seen [0-9]+ 1 notification NOT delivered' "$(wall_shows '#deadletters' \
    'NOT delivered' dead-letter)"
expect_match "  the other desks have their ticket" '^0 1$' "$(emu "len(hb('$kc')), len(sn('$kc'))" | tr -d '(),')"
lab_restore sa r1
lab_inc_wait "[i for i in I if i['id'] == $idc][0]['state'] == 'resolved'" 40
sleep 3
expect_match "  the incident's later events wait behind it" '^0$' "$(emu "len(hb('$kc'))")"
out=$(lab_exec noc "$NOCWATCH" outbox retry "$dl" --socket "$LAB_DIR/ctl.sock")
expect_match "nocwatch outbox retry" "dead letter $dl queued again" "$out"
wait_emu "len(hb('$kc')) == 1 and hb('$kc')[0]['status'] == 'status.resolved'" 20
expect_rc "  delivers it, and the resolution held behind it" 0 $?
expect_match "  no dead letters left" 'no dead letters' \
    "$(lab_exec noc "$NOCWATCH" outbox list --socket "$LAB_DIR/ctl.sock")"
sleep 5

# --- 4. the ticket made, the answer lost; the daemon killed ------------------
fault '{"desk": "hornbill", "method": "logIncident", "mode": "drop"}'
fault '{"desk": "servicenow", "method": "POST", "mode": "drop"}'
lab_cut sa r1
lab_inc_wait 'len([i for i in I if "a" in i["sites"] and i["state"] == "open"]) == 1' 30
idd=$(q '[i for i in I if "a" in i["sites"]][0]["id"]')
kd="nocwatch-incident-$idd"
wait_emu "len(hb('$kd')) >= 1 and len(sn('$kd')) >= 1" 20
sleep 5	# the retries (2 s back-off at most) look the tickets up
expect_match "answers lost after creation: still one ticket on each desk" '^1 1$' \
    "$(emu "len(hb('$kd')), len(sn('$kd'))" | tr -d '(),')"
lab_restore sa r1
lab_inc_wait "[i for i in I if i['id'] == $idd][0]['state'] == 'resolved'" 40
wait_emu "hb('$kd')[0]['status'] == 'status.resolved'" 20
expect_rc "  and it is resolved" 0 $?
sleep 5
fault '{"desk": "hornbill", "method": "logIncident", "mode": "delay", "delay": 4}'
lab_cut sa r1
lab_inc_wait 'len([i for i in I if "a" in i["sites"] and i["state"] == "open"]) == 1' 30
ide=$(q '[i for i in I if "a" in i["sites"]][0]["id"]')
ke="nocwatch-incident-$ide"
wait_emu "len(hb('$ke')) == 1" 20
kill -9 "$dpid"	# the ticket exists, its answer is 4 s away
wait "$dpid" 2>/dev/null
start_daemon
sleep 8
expect_match "kill -9 while logIncident was under way: one ticket after the restart" '^1$' \
    "$(emu "len(hb('$ke'))")"
expect_match "  and nocwatch knows it (the store has its reference)" "IN[0-9]+" \
    "$(sqlite3 "$DB" "SELECT ref FROM desk_refs WHERE incident = $ide AND channel LIKE 'hornbill:%'")"
lab_restore sa r1
lab_inc_wait "[i for i in I if i['id'] == $ide][0]['state'] == 'resolved'" 40
sleep 5

# --- 5. Retry-After ---------------------------------------------------------------
fault '{"desk": "pagerduty", "method": "trigger", "mode": "http429", "retry_after": 3}'
lab_cut sa r1
lab_inc_wait 'len([i for i in I if "a" in i["sites"] and i["state"] == "open"]) == 1' 30
idf=$(q '[i for i in I if "a" in i["sites"]][0]["id"]')
kf="nocwatch-incident-$idf"
wait_emu "len(pd('$kf')) >= 1" 20
gap=$(emu "round(pd('$kf')[0]['received_at'] - [c['at'] for c in S['calls'] if c['path'] == '/pd/v2/enqueue' and c['body'].get('dedup_key') == '$kf'][0], 1)")
expect_range "PagerDuty's 429 Retry-After: 3 honoured (s between the two tries)" 2.9 8 "$gap"
lab_restore sa r1
lab_inc_wait "[i for i in I if i['id'] == $idf][0]['state'] == 'resolved'" 40

# --- 6. notify test --------------------------------------------------------------
out=$(lab_exec noc "$NOCWATCH" notify test hornbill -f "$LAB_DIR/d.conf" 2>&1); rc=$?
echo "$out" | sed 's/^/  /'
expect_rc "nocwatch notify test hornbill exits 0" 0 $rc
expect_match "  and prints the desk's answer and its reference" 'delivered: IN[0-9]+' "$out"
out=$(lab_exec noc "$NOCWATCH" notify test servicenow -f "$LAB_DIR/d.conf" 2>&1)
expect_match "notify test servicenow" 'delivered: [0-9a-f]{32}' "$out"
expect_match "nothing was rejected by the emulators, all along" '^\[\]$' "$(emu "S['rejected']")"

# --- 7. SLA escalation --------------------------------------------------------------
# A P1 must be acknowledged within 4 s here, and reminds every 3 s until
# it is (a reload: new incidents take the new SLA).
sed -i 's/^incidents {/sla P1 { respond 4s resolve 1h repeat 3s }\nincidents {/' "$LAB_DIR/d.conf"
kill -HUP "$dpid"
sleep 5
lab_cut sa r1
lab_inc_wait 'len([i for i in I if "a" in i["sites"] and i["state"] == "open"]) == 1' 30
idg=$(q '[i for i in I if "a" in i["sites"]][0]["id"]')
kg="nocwatch-incident-$idg"
t_open=$(date +%s)
wait_emu "any('sla-breach' in t for t in (hb('$kg') or [{'timeline': []}])[0]['timeline'])" 20
expect_rc "an unacknowledged P1 past its respond-by: sla-breach on the desk" 0 $?
el=$(( $(date +%s) - t_open ))
expect_range "  raised at its respond-by (4 s after opening; s seen)" 3 12 "$el"
expect_match "  in the incident's timeline" 'sla-breach +respond-by .* passed without an acknowledgement' \
    "$("$NOCWATCH" incident "$idg" --db "$DB")"
expect_match "  marked for the wall (sla_breached)" "'respond'" \
    "$(q "[i for i in I if i['id'] == $idg][0]['sla_breached']")"
expect_match "  the wall's state says so" '"sla_breached": *\["respond"\]' \
    "$(lab_exec noc curl -s http://127.0.0.1:8096/api/v1/state)"
expect_match "  the wall in a browser shows it on the P1's banner" \
    'SLA BREACHED \(respond\)' "$(wall_shows "#banner .incident.P1[data-id=\"$idg\"] .sla" \
    'SLA BREACHED' sla-breached)"
sleep 3
n1=$(sqlite3 "$DB" "SELECT COUNT(*) FROM timeline WHERE incident = $idg AND event = 'repeat'")
expect_range "reminders while unacknowledged (at least 2 by now)" 2 10 "$n1"
# Their spacing from the timeline's own times, not from this script's
# pace: a reminder every 3 s from the opening (the engine looks every
# half second).
gaps=$(sqlite3 "$DB" "SELECT MIN(d), MAX(d) FROM (SELECT at - LAG(at) OVER (ORDER BY at) AS d FROM timeline WHERE incident = $idg AND event IN ('opened', 'repeat')) WHERE d IS NOT NULL")
expect_range "  every 3 s: the shortest gap (ms)" 2500 4600 "${gaps%|*}"
expect_range "  every 3 s: the longest gap (ms)" 2500 4600 "${gaps#*|}"
wait_emu "len([t for t in hb('$kg')[0]['timeline'] if 'repeat' in t]) >= 2" 10
expect_rc "  each one on the desk" 0 $?
lab_exec noc "$NOCWATCH" ack "$idg" --by "on-call" --socket "$LAB_DIR/ctl.sock" >/dev/null
sleep 4	# more than the 3 s between reminders
n2=$(sqlite3 "$DB" "SELECT COUNT(*) FROM timeline WHERE incident = $idg AND event = 'repeat'")
expect_range "  and none after the acknowledgement" "$n1" $((n1 + 1)) "$n2"
n3=$(sqlite3 "$DB" "SELECT COUNT(*) FROM timeline WHERE incident = $idg AND event = 'sla-breach'")
expect_match "the respond-by breach is raised once" '^1$' "$n3"
kill -9 "$dpid"; wait "$dpid" 2>/dev/null
start_daemon
sleep 6
n4=$(sqlite3 "$DB" "SELECT COUNT(*) FROM timeline WHERE incident = $idg AND event = 'sla-breach'")
expect_match "  and not again after a restart" '^1$' "$n4"

# --- 8. a reopening on the desk ----------------------------------------------------
# The window made long (a reload), so the next cut reopens the incident:
# Hornbill's request goes back to open (smUpdateStatus).  Then an analyst
# closes it; the next reopening cannot reopen a closed request, so a new
# one is logged under the same key, naming the old one.
lab_restore sa r1
lab_inc_wait "[i for i in I if i['id'] == $idg][0]['state'] == 'resolved'" 40
wait_emu "hb('$kg')[0]['status'] == 'status.resolved'" 20
sed -i 's/reopen-window 4s/reopen-window 60s/' "$LAB_DIR/d.conf"
kill -HUP "$dpid"
sleep 2
lab_cut sa r1
lab_inc_wait "[i for i in I if i['id'] == $idg][0]['state'] != 'resolved'" 30
expect_rc "a cut within the (reloaded) window reopens the incident" 0 $?
wait_emu "hb('$kg')[0]['status'] == 'status.open'" 20
expect_rc "  Hornbill's request is open again" 0 $?
expect_match "  reopened once, still one request, the timeline says why" '^1 1 True$' \
    "$(emu "hb('$kg')[0]['reopened'], len(hb('$kg')), any('reopened' in t for t in hb('$kg')[0]['timeline'])" | tr -d '(),')"
lab_restore sa r1
lab_inc_wait "[i for i in I if i['id'] == $idg][0]['state'] == 'resolved'" 40
wait_emu "hb('$kg')[0]['status'] == 'status.resolved'" 20
ref1=$(emu "hb('$kg')[0]['ref']")
lab_exec noc curl -s -X POST -d "{\"ref\": \"$ref1\"}" "$EMU/_emu/close" >/dev/null
lab_cut sa r1
lab_inc_wait "[i for i in I if i['id'] == $idg][0]['state'] != 'resolved'" 30
wait_emu "len(hb('$kg')) == 2" 20
expect_rc "reopened after the analyst closed the request: a new request" 0 $?
expect_match "  which names the closed one" "$ref1 was closed" \
    "$(emu "[r for r in hb('$kg') if r['ref'] != '$ref1'][0]['fields']['description']")"
expect_match "  the closed one stays closed" '^status.closed$' \
    "$(emu "[r for r in hb('$kg') if r['ref'] == '$ref1'][0]['status']")"
expect_match "  the store follows the new request" \
    "$(emu "[r for r in hb('$kg') if r['ref'] != '$ref1'][0]['ref']")" \
    "$(sqlite3 "$DB" "SELECT ref FROM desk_refs WHERE incident = $idg AND channel LIKE 'hornbill:%'")"
expect_match "nothing was rejected by the emulators, all along" '^\[\]$' "$(emu "S['rejected']")"
lab_restore sa r1
kill -TERM "$dpid"
exit 0
