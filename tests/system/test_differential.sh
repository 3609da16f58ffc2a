#!/bin/sh
# Differential test against glibc's nss_files over the whole registry.
#
# The snapshot of $CSV is exported as a services(5) file and bind-mounted
# over /etc/services in a private mount namespace.  The same queries then go
# through `services: files` and through `services: iana` (each with its own
# nsswitch.conf bind-mounted), and every answer must be identical: name,
# port, protocol and aliases.  The queries are drawn from the registry CSV
# itself (python3's csv module, not our reader): every service name and
# alias with each protocol and with none, every port of every serving row
# (ranges expanded) with each protocol and with none, and a few hundred
# misses.  The full enumerations are compared too.
set -eu
. tests/lib/lib.sh
need_namespaces
use_registry_snapshot
"$BUILD/nss-iana" export --db "$db" --format services -o "$work/services"

python3 - "$CSV" >"$work/queries" <<'PY'
import csv, random, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8-sig')))
names, ports, protos = set(), set(), set()
for r in rows:
    name, port, proto = r['Service Name'], r['Port Number'], r['Transport Protocol']
    if not (name and port and proto):
        continue
    protos.add(proto)
    names.add(name)
    lo, _, hi = port.partition('-')
    for p in range(int(lo), int(hi or lo) + 1):
        ports.add(p)
queries = []
for name in sorted(names):
    for proto in sorted(protos) + ['-']:
        queries.append(f'name {name} {proto}')
for port in sorted(ports):
    for proto in sorted(protos) + ['-']:
        queries.append(f'port {port} {proto}')
rng = random.Random(6335)
lower = {n.lower() for n in names}
misses = 0
while misses < 300:
    miss = 'zz-%x' % rng.getrandbits(40)
    if miss in lower:
        continue
    queries.append(f'name {miss} -')
    queries.append(f'name {miss} tcp')
    misses += 1
unassigned = [p for p in range(65536) if p not in ports]
for port in rng.sample(unassigned, 300):
    queries.append(f'port {port} -')
    queries.append(f'port {port} udp')
print('\n'.join(queries))
PY

run_with() { # SOURCE OUTPUT: answer every query and enumerate, through SOURCE
	printf 'services: %s\n' "$1" >"$work/nsswitch.$1"
	unshare -m sh -c "$HIDE_NSCD"'
		mount --bind "$1/services" /etc/services &&
		mount --bind "$1/nsswitch.$2" /etc/nsswitch.conf &&
		"$3/tests/svc_query" <"$1/queries" >"$4.answers" &&
		getent services >"$4.walk"' \
		sh "$work" "$1" "$BUILD" "$2"
}
NSS_IANA_DB="$db" LD_LIBRARY_PATH="$MODULE_DIR" run_with files "$work/files"
NSS_IANA_DB="$db" LD_LIBRARY_PATH="$MODULE_DIR" run_with iana "$work/iana"

queries=$(wc -l <"$work/queries")
hits=$(grep -vc '^-$' "$work/files.answers" || true)
walk=$(wc -l <"$work/files.walk")
echo "differential: $queries queries ($hits answered by files), $walk enumerated lines"
[ "$hits" -gt 20000 ] || fatal "files answered only $hits queries: the setup is wrong"
[ "$walk" -gt 11000 ] || fatal "files enumerated only $walk lines"
if ! cmp -s "$work/files.answers" "$work/iana.answers"; then
	paste -d'|' "$work/queries" "$work/files.answers" "$work/iana.answers" |
		awk -F'|' '$2 != $3' | head -20
	fatal "$(paste -d'|' "$work/files.answers" "$work/iana.answers" | awk -F'|' '$1 != $2' | wc -l) answers differ"
fi
cmp -s "$work/files.walk" "$work/iana.walk" || {
	diff "$work/files.walk" "$work/iana.walk" | head -20
	fatal "enumerations differ"
}
echo "differential: 0 differences"
