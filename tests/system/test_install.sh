#!/bin/sh
# install/nss-iana-enable and -disable on hand-written nsswitch.conf
# fixtures (tests/fixtures/nsswitch_NAME.conf, expected result after enable
# in nsswitch_NAME.enabled), then `make install` and `make uninstall` into a
# DESTDIR.  Environment: CSV (the registry) for the build.
# Some fixtures carry trailing blanks on purpose: keep them.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
fixtures=$repo/tests/fixtures
. "$repo/tests/lib/lib.sh"
need_namespaces
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass; echo "ok: $*"; }
check() { # check DESCRIPTION COMMAND...
	what=$1; shift
	if "$@"; then ok "$what"; else fail "$what"; fi
}
same() { cmp -s -- "$1" "$2"; }
run_to() { out=$1; shift; "$@" >"$out" 2>&1; } # run_to LOG COMMAND...
check_logged() { # check_logged DESCRIPTION LOG COMMAND...: shows LOG on failure
	what=$1 log=$2; shift 2
	if "$@" >"$log" 2>&1; then ok "$what"; else cat "$log"; fail "$what"; fi
}
inode() { stat -c %i -- "$1"; }
mode_owner() { stat -c '%a %u %g' -- "$1"; }
run_enable() { sh "$repo/install/nss-iana-enable" "$@"; }
run_disable() { sh "$repo/install/nss-iana-disable" "$@"; }

# Every file the scripts left in a directory, but the config and its backup.
strays() { find "$1" -mindepth 1 ! -name nsswitch.conf ! -name nsswitch.conf.nss-iana.bak; }

# One fixture through enable, enable again, disable, disable again.
roundtrip() {
	name=$1
	original=$fixtures/nsswitch_$name.conf
	dir=$tmp/rt-$name; mkdir -p "$dir"; conf=$dir/nsswitch.conf
	cp -- "$original" "$conf"; chmod 0640 "$conf"
	chown nobody:adm "$conf"
	owner_before=$(mode_owner "$conf")
	ino_before=$(inode "$conf")

	check "$name: enable succeeds" run_to "$dir.out" run_enable "$conf"
	check "$name: enabled file is the expected one" same "$conf" "$fixtures/nsswitch_$name.enabled"
	check "$name: backup holds the previous content" same "$dir/nsswitch.conf.nss-iana.bak" "$original"
	check "$name: file replaced by rename (new inode)" [ "$(inode "$conf")" != "$ino_before" ]
	check "$name: mode and owner kept" [ "$(mode_owner "$conf")" = "$owner_before" ]
	check "$name: no temp file left" [ -z "$(strays "$dir")" ]

	ino_enabled=$(inode "$conf")
	check "$name: second enable succeeds" run_to "$dir.out" run_enable "$conf"
	check "$name: second enable says nothing changed" grep -q "nothing changed" "$dir.out"
	check "$name: second enable leaves bytes" same "$conf" "$fixtures/nsswitch_$name.enabled"
	check "$name: second enable does not rewrite" [ "$(inode "$conf")" = "$ino_enabled" ]

	check "$name: disable succeeds" run_to "$dir.out" run_disable "$conf"
	check "$name: disable gives back the original bytes" same "$conf" "$original"
	check "$name: disable backs up the enabled file" \
		same "$dir/nsswitch.conf.nss-iana.bak" "$fixtures/nsswitch_$name.enabled"
	check "$name: mode and owner kept after disable" \
		[ "$(mode_owner "$conf")" = "$owner_before" ]
	check "$name: second disable succeeds" run_to "$dir.out" run_disable "$conf"
	check "$name: second disable says nothing changed" grep -q "nothing changed" "$dir.out"
	check "$name: second disable leaves bytes" same "$conf" "$original"
}

for name in debian noservices odd notfound nofiles twolines nonewline; do
	roundtrip "$name"
done

# Already enabled: enable changes nothing and writes no backup.
dir=$tmp/already; mkdir -p "$dir"; conf=$dir/nsswitch.conf
cp -- "$fixtures/nsswitch_enabled.conf" "$conf"
ino=$(inode "$conf")
check "already enabled: enable succeeds" run_to "$dir.out" run_enable "$conf"
check "already enabled: says so" grep -q "already enabled" "$dir.out"
check "already enabled: bytes unchanged" same "$conf" "$fixtures/nsswitch_enabled.conf"
check "already enabled: not rewritten" [ "$(inode "$conf")" = "$ino" ]
check "already enabled: no backup" [ ! -e "$conf.nss-iana.bak" ]
check "already enabled: disable succeeds" run_to /dev/null run_disable "$conf"
check "already enabled: disable removes iana only" same "$conf" "$fixtures/nsswitch_enabled.disabled"

# iana with criteria of its own: they go with it; alone: files takes over.
dir=$tmp/own; mkdir -p "$dir"; conf=$dir/nsswitch.conf
printf 'hosts: files\nservices: db iana [NOTFOUND=return] files\n' >"$conf"
run_disable "$conf" >/dev/null 2>&1
check "disable takes iana's own criteria along" \
	[ "$(cat "$conf")" = "$(printf 'hosts: files\nservices: db files')" ]
