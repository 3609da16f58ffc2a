#!/bin/sh
# The Debian package, end to end: build it (or take $DEB, as `make deb-check`
# does) and run lintian on it; run its dh_installnss snippets on the
# nsswitch.conf fixtures; install it with `dpkg -i` into a throwaway root,
# check that `getent services https` answers from the module through
# nsswitch.conf and run the autopkgtests (debian/tests) there; then remove
# and purge it and check that nsswitch.conf is back as it was, with the edit
# an administrator made meanwhile kept.
#
# The throwaway root is an overlay of / whose writable layer is a tmpfs,
# mounted in a private mount namespace (unshare -m) and entered with chroot:
# dpkg, its database, /usr and /etc in there are copies-on-write, and all of
# it vanishes with the namespace.  The host's /etc and dpkg database are
# never written.  Needs root, unshare, overlayfs; building needs debhelper.
#
# Environment: DEB (a built libnss-iana .deb; else one is built from a copy
# of this tree, with nocheck: the unit suites run in `make check` anyway),
# CSV (the registry, for that build).
set -u

. tests/lib/lib.sh
need_namespaces
for tool in unshare chroot mount dpkg dpkg-deb; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done


repo=$(pwd)
tmp=$(mktemp -d) || fatal "mktemp"
trap 'rm -rf "$tmp"' EXIT

build_package() {
	command -v dpkg-buildpackage >/dev/null 2>&1 && command -v dh >/dev/null 2>&1 ||
		skip "dpkg-dev and debhelper are needed to build the package (install/setup.sh installs them)"
	csv=${CSV:-../shared/iana/service-names-port-numbers.csv}
	[ -f "$csv" ] || skip "no registry CSV at $csv to compile the package's snapshot from"
	csv=$(cd "$(dirname "$csv")" && pwd)/$(basename "$csv")
	pcsv=${PROTOCOLS_CSV:-../shared/iana/protocol-numbers-1.csv}
	[ -f "$pcsv" ] || skip "no protocol numbers registry at $pcsv for the package"
	pcsv=$(cd "$(dirname "$pcsv")" && pwd)/$(basename "$pcsv")
	# A copy, so the build leaves this tree (and the directory above it,
	# where dpkg-buildpackage writes) alone, whoever else builds here.
	mkdir "$tmp/src"
	tar -C "$repo" --exclude=./.git --exclude=./build --exclude='./build-*' \
		--exclude=./debian/libnss-iana --exclude=./debian/.debhelper \
		--exclude=./data/service-names-port-numbers.csv \
		--exclude=./data/protocol-numbers-1.csv -cf - . |
		tar -C "$tmp/src" -xf - || fatal "copying the source tree"
	if ! (cd "$tmp/src" && CSV=$csv PROTOCOLS_CSV=$pcsv DEB_BUILD_OPTIONS=nocheck \
		dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
		tail -n 40 "$tmp/build.log" >&2
		fatal "dpkg-buildpackage -us -uc -b failed"
	fi
	for f in "$tmp"/libnss-iana_*.deb; do DEB=$f; done
	[ -f "$DEB" ] || fatal "dpkg-buildpackage made no libnss-iana_*.deb"
}

if [ -n "${DEB:-}" ]; then
	[ -f "$DEB" ] || fatal "DEB=$DEB: no such file"
else
	build_package
fi
echo "package: $(basename "$DEB")"

if command -v lintian >/dev/null 2>&1; then
	lintian --fail-on error,warning "$DEB" >"$tmp/lintian.log" 2>&1 ||
		{ cat "$tmp/lintian.log" >&2; fatal "lintian reports errors or warnings"; }
	echo "lintian: no errors, no warnings ($(grep -c '^[IP]:' "$tmp/lintian.log") infos)"
else
	echo "lintian: not installed, not run"
fi

# ---- dh_installnss's snippets on nsswitch.conf files -------------------------
# The package's own preinst, postinst and postrm snippets, cut out of the
# .deb and run as dpkg would (install, configure, then remove) on each
# file in a scratch DPKG_ROOT, where they edit ${DPKG_ROOT}/etc/nsswitch.conf.
# The expected results are written by hand from dh_installnss(1)'s rules:
# "iana" goes just before "files" on lines starting "services:" that do not
# name it yet, and comes out with an [ACTION] that follows it.
echo "== dh_installnss on nsswitch.conf fixtures"
dpkg-deb -e "$DEB" "$tmp/control" || fatal "dpkg-deb -e"
for script in preinst postinst postrm; do
	sed -n '/^# Automatically added by dh_installnss/,/^# End automatically added section/p' \
		"$tmp/control/$script" >"$tmp/nss-$script"
	[ -s "$tmp/nss-$script" ] || fatal "the $script has no dh_installnss snippet"
done
fixtures=$repo/tests/fixtures
if grep -qx /etc/default/nss-iana "$tmp/control/conffiles" 2>/dev/null; then pass; else
	fail "/etc/default/nss-iana is not a conffile of the package"
fi

# nss_snippets DIR ACTION...: the snippets for each dpkg action, in DIR.
nss_snippets() (
	DPKG_ROOT=$1 DPKG_MAINTSCRIPT_PACKAGE=libnss-iana DPKG_MAINTSCRIPT_PACKAGE_INSTCOUNT=0
	export DPKG_ROOT DPKG_MAINTSCRIPT_PACKAGE DPKG_MAINTSCRIPT_PACKAGE_INSTCOUNT
	shift
	set -e
	for action; do
		case $action in
		install) set -- install; . "$tmp/nss-preinst" ;;
		configure) set -- configure; . "$tmp/nss-postinst" ;;
		remove) set -- remove; . "$tmp/nss-postrm" ;;
		esac
	done
)

