#!/bin/sh
# Unchanged programs resolving through the module: getent with
# `-s services:iana`, then getent and Python's socket module with a
# nsswitch.conf of `services: iana files` bind-mounted in a private mount
# namespace (the host's /etc is never touched).  Expected answers are
# IANA's published assignments.
set -eu
. tests/lib/lib.sh
need_namespaces
use_registry_snapshot
export NSS_IANA_DB="$db" LD_LIBRARY_PATH="$MODULE_DIR"

expect() { # WHAT EXPECTED ACTUAL
	[ "$3" = "$2" ] || fatal "$1: expected '$2', got '$3'"
	echo "ok: $1 -> $3"
}
squeeze() { tr -s ' \t' ' '; }

expect "getent -s services:iana services https" "https 443/tcp" \
	"$(getent -s services:iana services https | squeeze)"
expect "getent -s services:iana services 6010/tcp" "x11 6010/tcp" \
	"$(getent -s services:iana services 6010/tcp | squeeze)"
expect "getent -s services:iana services www" "http 80/tcp www www-http" \
	"$(getent -s services:iana services www | squeeze)"
expect "getent -s services:iana services HTTPS/udp" "https 443/udp" \
	"$(getent -s services:iana services HTTPS/udp | squeeze)"

# Every serving row, ranges expanded, alias rows folded into their target:
# counted from the CSV by python3's csv module.
expected_lines=$(python3 - "$CSV" <<'PY'
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8-sig')))
alias = re.compile(r'This entry is an alias to "[^"]+"|This is a duplicate of the "[^"]+" service')
total = 0
for r in rows:
    if r['Service Name'] and r['Port Number'] and r['Transport Protocol'] \
            and not alias.search(r['Assignment Notes']):
        lo, _, hi = r['Port Number'].partition('-')
        total += int(hi or lo) - int(lo) + 1
print(total)
PY
)
expect "getent -s services:iana services | wc -l" "$expected_lines" \
	"$(getent -s services:iana services | wc -l)"

! getent -s services:iana services no-such-service-here >/dev/null ||
	fatal "a missing name was found"

# Through /etc/nsswitch.conf, as every program sees it.
printf 'services: iana files\n' >"$work/nsswitch.conf"
in_namespace() {
	unshare -m sh -c "$HIDE_NSCD"'
		mount --bind "$1" /etc/nsswitch.conf && shift && "$@"' \
		sh "$work/nsswitch.conf" "$@"
}
expect "getent services https (iana files)" "https 443/tcp" \
	"$(in_namespace getent services https | squeeze)"
# spss is in the registry and not in Debian's /etc/services.
expect "getent services 5443/tcp (iana files)" "spss 5443/tcp" \
	"$(in_namespace getent services 5443/tcp | squeeze)"
expect "python3 getservbyname('https','tcp')" "443" \
	"$(in_namespace python3 -c "import socket; print(socket.getservbyname('https','tcp'))")"
expect "python3 getservbyport(5443,'tcp')" "spss" \
	"$(in_namespace python3 -c "import socket; print(socket.getservbyport(5443,'tcp'))")"

# A missing snapshot makes the module unavailable: files answers instead.
NSS_IANA_DB="$work/missing.db"
expect "fallback to files when the snapshot is missing" "https 443/tcp" \
	"$(in_namespace getent services https | squeeze)"
! in_namespace getent services 5443/tcp >/dev/null ||
	fatal "5443/tcp answered without the module"
echo "ok: 5443/tcp unknown once the module is unavailable"
