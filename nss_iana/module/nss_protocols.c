/*
 * nss_protocols.c - the five _nss_iana_* protocols entry points, on the
 * same mapping as the services ones (mapping.h): one snapshot file holds
 * both databases (snapshot_format.h, PROTO_* sections).
 *
 * The contract is the services one: the caller's buffer filled exactly
 * (aligned alias pointers, then the strings), ERANGE as
 * NSS_STATUS_TRYAGAIN with the walk's cursor unmoved, errno untouched,
 * nothing allocated, every read bounded.  A snapshot without the protocols
 * sections answers NSS_STATUS_UNAVAIL (snapshot_format.h says why), so
 * that `protocols: iana files` goes on to files.
 */
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "module/mapping.h"
#include "module/nss_iana.h"
#include "reader/protocols.h"

#define EXPORT __attribute__((visibility("default")))

/* ---- copying an answer into the caller's buffer ------------------------- */

enum proto_fill { PFILL_OK, PFILL_NO_ROOM, PFILL_CORRUPT, PFILL_TOO_BIG };

/* Adds the bytes of the pool string at `offset`, NUL included, to *need,
 * reading no further than NSSIANA_MAX_ANSWER_BYTES into it. */
static enum proto_fill proto_measure(const struct proto_snapshot *p, uint32_t offset,
			       size_t *need)
{
	if (offset >= p->strings_size)
		return PFILL_CORRUPT;
	size_t room = p->strings_size - offset;
	size_t limit = room < NSSIANA_MAX_ANSWER_BYTES ? room : NSSIANA_MAX_ANSWER_BYTES;
	size_t length = strnlen(p->strings + offset, limit);
	if (length == room)
		return PFILL_CORRUPT; /* no NUL before the end of the pool */
	*need += length + 1;
	return *need > NSSIANA_MAX_ANSWER_BYTES ? PFILL_TOO_BIG : PFILL_OK;
}

/* Copies the pool string at `offset` to *next, bounded by the pool and by
 * `end`: a file changed in place gives at worst a wrong string. */
static enum proto_fill proto_put(const struct proto_snapshot *p, uint32_t offset,
			   char **next, char *end, char **where)
{
	if (offset >= p->strings_size)
		return PFILL_CORRUPT;
	size_t room_in_pool = p->strings_size - offset;
	size_t room_out = (size_t)(end - *next);
	size_t limit = room_in_pool < room_out ? room_in_pool : room_out;
	char *after = memccpy(*next, p->strings + offset, '\0', limit);
	if (after == NULL)
		return room_in_pool <= room_out ? PFILL_CORRUPT : PFILL_NO_ROOM;
	*where = *next;
	*next = after;
	return PFILL_OK;
}

/* The bytes the answer needs: PFILL_TOO_BIG past NSSIANA_MAX_ANSWER_BYTES.
 * Only a copy that ran out of room asks, to tell ERANGE from UNAVAIL. */
static enum proto_fill proto_answer_size(const struct proto_snapshot *p,
					 const struct nssiana_protoent *e,
					 size_t pad, size_t *need)
{
	enum proto_fill status;

	*need = pad + ((size_t)e->alias_count + 1) * sizeof(char *);
	if ((status = proto_measure(p, e->name, need)))
		return status;
	for (uint32_t i = 0; i < e->alias_count; i++)
		if ((status = proto_measure(p, p->aliases[e->alias_first + i], need)))
			return status;
	return PFILL_OK;
}

/* Copies the answer in one pass: the aligned alias pointers, then the
 * strings, checking room before every write. */
