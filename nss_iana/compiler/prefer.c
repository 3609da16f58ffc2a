/*
 * prefer.c - a services(5) file read as nss_files reads it, its lines put
 * before the registry's (prefer.h).
 */
#include "compiler/prefer.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* A run of bytes of the file and the column (from 1) where it starts. */
struct span {
	const char *bytes;
	size_t length;
	long column;
};

/* One line as nss_files parses it. */
struct services_line {
	struct span name;
	struct span proto;
	uint16_t port;
	struct span aliases[NSSIANA_MAX_ALIASES + 1];
	size_t alias_count;   /* at most NSSIANA_MAX_ALIASES + 1: one too many is an error */
	struct span comment;  /* after '#', trimmed; may be empty */
	long number;
};

struct services_reader {
	const char *path;
	const char *line_start; /* of the line being read, for columns */
	struct registry_row *rows; /* FILE's rows, in file order */
	size_t count;
	size_t capacity;
	unsigned long servents; /* ports served: the registry's and FILE's */
	uint32_t lines;
	char *err;
	size_t err_size;
};

__attribute__((format(printf, 4, 5)))
static int fail(struct services_reader *r, long line, long column,
		const char *format, ...)
{
	va_list args;
	int used = snprintf(r->err, r->err_size, "%s:%ld:%ld: ", r->path, line, column);

	if (used < 0 || (size_t)used >= r->err_size)
		return -1;
	va_start(args, format);
	vsnprintf(r->err + used, r->err_size - (size_t)used, format, args);
	va_end(args);
	return -1;
}

static int out_of_memory(struct services_reader *r)
{
	snprintf(r->err, r->err_size, "%s: out of memory", r->path);
	return -1;
}

/* isspace() in the C locale, as nss_files splits its lines. */
static bool c_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && c_space(*p))
		p++;
	return p;
}

static struct span token_at(struct services_reader *r, const char *p,
			    const char *end)
{
	const char *q = p;

	while (q < end && !c_space(*q))
		q++;
	return (struct span){ p, (size_t)(q - p), (long)(p - r->line_start) + 1 };
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* strtoul(p, &end, 0) as nss_files calls it: a sign, then hexadecimal
 * after "0x", octal after "0", else decimal.  Returns the end of the
 * number, or NULL if there is none or its value (negated in its own type,
 * as strtoul does; ULONG_MAX on overflow) does not fit in 32 bits: glibc
 * 2.36 skips such a line.  The port is the low 16 bits (htons). */
static const char *parse_port(const char *p, const char *end, uint16_t *port)
{
	static_assert(sizeof(unsigned long) == sizeof(unsigned long long),
		      "strtoul's range is 64 bits here");
	bool negative = false, overflow = false;
	unsigned long long value = 0;
	unsigned base = 10;

	if (p < end && (*p == '+' || *p == '-'))
		negative = *p++ == '-';
	if (end - p >= 3 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2]) < 16) {
		base = 16;
		p += 2;
	} else if (p < end && *p == '0') {
		base = 8;
	}
	if (p == end || digit_value(*p) >= (int)base)
		return NULL;
	for (; p < end && digit_value(*p) < (int)base; p++) {
		unsigned digit = (unsigned)digit_value(*p);
		if (value > (ULLONG_MAX - digit) / base)
			overflow = true;
		else
			value = value * base + digit;
	}
	if (overflow)
		value = ULLONG_MAX; /* strtoul's ERANGE result, whatever the sign */
	else if (negative)
		value = 0 - value;  /* strtoul negates in its own type */
	if (value > 0xffffffffu)
		return NULL;
	*port = (uint16_t)value;
	return p;
}

static void trim_comment(struct span *comment)
{
	while (comment->length && c_space(comment->bytes[0])) {
		comment->bytes++;
		comment->length--;
	}
	while (comment->length && c_space(comment->bytes[comment->length - 1]))
		comment->length--;
}

/* Parses [p, end) (a line without its '\n', cut at a NUL).  Returns 1 for
 * a line nss_files serves, 0 for one it skips. */
