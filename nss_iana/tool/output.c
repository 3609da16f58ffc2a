/*
 * tool/output.c - where `-o FILE` (and update's --db and --export-services)
 * may write, and the write itself.
 *
 * A path names one of three things:
 *   - a stream the process already holds: "-", /dev/stdout, /dev/stderr,
 *     /dev/fd/N.  Written to that descriptor, as bash and gawk read these
 *     names; never looked up in the filesystem, so /dev/stdout, a symlink
 *     shared by the whole system, is never replaced, even by root;
 *   - an existing FIFO or character device (/dev/null, a terminal, a pipe
 *     reached through a symlink such as bash's >(...)): opened and written,
 *     never replaced.  Only where the caller allows streams;
 *   - a regular file, new or existing, or a symlink to an existing regular
 *     file: replaced atomically.  A symlink is resolved (realpath) and its
 *     target replaced in the target's own directory, so the link stays and
 *     the rename stays within one filesystem.
 * Anything else (a directory, a socket, a block device, a dangling
 * symlink) is refused with a message and never touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool/tool.h"

/* The descriptor a special name stands for, or -1. */
static int named_descriptor(const char *path)
{
	if (strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0)
		return STDOUT_FILENO;
	if (strcmp(path, "/dev/stderr") == 0)
		return STDERR_FILENO;
	if (strncmp(path, "/dev/fd/", 8) != 0 || !path[8])
		return -1;
	char *end;
	errno = 0;
	long fd = strtol(path + 8, &end, 10);
	if (*end || errno || fd < 0 || fd > INT_MAX || path[8] == '-' ||
	    path[8] == '+')
		return -1;
	return (int)fd;
}

static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	return "not a regular file";
}

static int refuse(const char *path, const char *why, char *err,
		  size_t err_size)
{
	snprintf(err, err_size, "%s: %s; it is left untouched", path, why);
	return -1;
}

static int path_error(const char *path, int error, char *err,
		      size_t err_size)
{
	snprintf(err, err_size, "%s: %s", path, strerror(error));
	return -1;
}

/* Records `path` as the name to open or replace. */
static int set_output_path(const char *path, struct tool_output *out, char *err,
		      size_t err_size)
{
	if (strlen(path) >= sizeof(out->path))
		return path_error(path, ENAMETOOLONG, err, err_size);
	strcpy(out->path, path);
	return 0;
}

int tool_output_resolve(const char *path, bool streams_ok,
			struct tool_output *out, char *err, size_t err_size)
{
	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (!path || !*path)
		return refuse("\"\"", "an empty file name", err, err_size);
	int fd = named_descriptor(path);
	if (fd >= 0) {
		if (!streams_ok)
			return refuse(path, "must be a file, not a stream",
				      err, err_size);
		out->fd = fd;
		snprintf(out->path, sizeof(out->path), "%s",
			 fd == STDOUT_FILENO ? "standard output" : path);
		return 0;
	}
	struct stat link_st, st;
	if (lstat(path, &link_st) != 0) {
		if (errno != ENOENT)
			return path_error(path, errno, err, err_size);
		/* A new file: the atomic write reports a missing directory. */
		return set_output_path(path, out, err, err_size);
	}
	if (stat(path, &st) != 0)
		return refuse(path, errno == ENOENT ? "a symlink to a missing file"
			      : strerror(errno), err, err_size);
	if (S_ISREG(st.st_mode)) {
		if (!S_ISLNK(link_st.st_mode))
			return set_output_path(path, out, err, err_size);
		return realpath(path, out->path) ? 0 :
		       path_error(path, errno, err, err_size);
	}
	if (streams_ok && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))) {
		out->open_stream = true;
		return set_output_path(path, out, err, err_size);
	}
	char why[128];
	snprintf(why, sizeof(why), "exists and is %s, not a regular file%s",
		 file_kind(st.st_mode),
		 S_ISLNK(link_st.st_mode) ? " (through a symlink)" : "");
	return refuse(path, why, err, err_size);
}

