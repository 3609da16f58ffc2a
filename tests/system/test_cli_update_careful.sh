#!/bin/sh
# nss-iana update says what went wrong in words, before it costs anything,
# and installs nothing implausible: curl runs without ~/.curlrc (-q); its
# failures are explained; a gzip body and UTF-16 are named; --prefer of a
# missing file is refused before downloading; IANA's XML is recognised
# whatever the length of its prologue; a first install needs a plausible
# number of entries (the floor), and a registry of none is never installed
# without --force.
set -u
. tests/lib/lib.sh
use_tool
. tests/lib/update_lib.sh

HEADER='Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes'
cp "$FIX/cli_small_v2.csv" "$W/www/v2.csv"
printf '%s\n' "$HEADER" >"$W/www/empty.csv"
iconv -f UTF-8 -t UTF-16 "$FIX/cli_small_v2.csv" >"$W/www/utf16-bom.csv" ||
	fatal "iconv to UTF-16"
{
	printf '<?xml version="1.0" encoding="UTF-8"?>\n'
	i=0
	while [ $i -lt 100 ]; do
		printf '<!-- a long prologue: comments before the registry ........ -->\n'
		i=$((i + 1))
	done
	printf '<registry xmlns="http://www.iana.org/assignments" id="service-names-port-numbers">\n'
	printf '<updated>2025-01-02</updated>\n'
	printf '<record><name>http</name><protocol>tcp</protocol><number>80</number></record>\n'
	printf '</registry>\n'
} >"$W/www/late.xml"
iconv -f UTF-8 -t UTF-16LE "$W/www/late.xml" >"$W/www/utf16.xml" || fatal "iconv to UTF-16LE"
start_update_server https
[ -n "$SURL" ] || skip "openssl is needed for the https server"

# ---- curl runs with -q: ~/.curlrc is not read -------------------------------
mkdir -p "$W/home"
printf 'insecure\n' >"$W/home/.curlrc"
# Without CURL_CA_BUNDLE the test server's certificate is untrusted; only
# "insecure" from .curlrc could make curl accept it.
env -u CURL_CA_BUNDLE HOME="$W/home" PATH="$W/bin:$PATH" TMPDIR="$W/tmp" \
	"$TOOL" update --db "$W/rc.db" --url "$SURL/files/v2.csv" >"$W/out" 2>"$W/err"
status=$?
expect_status 1 "update with 'insecure' in ~/.curlrc and an untrusted certificate"
if [ -e "$W/rc.db" ]; then fail "~/.curlrc made update install from an untrusted server"; else pass; fi
expect_err "certificate is not trusted" "curl exit 60 explained in words"
no_leftovers "untrusted certificate"

# ---- curl's failures in words -------------------------------------------------
update_with no --db "$W/x.db" --url "$URL/cut/v2.csv"
expect_status 1 "a transfer cut short"
expect_err "the transfer ended before the length the server announced" "curl exit 18 explained"
expect_err "(curl exit status 18)" "curl exit 18 named"
update_with no --db "$W/x.db" --url "$URL/noanswer"
expect_status 1 "no answer"
expect_err "closed the connection without an answer" "curl exit 52 explained"
update_with no --db "$W/x.db" --url "http://127.0.0.1:1/x.csv"
expect_status 1 "connection refused"
expect_err "could not connect to the server" "curl exit 7 explained"
update_with no --db "$W/x.db" --url "http://nonexistent.invalid/x.csv"
expect_status 1 "a name that does not resolve"
expect_err "does not resolve" "curl exit 6 explained"
if [ -e "$W/x.db" ]; then fail "a failed download installed something"; else pass; fi

# ---- what the body is ---------------------------------------------------------
update_with no --db "$W/x.db" --url "$URL/gzip/v2.csv"
expect_status 1 "a gzip body"
expect_err "gzip-compressed" "a gzip body is named as such"
if grep -q "truncated" "$W/err"; then fail "a gzip body reported as truncated"; else pass; fi
update_with no --db "$W/x.db" --url "$URL/files/utf16-bom.csv"
expect_status 1 "UTF-16 with a byte-order mark"
expect_err "UTF-16" "UTF-16 with a byte-order mark is named"
update_with no --db "$W/x.db" --url "$URL/files/utf16.xml"
expect_status 1 "UTF-16 without a byte-order mark"
expect_err "UTF-16" "UTF-16 without a byte-order mark is named"
if [ -e "$W/x.db" ]; then fail "a UTF-16 or gzip body was installed"; else pass; fi
# compile says the same of the same files.
run compile "$W/www/utf16-bom.csv" -o "$W/x.db"
expect_status 1 "compile UTF-16 with a byte-order mark"
expect_err "nss-iana: $W/www/utf16-bom.csv: UTF-16" "compile names UTF-16 (with a BOM)"
run compile "$W/www/utf16.xml" -o "$W/x.db"
expect_status 1 "compile UTF-16 without a byte-order mark"
expect_err "UTF-16" "compile names UTF-16 (without a BOM)"

