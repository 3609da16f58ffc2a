#!/bin/sh
# Output targets of `-o` (export, compile) and update's --db: standard
# output by name, FIFOs and character devices written and never replaced,
# a symlink to a regular file followed (its target replaced in the target's
# directory, the link kept), anything else refused and left as it was.
#
# /dev/stdout and /dev/null are exercised only inside a private mount
# namespace with its own tmpfs on /dev, so the host's are never at risk.
set -u
. tests/lib/lib.sh
use_tool

need_namespaces

SMALL=$FIX/cli_small.csv
"$TOOL" compile "$SMALL" -o "$W/small.db" >/dev/null || fail "compile"
"$TOOL" export --db "$W/small.db" >"$W/expected" || fail "export to stdout"
[ -s "$W/expected" ] || fail "export wrote nothing"

# left_alone PATH: no temporary file of an atomic write next to PATH.
left_alone() {
	leftovers=$(find "$(dirname "$1")" -maxdepth 1 -name "$(basename "$1").??????" | wc -l)
	expect_equal "$leftovers" 0 "no temporary file next to $1"
}

# ---- standard output by name ------------------------------------------------
run export --db "$W/small.db" -o -
expect_status 0 "export -o -"
expect_same "$W/out" "$W/expected" "export -o - writes standard output"

# compile -o -: the snapshot alone on standard output, byte for byte the
# file compile writes; the summary line on standard error instead.
run compile "$SMALL" -o -
expect_status 0 "compile -o -"
expect_same "$W/out" "$W/small.db" "compile -o - writes the snapshot and nothing else to standard output"
expect_err "14 entries served" "compile -o - puts its summary on standard error"
# The same through a name that only leads to the pipe standard output is.
"$TOOL" compile "$SMALL" -o /dev/fd/1 2>"$W/err" | cat >"$W/via-fd1"
expect_same "$W/via-fd1" "$W/small.db" "compile -o /dev/fd/1 into a pipe writes only the snapshot"
expect_err "14 entries served" "compile -o /dev/fd/1 puts its summary on standard error"
ln -s /proc/self/fd/1 "$W/compile-fd1-link"
"$TOOL" compile "$SMALL" -o "$W/compile-fd1-link" 2>"$W/err" | cat >"$W/via-fd1-link"
expect_same "$W/via-fd1-link" "$W/small.db" "compile through a symlink to standard output writes only the snapshot"
expect_err "14 entries served" "compile through a symlink to standard output: summary on standard error"
# A file of its own: the summary stays on standard output.
run compile "$SMALL" -o "$W/small-file.db"
expect_out "14 entries served" "compile -o FILE: summary on standard output"
expect_no_err "compile -o FILE"

# Inside the namespace /dev is a fresh tmpfs: /dev/stdout is a symlink to
# /proc/self/fd/1 as on the host, /dev/null a real null device.  Standard
# output is a pipe, so that following the link would reach a pipe, not a file.
unshare -m sh -c '
	mount -t tmpfs tmpfs /dev || exit 90
	ln -s /proc/self/fd/1 /dev/stdout || exit 91
	mknod /dev/null c 1 3 || exit 92
	"$1" export --db "$2" -o /dev/stdout | cat >"$3/via-dev-stdout" || exit 93
	[ -L /dev/stdout ] || exit 94
	[ "$(readlink /dev/stdout)" = /proc/self/fd/1 ] || exit 95
	"$1" export --db "$2" -o /dev/null || exit 96
	[ -c /dev/null ] || exit 97
	"$1" compile "$4" -o /dev/null >/dev/null || exit 98
	[ -c /dev/null ] && [ "$(ls /dev | wc -l)" -eq 2 ] || exit 99
' sh "$TOOL" "$W/small.db" "$W" "$SMALL"
status=$?
expect_status 0 "export -o /dev/stdout and -o /dev/null in a private /dev (90-99: which step failed)"
expect_same "$W/via-dev-stdout" "$W/expected" "export -o /dev/stdout writes standard output"

# A symlink of our own to /proc/self/fd/1: reaches the pipe, written, kept.
ln -s /proc/self/fd/1 "$W/fd1-link"
"$TOOL" export --db "$W/small.db" -o "$W/fd1-link" | cat >"$W/via-link"
expect_same "$W/via-link" "$W/expected" "a symlink to /proc/self/fd/1 reaches standard output"
if [ -L "$W/fd1-link" ]; then pass; else fail "the symlink to /proc/self/fd/1 was replaced"; fi

