#!/bin/sh
# nss-iana with IANA's XML: compile tells the XML from the CSV by content;
# tests/fixtures/xml_small.xml and its CSV twin give the same answers; the
# XML's contact table resolves each [ID] in show (text and --json); show
# --contact lists a person's services; a snapshot from the CSV, or an old
# 1.0 snapshot, shows the raw IDs exactly as before; XML errors carry
# FILE:LINE:COL; hostile XML is refused.
set -u
. tests/lib/lib.sh
use_tool

XML=$FIX/xml_small.xml
CSVFIX=$FIX/xml_small.csv

# ---- compile either format ---------------------------------------------------
run compile "$XML" -o "$W/xml.db"
expect_status 0 "compile the XML fixture"
expect_out "; 5 contacts" "summary counts the contacts"
run compile "$CSVFIX" -o "$W/csv.db"
expect_status 0 "compile its CSV twin"
"$BUILD/tests/snapshot_answers" "$W/xml.db" >"$W/xml.answers"
"$BUILD/tests/snapshot_answers" "$W/csv.db" >"$W/csv.answers"
expect_same "$W/csv.answers" "$W/xml.answers" "XML and CSV fixtures: every answer and field"
run verify "$W/xml.db"
expect_status 0 "the XML's snapshot verifies"
expect_out "format 1.2" "format 1.2 (1.1 added the contact table)"

# Content decides, not the name.
cp "$XML" "$W/registry.csv"
run compile "$W/registry.csv" -o "$W/named.db"
expect_status 0 "an XML named .csv compiles as XML"
expect_same "$W/xml.db" "$W/named.db" "same snapshot whatever the name"

# ---- show: people resolved ----------------------------------------------------
run show --db "$W/xml.db" https
expect_status 0 "show https"
expect_out "  Assignee          [IESG] IESG <mailto:iesg&ietf.org>" "assignee resolved"
expect_out "  Contact           [IETF_Chair] IETF Chair, IETF <mailto:chair&ietf.org>" "contact resolved"

run show --db "$W/xml.db" 6001/tcp
expect_out "  Contact           [Vera_Heinau] Vera Heinau, FU Berlin <mailto:heinau&fu-berlin.de>" "first of two contacts"
expect_out "                    [Heiko_Schlichting] Heiko Schlichting <mailto:heiko&fu-berlin.de>" "second contact on its own line"
run show --db "$W/xml.db" dccpsvc
expect_out_re "^  Contact +\[Nobody_Listed\]$" "an ID missing from the table stays raw"

run show --db "$W/xml.db" --json https
expect_status 0 "show --json https"
python3 - "$W/out" <<'PY' || fail "show --json: people arrays"
import json, sys
entry = json.load(open(sys.argv[1]))[0]
assert entry['assignee'] == '[IESG]' and entry['contact'] == '[IETF_Chair]'
assert entry['assignee_people'] == [{'id': 'IESG', 'name': '', 'org': 'IESG',
                                     'uri': 'mailto:iesg&ietf.org', 'updated': ''}]
assert entry['contact_people'][0]['name'] == 'IETF Chair'
assert entry['contact_people'][0]['org'] == 'IETF'
PY
pass
run show --db "$W/xml.db" --json dccpsvc
python3 - "$W/out" <<'PY' || fail "show --json: an unknown ID is found: false"
import json, sys
entry = json.load(open(sys.argv[1]))[0]
assert entry['contact_people'] == [{'id': 'Nobody_Listed', 'found': False}], entry
PY
pass

# ---- show --contact -----------------------------------------------------------
run show --db "$W/xml.db" --contact IETF_Chair
expect_status 0 "show --contact IETF_Chair"
expect_out "  Name              IETF Chair" "person's name"
expect_out "  Organization      IETF" "person's organization"
expect_out "  URI               mailto:chair&ietf.org" "person's URI"
expect_out "  Services          4" "four services held"
expect_out_re "^http +80 +tcp +contact$" "http/tcp as contact"
expect_out_re "^www +80 +tcp +contact +alias of http$" "the www alias row"
expect_out_re "^https +443 +tcp +contact$" "https"
run show --db "$W/xml.db" --contact IESG
expect_out_re "^https +443 +tcp +assignee$" "IESG holds https as assignee"
run show --db "$W/xml.db" --contact Rickard_Schoultz
expect_out "  URI               mailto:schoultz&sunet.se mailto:rickard&example.org" "two URIs"
expect_out_re "^whoispp +63 +tcp +assignee,contact$" "both roles"
run show --db "$W/xml.db" --json --contact Vera_Heinau
python3 - "$W/out" <<'PY' || fail "show --json --contact"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc['person']['name'] == 'Vera Heinau'
assert doc['services'] == [{'name': 'x11', 'port': 6000, 'port_last': 6003,
    'proto': 'tcp', 'assignee': True, 'contact': True, 'alias_of': None}], doc
