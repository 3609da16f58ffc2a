/*
 * fuzz_snapshot.c - arbitrary bytes as a snapshot.
 *
 * The bytes go through snapshot_parse(), the constant-work check the
 * module runs on every file it maps.  A file it accepts then gets lookups,
 * both through the reader (snapshot_find_name/port) and through the
 * module's own entry points, and a getservent walk; a file it rejects must
 * make every entry point answer NSS_STATUS_UNAVAIL.
 *
 * Two kinds of accepted file.  A sound one passes snapshot_check_records()
 * (the tool's full check): every answer must then be exactly right, and
 * every entry becomes a key.  A damaged one has records that only the
 * lookups reading them refuse: its answers must still be UNAVAIL,
 * NOTFOUND, ERANGE or strings that end inside the caller's buffer, and
 * nothing may read outside the bytes (ASan watches).  Either way an entry
 * past the format's limits must be UNAVAIL, never ERANGE.
 *
 * How the entry points see the bytes: this file includes the module's
 * sources (mapping.c, answer.c, nss_services.c, nss_protocols.c) and installs the parsed snapshot in the module's state, with the next look at
 * the path put off forever.  Writing each input to a file for NSS_IANA_DB
 * would add nothing that looks at the bytes (mapping does not), would cost
 * a file per input, and the module re-examines the path at most once per
 * SNAPSHOT_RECHECK_MS (snapshot.h), so most inputs would never be seen at
 * all.  Including the source
 * is what lets the fuzzer reach answer.c's writer and the getservent cursor,
 * where the copying into the caller's buffer is.
 *
 * The protocols database (the PROTO_* sections) gets the same: lookups by
 * name and number through the module's protocol entry points, at every
 * buffer size, and a getprotoent walk; a file without those sections, or
 * with ones the reader refuses, must answer UNAVAIL there.
 *
 * Every answer is checked against the bytes: an entry that exists, the name
 * (or an alias) and protocol asked for, a port inside the entry's range,
 * and strings inside the caller's buffer.  A broken rule aborts.
 *
 * Built two ways: with libFuzzer (tests/fuzz/fuzz.mk), and with
 * FUZZ_NO_MAIN by tests/unit/check_fuzz_regressions.c, which replays the seeds
 * and every past crash in `make check`.
 */
#include "module/mapping.c"      /* the module itself: see above */
#include "module/answer.c"
#include "module/nss_services.c"
#include "module/nss_protocols.c"

#include <limits.h>
#include <stdio.h>
#include <strings.h>

#include "lib/fold_equal.h"

#define MAX_KEY_ENTRIES 8 /* entries whose names and ports become keys */
#define MAX_WALK 4096     /* getservent calls per input: ranges multiply */

int fuzz_snapshot_one(const uint8_t *data, size_t size);

static void require(bool ok, const char *rule)
{
	if (!ok) {
		fprintf(stderr, "fuzz_snapshot: broken rule: %s\n", rule);
		abort();
	}
}

/* ---- putting the bytes where the module looks ------------------------- */

/* Makes `snap` the module's current snapshot (NULL: none), as a remap
 * would, in a mapping with no file behind it (snapshot_unmap skips it). */
static void install_in_module(const struct snapshot *snap)
{
	struct mapping *m = NULL;

	_nss_iana_endservent();
	_nss_iana_endprotoent();
	if (snap) {
		m = new_mapping();
		require(m != NULL, "memory for the mapping");
		m->snap = *snap;
	}
	install(m, NULL);
	/* Never due: the module must not look at NSS_IANA_DB. */
	atomic_store(&ever_checked, true);
	atomic_store(&next_check_ns, LLONG_MAX);
}

/* ---- reading the snapshot independently ------------------------------- */

/* Whether the file passed snapshot_check_records(): only then are its
 * records all readable without the reader's own checks. */
static bool sound;