static enum proto_fill proto_fill_buffer(const struct proto_snapshot *p,
				   const struct nssiana_protoent *e,
				   struct protoent *result, char *buffer,
				   size_t buflen)
{
	size_t pad = -(uintptr_t)buffer & (alignof(char *) - 1);
	size_t pointers = ((size_t)e->alias_count + 1) * sizeof(char *);
	enum proto_fill status;

	if (e->alias_count > NSSIANA_MAX_ALIASES ||
	    (uint64_t)e->alias_first + e->alias_count > p->alias_count)
		return PFILL_CORRUPT;
	if (buflen < pad + pointers)
		return PFILL_NO_ROOM;
	char **aliases = (char **)(buffer + pad);
	char *next = buffer + pad + pointers, *end = buffer + buflen;
	if ((status = proto_put(p, e->name, &next, end, &result->p_name)))
		return status;
	for (uint32_t i = 0; i < e->alias_count; i++)
		if ((status = proto_put(p, p->aliases[e->alias_first + i], &next, end,
				  &aliases[i])))
			return status;
	aliases[e->alias_count] = NULL;
	result->p_aliases = aliases;
	return PFILL_OK;
}

/* As for services: past NSSIANA_MAX_ANSWER_BYTES an answer is UNAVAIL,
 * never ERANGE, whatever the buffer, so that glibc's doubling callers
 * stop; only that much of the buffer is ever used. */
static enum nss_status proto_fill_protoent(const struct proto_snapshot *p,
				     const struct nssiana_protoent *entry,
				     struct protoent *result, char *buffer,
				     size_t buflen, int *error)
{
	/* One read of the record: it may change under us if edited in place. */
	const struct nssiana_protoent copy = *entry;
	size_t room = buflen < NSSIANA_MAX_ANSWER_BYTES ? buflen
						       : NSSIANA_MAX_ANSWER_BYTES;
	size_t need;

	switch (proto_fill_buffer(p, &copy, result, buffer, room)) {
	case PFILL_OK:
		result->p_proto = (int)copy.number;
		return NSS_STATUS_SUCCESS;
	case PFILL_NO_ROOM:
		if (room == NSSIANA_MAX_ANSWER_BYTES ||
		    proto_answer_size(p, &copy, -(uintptr_t)buffer & (alignof(char *) - 1),
				      &need) != PFILL_OK)
			break;
		*error = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	default:
		break;
	}
	*error = ENOENT;
	return NSS_STATUS_UNAVAIL;
}

/* ---- entry points ------------------------------------------------------- */

static enum nss_status proto_finish(enum nss_status status, int error,
			      int saved_errno, int *errnop)
{
	errno = saved_errno;
	if (status == NSS_STATUS_TRYAGAIN || status == NSS_STATUS_UNAVAIL)
		*errnop = error;
	return status;
}

/* The protocols of a leased snapshot; false: none (UNAVAIL). */
static bool proto_lease_protocols(const struct snapshot *snap, struct proto_snapshot *p)
{
	return snap && proto_snapshot_parse(p, snap) == NULL && p->summary;
}

static enum nss_status proto_answer(const struct proto_snapshot *p,
			      enum snapshot_status found, uint32_t index,
			      struct protoent *result, char *buffer,
			      size_t buflen, int *error)
{
	if (found == SNAPSHOT_NOT_FOUND)
		return NSS_STATUS_NOTFOUND;
	if (found != SNAPSHOT_FOUND)
		return NSS_STATUS_UNAVAIL;
	return proto_fill_protoent(p, &p->entries[index], result, buffer, buflen, error);
}

EXPORT enum nss_status _nss_iana_getprotobyname_r(const char *name,
						  struct protoent *result,
						  char *buffer, size_t buflen,
						  int *errnop)
{
	int saved_errno = errno, error = ENOENT;
	enum nss_status status = NSS_STATUS_UNAVAIL;
	struct proto_snapshot p;
	uint32_t index = 0;

	if (!mapping_enter())
		return proto_finish(status, error, saved_errno, errnop);
	struct lease lease = mapping_take_lease();

	if (proto_lease_protocols(lease.snap, &p)) {
		enum snapshot_status found = proto_find_name(&p, name, &index);
		status = proto_answer(&p, found, index, result, buffer, buflen, &error);
	}
	mapping_return_lease(lease);
	mapping_leave();
	return proto_finish(status, error, saved_errno, errnop);
}

