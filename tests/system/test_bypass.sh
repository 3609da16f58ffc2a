#!/bin/sh
# Programs that bypass NSS get the module's answers from the services(5)
# export that update writes (export --last-match): a program linked with
# musl (musl-gcc, musl-tools), which reads /etc/services line by line in
# 128-byte lines and takes the first match, and a Go program using
# net.LookupPort with the pure-Go resolver (-tags netgo, golang-go), which
# keeps the last line of a name.  Each reads the export bind-mounted over
# /etc/services in a private mount namespace; their answers must be the
# module's (`services: iana`, the same snapshot) for every name of the
# snapshot with tcp and with udp, and for musl every port too.  The
# snapshot is compiled with --prefer: this machine's /etc/services when
# netbase is installed, else a fixture.  Every line of the export is
# under 128 bytes, and the plain export (no --last-match) gives Go
# answers that differ, which is what the last section is for.
set -u
. tests/lib/lib.sh
need_namespaces
use_tool
command -v musl-gcc >/dev/null 2>&1 ||
	skip "musl-gcc is missing (apt-get install musl-tools; setup.sh check installs it)"
command -v go >/dev/null 2>&1 ||
	skip "go is missing (apt-get install golang-go; setup.sh check installs it)"

PREF=/etc/services
[ -f "$PREF" ] || PREF=$FIX/prefer_glibc.services
run compile --prefer "$PREF" "$CSV" -o "$W/pref.db"
expect_status 0 "compile --prefer $PREF"
run export --db "$W/pref.db" --last-match -o "$W/export"
expect_status 0 "export --last-match"
run export --db "$W/pref.db" -o "$W/plain-export"
long=$(awk 'length($0) + 1 >= 128' "$W/export" | wc -l)
expect_equal "$long" 0 "every line of the export is under 128 bytes"

musl-gcc -static -O2 -o "$W/musl_query" tests/lib/bypass/musl_query.c ||
	fatal "musl-gcc cannot build tests/lib/bypass/musl_query.c"
# No network and no module download: the standard library only, with a
# private build cache.
(cd "$W" && cp "$OLDPWD/tests/lib/bypass/go_query.go" . &&
	GOCACHE=$W/gocache HOME=$W GOPATH=$W/gopath GOFLAGS= GOPROXY=off \
	CGO_ENABLED=0 go build -tags netgo -o "$W/go_query" go_query.go) ||
	fatal "go cannot build tests/lib/bypass/go_query.go"

# The queries: every name and alias the snapshot serves, with tcp and udp;
# every port with tcp and udp (musl only: Go looks up names).
NSS_IANA_DB="$W/pref.db" LD_LIBRARY_PATH="$MODULE_DIR" \
	unshare -m sh -c "$HIDE_NSCD; getent -s services:iana services" >"$W/walk"
python3 - "$W" <<'PY'
import sys
w = sys.argv[1]
names, ports = [], []
seen = set()
for line in open(w + '/walk', encoding='utf-8', errors='surrogateescape'):
    f = line.split()
    port = f[1].split('/')[0]
    for n in [f[0]] + f[2:]:
        for p in ('tcp', 'udp'):
            if (n, p) not in seen:
                seen.add((n, p))
                names.append(f'name {n} {p}')
    for p in ('tcp', 'udp'):
        if (port, p) not in seen:
            seen.add((port, p))
            ports.append(f'port {port} {p}')
open(w + '/names', 'w').write(''.join(q + '\n' for q in names))
open(w + '/ports', 'w').write(''.join(q + '\n' for q in ports))
PY

# The module's answers, projected as the two programs print theirs.
printf 'services: iana\n' >"$W/nsswitch.iana"
cat "$W/names" "$W/ports" >"$W/all"
NSS_IANA_DB="$W/pref.db" LD_LIBRARY_PATH="$MODULE_DIR" unshare -m sh -c "$HIDE_NSCD"'
	mount --bind "$1/nsswitch.iana" /etc/nsswitch.conf &&
	"$2/tests/svc_query" <"$1/all" 2>/dev/null' sh "$W" "$BUILD" >"$W/module.raw" ||
	fatal "the module's answers"
paste -d' ' "$W/all" "$W/module.raw" | awk '
	$4 == "-" { print "-"; next }
	$1 == "name" { split($5, a, "/"); print a[1] "/" $3; next }
	{ print $4 "/" $3 }' >"$W/module"
n_names=$(wc -l <"$W/names")
head -n "$n_names" "$W/module" >"$W/module.names"

# through EXPORT PROGRAM QUERIES OUT: the program with EXPORT over
# /etc/services (and no nsswitch.conf: neither program reads it).
through() {
	unshare -m sh -c "$HIDE_NSCD"'
		mount --bind "$1" /etc/services && "$2" <"$3" >"$4"' sh "$@"
}
compare() { # WHAT EXPECTED GOT QUERIES
	d=$(paste -d'|' "$2" "$3" | awk -F'|' '$1 != $2' | wc -l)
	echo "$1: $(($(wc -l <"$4") - d)) of $(wc -l <"$4") answered as the module answers"
	if [ "$d" -eq 0 ]; then pass; else
		paste -d'|' "$4" "$2" "$3" | awk -F'|' '$2 != $3' | head -10 >&2
		fail "$1: $d answers differ from the module's"
	fi
}
through "$W/export" "$W/musl_query" "$W/all" "$W/musl" || fatal "the musl program"
compare "musl, names and ports" "$W/module" "$W/musl" "$W/all"
through "$W/export" "$W/go_query" "$W/names" "$W/go" || fatal "the Go program"
compare "Go (netgo), names" "$W/module.names" "$W/go" "$W/names"

# Without the last section, Go keeps the last line of a name listed twice.
through "$W/plain-export" "$W/go_query" "$W/names" "$W/go.plain" || fatal "the Go program"
d=$(paste -d'|' "$W/module.names" "$W/go.plain" | awk -F'|' '$1 != $2' | wc -l)
echo "Go over the export without --last-match: $d names answered otherwise"
[ "$d" -gt 0 ] && pass || fail "the last section changes nothing: the test proves nothing"
finish
