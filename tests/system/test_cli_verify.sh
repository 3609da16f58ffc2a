#!/bin/sh
# nss-iana verify on snapshots made by tests/hostile_snapshot.c, a writer
# independent of the compiler's: it accepts the sound ones (also those
# exactly at a format limit) and rejects, for its own reason, each file the
# compiler would never write: past a limit, overlapping sections, unknown
# sections, nonzero reserved fields, names that are not services(5) tokens,
# and every record, index or count that is wrong.  Each file carries a
# true checksum, so no rejection is the checksum's doing unless it says so.
set -u
. tests/lib/lib.sh
use_tool
GENERATE=$BUILD/tests/hostile_snapshot
[ -x "$GENERATE" ] || fatal "$GENERATE is not built"

# case, expected exit status, extended regex the message must match ('-': none)
while read -r case want pattern; do
	"$GENERATE" "$case" "$W/$case.db" || { fail "$case: generator failed"; continue; }
	run verify "$W/$case.db"
	expect_status "$want" "verify $case"
	if [ "$want" -eq 0 ]; then
		expect_out "$W/$case.db: ok" "verify $case"
	elif grep -qE -e "$pattern" "$W/err"; then
		pass
	else
		fail "verify $case: stderr does not match /$pattern/: $(head -c 300 "$W/err")"
	fi
	rm -f "$W/$case.db"
done <<'CASES'
good 0 -
good-tail 0 -
bucket-at 0 -
aliases-at 0 -
answer-below 0 -
bucket-flood 1 aliases
alias-bomb 1 65535 aliases, past the limit of 32
range-bomb 1 servents in a walk, past the limit
bucket-over 1 bucket 0 lists 65 entries, past the limit of 64
aliases-over 1 33 aliases, past the limit of 32
answer-above 1 an answer of [0-9]+ bytes, past the limit of 4096
sparse-3g 1 past the limit of 16777216|too large
over-max-size 1 past the limit of 16777216|too large
overlap-sections 1 section PORT_REFS overlaps section NAME_REFS
overlap-header 1 section STRINGS overlaps the header
overlap-table 1 the section table overlaps section STRINGS
unknown-section 1 9 sections, the compiler writes exactly 8|unknown section
duplicate-section 1 sections|twice
section-flood 1 not a valid snapshot: more sections than the format's limit of 64
sections-at 1 64 sections, the compiler writes 8 to 18
reserved-header 1 header reserved field 0 is not zero
reserved-section 1 section PROTOCOLS: reserved field is not zero
reserved-entry 1 entry 0: unknown flags 0x80
checksum 1 checksum mismatch
counts 1 counts disagree
name-control 1 entry 4: name is not a services\(5\) token
name-rlo 1 entry 4: name is not a services\(5\) token
name-space 1 entry 4: name is not a services\(5\) token
name-tab 1 entry 4: name is not a services\(5\) token
name-hash 1 entry 4: name is not a services\(5\) token
name-utf8 1 entry 4: name is not a services\(5\) token
name-empty 1 entry 4: name is not a services\(5\) token
alias-rlo 1 alias 2: name is not a services\(5\) token
alias-space 1 alias 2: name is not a services\(5\) token
proto-space 1 protocol 2: not a services\(5\) token
port-reversed 1 entry
proto-index-out 1 entry
name-offset-out 1 entry
meta-offset-out 1 entry
meta-unterminated 1 metadata record
alias-run-out 1 entry|alias
alias-shared 1 alias
alias-name-out 1 alias
protocol-name-out 1 protocol
ref-out 1 refers to an entry|ref
bucket-decreases 1 buckets decrease
bucket-order 1 port index: bucket 0 not increasing
bucket-missing 1 port index
refs-uncovered 1 do not cover the refs
CASES

# Every case the generator knows is listed above: a new one needs a verdict.
listed=$(sed -n '/^while read/,/^CASES$/p' "$0" | grep -cE '^[a-z0-9-]+ [01] ')
known=$("$GENERATE" --list | wc -l)
expect_equal "$listed" "$known" "cases listed in $0 against the generator's"

# The shared registry, compiled by the tool, is what the compiler writes.
"$TOOL" compile "${CSV:-../shared/iana/service-names-port-numbers.csv}" -o "$W/registry.db" >/dev/null 2>&1 || fail "compile the registry"
run verify "$W/registry.db"
expect_status 0 "verify the compiled registry"

finish
