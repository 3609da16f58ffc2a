/*
 * proto_registry.c - the protocols database's rules, declared in
 * proto_registry.h.
 * Plain code: a registry of about 150 rows and a file of about 60 lines.
 */
#include "compiler/proto_registry.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/csv.h"
#include "compiler/snapshot_write.h"
#include "reader/checksum.h"
#include "text.h"

#define DEPRECATED_SUFFIX " (deprecated)"

enum proto_column {
	PCOL_NUMBER,
	PCOL_KEYWORD,
	PCOL_META, /* PCOL_META + enum nssiana_proto_meta_field */
	PCOL_COUNT = PCOL_META + NSSIANA_PROTO_META_FIELDS
};

static const char *const proto_column_names[PCOL_COUNT] = {
	[PCOL_NUMBER] = "Decimal",
	[PCOL_KEYWORD] = "Keyword",
	[PCOL_META + NSSIANA_PROTO_META_DESCRIPTION] = "Protocol",
	[PCOL_META + NSSIANA_PROTO_META_IPV6_EXTENSION] = "IPv6 Extension Header",
	[PCOL_META + NSSIANA_PROTO_META_REFERENCE] = "Reference",
};

__attribute__((format(printf, 6, 7)))
static int fail_at(char *err, size_t err_size, const char *file, long line,
		   long column, const char *format, ...)
{
	va_list args;
	int used = column > 0
		? snprintf(err, err_size, "%s:%ld:%ld: ", file, line, column)
		: snprintf(err, err_size, "%s:%ld: ", file, line);

	if (used >= 0 && (size_t)used < err_size) {
		va_start(args, format);
		vsnprintf(err + used, err_size - (size_t)used, format, args);
		va_end(args);
	}
	return -1;
}

/* ---- names ---------------------------------------------------------------- */

int proto_names_of_keyword(const char *keyword, char *name, char *alias,
			   size_t size)
{
	size_t length = strlen(keyword), suffix = strlen(DEPRECATED_SUFFIX);

	if (length > suffix &&
	    text_ascii_equal_fold(keyword + length - suffix, DEPRECATED_SUFFIX))
		length -= suffix;
	if (length + 1 > size)
		return -1;
	for (size_t i = 0; i < length; i++) {
		alias[i] = keyword[i] == ' ' ? '-' : keyword[i];
		name[i] = (char)text_ascii_fold((unsigned char)alias[i]);
	}
	name[length] = alias[length] = '\0';
	if (!text_is_services_token(name) || !text_is_services_token(alias))
		return -1;
	if (strcmp(name, alias) == 0)
		alias[0] = '\0';
	return 0;
}

size_t proto_answer_bytes(const char *name, const char *const *aliases,
			  size_t alias_count)
{
	size_t bytes = sizeof(char *) - 1 + (alias_count + 1) * sizeof(char *) +
		strlen(name) + 1;

	for (size_t i = 0; i < alias_count; i++)
		bytes += strlen(aliases[i]) + 1;
	return bytes;
}

/* ---- rows ------------------------------------------------------------------- */

static bool grow_rows(struct proto_table *table, size_t *capacity)
{
	if (table->count < *capacity)
		return true;
	size_t more = *capacity ? *capacity * 2 : 64;
	struct proto_row *rows = realloc(table->rows, more * sizeof(*rows));
	if (!rows)
		return false;
	table->rows = rows;
	*capacity = more;
	return true;
}

/* Copies the row's strings into one allocation: name, aliases, metadata.
 * `aliases` and `meta` may be NULL (none, all ""). */
static int fill_row(struct proto_row *row, const char *name,
		    const char *const *aliases, size_t alias_count,
		    const char *const *meta)
{
	size_t bytes = strlen(name) + 1;

	for (size_t i = 0; i < alias_count; i++)
		bytes += strlen(aliases[i]) + 1;
	for (int f = 0; f < NSSIANA_PROTO_META_FIELDS; f++)
		bytes += (meta ? strlen(meta[f]) : 0) + 1;
	row->block = malloc(bytes);
	row->aliases = calloc(alias_count + 1, sizeof(*row->aliases));
	if (!row->block || !row->aliases) {
		free(row->block);
		free(row->aliases);
		return -1;
	}
	char *at = row->block;
	row->name = strcpy(at, name);
	at += strlen(name) + 1;
	for (size_t i = 0; i < alias_count; i++) {
		row->aliases[i] = strcpy(at, aliases[i]);
		at += strlen(aliases[i]) + 1;
	}
	row->alias_count = alias_count;
	for (int f = 0; f < NSSIANA_PROTO_META_FIELDS; f++) {
		row->meta[f] = strcpy(at, meta ? meta[f] : "");
		at += strlen(row->meta[f]) + 1;
	}
	return 0;
}

