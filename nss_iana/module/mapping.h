/*
 * mapping.h - the one mapped snapshot every database of the module answers
 * from, and how a call or a walk holds on to it.
 *
 * A call takes a lease (the mapping to answer from, with a reference),
 * reads through lease.snap only, and returns the lease before it returns.
 * A walk (setXXent/getXXent/endXXent) is a struct mapping_walk per
 * database, with its own lock, its own reference to the mapping the walk
 * started on, and a cursor that only that database interprets.
 * mapping.c owns every walk, so that fork() and dlclose can reach them.
 */
#ifndef NSS_IANA_MAPPING_H
#define NSS_IANA_MAPPING_H

#include <nss.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "reader/proto_snapshot.h"
#include "reader/snapshot.h"

struct mapping; /* one mapped snapshot file, reference counted */

/* No function here changes errno (mapping.c says how). */

/* Every entry point brackets all its work with these.  mapping_enter()
 * returns false when the calling thread is already inside an entry point
 * of the module (a signal handler interrupted it): the call must then
 * answer UNAVAIL at once, taking no lease and no walk lock, and must not
 * call mapping_leave(). */
bool mapping_enter(void);
void mapping_leave(void);

/* A mapping this thread holds a reference to for one call.  snap is NULL
 * when there is no usable snapshot: the call answers UNAVAIL. */
struct lease {
	const struct snapshot *snap;
	struct mapping *mapping;
	bool borrowed; /* a reference for this call only */
};

struct lease mapping_take_lease(void);
void mapping_return_lease(struct lease lease);

/* The protocols sections of a mapping (a lease's or a walk's), or NULL if
 * there is none or it has none usable.  The first call that asks finds
 * them and keeps them in the mapping, so that a process that asks only
 * for services never reads their pages; a call that meets another thread
 * finding them finds them itself, into *scratch. */
const struct proto_snapshot *mapping_protocols(struct mapping *mapping,
					       struct proto_snapshot *scratch);

/* The walks, one per database. */
enum mapping_walk_id {
	MAPPING_WALK_SERVICES,
	MAPPING_WALK_PROTOCOLS,
	MAPPING_WALKS
};

struct mapping_walk {
	pthread_mutex_t lock;
	/* Under lock: */
	struct mapping *mapping;   /* the walk's own reference; NULL: none open */
	const struct snapshot *snap; /* &mapping's snapshot, or NULL */
	bool ended;                /* walked to the end: NOTFOUND until reset */
	bool broken;               /* its file was rewritten in place: snap is
				    * NULL, UNAVAIL until reset */
	uint32_t returned;         /* entries so far, for the database's cap */
	uint32_t cursor[2];        /* the database's position; zero at start */
	struct mapping *finished;  /* a finished walk's reference, dropped
				    * by unlock once the lock is released */
};

struct mapping_walk *mapping_walk(enum mapping_walk_id id);

/* A database's setXXent, whole: (re)opens its walk on the current
 * mapping, cursor at zero; NSS_STATUS_UNAVAIL when there is no snapshot
 * to walk.  Takes the walk's lock. */
enum nss_status mapping_setent(enum mapping_walk_id id);
/* A database's endXXent, whole: closes its walk.  Takes the walk's lock. */
enum nss_status mapping_endent(enum mapping_walk_id id);

/* getXXent: locks the walk, opening it first if no walk was started or
 * ended (getXXent without setXXent), and closing it (broken) if its file
 * has been rewritten in place since.  Between lock and unlock the database
 * reads walk->snap, moves walk->cursor, and calls mapping_walk_finish at
 * the end; unlock drops the reference of a finished walk. */
void mapping_walk_lock(struct mapping_walk *walk);
void mapping_walk_finish(struct mapping_walk *walk);
void mapping_walk_unlock(struct mapping_walk *walk);

#endif
