#!/usr/bin/env bash
# The modules' layering (issue 15): tools/arch.py finds which module's code
# includes which module's headers, and which module's objects call which
# module's functions (nm), and fails on any use of a module above
# (doc/architecture.md's order), a module's internal header included from
# another, libevent in a module without a loop of its own, or a file
# outside any module; it lists the files over 800 lines and the functions
# over 100.  It must pass on the tree, and
# must fail on a copy with such a dependency put in (so it can fail).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

out=$(tools/arch.py --graph 2>&1); rc=$?
expect_rc "the modules use only the modules below them" 0 $rc
[ $rc -eq 0 ] || echo "$out" | sed 's/^/  /'
expect_match "  the daemon uses the incident engine" 'daemon +-> incident' "$out"
echo "$out" | grep -q 'incident +-> daemon'
expect_rc "  and the engine never the daemon (it has a host interface)" 1 $?
n=$(echo "$out" | grep -c -- '->')
expect_range "  (module dependencies found)" 20 200 "$n"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
copy() { rm -rf "$T/t"; mkdir -p "$T/t"; cp -r src probes include tools "$T/t"/; }

copy
sed -i '0,/^#include "log.h"/s//#include "log.h"\n#include "daemon.h"/' "$T/t/src/lib/xmalloc.c"
out=$("$T/t/tools/arch.py" 2>&1); rc=$?
expect_rc "a library file that includes the daemon's header fails" 1 $rc
expect_match "  saying which module uses which, and where" \
    'arch: lib uses daemon above it \(src/lib/xmalloc.c:[0-9]+' "$out"

copy
sed -i '0,/^#include "log.h"/s//#include "log.h"\n#include "config_int.h"/' "$T/t/src/notify/notify.c"
out=$("$T/t/tools/arch.py" 2>&1); rc=$?
expect_rc "another module's internal header fails" 1 $rc
expect_match "  named" "src/notify/notify.c:[0-9]+: includes config_int.h" "$out"

copy
sed -i '0,/^#include <stdio.h>/s//#include <stdio.h>\n#include <event2\/event.h>/' "$T/t/src/incident/incident_eval.c"
out=$("$T/t/tools/arch.py" 2>&1); rc=$?
expect_rc "the incident engine with a libevent timer of its own fails" 1 $rc
expect_match "  named" 'src/incident/incident_eval.c:[0-9]+: incident has no event loop' "$out"

copy
sed -i '0,/^#include "log.h"/s//#include "log.h"\n#include "store.h"/' "$T/t/src/incident/incident_eval.c"
out=$("$T/t/tools/arch.py" 2>&1); rc=$?
expect_rc "the incident engine using the store itself fails (its host records)" 1 $rc
expect_match "  named" 'arch: incident uses store, which it must reach through its host' "$out"

# The objects' symbols (nm): the same order, from what the code calls.
B=${B:-build}
out=$(tools/arch.py --objects "$B" 2>&1); rc=$?
expect_rc "the objects call only the modules below them (nm)" 0 $rc
[ $rc -eq 0 ] || echo "$out" | sed 's/^/  /'
expect_match "  (the objects were read)" 'arch: [0-9]+ symbols defined by the modules' "$out"
echo "$out" | grep '(size)' | sed 's/^/# /'
mkdir -p "$T/b"
case "$B" in /*) abs=$B ;; *) abs=$PWD/$B ;; esac
cp -rs "$abs/src" "$abs/probes" "$T/b/"	# links: nm reads them
# A prototype written by hand: the headers show nothing, the object does.
printf 'void daemon_recheck(void *, void *, int);\nvoid sneak(void) { daemon_recheck(0, 0, 0); }\n' |
    cc -x c -c -o "$T/b/src/lib/sneak.o" -
out=$(tools/arch.py --objects "$T/b" 2>&1); rc=$?
expect_rc "a library object calling the daemon fails (nm)" 1 $rc
expect_match "  named" 'arch: lib calls daemon_recheck in daemon above it \(src/lib/sneak.c' "$out"

copy
echo 'int loose;' >"$T/t/src/loose.c"
out=$("$T/t/tools/arch.py" 2>&1); rc=$?
expect_rc "a source file outside any module fails" 1 $rc
expect_match "  named" 'src/loose.c: outside any module' "$out"
