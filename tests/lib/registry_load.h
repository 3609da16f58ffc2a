/*
 * registry_load.h - registry_read of CSV text: the CSV reader (csv.h) and
 * the registry rules (registry.h) without the rest of the compile, for the
 * tests that look at the rules' rows.  The rules themselves know no
 * reader; compile.c joins them the same way.  Out of memory, it aborts.
 */
#ifndef NSS_IANA_TEST_REGISTRY_LOAD_H
#define NSS_IANA_TEST_REGISTRY_LOAD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/csv.h"
#include "compiler/registry.h"

/* As registry_read: 0, or -1 with "FILE:LINE:COL: message" in err and
 * *reg empty. */
static inline int registry_load(struct registry *reg, const char *data,
				size_t size, const char *filename,
				char *err, size_t err_size)
{
	struct csv_reader *csv = csv_open(data, size);

	memset(reg, 0, sizeof(*reg));
	if (!csv) { /* a test without memory proves nothing */
		fprintf(stderr, "%s: out of memory\n", filename);
		abort();
	}
	struct record_reader records = csv_records(csv);
	int status = registry_read(reg, &records, filename, err, err_size);
	csv_close(csv);
	return status;
}

#endif
