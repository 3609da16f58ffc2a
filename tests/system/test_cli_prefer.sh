#!/bin/sh
# compile --prefer FILE: FILE's lines answer before the registry's, as
# nss_files would answer over FILE followed by the registry's export (the
# rule itself, through glibc: test_prefer_files.sh).
#
# With tests/fixtures/prefer.services over the shared registry, through the
# module (getent -s services:iana, NSS_IANA_DB, the built module first on
# LD_LIBRARY_PATH, in a private mount namespace with nscd hidden):
# 2049/tcp and 2049/udp answer nfs (registry order: shilp), 750/udp
# kerberos4 (loadav), http-alt/tcp 8080 (591); FILE's own names answer
# (not-in-iana); the registry's entries all remain.  --no-prefer and plain
# compile give the registry alone, byte for byte.  stats and show name the
# file and its CRC-32 (checked with python's zlib).  update keeps the
# preference the installed snapshot records (--prefer/--no-prefer
# override); a preference file that cannot be read (gone for a moment, a
# FIFO) keeps the installed snapshot and fails; a relative --prefer is
# recorded absolute; update --rebuild compiles the kept registry again
# with an edited FILE, with no download.  The cost is bounded: 4,000
# chained ranges with a preference line each, a 60 MB preference file.
# make install into a DESTDIR with etc/services compiles with it.
set -u
. tests/lib/lib.sh
need_namespaces
use_tool
CSV=${CSV:-../shared/iana/service-names-port-numbers.csv}
PREF=$FIX/prefer.services

run compile "$CSV" -o "$W/plain.db"
expect_status 0 "plain compile"
run compile --prefer "$PREF" "$CSV" -o "$W/pref.db"
expect_status 0 "compile --prefer"
expect_out "; $PWD/$PREF first: 6 lines" "summary: FILE's lines, under its absolute path"
run compile --prefer "$PREF" --no-prefer "$CSV" -o "$W/noprefer.db"
expect_status 0 "compile --prefer --no-prefer"
expect_same "$W/plain.db" "$W/noprefer.db" "--no-prefer is plain registry order"
run compile --prefer "$PREF" "$CSV" -o "$W/pref2.db"
expect_same "$W/pref.db" "$W/pref2.db" "the same preference gives the same bytes"
run verify "$W/pref.db"
expect_status 0 "the preferred snapshot verifies"
run compile --prefer "$W/no-such-file" "$CSV" -o "$W/x.db"
expect_status 1 "a missing preference file"
expect_err "$W/no-such-file: No such file or directory" "named"
mkfifo "$W/fifo"
timeout 20 "$TOOL" compile --prefer "$W/fifo" "$CSV" -o "$W/x.db" >"$W/out" 2>"$W/err"
status=$?
expect_status 1 "a FIFO as the preference file is refused, not waited on"
expect_err "$W/fifo: not a regular file" "named"
run compile --prefer "$W" "$CSV" -o "$W/x.db"
expect_status 1 "a directory as the preference file"

# Through the module.
answer() { # DB KEY: the first two fields of getent's answer
	unshare -m sh -c "$HIDE_NSCD
		NSS_IANA_DB=$1 LD_LIBRARY_PATH=$MODULE_DIR getent -s services:iana services $2" |
		awk '{print $1, $2}'
}
expect_equal "$(answer "$W/plain.db" 2049/tcp)" "shilp 2049/tcp" "registry order: 2049/tcp"
expect_equal "$(answer "$W/pref.db" 2049/tcp)" "nfs 2049/tcp" "preferred: 2049/tcp"
expect_equal "$(answer "$W/pref.db" 2049/udp)" "nfs 2049/udp" "preferred: 2049/udp"
expect_equal "$(answer "$W/plain.db" 750/udp)" "loadav 750/udp" "registry order: 750/udp"
expect_equal "$(answer "$W/pref.db" 750/udp)" "kerberos4 750/udp" "preferred: 750/udp"
expect_equal "$(answer "$W/plain.db" http-alt/tcp)" "http-alt 591/tcp" "registry order: http-alt/tcp"
expect_equal "$(answer "$W/pref.db" http-alt/tcp)" "http-alt 8080/tcp" "preferred: http-alt/tcp"
expect_equal "$(answer "$W/pref.db" 2049/sctp)" "nfs 2049/sctp" "FILE says nothing: the registry"
expect_equal "$(answer "$W/pref.db" 591/tcp)" "http-alt 591/tcp" "the registry's entry still answers by its port"
expect_equal "$(answer "$W/pref.db" 64999/tcp)" "not-in-iana 64999/tcp" "FILE's own line: 64999/tcp"
expect_equal "$(answer "$W/pref.db" elite)" "not-in-iana 64999/tcp" "FILE's own alias"
expect_equal "$(answer "$W/pref.db" nfs/tcp)" "nfs 2049/tcp" "FILE's first line wins by name"
expect_equal "$(answer "$W/pref.db" 2050/tcp)" "nfs 2050/tcp" "FILE's line on a port the registry gives another name"

