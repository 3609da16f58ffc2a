#!/bin/sh
# Registry text the tool prints for people is safe for a terminal: show
# (table, details, --contact) and stats write the control bytes a terminal
# obeys (ESC, BEL, DEL, C1 controls) and the characters that reorder or hide
# text (U+202E and the like) as visible escapes, "\x1b" or "<U+202E>", and
# everything else as it is: UTF-8 letters, tabs, the registry's line breaks
# and indentation.  So do error messages, and the file names in summary
# lines and update's messages.  The registries here are written by printf in the test.
set -u
. tests/lib/lib.sh
use_tool

ESC=$(printf '\033')
BEL=$(printf '\007')
DEL=$(printf '\177')
RLO=$(printf '\342\200\256')  # U+202E RIGHT-TO-LEFT OVERRIDE
CSI8=$(printf '\302\233')     # U+009B, the C1 control CSI
CAFE=$(printf 'Caf\303\251')  # an ordinary UTF-8 letter

# lacks_raw FILE WHAT: not one byte sequence a terminal would obey.
lacks_raw() {
	for raw in "$ESC" "$BEL" "$DEL" "$RLO" "$CSI8"; do
		if LC_ALL=C grep -qF -e "$raw" "$1"; then
			fail "$2: raw control $(printf '%s' "$raw" | od -An -tx1 | tr -d ' ') in the output"
		else
			pass
		fi
	done
}

# has_line FILE LINE WHAT: LINE is one whole line of FILE.
has_line() {
	if LC_ALL=C grep -qxF -e "$2" "$1"; then pass; else
		fail "$3: no line '$2'; output: $(head -c 600 "$1")"
	fi
}

HEADER='Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes'
{
	printf '%s\n' "$HEADER"
	printf 'evil,4242,tcp,"%s \033[31mred\033[0m bell\007 del\177 \342\200\256desrever",' "$CAFE"
	printf '[Eve\033]2;owned\007],[Eve],2020-01-01,,[RFC0],,,"first line\n  second \302\233line\twith tab"\n'
	printf 'tame,4243,tcp,Plain,[Eve],[Eve],2020-01-01,,[RFC0],,,\n'
} >"$W/evil.csv"
run compile "$W/evil.csv" -o "$W/evil.db"
expect_status 0 "compile the crafted CSV"

# ---- show, text ---------------------------------------------------------------
run show --db "$W/evil.db" evil
expect_status 0 "show evil"
lacks_raw "$W/out" "show evil"
expect_out '\x1b[31mred\x1b[0m bell\x07 del\x7f <U+202E>desrever' "show evil: the description's controls escaped"
has_line "$W/out" "  Description       $CAFE \\x1b[31mred\\x1b[0m bell\\x07 del\\x7f <U+202E>desrever" \
	"show evil: the letters kept, the controls escaped"
has_line "$W/out" '  Assignee          [Eve\x1b]2;owned\x07]' "show evil: the assignee's controls escaped"
has_line "$W/out" '  Notes             first line' "show evil: the first line of a two-line field"
has_line "$W/out" "                      second <U+009B>line	with tab" \
	"show evil: the second line indented as in the registry, the tab kept, U+009B escaped"
# The table's DESCRIPTION column: the first line, escaped the same way.
expect_out_re '^evil +4242 +tcp +Caf.+ \\x1b\[31mred' "show evil: the table's description escaped"

# The JSON is for programs: its own escapes, the text as the registry has it.
run show --db "$W/evil.db" --json evil
expect_status 0 "show --json evil"
expect_out '"[Eve\u001b]2;owned\u0007]"' "show --json keeps JSON's escapes"
# ... but what the table view escapes, the JSON escapes too, as \uXXXX:
# the C1 controls (U+009B CSI, U+0085 NEL), the direction controls
# (U+202E, U+2066) and U+2028, which a terminal or an editor obeys.
lacks_raw "$W/out" "show --json evil"
expect_out '\u202edesrever' "show --json escapes U+202E"
expect_out 'second \u009bline\twith tab' "show --json escapes U+009B"
{
	printf '%s\n' "$HEADER"
	printf 'json,4244,tcp,"a\342\201\246b\342\200\250c\302\205d",[Eve],[Eve],2020-01-01,,[RFC0],,,\n'
} >"$W/json.csv"
run compile "$W/json.csv" -o "$W/json.db"
expect_status 0 "compile the CSV with U+2066, U+2028 and U+0085"
run show --db "$W/json.db" --json json
expect_status 0 "show --json json"
expect_out '"a\u2066b\u2028c\u0085d"' "show --json escapes U+2066, U+2028 and U+0085"

# show --contact: the text output escapes the ID it is given too ("Eve"
# and ESC, the first bracketed group of evil's Assignee).
run show --db "$W/evil.db" --contact "$(printf 'Eve\033')"
expect_status 0 "show --contact with a control in the ID"
lacks_raw "$W/out" "show --contact"
has_line "$W/out" 'Eve\x1b' "show --contact: the ID escaped"
expect_out_re '^evil +4242 +tcp +assignee$' "show --contact: the service it holds"

