/*
 * mapping.c - the mapped snapshot shared by every database of the module:
 * pins, leases, the periodic re-check, walks, fork and dlclose.
 * (How it came to be so, and what it costs: README.md.)
 *
 * State.  `current` (atomic) names the newest mapping and holds one
 * reference.  Each thread's pin (thread_pin, kept in pin_key too for its
 * destructor) holds one reference to the mapping it last used; each open
 * walk holds one; a borrowed lease holds one for one call.  A thread reads
 * only a mapping it holds a reference to, and takes a new reference only
 * under refs_lock, from `current`.
 *
 * Who unmaps.  The thread that drops the last reference, after it has
 * released every lock.  A reference to `current` cannot be dropped while
 * another thread takes one, as both take refs_lock: so a mapping being
 * unmapped has no reader and gets none.
 *
 * Lock order: a walk's lock (in walks[] order), then refs_lock.  Both are
 * held only for O(1) pointer and counter work or one entry's copy; no
 * lock is ever held across a system call: stat, open, mmap, munmap and
 * madvise run unlocked.  The re-check runs with cancellation disabled (a
 * thread cancelled between mmap and install would leak the mapping), by
 * at most one thread per SNAPSHOT_RECHECK_MS.  Before the first look has
 * completed, a thread that finds nothing mapped waits for it, polling
 * with no lock held, for at most FIRST_LOOK_WAIT_NS.
 *
 * The fast path (current == pin) takes no lock, makes no library call
 * but the coarse clock's, and writes only the thread's in-call flag.
 *
 * A forked child finds every lock free (the atfork handlers hold them
 * across fork) and no re-check in progress; one another thread had begun
 * is forgotten, and a first look in progress is redone by the child.
 *
 * A signal handler that interrupted an entry point of the module in its
 * own thread (thread_in_call set) may find refs_lock or a walk lock held by
 * that thread, and its pin about to change: its nested call touches
 * neither and answers UNAVAIL (mapping_enter).  Nothing here calls malloc.
 *
 * dlclose runs stop_module: the key goes first, then the module's own
 * references.  A mapping another live thread pins stays mapped: the
 * destructor cannot tell dlclose from exit(), when that thread may be in
 * a lookup.
 *
 * errno: a call leaves it as it found it.  Only the slow paths make
 * system calls (or may allocate: pthread_setspecific), and each puts
 * errno back where it makes them: refresh, destroy, repin, the first
 * look's wait and a walk's start.  So the fast path never touches errno.
 *
 * A file refused at the path (not a snapshot, not regular, too large) is
 * remembered and not read again until it changes; while it is at the path
 * nothing is current, even if it comes back after a good file.
 *
 * A file rewritten in place (same inode) is seen at the next re-check:
 * lookups move off it at once, a walk on it stops (broken).  Until then a
 * read past its new end gets SIGBUS: the documented limit.
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
	/* The protocols sections, once protocols_state is PROTOCOLS_KNOWN
	 * (mapping_protocols); summary NULL: none usable, and protocol calls
	 * answer UNAVAIL while services answer on. */
	atomic_int protocols_state;
	_Alignas(64) struct proto_snapshot protocols; /* two cache lines */
	struct snapshot_map map;
	unsigned long refs; /* under refs_lock */
	/* The file was changed in place since it was mapped (same device
	 * and inode, another size or modification time): its pages may lie
	 * past the file's end, where a read gets SIGBUS. */
	atomic_bool rewritten;
};

/* Guards `current`, every reference count and `rejected`; held only for
 * O(1) pointer and counter work. */
static pthread_mutex_t refs_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(struct mapping *) current; /* one reference; set under refs_lock */
static struct snapshot_identity rejected; /* under refs_lock */

/* Every call reads the thread's pin and sets its in-call flag.  They are
 * initial-exec TLS: glibc gives a dlopened module's such variables their
 * room in every thread's static TLS block when it loads the module, so
 * an access is one instruction and never allocates, where a
 * global-dynamic variable may be allocated at a thread's first use
 * (inside malloc, which a signal handler must not reach), and a
 * pthread_getspecific/setspecific pair costs two calls.  Should the
 * static block have no room left, dlopen fails and glibc treats the
 * module as unavailable.  pin_key holds the pin too, for its destructor:
 * a thread's pin goes with the thread. */
