# Shared by nss-iana-enable and nss-iana-disable (sourced, not run).
#
# Edits the `services:` and `protocols:` lines of nsswitch.conf the way
# glibc 2.36 reads them
# (nss/nss_database.c, nss/nss_action_parse.c):
#   - the database name is case-sensitive and may be preceded by blanks; it
#     ends at a blank or ':' and every blank/':' after it is skipped, so
#     "services: x", "services : x" and even "services x" all count;
#   - when several services lines exist, the LAST one wins;
#   - a source is a run of non-blanks up to a blank or '[', optionally
#     followed by "[STATUS=action ...]" criteria that apply to that source;
#   - an empty list means "no sources at all": every lookup fails.
# glibc has no trailing comments ("# x" is read as two more sources that
# fail to load), but an admin writing "services: db files  # local" means a
# comment, so a word starting with '#' ends the list for our purposes.
#
# The rules below are the services line's; the protocols line gets the same
# edit, except that enable adds no protocols line where there is none.
#
# enable:  last services line gets `iana` just before the first `files`;
#          without `files`, after the last source; an empty list becomes
#          `iana files`; no services line at all: a marker comment and
#          `services:       iana files` are appended.  Nothing else moves.
# disable: `iana` (with any [criteria] of its own) leaves every services
#          line, taking one adjacent run of blanks with it, so that
#          disable(enable(x)) == x byte for byte; the appended pair is
#          removed whole.  If iana was the only source, `files` (glibc's
#          own default for services) takes its place rather than leaving a
#          list that fails every lookup.
#
# The file is replaced atomically: a temp file in the same directory, with
# the original's mode/owner (cp -p), fsync'd, then rename(2).  The previous
# content stays as FILE.nss-iana.bak (a hard link to the old inode when the
# filesystem allows it).  A symlinked FILE is followed and its target edited.
# When the live /etc/nsswitch.conf changed, nscd's services cache (if nscd
# is there) is invalidated.

NSSWITCH_MARKER='# Added by nss-iana-enable; nss-iana-disable removes this line and the next.'

# shellcheck disable=SC2016 # awk program, not shell
nsswitch_awk='
function is_blank(c) { return c ~ /^[[:space:]]$/ }

# Splits database line s into PRE (name, blanks and colons) and BODY.
function split_line(s) {
	match(s, "^[[:space:]]*" db "[[:space:]:]*")
	PRE = substr(s, 1, RLENGTH)
	BODY = substr(s, RLENGTH + 1)
}

# Tokenizes BODY into N tokens: TS/TE start and end (exclusive), TK kind
# ("name" or "crit"), TV text.  Stops at a word starting with "#".
function tokenize(body,   i, len, c, s, kind) {
	N = 0; len = length(body); i = 1
	while (i <= len) {
		c = substr(body, i, 1)
		if (is_blank(c)) { i++; continue }
		if (c == "#") break
		s = i
		if (c == "[") {
			kind = "crit"
			while (i <= len && substr(body, i, 1) != "]") i++
			if (i <= len) i++
		} else {
			kind = "name"
			while (i <= len) {
				c = substr(body, i, 1)
				if (is_blank(c) || c == "[") break
				i++
			}
		}
		N++; TS[N] = s; TE[N] = i; TK[N] = kind; TV[N] = substr(body, s, i - s)
	}
}

function find_name(name,   k) {
	for (k = 1; k <= N; k++) if (TK[k] == "name" && TV[k] == name) return k
	return 0
}

function note(msg) { print prog ": note: " msg | "cat 1>&2" }

