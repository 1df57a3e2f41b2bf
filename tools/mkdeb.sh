#!/bin/sh
# Build the Debian package from this checkout's files (tracked ones, as
# they are in the working tree), in a scratch copy so that no build
# directory or lab output gets in; then lintian.  usage: tools/mkdeb.sh OUTDIR
set -eu
out=${1:?usage: tools/mkdeb.sh OUTDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/nocwatch"
(cd "$top" && git ls-files -z | xargs -0 cp --parents -t "$work/nocwatch")
(cd "$work/nocwatch" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) || {
	tail -n 40 "$work/build.log" >&2
	echo "mkdeb: dpkg-buildpackage failed" >&2
	exit 1
}
for f in "$work"/*.deb; do
	cp "$f" "$out/"
	echo "mkdeb: $out/$(basename "$f")"
done
# lintian: errors fail the build; warnings are shown.
deb=$(ls "$work"/nocwatch_*.deb | head -n 1)
if lintian --fail-on error --suppress-tags-from-file /dev/null "$deb" >"$out/lintian.txt" 2>&1; then
	echo "mkdeb: lintian: no errors ($(grep -c '^W:' "$out/lintian.txt" || true) warnings, $out/lintian.txt)"
else
	cat "$out/lintian.txt" >&2
	echo "mkdeb: lintian found errors" >&2
	exit 1
fi
