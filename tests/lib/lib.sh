# shellcheck shell=sh disable=SC2034 # variables for the sourcing script
# The one shell library of the tests/system/test_*.sh scripts (sourced,
# POSIX sh).  tests/run.sh exports BUILD (build directory), CSV (the
# registry) and MODULE_DIR (where glibc finds libnss_iana.so.2).
#
# Verdicts, the same in every script:
#   pass              a check held (counted)
#   fail MESSAGE      a check failed: "FAIL: SCRIPT: MESSAGE" on stderr,
#                     counted; the script goes on to its next check
#   fatal MESSAGE     fail, then end the script at once: what follows
#                     cannot be checked
#   skip REASON       end the script as skipped (status 77): "SKIP: ..."
#   finish            end the script: "SCRIPT: N checks, M failed" (or
#                     "SCRIPT: M failed" when it counted no pass), and a
#                     status that is 0 only when nothing failed
# Prerequisites:
#   need_namespaces   fatal unless a private mount namespace can be made
#   use_tool          the built tool ($TOOL), python3 for the independent
#                     checks, and a scratch directory $W removed on exit;
#                     then run / expect_* below
#   use_registry_snapshot
#                     $db: the registry $CSV compiled by the built tool, in
#                     a scratch directory $work removed on exit
: "${BUILD:=build}" "${CSV:=../shared/iana/service-names-port-numbers.csv}"
: "${MODULE_DIR:=$PWD/$BUILD}"
TEST_NAME=${TEST_NAME:-${0##*/}}
TOOL=$BUILD/nss-iana
FIX=tests/fixtures
REFERENCE="python3 tests/lib/cli_reference.py"
checks=0
failures=0

pass() { checks=$((checks + 1)); }
fail() {
	checks=$((checks + 1))
	failures=$((failures + 1))
	echo "FAIL: $TEST_NAME: $*" >&2
}
fatal() {
	fail "$@"
	finish
}
skip() {
	echo "SKIP: $TEST_NAME: $*" >&2
	exit 77
}
finish() {
	# A script that only reports failures has no count of checks to give.
	if [ "$checks" -gt "$failures" ]; then
		echo "$TEST_NAME: $checks checks, $failures failed"
	else
		echo "$TEST_NAME: $failures failed"
	fi
	[ "$failures" -eq 0 ]
	exit $?
}

# Every system test runs its lookups in a private mount namespace with its
# own nsswitch.conf bind-mounted over /etc's, so the host is never touched.
# That needs root (CAP_SYS_ADMIN) and a kernel or container that allows
# unshare -m; make check is documented to run as root, so its absence is a
# setup error, reported the same way by every script.
need_namespaces() {
	why=$(unshare -m true 2>&1) && return 0
	fatal "cannot make a private mount namespace (unshare -m: ${why:-failed})." \
		"The system tests need root with CAP_SYS_ADMIN: run make check as root," \
		"or make check-unit, which needs neither."
}

# Run inside each private mount namespace before any lookup: a host nscd's
# socket would otherwise answer glibc's lookups from the host's
# nsswitch.conf, and a comparison of two backends would compare nscd with
# itself.  An empty /run/nscd makes glibc go to the NSS modules.
HIDE_NSCD='if [ -d /run/nscd ]; then mount -t tmpfs -o size=64k tmpfs /run/nscd; fi'

use_tool() {
	[ -x "$TOOL" ] || fatal "$TOOL is not built (run make BUILD=$BUILD first)"
	command -v python3 >/dev/null 2>&1 ||
		skip "python3 is needed for the independent checks"
	W=$(mktemp -d "${TMPDIR:-/tmp}/nss-iana-test.XXXXXX") || fatal "mktemp"
	trap 'rm -rf "$W"' EXIT
}

use_registry_snapshot() {
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	db="$work/services.db"
	"$BUILD/nss-iana" compile "$CSV" -o "$db" >/dev/null
}

# run ARG...: runs the tool; stdout in $W/out, stderr in $W/err, exit in $status.
run() {
	"$TOOL" "$@" >"$W/out" 2>"$W/err"
	status=$?
}

# expect_status N WHAT
expect_status() {
	if [ "$status" -eq "$1" ]; then pass; else
		fail "$2: exit status $status, expected $1; stderr: $(head -c 400 "$W/err")"
	fi
}

# expect_out TEXT WHAT / expect_err TEXT WHAT: a fixed string is present.
expect_out() {
	if grep -qF -e "$1" "$W/out"; then pass; else
		fail "$2: stdout lacks '$1'; stdout: $(head -c 400 "$W/out")"
	fi
}
expect_err() {
	if grep -qF -e "$1" "$W/err"; then pass; else
		fail "$2: stderr lacks '$1'; stderr: $(head -c 400 "$W/err")"
	fi
}

# expect_out_re REGEX WHAT: an extended regular expression matches a line.
expect_out_re() {
	if grep -qE -e "$1" "$W/out"; then pass; else
		fail "$2: no stdout line matches /$1/; stdout: $(head -c 400 "$W/out")"
	fi
}

expect_no_out() {
	if [ ! -s "$W/out" ]; then pass; else fail "$1: unexpected stdout: $(head -c 200 "$W/out")"; fi
}
expect_no_err() {
	if [ ! -s "$W/err" ]; then pass; else fail "$1: unexpected stderr: $(head -c 200 "$W/err")"; fi
}

# expect_same FILE1 FILE2 WHAT: byte-identical.
expect_same() {
	if cmp -s "$1" "$2"; then pass; else
		fail "$3: $1 and $2 differ"
		diff "$1" "$2" | head -20 >&2
	fi
}

# expect_equal ACTUAL EXPECTED WHAT
expect_equal() {
	if [ "$1" = "$2" ]; then pass; else fail "$3: got '$1', expected '$2'"; fi
}

# The diff lines with the column padding squeezed, sorted: the form
# tests/lib/cli_reference.py prints.
normalize_diff() {
	sed 's/  */ /g' "$1" | LC_ALL=C sort
}
