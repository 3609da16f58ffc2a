/*
 * check_hostile.c - the module on well-formed but hostile snapshots, made
 * by tests/lib/hostile_snapshot.c (a writer independent of the compiler's).
 *
 * Each file is asked about three ways: the module's entry points called
 * directly (dlopen), glibc with services forced to `iana`
 * (__nss_configure_lookup), and `getent -s services:iana`.  Every lookup
 * by name and by port, and a whole setservent/getservent/endservent walk,
 * must give the answer the format's limits prescribe: UNAVAIL past a
 * limit (never ERANGE, on which glibc's non-reentrant callers double their
 * buffer without end), NOTFOUND or the right entry within them, and a walk
 * of at most NSSIANA_MAX_SERVENTS entries.
 *
 * Each way runs in a child process under RLIMIT_AS (1 GiB) and a 60 s
 * alarm, so that an unbounded allocation or a hang fails the case instead
 * of passing it or blocking the suite; the child also fails if its peak
 * resident memory (VmHWM) passes 64 MiB.  The files past the file size
 * limit run without RLIMIT_AS (which would refuse a 3 GB mapping by
 * itself) and must leave the process small and the snapshot unmapped.
 *
 * Under the sanitizers (NSS_IANA_SANITIZED), whose shadow memory needs
 * terabytes of address space, there is no RLIMIT_AS and the peak may reach
 * 256 MiB; the getent leg is left to the plain build, because an
 * instrumented module cannot load into the uninstrumented getent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <nss.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "check_main.h"
#include "testlib.h"

#define ALARM_SECONDS 60
#define ADDRESS_LIMIT (1ul << 30)
#ifdef NSS_IANA_SANITIZED
#define LIMIT_ADDRESS_SPACE false
#define PEAK_RSS_LIMIT_KIB (256ul << 10)
#define GETENT_LEG false
#else
#define LIMIT_ADDRESS_SPACE true
#define PEAK_RSS_LIMIT_KIB (64ul << 10)
#define GETENT_LEG true
#endif
/* Room for any answer within the limits, wherever the buffer starts. */
#define ROOMY (2 * NSSIANA_MAX_ANSWER_BYTES)

static char db_path[PATH_MAX];

/* What a child found wrong, in memory shared with the parent. */
struct report {
	char why[1024];
};
static struct report *report;

static void child_fail(const char *format, ...)
	__attribute__((format(printf, 1, 2), noreturn));
static void child_fail(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(report->why, sizeof report->why, format, args);
	va_end(args);
	_exit(1);
}

/* ---- generating a case and running a child on it ------------------------ */

static void generate(const char *name)
{
	char command[PATH_MAX * 2];
	const char *build = getenv("BUILD");
	temp_path(db_path, sizeof db_path, "hostile.db");
	snprintf(command, sizeof command, "%s/tests/hostile_snapshot %s %s",
		 build ? build : "build", name, db_path);
	ck_assert_msg(system(command) == 0, "%s failed", command);
	setenv("NSS_IANA_DB", db_path, 1);
}

static void setup(void)
{
	report = mmap(NULL, sizeof *report, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert(report != MAP_FAILED);
}

static void teardown(void)
{
	unlink(db_path);
	munmap(report, sizeof *report);
}

static void bound_child(bool limit_address_space)
{
	struct rlimit as = { ADDRESS_LIMIT, ADDRESS_LIMIT };
	if (LIMIT_ADDRESS_SPACE && limit_address_space &&
	    setrlimit(RLIMIT_AS, &as) != 0)
		child_fail("setrlimit: %s", strerror(errno));
	alarm(ALARM_SECONDS);
}

/* Fails the test unless the child exited 0; says why it did not. */
static void expect_child_ok(pid_t pid, const char *what)
{
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		ck_abort_msg("%s: still running after %d s (a hang, or unbounded work)",
			     what, ALARM_SECONDS);
	ck_assert_msg(!WIFSIGNALED(status), "%s: killed by signal %d", what,
		      WTERMSIG(status));
	ck_assert_msg(WEXITSTATUS(status) == 0, "%s: %s", what,
		      report->why[0] ? report->why : "failed");
}

/* The peak resident size of this process, from /proc/self/status. */
static unsigned long peak_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long kib = 0;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %lu kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

static void check_peak_rss(const char *what)
{
	unsigned long kib = peak_rss_kib();
	if (kib > PEAK_RSS_LIMIT_KIB)
		child_fail("%s: peak resident memory %lu KiB, past %lu KiB",
			   what, kib, PEAK_RSS_LIMIT_KIB);
}

/* KiB of the snapshot resident in this process, summed over its
 * mappings in /proc/self/smaps (0 if it is not mapped). */
static unsigned long snapshot_rss_kib(void)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[PATH_MAX + 128];
	unsigned long total = 0, kib, start, end;
	bool ours = false;
	while (f && fgets(line, sizeof line, f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) /* a mapping */
			ours = strstr(line, db_path) != NULL;
		else if (ours && sscanf(line, "Rss: %lu kB", &kib) == 1)
			total += kib;
	}
	if (f)
		fclose(f);
	return total;
}

