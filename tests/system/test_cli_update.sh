#!/bin/sh
# nss-iana update: fetch over HTTP from a local server on 127.0.0.1 (a
# random free port, tests/lib/update_server.py), check, compile, diff,
# swap, and tell nscd.  Every bad download (HTTP 404, an HTML page, a cut
# file, a CSV that does not compile, a registry suspiciously smaller than
# the installed one) must leave the installed snapshot byte for byte as it
# was.  Requests are conditional: a second update against an unchanged
# server gets 304 and no body.  --export-services writes a services(5)
# file on every successful update, and the unit passes it from
# /etc/default/nss-iana.
#
# nscd is simulated: pidof and nscd in PATH are stand-ins that record how
# they were called, so the test neither needs nor disturbs a real nscd.
# Servers that misbehave (too big, too slow, bad redirects) and signals
# are in test_cli_update_bounds.sh.
set -u
. tests/lib/lib.sh
use_tool

CSV=${CSV:-../shared/iana/service-names-port-numbers.csv}
OLD_CSV=$(dirname "$CSV")/history/service-names-port-numbers-2024.csv
. tests/lib/update_lib.sh

# ---- the web root -----------------------------------------------------------
cp "$FIX/cli_small_v2.csv" "$W/www/v2.csv"
cp "$FIX/cli_error_page.html" "$W/www/page.html"
cp "$FIX/cli_error_page.html" "$W/www/error-page.csv"  # HTML where the CSV should be
cp "$FIX/cli_bad_port.csv" "$W/www/bad.csv"
# Cut in the middle of a record, as an interrupted download is.
head -c 700 "$FIX/cli_small_v2.csv" >"$W/www/cut.csv"
# Cut at a record boundary: a valid CSV, but only 3 entries of 15.
head -n 5 "$FIX/cli_small_v2.csv" >"$W/www/short.csv"
if [ -r "$CSV" ] && [ -r "$OLD_CSV" ]; then
	cp "$CSV" "$W/www/registry-2025.csv"
	cp "$OLD_CSV" "$W/www/registry-2024.csv"
fi
start_update_server
BASE=$URL
URL=$BASE/files

"$TOOL" compile "$FIX/cli_small.csv" -o "$W/v1.db" >/dev/null || fail "compile v1"
"$TOOL" compile "$FIX/cli_small_v2.csv" -o "$W/v2.db" >/dev/null || fail "compile v2"

# ---- a good update, nscd running ----------------------------------------------
cp "$W/v1.db" "$W/installed.db"
update_with yes --db "$W/installed.db" --url "$URL/v2.csv"
expect_status 0 "update from $URL/v2.csv"
expect_same "$W/installed.db" "$W/v2.db" "the new snapshot is installed"
expect_equal "$(grep -E '^(added|removed|changed) ' "$W/out" | sed 's/  */ /g' | LC_ALL=C sort)" \
	"$(grep -E '^(added|removed|changed) ' "$FIX/cli_small_v2.diff" | LC_ALL=C sort)" "update prints the diff"
expect_out "1 more differ only in white space" "update notes the white-space change"
expect_out "3 added, 2 removed, 2 changed" "update prints the count line"
expect_out "nscd" "update says it told nscd"
expect_equal "$(cat "$W/nscd.calls" 2>/dev/null)" "-i services" "nscd -i services was run"
no_leftovers "good update"
run verify "$W/installed.db"
expect_status 0 "the installed snapshot verifies"

# The same registry again: nothing to do, nscd left alone.
update_with yes --db "$W/installed.db" --url "$URL/v2.csv"
expect_status 0 "update when up to date"
expect_out "up to date" "update says it is up to date"
expect_equal "$(nscd_calls)" 1 "nscd not invalidated when nothing changed"
# The same, downloaded again (the validators saved are for another URL).
cp "$W/www/v2.csv" "$W/www/v2-again.csv"
update_with yes --db "$W/installed.db" --url "$URL/v2-again.csv"
expect_status 0 "update when up to date, downloaded"
expect_out "is up to date (registry" "a download identical to the installed snapshot is up to date"
expect_equal "$(nscd_calls)" 1 "nscd not invalidated when nothing changed"

