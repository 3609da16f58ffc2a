# Robustness targets (tests/robustness.mk, included by the Makefile).
#
#   make check-valgrind   the NSS Check suites under valgrind memcheck:
#                         zero errors, zero leaks
#
# The replay of the fuzzers' seeds and regressions is a Check suite
# (tests/check_fuzz_regressions.c) that includes the harness sources:
# make does not see that from the pattern rule, so it is said here.
$(BUILD)/tests/check_fuzz_regressions: tests/fuzz/fuzz_snapshot.c tests/fuzz/fuzz_csv.c \
	nss_iana/nss_services.c