# <registry past the first 4 KiB: compile accepts it, so does update.
run compile --force "$W/www/late.xml" -o "$W/late-compiled.db"
expect_status 0 "compile an XML registry with a long prologue"
update_with no --db "$W/late.db" --url "$URL/files/late.xml"
expect_status 0 "update from an XML registry whose <registry starts past 4 KiB"
expect_same "$W/late.db" "$W/late-compiled.db" "update installs what compile writes"

# ---- --prefer of a missing file: refused before downloading -------------------
: >"$W/requests.log"
update_with no --db "$W/x.db" --url "$URL/files/v2.csv" --prefer "$W/nonexistent"
expect_status 1 "update --prefer a missing file"
expect_err "--prefer $W/nonexistent: No such file or directory; nothing was downloaded" \
	"update --prefer a missing file: the file named, before downloading"
expect_equal "$(wc -l <"$W/requests.log")" 0 "update --prefer a missing file downloads nothing"

# ---- the floor ----------------------------------------------------------------
update_with no --db "$W/empty.db" --url "$URL/files/empty.csv"
expect_status 1 "a registry with no entries"
expect_err "the new registry has no entries" "a registry with no entries is refused"
if [ -e "$W/empty.db" ]; then fail "a registry with no entries was installed"; else pass; fi
update_with no --db "$W/empty.db" --url "$URL/files/empty.csv" --force
expect_status 0 "a registry with no entries, --force"
# Over an installed snapshot too.
"$TOOL" compile "$FIX/cli_small.csv" -o "$W/v1.db" >/dev/null || fail "compile v1"
cp "$W/v1.db" "$W/inst.db"
update_with no --db "$W/inst.db" --url "$URL/files/empty.csv"
expect_status 1 "a registry with no entries over an installed one"
expect_same "$W/inst.db" "$W/v1.db" "a registry with no entries leaves the installed snapshot"
# The floor of a first install, IANA's by default: 15 entries is far
# from it (the environment of these tests lowers it to 1).
env -u NSS_IANA_UPDATE_MIN_ENTRIES PATH="$W/bin:$PATH" TMPDIR="$W/tmp" \
	"$TOOL" update --db "$W/first.db" --url "$URL/files/v2.csv" >"$W/out" 2>"$W/err"
status=$?
expect_status 1 "a first install of 15 entries"
expect_err "far fewer than IANA's" "a first install under the floor is refused"
expect_err "--force installs it anyway" "the refusal says what to do"
if [ -e "$W/first.db" ]; then fail "a first install under the floor was installed"; else pass; fi
NSS_IANA_UPDATE_MIN_ENTRIES=16 update_with no --db "$W/first.db" --url "$URL/files/v2.csv"
expect_status 1 "a first install of 15 entries, floor 16"
NSS_IANA_UPDATE_MIN_ENTRIES=15 update_with no --db "$W/first.db" --url "$URL/files/v2.csv"
expect_status 0 "a first install of 15 entries, floor 15"

# compile refuses a registry with no entries too.
run compile "$W/www/empty.csv" -o "$W/c.db"
expect_status 1 "compile a registry with no entries"
expect_err "no entries served" "compile says the registry has no entries"
if [ -e "$W/c.db" ]; then fail "compile wrote a snapshot of no entries"; else pass; fi

