/*
 * xml.c - the reader of IANA's registry XML declared in xml.h.
 *
 * expat parses the whole buffer in one XML_Parse call; the end of each
 * <record> and <person> suspends it (XML_StopParser, resumable), so that
 * xml_next hands out one record at a time, as the CSV reader does, and the
 * fields need no more memory than one record's.
 *
 * Each element on the open-element stack has a role, decided by its name
 * and its parent's role: that is the whole grammar.  Text goes to one
 * field buffer at a time (`target`), raw; when the record ends, each
 * field is rendered (render_field) the way IANA's CSV export renders it.
 */
#include "compiler/xml.h"

#include "text.h"

#include <expat.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Separates namespace and local name in the names expat reports. */
#define NS_SEPARATOR '|'
/* Stands for the start of a <paragraph> in raw field text until it is
 * rendered: a control byte that XML 1.0 text cannot contain. */
#define PARAGRAPH_MARK '\x01'
#define PARAGRAPH_INDENT "        "
#define PARAGRAPH_INDENT_SIZE 8

/* What an open element is to the reader. */
enum role {
	ROLE_SKIP,     /* outside anything we read: ignored with its text */
	ROLE_REGISTRY,
	ROLE_UPDATED,  /* the registry's own date: <registry><updated> */
	ROLE_RECORD,
	ROLE_PEOPLE,
	ROLE_PERSON,
	ROLE_FIELD,    /* a field element, or any element inside one */
	ROLE_ASSIGNEE, /* only the <xref>s inside it count */
	ROLE_XREF,
};

/* The field elements: of a <record> (XML_RECORD_SERVICE) or a <person>. */
struct field_element {
	enum xml_record_kind kind;
	const char *name;
	int field;
};

static const struct field_element field_elements[] = {
	{XML_RECORD_SERVICE, "name", XML_SERVICE_NAME},
	{XML_RECORD_SERVICE, "number", XML_SERVICE_PORT},
	{XML_RECORD_SERVICE, "protocol", XML_SERVICE_PROTOCOL},
	{XML_RECORD_SERVICE, "description", XML_SERVICE_DESCRIPTION},
	{XML_RECORD_SERVICE, "sc", XML_SERVICE_CODE},
	{XML_RECORD_SERVICE, "unauthorized", XML_SERVICE_UNAUTHORIZED_USE},
	{XML_RECORD_SERVICE, "note", XML_SERVICE_NOTES},
	{XML_RECORD_PERSON, "name", XML_PERSON_NAME},
	{XML_RECORD_PERSON, "org", XML_PERSON_ORG},
	{XML_RECORD_PERSON, "uri", XML_PERSON_URI},
	{XML_RECORD_PERSON, "updated", XML_PERSON_UPDATED},
};

struct buffer {
	char *text;
	size_t length;
	size_t capacity;
};

struct field_state {
	struct buffer raw;      /* as read, PARAGRAPH_MARK for <paragraph> */
	struct buffer rendered;
	bool present;
	long line, column;
};

/* expat's allocations, counted against XML_PARSER_MEMORY_MAX: each block
 * carries its size in a header. */
struct parser_memory {
	size_t used;
	bool exhausted; /* a request was refused for the budget */
};

struct xml_reader {
	XML_Parser parser;
	struct parser_memory *memory;
	const char *data;
	size_t size;
	size_t fed;      /* bytes of data given to expat so far */
	bool suspended;  /* expat stopped inside the last chunk fed */
	bool finished;
	bool failed;
	const char *namespace; /* the root's: IANA's, or "" for none */
	const char *current_name; /* of the element on_start is at */
	unsigned namespaces;   /* declarations seen */
	struct record_error error; /* set by fail() */

	enum role roles[XML_MAX_DEPTH];
	int depth;

	struct xml_record record;
	bool record_ready;
	struct field_state fields[XML_SERVICE_FIELDS];
	int target; /* the field text goes to, or -1 */

	/* The open <xref>: where its text starts in the target's raw text,
	 * and what it is written as if it has none. */
	size_t xref_start;
	struct buffer xref_data;
	bool xref_is_rfc;

	/* The text of the root <registry>'s <updated>, and whether it was
	 * met; checked when it ends (xml_registry_updated). */
	struct buffer updated;
	bool updated_seen;

