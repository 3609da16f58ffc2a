/*
 * fold_equal.h - string equality with ASCII A-Z folded to a-z, written
 * apart from the code under test, for the checks that judge its
 * case-insensitive answers (fuzz_csv.c, fuzz_snapshot.c,
 * check_corruption.c).
 */
#ifndef NSS_IANA_TEST_FOLD_EQUAL_H
#define NSS_IANA_TEST_FOLD_EQUAL_H

#include <stdbool.h>

static inline bool fold_equal(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a;
		int y = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
		if (x != y)
			return false;
		if (*a == '\0')
			return true;
	}
}

#endif
