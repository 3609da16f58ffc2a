#!/bin/sh
# The Debian package, end to end: build it (or take $DEB, as `make deb-check`
# does), install it with `dpkg -i` into a throwaway root, check that
# `getent services https` answers from the module through nsswitch.conf,
# then remove and purge it and check that nsswitch.conf is back as it was,
# with the edit an administrator made meanwhile kept.
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
	# A copy, so the build leaves this tree (and the directory above it,
	# where dpkg-buildpackage writes) alone, whoever else builds here.
	mkdir "$tmp/src"
	tar -C "$repo" --exclude=./.git --exclude=./build --exclude='./build-*' \
		--exclude=./debian/libnss-iana --exclude=./debian/.debhelper \
		--exclude=./data/service-names-port-numbers.csv -cf - . |
		tar -C "$tmp/src" -xf - || fatal "copying the source tree"
	if ! (cd "$tmp/src" && CSV=$csv DEB_BUILD_OPTIONS=nocheck \
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
	lintian --fail-on error "$DEB" >"$tmp/lintian.log" 2>&1 ||
		{ cat "$tmp/lintian.log" >&2; fatal "lintian reports errors"; }
	echo "lintian: no errors ($(grep -c '^[WI]:' "$tmp/lintian.log") warnings and infos)"
else
	echo "lintian: not installed, not run"
fi

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
tmp=$1 deb=$2
root=$tmp/root
. "$3/tests/lib/lib.sh"
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
rm -f "$root/var/lib/misc/services.db"
mkdir -p "$root/nss-iana-test" && cp "$deb" "$root/nss-iana-test/pkg.deb" &&
	cp "$tmp/small.csv" "$root/nss-iana-test/small.csv" &&
	cp "$tmp/old.deb" "$root/nss-iana-test/old.deb" || fatal "copying into the root"
# man-db's trigger rebuilds its index on every dpkg run; not needed here.
rm -f "$root/var/lib/man-db/auto-update"

in_root getent services https >/dev/null &&
	fatal "https resolves before the package is installed: the test cannot tell who answers"

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
cmp -s "$root/var/lib/nss-iana/services.db" "$root/usr/share/nss-iana/services.db" ||
	fatal "the upgrade did not replace the older package's snapshot with its own"
in_root nss-iana verify /var/lib/nss-iana/services.db >/dev/null ||
	fatal "nss-iana verify rejects the installed snapshot"
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

echo "== an administrator's edit, then an upgrade that must not undo it"
echo "# local: site policy, keep" >>"$root/etc/nsswitch.conf"
in_root sh /usr/libexec/nss-iana/nss-iana-disable /etc/nsswitch.conf >/dev/null ||
	fatal "nss-iana-disable"
cp "$root/etc/nsswitch.conf" "$tmp/edited.conf"
{ cat "$tmp/nsswitch.conf"; echo "# local: site policy, keep"; } | cmp -s - "$tmp/edited.conf" ||
	fatal "enable then disable did not give back the original nsswitch.conf"
in_root dpkg -i /nss-iana-test/pkg.deb >/dev/null || fatal "dpkg -i over the installed package"
cmp -s "$root/etc/nsswitch.conf" "$tmp/edited.conf" ||
	fatal "reinstalling put iana back after the administrator took it out"
in_root sh /usr/libexec/nss-iana/nss-iana-enable /etc/nsswitch.conf >/dev/null ||
	fatal "nss-iana-enable"

echo "== dpkg -r"
in_root dpkg -r libnss-iana || fatal "dpkg -r"
cmp "$root/etc/nsswitch.conf" "$tmp/edited.conf" ||
	fatal "after removal nsswitch.conf is not the original plus the administrator's line"
[ ! -e "$root/usr/lib/x86_64-linux-gnu/libnss_iana.so.2" ] &&
	[ ! -e "$root/usr/bin/nss-iana" ] || fatal "dpkg -r left the module or the tool"
in_root getent services https >/dev/null && fatal "https still resolves after removal"

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
[ ! -e "$root/etc/nsswitch.conf.nss-iana.bak" ] || fatal "purge left nsswitch.conf.nss-iana.bak"
in_root dpkg -s libnss-iana >/dev/null 2>&1 && fatal "dpkg still knows libnss-iana after purge"

echo "== a system without /etc/nsswitch.conf: install and purge still work"
rm -f "$root/etc/nsswitch.conf"
in_root dpkg -i /nss-iana-test/pkg.deb >/dev/null 2>&1 || fatal "dpkg -i without nsswitch.conf"
in_root dpkg -P libnss-iana >/dev/null 2>&1 || fatal "dpkg -P without nsswitch.conf"
[ ! -e "$root/etc/nsswitch.conf" ] || fatal "the package created an nsswitch.conf"
exit 0
INSIDE

TEST_NAME=test_deb.sh unshare -m sh "$tmp/inside.sh" "$tmp" "$DEB" "$repo"
status=$?
[ "$status" -eq 0 ] && echo "test_deb: install, getent, upgrade, remove, purge: ok"
exit "$status"