	/* The record stream (xml_records). */
	bool header_sent;
	struct record_person *people;
	size_t people_count;
	size_t people_capacity;
};

/* ---- errors and buffers -------------------------------------------------- */

__attribute__((format(printf, 2, 3)))
static void fail(struct xml_reader *reader, const char *format, ...)
{
	va_list args;

	if (reader->failed)
		return;
	reader->failed = true;
	reader->error.line = (long)XML_GetCurrentLineNumber(reader->parser);
	reader->error.column = (long)XML_GetCurrentColumnNumber(reader->parser) + 1;
	va_start(args, format);
	vsnprintf(reader->error.message, sizeof(reader->error.message), format, args);
	va_end(args);
	XML_StopParser(reader->parser, XML_FALSE);
}

static bool buffer_reserve(struct xml_reader *reader, struct buffer *buffer,
			   size_t more)
{
	if (buffer->length + more > RECORD_MAX_FIELD) {
		fail(reader, "a field longer than %u bytes", RECORD_MAX_FIELD);
		return false;
	}
	if (buffer->length + more + 1 <= buffer->capacity)
		return true;
	size_t capacity = buffer->capacity ? buffer->capacity : 256;
	while (capacity < buffer->length + more + 1)
		capacity *= 2;
	char *text = realloc(buffer->text, capacity);
	if (!text) {
		fail(reader, "out of memory");
		return false;
	}
	buffer->text = text;
	buffer->capacity = capacity;
	return true;
}

static bool buffer_append(struct xml_reader *reader, struct buffer *buffer,
			  const char *text, size_t length)
{
	if (!buffer_reserve(reader, buffer, length))
		return false;
	memcpy(buffer->text + buffer->length, text, length);
	buffer->length += length;
	buffer->text[buffer->length] = '\0';
	return true;
}

static void buffer_free(struct buffer *buffer)
{
	free(buffer->text);
	*buffer = (struct buffer){0};
}

/* ---- rendering ----------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* Writes the CSV rendering of raw[0..length) to out (room for
 * PARAGRAPH_INDENT_SIZE * length + 1 bytes) and returns its length: a line
 * break with blanks on both sides becomes one space, each PARAGRAPH_MARK
 * eight spaces, and the ends are stripped. */
static size_t render_text(const char *raw, size_t length, char *out)
{
	size_t used = 0;
	for (size_t i = 0; i < length;) {
		if (raw[i] == PARAGRAPH_MARK) {
			memcpy(out + used, PARAGRAPH_INDENT, PARAGRAPH_INDENT_SIZE);
			used += PARAGRAPH_INDENT_SIZE;
			i++;
			continue;
		}
		size_t run_end = i;
		while (run_end < length && is_blank(raw[run_end]))
			run_end++;
		if (run_end > i && run_end + 1 < length && raw[run_end] == '\n' &&
		    is_blank(raw[run_end + 1])) {
			size_t after = run_end + 1;
			while (after < length && is_blank(raw[after]))
				after++;
			out[used++] = ' ';
			i = after;
			continue;
		}
		if (run_end == i)
			run_end++;
		memcpy(out + used, raw + i, run_end - i);
		used += run_end - i;
		i = run_end;
	}
	size_t start = 0;
	while (start < used && is_space(out[start]))
		start++;
	while (used > start && is_space(out[used - 1]))
		used--;
	memmove(out, out + start, used - start);
	out[used - start] = '\0';
	return used - start;
}

static bool render_field(struct xml_reader *reader, struct field_state *field)
{
	struct buffer *out = &field->rendered;
	size_t room = field->raw.length * PARAGRAPH_INDENT_SIZE + 1;
	if (out->capacity < room) {
		char *text = realloc(out->text, room);
		if (!text) {
			fail(reader, "out of memory");
			return false;
		}
		out->text = text;
		out->capacity = room;
	}
	out->length = render_text(field->raw.text ? field->raw.text : "",
				  field->raw.length, out->text);
	if (out->length > RECORD_MAX_FIELD) {
		fail(reader, "a field longer than %u bytes", RECORD_MAX_FIELD);
		return false;
	}
	return true;
}

/* ---- records ------------------------------------------------------------- */

static const char *local_name(const char *name)
{
	const char *separator = strrchr(name, NS_SEPARATOR);
	return separator ? separator + 1 : name;
}

