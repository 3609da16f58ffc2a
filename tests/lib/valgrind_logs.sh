#!/bin/sh
# valgrind_logs.sh DIR: prints what valgrind wrote into DIR (one log per
# process, --log-file=DIR/%p), except the traces of processes the kernel
# ended with SIGBUS, which it counts instead.  Those are expected: the fork
# suite's test of the documented in-place rewrite limit lets a child touch a
# mapping whose file was truncated under it, and under valgrind each such
# child leaves a stack trace.  Whether a test passed is decided by the test
# and valgrind's exit status, never here.
set -u
dir=$1
sigbus=0
for log in "$dir"/*; do
	[ -s "$log" ] || continue
	# Lines outside SIGBUS termination blocks and not just "==PID== ".
	rest=$(awk '
		/Process terminating with default action of signal 7 \(SIGBUS\)/ { inblock = 1; next }
		inblock && /^==[0-9]+== +[^ ]/ { next }
		{ inblock = 0 }
		/^==[0-9]+== *$/ { next }
		{ print }' "$log")
	if grep -q 'signal 7 (SIGBUS)' "$log"; then sigbus=$((sigbus + 1)); fi
	[ -z "$rest" ] || cat "$log"
done
if [ "$sigbus" -gt 0 ]; then
	echo "valgrind: $sigbus processes ended by SIGBUS, as the in-place rewrite test allows (traces in $dir)"
fi
