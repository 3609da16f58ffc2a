#!/bin/sh
# nss-iana update: fetch over HTTP from a local server on 127.0.0.1 (a
# random free port), check, compile, diff, swap, and tell nscd.  Every bad
# download (HTTP 404, an HTML page, a cut file, a CSV that does not
# compile, a registry suspiciously smaller than the installed one) must
# leave the installed snapshot byte for byte as it was.
#
# nscd is simulated: pidof and nscd in PATH are stand-ins that record how
# they were called, so the test neither needs nor disturbs a real nscd.
set -u
. tests/lib/lib.sh
use_tool

CSV=${CSV:-../shared/iana/service-names-port-numbers.csv}
OLD_CSV=$(dirname "$CSV")/history/service-names-port-numbers-2024.csv
if ! command -v curl >/dev/null 2>&1; then
	skip "curl is not installed (nss-iana update fetches with it)"
fi

server_pid=
trap 'if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; fi; rm -rf "$W"' EXIT

# ---- the web root -----------------------------------------------------------
mkdir -p "$W/www" "$W/bin" "$W/tmp"
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

python3 - "$W/www" "$W/port" <<'PY' >"$W/server.log" 2>&1 &
import functools, http.server, os, sys
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
handler = functools.partial(Quiet, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
PY
server_pid=$!
tries=0
while [ ! -s "$W/port" ] && [ "$tries" -lt 100 ]; do
	sleep 0.1
	tries=$((tries + 1))
done
if [ ! -s "$W/port" ]; then
	echo "$0: the local HTTP server did not start: $(cat "$W/server.log")" >&2
	exit 1
fi
URL="http://127.0.0.1:$(cat "$W/port")"

# ---- stand-ins for pidof and nscd ---------------------------------------------
# NSCD_RUNNING=yes makes pidof report nscd; NSCD_STATUS is nscd's exit.
cat >"$W/bin/pidof" <<EOF2
#!/bin/sh
[ "\$1" = nscd ] && [ "\${NSCD_RUNNING:-no}" = yes ] && { echo 4242; exit 0; }
exit 1
EOF2
cat >"$W/bin/nscd" <<EOF2
#!/bin/sh
echo "\$*" >>"$W/nscd.calls"
exit \${NSCD_STATUS:-0}
EOF2
chmod +x "$W/bin/pidof" "$W/bin/nscd"

# update_with RUNNING ARG...: the tool with the stand-ins first in PATH.
update_with() {
	running=$1
	shift
	env PATH="$W/bin:$PATH" TMPDIR="$W/tmp" NSCD_RUNNING="$running" \
		"$TOOL" update "$@" >"$W/out" 2>"$W/err"
	status=$?
}
nscd_calls() { if [ -f "$W/nscd.calls" ]; then wc -l <"$W/nscd.calls"; else echo 0; fi; }
no_leftovers() {
	expect_equal "$(find "$W/tmp" -mindepth 1 | wc -l)" 0 "$1: no temporary files left"
}

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
	expected=$($REFERENCE diff "$OLD_CSV" "$CSV" | tail -n 1)
	expect_out "$expected" "update count line = the independent count"
	echo "$0: update 2024 -> 2025: $expected"
	grep -E '^(added|removed|changed) ' "$W/out" | sed 's/  */ /g' | LC_ALL=C sort >"$W/update.lines"
	$REFERENCE diff "$OLD_CSV" "$CSV" | grep -E '^(added|removed|changed) ' | LC_ALL=C sort >"$W/reference.lines"
	expect_same "$W/update.lines" "$W/reference.lines" "update diff lines = the reference"

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
else
	echo "$0: no $CSV and $OLD_CSV: the real registry update is not checked"
fi

finish