static void free_row(struct proto_row *row)
{
	free(row->block);
	free(row->aliases);
}

void proto_table_free(struct proto_table *table)
{
	for (size_t i = 0; i < table->count; i++)
		free_row(&table->rows[i]);
	free(table->rows);
	free(table->file_path);
	memset(table, 0, sizeof(*table));
}

/* ---- the registry ------------------------------------------------------------ */

struct proto_loader {
	struct proto_table *table;
	const char *filename;
	char *err;
	size_t err_size;
	long where[PCOL_COUNT];
	size_t capacity;
};

static int read_proto_header(struct proto_loader *l, const struct record *header)
{
	for (int c = 0; c < PCOL_COUNT; c++)
		l->where[c] = -1;
	for (size_t i = 0; i < header->count; i++)
		for (int c = 0; c < PCOL_COUNT; c++) {
			if (!text_ascii_equal_fold(header->fields[i].text, proto_column_names[c]))
				continue;
			if (l->where[c] >= 0)
				return fail_at(l->err, l->err_size, l->filename,
					       header->fields[i].line, header->fields[i].column,
					       "column \"%s\" appears twice in the header",
					       proto_column_names[c]);
			l->where[c] = (long)i;
		}
	for (int c = 0; c <= PCOL_KEYWORD; c++)
		if (l->where[c] < 0)
			return fail_at(l->err, l->err_size, l->filename, 1, 1,
				       "no \"%s\" column: not the protocol numbers registry",
				       proto_column_names[c]);
	return 0;
}

/* Decimal digits, at most 4294967295; advances *p past them. */
static bool parse_decimal(const char **p, uint32_t *value)
{
	uint64_t v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*p = s;
	*value = (uint32_t)v;
	return true;
}

/* "N" (returns 1) or "N-M" with N <= M (returns 2); 0 if malformed. */
static int parse_number_field(const char *text, uint32_t *number)
{
	uint32_t last;

	if (!parse_decimal(&text, number))
		return 0;
	if (*text == '\0')
		return 1;
	if (*text++ != '-' || !parse_decimal(&text, &last) || *text != '\0' ||
	    last < *number)
		return 0;
	return 2;
}

static const char *text_of(const struct proto_loader *l, const struct record *r,
			   int column)
{
	return l->where[column] >= 0 ? r->fields[l->where[column]].text : "";
}

static int add_registry_row(struct proto_loader *l, const struct record *r,
			    uint32_t number, const struct record_field *keyword)
{
	size_t size = keyword->length + 1;
	char *name = malloc(size), *alias = malloc(size);
	const char *meta[NSSIANA_PROTO_META_FIELDS];
	int status = 0;

	if (!name || !alias)
		status = -2;
	else if (proto_names_of_keyword(keyword->text, name, alias, size) != 0)
		l->table->stats.rows_bad_name++;
	else if (!grow_rows(l->table, &l->capacity))
		status = -2;
	else {
		struct proto_row *row = &l->table->rows[l->table->count];
		const char *aliases[1] = { alias };
		memset(row, 0, sizeof(*row));
		for (int f = 0; f < NSSIANA_PROTO_META_FIELDS; f++)
			meta[f] = text_of(l, r, PCOL_META + f);
		if (fill_row(row, name, aliases, alias[0] ? 1 : 0, meta) != 0)
			status = -2;
		else {
			row->number = number;
			row->source = NSSIANA_PROTO_FROM_REGISTRY;
			row->line = keyword->line;
			row->column = keyword->column;
			l->table->count++;
			l->table->stats.registry_entries++;
		}
	}
	free(name);
	free(alias);
	if (status == -2)
		return fail_at(l->err, l->err_size, l->filename, keyword->line,
			       keyword->column, "out of memory");
	return status;
}

