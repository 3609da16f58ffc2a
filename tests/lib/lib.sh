# Shared by the tests/system/test_*.sh scripts (sourced).  tests/run.sh exports
# BUILD (build directory), CSV (the registry) and MODULE_DIR (where glibc
# finds libnss_iana.so.2).
: "${BUILD:=build}" "${CSV:=../shared/iana/service-names-port-numbers.csv}"
: "${MODULE_DIR:=$PWD/$BUILD}"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Private mount namespaces need root; CI and the README's test command run
# as root, so anything else is a setup error, not a reason to skip.
need_root_namespace() {
	[ "$(id -u)" -eq 0 ] || fail "must run as root (unshare -m, mount --bind)"
	unshare -m true || fail "unshare -m does not work here"
}

# Run inside each private mount namespace before any lookup: a host nscd's
# socket would otherwise answer glibc's lookups from the host's
# nsswitch.conf, and a comparison of two backends would compare nscd with
# itself.  An empty /run/nscd makes glibc go to the NSS modules.
HIDE_NSCD='if [ -d /run/nscd ]; then mount -t tmpfs -o size=64k tmpfs /run/nscd; fi'