/* ---- what a case expects ------------------------------------------------ */

/* A question and its answer: status UNAVAIL, NOTFOUND, or SUCCESS with
 * the canonical name and port. */
struct expect {
	const char *name;  /* by name, or NULL for by port */
	int port;          /* by port (host order) when name is NULL */
	const char *proto;
	enum nss_status status;
	const char *answer_name;
	int answer_port;
	bool or_unavail;   /* UNAVAIL is also right (an undefined layout) */
};

#define BY_NAME(n, p, s, an, ap) { n, 0, p, s, an, ap, false }
#define BY_PORT(n, p, s, an, ap) { NULL, n, p, s, an, ap, false }
#define UNAVAIL NSS_STATUS_UNAVAIL
#define NOTFOUND NSS_STATUS_NOTFOUND
#define SUCCESS NSS_STATUS_SUCCESS

static const char *status_name(enum nss_status status)
{
	switch (status) {
	case NSS_STATUS_SUCCESS: return "SUCCESS";
	case NSS_STATUS_NOTFOUND: return "NOTFOUND";
	case NSS_STATUS_UNAVAIL: return "UNAVAIL";
	case NSS_STATUS_TRYAGAIN: return "TRYAGAIN";
	default: return "?";
	}
}

static void describe(const struct expect *e, char *out, size_t size)
{
	if (e->name)
		snprintf(out, size, "name %s/%s", e->name, e->proto ? e->proto : "*");
	else
		snprintf(out, size, "port %d/%s", e->port, e->proto ? e->proto : "*");
}

/* ---- the module's entry points, called directly ------------------------- */

static enum nss_status ask_module(const struct module *m, const struct expect *e,
				  struct servent *s, char *buffer, size_t size,
				  int *error)
{
	if (e->name)
		return m->getservbyname_r(e->name, e->proto, s, buffer, size, error);
	return m->getservbyport_r(htons((uint16_t)e->port), e->proto, s, buffer,
				  size, error);
}

static void check_answer(const struct expect *e, enum nss_status got,
			 const struct servent *s, const char *how)
{
	char what[128];
	describe(e, what, sizeof what);
	if (got == UNAVAIL && e->or_unavail)
		return;
	if (got != e->status)
		child_fail("%s %s: %s, expected %s", how, what, status_name(got),
			   status_name(e->status));
	if (got == SUCCESS && (strcmp(s->s_name, e->answer_name) != 0 ||
			       ntohs((uint16_t)s->s_port) != e->answer_port))
		child_fail("%s %s: answered %s %d, expected %s %d", how, what,
			   s->s_name, ntohs((uint16_t)s->s_port), e->answer_name,
			   e->answer_port);
}

/* Asks each question with a roomy buffer, then with a small one: past a
 * limit the answer must stay UNAVAIL whatever the buffer (not ERANGE). */