/* True if the element `name` ("URI|local", or "local") is in `namespace`
 * ("" for none). */
static bool in_namespace(const char *name, const char *namespace)
{
	const char *separator = strrchr(name, NS_SEPARATOR);
	size_t length = separator ? (size_t)(separator - name) : 0;
	return strlen(namespace) == length && strncmp(name, namespace, length) == 0;
}

static const char *attribute(const char **attributes, const char *name)
{
	for (int i = 0; attributes[i]; i += 2)
		if (strcmp(local_name(attributes[i]), name) == 0)
			return attributes[i + 1];
	return NULL;
}

static void here(struct xml_reader *reader, long *line, long *column)
{
	*line = (long)XML_GetCurrentLineNumber(reader->parser);
	*column = (long)XML_GetCurrentColumnNumber(reader->parser) + 1;
}

static void mark_present(struct xml_reader *reader, int field)
{
	struct field_state *state = &reader->fields[field];
	if (!state->present) {
		state->present = true;
		here(reader, &state->line, &state->column);
	}
}

/* A field taken verbatim from an attribute of the record's start tag. */
static void set_from_attribute(struct xml_reader *reader, int field,
			       const char *value)
{
	if (!value)
		return;
	mark_present(reader, field);
	buffer_append(reader, &reader->fields[field].raw, value, strlen(value));
}

static void begin_record(struct xml_reader *reader, enum xml_record_kind kind,
			 const char **attributes)
{
	for (int f = 0; f < XML_SERVICE_FIELDS; f++) {
		reader->fields[f].present = false;
		reader->fields[f].raw.length = 0;
	}
	reader->record.kind = kind;
	reader->record.field_count =
		kind == XML_RECORD_SERVICE ? XML_SERVICE_FIELDS : XML_PERSON_FIELDS;
	here(reader, &reader->record.line, &reader->record.column);
	if (kind == XML_RECORD_PERSON) {
		const char *id = attribute(attributes, "id");
		if (!id || !id[0])
			fail(reader, "a <person> without an id");
		set_from_attribute(reader, XML_PERSON_ID, id);
	} else {
		set_from_attribute(reader, XML_SERVICE_REGISTRATION_DATE,
				   attribute(attributes, "date"));
		set_from_attribute(reader, XML_SERVICE_MODIFICATION_DATE,
				   attribute(attributes, "updated"));
	}
}

static void publish_field(struct xml_reader *reader, int field, int source)
{
	struct record_field *out = &reader->record.fields[field];
	const struct field_state *state = &reader->fields[source];
	out->text = state->rendered.text ? state->rendered.text : "";
	out->length = state->rendered.length;
	out->line = state->present ? state->line : reader->record.line;
	out->column = state->present ? state->column : reader->record.column;
}

static void end_record(struct xml_reader *reader)
{
	size_t count = reader->record.field_count;
	for (size_t f = 0; f < count; f++)
		if (!render_field(reader, &reader->fields[f]))
			return;
	for (size_t f = 0; f < count; f++)
		publish_field(reader, (int)f, (int)f);
	/* Without an <assignee>, the contact is the assignee too. */
	if (reader->record.kind == XML_RECORD_SERVICE &&
	    !reader->fields[XML_SERVICE_ASSIGNEE].present)
		publish_field(reader, XML_SERVICE_ASSIGNEE, XML_SERVICE_CONTACT);
	reader->record_ready = true;
	XML_StopParser(reader->parser, XML_TRUE);
}

/* ---- elements ------------------------------------------------------------ */

static enum role begin_field(struct xml_reader *reader, int field,
			     const char *element, enum role role)
{
	/* Some people have two <uri>s: both are kept, a space apart. */
	if (reader->fields[field].present &&
	    reader->record.kind == XML_RECORD_PERSON) {
		buffer_append(reader, &reader->fields[field].raw, " ", 1);
		reader->target = field;
		return role;
	}
	if (reader->fields[field].present) {
		fail(reader, "a second <%s> in one <%s>", element,
		     reader->record.kind == XML_RECORD_SERVICE ? "record" : "person");
		return ROLE_SKIP;
	}
	mark_present(reader, field);
	reader->target = field;
	return role;
}