PY
pass
run show --db "$W/xml.db" --contact No_Such_Person
expect_status 1 "an unknown contact"
expect_err "no contact No_Such_Person" "unknown contact named"

# ---- a CSV snapshot, and a 1.0 snapshot: raw IDs, as before -------------------
run show --db "$W/csv.db" https
expect_out_re "^  Assignee +\[IESG\]$" "CSV snapshot: raw assignee"
expect_out_re "^  Contact +\[IETF_Chair\]$" "CSV snapshot: raw contact"
run show --db "$W/csv.db" --json https
python3 - "$W/out" <<'PY' || fail "CSV snapshot: no people keys"
import json, sys
entry = json.load(open(sys.argv[1]))[0]
assert 'assignee_people' not in entry and 'contact_people' not in entry
PY
pass
run show --db "$W/csv.db" --contact IETF_Chair
expect_status 0 "--contact on a CSV snapshot lists by raw ID"
expect_out "no contact table in this snapshot" "says why there is no name"
expect_out "  Services          4" "services still found"
run stats --db "$W/csv.db"
expect_out_re "^Contact table +none \(raw IDs\)$" "stats: no contact table"
run stats --db "$W/xml.db"
expect_out_re "^Contact table +5 people$" "stats: contact table"

# A version 1.0 file (what the previous compiler wrote): minor 0, no
# optional sections, checksum recomputed.
python3 - "$W/csv.db" "$W/old.db" <<'PY'
import struct, sys, zlib
data = bytearray(open(sys.argv[1], 'rb').read())
struct.pack_into('<H', data, 10, 0)
struct.pack_into('<I', data, 24, 0)
struct.pack_into('<I', data, 24, zlib.crc32(bytes(data)) & 0xffffffff)
open(sys.argv[2], 'wb').write(data)
PY
run verify "$W/old.db"
expect_status 0 "a 1.0 snapshot verifies"
expect_out "format 1.0" "reported as 1.0"
run show --db "$W/old.db" https
expect_status 0 "show on a 1.0 snapshot"
expect_out_re "^  Contact +\[IETF_Chair\]$" "1.0 snapshot: raw contact"
run show --db "$W/csv.db" https
cp "$W/out" "$W/csv.show"
run show --db "$W/old.db" https
expect_same "$W/csv.show" "$W/out" "1.0 and 1.1 CSV snapshots show the same"

# ---- errors -------------------------------------------------------------------
printf '<registry>\n<record><name>x</nam></record></registry>\n' >"$W/bad.xml"
run compile "$W/bad.xml" -o "$W/bad.db"
expect_status 1 "malformed XML"
expect_err "$W/bad.xml:2:18: mismatched tag" "FILE:LINE:COL from expat"
[ ! -e "$W/bad.db" ] && pass || fail "a failed compile wrote its output"
printf '<registry><record><name>x</name><number>70000</number><protocol>tcp</protocol></record></registry>\n' >"$W/port.xml"
run compile "$W/port.xml" -o "$W/bad.db"
expect_status 1 "bad port in XML"
expect_err "$W/port.xml:1:33:" "the registry rule's error at the <number> element"
printf '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<registry><record><name>&b;</name></record></registry>\n' >"$W/laughs.xml"
run compile "$W/laughs.xml" -o "$W/bad.db"
expect_status 1 "entity declarations refused"
expect_err "document type declaration" "says why"
python3 -c "print('<registry><record><note>' + '<i>' * 100 + '</i>' * 100 + '</note></record></registry>')" >"$W/deep.xml"
run compile "$W/deep.xml" -o "$W/bad.db"
expect_status 1 "deep nesting refused"
expect_err "nested deeper than 32" "says why"
printf '<registry><people><person id="a"/><person id="a"/></people></registry>' >"$W/dup.xml"
run compile "$W/dup.xml" -o "$W/bad.db"
expect_status 1 "a person id twice"
expect_err "$W/dup.xml:1:35: a second <person id=\"a\">" "where the second one is"

finish
