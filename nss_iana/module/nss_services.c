/*
 * nss_services.c - the five _nss_iana_* services entry points: each takes
 * a lease on the shared mapping (mapping.h), looks up, and copies the
 * answer into the caller's buffer.
 *
 * Nothing here prints or changes errno except through errnop.
 */
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <nss.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "module/mapping.h"
#include "module/nss_iana.h"
#include "reader/snapshot.h"

#define EXPORT __attribute__((visibility("default")))

/* ---- copying an answer into the caller's buffer ------------------------- */

/* Where the answer's strings go: the caller's buffer, never past `end`. */
struct output {
	char *next;
	char *end;
};

enum fill_result { FILL_OK, FILL_NO_ROOM, FILL_CORRUPT, FILL_TOO_BIG };

/* Copies the pool string at `offset`, terminator included, in one pass
 * bounded by both the pool and the buffer: a file rewritten in place can
 * at worst give a wrong string, never an unterminated one. */
static enum fill_result put_string(struct output *out,
				   const struct snapshot *snap,
				   uint32_t offset, char **where)
{
	const char *s = snapshot_string(snap, offset);
	if (s == NULL)
		return FILL_CORRUPT;
	size_t room_in_pool = snap->strings_size - offset;
	size_t room_out = (size_t)(out->end - out->next);
	size_t limit = room_in_pool < room_out ? room_in_pool : room_out;
	char *end = memccpy(out->next, s, '\0', limit);
	if (end == NULL)
		return room_in_pool <= room_out ? FILL_CORRUPT : FILL_NO_ROOM;
	*where = out->next;
	out->next = end;
	return FILL_OK;
}

/* Adds the bytes the pool string at `offset` needs, NUL included, to
 * *need, reading no further than NSSIANA_MAX_ANSWER_BYTES into it. */
static enum fill_result measure_string(const struct snapshot *snap,
				       uint32_t offset, size_t *need)
{
	if (offset >= snap->strings_size)
		return FILL_CORRUPT;
	size_t room_in_pool = snap->strings_size - offset;
	size_t limit = room_in_pool < NSSIANA_MAX_ANSWER_BYTES
			       ? room_in_pool : NSSIANA_MAX_ANSWER_BYTES;
	size_t length = strnlen(snap->strings + offset, limit);
	if (length == room_in_pool)
		return FILL_CORRUPT; /* no NUL before the end of the pool */
	*need += length + 1;
	return *need > NSSIANA_MAX_ANSWER_BYTES ? FILL_TOO_BIG : FILL_OK;
}

/* The buffer was too small: whether the answer fits the format's limit
 * at all (FILL_NO_ROOM: ERANGE, a larger buffer will do) or not
 * (FILL_TOO_BIG).  Only a failed copy measures. */
static enum fill_result no_room(const struct snapshot *snap,
				const struct nssiana_entry *entry, size_t pad)
{
	enum fill_result status;
	size_t need = pad + ((size_t)entry->alias_count + 1) * sizeof(char *);

	if ((status = measure_string(snap, entry->name, &need)) ||
	    (status = measure_string(snap, snap->protocols[entry->proto], &need)))
		return status;
	for (uint32_t i = 0; i < entry->alias_count; i++) {
		uint32_t offset = snap->aliases[entry->alias_first + i].name;
		if ((status = measure_string(snap, offset, &need)))
			return status;
	}
	return FILL_NO_ROOM;
}

/* Lays out the alias pointers (aligned, at the start) and then the
 * strings, in one pass that checks room before every write. */
