/*
 * check_corruption.c - the built module on damaged snapshots.
 *
 * A snapshot compiled from tests/fixtures/semantics.csv is truncated at
 * every length, has every bit of its header and section table flipped,
 * and a few thousand random bits of the rest, one case at a time.  Each
 * case is written to the file NSS_IANA_DB names and asked about by a fresh
 * child process (the module maps the file on its first call), so every
 * case goes through the module's own map-and-validate path.
 *
 * The rule: every call answers NSS_STATUS_UNAVAIL, NOTFOUND, or an entry
 * that exists in the damaged file as the test reads it itself (not through
 * snapshot.c) - name, aliases, protocol and port, matching the question.
 * The module checks at map time only what costs constant work, and each
 * record where a lookup reads it, so one damaged file may answer some
 * questions and be UNAVAIL for the ones that meet the damage.
 * A fault in the child fails the case.  Header fields the module does not
 * use (minor version, checksum, date, counts, reserved) must change
 * nothing at all.
 *
 * Random flips use a fixed seed (CORRUPTION_SEED overrides) so a failure
 * can be replayed; CORRUPTION_RANDOM_BITS sets how many (default 3000).
 * CORRUPTION_STRIDE=N tries only every Nth length and header bit (default
 * 1, all of them), for slow runs such as `make check-valgrind`.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testlib.h"
#include "check_main.h"
#include "fold_equal.h"

#define FIXTURE "tests/fixtures/semantics.csv"
#define MAX_WALK 300
#define BUFLEN 2048

static char db_path[PATH_MAX];
static struct module mod;
static unsigned char *original;
static size_t original_size;

/* What a child found, in memory shared with the parent. */
enum verdict { ALL_UNAVAILABLE = 1, ANSWERED, PARTLY_ANSWERED, WRONG };
struct outcome {
	enum verdict verdict;
	uint64_t digest; /* of every answer, to compare two files' answers */
	char why[512];
};
static struct outcome *outcome;

/* ---- reading a (possibly damaged) file independently ------------------- */

struct view {
	const unsigned char *bytes;
	size_t size;
};

static bool read_u32(const struct view *v, uint64_t offset, uint32_t *value)
{
	if (offset + 4 > v->size)
		return false;
	memcpy(value, v->bytes + offset, 4);
	return true;
}

/* The first section with `id`, inside the file; false if there is none. */
static bool find_section(const struct view *v, uint32_t id, uint32_t *offset,
			 uint32_t *size)
{
	uint32_t table, count;
	if (!read_u32(v, 12, &table) || !read_u32(v, 20, &count))
		return false;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t at = table + i * 16;
		uint32_t section_id, section_offset, section_size;
		if (!read_u32(v, at, &section_id) ||
		    !read_u32(v, at + 4, &section_offset) ||
		    !read_u32(v, at + 8, &section_size))
			return false;
		if (section_id == id) {
			if ((uint64_t)section_offset + section_size > v->size)
				return false;
			*offset = section_offset;
			*size = section_size;
			return true;
		}
	}
	return false;
}

/* The pool string at `offset`, if it is in the pool and ends there. */
static const char *pool_string(const struct view *v, uint32_t offset)
{
	uint32_t pool, pool_size;
	if (!find_section(v, NSSIANA_SECTION_STRINGS, &pool, &pool_size) ||
	    offset >= pool_size)
		return NULL;
	const char *s = (const char *)v->bytes + pool + offset;
	return memchr(s, '\0', pool_size - offset) ? s : NULL;
}

struct question {
	const char *name;  /* NULL unless by name */
	const char *proto; /* NULL: any */
	int port;          /* -1 unless by port */
};

static bool names_agree(const char *answer, const char *expected)
{
	return expected && strcmp(answer, expected) == 0;
}

/* Does `entry` (record number `e`) of the file answer `q` with `result`? */
static bool entry_gives(const struct view *v, const struct nssiana_entry *entry,
			const struct question *q, const struct servent *result)
{
	uint32_t protocols, protocols_size, aliases, aliases_size, proto_name;
	unsigned port = ntohs((uint16_t)result->s_port);
	bool asked_name_seen = false;

	if (!find_section(v, NSSIANA_SECTION_PROTOCOLS, &protocols, &protocols_size) ||
	    !find_section(v, NSSIANA_SECTION_ALIASES, &aliases, &aliases_size) ||
	    (uint64_t)entry->proto * 4 + 4 > protocols_size ||
	    !read_u32(v, protocols + entry->proto * 4u, &proto_name))
		return false;
	if (!names_agree(result->s_name, pool_string(v, entry->name)) ||
	    !names_agree(result->s_proto, pool_string(v, proto_name)) ||
	    port < entry->port_first || port > entry->port_last)
		return false;
	if (q->proto && strcmp(q->proto, result->s_proto) != 0)
		return false;
	if (q->port >= 0 && (unsigned)q->port != port)
		return false;
	if (q->name && port != entry->port_first)
		return false;
	if (q->name)
		asked_name_seen = fold_equal(q->name, result->s_name);
	for (uint32_t a = 0; a < entry->alias_count; a++) {
		uint64_t at = (uint64_t)(entry->alias_first + a) * 8;
		uint32_t alias_name;
		if (at + 8 > aliases_size || !read_u32(v, aliases + at, &alias_name) ||
		    !result->s_aliases[a] ||
		    !names_agree(result->s_aliases[a], pool_string(v, alias_name)))
			return false;
		if (q->name && fold_equal(q->name, result->s_aliases[a]))
			asked_name_seen = true;
	}
	return result->s_aliases[entry->alias_count] == NULL &&
	       (!q->name || asked_name_seen);
}

