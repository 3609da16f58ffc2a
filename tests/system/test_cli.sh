#!/bin/sh
# The nss-iana tool on small hand-written fixtures: every subcommand, its
# options, output and exit status, and the error paths.  The expected
# values were worked out by hand from tests/fixtures/cli_small*.csv (see
# the comments) and are also checked against tests/lib/cli_reference.py.
set -u
. tests/lib/lib.sh
use_tool

SMALL=$FIX/cli_small.csv   # 23 rows; see the counts below
SMALL2=$FIX/cli_small_v2.csv

# ---- help, version, usage errors ------------------------------------------
run --help
expect_status 0 "--help"
expect_out "Usage: nss-iana" "--help"
for command in compile show export verify stats diff update; do
	expect_out "  $command" "--help lists $command"
done
expect_no_err "--help"

for command in compile show export verify stats diff update; do
	run "$command" --help
	expect_status 0 "$command --help"
	expect_out "Usage: nss-iana $command" "$command --help"
	expect_no_err "$command --help"
done

for args in "" "frobnicate" "--bogus" "show" "show --bogus 80" "show 1 2" \
	"compile $SMALL" "compile" "compile $SMALL -o" "export --format json" \
	"export extra" "verify a b" "stats extra" "diff one" \
	"diff a b c" "update --url http://x --file y" "update extra"; do
	# shellcheck disable=SC2086 # split the arguments on purpose
	run $args
	expect_status 2 "usage error for '$args'"
	expect_no_out "usage error for '$args'"
	expect_err "Try 'nss-iana" "usage error for '$args'"
done

# ---- compile ----------------------------------------------------------------
# cli_small.csv: 23 rows.  Skipped: 2 without a name (Reserved 0/tcp,
# Unassigned 6500-6510), 1 without a port (nameonly), 1 without a protocol
# (noproto), 1 bad name ("Bad Name (Spaces)").  18 serve; 4 are resolved
# alias rows (www and www-http on 80/tcp, www on 80/udp, 914c/g); sql*net
# names a missing target, so it is served on its own: 14 entries, 1 range.
run compile "$SMALL" -o "$W/small.db"
expect_status 0 "compile fixture"
expect_no_err "compile fixture"
expect_equal "$(wc -l <"$W/out")" 1 "compile prints one line"
for figure in "23 rows read" "14 entries served" "4 aliases" "1 ranges" \
	"2 no name" "1 no port" "1 no protocol" "1 bad name" \
	"1 alias rows without a target"; do
	expect_out "$figure" "compile summary"
done
# The same counts from the independent reading.
expect_equal "$($REFERENCE stats "$SMALL")" \
	"aliases=4 bad_name=1 entries=14 lines=17 no_name=2 no_port=1 no_proto=1 ranges=1 rows=23 unresolved=1" \
	"reference counts of the fixture"

run compile "$SMALL" -o "$W/small-again.db"
expect_status 0 "compile again"
expect_same "$W/small.db" "$W/small-again.db" "compile is deterministic"

run compile "$SMALL2" --output="$W/small2.db"
expect_status 0 "compile CRLF fixture"

# A malformed port on physical line 5 (line 3 holds a two-line field),
# column 5: the error, exit 1, and the old output byte for byte.
cp "$W/small.db" "$W/keep.db"
cp "$W/small.db" "$W/keep.orig"
run compile "$FIX/cli_bad_port.csv" -o "$W/keep.db"
expect_status 1 "compile malformed port"
expect_err "$FIX/cli_bad_port.csv:5:5: malformed port" "compile error position"
expect_no_out "compile malformed port"
expect_same "$W/keep.db" "$W/keep.orig" "failed compile leaves the output untouched"
leftovers=$(find "$W" -name 'keep.db?*' | wc -l)
expect_equal "$leftovers" 0 "failed compile leaves no temporary file"

run compile "$FIX/cli_no_port_column.csv" -o "$W/keep.db"
expect_status 1 "compile without a Port Number column"
expect_err "$FIX/cli_no_port_column.csv:1:" "missing column reported on line 1"
expect_same "$W/keep.db" "$W/keep.orig" "failed compile leaves the output untouched (2)"

run compile "$W/no-such.csv" -o "$W/x.db"
expect_status 1 "compile a missing CSV"
expect_err "no-such.csv" "missing CSV named"
if [ -e "$W/x.db" ]; then fail "compile of a missing CSV created its output"; else pass; fi

run compile "$SMALL" -o "$W/no-such-dir/x.db"
expect_status 1 "compile into a missing directory"

