#!/usr/bin/env bash
# nocwatchd -n: "configuration OK" for the sample estate, every error as
# file:line: message (exit 1) for a bad one.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
D=${B:-build}/nocwatchd
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# As installed: the secrets file private (a checkout's files are 0644).
cp etc/nocwatch.conf etc/nocwatch.secrets.conf "$tmp/"
chmod 600 "$tmp/nocwatch.secrets.conf"
out=$("$D" -n -f "$tmp/nocwatch.conf"); rc=$?
expect_rc "sample estate: -n exits 0" 0 $rc
expect_match "sample estate: configuration OK" '^configuration OK: 8 sites, 25 devices, 8 links$' "$out"
chmod 644 "$tmp/nocwatch.secrets.conf"
err=$("$D" -n -f "$tmp/nocwatch.conf" 2>&1); rc=$?
expect_rc "secrets readable by everyone: -n exits 1" 1 $rc
expect_match "  and says which file and what to do" "^$tmp/nocwatch.secrets.conf:3: .* readable by everyone \(mode 0644\).*chmod o-r" "$err"

cat >"$tmp/bad.conf" <<'CONF'
site "dc" { kind datacentre }
device "r1" { site "dc" address 198.51.100.2
	check icmp { interval 2s timeout 5s }
}
device "r2" { site "nowhere" address 999.0.0.1 }
CONF
err=$("$D" -n -f "$tmp/bad.conf" 2>&1); rc=$?
expect_rc "bad configuration: -n exits 1" 1 $rc
expect_match "timeout error names file and line" "^$tmp/bad.conf:3: icmp check on 'r1': timeout must be shorter than the interval$" "$err"
expect_match "unknown site names file and line" "^$tmp/bad.conf:5: device 'r2': no site 'nowhere'$" "$err"
expect_match "bad address names file and line" "^$tmp/bad.conf:5: device 'r2': '999.0.0.1' is not an address or host name$" "$err"
if printf '%s' "$err" | grep -q "configuration OK"; then
	fail "bad configuration is not OK" "said OK"
else
	pass "bad configuration is not OK"
fi
err=$("$D" -n -f "$tmp/none.conf" 2>&1); rc=$?
expect_rc "missing file exits 1" 1 $rc
expect_match "missing file said" "none.conf: No such file or directory" "$err"
"$D" -x >/dev/null 2>&1
expect_rc "bad option exits 1" 1 $?
exit 0
