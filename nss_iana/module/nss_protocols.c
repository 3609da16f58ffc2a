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
#include <stdint.h>

#include "module/answer.h"
#include "module/mapping.h"
#include "module/nss_iana.h"
#include "reader/proto_snapshot.h"

/* ---- copying an answer into the caller's buffer (answer.h) ------------ */

static enum nss_status proto_fill_protoent(const struct proto_snapshot *p,
				     const struct nssiana_protoent *entry,
				     struct protoent *result, char *buffer,
				     size_t buflen, int *error)
{
	/* One read of the record: it may change under us if edited in place. */
	const struct nssiana_protoent copy = *entry;
	struct answer answer;

	answer_begin(&answer, buffer, buflen, &(struct answer_source){
		.pool = p->strings, .pool_size = p->strings_size,
		.alias_first = copy.alias_first, .alias_count = copy.alias_count,
		.alias_table = p->alias_count });
	answer_string(&answer, copy.name, &result->p_name);
	/* The alias run is inside its table while the answer continues. */
	for (uint32_t i = 0; i < copy.alias_count && answer_continues(&answer); i++)
		answer_alias(&answer, p->aliases[copy.alias_first + i]);
	enum nss_status status = answer_end(&answer, &result->p_aliases, error);
	if (status == NSS_STATUS_SUCCESS)
		result->p_proto = (int)copy.number;
	return status;
}

/* ---- entry points ------------------------------------------------------- */

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

NSS_IANA_LOOKUP
enum nss_status _nss_iana_getprotobyname_r(const char *name,
					   struct protoent *result,
					   char *buffer, size_t buflen,
					   int *errnop)
{
	int error = ENOENT;
	enum nss_status status = NSS_STATUS_UNAVAIL;
	uint32_t index = 0;

	if (!mapping_enter())
		return answer_finish(status, error, errnop);
	struct lease lease = mapping_take_lease();
	struct proto_snapshot scratch;
	const struct proto_snapshot *p = mapping_protocols(lease.mapping, &scratch);

	if (p) {
		enum snapshot_status found = proto_find_name(p, name, &index);
		status = proto_answer(p, found, index, result, buffer, buflen, &error);
	}
	mapping_return_lease(lease);
	mapping_leave();
	return answer_finish(status, error, errnop);
}

NSS_IANA_LOOKUP
enum nss_status _nss_iana_getprotobynumber_r(int number,
					     struct protoent *result,
					     char *buffer, size_t buflen,
					     int *errnop)
{
	int error = ENOENT;
	enum nss_status status = NSS_STATUS_UNAVAIL;
	uint32_t index = 0;

	if (!mapping_enter())
		return answer_finish(status, error, errnop);
	struct lease lease = mapping_take_lease();
	struct proto_snapshot scratch;
	const struct proto_snapshot *p = mapping_protocols(lease.mapping, &scratch);

	/* nss_files compares p_proto, an int, with ==: the same 32 bits. */
	if (p) {
		enum snapshot_status found =
			proto_find_number(p, (uint32_t)number, &index);
		status = proto_answer(p, found, index, result, buffer, buflen, &error);
	}
	mapping_return_lease(lease);
	mapping_leave();
	return answer_finish(status, error, errnop);
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

NSS_IANA_EXPORT
enum nss_status _nss_iana_setprotoent(int stayopen)
{
	(void)stayopen; /* nothing to keep open: the mapping stays anyway */
	return mapping_setent(MAPPING_WALK_PROTOCOLS);
}

NSS_IANA_EXPORT
enum nss_status _nss_iana_endprotoent(void)
{
	return mapping_endent(MAPPING_WALK_PROTOCOLS);
}

/* The next protoent of the open walk.  Call with the walk locked. */
static enum nss_status proto_walk_step(struct mapping_walk *walk,
				 struct protoent *result, char *buffer,
				 size_t buflen, int *error)
{
	struct proto_snapshot scratch;
	const struct proto_snapshot *p = mapping_protocols(walk->mapping, &scratch);

	if (walk->snap == NULL)
		return walk->ended ? NSS_STATUS_NOTFOUND : NSS_STATUS_UNAVAIL;
	if (p == NULL || walk->returned >= NSSIANA_MAX_PROTOENTS)
		return NSS_STATUS_UNAVAIL;
	if (walk->cursor[0] >= p->entry_count) {
		mapping_walk_finish(walk);
		return NSS_STATUS_NOTFOUND;
	}
	enum nss_status status = proto_fill_protoent(p, &p->entries[walk->cursor[0]],
					       result, buffer, buflen, error);
	/* On ERANGE glibc retries with a larger buffer: the cursor stays. */
	if (status == NSS_STATUS_SUCCESS) {
		walk->cursor[0]++;
		walk->returned++;
	}
	return status;
}

NSS_IANA_EXPORT
enum nss_status _nss_iana_getprotoent_r(struct protoent *result, char *buffer,
					size_t buflen, int *errnop)
{
	int error = ENOENT;
	struct mapping_walk *walk = protocols_walk();

	if (!mapping_enter())
		return answer_finish(NSS_STATUS_UNAVAIL, error, errnop);
	mapping_walk_lock(walk);
	enum nss_status status = proto_walk_step(walk, result, buffer, buflen, &error);
	mapping_walk_unlock(walk);
	mapping_leave();
	return answer_finish(status, error, errnop);
}
