#!/bin/sh
# install/nss-iana-update.service, sandbox and all, run by a real systemd:
# a `debootstrap --variant=minbase` bookworm root with systemd, nscd and
# `make install DESTDIR=` of this tree is booted with systemd-nspawn; there
# the unit updates from a local HTTP server (a drop-in points it there and
# turns the services(5) export on), with nscd running.  Checks that the
# update succeeds, installs the XML's snapshot, invalidates nscd's cache and
# writes the export, and that the sandbox was in force (no capabilities,
# no new privileges, a seccomp filter, a read-only /etc, no packet sockets).
# Run by hand, as root, not by CI: it needs debootstrap, systemd-nspawn
# (systemd-container) and the Debian mirror, and a few minutes.
#
#   sh tests/nspawn_update_unit.sh
#
# Environment: ROOT (default: a new directory under /var/tmp; an existing
# root with bin/systemctl is reused), MIRROR, REGISTRY_XML (default
# ../shared/iana/service-names-port-numbers.xml), KEEP=1 to keep the root.
set -u
say() { echo "nspawn_update_unit: $*"; }
die() { echo "nspawn_update_unit: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root"
command -v debootstrap >/dev/null || die "debootstrap is not installed"
command -v systemd-nspawn >/dev/null || die "systemd-nspawn is not installed (apt-get install systemd-container)"
cd "$(dirname -- "$0")/.." || exit 1
xml=${REGISTRY_XML:-../shared/iana/service-names-port-numbers.xml}
[ -f "$xml" ] || die "no registry XML at $xml: set REGISTRY_XML"
csv=${CSV:-../shared/iana/service-names-port-numbers.csv}
[ -f "$csv" ] || die "no registry CSV at $csv: set CSV"

if [ -n "${ROOT:-}" ]; then root=$ROOT KEEP=1; mkdir -p "$root"; else
	root=$(mktemp -d /var/tmp/nss-iana-nspawn.XXXXXX)
fi
chmod 755 "$root"
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$root"' EXIT

if [ ! -x "$root/bin/systemctl" ]; then
	say "debootstrap into $root"
	nice debootstrap --variant=minbase \
		--include=systemd,systemd-sysv,dbus,curl,ca-certificates,libexpat1,nscd,python3 \
		bookworm "$root" "${MIRROR:-http://deb.debian.org/debian}" >"$root.debootstrap.log" 2>&1 ||
		die "debootstrap failed: see $root.debootstrap.log"
	rm -f "$root.debootstrap.log"
fi

say "make install DESTDIR=$root (the registry CSV: the update must bring the XML)"
nice make -s >/dev/null && make -s install DESTDIR="$root" REGISTRY="$csv" >/dev/null ||
	die "make install DESTDIR=$root failed"
mkdir -p "$root/srv" && cp "$xml" "$root/srv/registry.xml" || die "copying the registry"
units=$root/etc/systemd/system
mkdir -p "$units/nss-iana-update.service.d" "$units/multi-user.target.wants"
sed -i 's|^NSS_IANA_SERVICES_EXPORT=.*|NSS_IANA_SERVICES_EXPORT=/var/lib/nss-iana/services|' \
	"$root/etc/default/nss-iana"
# The drop-in changes where the registry comes from, nothing of the sandbox;
# its ExecStartPre reports what the sandbox left the service.
cat >"$units/nss-iana-update.service.d/local.conf" <<'EOF'
[Service]
ExecStartPre=/bin/sh -c 'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status; touch /etc/probe || echo "etc: read-only"; python3 -c "import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)" 2>/dev/null || echo "packet sockets: refused"'
ExecStart=
ExecStart=nss-iana update --url http://127.0.0.1:8000/registry.xml --export-services=${NSS_IANA_SERVICES_EXPORT}
EOF
cat >"$units/registry-server.service" <<'EOF'
[Service]
ExecStart=/usr/bin/python3 -m http.server 8000 --bind 127.0.0.1 --directory /srv
EOF
cat >"$units/update-probe.service" <<'EOF'
[Unit]
Requires=registry-server.service
After=registry-server.service nscd.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'sleep 2; systemctl start nss-iana-update.service; systemctl show -p Result nss-iana-update.service >/root/probe; journalctl -b -u nss-iana-update.service --no-pager -o cat >>/root/probe; nss-iana verify >>/root/probe 2>&1; systemctl poweroff'
[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/update-probe.service "$units/multi-user.target.wants/"
rm -f "$root/root/probe"

say "booting it (systemd-nspawn -b)"
started=$(date +%s)
timeout 300 systemd-nspawn -q -D "$root" -b --register=no --keep-unit >"$root/root/boot.log" 2>&1
say "booted, updated and powered off in $(($(date +%s) - started)) s"
[ -f "$root/root/probe" ] || { tail -n 30 "$root/root/boot.log"; die "the probe did not run"; }
cat "$root/root/probe"

failed=0
expect() { # expect PATTERN WHAT
	if grep -qE -e "$1" "$root/root/probe"; then say "ok: $2"; else
		say "FAIL: $2"; failed=$((failed + 1))
	fi
}
expect '^Result=success$' "the unit succeeded"
expect '^CapEff:[[:space:]]+0+$' "no capabilities"
expect '^NoNewPrivs:[[:space:]]+1$' "no new privileges"
expect '^Seccomp:[[:space:]]+2$' "a system-call filter"
expect '^etc: read-only$' "/etc read-only"
expect '^packet sockets: refused$' "no packet sockets"
expect '^installed /var/lib/nss-iana/services.db' "the download installed"
expect "invalidated its services cache" "nscd's cache invalidated"
expect '^wrote the services\(5\) export /var/lib/nss-iana/services$' "the export written"
expect 'services.db: ok, .*registry updated [0-9]{4}-' "the XML's snapshot, verified"
say "$failed check(s) failed"
[ "$failed" -eq 0 ]
