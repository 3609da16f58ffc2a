/*
 * tool/proto_output.h - what the commands share about the protocols
 * database: the summary line, the protocols(5) line of an entry.
 */
#ifndef NSS_IANA_TOOL_PROTOCOLS_H
#define NSS_IANA_TOOL_PROTOCOLS_H

#include <stdbool.h>
#include <stdio.h>

#include "compiler/proto_registry.h"
#include "reader/proto_snapshot.h"

/* "; protocols: R rows read, E entries (F from FILE), ...", for the
 * compile and update summaries. */
void tool_print_proto_summary(FILE *out, const struct proto_stats *stats);

/* The protocols sections of a snapshot opened by tool_open_snapshot (which
 * has checked them): false if it has none. */
bool tool_protocols(const struct snapshot *snap, struct proto_snapshot *out);

/* True if the entry's name and aliases are protocols(5) tokens (text.h),
 * i.e. it can be written as a line and print as itself. */
bool tool_protoent_printable(const struct proto_snapshot *p,
			     const struct nssiana_protoent *e);

/* Writes "NAME\tNUMBER\tALIAS...", and "\t# DESCRIPTION" when the entry
 * has a description, then a newline.  The number is written unsigned,
 * which nss_files' strtoul reads back to the same 32 bits of p_proto. */
void tool_write_protoent(FILE *out, const struct proto_snapshot *p,
			 const struct nssiana_protoent *e);

/* `export --format protocols`: every entry in answer order, as a
 * protocols(5) file that nss_files answers from exactly as the module
 * answers from the snapshot.  Returns 0, or -1 (said why). */
int tool_export_protocols(FILE *out, const struct snapshot *snap,
			  const char *db);

/* `show --protocol KEY` (tool/cmd_show_protocols.c). */
int tool_show_protocols(const char *db, const char *key, bool json);

/* verify's checks of the PROTO_* sections (tool/verify_protocols.c):
 * NULL when sound or absent, else the reason, written to `reason`. */
const char *tool_verify_protocols(const struct snapshot *snap, char *reason,
				  size_t reason_size);

/* stats' lines about the protocols database. */
void tool_print_proto_stats(const struct snapshot *snap);

struct tool_diff_counts;

/* The protocols databases of two snapshots compared, one line per entry
 * added, removed or changed (tool/diff_protocols.c).  Returns 0 when
 * neither has one (nothing printed), 1 when compared, -1 on error. */
int tool_diff_protocols(const struct snapshot *old_snap, const struct snapshot *new_snap,
			FILE *out, struct tool_diff_counts *counts);
void tool_diff_protocols_print_counts(FILE *out, const struct tool_diff_counts *counts);

#endif