# ---- output targets that are another argument: refused before anything --------
"$TOOL" compile "$FIX/cli_small.csv" -o "$W/t.db" >/dev/null || fail "compile t.db"
cp "$FIX/cli_small_v2.csv" "$W/input.csv"
cp "$FIX/prefer.services" "$W/prefer.services"
cp "$W/t.db" "$W/t.db.orig"
cp "$W/input.csv" "$W/input.csv.orig"
cp "$W/prefer.services" "$W/prefer.services.orig"
ln -s t.db "$W/t-link.db"
# untouched WHAT: the snapshot, the input and the preference file are as
# they were, and no temporary file is beside them.
untouched() {
	expect_same "$W/t.db" "$W/t.db.orig" "$1: the snapshot untouched"
	expect_same "$W/input.csv" "$W/input.csv.orig" "$1: the input untouched"
	expect_same "$W/prefer.services" "$W/prefer.services.orig" "$1: the preference file untouched"
	leftovers=$(find "$W" -mindepth 1 -maxdepth 1 -name '*.[A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9]' \
		! -name '*.orig' ! -name '*.services' ! -name '*.db' ! -name '*.csv')
	expect_equal "$leftovers" "" "$1: no temporary file"
}
: >"$W/requests.log"
update_with no --db "$W/t.db" --url "$URL/files/v2.csv" --export-services "$W/t.db"
expect_status 1 "update --export-services equal to --db"
expect_err "--export-services $W/t.db is the snapshot (--db)" "update --export-services equal to --db: said"
expect_equal "$(wc -l <"$W/requests.log")" 0 "update --export-services equal to --db: nothing downloaded"
untouched "update --export-services equal to --db"
update_with no --db "$W/t.db" --url "$URL/files/v2.csv" --export-services "$W/t-link.db"
expect_status 1 "update --export-services a symlink to --db"
untouched "update --export-services a symlink to --db"
update_with no --db "$W/t.db" --url "$URL/files/v2.csv" --export-services "$W/../$(basename "$W")/./t.db"
expect_status 1 "update --export-services another name of --db"
update_with no --db "$W/t.db" --file "$W/input.csv" --export-services "$W/input.csv"
expect_status 1 "update --export-services equal to --file"
expect_err "is the input (--file)" "update --export-services equal to --file: said"
untouched "update --export-services equal to --file"
update_with no --db "$W/input.csv" --file "$W/input.csv"
expect_status 1 "update --db equal to --file"
untouched "update --db equal to --file"
update_with no --db "$W/t.db" --file "$W/input.csv" --prefer "$W/prefer.services" \
	--export-services "$W/prefer.services"
expect_status 1 "update --export-services equal to --prefer"
expect_err "is the preference file" "update --export-services equal to --prefer: said"
untouched "update --export-services equal to --prefer"
update_with no --db "$W/prefer.services" --file "$W/input.csv" --prefer "$W/prefer.services"
expect_status 1 "update --db equal to --prefer"
untouched "update --db equal to --prefer"
# The preference file the installed snapshot records (as /etc/services
# is after make install) is protected as well.
"$TOOL" compile --prefer "$W/prefer.services" "$FIX/cli_small.csv" -o "$W/p.db" >/dev/null ||
	fail "compile p.db"
update_with no --db "$W/p.db" --file "$W/input.csv" --export-services "$W/prefer.services"
expect_status 1 "update --export-services equal to the recorded preference file"
expect_err "is the preference file" "the recorded preference file: said"
untouched "update --export-services equal to the recorded preference file"
# A new file that is none of them is fine, even named the long way round.
update_with no --db "$W/t.db" --file "$W/input.csv" --export-services "$W/./new.services"
expect_status 0 "update --export-services a new file"
cp "$W/t.db.orig" "$W/t.db"
# compile -o and export -o.
run compile "$W/input.csv" -o "$W/input.csv"
expect_status 1 "compile -o equal to the input"
expect_err "nss-iana: compile: -o $W/input.csv is the input" "compile -o equal to the input: said"
run compile --prefer "$W/prefer.services" "$W/input.csv" -o "$W/prefer.services"
expect_status 1 "compile -o equal to --prefer"
expect_err "is the preference file" "compile -o equal to --prefer: said"
run export --db "$W/t.db" -o "$W/t-link.db"
expect_status 1 "export -o the snapshot"
expect_err "is the snapshot" "export -o the snapshot: said"
untouched "compile and export"

# ---- no line injected into the files update writes -----------------------------
NL='
'
mkdir -p "$W/nl${NL}url evil"
update_with no --db "$W/nl${NL}url evil/x.db" --url "$URL/files/v2.csv" \
	--export-services "$W/nl${NL}url evil/x.services"
expect_status 0 "update with a newline in the --db path"
expect_equal "$(grep -c '^url' "$W/nl${NL}url evil/x.db.download")" 1 \
	"DB.download: the newline of the path does not start a line"
if grep -q '^url evil' "$W/nl${NL}url evil/x.services"; then
	fail "the services export: the newline of the path started a line"
else pass; fi
expect_equal "$(sed -n '/^[^#]/q;p' "$W/nl${NL}url evil/x.services" | wc -l)" 2 \
	"the services export: two heading lines before the first entry"

# ---- wording --------------------------------------------------------------------
printf '%s\nhttp,80,tcp,WWW,,,,,,,,\n' "$HEADER" >"$W/www/undated.csv"
update_with no --db "$W/undated.db" --file "$W/www/undated.csv"
expect_status 0 "an undated registry"
expect_out "registry undated, 1 entries" "an undated registry is said to be undated"
run show --db "$W/v1.db" --contact
expect_status 2 "show --contact without an ID"
expect_err "missing ID" "show --contact without an ID says so"
no_leftovers "the whole script"
finish