static bool answer_exists(const struct view *v, const struct question *q,
			  const struct servent *result)
{
	uint32_t entries, entries_size;
	if (!find_section(v, NSSIANA_SECTION_ENTRIES, &entries, &entries_size))
		return false;
	for (uint32_t at = 0; at + sizeof(struct nssiana_entry) <= entries_size;
	     at += sizeof(struct nssiana_entry)) {
		struct nssiana_entry entry;
		memcpy(&entry, v->bytes + entries + at, sizeof entry);
		if (entry_gives(v, &entry, q, result))
			return true;
	}
	return false;
}

/* ---- the child: ask, and judge each answer ------------------------------ */

static uint64_t mix(uint64_t digest, const void *data, size_t size)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < size; i++)
		digest = (digest ^ p[i]) * 1099511628211u;
	return digest;
}

static uint64_t mix_servent(uint64_t digest, const struct servent *result)
{
	digest = mix(digest, result->s_name, strlen(result->s_name) + 1);
	digest = mix(digest, result->s_proto, strlen(result->s_proto) + 1);
	digest = mix(digest, &result->s_port, sizeof result->s_port);
	for (char **alias = result->s_aliases; *alias; alias++)
		digest = mix(digest, *alias, strlen(*alias) + 1);
	return digest;
}

struct judge {
	const struct view *file;
	int unavailable, answered;
	uint64_t digest;
	bool wrong;
};

static void judge_call(struct judge *j, const struct question *q,
		       enum nss_status status, int error,
		       const struct servent *result)
{
	j->digest = mix(j->digest, &status, sizeof status);
	if (status == NSS_STATUS_UNAVAIL) {
		j->unavailable++;
		return;
	}
	j->answered++;
	if (status == NSS_STATUS_NOTFOUND)
		return;
	if (status == NSS_STATUS_SUCCESS && answer_exists(j->file, q, result)) {
		j->digest = mix_servent(j->digest, result);
		return;
	}
	if (!j->wrong)
		snprintf(outcome->why, sizeof outcome->why,
			 "status %d errno %d for name %s port %d proto %s: %s/%d/%s",
			 status, error, q->name ? q->name : "-", q->port,
			 q->proto ? q->proto : "-",
			 status == NSS_STATUS_SUCCESS ? result->s_name : "-",
			 status == NSS_STATUS_SUCCESS ? ntohs(result->s_port) : 0,
			 status == NSS_STATUS_SUCCESS ? result->s_proto : "-");
	j->wrong = true;
}

static const char *const names[] = { "http", "www", "WWW-HTTP", "x11", "echo",
				     "http-alt", "whois++", "nope", "mixed" };
static const int ports[] = { 7, 80, 63, 6010, 6063, 65535, 0, 2007, 1 };
static const char *const protos[] = { NULL, "tcp", "udp" };

static void ask_everything(struct judge *j)
{
	char buffer[BUFLEN];
	struct servent result;
	int error;

	for (size_t p = 0; p < sizeof protos / sizeof *protos; p++) {
		for (size_t n = 0; n < sizeof names / sizeof *names; n++) {
			struct question q = { names[n], protos[p], -1 };
			enum nss_status status = mod.getservbyname_r(
				q.name, q.proto, &result, buffer, sizeof buffer, &error);
			judge_call(j, &q, status, error, &result);
		}
		for (size_t n = 0; n < sizeof ports / sizeof *ports; n++) {
			struct question q = { NULL, protos[p], ports[n] };
			enum nss_status status = mod.getservbyport_r(
				htons(q.port), q.proto, &result, buffer, sizeof buffer,
				&error);
			judge_call(j, &q, status, error, &result);
		}
	}
	mod.setservent(0);
	for (int i = 0; i < MAX_WALK; i++) {
		struct question any = { NULL, NULL, -1 };
		enum nss_status status = mod.getservent_r(&result, buffer,
							  sizeof buffer, &error);
		judge_call(j, &any, status, error, &result);
		if (status != NSS_STATUS_SUCCESS)
			break;
	}
	mod.endservent();
}

