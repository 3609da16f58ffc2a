/*
 * nss_services.c - the five _nss_iana_* services entry points.
 *
 * One process-wide mapping of the snapshot, guarded by one mutex.  A lookup
 * holds the mutex only while it searches and copies (well under a
 * microsecond), so a remap never pulls pages from under a reader.
 *
 * The path is re-examined at most every RECHECK_NS: a snapshot replaced by
 * rename is in use within that time, and between checks a lookup costs one
 * read of the coarse clock (vDSO, no syscall) instead of a stat().  The
 * interval is short because it is also how long a process may go on using
 * a mapping whose file an admin truncated in place; a stat() every 20 ms of
 * lookups costs nothing measurable.  What remains is documented in the
 * README: a lookup made while the file is being rewritten in place (cp, >)
 * can touch a page past the file's new end and get SIGBUS; replacing the
 * file by rename, as the tool always does, is safe.
 *
 * Nothing here allocates, prints, or changes errno except through errnop.
 */
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nss_iana.h"
#include "snapshot.h"

#define RECHECK_NS (SNAPSHOT_RECHECK_MS * 1000 * 1000L)

#ifndef NSS_IANA_DEFAULT_DB
#define NSS_IANA_DEFAULT_DB "/var/lib/nss-iana/services.db"
#endif

#define EXPORT __attribute__((visibility("default")))

struct cursor {
	uint32_t entry;
	uint32_t port_offset; /* within the entry's port range */
};

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	struct snapshot_map map; /* identity kept even if the file was rejected */
	struct snapshot snap;
	bool valid;
	bool checked;
	struct timespec next_check;
	struct cursor cursor; /* getservent position */
} state;

/* A child forked while another thread held the lock would inherit it
 * locked; taking it around fork() hands the child a consistent state. */
static void lock_state(void) { pthread_mutex_lock(&state_lock); }
static void unlock_state(void) { pthread_mutex_unlock(&state_lock); }

__attribute__((constructor)) static void register_fork_handlers(void)
{
	pthread_atfork(lock_state, unlock_state, unlock_state);
}

static const char *snapshot_path(void)
{
	/* secure_getenv: a setuid program must not read a user's file. */
	const char *path = secure_getenv("NSS_IANA_DB");
	return path && *path ? path : NSS_IANA_DEFAULT_DB;
}

static void drop_snapshot(void)
{
	snapshot_unmap(&state.map);
	state.valid = false;
}

static void reload_snapshot(void)
{
	const char *path = snapshot_path();

	if (state.checked && !snapshot_map_is_stale(&state.map, path))
		return;
	drop_snapshot();
	if (snapshot_map_file(path, &state.map) != 0)
		return;
	if (snapshot_parse(&state.snap, state.map.addr, state.map.size) != NULL) {
		/* Keep the identity so an unchanged bad file is not re-read. */
		snapshot_unmap(&state.map);
		return;
	}
	state.valid = true;
}

static bool due_for_check(const struct timespec *now)
{
	return !state.checked || now->tv_sec > state.next_check.tv_sec ||
	       (now->tv_sec == state.next_check.tv_sec &&
		now->tv_nsec >= state.next_check.tv_nsec);
}

/* The current snapshot, or NULL if there is none usable.  Call locked. */
static const struct snapshot *current_snapshot(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	if (due_for_check(&now)) {
		reload_snapshot();
		state.checked = true;
		state.next_check = now;
		state.next_check.tv_nsec += RECHECK_NS;
		if (state.next_check.tv_nsec >= 1000000000L) {
			state.next_check.tv_sec++;
			state.next_check.tv_nsec -= 1000000000L;
		}
	}
	return state.valid ? &state.snap : NULL;
}

/* ---- copying an answer into the caller's buffer ------------------------- */

/* Where the answer's strings go: the caller's buffer, never past `end`. */
struct output {
	char *next;
	char *end;
};

