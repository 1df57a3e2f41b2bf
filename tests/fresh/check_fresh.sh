#!/usr/bin/env bash
# The first run on a new machine: a pristine Debian bookworm root with the
# packages a new machine of this kind starts with (tests/fresh/base-packages.txt)
# and none of nocwatch's, a clean clone of this repository inside it, and
# there the README's two commands, once each: `make demo` (the wall display
# must answer, `make demo-stop` must clean up) and `make check`.  Either
# failing the first time fails this check.
#
#   tests/fresh/check_fresh.sh          (root; ~6 min more the first time)
#   FRESH_STEPS=demo tests/fresh/check_fresh.sh     make demo alone
#   FRESH_STEPS=deb tests/fresh/check_fresh.sh      make deb, the .deb installed
#                                                   and tried (tests/fresh/deb_inroot.sh)
#
# The root is built once with mmdebstrap from the Debian registry apt
# already uses here, and kept as a tarball (FRESH_CACHE, default
# /var/cache/nocwatch-fresh) and an unpacked copy; every run mounts a
# fresh overlay on it, so no run sees another's packages.  Logs and
# timings go to tests/out/fresh/.
set -u
cd "$(dirname "$0")/../.." || exit 1
REPO=$PWD
CACHE=${FRESH_CACHE:-/var/cache/nocwatch-fresh}
OUT=$REPO/tests/out/fresh
SUITE=bookworm
mkdir -p "$OUT" "$CACHE"

if [ "$(id -u)" -ne 0 ]; then
	echo "check_fresh: needs root (mmdebstrap, mounts, chroot)" >&2
	exit 2
fi
command -v mmdebstrap >/dev/null 2>&1 || {
	echo "check_fresh: installing mmdebstrap" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null ||
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq mmdebstrap >/dev/null; } || exit 1
}

# apt's own sources on this machine, as they are (deb822 or one-line).
apt_sources() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
	    /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		cat "$f"
		echo
	done
}

TARBALL=$CACHE/$SUITE.tar
BASE=$CACHE/$SUITE
if [ ! -f "$TARBALL" ]; then
	t0=$(date +%s)
	echo "check_fresh: building the pristine root (mmdebstrap, a few minutes)"
	pkgs=$(grep -v '^#' tests/fresh/base-packages.txt | paste -sd, -)
	apt_sources | mmdebstrap --quiet --variant=apt --include="$pkgs" \
	    "$SUITE" "$CACHE/new.tar" - >"$OUT/mmdebstrap.log" 2>&1 || {
		tail -n 30 "$OUT/mmdebstrap.log"
		rm -f "$CACHE/new.tar"
		echo "check_fresh: mmdebstrap failed" >&2
		exit 1
	}
	mv "$CACHE/new.tar" "$TARBALL"
	rm -rf "$BASE"
	echo "check_fresh: root built in $(($(date +%s) - t0)) s"
fi
if [ ! -d "$BASE/usr" ]; then
	rm -rf "$BASE"
	mkdir -p "$BASE"
	tar -C "$BASE" -xf "$TARBALL" || exit 1
fi