static void ask_directly(const struct module *m, const struct expect *e,
			 size_t count)
{
	static char buffer[ROOMY + 1];
	for (size_t i = 0; i < count; i++) {
		struct servent s;
		int error = 0;
		/* buffer + 1: the worst alignment for the alias pointers */
		enum nss_status got = ask_module(m, &e[i], &s, buffer + 1,
						 ROOMY, &error);
		check_answer(&e[i], got, &s, "direct");
		if (e[i].status != UNAVAIL)
			continue;
		got = ask_module(m, &e[i], &s, buffer, 64, &error);
		if (got != UNAVAIL) {
			char what[128];
			describe(&e[i], what, sizeof what);
			child_fail("direct %s with a 64-byte buffer: %s (errno %d), "
				   "expected UNAVAIL", what, status_name(got), error);
		}
	}
}

/* The walk ends, within NSSIANA_MAX_SERVENTS entries, none past a limit,
 * and never asks for a larger buffer than any answer may need. */
static unsigned long walk_directly(const struct module *m)
{
	static char buffer[ROOMY + 1];
	unsigned long count = 0;
	struct servent s;
	int error = 0;
	enum nss_status got;

	if (m->setservent(0) != SUCCESS)
		return 0;
	while ((got = m->getservent_r(&s, buffer + 1, ROOMY, &error)) == SUCCESS) {
		size_t aliases = 0;
		while (s.s_aliases[aliases])
			aliases++;
		if (aliases > NSSIANA_MAX_ALIASES)
			child_fail("walk: %s has %zu aliases", s.s_name, aliases);
		if (++count > NSSIANA_MAX_SERVENTS)
			child_fail("walk: more than %u entries", NSSIANA_MAX_SERVENTS);
	}
	if (got == NSS_STATUS_TRYAGAIN)
		child_fail("walk: TRYAGAIN (errno %d) with a buffer of %d bytes",
			   error, ROOMY);
	m->endservent();
	return count;
}

/* ---- glibc, with services forced to the module -------------------------- */

/* glibc's non-reentrant calls, which grow their buffer on ERANGE: an
 * entry, or NULL where the module does not answer one. */
static void ask_glibc(const struct expect *e, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		struct servent *s = e[i].name
			? getservbyname(e[i].name, e[i].proto)
			: getservbyport(htons((uint16_t)e[i].port), e[i].proto);
		char what[128];
		describe(&e[i], what, sizeof what);
		if (e[i].status != SUCCESS && s)
			child_fail("glibc %s: answered %s, expected no entry (%s)",
				   what, s->s_name, status_name(e[i].status));
		if (e[i].status == SUCCESS && !s && !e[i].or_unavail)
			child_fail("glibc %s: no entry, expected %s", what,
				   e[i].answer_name);
		if (s)
			check_answer(&e[i], SUCCESS, s, "glibc");
	}
}

static unsigned long walk_glibc(void)
{
	unsigned long count = 0;
	setservent(0);
	while (getservent() != NULL)
		if (++count > NSSIANA_MAX_SERVENTS)
			child_fail("glibc walk: more than %u entries",
				   NSSIANA_MAX_SERVENTS);
	endservent();
	return count;
}

/* ---- one case, three ways ----------------------------------------------- */

struct hostile {
	const char *file;
	const struct expect *questions;
	size_t count;
	bool past_size_limit; /* not mapped: nothing of it resident */
	unsigned long min_walk; /* at least this many entries in a walk */
};

static void run_direct(const struct hostile *h)
{
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		bound_child(!h->past_size_limit);
		struct module m = load_module();
		ask_directly(&m, h->questions, h->count);
		if (h->past_size_limit && snapshot_rss_kib() > 0)
			child_fail("%lu KiB of a file past the size limit resident",
				   snapshot_rss_kib());
		unsigned long walked = walk_directly(&m);
		if (walked < h->min_walk)
			child_fail("walk: %lu entries, expected at least %lu",
				   walked, h->min_walk);
		check_peak_rss("direct");
		_exit(0);
	}
	expect_child_ok(pid, "direct calls");
}

static void run_glibc(const struct hostile *h)
{
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		bound_child(!h->past_size_limit);
		if (__nss_configure_lookup("services", "iana") != 0)
			child_fail("__nss_configure_lookup failed");
		ask_glibc(h->questions, h->count);
		unsigned long walked = walk_glibc();
		if (walked < h->min_walk)
			child_fail("glibc walk: %lu entries, expected at least %lu",
				   walked, h->min_walk);
		check_peak_rss("glibc");
		_exit(0);
	}
	expect_child_ok(pid, "glibc");
}

