/*
 * check_nss.c - the five entry points of the built libnss_iana.so.2,
 * called directly (dlopen), as glibc calls them.
 *
 * Each test runs in its own process (Check's fork mode) and loads the
 * module there, so each starts with the module's state fresh.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "semantics_walk.h"
#include "testlib.h"
#include "check_main.h"

#define FIXTURE "tests/fixtures/semantics.csv"
#define POISON 0xa5
#define SLACK 64

static char db_path[PATH_MAX];
static struct module mod;

#include "count_allocations.h"

static void setup(void)
{
	temp_path(db_path, sizeof db_path, "nss.db");
	compile_fixture(FIXTURE, db_path);
	setenv("NSS_IANA_DB", db_path, 1);
	mod = load_module();
}

static void teardown(void)
{
	unlink(db_path);
}

static void assert_servent(const struct call *call, const char *name,
			   unsigned port, const char *proto,
			   const char *const *aliases)
{
	ck_assert_int_eq(call->status, NSS_STATUS_SUCCESS);
	ck_assert_str_eq(call->result.s_name, name);
	ck_assert_int_eq(call->result.s_port, htons(port));
	ck_assert_str_eq(call->result.s_proto, proto);
	size_t i = 0;
	for (; aliases[i]; i++) {
		ck_assert_ptr_nonnull(call->result.s_aliases[i]);
		ck_assert_str_eq(call->result.s_aliases[i], aliases[i]);
	}
	ck_assert_ptr_null(call->result.s_aliases[i]);
}

static const char *const no_aliases[] = { NULL };
static const char *const http_aliases[] = { "www", "www-http", NULL };

START_TEST(by_name_answers_with_aliases_and_network_order_port)
{
	char buffer[1024];
	struct call call = call_by_name(&mod, "www-http", "tcp", buffer, sizeof buffer);
	assert_servent(&call, "http", 80, "tcp", http_aliases);
	call = call_by_name(&mod, "HTTPS-NOT-HERE", NULL, buffer, sizeof buffer);
	ck_assert_int_eq(call.status, NSS_STATUS_NOTFOUND);
	call = call_by_name(&mod, "raid-am", NULL, buffer, sizeof buffer);
	assert_servent(&call, "raid-am", 2007, "udp", no_aliases);
	call = call_by_name(&mod, "HTTP-ALT", NULL, buffer, sizeof buffer);
	assert_servent(&call, "http-alt", 591, "tcp", no_aliases);
}
END_TEST

START_TEST(by_port_answers_every_port_of_a_range)
{
	char buffer[1024];
	struct call call = call_by_port(&mod, 6010, "tcp", buffer, sizeof buffer);
	assert_servent(&call, "x11", 6010, "tcp", no_aliases);
	call = call_by_port(&mod, 6063, NULL, buffer, sizeof buffer);
	assert_servent(&call, "x11", 6063, "tcp", no_aliases);
	call = call_by_port(&mod, 80, "udp", buffer, sizeof buffer);
	const char *const udp_aliases[] = { "www", NULL };
	assert_servent(&call, "http", 80, "udp", udp_aliases);
	call = call_by_port(&mod, 6064, NULL, buffer, sizeof buffer);
	ck_assert_int_eq(call.status, NSS_STATUS_NOTFOUND);
	call = call_by_port(&mod, 65535, "tcp", buffer, sizeof buffer);
	assert_servent(&call, "max-port", 65535, "tcp", no_aliases);
}
END_TEST

/* Calls `lookup` with every buffer size from 0 up to the first success, on
 * a buffer whose bytes past buflen are poisoned; at an odd address too, to
 * exercise the alignment of the alias array. */
static void sweep(struct call (*lookup)(char *, size_t), const char *name)
{
	for (size_t misalign = 0; misalign < 2; misalign++) {
		bool succeeded = false;
		for (size_t buflen = 0; buflen < 4096 && !succeeded; buflen++) {
			unsigned char *block = malloc(buflen + SLACK + misalign);
			char *buffer = (char *)block + misalign;
			memset(block, POISON, buflen + SLACK + misalign);
			struct call call = lookup(buffer, buflen);
			if (call.status == NSS_STATUS_SUCCESS) {
				succeeded = true;
				ck_assert_str_eq(call.result.s_name, name);
			} else {
				ck_assert_int_eq(call.status, NSS_STATUS_TRYAGAIN);
				ck_assert_int_eq(call.error, ERANGE);
			}
			for (size_t i = buflen; i < buflen + SLACK; i++)
				ck_assert_msg((unsigned char)buffer[i] == POISON,
					      "byte %zu written with buflen %zu", i, buflen);
			free(block);
		}
		ck_assert_msg(succeeded, "no buffer size was enough");
	}
}

