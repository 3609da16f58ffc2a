#!/bin/sh
# Runs the tests of the groups named (default: unit module system): for
# unit and module, each Check program built from tests/GROUP/check_*.c; for
# system, each end-to-end script tests/system/test_*.sh.
# Environment: BUILD (build directory), CSV (the registry), SAN (sanitizer).
# A script exits 0 for pass, 77 for skipped (with its reason on stderr),
# anything else for fail.  Ends with one line "N passed, N failed, N skipped"
# and fails if anything failed.
set -u
BUILD=${BUILD:-build}
export BUILD CSV="${CSV:-../shared/iana/service-names-port-numbers.csv}" SAN="${SAN:-}"
export PROTOCOLS_CSV="${PROTOCOLS_CSV:-../shared/iana/protocol-numbers-1.csv}"
export CK_DEFAULT_TIMEOUT="${CK_DEFAULT_TIMEOUT:-120}"
# glibc finds the freshly built libnss_iana.so.2 here, for the Check programs
# and for the scripts' getent and python3 (plain builds only: an instrumented
# module cannot load into uninstrumented programs).
export MODULE_DIR="$PWD/$BUILD"
passed=0 failed=0 skipped=0 failures=""
log=$(mktemp); trap 'rm -f "$log"' EXIT

[ $# -gt 0 ] || set -- unit module system
for group; do
	case $group in unit | module | system) ;; *) echo "usage: $0 [unit] [module] [system]" >&2; exit 2 ;; esac
done
groups=" $* "
suites=
for group in unit module; do
	case $groups in *" $group "*) suites="$suites $(ls tests/$group/check_*.c 2>/dev/null)" ;; esac
done
scripts=
case $groups in *" system "*) scripts=$(ls tests/system/test_*.sh 2>/dev/null) ;; esac

for source in $suites; do
	program=$BUILD/tests/$(basename "$source" .c)
	if [ ! -x "$program" ]; then
		failed=$((failed + 1)); failures="$failures $program(not-built)"
		continue
	fi
	echo "== $program"
	LD_LIBRARY_PATH="$MODULE_DIR" "$program" >"$log" 2>&1
	status=$?
	cat "$log"
	# Check's summary: "NN%: Checks: C, Failures: F, Errors: E"
	summary=$(grep -E '^[0-9]+%: Checks: [0-9]+' "$log" | tail -n 1)
	checks=$(echo "$summary" | sed -n 's/.*Checks: \([0-9]*\).*/\1/p')
	bad=$(echo "$summary" | sed -n 's/.*Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2/p')
	if [ -z "$checks" ]; then
		failed=$((failed + 1)); failures="$failures $program(no-summary,status=$status)"
		continue
	fi
	set -- $bad
	passed=$((passed + checks - $1 - $2))
	failed=$((failed + $1 + $2))
	[ "$status" -eq 0 ] && [ "$1" -eq 0 ] && [ "$2" -eq 0 ] || failures="$failures $program"
done

for script in $scripts; do
	[ -f "$script" ] || continue
	if [ -n "$SAN" ]; then
		echo "SKIPPED: $script (runs uninstrumented programs; covered by make check)"
		skipped=$((skipped + 1)); continue
	fi
	echo "== $script"
	sh "$script"
	status=$?
	case $status in
	0) passed=$((passed + 1)) ;;
	77) skipped=$((skipped + 1)); echo "SKIPPED: $script" ;;
	*) failed=$((failed + 1)); failures="$failures $script" ;;
	esac
done

[ -n "$failures" ] && echo "FAILED:$failures"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ -z "$failures" ]