EXPORT enum nss_status _nss_iana_getprotobynumber_r(int number,
						    struct protoent *result,
						    char *buffer, size_t buflen,
						    int *errnop)
{
	int saved_errno = errno, error = ENOENT;
	enum nss_status status = NSS_STATUS_UNAVAIL;
	struct proto_snapshot p;
	uint32_t index = 0;

	if (!mapping_enter())
		return proto_finish(status, error, saved_errno, errnop);
	struct lease lease = mapping_take_lease();

	/* nss_files compares p_proto, an int, with ==: the same 32 bits. */
	if (proto_lease_protocols(lease.snap, &p)) {
		enum snapshot_status found =
			proto_find_number(&p, (uint32_t)number, &index);
		status = proto_answer(&p, found, index, result, buffer, buflen, &error);
	}
	mapping_return_lease(lease);
	mapping_leave();
	return proto_finish(status, error, saved_errno, errnop);
}

/* ---- the getprotoent walk --------------------------------------------------
 *
 * The walk's state is the mapping's (mapping_walk): its own reference to
 * one snapshot, to its end or endprotoent().  cursor[0] is the next entry,
 * in answer order: the preference file's lines, then the registry's. */

static struct mapping_walk *protocols_walk(void)
{
	return mapping_walk(MAPPING_WALK_PROTOCOLS);
}

EXPORT enum nss_status _nss_iana_setprotoent(int stayopen)
{
	int saved_errno = errno;
	(void)stayopen; /* nothing to keep open: the mapping stays anyway */

	if (!mapping_enter())
		return NSS_STATUS_UNAVAIL;
	bool available = mapping_walk_start(protocols_walk());
	mapping_leave();
	errno = saved_errno;
	return available ? NSS_STATUS_SUCCESS : NSS_STATUS_UNAVAIL;
}

EXPORT enum nss_status _nss_iana_endprotoent(void)
{
	if (!mapping_enter())
		return NSS_STATUS_UNAVAIL;
	mapping_walk_close(protocols_walk());
	mapping_leave();
	return NSS_STATUS_SUCCESS;
}

/* The next protoent of the open walk.  Call with the walk locked. */
static enum nss_status proto_walk_step(struct mapping_walk *walk,
				 struct protoent *result, char *buffer,
				 size_t buflen, int *error)
{
	struct proto_snapshot p;

	if (walk->snap == NULL)
		return walk->ended ? NSS_STATUS_NOTFOUND : NSS_STATUS_UNAVAIL;
	if (!proto_lease_protocols(walk->snap, &p) || walk->returned >= NSSIANA_MAX_PROTOENTS)
		return NSS_STATUS_UNAVAIL;
	if (walk->cursor[0] >= p.entry_count) {
		mapping_walk_finish(walk);
		return NSS_STATUS_NOTFOUND;
	}
	enum nss_status status = proto_fill_protoent(&p, &p.entries[walk->cursor[0]],
					       result, buffer, buflen, error);
	/* On ERANGE glibc retries with a larger buffer: the cursor stays. */
	if (status == NSS_STATUS_SUCCESS) {
		walk->cursor[0]++;
		walk->returned++;
	}
	return status;
}

EXPORT enum nss_status _nss_iana_getprotoent_r(struct protoent *result,
					       char *buffer, size_t buflen,
					       int *errnop)
{
	int saved_errno = errno, error = ENOENT;
	struct mapping_walk *walk = protocols_walk();

	if (!mapping_enter())
		return proto_finish(NSS_STATUS_UNAVAIL, error, saved_errno, errnop);
	mapping_walk_lock(walk);
	enum nss_status status = proto_walk_step(walk, result, buffer, buflen, &error);
	mapping_walk_unlock(walk);
	mapping_leave();
	return proto_finish(status, error, saved_errno, errnop);
}
