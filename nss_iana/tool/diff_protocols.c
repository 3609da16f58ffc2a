/*
 * tool/diff_protocols.c - the protocols part of `nss-iana diff` and of
 * update's comparison.  Entries are keyed by (name, number), as a
 * protocols(5) line says them; both sides sorted by key and merged, so the
 * output is in a stable order.  A side without the protocols database
 * counts as an empty one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool/proto_output.h"
#include "tool/tool.h"

struct proto_key {
	const struct proto_snapshot *p;
	uint32_t index;
};

static const struct nssiana_protoent *entry_of(const struct proto_key *k)
{
	return &k->p->entries[k->index];
}

static int compare_key_only(const struct proto_key *a, const struct proto_key *b)
{
	int c = strcmp(proto_string(a->p, entry_of(a)->name), proto_string(b->p, entry_of(b)->name));
	if (c == 0 && entry_of(a)->number != entry_of(b)->number)
		c = entry_of(a)->number < entry_of(b)->number ? -1 : 1;
	return c;
}

static int compare_keys(const void *x, const void *y)
{
	const struct proto_key *a = x, *b = y;
	int c = compare_key_only(a, b);
	/* Duplicates pair the registry's first, then in answer order, so
	 * that a preference file's line shows as added rather than as a
	 * change of the registry's entry. */
	if (c == 0 && entry_of(a)->source != entry_of(b)->source)
		c = entry_of(a)->source < entry_of(b)->source ? -1 : 1;
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

static struct proto_key *sorted(const struct proto_snapshot *p, size_t *count)
{
	struct proto_key *keys = malloc((p->entry_count + 1) * sizeof(*keys));

	if (!keys)
		return NULL;
	for (uint32_t i = 0; i < p->entry_count; i++)
		keys[i] = (struct proto_key){ p, i };
	qsort(keys, p->entry_count, sizeof(*keys), compare_keys);
	*count = p->entry_count;
	return keys;
}

static bool same_aliases(const struct proto_key *a, const struct proto_key *b)
{
	const struct nssiana_protoent *x = entry_of(a), *y = entry_of(b);

	if (x->alias_count != y->alias_count)
		return false;
	for (uint32_t i = 0; i < x->alias_count; i++)
		if (strcmp(proto_string(a->p, a->p->aliases[x->alias_first + i]),
			   proto_string(b->p, b->p->aliases[y->alias_first + i])))
			return false;
	return true;
}

/* The metadata record's bytes: NSSIANA_PROTO_META_FIELDS strings. */
static bool same_meta(const struct proto_key *a, const struct proto_key *b)
{
	const char *x = proto_string(a->p, entry_of(a)->meta);
	const char *y = proto_string(b->p, entry_of(b)->meta);

	for (int f = 0; f < NSSIANA_PROTO_META_FIELDS; f++) {
		if (strcmp(x, y))
			return false;
		x += strlen(x) + 1;
		y += strlen(y) + 1;
	}
	return true;
}

static void print_key(FILE *out, const char *verb, const struct proto_key *k)
{
	fprintf(out, "%s protocol ", verb);
	tool_print_string(out, proto_string(k->p, entry_of(k)->name));
	fprintf(out, " %u", (unsigned)entry_of(k)->number);
}

static void compare_pair(const struct proto_key *a, const struct proto_key *b,
			 FILE *out, struct tool_diff_counts *counts)
{
	bool aliases = same_aliases(a, b), meta = same_meta(a, b);

	if (aliases && meta && entry_of(a)->source == entry_of(b)->source)
		return;
	print_key(out, "changed", b);
	fprintf(out, ":%s%s%s\n", aliases ? "" : " aliases", meta ? "" : " metadata",
		entry_of(a)->source == entry_of(b)->source ? "" : " source");
	counts->changed++;
}

static const struct proto_snapshot empty;

int tool_diff_protocols(const struct snapshot *old_snap, const struct snapshot *new_snap,
			FILE *out, struct tool_diff_counts *counts)
{
	struct proto_snapshot a, b;
	bool has_a = tool_protocols(old_snap, &a), has_b = tool_protocols(new_snap, &b);
	size_t na = 0, nb = 0, i = 0, j = 0;

	*counts = (struct tool_diff_counts){ 0, 0, 0, 0 };
	if (!has_a && !has_b)
		return 0;
	struct proto_key *x = sorted(has_a ? &a : &empty, &na);
	struct proto_key *y = sorted(has_b ? &b : &empty, &nb);
	if (!x || !y) {
		free(x);
		free(y);
		tool_error("out of memory");
		return -1;
	}
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : compare_key_only(&x[i], &y[j]);
		if (c < 0) {
			print_key(out, "removed", &x[i++]);
			putc('\n', out);
			counts->removed++;
		} else if (c > 0) {
			print_key(out, "added", &y[j++]);
			putc('\n', out);
			counts->added++;
		} else {
			compare_pair(&x[i++], &y[j++], out, counts);
		}
	}
	free(x);
	free(y);
	return 1;
}

void tool_diff_protocols_print_counts(FILE *out, const struct tool_diff_counts *counts)
{
	fprintf(out, "protocols: %lu added, %lu removed, %lu changed\n",
		counts->added, counts->removed, counts->changed);
}
