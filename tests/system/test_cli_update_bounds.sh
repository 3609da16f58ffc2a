#!/bin/sh
# nss-iana update against servers that misbehave, on a local server
# (tests/lib/update_server.py, 127.0.0.1 only): bodies past the 64 MiB
# limit, announced or not (no Content-Length, chunked); a server that
# drips a byte every 2 s; redirects from https to http; SIGTERM, SIGINT, SIGHUP
# in the middle of a download; registries far larger than the installed
# one; and a diff too long for the journal, printed as counts only.
# Each one must leave the installed snapshot as it was and no temporary
# files behind.
set -u
. tests/lib/lib.sh
use_tool
. tests/lib/update_lib.sh

CSV=${CSV:-../shared/iana/service-names-port-numbers.csv}
cp "$FIX/cli_small_v2.csv" "$W/www/v2.csv"
start_update_server https

"$TOOL" compile "$FIX/cli_small.csv" -o "$W/v1.db" >/dev/null || fail "compile v1"
"$TOOL" compile "$FIX/cli_small_v2.csv" -o "$W/v2.db" >/dev/null || fail "compile v2"

# refused URL MESSAGE WHAT: the update fails with MESSAGE, v1 stays.
refused() {
	cp "$W/v1.db" "$W/installed.db"
	update_with no --db "$W/installed.db" --url "$1"
	expect_status 1 "$3"
	expect_err "$2" "$3"
	expect_same "$W/installed.db" "$W/v1.db" "$3: installed snapshot untouched"
	no_leftovers "$3"
}
# accepted URL WHAT: the update installs v2.
accepted() {
	cp "$W/v1.db" "$W/installed.db"
	update_with no --db "$W/installed.db" --url "$1"
	expect_status 0 "$2"
	expect_same "$W/installed.db" "$W/v2.db" "$2: v2 installed"
	no_leftovers "$2"
}

# ---- size ------------------------------------------------------------------
accepted "$URL/nolength/v2.csv" "a body without Content-Length"
accepted "$URL/chunked/v2.csv" "a chunked body"
for mode in announced nolength chunked; do
	refused "$URL/big/$mode/100" "larger than 64 MiB" "a 100 MiB body ($mode)"
	sent=$(request_line "/big/$mode/100" 1 | cut -d' ' -f4)
	if [ -n "$sent" ] && [ "$sent" -lt $((100 << 20)) ]; then pass; else
		fail "a 100 MiB body ($mode): the transfer was not cut short ($sent bytes sent)"
	fi
	echo "$0: 100 MiB body ($mode): the server sent $sent bytes before curl stopped"
done

# ---- time: a byte every 2 s --------------------------------------------------
# The floor is 1 KiB/s for 30 s; 2 s here, so that the test is quick.  The
# timeout only ends a hung update (curl makes three tries).
cp "$W/v1.db" "$W/installed.db"
NSS_IANA_UPDATE_STALL_SECONDS=2 PATH="$W/bin:$PATH" TMPDIR="$W/tmp" \
	timeout 300 "$TOOL" update --db "$W/installed.db" --url "$URL/drip" \
	>"$W/out" 2>"$W/err"
status=$?
expect_status 1 "a server that drips"
expect_err "too slow" "a server that drips is given up"
expect_same "$W/installed.db" "$W/v1.db" "a server that drips: installed snapshot untouched"
no_leftovers "a server that drips"

# ---- redirects ------------------------------------------------------------------
to() { printf '%s/redirect?to=%s' "$1" "$2"; }
accepted "$(to "$URL" "$URL/files/v2.csv")" "an http URL redirected to http"
refused "$(to "$URL" "file:///etc/services")" "redirect to a protocol not allowed" \
	"an http URL redirected to file://"
