/*
 * mapping.c - the mapped snapshot shared by every database of the module:
 * pins, leases, the periodic re-check, walks, fork and dlclose.
 *
 * CONCURRENCY: readers never wait on each other.
 *
 * Each mapped snapshot file lives in a small struct mapping with a
 * reference count.  `current` is an atomic pointer to the newest one and
 * holds one reference.  Every thread keeps a pin: a reference to the
 * mapping it last used, in a pthread key (thread-local, no shared write).
 *
 * What a reader does.  It loads `current` (acquire).  If that is its pin,
 * which is the case for every lookup but the first one after a remap, it
 * searches the pinned mapping: no lock, no atomic write, nothing written
 * but thread-local data and the caller's buffer.  Otherwise it takes the
 * list mutex, adds a reference to `current`, makes that its pin and drops
 * the reference of its old pin, all O(1) pointer and counter work.
 *
 * What a remap does.  Every SNAPSHOT_RECHECK_MS, by the coarse monotonic
 * clock, one lookup wins an atomic flag and re-examines the path with no
 * lock held and cancellation disabled: stat(), refusing anything but a
 * regular file of at most NSSIANA_MAX_FILE_SIZE bytes before opening it
 * (a FIFO can never block it), then open(O_NONBLOCK), fstat(), mmap(),
 * snapshot_parse() (constant work).  Then, under the mutex, it swaps
 * `current` and drops the old one's reference.  Meanwhile other threads go
 * on answering from their pins.  An unchanged or already rejected file
 * (same device, inode, size and times) is not re-read.
 *
 * Why no reader can see an unmapped page.  A mapping is unmapped only when
 * its reference count drops to zero, by the thread that drops it, after it
 * has unlocked.  A reader only reads a mapping it holds a reference to
 * (its pin, the walk's own reference, or a one-call reference), and it
 * gets that reference under the mutex while the mapping is `current`,
 * whose reference cannot be dropped meanwhile because dropping it also
 * takes the mutex.  So a mapping being unmapped has no reader, and gets
 * none.
 *
 * Why this scales on 64 cores.  The fast path reads `current`, the clock
 * (vDSO) and the next-check time, cache lines that are only read between
 * remaps, so every core keeps its own shared copy of them; it writes only
 * thread-local data.  The slow path (the first lookup of a thread after a
 * remap) takes the mutex for a few instructions.  The trade-off: an idle
 * thread keeps the mapping it last used, even an old one, until its next
 * lookup or its exit.
 *
 * No lock is held across a system call that can block or is a
 * cancellation point: stat, open, mmap and munmap all run unlocked.  A
 * fork() in any thread finds the mutexes free or about to be freed (the
 * atfork handlers take them) and the child forgets a re-check another
 * thread had in progress.  dlclose runs the destructor, which drops the
 * module's own references and deletes the key: what no live thread still
 * pins is unmapped; a mapping another live thread pins is left mapped,
 * because that thread may be inside a lookup (at exit() it can be).
 *
 * Between re-checks a lookup costs one read of the coarse clock instead of
 * a stat(); the interval is also how long a process may go on using a
 * mapping whose file an admin truncated in place.  What remains is
 * documented in the README: a lookup made while the file is being
 * rewritten in place (cp, >) can touch a page past the file's new end and
 * get SIGBUS; replacing the file by rename, as the tool always does, is
 * safe.
 *
 * Nothing here prints or changes errno except through errnop; memory is
 * allocated only when a new file is mapped.
 */
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "module/mapping.h"
#include "reader/snapshot.h"

#define RECHECK_NS (SNAPSHOT_RECHECK_MS * 1000 * 1000LL)

#ifndef NSS_IANA_DEFAULT_DB
#define NSS_IANA_DEFAULT_DB "/var/lib/nss-iana/services.db"
#endif

struct mapping {
	struct snapshot snap;
	struct snapshot_map map;
	unsigned long refs;   /* under list_lock */
	struct mapping *next; /* the list of live mappings, under list_lock */
};

/* Held only for O(1) pointer and reference-count work. */
static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mapping *mappings;          /* every mapping not yet unmapped */
static _Atomic(struct mapping *) current; /* one reference; set under list_lock */
static struct snapshot_identity rejected; /* under list_lock */

static pthread_key_t pin_key;
static atomic_bool pin_key_usable;
static atomic_bool check_busy;   /* a thread is re-examining the path */
static atomic_bool ever_checked; /* a re-check has completed */
static _Atomic long long next_check_ns;