static enum role begin_xref(struct xml_reader *reader, int field,
			    const char **attributes)
{
	const char *type = attribute(attributes, "type");
	const char *data = attribute(attributes, "data");
	struct field_state *state = &reader->fields[field];

	mark_present(reader, field);
	reader->target = field;
	if (!buffer_append(reader, &state->raw, "[", 1))
		return ROLE_SKIP;
	reader->xref_start = state->raw.length;
	reader->xref_is_rfc = type && strcmp(type, "rfc") == 0;
	reader->xref_data.length = 0;
	if (!buffer_append(reader, &reader->xref_data, "", 0) ||
	    (data && !buffer_append(reader, &reader->xref_data, data, strlen(data))))
		return ROLE_SKIP;
	return ROLE_XREF;
}

static void end_xref(struct xml_reader *reader)
{
	struct buffer *raw = &reader->fields[reader->target].raw;
	bool has_text = false;
	for (size_t i = reader->xref_start; i < raw->length && !has_text; i++)
		has_text = !is_space(raw->text[i]);
	if (!has_text) {
		raw->length = reader->xref_start;
		struct buffer *data = &reader->xref_data;
		if (reader->xref_is_rfc)
			for (size_t i = 0; i < data->length; i++)
				if (data->text[i] >= 'a' && data->text[i] <= 'z')
					data->text[i] -= 'a' - 'A';
		if (!buffer_append(reader, raw, data->text, data->length))
			return;
	}
	buffer_append(reader, raw, "]", 1);
}

static int field_of_element(enum xml_record_kind kind, const char *name)
{
	for (size_t i = 0; i < sizeof(field_elements) / sizeof(field_elements[0]); i++)
		if (field_elements[i].kind == kind &&
		    strcmp(field_elements[i].name, name) == 0)
			return field_elements[i].field;
	return -1;
}

static enum role child_of_record(struct xml_reader *reader, const char *name,
				 const char **attributes)
{
	if (reader->record.kind == XML_RECORD_PERSON) {
		int field = field_of_element(XML_RECORD_PERSON, name);
		return field < 0 ? ROLE_SKIP
				 : begin_field(reader, field, name, ROLE_FIELD);
	}
	if (strcmp(name, "xref") == 0) {
		const char *type = attribute(attributes, "type");
		bool person = type && strcmp(type, "person") == 0;
		return begin_xref(reader, person ? XML_SERVICE_CONTACT
					  : XML_SERVICE_REFERENCE, attributes);
	}
	if (strcmp(name, "assignee") == 0)
		return begin_field(reader, XML_SERVICE_ASSIGNEE, name, ROLE_ASSIGNEE);
	int field = field_of_element(XML_RECORD_SERVICE, name);
	return field < 0 ? ROLE_SKIP : begin_field(reader, field, name, ROLE_FIELD);
}

/* Inside a field: <br/> adds nothing, <paragraph> its indent, <xref> its
 * brackets; any other element is read for its text. */
static enum role child_of_field(struct xml_reader *reader, const char *name,
				const char **attributes, enum role parent)
{
	if (strcmp(name, "br") == 0)
		return ROLE_SKIP;
	if (strcmp(name, "xref") == 0 && parent != ROLE_XREF)
		return begin_xref(reader, reader->target, attributes);
	if (strcmp(name, "paragraph") == 0) {
		char mark = PARAGRAPH_MARK;
		buffer_append(reader, &reader->fields[reader->target].raw, &mark, 1);
	}
	return parent == ROLE_XREF ? ROLE_XREF : ROLE_FIELD;
}

/* ---- the registry's own date --------------------------------------------- */

static enum role begin_updated(struct xml_reader *reader)
{
	if (reader->updated_seen) {
		fail(reader, "a second <updated> in <registry>");
		return ROLE_SKIP;
	}
	reader->updated_seen = true;
	buffer_append(reader, &reader->updated, "", 0);
	return ROLE_UPDATED;
}

/* Strips the text of white space at both ends and checks that it is a
 * date: the snapshot stores it for `stats` and `show`. */