# diff names only entries and fields, and names are services(5) tokens.
run diff "$W/evil.db" "$FIX/cli_small.csv"
expect_status 0 "diff the crafted snapshot"
lacks_raw "$W/out" "diff"

# ---- names the user gives, in messages and summaries ----------------------
# Arguments, file names and a snapshot's date come back escaped the same
# way, on standard error and in the one-line summaries alike.
EVIL_NAME="$W/a${ESC}]2;owned${BEL}b"
run show --db "$W/evil.db" "x${ESC}[31m"
expect_status 1 "show an unknown name with a control in it"
lacks_raw "$W/err" "show's error message"
expect_err 'no entry for x\x1b[31m' "show's error message: the name escaped"
run compile "$EVIL_NAME.csv" -o "$W/out.db"
expect_status 1 "compile a missing file whose name has controls"
lacks_raw "$W/err" "compile's error message"
expect_err 'a\x1b]2;owned\x07b.csv' "compile's error message: the file name escaped"
run diff "$EVIL_NAME.db" "$W/evil.db"
expect_status 1 "diff a missing file whose name has controls"
lacks_raw "$W/err" "diff's error message"
run "sub${ESC}[2J"
expect_status 2 "a command name with controls"
lacks_raw "$W/err" "the unknown command message"
cp "$W/evil.db" "$EVIL_NAME.db"
run compile "$W/evil.csv" -o "$EVIL_NAME.db"
expect_status 0 "compile to a file name with controls"
lacks_raw "$W/out" "compile's summary"
expect_out 'compiled '"$W"'/a\x1b]2;owned\x07b.db: ' "compile's summary: the file name escaped"
run verify "$EVIL_NAME.db"
expect_status 0 "verify a file name with controls"
lacks_raw "$W/out" "verify's summary"
run stats --db "$EVIL_NAME.db"
expect_status 0 "stats of a file name with controls"
lacks_raw "$W/out" "stats"
rm -f "$EVIL_NAME.db"
run update --force --db "$EVIL_NAME.db" --file "$W/evil.csv"
expect_status 0 "update into a file name with controls"
lacks_raw "$W/out" "update's messages"
expect_out 'installed '"$W"'/a\x1b]2;owned\x07b.db: registry' "update's messages: the file name escaped"
rm -f "$EVIL_NAME.db" "$EVIL_NAME.db.download"

# ---- the contact table of an XML --------------------------------------------
cat >"$W/evil.xml" <<'EOF'
<?xml version='1.0' encoding='UTF-8'?>
<registry xmlns="http://www.iana.org/assignments" id="service-names-port-numbers">
  <updated>2025-04-07</updated>
  <record updated="2021-10-01">
    <name>evil</name>
    <protocol>tcp</protocol>
    <assignee><xref type="person" data="Eve"/></assignee>
    <description>d</description>
    <number>4242</number>
    <xref type="person" data="Eve"/>
  </record>
  <people>
    <person id="Eve">
      <name>Eve &#x202E;evE</name>
      <org>Org &#x9B;1m</org>
      <uri>mailto:eve&#x200B;@example.org</uri>
      <updated>2017-03-17</updated>
    </person>
  </people>
</registry>
EOF
run compile "$W/evil.xml" -o "$W/evil-xml.db"
expect_status 0 "compile the crafted XML"
run show --db "$W/evil-xml.db" evil
expect_status 0 "show evil from the XML"
lacks_raw "$W/out" "show evil from the XML"
has_line "$W/out" '  Assignee          [Eve] Eve <U+202E>evE, Org <U+009B>1m <mailto:eve<U+200B>@example.org>' \
	"show evil from the XML: the person's name, org and URI escaped"
run show --db "$W/evil-xml.db" --contact Eve
expect_status 0 "show --contact Eve"
lacks_raw "$W/out" "show --contact Eve"
has_line "$W/out" '  Name              Eve <U+202E>evE' "show --contact: the name escaped"

# ---- the shared registry: show https as it was --------------------------------
# An independent reading (Python's csv) of every https row with a port (the
# rows served): each line of each field is printed as it is, and nothing
# was escaped.
run compile "$CSV" -o "$W/registry.db"
expect_status 0 "compile the shared registry"
run show --db "$W/registry.db" https
expect_status 0 "show https"
if python3 - "$CSV" "$W/out" <<'EOF'; then pass; else fail "show https differs from the registry's text"; fi
import csv, sys
out = open(sys.argv[2], encoding="utf-8").read()
lines = set(line.strip() for line in out.split("\n"))
missing = []
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    rows = [r for r in csv.DictReader(f) if r["Service Name"] == "https" and r["Port Number"]]
if len(rows) < 3:
    missing.append("fewer than 3 https rows in the registry")
for r in rows:
    for key in ("Description", "Assignee", "Contact", "Reference", "Modification Date"):
        for part in r[key].split("\n"):
            if part.strip() and not any(l.endswith(part.strip()) for l in lines):
                missing.append(part)
if "\\x" in out or "<U+" in out:
    missing.append("an escape in the output")
if missing:
    print("show https lacks: %r" % missing, file=sys.stderr)
    sys.exit(1)
EOF
[ "$(wc -l <"$W/out")" -ge 20 ] && pass || fail "show https printed $(wc -l <"$W/out") lines"

finish