static const char *entry_name(const struct snapshot *snap, uint32_t index)
{
	const char *name = snapshot_string(snap, snap->entries[index].name);
	require(name != NULL, "a validated entry name is in the pool");
	return name;
}

static const char *alias_name(const struct snapshot *snap, uint32_t alias)
{
	require(alias < snap->alias_count, "alias index inside the table");
	const char *name = snapshot_string(snap, snap->aliases[alias].name);
	require(name != NULL, "a validated alias name is in the pool");
	return name;
}

static const char *proto_name(const struct snapshot *snap, uint32_t index)
{
	const char *proto = snapshot_entry_proto(snap, &snap->entries[index]);
	require(proto != NULL, "a validated entry protocol is in the pool");
	return proto;
}

/* Metadata is only the tool's business, and the module never checks it:
 * read its strings while they stay inside the pool, as the tool does. */
static void walk_meta(const struct snapshot *snap, uint32_t offset)
{
	for (int field = 0; field < NSSIANA_META_FIELDS; field++) {
		const char *s = snapshot_string(snap, offset);
		if (s == NULL)
			return;
		offset += strnlen(s, snap->strings_size - offset) + 1;
	}
}

static void walk_entries(const struct snapshot *snap)
{
	for (uint32_t i = 0; i < snap->entry_count; i++) {
		const struct nssiana_entry *entry = &snap->entries[i];
		(void)strlen(entry_name(snap, i));
		(void)strlen(proto_name(snap, i));
		require(entry->port_first <= entry->port_last, "ranges go up");
		walk_meta(snap, entry->meta);
		for (uint32_t a = 0; a < entry->alias_count; a++) {
			(void)strlen(alias_name(snap, entry->alias_first + a));
			walk_meta(snap, snap->aliases[entry->alias_first + a].meta);
		}
	}
}

static bool entry_has_name(const struct snapshot *snap, uint32_t index,
			   const char *name)
{
	const struct nssiana_entry *entry = &snap->entries[index];
	if (fold_equal(entry_name(snap, index), name))
		return true;
	for (uint32_t a = 0; a < entry->alias_count; a++)
		if (fold_equal(alias_name(snap, entry->alias_first + a), name))
			return true;
	return false;
}

/* ---- checking an answer ------------------------------------------------ */

static bool inside(const char *p, const char *buffer, size_t buflen)
{
	return p >= buffer && p < buffer + buflen;
}

static void check_string_in_buffer(const char *s, const char *expected,
				   const char *buffer, size_t buflen)
{
	require(inside(s, buffer, buflen), "answer strings are in the buffer");
	size_t length = strnlen(s, buffer + buflen - s);
	require(s + length < buffer + buflen, "answer strings end in the buffer");
	require(strcmp(s, expected) == 0, "answer strings are the entry's");
}

/* A damaged file's answer: whatever the strings say, they and the alias
 * array lie inside the buffer and end there. */
static void check_servent_in_buffer(const struct servent *result,
				    const char *buffer, size_t buflen)
{
	const char *strings[2] = { result->s_name, result->s_proto };
	for (int i = 0; i < 2; i++) {
		require(inside(strings[i], buffer, buflen), "answer strings are in the buffer");
		require(strnlen(strings[i], buffer + buflen - strings[i]) <
			(size_t)(buffer + buflen - strings[i]), "answer strings end in the buffer");
	}
	require(inside((const char *)result->s_aliases, buffer, buflen),
		"alias array in the buffer");
	for (int a = 0; a <= NSSIANA_MAX_ALIASES; a++) {
		require(inside((const char *)&result->s_aliases[a], buffer, buflen),
			"alias array ends in the buffer");
		if (result->s_aliases[a] == NULL)
			return;
		require(inside(result->s_aliases[a], buffer, buflen),
			"alias strings are in the buffer");
	}
	require(false, "at most NSSIANA_MAX_ALIASES aliases");
}

