#!/bin/sh
# Install the Debian packages a make target needs, only when missing.
# Quiet when everything is present.  usage: tools/deps.sh build|lab|bench|fuzz|deb ...
set -eu

build="gcc make pkg-config libevent-dev libpcap-dev librrd-dev libjansson-dev
       libcurl4-openssl-dev libsqlite3-dev libssl-dev libsnmp-dev libcap-dev"
lab="iproute2 iputils-ping nftables snmpd snmp snmptrapd dnsmasq-base openssl python3
     rrdtool rrdcached tcpdump sqlite3 curl chromium fonts-dejavu-core strace
     mandoc systemd"
bench="fping collectd-core liboping0 apache2-utils nagios4-core
       monitoring-plugins-basic"
fuzz="clang libclang-rt-14-dev"
deb="debhelper dpkg-dev fakeroot lintian"

want=""
for group in "$@"; do
	case "$group" in
	build) want="$want $build" ;;
	lab)	want="$want $lab"
		# Node.js and npm drive the browser tests (Playwright);
		# Debian's where the machine has none of its own.  A machine
		# may have node without npm (Debian's nodejs alone).
		command -v node >/dev/null 2>&1 || want="$want nodejs"
		command -v npm >/dev/null 2>&1 || want="$want npm" ;;
	bench) want="$want $bench" ;;
	fuzz) want="$want $fuzz" ;;
	deb) want="$want $deb" ;;
	*) echo "deps.sh: unknown group '$group'" >&2; exit 2 ;;
	esac
done

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing (run as root to install)" >&2
	exit 1
fi
echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
if ! apt-get install -y -qq --no-install-recommends $missing >/dev/null; then
	echo "deps.sh: could not install:$missing" >&2
	exit 1
fi