/* Runs getent -s services:iana ARGS under the same bounds; returns the
 * number of lines it printed and its exit status in *status. */
static unsigned long run_getent(const struct hostile *h, const char *key,
				int *exit_status)
{
	int out[2];
	ck_assert_int_eq(pipe(out), 0);
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		bound_child(!h->past_size_limit);
		dup2(out[1], STDOUT_FILENO);
		close(out[0]);
		close(out[1]);
		execlp("getent", "getent", "-s", "services:iana", "services", key,
		       (char *)NULL);
		child_fail("exec getent: %s", strerror(errno));
	}
	close(out[1]);
	FILE *f = fdopen(out[0], "r");
	unsigned long lines = 0;
	int c;
	while ((c = getc(f)) != EOF)
		lines += c == '\n';
	fclose(f);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(!WIFSIGNALED(status), "getent services %s: killed by signal %d%s",
		      key ? key : "", WTERMSIG(status),
		      WTERMSIG(status) == SIGALRM ? " (alarm: a hang)" : "");
	*exit_status = WEXITSTATUS(status);
	return lines;
}

static void run_getent_all(const struct hostile *h)
{
	int status;
	for (size_t i = 0; i < h->count; i++) {
		const struct expect *e = &h->questions[i];
		if (e->proto)
			continue; /* getent asks without a protocol */
		char key[32];
		if (!e->name)
			snprintf(key, sizeof key, "%d", e->port);
		unsigned long lines = run_getent(h, e->name ? e->name : key, &status);
		bool found = status == 0 && lines == 1;
		bool want = e->status == SUCCESS;
		ck_assert_msg(found == want || (e->or_unavail && !found),
			      "getent services %s: exit %d, %lu lines",
			      e->name ? e->name : key, status, lines);
	}
	unsigned long lines = run_getent(h, NULL, &status);
	ck_assert_msg(lines <= NSSIANA_MAX_SERVENTS,
		      "getent services: %lu lines, past %u", lines,
		      NSSIANA_MAX_SERVENTS);
	ck_assert_msg(lines >= h->min_walk, "getent services: %lu lines, "
		      "expected at least %lu", lines, h->min_walk);
}

static void run_case(const struct hostile *h)
{
	generate(h->file);
	run_direct(h);
	run_glibc(h);
	if (GETENT_LEG)
		run_getent_all(h);
}

#define CASE(test, file_name, past_size, walk, ...) \
	START_TEST(test) \
	{ \
		static const struct expect questions[] = { __VA_ARGS__ }; \
		static const struct hostile h = { file_name, questions, \
			sizeof questions / sizeof questions[0], past_size, walk }; \
		run_case(&h); \
	} \
	END_TEST

/* The harness itself: the generator's sound file answers as it should. */
CASE(sound_file_answers, "good", false, 3 + 64,
     BY_NAME("ssh", "tcp", SUCCESS, "ssh", 22),
     BY_NAME("www", NULL, SUCCESS, "http", 80),
     BY_NAME("nosuch", NULL, NOTFOUND, NULL, 0),
     BY_PORT(6010, "tcp", SUCCESS, "x11", 6010),
     BY_PORT(81, NULL, NOTFOUND, NULL, 0))

/* 100,000 entries in one bucket, each with 65,535 aliases. */
CASE(crowded_bucket_with_shared_aliases, "bucket-flood", false, 0,
     BY_NAME("nosuch", NULL, UNAVAIL, NULL, 0),
     BY_NAME("nosuch", "udp", UNAVAIL, NULL, 0),
     BY_NAME("flood99999", NULL, UNAVAIL, NULL, 0),
     BY_NAME("shared-alias", "tcp", UNAVAIL, NULL, 0),
     BY_PORT(2, NULL, UNAVAIL, NULL, 0),
     BY_PORT(1, "udp", UNAVAIL, NULL, 0))

