/*
 * xml.h - a reader for IANA's XML publication of the registry
 * (service-names-port-numbers.xml), giving the same fields, with the same
 * text, as IANA's CSV export of it.
 *
 * It reads from memory, with expat, one record at a time.  Each <record>
 * becomes the 12 fields of the CSV export, in the CSV's column order
 * (enum xml_service_field).  Each <person> of the <people> table becomes
 * a record of its own: id, name, organization, URI, updated.
 *
 * Text is rendered as IANA's CSV export renders it (checked field by field
 * against the 2025 exports, which IANA generates from the XML):
 *   - <br/> is dropped; the text around it is kept as it is;
 *   - a line break with spaces or tabs on both sides becomes, with them,
 *     one space (the XML wraps long lines that way); every other line
 *     break and indentation is kept;
 *   - each <paragraph> starts with eight spaces;
 *   - an <xref> is written "[text]", or "[data]" when it has no text, with
 *     an "rfc" reference's data upper-cased (rfc9110 gives [RFC9110]);
 *   - the field is stripped of white space at both ends.
 * The record's <xref>s of type "person" are the Contact, written side by
 * side; its other <xref>s are the Reference.  The Assignee is the <xref>s
 * inside <assignee>, or the Contact when the record has none.  The dates
 * are the `date` and `updated` attributes, verbatim.
 *
 * The root <registry>'s <updated> is the registry's own date: kept, and
 * refused unless it is YYYY-MM-DD or YYYY-MM (xml_registry_updated).
 *
 * Elements this reader does not know are skipped, with their text,
 * outside a field, and read as text inside one, so that a new element
 * in IANA's schema loses nothing and breaks nothing.
 *
 * A field's position is where its element (or, for the dates and the id,
 * its record's start tag) is.
 *
 * Bounded for hostile input: a document type declaration (and so any
 * entity declaration: "billion laughs") is refused, elements nest at most
 * XML_MAX_DEPTH deep, and a field is at most RECORD_MAX_FIELD bytes, before
 * and after rendering.  What the markup may cost is bounded too, so that
 * an XML registry costs memory in proportion to what is kept, as the CSV
 * does: expat allocates through a budget of XML_PARSER_MEMORY_MAX bytes
 * (a start tag of a million attributes or namespace declarations, or a
 * million distinct element names, runs out of it and is refused), is fed
 * XML_CHUNK_SIZE bytes at a time (never a copy of the whole input), an
 * element has at most XML_MAX_ATTRIBUTES attributes, a document at most
 * XML_MAX_NAMESPACES namespace declarations and XML_MAX_PEOPLE people.
 * Errors carry the line and the column (counted in characters, from 1)
 * where expat stopped.
 *
 * Only IANA's elements are read: those in the namespace of IANA's
 * registries (XML_IANA_NAMESPACE), or in no namespace when the root
 * <registry> itself is in none (hand-written files).  An element of any
 * other namespace, such as <x:record xmlns:x="urn:other">, is skipped
 * with everything inside it.
 */
#ifndef NSS_IANA_XML_H
#define NSS_IANA_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "compiler/record.h"

#define XML_MAX_DEPTH 32 /* the registry nests 4 deep */
#define XML_MAX_ATTRIBUTES 16   /* IANA's elements have at most 3 */
#define XML_MAX_NAMESPACES 16   /* IANA's file declares 1 */
#define XML_MAX_PEOPLE 100000   /* IANA's file has some 5,600 */
#define XML_PARSER_MEMORY_MAX ((size_t)16 << 20) /* expat's own, in bytes */
#define XML_CHUNK_SIZE ((size_t)256 << 10)
#define XML_IANA_NAMESPACE "http://www.iana.org/assignments"

enum xml_record_kind {
	XML_RECORD_SERVICE, /* a <record>: XML_SERVICE_FIELDS fields */
	XML_RECORD_PERSON,  /* a <person>: XML_PERSON_FIELDS fields */
};

enum xml_service_field {
	XML_SERVICE_NAME,
	XML_SERVICE_PORT,
	XML_SERVICE_PROTOCOL,
	XML_SERVICE_DESCRIPTION,
	XML_SERVICE_ASSIGNEE,
	XML_SERVICE_CONTACT,
	XML_SERVICE_REGISTRATION_DATE,
	XML_SERVICE_MODIFICATION_DATE,
	XML_SERVICE_REFERENCE,
	XML_SERVICE_CODE,
	XML_SERVICE_UNAUTHORIZED_USE,
	XML_SERVICE_NOTES,
	XML_SERVICE_FIELDS
};

enum xml_person_field {
	XML_PERSON_ID,
	XML_PERSON_NAME,
	XML_PERSON_ORG,
	XML_PERSON_URI,
	XML_PERSON_UPDATED,
	XML_PERSON_FIELDS
};

struct xml_record {
	enum xml_record_kind kind;
	struct record_field fields[XML_SERVICE_FIELDS]; /* the kind's count used */
	size_t field_count;
	long line;        /* of the <record> or <person> start tag */
	long column;
};

struct xml_reader; /* opaque: it holds the expat parser */

/* True if `data` looks like XML rather than CSV: its first byte after an
 * optional UTF-8 byte-order mark and white space is '<'. */
bool xml_looks_like_xml(const char *data, size_t size);

/* A reader of `data` (not copied: it must outlive the reader), or NULL if
 * memory ran out. */
struct xml_reader *xml_reader_new(const char *data, size_t size);
void xml_reader_free(struct xml_reader *reader);

/* Reads the next record.  Returns 1 and points *record at it (valid until
 * the next call), 0 at the end of the document, -1 on an error (then
 * *error says where and what; the reader must not be used further). */
int xml_next(struct xml_reader *reader, const struct xml_record **record,
	     struct record_error *error);

/* The reader as a record stream (record.h) for the registry rules: the
 * names of the 12 columns, then one record per <record>.  The <person>s
 * met on the way are kept, and at the end sorted by id; two with the same
 * id are an error there. */
struct record_reader xml_records(struct xml_reader *reader);

/* Hands over the people kept by the stream (record.h: sorted by id, each
 * one allocation starting at `id`); the reader keeps none. */
struct record_person *xml_take_people(struct xml_reader *reader,
				      size_t *count);
/* The root <registry>'s <updated> (YYYY-MM-DD or YYYY-MM), once the
 * document has been read to its end; "" if it has none. */
const char *xml_registry_updated(const struct xml_reader *reader);


#endif
