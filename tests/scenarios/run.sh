#!/usr/bin/env bash
# The outage scenario suite: every tests/scenarios/*.scn (or the files
# given) run against the lab estate of tests/lab/estate.sh with nocwatchd
# in its own namespace.  A scenario file holds:
#
#   estate demo [traps-only] [reopen=DURATION]
#                              the estate (scenarios with the same line share
#                              one estate and one daemon, run in turn)
#   at T VERB ARGS...          a fault T seconds after the scenario starts:
#                              cut SITE [FIBRE] | cutlink LINK | dark SITE |
#                              powercut SITE |
#                              ups SITE battery|mains [trap] |
#                              aps SELECTOR gone|back|down|up |
#                              blackhole DEVICE [snmp] | loss SITE PCT |
#                              delay SITE MS | flap SITE SECONDS [PERIOD] |
#                              reboot SITE SECONDS | maintenance SITE FOR |
#                              restore |
#                              restart [without DEVICE...] (nocwatchd
#                              killed, -9, and started on the estate's
#                              configuration or one without those devices) |
#                              reload [without DEVICE...] (SIGHUP, the same)
#   hold S                     watch at least S s after the last fault (3)
#   expect ...                 what must happen (tests/scenarios/judge.py)
#
# Each expectation prints PASS or FAIL; at the end a table of the measured
# detection (from the start of the first fault) and resolution (from the
# moment the repair began: the start of the last fault's command, or when
# a fault that heals itself began to) times.  Between scenarios the estate is healed and every
# incident must resolve.
cd "$(dirname "$0")/../.." || exit 1

