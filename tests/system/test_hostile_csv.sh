#!/bin/sh
# Hostile CSV files given to `nss-iana compile`.  Every case either makes a
# correct snapshot (checked through the module with getent, an independent
# program) or fails with a non-zero exit and a "FILE:LINE:COL: message"
# error ("FILE: reason" when the file cannot be read at all).  No case may
# crash, run past its time limit or memory cap (ulimit -v), or leave the
# output file changed or a temporary file behind when it fails.  A full
# disk (a small tmpfs in a private mount namespace) must leave the old
# snapshot byte for byte.
set -u
. tests/lib/lib.sh
need_namespaces
TOOL=$PWD/$BUILD/nss-iana
[ -x "$TOOL" ] || fatal "build first: $TOOL"
command -v setpriv >/dev/null || fatal "setpriv (util-linux) is missing"
export LD_LIBRARY_PATH="$MODULE_DIR"

# Address space and time for each compile, unless a case sets tighter ones.
MEMORY_KB=1048576
SECONDS_LIMIT=120
FLOOD=$PWD/$BUILD/tests/fnv_flood
[ -x "$FLOOD" ] || fail "build first: $FLOOD"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$work/out/services.db
mkdir "$work/out"
printf 'Service Name,Port Number,Transport Protocol\nprevious,1111,tcp\n' >"$work/previous.csv"
"$TOOL" compile "$work/previous.csv" -o "$work/previous.db" >/dev/null || fatal "compile previous.db"
HEADER='Service Name,Port Number,Transport Protocol,Description'
COMPILE_FLAGS=

# compile CSV: the tool, capped; sets $status and $errors.
compile() {
	cp "$work/previous.db" "$out"
	(ulimit -v "$MEMORY_KB" && exec timeout "$SECONDS_LIMIT" "$TOOL" compile $COMPILE_FLAGS "$1" -o "$out") \
		>"$work/stdout" 2>"$work/stderr"
	status=$?
	errors=$(cat "$work/stderr")
	[ "$status" -lt 124 ] || fatal "$1: killed or timed out (status $status): $errors"
	leftovers=$(find "$work/out" -type f ! -name services.db)
	[ -z "$leftovers" ] || fatal "$1: left behind: $leftovers"
}

# expect_error CSV LINE: a non-zero exit, the error at CSV:LINE:COL, and
# the previous snapshot untouched.
expect_error() {
	compile "$1"
	[ "$status" -ne 0 ] || fatal "$1: compiled, but should not have"
	echo "$errors" | grep -qE "^(nss-iana: )?$(basename_re "$1"):$2:[0-9]+: ." ||
		fatal "$1: expected an error at line $2, got: $errors"
	cmp -s "$out" "$work/previous.db" || fatal "$1: the previous snapshot changed"
	echo "ok: $(basename "$1"): $(echo "$errors" | head -n 1 | cut -c1-110)"
}

basename_re() { printf '%s' "$1" | sed 's/[].[\*^$/]/\\&/g'; }

# expect_compiled CSV: exit 0, and a snapshot that verifies.
expect_compiled() {
	compile "$1"
	[ "$status" -eq 0 ] || fatal "$1: failed: $errors"
	"$TOOL" verify "$out" >/dev/null || fatal "$1: the snapshot does not verify"
	case_name=$(basename "$1")
}

# answers QUERY ANSWER: getent, through the module, answers QUERY with
# ANSWER from the snapshot just compiled.
answers() {
	got=$(NSS_IANA_DB=$out getent -s services:iana services "$1" | tr -s ' \t' ' ')
	[ "$got" = "$2" ] || fatal "$case_name: getent services $1: expected '$2', got '$got'"
	echo "ok: $case_name: $1 -> $got"
}

# ---- cases ---------------------------------------------------------------
c=$work/csv
mkdir "$c"

# Large but within the format's limits (snapshot_format.h): compiles.
awk -v header="$HEADER" 'BEGIN { print header
	for (i = 0; i < 150000; i++) printf "svc%d,%d,tcp,Service number %d\n", i, i % 65536, i }' \
	>"$c/many_rows.csv"
expect_compiled "$c/many_rows.csv"
answers svc149999 "svc149999 18927/tcp"
answers 18927/tcp "svc18927 18927/tcp"
answers svc0 "svc0 0/tcp"

# A million rows serve more ports than a walk may return
# (NSSIANA_MAX_SERVENTS, 262,144): refused at the row that passes it.
awk -v header="$HEADER" 'BEGIN { print header
	for (i = 0; i < 1000000; i++) printf "svc%d,%d,tcp,Service number %d\n", i, i % 65536, i }' \
	>"$c/million_rows.csv"
expect_error "$c/million_rows.csv" 262146

