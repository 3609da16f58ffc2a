/*
 * compile.c - the compile pipeline declared in compile.h.
 */
#include "compiler/compile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler/csv.h"
#include "compiler/prefer.h"
#include "compiler/xml.h"

/* ---- reading a file whole ------------------------------------------------- */

/* Reads fd to its end, growing the buffer; pipes and files whose size
 * changes while read are fine.  Keeps a byte past the data for a NUL, and
 * one more so that a file of exactly size_hint bytes meets its end without
 * growing the buffer. */
static int read_to_end(int fd, size_t size_hint, char **data, size_t *size)
{
	size_t capacity = size_hint + 2, used = 0;
	char *buffer = malloc(capacity);

	if (!buffer)
		return ENOMEM;
	for (;;) {
		if (used + 1 == capacity) {
			size_t larger = capacity * 2 > INPUT_MAX_FILE_SIZE + 2
				? INPUT_MAX_FILE_SIZE + 2 : capacity * 2;
			char *grown = larger > capacity ? realloc(buffer, larger) : NULL;
			if (!grown) {
				free(buffer);
				return larger > capacity ? ENOMEM : EFBIG;
			}
			buffer = grown;
			capacity = larger;
		}
		ssize_t got = read(fd, buffer + used, capacity - 1 - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int error = errno;
			free(buffer);
			return error;
		}
		if (got == 0)
			break;
		used += (size_t)got;
	}
	if (used > INPUT_MAX_FILE_SIZE) {
		free(buffer);
		return EFBIG;
	}
	buffer[used] = '\0';
	*data = buffer;
	*size = used;
	return 0;
}

int read_whole_file(const char *path, char **data, size_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), error;

	if (fd < 0)
		return errno;
	if (fstat(fd, &st) != 0)
		error = errno;
	else if (S_ISDIR(st.st_mode))
		error = EISDIR;
	else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > INPUT_MAX_FILE_SIZE)
		error = EFBIG;
	else
		error = read_to_end(fd, S_ISREG(st.st_mode) ? (size_t)st.st_size : 65536,
				    data, size);
	close(fd);
	return error;
}

void read_error_message(char *err, size_t err_size, const char *path, int error)
{
	if (error == EFBIG)
		snprintf(err, err_size, "%s: file larger than %zu MiB, refusing to read it",
			 path, INPUT_MAX_FILE_SIZE >> 20);
	else
		snprintf(err, err_size, "%s: %s", path, strerror(error));
}

/* ---- compiling ------------------------------------------------------------ */

/* Reads the preference file and records it in reg->preference.  *pref is
 * the parsed file. */
static int load_preference(struct registry *reg, const char *path,
			   struct preference **pref, char *err, size_t err_size)
{
	char *data;
	size_t size;
	int error = read_whole_file(path, &data, &size);

	if (error) {
		read_error_message(err, err_size, path, error);
		return -1;
	}
	*pref = preference_parse(data, size);
	reg->preference = calloc(1, sizeof(*reg->preference));
	if (reg->preference)
		reg->preference->path = strdup(path);
	if (*pref && reg->preference && reg->preference->path) {
		reg->preference->crc32 = crc32_of(data, size);
		reg->preference->lines = (uint32_t)preference_line_count(*pref);
	}
	free(data);
	if (!*pref || !reg->preference || !reg->preference->path) {
		snprintf(err, err_size, "%s: out of memory", path);
		return -1;
	}
	return 0;
}

static int apply_preference(struct registry *reg, const char *path,
			    char *err, size_t err_size)
{
	struct preference *pref = NULL;
	int status = load_preference(reg, path, &pref, err, err_size);

	if (status == 0 && registry_prefer(reg, pref, &reg->preference->moved) != 0) {
		snprintf(err, err_size, "%s: out of memory", path);
		status = -1;
	}
	preference_free(pref);
	return status;
}

/* From the registry rules' result to a checked snapshot; frees *reg. */
static int compile_registry(struct registry *reg, const char *name,
			    const struct compile_options *options,
			    struct compiled *out, char *err, size_t err_size)
{
	struct build_error error;
	const char *reason;

	struct proto_table protocols = { 0 };