static void end_updated(struct xml_reader *reader)
{
	struct buffer *b = &reader->updated;
	size_t start = 0;
	while (start < b->length && is_space(b->text[start]))
		start++;
	while (b->length > start && is_space(b->text[b->length - 1]))
		b->length--;
	memmove(b->text, b->text + start, b->length - start);
	b->length -= start;
	b->text[b->length] = '\0';
	if (!text_is_iana_date(b->text, b->length))
		fail(reader, "the registry's <updated> is not a date "
		     "(YYYY-MM-DD or YYYY-MM): '%.20s'", b->text);
}

static enum role role_of(struct xml_reader *reader, const char *name,
			 const char **attributes)
{
	if (reader->depth == 0) {
		if (strcmp(name, "registry") != 0)
			fail(reader, "not IANA's registry XML: the root element "
			     "is <%.40s>, not <registry>", name);
		else if (strchr(reader->current_name, NS_SEPARATOR) &&
			 !*reader->namespace)
			fail(reader, "not IANA's registry XML: <registry> is in "
			     "the namespace %.80s, not " XML_IANA_NAMESPACE,
			     reader->current_name);
		return ROLE_REGISTRY;
	}
	enum role parent = reader->roles[reader->depth - 1];
	switch (parent) {
	case ROLE_REGISTRY:
		if (reader->depth == 1 && strcmp(name, "updated") == 0)
			return begin_updated(reader);
		if (strcmp(name, "record") == 0) {
			begin_record(reader, XML_RECORD_SERVICE, attributes);
			return ROLE_RECORD;
		}
		if (strcmp(name, "people") == 0)
			return ROLE_PEOPLE;
		return strcmp(name, "registry") == 0 ? ROLE_REGISTRY : ROLE_SKIP;
	case ROLE_PEOPLE:
		if (strcmp(name, "person") != 0)
			return ROLE_SKIP;
		begin_record(reader, XML_RECORD_PERSON, attributes);
		return ROLE_PERSON;
	case ROLE_RECORD:
	case ROLE_PERSON:
		return child_of_record(reader, name, attributes);
	case ROLE_ASSIGNEE:
		return strcmp(name, "xref") == 0
		       ? begin_xref(reader, XML_SERVICE_ASSIGNEE, attributes)
		       : ROLE_SKIP;
	case ROLE_FIELD:
	case ROLE_XREF:
		return child_of_field(reader, name, attributes, parent);
	case ROLE_SKIP:
	case ROLE_UPDATED:
		break;
	}
	return ROLE_SKIP;
}

static void XMLCALL on_start(void *user, const XML_Char *name,
			     const XML_Char **attributes)
{
	struct xml_reader *reader = user;
	if (reader->failed)
		return;
	if (reader->depth >= XML_MAX_DEPTH) {
		fail(reader, "elements nested deeper than %d", XML_MAX_DEPTH);
		return;
	}
	int count = 0;
	while (attributes[count])
		count += 2;
	if (count / 2 > XML_MAX_ATTRIBUTES) {
		fail(reader, "an element with more than %d attributes (IANA's "
		     "have at most 3)", XML_MAX_ATTRIBUTES);
		return;
	}
	reader->current_name = name;
	if (reader->depth == 0)
		reader->namespace = in_namespace(name, XML_IANA_NAMESPACE)
				    ? XML_IANA_NAMESPACE : "";
	/* Another namespace's element is not IANA's, whatever its name:
	 * skipped, and everything inside it with it. */
	enum role role = ROLE_SKIP;
	if (reader->depth == 0 || in_namespace(name, reader->namespace))
		role = role_of(reader, local_name(name), attributes);
	reader->roles[reader->depth++] = role;
}

static void XMLCALL on_namespace(void *user, const XML_Char *prefix,
				 const XML_Char *uri)
{
	struct xml_reader *reader = user;
	(void)prefix; (void)uri;
	if (!reader->failed && ++reader->namespaces > XML_MAX_NAMESPACES)
		fail(reader, "more than %d namespace declarations (IANA's "
		     "registry has 1)", XML_MAX_NAMESPACES);
}

