#!/bin/sh
# The tool says every failure and writes nothing it did not mean to:
# a write error on standard output is an error, whatever the command; a
# path or registry text never adds a line to a data file or drives a
# terminal through --version.
set -u
. tests/lib/lib.sh
use_tool

SMALL=$FIX/cli_small.csv
"$TOOL" compile "$SMALL" -o "$W/small.db" >/dev/null || fatal "compile"

# ---- write errors on standard output ---------------------------------------
# each_output_command: every command whose result goes to standard output.
write_error_case() {
	what=$1
	shift
	# /dev/full: every write fails with ENOSPC.
	NSS_IANA_DB="$W/small.db" "$TOOL" "$@" >/dev/full 2>"$W/err"
	status=$?
	expect_status 1 "$what into /dev/full"
	expect_err "nss-iana: cannot write to standard output: No space left on device" \
		"$what into /dev/full: the failure said"
	# A closed standard output: nothing may be written to a file opened in
	# its place either.
	NSS_IANA_DB="$W/small.db" "$TOOL" "$@" >&- 2>"$W/err"
	status=$?
	expect_status 1 "$what with standard output closed"
	expect_err "nss-iana: cannot write to standard output:" "$what with standard output closed: the failure said"
}
write_error_case "show" show http
write_error_case "show --json" show --json http
write_error_case "stats" stats
write_error_case "diff" diff "$W/small.db" "$FIX/cli_small_v2.csv"
write_error_case "verify" verify "$W/small.db"
write_error_case "--help" --help
write_error_case "compile --help" compile --help
write_error_case "--version" --version
# compile with stdout closed: the snapshot is written where it was asked,
# complete, and the summary's failure is said.
"$TOOL" compile "$SMALL" -o "$W/closed.db" >&- 2>"$W/err"
status=$?
expect_status 1 "compile with standard output closed"
expect_same "$W/closed.db" "$W/small.db" "compile with standard output closed writes the snapshot whole"

# ---- no line injected into a data file ------------------------------------
NL='
'
ESC=$(printf '\033')
mkdir -p "$W/evil${NL}http 8081/tcp injected"
cp "$W/small.db" "$W/evil${NL}http 8081/tcp injected/x.db"
EVIL_DB="$W/evil${NL}http 8081/tcp injected/x.db"
run export --db "$EVIL_DB"
expect_status 0 "export from a path with a newline"
if grep -q '^http[[:space:]]*8081' "$W/out"; then
	fail "export: the newline in the --db path started a services(5) line"
else pass; fi
expect_out 'evil\x0ahttp 8081/tcp injected/x.db; ranges expanded' "export: the newline of the path escaped in the heading"
NSS_IANA_DB=$EVIL_DB "$TOOL" export >"$W/out" 2>"$W/err"
if grep -q '^http[[:space:]]*8081' "$W/out"; then
	fail "export: the newline in NSS_IANA_DB started a services(5) line"
else pass; fi
# Every line but the two heading comments is a services(5) entry of the snapshot.
expect_equal "$(grep -c '^#' "$W/out")" 2 "export: two heading lines, whatever the path"

mkdir -p "$W/esc${ESC}]2;owned"
cp "$W/small.db" "$W/esc${ESC}]2;owned/x.db"
NSS_IANA_DB="$W/esc${ESC}]2;owned/x.db" "$TOOL" --version >"$W/out" 2>"$W/err"
status=$?
expect_status 0 "--version with ESC in NSS_IANA_DB"
if LC_ALL=C grep -qF -e "$ESC" "$W/out"; then fail "--version writes ESC raw"; else pass; fi
expect_out 'esc\x1b]2;owned/x.db' "--version escapes ESC in the path"
NSS_IANA_DB="$W/nothing${NL}here" "$TOOL" --version >"$W/out" 2>"$W/err"
expect_equal "$(wc -l <"$W/out")" 2 "--version: two lines, whatever the path"

