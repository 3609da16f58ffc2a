/*
 * tool/protocols.h - what the commands share about the protocols
 * database: the summary line, the protocols(5) line of an entry.
 */
#ifndef NSS_IANA_TOOL_PROTOCOLS_H
#define NSS_IANA_TOOL_PROTOCOLS_H

#include <stdbool.h>
#include <stdio.h>

#include "compiler/protocols.h"
#include "reader/protocols.h"

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

#endif