static void XMLCALL on_end(void *user, const XML_Char *name)
{
	struct xml_reader *reader = user;
	(void)name;
	if (reader->failed || reader->depth == 0)
		return;
	enum role role = reader->roles[--reader->depth];
	enum role parent = reader->depth ? reader->roles[reader->depth - 1]
					 : ROLE_SKIP;
	switch (role) {
	case ROLE_RECORD:
	case ROLE_PERSON:
		end_record(reader);
		break;
	case ROLE_UPDATED:
		end_updated(reader);
		break;
	case ROLE_XREF:
		if (parent != ROLE_XREF) {
			end_xref(reader);
			if (parent == ROLE_RECORD || parent == ROLE_ASSIGNEE)
				reader->target = -1;
		}
		break;
	case ROLE_FIELD:
	case ROLE_ASSIGNEE:
		if (parent == ROLE_RECORD || parent == ROLE_PERSON)
			reader->target = -1;
		break;
	default:
		break;
	}
}

static void XMLCALL on_text(void *user, const XML_Char *text, int length)
{
	struct xml_reader *reader = user;
	if (reader->failed || reader->depth == 0)
		return;
	enum role role = reader->roles[reader->depth - 1];
	if (role == ROLE_UPDATED) {
		buffer_append(reader, &reader->updated, text, (size_t)length);
		return;
	}
	if (reader->target < 0)
		return;
	if (role == ROLE_FIELD || role == ROLE_XREF)
		buffer_append(reader, &reader->fields[reader->target].raw, text,
			      (size_t)length);
}

/* Entity declarations live in the document type declaration: refusing it
 * refuses every entity expansion ("billion laughs") and external entity,
 * and IANA's file has none. */
static void XMLCALL on_doctype(void *user, const XML_Char *name,
			       const XML_Char *system_id,
			       const XML_Char *public_id, int has_internal_subset)
{
	(void)name; (void)system_id; (void)public_id; (void)has_internal_subset;
	fail(user, "a document type declaration: not accepted (IANA's "
	     "registry XML has none)");
}

static void XMLCALL on_entity(void *user, const XML_Char *name,
			      int is_parameter_entity, const XML_Char *value,
			      int value_length, const XML_Char *base,
			      const XML_Char *system_id,
			      const XML_Char *public_id,
			      const XML_Char *notation_name)
{
	(void)name; (void)is_parameter_entity; (void)value; (void)value_length;
	(void)base; (void)system_id; (void)public_id; (void)notation_name;
	fail(user, "an entity declaration: not accepted");
}

/* ---- the reader ---------------------------------------------------------- */

bool xml_looks_like_xml(const char *data, size_t size)
{
	size_t i = 0;
	if (text_has_bom(data, size))
		i = TEXT_BOM_SIZE;
	while (i < size && is_space(data[i]))
		i++;
	return i < size && data[i] == '<';
}

/* ---- expat's memory, within XML_PARSER_MEMORY_MAX --------------------- */

/* The budget of the parser being created or running.  expat's memory
 * functions take no user data; the tool parses one document at a time,
 * and the budget is set around each call into expat (with_budget). */
static struct parser_memory *current_memory;

/* Each block: its size, then the bytes expat asked for (aligned as
 * malloc's). */
typedef max_align_t block_header;

static void *budget_malloc(size_t size)
{
	struct parser_memory *m = current_memory;
	if (!m || size > XML_PARSER_MEMORY_MAX - m->used) {
		if (m)
			m->exhausted = true;
		return NULL;
	}
	block_header *block = malloc(sizeof(block_header) + size);
	if (!block)
		return NULL;
	*(size_t *)block = size;
	m->used += size;
	return block + 1;
}

static void budget_free(void *p)
{
	if (!p)
		return;
	block_header *block = (block_header *)p - 1;
	if (current_memory)
		current_memory->used -= *(size_t *)block;
	free(block);
}

static void *budget_realloc(void *p, size_t size)
{
	if (!p)
		return budget_malloc(size);
	struct parser_memory *m = current_memory;
	block_header *block = (block_header *)p - 1;
	size_t old = *(size_t *)block;
	if (!m || (size > old && size - old > XML_PARSER_MEMORY_MAX - m->used)) {
		if (m)
			m->exhausted = true;
		return NULL;
	}
	block_header *grown = realloc(block, sizeof(block_header) + size);
	if (!grown)
		return NULL;
	*(size_t *)grown = size;
	m->used = m->used - old + size;
	return grown + 1;
}

static const XML_Memory_Handling_Suite budget_suite = {
	budget_malloc, budget_realloc, budget_free,
};

