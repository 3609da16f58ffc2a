# Packaging rules, included by the top Makefile.
#
#   make deb         dpkg-buildpackage -us -uc -b; the .deb and friends are
#                    moved from the parent directory into build-deb/
#   make deb-check   make deb, then tests/system/test_deb.sh on that .deb: install
#                    into a throwaway root, getent, remove, purge
#
# debian/rules compiles in build-deb/build, so neither touches build/.
# Everything below is evaluated only when a target here runs: a plain
# `make` never calls dpkg-parsechangelog.

DEB_OUT     := build-deb
DEB_VERSION  = $(shell dpkg-parsechangelog -SVersion)
DEB_ARCH     = $(shell dpkg-architecture -qDEB_HOST_ARCH)
DEB_PACKAGE  = $(DEB_OUT)/libnss-iana_$(DEB_VERSION)_$(DEB_ARCH).deb

# The registry is a prerequisite: the top Makefile downloads it into data/
# when there is no shared copy, since the package build itself must not.
# Missing build dependencies are named, with the command that installs
# them all, before dpkg-buildpackage starts.
deb: $(CSV) $(PROTOCOLS_CSV)
	@command -v dpkg-checkbuilddeps >/dev/null 2>&1 || { \
		echo "make deb: dpkg-dev is not installed; as root: apt-get build-dep ./" >&2; exit 1; }
	@dpkg-checkbuilddeps || { \
		echo "make deb: install the build dependencies above first; as root, here: apt-get build-dep ./" >&2; \
		exit 1; }
	CSV="$(CSV)" PROTOCOLS_CSV="$(PROTOCOLS_CSV)" dpkg-buildpackage -us -uc -b
	mkdir -p $(DEB_OUT)
	cd .. && mv -f libnss-iana_$(DEB_VERSION)_$(DEB_ARCH).deb \
		libnss-iana_$(DEB_VERSION)_$(DEB_ARCH).buildinfo \
		libnss-iana_$(DEB_VERSION)_$(DEB_ARCH).changes \
		$(CURDIR)/$(DEB_OUT)/
	-cd .. && mv -f libnss-iana-dbgsym_$(DEB_VERSION)_$(DEB_ARCH).deb $(CURDIR)/$(DEB_OUT)/ 2>/dev/null
	debian/rules clean
	@echo "built $(DEB_PACKAGE)"

deb-lintian: deb
	lintian --info --display-info $(DEB_OUT)/libnss-iana_$(DEB_VERSION)_$(DEB_ARCH).changes

deb-check: deb
	DEB=$(DEB_PACKAGE) CSV="$(CSV)" PROTOCOLS_CSV="$(PROTOCOLS_CSV)" sh tests/system/test_deb.sh

.PHONY: deb deb-lintian deb-check
