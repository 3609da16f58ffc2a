/*
 * semantics_walk.h - the getservent walk of tests/fixtures/semantics.csv,
 * written out by reading the fixture: each serving entry in registry
 * order, with how many ports its range has (each port is one servent).
 * Shared by the suites that walk that fixture.
 */
#ifndef NSS_IANA_TESTS_SEMANTICS_WALK_H
#define NSS_IANA_TESTS_SEMANTICS_WALK_H

#include <stddef.h>

static const struct {
	const char *name;
	unsigned ports;
} semantics_walk[] = {
	{ "echo", 1 }, { "echo", 1 }, { "http", 1 }, { "http", 1 },
	{ "shared80", 1 }, { "whoispp", 1 }, { "raid-am", 1 }, { "raid-am", 1 },
	{ "x11", 64 }, { "x11", 64 }, { "x11-late", 1 }, { "http-alt", 1 },
	{ "http-alt", 1 }, { "http-alt", 1 }, { "3Com-nsd", 1 }, { "3Com-nsd", 1 },
	{ "xadmin", 1 }, { "sctpsvc", 1 }, { "max-port", 1 }, { "zero-port", 1 },
	{ "MiXed", 1 }, { "mixed", 1 },
};

#define SEMANTICS_WALK_ENTRIES (sizeof semantics_walk / sizeof semantics_walk[0])

#endif
