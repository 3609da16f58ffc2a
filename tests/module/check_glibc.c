/*
 * check_glibc.c - the module through the real glibc: getservbyname,
 * getservbyport, getservent and getaddrinfo with services forced to
 * `iana` by __nss_configure_lookup.  glibc finds libnss_iana.so.2 through
 * LD_LIBRARY_PATH, which tests/run.sh points at the build directory.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <string.h>

#include "testlib.h"
#include "check_main.h"

#define FIXTURE "tests/fixtures/semantics.csv"

static char db_path[PATH_MAX];

static void setup(void)
{
	temp_path(db_path, sizeof db_path, "glibc.db");
	compile_fixture(FIXTURE, db_path);
	setenv("NSS_IANA_DB", db_path, 1);
	ck_assert_int_eq(__nss_configure_lookup("services", "iana"), 0);
}

static void teardown(void)
{
	unlink(db_path);
}

START_TEST(getservbyname_answers_from_the_module)
{
	struct servent *s = getservbyname("www", "tcp");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->s_name, "http");
	ck_assert_int_eq(s->s_port, htons(80));
	ck_assert_str_eq(s->s_proto, "tcp");
	ck_assert_str_eq(s->s_aliases[0], "www");
	ck_assert_str_eq(s->s_aliases[1], "www-http");
	ck_assert_ptr_null(s->s_aliases[2]);

	s = getservbyname("raid-am", NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->s_proto, "udp");
	ck_assert_ptr_null(getservbyname("no-such-service", NULL));
}
END_TEST

START_TEST(getservbyport_answers_from_the_module)
{
	struct servent *s = getservbyport(htons(6010), "tcp");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->s_name, "x11");
	ck_assert_int_eq(s->s_port, htons(6010));
	ck_assert_ptr_null(getservbyport(htons(6010), "sctp"));
}
END_TEST

START_TEST(reentrant_calls_grow_the_buffer_on_erange)
{
	struct servent result, *found = NULL;
	char small[8];
	int rc = getservbyname_r("www", "tcp", &result, small, sizeof small, &found);
	ck_assert_int_eq(rc, ERANGE);
	ck_assert_ptr_null(found);
	char big[256];
	rc = getservbyname_r("www", "tcp", &result, big, sizeof big, &found);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_eq(found, &result);
	ck_assert_str_eq(result.s_name, "http");
}
END_TEST

START_TEST(getservent_walks_the_registry)
{
	unsigned count = 0, x11 = 0;
	struct servent *s;
	setservent(0);
	while ((s = getservent()) != NULL) {
		if (count == 0)
			ck_assert_str_eq(s->s_name, "echo");
		count += 1;
		x11 += strcmp(s->s_name, "x11") == 0;
	}
	endservent();
	/* 22 entries, two of them ranges of 64 ports: 20 + 128. */
	ck_assert_uint_eq(count, 148);
	ck_assert_uint_eq(x11, 128);
}
END_TEST

static unsigned short first_port(const char *service, int socktype)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = socktype };
	struct addrinfo *list = NULL;
	int rc = getaddrinfo("127.0.0.1", service, &hints, &list);
	ck_assert_msg(rc == 0, "getaddrinfo %s: %s", service, gai_strerror(rc));
	unsigned short port = ntohs(((struct sockaddr_in *)list->ai_addr)->sin_port);
	freeaddrinfo(list);
	return port;
}

START_TEST(getaddrinfo_resolves_service_names)
{
	ck_assert_uint_eq(first_port("www", SOCK_STREAM), 80);
	ck_assert_uint_eq(first_port("http-alt", SOCK_STREAM), 591);
	ck_assert_uint_eq(first_port("3COM-NSD", SOCK_DGRAM), 1742);

	struct addrinfo *list = NULL;
	ck_assert_int_eq(getaddrinfo("127.0.0.1", "no-such-service", NULL, &list),
			 EAI_SERVICE);
	/* No hints: one answer per socket type the name is known for. */
	ck_assert_int_eq(getaddrinfo("127.0.0.1", "echo", NULL, &list), 0);
	int stream = 0, dgram = 0;
	for (struct addrinfo *ai = list; ai; ai = ai->ai_next) {
		stream += ai->ai_socktype == SOCK_STREAM;
		dgram += ai->ai_socktype == SOCK_DGRAM;
		ck_assert_uint_eq(ntohs(((struct sockaddr_in *)ai->ai_addr)->sin_port), 7);
	}
	ck_assert_int_eq(stream, 1);
	ck_assert_int_eq(dgram, 1);
	freeaddrinfo(list);
}
END_TEST

static Suite *glibc_suite(void)
{
	Suite *suite = suite_create("through glibc");
	TCase *calls = tcase_create("calls");
	tcase_add_checked_fixture(calls, setup, teardown);
	tcase_add_test(calls, getservbyname_answers_from_the_module);
	tcase_add_test(calls, getservbyport_answers_from_the_module);
	tcase_add_test(calls, reentrant_calls_grow_the_buffer_on_erange);
	tcase_add_test(calls, getservent_walks_the_registry);
	tcase_add_test(calls, getaddrinfo_resolves_service_names);
	suite_add_tcase(suite, calls);
	return suite;
}

CHECK_MAIN(glibc_suite)