# ---- verify -----------------------------------------------------------------
run verify "$W/small.db"
expect_status 0 "verify good snapshot"
expect_out "$W/small.db: ok, 14 entries, 4 aliases" "verify summary"
expect_out "registry updated unknown, newest record 2024-12-20, format" "verify names each date for what it is"
# Without FILE, the snapshot show and stats read: $NSS_IANA_DB, else the
# built-in path.
NSS_IANA_DB="$W/small.db" "$TOOL" verify >"$W/out" 2>"$W/err"
status=$?
expect_status 0 "verify with NSS_IANA_DB"
expect_out "$W/small.db: ok, 14 entries, 4 aliases" "verify without FILE checks \$NSS_IANA_DB"
env -u NSS_IANA_DB "$TOOL" verify >"$W/out" 2>"$W/err"
status=$?
if [ -e /var/lib/nss-iana/services.db ]; then pass; else
	expect_status 1 "verify without FILE or NSS_IANA_DB, nothing installed"
	expect_err "/var/lib/nss-iana/services.db" "verify without FILE names the installed path"
fi

# One byte of a description changed: only the checksum can tell.
offset=$(grep -abo 'Pearson HTTPS' "$W/small.db" | head -n 1 | cut -d: -f1)
cp "$W/small.db" "$W/flipped.db"
printf 'Q' | dd of="$W/flipped.db" bs=1 seek="$offset" conv=notrunc 2>/dev/null
run verify "$W/flipped.db"
expect_status 1 "verify flipped byte"
expect_err "checksum" "verify names the checksum"
expect_no_out "verify flipped byte"

head -c 200 "$W/small.db" >"$W/truncated.db"
run verify "$W/truncated.db"
expect_status 1 "verify truncated snapshot"
run verify "$SMALL"
expect_status 1 "verify a CSV"
run verify "$W/no-such.db"
expect_status 1 "verify a missing file"

# Entry 0's metadata record moved to the pool's last byte, checksum
# recomputed: the format checks and the checksum pass, the record check
# must not.  Layout from snapshot_format.h, read independently here.
python3 - "$W/small.db" "$W/badmeta.db" <<'EOF'
import struct, sys, zlib
data = bytearray(open(sys.argv[1], "rb").read())
header_size, _, count = struct.unpack_from("<III", data, 12)
sections = {}
for i in range(count):
    sid, off, size, _ = struct.unpack_from("<IIII", data, header_size + 16 * i)
    sections[sid] = (off, size)
strings_off, strings_size = sections[1]
entries_off, _ = sections[3]
struct.pack_into("<I", data, entries_off + 4, strings_size - 1)  # entry 0 .meta
struct.pack_into("<I", data, 24, 0)
struct.pack_into("<I", data, 24, zlib.crc32(bytes(data)) & 0xffffffff)
open(sys.argv[2], "wb").write(data)
EOF
run verify "$W/badmeta.db"
expect_status 1 "verify a metadata record past the pool"
expect_err "metadata record" "verify names the metadata record"
run show --db "$W/badmeta.db" echo
expect_status 1 "show refuses an out-of-bounds metadata record"
expect_err "corrupt" "show says the snapshot is corrupt"

# ---- show -------------------------------------------------------------------
run show --db "$W/small.db" 5443
expect_status 0 "show 5443"
expect_out_re '^spss +5443 +tcp +Pearson HTTPS$' "show 5443 tcp row"
expect_out_re '^spss +5443 +udp +Pearson HTTPS$' "show 5443 udp row"
expect_out_re '^spss 5443/tcp$' "show 5443 tcp details"
expect_out_re '^spss 5443/udp$' "show 5443 udp details"
expect_out_re '^  Assignee +\[Pearson\]$' "show assignee"
expect_out_re '^  Registered +2008-01-17$' "show registration date"
expect_no_err "show 5443"

# The default snapshot: --db, else $NSS_IANA_DB, else the built-in path.
NSS_IANA_DB="$W/small.db" "$TOOL" show 5443 >"$W/out" 2>"$W/err"
status=$?
expect_status 0 "show with NSS_IANA_DB"
expect_out "Pearson HTTPS" "show with NSS_IANA_DB"
NSS_IANA_DB="$W/no-such.db" "$TOOL" show --db "$W/small.db" 5443 >"$W/out" 2>"$W/err"
status=$?
expect_status 0 "--db overrides NSS_IANA_DB"
NSS_IANA_DB="$W/no-such.db" "$TOOL" show 5443 >"$W/out" 2>"$W/err"
status=$?
expect_status 1 "show with a missing snapshot"
expect_err "no-such.db" "missing snapshot named"

