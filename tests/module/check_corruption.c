/*
 * check_corruption.c - the built module on damaged snapshots.
 *
 * A snapshot compiled from tests/fixtures/semantics.csv with the
 * protocols database of tests/fixtures/protocols_small.csv (`--protocols`)
 * is truncated at every length, has every bit of its header and section
 * table flipped, and a few thousand random bits of the rest, a quarter of
 * them inside the PROTO_* sections alone (a small part of the file, whose
 * records are few and dense), one case at a time.  Each case is
 * written to the file NSS_IANA_DB names and asked about by a fresh child
 * process (the module maps the file on its first call), so every case goes
 * through the module's own map-and-validate path.  The child asks both
 * databases: services by name and port, protocols by name and number, and
 * a walk of each.
 *
 * The rule: every call answers NSS_STATUS_UNAVAIL, NOTFOUND, or an entry
 * that exists in the damaged file as the test reads it itself (not through
 * snapshot.c or proto_snapshot.c) - for a service its name, aliases,
 * protocol and port, for a protocol its name, aliases and number (a
 * PROTO_ENTRIES record), matching the question.
 * The module checks at map time only what costs constant work, and each
 * record where a lookup reads it, so one damaged file may answer some
 * questions and be UNAVAIL for the ones that meet the damage.
 * A fault in the child fails the case.  Header fields the module does not
 * use (minor version, checksum, date, counts, reserved) must change
 * nothing at all, and damage inside the PROTO_* sections changes no
 * services answer.
 *
 * Random flips use a fixed seed (CORRUPTION_SEED overrides) so a failure
 * can be replayed; CORRUPTION_RANDOM_BITS sets how many cases (default
 * 3000): three quarters anywhere past the table, a quarter in the PROTO_*
 * sections.
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
#define PROTOCOLS_FIXTURE "tests/fixtures/protocols_small.csv"
#define MAX_WALK 300
#define BUFLEN 2048

static char db_path[PATH_MAX];
static struct module mod;          /* the services entry points */
static struct proto_module proto;  /* the protocols ones, same handle */
static unsigned char *original;
static size_t original_size;

/* What a child found, in memory shared with the parent: for both
 * databases together, and for each. */
