/*
 * check_hangs.c - nothing can hang the module or lock it up.
 *
 * - A FIFO at the snapshot's path, or NSS_IANA_DB naming one, answers
 *   UNAVAIL at once, in every thread (an open() of a FIFO for reading
 *   blocks until a writer comes).
 * - A thread stuck inside the module's stat() or open() of the path (a
 *   hung file system, simulated: this program's own stat() and open()
 *   interpose on the module's and wait on a semaphore for that path) keeps
 *   no other thread from answering, nor fork() from returning, nor the
 *   child from answering: no lock is held across them.  A stuck very
 *   first look makes another thread's first lookup wait, boundedly.
 * - Threads cancelled over and over while the file is replaced by rename
 *   leave the module usable, in the process and in a child forked after,
 *   and leak no mapping.  Here open() also offers the cancellation a
 *   chance to act inside the module's open(), as a real one can.
 *
 * Every test runs under alarm(): a hang kills the test, which fails it,
 * instead of blocking the suite.  Threads never call ck_assert (Check is
 * not thread-safe); they report through atomics.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "testlib.h"
#include "check_main.h"

#define FIXTURE "tests/fixtures/semantics.csv"
#define ALARM_SECONDS 120

static char db_path[PATH_MAX], next_csv[PATH_MAX], next_db[PATH_MAX];
static struct module mod;

/* ---- stat() and open() of the snapshot path, under the test's control -- */

static sem_t stall_entered, stall_released;
static atomic_bool cancel_in_open; /* open() of the path: a cancellation point */
static atomic_ulong opens_of_path;

#ifndef NSS_IANA_SANITIZED /* the sanitizers interpose on these themselves */
enum stall { STALL_NONE, STALL_STAT, STALL_OPEN };
static atomic_int stall_kind;  /* which call stalls next (once) */
static pid_t stall_pid;        /* only in this process, never a child */

static bool is_db_path(const char *path)
{
	return path && db_path[0] && strcmp(path, db_path) == 0;
}

static void maybe_stall(const char *path, enum stall kind)
{
	int expected = kind;
	if (!is_db_path(path) || getpid() != stall_pid ||
	    !atomic_compare_exchange_strong(&stall_kind, &expected, STALL_NONE))
		return;
	sem_post(&stall_entered);
	while (sem_wait(&stall_released) != 0)
		;
}

int stat(const char *path, struct stat *st)
{
	maybe_stall(path, STALL_STAT);
	return fstatat(AT_FDCWD, path, st, 0);
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list args;
		va_start(args, flags);
		mode = va_arg(args, mode_t);
		va_end(args);
	}
	if (is_db_path(path)) {
		atomic_fetch_add(&opens_of_path, 1);
		if (atomic_load(&cancel_in_open))
			pthread_testcancel();
	}
	maybe_stall(path, STALL_OPEN);
	return openat(AT_FDCWD, path, flags, mode);
}
#endif

/* ---- helpers ------------------------------------------------------------ */

static void setup(void)
{
	temp_path(db_path, sizeof db_path, "hangs.db");
	temp_path(next_csv, sizeof next_csv, "hangs-next.csv");
	temp_path(next_db, sizeof next_db, "hangs-next.db");
	compile_fixture(FIXTURE, db_path);
	setenv("NSS_IANA_DB", db_path, 1);
	mod = load_module();
	sem_init(&stall_entered, 0, 0);
	sem_init(&stall_released, 0, 0);
	alarm(ALARM_SECONDS);
}

static void teardown(void)
{
	alarm(0);
	unlink(db_path);
	unlink(next_csv);
	unlink(next_db);
}

static enum nss_status by_name(const char *name, const char *proto)
{
	char buffer[1024];
	struct servent result;
	int error;
	return mod.getservbyname_r(name, proto, &result, buffer, sizeof buffer,
				   &error);
}

static enum nss_status by_port(unsigned port)
{
	char buffer[1024];
	struct servent result;
	int error;
	return mod.getservbyport_r(htons(port), NULL, &result, buffer,
				   sizeof buffer, &error);
}