static enum fill_result fill_buffer(const struct snapshot *snap,
				    const struct nssiana_entry *entry,
				    struct servent *result, char *buffer,
				    size_t buflen)
{
	size_t pad = -(uintptr_t)buffer & (alignof(char *) - 1);
	size_t pointers = ((size_t)entry->alias_count + 1) * sizeof(char *);
	enum fill_result status;

	if (entry->alias_count > NSSIANA_MAX_ALIASES ||
	    (uint64_t)entry->alias_first + entry->alias_count > snap->alias_count ||
	    entry->proto >= snap->protocol_count)
		return FILL_CORRUPT;
	if (buflen < pad + pointers)
		return no_room(snap, entry, pad);
	char **aliases = (char **)(buffer + pad);
	struct output out = { buffer + pad + pointers, buffer + buflen };

	if ((status = put_string(&out, snap, entry->name, &result->s_name)) ||
	    (status = put_string(&out, snap, snap->protocols[entry->proto],
				 &result->s_proto)))
		return status == FILL_NO_ROOM ? no_room(snap, entry, pad) : status;
	for (uint32_t i = 0; i < entry->alias_count; i++) {
		uint32_t offset = snap->aliases[entry->alias_first + i].name;
		if ((status = put_string(&out, snap, offset, &aliases[i])))
			return status == FILL_NO_ROOM ? no_room(snap, entry, pad)
						      : status;
	}
	aliases[entry->alias_count] = NULL;
	result->s_aliases = aliases;
	return FILL_OK;
}

/* An answer that needs more than NSSIANA_MAX_ANSWER_BYTES is UNAVAIL,
 * never ERANGE, whatever the buffer: glibc's non-reentrant callers would
 * double their buffer for it without end.  Only NSSIANA_MAX_ANSWER_BYTES
 * of the buffer is ever used, so a copy that runs out of room there is
 * UNAVAIL whatever a file changed in place meanwhile measures. */
