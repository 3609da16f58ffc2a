# make bench: nss-iana against nss_files, libnss-db and a floor module, side
# by side (tests/bench/bench.py says how).  Root only; a few minutes.  Not
# part of `make check`: timings never decide whether the tests pass.
#
#   make bench BENCH_ROUNDS=7 BENCH_MIN_MS=40 BENCH_FIRSTS=31 BENCH_SPAWNS=31
#
# Everything is built and run in its own directory, build-bench/; the
# results go to build-bench/bench.md and stdout.

BENCH_BUILD  ?= build-bench
BENCH_ROUNDS ?= 7
BENCH_MIN_MS ?= 40
BENCH_FIRSTS ?= 31
BENCH_SPAWNS ?= 31

BENCH_PROGS := $(BUILD)/bench/bench-lookup $(BUILD)/bench/bench-protocols \
	$(BUILD)/bench/lib/libnss_floor.so.2 \
	$(BUILD)/bench/lib/libnss_iana.so.2

bench:
	$(MAKE) BUILD=$(BENCH_BUILD) all bench-programs
	python3 tests/bench/bench.py --build $(BENCH_BUILD) --csv $(CSV) \
		--protocols-csv $(PROTOCOLS_CSV) \
		--rounds $(BENCH_ROUNDS) --min-ms $(BENCH_MIN_MS) \
		--firsts $(BENCH_FIRSTS) --spawns $(BENCH_SPAWNS) \
		--out $(BENCH_BUILD)/bench.md

bench-programs: $(BENCH_PROGS)

# Linked with the reader (snapshot.c, via the tool archive) to time the
# module's map-and-validate step on its own.
$(BUILD)/bench/bench-lookup: tests/bench/lookup.c $(TOOLLIB) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(TOOLLIB) $(ALL_LDFLAGS) $(TOOL_LIBS) -ldl -lpthread

# Protocol lookups through glibc (the protocols rows).
$(BUILD)/bench/bench-protocols: tests/bench/proto_lookup.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS) -ldl

$(BUILD)/bench/lib/libnss_floor.so.2: tests/bench/floor.c tests/bench/floor.map
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -shared -Wl,-soname,libnss_floor.so.2 \
		-Wl,--version-script=tests/bench/floor.map -Wl,-z,relro,-z,now \
		-Wl,--no-undefined $(ALL_LDFLAGS) -o $@ $<

# glibc finds both modules through one LD_LIBRARY_PATH directory.
$(BUILD)/bench/lib/libnss_iana.so.2: $(MODULE)
	@mkdir -p $(dir $@)
	cp $< $@

.PHONY: bench bench-programs