# Every registry entry is still there, after FILE's.
"$BUILD/tests/snapshot_answers" "$W/plain.db" | grep -v '^name \|^port ' | LC_ALL=C sort >"$W/plain.entries"
"$BUILD/tests/snapshot_answers" "$W/pref.db" | grep -v '^name \|^port ' | LC_ALL=C sort >"$W/pref.entries"
missing=$(LC_ALL=C comm -23 "$W/plain.entries" "$W/pref.entries" | wc -l)
expect_equal "$missing" 0 "no registry entry lost"
"$TOOL" export --db "$W/plain.db" | grep -v '^#' >"$W/plain.export"
"$TOOL" export --db "$W/pref.db" | grep -v '^#' >"$W/pref.export"
expect_equal "$(tail -n +7 "$W/pref.export" | cmp - "$W/plain.export" && echo same)" same \
	"the export: FILE's 6 lines, then the registry's, in its order"

# The snapshot says which file ordered it.
crc=$(python3 -c "import sys, zlib; print('%08x' % zlib.crc32(open(sys.argv[1], 'rb').read()))" "$PREF")
run stats --db "$W/pref.db"
expect_out "Preference file     $PWD/$PREF (CRC-32 $crc, 6 lines, answering before the registry)" "stats names the file"
run stats --db "$W/plain.db"
expect_out "Preference file     none (the registry alone)" "stats: plain"
run show --db "$W/pref.db" 2049/tcp
expect_out "The module answers (as nss_files would over $PWD/$PREF followed by the registry):" "show names the file"
expect_out "2049/tcp            nfs 2049/tcp: line 3 of $PWD/$PREF, whose lines answer before the registry" \
	"show says which entry answers and why"
expect_out "shilp" "show lists the registry's entry too"
run show --db "$W/plain.db" 2049/tcp
expect_out "2049/tcp            shilp 2049/tcp: the registry's first entry for it" "show: plain"
run show --json --db "$W/pref.db" 2049/tcp
expect_equal "$(python3 -c 'import json, sys
for e in json.load(open(sys.argv[1])):
    print(e["name"], e.get("preference_file", "registry"), e["notes"] if e.get("preference_file") else "")' "$W/out" | head -2)" \
	"nfs $PWD/$PREF line 3
shilp registry " "show --json: which entry comes from the preference file, and its line"

# update keeps the installed snapshot's preference unless told otherwise.
cp "$W/pref.db" "$W/installed.db"
run update --db "$W/installed.db" --file "$CSV"
expect_status 0 "update over a preferred snapshot"
expect_out "$PWD/$PREF answers first, as in the installed snapshot" "update says which file"
expect_out "up to date" "same registry, same preference: the same bytes"
expect_same "$W/installed.db" "$W/pref.db" "update kept the preference"
run update --db "$W/installed.db" --file "$CSV" --no-prefer
expect_status 0 "update --no-prefer"
expect_same "$W/installed.db" "$W/plain.db" "update --no-prefer: registry alone"
run update --db "$W/installed.db" --file "$CSV"
expect_same "$W/installed.db" "$W/plain.db" "a plain snapshot stays plain"
run update --db "$W/installed.db" --file "$CSV" --prefer "$PREF"
expect_same "$W/installed.db" "$W/pref.db" "update --prefer FILE"