struct xml_reader *xml_reader_new(const char *data, size_t size)
{
	struct xml_reader *reader = calloc(1, sizeof(*reader));
	if (!reader)
		return NULL;
	reader->memory = calloc(1, sizeof(*reader->memory));
	if (!reader->memory) {
		free(reader);
		return NULL;
	}
	current_memory = reader->memory;
	reader->parser = XML_ParserCreate_MM(NULL, &budget_suite, "|");
	current_memory = NULL;
	if (!reader->parser) {
		free(reader->memory);
		free(reader);
		return NULL;
	}
	reader->data = data;
	reader->size = size;
	reader->target = -1;
	XML_SetUserData(reader->parser, reader);
	XML_SetElementHandler(reader->parser, on_start, on_end);
	XML_SetCharacterDataHandler(reader->parser, on_text);
	XML_SetStartDoctypeDeclHandler(reader->parser, on_doctype);
	XML_SetEntityDeclHandler(reader->parser, on_entity);
	XML_SetStartNamespaceDeclHandler(reader->parser, on_namespace);
	return reader;
}

void xml_reader_free(struct xml_reader *reader)
{
	if (!reader)
		return;
	current_memory = reader->memory;
	XML_ParserFree(reader->parser);
	current_memory = NULL;
	free(reader->memory);
	for (int f = 0; f < XML_SERVICE_FIELDS; f++) {
		buffer_free(&reader->fields[f].raw);
		buffer_free(&reader->fields[f].rendered);
	}
	buffer_free(&reader->xref_data);
	buffer_free(&reader->updated);
	size_t count;
	struct record_person *people = xml_take_people(reader, &count);
	for (size_t i = 0; i < count; i++)
		free(people[i].id);
	free(people);
	free(reader);
}

static int report_error(struct xml_reader *reader, struct record_error *error)
{
	if (!reader->failed) {
		reader->failed = true;
		reader->error.line = (long)XML_GetCurrentLineNumber(reader->parser);
		reader->error.column =
			(long)XML_GetCurrentColumnNumber(reader->parser) + 1;
		if (reader->memory->exhausted)
			snprintf(reader->error.message,
				 sizeof(reader->error.message),
				 "the markup needs more than %zu MiB to parse "
				 "(an element with a huge number of attributes, "
				 "or too many distinct names): not IANA's registry",
				 XML_PARSER_MEMORY_MAX >> 20);
		else
			snprintf(reader->error.message,
				 sizeof(reader->error.message), "%s",
				 XML_ErrorString(XML_GetErrorCode(reader->parser)));
	}
	*error = reader->error;
	return -1;
}

/* Resumes expat, or feeds it the next chunk, until a record ends (1),
 * the document ends (0) or an error (-1).  Chunks keep expat's buffer
 * small: given the whole input at once, it would copy it whole. */
static int parse_to_next_record(struct xml_reader *reader)
{
	for (;;) {
		enum XML_Status status;
		if (reader->suspended) {
			status = XML_ResumeParser(reader->parser);
		} else {
			size_t left = reader->size - reader->fed;
			size_t chunk = left < XML_CHUNK_SIZE ? left : XML_CHUNK_SIZE;
			bool last = chunk == left;
			status = XML_Parse(reader->parser, reader->data + reader->fed,
					   (int)chunk, last);
			reader->fed += chunk;
		}
		reader->suspended = status == XML_STATUS_SUSPENDED;
		if (status == XML_STATUS_ERROR || reader->failed)
			return -1;
		if (reader->suspended && reader->record_ready)
			return 1;
		if (!reader->suspended && reader->fed == reader->size) {
			reader->finished = true;
			return 0;
		}
	}
}

int xml_next(struct xml_reader *reader, const struct xml_record **record,
	     struct record_error *error)
{
	if (reader->failed)
		return report_error(reader, error);
	if (reader->finished)
		return 0;
	reader->record_ready = false;
	current_memory = reader->memory;
	int status = parse_to_next_record(reader);
	current_memory = NULL;
	if (status < 0)
		return report_error(reader, error);
	if (status > 0)
		*record = &reader->record;
	return status;
}

/* ---- the record stream --------------------------------------------------- */

/* The first record of the stream: the CSV export's column names, in
 * enum xml_service_field order. */
