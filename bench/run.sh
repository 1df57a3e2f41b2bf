#!/usr/bin/env bash
# make bench: every benchmark, side by side with the tools people use.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
export B
rc=0
for b in bench/bench_*.sh; do
	echo "== $b"
	bash "$b" || rc=1
done
exit $rc
