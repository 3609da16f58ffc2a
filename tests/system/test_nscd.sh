#!/bin/sh
# nss-iana beside a real nscd, in a private mount namespace: nscd gets its
# own socket directory, nscd.conf and nsswitch.conf (`services: iana`), so
# the host's caches are never touched.  What it shows:
#   - programs get answers from nscd, which asks the module (getent here
#     runs without the module on its library path, so only nscd can answer);
#   - `nss-iana update` invalidates nscd's services cache and says so, after
#     which the new registry answers;
#   - a snapshot replaced any other way is not seen through nscd until its
#     cache is invalidated (`nscd -i services`) or the answer expires.
set -eu
. tests/lib/lib.sh
need_namespaces
command -v nscd >/dev/null || fatal "nscd is not installed (install/setup.sh check installs it)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'Service Name,Port Number,Transport Protocol\ncached-svc,1111,tcp\n' >"$work/old.csv"
printf 'Service Name,Port Number,Transport Protocol\ncached-svc,2222,tcp\n' >"$work/new.csv"
printf 'Service Name,Port Number,Transport Protocol\ncached-svc,3333,tcp\n' >"$work/third.csv"
"$BUILD/nss-iana" compile "$work/old.csv" -o "$work/services.db" >/dev/null
printf 'services: iana\n' >"$work/nsswitch.conf"
cat >"$work/nscd.conf" <<'CONF'
	enable-cache		passwd		no
	enable-cache		group		no
	enable-cache		hosts		no
	enable-cache		netgroup	no
	enable-cache		services	yes
	positive-time-to-live	services	600
	negative-time-to-live	services	20
	check-files		services	no
	persistent		services	no
	shared			services	yes
CONF
mkdir "$work/run"

NSS_IANA_DB="$work/services.db" LD_LIBRARY_PATH="$MODULE_DIR" \
unshare -m sh -eu -c '
	work=$1 build=$2
	# /run/nscd comes from systemd-tmpfiles at boot: a container or a fresh
	# /run lacks it, so a private /run holds the one nscd gets here.
	if [ ! -d /run/nscd ]; then
		mount -t tmpfs -o size=64k,mode=755 tmpfs /run && mkdir /run/nscd
	fi
	mount --bind "$work/run" /run/nscd
	mount --bind "$work/nsswitch.conf" /etc/nsswitch.conf
	mount --bind "$work/nscd.conf" /etc/nscd.conf
	nscd
	trap "nscd -K 2>/dev/null || true" EXIT
	ask() { env -u LD_LIBRARY_PATH getent services cached-svc | tr -s " " || true; }
	i=0; while [ ! -S /run/nscd/socket ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	echo "first answer: $(ask)"
	"$build/nss-iana" update --file "$work/new.csv" --db "$work/services.db" >"$work/update.out" 2>&1
	echo "after nss-iana update: $(ask)"
	"$build/nss-iana" compile "$work/third.csv" -o "$work/services.db" >/dev/null
	sleep 0.1
	echo "after compile -o over it: $(ask)"
	nscd -i services
	echo "after nscd -i services: $(ask)"
' sh "$work" "$BUILD" >"$work/log" 2>&1 || { cat "$work/log"; fatal "the namespace script failed"; }
cat "$work/log"
echo "-- nss-iana update said:"; cat "$work/update.out"

grep -q '^first answer: cached-svc 1111/tcp$' "$work/log" ||
	fatal "nscd did not answer from the module"
grep -qi 'nscd' "$work/update.out" || fatal "nss-iana update did not say it invalidated nscd"
grep -q '^after nss-iana update: cached-svc 2222/tcp$' "$work/log" ||
	fatal "after nss-iana update nscd still answers from its cache"
grep -q '^after compile -o over it: cached-svc 2222/tcp$' "$work/log" ||
	fatal "nscd was expected to keep its cached answer until invalidated"
grep -q '^after nscd -i services: cached-svc 3333/tcp$' "$work/log" ||
	fatal "nscd -i services did not bring the new snapshot's answer"
echo "ok: nscd caches services; nss-iana update invalidates it"
