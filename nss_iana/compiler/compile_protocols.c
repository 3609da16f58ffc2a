/*
 * compile_protocols.c - the protocols part of the compile pipeline
 * (compile.h): read the protocol numbers registry and the protocols(5)
 * preference file into one table, and check the sections written.
 */
#include "compiler/compile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader/proto_snapshot.h"

static int prefer_protocols(struct proto_table *table, const char *path,
			    char *err, size_t err_size)
{
	char *data;
	size_t size;
	int error = read_whole_file(path, &data, &size);

	if (error) {
		read_error_message(err, err_size, path, error);
		return -1;
	}
	int status = proto_table_prefer(table, data, size, path, err, err_size);
	free(data);
	return status;
}

int compile_protocols_load(const struct compile_options *options,
			   struct proto_table *table, char *err, size_t err_size)
{
	char *data;
	size_t size;
	int error;

	memset(table, 0, sizeof(*table));
	if (!options || !options->protocols) {
		if (options && options->prefer_protocols) {
			snprintf(err, err_size, "%s: a protocols(5) preference file needs "
				 "the protocol numbers registry (--protocols)",
				 options->prefer_protocols);
			return -1;
		}
		return 0;
	}
	if (options->protocols_data) {
		data = (char *)options->protocols_data;
		size = options->protocols_size;
	} else if ((error = read_whole_file(options->protocols, &data, &size))) {
		read_error_message(err, err_size, options->protocols, error);
		return -1;
	}
	int status = proto_table_load(table, data, size, options->protocols,
				      err, err_size);
	if (!options->protocols_data)
		free(data);
	if (status == 0 && options->prefer_protocols &&
	    prefer_protocols(table, options->prefer_protocols, err, err_size) != 0) {
		proto_table_free(table);
		return -1;
	}
	return status;
}

const char *compile_protocols_check(const struct snapshot *snap)
{
	struct proto_snapshot protocols;
	const char *why = proto_snapshot_parse(&protocols, snap);

	return why ? why : proto_snapshot_check_records(&protocols);
}