# A preference file that cannot be read keeps the installed snapshot.
cp "$PREF" "$W/moment.services"
"$TOOL" compile --prefer "$W/moment.services" "$CSV" -o "$W/installed.db" >/dev/null
cp "$W/installed.db" "$W/before.db"
mv "$W/moment.services" "$W/moment.away"
run update --db "$W/installed.db" --file "$CSV"
expect_status 1 "update while the preference file is gone for a moment"
expect_err "the installed snapshot answers from $W/moment.services first, and it cannot be read" "says so"
expect_same "$W/installed.db" "$W/before.db" "the installed snapshot stays"
mkfifo "$W/moment.services"
timeout 20 "$TOOL" update --db "$W/installed.db" --file "$CSV" >"$W/out" 2>"$W/err"
status=$?
expect_status 1 "update with a FIFO where the preference file was"
expect_err "not a regular file" "says so"
rm "$W/moment.services"
mv "$W/moment.away" "$W/moment.services"
run update --db "$W/installed.db" --file "$CSV"
expect_status 0 "back: update works again"
expect_equal "$(answer "$W/installed.db" 8080/tcp)" "http-alt 8080/tcp" "with the preference"

# A relative --prefer is recorded absolute: an update from / keeps it.
TOOL_ABS=$(cd "$(dirname "$TOOL")" && pwd)/nss-iana
CSV_ABS=$(cd "$(dirname "$CSV")" && pwd)/$(basename "$CSV")
cp "$PREF" "$W/rel.services"
(cd "$W" && "$TOOL_ABS" compile --prefer rel.services "$CSV_ABS" -o "$W/rel.db" >/dev/null)
(cd "$W" && "$TOOL_ABS" update --db "$W/rel.db" --file "$CSV_ABS" --prefer ./rel.services >/dev/null)
run stats --db "$W/rel.db"
expect_out "Preference file     $W/rel.services (CRC-32" "recorded absolute"
(cd / && "$TOOL_ABS" update --db "$W/rel.db" --file "$CSV_ABS") >"$W/out" 2>"$W/err"
status=$?
expect_status 0 "update from / with a relative preference recorded"
expect_equal "$(answer "$W/rel.db" 2049/tcp)" "nfs 2049/tcp" "the preference still applies"

# update --rebuild: the registry kept beside the snapshot, FILE edited.
expect_same "$W/rel.db.registry" "$CSV" "update keeps the registry it compiled"
printf 'edited\t61000/tcp\n' >>"$W/rel.services"
(cd / && "$TOOL_ABS" update --db "$W/rel.db" --rebuild) >"$W/out" 2>"$W/err"
status=$?
expect_status 0 "update --rebuild"
expect_out "added    edited 61000/tcp" "the edit shows in the diff"
expect_equal "$(answer "$W/rel.db" edited)" "edited 61000/tcp" "the edited FILE answers"
{ printf 'first\t61001/tcp\n'; cat "$W/rel.services"; } >"$W/rel.new" && mv "$W/rel.new" "$W/rel.services"
run update --db "$W/rel.db" --rebuild
expect_status 0 "update --rebuild after a line went in at the top"
expect_out "added    first 61001/tcp (preference file)" "the diff names the new line"
expect_out "1 added, 0 removed, 0 changed" "the lines below it are not changed: their line numbers are no change"
rm "$W/rel.db.registry"
run update --db "$W/rel.db" --rebuild
expect_status 1 "update --rebuild with no kept registry"
expect_err "no registry kept beside $W/rel.db" "says so"

# The cost of a preference is bounded (a timeout, not a timing: the
# tie-breaking order this replaced took 147 s on the first and 6.8 s and
# 317 MB on the second).
python3 - "$W" <<'PY'
import sys
w = sys.argv[1]
header = ("Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,"
          "Registration Date,Modification Date,Reference,Service Code,"
          "Unauthorized Use Reported,Assignment Notes\n")
