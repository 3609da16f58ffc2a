/*
 * check_first_lookup.c - every thread answers from its very first lookup.
 *
 * Each test starts PROCESSES fresh processes (forked from a test process
 * that has not loaded the module).  In each, THREADS threads wait at a
 * barrier and then make their first lookup at the same moment: the module
 * has mapped nothing yet, so one of them wins the first look at the path
 * and the others arrive while it maps the file.  Every one of them must
 * answer "www"/tcp with http, port 80: a lookup that answers UNAVAIL or
 * NOTFOUND there fails a program that worked with `files`.
 *
 * Directly (dlopen, the entry points), through glibc (services forced to
 * iana by __nss_configure_lookup), and with a fork(): one thread makes the
 * first lookup while the main thread forks after a varying delay, so that
 * some children are born while the first look is in progress; the child's
 * own first lookup must answer too.
 *
 * The path given in NSS_IANA_DB is long (a directory, then many "./"
 * components) so that the first look, which resolves it, takes long
 * enough for the other threads and the fork to land inside it.
 */
#include <dlfcn.h>
#include <errno.h>
#include <nss.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "testlib.h"
#include "check_main.h"

#define FIXTURE "tests/fixtures/semantics.csv"
#define PROCESSES 300
#define THREADS 4

static char db_path[PATH_MAX];
static char long_path[PATH_MAX];

static void setup(void)
{
	temp_path(db_path, sizeof db_path, "first.db");
	compile_fixture(FIXTURE, db_path);
	/* dir/././.../name: the same file, a slower path to resolve. */
	char *slash = strrchr(db_path, '/');
	size_t dir_length = (size_t)(slash - db_path) + 1;
	memcpy(long_path, db_path, dir_length);
	size_t at = dir_length;
	while (at + 2 + strlen(slash + 1) + 1 < sizeof long_path - 64) {
		memcpy(long_path + at, "./", 2);
		at += 2;
	}
	strcpy(long_path + at, slash + 1);
	setenv("NSS_IANA_DB", long_path, 1);
}

static void teardown(void)
{
	unlink(db_path);
}

/* ---- in the fresh process --------------------------------------------- */

typedef enum nss_status by_name_fn(const char *, const char *,
				   struct servent *, char *, size_t, int *);

static by_name_fn *module_by_name; /* NULL: through glibc */
static pthread_barrier_t start;
static atomic_int failures;

/* One first lookup of www/tcp; whether it answered http, port 80. */
static bool first_lookup_answers(void)
{
	struct servent result, *found = NULL;
	char buffer[1024];
	int error = 0;

	if (module_by_name) {
		if (module_by_name("www", "tcp", &result, buffer, sizeof buffer,
				   &error) != NSS_STATUS_SUCCESS)
			return false;
		found = &result;
	} else if (getservbyname_r("www", "tcp", &result, buffer, sizeof buffer,
				   &found) != 0 || found == NULL) {
		return false;
	}
	return strcmp(found->s_name, "http") == 0 &&
	       found->s_port == htons(80);
}

static void *first_lookup_thread(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&start);
	if (!first_lookup_answers())
		atomic_fetch_add(&failures, 1);
	return NULL;
}

/* How a fresh process reaches the module. */
enum route { DIRECT, THROUGH_GLIBC };

static bool reach_module(enum route route)
{
	if (route == THROUGH_GLIBC)
		return __nss_configure_lookup("services", "iana") == 0;
	char path[PATH_MAX];
	const char *build = getenv("BUILD");
	snprintf(path, sizeof path, "%s/libnss_iana.so.2", build ? build : "build");
	void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (handle)
		module_by_name = (by_name_fn *)dlsym(handle, "_nss_iana_getservbyname_r");
	return module_by_name != NULL;
}

/* THREADS threads' first lookups at once.  Exit status: the number of
 * lookups that did not answer, 100 if the module could not be reached. */
static int together(enum route route)
{
	pthread_t threads[THREADS];

	if (!reach_module(route))
		return 100;
	pthread_barrier_init(&start, NULL, THREADS);
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&threads[i], NULL, first_lookup_thread, NULL))
			return 100;
	for (int i = 0; i < THREADS; i++)
		pthread_join(threads[i], NULL);
	return atomic_load(&failures);
}

