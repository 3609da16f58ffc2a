/*
 * prefer.h - `--prefer FILE`: an admin's services(5) file deciding the
 * registry's ties.
 *
 * Where registry entries share a port and protocol, or a name and
 * protocol, the first in registry order answers.  A preference file moves
 * the entry it lists ahead of the others it shares a key with, so that
 * 2049/tcp answers nfs (as /etc/services says) rather than shilp (first in
 * the registry).  Only the order changes: every entry is still there, and
 * nothing the file has that the registry lacks is added.
 *
 * A line of the file lists an entry when its protocol is the entry's
 * (ignoring ASCII case), its port lies in the entry's port range, and one
 * of its names (the service name or an alias) is one of the entry's names
 * (ignoring ASCII case).  Lines that are not "NAME PORT/PROTO [ALIAS...]"
 * are skipped, as nss_files skips them; '#' starts a comment.
 */
#ifndef NSS_IANA_PREFER_H
#define NSS_IANA_PREFER_H

#include <stddef.h>
#include <stdint.h>

#include "compiler/registry.h"

/* One registry entry, as the ordering sees it. */
struct prefer_item {
	const char *name;
	const char *const *aliases;
	size_t alias_count;
	const char *proto;
	uint16_t port_first;
	uint16_t port_last;
};

struct preference; /* the parsed file */

/* Parses services(5) text (copied: `data` need not outlive it).  NULL if
 * memory ran out. */
struct preference *preference_parse(const char *data, size_t size);
void preference_free(struct preference *pref);

/* Lines that name a service on a port and protocol. */
size_t preference_line_count(const struct preference *pref);

/* The line number (from 1) of the first line listing `item`, or 0. */
long preference_rank(const struct preference *pref,
		     const struct prefer_item *item);

/* Fills order[0..count) with the new order of items[]: each listed item
 * moves to just before the first item (in the given order) it shares a
 * key with; where several listed items compete, the one listed first in
 * the file comes first; everything else keeps its relative order.  The
 * number of listed items placed before an item they followed goes to
 * *moved.
 * Returns 0, or -1 if memory ran out. */
int preference_order(const struct preference *pref,
		     const struct prefer_item *items, size_t count,
		     size_t *order, size_t *moved);

/* Puts the registry's entries (rows that are not aliases) in the order
 * preference_order gives, each followed by its alias rows; sets *moved.
 * Returns 0, or -1 if memory ran out (the registry is then unchanged). */
int registry_prefer(struct registry *reg, const struct preference *pref,
		    uint32_t *moved);

#endif