static int read_proto_row(struct proto_loader *l, const struct record *r)
{
	const struct record_field *decimal = &r->fields[l->where[PCOL_NUMBER]];
	const struct record_field *keyword = &r->fields[l->where[PCOL_KEYWORD]];
	uint32_t number;
	int kind = parse_number_field(decimal->text, &number);

	l->table->stats.rows_read++;
	if (kind == 0)
		return fail_at(l->err, l->err_size, l->filename, decimal->line,
			       decimal->column,
			       "bad protocol number \"%s\" (expected N or N-M, at most 4294967295)",
			       decimal->text);
	if (kind == 2) {
		l->table->stats.rows_range++;
		return 0;
	}
	if (keyword->length == 0) {
		l->table->stats.rows_no_keyword++;
		return 0;
	}
	return add_registry_row(l, r, number, keyword);
}

int proto_table_read(struct proto_table *table,
		     const struct record_reader *records, const char *filename,
		     char *err, size_t err_size)
{
	struct proto_loader l = { table, filename, err, err_size, { 0 }, 0 };
	struct record record;
	struct record_error error;
	int status;

	memset(table, 0, sizeof(*table));
	table->registry_name = filename;
	status = records->next(records->state, &record, &error);
	if (status < 0)
		status = fail_at(err, err_size, filename, error.line, error.column,
				 "%s", error.message);
	else if (status == 0)
		status = fail_at(err, err_size, filename, 1, 1, "no header row: the input is empty");
	else
		status = read_proto_header(&l, &record) == 0 ? 1 : -1;
	while (status > 0) {
		status = records->next(records->state, &record, &error);
		if (status > 0 && read_proto_row(&l, &record) != 0)
			status = -1;
		else if (status < 0)
			status = fail_at(err, err_size, filename, error.line,
					 error.column, "%s", error.message);
	}
	if (status < 0) {
		proto_table_free(table);
		return -1;
	}
	if (table->count > NSSIANA_MAX_PROTOENTS)
		return fail_at(err, err_size, filename, table->rows[NSSIANA_MAX_PROTOENTS].line,
			       table->rows[NSSIANA_MAX_PROTOENTS].column,
			       "more than %u protocols", NSSIANA_MAX_PROTOENTS),
		       proto_table_free(table), -1;
	return 0;
}

int proto_table_load(struct proto_table *table, const char *data, size_t size,
		     const char *filename, char *err, size_t err_size)
{
	struct csv_reader *csv = csv_open(data, size);

	if (!csv) {
		memset(table, 0, sizeof(*table));
		snprintf(err, err_size, "%s: out of memory", filename);
		return -1;
	}
	struct record_reader records = csv_records(csv);
	int status = proto_table_read(table, &records, filename, err, err_size);
	csv_close(csv);
	return status;
}

/* ---- the preference file ------------------------------------------------------ */

/* isspace() of the C locale, which nss_files' parser uses. */
static bool is_c_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* strtoul(base 10) as glibc's strtou32 uses it: white space, a sign, the
 * digits; a negative value is negated in unsigned long arithmetic; a value
 * over 4294967295 (or an overflow) is 4294967295.  Returns false when no
 * digit was read (strtoul then sets endptr to the start). */
static bool c_strtou32(const char *s, const char **end, uint32_t *value)
{
	bool negative = false, overflow = false;
	unsigned long long v = 0;
	const char *digits;

	while (is_c_space(*s))
		s++;
	if (*s == '+' || *s == '-')
		negative = *s++ == '-';
	digits = s;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			overflow = true;
		else
			v = v * 10 + (unsigned long long)(*s - '0');
	}
	if (s == digits)
		return false;
	*end = s;
	if (overflow)
		*value = UINT32_MAX; /* strtoul's ULONG_MAX, clamped */
	else {
		unsigned long long u = negative ? 0 - v : v;
		*value = u > UINT32_MAX ? UINT32_MAX : (uint32_t)u;
	}
	return true;
}

/* One line, [start, end), NUL-terminated at end and writable.  Fills the
 * words (name, then aliases) and returns their count, 0 for no entry. */