static void run_child(const unsigned char *bytes, size_t size)
{
	struct view file = { bytes, size };
	struct judge j = { .file = &file, .digest = 1469598103934665603u };

	ask_everything(&j);
	outcome->digest = j.digest;
	if (j.wrong)
		outcome->verdict = WRONG;
	else if (j.answered == 0)
		outcome->verdict = ALL_UNAVAILABLE;
	else if (j.unavailable == 0)
		outcome->verdict = ANSWERED;
	else
		outcome->verdict = PARTLY_ANSWERED;
	_exit(0);
}

/* ---- the parent: one case = one file and one child ---------------------- */

static void write_case(const unsigned char *bytes, size_t size)
{
	int fd = open(db_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, bytes, size), (ssize_t)size);
	ck_assert_int_eq(close(fd), 0);
}

static enum verdict run_case(const unsigned char *bytes, size_t size,
			     const char *what)
{
	int status;

	write_case(bytes, size);
	memset(outcome, 0, sizeof *outcome);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		run_child(bytes, size);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "%s: the child died (status %#x, signal %d)", what, status,
		      WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	ck_assert_msg(outcome->verdict != WRONG, "%s: %s", what, outcome->why);
	ck_assert_msg(outcome->verdict != 0, "%s: no verdict", what);
	return outcome->verdict;
}

static unsigned char *read_file(const char *path, size_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	unsigned char *data = malloc(st.st_size);
	ck_assert_int_eq(read(fd, data, st.st_size), st.st_size);
	close(fd);
	*size = st.st_size;
	return data;
}

static void setup(void)
{
	char compiled[PATH_MAX];
	temp_path(db_path, sizeof db_path, "corrupt.db");
	temp_path(compiled, sizeof compiled, "good.db");
	compile_fixture(FIXTURE, compiled);
	original = read_file(compiled, &original_size);
	unlink(compiled);
	setenv("NSS_IANA_DB", db_path, 1);
	/* Loaded here, never called here: each child starts unmapped. */
	mod = load_module();
	outcome = mmap(NULL, sizeof *outcome, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(outcome, MAP_FAILED);
}

static void teardown(void)
{
	unlink(db_path);
	free(original);
}

static unsigned long env_number(const char *name, unsigned long fallback)
{
	const char *text = getenv(name);
	return text && *text ? strtoul(text, NULL, 0) : fallback;
}

static size_t stride(void)
{
	unsigned long n = env_number("CORRUPTION_STRIDE", 1);
	return n ? n : 1;
}

static uint64_t good_digest(void)
{
	ck_assert_int_eq(run_case(original, original_size, "intact file"), ANSWERED);
	return outcome->digest;
}

START_TEST(every_truncation_is_unavailable)
{
	char what[64];
	size_t tried = 0;
	ck_assert_uint_gt(original_size, 1000);
	for (size_t length = 0; length < original_size; length += stride(), tried++) {
		snprintf(what, sizeof what, "truncated to %zu", length);
		ck_assert_msg(run_case(original, length, what) == ALL_UNAVAILABLE,
			      "%s: answered", what);
	}
	good_digest();
	printf("corruption: %zu truncations (0..%zu bytes), all unavailable\n",
	       tried, original_size - 1);
}
END_TEST

/* Header bytes the module never reads: flipping them changes no answer. */
static bool unused_by_module(size_t offset)
{
	return (offset >= offsetof(struct nssiana_header, version_minor) &&
		offset < offsetof(struct nssiana_header, header_size)) ||
	       (offset >= offsetof(struct nssiana_header, checksum) &&
		offset < sizeof(struct nssiana_header));
}

START_TEST(every_header_and_table_bit_flip)
{
	const struct nssiana_header *header = (const void *)original;
	size_t table_end = header->header_size +
		(size_t)header->section_count * sizeof(struct nssiana_section);
	uint64_t good = good_digest();
	unsigned char *copy = malloc(original_size);
	int answered = 0, unavailable = 0;
	char what[64];

	for (size_t bit = 0; bit < table_end * 8; bit += stride()) {
		memcpy(copy, original, original_size);
		copy[bit / 8] ^= 1u << (bit % 8);
		snprintf(what, sizeof what, "bit %zu of byte %zu flipped", bit % 8, bit / 8);
		enum verdict verdict = run_case(copy, original_size, what);
		if (unused_by_module(bit / 8))
			ck_assert_msg(verdict == ANSWERED && outcome->digest == good,
				      "%s: an unused header field changed answers", what);
		verdict == ALL_UNAVAILABLE ? unavailable++ : answered++;
	}
	free(copy);
	printf("corruption: %d header and table bit flips: %d unavailable, "
	       "%d answered (wholly or partly) from entries in the file\n",
	       unavailable + answered, unavailable, answered);
}
END_TEST

static uint64_t next_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}


