#!/bin/sh
# The systemd units in install/: nss-iana-update.service's sandbox, as
# `systemd-analyze security` rates it offline, stays at an exposure of 2.0
# or below ("OK"), with the memory bound and the access the update needs.
# The units must also pass `systemd-analyze verify` (test_deb.sh, on the
# installed package).
set -u
. tests/lib/lib.sh
command -v systemd-analyze >/dev/null 2>&1 ||
	skip "systemd-analyze is not installed (the systemd package; install/setup.sh check installs it)"
unit=install/nss-iana-update.service
W=$(mktemp -d) || fatal "mktemp"
trap 'rm -rf "$W"' EXIT
THRESHOLD=2.0

# --offline reads the file alone, as it would be installed; the unit's
# ExecStart names a command that need not be installed here.
cp "$unit" "$W/" || fatal "copying $unit"
(cd "$W" && systemd-analyze security --offline=yes --no-pager nss-iana-update.service) \
	>"$W/security" 2>&1
level=$(sed -n 's/.*Overall exposure level for nss-iana-update.service: \([0-9.]*\).*/\1/p' "$W/security")
if [ -z "$level" ]; then
	cat "$W/security"
	fail "systemd-analyze security gave no exposure level"
elif awk -v level="$level" -v max="$THRESHOLD" 'BEGIN { exit !(level <= max) }'; then
	pass; echo "systemd-analyze security: exposure $level (at most $THRESHOLD)"
else
	grep '✗' "$W/security"
	fail "systemd-analyze security rates the unit $level, above $THRESHOLD"
fi

# What the update needs, so that the sandbox cannot be tightened past use.
setting() { sed -n "s/^$1=//p" "$unit"; }
has_word() { case " $1 " in *" $2 "*) return 0 ;; *) return 1 ;; esac; }
for family in AF_INET AF_INET6 AF_UNIX; do
	if has_word "$(setting RestrictAddressFamilies)" "$family"; then pass; else
		fail "RestrictAddressFamilies lacks $family (curl, nscd's socket)"
	fi
done
if has_word "$(setting ReadWritePaths)" /var/lib/nss-iana; then pass; else
	fail "ReadWritePaths lacks /var/lib/nss-iana, where the snapshot is replaced"
fi
case $(setting MemoryMax) in
[0-9]*[KMG]) pass ;;
*) fail "no MemoryMax= bound (got '$(setting MemoryMax)')" ;;
esac
case $(setting PrivateNetwork) in
yes | true | 1 | on) fail "PrivateNetwork= would cut curl off the registry" ;;
*) pass ;;
esac
finish