# ---- bad downloads leave the snapshot alone ----------------------------------
cp "$W/v1.db" "$W/installed.db"
check_refused() { # URL-PATH MESSAGE WHAT
	update_with yes --db "$W/installed.db" --url "$URL/$1"
	expect_status 1 "$3"
	expect_err "$2" "$3"
	expect_same "$W/installed.db" "$W/v1.db" "$3: installed snapshot untouched"
	no_leftovers "$3"
}
check_refused missing.csv "HTTP error" "HTTP 404"
check_refused page.html "HTML page" "an HTML page"
check_refused error-page.csv "HTML page" "an HTML page named .csv"
check_refused cut.csv "truncated" "a file cut mid-record"
check_refused short.csv "looks truncated" "a registry with 3 entries of 14"
check_refused bad.csv "/bad.csv:5:5: malformed port" "a CSV that does not compile"
expect_equal "$(nscd_calls)" 1 "nscd not invalidated by a failed update"

# Started with SIGCHLD ignored (as some daemons start their children),
# update still sees curl end.  The timeout only ends a hung update.
cp "$W/v1.db" "$W/installed.db"
env PATH="$W/bin:$PATH" TMPDIR="$W/tmp" NSCD_RUNNING=no timeout 120 python3 -c '
import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
os.execv(sys.argv[1], sys.argv[1:])' "$TOOL" update --db "$W/installed.db" --url "$URL/v2.csv" \
	>"$W/out" 2>"$W/err"
status=$?
expect_status 0 "update started with SIGCHLD ignored"
expect_same "$W/installed.db" "$W/v2.db" "SIGCHLD ignored: the new snapshot is installed"
no_leftovers "SIGCHLD ignored"
cp "$W/v1.db" "$W/installed.db"

# A port nothing listens on: the download fails.
update_with no --db "$W/installed.db" --url "http://127.0.0.1:1/x.csv"
expect_status 1 "connection refused"
expect_err "download" "connection refused is a download failure"
expect_same "$W/installed.db" "$W/v1.db" "connection refused: installed snapshot untouched"

# --force accepts the small registry; nscd not running is not called.
update_with no --db "$W/installed.db" --url "$URL/short.csv" --force
expect_status 0 "update --force"
run verify "$W/installed.db"
expect_out ": ok, 3 entries" "--force installed the small registry"
if [ ! -e /run/nscd/socket ]; then
	expect_equal "$(nscd_calls)" 1 "nscd left alone when it is not running"
fi

# A snapshot that could not be replaced fails before any download.
update_with no --db "$W/no-such-dir/services.db" --url "$URL/v2.csv"
expect_status 1 "update into a missing directory"
expect_err "cannot replace" "update into a missing directory is refused early"
expect_no_out "nothing fetched for a missing directory"

# ---- --file, first install, nscd failing -------------------------------------
cp "$W/v1.db" "$W/installed.db"
update_with no --db "$W/installed.db" --file "$FIX/cli_small_v2.csv"
expect_status 0 "update --file"
expect_same "$W/installed.db" "$W/v2.db" "update --file installs"

update_with no --db "$W/installed.db" --file "$W/no-such.csv"
expect_status 1 "update --file with a missing file"
expect_same "$W/installed.db" "$W/v2.db" "missing --file: installed snapshot untouched"

mkdir "$W/fresh"
update_with no --db "$W/fresh/services.db" --file "$FIX/cli_small.csv"
expect_status 0 "update with nothing installed yet"
expect_out "no snapshot installed" "first install is said"
expect_same "$W/fresh/services.db" "$W/v1.db" "first install"

