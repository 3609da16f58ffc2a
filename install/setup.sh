#!/bin/sh
# Sets up a Debian (bookworm) machine for nss-iana, from a clone of the
# repository.  The two commands of the README:
#
#   sudo sh install/setup.sh install   build deps, make, make install
#                                      (module, tool, snapshot, nsswitch.conf),
#                                      then `getent services https`
#   sh install/setup.sh check          test deps, then make check
#
# Packages come from apt-get, and only those dpkg-query does not report as
# installed, after a single `apt-get update`; recommends are not pulled in,
# so everything needed is listed here.  apt-get and `make install` run as
# root: directly when we are root, else through sudo.  `make` and
# `make check` run as the caller: run `check` as root for the whole suite.
# Environment: CSV (registry CSV, as for make), MAKEFLAGS (e.g. -j2).
set -eu

# Needed to build the module, the tool and the snapshot.
BUILD_DEPS="gcc make libc6-dev"
# Needed by `make check`, on top of BUILD_DEPS (build-essential: the
# package build in tests/test_deb.sh checks for it).  Add packages here.
CHECK_DEPS="check pkg-config clang libclang-rt-14-dev valgrind libc6-dbg python3 libnss-db
	mount util-linux build-essential dpkg-dev debhelper lintian man-db groff-base curl"

say() { echo "setup.sh: $*"; }
die() { echo "setup.sh: $*" >&2; exit 1; }

usage() {
	echo "usage: sh install/setup.sh install | check" >&2
	exit 2
}

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "'$*' needs root: run this as root, or install sudo"
	fi
}

is_installed() {
	# "install ok installed", "hold ok installed"; not "deinstall ok
	# config-files" nor "install ok half-installed".
	case $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) in
	*" installed") return 0 ;;
	*) return 1 ;;
	esac
}

install_missing() {
	missing=
	for package in "$@"; do
		is_installed "$package" || missing="$missing $package"
	done
	if [ -z "$missing" ]; then
		say "all needed packages are installed"
		return 0
	fi
	say "installing:$missing"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
	# shellcheck disable=SC2086 # one word per package
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -q -y \
		--no-install-recommends $missing
}

# Without the registry CSV beside the clone, the Makefile downloads it.
download_deps() {
	if [ -n "${CSV:-}" ] || [ -f ../shared/iana/service-names-port-numbers.csv ] ||
		[ -f data/service-names-port-numbers.csv ]; then
		return 0
	fi
	echo curl ca-certificates
}

[ $# -eq 1 ] || usage
if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	die "this script is for Debian (dpkg-query and apt-get are needed)"
fi
cd "$(dirname -- "$0")/.."
# make reads CSV from the environment, ahead of its own default.
[ -z "${CSV:-}" ] || export CSV

case $1 in
install)
	# shellcheck disable=SC2046,SC2086 # one word per package
	install_missing $BUILD_DEPS $(download_deps)
	make
	# sudo drops the environment: hand make the CSV the build used.
	as_root make install ${CSV:+CSV="$CSV"}
	say "getent services https:"
	getent services https || die "getent services https found nothing"
	;;
check)
	# shellcheck disable=SC2046,SC2086 # one word per package
	install_missing $BUILD_DEPS $CHECK_DEPS $(download_deps)
	make check
	;;
*)
	usage
	;;
esac