/* "https" with 65,535 aliases, each the same 60 KB string. */
CASE(alias_bomb, "alias-bomb", false, 1,
     BY_NAME("https", NULL, UNAVAIL, NULL, 0),
     BY_NAME("https", "tcp", UNAVAIL, NULL, 0),
     BY_PORT(443, NULL, UNAVAIL, NULL, 0),
     BY_NAME("ssh", NULL, SUCCESS, "ssh", 22),
     BY_PORT(22, NULL, SUCCESS, "ssh", 22))

/* 60 ranges of 0-65535: 3.9 million servents; the walk stops at the limit. */
CASE(ranges_past_the_walk_limit, "range-bomb", false, 1,
     BY_NAME("range7", NULL, SUCCESS, "range7", 0),
     BY_PORT(8080, "tcp", SUCCESS, "range0", 8080),
     BY_PORT(8080, "udp", NOTFOUND, NULL, 0),
     BY_NAME("nosuch", NULL, NOTFOUND, NULL, 0))

CASE(bucket_past_the_limit, "bucket-over", false, 0,
     BY_NAME("crowd64", NULL, UNAVAIL, NULL, 0),
     BY_NAME("nosuch", NULL, UNAVAIL, NULL, 0),
     BY_PORT(7, "udp", UNAVAIL, NULL, 0),
     BY_PORT(8, NULL, UNAVAIL, NULL, 0))

CASE(bucket_at_the_limit, "bucket-at", false, NSSIANA_MAX_BUCKET_ENTRIES,
     BY_NAME("crowd63", NULL, SUCCESS, "crowd63", 7),
     BY_NAME("CROWD5", NULL, SUCCESS, "crowd5", 7),
     BY_NAME("nosuch", NULL, NOTFOUND, NULL, 0),
     BY_PORT(7, "udp", NOTFOUND, NULL, 0),
     BY_PORT(7, "tcp", SUCCESS, "crowd0", 7))

CASE(aliases_past_the_limit, "aliases-over", false, 0,
     BY_NAME("many", NULL, UNAVAIL, NULL, 0),
     BY_NAME("many-32", NULL, UNAVAIL, NULL, 0),
     BY_PORT(4000, NULL, UNAVAIL, NULL, 0),
     BY_NAME("ssh", NULL, SUCCESS, "ssh", 22))

CASE(aliases_at_the_limit, "aliases-at", false, 3 + 64 + 1,
     BY_NAME("many-31", NULL, SUCCESS, "many", 4000),
     BY_PORT(4000, "tcp", SUCCESS, "many", 4000))

CASE(answer_past_the_limit, "answer-above", false, 0,
     BY_NAME("big", NULL, UNAVAIL, NULL, 0),
     BY_PORT(4001, "tcp", UNAVAIL, NULL, 0),
     BY_NAME("ssh", NULL, SUCCESS, "ssh", 22))

CASE(answer_within_the_limit, "answer-below", false, 3 + 64 + 1,
     BY_NAME("big", NULL, SUCCESS, "big", 4001),
     BY_PORT(4001, "tcp", SUCCESS, "big", 4001))

CASE(sparse_file_of_3_gb, "sparse-3g", true, 0,
     BY_NAME("ssh", NULL, UNAVAIL, NULL, 0),
     BY_PORT(80, NULL, UNAVAIL, NULL, 0))

CASE(file_just_past_the_size_limit, "over-max-size", true, 0,
     BY_NAME("ssh", NULL, UNAVAIL, NULL, 0),
     BY_PORT(80, NULL, UNAVAIL, NULL, 0))

/* Layouts the format forbids but whose bytes still read as a registry:
 * the right answer, or UNAVAIL if the module notices. */
#define OR_UNAVAIL(n, p, an, ap) { n, 0, p, SUCCESS, an, ap, true }
CASE(sections_overlapping_each_other, "overlap-sections", false, 0,
     OR_UNAVAIL("ssh", NULL, "ssh", 22), OR_UNAVAIL("http", "tcp", "http", 80))
CASE(section_overlapping_the_header, "overlap-header", false, 0,
     OR_UNAVAIL("ssh", NULL, "ssh", 22), OR_UNAVAIL("www", NULL, "http", 80))
