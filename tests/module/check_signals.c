/*
 * check_signals.c - lookups from a signal handler.
 *
 * POSIX does not make getservbyname async-signal-safe, but programs call
 * it from handlers, and the module must not crash or hang them.  One
 * thread looks up and walks without pause; another sends it SIGUSR1 at a
 * high rate, and the handler looks up by name and by port and takes a walk
 * step itself.  Meanwhile a third thread replaces the snapshot by rename,
 * so that lookups keep moving to new mappings and dropping old ones.
 *
 * A handler's call that interrupted a call of the module answers UNAVAIL
 * (man/libnss_iana.8); one that interrupted anything else answers.  Every
 * answer must be the right one; the interrupted calls must finish with the
 * right answer on memory that is still mapped (ASan and SIGSEGV watch);
 * and a handler must never wait on a lock its own thread holds (the test's
 * timeout watches).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

#include "testlib.h"
#include "check_main.h"

#define FIXTURE "tests/fixtures/semantics.csv"
#define RUN_SECONDS 2
#define SIGNAL_PAUSE_NS 20000 /* at most 50 kHz; the scheduler decides */

static char db_path[PATH_MAX], versions[2][PATH_MAX], staging[PATH_MAX];
static struct module mod;
static pthread_t looker;
static atomic_bool stop;
static atomic_ulong signals_sent, handler_answers, handler_unavailable,
	handler_wrong, looker_calls, looker_wrong, swaps;

static void setup(void)
{
	temp_path(db_path, sizeof db_path, "signals.db");
	temp_path(staging, sizeof staging, "signals.staging");
	for (int i = 0; i < 2; i++) {
		char name[32];
		snprintf(name, sizeof name, "signals.v%d", i);
		temp_path(versions[i], sizeof versions[i], name);
		compile_fixture(FIXTURE, versions[i]);
	}
	ck_assert_int_eq(link(versions[0], db_path), 0);
	setenv("NSS_IANA_DB", db_path, 1);
	mod = load_module();
}

static void teardown(void)
{
	unlink(db_path);
	unlink(staging);
	unlink(versions[0]);
	unlink(versions[1]);
}

static bool is_http(const struct call *call)
{
	return call->status == NSS_STATUS_SUCCESS &&
	       strcmp(call->result.s_name, "http") == 0 &&
	       call->result.s_port == htons(80) &&
	       strcmp(call->result.s_proto, "tcp") == 0;
}

/* A walk step answers an entry or the walk's end. */
static bool walk_step_sound(const struct call *call)
{
	return call->status == NSS_STATUS_NOTFOUND ||
	       (call->status == NSS_STATUS_SUCCESS && call->result.s_name[0] &&
		call->result.s_proto[0]);
}

/* Counts the handler's answer: right, UNAVAIL (it interrupted the module),
 * or wrong.  Only atomics: this runs in the handler. */
static void judge_in_handler(bool right, const struct call *call)
{
	if (right)
		atomic_fetch_add(&handler_answers, 1);
	else if (call->status == NSS_STATUS_UNAVAIL)
		atomic_fetch_add(&handler_unavailable, 1);
	else
		atomic_fetch_add(&handler_wrong, 1);
}

static void on_signal(int signo)
{
	char buffer[1024];
	int saved_errno = errno;
	(void)signo;

	struct call call = call_by_name(&mod, "www", "tcp", buffer, sizeof buffer);
	judge_in_handler(is_http(&call), &call);
	call = call_by_port(&mod, 80, "tcp", buffer, sizeof buffer);
	judge_in_handler(is_http(&call), &call);
	call = call_next_entry(&mod, buffer, sizeof buffer);
	judge_in_handler(walk_step_sound(&call), &call);
	errno = saved_errno;
}

static void *look_up(void *arg)
{
	char buffer[1024];
	(void)arg;

	while (!atomic_load(&stop)) {
		struct call by_name = call_by_name(&mod, "www", "tcp", buffer,
						   sizeof buffer);
		bool right = is_http(&by_name);
		struct call by_port = call_by_port(&mod, 80, "tcp", buffer,
						   sizeof buffer);
		right = right && is_http(&by_port);
		struct call step = call_next_entry(&mod, buffer, sizeof buffer);
		right = right && walk_step_sound(&step);
		if (step.status == NSS_STATUS_NOTFOUND)
			mod.setservent(0);
		atomic_fetch_add(&looker_calls, 3);
		if (!right)
			atomic_fetch_add(&looker_wrong, 1);
	}
	return NULL;
}

static void *send_signals(void *arg)
{
	struct timespec pause = { 0, SIGNAL_PAUSE_NS };
	(void)arg;

	while (!atomic_load(&stop)) {
		pthread_kill(looker, SIGUSR1);
		atomic_fetch_add(&signals_sent, 1);
		nanosleep(&pause, NULL);
	}
	return NULL;
}

/* Flips the path between two files (two inodes) by rename. */
static void *swap_files(void *arg)
{
	struct timespec pause = { 0, 2 * 1000 * 1000 };
	(void)arg;

	for (int i = 1; !atomic_load(&stop); i ^= 1) {
		unlink(staging);
		if (link(versions[i], staging) == 0 && rename(staging, db_path) == 0)
			atomic_fetch_add(&swaps, 1);
		nanosleep(&pause, NULL);
	}
	return NULL;
}

START_TEST(lookups_from_a_signal_handler_during_renames)
{
	struct sigaction action = { .sa_handler = on_signal };
	pthread_t signaller, swapper;

	sigemptyset(&action.sa_mask);
	ck_assert_int_eq(sigaction(SIGUSR1, &action, NULL), 0);
	ck_assert_int_eq(pthread_create(&looker, NULL, look_up, NULL), 0);
	ck_assert_int_eq(pthread_create(&signaller, NULL, send_signals, NULL), 0);
	ck_assert_int_eq(pthread_create(&swapper, NULL, swap_files, NULL), 0);
	sleep(RUN_SECONDS);
	atomic_store(&stop, true);
	pthread_join(signaller, NULL);
	pthread_join(swapper, NULL);
	pthread_join(looker, NULL);

	printf("signals: %lu sent in %d s, handler calls: %lu answered, %lu "
	       "UNAVAIL (inside a call), %lu wrong; the interrupted thread's "
	       "calls: %lu, %lu wrong; %lu renames\n",
	       atomic_load(&signals_sent), RUN_SECONDS,
	       atomic_load(&handler_answers), atomic_load(&handler_unavailable),
	       atomic_load(&handler_wrong), atomic_load(&looker_calls),
	       atomic_load(&looker_wrong), atomic_load(&swaps));
	ck_assert_uint_eq(atomic_load(&handler_wrong), 0);
	ck_assert_uint_eq(atomic_load(&looker_wrong), 0);
	/* The test tested something: handlers ran, both inside and outside
	 * calls, and the file changed under them. */
	ck_assert_uint_gt(atomic_load(&handler_answers), 100);
	ck_assert_uint_gt(atomic_load(&handler_unavailable), 0);
	ck_assert_uint_gt(atomic_load(&swaps), 10);
}
END_TEST

static Suite *signals_suite(void)
{
	Suite *suite = suite_create("signal handlers");
	TCase *cases = tcase_create("lookups in a handler");
	tcase_add_checked_fixture(cases, setup, teardown);
	tcase_set_timeout(cases, 30);
	tcase_add_test(cases, lookups_from_a_signal_handler_during_renames);
	suite_add_tcase(suite, cases);
	return suite;
}

CHECK_MAIN(signals_suite)