NSCD_STATUS=1
export NSCD_STATUS
update_with yes --db "$W/fresh/services.db" --file "$FIX/cli_small_v2.csv"
unset NSCD_STATUS
expect_status 0 "update succeeds even if nscd -i fails"
expect_err "nscd -i services" "a failing nscd -i is reported"
expect_same "$W/fresh/services.db" "$W/v2.db" "installed despite nscd failing"

# NSS_IANA_DB names the installed snapshot when --db is absent.
cp "$W/v1.db" "$W/env.db"
env NSS_IANA_DB="$W/env.db" PATH="$W/bin:$PATH" TMPDIR="$W/tmp" \
	"$TOOL" update --file "$FIX/cli_small_v2.csv" >"$W/out" 2>"$W/err"
status=$?
expect_status 0 "update with NSS_IANA_DB"
expect_same "$W/env.db" "$W/v2.db" "update honours NSS_IANA_DB"

# ---- the real registries: 2024 installed, 2025 fetched ----------------------
if [ -f "$W/www/registry-2025.csv" ]; then
	"$TOOL" compile "$OLD_CSV" -o "$W/installed.db" >/dev/null || fail "compile 2024"
	cp "$W/installed.db" "$W/2024.db"
	"$TOOL" compile "$CSV" -o "$W/2025.db" >/dev/null || fail "compile 2025"
	update_with no --db "$W/installed.db" --url "$URL/registry-2025.csv"
	expect_status 0 "update 2024 -> 2025 over HTTP"
	expect_same "$W/installed.db" "$W/2025.db" "2025 installed"
	first=$(request_line /files/registry-2025.csv 1 | awk '$3 == 200 { print $4 }')
	expected=$($REFERENCE diff "$OLD_CSV" "$CSV" | tail -n 1)
	expect_out "$expected" "update count line = the independent count"
	echo "$0: update 2024 -> 2025: $expected"
	grep -E '^(added|removed|changed) ' "$W/out" | sed 's/  */ /g' | LC_ALL=C sort >"$W/update.lines"
	$REFERENCE diff "$OLD_CSV" "$CSV" | grep -E '^(added|removed|changed) ' | LC_ALL=C sort >"$W/reference.lines"
	expect_same "$W/update.lines" "$W/reference.lines" "update diff lines = the reference"
	# A week later, nothing new: a conditional request, answered 304.
	update_with no --db "$W/installed.db" --url "$URL/registry-2025.csv"
	expect_status 0 "update 2025 again"
	expect_out "nothing was downloaded" "the second update downloads nothing"
	expect_same "$W/installed.db" "$W/2025.db" "2025 still installed"
	second=$(request_line /files/registry-2025.csv 2 | awk '{ print $3, $4 }')
	expect_equal "$first" "$(wc -c <"$CSV")" "the first update downloads the whole registry"
	expect_equal "$second" "304 0" "the second update gets 304 and no body"
	echo "$0: the real registry: first update downloaded $first bytes, the second ${second#304 } (HTTP 304)"

	# IANA's XML export, the default: told from an HTML page, compiled
	# like the file on disk, and not downloaded again while unchanged.
	XML=$(dirname "$CSV")/service-names-port-numbers.xml
	if [ -r "$XML" ]; then
		cp "$XML" "$W/www/registry-2025.xml"
		"$TOOL" compile "$XML" -o "$W/2025-xml.db" >/dev/null || fail "compile the XML"
		cp "$W/2024.db" "$W/installed.db"
		update_with no --db "$W/installed.db" --url "$URL/registry-2025.xml"
		expect_status 0 "update 2024 -> 2025 from the XML over HTTP"
		expect_same "$W/installed.db" "$W/2025-xml.db" "the XML's snapshot is installed"
		update_with no --db "$W/installed.db" --url "$URL/registry-2025.xml"
		expect_out "nothing was downloaded" "the second XML update downloads nothing"
		first_xml=$(request_line /files/registry-2025.xml 1 | cut -d' ' -f3-4)
		second_xml=$(request_line /files/registry-2025.xml 2 | cut -d' ' -f3-4)
		expect_equal "$first_xml" "200 $(wc -c <"$XML")" "the first XML update downloads it whole"
		expect_equal "$second_xml" "304 0" "the second XML update gets 304 and no body"
		echo "$0: the real registry as XML: first update downloaded ${first_xml#200 } bytes, the second ${second_xml#304 } (HTTP 304)"
	else
		fail "no $XML: the XML update is not checked"
	fi

	# A cut download of the real file: refused, 2024 still installed.
	cp "$W/2024.db" "$W/installed.db"
	head -c 500000 "$CSV" >"$W/www/registry-cut.csv"
	check_refused_real() {
		update_with no --db "$W/installed.db" --url "$URL/$1"
		expect_status 1 "$2"
		expect_same "$W/installed.db" "$W/2024.db" "$2: installed snapshot untouched"
	}
	check_refused_real registry-cut.csv "the real registry cut mid-record"
	head -n 3000 "$CSV" >"$W/www/registry-short.csv"
	check_refused_real registry-short.csv "the real registry cut at a record boundary"
	if [ -r "$XML" ]; then
		head -n 20000 "$XML" >"$W/www/registry-cut.xml"
		check_refused_real registry-cut.xml "the XML cut at a line break"
	fi