# nss_case NAME ORIGINAL AFTER-INSTALL AFTER-REMOVAL (files)
nss_case() {
	dir=$tmp/nss/$1
	mkdir -p "$dir/etc" && cp "$2" "$dir/etc/nsswitch.conf" || fatal "$1: setup"
	nss_snippets "$dir" install configure || fail "$1: the install snippets failed"
	if cmp -s "$dir/etc/nsswitch.conf" "$3"; then pass; else
		fail "$1: after installation, not as expected:"
		diff "$3" "$dir/etc/nsswitch.conf" >&2
	fi
	[ ! -e "$dir/etc/nsswitch.conf.nss.libnss-iana-will-install" ] ||
		fail "$1: the preinst's mark is left behind"
	nss_snippets "$dir" remove || fail "$1: the removal snippet failed"
	if cmp -s "$dir/etc/nsswitch.conf" "$4"; then pass; else
		fail "$1: after removal, not as expected:"
		diff "$4" "$dir/etc/nsswitch.conf" >&2
	fi
}
# nss_line_case NAME ORIGINAL-LINE AFTER-INSTALL AFTER-REMOVAL (one line each)
nss_line_case() {
	mkdir -p "$tmp/lines" &&
		printf '%s\n' "$2" >"$tmp/lines/$1.conf" &&
		printf '%s\n' "$3" >"$tmp/lines/$1.installed" &&
		printf '%s\n' "$4" >"$tmp/lines/$1.removed" || fatal "$1: setup"
	nss_case "$1" "$tmp/lines/$1.conf" "$tmp/lines/$1.installed" "$tmp/lines/$1.removed"
}

# Where dh_installnss and install/nss-iana-enable agree.
for name in debian notfound nonewline; do
	nss_case "$name" "$fixtures/nsswitch_$name.conf" "$fixtures/nsswitch_$name.enabled" \
		"$fixtures/nsswitch_$name.conf"
done
# Already enabled: left as it is; removal takes iana out of both lines.
nss_case enabled "$fixtures/nsswitch_enabled.conf" "$fixtures/nsswitch_enabled.conf" \
	"$fixtures/nsswitch_enabled.disabled"