function returns_on_notfound(upto,   k, t) {
	for (k = 1; k < upto; k++) {
		if (TK[k] != "crit") continue
		t = tolower(TV[k]); gsub(/[[:space:]]*=[[:space:]]*/, "=", t)
		if (t ~ /\[[[:space:]]*notfound=return/ || t ~ /[[:space:]]notfound=return/) return 1
	}
	return 0
}

function enable_line(s,   k, at, body) {
	split_line(s); body = BODY; tokenize(body)
	if (find_name("iana")) return s
	k = find_name("files")
	if (k) {
		if (returns_on_notfound(k))
			note("a [NOTFOUND=return] before files means iana answers only when the source before it is unavailable")
		return PRE substr(body, 1, TS[k] - 1) "iana " substr(body, TS[k])
	}
	if (N == 0) {
		note("the " db " list was empty (every lookup failed); it becomes \"iana files\"")
		if (PRE !~ /[[:space:]]$/) PRE = PRE " "
		sub(/^[[:space:]]+/, "", body)
		return PRE "iana files" (body == "" ? "" : " " body)
	}
	if (returns_on_notfound(N + 1))
		note("iana follows a [NOTFOUND=return]: it answers only when the source before it is unavailable")
	at = TE[N]
	return PRE substr(body, 1, at - 1) " iana" substr(body, at)
}

function disable_line(s,   k, j, e, body, cut_from, cut_to) {
	split_line(s); body = BODY
	for (;;) {
		tokenize(body)
		k = find_name("iana")
		if (!k) break
		e = TE[k]
		for (j = k + 1; j <= N && TK[j] == "crit"; j++) {
			note("removed iana criteria " TV[j])
			e = TE[j]
		}
		if (j <= N) {
			cut_from = TS[k]; cut_to = TS[j]
		} else if (k > 1) {
			cut_from = TE[k - 1]; cut_to = e
		} else {
			note("iana was the only " db " source; \"files\" (glibc default) takes its place")
			body = substr(body, 1, TS[k] - 1) "files" substr(body, e)
			continue
		}
		body = substr(body, 1, cut_from - 1) substr(body, cut_to)
	}
	return PRE body
}

function is_services(s) { return s ~ ("^[[:space:]]*" db "([[:space:]:]|$)") }

function strip_cr(s) { sub(/\r$/, "", s); return s }

{ L[++NL] = $0 }

END {
	added_line = sprintf("%-16siana files", db ":")
	eol = (NL > 0 && L[NL] ~ /\r$/) ? "\r" : ""
	last = 0; count = 0
	for (i = 1; i <= NL; i++) if (is_services(L[i])) { last = i; count++ }
	if (mode == "enable") {
		if (count > 1)
			note(count " " db " lines; glibc uses only the last one (line " last "), which is the one edited")
		if (last) L[last] = enable_line(L[last])
		else if (append) { L[++NL] = marker eol; L[++NL] = added_line eol }
	} else {
		for (i = 1; i <= NL; i++) {
			if (!is_services(L[i])) continue
			if (strip_cr(L[i]) == added_line && i > 1 && strip_cr(L[i - 1]) == marker) {
				drop[i] = drop[i - 1] = 1; continue
			}
			L[i] = disable_line(L[i])
		}
	}
	out = 0
	for (i = 1; i <= NL; i++) {
		if (i in drop) continue
		printf "%s%s", (out++ ? "\n" : ""), L[i]
	}
	if (out && final_newline) printf "\n"
}
'

nsswitch_usage() {
	cat <<EOF
usage: $NSSWITCH_PROG [-n|--dry-run] [FILE]
$1 the services and protocols lines of FILE (default /etc/nsswitch.conf).
A changed FILE is replaced atomically; its previous content is kept as
FILE.nss-iana.bak.  --dry-run shows the change as a diff and writes nothing.
EOF
}

nsswitch_die() {
	echo "$NSSWITCH_PROG: $*" >&2
	exit 1
}

# nsswitch_edit enable|disable [ARGS...]
nsswitch_edit() {
	mode=$1; shift
	dry_run=
	case $mode in
	enable) verb="Adds iana to" done_msg="iana enabled" same_msg="iana already enabled" ;;
	*) verb="Removes iana from" done_msg="iana disabled" same_msg="iana not enabled" ;;
	esac
	while [ $# -gt 0 ]; do
		case $1 in
		-n|--dry-run) dry_run=1; shift ;;
		-h|--help) nsswitch_usage "$verb"; exit 0 ;;
		--) shift; break ;;
		-*) nsswitch_usage "$verb" >&2; exit 2 ;;
		*) break ;;
		esac
	done
	[ $# -le 1 ] || { nsswitch_usage "$verb" >&2; exit 2; }
	file=${1:-/etc/nsswitch.conf}

	target=$file
	if [ -L "$file" ]; then
		target=$(readlink -f -- "$file") || nsswitch_die "$file: cannot resolve symlink"
	fi
	[ -e "$target" ] || nsswitch_die "$file: no such file"
	[ -f "$target" ] || nsswitch_die "$file: not a regular file"
	if ! [ -r "$target" ] || ! cat -- "$target" >/dev/null 2>&1; then
		nsswitch_die "$file: cannot read"
	fi

	final_newline=1
	if [ -n "$(tail -c 1 -- "$target")" ]; then
		final_newline=0
	fi

	if [ -n "$dry_run" ]; then
		new=$(mktemp) || nsswitch_die "cannot create a temp file"
	else
		new=$(mktemp -- "$target.nss-iana.XXXXXX") ||
			nsswitch_die "$file: cannot create a temp file beside it"
	fi
	trap 'rm -f -- "$new" "$new.services"' EXIT
	trap 'exit 130' HUP INT TERM
	# Copy first so that the temp file carries the original's mode, owner
	# and (where supported) xattrs; the edit then overwrites its content.
	if [ -z "$dry_run" ]; then
		cp --preserve=all -- "$target" "$new" 2>/dev/null || cp -p -- "$target" "$new" ||
			nsswitch_die "$file: cannot copy to $new"
	fi
	# The services line, then the protocols line: the module answers both
	# databases from one snapshot.  A missing protocols line is not added
	# (glibc then uses files alone, as dh_installnss leaves it too).
	if ! awk -v mode="$mode" -v prog="$NSSWITCH_PROG" -v marker="$NSSWITCH_MARKER" \
		-v final_newline="$final_newline" -v db=services -v append=1 \
		"$nsswitch_awk" "$target" >"$new.services" ||
		! awk -v mode="$mode" -v prog="$NSSWITCH_PROG" -v marker="$NSSWITCH_MARKER" \
			-v final_newline="$final_newline" -v db=protocols -v append=0 \
			"$nsswitch_awk" "$new.services" >"$new"; then
		rm -f -- "$new.services"
		nsswitch_die "$file: editing failed"
	fi
	rm -f -- "$new.services"

	if cmp -s -- "$target" "$new"; then
		echo "$NSSWITCH_PROG: $file: $same_msg, nothing changed"
		return 0
	fi
	if [ -n "$dry_run" ]; then
		diff -u --label "$file" --label "$file (after $mode)" -- "$target" "$new"
		return 0
	fi

	backup=$target.nss-iana.bak
	# A hard link keeps the old inode, untouched, as the backup; the
	# rename below then swaps the new content in without a window where
	# the file is missing or half written.
	ln -f -- "$target" "$backup" 2>/dev/null ||
		cp -p -- "$target" "$backup" ||
		nsswitch_die "$file: cannot write backup $backup"
	sync -- "$new" 2>/dev/null || sync
	mv -f -- "$new" "$target" || nsswitch_die "$file: cannot replace it"
	sync -- "$(dirname -- "$target")" 2>/dev/null || :

	line=$(grep -E '^[[:space:]]*services([[:space:]:]|$)' "$target" | tail -n 1)
	echo "$NSSWITCH_PROG: $file: $done_msg${line:+ ($line)}; previous content in $backup"
	# A running nscd would go on answering from what the old line found.
	if [ "$(readlink -f -- "$target")" = "$(readlink -f /etc/nsswitch.conf)" ] &&
		command -v nscd >/dev/null 2>&1; then
		nscd -i services >/dev/null 2>&1 || :
	fi
}