if [ -n "$SURL" ]; then
	accepted "$SURL/files/v2.csv" "an https URL"
	accepted "$(to "$SURL" "$SURL/files/v2.csv")" "an https URL redirected to https"
	: >"$W/requests.log"
	refused "$(to "$SURL" "$URL/files/v2.csv")" "redirect to a protocol not allowed" \
		"an https URL redirected to http"
	expect_equal "$(requests /files/v2.csv)" "" "the http target of the redirect was never asked"
else
	echo "$0: openssl is missing: the https redirect checks did not run" >&2
	fail "https redirect checks need openssl"
fi

for bad in "file:///etc/services" "ftp://127.0.0.1/x.csv" "-K/etc/passwd"; do
	refused "$bad" "only https:// and http:// are fetched" "the URL $bad"
done

# ---- signals in the middle of a download ----------------------------------
# The update runs as a background job, which a non-interactive shell starts
# with SIGINT ignored, and the suite itself may run under nohup (SIGHUP
# ignored, which the tool rightly keeps); python puts the default actions
# back before exec.
# setsid gives it its own process group, so that "INT-group" can signal
# the tool and curl at once, as Ctrl-C in a terminal does.
for how in TERM INT HUP INT-group; do
	sig=${how%-group}
	case $sig in TERM) number=15 ;; INT) number=2 ;; HUP) number=1 ;; esac
	cp "$W/v1.db" "$W/installed.db"
	setsid python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
signal.signal(signal.SIGHUP, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' \
		env PATH="$W/bin:$PATH" TMPDIR="$W/tmp" \
		"$TOOL" update --db "$W/installed.db" --url "$URL/drip" >"$W/out" 2>"$W/err" &
	pid=$!
	# Mid-download: curl has written the answer's headers.
	tries=0
	while [ -z "$(find "$W/tmp" -name headers -size +0 2>/dev/null)" ] && [ "$tries" -lt 600 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	curl_pid=$(pgrep -P "$pid" curl)
	if [ -n "$curl_pid" ] && [ -n "$(find "$W/tmp" -name headers -size +0)" ]; then pass; else
		fail "$how: the download did not start: $(cat "$W/err")"
	fi
	if [ "$how" = INT-group ]; then kill -s INT -- "-$pid"; else kill -s "$sig" "$pid"; fi
	wait "$pid" 2>/dev/null
	status=$?
	expect_status $((128 + number)) "update killed by SIG$how"
	no_leftovers "update killed by SIG$how"
	expect_same "$W/installed.db" "$W/v1.db" "SIG$how: installed snapshot untouched"
	if [ -n "$curl_pid" ] && kill -0 "$curl_pid" 2>/dev/null; then
		fail "SIG$how: curl ($curl_pid) still runs"
		kill "$curl_pid"
	else
		pass
	fi
done

# ---- a registry far larger than the installed one; a long diff --------------
if [ -r "$CSV" ]; then
	cp "$W/v1.db" "$W/installed.db"
	update_with no --db "$W/installed.db" --file "$CSV"
	expect_status 1 "a registry over twice the installed one"
	expect_err "over twice as many" "growth past twice the entries is refused"
	expect_same "$W/installed.db" "$W/v1.db" "growth refused: installed snapshot untouched"

	update_with no --db "$W/installed.db" --file "$CSV" --force
	expect_status 0 "--force installs it"
	"$TOOL" compile "$CSV" -o "$W/registry.db" >/dev/null || fail "compile the registry"
	expect_same "$W/installed.db" "$W/registry.db" "--force: the registry is installed"
	expect_out_re "^the diff has [0-9]+ lines, more than 300: only the counts are printed$" \
		"a long diff is cut to its counts, and says so"
	expect_out "$($REFERENCE diff "$FIX/cli_small.csv" "$CSV" | tail -n 1)" \
		"the count line of a long diff"
	expect_equal "$(grep -cE '^(added|removed|changed) ' "$W/out")" 0 "no diff lines past 300"
else
	echo "$0: no $CSV: growth and the long diff are not checked" >&2
	fail "growth and long diff checks need $CSV"
fi

finish