static int parse_line(struct services_reader *r, const char *p, const char *end,
		      struct services_line *line)
{
	p = skip_space(p, end);
	if (p == end || *p == '#')
		return 0;
	const char *hash = memchr(p, '#', (size_t)(end - p));
	line->comment = (struct span){ "", 0, 0 };
	if (hash) {
		line->comment = (struct span){ hash + 1, (size_t)(end - hash - 1), 0 };
		trim_comment(&line->comment);
		end = hash;
	}
	line->name = token_at(r, p, end);
	p = skip_space(line->name.bytes + line->name.length, end);
	const char *after = parse_port(p, end, &line->port);
	if (!after)
		return 0;
	if (after < end && *after == '/')
		while (after < end && *after == '/')
			after++; /* nss_files swallows every '/' */
	else if (after < end)
		return 0;
	line->proto = token_at(r, after, end);
	p = skip_space(after + line->proto.length, end);
	line->alias_count = 0;
	while (p < end && line->alias_count <= NSSIANA_MAX_ALIASES) {
		line->aliases[line->alias_count++] = token_at(r, p, end);
		p = skip_space(p + line->aliases[line->alias_count - 1].length, end);
	}
	return 1;
}

/* ---- checks: what the snapshot can hold ---------------------------------- */

static int check_token(struct services_reader *r, const struct services_line *line,
		       const struct span *token, const char *what)
{
	char copy[NSSIANA_MAX_ANSWER_BYTES + 1];

	if (token->length == 0)
		return fail(r, line->number, token->column,
			    "no %s after the port: nss_files would serve the line "
			    "with an empty %s, which a snapshot cannot hold", what, what);
	if (token->length > NSSIANA_MAX_ANSWER_BYTES)
		return fail(r, line->number, token->column,
			    "the %s is longer than %d bytes", what,
			    NSSIANA_MAX_ANSWER_BYTES);
	memcpy(copy, token->bytes, token->length);
	copy[token->length] = '\0';
	if (!text_is_services_token(copy))
		return fail(r, line->number, token->column,
			    "the %s is not valid UTF-8 or holds a control character "
			    "or an invisible one", what);
	return 0;
}

static int check_line(struct services_reader *r, const struct services_line *line)
{
	if (check_token(r, line, &line->name, "service name") ||
	    check_token(r, line, &line->proto, "protocol"))
		return -1;
	if (line->alias_count > NSSIANA_MAX_ALIASES)
		return fail(r, line->number, line->aliases[NSSIANA_MAX_ALIASES].column,
			    "more than %d aliases", NSSIANA_MAX_ALIASES);
	size_t answer = registry_entry_answer_bytes(line->name.length, line->proto.length);
	for (size_t i = 0; i < line->alias_count; i++) {
		if (check_token(r, line, &line->aliases[i], "alias"))
			return -1;
		answer += registry_alias_answer_bytes(line->aliases[i].length);
	}
	if (answer > NSSIANA_MAX_ANSWER_BYTES)
		return fail(r, line->number, line->name.column,
			    "the line would need more than %d bytes to answer "
			    "(its name, protocol and aliases)", NSSIANA_MAX_ANSWER_BYTES);
	if (++r->servents > NSSIANA_MAX_SERVENTS)
		return fail(r, line->number, line->name.column,
			    "more than %u ports served in all, with the registry's",
			    NSSIANA_MAX_SERVENTS);
	return 0;
}

/* ---- rows ------------------------------------------------------------------ */

static char *put(char **at, const char *bytes, size_t length)
{
	char *copy = *at;

	memcpy(copy, bytes, length);
	copy[length] = '\0';
	*at += length + 1;
	return copy;
}

static struct registry_row *new_row(struct services_reader *r)
{
	if (r->count == r->capacity) {
		size_t capacity = r->capacity ? r->capacity * 2 : 256;
		struct registry_row *rows = realloc(r->rows, capacity * sizeof(*rows));
		if (!rows)
			return NULL;
		r->rows = rows;
		r->capacity = capacity;
	}
	struct registry_row *row = &r->rows[r->count];
	memset(row, 0, sizeof(*row));
	return row;
}