else
	echo "$0: no $CSV and $OLD_CSV: the real registry update is not checked"
fi

# ---- conditional requests ------------------------------------------------
# The ETag and Last-Modified of the installed download are kept beside the
# snapshot (DB.download) and sent back; the server answers 304 with no
# body when the file is unchanged.
mkdir "$W/cond"
cp "$FIX/cli_small.csv" "$W/www/cond.csv"
touch -d '2025-01-01 00:00:00 UTC' "$W/www/cond.csv"
cp "$W/v2.db" "$W/cond/services.db"
: >"$W/requests.log"
# field F of the Nth request for the conditional file
request_field() { request_line /files/cond.csv "$1" | cut -d' ' -f"$2"; }
update_with no --db "$W/cond/services.db" --url "$URL/cond.csv"
expect_status 0 "first update: a download"
expect_same "$W/cond/services.db" "$W/v1.db" "the first update installs what the server has"
expect_equal "$(request_field 1 3-6)" "200 $(wc -c <"$FIX/cli_small.csv") - -" \
	"the first request is unconditional and gets the whole file"
etag=$(sed -n 's/^etag //p' "$W/cond/services.db.download")
expect_equal "$(sed -n 's/^last-modified //p' "$W/cond/services.db.download")" \
	"Wed, 01 Jan 2025 00:00:00 GMT" "Last-Modified is kept"
case $etag in '"'?*'"') pass ;; *) fail "no ETag kept: '$etag'" ;; esac

calls_before=$(nscd_calls)
update_with yes --db "$W/cond/services.db" --url "$URL/cond.csv"
expect_status 0 "second update, nothing changed"
expect_out "up to date" "the second update says up to date"
expect_out "nothing was downloaded" "the second update says it downloaded nothing"
expect_same "$W/cond/services.db" "$W/v1.db" "the second update leaves the snapshot"
expect_equal "$(request_field 2 3-6)" "304 0 $etag Wed,_01_Jan_2025_00:00:00_GMT" \
	"the second request sends If-None-Match and If-Modified-Since, and gets 304 with no body"
expect_equal "$(nscd_calls)" "$calls_before" "nscd not invalidated when nothing was downloaded"
no_leftovers "a 304"

# Without an ETag, If-Modified-Since alone.
sed -i '/^etag /d' "$W/cond/services.db.download"
update_with no --db "$W/cond/services.db" --url "$URL/cond.csv"
expect_status 0 "update with Last-Modified only"
expect_equal "$(request_field 3 3-6)" "304 0 - Wed,_01_Jan_2025_00:00:00_GMT" \
	"If-Modified-Since alone gets 304"

