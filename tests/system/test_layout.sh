#!/bin/sh
# The architecture of nss_iana/, as its includes show it:
#   module/    the entry points, loaded into every process: includes only
#              module/, reader/ and the top-level byte rules
#   reader/    the mapped-snapshot reader the module and the tool share:
#              only reader/ and the top level
#   compiler/  input readers, registry rules, writer: never tool/ or module/;
#              the readers (csv, xml) and the rules after them (registry,
#              prefer, snapshot_write) know each other only through
#              record.h: neither side includes the other's headers
#   tool/      the commands: anything but module/
# Every project include names its folder (or is a top-level header), so one
# grep tells who depends on whom.  The check runs on the tree, then on a
# copy with a forbidden include added, where it must complain.
set -u
. tests/lib/lib.sh

# Prints each include of $1/nss_iana that breaks the rules above.
layout_violations() {
	root=$1/nss_iana
	for file in "$root"/*.h "$root"/*/*.[ch]; do
		[ -f "$file" ] || continue
		folder=$(basename "$(dirname "$file")")
		[ "$folder" = nss_iana ] && folder=top
		case $folder in
		top) allowed="" ;;
		reader) allowed="reader" ;;
		module) allowed="module reader" ;;
		compiler) allowed="compiler reader" ;;
		tool) allowed="tool compiler reader" ;;
		*) echo "$file: a folder the rules do not name"; continue ;;
		esac
		sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file" |
			while read -r included; do
				case $included in
				*/*) ;;
				*) [ -f "$root/$included" ] ||
					echo "$file: \"$included\" does not name its folder"
					continue ;;
				esac
				ok=no
				for dir in $allowed; do
					case $included in "$dir"/*) ok=yes ;; esac
				done
				[ $ok = yes ] || echo "$file: includes \"$included\""
				case ${file##*/}:$included in
				csv.[ch]:compiler/registry.h | csv.[ch]:compiler/prefer.h | \
				csv.[ch]:compiler/snapshot_write.h | xml.[ch]:compiler/registry.h | \
				xml.[ch]:compiler/prefer.h | xml.[ch]:compiler/snapshot_write.h | \
				registry.[ch]:compiler/csv.h | registry.[ch]:compiler/xml.h | \
				prefer.[ch]:compiler/csv.h | prefer.[ch]:compiler/xml.h | \
				snapshot_write.[ch]:compiler/csv.h | snapshot_write.[ch]:compiler/xml.h)
					echo "$file: a reader and the registry rules meet: \"$included\"" ;;
				esac
			done
	done
}

out=$(layout_violations .)
if [ -z "$out" ]; then pass; else fail "the tree breaks the layout: $out"; fi

scratch=$(mktemp -d) || fatal "mktemp"
trap 'rm -rf "$scratch"' EXIT
cp -R nss_iana "$scratch/"
printf '#include "compiler/registry.h"\n' >>"$scratch/nss_iana/module/nss_services.c"
printf '#include "tool/tool.h"\n' >>"$scratch/nss_iana/reader/snapshot.c"
printf '#include "csv.h"\n' >>"$scratch/nss_iana/compiler/registry.c"
printf '#include "compiler/csv.h"\n' >>"$scratch/nss_iana/compiler/registry.c"
printf '#include "compiler/registry.h"\n' >>"$scratch/nss_iana/compiler/xml.h"
out=$(layout_violations "$scratch")
for expected in 'module/nss_services.c: includes "compiler/registry.h"' \
	'reader/snapshot.c: includes "tool/tool.h"' \
	'compiler/registry.c: "csv.h" does not name its folder' \
	'compiler/registry.c: a reader and the registry rules meet: "compiler/csv.h"' \
	'compiler/xml.h: a reader and the registry rules meet: "compiler/registry.h"'; do
	case $out in
	*"$expected"*) pass ;;
	*) fail "an added include went unnoticed: $expected" ;;
	esac
done

# The module's shared object holds only module/ and reader/ code: none of
# the compiler's or the tool's functions.
if [ -f "$BUILD/libnss_iana.so.2" ]; then
	syms=$(nm "$BUILD/libnss_iana.so.2" 2>/dev/null | grep -E ' [TtDdBbRr] (compile_|registry_|csv_|xml_|preference_|tool_|snapshot_build|write_file_atomic)' || :)
	if [ -z "$syms" ]; then pass; else fail "the module links compiler or tool code: $syms"; fi
fi

# It exports the NSS entry points and nothing else (module/nss_iana.map):
# any other symbol could bind to, or be bound by, the process it runs in.
# Checked on the built module, then on its objects linked without the map,
# where it must complain.
exports_beyond_entry_points() {
	nm -D --defined-only "$1" | awk '$3 !~ /^_nss_iana_/ { print $3 }'
}
if [ -f "$BUILD/libnss_iana.so.2" ]; then
	extra=$(exports_beyond_entry_points "$BUILD/libnss_iana.so.2")
	if [ -z "$extra" ]; then pass; else fail "the module exports more than _nss_iana_*: $extra"; fi
	# The module's objects, plus one with a stray exported symbol, linked
	# without the map.
	objects="$BUILD/module-objs/nss_iana"
	echo 'int stray_symbol = 1;' >"$scratch/stray.c"
	${CC:-cc} -shared -fPIC -o "$scratch/unmapped.so" "$scratch/stray.c" \
		"$objects"/module/*.o "$objects"/reader/snapshot.o \
		"$objects"/reader/proto_snapshot.o ||
		fatal "cannot link the module's objects"
	case $(exports_beyond_entry_points "$scratch/unmapped.so") in
	*stray_symbol*) pass ;;
	*) fail "a module linked without its version script went unnoticed" ;;
	esac
fi

# Its thread-local variables are initial-exec (module/mapping.c says why):
# it never calls __tls_get_addr, which may allocate a thread's block at
# its first use, inside a signal handler.  Checked on the module, then on
# a library with a global-dynamic variable, where it must complain.
dynamic_tls() {
	nm -D --undefined-only "$1" | awk '$2 ~ /^__tls_get_addr/ { print $2 }'
}
if [ -f "$BUILD/libnss_iana.so.2" ]; then
	found=$(dynamic_tls "$BUILD/libnss_iana.so.2")
	if [ -z "$found" ]; then pass; else fail "the module reaches TLS through $found"; fi
	echo '__thread int counter; int bump(void) { return ++counter; }' >"$scratch/dynamic.c"
	${CC:-cc} -shared -fPIC -o "$scratch/dynamic.so" "$scratch/dynamic.c" ||
		fatal "cannot build a library with a thread-local variable"
	if [ -n "$(dynamic_tls "$scratch/dynamic.so")" ]; then pass
	else fail "a global-dynamic thread-local variable went unnoticed"; fi
fi
finish