# Names and aliases, exact or ignoring case; every match is listed.
run show --db "$W/small.db" www
expect_status 0 "show www"
expect_out_re '^http +80 +tcp +www www-http +World Wide Web HTTP$' "www finds http/tcp"
expect_out_re '^http +80 +udp +www +World Wide Web HTTP$' "www finds http/udp"
expect_out_re '^  Aliases +www www-http$' "aliases in the details"
run show --db "$W/small.db" WWW-HTTP
expect_status 0 "show WWW-HTTP"
expect_equal "$(grep -cE '^http +[0-9]+ ' "$W/out")" 1 "WWW-HTTP is only on tcp"
run show --db "$W/small.db" HTTP-ALT
expect_status 0 "show HTTP-ALT"
expect_out_re '^http-alt +591 +tcp' "http-alt 591"
expect_out_re '^http-alt +8080 +tcp' "http-alt 8080"
run show --db "$W/small.db" 6002/tcp
expect_status 0 "show a port inside a range"
expect_out_re '^x11 +6000-6003 +tcp' "6002/tcp is x11"
# The value column is 20; the value's own two-space indent follows.
expect_out_re '^                      second line, indented$' "multi-line value indented"
run show --db "$W/small.db" 6002/udp
expect_status 1 "show 6002/udp: no match"
expect_no_out "show with no match"
expect_err "no entry" "no match message"
run show --db "$W/small.db" 80/udp
expect_status 0 "show 80/udp"
expect_equal "$(grep -cE '^http +[0-9]+ ' "$W/out")" 1 "80/udp is one entry"
run show --db "$W/small.db" 914c/g
expect_status 0 "show a name with a slash"
expect_out_re '^914c-g +211 +tcp +914c/g ' "914c/g is an alias of 914c-g"
run show --db "$W/small.db" echo/UDP
expect_status 0 "show NAME/PROTO"
expect_equal "$(grep -cE '^echo +[0-9]+ ' "$W/out")" 1 "echo/UDP is one entry"
run show --db "$W/small.db" 'sql*net'
expect_status 0 "an alias without a target is an entry"
for missing in nameonly noproto 'Bad Name (Spaces)' 4321 66/udp; do
	run show --db "$W/small.db" "$missing"
	expect_status 1 "show $missing: not served"
done
for query in 70000 99999999999 80/; do
	run show --db "$W/small.db" "$query"
	expect_status 2 "show $query: not a port query"
done

# --json: valid JSON with every field, text exact (quotes, line breaks,
# non-ASCII), checked by Python's json module.
run show --db "$W/small.db" --json 80
expect_status 0 "show --json 80"
python3 - "$W/out" <<'EOF' || fail "show --json 80 content"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert [(e["name"], e["port"], e["port_last"], e["proto"]) for e in d] == \
    [("http", 80, 80, "tcp"), ("http", 80, 80, "udp")], d
assert [a["name"] for a in d[0]["aliases"]] == ["www", "www-http"]
assert [a["name"] for a in d[1]["aliases"]] == ["www"]
assert d[0]["aliases"][0]["notes"].startswith('This is a duplicate of the "http" service')
e = d[0]
assert e["description"] == "World Wide Web HTTP"
assert e["assignee"] == "[IESG]" and e["contact"] == "[IETF_Chair]"
assert e["registration_date"] == "" and e["modification_date"] == "2021-10-01"
assert e["reference"] == "[RFC9110]" and e["service_code"] == ""
assert e["unauthorized_use"] == ""
assert e["notes"] == "Defined TXT keys: u=<username> p=<password> path=<path to document>"
EOF
run show --db "$W/small.db" --json x11
python3 - "$W/out" <<'EOF' || fail "show --json x11 content"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert len(d) == 1 and d[0]["port"] == 6000 and d[0]["port_last"] == 6003
assert d[0]["description"] == 'X Window System, "display" ports\n  second line, indented'
assert d[0]["unauthorized_use"] == "Known UNAUTHORIZED USE: 6000"
assert d[0]["aliases"] == []
EOF
run show --db "$W/small.db" --json xadmin
python3 - "$W/out" <<'EOF' || fail "show --json keeps UTF-8 text"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d[0]["contact"] == "[Ari\u221a\u00b4n Huisken <xadmin&huisken-systems.nl> 15 June 2009]", d
EOF
run show --db "$W/small.db" --json 5004/dccp
python3 - "$W/out" <<'EOF' || fail "show --json service code"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d[0]["service_code"] == "SC1" and d[0]["reference"] == "[RFC5762]", d
EOF
run show --db "$W/small.db" --json nothing-here
expect_status 1 "show --json with no match"
expect_no_out "show --json with no match"