enum verdict { ALL_UNAVAILABLE = 1, ANSWERED, PARTLY_ANSWERED, WRONG };
enum database { SERVICES, PROTOCOLS, DATABASES };
struct outcome {
	enum verdict verdict;
	uint64_t digest; /* of every answer, to compare two files' answers */
	enum verdict of[DATABASES];   /* never WRONG: that is `verdict` */
	uint64_t digests[DATABASES];
	int found[DATABASES];         /* answers NSS_STATUS_SUCCESS */
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

/* The string at `offset` of the pool section `pool_id`, if it is in the
 * pool and ends there. */
static const char *string_of(const struct view *v, uint32_t pool_id,
			     uint32_t offset)
{
	uint32_t pool, pool_size;
	if (!find_section(v, pool_id, &pool, &pool_size) || offset >= pool_size)
		return NULL;
	const char *s = (const char *)v->bytes + pool + offset;
	return memchr(s, '\0', pool_size - offset) ? s : NULL;
}

static const char *pool_string(const struct view *v, uint32_t offset)
{
	return string_of(v, NSSIANA_SECTION_STRINGS, offset);
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

	/* The port first: it rules out most records at no cost. */
	if (port < entry->port_first || port > entry->port_last ||
	    (q->port >= 0 && (unsigned)q->port != port) ||
	    (q->name && port != entry->port_first))
		return false;
	if (!find_section(v, NSSIANA_SECTION_PROTOCOLS, &protocols, &protocols_size) ||
	    !find_section(v, NSSIANA_SECTION_ALIASES, &aliases, &aliases_size) ||
	    (uint64_t)entry->proto * 4 + 4 > protocols_size ||
	    !read_u32(v, protocols + entry->proto * 4u, &proto_name))
		return false;
	if (!names_agree(result->s_name, pool_string(v, entry->name)) ||
	    !names_agree(result->s_proto, pool_string(v, proto_name)))
		return false;
	if (q->proto && strcmp(q->proto, result->s_proto) != 0)
		return false;
	if (q->name)
		asked_name_seen = fold_equal(q->name, result->s_name);
	for (uint32_t a = 0; a < entry->alias_count; a++) {
		uint64_t at = ((uint64_t)entry->alias_first + a) * 8;
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

struct proto_question {
	enum { BY_NAME, BY_NUMBER, ANY } kind;
	const char *name;
	int number;
};

/* Does PROTO_ENTRIES record `entry` answer `q` with `result`? */
static bool protoent_gives(const struct view *v,
			   const struct nssiana_protoent *entry,
			   const struct proto_question *q,
			   const struct protoent *result)
{
	uint32_t aliases, aliases_size;
	bool asked_name_seen;

	/* The number first: it rules out nearly every record at no cost. */
	if (result->p_proto != (int)entry->number ||
	    (q->kind == BY_NUMBER && q->number != result->p_proto))
		return false;
	if (!find_section(v, NSSIANA_SECTION_PROTO_ALIASES, &aliases, &aliases_size) ||
	    !names_agree(result->p_name,
			 string_of(v, NSSIANA_SECTION_PROTO_STRINGS, entry->name)))
		return false;
	asked_name_seen = q->kind == BY_NAME && fold_equal(q->name, result->p_name);
	for (uint32_t a = 0; a < entry->alias_count; a++) {
		uint64_t at = ((uint64_t)entry->alias_first + a) * 4;
		uint32_t alias_name;
		if (at + 4 > aliases_size || !read_u32(v, aliases + at, &alias_name) ||
		    !result->p_aliases[a] ||
		    !names_agree(result->p_aliases[a],
				 string_of(v, NSSIANA_SECTION_PROTO_STRINGS, alias_name)))
			return false;
		if (q->kind == BY_NAME && fold_equal(q->name, result->p_aliases[a]))
			asked_name_seen = true;
	}
	return result->p_aliases[entry->alias_count] == NULL &&
	       (q->kind != BY_NAME || asked_name_seen);
}

static bool protoent_exists(const struct view *v, const struct proto_question *q,
			    const struct protoent *result)
{
	uint32_t entries, entries_size;
	if (!find_section(v, NSSIANA_SECTION_PROTO_ENTRIES, &entries, &entries_size))
		return false;
	for (uint32_t at = 0; at + sizeof(struct nssiana_protoent) <= entries_size;
	     at += sizeof(struct nssiana_protoent)) {
		struct nssiana_protoent entry;
		memcpy(&entry, v->bytes + entries + at, sizeof entry);
		if (protoent_gives(v, &entry, q, result))
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

static uint64_t mix_protoent(uint64_t digest, const struct protoent *result)
{
	digest = mix(digest, result->p_name, strlen(result->p_name) + 1);
	digest = mix(digest, &result->p_proto, sizeof result->p_proto);
	for (char **alias = result->p_aliases; *alias; alias++)
		digest = mix(digest, *alias, strlen(*alias) + 1);
	return digest;
}

/* The calls made to one database. */
struct tally {
	int unavailable, answered, found;
	uint64_t digest;
};

struct judge {
	const struct view *file;
	struct tally db[DATABASES];
	bool wrong;
};

/* Counts `status`; true for an answer that must still be judged (neither
 * UNAVAIL nor NOTFOUND). */
static bool counted_needs_judging(struct tally *t, enum nss_status status)
{
	t->digest = mix(t->digest, &status, sizeof status);
	if (status == NSS_STATUS_UNAVAIL) {
		t->unavailable++;
		return false;
	}
	t->answered++;
	return status != NSS_STATUS_NOTFOUND;
}

static void judge_call(struct judge *j, const struct question *q,
		       enum nss_status status, int error,
		       const struct servent *result)
{
	struct tally *t = &j->db[SERVICES];
	if (!counted_needs_judging(t, status))
		return;
	if (status == NSS_STATUS_SUCCESS && answer_exists(j->file, q, result)) {
		t->found++;
		t->digest = mix_servent(t->digest, result);
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

static void judge_proto_call(struct judge *j, const struct proto_question *q,
			     enum nss_status status, int error,
			     const struct protoent *result)
{
	struct tally *t = &j->db[PROTOCOLS];
	if (!counted_needs_judging(t, status))
		return;
	if (status == NSS_STATUS_SUCCESS && protoent_exists(j->file, q, result)) {
		t->found++;
		t->digest = mix_protoent(t->digest, result);
		return;
	}
	if (!j->wrong) {
		char asked[160];
		if (q->kind == BY_NAME)
			snprintf(asked, sizeof asked, "name \"%s\"", q->name);
		else if (q->kind == BY_NUMBER)
			snprintf(asked, sizeof asked, "number %d", q->number);
		else
			snprintf(asked, sizeof asked, "the walk");
		snprintf(outcome->why, sizeof outcome->why,
			 "protocols: status %d errno %d for %s: %s/%d", status,
			 error, asked,
			 status == NSS_STATUS_SUCCESS ? result->p_name : "-",
			 status == NSS_STATUS_SUCCESS ? result->p_proto : 0);
	}
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

/* Every name and alias of protocols_small.csv's entries, and some of them
 * in another case: each is found in the intact file. */
static const char *const proto_names_held[] = {
	"hopopt", "HOPOPT", "icmp", "ICMP", "tcp", "TCP", "argus", "ARGUS",
	"tlsp", "TLSP", "ipv6-icmp", "IPv6-ICMP", "isis-over-ipv4",
	"ISIS-over-IPv4", "mobility-header", "Mobility-Header", "manet",
	"shim6", "Shim6", "reserved", "Reserved",
	"Tcp", "MANET", "iPv6-IcMp", "SHIM6", "RESERVED", "isis-OVER-ipv4" };
/* Rows the compiler skips, prefixes, and names of no row. */
static const char *const proto_names_missing[] = {
	"nope", "udp", "ip", "isis", "", "bad#name", "Bad#Name",
	"ARGUS (deprecated)", "tcpx", "shim", "mptcp" };
static const int proto_numbers_held[] = { 0, 1, 6, 13, 56, 58, 124, 135,
					  138, 140, 255 };
/* Numbers of no entry: skipped rows, a range, ones that share a number
 * bucket with an entry, past 255 and negative. */
static const int proto_numbers_missing[] = { 2, 61, 148, 200, 252, 256, 262,
					     1000, 65536, -1, -6, INT_MAX,
					     INT_MIN };
#define COUNT(array) (sizeof array / sizeof *array)

static void ask_protocol_name(struct judge *j, const char *name)
{
	char buffer[BUFLEN];
	struct protoent result;
	int error;
	struct proto_question q = { BY_NAME, name, -1 };
	enum nss_status status = proto.byname(name, &result, buffer,
					      sizeof buffer, &error);
	judge_proto_call(j, &q, status, error, &result);
}

static void ask_protocol_number(struct judge *j, int number)
{
	char buffer[BUFLEN];
	struct protoent result;
	int error;
	struct proto_question q = { BY_NUMBER, NULL, number };
	enum nss_status status = proto.bynumber(number, &result, buffer,
						sizeof buffer, &error);
	judge_proto_call(j, &q, status, error, &result);
}

static void walk_protocols(struct judge *j)
{
	char buffer[BUFLEN];
	struct protoent result;
	int error;
	struct proto_question any = { ANY, NULL, -1 };

	proto.setent(0);
	for (int i = 0; i < MAX_WALK; i++) {
		enum nss_status status = proto.getent(&result, buffer,
						      sizeof buffer, &error);
		judge_proto_call(j, &any, status, error, &result);
		if (status != NSS_STATUS_SUCCESS)
			break;
	}
	proto.endent();
}

static void ask_protocols(struct judge *j)
{
	for (size_t n = 0; n < COUNT(proto_names_held); n++)
		ask_protocol_name(j, proto_names_held[n]);
	for (size_t n = 0; n < COUNT(proto_names_missing); n++)
		ask_protocol_name(j, proto_names_missing[n]);
	for (size_t n = 0; n < COUNT(proto_numbers_held); n++)
		ask_protocol_number(j, proto_numbers_held[n]);
	for (size_t n = 0; n < COUNT(proto_numbers_missing); n++)
		ask_protocol_number(j, proto_numbers_missing[n]);
	walk_protocols(j);
}

static enum verdict verdict_of(int answered, int unavailable)
{
	if (answered == 0)
		return ALL_UNAVAILABLE;
	return unavailable == 0 ? ANSWERED : PARTLY_ANSWERED;
}

static void run_child(const unsigned char *bytes, size_t size)
{
	struct view file = { bytes, size };
	struct judge j = { .file = &file };
	int answered = 0, unavailable = 0;

	for (int d = 0; d < DATABASES; d++)
		j.db[d].digest = 1469598103934665603u;
	ask_everything(&j);
	ask_protocols(&j);
	outcome->digest = 1469598103934665603u;
	for (int d = 0; d < DATABASES; d++) {
		const struct tally *t = &j.db[d];
		outcome->of[d] = verdict_of(t->answered, t->unavailable);
		outcome->digests[d] = t->digest;
		outcome->found[d] = t->found;
		outcome->digest = mix(outcome->digest, &t->digest, sizeof t->digest);
		answered += t->answered;
		unavailable += t->unavailable;
	}
	outcome->verdict = j.wrong ? WRONG : verdict_of(answered, unavailable);
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
	struct compile_options options = { .protocols = PROTOCOLS_FIXTURE };
	temp_path(db_path, sizeof db_path, "corrupt.db");
	temp_path(compiled, sizeof compiled, "good.db");
	compile_fixture_with(FIXTURE, &options, compiled);
	original = read_file(compiled, &original_size);
	unlink(compiled);
	setenv("NSS_IANA_DB", db_path, 1);
	/* Loaded here, never called here: each child starts unmapped. */
	proto = load_proto_module();
	mod = proto.services;
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

/* The random cases: a quarter of them in the protocols sections. */
static unsigned long random_cases(void)
{
	return env_number("CORRUPTION_RANDOM_BITS", 3000);
}

static unsigned long protocols_random_cases(void)
{
	return random_cases() / 4;
}

static size_t stride(void)
{
	unsigned long n = env_number("CORRUPTION_STRIDE", 1);
	return n ? n : 1;
}

/* Bytes from the start of the intact file to the end of its section table. */
static size_t table_end(void)
{
	const struct nssiana_header *header = (const void *)original;
	return header->header_size +
	       (size_t)header->section_count * sizeof(struct nssiana_section);
}

/* PROTO_ENTRIES records in the intact file, as the test reads it. */
static size_t protocol_entries(void)
{
	struct view file = { original, original_size };
	uint32_t offset, size;
	ck_assert(find_section(&file, NSSIANA_SECTION_PROTO_ENTRIES, &offset, &size));
	return size / sizeof(struct nssiana_protoent);
}

/* The intact file answers every question, and finds each protocol name
 * and number it holds, each entry once in the walk, and nothing else:
 * without that, a module that found nothing would pass every case. */
static uint64_t good_digest(void)
{
	size_t held = COUNT(proto_names_held) + COUNT(proto_numbers_held);
	ck_assert_int_eq(run_case(original, original_size, "intact file"), ANSWERED);
	ck_assert_uint_eq(protocol_entries(), 11);
	ck_assert_int_eq(outcome->found[PROTOCOLS], held + protocol_entries());
	return outcome->digest;
}

static const char *database_name(enum database d)
{
	return d == SERVICES ? "services" : "protocols";
}

START_TEST(every_truncation_is_unavailable)
{
	char what[64];
	size_t tried = 0;
	ck_assert_uint_gt(original_size, 1000);
	for (size_t length = 0; length < original_size; length += stride(), tried++) {
		snprintf(what, sizeof what, "truncated to %zu", length);
		/* The verdict covers the services and the protocols calls. */
		ck_assert_msg(run_case(original, length, what) == ALL_UNAVAILABLE,
			      "%s: %s answered", what,
			      database_name(outcome->of[SERVICES] != ALL_UNAVAILABLE
					    ? SERVICES : PROTOCOLS));
	}
	good_digest();
	printf("corruption: %zu truncations (0..%zu bytes), all unavailable "
	       "for services and protocols\n", tried, original_size - 1);
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
	uint64_t good = good_digest();
	unsigned char *copy = malloc(original_size);
	int answered = 0, unavailable = 0, protocols_answered = 0;
	char what[64];

	for (size_t bit = 0; bit < table_end() * 8; bit += stride()) {
		memcpy(copy, original, original_size);
		copy[bit / 8] ^= 1u << (bit % 8);
		snprintf(what, sizeof what, "bit %zu of byte %zu flipped", bit % 8, bit / 8);
		enum verdict verdict = run_case(copy, original_size, what);
		if (unused_by_module(bit / 8))
			ck_assert_msg(verdict == ANSWERED && outcome->digest == good,
				      "%s: an unused header field changed answers", what);
		verdict == ALL_UNAVAILABLE ? unavailable++ : answered++;
		protocols_answered += outcome->of[PROTOCOLS] != ALL_UNAVAILABLE;
	}
	free(copy);
	printf("corruption: %d header and table bit flips: %d unavailable, "
	       "%d answered (wholly or partly) from entries in the file, "
	       "protocols in %d of them\n",
	       unavailable + answered, unavailable, answered, protocols_answered);
}
END_TEST

static uint64_t next_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* Where random flips land: byte ranges of the file, `bits` bits in all. */
struct span {
	uint32_t offset, size;
};
#define PROTO_SECTIONS (NSSIANA_SECTION_MAX_OPTIONAL - NSSIANA_SECTION_PROTO_FIRST + 1)
struct flip_target {
	struct span spans[PROTO_SECTIONS];
	int count;
	uint64_t bits;
};

static void add_span(struct flip_target *target, uint32_t offset, uint32_t size)
{
	target->spans[target->count++] = (struct span){ offset, size };
	target->bits += (uint64_t)size * 8;
}

static struct flip_target past_the_table(void)
{
	struct flip_target target = { .count = 0 };
	add_span(&target, table_end(), original_size - table_end());
	return target;
}

/* The eight PROTO_* sections, found by the test's own reader; the padding
 * between sections is not theirs. */
static struct flip_target protocols_sections(void)
{
	struct view file = { original, original_size };
	struct flip_target target = { .count = 0 };
	for (uint32_t id = NSSIANA_SECTION_PROTO_FIRST;
	     id <= NSSIANA_SECTION_MAX_OPTIONAL; id++) {
		uint32_t offset, size;
		ck_assert_msg(find_section(&file, id, &offset, &size), "no section %u", id);
		add_span(&target, offset, size);
	}
	return target;
}

static size_t random_bit(const struct flip_target *target, uint64_t *state)
{
	uint64_t bit = next_random(state) % target->bits;
	for (int s = 0;; s++) {
		uint64_t span_bits = (uint64_t)target->spans[s].size * 8;
		if (bit < span_bits)
			return (size_t)target->spans[s].offset * 8 + bit;
		bit -= span_bits;
	}
}

/* Case `c` of `cases`: one bit flipped in the first three quarters, eight
 * at once in the rest. */
static void flip_randomly(unsigned char *copy, const struct flip_target *target,
			  unsigned long c, unsigned long cases, uint64_t *state)
{
	int flips = c < cases * 3 / 4 ? 1 : 8;
	memcpy(copy, original, original_size);
	for (int f = 0; f < flips; f++) {
		size_t bit = random_bit(target, state);
		copy[bit / 8] ^= 1u << (bit % 8);
	}
}

struct verdict_counts {
	int unavailable, partly, answered;
};

static void count_verdict(struct verdict_counts *counts, enum verdict verdict)
{
	switch (verdict) {
	case ANSWERED: counts->answered++; break;
	case PARTLY_ANSWERED: counts->partly++; break;
	default: counts->unavailable++; break;
	}
}

START_TEST(random_bit_flips_past_the_table)
{
	struct flip_target target = past_the_table();
	uint64_t seed = env_number("CORRUPTION_SEED", 0x5eed1a4a);
	unsigned long cases = random_cases() - protocols_random_cases();
	uint64_t state = seed;
	unsigned char *copy = malloc(original_size);
	struct verdict_counts counts = { 0 };
	char what[96];

	good_digest();
	for (unsigned long c = 0; c < cases; c++) {
		flip_randomly(copy, &target, c, cases, &state);
		snprintf(what, sizeof what, "random case %lu (seed %#llx)", c,
			 (unsigned long long)seed);
		count_verdict(&counts, run_case(copy, original_size, what));
	}
	free(copy);
	printf("corruption: %lu random cases past the table (seed %#llx): "
	       "%d unavailable, %d partly and %d wholly answered from entries "
	       "in the file\n", cases, (unsigned long long)seed, counts.unavailable,
	       counts.partly, counts.answered);
}
END_TEST

/* The services sections never read a byte of the protocols ones
 * (snapshot_format.h), so their answers must not change at all. */
START_TEST(random_bit_flips_in_the_protocols_sections)
{
	struct flip_target target = protocols_sections();
	uint64_t seed = env_number("CORRUPTION_SEED", 0x5eed1a4a);
	unsigned long cases = protocols_random_cases();
	uint64_t state = seed;
	unsigned char *copy = malloc(original_size);
	struct verdict_counts counts = { 0 };
	char what[96];

	good_digest();
	uint64_t services = outcome->digests[SERVICES];
	for (unsigned long c = 0; c < cases; c++) {
		flip_randomly(copy, &target, c, cases, &state);
		snprintf(what, sizeof what, "protocols random case %lu (seed %#llx)",
			 c, (unsigned long long)seed);
		run_case(copy, original_size, what);
		ck_assert_msg(outcome->of[SERVICES] == ANSWERED &&
			      outcome->digests[SERVICES] == services,
			      "%s: a services answer changed", what);
		count_verdict(&counts, outcome->of[PROTOCOLS]);
	}
	free(copy);
	printf("corruption: %lu random cases in the %llu bytes of the protocols "
	       "sections (seed %#llx): protocols %d unavailable, %d partly and "
	       "%d wholly answered from entries in the file; services unchanged\n",
	       cases, (unsigned long long)target.bits / 8, (unsigned long long)seed,
	       counts.unavailable, counts.partly, counts.answered);
}
END_TEST

/* ---- garbage under a mapping: where the answers point ------------------- */

static bool ends_inside(const char *s, const char *buffer, size_t size)
{
	return s >= buffer && s < buffer + size &&
	       memchr(s, '\0', (size_t)(buffer + size - s)) != NULL;
}

/* The alias array, its NULL and every alias inside the buffer. */
static bool aliases_inside(char **aliases, const char *buffer, size_t size)
{
	for (char **a = aliases; (const char *)a >= buffer &&
	     (const char *)(a + 1) <= buffer + size; a++) {
		if (*a == NULL)
			return true;
		if (!ends_inside(*a, buffer, size))
			return false;
	}
	return false;
}

static bool servent_inside(const struct servent *s, const char *buffer, size_t size)
{
	return ends_inside(s->s_name, buffer, size) &&
	       ends_inside(s->s_proto, buffer, size) &&
	       aliases_inside(s->s_aliases, buffer, size);
}

static bool protoent_inside(const struct protoent *p, const char *buffer,
			    size_t size)
{
	return ends_inside(p->p_name, buffer, size) &&
	       aliases_inside(p->p_aliases, buffer, size);
}

/* Exit status 4: a services answer outside the buffer.  Answers are
 * counted in outcome->found, to show the check was not vacuous. */
static void check_servent_over_garbage(enum nss_status status,
				       const struct servent *result,
				       const char *buffer, size_t size)
{
	if (status != NSS_STATUS_SUCCESS)
		return;
	if (!servent_inside(result, buffer, size))
		_exit(4);
	outcome->found[SERVICES]++;
}

static void services_over_garbage(void)
{
	char buffer[BUFLEN];
	struct servent result;
	int error;

	for (int port = 0; port < 7000; port += 7) {
		check_servent_over_garbage(
			mod.getservbyport_r(htons(port), NULL, &result, buffer,
					    sizeof buffer, &error),
			&result, buffer, sizeof buffer);
		check_servent_over_garbage(
			mod.getservbyname_r(names[port % 9], NULL, &result, buffer,
					    sizeof buffer, &error),
			&result, buffer, sizeof buffer);
	}
	mod.setservent(0);
	for (int i = 0; i < 2000; i++) {
		enum nss_status status = mod.getservent_r(&result, buffer,
							  sizeof buffer, &error);
		if (status != NSS_STATUS_SUCCESS)
			break;
		check_servent_over_garbage(status, &result, buffer, sizeof buffer);
	}
	mod.endservent();
}

/* Exit status 5: a protocols answer outside the buffer. */
static void check_protoent_over_garbage(enum nss_status status,
					const struct protoent *result,
					const char *buffer, size_t size)
{
	if (status != NSS_STATUS_SUCCESS)
		return;
	if (!protoent_inside(result, buffer, size))
		_exit(5);
	outcome->found[PROTOCOLS]++;
}

static void protocols_over_garbage(void)
{
	char buffer[BUFLEN];
	struct protoent result;
	int error;

	for (int number = -8; number < 300; number++)
		check_protoent_over_garbage(
			proto.bynumber(number, &result, buffer, sizeof buffer, &error),
			&result, buffer, sizeof buffer);
	for (size_t n = 0; n < COUNT(proto_names_held); n++)
		check_protoent_over_garbage(
			proto.byname(proto_names_held[n], &result, buffer,
				     sizeof buffer, &error),
			&result, buffer, sizeof buffer);
	proto.setent(0);
	for (int i = 0; i < 2000; i++) {
		enum nss_status status = proto.getent(&result, buffer,
						      sizeof buffer, &error);
		if (status != NSS_STATUS_SUCCESS)
			break;
		check_protoent_over_garbage(status, &result, buffer, sizeof buffer);
	}
	proto.endent();
}

/* What the editor writes from byte `kept` on: random bytes over all of
 * it, or (`window`) over one run of up to 512 bytes, the rest of the file
 * as it was.  Over all of it, nearly every lookup meets the damage
 * (a bucket out of range is empty; the protocols pool's ends, which every
 * protocols lookup checks again, are not NUL): the windows are what let
 * lookups answer from damaged records. */
static void make_garbage(unsigned char *garbage, size_t kept, bool window,
			 uint64_t *state)
{
	size_t first = kept, end = original_size;
	if (window) {
		first = kept + next_random(state) % (original_size - kept);
		end = first + 1 + next_random(state) % 512;
		end = end < original_size ? end : original_size;
	}
	memcpy(garbage, original, original_size);
	for (size_t i = first; i < end; i++)
		garbage[i] = (unsigned char)next_random(state);
}

/* The module validated the file, then an editor writes garbage over it in
 * place: until the module next looks at the path, it reads the new bytes
 * with the bounds of the old ones.  Nothing may fault, and every string
 * handed out must end inside the caller's buffer. */
START_TEST(garbage_written_in_place_under_a_mapped_snapshot)
{
	size_t kept = table_end();
	uint64_t state = 0x9a4ba9e;
	unsigned char *garbage = malloc(original_size);
	int answers[DATABASES] = { 0 };

	for (int c = 0; c < 200; c++) {
		write_case(original, original_size);
		make_garbage(garbage, kept, c % 2, &state);
		memset(outcome, 0, sizeof *outcome);
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
			if (fd < 0 || pwrite(fd, garbage + kept, original_size - kept,
					     kept) < 0)
				_exit(3);
			close(fd);
			/* Its copy of the heap is checked for leaks at _exit
			 * under valgrind, and no pointer to it is live there. */
			free(garbage);
			services_over_garbage();
			protocols_over_garbage();
			_exit(0);
		}
		int status;
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			      "case %d: status %#x", c, status);
		for (int d = 0; d < DATABASES; d++)
			answers[d] += outcome->found[d];
	}
	free(garbage);
	printf("corruption: 200 files overwritten in place under the mapping: "
	       "%d services and %d protocols answers, all inside the buffer\n",
	       answers[SERVICES], answers[PROTOCOLS]);
	ck_assert_int_gt(answers[SERVICES], 0);
	ck_assert_int_gt(answers[PROTOCOLS], 0);
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
	tcase_add_test(cases, random_bit_flips_in_the_protocols_sections);
	tcase_add_test(cases, garbage_written_in_place_under_a_mapped_snapshot);
	suite_add_tcase(suite, cases);
	return suite;
}

CHECK_MAIN(corruption_suite)
