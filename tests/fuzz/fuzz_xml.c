/*
 * fuzz_xml.c - arbitrary bytes as IANA's registry XML, through the reader.
 *
 * xml_next() either fails with a line, a column and a message, or gives
 * records whose fields keep the reader's promises: the kind's number of
 * fields, each NUL-terminated at its length, at most RECORD_MAX_FIELD bytes,
 * stripped of white space at both ends, free of the reader's internal
 * paragraph mark, with a position inside the document.  And it always
 * ends: the input is finite, nesting is bounded, entities are refused.
 *
 * Then the same bytes go through the compile pipeline (compile_data, which
 * tells XML from CSV by content): it fails with "fuzz.xml:" and a message,
 * or gives a snapshot that passed the module's validation, whose CONTACTS
 * section holds every person the reader saw, ids strictly increasing.
 *
 * Built with libFuzzer (tests/fuzz/fuzz.mk) and, with FUZZ_NO_MAIN, into
 * tests/check_fuzz_regressions.c for `make check`.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/compile.h"
#include "compiler/xml.h"

int fuzz_xml_one(const uint8_t *data, size_t size);

static void xml_require(bool ok, const char *rule)
{
	if (!ok) {
		fprintf(stderr, "fuzz_xml: broken rule: %s\n", rule);
		abort();
	}
}

static bool is_edge_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static void check_field(const struct record_field *field, long lines)
{
	xml_require(field->text != NULL, "a field has text");
	xml_require(strlen(field->text) == field->length,
		    "a field is NUL-terminated at its length");
	xml_require(field->length <= RECORD_MAX_FIELD, "a field is bounded");
	xml_require(memchr(field->text, '\x01', field->length) == NULL,
		    "no paragraph mark is left");
	if (field->length) {
		xml_require(!is_edge_space(field->text[0]) &&
			    !is_edge_space(field->text[field->length - 1]),
			    "a field is stripped");
	}
	xml_require(field->line >= 1 && field->line <= lines &&
		    field->column >= 1, "a field has a position");
}

static void check_record(const struct xml_record *record, long lines)
{
	if (record->kind == XML_RECORD_SERVICE) {
		xml_require(record->field_count == XML_SERVICE_FIELDS,
			    "a service record has 12 fields");
	} else {
		xml_require(record->kind == XML_RECORD_PERSON &&
			    record->field_count == XML_PERSON_FIELDS,
			    "a person record has 5 fields");
		xml_require(record->fields[XML_PERSON_ID].length > 0,
			    "a person has an id");
	}
	xml_require(record->line >= 1 && record->line <= lines &&
		    record->column >= 1, "a record has a position");
	for (size_t i = 0; i < record->field_count; i++)
		check_field(&record->fields[i], lines);
}

/* The CONTACTS section of a compiled image: its ids in order. */
static void check_contacts(const struct compiled *compiled, size_t people)
{
	const struct snapshot *snap = &compiled->snap;
	const struct nssiana_section *table =
		(const void *)(snap->base + snap->header->header_size);
	size_t found = 0;
	for (uint32_t i = 0; i < snap->header->section_count; i++) {
		if (table[i].id != NSSIANA_SECTION_CONTACTS)
			continue;
		const struct nssiana_contact *c =
			(const void *)(snap->base + table[i].offset);
		found = table[i].size / sizeof(*c);
		for (size_t k = 0; k < found; k++) {
			const char *id = snapshot_string(snap, c[k].id);
			xml_require(id && id[0], "a contact id in the pool, not empty");
			xml_require(k == 0 || strcmp(snapshot_string(snap, c[k - 1].id), id) < 0,
				    "contact ids strictly increasing");
		}
	}
	xml_require(found == people, "every person read is in CONTACTS");
}

static void compile_through_pipeline(const uint8_t *data, size_t size,
				      int read_status, size_t people)
{
	struct compiled compiled;
	char err[512];
	if (compile_data((const char *)data, size, "fuzz.xml", NULL, &compiled, err,
			 sizeof(err)) != 0) {
		xml_require(strncmp(err, "fuzz.xml:", 9) == 0 && strlen(err) > 10,
			    "a compile error names the file and says why");
		return;
	}
	if (xml_looks_like_xml((const char *)data, size)) {
		xml_require(read_status == 0, "what compiles reads");
		check_contacts(&compiled, people);
	}
	compiled_free(&compiled);
}

int fuzz_xml_one(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	long lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	/* expat counts a lone CR, and CRLF once, as a line end too. */
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n');

	struct xml_reader *reader = xml_reader_new(text, size);
	xml_require(reader != NULL, "a reader is made");
	const struct xml_record *record;
	struct record_error error;
	int status;
	size_t people = 0;
	while ((status = xml_next(reader, &record, &error)) == 1) {
		check_record(record, lines);
		people += record->kind == XML_RECORD_PERSON;
	}
	if (status < 0) {
		xml_require(error.line >= 1 && error.line <= lines &&
			    error.column >= 1, "an error has a position");
		xml_require(error.message[0] != '\0', "an error has a message");
		xml_require(xml_next(reader, &record, &error) == -1,
			    "a failed reader stays failed");
	} else {
		xml_require(xml_next(reader, &record, &error) == 0,
			    "a finished reader stays finished");
	}
	xml_reader_free(reader);
	compile_through_pipeline(data, size, status, people);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_xml_one(data, size);
}
#endif