static enum nss_status fill_servent(const struct snapshot *snap,
				    const struct nssiana_entry *entry,
				    uint16_t port, struct servent *result,
				    char *buffer, size_t buflen, int *error)
{
	/* One read of the record: it may change under us if edited in place. */
	const struct nssiana_entry copy = *entry;
	size_t room = buflen < NSSIANA_MAX_ANSWER_BYTES ? buflen
						       : NSSIANA_MAX_ANSWER_BYTES;

	switch (fill_buffer(snap, &copy, result, buffer, room)) {
	case FILL_OK:
		result->s_port = htons(port);
		return NSS_STATUS_SUCCESS;
	case FILL_NO_ROOM:
		if (room == NSSIANA_MAX_ANSWER_BYTES)
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

/* errno is left as the caller had it; errnop alone carries our reason. */
static enum nss_status finish(enum nss_status status, int error,
			      int saved_errno, int *errnop)
{
	errno = saved_errno;
	if (status == NSS_STATUS_TRYAGAIN || status == NSS_STATUS_UNAVAIL)
		*errnop = error;
	return status;
}

/* Turns a lookup's outcome into an answer.  `port` < 0 means the entry's
 * own first port (a by-name lookup). */
static enum nss_status answer_lookup(const struct snapshot *snap,
				     enum snapshot_status found, uint32_t index,
				     int port, struct servent *result,
				     char *buffer, size_t buflen, int *error)
{
	if (found == SNAPSHOT_NOT_FOUND)
		return NSS_STATUS_NOTFOUND;
	if (found != SNAPSHOT_FOUND)
		return NSS_STATUS_UNAVAIL;
	const struct nssiana_entry *entry = &snap->entries[index];
	uint16_t answer_port = port < 0 ? entry->port_first : (uint16_t)port;
	return fill_servent(snap, entry, answer_port, result, buffer, buflen,
			    error);
}

EXPORT enum nss_status _nss_iana_getservbyname_r(const char *name,
						 const char *proto,
						 struct servent *result,
						 char *buffer, size_t buflen,
						 int *errnop)
{
	int saved_errno = errno, error = ENOENT;
	enum nss_status status = NSS_STATUS_UNAVAIL;
	uint32_t index = 0;
	if (!mapping_enter())
		return finish(status, error, saved_errno, errnop);
	struct lease lease = mapping_take_lease();

	if (lease.snap) {
		const struct snapshot *snap = lease.snap;
		enum snapshot_status found =
			snapshot_find_name(snap, name, proto, &index);
		status = answer_lookup(snap, found, index, -1, result, buffer,
				       buflen, &error);
	}
	mapping_return_lease(lease);
	mapping_leave();
	return finish(status, error, saved_errno, errnop);
}

EXPORT enum nss_status _nss_iana_getservbyport_r(int port, const char *proto,
						 struct servent *result,
						 char *buffer, size_t buflen,
						 int *errnop)
{
	int saved_errno = errno, error = ENOENT;
	enum nss_status status = NSS_STATUS_UNAVAIL;
	uint16_t host_port = ntohs((uint16_t)port);
	uint32_t index = 0;
	if (!mapping_enter())
		return finish(status, error, saved_errno, errnop);
	struct lease lease = mapping_take_lease();

	if (lease.snap) {
		const struct snapshot *snap = lease.snap;
		enum snapshot_status found =
			snapshot_find_port(snap, host_port, proto, &index);
		status = answer_lookup(snap, found, index, host_port, result,
				       buffer, buflen, &error);
	}
	mapping_return_lease(lease);
	mapping_leave();
	return finish(status, error, saved_errno, errnop);
}


/* ---- the getservent walk -------------------------------------------------
 *
 * The walk's state is the mapping's (mapping_walk): its own reference to
 * one registry, to its end or endservent().  The cursor is an entry and
 * a port within that entry's range. */

enum { CURSOR_ENTRY, CURSOR_PORT_OFFSET };

static struct mapping_walk *services_walk(void)
{
	return mapping_walk(MAPPING_WALK_SERVICES);
}

EXPORT enum nss_status _nss_iana_setservent(int stayopen)
{
	int saved_errno = errno;
	(void)stayopen; /* nothing to keep open: the mapping stays anyway */

	if (!mapping_enter())
		return NSS_STATUS_UNAVAIL;
	bool available = mapping_walk_start(services_walk());
	mapping_leave();
	errno = saved_errno;
	return available ? NSS_STATUS_SUCCESS : NSS_STATUS_UNAVAIL;
}

EXPORT enum nss_status _nss_iana_endservent(void)
{
	if (!mapping_enter())
		return NSS_STATUS_UNAVAIL;
	mapping_walk_close(services_walk());
	mapping_leave();
	return NSS_STATUS_SUCCESS;
}

/* The next port to return, or false at the end.  An entry whose range is
 * empty (port_first > port_last, a corrupt file) gives none. */
static bool cursor_port(struct mapping_walk *walk, uint16_t *port)
{
	const struct snapshot *snap = walk->snap;
	uint32_t *cursor = walk->cursor;

	while (cursor[CURSOR_ENTRY] < snap->entry_count) {
		const struct nssiana_entry *entry = &snap->entries[cursor[CURSOR_ENTRY]];
		uint32_t candidate = entry->port_first + cursor[CURSOR_PORT_OFFSET];
		if (candidate <= entry->port_last) {
			*port = (uint16_t)candidate;
			return true;
		}
		cursor[CURSOR_ENTRY]++;
		cursor[CURSOR_PORT_OFFSET] = 0;
	}
	return false;
}

/* The next servent of the open walk.  Call with the walk locked. */
static enum nss_status walk_step(struct mapping_walk *walk,
				 struct servent *result, char *buffer,
				 size_t buflen, int *error)
{
	uint16_t port;

	if (walk->snap == NULL)
		return walk->ended ? NSS_STATUS_NOTFOUND : NSS_STATUS_UNAVAIL;
	if (walk->returned >= NSSIANA_MAX_SERVENTS)
		return NSS_STATUS_UNAVAIL;
	if (!cursor_port(walk, &port)) {
		mapping_walk_finish(walk);
		return NSS_STATUS_NOTFOUND;
	}
	enum nss_status status =
		fill_servent(walk->snap, &walk->snap->entries[walk->cursor[CURSOR_ENTRY]],
			     port, result, buffer, buflen, error);
	/* On ERANGE glibc retries with a larger buffer: the cursor stays, so
	 * the same port comes back. */
	if (status == NSS_STATUS_SUCCESS) {
		walk->cursor[CURSOR_PORT_OFFSET]++;
		walk->returned++;
	}
	return status;
}

EXPORT enum nss_status _nss_iana_getservent_r(struct servent *result,
					      char *buffer, size_t buflen,
					      int *errnop)
{
	int saved_errno = errno, error = ENOENT;
	struct mapping_walk *walk = services_walk();

	if (!mapping_enter())
		return finish(NSS_STATUS_UNAVAIL, error, saved_errno, errnop);
	mapping_walk_lock(walk);
	enum nss_status status = walk_step(walk, result, buffer, buflen, &error);
	mapping_walk_unlock(walk);
	mapping_leave();
	return finish(status, error, saved_errno, errnop);
}