static void check_servent(const struct snapshot *snap, uint32_t index,
			  uint16_t port, const struct servent *result,
			  const char *buffer, size_t buflen)
{
	const struct nssiana_entry *entry = &snap->entries[index];
	if (!sound) {
		check_servent_in_buffer(result, buffer, buflen);
		return;
	}
	check_string_in_buffer(result->s_name, entry_name(snap, index), buffer,
			       buflen);
	check_string_in_buffer(result->s_proto, proto_name(snap, index), buffer,
			       buflen);
	require(ntohs((uint16_t)result->s_port) == port, "answer port");
	require(inside((const char *)result->s_aliases, buffer, buflen),
		"alias array in the buffer");
	for (uint32_t a = 0; a < entry->alias_count; a++)
		check_string_in_buffer(result->s_aliases[a],
				       alias_name(snap, entry->alias_first + a),
				       buffer, buflen);
	require(result->s_aliases[entry->alias_count] == NULL,
		"alias array ends with NULL");
}

/* Buffer sizes: too small for anything, small, and enough for an entry
 * of a few dozen aliases (the walk below uses 64 KiB).  Exact allocations,
 * so ASan sees a write past them. */
static const size_t buffer_sizes[] = { 0, 24, 200, 4096 };
#define BUFFER_SIZES (sizeof buffer_sizes / sizeof buffer_sizes[0])

/* The bytes a sound entry's answer needs in an aligned buffer, or
 * SIZE_MAX past the format's limits (too many aliases or bytes). */
static size_t answer_bytes(const struct snapshot *snap, uint32_t index)
{
	const struct nssiana_entry *entry = &snap->entries[index];
	if (entry->alias_count > NSSIANA_MAX_ALIASES)
		return SIZE_MAX;
	size_t need = ((size_t)entry->alias_count + 1) * sizeof(char *) +
		      strlen(entry_name(snap, index)) + 1 +
		      strlen(proto_name(snap, index)) + 1;
	for (uint32_t a = 0; a < entry->alias_count; a++)
		need += strlen(alias_name(snap, entry->alias_first + a)) + 1;
	return need > NSSIANA_MAX_ANSWER_BYTES ? SIZE_MAX : need;
}

/* The module's answer for one call, given what the reader found. */
static void check_nss_answer(const struct snapshot *snap,
			     enum snapshot_status found, uint32_t index,
			     uint16_t port, enum nss_status status, int error,
			     const struct servent *result, const char *buffer,
			     size_t buflen)
{
	if (found == SNAPSHOT_NOT_FOUND) {
		require(status == NSS_STATUS_NOTFOUND, "miss is NOTFOUND");
		return;
	}
	if (found == SNAPSHOT_CORRUPT) {
		require(status == NSS_STATUS_UNAVAIL, "what the reader refuses is UNAVAIL");
		return;
	}
	if (sound && answer_bytes(snap, index) == SIZE_MAX) {
		require(status == NSS_STATUS_UNAVAIL, "an answer past the limits is UNAVAIL");
		return;
	}
	if (status == NSS_STATUS_TRYAGAIN) {
		require(error == ERANGE, "TRYAGAIN only for a short buffer");
		require(buflen < NSSIANA_MAX_ANSWER_BYTES, "never ERANGE at the limit");
		require(!sound || answer_bytes(snap, index) > buflen, "ERANGE only when short");
		return;
	}
	if (!sound && status == NSS_STATUS_UNAVAIL)
		return; /* a damaged record met while copying */
	require(status == NSS_STATUS_SUCCESS, "hit is SUCCESS or ERANGE");
	check_servent(snap, index, port, result, buffer, buflen);
}

/* Whether a sound file keeps within the limits the reader enforces on
 * every lookup: bucket sizes and alias counts. */
static bool buckets_within_limits(const struct snapshot_index *index)
{
	for (uint32_t b = 0; b <= index->bucket_mask; b++)
		if (index->buckets[b + 1] - index->buckets[b] > NSSIANA_MAX_BUCKET_ENTRIES)
			return false;
	return true;
}