# No services line: none is added (glibc then uses files alone).
nss_case noservices "$fixtures/nsswitch_noservices.conf" "$fixtures/nsswitch_noservices.conf" \
	"$fixtures/nsswitch_noservices.conf"
# Every line starting "services:" gets iana, not only the last one.
nss_case twolines "$fixtures/nsswitch_twolines.conf" "$fixtures/nsswitch_twolines.deb-enabled" \
	"$fixtures/nsswitch_twolines.conf"
# No "files" on the line, or a blank before the colon: no iana.  dh-nss 1.7
# also takes one trailing blank off every line of the file for each of the
# package's two databases when it installs.
for name in nofiles odd; do
	nss_case "$name" "$fixtures/nsswitch_$name.conf" "$fixtures/nsswitch_$name.deb-enabled" \
		"$fixtures/nsswitch_$name.deb-enabled"
done
# Removal: iana's own action goes with it; what is not "services:" stays;
# iana alone leaves an empty list (README.Debian says to put files back).
nss_line_case action 'services: db iana [NOTFOUND=return] files' \
	'services: db iana [NOTFOUND=return] files' 'services: db files'
nss_line_case comment 'services: db iana files # local' \
	'services: db iana files # local' 'services: db files # local'
nss_line_case blank-before-colon 'services : iana files' \
	'services : iana files' 'services : iana files'
nss_line_case iana-alone 'services: iana' 'services: iana' 'services:'
nss_line_case protocols-action 'protocols: db iana [NOTFOUND=return] files' \
	'protocols: db iana [NOTFOUND=return] files' 'protocols: db files'
echo "dh_installnss: $checks checks, $failures failed"

# What the administrator's nsswitch.conf looks like before the package:
# Debian's default services line, comments, tabs, no module anywhere.
cat >"$tmp/nsswitch.conf" <<'EOF'
# /etc/nsswitch.conf
#
# Example configuration of GNU Name Service Switch functionality.

passwd:         files systemd
group:          files systemd
shadow:         files

hosts:          files dns
networks:	files

protocols:      db files
services:       db files
ethers:         db files
rpc:            db files

netgroup:       nis
EOF

cp "$repo/tests/fixtures/cli_small.csv" "$tmp/small.csv" || fatal "no tests/fixtures/cli_small.csv"

# An older version of the package to upgrade from: the same files, version
# 0.9, and a snapshot of a small fixture registry instead of IANA's.
make_old_package() {
	old=$tmp/old
	dpkg-deb -R "$DEB" "$old" || fatal "dpkg-deb -R"
	sed -i 's/^Version: .*/Version: 0.9/' "$old/DEBIAN/control"
	"$old/usr/bin/nss-iana" compile "$tmp/small.csv" \
		-o "$old/usr/share/nss-iana/services.db" >/dev/null ||
		fatal "the packaged nss-iana cannot compile a fixture"
	(cd "$old" && find usr lib -type f -exec md5sum {} + >DEBIAN/md5sums)
	dpkg-deb --root-owner-group -b "$old" "$tmp/old.deb" >/dev/null || fatal "dpkg-deb -b"
}
make_old_package

# Runs inside the private mount namespace.  $1 = scratch dir, $2 = .deb.
cat >"$tmp/inside.sh" <<'INSIDE'
set -u
tmp=$1 deb=$2 repo=$3
root=$tmp/root
. "$repo/tests/lib/lib.sh"
# A clean environment: an LD_LIBRARY_PATH or NSS_IANA_DB from the test
# suite would make glibc load another module or the module read another file.
in_root() {
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		LC_ALL=C.UTF-8 chroot "$root" "$@"
}

mount --make-rprivate / || fatal "mount --make-rprivate /"
mkdir "$tmp/layer" "$root" && mount -t tmpfs tmpfs "$tmp/layer" &&
	mkdir "$tmp/layer/upper" "$tmp/layer/work" || fatal "tmpfs for the overlay"
