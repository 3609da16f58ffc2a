/*
 * count_allocations.h - for the suites that prove a lookup allocates
 * nothing: the executable's malloc family interposes on the module's
 * calls, so `allocations` counts every allocation made while `counting`
 * is set.  Include it once, in the suite's own file.  The sanitizers own
 * malloc themselves: there it defines nothing.
 */
#ifndef NSS_IANA_TEST_COUNT_ALLOCATIONS_H
#define NSS_IANA_TEST_COUNT_ALLOCATIONS_H

#ifndef NSS_IANA_SANITIZED
#include <stdbool.h>
#include <stddef.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static volatile bool counting;
static volatile unsigned long allocations;

void *malloc(size_t size)
{
	allocations += counting;
	return __libc_malloc(size);
}

void *calloc(size_t count, size_t size)
{
	allocations += counting;
	return __libc_calloc(count, size);
}

void *realloc(void *old, size_t size)
{
	allocations += counting;
	return __libc_realloc(old, size);
}
#endif

#endif