static struct call www_tcp(char *buffer, size_t buflen)
{
	return call_by_name(&mod, "www", "tcp", buffer, buflen);
}

static struct call port_6001(char *buffer, size_t buflen)
{
	return call_by_port(&mod, 6001, "udp", buffer, buflen);
}

static struct call first_entry(char *buffer, size_t buflen)
{
	return call_next_entry(&mod, buffer, buflen);
}

START_TEST(every_short_buffer_gives_erange_and_nothing_past_it_is_written)
{
	sweep(www_tcp, "http");
	sweep(port_6001, "x11");
	mod.setservent(0);
	sweep(first_entry, "echo");
}
END_TEST

START_TEST(enumeration_returns_every_port_once_in_registry_order)
{
	char buffer[1024];
	ck_assert_int_eq(mod.setservent(0), NSS_STATUS_SUCCESS);
	for (size_t e = 0; e < SEMANTICS_WALK_ENTRIES; e++) {
		unsigned previous = 0;
		for (unsigned p = 0; p < semantics_walk[e].ports; p++) {
			struct call call = call_next_entry(&mod, buffer, sizeof buffer);
			ck_assert_int_eq(call.status, NSS_STATUS_SUCCESS);
			ck_assert_str_eq(call.result.s_name, semantics_walk[e].name);
			if (p > 0)
				ck_assert_uint_eq(ntohs(call.result.s_port), previous + 1);
			previous = ntohs(call.result.s_port);
		}
	}
	ck_assert_int_eq(call_next_entry(&mod, buffer, sizeof buffer).status,
			 NSS_STATUS_NOTFOUND);
	/* setservent starts over. */
	mod.setservent(1);
	ck_assert_str_eq(call_next_entry(&mod, buffer, sizeof buffer).result.s_name, "echo");
	ck_assert_int_eq(mod.endservent(), NSS_STATUS_SUCCESS);
	ck_assert_str_eq(call_next_entry(&mod, buffer, sizeof buffer).result.s_name, "echo");
}
END_TEST

START_TEST(erange_does_not_move_the_cursor)
{
	char buffer[1024];
	mod.setservent(0);
	for (int i = 0; i < 3; i++)
		call_next_entry(&mod, buffer, sizeof buffer);
	/* The fourth is http/udp with alias www. */
	struct call call = call_next_entry(&mod, buffer, 8);
	ck_assert_int_eq(call.status, NSS_STATUS_TRYAGAIN);
	ck_assert_int_eq(call.error, ERANGE);
	call = call_next_entry(&mod, buffer, sizeof buffer);
	const char *const udp_aliases[] = { "www", NULL };
	assert_servent(&call, "http", 80, "udp", udp_aliases);
}
END_TEST

static void expect_unavailable(void)
{
	char buffer[1024];
	struct call call = call_by_name(&mod, "http", "tcp", buffer, sizeof buffer);
	ck_assert_int_eq(call.status, NSS_STATUS_UNAVAIL);
	ck_assert_int_eq(call.error, ENOENT);
	call = call_by_port(&mod, 80, NULL, buffer, sizeof buffer);
	ck_assert_int_eq(call.status, NSS_STATUS_UNAVAIL);
	ck_assert_int_eq(mod.setservent(0), NSS_STATUS_UNAVAIL);
	call = call_next_entry(&mod, buffer, sizeof buffer);
	ck_assert_int_eq(call.status, NSS_STATUS_UNAVAIL);
}

START_TEST(missing_snapshot_is_unavailable)
{
	unlink(db_path);
	expect_unavailable();
}
END_TEST

START_TEST(truncated_snapshot_is_unavailable)
{
	ck_assert_int_eq(truncate(db_path, 1000), 0);
	expect_unavailable();
}
END_TEST

START_TEST(garbage_snapshot_is_unavailable)
{
	FILE *file = fopen(db_path, "w");
	fputs("http 80/tcp www\n", file);
	fclose(file);
	expect_unavailable();
}
END_TEST