printf 'services:\tiana\n' >"$conf"
run_disable "$conf" >/dev/null 2>&1
check "disable of the only source leaves files, not an empty list" \
	[ "$(cat "$conf")" = "$(printf 'services:\tfiles')" ]

# Dry run shows the change and writes nothing.
dir=$tmp/dry; mkdir -p "$dir"; conf=$dir/nsswitch.conf
cp -- "$fixtures/nsswitch_debian.conf" "$conf"
run_enable --dry-run "$conf" >"$dir.out" 2>&1
check "dry run shows the new line" grep -q -x '+services:       db iana files' "$dir.out"
check "dry run writes nothing" same "$conf" "$fixtures/nsswitch_debian.conf"
check "dry run leaves no file behind" [ -z "$(strays "$dir")" ]

# A symlinked config: its target is edited, the link stays a link.
dir=$tmp/link; mkdir -p "$dir/real"
cp -- "$fixtures/nsswitch_debian.conf" "$dir/real/nsswitch.conf"
ln -s real/nsswitch.conf "$dir/nsswitch.conf"
run_enable "$dir/nsswitch.conf" >/dev/null 2>&1
check "symlink: still a symlink" [ -L "$dir/nsswitch.conf" ]
check "symlink: target enabled" same "$dir/real/nsswitch.conf" "$fixtures/nsswitch_debian.enabled"