int tool_write_file_atomic(const char *path, const void *data, size_t size)
{
	struct tool_signal_hold hold;
	tool_hold_signals(&hold);
	int rc = write_file_atomic(path, data, size);
	int sig = tool_release_signals(&hold, 0);
	if (sig) {
		tool_error("interrupted by signal %d: %s was %s", sig, path,
			   rc ? "left as it was" : "written whole first");
		tool_die_of(sig);
	}
	return rc;
}

int tool_output_write(const struct tool_output *out, const void *data,
		      size_t size, char *err, size_t err_size)
{
	int rc;
	if (out->fd >= 0) {
		/* stdio may hold earlier output for the same descriptor. */
		fflush(stdout);
		rc = write_all(out->fd, data, size);
	} else if (out->open_stream) {
		int fd = open(out->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		rc = fd < 0 ? errno : write_all(fd, data, size);
		if (fd >= 0 && close(fd) != 0 && !rc)
			rc = errno;
	} else {
		rc = tool_write_file_atomic(out->path, data, size);
	}
	if (rc == EPERM && out->fd < 0 && !out->open_stream)
		snprintf(err, err_size, "%s: cannot keep its owner and group "
			 "(%s): left as it was; replace it as root or as its "
			 "owner", out->path, strerror(rc));
	else if (rc != 0)
		snprintf(err, err_size, "%s: %s", out->path, strerror(rc));
	return rc ? -1 : 0;
}

bool tool_output_is_stdout(const struct tool_output *out)
{
	if (out->fd == STDOUT_FILENO)
		return true;
	if (out->fd < 0 && !out->open_stream)
		return false; /* a file replaced: a new inode, never stdout's */
	struct stat target, standard;
	int rc = out->fd >= 0 ? fstat(out->fd, &target) : stat(out->path, &target);
	/* A character device (/dev/null, a terminal) holds no file that the
	 * summary could corrupt. */
	return rc == 0 && !S_ISCHR(target.st_mode) &&
	       fstat(STDOUT_FILENO, &standard) == 0 &&
	       target.st_dev == standard.st_dev && target.st_ino == standard.st_ino;
}

int tool_write_output(const char *path, bool streams_ok, const void *data,
		      size_t size, char *err, size_t err_size)
{
	struct tool_output out;
	if (tool_output_resolve(path, streams_ok, &out, err, err_size) != 0)
		return -1;
	return tool_output_write(&out, data, size, err, err_size);
}

/* `path` made absolute, its directory resolved: what a file that does not
 * exist yet would be called once created.  False if the directory does
 * not resolve either. */
static bool resolved_name(const char *path, char *out, size_t size)
{
	char *copy = strdup(path);
	if (!copy)
		return false;
	char *slash = strrchr(copy, '/');
	const char *dir = slash == copy ? "/" : slash ? (*slash = '\0', copy) : ".";
	const char *base = slash ? slash + 1 : copy;
	char real_dir[PATH_MAX];
	bool ok = realpath(dir, real_dir) &&
		  snprintf(out, size, "%s/%s", strcmp(real_dir, "/") ? real_dir : "",
			   base) < (int)size;
	free(copy);
	return ok;
}

bool tool_same_file(const char *a, const char *b)
{
	if (!a || !b || !*a || !*b || strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
		return false;
	struct stat sa, sb;
	bool a_exists = stat(a, &sa) == 0, b_exists = stat(b, &sb) == 0;
	if (a_exists && b_exists)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	if (a_exists || b_exists)
		return false;
	char ra[PATH_MAX + 256], rb[PATH_MAX + 256];
	return resolved_name(a, ra, sizeof(ra)) && resolved_name(b, rb, sizeof(rb)) &&
	       strcmp(ra, rb) == 0;
}

int tool_output_refuse_same(const struct tool_output *out, const char *option,
			    const char *other, const char *other_what,
			    char *err, size_t err_size)
{
	/* A descriptor or a stream is written, never replaced: only a file
	 * replaced can destroy what another argument names. */
	if (out->fd >= 0 || out->open_stream || !tool_same_file(out->path, other))
		return 0;
	snprintf(err, err_size, "%s %s is %s (%s): refusing to write over it; "
		 "nothing was written (give another file)", option, out->path,
		 other_what, other);
	return -1;
}