START_TEST(directory_as_snapshot_is_unavailable)
{
	setenv("NSS_IANA_DB", "/", 1);
	expect_unavailable();
}
END_TEST

static void write_text(const char *path, const char *text)
{
	FILE *file = fopen(path, "w");
	ck_assert_ptr_nonnull(file);
	fputs(text, file);
	ck_assert_int_eq(fclose(file), 0);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

START_TEST(snapshot_replaced_by_rename_is_used_within_a_second)
{
	char buffer[1024], csv[PATH_MAX], next_db[PATH_MAX];
	struct timespec start;

	ck_assert_int_eq(call_by_name(&mod, "echo", "tcp", buffer, sizeof buffer).status,
			 NSS_STATUS_SUCCESS);
	temp_path(csv, sizeof csv, "renamed.csv");
	temp_path(next_db, sizeof next_db, "renamed.db");
	write_text(csv, "Service Name,Port Number,Transport Protocol\n"
			"renamed,4242,tcp\n");
	compile_fixture(csv, next_db);
	ck_assert_int_eq(rename(next_db, db_path), 0);
	clock_gettime(CLOCK_MONOTONIC, &start);
	struct call call;
	do
		call = call_by_name(&mod, "renamed", "tcp", buffer, sizeof buffer);
	while (call.status != NSS_STATUS_SUCCESS && seconds_since(&start) < 3);
	ck_assert_int_eq(call.status, NSS_STATUS_SUCCESS);
	ck_assert_msg(seconds_since(&start) <= 1.0, "took %.2fs", seconds_since(&start));
	ck_assert_int_eq(call_by_name(&mod, "echo", "tcp", buffer, sizeof buffer).status,
			 NSS_STATUS_NOTFOUND);
	unlink(csv);
}
END_TEST

/* A lookup's status once the re-check interval has certainly passed. */
static enum nss_status status_after_a_recheck(const char *name)
{
	char buffer[1024];
	struct timespec pause = { 0, 60 * 1000 * 1000 };
	nanosleep(&pause, NULL);
	return call_by_name(&mod, name, "tcp", buffer, sizeof buffer).status;
}

/* Points the symlink at `link` to `target`, atomically (rename). */
static void point_link(const char *link, const char *target)
{
	char next[PATH_MAX + 8];
	snprintf(next, sizeof next, "%s.new", link);
	ck_assert_int_eq(symlink(target, next), 0);
	ck_assert_int_eq(rename(next, link), 0);
}

/* The module remembers a refused file so as not to read it every 20 ms.
 * When that very file is back at the path (here: a symlink pointed at it
 * again, which leaves the file's identity as it was), what is at the path
 * is still unusable and the file mapped meanwhile is no longer there:
 * UNAVAIL, not the old answers. */
START_TEST(a_refused_file_back_at_the_path_leaves_nothing_current)
{
	char link[PATH_MAX], refused[PATH_MAX];

	temp_path(link, sizeof link, "link.db");
	temp_path(refused, sizeof refused, "refused.db");
	write_text(refused, "http 80/tcp www\n");
	point_link(link, refused);
	setenv("NSS_IANA_DB", link, 1);
	ck_assert_int_eq(status_after_a_recheck("http"), NSS_STATUS_UNAVAIL);
	point_link(link, db_path);
	ck_assert_int_eq(status_after_a_recheck("http"), NSS_STATUS_SUCCESS);
	point_link(link, refused);
	ck_assert_int_eq(status_after_a_recheck("http"), NSS_STATUS_UNAVAIL);
	ck_assert_int_eq(status_after_a_recheck("http"), NSS_STATUS_UNAVAIL);
	unlink(link);
	unlink(refused);
}
END_TEST

START_TEST(errno_is_left_alone)
{
	char buffer[1024];
	errno = 1234;
	call_by_name(&mod, "http", "tcp", buffer, sizeof buffer);
	ck_assert_int_eq(errno, 1234);
	call_by_name(&mod, "nope", "tcp", buffer, sizeof buffer);
	ck_assert_int_eq(errno, 1234);
	call_by_port(&mod, 80, NULL, buffer, 4);
	ck_assert_int_eq(errno, 1234);
	unlink(db_path);
	setenv("NSS_IANA_DB", "/nonexistent/x.db", 1);
	struct timespec pause = { 0, 600 * 1000 * 1000 };
	nanosleep(&pause, NULL); /* past the re-check interval */
	errno = 1234;
	ck_assert_int_eq(call_by_name(&mod, "http", "tcp", buffer, sizeof buffer).status,
			 NSS_STATUS_UNAVAIL);
	ck_assert_int_eq(errno, 1234);
}
END_TEST

START_TEST(no_fd_is_left_open)
{
	char buffer[1024];
	int before = open_fds();
	for (int i = 0; i < 10000; i++) {
		call_by_name(&mod, i % 2 ? "http" : "nope", NULL, buffer, sizeof buffer);
		call_by_port(&mod, i % 7000, NULL, buffer, sizeof buffer);
	}
	mod.setservent(0);
	while (call_next_entry(&mod, buffer, sizeof buffer).status == NSS_STATUS_SUCCESS)
		;
	mod.endservent();
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

#ifndef NSS_IANA_SANITIZED
START_TEST(lookups_do_not_allocate)
{
	char buffer[1024];
	/* The first call maps the snapshot; every later one must only look. */
	call_by_name(&mod, "http", "tcp", buffer, sizeof buffer);
	counting = true;
	for (int i = 0; i < 1000; i++) {
		call_by_name(&mod, i % 2 ? "www" : "nope", i % 3 ? "tcp" : NULL, buffer, sizeof buffer);
		call_by_name(&mod, "HTTP-ALT", NULL, buffer, sizeof buffer);
		call_by_port(&mod, 6000 + i % 80, i % 2 ? "udp" : NULL, buffer, sizeof buffer);
		call_by_port(&mod, 80, "tcp", buffer, 8); /* ERANGE */
	}
	counting = false;
	ck_assert_uint_eq(allocations, 0);
	/* The counter does count: glibc's own calls go through it. */
	counting = true;
	free(strdup("x"));
	counting = false;
	ck_assert_uint_eq(allocations, 1);
}
END_TEST
#endif

/* ---- errno across the module's system calls ------------------------------
 *
 * Only the slow paths make system calls, and on what may be at the path
 * they fail: none of those failures may reach the caller's errno, on a
 * first look, on a re-check, or for a walk left open across a change. */

#define ERRNO_MARK 1234
#define KEEPS_ERRNO(call) (errno = ERRNO_MARK, (void)(call), errno == ERRNO_MARK)

/* What went wrong first, or NULL: an entry point that changed errno, or
 * a first lookup without the `expected` status, which shows that the
 * stage looked at what is now at the path. */
static const char *entry_point_changing_errno(const struct proto_module *m,
					      enum nss_status expected)
{
	char b[1024];
	struct servent s;
	struct protoent p;
	int e;
	enum nss_status status = NSS_STATUS_TRYAGAIN;

	if (!KEEPS_ERRNO(status = m->services.getservbyname_r("http", "tcp", &s, b,
							       sizeof b, &e)))
		return "getservbyname_r changed errno";
	if (status != expected)
		return "getservbyname_r answered another status than this stage must give";
	if (!KEEPS_ERRNO(m->services.getservbyport_r(htons(80), NULL, &s, b, sizeof b, &e)))
		return "getservbyport_r changed errno";
	if (!KEEPS_ERRNO(m->byname("tcp", &p, b, sizeof b, &e)))
		return "getprotobyname_r changed errno";
	if (!KEEPS_ERRNO(m->bynumber(6, &p, b, sizeof b, &e)))
		return "getprotobynumber_r changed errno";
	if (!KEEPS_ERRNO(m->services.getservent_r(&s, b, sizeof b, &e)))
		return "getservent_r (a walk opened at the last stage) changed errno";
	if (!KEEPS_ERRNO(m->services.endservent()))
		return "endservent changed errno";
	if (!KEEPS_ERRNO(m->services.setservent(0)))
		return "setservent changed errno";
	if (!KEEPS_ERRNO(m->setent(0)))
		return "setprotoent changed errno";
	if (!KEEPS_ERRNO(m->getent(&p, b, sizeof b, &e)))
		return "getprotoent_r changed errno";
	if (!KEEPS_ERRNO(m->endent()))
		return "endprotoent changed errno";
	if (!KEEPS_ERRNO(m->services.setservent(0)))
		return "setservent (a walk left open) changed errno";
	return NULL;
}

/* Points NSS_IANA_DB at `path` and lets the re-check interval pass. */
static void move_the_path(const char *path)
{
	struct timespec pause = { 0, 60 * 1000 * 1000 };
	setenv("NSS_IANA_DB", path, 1);
	nanosleep(&pause, NULL);
}

/* In a fresh child: `bad` at the first look, then the good snapshot, then
 * `bad` again at a re-check.  The child's exit status: 0, or 1 with the
 * reason on stderr. */
static void expect_errno_kept_for(const char *what, const char *bad)
{
	pid_t pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		alarm(30);
		struct proto_module m = load_proto_module();
		const char *stage[] = { "first look", "good snapshot", "re-check" };
		const char *path[] = { bad, db_path, bad };
		const enum nss_status answer[] = { NSS_STATUS_UNAVAIL, NSS_STATUS_SUCCESS,
						   NSS_STATUS_UNAVAIL };
		for (int i = 0; i < 3; i++) {
			move_the_path(path[i]);
			const char *culprit = entry_point_changing_errno(&m, answer[i]);
			if (culprit) {
				fprintf(stderr, "%s, %s: %s; errno %d\n",
					what, stage[i], culprit, errno);
				_exit(1);
			}
		}
		_exit(0);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "%s: the child failed (status %#x; its reason is on stderr)",
		      what, status);
}

START_TEST(no_failure_at_the_path_reaches_errno)
{
	char dir[PATH_MAX], fifo[PATH_MAX], empty[PATH_MAX], text[PATH_MAX];
	char loop[PATH_MAX], under_a_file[PATH_MAX + 8];
	static char too_long[PATH_MAX + 64];

	temp_path(dir, sizeof dir, "dir");
	temp_path(fifo, sizeof fifo, "fifo");
	temp_path(empty, sizeof empty, "empty");
	temp_path(text, sizeof text, "text");
	temp_path(loop, sizeof loop, "loop");
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	write_text(empty, "");
	write_text(text, "http 80/tcp www\n");
	ck_assert_int_eq(symlink(loop, loop), 0);
	snprintf(under_a_file, sizeof under_a_file, "%s/x", db_path);
	memset(too_long, 'x', sizeof too_long - 1);
	too_long[0] = '/';

	expect_errno_kept_for("nothing there", "/nonexistent/services.db");
	expect_errno_kept_for("a path under a file", under_a_file);
	expect_errno_kept_for("a directory", dir);
	expect_errno_kept_for("a FIFO", fifo);
	expect_errno_kept_for("an empty file", empty);
	expect_errno_kept_for("a text file", text);
	expect_errno_kept_for("a symlink loop", loop);
	expect_errno_kept_for("a path too long", too_long);
	unlink(fifo);
	unlink(empty);
	unlink(text);
	unlink(loop);
	rmdir(dir);
}
END_TEST

static Suite *nss_suite(void)
{
	Suite *suite = suite_create("nss entry points");
	TCase *lookups = tcase_create("lookups");
	tcase_add_checked_fixture(lookups, setup, teardown);
	tcase_add_test(lookups, by_name_answers_with_aliases_and_network_order_port);
	tcase_add_test(lookups, by_port_answers_every_port_of_a_range);
	tcase_add_test(lookups, every_short_buffer_gives_erange_and_nothing_past_it_is_written);
	tcase_add_test(lookups, enumeration_returns_every_port_once_in_registry_order);
	tcase_add_test(lookups, erange_does_not_move_the_cursor);
	tcase_add_test(lookups, errno_is_left_alone);
	tcase_add_test(lookups, no_fd_is_left_open);
#ifndef NSS_IANA_SANITIZED
	tcase_add_test(lookups, lookups_do_not_allocate);
#endif
	suite_add_tcase(suite, lookups);

	TCase *files = tcase_create("snapshot files");
	tcase_add_checked_fixture(files, setup, teardown);
	tcase_add_test(files, missing_snapshot_is_unavailable);
	tcase_add_test(files, truncated_snapshot_is_unavailable);
	tcase_add_test(files, garbage_snapshot_is_unavailable);
	tcase_add_test(files, directory_as_snapshot_is_unavailable);
	tcase_add_test(files, snapshot_replaced_by_rename_is_used_within_a_second);
	tcase_add_test(files, a_refused_file_back_at_the_path_leaves_nothing_current);
	tcase_add_test(files, no_failure_at_the_path_reaches_errno);
	suite_add_tcase(suite, files);
	return suite;
}

CHECK_MAIN(nss_suite)