static const char *snapshot_path(void)
{
	/* secure_getenv: a setuid program must not read a user's file. */
	const char *path = secure_getenv("NSS_IANA_DB");
	return path && *path ? path : NSS_IANA_DEFAULT_DB;
}

/* ---- references --------------------------------------------------------- */

static void lock_list(void) { pthread_mutex_lock(&list_lock); }
static void unlock_list(void) { pthread_mutex_unlock(&list_lock); }

static void ref_locked(struct mapping *m)
{
	if (m)
		m->refs++;
}

/* Drops a reference.  Returns the mapping if that was the last one, for
 * the caller to destroy() once it has unlocked. */
static struct mapping *unref_locked(struct mapping *m)
{
	if (m == NULL || --m->refs > 0)
		return NULL;
	for (struct mapping **link = &mappings; *link; link = &(*link)->next)
		if (*link == m) {
			*link = m->next;
			break;
		}
	return m;
}

static void destroy(struct mapping *m)
{
	if (m) {
		snapshot_unmap(&m->map);
		free(m);
	}
}

static void unref(struct mapping *m)
{
	if (m == NULL)
		return;
	lock_list();
	struct mapping *dead = unref_locked(m);
	unlock_list();
	destroy(dead);
}

/* The key's destructor: a thread's pin goes with the thread. */
static void release_pin(void *pin)
{
	unref(pin);
}

static struct mapping *own_pin(void)
{
	if (!atomic_load_explicit(&pin_key_usable, memory_order_relaxed))
		return NULL;
	return pthread_getspecific(pin_key);
}

/* Makes `m` (or no snapshot) `current`, and remembers `bad` as a file not
 * to read again.  A mapping of the very file already current is dropped. */
static void install(struct mapping *m, const struct snapshot_identity *bad)
{
	struct mapping *dead;

	lock_list();
	if (bad)
		rejected = *bad;
	struct mapping *old = atomic_load_explicit(&current, memory_order_relaxed);
	if (m && old && snapshot_identity_equal(&m->map.id, &old->map.id)) {
		dead = m; /* another thread mapped the same file first */
	} else {
		if (m) {
			m->refs = 1;
			m->next = mappings;
			mappings = m;
		}
		atomic_store_explicit(&current, m, memory_order_release);
		dead = unref_locked(old);
	}
	unlock_list();
	destroy(dead);
}

/* ---- looking at the path -------------------------------------------------- */

/* What map_path() found at the path. */
enum found {
	FOUND_SNAPSHOT, /* *mapping is a new mapping of it */
	FOUND_REJECTED, /* not a snapshot, not regular, too large: *rejected
			 * identifies it, not to be read again until it changes */
	FOUND_NOTHING,  /* nothing usable there (gone, unreadable) */
	FOUND_PASSING,  /* a passing failure (replaced meanwhile, ENOMEM):
			 * keep what is current and look again next time */
};

static enum found map_path(const char *path, struct mapping **mapping,
			   struct snapshot_identity *rejected_file)
{
	struct snapshot_map map;
	struct snapshot snap;
	int error = snapshot_map_file_limited(path, NSSIANA_MAX_FILE_SIZE, &map);

	switch (error) {
	case 0:
		break;
	case EINVAL:
	case EFBIG:
		*rejected_file = map.id;
		return FOUND_REJECTED;
	case EAGAIN:
	case EINTR:
	case ENOMEM:
	case EMFILE:
	case ENFILE:
		return FOUND_PASSING;
	default:
		return FOUND_NOTHING;
	}
	/* Lookups read a few scattered cache lines.  Without this advice the
	 * first fault on a cold page cache reads ahead (128 KiB and more, in
	 * large folios) and every fault then maps the neighbouring cached
	 * pages in: 376 KiB of the full registry resident after one lookup,
	 * measured, against 32 to 40 KiB with it.  A getservent walk, rare,
	 * reads the file in order: start_walk() asks for the whole file with
	 * MADV_WILLNEED instead, which changes no advice of the mapping and so
	 * does not split it in two. */
	madvise(map.addr, map.size, MADV_RANDOM);
	if (snapshot_parse(&snap, map.addr, map.size) != NULL) {
		*rejected_file = map.id;
		snapshot_unmap(&map);
		return FOUND_REJECTED;
	}
	struct mapping *m = calloc(1, sizeof *m);
	if (m == NULL) {
		snapshot_unmap(&map);
		return FOUND_PASSING;
	}
	m->snap = snap;
	m->map = map;
	*mapping = m;
	return FOUND_SNAPSHOT;
}

