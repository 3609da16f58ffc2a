# shellcheck shell=sh disable=SC2034 # variables for the sourcing script
# Shared by tests/system/test_cli*.sh (sourced, POSIX sh): running the tool and
# counting checks.  Each check prints nothing on success and one FAIL line
# on failure; cli_finish ends the script with the right status.

BUILD=${BUILD:-build}
TOOL=$BUILD/nss-iana
FIX=tests/fixtures
REFERENCE="python3 tests/lib/cli_reference.py"
checks=0
failures=0

if [ ! -x "$TOOL" ]; then
	echo "$0: $TOOL is not built (run make BUILD=$BUILD first)" >&2
	exit 1
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "$0: skipped: python3 is needed for the independent checks" >&2
	exit 77
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/nss-iana-cli.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT

pass() { checks=$((checks + 1)); }
fail() {
	checks=$((checks + 1))
	failures=$((failures + 1))
	echo "FAIL: $*" >&2
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

cli_finish() {
	echo "$0: $checks checks, $failures failed"
	[ "$failures" -eq 0 ]
	exit $?
}