if ! mount -t overlay overlay \
	-o "lowerdir=/,upperdir=$tmp/layer/upper,workdir=$tmp/layer/work" "$root"; then
	skip "cannot mount an overlay of / here"
fi
mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev" ||
	fatal "proc and dev in the throwaway root"

# A known starting point: no libnss-iana, the test nsswitch.conf, and no
# services source but the module: /etc/services empty, no nss_db file.
if in_root dpkg -s libnss-iana >/dev/null 2>&1; then
	in_root dpkg -P libnss-iana >/dev/null 2>&1 || fatal "purging a previous libnss-iana"
fi
# Whatever a `make install` on the host left (the default PREFIX is
# /usr/local, whose bin comes first in PATH) would answer in the package's
# place.
rm -rf "$root/var/lib/nss-iana" "$root/usr/local/bin/nss-iana" \
	"$root/etc/nsswitch.conf.nss-iana.bak"
for dir in "$root/lib/x86_64-linux-gnu" "$root/usr/lib/x86_64-linux-gnu"; do
	rm -f "$dir/libnss_iana.so.2"
done
cp "$tmp/nsswitch.conf" "$root/etc/nsswitch.conf"
: >"$root/etc/services"
: >"$root/etc/protocols"
rm -f "$root/var/lib/misc/services.db" "$root/var/lib/misc/protocols.db"
mkdir -p "$root/nss-iana-test" && cp "$deb" "$root/nss-iana-test/pkg.deb" &&
	cp "$tmp/small.csv" "$root/nss-iana-test/small.csv" &&
	cp "$tmp/old.deb" "$root/nss-iana-test/old.deb" || fatal "copying into the root"
# man-db's trigger rebuilds its index on every dpkg run; not needed here.
rm -f "$root/var/lib/man-db/auto-update"

in_root getent services https >/dev/null &&
	fatal "https resolves before the package is installed: the test cannot tell who answers"
in_root getent protocols tcp >/dev/null &&
	fatal "tcp resolves before the package is installed: the test cannot tell who answers"

echo "== dpkg -i of an older version, then an upgrade to this one"
in_root dpkg -i /nss-iana-test/old.deb || fatal "dpkg -i (older version)"
grep -Eq '^services:[[:space:]]+db iana files$' "$root/etc/nsswitch.conf" ||
	fatal "postinst did not put iana before files: $(grep '^services' "$root/etc/nsswitch.conf")"
cmp -s "$root/var/lib/nss-iana/services.db" "$root/usr/share/nss-iana/services.db" ||
	fatal "the older package did not install its snapshot"
cp "$root/etc/nsswitch.conf" "$tmp/enabled.conf"
in_root dpkg -i /nss-iana-test/pkg.deb || fatal "dpkg -i (upgrade)"
cmp -s "$root/etc/nsswitch.conf" "$tmp/enabled.conf" || fatal "the upgrade changed nsswitch.conf"
out=$(in_root getent services https) || fatal "getent services https: no answer from the module"
echo "getent services https: $out"
set -- $out
[ "$1" = https ] && [ "$2" = 443/tcp ] || fatal "getent services https answered '$out'"
grep -Eq '^protocols:[[:space:]]+db iana files$' "$root/etc/nsswitch.conf" ||
	fatal "the upgrade did not put iana before files on the protocols line: $(grep '^protocols' "$root/etc/nsswitch.conf")"
out=$(in_root getent protocols tcp) || fatal "getent protocols tcp: no answer from the module"
echo "getent protocols tcp: $out"
set -- $out
[ "$1" = tcp ] && [ "$2" = 6 ] && [ "$3" = TCP ] || fatal "getent protocols tcp answered '$out'"
cmp -s "$root/var/lib/nss-iana/services.db" "$root/usr/share/nss-iana/services.db" ||
	fatal "the upgrade did not replace the older package's snapshot with its own"
