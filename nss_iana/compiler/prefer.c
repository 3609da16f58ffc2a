/*
 * prefer.c - the preference file and the order it gives, declared in
 * prefer.h.
 *
 * Plain code: it runs once per compile, over a few hundred lines and
 * about 12,000 entries.  Lines are kept sorted by port, so finding the
 * lines of an entry is a binary search; each listed entry then looks for
 * the first entry it shares a key with by a scan, which costs
 * listed x entries comparisons (about 3 million for Debian's
 * /etc/services against IANA's registry).
 */
#include "compiler/prefer.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

struct pref_line {
	size_t first_name; /* index into names */
	size_t name_count;
	const char *proto;
	uint16_t port;
	long line;
};

struct preference {
	char *text;         /* the file's bytes, cut into tokens in place */
	struct pref_line *lines; /* sorted by port, then line */
	size_t count;
	const char **names; /* each line's service name, then its aliases */
	size_t name_total;
};

static bool grow(void **array, size_t *capacity, size_t needed, size_t size)
{
	if (needed <= *capacity)
		return true;
	size_t more = *capacity ? *capacity * 2 : 64;
	while (more < needed)
		more *= 2;
	void *bigger = realloc(*array, more * size);
	if (!bigger)
		return false;
	*array = bigger;
	*capacity = more;
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Cuts the next blank-separated token out of *cursor (up to `end`). */
static char *next_token(char **cursor, char *end)
{
	char *p = *cursor;
	while (p < end && is_blank(*p))
		p++;
	if (p == end)
		return NULL;
	char *token = p;
	while (p < end && !is_blank(*p))
		p++;
	if (p < end)
		*p++ = '\0';
	*cursor = p;
	return token;
}

/* "PORT/PROTO" with PORT 0..65535 and PROTO not empty. */
static bool parse_port_proto(char *token, uint16_t *port, const char **proto)
{
	unsigned long value = 0;
	size_t digits = 0;
	while (token[digits] >= '0' && token[digits] <= '9' && digits < 6)
		value = value * 10 + (unsigned long)(token[digits++] - '0');
	if (digits == 0 || value > 65535 || token[digits] != '/' ||
	    token[digits + 1] == '\0')
		return false;
	*port = (uint16_t)value;
	*proto = token + digits + 1;
	return true;
}

static int by_port_then_line(const void *a, const void *b)
{
	const struct pref_line *x = a, *y = b;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* Adds the line [start, end) if it names a service; false if memory ran
 * out. */
static bool add_line(struct preference *pref, char *start, char *end,
		     long number, size_t *line_capacity, size_t *name_capacity)
{
	char *hash = memchr(start, '#', (size_t)(end - start));
	if (hash)
		end = hash;
	*end = '\0';
	char *cursor = start;
	char *name = next_token(&cursor, end);
	char *port_proto = name ? next_token(&cursor, end) : NULL;
	struct pref_line line = { pref->name_total, 0, NULL, 0, number };
	if (!port_proto || !parse_port_proto(port_proto, &line.port, &line.proto))
		return true;
	for (char *token = name; token; token = next_token(&cursor, end)) {
		if (!grow((void **)&pref->names, name_capacity,
			  pref->name_total + 1, sizeof(*pref->names)))
			return false;
		pref->names[pref->name_total++] = token;
		line.name_count++;
	}
	if (!grow((void **)&pref->lines, line_capacity, pref->count + 1,
		  sizeof(*pref->lines)))
		return false;
	pref->lines[pref->count++] = line;
	return true;
}

struct preference *preference_parse(const char *data, size_t size)
{
	struct preference *pref = calloc(1, sizeof(*pref));
	if (!pref || !(pref->text = malloc(size + 1))) {
		free(pref);
		return NULL;
	}
	memcpy(pref->text, data, size);
	pref->text[size] = '\0';
	size_t line_capacity = 0, name_capacity = 0;
	char *end = pref->text + size;
	long number = 1;
	for (char *start = pref->text; start < end; number++) {
		char *newline = memchr(start, '\n', (size_t)(end - start));
		char *line_end = newline ? newline : end;
		if (!add_line(pref, start, line_end, number, &line_capacity,
			      &name_capacity)) {
			preference_free(pref);
			return NULL;
		}
		start = line_end + 1;
	}
	if (pref->count)
		qsort(pref->lines, pref->count, sizeof(*pref->lines),
		      by_port_then_line);
	return pref;
}

void preference_free(struct preference *pref)
{
	if (!pref)
		return;
	free(pref->text);
	free(pref->lines);
	free(pref->names);
	free(pref);
}

size_t preference_line_count(const struct preference *pref)
{
	return pref->count;
}

/* ---- matching ------------------------------------------------------------ */

static bool item_has_name(const struct prefer_item *item, const char *name)
{
	if (text_ascii_equal_fold(item->name, name))
		return true;
	for (size_t i = 0; i < item->alias_count; i++)
		if (text_ascii_equal_fold(item->aliases[i], name))
			return true;
	return false;
}

static bool line_lists(const struct preference *pref,
		       const struct pref_line *line,
		       const struct prefer_item *item)
{
	if (!text_ascii_equal_fold(line->proto, item->proto))
		return false;
	for (size_t i = 0; i < line->name_count; i++)
		if (item_has_name(item, pref->names[line->first_name + i]))
			return true;
	return false;
}

long preference_rank(const struct preference *pref,
		     const struct prefer_item *item)
{
	size_t low = 0, high = pref->count;
	while (low < high) { /* the first line with port >= port_first */
		size_t middle = low + (high - low) / 2;
		if (pref->lines[middle].port < item->port_first)
			low = middle + 1;
		else
			high = middle;
	}
	long rank = 0;
	for (size_t i = low; i < pref->count && pref->lines[i].port <= item->port_last; i++)
		if ((rank == 0 || pref->lines[i].line < rank) &&
		    line_lists(pref, &pref->lines[i], item))
			rank = pref->lines[i].line;
	return rank;
}

static bool share_a_key(const struct prefer_item *a, const struct prefer_item *b)
{
	if (!text_ascii_equal_fold(a->proto, b->proto))
		return false;
	if (a->port_first <= b->port_last && b->port_first <= a->port_last)
		return true;
	if (item_has_name(b, a->name))
		return true;
	for (size_t i = 0; i < a->alias_count; i++)
		if (item_has_name(b, a->aliases[i]))
			return true;
	return false;
}

struct sort_key {
	size_t anchor; /* the position it goes just before */
	long rank;     /* its line in the file; LONG_MAX when not listed */
	size_t index;
};

static int by_sort_key(const void *a, const void *b)
{
	const struct sort_key *x = a, *y = b;
	if (x->anchor != y->anchor)
		return x->anchor < y->anchor ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

/* Listed items that share a key go to the same place, the earliest of
 * their places, so that the file's order alone decides between them. */
static int join_competing_listed(const struct prefer_item *items,
				 struct sort_key *keys, size_t count)
{
	size_t listed = 0;
	for (size_t i = 0; i < count; i++)
		listed += keys[i].rank != LONG_MAX;
	size_t *which = malloc((listed ? listed : 1) * sizeof(*which));
	if (!which)
		return -1;
	listed = 0;
	for (size_t i = 0; i < count; i++)
		if (keys[i].rank != LONG_MAX)
			which[listed++] = i;
	/* A fixed point: anchors only decrease, so it ends. */
	for (bool changed = true; changed;) {
		changed = false;
		for (size_t a = 0; a < listed; a++) {
			for (size_t b = a + 1; b < listed; b++) {
				struct sort_key *x = &keys[which[a]], *y = &keys[which[b]];
				if (x->anchor == y->anchor ||
				    !share_a_key(&items[which[a]], &items[which[b]]))
					continue;
				x->anchor = y->anchor = x->anchor < y->anchor
							? x->anchor : y->anchor;
				changed = true;
			}
		}
	}
	free(which);
	return 0;
}

int preference_order(const struct preference *pref,
		     const struct prefer_item *items, size_t count,
		     size_t *order, size_t *moved)
{
	struct sort_key *keys = malloc((count ? count : 1) * sizeof(*keys));
	if (!keys)
		return -1;
	for (size_t i = 0; i < count; i++) {
		long rank = preference_rank(pref, &items[i]);
		keys[i] = (struct sort_key){ i, rank ? rank : LONG_MAX, i };
		if (!rank)
			continue;
		for (size_t j = 0; j < i; j++) {
			if (share_a_key(&items[i], &items[j])) {
				keys[i].anchor = j;
				break;
			}
		}
	}
	if (join_competing_listed(items, keys, count) != 0) {
		free(keys);
		return -1;
	}
	qsort(keys, count, sizeof(*keys), by_sort_key);
	for (size_t i = 0; i < count; i++)
		order[i] = keys[i].index;
	/* An item moved ahead if one that came before it now comes after
	 * it: its index is above the smallest index after it. */
	*moved = 0;
	size_t smallest_after = SIZE_MAX;
	for (size_t i = count; i-- > 0;) {
		*moved += order[i] > smallest_after;
		if (order[i] < smallest_after)
			smallest_after = order[i];
	}
	free(keys);
	return 0;
}

/* ---- the registry's rows in the preferred order -------------------------- */

/* Per entry (row not an alias): its alias rows' names, for the items. */
struct alias_names {
	const char **names; /* grouped by entry, in row order */
	size_t *rows;       /* the same alias rows' indexes */
	size_t *start;      /* per row: where its entry's names start */
	size_t *count;      /* per row: how many */
};

static int collect_alias_names(const struct registry *reg, struct alias_names *a)
{
	a->names = malloc((reg->count + 1) * sizeof(*a->names));
	a->rows = malloc((reg->count + 1) * sizeof(*a->rows));
	a->start = calloc(reg->count + 1, sizeof(*a->start));
	a->count = calloc(reg->count + 1, sizeof(*a->count));
	if (!a->names || !a->rows || !a->start || !a->count)
		return -1;
	for (size_t r = 0; r < reg->count; r++)
		if (reg->rows[r].alias_of >= 0)
			a->count[reg->rows[r].alias_of]++;
	for (size_t r = 1; r <= reg->count; r++)
		a->start[r] = a->start[r - 1] + a->count[r - 1];
	size_t *filled = calloc(reg->count + 1, sizeof(*filled));
	if (!filled)
		return -1;
	for (size_t r = 0; r < reg->count; r++) {
		long target = reg->rows[r].alias_of;
		if (target >= 0) {
			size_t at = a->start[target] + filled[target]++;
			a->names[at] = reg->rows[r].name;
			a->rows[at] = r;
		}
	}
	free(filled);
	return 0;
}

static void free_alias_names(struct alias_names *a)
{
	free(a->names);
	free(a->rows);
	free(a->start);
	free(a->count);
}

/* Rewrites reg->rows: the entries in `order` (indexes into `entry_rows`),
 * each followed by its alias rows in their registry order. */
static int reorder_rows(struct registry *reg, const struct alias_names *a,
			const size_t *entry_rows, const size_t *order,
			size_t entries)
{
	struct registry_row *rows = malloc((reg->count + 1) * sizeof(*rows));
	size_t *new_index = malloc((reg->count + 1) * sizeof(*new_index));
	if (!rows || !new_index) {
		free(rows);
		free(new_index);
		return -1;
	}
	size_t next = 0;
	for (size_t k = 0; k < entries; k++) {
		size_t row = entry_rows[order[k]];
		new_index[row] = next;
		rows[next++] = reg->rows[row];
		for (size_t i = 0; i < a->count[row]; i++)
			rows[next++] = reg->rows[a->rows[a->start[row] + i]];
	}
	for (size_t r = 0; r < next; r++)
		if (rows[r].alias_of >= 0)
			rows[r].alias_of = (long)new_index[rows[r].alias_of];
	free(reg->rows);
	reg->rows = rows;
	free(new_index);
	return 0;
}

int registry_prefer(struct registry *reg, const struct preference *pref,
		    uint32_t *moved)
{
	struct alias_names a = { 0 };
	size_t *entry_rows = malloc((reg->count + 1) * sizeof(*entry_rows));
	struct prefer_item *items = malloc((reg->count + 1) * sizeof(*items));
	size_t *order = malloc((reg->count + 1) * sizeof(*order));
	size_t entries = 0, moved_count = 0;
	int status = -1;

	if (!entry_rows || !items || !order || collect_alias_names(reg, &a) != 0)
		goto out;
	for (size_t r = 0; r < reg->count; r++) {
		const struct registry_row *row = &reg->rows[r];
		if (row->alias_of >= 0)
			continue;
		entry_rows[entries] = r;
		items[entries++] = (struct prefer_item){
			row->name, a.names + a.start[r], a.count[r], row->proto,
			row->port_first, row->port_last,
		};
	}
	if (preference_order(pref, items, entries, order, &moved_count) != 0)
		goto out;
	*moved = (uint32_t)moved_count;
	status = moved_count ? reorder_rows(reg, &a, entry_rows, order, entries) : 0;
out:
	free_alias_names(&a);
	free(entry_rows);
	free(items);
	free(order);
	return status;
}
