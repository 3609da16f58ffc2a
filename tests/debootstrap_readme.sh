#!/bin/sh
# The README's two commands, as a newcomer meets them: on a fresh
# `debootstrap --variant=minbase bookworm` root (the usual base of
# containers), with only what the README says to install first (git), a
# clone of this repository and ../shared/iana beside it.  Run by hand, as
# root, not by CI: it takes as long as the whole suite and needs the Debian
# mirror.
#
#   sh tests/debootstrap_readme.sh [install|check ...]   default: install check
#
# Environment:
#   ROOT    where the root is built (default: a new directory under /var/tmp);
#           an existing root (with bin/sh) is reused as it is
#   MIRROR  the Debian mirror (default: http://deb.debian.org/debian)
#   SHARED  the folder whose iana/ goes beside the clone (default: ../shared)
#   KEEP=1  keep the root afterwards (a root given as ROOT is always kept)
#
# The clone is of the committed HEAD of this repository (a git bundle), not
# of the working tree.  Everything runs in a private mount namespace: the
# root gets /proc, /sys and /dev there, and is a mount point itself so that
# the suite's own `unshare -m` and `mount --make-rprivate /` work inside.
# Ends with each step's result and duration; exits non-zero if any failed.
set -u

say() { echo "debootstrap_readme: $*"; }
die() { echo "debootstrap_readme: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, chroot and mount need it)"
command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
repo=$(cd "$(dirname -- "$0")/.." && pwd)
shared=$(cd "${SHARED:-$repo/../shared}" 2>/dev/null && pwd) ||
	die "no ${SHARED:-../shared} beside the repository: set SHARED"
[ -d "$shared/iana" ] || die "$shared/iana does not exist"
[ $# -gt 0 ] || set -- install check
for command; do
	case $command in install | check) ;; *) die "usage: $0 [install|check ...]" ;; esac
done

if [ -n "${ROOT:-}" ]; then
	root=$ROOT KEEP=1
	mkdir -p "$root"
else
	root=$(mktemp -d /var/tmp/nss-iana-minbase.XXXXXX)
fi
# It becomes /: mktemp's 0700 would keep every other user out of the
# whole system (the suite runs programs as nobody).
chmod 755 "$root"
root=$(cd "$root" && pwd)
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$root"' EXIT
say "root: $root"

summary=
failed=0
# Runs a step, timing it; a failed step is noted and the next ones still run.
step() {
	name=$1; shift
	say "== $name"
	started=$(date +%s)
	"$@"
	status=$?
	seconds=$(($(date +%s) - started))
	if [ $status -eq 0 ]; then result=passed; else result="FAILED (exit $status)"; failed=$((failed + 1)); fi
	say "$name: $result in $seconds s"
	summary="$summary$(printf '  %-36s %-18s %6s s' "$name" "$result" "$seconds")
"
	return $status
}

make_root() {
	if [ -x "$root/bin/sh" ]; then
		say "reusing the root in $root"
		return 0
	fi
	nice debootstrap --variant=minbase bookworm "$root" "${MIRROR:-http://deb.debian.org/debian}"
}

# The clone's source: the committed HEAD, as a bundle the root can read.
place_sources() {
	rm -rf "$root/root/shared" "$root/root/nss-iana" "$root/root/nss-iana.bundle" &&
		git -C "$repo" bundle create "$root/root/nss-iana.bundle" HEAD &&
		mkdir -p "$root/root/shared" && cp -a "$shared/iana" "$root/root/shared/"
}

# Runs a shell command as root inside the root, in a private mount namespace.
in_root() {
	unshare -m --propagation private sh -euc '
		root=$1; shift
		mount --bind "$root" "$root"
		mount -t proc proc "$root/proc"
		mount --rbind /sys "$root/sys"
		mount --rbind /dev "$root/dev"
		exec chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			sh -euc "cd /root && $*"
	' sh "$root" "$*"
}

# What the README says before the two commands: install git, clone.
clone() {
	in_root 'DEBIAN_FRONTEND=noninteractive apt-get update -q &&
		DEBIAN_FRONTEND=noninteractive apt-get install -q -y git &&
		git clone -q nss-iana.bundle nss-iana && git -C nss-iana log --oneline -1'
}

step "debootstrap --variant=minbase" make_root || { printf '%s' "$summary"; exit 1; }
step "bundle the repository" place_sources || { printf '%s' "$summary"; exit 1; }
step "apt-get install git; git clone" clone || { printf '%s' "$summary"; exit 1; }
installed=
for command; do
	[ "$command" = install ] && installed=yes
	step "setup.sh $command" in_root "cd nss-iana && nice sh install/setup.sh $command"
done
# What the README shows after `install`, checked line by line.
if [ -n "$installed" ]; then
	step "README: getent services https" in_root 'getent services https 6010/tcp www |
		tee /dev/stderr | tr -s " " | grep -qx "https 443/tcp"'
	step "README: nss-iana show --contact" in_root 'nss-iana show --contact IETF_Chair |
		head -n 9 | tee /dev/stderr | grep -qx "  Name              IETF Chair"'
	step "README: nss-iana verify" in_root 'nss-iana verify | tee /dev/stderr |
		grep -q "^/var/lib/nss-iana/services.db: ok, .*, registry updated [0-9-]*, "'
fi

say "summary:"
printf '%s' "$summary"
say "$failed step(s) failed"
[ "$failed" -eq 0 ]