in_root nss-iana verify /var/lib/nss-iana/services.db >/dev/null ||
	fatal "nss-iana verify rejects the installed snapshot"
cmp -s "$root/etc/default/nss-iana" "$repo/install/nss-iana.default" ||
	fatal "/etc/default/nss-iana is not install/nss-iana.default"
[ ! -e "$root/etc/systemd/system/timers.target.wants/nss-iana-update.timer" ] ||
	fatal "the update timer was enabled by installation"
[ -f "$root/lib/systemd/system/nss-iana-update.timer" ] || fatal "no update timer unit"
if [ -x "$root/bin/systemctl" ]; then
	state=$(in_root systemctl is-enabled nss-iana-update.timer 2>&1)
	[ "$state" = disabled ] || fatal "systemctl is-enabled nss-iana-update.timer: '$state', not disabled"
	in_root systemd-analyze verify /lib/systemd/system/nss-iana-update.service \
		/lib/systemd/system/nss-iana-update.timer || fatal "systemd-analyze verify rejects the units"
fi
in_root man -w nss-iana >/dev/null && in_root man -w libnss_iana >/dev/null ||
	fatal "man nss-iana or man libnss_iana finds no page"

# The autopkgtests run from the top of a source tree: the parts they use.
echo "== the autopkgtests of debian/tests/control, in the throwaway root"
src=$root/nss-iana-test/src
mkdir -p "$src/tests/lib" "$src/debian" && cp "$repo/tests/lib/lib.sh" "$src/tests/lib/" &&
	cp -r "$repo/debian/tests" "$src/debian/" || fatal "copying the autopkgtests"
for test in $(sed -n 's/^Tests: *//p' "$repo/debian/tests/control" | tr ',' ' '); do
	echo "-- debian/tests/$test"
	in_root sh -c 'cd /nss-iana-test/src && sh "debian/tests/$1"' sh "$test" ||
		fatal "autopkgtest $test failed"
done

echo "== a snapshot nss-iana update installed survives reinstalling; a corrupt one does not"
in_root nss-iana update --force --file /nss-iana-test/small.csv >/dev/null ||
	fatal "nss-iana update --file in the throwaway root"
cp "$root/var/lib/nss-iana/services.db" "$tmp/updated.db"
cmp -s "$tmp/updated.db" "$root/usr/share/nss-iana/services.db" &&
	fatal "nss-iana update did not change the snapshot"
in_root dpkg -i /nss-iana-test/pkg.deb >/dev/null || fatal "dpkg -i over the installed package"
cmp -s "$root/var/lib/nss-iana/services.db" "$tmp/updated.db" ||
	fatal "reinstalling replaced the snapshot nss-iana update had installed"
printf 'not a snapshot\n' >"$root/var/lib/nss-iana/services.db"
in_root dpkg -i /nss-iana-test/pkg.deb >/dev/null || fatal "dpkg -i over the installed package"
cmp -s "$root/var/lib/nss-iana/services.db" "$root/usr/share/nss-iana/services.db" ||
	fatal "reinstalling kept a corrupt snapshot"

echo "== with a services file, the package lets it decide the registry's ties"
printf 'nfs\t\t2049/tcp\nhttp-alt\t8080/tcp\n' >"$root/etc/services"
printf 'ip\t0\tIP\nmptcp\t262\tMPTCP\n' >"$root/etc/protocols"
printf 'not a snapshot\n' >"$root/var/lib/nss-iana/services.db"
in_root dpkg -i /nss-iana-test/pkg.deb >/dev/null || fatal "dpkg -i with /etc/services"
out=$(in_root getent -s services:iana services 2049/tcp) || fatal "getent services 2049/tcp: no answer from the module"
set -- $out
[ "$1" = nfs ] || fatal "with /etc/services naming nfs, 2049/tcp answered '$out'"
out=$(in_root getent -s services:iana services http-alt/tcp)
set -- $out
[ "$2" = 8080/tcp ] || fatal "with /etc/services naming http-alt 8080, http-alt/tcp answered '$out'"
in_root nss-iana stats | grep -q '/etc/services' ||
	fatal "nss-iana stats does not name /etc/services as the preference file"