# A newer file on the server: downloaded again, and its date kept.
cp "$FIX/cli_small_v2.csv" "$W/www/cond.csv"
touch -d '2025-02-01 00:00:00 UTC' "$W/www/cond.csv"
update_with no --db "$W/cond/services.db" --url "$URL/cond.csv"
expect_status 0 "update after the server changed"
expect_same "$W/cond/services.db" "$W/v2.db" "the changed registry is installed"
expect_equal "$(request_field 4 3-4)" "200 $(wc -c <"$FIX/cli_small_v2.csv")" \
	"a changed file is downloaded whole"
expect_equal "$(sed -n 's/^last-modified //p' "$W/cond/services.db.download")" \
	"Sat, 01 Feb 2025 00:00:00 GMT" "the new Last-Modified is kept"

# New content under the same date: the ETag tells (it takes precedence).
cp "$FIX/cli_small.csv" "$W/www/cond.csv"
touch -d '2025-02-01 00:00:00 UTC' "$W/www/cond.csv"
update_with no --db "$W/cond/services.db" --url "$URL/cond.csv"
expect_status 0 "update after a change the date does not show"
expect_equal "$(request_field 5 3)" "200" "a new ETag downloads again"
expect_same "$W/cond/services.db" "$W/v1.db" "the new content is installed"

# A snapshot installed since from elsewhere: the validators no longer
# describe it, so the next request is unconditional.
update_with no --db "$W/cond/services.db" --file "$FIX/cli_small_v2.csv"
expect_status 0 "update --file over a downloaded snapshot"
update_with no --db "$W/cond/services.db" --url "$URL/cond.csv"
expect_status 0 "update after --file"
expect_equal "$(request_field 6 3-6)" "200 $(wc -c <"$FIX/cli_small.csv") - -" \
	"after --file the request is unconditional"
expect_same "$W/cond/services.db" "$W/v1.db" "the server's registry is installed again"

# Ties to be decided otherwise than in the installed snapshot (a new
# --prefer, or its file edited since): the download is not skipped,
# whatever the server's date says.
printf 'http\t80/tcp\twww\n' >"$W/prefer"
update_with no --db "$W/cond/services.db" --url "$URL/cond.csv" --prefer "$W/prefer"
expect_status 0 "update --prefer"
expect_out "fetching the registry whole" "a new preference file is said"
expect_equal "$(request_field 7 3-6)" "200 $(wc -c <"$FIX/cli_small.csv") - -" \
	"a new preference file makes the request unconditional"
update_with no --db "$W/cond/services.db" --url "$URL/cond.csv"
expect_equal "$(request_field 8 3-4)" "304 0" "the same preference file, unchanged: 304"
printf '# edited\n' >>"$W/prefer"
update_with no --db "$W/cond/services.db" --url "$URL/cond.csv"
expect_status 0 "update after the preference file changed"
expect_equal "$(request_field 9 3-6)" "200 $(wc -c <"$FIX/cli_small.csv") - -" \
	"an edited preference file makes the request unconditional"
"$TOOL" compile "$FIX/cli_small.csv" --prefer "$W/prefer" -o "$W/prefer.db" >/dev/null
expect_same "$W/cond/services.db" "$W/prefer.db" "the snapshot ordered by the edited file is installed"
# An edit compiled in by update --rebuild (no request at all) keeps the
# download's validators: the next update asks conditionally.
printf 'edited\t61000/tcp\n' >>"$W/prefer"
update_with no --db "$W/cond/services.db" --rebuild
expect_status 0 "update --rebuild after the preference file changed"
update_with no --db "$W/cond/services.db" --url "$URL/cond.csv"
expect_equal "$(request_field 10 3-4)" "304 0" "after --rebuild the next request is conditional: 304"
expect_out "is up to date" "and nothing is downloaded"