#define THREAD_LOCAL __thread __attribute__((tls_model("initial-exec")))
static THREAD_LOCAL struct mapping *thread_pin;
static THREAD_LOCAL bool thread_in_call;
static pthread_key_t pin_key;
static atomic_bool pin_key_usable;
static atomic_bool check_busy;   /* a thread is re-examining the path */
static atomic_bool ever_checked; /* a re-check has completed */
static _Atomic long long next_check_ns;
static atomic_bool first_look_overdue; /* a waiter gave up on the first look */

/* How long a thread waits for another's first look at the path, and how
 * often it looks whether it is done: a first look takes well under a
 * millisecond on a warm cache, a few disk reads on a cold one. */
#define FIRST_LOOK_WAIT_NS (1000 * 1000 * 1000LL)
#define FIRST_LOOK_POLL_NS (50 * 1000)

static const char *snapshot_path(void)
{
	/* secure_getenv: a setuid program must not read a user's file. */
	const char *path = secure_getenv("NSS_IANA_DB");
	return path && *path ? path : NSS_IANA_DEFAULT_DB;
}

/* ---- references --------------------------------------------------------- */

static void lock_refs(void) { pthread_mutex_lock(&refs_lock); }
static void unlock_refs(void) { pthread_mutex_unlock(&refs_lock); }

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
	return m;
}

/* The struct itself is a page of its own, not malloc()ed: a lookup made
 * from a signal handler that interrupted malloc() must not call it. */