/* Re-examines the path and installs what is there now.  Runs with no lock
 * held but for O(1) moments, and with cancellation disabled: open() and
 * close() are cancellation points, and a thread cancelled between mmap()
 * and install() would leak the mapping. */
static void refresh(void)
{
	const char *path = snapshot_path();
	struct snapshot_identity now, mapped, bad, newly_rejected;
	struct mapping *m = NULL;
	struct stat st;
	int cancel_state;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
	lock_list();
	struct mapping *cur = atomic_load_explicit(&current, memory_order_relaxed);
	mapped = cur ? cur->map.id : (struct snapshot_identity){ 0 };
	bad = rejected;
	unlock_list();
	/* With nothing to compare with (the first look), mapping stat()s the
	 * path itself: one system call less on the cold path. */
	if (mapped.known || bad.known) {
		if (stat(path, &st) != 0) {
			install(NULL, NULL);
			goto done;
		}
		snapshot_identity_of(&st, &now);
		if (snapshot_identity_equal(&now, &mapped) ||
		    snapshot_identity_equal(&now, &bad))
			goto done;
	}
	switch (map_path(path, &m, &newly_rejected)) {
	case FOUND_SNAPSHOT:
		install(m, NULL);
		break;
	case FOUND_REJECTED:
		install(NULL, &newly_rejected);
		break;
	case FOUND_NOTHING:
		install(NULL, NULL);
		break;
	case FOUND_PASSING:
		break;
	}
done:
	atomic_store_explicit(&ever_checked, true, memory_order_release);
	pthread_setcancelstate(cancel_state, NULL);
}

static long long coarse_now_ns(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	return now.tv_sec * 1000000000LL + now.tv_nsec;
}

/* At most one thread re-examines the path per interval; the others go on
 * with their pins.  Until a first look has completed there is nothing to
 * answer from: a thread that finds no mapping then looks for itself,
 * rather than answer UNAVAIL while the winner (or, in a forked child, a
 * thread that no longer exists) is still mapping the file.  It waits for
 * no one, and install() keeps one mapping of a file mapped twice. */
static void refresh_if_due(const struct mapping *pin)
{
	long long now = coarse_now_ns();

	if (now >= atomic_load_explicit(&next_check_ns, memory_order_relaxed) &&
	    !atomic_load_explicit(&check_busy, memory_order_relaxed) &&
	    !atomic_exchange_explicit(&check_busy, true, memory_order_acquire)) {
		atomic_store_explicit(&next_check_ns, now + RECHECK_NS,
				      memory_order_relaxed);
		refresh();
		atomic_store_explicit(&check_busy, false, memory_order_release);
	} else if (pin == NULL &&
		   !atomic_load_explicit(&ever_checked, memory_order_acquire) &&
		   atomic_load_explicit(&current, memory_order_acquire) == NULL) {
		refresh();
	}
}

/* The slow path: pin `current` in place of the old pin. */
static struct lease repin(struct mapping *old)
{
	struct lease lease = { NULL, NULL, false };
	struct mapping *dead = NULL;

	lock_list();
	lease.mapping = atomic_load_explicit(&current, memory_order_relaxed);
	ref_locked(lease.mapping);
	lease.snap = lease.mapping ? &lease.mapping->snap : NULL;
	if (atomic_load_explicit(&pin_key_usable, memory_order_relaxed) &&
	    pthread_setspecific(pin_key, lease.mapping) == 0)
		dead = unref_locked(old);
	else
		lease.borrowed = true; /* no pin to keep it in */
	unlock_list();
	destroy(dead);
	return lease;
}

/* The mapping to answer from (NULL: none usable), with a reference. */
struct lease mapping_take_lease(void)
{
	struct mapping *pin = own_pin();

	refresh_if_due(pin);
	if (atomic_load_explicit(&current, memory_order_acquire) == pin)
		return (struct lease){ pin ? &pin->snap : NULL, pin, false };
	return repin(pin);
}

void mapping_return_lease(struct lease lease)
{
	if (lease.borrowed)
		unref(lease.mapping);
}


/* ---- walks ---------------------------------------------------------------
 *
 * A walk holds its own reference to the mapping setXXent() found and
 * stays on it to its end or endXXent(), whatever happens to the file: it
 * lists one registry, as nss_files lists the file it opened.  Each walk
 * has its own mutex, held for one entry's copy at most and never by a
 * lookup by name or port. */