	out->stats = reg->stats;
	if ((options && options->prefer &&
	     apply_preference(reg, options->prefer, err, err_size) != 0) ||
	    compile_protocols_load(options, &protocols, err, err_size) != 0) {
		registry_free(reg);
		return -1;
	}
	if (options && options->protocols) {
		reg->protocols = &protocols;
		out->has_protocols = true;
		out->proto_stats = protocols.stats;
	}
	int built = snapshot_build(reg, &out->image, &error);
	proto_table_free(&protocols);
	if (built != 0) {
		if (error.row >= 0)
			snprintf(err, err_size, "%s:%ld:%ld: %s", name,
				 reg->rows[error.row].line, reg->rows[error.row].column,
				 error.message);
		else
			snprintf(err, err_size, "%s: %s", name, error.message);
		registry_free(reg);
		compiled_free(out);
		return -1;
	}
	registry_free(reg);
	/* The checks every snapshot the tool opens gets (tool_open_snapshot). */
	reason = snapshot_parse(&out->snap, out->image.data, out->image.size);
	if (!reason)
		reason = snapshot_check_records(&out->snap);
	if (!reason)
		reason = compile_protocols_check(&out->snap);
	if (reason) {
		/* The writer and the reader disagree: a bug, not bad input. */
		snprintf(err, err_size,
			 "%s: internal error: the compiled snapshot is invalid: %s",
			 name, reason);
		compiled_free(out);
		return -1;
	}
	return 0;
}

int compile_records(const struct record_reader *records, const char *name,
		    struct compiled *out, char *err, size_t err_size)
{
	struct registry reg;

	memset(out, 0, sizeof(*out));
	if (registry_read(&reg, records, name, err, err_size) != 0)
		return -1;
	return compile_registry(&reg, name, NULL, out, err, err_size);
}

/* IANA's XML: the same records as the CSV, and the contact table. */
static int compile_xml(const char *data, size_t size, const char *name,
		       const struct compile_options *options,
		       struct compiled *out, char *err, size_t err_size)
{
	struct xml_reader *xml = xml_reader_new(data, size);
	struct registry reg;

	if (!xml) {
		snprintf(err, err_size, "%s: out of memory", name);
		return -1;
	}
	struct record_reader records = xml_records(xml);
	int status = registry_read(&reg, &records, name, err, err_size);
	if (status == 0) {
		reg.contacts = xml_take_people(xml, &reg.contact_count);
		status = compile_registry(&reg, name, options, out, err, err_size);
	}
	xml_reader_free(xml);
	return status;
}

static int compile_csv(const char *data, size_t size, const char *name,
		       const struct compile_options *options,
		       struct compiled *out, char *err, size_t err_size)
{
	struct csv_reader *csv = csv_open(data, size);
	struct registry reg;

	if (!csv) {
		snprintf(err, err_size, "%s: out of memory", name);
		return -1;
	}
	struct record_reader records = csv_records(csv);
	int status = registry_read(&reg, &records, name, err, err_size);
	if (status == 0)
		status = compile_registry(&reg, name, options, out, err, err_size);
	csv_close(csv);
	return status;
}

/* The format is told by content: XML starts with '<', a CSV never does. */
static int compile_input(const char *data, size_t size, const char *name,
			 const struct compile_options *options,
			 struct compiled *out, char *err, size_t err_size)
{
	memset(out, 0, sizeof(*out));
	if (xml_looks_like_xml(data, size))
		return compile_xml(data, size, name, options, out, err, err_size);
	return compile_csv(data, size, name, options, out, err, err_size);
}

int compile_data(const char *data, size_t size, const char *name,
		 struct compiled *out, char *err, size_t err_size)
{
	return compile_input(data, size, name, NULL, out, err, err_size);
}

int compile_data_with(const char *data, size_t size, const char *name,
		      const struct compile_options *options,
		      struct compiled *out, char *err, size_t err_size)
{
	return compile_input(data, size, name, options, out, err, err_size);
}

int compile_file_with(const char *path, const struct compile_options *options,
		      struct compiled *out, char *err, size_t err_size)
{
	char *data;
	size_t size;
	int error = read_whole_file(path, &data, &size);

	memset(out, 0, sizeof(*out));
	if (error) {
		read_error_message(err, err_size, path, error);
		return -1;
	}
	int status = compile_input(data, size, path, options, out, err, err_size);
	free(data);
	return status;
}

int compile_file(const char *path, struct compiled *out,
		 char *err, size_t err_size)
{
	return compile_file_with(path, NULL, out, err, err_size);
}

void compiled_free(struct compiled *compiled)
{
	snapshot_image_free(&compiled->image);
	memset(compiled, 0, sizeof(*compiled));
}