{ echo "$HEADER"; printf 'big,7,tcp,"'; head -c 10485760 /dev/zero | tr '\0' x; echo '"'; } >"$c/ten_mb_field.csv"
expect_error "$c/ten_mb_field.csv" 2

{ echo "$HEADER"; printf 'nul,7,tcp,a\000b\n'; } >"$c/nul_byte.csv"
expect_error "$c/nul_byte.csv" 2

{ echo "$HEADER"; echo "ok,7,tcp,fine"; printf 'bad,8,tcp,caf\351 \300\257\n'; } >"$c/invalid_utf8.csv"
expect_error "$c/invalid_utf8.csv" 3

{ echo "$HEADER"; echo 'open,7,tcp,"never closed'; echo 'next,8,tcp,x'; } >"$c/unterminated_quote.csv"
expect_error "$c/unterminated_quote.csv" 2

for port in 65536 -1 abc 10-5; do
	{ echo "$HEADER"; echo "fine,7,tcp,ok"; echo "p,$port,tcp,bad port"; } >"$c/port_$port.csv"
	expect_error "$c/port_$port.csv" 3
done

{ echo "$HEADER"; echo "quicsvc,4433,quic,a protocol never seen"; echo "tcpsvc,4433,tcp,x"; } \
	>"$c/new_protocol.csv"
expect_compiled "$c/new_protocol.csv"
answers quicsvc "quicsvc 4433/quic"
answers 4433/quic "quicsvc 4433/quic"
answers 4433/tcp "tcpsvc 4433/tcp"

# A header only: no entries is not a registry, refused without --force;
# with it, a snapshot that serves nothing is correct.
echo "$HEADER" >"$c/header_only.csv"
compile "$c/header_only.csv"
[ "$status" -eq 1 ] && echo "$errors" | grep -q "no entries served" ||
	fatal "header only: compiled without --force (status $status): $errors"
cmp -s "$out" "$work/previous.db" || fatal "header only: the previous snapshot changed"
COMPILE_FLAGS=--force
expect_compiled "$c/header_only.csv"
COMPILE_FLAGS=
[ -z "$(NSS_IANA_DB=$out getent -s services:iana services previous)" ] ||
	fatal "header only: the old snapshot is still served"
echo "ok: header_only.csv: an empty snapshot"

: >"$c/empty.csv"
compile "$c/empty.csv"
[ "$status" -ne 0 ] && echo "$errors" | grep -qE "empty\.csv:[0-9]+:[0-9]+: ." ||
	fatal "empty file: expected a FILE:LINE:COL error, got status $status: $errors"
cmp -s "$out" "$work/previous.db" || fatal "empty file: the previous snapshot changed"
echo "ok: empty.csv: $errors"

# Not readable as a CSV: "FILE: reason", nothing written.
mkdir "$c/a_directory.csv"
compile "$c/a_directory.csv"
[ "$status" -ne 0 ] && echo "$errors" | grep -qF "a_directory.csv: " ||
	fatal "directory: status $status: $errors"
cmp -s "$out" "$work/previous.db" || fatal "directory: the previous snapshot changed"
echo "ok: a directory: $errors"

# Unreadable: root reads anything, so the tool runs as nobody.
cp "$c/new_protocol.csv" "$c/unreadable.csv" && chmod 000 "$c/unreadable.csv"
cp "$work/previous.db" "$out"
chmod 755 "$work" "$c" && chown nobody "$work/out"
setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$TOOL" compile "$c/unreadable.csv" -o "$out" >/dev/null 2>"$work/stderr"
status=$?
errors=$(cat "$work/stderr")
[ "$status" -ne 0 ] && echo "$errors" | grep -qF "unreadable.csv: " ||
	fatal "unreadable: status $status: $errors"
cmp -s "$out" "$work/previous.db" || fatal "unreadable: the previous snapshot changed"
[ -z "$(find "$work/out" -type f ! -name services.db)" ] || fatal "unreadable: left a file"
echo "ok: unreadable: $errors"

# ---- bounded on any input --------------------------------------------------
# Each case below once cost seconds to minutes and gigabytes.  The compiler
# now reads a record of at most 64 fields, resolves aliases by sorting
# (O(n log n) whatever the names), and refuses what passes a limit of the
# format where it is passed.  The time limit only catches a hang; the
# memory caps are a small multiple of the input.

# with_limits SECONDS KB CASE...: runs expect_* under those limits.
with_limits() {
	saved_seconds=$SECONDS_LIMIT saved_memory=$MEMORY_KB
	SECONDS_LIMIT=$1 MEMORY_KB=$2
	shift 2
	"$@"
	SECONDS_LIMIT=$saved_seconds MEMORY_KB=$saved_memory
}