# ---- export -----------------------------------------------------------------
run export --db "$W/small.db"
expect_status 0 "export"
grep -v '^#' "$W/out" >"$W/exported"
expect_same "$W/exported" "$FIX/cli_small.services" "export matches the hand-written services file"
$REFERENCE export "$SMALL" >"$W/reference.services"
expect_same "$W/exported" "$W/reference.services" "export matches the reference"
cp "$W/out" "$W/export.stdout"
run export --db "$W/small.db" --format services -o "$W/services"
expect_status 0 "export -o"
expect_no_out "export -o"
expect_same "$W/services" "$W/export.stdout" "export -o writes what stdout shows"
run export --db "$W/no-such.db"
expect_status 1 "export a missing snapshot"

# ---- stats ------------------------------------------------------------------
# tcp: echo http spss x11 xadmin 914c-g http-alt(2) MOS-soap sql*net = 10.
run stats --db "$W/small.db"
expect_status 0 "stats"
expect_out_re '^Entries +14$' "stats entries"
expect_out_re '^Aliases +4$' "stats aliases"
expect_out_re '^Ranges +1 \(4 ports\)$' "stats ranges"
# A CSV has no date of its own: the newest record's is labelled as such.
expect_out_re '^Registry updated +unknown \(only IANA.s XML carries it\)$' "stats: a CSV's registry date unknown"
expect_out_re '^Newest record date +2024-12-20$' "stats newest record date"
expect_out_re '^Rows read +23$' "stats rows read"
expect_out_re "^Size +$(wc -c <"$W/small.db") bytes$" "stats size"
expect_out_re '^  tcp +10 entries, 13 ports$' "stats tcp"
expect_out_re '^  udp +3 entries, 3 ports$' "stats udp"
expect_out_re '^  dccp +1 entries, 1 ports$' "stats dccp"
expect_out "2 no name, 1 no port, 1 no protocol, 1 bad name" "stats skipped"

run --version
expect_status 0 "--version"
expect_out_re '^nss-iana [0-9]+\.[0-9]+' "--version line"
NSS_IANA_DB="$W/small.db" "$TOOL" --version >"$W/out" 2>"$W/err"
expect_out "registry 2024-12-20" "--version shows the registry date"

# ---- diff -------------------------------------------------------------------
# v2: dccpsvc removed, newsvc tcp+udp added, spss/udp description and
# modification date changed, www-http dropped from http/tcp, x11 widened
# to 6000-6005 (a new key: one removed, one added), and http-alt 8080's
# description broken over two lines: the same words, so not a change.
run diff "$SMALL" "$SMALL2"
expect_status 0 "diff CSVs"
normalize_diff "$W/out" >"$W/diff.csv"
LC_ALL=C sort "$FIX/cli_small_v2.diff" >"$W/diff.expected"
expect_same "$W/diff.csv" "$W/diff.expected" "diff of the fixtures"
$REFERENCE diff "$SMALL" "$SMALL2" | LC_ALL=C sort >"$W/diff.reference"
expect_same "$W/diff.csv" "$W/diff.reference" "diff matches the reference"
expect_equal "$(tail -n 1 "$W/out")" "3 added, 2 removed, 2 changed" "diff count line last"
# The white-space-only change is counted, not listed; the reference's
# --exact mode proves the fixture really has one.
expect_out "1 more differ only in white space" "diff counts the white-space change"
if grep -q 'http-alt' "$W/out"; then fail "a white-space-only change was listed"; else pass; fi
expect_equal "$($REFERENCE diff --exact "$SMALL" "$SMALL2" | tail -n 1)" \
	"3 added, 2 removed, 3 changed" "the fixture has a white-space-only change"
run diff "$W/small.db" "$W/small2.db"
normalize_diff "$W/out" >"$W/diff.db"
expect_same "$W/diff.db" "$W/diff.csv" "diff of snapshots = diff of CSVs"
run diff "$W/small.db" "$SMALL2"
normalize_diff "$W/out" >"$W/diff.mixed"
expect_same "$W/diff.mixed" "$W/diff.csv" "diff of a snapshot and a CSV"
run diff "$W/small.db" "$SMALL"
expect_status 0 "diff of equal registries"
expect_equal "$(cat "$W/out")" "0 added, 0 removed, 0 changed" "nothing differs"
run diff "$W/small.db" "$FIX/cli_bad_port.csv"
expect_status 1 "diff with a bad CSV"
expect_err "cli_bad_port.csv:5:5:" "diff reports the CSV error"
run diff "$W/no-such.db" "$W/small.db"
expect_status 1 "diff with a missing file"

finish
