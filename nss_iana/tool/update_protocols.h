/*
 * tool/update_protocols.h - the protocols registry's part of
 * `nss-iana update`: where it comes from, its conditional download (its
 * validators in DB.protocols.download, beside the services' DB.download),
 * and the protocols(5) file whose lines answer first.
 */
#ifndef NSS_IANA_TOOL_UPDATE_PROTOCOLS_H
#define NSS_IANA_TOOL_UPDATE_PROTOCOLS_H

#include <stdbool.h>
#include <stddef.h>

#include "reader/snapshot.h"
#include "tool/tool.h"

/* IANA's CSV export of the Assigned Internet Protocol Numbers registry
 * (it has no XML export with more in it). */
#define TOOL_IANA_PROTOCOLS_URL \
	"https://www.iana.org/assignments/protocol-numbers/protocol-numbers-1.csv"

struct update_protocols {
	const char *url;     /* --protocols-url, or the default */
	const char *file;    /* --protocols-file */
	bool none;           /* --no-protocols */
	const char *prefer;  /* --prefer-protocols, or the installed one's */
	bool prefer_given;   /* --prefer-protocols or --no-prefer-protocols */
	/* What was read or fetched: */
	char *data;          /* malloc'd; NULL: no protocols registry */
	size_t size;
	bool fetched;        /* data came from url: validators to save */
	struct http_validators validators;
};

/* Fills in the defaults: IANA's URL when the services registry comes from
 * IANA's default URL and no other source is given (a --url or --file of
 * one's own says nothing of where the protocols are: then none unless
 * --protocols-url or --protocols-file says); the installed snapshot's
 * preference file if it still exists.  Says what it chose. */
void update_protocols_defaults(struct update_protocols *up, bool services_default,
			       const struct snapshot *installed);

bool update_protocols_has_source(const struct update_protocols *up);

/* Whether compiling now gives the installed snapshot's protocols part
 * where the registry has not changed: a protocols database in both or in
 * neither, and the same preference file, unchanged, or none in both. */
bool update_protocols_same_preference(const struct update_protocols *up,
				      const struct snapshot *installed);

/* Reads the file or fetches the URL, conditionally when `conditional`
 * and validators were saved for the installed snapshot.  No source:
 * FETCH_NOT_MODIFIED with no data. */
enum fetch_result update_protocols_get(struct update_protocols *up, const char *db,
				       const struct snapshot *installed,
				       bool conditional);

/* After an install: the validators of a download, for next time. */
void update_protocols_save(const struct update_protocols *up, const char *db,
			   const struct snapshot *installed);

void update_protocols_free(struct update_protocols *up);

#endif