static size_t split_protocols_line(char *start, char *end, uint32_t *number,
				   char ***words, size_t *capacity)
{
	char *hash = memchr(start, '#', (size_t)(end - start));
	size_t count = 0;
	const char *after;

	if (hash)
		*hash = '\0';
	while (is_c_space(*start))
		start++;
	if (*start == '\0')
		return 0;
	char *p = start;
	while (*p && !is_c_space(*p))
		p++;
	if (*p) {
		*p++ = '\0';
		while (is_c_space(*p))
			p++;
	}
	if (!c_strtou32(p, &after, number))
		return 0;
	p = (char *)after;
	if (*p && !is_c_space(*p))
		return 0;
	for (char *word = start; word; ) {
		if (count + 1 >= *capacity) {
			size_t more = *capacity ? *capacity * 2 : 16;
			char **grown = realloc(*words, more * sizeof(**words));
			if (!grown)
				return (size_t)-1;
			*words = grown;
			*capacity = more;
		}
		(*words)[count++] = word;
		while (is_c_space(*p))
			p++;
		word = *p ? p : NULL;
		while (*p && !is_c_space(*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
	return count;
}

static int check_line_limits(const char *path, long line, char **words,
			     size_t count, char *err, size_t err_size)
{
	if (count - 1 > NSSIANA_MAX_ALIASES)
		return fail_at(err, err_size, path, line, 0,
			       "more than %d aliases of one protocol", NSSIANA_MAX_ALIASES);
	if (proto_answer_bytes(words[0], (const char *const *)words + 1, count - 1) >
	    NSSIANA_MAX_ANSWER_BYTES)
		return fail_at(err, err_size, path, line, 0,
			       "the entry needs more than %d bytes", NSSIANA_MAX_ANSWER_BYTES);
	return 0;
}

/* The file's entries, in file order, into *rows. */
static int read_protocols_file(char *text, size_t size, const char *path,
			       struct proto_table *out, char *err, size_t err_size)
{
	char **words = NULL, *end = text + size;
	size_t capacity = 0, words_capacity = 0;
	long line = 1;
	int status = 0;

	for (char *start = text; start < end && status == 0; line++) {
		char *newline = memchr(start, '\n', (size_t)(end - start));
		char *line_end = newline ? newline : end;
		uint32_t number;
		*line_end = '\0';
		out->stats.file_lines++;
		size_t count = split_protocols_line(start, line_end, &number, &words,
						    &words_capacity);
		start = line_end + 1;
		if (count == (size_t)-1 || (count && !grow_rows(out, &capacity)))
			status = fail_at(err, err_size, path, line, 0, "out of memory");
		else if (count && check_line_limits(path, line, words, count, err, err_size))
			status = -1;
		else if (count) {
			struct proto_row *row = &out->rows[out->count];
			memset(row, 0, sizeof(*row));
			if (fill_row(row, words[0], (const char *const *)words + 1,
				     count - 1, NULL) != 0)
				status = fail_at(err, err_size, path, line, 0, "out of memory");
			else {
				row->number = number;
				row->source = NSSIANA_PROTO_FROM_FILE;
				row->line = line;
				row->column = 1;
				out->count++;
			}
		}
	}
	free(words);
	return status;
}

int proto_table_prefer(struct proto_table *table, const char *data,
		       size_t size, const char *path, char *err,
		       size_t err_size)
{
	struct proto_table file = { 0 };
	char *text = malloc(size + 1);
	int status;

	if (!text)
		return fail_at(err, err_size, path, 0, 0, "out of memory");
	if (size)
		memcpy(text, data, size);
	text[size] = '\0';
	status = read_protocols_file(text, size, path, &file, err, err_size);
	free(text);
	size_t total = file.count + table->count;
	struct proto_row *rows = status == 0 ? malloc((total + 1) * sizeof(*rows)) : NULL;
	char *copy = status == 0 ? strdup(path) : NULL;
	if (status == 0 && (!rows || !copy))
		status = fail_at(err, err_size, path, 0, 0, "out of memory");
	if (status == 0 && total > NSSIANA_MAX_PROTOENTS)
		status = fail_at(err, err_size, path, 0, 0, "more than %u protocols with the registry's",
				 NSSIANA_MAX_PROTOENTS);
	if (status != 0) {
		free(rows);
		free(copy);
		proto_table_free(&file);
		return -1;
	}
	if (file.count) /* memcpy from NULL is undefined, even of 0 bytes */
		memcpy(rows, file.rows, file.count * sizeof(*rows));
	if (table->count)
		memcpy(rows + file.count, table->rows, table->count * sizeof(*rows));
	free(table->rows);
	free(table->file_path);
	table->rows = rows;
	table->count = total;
	table->stats.file_entries = file.count;
	table->stats.file_lines = file.stats.file_lines;
	table->file_path = copy;
	table->file_name = table->file_path;
	table->file_crc32 = crc32_of(data, size);
	free(file.rows);
	return 0;
}
