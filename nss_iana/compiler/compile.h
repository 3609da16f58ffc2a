/*
 * compile.h - the one way from an input file to a snapshot in memory:
 * read the file whole, read its records (csv.h or xml.h), apply the
 * registry rules (registry.h) and the preference file if any (prefer.h),
 * build the snapshot (snapshot_write.h), and check the result as the
 * module and the tool check a snapshot file (snapshot.h: snapshot_parse,
 * snapshot_check_records).  Every command
 * and test that compiles goes through here.
 */
#ifndef NSS_IANA_COMPILE_H
#define NSS_IANA_COMPILE_H

#include <stddef.h>

#include <stdbool.h>

#include "compiler/proto_registry.h"
#include "compiler/record.h"
#include "compiler/registry.h"
#include "reader/snapshot.h"
#include "compiler/snapshot_write.h"

/* The largest input read: 64 MiB.  The registry's CSV is 1.1 MiB and its
 * XML export 3.7 MiB, so this leaves ample room for growth while bounding
 * what a wrong file (or a server answering something else) can cost; it
 * is also `update`'s download limit.  A compiled snapshot is at most
 * NSSIANA_MAX_FILE_SIZE (16 MiB) in any case. */
#define INPUT_MAX_FILE_SIZE ((size_t)64 << 20)

/* Reads the whole file at `path` (a regular file, a pipe, a FIFO or a
 * character device; not a directory) into *data, malloc'd, with a NUL
 * after its *size bytes.  Returns 0, or an errno value: EISDIR, EFBIG for
 * more than INPUT_MAX_FILE_SIZE bytes (refused before reading if the size
 * is known), or the open, fstat or read error. */
int read_whole_file(const char *path, char **data, size_t *size);

/* read_whole_file reads standard input for the path "-". */

/* Why `data` cannot be registry text whatever follows: gzip-compressed,
 * or UTF-16 (with or without a byte-order mark).  NULL if neither. */
const char *input_encoding_problem(const char *data, size_t size);

/* read_whole_file for a file that must be regular: anything else (a
 * FIFO, a device, a socket: EINVAL; a directory: EISDIR) is refused
 * before it is opened, so that reading never blocks. */
int read_regular_file(const char *path, char **data, size_t *size);

/* `path` made absolute against the working directory, symlinks kept;
 * malloc'd, NULL if that failed. */
char *absolute_path(const char *path);

/* The message for a read_whole_file or read_regular_file error on `path`:
 * "PATH: reason". */
void read_error_message(char *err, size_t err_size, const char *path, int error);

struct compiled {
	struct snapshot_image image; /* the snapshot's bytes, malloc'd */
	struct snapshot snap;        /* parsed from image */
	struct registry_stats stats; /* what the registry rules counted */
	/* What the protocols rules counted, when options->protocols. */
	bool has_protocols;
	struct proto_stats proto_stats;
};

/* What a compile may be asked on top of the registry itself. */
struct compile_options {
	/* A services(5) file whose lines answer before the registry's
	 * (prefer.h), recorded in the snapshot; NULL: the registry alone. */
	const char *prefer;
	/* IANA's protocol numbers registry (CSV), compiled into the PROTO_*
	 * sections; NULL: a snapshot without the protocols database. */
	const char *protocols;
	/* The protocols registry's bytes when already in memory (a download):
	 * then `protocols` only names it in messages. */
	const char *protocols_data;
	size_t protocols_size;
	/* A protocols(5) file whose entries answer before the registry's
	 * (compiler/proto_registry.h); only with `protocols`. */
	const char *prefer_protocols;
};

/* Compiles the registry file at `path`, with `options` (NULL: none).
 * Returns 0, or -1 with err set to "FILE:LINE:COL: message" for input the
 * rules or the format's limits refuse, or "FILE: reason" when the file
 * cannot be read or the snapshot cannot be built.  *out is then empty. */
int compile_file(const char *path, const struct compile_options *options,
		 struct compiled *out, char *err, size_t err_size);

/* The same for registry text already in memory; `name` is the file name
 * used in messages.  CSV or XML, told apart by the first byte that is not
 * a byte-order mark or white space: '<' is IANA's XML (xml.h), with its
 * contact table; anything else is the CSV (csv.h). */
int compile_data(const char *data, size_t size, const char *name,
		 const struct compile_options *options,
		 struct compiled *out, char *err, size_t err_size);

/* A snapshot of the services(5) file at `path` alone, read as
 * `--prefer` reads it (prefer.h): what nss_files answers over that file,
 * for `verify --against`.  Returns 0, or -1 with err set. */
int compile_services_file(const char *path, struct compiled *out,
			  char *err, size_t err_size);

void compiled_free(struct compiled *compiled);

/* compile_protocols.c: reads options->protocols (and prefer_protocols)
 * into *table.  Returns 0 with table->count == 0 and nothing allocated
 * when there is no protocols registry to read, or -1 with err set. */
int compile_protocols_load(const struct compile_options *options,
			   struct proto_table *table, char *err, size_t err_size);

/* The reader's checks of a compiled snapshot's PROTO_* sections (the
 * same as tool_open_snapshot's); NULL, or a reason. */
const char *compile_protocols_check(const struct snapshot *snap);

#endif