static bool aliases_within_limits(const struct snapshot *snap)
{
	for (uint32_t i = 0; i < snap->entry_count; i++)
		if (snap->entries[i].alias_count > NSSIANA_MAX_ALIASES)
			return false;
	return true;
}
static bool within_limits;

static void lookup_name(const struct snapshot *snap, const char *name,
			const char *proto)
{
	uint32_t index = UINT32_MAX;
	enum snapshot_status found = snapshot_find_name(snap, name, proto, &index);

	require(found != SNAPSHOT_CORRUPT || !sound || !within_limits,
		"a sound file within the limits is never corrupt");
	if (found == SNAPSHOT_FOUND && sound) {
		require(index < snap->entry_count, "found entry exists");
		require(entry_has_name(snap, index, name), "found entry has the name");
		require(!proto || strcmp(proto_name(snap, index), proto) == 0,
			"found entry has the protocol");
	}
	for (size_t s = 0; s < BUFFER_SIZES; s++) {
		char *buffer = malloc(buffer_sizes[s] ? buffer_sizes[s] : 1);
		struct servent result;
		int error = 0;
		enum nss_status status = _nss_iana_getservbyname_r(
			name, proto, &result, buffer, buffer_sizes[s], &error);
		uint16_t port = found == SNAPSHOT_FOUND ?
			snap->entries[index].port_first : 0;
		if (found == SNAPSHOT_FOUND && status == NSS_STATUS_SUCCESS)
			require(fold_equal(result.s_name, name) || !sound ||
				entry_has_name(snap, index, name),
				"a by-name answer has the name");
		check_nss_answer(snap, found, index, port, status, error,
				 &result, buffer, buffer_sizes[s]);
		free(buffer);
	}
}

static void lookup_port(const struct snapshot *snap, uint16_t port,
			const char *proto)
{
	uint32_t index = UINT32_MAX;
	enum snapshot_status found = snapshot_find_port(snap, port, proto, &index);

	require(found != SNAPSHOT_CORRUPT || !sound || !within_limits,
		"a sound file within the limits is never corrupt");
	if (found == SNAPSHOT_FOUND && sound) {
		require(index < snap->entry_count, "found entry exists");
		require(port >= snap->entries[index].port_first &&
			port <= snap->entries[index].port_last,
			"found entry covers the port");
		require(!proto || strcmp(proto_name(snap, index), proto) == 0,
			"found entry has the protocol");
	}
	for (size_t s = 0; s < BUFFER_SIZES; s++) {
		char *buffer = malloc(buffer_sizes[s] ? buffer_sizes[s] : 1);
		struct servent result;
		int error = 0;
		enum nss_status status = _nss_iana_getservbyport_r(
			htons(port), proto, &result, buffer, buffer_sizes[s], &error);
		check_nss_answer(snap, found, index, port, status, error,
				 &result, buffer, buffer_sizes[s]);
		free(buffer);
	}
}

/* ---- the lookups -------------------------------------------------------- */

static const char *const fixed_names[] = { "http", "HTTP", "www", "", "x11" };
static const char *const fixed_protos[] = { "tcp", "", "TCP" };
static const uint16_t fixed_ports[] = { 0, 1, 80, 6010, 65535 };

static void lookup_everything_by(const struct snapshot *snap, const char *proto)
{
	char upper[64];

	for (size_t i = 0; i < sizeof fixed_names / sizeof *fixed_names; i++)
		lookup_name(snap, fixed_names[i], proto);
	for (size_t i = 0; i < sizeof fixed_ports / sizeof *fixed_ports; i++)
		lookup_port(snap, fixed_ports[i], proto);
	for (uint32_t i = 0; sound && i < snap->entry_count && i < MAX_KEY_ENTRIES; i++) {
		const struct nssiana_entry *entry = &snap->entries[i];
		const char *name = entry_name(snap, i);
		lookup_name(snap, name, proto);
		size_t length = strnlen(name, sizeof upper - 1);
		for (size_t c = 0; c < length; c++)
			upper[c] = name[c] >= 'a' && name[c] <= 'z' ?
				name[c] - 'a' + 'A' : name[c];
		upper[length] = '\0';
		lookup_name(snap, upper, proto);
		if (entry->alias_count)
			lookup_name(snap, alias_name(snap, entry->alias_first), proto);
		lookup_port(snap, entry->port_first, proto);
		lookup_port(snap, entry->port_last, proto);
		lookup_port(snap, (uint16_t)(entry->port_last + 1), proto);
	}
}

