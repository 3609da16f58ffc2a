#!/bin/sh
# The tool's commands on the protocols database, with hand-written
# fixtures: compile's summary counts and errors, export --format protocols
# (tests/fixtures/protocols_small.export, written by hand from the two
# fixtures), show --protocol, stats, diff, and verify on every damage
# tests/proto_hostile makes (each with a true checksum, each refused for its
# own reason), and the fixture's good file accepted.
set -u
. tests/lib/lib.sh
use_tool
PCSV=$FIX/protocols_small.csv
PREF=$FIX/protocols_prefer.protocols

run compile --protocols "$PCSV" --prefer-protocols "$PREF" "$FIX/cli_small.csv" -o "$W/p.db"
expect_status 0 "compile --protocols --prefer-protocols"
expect_out "protocols: 14 rows read, 11 entries served after 16 from the preference file; skipped 1 ranges, 1 no keyword, 1 bad name" "compile summary"
run compile --protocols "$PCSV" "$FIX/cli_small.csv" -o "$W/r.db"
expect_status 0 "compile --protocols"
expect_out "protocols: 14 rows read, 11 entries served; skipped 1 ranges, 1 no keyword, 1 bad name" "compile summary without a file"
run compile "$FIX/cli_small.csv" -o "$W/s.db"
expect_status 0 "compile without protocols"
if grep -q protocols: "$W/out"; then fail "a summary without protocols mentions them"; else pass; fi

# Errors: a bad number, a missing column, a missing file, the file alone.
printf 'Decimal,Keyword\n1,ICMP\n2x,BAD\n' >"$W/bad.csv"
run compile --protocols "$W/bad.csv" "$FIX/cli_small.csv" -o "$W/x.db"
expect_status 1 "compile a bad protocol number"
expect_err "$W/bad.csv:3:1: bad protocol number \"2x\"" "bad number message"
run compile --protocols "$FIX/cli_small.csv" "$FIX/cli_small.csv" -o "$W/x.db"
expect_status 1 "compile the services CSV as protocols"
expect_err "no \"Decimal\" column" "wrong registry message"
run compile --protocols "$W/none.csv" "$FIX/cli_small.csv" -o "$W/x.db"
expect_status 1 "compile a missing protocols file"
expect_err "$W/none.csv: No such file or directory" "missing file message"
run compile --prefer-protocols "$PREF" "$FIX/cli_small.csv" -o "$W/x.db"
expect_status 1 "--prefer-protocols without --protocols"
expect_err "(--protocols)" "--prefer-protocols alone message"
[ ! -e "$W/x.db" ] && pass || fail "a failed compile left $W/x.db"

run export --db "$W/p.db" --format protocols
expect_status 0 "export --format protocols"
tail -n +3 "$W/out" >"$W/export"
expect_same "$W/export" "$FIX/protocols_small.export" "export --format protocols"
run export --db "$W/s.db" --format protocols
expect_status 1 "export protocols of a snapshot without them"
expect_err "has no protocols database" "export without protocols message"

run show --db "$W/p.db" --protocol ARGUS
expect_status 0 "show --protocol ARGUS"
expect_out "name: ArGuS" "show lists the file's entry"
expect_out "name: argus" "show lists the registry's entry"
expect_out "reference: [Robert_W_Scheifler]" "show the reference"
run show --db "$W/p.db" --protocol 124 --json
expect_status 0 "show --protocol 124 --json"
expect_out '[{"name":"isis","number":124,"aliases":["ISIS"],"from":"tests/fixtures/protocols_prefer.protocols"' "show --json, the file's entry first"
run show --db "$W/p.db" --protocol nope
expect_status 1 "show --protocol nope"

run stats --db "$W/p.db"
expect_status 0 "stats"
expect_out "Protocols database  27 entries, 22 aliases" "stats: entries"
expect_out "Protocols skipped   3: 1 ranges, 1 no keyword, 1 bad name" "stats: skipped"
expect_out "Protocols file      tests/fixtures/protocols_prefer.protocols" "stats: the file"
run stats --db "$W/s.db"
expect_out "Protocols database  none" "stats without protocols"

run diff "$W/r.db" "$W/p.db"
expect_status 0 "diff"
expect_out "added protocol ip 0" "diff: a file entry added"
expect_out "protocols: 16 added, 0 removed, 0 changed" "diff counts"
run diff "$W/s.db" "$W/s.db"
if grep -q protocols: "$W/out"; then fail "diff without protocols mentions them"; else pass; fi

# verify: the good file, then each damage refused for its own reason.
while read -r case pattern; do
	"$BUILD/tests/proto_hostile" "$case" "$W/$case.db" || { fail "$case: generator failed"; continue; }
	run verify "$W/$case.db"
	if [ "$case" = good ]; then
		expect_status 0 "verify $case"
		expect_out "protocols database of 27 entries" "verify $case"
		continue
	fi
	expect_status 1 "verify $case"
	expect_err "$pattern" "verify $case"
done <<'CASES'
good -
summary-reserved protocols summary: reserved field 0 is not zero
summary-count protocols summary: 12 + 16 entries, the table has 27
source-order the preference file's entries must come first
number-moved protocol number index: entry 16 is not under 1000
minor-one protocols sections in a format 1.1 file
entry-reserved a protocol entry has an unknown source
bad-name protocol entry 16: a name that is not a protocols(5) word
bucket-order protocol number index: bucket 0 not increasing
section-missing some protocols sections are missing
CASES
finish
