/*
 * check_main.h - the main() every Check program shares.  A suite file ends
 * with CHECK_MAIN(name_suite), or CHECK_MAIN(a_suite, b_suite) for several:
 * the program runs them in one runner (Check's defaults: each test forked,
 * CK_DEFAULT_TIMEOUT / CK_TIMEOUT_MULTIPLIER from the environment) and
 * exits non-zero when any test failed.
 */
#ifndef NSS_IANA_CHECK_MAIN_H
#define NSS_IANA_CHECK_MAIN_H

#include <check.h>
#include <stddef.h>
#include <stdlib.h>

typedef Suite *suite_maker(void);

static inline int run_suites(suite_maker *const *makers, size_t count)
{
	SRunner *runner = srunner_create(makers[0]());

	for (size_t i = 1; i < count; i++)
		srunner_add_suite(runner, makers[i]());
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#define CHECK_MAIN(...)                                                       \
	int main(void)                                                        \
	{                                                                     \
		suite_maker *const makers[] = { __VA_ARGS__ };                \
		return run_suites(makers, sizeof makers / sizeof makers[0]);  \
	}

#endif
