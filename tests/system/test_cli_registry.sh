#!/bin/sh
# The nss-iana tool on the real IANA registry ($CSV, and the 2024 export
# beside it): compile summary, show 5443, export, stats, verify and the
# 2024 -> 2025 diff, each checked against tests/lib/cli_reference.py (Python's
# csv module and the registry rules written again) and, for the 2025 file
# whose SHA-256 the README of ../shared/iana/ publishes, its statistics.
set -u
. tests/lib/lib.sh
use_tool

CSV=${CSV:-../shared/iana/service-names-port-numbers.csv}
OLD_CSV=$(dirname "$CSV")/history/service-names-port-numbers-2024.csv
PUBLISHED_SHA256=c3d809155abce10a4c575899ebda46e928b3b13d32486fae8c77e1fa670d82d2
if [ ! -r "$CSV" ]; then
	skip "no registry CSV at $CSV"
fi

# "key=value ..." -> the value of one key.
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# The number before TEXT in the compile summary line.
summary_number() { sed -n "s/.* \([0-9][0-9]*\) $1.*/\1/p" "$W/summary"; }

# ---- compile ----------------------------------------------------------------
run compile "$CSV" -o "$W/services.db"
expect_status 0 "compile the registry"
cp "$W/out" "$W/summary"
reference=$($REFERENCE stats "$CSV")
for pair in "rows rows read" "entries entries served" "aliases aliases" \
	"ranges ranges" "no_name no name" "no_port no port" \
	"no_proto no protocol" "bad_name bad name"; do
	key=${pair%% *}
	text=${pair#* }
	expect_equal "$(summary_number "$text")" "$(field "$reference" "$key")" \
		"compile summary '$text' vs the reference"
done

if [ "$(sha256sum "$CSV" | cut -d' ' -f1)" = "$PUBLISHED_SHA256" ]; then
	# The README's table: 14474 rows; 11707 with name, port and protocol,
	# 3 of them ranges; 188 alias rows; 1703 without a name, 1048 without
	# a port, 16 without a protocol.
	expect_equal "$(summary_number 'rows read')" 14474 "README: rows"
	expect_equal "$(($(summary_number 'entries served') + $(summary_number aliases)))" \
		11707 "README: serving rows = entries + aliases"
	expect_equal "$(summary_number aliases)" 188 "README: alias rows"
	expect_equal "$(summary_number ranges)" 3 "README: ranges"
	expect_equal "$(summary_number 'no name')" 1703 "README: no name"
	expect_equal "$(summary_number 'no port')" 1048 "README: no port"
	expect_equal "$(summary_number 'no protocol')" 16 "README: no protocol"
	expect_equal "$(summary_number 'bad name')" 0 "README: bad names"
else
	echo "$0: $CSV is not the README's 2025 file; checked against the reference only"
fi

run compile "$CSV" -o "$W/services-again.db"
expect_same "$W/services.db" "$W/services-again.db" "compiling the registry twice"

run verify "$W/services.db"
expect_status 0 "verify the registry snapshot"
expect_out "ok, $(field "$reference" entries) entries, $(field "$reference" aliases) aliases" \
	"verify counts"

# ---- show 5443 (the issue's example) ----------------------------------------
run show --db "$W/services.db" 5443
expect_status 0 "show 5443"
expect_out_re '^spss +5443 +tcp +Pearson HTTPS$' "show 5443 tcp"
expect_out_re '^spss +5443 +udp +Pearson HTTPS$' "show 5443 udp"
expect_equal "$(grep -cE '^[^ ]+ +5443 ' "$W/out")" 2 "5443 has exactly two entries"
expect_out_re '^  Assignee +\[Pearson\]$' "show 5443 assignee"
run show --db "$W/services.db" --json 5443
python3 - "$W/out" <<'EOF' || fail "show --json 5443"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert [(e["name"], e["proto"], e["description"]) for e in d] == \
    [("spss", "tcp", "Pearson HTTPS"), ("spss", "udp", "Pearson HTTPS")], d
EOF
run show --db "$W/services.db" www
expect_out_re '^http +80 +tcp +www www-http ' "www is an alias of http/tcp"
run show --db "$W/services.db" 6010/tcp
expect_out_re '^x11 +6000-6063 +tcp ' "6010/tcp is x11"
run show --db "$W/services.db" http-alt/tcp
expect_equal "$(grep -cE '^http-alt +[0-9]+ +tcp ' "$W/out")" 3 "http-alt/tcp has three ports"

# ---- export -----------------------------------------------------------------
run export --db "$W/services.db" -o "$W/services"
expect_status 0 "export the registry"
grep -v '^#' "$W/services" >"$W/services.lines"
expect_equal "$(wc -l <"$W/services.lines")" "$(field "$reference" lines)" \
	"export line count = serving non-alias rows, ranges expanded"
$REFERENCE export "$CSV" >"$W/reference.services"
expect_same "$W/services.lines" "$W/reference.services" "export = the reference, line for line"

# ---- stats ------------------------------------------------------------------
run stats --db "$W/services.db"
expect_status 0 "stats"
expect_out_re "^Entries +$(field "$reference" entries)\$" "stats entries"
expect_out_re "^Aliases +$(field "$reference" aliases)\$" "stats aliases"
expect_out_re "^Rows read +$(field "$reference" rows)\$" "stats rows"
expect_out_re "^Size +$(wc -c <"$W/services.db") bytes\$" "stats size"
for proto in tcp udp sctp dccp; do
	count=$(awk -F'\t' -v p="$proto" '{ split($2, a, "/"); if (a[2] == p) n++ } END { print n + 0 }' "$W/reference.services")
	expect_out_re "^  $proto +[0-9]+ entries, $count ports\$" "stats $proto ports"
done

# ---- diff 2024 -> 2025 ------------------------------------------------------
if [ -r "$OLD_CSV" ]; then
	run diff "$OLD_CSV" "$CSV"
	expect_status 0 "diff 2024 2025"
	normalize_diff "$W/out" >"$W/diff.tool"
	$REFERENCE diff "$OLD_CSV" "$CSV" | LC_ALL=C sort >"$W/diff.reference"
	expect_same "$W/diff.tool" "$W/diff.reference" "diff 2024 -> 2025 = the reference"
	echo "$0: diff 2024 -> 2025: $(tail -n 2 "$W/out" | tr '\n' ' ')"
	echo "$0: byte for byte, the reference counts: $($REFERENCE diff --exact "$OLD_CSV" "$CSV" | tail -n 1)"
	run compile "$OLD_CSV" -o "$W/old.db"
	expect_status 0 "compile the 2024 registry (CRLF)"
	run diff "$W/old.db" "$W/services.db"
	normalize_diff "$W/out" >"$W/diff.snapshots"
	expect_same "$W/diff.snapshots" "$W/diff.tool" "diff of the snapshots = diff of the CSVs"
	run diff "$W/services.db" "$CSV"
	expect_equal "$(cat "$W/out")" "0 added, 0 removed, 0 changed" "a registry against itself"
else
	echo "$0: no $OLD_CSV: the 2024 -> 2025 diff is not checked"
fi

finish
