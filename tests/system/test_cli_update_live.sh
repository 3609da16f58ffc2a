#!/bin/sh
# nss-iana update while a program is resolving: a Python process that
# looks services up through glibc (nsswitch.conf bind-mounted in a private
# mount namespace to `services: iana`, so every answer comes from the
# module) keeps getting answers throughout the update from the 2024 to the
# 2025 registry, and then, without restarting, finds an entry that only
# the 2025 registry has.
set -u
. tests/lib/lib.sh
use_tool

CSV=${CSV:-../shared/iana/service-names-port-numbers.csv}
OLD_CSV=$(dirname "$CSV")/history/service-names-port-numbers-2024.csv
MODULE_DIR=${MODULE_DIR:-$PWD/$BUILD}
if [ ! -r "$CSV" ] || [ ! -r "$OLD_CSV" ]; then skip "needs $CSV and $OLD_CSV"; fi
[ -z "${SAN:-}" ] || skip "a sanitized module cannot be loaded into an unsanitized python3"
[ -f "$MODULE_DIR/libnss_iana.so.2" ] || fatal "no $MODULE_DIR/libnss_iana.so.2"
need_namespaces

# An entry the 2025 registry adds, from the independent reading.
added=$($REFERENCE diff "$OLD_CSV" "$CSV" | sed -n 's/^added \([^ ]*\) \([0-9]*\)\/\([a-z]*\)$/\1 \2 \3/p' | head -n 1)
[ -n "$added" ] || fatal "the reference finds no added entry"
# shellcheck disable=SC2086 # three words on purpose
set -- $added
added_name=$1 added_port=$2 added_proto=$3

"$TOOL" compile "$OLD_CSV" -o "$W/services.db" >/dev/null || fail "compile 2024"
sed 's/^services:.*/services: iana/' /etc/nsswitch.conf >"$W/nsswitch.conf"
grep -q '^services: iana$' "$W/nsswitch.conf" || echo "services: iana" >>"$W/nsswitch.conf"
mkdir -p "$W/bin"
printf '#!/bin/sh\nexit 1\n' >"$W/bin/pidof" # nscd is not running
chmod +x "$W/bin/pidof"

# shellcheck disable=SC2016 # $1 and $@ are the inner shell's
# An empty /run/nscd: a host nscd would answer instead of the module.
NSS_IANA_DB="$W/services.db" LD_LIBRARY_PATH="$MODULE_DIR" \
unshare -m sh -c 'if [ -d /run/nscd ]; then mount -t tmpfs tmpfs /run/nscd; fi
	mount --bind "$1" /etc/nsswitch.conf && shift && exec python3 - "$@"' \
	sh "$W/nsswitch.conf" "$W/ready" "$added_name" "$added_port" "$added_proto" \
	>"$W/resolver.out" 2>&1 <<'PY' &
import socket, sys, time
ready, name, port, proto = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

def by_name(n, p):
    try:
        return socket.getservbyname(n, p)
    except OSError:
        return None

def by_port(n, p):
    try:
        return socket.getservbyport(n, p)
    except OSError:
        return None

assert by_name("https", "tcp") == 443, "https before the update"
assert by_name(name, proto) is None, "%s is not in the 2024 registry" % name
open(ready, "w").close()
lookups = 0
seen_at = None
deadline = time.monotonic() + 30  # a bound on the wait, not a measurement
while time.monotonic() < deadline:
    lookups += 1
    if by_name("https", "tcp") != 443 or by_port(5443, "tcp") != "spss":
        print("lookup %d failed during the update" % lookups)
        sys.exit(1)
    if seen_at is None and by_name(name, proto) == port:
        seen_at = lookups
    if seen_at is not None and lookups > seen_at + 200:
        break
    time.sleep(0.002)
if seen_at is None:
    print("%s/%s never appeared" % (name, proto))
    sys.exit(1)
print("%d lookups, %s/%s appeared at lookup %d" % (lookups, name, proto, seen_at))
PY
resolver=$!

tries=0
while [ ! -e "$W/ready" ] && [ "$tries" -lt 300 ] && kill -0 "$resolver" 2>/dev/null; do
	sleep 0.1
	tries=$((tries + 1))
done
if [ -e "$W/ready" ]; then
	pass
	env PATH="$W/bin:$PATH" "$TOOL" update --db "$W/services.db" --file "$CSV" >"$W/out" 2>"$W/err"
	status=$?
	expect_status 0 "update 2024 -> 2025 while resolving"
	expect_out_re "^added +$added_name $added_port/$added_proto\$" "update lists $added_name"
else
	fail "the resolver did not start: $(cat "$W/resolver.out")"
fi
if wait "$resolver"; then pass; else
	fail "the running resolver: $(cat "$W/resolver.out")"
fi
echo "$0: $(cat "$W/resolver.out")"

finish
