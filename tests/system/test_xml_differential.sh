#!/bin/sh
# Differential test: IANA's CSV and IANA's XML of the same registry version
# compile to snapshots that answer every query identically.
#
# Both files are compiled by `nss-iana compile`; tests/lib/snapshot_answers
# then prints, for each snapshot, the header's registry date and row counts,
# every entry in order with its aliases and every metadata field of it and
# of its alias rows, the answer to every name and alias with each protocol
# and with none, and to every port 0-65535 with each protocol and with none.
# The two outputs must be identical, line for line: no normalisation of
# white space or line breaks, because the XML reader renders text exactly
# as IANA's CSV export does.
#
# Then, byte for byte: the snapshots may differ only in what the XML adds
# (the CONTACTS section, the contact strings at the end of the string pool)
# and in the header fields that follow from it (file size, checksum,
# section count).  Every other section must be byte-identical.
set -eu
. tests/lib/lib.sh

XML=${XML:-$(dirname "$CSV")/service-names-port-numbers.xml}
if [ ! -f "$XML" ]; then
	echo "no $XML next to $CSV: nothing to compare" >&2
	exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$BUILD/nss-iana" compile "$CSV" -o "$work/csv.db" >"$work/csv.out"
"$BUILD/nss-iana" compile "$XML" -o "$work/xml.db" >"$work/xml.out"
# The same summary, but for the contacts only the XML has.
grep -q '; 5573 contacts$' "$work/xml.out" || fatal "the XML's 5,573 contacts are not read"
sed 's/^[^:]*: //' "$work/csv.out" >"$work/csv.summary"
sed 's/^[^:]*: //; s/; 5573 contacts$//' "$work/xml.out" >"$work/xml.summary"
diff "$work/csv.summary" "$work/xml.summary" ||
	fatal "compile summaries differ"

"$BUILD/tests/snapshot_answers" "$work/csv.db" >"$work/csv.answers"
"$BUILD/tests/snapshot_answers" "$work/xml.db" >"$work/xml.answers"
queries=$(grep -c -E '^(name|port) ' "$work/csv.answers")
lines=$(wc -l <"$work/csv.answers")
# A query set that lost its names or ports would compare nothing.
[ "$queries" -gt 380000 ] || fatal "only $queries queries"
if ! cmp -s "$work/csv.answers" "$work/xml.answers"; then
	diff "$work/csv.answers" "$work/xml.answers" | head -n 40 >&2
	fatal "$(diff "$work/csv.answers" "$work/xml.answers" | grep -c '^[<>]') lines differ"
fi
echo "CSV and XML: $lines identical lines ($queries queries, every entry's metadata)"

# Section by section.
python3 - "$work/csv.db" "$work/xml.db" <<'PY'
import struct, sys
def sections(path):
    data = open(path, 'rb').read()
    header = struct.unpack_from('<8sHHIIII', data, 0)
    header_size, count = header[3], header[5]
    table = {}
    for i in range(count):
        sid, off, size, _ = struct.unpack_from('<IIII', data, header_size + 16 * i)
        table[sid] = data[off:off + size]
    return data, table
csv_data, csv_sections = sections(sys.argv[1])
xml_data, xml_sections = sections(sys.argv[2])
CONTACTS, STRINGS = 9, 1
problems = []
if CONTACTS not in xml_sections or CONTACTS in csv_sections:
    problems.append('the XML snapshot alone must have a CONTACTS section')
for sid, body in csv_sections.items():
    if sid == STRINGS:
        if not xml_sections[sid].startswith(body):
            problems.append('the CSV string pool is not a prefix of the XML one')
    elif xml_sections.get(sid) != body:
        problems.append('section %d differs' % sid)
extra = set(xml_sections) - set(csv_sections) - {CONTACTS}
if extra:
    problems.append('unexpected sections %s' % sorted(extra))
# Header: all but file_size (16), section_count (20), checksum (24) and
# registry_updated (60): the XML's <updated>, "" (offset 0) for the CSV.
same = lambda a, b: csv_data[a:b] == xml_data[a:b]
if not (same(0, 16) and same(28, 60)):
    problems.append('header fields other than size, count, checksum differ')
csv_updated = struct.unpack_from('<I', csv_data, 60)[0]
xml_updated = struct.unpack_from('<I', xml_data, 60)[0]
xml_pool = xml_sections[STRINGS]
if csv_updated != 0:
    problems.append('the CSV snapshot has a registry date of its own')
if xml_pool[xml_updated:xml_pool.index(b'\0', xml_updated)] != b'2025-04-07':
    problems.append("the XML snapshot's registry date is not its <updated>, 2025-04-07")
if problems:
    print('FAIL: ' + '; '.join(problems), file=sys.stderr)
    sys.exit(1)
print('sections: identical but for CONTACTS (%d people, %d bytes) and %d '
      'bytes of the registry date and contact strings after the CSV pool; '
      'header: file size, section count, checksum, registry date' % (len(xml_sections[CONTACTS]) // 20,
      len(xml_sections[CONTACTS]), len(xml_sections[STRINGS]) - len(csv_sections[STRINGS])))
PY
