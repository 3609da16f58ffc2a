/*
 * checksum.c - the CRC-32 declared in checksum.h.
 */
#include "reader/checksum.h"
#include "snapshot_format.h"

/* CRC-32/IEEE (zlib's), a byte at a time from a 256-entry table. */
static uint32_t crc32_update(uint32_t crc, const unsigned char *data, size_t size)
{
	static uint32_t table[256];

	if (table[1] == 0)
		for (uint32_t n = 0; n < 256; n++) {
			uint32_t c = n;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			table[n] = c;
		}
	for (size_t i = 0; i < size; i++)
		crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
	return crc;
}

uint32_t crc32_of(const void *data, size_t size)
{
	return crc32_update(0xFFFFFFFFu, data, size) ^ 0xFFFFFFFFu;
}

uint32_t snapshot_checksum(const unsigned char *data, size_t size)
{
	static const unsigned char zero[4];
	size_t at = offsetof(struct nssiana_header, checksum);
	uint32_t crc = 0xFFFFFFFFu;

	if (size < at + sizeof zero)
		return crc32_update(crc, data, size) ^ 0xFFFFFFFFu;
	crc = crc32_update(crc, data, at);
	crc = crc32_update(crc, zero, sizeof zero);
	crc = crc32_update(crc, data + at + sizeof zero, size - at - sizeof zero);
	return crc ^ 0xFFFFFFFFu;
}