# ---- the services(5) export -----------------------------------------------
mkdir "$W/exp" "$W/exp-out"
EXPORT=$W/exp-out/services
update_with no --db "$W/exp/services.db" --file "$FIX/cli_small.csv" --export-services="$EXPORT"
expect_status 0 "update --export-services"
"$TOOL" export --last-match --db "$W/exp/services.db" >"$W/exp-expected"
expect_same "$EXPORT" "$W/exp-expected" "the export is what nss-iana export --last-match writes"
expect_out "wrote the services(5) export $EXPORT" "the export is reported"

rm "$EXPORT"
update_with no --db "$W/exp/services.db" --file "$FIX/cli_small.csv" --export-services="$EXPORT"
expect_status 0 "update --export-services, up to date"
expect_same "$EXPORT" "$W/exp-expected" "an update that finds nothing new writes the export too"

update_with no --db "$W/exp/services.db" --url "$URL/cond.csv" --export-services="$EXPORT"
update_with no --db "$W/exp/services.db" --url "$URL/cond.csv" --export-services="$EXPORT.2"
expect_status 0 "update --export-services, 304"
expect_out "nothing was downloaded" "a 304 with --export-services"
expect_same "$EXPORT.2" "$W/exp-expected" "an update answered 304 writes the export too"

update_with no --db "$W/exp/services.db" --file "$FIX/cli_small_v2.csv" --export-services="$EXPORT"
"$TOOL" export --last-match --db "$W/exp/services.db" >"$W/exp-expected"
expect_same "$EXPORT" "$W/exp-expected" "a new registry replaces the export"

rm "$EXPORT" "$EXPORT.2"
update_with no --db "$W/exp/services.db" --file "$FIX/cli_small.csv" --export-services=
expect_status 0 "update --export-services= (empty)"
expect_equal "$(ls "$W/exp-out" | wc -l)" 0 "an empty --export-services writes nothing"

cp "$W/exp/services.db" "$W/exp/before.db"
update_with no --db "$W/exp/services.db" --url "$URL/v2.csv" --export-services="$W/exp-out"
expect_status 1 "update --export-services=DIRECTORY"
expect_err "is a directory" "an export path that is a directory is refused"
expect_no_out "refused before any download"
expect_same "$W/exp/services.db" "$W/exp/before.db" "a refused export path leaves the snapshot"

# The unit passes the setting of /etc/default/nss-iana (read as systemd
# would: a missing file is no error, ${VAR} is one word, empty if unset).
UNIT=install/nss-iana-update.service
if grep -qx 'EnvironmentFile=-/etc/default/nss-iana' "$UNIT"; then pass; else
	fail "$UNIT does not read /etc/default/nss-iana"
fi
exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
(
	. install/nss-iana.default
	[ -n "${NSS_IANA_SERVICES_EXPORT+set}" ] && [ -z "$NSS_IANA_SERVICES_EXPORT" ]
) && pass || fail "install/nss-iana.default does not set NSS_IANA_SERVICES_EXPORT empty (off)"
# shellcheck disable=SC2016 # expanded by eval, as systemd would
case $exec_start in *'--export-services=${NSS_IANA_SERVICES_EXPORT}'*) pass ;; *)
	fail "ExecStart does not pass NSS_IANA_SERVICES_EXPORT: $exec_start" ;; esac
NSS_IANA_SERVICES_EXPORT=$W/exp-out/from-unit
eval "set -- $exec_start"
shift 2 # nss-iana update
update_with no "$@" --db "$W/exp/services.db" --file "$FIX/cli_small.csv"
expect_status 0 "the unit's command line"
"$TOOL" export --last-match --db "$W/exp/services.db" >"$W/exp-expected"
expect_same "$W/exp-out/from-unit" "$W/exp-expected" "the unit's setting writes the export"

finish
