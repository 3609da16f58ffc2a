#!/bin/sh
# The protocols database through glibc, against nss_files.
#
# Differential: the snapshot of $PROTOCOLS_CSV compiled with
# --prefer-protocols /etc/protocols, with `protocols: iana` alone on the
# line, must answer every query exactly as `protocols: files` answers over
# /etc/protocols followed by the export of the registry alone (a second
# snapshot, compiled without the preference file).  The queries are drawn
# from the registry CSV and /etc/protocols with python3 (not our reader):
# every keyword as IANA writes it, as the name rule gives it and lowered;
# every name and alias of /etc/protocols; every number 0 to 300, -1 and a
# few large ones; and misses.  The full enumerations (getent protocols) are
# compared too.
#
# Clients with `protocols: iana` alone, against files over netbase's
# /etc/protocols: getent protocols tcp / 58, Python's
# socket.getprotobyname and getprotobynumber via getent, and iptables,
# which resolves `-p NAME` and lists rules by protocol name through NSS
# (in a private network namespace).
set -eu
. tests/lib/lib.sh
need_namespaces
: "${PROTOCOLS_CSV:=../shared/iana/protocol-numbers-1.csv}"
[ -r "$PROTOCOLS_CSV" ] || fatal "no protocol registry at $PROTOCOLS_CSV"
[ -s /etc/protocols ] || skip "this machine has no /etc/protocols to compare with"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/services.db"
"$BUILD/nss-iana" compile --protocols "$PROTOCOLS_CSV" --prefer-protocols /etc/protocols \
	"$CSV" -o "$db" >/dev/null
"$BUILD/nss-iana" compile --protocols "$PROTOCOLS_CSV" "$CSV" -o "$work/registry.db" >/dev/null
"$BUILD/nss-iana" export --db "$work/registry.db" --format protocols -o "$work/registry.protocols"
cat /etc/protocols "$work/registry.protocols" >"$work/protocols"
cp /etc/protocols "$work/netbase.protocols"

python3 - "$PROTOCOLS_CSV" /etc/protocols >"$work/queries" <<'PY'
import csv, random, sys
names, numbers = set(), set(range(0, 301)) | {-1, 4095, 65535, 2**31 - 1, -2**31}
for r in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8-sig')):
    k = r['Keyword']
    if not k:
        continue
    names.add(k.replace(' ', '_'))  # a query token cannot hold a space
    rule = k[:-len(' (deprecated)')] if k.endswith(' (deprecated)') else k
    rule = rule.replace(' ', '-')
    names.update({rule, rule.lower()})
for line in open(sys.argv[2], encoding='utf-8', errors='replace'):
    words = line.split('#')[0].split()
    if len(words) >= 2:
        names.update(w for i, w in enumerate(words) if i != 1)
        try:
            numbers.add(int(words[1]))
        except ValueError:
            pass
rng = random.Random(5)
misses = {'zz-%x' % rng.getrandbits(32) for _ in range(100)}
for n in sorted(names | misses):
    print('name', n)
for n in sorted(numbers):
    print('number', n)
PY

run_with() { # SOURCE FILE OUTPUT: answer every query and enumerate
	printf 'protocols: %s\n' "$1" >"$work/nsswitch.$1"
	unshare -m sh -c "$HIDE_NSCD"'
		mount --bind "$1/$5" /etc/protocols &&
		mount --bind "$1/nsswitch.$2" /etc/nsswitch.conf &&
		"$3/tests/proto_query" <"$1/queries" >"$4.answers" &&
		getent protocols >"$4.walk"' \
		sh "$work" "$1" "$BUILD" "$3" "$2"
}
export NSS_IANA_DB="$db" LD_LIBRARY_PATH="$MODULE_DIR"
run_with files protocols "$work/files"
run_with iana protocols "$work/iana"

queries=$(wc -l <"$work/queries")
hits=$(grep -vc '^-$' "$work/files.answers" || true)
walk=$(wc -l <"$work/files.walk")
echo "protocols differential: $queries queries ($hits answered by files), $walk enumerated lines"
[ "$hits" -gt 300 ] || fatal "files answered only $hits queries: the setup is wrong"
[ "$walk" -gt 150 ] || fatal "files enumerated only $walk lines"
if cmp -s "$work/files.answers" "$work/iana.answers"; then pass; else
	paste -d'|' "$work/queries" "$work/files.answers" "$work/iana.answers" |
		awk -F'|' '$2 != $3' | head -20 >&2
	fail "$(paste -d'|' "$work/files.answers" "$work/iana.answers" | awk -F'|' '$1 != $2' | wc -l) answers differ"
fi
expect_same "$work/files.walk" "$work/iana.walk" "getent protocols enumerations"

# ---- clients, with iana alone against files over netbase's file ----------
client() { # SOURCE: a shell script on stdin, run with that source alone
	printf 'protocols: %s\nservices: files\n' "$1" >"$work/nsswitch.client.$1"
	unshare -m -n sh -c "$HIDE_NSCD"'
		mount --bind "$1/netbase.protocols" /etc/protocols &&
		mount --bind "$1/nsswitch.client.$2" /etc/nsswitch.conf &&
		sh' sh "$work" "$1"
}
clients='
getent protocols tcp; getent protocols 58; getent protocols ip; getent protocols 262
getent protocols ipv6-icmp; getent protocols IPv6-ICMP; getent protocols 0
python3 -c "
import socket
for n in (\"tcp\", \"udp\", \"icmp\", \"ipv6-icmp\", \"IPv6-ICMP\", \"sctp\", \"mptcp\", \"ip\", \"ospf\", \"esp\"):
    print(n, socket.getprotobyname(n))
"
if command -v iptables >/dev/null 2>&1 && iptables -L INPUT >/dev/null 2>&1; then
	for p in ospf ipcomp vrrp l2tp 143 89 262 IPv6-ICMP; do
		iptables -A INPUT -p "$p" -j ACCEPT || echo "iptables refused $p"
	done
	iptables -S INPUT; iptables -L INPUT
else
	echo "no iptables"
fi
'
echo "$clients" | client files >"$work/files.clients" 2>&1
echo "$clients" | client iana >"$work/iana.clients" 2>&1
if grep -q '^no iptables' "$work/files.clients"; then
	fail "iptables is not installed or cannot run in a network namespace (install/setup.sh installs it)"
fi
grep -q '^tcp  *6 TCP$' "$work/files.clients" &&
	grep -q 'ipv6-icmp 58' "$work/files.clients" &&
	grep -q '^-A INPUT -p ospf -j ACCEPT$' "$work/files.clients" &&
	pass || fail "files did not answer the client queries: $(head -c 300 "$work/files.clients")"
expect_same "$work/files.clients" "$work/iana.clients" "getent, Python and iptables: iana alone against files"
finish
