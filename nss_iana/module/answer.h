/*
 * answer.h - copying one answer (a servent, a protoent) into the caller's
 * buffer, for every database of the module, and the errno rule of every
 * entry point.
 *
 * The buffer's layout is glibc's: the NULL-terminated alias pointer array,
 * aligned, at the start, then the strings.  The strings come from one
 * bounded pool (a pool pointer, its size, an offset per string); every
 * read stays inside the pool, every write inside the buffer, and no more
 * than NSSIANA_MAX_ANSWER_BYTES of the buffer is ever used.
 *
 * One pass: each string is copied as it comes.  Once a copy runs out of
 * room the rest are only measured, so that the end can tell ERANGE (a
 * larger buffer will do) from an answer past NSSIANA_MAX_ANSWER_BYTES,
 * which is UNAVAIL whatever the buffer: glibc's non-reentrant callers
 * would double their buffer for it without end.
 *
 * Use: answer_begin, then answer_string for each string field and
 * answer_alias for each alias, in the order they are to be laid out, then
 * answer_end.  The first failure sticks: later calls copy nothing.  A
 * result field is written only when its string was copied, and the alias
 * array only on success.
 */
#ifndef NSS_IANA_MODULE_ANSWER_H
#define NSS_IANA_MODULE_ANSWER_H

#include <nss.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What one answer is made of: strings of one pool (each ended by a NUL
 * inside it), and its aliases, the run of alias_count entries from
 * alias_first in a table of alias_table entries. */
struct answer_source {
	const char *pool;
	uint32_t pool_size;
	uint32_t alias_first;
	uint32_t alias_count;
	uint32_t alias_table;
};

enum answer_state {
	ANSWER_COPYING, /* all copied so far */
	ANSWER_NO_ROOM, /* the buffer ran out: only measuring now */
	ANSWER_CORRUPT, /* a string or alias run outside its table */
	ANSWER_TOO_BIG, /* needs more than NSSIANA_MAX_ANSWER_BYTES */
};

/* The writer's own state: callers only pass it along. */
struct answer {
	const char *pool;
	uint32_t pool_size;
	uint32_t alias_count;
	uint32_t aliases_given; /* answer_alias calls so far */
	enum answer_state state;
	size_t room;     /* the buffer used: at most NSSIANA_MAX_ANSWER_BYTES */
	char **aliases;  /* the aligned pointer array at the buffer's start */
	char *next;      /* while copying: the next free byte */
	char *end;       /* buffer + room */
	size_t need;     /* bytes the answer needs so far, pad included */
};

/* Starts an answer into `buffer`.  An alias run outside its table or
 * longer than NSSIANA_MAX_ALIASES makes the answer corrupt. */
void answer_begin(struct answer *a, char *buffer, size_t buflen,
		  const struct answer_source *source);

/* The answer is corrupt for a reason only the database sees. */
void answer_refuse(struct answer *a);

/* Whether the answer still takes strings: copying them, or measuring
 * them after the buffer ran out.  Not once corrupt or too big; in
 * particular not when answer_begin found the alias run outside its table,
 * which the database must then not read. */
bool answer_continues(const struct answer *a);

/* Copies the pool string at `offset`; on success *field points to it. */
void answer_string(struct answer *a, uint32_t offset, char **field);

/* Copies the pool string at `offset` as the next alias. */
void answer_alias(struct answer *a, uint32_t offset);

/* Ends the answer: NSS_STATUS_SUCCESS with *aliases set to the
 * NULL-terminated array; NSS_STATUS_TRYAGAIN with *error ERANGE when a
 * larger buffer will do; else NSS_STATUS_UNAVAIL with *error ENOENT. */
enum nss_status answer_end(struct answer *a, char ***aliases, int *error);

/* How every entry point returns: `error` through errnop alone, for
 * TRYAGAIN and UNAVAIL.  errno stays as the caller had it: nothing in a
 * call changes it but the system calls of mapping.c's slow paths, which
 * put it back themselves, so that a lookup's fast path never reads it. */
enum nss_status answer_finish(enum nss_status status, int error, int *errnop);

/* What the library exports: the entry points, and nothing else (the
 * objects are built with hidden visibility).  The four lookups are also
 * flattened: everything they call in the module is inlined into them but
 * the cold paths marked noinline (a re-check, a repin, the first
 * protocols call, an answer that does not fit).  A lookup runs right
 * after glibc's stat() of nsswitch.conf, with cold caches, and one run of
 * code costs less there than calls spread over the library: 10 to 15 ns
 * less per lookup through glibc, measured beside the floor module of
 * make bench. */
#define NSS_IANA_EXPORT __attribute__((visibility("default")))
#define NSS_IANA_LOOKUP __attribute__((visibility("default"), flatten))

#endif