# Errors: a clear message naming the file, a non-zero exit, nothing created.
for script in run_enable run_disable; do
	missing=$tmp/missing-$script/nsswitch.conf; mkdir -p "${missing%/*}"
	if $script "$missing" >"$tmp/err" 2>&1; then
		fail "$script: missing file accepted"
	else
		ok "$script: missing file is an error"
	fi
	check "$script: message names the missing file" grep -q "$missing: no such file" "$tmp/err"
	check "$script: nothing created for a missing file" [ -z "$(ls -A "${missing%/*}")" ]
	if $script "$tmp" >"$tmp/err" 2>&1; then
		fail "$script: a directory accepted"
	else
		ok "$script: a directory is an error"
	fi
	if $script "$tmp/a" "$tmp/b" >/dev/null 2>&1; then
		fail "$script: two operands accepted"
	else
		ok "$script: two operands is a usage error"
	fi
done

# ---- make install / make uninstall into a DESTDIR ----------------------------
unset MAKEFLAGS MFLAGS MAKELEVEL
mk() { make -C "$repo" -s BUILD="$tmp/build" SAN= CSV="${CSV:-../shared/iana/service-names-port-numbers.csv}" "$@"; }
multiarch=$(${CC:-gcc} -print-multiarch 2>/dev/null)
libdir=/lib/$multiarch

if ! mk all >"$tmp/build.log" 2>&1; then
	cat "$tmp/build.log"
	fail "make all (into a private build directory)"
else
	dest=$tmp/dest; mkdir -p "$dest/etc"
	cp -- "$fixtures/nsswitch_debian.conf" "$dest/etc/nsswitch.conf"
	check_logged "make install DESTDIR" "$tmp/install.log" mk DESTDIR="$dest" install
	check "module in LIBDIR, mode 0644" \
		[ "$(stat -c %a "$dest$libdir/libnss_iana.so.2" 2>/dev/null)" = 644 ]
	check "tool in PREFIX/bin, executable" [ -x "$dest/usr/local/bin/nss-iana" ]
	check "snapshot at DB_PATH" [ -s "$dest/var/lib/nss-iana/services.db" ]
	check "nsswitch.conf in DESTDIR enabled" same "$dest/etc/nsswitch.conf" "$fixtures/nsswitch_debian.enabled"
	check "no ld.so.cache written under DESTDIR" [ ! -e "$dest/etc/ld.so.cache" ]
	check "the update unit's settings in /etc/default/nss-iana" \
		same "$dest/etc/default/nss-iana" "$repo/install/nss-iana.default"

	# The installed module answers from the installed snapshot: its
	# compiled-in path /var/lib/nss-iana is the DESTDIR's, seen through a
	# bind mount in a private mount namespace (the host is not touched).
	answer=$(unshare -m sh -c 'mount --bind "$1/var/lib" /var/lib &&
		LD_LIBRARY_PATH="$1$2" getent -s services:iana services https' sh "$dest" "$libdir")
	check "installed module answers https 443/tcp" \
		sh -c 'echo "$1" | grep -q -E "^https[[:space:]]+443/tcp"' sh "$answer"

	check_logged "make uninstall DESTDIR" "$tmp/uninstall.log" mk DESTDIR="$dest" uninstall
	check "module removed" [ ! -e "$dest$libdir/libnss_iana.so.2" ]
	check "tool removed" [ ! -e "$dest/usr/local/bin/nss-iana" ]
	check "snapshot and its directory removed" [ ! -e "$dest/var/lib/nss-iana" ]
	check "unchanged unit settings removed" [ ! -e "$dest/etc/default/nss-iana" ]
	check "nsswitch.conf in DESTDIR back to its original bytes" \
		same "$dest/etc/nsswitch.conf" "$fixtures/nsswitch_debian.conf"

	# PREFIX and LIBDIR honoured; a DESTDIR without etc/nsswitch.conf is
	# not an error and gets no nsswitch.conf.
	dest=$tmp/dest2; mkdir -p "$dest"
	vars="DESTDIR=$dest PREFIX=/opt/nss-iana LIBDIR=/usr/lib/nss-test DB_PATH=/var/lib/nss-iana/services.db"
	# shellcheck disable=SC2086
	check_logged "make install PREFIX LIBDIR, no nsswitch.conf" "$tmp/install.log" mk $vars install
	check "module in the given LIBDIR" [ -f "$dest/usr/lib/nss-test/libnss_iana.so.2" ]
	check "CSV= given: the installed snapshot is the CSV's (no contact table)" \
		sh -c '"$1" stats --db "$2" | grep -q "^Contact table *none"' sh "$tmp/build/nss-iana" \
		"$dest/var/lib/nss-iana/services.db"
	check "tool in the given PREFIX" [ -x "$dest/opt/nss-iana/bin/nss-iana" ]
	check "no nsswitch.conf created in DESTDIR" [ ! -e "$dest/etc/nsswitch.conf" ]
	check "skipping the nsswitch.conf is said" grep -q "nsswitch.conf" "$tmp/install.log"
	# shellcheck disable=SC2086
	check_logged "make uninstall PREFIX LIBDIR" "$tmp/uninstall.log" mk $vars uninstall
	check "nothing left but directories" [ -z "$(find "$dest" ! -type d)" ]

	# Into the directories a Debian system already has, with the timer
	# enabled after install: uninstall leaves exactly what was there before
	# (and the backup nss-iana-enable keeps of nsswitch.conf), including an
	# unrelated timer's link and man page, and nothing of ours: no empty
	# man1/man8, no dangling link to the timer.
	dest=$tmp/dest3
	wants=$dest/etc/systemd/system/timers.target.wants
	mkdir -p "$dest$libdir" "$dest/usr/local/bin" "$dest/var/lib" "$dest/usr/local/share/man/man5" \
		"$dest/lib/systemd/system" "$dest/etc/default" "$wants"
	cp -- "$fixtures/nsswitch_debian.conf" "$dest/etc/nsswitch.conf"
	printf '.TH OTHER 5\n' >"$dest/usr/local/share/man/man5/other.5"
	ln -s /lib/systemd/system/other.timer "$wants/other.timer"
	(cd "$dest" && find . | sort) >"$tmp/before"
	check_logged "make install into a Debian-like DESTDIR" "$tmp/install.log" mk DESTDIR="$dest" install
	check "man1 made by install" [ -d "$dest/usr/local/share/man/man1" ]
	check "man8 made by install" [ -d "$dest/usr/local/share/man/man8" ]
	if command -v systemctl >/dev/null 2>&1; then
		systemctl --root="$dest" enable nss-iana-update.timer >"$tmp/enable.log" 2>&1
	else
		ln -s /lib/systemd/system/nss-iana-update.timer "$wants/nss-iana-update.timer"
	fi
	check "the timer enabled (its link in timers.target.wants)" [ -L "$wants/nss-iana-update.timer" ]
	check_logged "make uninstall from a Debian-like DESTDIR" "$tmp/uninstall.log" mk DESTDIR="$dest" uninstall
	(cd "$dest" && find . ! -path ./etc/nsswitch.conf.nss-iana.bak | sort) >"$tmp/after"
	if same "$tmp/before" "$tmp/after"; then ok "uninstall leaves what was there, and only that"; else
		diff "$tmp/before" "$tmp/after"; fail "uninstall leaves what was there, and only that"
	fi

	# Without CSV=, install compiles IANA's XML where it sits beside the
	# clone: `show --contact` then names the people.
	xml=$repo/../shared/iana/service-names-port-numbers.xml
	dest=$tmp/dest4; mkdir -p "$dest"
	if [ ! -f "$xml" ]; then
		echo "SKIPPED (part): no $xml: the default XML install is not checked"
	elif check_logged "make install without CSV=" "$tmp/install.log" \
		env -u CSV make -C "$repo" -s BUILD="$tmp/build" SAN= DESTDIR="$dest" install; then
		"$tmp/build/nss-iana" show --db "$dest/var/lib/nss-iana/services.db" --contact IETF_Chair \
			>"$tmp/contact" 2>&1
		check "show --contact IETF_Chair names the person" grep -q "Name  *IETF Chair" "$tmp/contact"
	fi
	# REGISTRY= names the file install compiles, CSV or XML.
	dest=$tmp/dest5; mkdir -p "$dest"
	check_logged "make install REGISTRY=an XML file" "$tmp/install.log" \
		mk DESTDIR="$dest" REGISTRY="$fixtures/xml_small.xml" install
	check "REGISTRY=: its contact table installed" \
		sh -c '! "$1" stats --db "$2" | grep -q "^Contact table *none"' sh "$tmp/build/nss-iana" \
		"$dest/var/lib/nss-iana/services.db"
fi

finish
