/*
 * check_fuzz_regressions.c - every seed and every input a fuzzer ever
 * crashed on, replayed through the fuzzers' own harnesses, without
 * libFuzzer: tests/fuzz/{corpus,regressions}/{snapshot,csv,xml,prefer,protocols}/ *.
 *
 * The harnesses abort on a broken rule; in `make check-asan` an
 * out-of-bounds read aborts too.  Each file is its own test (a loop test,
 * in its own process), and its path is printed first, so a failure names
 * the input.
 */
#define FUZZ_NO_MAIN
#include "fuzz/fuzz_snapshot.c"
#include "fuzz/fuzz_csv.c"
#include "fuzz/fuzz_xml.c"
#include "fuzz/fuzz_prefer.c"
#include "fuzz/fuzz_protocols.c"

#include <dirent.h>

#include "testlib.h"
#include "check_main.h"

#define MAX_INPUTS 4096

struct input {
	char path[PATH_MAX];
	int (*harness)(const uint8_t *, size_t);
};

static struct input inputs[MAX_INPUTS];
static int input_count;

static int add_directory(const char *dir, int (*harness)(const uint8_t *, size_t))
{
	DIR *d = opendir(dir);
	struct dirent *entry;
	int added = 0;

	if (d == NULL)
		return 0;
	while ((entry = readdir(d)) != NULL && input_count < MAX_INPUTS) {
		if (entry->d_name[0] == '.' || strcmp(entry->d_name, "README.md") == 0)
			continue;
		snprintf(inputs[input_count].path, PATH_MAX, "%s/%s", dir,
			 entry->d_name);
		inputs[input_count++].harness = harness;
		added++;
	}
	closedir(d);
	return added;
}

static unsigned char *read_whole(const char *path, size_t *size)
{
	FILE *file = fopen(path, "rb");
	ck_assert_msg(file != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(file, 0, SEEK_END), 0);
	long length = ftell(file);
	ck_assert_int_ge(length, 0);
	rewind(file);
	unsigned char *data = malloc(length ? (size_t)length : 1);
	ck_assert_uint_eq(fread(data, 1, (size_t)length, file), (size_t)length);
	fclose(file);
	*size = (size_t)length;
	return data;
}

START_TEST(replay_one_input)
{
	size_t size;
	unsigned char *data = read_whole(inputs[_i].path, &size);

	fprintf(stderr, "replaying %s (%zu bytes)\n", inputs[_i].path, size);
	ck_assert_int_eq(inputs[_i].harness(data, size), 0);
	free(data);
}
END_TEST

static int seed_counts[5];

START_TEST(every_fuzzer_has_seeds)
{
	/* A wrong path would make every replay pass by replaying nothing. */
	ck_assert_int_ge(seed_counts[0], 3);
	ck_assert_int_ge(seed_counts[1], 3);
	ck_assert_int_ge(seed_counts[2], 3);
	ck_assert_int_ge(seed_counts[3], 3);
	ck_assert_int_ge(seed_counts[4], 3);
}
END_TEST

static Suite *replay_suite(void)
{
	Suite *suite = suite_create("fuzz regressions");
	TCase *replay = tcase_create("replay");

	seed_counts[0] = add_directory("tests/fuzz/corpus/snapshot", fuzz_snapshot_one);
	add_directory("tests/fuzz/regressions/snapshot", fuzz_snapshot_one);
	seed_counts[1] = add_directory("tests/fuzz/corpus/csv", fuzz_csv_one);
	add_directory("tests/fuzz/regressions/csv", fuzz_csv_one);
	seed_counts[2] = add_directory("tests/fuzz/corpus/xml", fuzz_xml_one);
	add_directory("tests/fuzz/regressions/xml", fuzz_xml_one);
	seed_counts[3] = add_directory("tests/fuzz/corpus/prefer", fuzz_prefer_one);
	add_directory("tests/fuzz/regressions/prefer", fuzz_prefer_one);
	seed_counts[4] = add_directory("tests/fuzz/corpus/protocols", fuzz_protocols_one);
	add_directory("tests/fuzz/regressions/protocols", fuzz_protocols_one);
	tcase_add_test(replay, every_fuzzer_has_seeds);
	tcase_add_loop_test(replay, replay_one_input, 0, input_count);
	suite_add_tcase(suite, replay);
	return suite;
}

CHECK_MAIN(replay_suite)
