/*
 * render.h - what the reader suites (check_csv, check_xml) compare: every
 * record a reader returns, written as "[f1|f2|...]" one after another, so
 * that a test states a whole parse in one string.
 */
#ifndef NSS_IANA_RENDER_H
#define NSS_IANA_RENDER_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/record.h"

/* String literals with NULs or stray bytes need their size given. */
#define LIT(s) (s), (sizeof(s) - 1)

struct rendering {
	char *text;
	size_t used, capacity;
};

static inline struct rendering render_start(void)
{
	struct rendering r = { malloc(64), 0, 64 };
	ck_assert_ptr_nonnull(r.text);
	return r;
}

/* Room for `more` bytes and the final NUL. */
static inline void render_reserve(struct rendering *r, size_t more)
{
	while (r->used + more + 1 > r->capacity) {
		r->capacity *= 2;
		r->text = realloc(r->text, r->capacity);
		ck_assert_ptr_nonnull(r->text);
	}
}

static inline void render_char(struct rendering *r, char c)
{
	render_reserve(r, 1);
	r->text[r->used++] = c;
}

/* One record; each field's length must be what its NUL says. */
static inline void render_record(struct rendering *r,
				 const struct record_field *fields, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		ck_assert_uint_eq(strlen(fields[i].text), fields[i].length);
		render_char(r, i == 0 ? '[' : '|');
		render_reserve(r, fields[i].length);
		memcpy(r->text + r->used, fields[i].text, fields[i].length);
		r->used += fields[i].length;
	}
	render_char(r, ']');
}

static inline char *render_finish(struct rendering *r)
{
	r->text[r->used] = '\0';
	return r->text;
}

#endif
