# Robustness targets (tests/robustness.mk, included by the Makefile).
#
#   make check-valgrind   the Check suites that drive the module, under
#                         valgrind memcheck, in build-valgrind/: any error,
#                         and any leak (definite, indirect or possible),
#                         fails.  A few minutes.
#
# The concurrency and hangs suites are left to `make check-tsan`: valgrind
# runs one thread at a time, which turns a load test into a test of its
# scheduler.
# The corruption and fork suites run fewer cases (each case is a child
# process under valgrind): every 13th length and header bit, 300 random
# flips, 40 forks.  `make check` and `make check-asan` run them all.
# NSS_IANA_SANITIZED: valgrind replaces malloc, as the sanitizers do, so
# check_nss's count of malloc calls through its own malloc is left out, as
# in check-asan.
# Each process's valgrind log goes to build-valgrind/valgrind-logs/TEST/PID;
# everything in them is printed but the expected SIGBUS traces of the
# in-place rewrite test, which are counted (tests/lib/valgrind_logs.sh).

VALGRIND_BUILD ?= build-valgrind
VALGRIND_TESTS ?= check_nss check_glibc check_fork check_corruption check_fuzz_regressions \
	check_lifecycle
VALGRIND       ?= valgrind
VALGRIND_FLAGS := --quiet --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible

check-valgrind:
	$(MAKE) BUILD=$(VALGRIND_BUILD) CFLAGS='-O1 -g -DNSS_IANA_SANITIZED' all \
		$(addprefix $(VALGRIND_BUILD)/tests/,$(VALGRIND_TESTS))
	@failed=; for test in $(VALGRIND_TESTS); do \
		echo "== valgrind $(VALGRIND_BUILD)/tests/$$test"; \
		logs=$(VALGRIND_BUILD)/valgrind-logs/$$test; \
		rm -rf $$logs && mkdir -p $$logs; \
		BUILD=$(VALGRIND_BUILD) LD_LIBRARY_PATH=$$PWD/$(VALGRIND_BUILD) \
		CORRUPTION_STRIDE=13 CORRUPTION_RANDOM_BITS=300 FORK_CHILDREN=40 \
		CK_TIMEOUT_MULTIPLIER=10 \
		$(VALGRIND) $(VALGRIND_FLAGS) --log-file=$$logs/%p $(VALGRIND_BUILD)/tests/$$test \
			|| failed="$$failed $$test"; \
		sh tests/lib/valgrind_logs.sh $$logs; \
	done; \
	if [ -n "$$failed" ]; then echo "check-valgrind FAILED:$$failed"; exit 1; fi; \
	echo "check-valgrind: $(VALGRIND_TESTS): no error, no leak"

.PHONY: check-valgrind