static void spin_ns(long ns)
{
	struct timespec start_time, now;
	clock_gettime(CLOCK_MONOTONIC, &start_time);
	do
		clock_gettime(CLOCK_MONOTONIC, &now);
	while ((now.tv_sec - start_time.tv_sec) * 1000000000L +
		       (now.tv_nsec - start_time.tv_nsec) < ns);
}

/* One thread's first lookup while the main thread forks `delay_ns` after
 * releasing it; the child makes its own first lookup.  Exit status: the
 * lookups of parent thread and child that did not answer. */
static int fork_during_first_look(long delay_ns)
{
	pthread_t thread;

	if (!reach_module(DIRECT))
		return 100;
	pthread_barrier_init(&start, NULL, 2);
	if (pthread_create(&thread, NULL, first_lookup_thread, NULL))
		return 100;
	/* The child's verdict, in memory it shares: its exit status is not
	 * its own under a sanitizer that reports the thread it left behind. */
	atomic_int *child_failed = mmap(NULL, sizeof *child_failed,
					PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (child_failed == MAP_FAILED)
		return 100;
	atomic_store(child_failed, 1);
	pthread_barrier_wait(&start);
	spin_ns(delay_ns);
	pid_t child = fork();
	if (child == 0) {
		atomic_store(child_failed, first_lookup_answers() ? 0 : 1);
		_exit(0);
	}
	int status = 0;
	if (child < 0 || waitpid(child, &status, 0) != child)
		return 100;
	pthread_join(thread, NULL);
	return atomic_load(&failures) + atomic_load(child_failed);
}

/* ---- in the test process ---------------------------------------------- */

enum scenario { TOGETHER_DIRECT, TOGETHER_GLIBC, FORKING };

static int run_fresh_process(enum scenario scenario, int number)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		switch (scenario) {
		case TOGETHER_DIRECT:
			_exit(together(DIRECT));
		case TOGETHER_GLIBC:
			_exit(together(THROUGH_GLIBC));
		case FORKING:
			/* 0 to 299 us after the release, 1 us apart. */
			_exit(fork_during_first_look(number * 1000L));
		}
		_exit(100);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "process %d ended by signal %d", number,
		      WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	ck_assert_msg(WEXITSTATUS(status) != 100,
		      "process %d could not reach the module", number);
	return WEXITSTATUS(status);
}

static void run_scenario(enum scenario scenario, const char *what, int lookups)
{
	int failed = 0, failing_processes = 0;

	for (int i = 0; i < PROCESSES; i++) {
		int failed_here = run_fresh_process(scenario, i);
		failed += failed_here;
		failing_processes += failed_here > 0;
	}
	printf("first lookups %s: %d of %d failed, in %d of %d processes\n",
	       what, failed, PROCESSES * lookups, failing_processes, PROCESSES);
	ck_assert_msg(failed == 0, "%s: %d of %d first lookups failed", what,
		      failed, PROCESSES * lookups);
}

START_TEST(threads_answer_from_their_first_lookup_directly)
{
	run_scenario(TOGETHER_DIRECT, "directly", THREADS);
}
END_TEST

START_TEST(threads_answer_from_their_first_lookup_through_glibc)
{
	run_scenario(TOGETHER_GLIBC, "through glibc", THREADS);
}
END_TEST

START_TEST(a_child_forked_during_the_first_look_answers)
{
	run_scenario(FORKING, "with a fork", 2);
}
END_TEST

static Suite *first_lookup_suite(void)
{
	Suite *suite = suite_create("first lookups");
	TCase *cases = tcase_create("fresh processes");
	tcase_add_checked_fixture(cases, setup, teardown);
	tcase_set_timeout(cases, 120);
	tcase_add_test(cases, threads_answer_from_their_first_lookup_directly);
	tcase_add_test(cases, threads_answer_from_their_first_lookup_through_glibc);
	tcase_add_test(cases, a_child_forked_during_the_first_look_answers);
	suite_add_tcase(suite, cases);
	return suite;
}

CHECK_MAIN(first_lookup_suite)