static void lookup_everything(const struct snapshot *snap)
{
	lookup_everything_by(snap, NULL);
	for (size_t i = 0; i < sizeof fixed_protos / sizeof *fixed_protos; i++)
		lookup_everything_by(snap, fixed_protos[i]);
	for (uint32_t p = 0; p < snap->protocol_count && p < 2; p++) {
		const char *proto = snapshot_string(snap, snap->protocols[p]);
		require(proto != NULL, "parse checks the protocols");
		lookup_everything_by(snap, proto);
	}
}

/* getservent: each entry in order, each port of its range, then NOTFOUND;
 * a short buffer in between must not move the cursor. */
static void walk_getservent(const struct snapshot *snap)
{
	char *buffer = malloc(1 << 16);
	char tiny[8];
	struct servent result;
	int error = 0, calls = 0;

	require(_nss_iana_setservent(0) == NSS_STATUS_SUCCESS, "setservent");
	if (!sound) { /* each answer in the buffer, and an end */
		for (calls = 0; calls < MAX_WALK; calls++) {
			enum nss_status status = _nss_iana_getservent_r(
				&result, buffer, 1 << 16, &error);
			if (status != NSS_STATUS_SUCCESS) {
				require(status == NSS_STATUS_NOTFOUND ||
					status == NSS_STATUS_UNAVAIL, "a walk ends");
				break;
			}
			check_servent_in_buffer(&result, buffer, 1 << 16);
		}
		goto out;
	}
	for (uint32_t i = 0; i < snap->entry_count && calls < MAX_WALK; i++) {
		const struct nssiana_entry *entry = &snap->entries[i];
		for (uint32_t port = entry->port_first;
		     port <= entry->port_last && calls < MAX_WALK; port++, calls++) {
			bool too_big = answer_bytes(snap, i) == SIZE_MAX;
			if (calls == 1) {
				enum nss_status short_status = _nss_iana_getservent_r(
					&result, tiny, sizeof tiny, &error);
				require(too_big ? short_status == NSS_STATUS_UNAVAIL :
					short_status == NSS_STATUS_TRYAGAIN && error == ERANGE,
					"tiny buffer is ERANGE, or UNAVAIL past the limits");
			}
			enum nss_status status = _nss_iana_getservent_r(
				&result, buffer, 1 << 16, &error);
			if (too_big) {
				require(status == NSS_STATUS_UNAVAIL,
					"a walk meeting an entry past the limits is UNAVAIL");
				goto out;
			}
			require(status == NSS_STATUS_SUCCESS, "walk answers");
			check_servent(snap, i, (uint16_t)port, &result, buffer,
				      1 << 16);
		}
	}
	if (calls < MAX_WALK)
		require(_nss_iana_getservent_r(&result, buffer, 1 << 16, &error) ==
			NSS_STATUS_NOTFOUND, "walk ends with NOTFOUND");
out:
	_nss_iana_endservent();
	free(buffer);
}

/* ---- the protocols database --------------------------------------------- */