enum fill_result { FILL_OK, FILL_NO_ROOM, FILL_CORRUPT };

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

	if ((uint64_t)entry->alias_first + entry->alias_count > snap->alias_count ||
	    entry->proto >= snap->protocol_count)
		return FILL_CORRUPT;
	if (buflen < pad || buflen - pad < pointers)
		return FILL_NO_ROOM;
	char **aliases = (char **)(buffer + pad);
	struct output out = { buffer + pad + pointers, buffer + buflen };

	if ((status = put_string(&out, snap, entry->name, &result->s_name)) ||
	    (status = put_string(&out, snap, snap->protocols[entry->proto],
				 &result->s_proto)))
		return status;
	for (uint32_t i = 0; i < entry->alias_count; i++) {
		uint32_t offset = snap->aliases[entry->alias_first + i].name;
		if ((status = put_string(&out, snap, offset, &aliases[i])))
			return status;
	}
	aliases[entry->alias_count] = NULL;
	result->s_aliases = aliases;
	return FILL_OK;
}

static enum nss_status fill_servent(const struct snapshot *snap,
				    const struct nssiana_entry *entry,
				    uint16_t port, struct servent *result,
				    char *buffer, size_t buflen, int *error)
{
	/* One read of the record: it may change under us if edited in place. */
	const struct nssiana_entry copy = *entry;

	switch (fill_buffer(snap, &copy, result, buffer, buflen)) {
	case FILL_OK:
		result->s_port = htons(port);
		return NSS_STATUS_SUCCESS;
	case FILL_NO_ROOM:
		*error = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	default:
		*error = ENOENT;
		return NSS_STATUS_UNAVAIL;
	}
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

	lock_state();
	const struct snapshot *snap = current_snapshot();
	if (snap) {
		enum snapshot_status found =
			snapshot_find_name(snap, name, proto, &index);
		status = answer_lookup(snap, found, index, -1, result, buffer,
				       buflen, &error);
	}
	unlock_state();
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

	lock_state();
	const struct snapshot *snap = current_snapshot();
	if (snap) {
		enum snapshot_status found =
			snapshot_find_port(snap, host_port, proto, &index);
		status = answer_lookup(snap, found, index, host_port, result,
				       buffer, buflen, &error);
	}
	unlock_state();
	return finish(status, error, saved_errno, errnop);
}

EXPORT enum nss_status _nss_iana_setservent(int stayopen)
{
	int saved_errno = errno;
	(void)stayopen; /* nothing to keep open: the mapping stays anyway */

	lock_state();
	state.cursor = (struct cursor){ 0, 0 };
	bool available = current_snapshot() != NULL;
	unlock_state();
	errno = saved_errno;
	return available ? NSS_STATUS_SUCCESS : NSS_STATUS_UNAVAIL;
}

EXPORT enum nss_status _nss_iana_endservent(void)
{
	lock_state();
	state.cursor = (struct cursor){ 0, 0 };
	unlock_state();
	return NSS_STATUS_SUCCESS;
}

/* The next port to return, or false at the end.  A cursor left past a
 * range by a snapshot swapped mid-walk moves on to the next entry. */
static bool cursor_port(const struct snapshot *snap, uint16_t *port)
{
	while (state.cursor.entry < snap->entry_count) {
		const struct nssiana_entry *entry = &snap->entries[state.cursor.entry];
		uint32_t candidate = entry->port_first + state.cursor.port_offset;
		if (candidate <= entry->port_last) {
			*port = (uint16_t)candidate;
			return true;
		}
		state.cursor = (struct cursor){ state.cursor.entry + 1, 0 };
	}
	return false;
}

EXPORT enum nss_status _nss_iana_getservent_r(struct servent *result,
					      char *buffer, size_t buflen,
					      int *errnop)
{
	int saved_errno = errno, error = ENOENT;
	enum nss_status status = NSS_STATUS_UNAVAIL;
	uint16_t port;

	lock_state();
	/* A walk stays on the mapping setservent() checked: glibc calls it
	 * before the first getservent, and re-checking the clock for each of
	 * 11,000 entries would cost more than the copy. */
	const struct snapshot *snap = state.valid ? &state.snap : current_snapshot();
	if (snap && !cursor_port(snap, &port)) {
		status = NSS_STATUS_NOTFOUND;
	} else if (snap) {
		status = fill_servent(snap, &snap->entries[state.cursor.entry],
				      port, result, buffer, buflen, &error);
		/* On ERANGE glibc retries with a larger buffer: the cursor
		 * stays, so the same port comes back. */
		if (status == NSS_STATUS_SUCCESS)
			state.cursor.port_offset++;
	}
	unlock_state();
	return finish(status, error, saved_errno, errnop);
}
