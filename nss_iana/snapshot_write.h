/*
 * snapshot_write.h - turning the registry into snapshot bytes, and putting
 * them on disk so that no reader ever sees a half-written file.
 */
#ifndef NSS_IANA_SNAPSHOT_WRITE_H
#define NSS_IANA_SNAPSHOT_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "registry.h"

struct snapshot_image {
	unsigned char *data; /* malloc'd */
	size_t size;
};

/* Builds the snapshot of `reg`.  Returns NULL, or an English reason (the
 * registry does not fit the format: too many protocols, over 4 GiB, ...). */
const char *snapshot_build(const struct registry *reg,
			   struct snapshot_image *image);
void snapshot_image_free(struct snapshot_image *image);

/* CRC-32 (zlib/IEEE) of a snapshot with its checksum field read as zero. */
uint32_t snapshot_checksum(const unsigned char *data, size_t size);

/* Writes `size` bytes to `path` through a temporary file in the same
 * directory: write, fsync, rename, fsync the directory.  On failure the
 * file at `path` is left exactly as it was and the temporary file is gone.
 * Returns 0 or an errno value. */
int write_file_atomic(const char *path, const void *data, size_t size);

#endif