static void pause_ms(long ms)
{
	struct timespec pause = { ms / 1000, ms % 1000 * 1000000L };
	nanosleep(&pause, NULL);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

/* The semantics registry plus "renamed 4242/tcp", compiled to a new inode
 * and renamed over the snapshot. */
static void replace_with_next_registry(void)
{
	FILE *out = fopen(next_csv, "w"), *in = fopen(FIXTURE, "r");
	char line[4096];
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(in);
	while (fgets(line, sizeof line, in))
		fputs(line, out);
	fclose(in);
	fputs("renamed,4242,tcp,the next registry,,,,,,,,\n", out);
	ck_assert_int_eq(fclose(out), 0);
	compile_fixture(next_csv, next_db);
	ck_assert_int_eq(rename(next_db, db_path), 0);
}

/* Forks a child that must answer "http" at once; returns its verdict. */
static bool child_answers(void)
{
	int status;
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		alarm(30); /* a lock inherited held would hang here */
		_exit(by_name("http", "tcp") == NSS_STATUS_SUCCESS &&
		      by_port(80) == NSS_STATUS_SUCCESS ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* ---- FIFOs -------------------------------------------------------------- */

static atomic_int thread_status;

static void *ask_once(void *arg)
{
	(void)arg;
	atomic_store(&thread_status, by_name("http", "tcp"));
	return NULL;
}

static void expect_unavailable_in_two_threads(void)
{
	pthread_t thread;
	atomic_store(&thread_status, -100);
	ck_assert_int_eq(pthread_create(&thread, NULL, ask_once, NULL), 0);
	ck_assert_int_eq(by_name("http", "tcp"), NSS_STATUS_UNAVAIL);
	ck_assert_int_eq(by_port(80), NSS_STATUS_UNAVAIL);
	ck_assert_int_eq(mod.setservent(0), NSS_STATUS_UNAVAIL);
	pthread_join(thread, NULL);
	ck_assert_int_eq(atomic_load(&thread_status), NSS_STATUS_UNAVAIL);
}

START_TEST(nss_iana_db_naming_a_fifo_is_unavailable_at_once)
{
	char fifo[PATH_MAX];
	temp_path(fifo, sizeof fifo, "hangs.fifo");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	setenv("NSS_IANA_DB", fifo, 1);
	expect_unavailable_in_two_threads();
	unlink(fifo);
}
END_TEST

START_TEST(a_fifo_renamed_over_the_snapshot_is_unavailable_at_once)
{
	char fifo[PATH_MAX];
	struct timespec start;
	ck_assert_int_eq(by_name("http", "tcp"), NSS_STATUS_SUCCESS);
	temp_path(fifo, sizeof fifo, "hangs.fifo");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(rename(fifo, db_path), 0);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (by_name("http", "tcp") == NSS_STATUS_SUCCESS && seconds_since(&start) < 5)
		pause_ms(1);
	expect_unavailable_in_two_threads();
}
END_TEST

/* ---- a thread stuck in stat() or open() --------------------------------- */

#ifndef NSS_IANA_SANITIZED
static void *ask_and_report(void *arg)
{
	(void)arg;
	atomic_store(&thread_status, by_name("http", "tcp"));
	return NULL;
}

static void *ask_without_a_pin(void *arg)
{
	atomic_int *status = arg;
	atomic_store(status, by_name("http", "tcp"));
	return NULL;
}

/* One thread stalls inside the module's `kind` call on the path; every
 * other way in must still answer. */
static void stuck_thread_blocks_nobody(enum stall kind)
{
	pthread_t stuck, fresh;
	atomic_int fresh_status = -100;
	struct timespec deadline;

	ck_assert_int_eq(by_name("http", "tcp"), NSS_STATUS_SUCCESS);
	replace_with_next_registry();
	stall_pid = getpid();
	atomic_store(&stall_kind, kind);
	pause_ms(3 * SNAPSHOT_RECHECK_MS); /* the next lookup re-checks */
	atomic_store(&thread_status, -100);
	ck_assert_int_eq(pthread_create(&stuck, NULL, ask_and_report, NULL), 0);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 30;
	ck_assert_msg(sem_timedwait(&stall_entered, &deadline) == 0,
		      "the lookup thread never reached the stalled call");

	/* It is stuck in there now, for as long as we like. */
	for (int i = 0; i < 2000; i++) {
		ck_assert_int_eq(by_name("http", "tcp"), NSS_STATUS_SUCCESS);
		ck_assert_int_eq(by_port(80), NSS_STATUS_SUCCESS);
	}
	pause_ms(3 * SNAPSHOT_RECHECK_MS); /* another re-check falls due */
	ck_assert_int_eq(by_name("http", "tcp"), NSS_STATUS_SUCCESS);
	ck_assert_int_eq(pthread_create(&fresh, NULL, ask_without_a_pin, &fresh_status), 0);
	pthread_join(fresh, NULL);
	ck_assert_int_eq(atomic_load(&fresh_status), NSS_STATUS_SUCCESS);
	ck_assert_int_eq(mod.setservent(0), NSS_STATUS_SUCCESS);
	mod.endservent();
	ck_assert_msg(child_answers(), "a child forked meanwhile did not answer");
	ck_assert_int_eq(atomic_load(&thread_status), -100); /* still stuck */

	sem_post(&stall_released);
	pthread_join(stuck, NULL);
	ck_assert_int_eq(atomic_load(&thread_status), NSS_STATUS_SUCCESS);
	/* And the next registry comes into use. */
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (by_name("renamed", "tcp") != NSS_STATUS_SUCCESS && seconds_since(&start) < 3)
		pause_ms(1);
	ck_assert_int_eq(by_name("renamed", "tcp"), NSS_STATUS_SUCCESS);
}

START_TEST(a_thread_stuck_in_stat_blocks_nobody)
{
	stuck_thread_blocks_nobody(STALL_STAT);
}
END_TEST

START_TEST(a_thread_stuck_in_open_blocks_nobody)
{
	stuck_thread_blocks_nobody(STALL_OPEN);
}
END_TEST

/* The process's very first look at the path stalls in stat(): another
 * thread's first lookup waits for it, but boundedly, then answers
 * UNAVAIL; later calls do not wait again; a child forked meanwhile looks
 * for itself and answers; once the stall ends, everyone answers. */
START_TEST(a_stuck_first_look_holds_other_threads_boundedly)
{
	pthread_t stuck;
	struct timespec deadline, start;

	stall_pid = getpid();
	atomic_store(&stall_kind, STALL_STAT);
	atomic_store(&thread_status, -100);
	ck_assert_int_eq(pthread_create(&stuck, NULL, ask_and_report, NULL), 0);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 30;
	ck_assert_msg(sem_timedwait(&stall_entered, &deadline) == 0,
		      "the first lookup never reached the stalled stat()");

	clock_gettime(CLOCK_MONOTONIC, &start);
	ck_assert_int_eq(by_name("http", "tcp"), NSS_STATUS_UNAVAIL);
	double waited = seconds_since(&start);
	ck_assert_msg(waited <= 3.0, "a first lookup waited %.1f s", waited);
	clock_gettime(CLOCK_MONOTONIC, &start);
	ck_assert_int_eq(by_port(80), NSS_STATUS_UNAVAIL);
	ck_assert_msg(seconds_since(&start) <= 0.5, "a later call waited again");
	ck_assert_msg(child_answers(), "a child forked meanwhile did not answer");
	ck_assert_int_eq(atomic_load(&thread_status), -100); /* still stuck */

	sem_post(&stall_released);
	pthread_join(stuck, NULL);
	ck_assert_int_eq(atomic_load(&thread_status), NSS_STATUS_SUCCESS);
	ck_assert_int_eq(by_name("http", "tcp"), NSS_STATUS_SUCCESS);
}
END_TEST
#endif

/* ---- cancellation --------------------------------------------------------- */

#define CANCEL_ROUNDS 150
#define CANCEL_THREADS 4

static atomic_bool swapping;

/* Replaces the snapshot by rename, over and over, each time a new inode. */
static void *swapper(void *arg)
{
	const unsigned char *image = ((void **)arg)[0];
	size_t size = *(size_t *)((void **)arg)[1];
	char temp[PATH_MAX + 8];
	snprintf(temp, sizeof temp, "%s.swap", db_path);
	while (atomic_load(&swapping)) {
		int fd = openat(AT_FDCWD, temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, image, size) != (ssize_t)size || close(fd) != 0)
			break;
		rename(temp, db_path);
		pause_ms(2);
	}
	unlink(temp);
	return NULL;
}

static void *lookup_until_cancelled(void *arg)
{
	unsigned n = (unsigned)(uintptr_t)arg;
	char buffer[1024];
	struct servent result;
	int error;
	for (;; n++) {
		by_name(n % 3 ? "http" : "nope", n % 2 ? "tcp" : NULL);
		by_port(n % 7000);
		if (n % 64 == 0) {
			mod.setservent(0);
			mod.getservent_r(&result, buffer, sizeof buffer, &error);
			mod.endservent();
		}
		pthread_testcancel();
	}
	return NULL;
}

static unsigned char *read_whole(const char *path, size_t *size)
{
	struct stat st;
	int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	unsigned char *data = malloc(st.st_size);
	ck_assert_int_eq(read(fd, data, st.st_size), st.st_size);
	close(fd);
	*size = st.st_size;
	return data;
}

START_TEST(threads_cancelled_while_the_file_is_replaced_leave_it_usable)
{
	size_t size;
	unsigned char *image = read_whole(db_path, &size);
	void *swap_args[2] = { image, &size };
	pthread_t swap, workers[CANCEL_THREADS];
	uint64_t random = 0x2545f4914f6cdd1d;

	ck_assert_int_eq(by_name("http", "tcp"), NSS_STATUS_SUCCESS);
	atomic_store(&cancel_in_open, true);
	atomic_store(&swapping, true);
	ck_assert_int_eq(pthread_create(&swap, NULL, swapper, swap_args), 0);
	for (int round = 0; round < CANCEL_ROUNDS; round++) {
		for (uintptr_t t = 0; t < CANCEL_THREADS; t++)
			ck_assert_int_eq(pthread_create(&workers[t], NULL,
							lookup_until_cancelled,
							(void *)(t * 1000 + round)), 0);
		random ^= random << 13, random ^= random >> 7, random ^= random << 17;
		pause_ms(1 + (long)(random % 5));
		for (int t = 0; t < CANCEL_THREADS; t++)
			pthread_cancel(workers[t]);
		for (int t = 0; t < CANCEL_THREADS; t++) {
			void *result;
			pthread_join(workers[t], &result);
			ck_assert_ptr_eq(result, PTHREAD_CANCELED);
		}
	}
	atomic_store(&swapping, false);
	pthread_join(swap, NULL);
	atomic_store(&cancel_in_open, false);

	pause_ms(3 * SNAPSHOT_RECHECK_MS);
	ck_assert_int_eq(by_name("http", "tcp"), NSS_STATUS_SUCCESS);
	ck_assert_int_eq(by_port(80), NSS_STATUS_SUCCESS);
	ck_assert_msg(child_answers(), "a child forked after the cancellations did not answer");
	/* No re-check was left half done: a new file is still seen. */
	replace_with_next_registry();
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (by_name("renamed", "tcp") != NSS_STATUS_SUCCESS && seconds_since(&start) < 3)
		pause_ms(1);
	ck_assert_msg(seconds_since(&start) <= 1.0,
		      "a file replaced after the cancellations took %.2f s to be seen",
		      seconds_since(&start));
	/* Each cancelled thread's pin went with it: no mapping piles up. */
	pause_ms(3 * SNAPSHOT_RECHECK_MS);
	by_name("http", "tcp");
	int mappings = mappings_of(db_path);
	ck_assert_msg(mappings <= 2, "%d mappings of the snapshot remain", mappings);
	printf("hangs: %d rounds of %d cancelled threads, %lu opens of the path "
	       "(each a chance to cancel inside the module), %d mapping(s) left\n",
	       CANCEL_ROUNDS, CANCEL_THREADS, atomic_load(&opens_of_path), mappings);
	free(image);
}
END_TEST

static Suite *hangs_suite(void)
{
	Suite *suite = suite_create("hangs");
	TCase *cases = tcase_create("hangs");
	tcase_add_checked_fixture(cases, setup, teardown);
	tcase_add_test(cases, nss_iana_db_naming_a_fifo_is_unavailable_at_once);
	tcase_add_test(cases, a_fifo_renamed_over_the_snapshot_is_unavailable_at_once);
#ifndef NSS_IANA_SANITIZED
	tcase_add_test(cases, a_thread_stuck_in_stat_blocks_nobody);
	tcase_add_test(cases, a_thread_stuck_in_open_blocks_nobody);
	tcase_add_test(cases, a_stuck_first_look_holds_other_threads_boundedly);
#endif
	tcase_add_test(cases, threads_cancelled_while_the_file_is_replaced_leave_it_usable);
	suite_add_tcase(suite, cases);
	return suite;
}

CHECK_MAIN(hangs_suite)
