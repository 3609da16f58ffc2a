/*
 * answer.c - the one writer of answers into the caller's buffer (answer.h).
 *
 * Invariants: while state is ANSWER_COPYING, aliases, next and end point
 * into the buffer, next <= end, and need == next - buffer; in every state
 * need counts the pad, the alias pointers and each string seen so far,
 * NUL included.  Nothing here allocates, prints or changes errno.
 */
#include <errno.h>
#include <stdalign.h>
#include <string.h>

#include "module/answer.h"
#include "snapshot_format.h"

void answer_begin(struct answer *a, char *buffer, size_t buflen,
		  const struct answer_source *source)
{
	size_t pad = -(uintptr_t)buffer & (alignof(char *) - 1);
	size_t pointers = ((size_t)source->alias_count + 1) * sizeof(char *);

	*a = (struct answer){
		.pool = source->pool,
		.pool_size = source->pool_size,
		.alias_count = source->alias_count,
		.state = ANSWER_COPYING,
		.room = buflen < NSSIANA_MAX_ANSWER_BYTES ? buflen
							  : NSSIANA_MAX_ANSWER_BYTES,
		.need = pad + pointers,
	};
	if (source->alias_count > NSSIANA_MAX_ALIASES ||
	    (uint64_t)source->alias_first + source->alias_count > source->alias_table)
		a->state = ANSWER_CORRUPT;
	else if (a->room < a->need)
		a->state = ANSWER_NO_ROOM; /* the pointers alone do not fit */
	else {
		a->aliases = (char **)(buffer + pad);
		a->next = buffer + a->need;
		a->end = buffer + a->room;
	}
}

void answer_refuse(struct answer *a)
{
	a->state = ANSWER_CORRUPT;
}

bool answer_continues(const struct answer *a)
{
	return a->state == ANSWER_COPYING || a->state == ANSWER_NO_ROOM;
}

/* The pool's bytes from `offset` to its end; 0, the answer then corrupt,
 * when the offset is outside the pool. */
static size_t pool_from(struct answer *a, uint32_t offset)
{
	if (offset < a->pool_size)
		return a->pool_size - offset;
	a->state = ANSWER_CORRUPT;
	return 0;
}

/* Adds the bytes the pool string at `offset` needs, NUL included, reading
 * no further than NSSIANA_MAX_ANSWER_BYTES into it.  Only for a buffer
 * too small: cold, out of the lookups' code (answer.h). */
static __attribute__((noinline, cold)) void measure(struct answer *a, uint32_t offset)
{
	size_t room_in_pool = pool_from(a, offset);
	if (room_in_pool == 0)
		return;
	size_t limit = room_in_pool < NSSIANA_MAX_ANSWER_BYTES
			       ? room_in_pool : NSSIANA_MAX_ANSWER_BYTES;
	size_t length = strnlen(a->pool + offset, limit);
	if (length == room_in_pool)
		a->state = ANSWER_CORRUPT; /* no NUL before the end of the pool */
	else if ((a->need += length + 1) > NSSIANA_MAX_ANSWER_BYTES)
		a->state = ANSWER_TOO_BIG;
}

/* memccpy(to, from, '\0', limit), by hand: answers are a few short
 * strings, and memccpy is three calls into libc (memccpy, memchr, memcpy),
 * each in code of its own, which cost more than copying a few bytes. */
static char *copy_string(char *to, const char *from, size_t limit)
{
	for (size_t i = 0; i < limit; i++)
		if ((to[i] = from[i]) == '\0')
			return to + i + 1;
	return NULL;
}

/* Copies the pool string at `offset`, NUL included, in one pass bounded by
 * both the pool and the buffer: a file rewritten in place can at worst
 * give a wrong string, never an unterminated one.  Returns the copy, or
 * NULL; a string that does not fit is measured instead, as are all the
 * strings after it. */
static char *put(struct answer *a, uint32_t offset)
{
	if (a->state == ANSWER_COPYING) {
		size_t room_in_pool = pool_from(a, offset);
		if (room_in_pool == 0)
			return NULL;
		size_t room_out = (size_t)(a->end - a->next);
		size_t limit = room_in_pool < room_out ? room_in_pool : room_out;
		char *copy = a->next;
		char *after = copy_string(copy, a->pool + offset, limit);
		if (after != NULL) {
			a->need += (size_t)(after - copy);
			a->next = after;
			return copy;
		}
		a->state = room_in_pool <= room_out ? ANSWER_CORRUPT : ANSWER_NO_ROOM;
	}
	if (a->state == ANSWER_NO_ROOM)
		measure(a, offset);
	return NULL;
}

void answer_string(struct answer *a, uint32_t offset, char **field)
{
	char *copy = put(a, offset);
	if (copy != NULL)
		*field = copy;
}

void answer_alias(struct answer *a, uint32_t offset)
{
	if (a->aliases_given++ >= a->alias_count)
		a->state = ANSWER_CORRUPT; /* more than the array holds */
	char *copy = put(a, offset);
	if (copy != NULL)
		a->aliases[a->aliases_given - 1] = copy;
}

/* Past NSSIANA_MAX_ANSWER_BYTES of buffer the answer is UNAVAIL however a
 * file changed in place meanwhile measures: only that much is ever used. */
enum nss_status answer_end(struct answer *a, char ***aliases, int *error)
{
	switch (a->state) {
	case ANSWER_COPYING:
		if (a->aliases_given != a->alias_count)
			break; /* a slot never filled */
		a->aliases[a->alias_count] = NULL;
		*aliases = a->aliases;
		return NSS_STATUS_SUCCESS;
	case ANSWER_NO_ROOM:
		if (a->room == NSSIANA_MAX_ANSWER_BYTES)
			break;
		*error = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	default:
		break;
	}
	*error = ENOENT;
	return NSS_STATUS_UNAVAIL;
}

enum nss_status answer_finish(enum nss_status status, int error, int *errnop)
{
	if (status == NSS_STATUS_TRYAGAIN || status == NSS_STATUS_UNAVAIL)
		*errnop = error;
	return status;
}
