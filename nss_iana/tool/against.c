/*
 * tool/against.c - `nss-iana verify --against FILE`: does the snapshot
 * answer every query nss_files answers from the services(5) file FILE as
 * nss_files does?
 *
 * The queries are all those FILE answers: each name and alias of each of
 * its lines with the line's protocol and with none, each port with the
 * line's protocol and with none, each asked once.  What nss_files answers
 * comes from a snapshot of FILE alone (compile_services_file: FILE read
 * as nss_files reads it, first match in file order); what the module
 * answers comes from the snapshot, through the same lookups the module
 * makes.  Two answers are the same when name, port, protocol and aliases
 * are.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/compile.h"
#include "tool/tool.h"

struct query {
	const char *name; /* NULL: by port */
	uint16_t port;
	const char *proto; /* NULL: any */
};

struct query_list {
	struct query *items;
	size_t count;
	size_t capacity;
};

static int add_query(struct query_list *list, struct query q)
{
	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? list->capacity * 2 : 1024;
		struct query *items = realloc(list->items, capacity * sizeof(*items));
		if (!items)
			return -1;
		list->items = items;
		list->capacity = capacity;
	}
	list->items[list->count++] = q;
	return 0;
}

static int compare_optional(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int compare_queries(const void *x, const void *y)
{
	const struct query *a = x, *b = y;
	int c = compare_optional(a->name, b->name);
	if (c)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return compare_optional(a->proto, b->proto);
}

/* Every query FILE answers, each once, sorted. */
static int list_queries(const struct snapshot *file, struct query_list *list)
{
	for (uint32_t i = 0; i < file->entry_count; i++) {
		struct tool_entry_view e;
		if (!tool_entry_view(file, i, &e))
			return -1;
		const char *names[NSSIANA_MAX_ALIASES + 1] = { e.name };
		memcpy(names + 1, e.aliases, e.alias_count * sizeof(*names));
		for (uint32_t n = 0; n <= e.alias_count; n++)
			if (add_query(list, (struct query){ names[n], 0, e.proto }) ||
			    add_query(list, (struct query){ names[n], 0, NULL }))
				return -1;
		if (add_query(list, (struct query){ NULL, e.port_first, e.proto }) ||
		    add_query(list, (struct query){ NULL, e.port_first, NULL }))
			return -1;
	}
	if (list->count)
		qsort(list->items, list->count, sizeof(*list->items), compare_queries);
	size_t kept = 0;
	for (size_t i = 0; i < list->count; i++)
		if (kept == 0 || compare_queries(&list->items[kept - 1], &list->items[i]))
			list->items[kept++] = list->items[i];
	list->count = kept;
	return 0;
}

/* An answer as the module gives it: the entry, and the port it answers
 * with (a name lookup answers a range's first port). */
struct answer {
	bool found;
	struct tool_entry_view entry;
	uint16_t port;
};

static int ask(const struct snapshot *snap, const struct query *q, struct answer *a)
{
	uint32_t index;
	enum snapshot_status status = q->name
		? snapshot_find_name(snap, q->name, q->proto, &index)
		: snapshot_find_port(snap, q->port, q->proto, &index);
	memset(a, 0, sizeof(*a));
	if (status == SNAPSHOT_NOT_FOUND)
		return 0;
	if (status != SNAPSHOT_FOUND || !tool_entry_view(snap, index, &a->entry))
		return -1;
	a->found = true;
	a->port = q->name ? a->entry.port_first : q->port;
	return 0;
}

static bool same_answer(const struct answer *a, const struct answer *b)
{
	if (a->found != b->found)
		return false;
	if (!a->found)
		return true;
	if (a->port != b->port || strcmp(a->entry.name, b->entry.name) ||
	    strcmp(a->entry.proto, b->entry.proto) ||
	    a->entry.alias_count != b->entry.alias_count)
		return false;
	for (uint32_t i = 0; i < a->entry.alias_count; i++)
		if (strcmp(a->entry.aliases[i], b->entry.aliases[i]))
			return false;
	return true;
}

static void print_answer(FILE *out, const struct answer *a)
{
	if (!a->found) {
		fputs("nothing", out);
		return;
	}
	tool_print_string(out, a->entry.name);
	fprintf(out, " %u/", (unsigned)a->port);
	tool_print_string(out, a->entry.proto);
	for (uint32_t i = 0; i < a->entry.alias_count; i++) {
		putc(' ', out);
		tool_print_string(out, a->entry.aliases[i]);
	}
}

static void print_query(FILE *out, const struct query *q)
{
	if (q->name)
		tool_print_string(out, q->name);
	else
		fprintf(out, "%u", (unsigned)q->port);
	putc('/', out);
	tool_print_string(out, q->proto ? q->proto : "*");
}

/* 1323 as "1,323". */
static const char *grouped(unsigned long value, char *out, size_t size)
{
	char digits[32];
	int length = snprintf(digits, sizeof(digits), "%lu", value);
	size_t used = 0;
	for (int i = 0; i < length && used + 2 < size; i++) {
		if (i > 0 && (length - i) % 3 == 0)
			out[used++] = ',';
		out[used++] = digits[i];
	}
	out[used] = '\0';
	return out;
}

int tool_check_against(const struct snapshot *snap, const char *file, FILE *out)
{
	char err[512], a[32], b[32], c[32];
	struct compiled compiled;
	struct query_list list = { 0 };
	unsigned long differ = 0;

	if (compile_services_file(file, &compiled, err, sizeof(err)) != 0) {
		tool_error("verify: %s", err);
		return -1;
	}
	int status = list_queries(&compiled.snap, &list);
	for (size_t i = 0; status == 0 && i < list.count; i++) {
		struct answer want, got;
		status = ask(&compiled.snap, &list.items[i], &want) ||
			 ask(snap, &list.items[i], &got) ? -1 : 0;
		if (status != 0 || same_answer(&want, &got))
			continue;
		differ++;
		fputs("differs: ", out);
		print_query(out, &list.items[i]);
		fputs(": ", out);
		tool_print_string(out, file);
		fputs(" answers ", out);
		print_answer(out, &want);
		fputs(", the snapshot ", out);
		print_answer(out, &got);
		putc('\n', out);
	}
	if (status != 0) {
		tool_error("verify: an entry cannot be read (corrupt snapshot?)");
	} else {
		uint32_t preferred = tool_preferred_entries(snap);
		fprintf(out, "%s of %s answers of ", grouped(list.count - differ, a, sizeof(a)),
			grouped(list.count, b, sizeof(b)));
		tool_print_string(out, file);
		fprintf(out, " unchanged, %s registry entries beyond\n",
			grouped(snap->entry_count - preferred, c, sizeof(c)));
	}
	free(list.items);
	compiled_free(&compiled);
	return status != 0 ? -1 : differ ? 1 : 0;
}