# Ranges each overlapping the next, in a zigzag registry order (the
# chain's two ends first), each named by a preference line on the port it
# shares with the next.
n = 4000
zigzag = [i // 2 if i % 2 == 0 else n - 1 - i // 2 for i in range(n)]
with open(w + '/chained.csv', 'w') as f:
    f.write(header)
    for p in zigzag:
        f.write(f"c{p},{10000 + p}-{10001 + p},tcp,,,,,,,,,\n")
with open(w + '/chained.services', 'w') as f:
    for p in range(n):
        f.write(f"c{p} {10001 + p}/tcp\n")
with open(w + '/big.services', 'w') as f:
    line = "x 1/tcp # " + "y" * 50 + "\n"
    f.write(line * (60 * 1000 * 1000 // len(line)))
with open(w + '/comments.services', 'w') as f:
    f.write(("#" + "z" * 99 + "\n") * (60 * 1000 * 10))
    f.write("last 61001/tcp\n")
PY
(ulimit -v 1000000; timeout 30 "$TOOL" compile --prefer "$W/chained.services" "$W/chained.csv" -o "$W/chained.db") >"$W/out" 2>"$W/err"
status=$?
expect_status 0 "4,000 chained ranges, each with a preference line: bounded"
expect_equal "$(answer "$W/chained.db" 10001/tcp)" "c0 10001/tcp" "the first line answers its port"
(ulimit -v 1000000; timeout 30 "$TOOL" compile --prefer "$W/big.services" "$CSV" -o "$W/big.db") >"$W/out" 2>"$W/err"
status=$?
expect_status 1 "a 60 MB preference file of lines: refused, bounded"
expect_err "more than 262144 ports served in all" "with the limit named"
(ulimit -v 1000000; timeout 30 "$TOOL" compile --prefer "$W/comments.services" "$CSV" -o "$W/comments.db") >"$W/out" 2>"$W/err"
status=$?
expect_status 0 "a 60 MB preference file of comments: read, bounded"
expect_equal "$(answer "$W/comments.db" last)" "last 61001/tcp" "its one line answers"

# make install: PREFER defaults to the target's etc/services.
mkdir -p "$W/dest/etc"
cp "$PREF" "$W/dest/etc/services"
if make -s BUILD="$BUILD" CSV="$CSV" DESTDIR="$W/dest" install >"$W/install.log" 2>&1; then
	run stats --db "$W/dest/var/lib/nss-iana/services.db"
	expect_out "Preference file     $W/dest/etc/services (CRC-32 $crc" "make install used etc/services"
else
	fail "make install DESTDIR: $(tail -3 "$W/install.log")"
fi
if make -s BUILD="$BUILD" CSV="$CSV" DESTDIR="$W/dest" PREFER= install >"$W/install.log" 2>&1; then
	run stats --db "$W/dest/var/lib/nss-iana/services.db"
	expect_out "Preference file     none (the registry alone)" "make install PREFER= keeps the registry alone"
else
	fail "make install PREFER=: $(tail -3 "$W/install.log")"
fi

# This machine's /etc/services: every answer it gives stays (the same
# through glibc: test_prefer_files.sh).
if dpkg-query -W -f='${Version}' netbase >/dev/null 2>&1 && [ -f /etc/services ]; then
	run compile --prefer /etc/services "$CSV" -o "$W/netbase.db"
	expect_status 0 "compile --prefer /etc/services"
	run verify --against /etc/services "$W/netbase.db"
	expect_status 0 "verify --against /etc/services"
	echo "netbase $(dpkg-query -W -f='${Version}' netbase): $(tail -1 "$W/out")"
	expect_out_re "^([0-9,]+) of \\1 answers of /etc/services unchanged, [0-9,]+ registry entries beyond$" "all unchanged"
	run verify --against /etc/services "$W/plain.db"
	expect_status 1 "verify --against: the registry alone differs"
	echo "without --prefer: $(tail -1 "$W/out")"
	expect_out "differs: whois/tcp: /etc/services answers whois 43/tcp nicname, the snapshot nothing" "lists a difference"
fi

finish