#define COLUMN(name) { name, sizeof(name) - 1, 1, 1 }
static const struct record_field column_names[XML_SERVICE_FIELDS] = {
	COLUMN("Service Name"), COLUMN("Port Number"),
	COLUMN("Transport Protocol"), COLUMN("Description"),
	COLUMN("Assignee"), COLUMN("Contact"), COLUMN("Registration Date"),
	COLUMN("Modification Date"), COLUMN("Reference"),
	COLUMN("Service Code"), COLUMN("Unauthorized Use Reported"),
	COLUMN("Assignment Notes"),
};
#undef COLUMN

/* A copy of the person's fields, back to back in one allocation. */
static int keep_person(struct xml_reader *reader, const struct xml_record *person,
		       struct record_error *error)
{
	size_t total = 0;
	for (size_t f = 0; f < XML_PERSON_FIELDS; f++)
		total += person->fields[f].length + 1;
	if (reader->people_count >= XML_MAX_PEOPLE) {
		*error = (struct record_error){ person->line, person->column, "" };
		snprintf(error->message, sizeof(error->message),
			 "more than %d <person>s (IANA's registry has some "
			 "5,600)", XML_MAX_PEOPLE);
		return -1;
	}
	if (reader->people_count == reader->people_capacity) {
		size_t capacity = reader->people_capacity ? reader->people_capacity * 2 : 64;
		struct record_person *grown =
			realloc(reader->people, capacity * sizeof(*grown));
		if (!grown)
			goto out_of_memory;
		reader->people = grown;
		reader->people_capacity = capacity;
	}
	char *text = malloc(total);
	if (!text)
		goto out_of_memory;
	struct record_person *c = &reader->people[reader->people_count++];
	char **slots[XML_PERSON_FIELDS] = { &c->id, &c->name, &c->org, &c->uri,
					    &c->updated };
	for (size_t f = 0; f < XML_PERSON_FIELDS; f++) {
		*slots[f] = text;
		memcpy(text, person->fields[f].text, person->fields[f].length + 1);
		text += person->fields[f].length + 1;
	}
	c->line = person->line;
	c->column = person->column;
	return 0;
out_of_memory:
	*error = (struct record_error){ person->line, person->column, "out of memory" };
	return -1;
}

static int by_id(const void *a, const void *b)
{
	const struct record_person *x = a, *y = b;
	int order = strcmp(x->id, y->id);
	return order ? order : (x->line > y->line) - (x->line < y->line);
}

/* Sorts the people by id for the snapshot's binary search; an id twice
 * would make "[ID]" ambiguous. */
static int finish_people(struct xml_reader *reader, struct record_error *error)
{
	if (reader->people_count)
		qsort(reader->people, reader->people_count,
		      sizeof(*reader->people), by_id);
	for (size_t i = 1; i < reader->people_count; i++) {
		const struct record_person *c = &reader->people[i];
		if (strcmp(c->id, reader->people[i - 1].id) == 0) {
			error->line = c->line;
			error->column = c->column;
			snprintf(error->message, sizeof(error->message),
				 "a second <person id=\"%.60s\">", c->id);
			return -1;
		}
	}
	return 0;
}

static int next_record(void *state, struct record *record,
		       struct record_error *error)
{
	struct xml_reader *reader = state;
	if (!reader->header_sent) {
		reader->header_sent = true;
		record->fields = column_names;
		record->count = XML_SERVICE_FIELDS;
		return 1;
	}
	for (;;) {
		const struct xml_record *next;
		int status = xml_next(reader, &next, error);
		if (status < 0)
			return -1;
		if (status == 0)
			return finish_people(reader, error);
		if (next->kind == XML_RECORD_SERVICE) {
			record->fields = next->fields;
			record->count = next->field_count;
			return 1;
		}
		if (keep_person(reader, next, error) != 0)
			return -1;
	}
}

struct record_reader xml_records(struct xml_reader *reader)
{
	return (struct record_reader){ next_record, reader };
}

struct record_person *xml_take_people(struct xml_reader *reader,
				      size_t *count)
{
	struct record_person *people = reader->people;
	*count = reader->people_count;
	reader->people = NULL;
	reader->people_count = reader->people_capacity = 0;
	return people;
}

const char *xml_registry_updated(const struct xml_reader *reader)
{
	return reader->updated_seen && reader->updated.text ? reader->updated.text : "";
}