RUN=$(mktemp -d "$CACHE/run.XXXXXX")
ROOT=$RUN/root
cleanup() {
	# Anything the run left inside the root (the demo's daemon and agents).
	local pid
	for pid in $(ls /proc | grep -E '^[0-9]+$'); do
		[ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$ROOT" ] &&
		    kill -9 "$pid" 2>/dev/null
	done
	sleep 0.5
	umount -R "$ROOT" 2>/dev/null || umount -lR "$ROOT" 2>/dev/null
	rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$RUN/upper" "$RUN/work" "$ROOT"
mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$RUN/upper,workdir=$RUN/work" \
    "$ROOT" || exit 1
for d in proc sys dev; do
	mount --rbind "/$d" "$ROOT/$d" && mount --make-rslave "$ROOT/$d" || exit 1
done
mount -t tmpfs tmpfs "$ROOT/run" || exit 1
mount -t tmpfs tmpfs "$ROOT/tmp" || exit 1
# The machine's own network setup, as a new machine of this kind has it:
# name resolution, its extra certificate authorities, its npm settings.
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
	cp /usr/local/share/ca-certificates/*.crt "$ROOT/usr/local/share/ca-certificates/"
	chroot "$ROOT" update-ca-certificates >/dev/null 2>&1
fi
[ -f /etc/npmrc ] && cp /etc/npmrc "$ROOT/etc/npmrc"

git clone -q "$REPO" "$ROOT/root/nocwatch" || exit 1

rooted_pids() {	# NAME...: processes of those names running in the root
	local pid
	for pid in $(ls /proc | grep -E '^[0-9]+$'); do
		[ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$ROOT" ] || continue
		case " $* " in *" $(cat "/proc/$pid/comm" 2>/dev/null) "*) echo "$pid" ;; esac
	done
}

inroot() {	# LOG CMD: run CMD in the clone, as a new user would
	chroot "$ROOT" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
	    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	    bash -c "cd /root/nocwatch && $2" </dev/null >"$OUT/$1" 2>&1
}

rc=0
t0=$(date +%s)
if [ "${FRESH_STEPS:-}" = deb ]; then	# the Debian package alone
	inroot deb.log "bash tests/fresh/deb_inroot.sh"
	rc=$?
	grep -E '^(PASS|FAIL)' "$OUT/deb.log"
	echo "check_fresh: $(date -u +%Y-%m-%dT%H:%MZ) deb $([ $rc -eq 0 ] && echo passed || echo FAILED)," \
	    "commit $(git -C "$REPO" rev-parse --short HEAD), $(($(date +%s) - t0)) s" |
	    tee "$OUT/result-deb.txt"
	exit $rc
fi
if inroot demo.log "make demo"; then
	t1=$(date +%s)
	echo "PASS first make demo ($((t1 - t0)) s, packages included)"
	if inroot wall.log "curl -fsS --max-time 10 http://127.0.0.1:8080/ | grep -qi nocwatch &&
	    curl -fsS --max-time 10 http://127.0.0.1:8080/api/v1/sites | grep -q '\"name\"'"; then
		echo "PASS the wall display and its API answer"
	else
		echo "FAIL the wall display and its API answer (tests/out/fresh/wall.log)"
		rc=1
	fi
	# The root shares /proc with the machine: its own processes are those
	# whose root is the root.
	if inroot demo-stop.log "make demo-stop && ! ip netns list | grep -q ." &&
	    [ -z "$(rooted_pids nocwatchd snmpd)" ]; then
		echo "PASS make demo-stop cleans up"
	else
		echo "FAIL make demo-stop cleans up (tests/out/fresh/demo-stop.log)"
		rc=1
	fi
else
	echo "FAIL first make demo ($(($(date +%s) - t0)) s):"
	tail -n 30 "$OUT/demo.log"
	rc=1
fi
if [ "${FRESH_STEPS:-demo check}" = demo ]; then	# the demo alone
	echo "check_fresh: $(date -u +%Y-%m-%dT%H:%MZ) demo only $([ $rc -eq 0 ] && echo passed || echo FAILED)," \
	    "commit $(git -C "$REPO" rev-parse --short HEAD), $(($(date +%s) - t0)) s" |
	    tee "$OUT/result-demo.txt"
	exit $rc
fi
t2=$(date +%s)
inroot check.log "make check"
crc=$?
t3=$(date +%s)
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$OUT/check.log" | tail -n 1)
if [ "$crc" -eq 0 ]; then
	echo "PASS first make check ($((t3 - t2)) s): $summary"
else
	echo "FAIL first make check ($((t3 - t2)) s): ${summary:-no summary}"
	grep -E '^FAIL' "$OUT/check.log" | head -n 20
	tail -n 20 "$OUT/check.log"
	rc=1
fi
echo "check_fresh: $(date -u +%Y-%m-%dT%H:%MZ) $([ $rc -eq 0 ] && echo passed || echo FAILED)," \
    "commit $(git -C "$REPO" rev-parse --short HEAD), $((t3 - t0)) s in all" |
    tee "$OUT/result.txt"
exit $rc