out=$(in_root getent -s protocols:iana protocols 262)
[ "$(echo $out)" = "mptcp 262 MPTCP" ] ||
	fatal "with /etc/protocols naming mptcp 262, protocol 262 answered '$out'"
out=$(in_root getent -s protocols:iana protocols 0)
[ "$(echo $out)" = "ip 0 IP" ] || fatal "with /etc/protocols naming ip 0, protocol 0 answered '$out'"
in_root nss-iana verify /var/lib/nss-iana/services.db >/dev/null ||
	fatal "nss-iana verify rejects the snapshot compiled by postinst"

echo "== /etc/services changes (as a netbase upgrade changes it): the dpkg trigger compiles again"
[ -f "$root/var/lib/nss-iana/services.db.registry" ] ||
	fatal "postinst kept no registry beside the snapshot for the trigger"
printf 'trigger-test\t61234/tcp\n' >>"$root/etc/services"
in_root dpkg-trigger --no-await /etc/services && in_root dpkg --triggers-only -a >/dev/null ||
	fatal "dpkg --triggers-only after /etc/services changed"
out=$(in_root getent -s services:iana services trigger-test) ||
	fatal "after the trigger, the line added to /etc/services does not answer"
set -- $out
[ "$2" = 61234/tcp ] || fatal "after the trigger, trigger-test answered '$out'"
# A line the snapshot cannot hold: the installed snapshot stays.
cp "$root/var/lib/nss-iana/services.db" "$tmp/before-bad.db"
printf 'bad\001name\t61236/tcp\n' >>"$root/etc/services"
in_root dpkg-trigger --no-await /etc/services && in_root dpkg --triggers-only -a >/dev/null 2>&1 ||
	fatal "dpkg --triggers-only failed on a services file the snapshot cannot hold"
cmp -s "$root/var/lib/nss-iana/services.db" "$tmp/before-bad.db" ||
	fatal "a services file the snapshot cannot hold replaced the installed snapshot"
sed -i '$d' "$root/etc/services"
# A snapshot nss-iana update installed: rebuilt from the kept registry.
in_root nss-iana update --file /usr/share/nss-iana/service-names-port-numbers.csv >/dev/null ||
	fatal "nss-iana update --file with /etc/services"
printf 'trigger-two\t61235/tcp\n' >>"$root/etc/services"
in_root dpkg-trigger --no-await /etc/services && in_root dpkg --triggers-only -a >/dev/null ||
	fatal "dpkg --triggers-only after a second change"
out=$(in_root getent -s services:iana services trigger-two) ||
	fatal "after the trigger, an updated snapshot does not follow /etc/services"
if [ -x "$root/bin/systemctl" ]; then
	state=$(in_root systemctl is-enabled nss-iana-rebuild.path 2>&1)
	[ "$state" = enabled ] || fatal "systemctl is-enabled nss-iana-rebuild.path: '$state'"
	in_root systemd-analyze verify /lib/systemd/system/nss-iana-rebuild.path \
		/lib/systemd/system/nss-iana-rebuild.service || fatal "systemd-analyze verify rejects the rebuild units"
fi
: >"$root/etc/services"
: >"$root/etc/protocols"
printf 'not a snapshot\n' >"$root/var/lib/nss-iana/services.db"
in_root dpkg -i /nss-iana-test/pkg.deb >/dev/null || fatal "dpkg -i without /etc/services"
cmp -s "$root/var/lib/nss-iana/services.db" "$root/usr/share/nss-iana/services.db" ||
	fatal "without a services file the packaged snapshot did not go in as built"