# ---- a FIFO: written, never replaced ----------------------------------------
mkfifo "$W/fifo"
# The timeout only ends a reader left waiting if the FIFO was replaced.
timeout 60 cat "$W/fifo" >"$W/from-fifo" &
reader=$!
run export --db "$W/small.db" -o "$W/fifo"
expect_status 0 "export -o FIFO"
wait "$reader"
expect_same "$W/from-fifo" "$W/expected" "export -o FIFO: the reader gets the file"
if [ -p "$W/fifo" ]; then pass; else fail "the FIFO was replaced"; fi

# update never writes its snapshot into a stream.
run update --db "$W/fifo" --file "$SMALL"
expect_status 1 "update --db FIFO"
expect_err "is a FIFO, not a regular file" "update --db FIFO is refused"
if [ -p "$W/fifo" ]; then pass; else fail "update replaced the FIFO"; fi
run update --db - --file "$SMALL"
expect_status 1 "update --db -"
expect_err "must be a file" "update --db - is refused"

# ---- things that are never replaced ----------------------------------------
mkdir "$W/a-directory"
run export --db "$W/small.db" -o "$W/a-directory"
expect_status 1 "export -o DIRECTORY"
expect_err "is a directory, not a regular file" "export -o DIRECTORY is refused"
if [ -d "$W/a-directory" ] && [ -z "$(ls -A "$W/a-directory")" ]; then pass; else
	fail "the directory was changed"
fi
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$W/a-socket"
run export --db "$W/small.db" -o "$W/a-socket"
expect_status 1 "export -o SOCKET"
expect_err "is a socket" "export -o SOCKET is refused"
if [ -S "$W/a-socket" ]; then pass; else fail "the socket was replaced"; fi
ln -s "$W/a-directory" "$W/link-to-dir"
run export --db "$W/small.db" -o "$W/link-to-dir"
expect_status 1 "export -o LINK-TO-DIRECTORY"
expect_err "(through a symlink)" "export -o LINK-TO-DIRECTORY is refused"
if [ -L "$W/link-to-dir" ]; then pass; else fail "the symlink to a directory was replaced"; fi
ln -s "$W/nowhere/file" "$W/dangling"
run export --db "$W/small.db" -o "$W/dangling"
expect_status 1 "export -o DANGLING-SYMLINK"
expect_err "a symlink to a missing file" "a dangling symlink is refused"
if [ -L "$W/dangling" ] && [ ! -e "$W/nowhere" ]; then pass; else fail "the dangling symlink was changed"; fi

# ---- a symlink to a regular file: the target is replaced, the link kept ----
mkdir "$W/elsewhere" "$W/links"
echo old >"$W/elsewhere/services"
ln -s ../elsewhere/services "$W/links/services"
run export --db "$W/small.db" -o "$W/links/services"
expect_status 0 "export -o SYMLINK"
expect_same "$W/elsewhere/services" "$W/expected" "the symlink's target gets the export"
expect_equal "$(readlink "$W/links/services")" "../elsewhere/services" "the symlink is kept"
left_alone "$W/elsewhere/services"
left_alone "$W/links/services"

# A chain of two links, for compile.
ln -s ../elsewhere/snapshot.db "$W/links/db"
echo old >"$W/elsewhere/snapshot.db"
ln -s db "$W/links/db2"
run compile "$SMALL" -o "$W/links/db2"
expect_status 0 "compile -o CHAIN-OF-SYMLINKS"
expect_same "$W/elsewhere/snapshot.db" "$W/small.db" "compile replaces the file at the end of the chain"
if [ -L "$W/links/db" ] && [ -L "$W/links/db2" ]; then pass; else fail "compile replaced a link"; fi

# update --db through a symlink: the snapshot it points to is replaced.
"$TOOL" compile "$FIX/cli_small_v2.csv" -o "$W/v2.db" >/dev/null || fail "compile v2"
cp "$W/small.db" "$W/elsewhere/installed.db"
ln -s ../elsewhere/installed.db "$W/links/installed.db"
run update --db "$W/links/installed.db" --file "$FIX/cli_small_v2.csv"
expect_status 0 "update --db SYMLINK"
expect_same "$W/elsewhere/installed.db" "$W/v2.db" "update replaces the symlink's target"
if [ -L "$W/links/installed.db" ]; then pass; else fail "update replaced the --db symlink"; fi
left_alone "$W/elsewhere/installed.db"

# A regular file is replaced as before, and a new one created.
echo old >"$W/plain"
run export --db "$W/small.db" -o "$W/plain"
expect_status 0 "export -o FILE"
expect_same "$W/plain" "$W/expected" "export -o FILE replaces a regular file"
run export --db "$W/small.db" -o "$W/new-file"
expect_status 0 "export -o NEW-FILE"
expect_same "$W/new-file" "$W/expected" "export -o NEW-FILE creates it"

finish
