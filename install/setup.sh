#!/bin/sh
# Sets up a Debian (bookworm) machine for nss-iana, from a clone of the
# repository.  The two commands of the README:
#
#   sudo sh install/setup.sh install   build deps, make, make install
#                                      (module, tool, snapshot, nsswitch.conf),
#                                      then `getent services https`
#   sh install/setup.sh check          test deps, then make check, check-asan,
#                                      check-tsan, fuzz (30 s each), check-valgrind
#
# `check` runs every step even when one fails, then prints a summary: each
# step with its result and duration; it exits 1 if any step failed.  Each
# step's own closing line (tests/run.sh's "N passed, N failed, N skipped")
# comes before the summary, as the step prints it.
#
# Packages come from apt-get, and only those dpkg-query does not report as
# installed, after a single `apt-get update`; recommends are not pulled in,
# so everything needed is listed here.  apt-get and `make install` run as
# root: directly when we are root, else through sudo.  `make` and
# `make check` run as the caller: run `check` as root for the whole suite.
# Environment: CSV and PROTOCOLS_CSV (the registry CSVs, as for make),
# MAKEFLAGS (e.g. -j2).
set -eu

# Needed to build the module, the tool and the snapshot.
BUILD_DEPS="gcc make libc6-dev libexpat1-dev"
# Needed by `make check`, on top of BUILD_DEPS (build-essential: the
# package build in tests/system/test_deb.sh checks for it).  Add packages here.
# What the tests call, by package: procps (pgrep), netbase (/etc/services,
# which tests bind-mount over), systemd (systemd-analyze verify and
# security), mount and util-linux (mount, unshare, setpriv, setsid).
CHECK_DEPS="check pkg-config clang libclang-rt-14-dev valgrind libc6-dbg python3 libnss-db
	mount util-linux procps netbase systemd build-essential dpkg-dev debhelper dh-nss lintian
	man-db groff-base curl openssl nscd
	musl-tools golang-go iptables"
# Of those, daemons the suite starts itself inside private namespaces: their
# packages must not start or enable them for the whole machine.
QUIET_DAEMONS="nscd"

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
	deny_service_starts
	# shellcheck disable=SC2086 # one word per package
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -q -y \
		--no-install-recommends $missing || {
		allow_service_starts
		die "apt-get could not install:$missing"
	}
	allow_service_starts
	for daemon in $QUIET_DAEMONS; do
		case " $missing " in *" $daemon "*) keep_disabled "$daemon" ;; esac
	done
}

# policy-rc.d is how Debian tells maintainer scripts not to start services
# (exit 101).  An admin's own policy file is left as it is.
POLICY=/usr/sbin/policy-rc.d
deny_service_starts() {
	[ -e "$POLICY" ] && return 0
	as_root sh -c "printf '#!/bin/sh\nexit 101\n' >$POLICY && chmod 755 $POLICY"
	DENIED_STARTS=yes
}
allow_service_starts() {
	[ "${DENIED_STARTS:-}" = yes ] && as_root rm -f "$POLICY"
	DENIED_STARTS=
}
keep_disabled() {
	if command -v systemctl >/dev/null 2>&1; then
		as_root systemctl disable "$1" >/dev/null 2>&1 || true
	fi
	if command -v update-rc.d >/dev/null 2>&1; then
		as_root update-rc.d "$1" disable >/dev/null 2>&1 || true
	fi
	say "$1 installed for the tests, not started and not enabled"
}

# Runs one step of `check` and notes its result and duration; a failed step
# does not stop the ones after it.
SUMMARY=
FAILED_STEPS=0
timed() {
	started=$(date +%s)
	if "$@"; then result=passed; else result="FAILED (exit $?)"; FAILED_STEPS=$((FAILED_STEPS + 1)); fi
	seconds=$(($(date +%s) - started))
	say "$*: $result in $seconds s"
	SUMMARY="$SUMMARY$(printf '  %-40s %-16s %5s s' "$*" "$result" "$seconds")
"
}

# Without the registry CSVs beside the clone, the Makefile downloads them.
download_deps() {
	if { [ -n "${CSV:-}" ] || [ -f ../shared/iana/service-names-port-numbers.csv ] ||
		[ -f data/service-names-port-numbers.csv ]; } &&
		{ [ -n "${PROTOCOLS_CSV:-}" ] || [ -f ../shared/iana/protocol-numbers-1.csv ] ||
		[ -f data/protocol-numbers-1.csv ]; }; then
		return 0
	fi
	echo curl ca-certificates
}

[ $# -eq 1 ] || usage
if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	die "this script is for Debian (dpkg-query and apt-get are needed)"
fi
cd "$(dirname -- "$0")/.."
# make reads CSV (and PROTOCOLS_CSV) from the environment, ahead of its
# own default.
[ -z "${CSV:-}" ] || export CSV
[ -z "${PROTOCOLS_CSV:-}" ] || export PROTOCOLS_CSV

case $1 in
install)
	# shellcheck disable=SC2046,SC2086 # one word per package
	install_missing $BUILD_DEPS $(download_deps)
	make
	# sudo drops the environment: hand make the CSV the build used.
	as_root make install ${CSV:+CSV="$CSV"} ${PROTOCOLS_CSV:+PROTOCOLS_CSV="$PROTOCOLS_CSV"}
	say "getent services https:"
	getent services https || die "getent services https found nothing"
	;;
check)
	# shellcheck disable=SC2046,SC2086 # one word per package
	install_missing $BUILD_DEPS $CHECK_DEPS $(download_deps)
	# The whole suite: plain, under ASan+UBSan, under TSan, a bounded
	# fuzzing pass, and the module's suites under valgrind.
	timed make check
	timed make check-asan
	timed make check-tsan
	timed make fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
	timed make check-valgrind
	say "summary of the steps:"
	printf '%s' "$SUMMARY"
	if [ "$FAILED_STEPS" -ne 0 ]; then
		say "$FAILED_STEPS step(s) failed"
		exit 1
	fi
	say "all steps passed"
	;;
*)
	usage
	;;
esac