# ---- no temporary file outlives the process ----------------------------------
# temporaries DIR: the files an atomic write leaves if it is cut short.
temporaries() { find "$1" -name '*.[A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9]' | wc -l; }
[ -r "$CSV" ] || fatal "the registry $CSV is needed"
mkdir "$W/sig"
# A write past the file size limit brings SIGXFSZ, whose default action
# ends the process in the middle of the write: deterministic.
(ulimit -c 0; ulimit -f 64; exec "$TOOL" compile "$CSV" -o "$W/sig/fsize.db") >"$W/out" 2>"$W/err"
status=$?
expect_equal "$status" "$((128 + 25))" "compile -o past RLIMIT_FSIZE ends by SIGXFSZ"
expect_err "interrupted by signal 25" "compile -o past RLIMIT_FSIZE: said"
expect_equal "$(temporaries "$W/sig")" 0 "compile -o ended by SIGXFSZ leaves no temporary file"
(ulimit -c 0; ulimit -f 64; exec env NSS_IANA_UPDATE_MIN_ENTRIES=1 "$TOOL" update --file "$CSV" \
	--db "$W/sig/update.db") >"$W/out" 2>"$W/err"
expect_equal "$(temporaries "$W/sig")" 0 "update --file ended by SIGXFSZ leaves no temporary file"
[ ! -e "$W/sig/update.db" ] && [ ! -e "$W/sig/fsize.db" ] && pass ||
	fail "a write cut by SIGXFSZ left a snapshot"
# Termination signals at any moment of a compile -o or an update --file:
# the target is either untouched or whole, and never a temporary file.
"$TOOL" compile "$CSV" -o "$W/full.db" >/dev/null || fail "compile the registry"
i=0
for sig in TERM INT HUP QUIT USR1 TERM INT HUP ALRM TERM TERM TERM TERM TERM TERM TERM \
	TERM INT HUP TERM TERM TERM TERM TERM TERM TERM TERM TERM TERM TERM; do
	i=$((i + 1))
	if [ $((i % 2)) -eq 0 ]; then
		"$TOOL" compile "$CSV" -o "$W/sig/k.db" >/dev/null 2>&1 &
	else
		NSS_IANA_UPDATE_MIN_ENTRIES=1 "$TOOL" update --file "$CSV" --db "$W/sig/k.db" >/dev/null 2>&1 &
	fi
	pid=$!
	sleep "0.0$((i % 10))$((i * 7 % 10))"
	kill -s "$sig" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if [ -e "$W/sig/k.db" ] && ! cmp -s "$W/sig/k.db" "$W/full.db"; then
		fail "SIG$sig at 0.0$((i % 10))$((i * 7 % 10)) s left a snapshot that is not whole"
	fi
	rm -f "$W/sig/k.db" "$W/sig/k.db.download"
done
expect_equal "$(temporaries "$W/sig")" 0 "$i termination signals left no temporary file"
# SIGKILL cannot be held: the file is written unnamed (O_TMPFILE) and
# named only once whole, just before the rename.
mkdir "$W/kill"
i=0
while [ $i -lt 30 ]; do
	i=$((i + 1))
	"$TOOL" compile "$CSV" -o "$W/kill/kill.db" >/dev/null 2>&1 &
	pid=$!
	sleep "0.0$((i % 10))$((i * 3 % 10))"
	kill -s KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$W/kill/kill.db"
done
expect_equal "$(temporaries "$W/kill")" 0 "$i SIGKILLs left no temporary file"

# ---- a file replaced keeps its owner and mode -----------------------------------
cp "$W/small.db" "$W/owned.db"
chown nobody:nogroup "$W/owned.db" && chmod 0600 "$W/owned.db" || fatal "chown/chmod"
run compile "$FIX/cli_small_v2.csv" -o "$W/owned.db"
expect_status 0 "compile -o over a 0600 file owned by nobody"
expect_equal "$(stat -c '%U:%G %a' "$W/owned.db")" "nobody:nogroup 600" \
	"compile -o keeps the owner, group and mode of the file it replaces"