static void check_protoent_in_buffer(const struct protoent *result,
				     const char *buffer, size_t buflen)
{
	require(inside(result->p_name, buffer, buflen), "protocol name in the buffer");
	require(strnlen(result->p_name, buffer + buflen - result->p_name) <
		(size_t)(buffer + buflen - result->p_name), "protocol name ends in the buffer");
	require(inside((const char *)result->p_aliases, buffer, buflen),
		"protocol alias array in the buffer");
	for (int a = 0; a <= NSSIANA_MAX_ALIASES; a++) {
		require(inside((const char *)&result->p_aliases[a], buffer, buflen),
			"protocol alias array ends in the buffer");
		if (result->p_aliases[a] == NULL)
			return;
		require(inside(result->p_aliases[a], buffer, buflen),
			"protocol alias strings are in the buffer");
		require(strnlen(result->p_aliases[a], buffer + buflen - result->p_aliases[a]) <
			(size_t)(buffer + buflen - result->p_aliases[a]),
			"protocol alias strings end in the buffer");
	}
	require(false, "at most NSSIANA_MAX_ALIASES protocol aliases");
}

static bool protoent_has_name(const struct protoent *result, const char *name)
{
	if (fold_equal(result->p_name, name))
		return true;
	for (char **a = result->p_aliases; *a; a++)
		if (fold_equal(*a, name))
			return true;
	return false;
}

/* One status of a protocol entry point, checked; `sound`: the answer must
 * also be the one asked for. */
static void check_proto_answer(enum nss_status status, int error,
			       const struct protoent *result, const char *buffer,
			       size_t buflen, bool sound_file, const char *name,
			       uint32_t number)
{
	if (status == NSS_STATUS_TRYAGAIN) {
		require(error == ERANGE, "protocol TRYAGAIN is ERANGE");
		require(buflen < NSSIANA_MAX_ANSWER_BYTES, "protocol ERANGE below the limit");
		return;
	}
	require(status == NSS_STATUS_SUCCESS || status == NSS_STATUS_NOTFOUND ||
		status == NSS_STATUS_UNAVAIL, "protocol status is one of four");
	if (status != NSS_STATUS_SUCCESS)
		return;
	check_protoent_in_buffer(result, buffer, buflen);
	if (sound_file && name)
		require(protoent_has_name(result, name), "protocol by name answers that name");
	if (sound_file && !name)
		require((uint32_t)result->p_proto == number, "protocol by number answers that number");
}

static void lookup_protocol(const char *name, uint32_t number, bool sound_file)
{
	for (size_t b = 0; b < sizeof buffer_sizes / sizeof buffer_sizes[0]; b++) {
		size_t buflen = buffer_sizes[b];
		char *buffer = malloc(buflen ? buflen : 1);
		struct protoent result;
		int error = 0;
		enum nss_status status = name
			? _nss_iana_getprotobyname_r(name, &result, buffer, buflen, &error)
			: _nss_iana_getprotobynumber_r((int)number, &result, buffer, buflen, &error);
		check_proto_answer(status, error, &result, buffer, buflen, sound_file, name, number);
		free(buffer);
	}
}

static void walk_getprotoent(uint32_t entry_count)
{
	char buffer[4096];
	struct protoent result;
	int error = 0;
	uint32_t found = 0;

	_nss_iana_setprotoent(0);
	for (int i = 0; i < MAX_WALK; i++) {
		size_t buflen = i % 7 == 3 ? 24 : sizeof buffer;
		enum nss_status status = _nss_iana_getprotoent_r(&result, buffer, buflen, &error);
		check_proto_answer(status, error, &result, buffer, buflen, false, NULL, 0);
		if (status == NSS_STATUS_SUCCESS)
			found++;
		else if (status != NSS_STATUS_TRYAGAIN)
			break;
	}
	require(found <= entry_count, "a protocol walk returns each entry at most once");
	_nss_iana_endprotoent();
}

