# shellcheck shell=sh disable=SC2034 # variables for the sourcing script
# Shared by the `nss-iana update` scripts (sourced after lib.sh and use_tool): the
# local test server (tests/lib/update_server.py, on 127.0.0.1 only) and
# stand-ins for pidof and nscd, so that no test needs or disturbs a real
# nscd.
#
# start_update_server [https]: serves $W/www; sets URL (http) and, with
# "https" and openssl available, SURL (https, its certificate in
# $W/cert.pem; curl trusts it through CURL_CA_BUNDLE).  The server's
# request log is $W/requests.log.

command -v curl >/dev/null 2>&1 || skip "curl is not installed (nss-iana update fetches with it)"

# The fixtures are registries of a few entries: a first install of one
# must not meet the floor meant for IANA's (update's --help).
NSS_IANA_UPDATE_MIN_ENTRIES=1
export NSS_IANA_UPDATE_MIN_ENTRIES

server_pid=
trap 'if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; fi; rm -rf "$W"' EXIT
mkdir -p "$W/www" "$W/bin" "$W/tmp"
: >"$W/requests.log"

start_update_server() {
	mode=${1:-}
	set --
	SURL=
	if [ "$mode" = https ] && command -v openssl >/dev/null 2>&1 &&
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
			-addext subjectAltName=IP:127.0.0.1 -keyout "$W/key.pem" \
			-out "$W/cert.pem" >/dev/null 2>&1; then
		set -- "$W/cert.pem" "$W/key.pem"
	fi
	python3 tests/lib/update_server.py "$W/www" "$W/port" "$W/requests.log" "$@" \
		>"$W/server.log" 2>&1 &
	server_pid=$!
	tries=0
	while [ ! -s "$W/port" ] && [ "$tries" -lt 300 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	[ -s "$W/port" ] || fatal "the local HTTP server did not start: $(cat "$W/server.log")"
	read -r http_port https_port <"$W/port"
	URL="http://127.0.0.1:$http_port"
	if [ "$https_port" != 0 ]; then
		SURL="https://127.0.0.1:$https_port"
		CURL_CA_BUNDLE="$W/cert.pem"
		export CURL_CA_BUNDLE
	fi
}

# Stand-ins: NSCD_RUNNING=yes makes pidof report nscd; NSCD_STATUS is
# nscd's exit; each nscd call is a line in $W/nscd.calls.
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

# update_with RUNNING ARG...: the tool with the stand-ins first in PATH;
# stdout in $W/out, stderr in $W/err, exit in $status.
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
# requests PATH: the log lines of the requests for PATH.
requests() { grep -F " $1 " "$W/requests.log"; }
# request_line PATH N: the Nth logged request for PATH.  The server logs a
# request once it has sent the answer, so this waits for the line (a bound
# against a hang, not a measurement).
request_line() {
	tries=0
	while [ "$(requests "$1" | wc -l)" -lt "$2" ] && [ "$tries" -lt 600 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	requests "$1" | sed -n "$2p"
}