/* A row of FILE: `name`, the line's protocol, and the metadata (see
 * prefer.h) in one allocation, as registry.h lays rows out. */
static int add_row(struct services_reader *r, const struct services_line *line,
		   const struct span *name, const struct span *description,
		   long alias_of)
{
	char note[32] = "";
	if (alias_of < 0)
		snprintf(note, sizeof(note), PREFER_LINE_NOTE, line->number);
	size_t size = name->length + 1 + line->proto.length + 1 +
		      description->length + 1 + strlen(note) + 1 +
		      (NSSIANA_META_FIELDS - 2);
	struct registry_row *row = new_row(r);
	char *at = row ? malloc(size) : NULL;
	if (!at)
		return out_of_memory(r);
	row->name = put(&at, name->bytes, name->length);
	row->proto = put(&at, line->proto.bytes, line->proto.length);
	for (int field = 0; field < NSSIANA_META_FIELDS; field++) {
		if (field == NSSIANA_META_DESCRIPTION)
			row->meta[field] = put(&at, description->bytes, description->length);
		else if (field == NSSIANA_META_ASSIGNMENT_NOTES)
			row->meta[field] = put(&at, note, strlen(note));
		else
			row->meta[field] = put(&at, "", 0);
	}
	row->port_first = row->port_last = line->port;
	row->line = line->number;
	row->column = name->column;
	row->alias_of = alias_of;
	row->preferred = true;
	r->count++;
	return 0;
}

static int add_line(struct services_reader *r, const struct services_line *line)
{
	static const struct span none = { "", 0, 0 };
	long entry = (long)r->count;

	if (check_line(r, line) || add_row(r, line, &line->name, &line->comment, -1))
		return -1;
	for (size_t i = 0; i < line->alias_count; i++)
		if (add_row(r, line, &line->aliases[i], &none, entry))
			return -1;
	r->lines++;
	return 0;
}

static int read_lines(struct services_reader *r, const char *data, size_t size)
{
	const char *end = data + size;
	long number = 1;

	for (const char *start = data; start < end; number++) {
		const char *newline = memchr(start, '\n', (size_t)(end - start));
		const char *line_end = newline ? newline : end;
		const char *nul = memchr(start, '\0', (size_t)(line_end - start));
		struct services_line line = { .number = number };
		r->line_start = start;
		if (parse_line(r, start, nul ? nul : line_end, &line) &&
		    add_line(r, &line) != 0)
			return -1;
		start = line_end + 1;
	}
	return 0;
}

/* reg's rows after FILE's: their alias targets move with them. */
static int join_rows(struct services_reader *r, struct registry *reg)
{
	size_t total = r->count + reg->count;
	struct registry_row *rows = malloc((total + 1) * sizeof(*rows));

	if (!rows)
		return out_of_memory(r);
	if (r->count)
		memcpy(rows, r->rows, r->count * sizeof(*rows));
	for (size_t i = 0; i < reg->count; i++) {
		rows[r->count + i] = reg->rows[i];
		if (rows[r->count + i].alias_of >= 0)
			rows[r->count + i].alias_of += (long)r->count;
	}
	free(reg->rows);
	free(r->rows);
	reg->rows = rows;
	reg->count = total;
	r->rows = NULL;
	r->count = 0;
	return 0;
}

int registry_prepend_services(struct registry *reg, const char *data,
			      size_t size, const char *path, uint32_t *lines,
			      char *err, size_t err_size)
{
	struct services_reader r = { .path = path, .err = err, .err_size = err_size };
	int status;

	for (size_t i = 0; i < reg->count; i++)
		if (reg->rows[i].alias_of < 0)
			r.servents += (unsigned long)reg->rows[i].port_last -
				      reg->rows[i].port_first + 1;
	status = read_lines(&r, data, size);
	if (status == 0)
		status = join_rows(&r, reg);
	if (status == 0)
		*lines = r.lines;
	for (size_t i = 0; i < r.count; i++)
		free(r.rows[i].name);
	free(r.rows);
	return status;
}
