/*
 * compile.c - the compile pipeline declared in compile.h.
 */
#include "compiler/compile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler/csv.h"
#include "compiler/prefer.h"
#include "compiler/xml.h"
#include "reader/checksum.h"

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
	bool standard_input = strcmp(path, "-") == 0;
	int fd = standard_input ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	int error;

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
	if (!standard_input)
		close(fd);
	return error;
}

const char *input_encoding_problem(const char *data, size_t size)
{
	const unsigned char *p = (const unsigned char *)data;
	if (size >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return "gzip-compressed data, not the registry: the server sent "
		       "it compressed (Content-Encoding: gzip) or this is a .gz "
		       "file; give the uncompressed file";
	if (size >= 2 && ((p[0] == 0xff && p[1] == 0xfe) ||
			  (p[0] == 0xfe && p[1] == 0xff)))
		return "UTF-16 text (with a byte-order mark); the registry is "
		       "read as UTF-8: convert it, e.g. iconv -f UTF-16 -t UTF-8";
	/* Without a mark, UTF-16 of ASCII text has a NUL in its first two
	 * bytes; neither the CSV nor the XML ever does. */
	if (size >= 2 && (p[0] == 0 || p[1] == 0))
		return "UTF-16 text (a NUL byte in the first two bytes); the "
		       "registry is read as UTF-8: convert it, e.g. iconv -f "
		       "UTF-16 -t UTF-8";
	return NULL;
}

/* `path` made absolute against the working directory (not resolved: a
 * symlink stays a symlink, so that the file it names is what counts), so
 * that a recorded preference means the same file from any directory.
 * malloc'd; NULL if memory ran out or the directory is unknown. */
char *absolute_path(const char *path)
{
	if (path[0] == '/')
		return strdup(path);
	char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return NULL;
	while (path[0] == '.' && path[1] == '/')
		for (path += 2; *path == '/'; path++)
			;
	size_t size = strlen(cwd) + 1 + strlen(path) + 1;
	char *joined = malloc(size);
	if (joined)
		snprintf(joined, size, "%s%s%s", cwd,
			 strcmp(cwd, "/") == 0 ? "" : "/", path);
	free(cwd);
	return joined;
}

int read_regular_file(const char *path, char **data, size_t *size)
{
	struct stat before, st;

	if (stat(path, &before) != 0)
		return errno;
	if (S_ISDIR(before.st_mode))
		return EISDIR;
	if (!S_ISREG(before.st_mode))
		return EINVAL;
	if ((uint64_t)before.st_size > INPUT_MAX_FILE_SIZE)
		return EFBIG;
	/* O_NONBLOCK: a FIFO put there since the stat() cannot block the
	 * open(), and the fstat() below refuses it. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), error;
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) != 0)
		error = errno;
	else if (!S_ISREG(st.st_mode) || st.st_dev != before.st_dev ||
		 st.st_ino != before.st_ino)
		error = EINVAL;
	else if ((uint64_t)st.st_size > INPUT_MAX_FILE_SIZE)
		error = EFBIG;
	else
		error = read_to_end(fd, (size_t)st.st_size, data, size);
	close(fd);
	return error;
}

void read_error_message(char *err, size_t err_size, const char *path, int error)
{
	if (error == EFBIG)
		snprintf(err, err_size, "%s: file larger than %zu MiB, refusing to read it",
			 path, INPUT_MAX_FILE_SIZE >> 20);
	else if (error == EINVAL)
		snprintf(err, err_size, "%s: not a regular file (a FIFO, a device "
			 "or a socket), refusing to open it", path);
	else
		snprintf(err, err_size, "%s: %s", path, strerror(error));
}

/* ---- compiling ------------------------------------------------------------ */

/* Reads the preference file, puts its lines before the registry's
 * (prefer.h) and records it in reg->preference, under its absolute path. */
static int apply_preference(struct registry *reg, const char *given,
			    char *err, size_t err_size)
{
	char *data = NULL, *path = absolute_path(given);
	size_t size;
	uint32_t lines = 0;
	int error = path ? read_regular_file(path, &data, &size) : errno;

	if (error) {
		read_error_message(err, err_size, path ? path : given, error);
		free(path);
		return -1;
	}
	reg->preference = calloc(1, sizeof(*reg->preference));
	int status = reg->preference ? 0 : -1;
	if (status)
		snprintf(err, err_size, "%s: out of memory", path);
	else
		status = registry_prepend_services(reg, data, size, path, &lines,
						   err, err_size);
	if (status == 0) {
		reg->preference->path = path;
		reg->preference->crc32 = crc32_of(data, size);
		reg->preference->lines = lines;
		path = NULL;
	}
	free(path);
	free(data);
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
			snprintf(err, err_size, "%s:%ld:%ld: %s",
				 reg->rows[error.row].preferred
				 ? reg->preference->path : name,
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

/* The XML's contact table, from the reader to the registry rules. */
static int take_contacts(struct registry *reg, struct xml_reader *xml,
			 const char *name, char *err, size_t err_size)
{
	size_t count;
	struct record_person *people = xml_take_people(xml, &count);

	if (registry_take_contacts(reg, people, count) == 0)
		return 0;
	registry_free(reg);
	snprintf(err, err_size, "%s: out of memory", name);
	return -1;
}

/* The format is told by content: XML starts with '<', a CSV never does.
 * IANA's XML gives the same records as the CSV, and the contact table. */
int compile_data(const char *data, size_t size, const char *name,
		 const struct compile_options *options,
		 struct compiled *out, char *err, size_t err_size)
{
	memset(out, 0, sizeof(*out));
	const char *problem = input_encoding_problem(data, size);
	if (problem) {
		snprintf(err, err_size, "%s: %s", name, problem);
		return -1;
	}
	bool is_xml = xml_looks_like_xml(data, size);
	struct xml_reader *xml = is_xml ? xml_reader_new(data, size) : NULL;
	struct csv_reader *csv = is_xml ? NULL : csv_open(data, size);
	struct registry reg;

	if (!xml && !csv) {
		snprintf(err, err_size, "%s: out of memory", name);
		return -1;
	}
	struct record_reader records = xml ? xml_records(xml) : csv_records(csv);
	int status = registry_read(&reg, &records, name, err, err_size);
	if (status == 0 && xml) {
		snprintf(reg.updated, sizeof reg.updated, "%s",
			 xml_registry_updated(xml));
		status = take_contacts(&reg, xml, name, err, err_size);
	}
	if (status == 0)
		status = compile_registry(&reg, name, options, out, err, err_size);
	xml_reader_free(xml);
	csv_close(csv);
	return status;
}

int compile_file(const char *path, const struct compile_options *options,
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
	int status = compile_data(data, size, path, options, out, err, err_size);
	free(data);
	return status;
}

int compile_services_file(const char *path, struct compiled *out,
			  char *err, size_t err_size)
{
	struct registry reg;

	memset(out, 0, sizeof(*out));
	memset(&reg, 0, sizeof(reg));
	if (apply_preference(&reg, path, err, err_size) != 0) {
		registry_free(&reg);
		return -1;
	}
	return compile_registry(&reg, path, NULL, out, err, err_size);
}

void compiled_free(struct compiled *compiled)
{
	snapshot_image_free(&compiled->image);
	memset(compiled, 0, sizeof(*compiled));
}
