# nss-iana: the glibc NSS module libnss_iana.so.2 and the nss-iana tool.
#
#   make                 build the module, the tool and the snapshot
#   make check           build and run the whole test suite (as root)
#   make check-unit      the unit suites only, as any user
#   make install         install, compile the snapshot, enable in nsswitch.conf
#   make uninstall       disable and remove
#   make check-asan | check-tsan | check-valgrind | fuzz | bench | deb
#
# The registry CSV: CSV=path, else ../shared/iana/ if present, else IANA's
# published file, downloaded once into data/.  `make install` compiles
# REGISTRY (CSV or XML): by default IANA's XML where it sits beside the
# clone (its contact table names the people behind [IETF_Chair]), else the
# CSV; a CSV= given on the command line or in the environment is used as is.
# The protocol numbers registry likewise (PROTOCOLS_CSV=path).

CC        ?= gcc
BUILD     ?= build
SAN       ?=
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
LIBDIR    ?= /lib/$(MULTIARCH)
SYSCONFDIR ?= /etc
SYSTEMDUNITDIR ?= /lib/systemd/system
DB_PATH   ?= /var/lib/nss-iana/services.db
DESTDIR   ?=
VERSION   := 1.0.0

IANA_URL  := https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.csv
SHARED_CSV := ../shared/iana/service-names-port-numbers.csv
CSV       ?= $(if $(wildcard $(SHARED_CSV)),$(SHARED_CSV),data/service-names-port-numbers.csv)
SHARED_XML := ../shared/iana/service-names-port-numbers.xml
csv_given := $(or $(findstring command,$(origin CSV)),$(findstring environment,$(origin CSV)))
REGISTRY  ?= $(if $(csv_given),$(CSV),$(firstword $(wildcard $(SHARED_XML) data/service-names-port-numbers.xml) $(CSV)))
# The protocol numbers registry, for the protocols database: the same rule.
PROTOCOLS_URL := https://www.iana.org/assignments/protocol-numbers/protocol-numbers-1.csv
SHARED_PROTOCOLS_CSV := ../shared/iana/protocol-numbers-1.csv
PROTOCOLS_CSV ?= $(if $(wildcard $(SHARED_PROTOCOLS_CSV)),$(SHARED_PROTOCOLS_CSV),data/protocol-numbers-1.csv)

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
SAN_asan  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_tsan  := -fsanitize=thread
CFLAGS    ?= -O2 -g
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE -fPIC $(WARN) $(CFLAGS) $(SAN_$(SAN)) -Inss_iana \
	$(if $(SAN),-DNSS_IANA_SANITIZED) \
	-DNSS_IANA_DEFAULT_DB='"$(DB_PATH)"' -DNSS_IANA_VERSION='"$(VERSION)"'
ALL_LDFLAGS := $(LDFLAGS) $(SAN_$(SAN))