static struct mapping *new_mapping(void)
{
	void *m = mmap(NULL, sizeof(struct mapping), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return m == MAP_FAILED ? NULL : m;
}

static void destroy(struct mapping *m)
{
	int saved_errno = errno;

	if (m) {
		snapshot_unmap(&m->map);
		munmap(m, sizeof *m);
	}
	errno = saved_errno;
}

static void unref(struct mapping *m)
{
	if (m == NULL)
		return;
	lock_refs();
	struct mapping *dead = unref_locked(m);
	unlock_refs();
	destroy(dead);
}

/* The key's destructor, run by the exiting thread itself: a thread's pin
 * goes with the thread.  Another key's destructor may still look up
 * after it: that call must not read the dropped pin. */
static void release_pin(void *pin)
{
	thread_pin = NULL;
	unref(pin);
}

static struct mapping *own_pin(void)
{
	if (!atomic_load_explicit(&pin_key_usable, memory_order_relaxed))
		return NULL;
	return thread_pin;
}

/* A lease on a mapping this thread holds a reference to. */
static struct lease lease_of(struct mapping *m, bool borrowed)
{
	return (struct lease){ m ? &m->snap : NULL, m, borrowed };
}

/* A signal handler runs in the thread it interrupted: if that thread was
 * inside an entry point, it may hold refs_lock or a walk's lock, and the
 * lease it is reading from is its pin, which a nested repin would drop.
 * So a nested call takes no lock, no lease and no pin: it answers UNAVAIL.
 * The flag is a variable of its own, not a bit of the pin: a handler that
 * runs between the read and the write of the flag does a whole call, and
 * the interrupted write then stores only the flag, never a stale pin.
 * The signal fences keep the compiler from moving the call's work
 * outside the flag's span. */
bool mapping_enter(void)
{
	if (thread_in_call)
		return false;
	thread_in_call = true;
	atomic_signal_fence(memory_order_seq_cst);
	return true;
}

void mapping_leave(void)
{
	atomic_signal_fence(memory_order_seq_cst);
	thread_in_call = false;
}

/* Makes `m` (or no snapshot) `current`, and remembers `bad` as a file not
 * to read again.  A mapping of the very file already current is dropped. */
static void install(struct mapping *m, const struct snapshot_identity *bad)
{
	struct mapping *dead;

	lock_refs();
	if (bad)
		rejected = *bad;
	struct mapping *old = atomic_load_explicit(&current, memory_order_relaxed);
	if (m && old && snapshot_identity_equal(&m->map.id, &old->map.id)) {
		dead = m; /* another thread mapped the same file first */
	} else {
		if (m)
			m->refs = 1;
		atomic_store_explicit(&current, m, memory_order_release);
		dead = unref_locked(old);
	}
	unlock_refs();
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
	struct mapping *m = new_mapping();
	if (m == NULL) {
		snapshot_unmap(&map);
		return FOUND_PASSING;
	}
	m->snap = snap;
	m->map = map;
	*mapping = m;
	return FOUND_SNAPSHOT;
}

/* Marks the current mapping if `now` is its file written in place: the
 * same device and inode with another size or modification time.  A
 * change of ctime alone (link, chmod) rewrites nothing.  A lookup moves to
 * the new mapping at once (take_lease); a walk, which stays on its
 * mapping, stops at its next step (mapping_walk_lock). */
static void note_rewrite(const struct snapshot_identity *now)
{
	lock_refs();
	struct mapping *cur = atomic_load_explicit(&current, memory_order_relaxed);
	if (cur && cur->map.id.dev == now->dev && cur->map.id.ino == now->ino &&
	    (cur->map.id.size != now->size ||
	     cur->map.id.mtime.tv_sec != now->mtime.tv_sec ||
	     cur->map.id.mtime.tv_nsec != now->mtime.tv_nsec))
		atomic_store_explicit(&cur->rewritten, true, memory_order_relaxed);
	unlock_refs();
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
	int cancel_state, saved_errno = errno;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
	lock_refs();
	struct mapping *cur = atomic_load_explicit(&current, memory_order_relaxed);
	mapped = cur ? cur->map.id : (struct snapshot_identity){ 0 };
	bad = rejected;
	unlock_refs();
	/* With nothing to compare with (the first look), mapping stat()s the
	 * path itself: one system call less on the cold path. */
	if (mapped.known || bad.known) {
		if (stat(path, &st) != 0) {
			install(NULL, NULL);
			goto done;
		}
		snapshot_identity_of(&st, &now);
		if (snapshot_identity_equal(&now, &mapped))
			goto done;
		note_rewrite(&now);
		/* The file refused before is back at the path: nothing there is
		 * usable, and what is mapped is no longer there. */
		if (snapshot_identity_equal(&now, &bad)) {
			if (mapped.known)
				install(NULL, NULL);
			goto done;
		}
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
	errno = saved_errno;
}

static long long coarse_now_ns(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	return now.tv_sec * 1000000000LL + now.tv_nsec;
}

/* Wins the right to re-examine the path now, or not. */
static bool win_check(void)
{
	return !atomic_load_explicit(&check_busy, memory_order_relaxed) &&
	       !atomic_exchange_explicit(&check_busy, true, memory_order_acquire);
}

static void checked(void)
{
	atomic_store_explicit(&check_busy, false, memory_order_release);
}

static bool first_look_pending(void)
{
	return !atomic_load_explicit(&ever_checked, memory_order_acquire) &&
	       atomic_load_explicit(&current, memory_order_acquire) == NULL;
}

/* Before the first look at the path has completed there is nothing to
 * answer from: a thread that finds nothing mapped waits for the thread
 * looking, polling with no lock held, rather than answer UNAVAIL.  The
 * wait is bounded: past FIRST_LOOK_WAIT_NS (a hung file system) the
 * first look is overdue, and this and every later call answer from what
 * there is (nothing: UNAVAIL) at once until it completes.  If the looking
 * thread is gone meanwhile, the waiter looks itself. */
static void wait_for_first_look(void)
{
	struct timespec pause = { 0, FIRST_LOOK_POLL_NS };
	long long start = coarse_now_ns();
	int cancel_state;

	if (atomic_load_explicit(&first_look_overdue, memory_order_relaxed))
		return;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
	while (first_look_pending()) {
		if (win_check()) {
			refresh();
			checked();
			break;
		}
		if (coarse_now_ns() - start > FIRST_LOOK_WAIT_NS) {
			atomic_store_explicit(&first_look_overdue, true,
					      memory_order_relaxed);
			break;
		}
		int saved_errno = errno; /* EINTR */
		nanosleep(&pause, NULL);
		errno = saved_errno;
	}
	pthread_setcancelstate(cancel_state, NULL);
}

/* At most one thread re-examines the path per interval; the others go on
 * with their pins, or wait (bounded) for the very first look. */
static void refresh_if_due(const struct mapping *pin)
{
	long long now = coarse_now_ns();

	if (now >= atomic_load_explicit(&next_check_ns, memory_order_relaxed) &&
	    win_check()) {
		atomic_store_explicit(&next_check_ns, now + RECHECK_NS,
				      memory_order_relaxed);
		refresh();
		checked();
	} else if (pin == NULL && first_look_pending()) {
		wait_for_first_look();
	}
}

/* The slow path: pin `current` in place of the old pin. */
static struct lease repin(struct mapping *old)
{
	struct mapping *dead = NULL;
	bool borrowed = false;

	lock_refs();
	struct mapping *m = atomic_load_explicit(&current, memory_order_relaxed);
	ref_locked(m);
	int saved_errno = errno; /* pthread_setspecific may allocate */
	if (atomic_load_explicit(&pin_key_usable, memory_order_relaxed) &&
	    pthread_setspecific(pin_key, m) == 0) {
		thread_pin = m;
		dead = unref_locked(old);
	} else {
		borrowed = true; /* no pin to keep it in */
	}
	errno = saved_errno;
	unlock_refs();
	struct lease lease = lease_of(m, borrowed);
	destroy(dead);
	return lease;
}

/* Everything but the fast path: a re-check due, no pin yet, or a pin that
 * is no longer current.  Out of line and cold, so that a lookup's own code
 * stays in a few cache lines. */
static __attribute__((noinline, cold)) struct lease take_lease_slowly(struct mapping *pin)
{
	refresh_if_due(pin);
	if (atomic_load_explicit(&current, memory_order_acquire) == pin)
		return lease_of(pin, false);
	return repin(pin);
}

/* The mapping to answer from (NULL: none usable), with a reference. */
struct lease mapping_take_lease(void)
{
	struct mapping *pin = own_pin();

	if (pin && coarse_now_ns() < atomic_load_explicit(&next_check_ns, memory_order_relaxed) &&
	    atomic_load_explicit(&current, memory_order_acquire) == pin)
		return lease_of(pin, false);
	return take_lease_slowly(pin);
}

void mapping_return_lease(struct lease lease)
{
	if (lease.borrowed)
		unref(lease.mapping);
}

/* A mapping's protocols are found by the one call that moves its state
 * from UNKNOWN to FINDING; any other call until KNOWN finds them itself,
 * into its scratch: constant work, no waiting.  A child forked while
 * another thread was finding them does so for every call on that
 * mapping, as nobody there will ever finish. */
enum { PROTOCOLS_UNKNOWN, PROTOCOLS_FINDING, PROTOCOLS_KNOWN };

/* Once per mapping: out of the lookups' code (answer.h). */
static __attribute__((noinline, cold)) struct proto_snapshot *
find_protocols(struct mapping *mapping, struct proto_snapshot *scratch)
{
	struct proto_snapshot *view = &mapping->protocols;
	int unknown = PROTOCOLS_UNKNOWN;
	bool mine = atomic_compare_exchange_strong(&mapping->protocols_state,
						   &unknown, PROTOCOLS_FINDING);
	if (!mine)
		view = scratch;
	proto_snapshot_parse(view, &mapping->snap); /* a reason: summary NULL */
	if (mine)
		atomic_store_explicit(&mapping->protocols_state, PROTOCOLS_KNOWN,
				      memory_order_release);
	return view;
}

const struct proto_snapshot *mapping_protocols(struct mapping *mapping,
					       struct proto_snapshot *scratch)
{
	if (mapping == NULL)
		return NULL;
	struct proto_snapshot *view = &mapping->protocols;
	if (atomic_load_explicit(&mapping->protocols_state, memory_order_acquire) !=
	    PROTOCOLS_KNOWN)
		view = find_protocols(mapping, scratch);
	return view->summary ? view : NULL;
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
	walk->broken = false;
	walk->returned = 0;
	memset(walk->cursor, 0, sizeof walk->cursor);
	return mapping;
}

static bool start_walk(struct mapping_walk *walk)
{
	struct lease lease = mapping_take_lease();
	struct mapping *mapping = lease.mapping;

	/* A walk reads the whole file in order, against the lookups'
	 * MADV_RANDOM: ask for all of it at once, so that a cold page cache
	 * (the state right after an update) is read in large requests, not
	 * one synchronous page per fault.  This maps nothing in and splits no
	 * mapping; it runs with no lock held, as it may start I/O. */
	if (mapping) {
		int saved_errno = errno;
		madvise(mapping->map.addr, mapping->map.size, MADV_WILLNEED);
		errno = saved_errno;
	}
	if (mapping && !lease.borrowed) {
		lock_refs();
		ref_locked(mapping);
		unlock_refs();
	} /* a borrowed reference becomes the walk's own */
	pthread_mutex_lock(&walk->lock);
	struct mapping *old = end_walk(walk);
	walk->mapping = mapping;
	walk->snap = lease.snap;
	pthread_mutex_unlock(&walk->lock);
	unref(old);
	return mapping != NULL;
}

static void close_walk(struct mapping_walk *walk)
{
	pthread_mutex_lock(&walk->lock);
	struct mapping *old = end_walk(walk);
	pthread_mutex_unlock(&walk->lock);
	unref(old);
}

enum nss_status mapping_setent(enum mapping_walk_id id)
{
	if (!mapping_enter())
		return NSS_STATUS_UNAVAIL;
	bool available = start_walk(&walks[id]);
	mapping_leave();
	return available ? NSS_STATUS_SUCCESS : NSS_STATUS_UNAVAIL;
}

enum nss_status mapping_endent(enum mapping_walk_id id)
{
	if (!mapping_enter())
		return NSS_STATUS_UNAVAIL;
	close_walk(&walks[id]);
	mapping_leave();
	return NSS_STATUS_SUCCESS;
}

void mapping_walk_lock(struct mapping_walk *walk)
{
	/* A walk looks at the path as lookups do, so that a rewrite in place
	 * stops it within the re-check interval. */
	refresh_if_due(own_pin());
	pthread_mutex_lock(&walk->lock);
	bool open = walk->mapping != NULL || walk->ended || walk->broken;
	pthread_mutex_unlock(&walk->lock);
	if (!open)
		start_walk(walk); /* getXXent without setXXent */
	pthread_mutex_lock(&walk->lock);
	if (walk->mapping &&
	    atomic_load_explicit(&walk->mapping->rewritten, memory_order_relaxed)) {
		walk->finished = end_walk(walk);
		walk->broken = true;
	}
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

/* Lock order: the walks' locks in their order, then refs_lock.  All are
 * held only briefly, so fork() never waits long.  A fork() from a signal
 * handler that interrupted this very thread inside the module may find it
 * holding them: it takes none then, as it would wait for itself (the
 * child re-initializes them anyway). */
static bool forking_inside_a_call(void)
{
	return thread_in_call;
}

static void before_fork(void)
{
	if (forking_inside_a_call())
		return;
	for (int i = 0; i < MAPPING_WALKS; i++)
		pthread_mutex_lock(&walks[i].lock);
	lock_refs();
}

static void after_fork_in_parent(void)
{
	if (forking_inside_a_call())
		return;
	unlock_refs();
	for (int i = MAPPING_WALKS - 1; i >= 0; i--)
		pthread_mutex_unlock(&walks[i].lock);
}

/* The child has only the forking thread: a re-check another thread had
 * in progress will never end there, and a first look in progress is
 * made again by the child's next lookup, at once. */
static void after_fork_in_child(void)
{
	pthread_mutex_init(&refs_lock, NULL);
	for (int i = 0; i < MAPPING_WALKS; i++)
		pthread_mutex_init(&walks[i].lock, NULL);
	atomic_store(&check_busy, false);
	if (!atomic_load(&ever_checked))
		atomic_store(&next_check_ns, 0);
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
		close_walk(&walks[i]);
	install(NULL, NULL);
}
