/*
 * snapshot_write.h - turning the registry into snapshot bytes, and putting
 * them on disk so that no reader ever sees a half-written file.
 */
#ifndef NSS_IANA_SNAPSHOT_WRITE_H
#define NSS_IANA_SNAPSHOT_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "compiler/registry.h"

struct snapshot_image {
	unsigned char *data; /* malloc'd */
	size_t size;
};

/* Why a registry does not fit the format. */
struct build_error {
	long row;          /* the index in reg->rows of the row at fault, or -1 */
	char message[160]; /* an English reason, without the position */
};

/* Builds the snapshot of `reg`, with the optional sections CONTACTS and
 * PREFERENCE when `reg` has contacts or a preference.  Returns 0, or -1
 * with *error filled when
 * the registry does not fit the format (snapshot_format.h: more than 256
 * protocols, more than NSSIANA_MAX_BUCKET_ENTRIES entries that no number
 * of buckets can separate, a file over NSSIANA_MAX_FILE_SIZE, ...).  An
 * index's buckets are doubled as long as that keeps a bucket within its
 * limit, so the registry's usual layout is kept whenever it fits. */
int snapshot_build(const struct registry *reg, struct snapshot_image *image,
		   struct build_error *error);
void snapshot_image_free(struct snapshot_image *image);

/* Writes all `size` bytes to `fd`, again after a short write or EINTR.
 * Returns 0 or an errno value (EIO if write wrote nothing). */
int write_all(int fd, const void *data, size_t size);

/* Writes `size` bytes to `path` through a temporary file in the same
 * directory: write, fsync, rename, fsync the directory.  A file replaced
 * keeps its owner, group and mode (EPERM, and nothing replaced, if they
 * cannot be kept); a new one is 0644.  The rename gives `path` a new
 * inode: other hard links to the old file keep the old content.  On
 * failure the file at `path` is left exactly as it was and the temporary
 * file is gone.  Where the filesystem allows, the temporary file is made
 * unnamed (O_TMPFILE) and named only once written and synced, so that not
 * even SIGKILL leaves a partial file.  Returns 0 or an errno value. */
int write_file_atomic(const char *path, const void *data, size_t size);

#endif