/* One bit per case, then a few bits at once per case. */
START_TEST(random_bit_flips_past_the_table)
{
	const struct nssiana_header *header = (const void *)original;
	size_t table_end = header->header_size +
		(size_t)header->section_count * sizeof(struct nssiana_section);
	uint64_t seed = env_number("CORRUPTION_SEED", 0x5eed1a4a);
	unsigned long cases = env_number("CORRUPTION_RANDOM_BITS", 3000);
	uint64_t state = seed;
	unsigned char *copy = malloc(original_size);
	int answered = 0, partly = 0, unavailable = 0;
	char what[96];

	good_digest();
	for (unsigned long c = 0; c < cases; c++) {
		int flips = c < cases * 3 / 4 ? 1 : 8;
		memcpy(copy, original, original_size);
		for (int f = 0; f < flips; f++) {
			size_t bit = table_end * 8 +
				next_random(&state) % ((original_size - table_end) * 8);
			copy[bit / 8] ^= 1u << (bit % 8);
		}
		snprintf(what, sizeof what, "random case %lu (seed %#llx)", c,
			 (unsigned long long)seed);
		switch (run_case(copy, original_size, what)) {
		case ANSWERED: answered++; break;
		case PARTLY_ANSWERED: partly++; break;
		default: unavailable++; break;
		}
	}
	free(copy);
	printf("corruption: %lu random cases past the table (seed %#llx): "
	       "%d unavailable, %d partly and %d wholly answered from entries "
	       "in the file\n", cases, (unsigned long long)seed, unavailable,
	       partly, answered);
}
END_TEST

/* The module validated the file, then an editor writes garbage over it in
 * place: until the module next looks at the path, it reads the new bytes
 * with the bounds of the old ones.  Nothing may fault, and every string
 * handed out must end inside the caller's buffer. */
START_TEST(garbage_written_in_place_under_a_mapped_snapshot)
{
	const struct nssiana_header *header = (const void *)original;
	size_t table_end = header->header_size +
		(size_t)header->section_count * sizeof(struct nssiana_section);
	uint64_t state = 0x9a4ba9e;
	unsigned char *garbage = malloc(original_size);

	for (int c = 0; c < 200; c++) {
		write_case(original, original_size);
		for (size_t i = 0; i < original_size; i++)
			garbage[i] = (unsigned char)next_random(&state);
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			char buffer[BUFLEN];
			struct servent result;
			int error, fd;
			mod.getservbyname_r("http", NULL, &result, buffer, sizeof buffer,
					    &error); /* maps and validates */
			fd = open(db_path, O_WRONLY | O_CLOEXEC);
			/* Keep the table: the bounds the module kept still hold. */
			if (fd < 0 || pwrite(fd, garbage + table_end,
					     original_size - table_end, table_end) < 0)
				_exit(3);
			close(fd);
			for (int port = 0; port < 7000; port += 7) {
				enum nss_status status = mod.getservbyport_r(
					htons(port), NULL, &result, buffer, sizeof buffer,
					&error);
				if (status == NSS_STATUS_SUCCESS &&
				    (!memchr(buffer, 0, sizeof buffer) ||
				     result.s_name < buffer ||
				     result.s_name >= buffer + sizeof buffer))
					_exit(4);
				mod.getservbyname_r(names[port % 9], NULL, &result,
						    buffer, sizeof buffer, &error);
			}
			mod.setservent(0);
			for (int i = 0; i < 2000; i++)
				if (mod.getservent_r(&result, buffer, sizeof buffer,
						     &error) != NSS_STATUS_SUCCESS)
					break;
			_exit(0);
		}
		int status;
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			      "case %d: status %#x", c, status);
	}
	free(garbage);
}
END_TEST

static Suite *corruption_suite(void)
{
	Suite *suite = suite_create("corruption");
	TCase *cases = tcase_create("damaged snapshots");
	tcase_add_checked_fixture(cases, setup, teardown);
	tcase_set_timeout(cases, 600);
	tcase_add_test(cases, every_truncation_is_unavailable);
	tcase_add_test(cases, every_header_and_table_bit_flip);
	tcase_add_test(cases, random_bit_flips_past_the_table);
	tcase_add_test(cases, garbage_written_in_place_under_a_mapped_snapshot);
	suite_add_tcase(suite, cases);
	return suite;
}

CHECK_MAIN(corruption_suite)
