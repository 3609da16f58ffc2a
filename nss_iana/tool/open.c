/*
 * tool/open.c - the snapshot a command works on: its default path, and
 * opening it, mapped from a snapshot file or compiled from a registry.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler/compile.h"
#include "tool/tool.h"

const char *tool_db_path(const char *option)
{
	if (option)
		return option;
	const char *env = getenv("NSS_IANA_DB");
	if (env && *env)
		return env;
	return NSS_IANA_DEFAULT_DB;
}

static int check_snapshot(struct tool_snapshot *ts, const char *path,
			  const void *data, size_t size, char *err,
			  size_t err_size)
{
	const char *reason = snapshot_parse(&ts->snap, data, size);
	/* The tool walks every record: check them all, once. */
	if (reason == NULL)
		reason = snapshot_check_records(&ts->snap);
	if (reason == NULL)
		reason = compile_protocols_check(&ts->snap);
	if (reason) {
		snprintf(err, err_size, "%s: not a valid snapshot: %s", path,
			 reason);
		tool_snapshot_close(ts);
		return -1;
	}
	return 0;
}

/* "-", or a pipe or a device (/dev/stdin from a pipe): not mappable, so
 * read whole instead. */
static bool is_stream(const char *path)
{
	struct stat st;
	return strcmp(path, "-") == 0 ||
	       (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode));
}

static int read_snapshot_stream(struct tool_snapshot *ts, const char *path,
				char *err, size_t err_size)
{
	char *data;
	size_t size;
	int rc = read_whole_file(path, &data, &size);
	if (rc != 0) {
		read_error_message(err, err_size, path, rc);
		return -1;
	}
	ts->image.data = (unsigned char *)data;
	ts->image.size = size;
	return 0;
}

int tool_open_snapshot(struct tool_snapshot *ts, const char *path,
		       char *err, size_t err_size)
{
	memset(ts, 0, sizeof(*ts));
	if (is_stream(path)) {
		if (read_snapshot_stream(ts, path, err, err_size) != 0)
			return -1;
		return check_snapshot(ts, path, ts->image.data, ts->image.size,
				      err, err_size);
	}
	int rc = snapshot_map_file(path, &ts->map);
	if (rc != 0) {
		memset(&ts->map, 0, sizeof(ts->map));
		snprintf(err, err_size, "%s: %s", path,
			 rc == EINVAL ? "empty, or too large to be a snapshot"
				      : strerror(rc));
		return -1;
	}
	return check_snapshot(ts, path, ts->map.addr, ts->map.size, err,
			      err_size);
}

int tool_compile_registry(struct tool_snapshot *ts, const char *path,
			  char *err, size_t err_size)
{
	struct compiled compiled;

	memset(ts, 0, sizeof(*ts));
	if (compile_file(path, NULL, &compiled, err, err_size) != 0)
		return -1;
	ts->image = compiled.image;
	ts->snap = compiled.snap;
	return 0;
}

/* True if the file starts with the snapshot magic.  A file too short to
 * hold it, or unreadable, is left to the compiler to report. */
static bool starts_with_magic(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	char head[NSSIANA_MAGIC_SIZE];
	ssize_t got = read(fd, head, sizeof(head));
	close(fd);
	return got == (ssize_t)sizeof(head) &&
	       memcmp(head, NSSIANA_MAGIC, NSSIANA_MAGIC_SIZE) == 0;
}

int tool_open_any(struct tool_snapshot *ts, const char *path,
		  char *err, size_t err_size)
{
	if (starts_with_magic(path))
		return tool_open_snapshot(ts, path, err, err_size);
	return tool_compile_registry(ts, path, err, err_size);
}

void tool_snapshot_close(struct tool_snapshot *ts)
{
	if (ts->map.addr)
		snapshot_unmap(&ts->map);
	if (ts->image.data)
		snapshot_image_free(&ts->image);
	memset(ts, 0, sizeof(*ts));
}
