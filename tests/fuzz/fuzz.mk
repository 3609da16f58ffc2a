# make fuzz: run each libFuzzer fuzzer for FUZZ_SECONDS (default 60), one
# after the other, in build-fuzz/.  Needs clang and libclang-rt-14-dev.
#
#   make fuzz FUZZ_SECONDS=30            the CI pass
#   make fuzz FUZZ_SECONDS=600           a longer local run
#   make fuzz-build                      only build the fuzzers
#
# Each fuzzer starts from the seeds in tests/fuzz/corpus/NAME and the past
# crashes in tests/fuzz/regressions/NAME; what it learns is kept in
# build-fuzz/corpus-NAME between runs.  A crash stops the run and leaves
# build-fuzz/crash-NAME-*: copy it into tests/fuzz/regressions/NAME/ so
# that `make check` replays it (tests/unit/check_fuzz_regressions.c) forever.

FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_CFLAGS  := -std=gnu11 -D_GNU_SOURCE -g -O1 $(WARN) -Inss_iana -Itests \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -DNSS_IANA_DEFAULT_DB='"/nonexistent/nss-iana.db"'
# -timeout: an input that takes seconds is a hang; every seed takes < 10 ms.
FUZZ_RUN_FLAGS = -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1

# The reader alone for snapshots; the whole compiler and reader (the
# tool's code but its commands) for the inputs, whichever parts a
# harness calls.
FUZZ_READER_SRCS := $(filter-out nss_iana/reader/checksum.c,$(wildcard nss_iana/reader/*.c))
FUZZ_COMPILER_SRCS := $(wildcard nss_iana/compiler/*.c nss_iana/reader/*.c)
FUZZ_SNAPSHOT_SRCS := tests/fuzz/fuzz_snapshot.c $(FUZZ_READER_SRCS)
FUZZ_CSV_SRCS := tests/fuzz/fuzz_csv.c $(FUZZ_COMPILER_SRCS)
FUZZ_XML_SRCS := tests/fuzz/fuzz_xml.c $(FUZZ_COMPILER_SRCS)
FUZZ_PREFER_SRCS := tests/fuzz/fuzz_prefer.c $(FUZZ_COMPILER_SRCS)
FUZZ_PROTOCOLS_SRCS := tests/fuzz/fuzz_protocols.c $(FUZZ_COMPILER_SRCS)

$(FUZZ_BUILD)/fuzz_protocols: $(FUZZ_PROTOCOLS_SRCS) $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_PROTOCOLS_SRCS) -lexpat

$(FUZZ_BUILD)/fuzz_snapshot: $(FUZZ_SNAPSHOT_SRCS) $(wildcard nss_iana/module/*.c) $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SNAPSHOT_SRCS) -lpthread

$(FUZZ_BUILD)/fuzz_csv: $(FUZZ_CSV_SRCS) $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_CSV_SRCS) -lexpat

$(FUZZ_BUILD)/fuzz_xml: $(FUZZ_XML_SRCS) $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_XML_SRCS) -lexpat

$(FUZZ_BUILD)/fuzz_prefer: $(FUZZ_PREFER_SRCS) $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_PREFER_SRCS) -lexpat

fuzz-build: $(FUZZ_BUILD)/fuzz_snapshot $(FUZZ_BUILD)/fuzz_csv $(FUZZ_BUILD)/fuzz_xml \
	$(FUZZ_BUILD)/fuzz_prefer $(FUZZ_BUILD)/fuzz_protocols

# One fuzzer: $(1) its name, $(2) extra flags.  A fuzzer with no
# regression input yet has no regressions folder (git keeps no empty one).  The summary line is what
# the note quotes: executions and the corpus reached.
define fuzz_one
	@mkdir -p $(FUZZ_BUILD)/corpus-$(1)
	@echo "== fuzz_$(1) for $(FUZZ_SECONDS) s"
	cd $(FUZZ_BUILD) && ./fuzz_$(1) $(FUZZ_RUN_FLAGS) $(2) \
		-artifact_prefix=crash-$(1)- corpus-$(1) \
		../tests/fuzz/corpus/$(1) \
		$(if $(wildcard tests/fuzz/regressions/$(1)),../tests/fuzz/regressions/$(1)) \
		2>fuzz_$(1).log || { tail -n 60 fuzz_$(1).log; exit 1; }
	@grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^Done' \
		$(FUZZ_BUILD)/fuzz_$(1).log | sed 's/^/fuzz_$(1): /'
endef

fuzz: fuzz-build
	$(call fuzz_one,snapshot,)
	$(call fuzz_one,csv,-dict=../tests/fuzz/csv.dict)
	$(call fuzz_one,xml,-dict=../tests/fuzz/xml.dict)
	$(call fuzz_one,prefer,)
	$(call fuzz_one,protocols,)

.PHONY: fuzz fuzz-build
