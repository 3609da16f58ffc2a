#!/bin/sh
# The rule of compile --prefer FILE, through glibc: the module answers every
# query as nss_files answers it over FILE followed by the registry's own
# services(5) export.
#
# For each FILE (this machine's /etc/services when netbase is installed,
# and the fixtures), in private mount namespaces with nscd hidden and a
# real nsswitch.conf bind-mounted:
#   - the query set is regenerated from what glibc itself reads in FILE
#     (`getent services` through `services: files` over FILE): each name
#     and alias with its line's protocol and with none, each port with its
#     protocol and with none, each once;
#   - `services: files` over FILE and `services: iana` alone, with the
#     snapshot compiled with --prefer FILE, answer every one of them alike
#     (name, port, protocol, aliases);
#   - `services: files` over FILE followed by the export of the plain
#     snapshot answers those and every registry name and port (with its
#     protocol and with none) as `services: iana` does, and both walks list
#     the same lines in the same order (for /etc/services and the fixture
#     of glibc's parsing rules);
#   - `nss-iana verify --against FILE` counts the same queries unchanged.
set -u
. tests/lib/lib.sh
need_namespaces
use_tool

run compile "$CSV" -o "$W/plain.db"
expect_status 0 "plain compile"
"$TOOL" export --db "$W/plain.db" -o "$W/registry.services" ||
	fatal "export of the plain snapshot"
printf 'services: files\n' >"$W/nsswitch.files"
printf 'services: iana\n' >"$W/nsswitch.iana"

# through SOURCE SERVICES QUERIES OUT: svc_query's answers and a walk, with
# SERVICES over /etc/services (SOURCE files) or the snapshot $W/pref.db.
through() {
	unshare -m sh -c "$HIDE_NSCD"'
		mount --bind "$2" /etc/services &&
		mount --bind "$W/nsswitch.$1" /etc/nsswitch.conf &&
		"$BUILD/tests/svc_query" <"$3" >"$4.answers" 2>/dev/null &&
		getent services >"$4.walk"' sh "$@"
}
export W BUILD

# queries WALK [all]: the distinct queries of a walk's lines; with "all",
# every name and port with its protocol and with none.
queries() {
	python3 - "$1" <<'PY'
import sys
seen, out = set(), []
def add(q):
    if q not in seen:
        seen.add(q)
        out.append(q)
for line in open(sys.argv[1], encoding='utf-8', errors='surrogateescape'):
    fields = line.split()
    if not fields or fields[0].startswith('#'):
        continue  # the export's heading
    port, _, proto = fields[1].partition('/')
    for name in [fields[0]] + fields[2:]:
        add(f'name {name} {proto}')
        add(f'name {name} -')
    add(f'port {port} {proto}')
    add(f'port {port} -')
sys.stdout.write(''.join(q + '\n' for q in out))
PY
}

differences() { # A B: the number of lines that differ
	paste -d'|' "$1" "$2" | awk -F'|' '$1 != $2' | wc -l
}

check_file() { # FILE LABEL [whole]: with "whole", the whole rule too
	file=$1 label=$2 whole=${3:-}
	run compile --prefer "$file" "$CSV" -o "$W/pref.db"
	expect_status 0 "$label: compile --prefer"
	NSS_IANA_DB="$W/pref.db" LD_LIBRARY_PATH="$MODULE_DIR"
	export NSS_IANA_DB LD_LIBRARY_PATH
	: >"$W/empty"
	through files "$file" "$W/empty" "$W/file" || fatal "$label: walk of FILE through files"
	queries "$W/file.walk" >"$W/file.queries"
	n=$(wc -l <"$W/file.queries")
	[ "$n" -gt 0 ] || fatal "$label: glibc read no line of $file"
	through files "$file" "$W/file.queries" "$W/file" || fatal "$label: files over FILE"
	through iana "$W/empty" "$W/file.queries" "$W/iana" || fatal "$label: iana"
	d=$(differences "$W/file.answers" "$W/iana.answers")
	echo "$label: $((n - d)) of $n queries files answers from $file answered alike by services: iana alone"
	if [ "$d" -eq 0 ]; then pass; else
		paste -d'|' "$W/file.queries" "$W/file.answers" "$W/iana.answers" |
			awk -F'|' '$2 != $3' | head -10 >&2
		fail "$label: $d of $n answers differ from files over $file"
	fi
	run verify --against "$file" "$W/pref.db"
	expect_status 0 "$label: verify --against"
	expect_out "$(python3 -c "import sys; n = int(sys.argv[1]); print(f'{n:,} of {n:,} answers of')" "$n")" \
		"$label: verify counts the same queries, all unchanged"

	if [ "$whole" != whole ]; then
		unset NSS_IANA_DB LD_LIBRARY_PATH
		return
	fi
	# The whole rule: FILE followed by the registry's export.
	cat "$file" >"$W/concat"
	printf '\n' >>"$W/concat" # FILE may end without a line break
	cat "$W/registry.services" >>"$W/concat"
	{ cat "$W/file.queries"; queries "$W/registry.services"; } >"$W/all.queries"
	through files "$W/concat" "$W/all.queries" "$W/concat" || fatal "$label: files over the concatenation"
	through iana "$W/empty" "$W/all.queries" "$W/iana" || fatal "$label: iana, all queries"
	d=$(differences "$W/concat.answers" "$W/iana.answers")
	all=$(wc -l <"$W/all.queries")
	echo "$label: $((all - d)) of $all queries answered alike by files over $file + the registry's export and by iana"
	if [ "$d" -eq 0 ]; then pass; else
		paste -d'|' "$W/all.queries" "$W/concat.answers" "$W/iana.answers" |
			awk -F'|' '$2 != $3' | head -10 >&2
		fail "$label: $d answers differ from files over FILE + export"
	fi
	expect_same "$W/concat.walk" "$W/iana.walk" "$label: the walk lists FILE, then the registry"
	unset NSS_IANA_DB LD_LIBRARY_PATH
}

if dpkg-query -W -f='${Version}' netbase >/dev/null 2>&1 && [ -f /etc/services ]; then
	check_file /etc/services "netbase $(dpkg-query -W -f='${Version}' netbase)" whole
else
	echo "no netbase /etc/services here: the fixtures only"
fi
check_file "$FIX/prefer_glibc.services" prefer_glibc.services whole
check_file "$FIX/prefer.services" prefer.services

# The examples the README gives, on this machine's /etc/services.
if [ -f /etc/services ] && grep -q '^acr-nema.*104/tcp.*dicom' /etc/services; then
	run compile --prefer /etc/services "$CSV" -o "$W/pref.db"
	ans() { NSS_IANA_DB="$W/pref.db" LD_LIBRARY_PATH="$MODULE_DIR" \
		unshare -m sh -c "$HIDE_NSCD; getent -s services:iana services $1" | awk '{print $1, $2}'; }
	expect_equal "$(ans dicom/tcp)" "acr-nema 104/tcp" "FILE wins: dicom/tcp"
	expect_equal "$(ans 11112/tcp)" "dicom 11112/tcp" "the registry's dicom still answers by its port"
	expect_equal "$(ans 2049/tcp)" "nfs 2049/tcp" "2049/tcp is nfs"
	expect_equal "$(ans http-alt/tcp)" "http-alt 8080/tcp" "http-alt is 8080"
fi
finish