# Hash flooding: 40,000 alias rows on one port whose targets all have one
# FNV-1a hash, which made linear probing quadratic (20-38 s).  The aliases
# resolve by sorting; unresolved, they are 40,000 entries on port 80,
# which no bucket can hold: refused at the 65th.  The same names as
# entries on 40,000 ports fill one name bucket: refused likewise.  The
# control, the same rows on their own ports, compiles.
"$FLOOD" 40000 >"$work/flood_names"
awk -v header="$HEADER,Assignment Notes" 'BEGIN { print header }
	{ printf "a%d,%d,tcp,,\"This entry is an alias to \"\"%s\"\".\"\n", NR, port ? port : NR, $0 }' \
	port=80 "$work/flood_names" >"$c/alias_flood.csv"
with_limits 30 262144 expect_error "$c/alias_flood.csv" 66
echo "$errors" | grep -q "more than 64 entries on port 80" || fail "alias flood: $errors"
awk -v header="$HEADER" 'BEGIN { print header } { printf "%s,%d,tcp,x\n", $0, NR }' \
	"$work/flood_names" >"$c/name_flood.csv"
with_limits 30 262144 expect_error "$c/name_flood.csv" 66
echo "$errors" | grep -q "names hash alike" || fail "name flood: $errors"
awk -v header="$HEADER,Assignment Notes" 'BEGIN { print header }
	{ printf "a%d,%d,tcp,,\"This entry is an alias to \"\"%s\"\".\"\n", NR, NR, $0 }' \
	"$work/flood_names" >"$c/flood_control.csv"
with_limits 30 262144 expect_compiled "$c/flood_control.csv"
echo "ok: flood_control.csv: compiled"

# A 64 MB line of commas: stopped at the 65th field, reading no further.
{ echo "$HEADER"; head -c 64000000 /dev/zero | tr '\0' ,; echo; } >"$c/comma_line.csv"
with_limits 60 262144 expect_error "$c/comma_line.csv" 2
echo "$errors" | grep -q "comma_line.csv:2:65: record has more than 64 fields" ||
	fail "comma line: $errors"
rm -f "$c/comma_line.csv"

# Expansion: every port of a range is an entry of a getservent walk.
# 4,000 rows of 0-65535 (79 KB) made a 66 MB snapshot, 16,384 rows a
# 1.07 GB one; four rows reach NSSIANA_MAX_SERVENTS, the fifth is refused.
for rows in 4000 16384; do
	awk -v header="$HEADER" -v rows=$rows 'BEGIN { print header
		for (i = 0; i < rows; i++) printf "r%d,0-65535,tcp,all ports\n", i }' \
		>"$c/ranges_$rows.csv"
	with_limits 30 65536 expect_error "$c/ranges_$rows.csv" 6
	echo "$errors" | grep -q "more than 262144 ports served" || fail "ranges: $errors"
done

# Names that would print as something else: skipped and counted as bad
# names, as names with spaces are; the rest of the file is served.
printf '%s\nev\342\200\256il,7,tcp,RLO\nc\302\205one,8,tcp,NEL\ngood,9,tcp,fine\n' "$HEADER" \
	>"$c/hidden_controls.csv"
expect_compiled "$c/hidden_controls.csv"
grep -q "2 bad name" "$work/stdout" || fail "hidden controls: $(cat "$work/stdout")"
answers 7/tcp ""
answers 8/tcp ""
answers good "good 9/tcp"

# ---- a full disk ----------------------------------------------------------
# A 64 KiB tmpfs holds the previous snapshot but not one of 2,000 rows.
awk -v header="$HEADER" 'BEGIN { print header
	for (i = 0; i < 2000; i++) printf "disk%d,%d,tcp,Fills the disk %d\n", i, i, i }' \
	>"$c/too_big_for_the_disk.csv"
full=$(unshare -m sh -s "$work" "$TOOL" "$c/too_big_for_the_disk.csv" <<'NAMESPACE' 2>&1
work=$1 tool=$2 csv=$3
mount --make-rprivate /
mkdir "$work/small"
mount -t tmpfs -o size=64k tmpfs "$work/small"
cp "$work/previous.db" "$work/small/services.db"
"$tool" compile "$csv" -o "$work/small/services.db"
echo "status=$?"
cmp "$work/small/services.db" "$work/previous.db" && echo "previous intact"
echo "files: $(ls -A "$work/small" | tr '\n' ' ')"
NAMESPACE
)
echo "$full" | sed 's/^/  full disk: /'
echo "$full" | grep -qE '^status=[1-9]' || fatal "full disk: the compile did not fatal"
echo "$full" | grep -qxF "previous intact" || fatal "full disk: the previous snapshot changed"
echo "$full" | grep -qxF "files: services.db " || fatal "full disk: files left behind"
echo "ok: full disk: failed, previous snapshot intact, nothing left behind"