# SCENARIO_SHARDS=N (2 by default) runs the files in N estates at once,
# each with its own namespaces and daemon (the files dealt round-robin),
# then prints each shard's lines and one table: the suite's time is mostly
# waiting on faults and hold-downs, not CPU.
if [ -z "${SCENARIO_SHARD:-}" ] && [ "${SCENARIO_SHARDS:-2}" -gt 1 ]; then
	if [ $# -gt 0 ]; then files=("$@"); else files=(tests/scenarios/*.scn); fi
	n=${SCENARIO_SHARDS:-2}
	[ "$n" -gt "${#files[@]}" ] && n=${#files[@]}
	mkdir -p tests/out/scenarios
	rm -f tests/out/scenarios/table-*.txt tests/out/scenarios/shard-*.log
	pids=()
	trap 'kill "${pids[@]}" 2>/dev/null; wait; exit 130' INT TERM
	for ((k = 0; k < n; k++)); do
		part=()
		for ((j = k; j < ${#files[@]}; j += n)); do part+=("${files[j]}"); done
		SCENARIO_SHARD=$((k + 1)) bash "$PWD/tests/scenarios/run.sh" "${part[@]}" \
		    >"tests/out/scenarios/shard-$((k + 1)).log" 2>&1 &
		pids+=($!)
	done
	rc=0
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	for ((k = 1; k <= n; k++)); do
		echo "=== shard $k"
		sed '/^scenario  *incidents/,$d' "tests/out/scenarios/shard-$k.log"
	done
	echo
	printf '%-28s %9s %14s %14s %s\n' scenario incidents "detect (s)" "resolve (s)" result
	sort tests/out/scenarios/table-*.txt | tee tests/out/scenarios/table.txt
	exit $rc
fi
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
ESTATE_NOC=noc
. tests/lab/estate.sh
D=$PWD/${B:-build}/nocwatchd
OUT=$PWD/tests/out/scenarios
mkdir -p "$OUT"
TABLE=$OUT/table-${SCENARIO_SHARD:-1}.txt
: >"$TABLE"
DB=$LAB_DIR/nocwatch.db
export ESTATE_REPAIR_MARK=$LAB_DIR/repair.at
# The judge reads the RRD files themselves (no-spike): written at once.
export ESTATE_RRD_DELAY=0s
API=http://127.0.0.1:$ESTATE_PORT/api/v1
dpid=

api() { lab_exec noc curl -s --max-time 5 "$API/$1"; }

if [ $# -gt 0 ]; then files=("$@"); else files=(tests/scenarios/*.scn); fi

estate_up || { fail "the lab estate comes up" "it did not"; exit 1; }
pass "the lab estate comes up (8 namespaces, 33 agents)"
mkdir -p "$LAB_DIR/layouts"
cp rrd/* "$LAB_DIR/layouts/"
# Interface rows every 2 s (the poll), a 30 s heartbeat: a restart's
# counters from zero would show as a spike if they were not caught.
sed -i 's/^step 60$/step 2/; s/^\(ds [a-z_]* [A-Z]*\) 180 /\1 30 /' "$LAB_DIR/layouts/if.layout"

start_daemon() {	# OPTIONS of the estate line
	[ -n "$dpid" ] && { kill "$dpid"; wait "$dpid" 2>/dev/null; }
	local w reopen=3s
	ESTATE_IFPOLL=1
	case " $* " in *" traps-only "*) ESTATE_IFPOLL=0 ;; esac
	for w in "$@"; do
		case $w in reopen=*) reopen=${w#reopen=} ;; esac
	done
	# Each estate line its own store: a long reopen window must not
	# reach back into another estate's incidents.
	DB=$LAB_DIR/nocwatch-$(printf '%s' "$*" | cksum | cut -d' ' -f1).db
	# A channel, so the store keeps what the service desk was sent.
	ESTATE_IFPOLL=$ESTATE_IFPOLL ESTATE_REOPEN=$reopen ESTATE_DB=$DB \
	    ESTATE_NOTIFY=/bin/cat \
	    estate_conf "$LAB_DIR" >"$LAB_DIR/nocwatch.conf"
	cp "$LAB_DIR/nocwatch.conf" "$LAB_DIR/nocwatch.conf.estate"
	lab_bg noc "$D" -f "$LAB_DIR/nocwatch.conf" 2>>"$LAB_DIR/daemon.log"
	dpid=${LAB_PIDS[-1]}
	wait_healthy 60
}

# The configuration the daemon reads next: the estate's, or without some
# devices.
conf_for() {	# [without DEVICE...]
	local dev
	cp "$LAB_DIR/nocwatch.conf.estate" "$LAB_DIR/nocwatch.conf"
	[ "${1:-}" = without ] || return 0
	shift
	for dev in "$@"; do
		grep -v "^device \"$dev\" " "$LAB_DIR/nocwatch.conf" \
		    >"$LAB_DIR/nocwatch.conf.new" &&
		    mv "$LAB_DIR/nocwatch.conf.new" "$LAB_DIR/nocwatch.conf"
	done
}

# nocwatchd killed (-9) mid-scenario and started again on the same store:
# nothing it knew may be lost.
restart_daemon() {	# [without DEVICE...]
	local i
	conf_for "$@"
	kill -9 "$dpid" 2>/dev/null
	wait "$dpid" 2>/dev/null
	lab_bg noc "$D" -f "$LAB_DIR/nocwatch.conf" 2>>"$LAB_DIR/daemon.log"
	dpid=${LAB_PIDS[-1]}
	for i in $(seq 1 50); do
		api health >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

# SIGHUP with the estate's configuration, or without some devices; done
# when the daemon says it reloaded (bounded).
reload_daemon() {	# [without DEVICE...]
	local n0 i
	conf_for "$@"
	n0=$(grep -c 'reloaded:' "$LAB_DIR/daemon.log")
	kill -HUP "$dpid"
	for i in $(seq 1 100); do
		[ "$(grep -c 'reloaded:' "$LAB_DIR/daemon.log")" -gt "$n0" ] &&
		    return 0
		sleep 0.1
	done
	echo "scenario: the daemon did not reload" >&2
	return 1
}

# Every device up and no incident open (bounded).
wait_healthy() {
	local i
	for i in $(seq 1 $(($1 * 2))); do
		if api devices | python3 -c 'import json,sys
d = json.load(sys.stdin)
sys.exit(0 if d and all(x["state"] == "up" for x in d) else 1)' 2>/dev/null &&
		    [ "$("$NOCWATCH" incidents --open --json --db "$DB" 2>/dev/null |
		    python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null)" = 0 ]
		then
			return 0
		fi
		sleep 0.5
	done
	return 1
}

dev_addr() {	# DEVICE -> its address
	python3 -c 'import json,sys
for d in json.load(open(sys.argv[1])):
    if d["name"] == sys.argv[2]: print(d["address"])' "$LAB_DIR/devices.json" "$1"
}

site_ns() {	# SITE -> namespace
	case "$1" in
	dc-north) echo dcn ;;
	dc-south) echo dcs ;;
	*) echo "s$(estate_site_index "$1")" ;;
	esac
}

run_fault() {	# VERB ARGS...
	local verb=$1
	shift
	case "$verb" in
	cut) fault_cut "$@" ;;
	cutlink) fault_cutlink "$@" ;;
	dark) fault_dark "$@" ;;
	powercut) fault_ups "$1" battery trap && fault_dark "$1" ;;
	ups) fault_ups "$@" ;;
	aps) fault_aps "$@" ;;
	blackhole) fault_blackhole "$(dev_addr "$1")" "${2:-}" ;;
	loss) fault_loss "$@" ;;
	delay) fault_delay "$@" ;;
	flap) fault_flap "$@" ;;
	reboot) fault_reboot "$(site_ns "$1")" "$2" ;;
	maintenance)
		"$NOCWATCH" maintenance add --site "$1" --for "$2" \
		    --reason "scenario" --socket "$LAB_DIR/nocwatchd.sock" >/dev/null ;;
	restore) fault_restore ;;
	restart) restart_daemon "$@" ;;
	reload) reload_daemon "$@" ;;
	*) echo "scenario: unknown fault '$verb'" >&2; return 1 ;;
	esac
}

late_count() {
	"$NOCWATCH" status --socket "$LAB_DIR/nocwatchd.sock" --json 2>/dev/null |
	    python3 -c 'import json,sys; print(json.load(sys.stdin)["daemon"]["scheduler"]["late"])' 2>/dev/null || echo 0
}

heal() {
	local m
	fault_restore
	cmp -s "$LAB_DIR/nocwatch.conf" "$LAB_DIR/nocwatch.conf.estate" ||
	    reload_daemon
	for m in $("$NOCWATCH" maintenance list --json --db "$DB" 2>/dev/null |
	    python3 -c 'import json,sys; [print(m["id"]) for m in json.load(sys.stdin)]' 2>/dev/null); do
		"$NOCWATCH" maintenance remove "$m" --socket "$LAB_DIR/nocwatchd.sock" >/dev/null
	done
	wait_healthy 150 || fail "healed after $1" "devices still down or incidents still open"
	sleep 3.5	# past the reopen window (3 s)
}

run_scenario() {	# FILE
	local f=$1 name t verb args start hold=5 line wait_s faults log0 n
	name=$(basename "$f" .scn)
	echo "--- scenario $name"
	baseline=$("$NOCWATCH" incidents --json --limit 1 --db "$DB" 2>/dev/null |
	    python3 -c 'import json,sys; d = json.load(sys.stdin); print(d[0]["id"] if d else 0)')
	late0=$(late_count)
	late1=$late0
	log0=$(wc -l <"$LAB_DIR/daemon.log")
	rm -f "$LAB_DIR/watch.stop" "$LAB_DIR/watch.jsonl"
	python3 tests/scenarios/watch.py "$NOCWATCH" "$DB" "$LAB_DIR/watch.jsonl" \
	    "$LAB_DIR/watch.stop" 600 &
	wpid=$!
	hold=$(awk '$1 == "hold" { print $2 }' "$f")
	start=$(date +%s.%N)
	faults=$LAB_DIR/faults.txt
	: >"$faults"
	while read -r line <&3; do
		read -r _ t verb args <<<"$line"
		now=$(date +%s.%N)
		sleep "$(awk -v s="$start" -v t="$t" -v n="$now" 'BEGIN { d = s + t - n; print (d > 0 ? d : 0) }')"
		t0=$(date +%s.%N)
		rm -f "$ESTATE_REPAIR_MARK"
		# shellcheck disable=SC2086
		run_fault "$verb" $args </dev/null || fail "$name" "fault '$verb $args' failed"
		# START END REPAIR: a repair begins when its command starts;
		# a fault that heals itself says when it began to.
		echo "$t0 $(date +%s.%N) $(cat "$ESTATE_REPAIR_MARK" 2>/dev/null || echo "$t0") $verb $args" >>"$faults"
	done 3< <(sed 's/#.*//' "$f" | awk '$1 == "at"')
	sleep "${hold:-3}"
	# Wait (bounded) until the expected incidents are there and resolved.
	wait_s=$(grep -o 'resolve<=[0-9]*' "$f" | cut -d= -f2 | sort -n | tail -1)
	wait_s=$((${wait_s:-20} + 10))
	for _ in $(seq 1 "$wait_s"); do
		facts "$name" "$start" "$log0"
		python3 tests/scenarios/judge.py ready "$f" "$LAB_DIR/watch.jsonl" \
		    "$LAB_DIR/facts.json" && break
		sleep 1
	done
	sleep 0.5
	touch "$LAB_DIR/watch.stop"
	wait "$wpid"
	late1=$(late_count)
	facts "$name" "$start" "$log0"
	python3 tests/scenarios/judge.py final "$f" "$LAB_DIR/watch.jsonl" \
	    "$LAB_DIR/facts.json" "$TABLE"
	n=$?
	cp "$LAB_DIR/watch.jsonl" "$OUT/$name.watch.jsonl" 2>/dev/null
	[ "$n" -ne 0 ] && T_FAILED=$((T_FAILED + 1))
	heal "$name"
}

facts() {	# NAME START LOG0
	"$NOCWATCH" maintenance list --all --json --db "$DB" >"$LAB_DIR/maint.json" 2>/dev/null ||
	    echo '[]' >"$LAB_DIR/maint.json"
	tail -n +"$(($3 + 1))" "$LAB_DIR/daemon.log" >"$LAB_DIR/log.txt"
	python3 - "$1" "$2" "$LAB_DIR" "$baseline" "${late0:-0}" "${late1:-0}" \
	    "$NOCWATCH" "$DB" <<'PY'
import json, sys
name, start, d, base, l0, l1, nw, db = sys.argv[1:9]
faults = []
for line in open(d + "/faults.txt"):
    p = line.split()
    faults.append({"t": float(p[0]), "end": float(p[1]), "repair": float(p[2]),
                   "verb": p[3], "args": p[4:]})
try:
    maint = json.load(open(d + "/maint.json"))
except ValueError:
    maint = []
json.dump({"name": name, "start": float(start), "faults": faults,
           "baseline": int(base), "devices": json.load(open(d + "/devices.json")),
           "late_before": int(l0), "late_after": int(l1),
           "log": open(d + "/log.txt", errors="replace").read().splitlines(),
           "maintenance": maint, "rrd": d + "/rrd", "nocwatch": nw, "db": db},
          open(d + "/facts.json", "w"))
PY
}

current=""
for f in "${files[@]}"; do
	e=$(sed 's/#.*//' "$f" | awk '$1 == "estate" { $1 = ""; print }' | xargs)
	if [ "$e" != "$current" ]; then
		start_daemon $e || { fail "daemon for estate '$e'" "not healthy in 60 s"; continue; }
		api devices >"$LAB_DIR/devices.json"
		current=$e
	fi
	run_scenario "$f"
done

echo
printf '%-28s %9s %14s %14s %s\n' scenario incidents "detect (s)" "resolve (s)" result
cat "$TABLE"
cp "$LAB_DIR/daemon.log" "$OUT/daemon-${SCENARIO_SHARD:-1}.log" 2>/dev/null
[ "$T_FAILED" -eq 0 ]
