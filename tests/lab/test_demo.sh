#!/usr/bin/env bash
# `make demo` end to end, as a newcomer runs it (on its own namespace
# prefix and port, so a running demo is left alone): it returns once the
# wall display answers from the machine's own namespace; demo-cut opens one
# P1 fibre-cut; demo-power turns a UPS warning into a P1 power-loss;
# demo-wifi takes a site's APs off the controller (a P2 for that site);
# demo-restore resolves them; demo-stop leaves no namespace, process,
# route or file behind.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
export DEMO_ID=nwdt$$ DEMO_PORT=18$((RANDOM % 900 + 100))
B=${B:-build}
export B
URL=http://127.0.0.1:$DEMO_PORT
DB=$B/$DEMO_ID/nocwatch.db
cleanup() { make --no-print-directory demo-stop >/dev/null 2>&1; }
trap cleanup EXIT

out=$(make --no-print-directory demo 2>&1)
rc=$?
expect_rc "make demo" 0 $rc
# What make demo said, when it failed: the reason is in it.
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | tail -n 20 | sed 's/^/  make demo: /'
expect_match "it prints the wall display's URL" "Wall display: $URL/" "$out"
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/")
expect_match "the wall display answers from the machine's own namespace" '^200$' "$code"
sites=$(curl -s "$URL/api/v1/sites")
expect_match "2 datacentres and 6 remote sites" '^2 6$' "$(printf '%s' "$sites" |
    python3 -c 'import json,sys; s = json.load(sys.stdin); print(sum(x["kind"] == "datacentre" for x in s), sum(x["kind"] == "remote" for x in s))')"
up=""
for _ in $(seq 1 60); do
	up=$(curl -s "$URL/api/v1/sites" | python3 -c 'import json,sys; print(all(x["state"] == "up" for x in json.load(sys.stdin)))')
	[ "$up" = True ] && break
	sleep 0.5
done
expect_match "every site comes up" '^True$' "$up"
out=$(make --no-print-directory demo 2>&1)
expect_match "a second make demo says it is running" 'already running' "$out"

# incidents via the API: COND over I (the array), bounded wait.
wait_api() {
	local i
	for i in $(seq 1 $(($2 * 2))); do
		[ "$(curl -s "$URL/api/v1/incidents" | python3 -c 'import json,sys
I = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$1" 2>/dev/null)" = True ] && return 0
		sleep 0.5
	done
	return 1
}

make --no-print-directory demo-cut SITE=depot-east >/dev/null
expect_rc "make demo-cut SITE=depot-east" 0 $?
wait_api 'len(I) == 1 and I[0]["priority"] == "P1" and I[0]["cause"] == "fibre-cut" and I[0]["sites"] == ["depot-east"]' 30
rc=$?
expect_rc "one P1 fibre-cut for depot-east" 0 $rc
# When it is not, what the API says instead.
[ "$rc" -eq 0 ] || curl -s "$URL/api/v1/incidents" | python3 -c 'import json,sys
for i in json.load(sys.stdin): print("  incident:", i["id"], i["priority"], i["cause"], i["state"], i["title"])'
for _ in $(seq 1 20); do	# the controller's next poll
	aps=$(curl -s "$URL/api/v1/sites" | python3 -c 'import json,sys
d = {s["name"]: s for s in json.load(sys.stdin)}
print(d["depot-east"]["aps_down"], d["depot-east"]["aps_total"], d["library-central"]["aps_down"], d["library-central"]["aps_total"])')
	[ "$aps" = "9 9 0 4" ] && break
	sleep 0.5
done
expect_match "the controller lost depot-east's 9 APs, not library-central's 4" '^9 9 0 4$' "$aps"
out=$(make --no-print-directory demo-cut SITE=nowhere 2>&1)
expect_rc "demo-cut of an unknown site fails (make's status)" 2 $?
expect_match "and names the sites there are" "no site 'nowhere' \\(sites: library-central" "$out"
make --no-print-directory demo-power SITE=harbour-office >/dev/null
expect_rc "make demo-power SITE=harbour-office" 0 $?
wait_api 'any(i["sites"] == ["harbour-office"] and i["priority"] == "P1" and i["cause"] == "power-loss" for i in I)' 30
expect_rc "harbour-office: P1 power-loss" 0 $?
make --no-print-directory demo-wifi SITE=school-hill >/dev/null
expect_rc "make demo-wifi SITE=school-hill" 0 $?
wait_api 'any(i["sites"] == ["school-hill"] and i["priority"] == "P2" and i["cause"] == "wifi-degraded" for i in I)' 30
expect_rc "school-hill: P2 wifi-degraded, the site still up" 0 $?
make --no-print-directory demo-restore >/dev/null
expect_rc "make demo-restore" 0 $?
wait_api 'len(I) == 3 and all(i["state"] == "resolved" for i in I)' 60
expect_rc "the three incidents resolve" 0 $?

out=$(make --no-print-directory demo-stop 2>&1)
expect_rc "make demo-stop" 0 $?
expect_match "no namespace left" '^0$' "$(ip netns list | grep -c "^$DEMO_ID-")"
expect_match "no process left" '^0$' "$(pgrep -f "$B/$DEMO_ID/" | wc -l)"
expect_match "no file left" '^gone$' "$([ -e "$B/$DEMO_ID" ] && echo there || echo gone)"
expect_match "no route or link left" '^0$' "$(ip route show | grep -c "unreachable 198.18.0.0/15 metric 4000\|$DEMO_ID")"
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/")
expect_match "the port is closed" '^000$' "$code"
: "$DB"
[ "$T_FAILED" -eq 0 ]
