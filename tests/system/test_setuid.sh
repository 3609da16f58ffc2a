#!/bin/sh
# NSS_IANA_DB is ignored in secure mode: a user cannot point a setuid
# program at a snapshot of their own.
#
# tests/lib/setuid_query.c (it loads the module by absolute path, since a setuid
# program ignores LD_LIBRARY_PATH, and calls _nss_iana_getservbyname_r) is
# copied twice into a fresh tmpfs of a private mount namespace (so no
# nosuid mount gets in the way and nothing outside changes): once plain,
# once setuid root.  Both run as nobody (setpriv) with NSS_IANA_DB naming
# nobody's own snapshot, which serves "userservice".  The module's default
# path gets a root snapshot serving "rootservice", on a tmpfs in the same
# namespace.
#   plain:  secure=0, answers userservice from the user's file (control);
#   setuid: secure=1, the variable is in its environment, yet userservice is
#           not found and rootservice is: the default file was read.
set -u
. tests/lib/lib.sh
need_namespaces
command -v setpriv >/dev/null || fatal "setpriv (util-linux) is missing"
HELPER=$PWD/$BUILD/tests/setuid_query
MODULE=$PWD/$BUILD/libnss_iana.so.2
TOOL=$PWD/$BUILD/nss-iana
[ -x "$HELPER" ] && [ -f "$MODULE" ] && [ -x "$TOOL" ] || fatal "build first: $HELPER, $MODULE"
# The default path compiled into the module (Makefile DB_PATH).
DB_PATH=${DB_PATH:-/var/lib/nss-iana/services.db}
strings -a "$MODULE" 2>/dev/null | grep -qxF "$DB_PATH" ||
	grep -qaF "$DB_PATH" "$MODULE" || fatal "$MODULE does not default to $DB_PATH; set DB_PATH"

work=$(mktemp -d)
chmod 755 "$work" # nobody runs the programs in it
trap 'rm -rf "$work"' EXIT
printf 'Service Name,Port Number,Transport Protocol\nuserservice,4242,tcp\n' >"$work/user.csv"
printf 'Service Name,Port Number,Transport Protocol\nrootservice,4343,tcp\n' >"$work/root.csv"
"$TOOL" compile "$work/user.csv" -o "$work/user.db" >/dev/null || fatal "compile user.db"
"$TOOL" compile "$work/root.csv" -o "$work/root.db" >/dev/null || fatal "compile root.db"

# Everything below runs as root inside the namespace; its mounts vanish
# with it.  Output: one line per run, "plain: ..." and "setuid: ...".
out=$(unshare -m sh -eu -s "$work" "$HELPER" "$MODULE" "$DB_PATH" <<'NAMESPACE' 2>&1
work=$1 helper=$2 module=$3 db=$4
mount --make-rprivate /
bin=$work/bin
mkdir "$bin"
mount -t tmpfs -o mode=755,size=16m tmpfs "$bin"
cp "$helper" "$bin/plain_query"
cp "$helper" "$bin/suid_query"
cp "$module" "$bin/libnss_iana.so.2"
chown root:root "$bin/plain_query" "$bin/suid_query" "$bin/libnss_iana.so.2"
chmod 0755 "$bin/plain_query"
chmod 4755 "$bin/suid_query"
chmod 0644 "$bin/libnss_iana.so.2"
mkdir "$bin/home"
cp "$work/user.db" "$bin/home/user.db"
chown -R nobody "$bin/home"
# The default snapshot: a tmpfs over its directory, or over the parent
# when the directory does not exist (it need not, on a build machine).
dir=$(dirname "$db")
if [ -d "$dir" ]; then
	mount -t tmpfs -o mode=755,size=4m tmpfs "$dir"
else
	mount -t tmpfs -o mode=755,size=4m tmpfs "$(dirname "$dir")"
	mkdir "$dir"
fi
cp "$work/root.db" "$db"
chmod 0644 "$db"
as_nobody() { NSS_IANA_DB=$bin/home/user.db setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
echo "plain: $(as_nobody "$bin/plain_query" "$bin/libnss_iana.so.2" userservice)"
echo "setuid: $(as_nobody "$bin/suid_query" "$bin/libnss_iana.so.2" userservice)"
echo "setuid-default: $(as_nobody "$bin/suid_query" "$bin/libnss_iana.so.2" rootservice)"
NAMESPACE
)
echo "$out"
expect() {
	echo "$out" | grep -qxF "$1" || fatal "expected the line '$1'"
}
# NSS status: 1 success, 0 not found.
expect "plain: secure=0 env=1 status=1 name=userservice port=4242"
expect "setuid: secure=1 env=1 status=0"
expect "setuid-default: secure=1 env=1 status=1 name=rootservice port=4343"
echo "setuid: NSS_IANA_DB ignored in secure mode; default snapshot used"