echo "== an administrator's edit, then an upgrade that must not undo it"
echo "# local: site policy, keep" >>"$root/etc/nsswitch.conf"
sed -i '/^services:/s/ iana / /; /^protocols:/s/ iana / /' "$root/etc/nsswitch.conf"
cp "$root/etc/nsswitch.conf" "$tmp/edited.conf"
{ cat "$tmp/nsswitch.conf"; echo "# local: site policy, keep"; } | cmp -s - "$tmp/edited.conf" ||
	fatal "the package's edit was not just iana before files"
in_root dpkg -i /nss-iana-test/pkg.deb >/dev/null || fatal "dpkg -i over the installed package"
cmp -s "$root/etc/nsswitch.conf" "$tmp/edited.conf" ||
	fatal "reinstalling put iana back after the administrator took it out"
sed -i '/^services:/s/ files/ iana files/; /^protocols:/s/ files/ iana files/' "$root/etc/nsswitch.conf"

echo "== dpkg -r"
in_root dpkg -r libnss-iana || fatal "dpkg -r"
cmp "$root/etc/nsswitch.conf" "$tmp/edited.conf" ||
	fatal "after removal nsswitch.conf is not the original plus the administrator's line"
[ ! -e "$root/usr/lib/x86_64-linux-gnu/libnss_iana.so.2" ] &&
	[ ! -e "$root/usr/bin/nss-iana" ] || fatal "dpkg -r left the module or the tool"
in_root getent services https >/dev/null && fatal "https still resolves after removal"
in_root getent protocols tcp >/dev/null && fatal "tcp still resolves after removal"

echo "== dpkg -i after dpkg -r (config-files state), then dpkg -r again"
in_root dpkg -i /nss-iana-test/pkg.deb >/dev/null || fatal "dpkg -i after removal"
grep -Eq '^services:[[:space:]]+db iana files$' "$root/etc/nsswitch.conf" ||
	fatal "installing again after a removal did not enable iana"
in_root getent services https >/dev/null || fatal "https does not resolve after reinstalling"
in_root dpkg -r libnss-iana >/dev/null || fatal "dpkg -r"
cmp "$root/etc/nsswitch.conf" "$tmp/edited.conf" || fatal "second removal: nsswitch.conf differs"

echo "== dpkg -P"
in_root dpkg -P libnss-iana || fatal "dpkg -P"
cmp -s "$root/etc/nsswitch.conf" "$tmp/edited.conf" || fatal "purge changed nsswitch.conf"
[ ! -e "$root/var/lib/nss-iana" ] || fatal "purge left /var/lib/nss-iana"
[ ! -e "$root/etc/default/nss-iana" ] || fatal "purge left /etc/default/nss-iana"
[ ! -e "$root/etc/nsswitch.conf.nss.libnss-iana-will-install" ] ||
	fatal "purge left dh_installnss's mark"
in_root dpkg -s libnss-iana >/dev/null 2>&1 && fatal "dpkg still knows libnss-iana after purge"

echo "== a system without /etc/nsswitch.conf: install and purge still work"
rm -f "$root/etc/nsswitch.conf"
in_root dpkg -i /nss-iana-test/pkg.deb >/dev/null 2>&1 || fatal "dpkg -i without nsswitch.conf"
in_root dpkg -P libnss-iana >/dev/null 2>&1 || fatal "dpkg -P without nsswitch.conf"
[ ! -e "$root/etc/nsswitch.conf" ] || fatal "the package created an nsswitch.conf"
[ ! -e "$root/etc/nsswitch.conf.nss.libnss-iana-will-install" ] ||
	fatal "purge without nsswitch.conf left dh_installnss's mark"
exit 0
INSIDE

TEST_NAME=test_deb.sh unshare -m sh "$tmp/inside.sh" "$tmp" "$DEB" "$repo"
case $? in
0) pass; echo "test_deb: install, getent, autopkgtest, upgrade, remove, purge: ok" ;;
77) skip "the throwaway root cannot be made (see above)" ;;
*) fail "the package in a throwaway root (see above)" ;;
esac
finish