static void exercise_protocols(const struct snapshot *snap)
{
	static const char *const names[] = { "tcp", "TCP", "ip", "", "ipv6-icmp", "Mobility-Header" };
	static const uint32_t numbers[] = { 0, 6, 58, 255, 262, UINT32_MAX };
	struct proto_snapshot p;
	const char *why = proto_snapshot_parse(&p, snap);
	char buffer[256];
	struct protoent result;
	int error = 0;

	if (why || !p.summary) {
		require(_nss_iana_getprotobyname_r("tcp", &result, buffer, sizeof buffer,
						   &error) == NSS_STATUS_UNAVAIL,
			"no protocols: by name is UNAVAIL");
		require(_nss_iana_getprotobynumber_r(6, &result, buffer, sizeof buffer,
						     &error) == NSS_STATUS_UNAVAIL,
			"no protocols: by number is UNAVAIL");
		return;
	}
	bool sound_file = sound && proto_snapshot_check_records(&p) == NULL;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		lookup_protocol(names[i], 0, sound_file);
	for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
		lookup_protocol(NULL, numbers[i], sound_file);
	for (uint32_t i = 0; sound_file && i < p.entry_count && i < MAX_KEY_ENTRIES; i++) {
		lookup_protocol(proto_string(&p, p.entries[i].name), 0, true);
		lookup_protocol(NULL, p.entries[i].number, true);
	}
	walk_getprotoent(p.entry_count);
}

static void expect_unavailable(void)
{
	char buffer[256];
	struct servent result;
	int error = 0;

	require(_nss_iana_getservbyname_r("http", "tcp", &result, buffer,
					  sizeof buffer, &error) == NSS_STATUS_UNAVAIL,
		"rejected file: by name is UNAVAIL");
	require(_nss_iana_getservbyport_r(htons(80), NULL, &result, buffer,
					  sizeof buffer, &error) == NSS_STATUS_UNAVAIL,
		"rejected file: by port is UNAVAIL");
	require(_nss_iana_setservent(0) == NSS_STATUS_UNAVAIL,
		"rejected file: setservent is UNAVAIL");
	require(_nss_iana_getservent_r(&result, buffer, sizeof buffer, &error) ==
		NSS_STATUS_UNAVAIL, "rejected file: getservent is UNAVAIL");
	struct protoent proto;
	require(_nss_iana_getprotobyname_r("tcp", &proto, buffer, sizeof buffer,
					   &error) == NSS_STATUS_UNAVAIL,
		"rejected file: protocol by name is UNAVAIL");
	require(_nss_iana_getprotoent_r(&proto, buffer, sizeof buffer, &error) ==
		NSS_STATUS_UNAVAIL, "rejected file: getprotoent is UNAVAIL");
}

/* Parses `size` bytes at `copy` (malloc'd, so aligned as a mapping is) and
 * runs everything on them.  Returns whether the file was accepted. */
static bool exercise(const unsigned char *copy, size_t size)
{
	struct snapshot snap;

	if (snapshot_parse(&snap, copy, size) != NULL) {
		install_in_module(NULL);
		expect_unavailable();
		return false;
	}
	require(snap.size == size && snap.base == copy, "parse keeps the bytes");
	sound = snapshot_check_records(&snap) == NULL;
	within_limits = sound && buckets_within_limits(&snap.names) &&
			buckets_within_limits(&snap.ports) &&
			aliases_within_limits(&snap);
	install_in_module(&snap);
	if (sound)
		walk_entries(&snap);
	lookup_everything(&snap);
	walk_getservent(&snap);
	exercise_protocols(&snap);
	install_in_module(NULL);
	return true;
}

int fuzz_snapshot_one(const uint8_t *data, size_t size)
{
	unsigned char *copy = malloc(size ? size : 1);

	memcpy(copy, data, size);
	if (!exercise(copy, size) && size >= sizeof(struct nssiana_header)) {
		/* Mutations that change the length would all die at the
		 * file_size check: let them reach the sections too. */
		struct nssiana_header *header = (struct nssiana_header *)copy;
		if (header->file_size != size) {
			header->file_size = (uint32_t)size;
			exercise(copy, size);
		}
	}
	free(copy);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_snapshot_one(data, size);
}
#endif
