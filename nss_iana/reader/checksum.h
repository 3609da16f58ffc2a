/*
 * checksum.h - the CRC-32 (zlib/IEEE) of snapshot_format.h: the writer
 * stores it in a snapshot's header and of the preference file it read;
 * `nss-iana verify` and `update` recompute both.  The tool's, not the
 * module's: the module never reads the whole file.
 */
#ifndef NSS_IANA_CHECKSUM_H
#define NSS_IANA_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 (zlib/IEEE) of `size` bytes. */
uint32_t crc32_of(const void *data, size_t size);

/* CRC-32 (zlib/IEEE) of a snapshot with its checksum field read as zero. */
uint32_t snapshot_checksum(const unsigned char *data, size_t size);

#endif
