#!/usr/bin/env bash
# nocwatch probe http in the lab: HTTP, HTTPS with a self-signed
# certificate (fails unless --insecure or trusted), status, body, timeouts.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/lab/lab.sh
lab_init || exit 1
. tests/lab/topo_basic.sh

openssl req -x509 -newkey rsa:2048 -nodes -days 20 -subj /CN=lab-https \
    -addext "subjectAltName=IP:203.0.113.2" \
    -keyout "$LAB_DIR/key.pem" -out "$LAB_DIR/cert.pem" 2>/dev/null
lab_bg site1 python3 tests/lab/servers.py http 203.0.113.2 8080
lab_bg site1 python3 tests/lab/servers.py http 203.0.113.2 8443 "$LAB_DIR/cert.pem" "$LAB_DIR/key.pem"
lab_wait_tcp noc 203.0.113.2 8080 || fail "http server starts" "no listener"
lab_wait_tcp noc 203.0.113.2 8443 || fail "https server starts" "no listener"

probe() { lab_exec noc "$NOCWATCH" probe http "$@"; }

out=$(probe http://203.0.113.2:8080/); rc=$?
expect_rc "http 200 exits 0" 0 $rc
expect_match "http 200 line" '^http://203\.0\.113\.2:8080/ : OK HTTP 200, ttfb [0-9.]+ ms, total [0-9.]+ ms, 16 bytes' "$out"

out=$(probe --json --expect "lab ok" http://203.0.113.2:8080/); rc=$?
expect_rc "body match exits 0" 0 $rc
expect_match "json status 200" '^200$' "$(json_get "$out" values.status)"
expect_match "json ttfb" '^[0-9.e-]+$' "$(json_get "$out" values.ttfb_ms)"

out=$(probe --expect "not there" http://203.0.113.2:8080/); rc=$?
expect_rc "body mismatch exits 2" 2 $rc
expect_match "body mismatch said" 'bad-response: HTTP 200, body lacks "not there"' "$out"

out=$(probe http://203.0.113.2:8080/status/503); rc=$?
expect_rc "503 exits 2" 2 $rc
expect_match "503 is a bad response" 'CRITICAL bad-response: HTTP 503' "$out"
out=$(probe http://203.0.113.2:8080/status/401); rc=$?
expect_match "401 is auth-failed" 'CRITICAL auth-failed: HTTP 401' "$out"
out=$(probe --status 404 http://203.0.113.2:8080/status/404); rc=$?
expect_rc "--status 404 accepts a 404" 0 $rc
out=$(probe --head http://203.0.113.2:8080/); rc=$?
expect_rc "HEAD exits 0" 0 $rc

out=$(probe -t 500ms http://203.0.113.2:8080/slow); rc=$?
expect_rc "slow server exits 2" 2 $rc
expect_match "slow server times out" 'CRITICAL timeout:' "$out"
out=$(probe -w 1s http://203.0.113.2:8080/slow); rc=$?
expect_rc "slow over -w exits 1" 1 $rc

out=$(probe http://203.0.113.2:8081/); rc=$?
expect_rc "closed port exits 2" 2 $rc
expect_match "closed port is refused" 'CRITICAL refused:' "$out"

out=$(probe https://203.0.113.2:8443/); rc=$?
expect_rc "self-signed https exits 2" 2 $rc
expect_match "self-signed is a tls failure" 'CRITICAL tls-failure: .*(self.signed|certificate)' "$out"

out=$(probe --insecure https://203.0.113.2:8443/); rc=$?
expect_rc "--insecure https exits 0" 0 $rc
expect_match "certificate days to expiry" 'certificate expires in (19|20) days' "$out"

out=$(probe --cacert "$LAB_DIR/cert.pem" https://203.0.113.2:8443/); rc=$?
expect_rc "trusted with --cacert exits 0" 0 $rc
out=$(probe -k --cert-warn 30 https://203.0.113.2:8443/); rc=$?
expect_rc "certificate under --cert-warn exits 1" 1 $rc
out=$(probe -k --cert-warn 60 --cert-crit 25 https://203.0.113.2:8443/); rc=$?
expect_rc "certificate under --cert-crit exits 2" 2 $rc

out=$(probe -t 3s http://203.0.113.2:8080/ http://203.0.113.2:8080/status/500 https://203.0.113.2:8443/); rc=$?
expect_rc "three URLs, worst is critical" 2 $rc
expect_match "three URLs, three lines" '^3$' "$(printf '%s\n' "$out" | grep -c ' : ')"

err=$(probe ftp://203.0.113.2/ 2>&1); rc=$?
expect_rc "non-http URL exits 3" 3 $rc
expect_match "non-http URL said" "is not an http:// or https:// URL" "$err"
err=$(probe --status 99 http://203.0.113.2:8080/ 2>&1); rc=$?
expect_rc "bad --status exits 3" 3 $rc
exit 0