CASE(section_overlapping_the_table, "overlap-table", false, 0,
     OR_UNAVAIL("ssh", NULL, "ssh", 22), OR_UNAVAIL("www", NULL, "http", 80))

/* 900,000 records of section table (14 MB, 3,516 pages) under the size
 * limit: refused at map time.  How much of the file the refusal read is
 * what it brought into a cold page cache. */
CASE(section_table_past_the_limit, "section-flood", false, 0,
     BY_NAME("ssh", NULL, UNAVAIL, NULL, 0),
     BY_PORT(80, NULL, UNAVAIL, NULL, 0))

CASE(section_table_at_the_limit, "sections-at", false, 3 + 64,
     BY_NAME("ssh", NULL, SUCCESS, "ssh", 22),
     BY_PORT(6010, "tcp", SUCCESS, "x11", 6010))

/* Written to disk and dropped from the page cache. */
static void make_cold(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fsync(fd), 0);
	ck_assert_int_eq(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
	close(fd);
}

START_TEST(a_long_section_table_is_refused_before_it_is_read)
{
	size_t total, cached_before, cached_after;

	generate("section-flood");
	make_cold(db_path);
	cached_before = cached_pages(db_path, &total);
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		bound_child(true);
		struct module m = load_module();
		static const struct expect ssh = BY_NAME("ssh", "tcp", UNAVAIL, NULL, 0);
		ask_directly(&m, &ssh, 1);
		_exit(0);
	}
	/* What the child read is judged first, then what it answered. */
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	cached_after = cached_pages(db_path, &total);
	printf("hostile: refusing %zu pages of section table brought %zu of them "
	       "into the page cache (%zu before)\n", total, cached_after,
	       cached_before);
	ck_assert_msg(cached_before <= 4, "the file was not dropped from the cache");
	ck_assert_msg(cached_after <= 8, "%zu of %zu pages read to refuse the file",
		      cached_after, total);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s",
		      report->why[0] ? report->why : "the child failed");
}
END_TEST

/* A process pays only for what it reads: one lookup in a file with 4 MiB
 * of pool it never reads leaves little of the file resident. */
START_TEST(one_lookup_leaves_the_unread_file_out_of_memory)
{
	generate("good-tail");
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		bound_child(true);
		struct module m = load_module();
		static const struct expect ssh = BY_NAME("ssh", "tcp", SUCCESS, "ssh", 22);
		ask_directly(&m, &ssh, 1);
		unsigned long kib = snapshot_rss_kib();
		if (kib == 0 || kib > 1024)
			child_fail("%lu KiB of a 4 MiB snapshot resident after one "
				   "lookup (expected some, at most 1024)", kib);
		_exit(0);
	}
	expect_child_ok(pid, "one lookup");
}
END_TEST

static Suite *hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *t = tcase_create("hostile");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 600);
	tcase_add_test(t, sound_file_answers);
	tcase_add_test(t, crowded_bucket_with_shared_aliases);
	tcase_add_test(t, alias_bomb);
	tcase_add_test(t, ranges_past_the_walk_limit);
	tcase_add_test(t, bucket_past_the_limit);
	tcase_add_test(t, bucket_at_the_limit);
	tcase_add_test(t, aliases_past_the_limit);
	tcase_add_test(t, aliases_at_the_limit);
	tcase_add_test(t, answer_past_the_limit);
	tcase_add_test(t, answer_within_the_limit);
	tcase_add_test(t, sparse_file_of_3_gb);
	tcase_add_test(t, file_just_past_the_size_limit);
	tcase_add_test(t, sections_overlapping_each_other);
	tcase_add_test(t, section_overlapping_the_header);
	tcase_add_test(t, section_overlapping_the_table);
	tcase_add_test(t, one_lookup_leaves_the_unread_file_out_of_memory);
	tcase_add_test(t, section_table_past_the_limit);
	tcase_add_test(t, section_table_at_the_limit);
	tcase_add_test(t, a_long_section_table_is_refused_before_it_is_read);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(hostile_suite)