static struct mapping_walk walks[MAPPING_WALKS] = {
	[MAPPING_WALK_SERVICES] = { .lock = PTHREAD_MUTEX_INITIALIZER },
	[MAPPING_WALK_PROTOCOLS] = { .lock = PTHREAD_MUTEX_INITIALIZER },
};

struct mapping_walk *mapping_walk(enum mapping_walk_id id)
{
	return &walks[id];
}

/* Closes the walk; returns its reference for the caller to unref() once
 * the walk's lock is released.  Call with the lock held. */
static struct mapping *end_walk(struct mapping_walk *walk)
{
	struct mapping *mapping = walk->mapping;
	walk->mapping = NULL;
	walk->snap = NULL;
	walk->ended = false;
	walk->returned = 0;
	memset(walk->cursor, 0, sizeof walk->cursor);
	return mapping;
}

bool mapping_walk_start(struct mapping_walk *walk)
{
	struct lease lease = mapping_take_lease();
	struct mapping *mapping = lease.mapping;

	/* A walk reads the whole file in order, against the lookups'
	 * MADV_RANDOM: ask for all of it at once, so that a cold page cache
	 * (the state right after an update) is read in large requests, not
	 * one synchronous page per fault.  This maps nothing in and splits no
	 * mapping; it runs with no lock held, as it may start I/O. */
	if (mapping)
		madvise(mapping->map.addr, mapping->map.size, MADV_WILLNEED);
	if (mapping && !lease.borrowed) {
		lock_list();
		ref_locked(mapping);
		unlock_list();
	} /* a borrowed reference becomes the walk's own */
	pthread_mutex_lock(&walk->lock);
	struct mapping *old = end_walk(walk);
	walk->mapping = mapping;
	walk->snap = mapping ? &mapping->snap : NULL;
	pthread_mutex_unlock(&walk->lock);
	unref(old);
	return mapping != NULL;
}

void mapping_walk_close(struct mapping_walk *walk)
{
	pthread_mutex_lock(&walk->lock);
	struct mapping *old = end_walk(walk);
	pthread_mutex_unlock(&walk->lock);
	unref(old);
}

void mapping_walk_lock(struct mapping_walk *walk)
{
	pthread_mutex_lock(&walk->lock);
	bool open = walk->mapping != NULL || walk->ended;
	pthread_mutex_unlock(&walk->lock);
	if (!open)
		mapping_walk_start(walk); /* getXXent without setXXent */
	pthread_mutex_lock(&walk->lock);
}

void mapping_walk_finish(struct mapping_walk *walk)
{
	walk->finished = end_walk(walk);
	walk->ended = true;
}

void mapping_walk_unlock(struct mapping_walk *walk)
{
	struct mapping *finished = walk->finished;
	walk->finished = NULL;
	pthread_mutex_unlock(&walk->lock);
	unref(finished);
}

/* ---- process events ------------------------------------------------------- */

/* Lock order: the walks' locks in their order, then list_lock.  All are
 * held only briefly, so fork() never waits long. */
static void before_fork(void)
{
	for (int i = 0; i < MAPPING_WALKS; i++)
		pthread_mutex_lock(&walks[i].lock);
	lock_list();
}

static void after_fork_in_parent(void)
{
	unlock_list();
	for (int i = MAPPING_WALKS - 1; i >= 0; i--)
		pthread_mutex_unlock(&walks[i].lock);
}

/* The child has only the forking thread: a re-check another thread had
 * in progress will never end there. */
static void after_fork_in_child(void)
{
	pthread_mutex_init(&list_lock, NULL);
	for (int i = 0; i < MAPPING_WALKS; i++)
		pthread_mutex_init(&walks[i].lock, NULL);
	atomic_store(&check_busy, false);
}

__attribute__((constructor)) static void start_module(void)
{
	pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child);
	if (pthread_key_create(&pin_key, release_pin) == 0)
		atomic_store(&pin_key_usable, true);
}

/* dlclose (or exit): drop the module's own references.  The key goes
 * first, so that no thread's pin destructor can run into unmapped code;
 * the calling thread's pin is dropped by hand.  Mappings other live
 * threads still pin stay mapped: at exit() they may be inside a lookup. */
__attribute__((destructor)) static void stop_module(void)
{
	struct mapping *pin = own_pin();

	if (atomic_exchange(&pin_key_usable, false))
		pthread_key_delete(pin_key);
	unref(pin);
	for (int i = 0; i < MAPPING_WALKS; i++)
		mapping_walk_close(&walks[i]);
	install(NULL, NULL);
}