chmod 0640 "$W/owned.db"
run export --db "$W/small.db" -o "$W/owned.db"
expect_equal "$(stat -c '%U:%G %a' "$W/owned.db")" "nobody:nogroup 640" \
	"export -o keeps the owner, group and mode"
run compile "$SMALL" -o "$W/brand-new.db"
expect_equal "$(stat -c '%a' "$W/brand-new.db")" "644" "a new file is 0644"
# Someone who cannot give a file to its owner leaves it as it was.
if command -v setpriv >/dev/null 2>&1; then
	mkdir "$W/shared" && chmod 0777 "$W/shared"
	chmod 0755 "$W"
	cp "$W/small.db" "$W/shared/root.db"
	chmod 0666 "$W/shared/root.db"
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$TOOL" compile "$FIX/cli_small_v2.csv" -o "$W/shared/root.db" >"$W/out" 2>"$W/err"
	status=$?
	expect_status 1 "replacing a file of another owner, not as root"
	expect_err "cannot keep its owner and group" "the owner that cannot be kept is said"
	expect_same "$W/shared/root.db" "$W/small.db" "a file whose owner cannot be kept is left as it was"
	expect_equal "$(stat -c '%U' "$W/shared/root.db")" root "the file still belongs to root"
	expect_equal "$(find "$W/shared" -name 'root.db.*' | wc -l)" 0 "no temporary file left"
	chmod 0700 "$W"
else
	fail "setpriv (util-linux) is needed to run a command as nobody"
fi
# A hard link: the name given gets the new file; the other link keeps
# the old content (nss-iana(1), OUTPUT TARGETS).
cp "$W/small.db" "$W/linked.db"
ln "$W/linked.db" "$W/other-link.db"
run compile "$FIX/cli_small_v2.csv" -o "$W/linked.db"
expect_status 0 "compile -o over a file with two links"
expect_same "$W/other-link.db" "$W/small.db" "the other hard link keeps the old content"
if cmp -s "$W/linked.db" "$W/small.db"; then fail "the file named was not replaced"; else pass; fi

# ---- "-" and /dev/stdin as inputs ---------------------------------------------
cat "$W/small.db" | "$TOOL" verify /dev/stdin >"$W/out" 2>"$W/err"
status=$?
expect_status 0 "verify /dev/stdin from a pipe"
expect_out "/dev/stdin: ok, 14 entries" "verify /dev/stdin from a pipe reads the snapshot"
cat "$W/small.db" | "$TOOL" verify - >"$W/out" 2>"$W/err"
status=$?
expect_status 0 "verify - from a pipe"
"$TOOL" compile - -o "$W/stdin.db" <"$SMALL" >"$W/out" 2>"$W/err"
status=$?
expect_status 0 "compile - (the registry on standard input)"
expect_same "$W/stdin.db" "$W/small.db" "compile - writes what compile FILE writes"
"$TOOL" diff "$W/small.db" - <"$FIX/cli_small_v2.csv" >"$W/out" 2>"$W/err"
status=$?
expect_status 0 "diff OLD - (the new registry on standard input)"
expect_out "added" "diff OLD - compares with standard input"

# ---- every error names the tool --------------------------------------------------
run compile "$W/nonexistent.csv" -o "$W/x.db"
expect_status 1 "compile a missing file"
expect_err "nss-iana: $W/nonexistent.csv: No such file or directory" "compile's error starts with nss-iana:"
run compile "$FIX/cli_bad_port.csv" -o "$W/x.db"
expect_status 1 "compile a bad registry"
if grep -qv '^nss-iana' "$W/err"; then fail "a compile error line without nss-iana: $(cat "$W/err")"; else pass; fi

finish