# The folders of nss_iana/ are the architecture: module/ (the entry points,
# loaded into every process), reader/ (the mapped snapshot, shared by the
# module and the tool), compiler/ (input readers, registry rules, writer)
# and tool/ (the nss-iana commands).  The module links only module/ and
# reader/.
MODULE_SRCS := $(wildcard nss_iana/module/*.c) nss_iana/reader/snapshot.c nss_iana/reader/proto_snapshot.c
# Everything the tool needs but its main(); tests link this archive too.
TOOL_SRCS   := $(filter-out nss_iana/tool/main.c,$(wildcard nss_iana/reader/*.c nss_iana/compiler/*.c nss_iana/tool/*.c))
# The XML reader's parser: the tool's alone, never the module's.
TOOL_LIBS   := -lexpat

MODULE := $(BUILD)/libnss_iana.so.2
TOOL   := $(BUILD)/nss-iana
TOOLLIB := $(BUILD)/libnssiana_tool.a
SNAPSHOT := $(BUILD)/services.db

objs = $(patsubst %.c,$(BUILD)/%.o,$(1))
HEADERS := $(wildcard nss_iana/*.h nss_iana/*/*.h)
# Each compilation writes TARGET.d: the headers (and included .c files) it
# read, so that changing one rebuilds exactly what depends on it; -MP keeps
# make going when a header is deleted.
DEPFLAGS = -MMD -MP -MF $@.d -MT $@
# A target built before it had a .d file depends on every header instead.
.SECONDEXPANSION:
headers_unless_deps = $$(if $$(wildcard $$@.d),,$$(HEADERS) $$(wildcard tests/lib/*.h))

all: $(MODULE) $(TOOL) $(SNAPSHOT)

$(BUILD)/%.o: %.c $(headers_unless_deps)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

# The module's objects are its own, built for the lookup path: hidden
# symbols and link-time optimization let a lookup's small steps (reader,
# mapping, answer writer: several files) inline into each entry point, so
# that one call runs fewer calls and touches fewer code lines: 10 to 25 ns
# less per protocols lookup called directly, measured beside the floor
# module on one machine.
MODULE_CFLAGS := -fvisibility=hidden -flto=auto
module_objs = $(patsubst %.c,$(BUILD)/module-objs/%.o,$(1))

$(BUILD)/module-objs/%.o: %.c $(headers_unless_deps)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(MODULE_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(MODULE): $(call module_objs,$(MODULE_SRCS)) nss_iana/module/nss_iana.map
	$(CC) $(ALL_CFLAGS) $(MODULE_CFLAGS) -shared -Wl,-soname,libnss_iana.so.2 \
		-Wl,--version-script=nss_iana/module/nss_iana.map \
		-Wl,-z,relro,-z,now $(if $(SAN),,-Wl,--no-undefined) $(ALL_LDFLAGS) \
		-o $@ $(call module_objs,$(MODULE_SRCS))

$(TOOLLIB): $(call objs,$(TOOL_SRCS))
	rm -f $@ && ar rcs $@ $^

$(TOOL): $(call objs,nss_iana/tool/main.c) $(TOOLLIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TOOL_LIBS)

$(SNAPSHOT): $(TOOL) $(CSV) $(PROTOCOLS_CSV)
	$(TOOL) compile --protocols $(PROTOCOLS_CSV) $(CSV) -o $@

data/service-names-port-numbers.csv:
	curl -fsSL --retry 3 -o $@.tmp $(IANA_URL) && mv $@.tmp $@

data/protocol-numbers-1.csv:
	curl -fsSL --retry 3 -o $@.tmp $(PROTOCOLS_URL) && mv $@.tmp $@

# ---- tests -----------------------------------------------------------------
# tests/unit    Check suites of the tool's code: no root, no namespaces, no
#               module loaded (`make check-unit`, also the package build)
# tests/module  Check suites that load the built module (dlopen or glibc)
# tests/system  end-to-end shell scripts, run as root (unshare -m)
# tests/lib     what the tests share: shell library, testlib.h, helper
#               programs, the Python reference
# Every program is built flat into $(BUILD)/tests/.
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)
test_programs = $(patsubst %.c,$(BUILD)/tests/%,$(notdir $(1)))
UNIT_SRCS    := $(wildcard tests/unit/check_*.c)
MODULE_TEST_SRCS := $(wildcard tests/module/check_*.c)
UNIT_BINS    := $(call test_programs,$(UNIT_SRCS))
MODULE_TEST_BINS := $(call test_programs,$(MODULE_TEST_SRCS))
TEST_BINS    := $(UNIT_BINS) $(MODULE_TEST_BINS)
TEST_PROGS   := $(call test_programs,$(wildcard tests/lib/*.c))
TEST_CFLAGS  := $(ALL_CFLAGS) $(CHECK_CFLAGS) -Itests -Itests/lib
CHECK_LINK    = $(TOOLLIB) $(ALL_LDFLAGS) $(TOOL_LIBS) $(CHECK_LIBS) -ldl -lpthread

$(BUILD)/tests/check_%: tests/unit/check_%.c $(TOOLLIB) $(headers_unless_deps)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(DEPFLAGS) -o $@ $< $(CHECK_LINK)

$(BUILD)/tests/check_%: tests/module/check_%.c $(TOOLLIB) $(headers_unless_deps)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(DEPFLAGS) -o $@ $< $(CHECK_LINK)

$(BUILD)/tests/%: tests/lib/%.c $(TOOLLIB) $(headers_unless_deps)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -Itests/lib -o $@ $< $(TOOLLIB) $(ALL_LDFLAGS) $(TOOL_LIBS) -ldl -lpthread

tests-build: all $(TEST_BINS) $(TEST_PROGS)

check: tests-build
	BUILD=$(BUILD) SAN=$(SAN) CSV=$(CSV) PROTOCOLS_CSV=$(PROTOCOLS_CSV) sh tests/run.sh

# The unit suites alone, as any user: they need neither the module, nor the
# snapshot, nor root.
check-unit: $(UNIT_BINS) $(CSV) $(PROTOCOLS_CSV)
	BUILD=$(BUILD) SAN=$(SAN) CSV=$(CSV) PROTOCOLS_CSV=$(PROTOCOLS_CSV) sh tests/run.sh unit

check-asan:
	$(MAKE) BUILD=build-asan SAN=asan CC=clang check

check-tsan:
	$(MAKE) BUILD=build-tsan SAN=tsan CC=clang check

# ---- install ---------------------------------------------------------------
# The module and snapshot go in by rename so that running programs never see
# them half written.  A staging DESTDIR without etc/nsswitch.conf (a package
# build) gets none: enabling is then the target system's business.  On the
# live system (no DESTDIR) a missing nsswitch.conf stops `install` with an
# error; `uninstall` has nothing to disable then.
#
# The installed snapshot answers first what the system's services(5) file
# answers, then the registry (nss-iana compile --prefer): PREFER is that
# file when it exists, so that every answer /etc/services gave stays.
# PREFER= (empty) installs the registry alone, $(SNAPSHOT).  A package
# build's staging DESTDIR has no etc/services: the package compiles on the
# target instead.  The tool writes the snapshot itself (temporary file,
# fsync, rename) rather than `install` copying it: the copy would leave the
# file in the page cache in large folios, which the kernel maps whole into
# every process that looks anything up.
PREFER ?= $(wildcard $(DESTDIR)$(SYSCONFDIR)/services)
# Where `systemctl enable` puts the units' links (their WantedBy=).
TIMER_LINK = $(DESTDIR)$(SYSCONFDIR)/systemd/system/timers.target.wants/nss-iana-update.timer
PATH_LINK = $(DESTDIR)$(SYSCONFDIR)/systemd/system/paths.target.wants/nss-iana-rebuild.path
# The same for protocols: /etc/protocols' lines answer before the
# registry's, so that `protocols: iana` answers as `files` does over it.
PREFER_PROTOCOLS ?= $(wildcard $(DESTDIR)$(SYSCONFDIR)/protocols)

install: all $(REGISTRY) $(PROTOCOLS_CSV)
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(dir $(DB_PATH))
	install -m 0644 $(MODULE) $(DESTDIR)$(LIBDIR)/.libnss_iana.so.2.tmp
	mv -f $(DESTDIR)$(LIBDIR)/.libnss_iana.so.2.tmp $(DESTDIR)$(LIBDIR)/libnss_iana.so.2
	install -m 0755 $(TOOL) $(DESTDIR)$(BINDIR)/nss-iana
	$(TOOL) compile $(if $(PREFER),--prefer $(PREFER)) --protocols $(PROTOCOLS_CSV) \
		$(if $(PREFER_PROTOCOLS),--prefer-protocols $(PREFER_PROTOCOLS)) $(REGISTRY) -o $(DESTDIR)$(DB_PATH)
	@# The registries it was compiled from, for `nss-iana update --rebuild`
	@# when a preference file changes.
	install -m 0644 $(REGISTRY) $(DESTDIR)$(DB_PATH).registry.tmp
	mv -f $(DESTDIR)$(DB_PATH).registry.tmp $(DESTDIR)$(DB_PATH).registry
	install -m 0644 $(PROTOCOLS_CSV) $(DESTDIR)$(DB_PATH).protocols.registry.tmp
	mv -f $(DESTDIR)$(DB_PATH).protocols.registry.tmp $(DESTDIR)$(DB_PATH).protocols.registry
	$(if $(wildcard man/*.[0-9]),install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8)
	$(foreach m,$(wildcard man/*.1),install -m 0644 $(m) $(DESTDIR)$(MANDIR)/man1/;)
	$(foreach m,$(wildcard man/*.8),install -m 0644 $(m) $(DESTDIR)$(MANDIR)/man8/;)
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 0644 install/nss-iana-update.service install/nss-iana-update.timer \
		install/nss-iana-rebuild.service install/nss-iana-rebuild.path $(DESTDIR)$(SYSTEMDUNITDIR)/
	@# The unit's settings: an admin's own file is kept.
	[ -e $(DESTDIR)$(SYSCONFDIR)/default/nss-iana ] || \
		install -D -m 0644 install/nss-iana.default $(DESTDIR)$(SYSCONFDIR)/default/nss-iana
	$(if $(DESTDIR),,ldconfig)
	@# On a running systemd, the snapshot follows /etc/services edits.
	$(if $(DESTDIR),,-[ -d /run/systemd/system ] && systemctl daemon-reload && systemctl enable --now nss-iana-rebuild.path)
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/nsswitch.conf ] || [ -z "$(DESTDIR)" ]; then \
		sh install/nss-iana-enable $(DESTDIR)$(SYSCONFDIR)/nsswitch.conf; \
	else echo "$(DESTDIR)$(SYSCONFDIR)/nsswitch.conf does not exist: not enabled"; fi

uninstall:
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/nsswitch.conf ]; then \
		sh install/nss-iana-disable $(DESTDIR)$(SYSCONFDIR)/nsswitch.conf; \
	else echo "$(DESTDIR)$(SYSCONFDIR)/nsswitch.conf does not exist: not disabled"; fi
	rm -f $(DESTDIR)$(LIBDIR)/libnss_iana.so.2 $(DESTDIR)$(BINDIR)/nss-iana $(DESTDIR)$(DB_PATH) \
		$(DESTDIR)$(DB_PATH).download $(DESTDIR)$(DB_PATH).registry \
		$(DESTDIR)$(DB_PATH).protocols.download $(DESTDIR)$(DB_PATH).protocols.registry
	@# The unit's settings go only if nobody changed them.
	! cmp -s install/nss-iana.default $(DESTDIR)$(SYSCONFDIR)/default/nss-iana || \
		rm -f $(DESTDIR)$(SYSCONFDIR)/default/nss-iana
	rm -f $(foreach m,$(notdir $(wildcard man/*.1)),$(DESTDIR)$(MANDIR)/man1/$(m))
	rm -f $(foreach m,$(notdir $(wildcard man/*.8)),$(DESTDIR)$(MANDIR)/man8/$(m))
	@# An enabled timer or path unit: systemd stops and disables it where it runs;
	@# otherwise (a DESTDIR, a container) its link is removed by hand.
	$(if $(DESTDIR),,[ ! -d /run/systemd/system ] || ! command -v systemctl >/dev/null || \
		systemctl disable --now nss-iana-update.timer nss-iana-rebuild.path 2>/dev/null || :)
	rm -f $(TIMER_LINK) $(PATH_LINK)
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/nss-iana-update.service $(DESTDIR)$(SYSTEMDUNITDIR)/nss-iana-update.timer \
		$(DESTDIR)$(SYSTEMDUNITDIR)/nss-iana-rebuild.service $(DESTDIR)$(SYSTEMDUNITDIR)/nss-iana-rebuild.path
	@# The directories install made, where nothing else lives in them.
	rmdir $(DESTDIR)$(dir $(DB_PATH)) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8 2>/dev/null || :
	$(if $(DESTDIR),,ldconfig)

# Every build directory any target here makes, whatever BUILD says now.
clean:
	rm -rf build $(BUILD) build-asan build-tsan $(FUZZ_BUILD) $(BENCH_BUILD) \
		$(VALGRIND_BUILD) $(DEB_OUT)

.PHONY: all check check-unit check-asan check-tsan tests-build install uninstall clean

# Areas that own their rules: benchmarks, fuzzers, packaging.
-include tests/bench/bench.mk tests/fuzz/fuzz.mk tests/robustness.mk debian/deb.mk

-include $(wildcard $(BUILD)/nss_iana/*/*.d $(BUILD)/module-objs/nss_iana/*/*.d $(BUILD)/tests/*.d)
