#!/bin/sh
# compile --prefer FILE: an admin's services(5) file decides the registry's
# ties, and nothing else changes.
#
# With tests/fixtures/prefer.services over the shared registry, through the
# module (getent -s services:iana, NSS_IANA_DB, the built module first on
# LD_LIBRARY_PATH, in a private mount namespace with nscd hidden):
# 2049/tcp and 2049/udp answer nfs (registry order: shilp), 750/udp
# kerberos-iv (loadav), http-alt/tcp 8080 (591); lines the registry lacks
# add nothing; every entry is still there, once.  --no-prefer and plain
# compile give the registry order, byte for byte the same.  update keeps
# the preference the installed snapshot records (--prefer/--no-prefer
# override; a file since removed means registry order).  stats and show
# name the file and its CRC-32 (checked with python's zlib).  make install
# into a DESTDIR with etc/services compiles with it.  And against this
# machine's own /etc/services (netbase), the lines IANA registers on the
# same port and protocol answer as /etc/services does: 0 differences with
# --prefer (the count without is printed).
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
expect_out "; $PREF moved 4 entries ahead" "summary: four entries moved"
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
expect_equal "$(answer "$W/pref.db" 750/udp)" "kerberos-iv 750/udp" "preferred: 750/udp"
expect_equal "$(answer "$W/plain.db" http-alt/tcp)" "http-alt 591/tcp" "registry order: http-alt/tcp"
expect_equal "$(answer "$W/pref.db" http-alt/tcp)" "http-alt 8080/tcp" "preferred: http-alt/tcp"
expect_equal "$(answer "$W/pref.db" 2049/sctp)" "nfs 2049/sctp" "no tie: unchanged"
expect_equal "$(answer "$W/pref.db" 64999/tcp)" "" "nothing added: 64999/tcp"
expect_equal "$(answer "$W/pref.db" not-in-iana)" "" "nothing added: not-in-iana"
expect_equal "$(answer "$W/pref.db" 2050/tcp)" "$(answer "$W/plain.db" 2050/tcp)" \
	"a name on a port the registry gives it not: unchanged"

# Only the order changes: the same entries with the same metadata.
"$BUILD/tests/snapshot_answers" "$W/plain.db" | grep -v '^name \|^port ' | LC_ALL=C sort >"$W/plain.entries"
"$BUILD/tests/snapshot_answers" "$W/pref.db" | grep -v '^name \|^port ' | LC_ALL=C sort >"$W/pref.entries"
expect_same "$W/plain.entries" "$W/pref.entries" "the same entries, aliases and metadata"
"$TOOL" export --db "$W/plain.db" | grep -v '^#' | LC_ALL=C sort >"$W/plain.export"
"$TOOL" export --db "$W/pref.db" | grep -v '^#' | LC_ALL=C sort >"$W/pref.export"
expect_same "$W/plain.export" "$W/pref.export" "the same services(5) lines"
"$TOOL" export --db "$W/pref.db" | grep -v '^#' >"$W/pref.lines"
nfs=$(grep -n '^nfs	2049/tcp' "$W/pref.lines" | cut -d: -f1)
shilp=$(grep -n '^shilp	2049/tcp' "$W/pref.lines" | cut -d: -f1)
[ -n "$nfs" ] && [ -n "$shilp" ] && [ "$nfs" -lt "$shilp" ] && pass ||
	fail "export writes the compiled order (nfs before shilp)"

# The snapshot says which file ordered it.
crc=$(python3 -c "import sys, zlib; print('%08x' % zlib.crc32(open(sys.argv[1], 'rb').read()))" "$PREF")
run stats --db "$W/pref.db"
expect_out "Preference file     $PREF (CRC-32 $crc, 6 lines, 4 entries moved ahead)" "stats names the file"
run stats --db "$W/plain.db"
expect_out "Preference file     none (registry order)" "stats: plain"
run show --db "$W/pref.db" 2049/tcp
expect_out "Ties ordered by the preference file $PREF (CRC-32 $crc)." "show names the file"
run show --db "$W/plain.db" 2049/tcp
if grep -q 'Ties ordered' "$W/out"; then fail "show: plain snapshot names no file"; else pass; fi

# update keeps the installed snapshot's preference unless told otherwise.
cp "$W/pref.db" "$W/installed.db"
run update --db "$W/installed.db" --file "$CSV"
expect_status 0 "update over a preferred snapshot"
expect_out "ties decided by $PREF, as in the installed snapshot" "update says which file"
expect_out "up to date" "same registry, same preference: the same bytes"
expect_same "$W/installed.db" "$W/pref.db" "update kept the preference"
run update --db "$W/installed.db" --file "$CSV" --no-prefer
expect_status 0 "update --no-prefer"
expect_same "$W/installed.db" "$W/plain.db" "update --no-prefer: registry order"
run update --db "$W/installed.db" --file "$CSV"
expect_same "$W/installed.db" "$W/plain.db" "a plain snapshot stays plain"
run update --db "$W/installed.db" --file "$CSV" --prefer "$PREF"
expect_same "$W/installed.db" "$W/pref.db" "update --prefer FILE"
cp "$PREF" "$W/gone.services"
"$TOOL" compile --prefer "$W/gone.services" "$CSV" -o "$W/installed.db" >/dev/null
rm "$W/gone.services"
run update --db "$W/installed.db" --file "$CSV"
expect_status 0 "update when the preference file is gone"
expect_out "$W/gone.services, which decided the installed snapshot's ties, is gone: registry order" "says so"
expect_same "$W/installed.db" "$W/plain.db" "registry order then"

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
	expect_out "Preference file     none (registry order)" "make install PREFER= keeps registry order"
else
	fail "make install PREFER=: $(tail -3 "$W/install.log")"
fi

# This machine's /etc/services.
if dpkg-query -W -f='${Version}' netbase >/dev/null 2>&1 && [ -f /etc/services ]; then
	run compile --prefer /etc/services "$CSV" -o "$W/netbase.db"
	expect_status 0 "compile --prefer /etc/services"
	unshare -m sh -c "$HIDE_NSCD
		python3 tests/lib/netbase_ties.py /etc/services $W/plain.db $BUILD" >"$W/without"
	unshare -m sh -c "$HIDE_NSCD
		python3 tests/lib/netbase_ties.py /etc/services $W/netbase.db $BUILD" >"$W/with"
	version=$(dpkg-query -W -f='${Version}' netbase)
	echo "netbase $version /etc/services, registry order: $(head -2 "$W/without" | tr '\n' ' ')"
	sed -n '3,$p' "$W/without"
	echo "netbase $version /etc/services, --prefer: $(head -2 "$W/with" | tr '\n' ' ')"
	expect_equal "$(sed -n 1p "$W/with")" "$(sed -n 1p "$W/without")" "the same lines registered"
	expect_equal "$(sed -n 2p "$W/with")" "differ 0" "--prefer /etc/services: no line answers differently"
fi

finish
