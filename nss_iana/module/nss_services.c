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
#include <stdlib.h>

#include "module/answer.h"
#include "module/mapping.h"
#include "module/nss_iana.h"
#include "reader/snapshot.h"

/* ---- copying an answer into the caller's buffer (answer.h) ------------ */

static enum nss_status fill_servent(const struct snapshot *snap,
				    const struct nssiana_entry *entry,
				    uint16_t port, struct servent *result,
				    char *buffer, size_t buflen, int *error)
{
	/* One read of the record: it may change under us if edited in place. */
	const struct nssiana_entry copy = *entry;
	struct answer answer;

	answer_begin(&answer, buffer, buflen, &(struct answer_source){
		.pool = snap->strings, .pool_size = snap->strings_size,
		.alias_first = copy.alias_first, .alias_count = copy.alias_count,
		.alias_table = snap->alias_count });
	if (copy.proto >= snap->protocol_count)
		answer_refuse(&answer);
	else {
		answer_string(&answer, copy.name, &result->s_name);
		answer_string(&answer, snap->protocols[copy.proto], &result->s_proto);
	}
	/* The alias run is inside its table while the answer continues. */
	for (uint32_t i = 0; i < copy.alias_count && answer_continues(&answer); i++)
		answer_alias(&answer, snap->aliases[copy.alias_first + i].name);
	enum nss_status status = answer_end(&answer, &result->s_aliases, error);
	if (status == NSS_STATUS_SUCCESS)
		result->s_port = htons(port);
	return status;
}

/* ---- entry points ------------------------------------------------------- */

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

NSS_IANA_LOOKUP
enum nss_status _nss_iana_getservbyname_r(const char *name, const char *proto,
					  struct servent *result, char *buffer,
					  size_t buflen, int *errnop)
{
	int error = ENOENT;
	enum nss_status status = NSS_STATUS_UNAVAIL;
	uint32_t index = 0;
	if (!mapping_enter())
		return answer_finish(status, error, errnop);
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
	return answer_finish(status, error, errnop);
}

NSS_IANA_LOOKUP
enum nss_status _nss_iana_getservbyport_r(int port, const char *proto,
					  struct servent *result, char *buffer,
					  size_t buflen, int *errnop)
{
	int error = ENOENT;
	enum nss_status status = NSS_STATUS_UNAVAIL;
	uint16_t host_port = ntohs((uint16_t)port);
	uint32_t index = 0;
	if (!mapping_enter())
		return answer_finish(status, error, errnop);
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
	return answer_finish(status, error, errnop);
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

NSS_IANA_EXPORT
enum nss_status _nss_iana_setservent(int stayopen)
{
	(void)stayopen; /* nothing to keep open: the mapping stays anyway */
	return mapping_setent(MAPPING_WALK_SERVICES);
}

NSS_IANA_EXPORT
enum nss_status _nss_iana_endservent(void)
{
	return mapping_endent(MAPPING_WALK_SERVICES);
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

NSS_IANA_EXPORT
enum nss_status _nss_iana_getservent_r(struct servent *result, char *buffer,
				       size_t buflen, int *errnop)
{
	int error = ENOENT;
	struct mapping_walk *walk = services_walk();

	if (!mapping_enter())
		return answer_finish(NSS_STATUS_UNAVAIL, error, errnop);
	mapping_walk_lock(walk);
	enum nss_status status = walk_step(walk, result, buffer, buflen, &error);
	mapping_walk_unlock(walk);
	mapping_leave();
	return answer_finish(status, error, errnop);
}
