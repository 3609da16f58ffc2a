#!/bin/sh
# The man pages: nss-iana(1) and libnss_iana(8) format without a single
# groff warning, render with `man -l`, have a NAME line that whatis/apropos
# can index, and document what the tool and the module really do: every
# command and every long option the built tool's --help lists, its exit
# statuses, and the snapshot path it was built with.
#
# Environment: BUILD (where nss-iana was built; the cross-checks against
# the tool are skipped, with a note, if it is not there).
set -u
. tests/lib/lib.sh

command -v groff >/dev/null 2>&1 || skip "groff is not installed"
command -v man >/dev/null 2>&1 || skip "man (man-db) is not installed"

tmp=$(mktemp -d) || fatal "mktemp"
trap 'rm -rf "$tmp"' EXIT

pages="man/nss-iana.1 man/libnss_iana.8"
for page in $pages; do
	[ -f "$page" ] || { fail "$page is missing"; continue; }
	# -ww: every warning groff has; -z: format, discard the output.
	groff -ww -z -man "$page" >"$tmp/groff.out" 2>&1 ||
		fail "$page: groff exits non-zero"
	[ -s "$tmp/groff.out" ] && { fail "$page: groff warnings:"; cat "$tmp/groff.out" >&2; }

	# What a reader gets, at two terminal widths; man-db shows groff's
	# warnings (such as a line it cannot adjust) on standard error.
	for width in 80 64; do
		MANWIDTH=$width MAN_KEEP_FORMATTING= man --warnings=w -l "$page" \
			>"$tmp/page.txt" 2>"$tmp/man.err" </dev/null ||
			fail "$page: man -l exits non-zero at width $width"
		[ -s "$tmp/man.err" ] &&
			{ fail "$page: man -l at width $width says:"; cat "$tmp/man.err" >&2; }
		[ "$(wc -l <"$tmp/page.txt")" -gt 50 ] ||
			fail "$page: man -l rendered almost nothing at width $width"
	done

	# The NAME line apropos and whatis use.
	name=$(basename "$page" | sed 's/\.[0-9]$//')
	lexgrog "$page" 2>/dev/null | grep -q "\"$name - " ||
		fail "$page: lexgrog cannot parse its NAME section"
done

# Plain text of a page, for the content checks.
render() { MANWIDTH=200 man -l "$1" 2>/dev/null | col -bx; }
render man/nss-iana.1 >"$tmp/tool.txt"
render man/libnss_iana.8 >"$tmp/module.txt"

has_section() {
	grep -q "^$2\$" "$1" || fail "$(basename "$1" .txt) page: no $2 section"
}
for section in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" \
	ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
	has_section "$tmp/tool.txt" "$section"
done
for section in NAME SYNOPSIS DESCRIPTION CONFIGURATION SEMANTICS \
	"RETURN STATUS" NSCD ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
	has_section "$tmp/module.txt" "$section"
done

# What issue 5 asks libnss_iana(8) to cover, each by a phrase it must hold.
while IFS='|' read -r what pattern; do
	grep -Eq -- "$pattern" "$tmp/module.txt" || fail "libnss_iana(8) does not cover $what"
done <<'EOF'
nsswitch.conf usage|services: +iana files
the snapshot path|/var/lib/nss-iana/services\.db
the NSS_IANA_DB rule|NSS_IANA_DB.*secure_getenv|secure_getenv.*NSS_IANA_DB
the set-user-ID exception|set-user-ID
reload behaviour|replaced by rename\(2\)
in-place changes|SIGBUS
port ranges|6010/tcp
aliases|http 80/tcp www www-http
case|ASCII case-insensitive
UNAVAIL fallback|UNAVAIL
ERANGE|ERANGE
nscd invalidation|nscd -i services
EOF

# The exit statuses of nss-iana(1).
sed -n '/^EXIT STATUS$/,/^ENVIRONMENT$/p' "$tmp/tool.txt" >"$tmp/exit.txt"
for status in 0 1 2; do
	grep -Eq "^ +$status +[A-Z]" "$tmp/exit.txt" || fail "nss-iana(1) does not document exit status $status"
done

# Against the tool itself: every command and every long option it offers
# is in the page, and the default snapshot path is the one it was built with.
tool=$BUILD/nss-iana
if [ -x "$tool" ]; then
	"$tool" --help >"$tmp/help.txt" 2>&1 || fail "nss-iana --help exits non-zero"
	commands=$(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p' "$tmp/help.txt")
	[ -n "$commands" ] || fail "no commands found in nss-iana --help"
	sed -n '/^COMMANDS$/,/^OPTIONS$/p' "$tmp/tool.txt" >"$tmp/commands.txt"
	for command in $commands; do
		grep -Eq "^       $command( |$)" "$tmp/commands.txt" ||
			fail "nss-iana(1) has no entry for the command '$command'"
		grep -Eq "^ +nss-iana $command( |$)" "$tmp/tool.txt" ||
			fail "nss-iana(1) SYNOPSIS lacks '$command'"
		"$tool" "$command" --help >"$tmp/cmd.txt" 2>&1 ||
			fail "nss-iana $command --help exits non-zero"
		for option in $(grep -Eo -- '--[a-z][a-z-]*' "$tmp/cmd.txt" | sort -u); do
			[ "$option" = --help ] && continue
			grep -q -- "$option" "$tmp/commands.txt" ||
				fail "nss-iana(1) does not document '$command $option'"
		done
	done
	for option in $(grep -Eo -- '--[a-z][a-z-]*' "$tmp/help.txt" | sort -u); do
		grep -q -- "$option" "$tmp/tool.txt" || fail "nss-iana(1) does not mention '$option'"
	done
	db=$(NSS_IANA_DB= "$tool" --version | sed -n 's/^registry .*(\(.*\)[ )].*/\1/p' | cut -d' ' -f1)
	if [ -n "$db" ]; then
		grep -qF "$db" "$tmp/tool.txt" && grep -qF "$db" "$tmp/module.txt" ||
			fail "the pages do not name the built-in snapshot path $db"
	else
		fail "nss-iana --version does not name the snapshot path"
	fi
else
	echo "test_man: note: $tool not built, pages not compared with the tool" >&2
fi

[ "$failures" -eq 0 ] && echo "test_man: $pages: no groff warnings, render with man -l, match the tool"
finish
