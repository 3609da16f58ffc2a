/*
 * tool/update_protocols.c - the protocols registry's part of update,
 * declared in tool/update_protocols.h.
 */
#include "tool/update_protocols.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler/compile.h"
#include "reader/checksum.h"
#include "tool/proto_output.h"

/* Where the protocols download's validators live: DB.protocols.download. */
static void state_db(char *out, size_t size, const char *db)
{
	snprintf(out, size, "%s.protocols", db);
}

void update_protocols_defaults(struct update_protocols *up, bool services_default,
			       const struct snapshot *installed)
{
	struct proto_snapshot p;
	bool had = installed && tool_protocols(installed, &p);

	if (!up->none && !up->url && !up->file && services_default)
		up->url = TOOL_IANA_PROTOCOLS_URL;
	if (up->none)
		up->url = up->file = NULL;
	if (!update_protocols_has_source(up) && had)
		tool_say("no protocols registry given (--protocols-url or "
			 "--protocols-file): the new snapshot has no protocols database\n");
	if (up->prefer_given || !had || !p.summary->file_path)
		return;
	const char *path = proto_string(&p, p.summary->file_path);
	if (access(path, R_OK) == 0) {
		up->prefer = path;
		tool_say("protocols from %s answer first, as in the installed snapshot\n", path);
	} else {
		tool_say("%s, whose protocols answered first in the installed snapshot, "
			 "is gone: the registry's protocols alone\n", path);
	}
}

bool update_protocols_has_source(const struct update_protocols *up)
{
	return up->url || up->file;
}

bool update_protocols_same_preference(const struct update_protocols *up,
				      const struct snapshot *installed)
{
	struct proto_snapshot p;
	bool has_protocols = tool_protocols(installed, &p);
	bool had = has_protocols && p.summary->file_path;

	/* A database to add or to drop changes the snapshot too. */
	if (has_protocols != update_protocols_has_source(up))
		return false;
	if (!up->prefer || !had)
		return !up->prefer && !had;
	char *data;
	size_t size;
	if (strcmp(up->prefer, proto_string(&p, p.summary->file_path)) != 0 ||
	    read_whole_file(up->prefer, &data, &size) != 0)
		return false;
	bool same = crc32_of(data, size) == p.summary->file_crc32;
	free(data);
	return same;
}

enum fetch_result update_protocols_get(struct update_protocols *up, const char *db,
				       const struct snapshot *installed,
				       bool conditional)
{
	char state[4200];
	struct http_validators known;
	struct fetched fetched;

	update_protocols_free(up);
	if (up->file) {
		int rc = read_whole_file(up->file, &up->data, &up->size);
		if (rc != 0) {
			char err[512];
			read_error_message(err, sizeof err, up->file, rc);
			tool_error("update: %s", err);
			return FETCH_FAILED;
		}
		return FETCH_OK;
	}
	if (!up->url)
		return FETCH_NOT_MODIFIED;
	state_db(state, sizeof state, db);
	conditional = conditional && installed &&
		tool_fetch_state_load(state, up->url, installed, &known);
	enum fetch_result result = tool_fetch(up->url, conditional ? &known : NULL, &fetched);
	if (result == FETCH_OK) {
		up->data = fetched.data;
		up->size = fetched.size;
		up->fetched = true;
		up->validators = fetched.validators;
	}
	return result;
}

void update_protocols_save(const struct update_protocols *up, const char *db,
			   const struct snapshot *installed)
{
	char state[4200];

	if (!up->fetched)
		return;
	state_db(state, sizeof state, db);
	tool_fetch_state_save(state, up->url, installed, &up->validators);
}

void update_protocols_free(struct update_protocols *up)
{
	free(up->data);
	up->data = NULL;
	up->size = 0;
	up->fetched = false;
}
