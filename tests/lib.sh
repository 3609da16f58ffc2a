# Shared by the tests/test_*.sh scripts (sourced).  tests/run.sh exports
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
