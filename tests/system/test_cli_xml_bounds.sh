#!/bin/sh
# What IANA's XML may cost is bounded by what is kept, not by its markup
# (compiler/xml.h): an element has at most 16 attributes, a document at
# most 16 namespace declarations and 100,000 people, expat's own memory is
# within 16 MiB (so a flood of distinct names is refused); and only IANA's
# namespace holds records.  The files are written by python3 here.
set -u
. tests/lib/lib.sh
use_tool

# xml FILE BODY-PYTHON-EXPR: a registry in IANA's namespace with one record
# (http 80/tcp), then the text the expression gives.
xml() {
	python3 - "$1" "$2" <<'PY'
import sys
body = eval(sys.argv[2])
with open(sys.argv[1], "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<registry xmlns="http://www.iana.org/assignments" id="x">\n'
            '<updated>2025-01-01</updated>\n'
            '<record><name>http</name><protocol>tcp</protocol><number>80</number></record>\n')
    f.write(body)
    f.write('</registry>\n')
PY
}

# ---- namespaces -----------------------------------------------------------------
xml "$W/ns.xml" "'<x:record xmlns:x=\"urn:evil\"><x:name>evil</x:name><x:protocol>tcp</x:protocol><x:number>666</x:number></x:record>\n<record xmlns=\"urn:other\"><name>other</name><protocol>tcp</protocol><number>667</number></record>\n<people><person id=\"Bob\"><name>Bob</name></person><x:person xmlns:x=\"urn:evil\" id=\"Eve\"><x:name>Eve</x:name></x:person></people>\n'"
run compile "$W/ns.xml" -o "$W/ns.db"
expect_status 0 "compile a registry with elements of other namespaces"
expect_out "1 entries served" "only the record in IANA's namespace is served"
expect_out "; 1 contacts" "only the person in IANA's namespace is a contact"
run show --db "$W/ns.db" evil
expect_status 1 "<x:record xmlns:x=\"urn:evil\"> is not a record"
run show --db "$W/ns.db" 667
expect_status 1 "<record xmlns=\"urn:other\"> is not a record"
run show --db "$W/ns.db" --contact Eve
expect_status 1 "show --contact of a person of another namespace"
expect_err "no contact Eve" "<x:person xmlns:x=\"urn:evil\"> is not a person"
# A registry in another namespace is not IANA's.
printf '<?xml version="1.0"?>\n<registry xmlns="urn:evil"><record><name>http</name><protocol>tcp</protocol><number>80</number></record></registry>\n' >"$W/evil-root.xml"
run compile "$W/evil-root.xml" -o "$W/x.db"
expect_status 1 "a <registry> of another namespace"
expect_err "not IANA's registry XML" "a <registry> of another namespace: said"

# ---- attributes and namespace declarations --------------------------------------
xml "$W/attrs.xml" "'<x ' + ' '.join('a%d=\"1\"' % i for i in range(17)) + '/>\n'"
run compile "$W/attrs.xml" -o "$W/x.db"
expect_status 1 "an element with 17 attributes"
expect_err "more than 16 attributes" "an element with 17 attributes: said"
xml "$W/attrs16.xml" "'<x ' + ' '.join('a%d=\"1\"' % i for i in range(16)) + '/>\n'"
run compile "$W/attrs16.xml" -o "$W/x.db"
expect_status 0 "an element with 16 attributes"
xml "$W/xmlns.xml" "''.join('<x xmlns:p%d=\"urn:x\"/>\n' % i for i in range(17))"
run compile "$W/xmlns.xml" -o "$W/x.db"
expect_status 1 "17 namespace declarations"
expect_err "more than 16 namespace declarations" "17 namespace declarations: said"
# A million namespace declarations in one start tag: expat's memory for
# the tag alone is over the budget, refused before any handler runs.
xml "$W/xmlns-flood.xml" "'<x ' + ' '.join('xmlns:a%d=\"u\"' % i for i in range(1000000)) + '/>\n'"
run compile "$W/xmlns-flood.xml" -o "$W/x.db"
expect_status 1 "a start tag of a million namespace declarations"
expect_err "the markup needs more than 16 MiB to parse" "a million namespace declarations: the budget said"
# Distinct element names are each kept by expat: a flood is refused.
xml "$W/names.xml" "''.join('<e%d/>\n' % i for i in range(400000))"
run compile "$W/names.xml" -o "$W/x.db"
expect_status 1 "400,000 distinct element names"
expect_err "the markup needs more than 16 MiB to parse" "400,000 distinct names: the budget said"

# ---- people ---------------------------------------------------------------------------
xml "$W/people.xml" "'<people>' + ''.join('<person id=\"%d\"/>' % i for i in range(100001)) + '</people>\n'"
run compile "$W/people.xml" -o "$W/x.db"
expect_status 1 "100,001 people"
expect_err "more than 100000 <person>s" "100,001 people: said"

# ---- markup that costs nothing is accepted -----------------------------------------
xml "$W/comments.xml" "'<!-- a comment -->\n' * 200000 + ' ' * 4000000 + '<x a=\"1\" b=\"2\"/>\n' * 100000"
run compile "$W/comments.xml" -o "$W/x.db"
expect_status 0 "comments, white space and small elements"
expect_out "1 entries served" "comments, white space and small elements: the record read"
finish
