/*
 * tool/common.c - what the nss-iana subcommands share: messages, the
 * default snapshot path, opening a snapshot or compiling a CSV, metadata
 * records, JSON strings.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler/compile.h"
#include "text.h"
#include "tool/tool.h"

const char *const tool_meta_keys[NSSIANA_META_FIELDS] = {
	"description", "assignee", "contact", "registration_date",
	"modification_date", "reference", "service_code",
	"unauthorized_use", "notes",
};

const char *const tool_meta_labels[NSSIANA_META_FIELDS] = {
	"Description", "Assignee", "Contact", "Registered", "Modified",
	"Reference", "Service code", "Unauthorized use", "Notes",
};

/* A message names arguments, file names and registry text, so it goes
 * through the terminal-safe writer: no argument can drive the terminal. */
static void print_message(FILE *out, const char *format, va_list args)
{
	char *message;

	if (vasprintf(&message, format, args) < 0) {
		fputs("(out of memory for the message)", out);
		return;
	}
	tool_print_string(out, message);
	free(message);
}

void tool_say(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	print_message(stdout, format, args);
	va_end(args);
}

void tool_error(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	fputs("nss-iana: ", stderr);
	print_message(stderr, format, args);
	fputc('\n', stderr);
	va_end(args);
}

int tool_usage_error(const char *command, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	fputs("nss-iana: ", stderr);
	if (command)
		fprintf(stderr, "%s: ", command);
	print_message(stderr, format, args);
	fputc('\n', stderr);
	va_end(args);
	if (command)
		fprintf(stderr, "Try 'nss-iana %s --help'.\n", command);
	else
		fputs("Try 'nss-iana --help'.\n", stderr);
	return TOOL_EXIT_USAGE;
}

int tool_bad_option(const char *command, int c, char **argv)
{
	if (c == ':')
		return tool_usage_error(command, "option '%s' requires an argument",
					argv[optind - 1]);
	if (optopt)
		return tool_usage_error(command, "invalid option -- '%c'", optopt);
	return tool_usage_error(command, "unrecognized option '%s'",
				argv[optind - 1]);
}

const char *tool_db_path(const char *option)
{
	if (option)
		return option;
	const char *env = getenv("NSS_IANA_DB");
	if (env && *env)
		return env;
	return NSS_IANA_DEFAULT_DB;
}

int tool_open_snapshot(struct tool_snapshot *ts, const char *path,
		       char *err, size_t err_size)
{
	memset(ts, 0, sizeof(*ts));
	int rc = snapshot_map_file(path, &ts->map);
	if (rc != 0) {
		memset(&ts->map, 0, sizeof(ts->map));
		snprintf(err, err_size, "%s: %s", path,
			 rc == EINVAL ? "empty, or too large to be a snapshot"
				      : strerror(rc));
		return -1;
	}
	const char *reason = snapshot_parse(&ts->snap, ts->map.addr,
					    ts->map.size);
	/* The tool walks every record: check them all, once. */
	if (reason == NULL)
		reason = snapshot_check_records(&ts->snap);
	if (reason == NULL)
		reason = compile_protocols_check(&ts->snap);
	if (reason) {
		snprintf(err, err_size, "%s: not a valid snapshot: %s", path,
			 reason);
		tool_snapshot_close(ts);
		return -1;
	}
	return 0;
}

int tool_compile_csv(struct tool_snapshot *ts, const char *path,
		     char *err, size_t err_size)
{
	struct compiled compiled;

	memset(ts, 0, sizeof(*ts));
	if (compile_file(path, &compiled, err, err_size) != 0)
		return -1;
	ts->image = compiled.image;
	ts->snap = compiled.snap;
	return 0;
}

/* True if the file starts with the snapshot magic.  A file too short to
 * hold it, or unreadable, is left to the CSV path to report. */
static bool starts_with_magic(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	char head[NSSIANA_MAGIC_SIZE];
	ssize_t got = read(fd, head, sizeof(head));
	close(fd);
	return got == (ssize_t)sizeof(head) &&
	       memcmp(head, NSSIANA_MAGIC, NSSIANA_MAGIC_SIZE) == 0;
}

int tool_open_any(struct tool_snapshot *ts, const char *path,
		  char *err, size_t err_size)
{
	if (starts_with_magic(path))
		return tool_open_snapshot(ts, path, err, err_size);
	return tool_compile_csv(ts, path, err, err_size);
}

void tool_snapshot_close(struct tool_snapshot *ts)
{
	if (ts->map.addr)
		snapshot_unmap(&ts->map);
	if (ts->image.data)
		snapshot_image_free(&ts->image);
	memset(ts, 0, sizeof(*ts));
}

bool tool_meta_record(const struct snapshot *snap, uint32_t offset,
		      const char *fields[NSSIANA_META_FIELDS])
{
	uint32_t at = offset;
	for (int i = 0; i < NSSIANA_META_FIELDS; i++) {
		if (at >= snap->strings_size)
			return false;
		const char *start = snap->strings + at;
		/* memchr, not strlen: the pool's last byte is NUL only if
		 * the file says the truth. */
		const char *nul = memchr(start, '\0', snap->strings_size - at);
		if (!nul)
			return false;
		fields[i] = start;
		at += (uint32_t)(nul - start) + 1;
	}
	return true;
}

bool tool_entry_view(const struct snapshot *snap, uint32_t index,
		     struct tool_entry_view *view)
{
	if (index >= snap->entry_count)
		return false;
	const struct nssiana_entry *e = &snap->entries[index];
	*view = (struct tool_entry_view){
		.entry = e,
		.name = snapshot_string(snap, e->name),
		.proto = snapshot_entry_proto(snap, e),
		.port_first = e->port_first,
		.port_last = e->port_last,
		.alias_count = e->alias_count,
	};
	if (!text_is_services_token(view->name) || !text_is_services_token(view->proto) ||
	    e->port_first > e->port_last || e->alias_count > NSSIANA_MAX_ALIASES ||
	    (uint64_t)e->alias_first + e->alias_count > snap->alias_count ||
	    !tool_meta_record(snap, e->meta, view->meta))
		return false;
	for (uint32_t i = 0; i < e->alias_count; i++) {
		const struct nssiana_alias *alias = &snap->aliases[e->alias_first + i];
		view->aliases[i] = snapshot_string(snap, alias->name);
		if (!text_is_services_token(view->aliases[i]) ||
		    !tool_meta_record(snap, alias->meta, view->alias_meta[i]))
			return false;
	}
	return true;
}

void tool_format_ports(char *out, size_t size, uint16_t first, uint16_t last)
{
	if (first == last)
		snprintf(out, size, "%u", (unsigned)first);
	else
		snprintf(out, size, "%u-%u", (unsigned)first, (unsigned)last);
}

const char *tool_registry_date(const struct snapshot *snap)
{
	const char *date = snapshot_string(snap, snap->header->registry_date);
	return date ? date : "";
}

void tool_json_string(FILE *out, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	putc('"', out);
	while (*s) {
		unsigned char c = *s;
		if (c == '"' || c == '\\') {
			putc('\\', out);
			putc(c, out);
			s++;
		} else if (c == '\n') {
			fputs("\\n", out);
			s++;
		} else if (c == '\r') {
			fputs("\\r", out);
			s++;
		} else if (c == '\t') {
			fputs("\\t", out);
			s++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c);
			s++;
		} else {
			size_t length = text_utf8_length(s, 4);
			if (length == 0) {
				fputs("\\ufffd", out);
				s++;
			} else {
				fwrite(s, 1, length, out);
				s += length;
			}
		}
	}
	putc('"', out);
}

void tool_print_text(FILE *out, const char *text, size_t length)
{
	const unsigned char *s = (const unsigned char *)text;
	const unsigned char *end = s + length;
	while (s < end) {
		size_t n = text_utf8_length(s, (size_t)(end - s));
		if (n == 1 && (!text_is_control_byte(*s) || *s == '\n' || *s == '\t')) {
			putc(*s, out);
		} else if (n <= 1) {
			fprintf(out, "\\x%02x", *s);
			n = 1;
		} else if (text_is_hidden_control(text_utf8_code(s, n))) {
			fprintf(out, "<U+%04lX>", text_utf8_code(s, n));
		} else {
			fwrite(s, 1, n, out);
		}
		s += n;
	}
}

void tool_print_string(FILE *out, const char *text)
{
	tool_print_text(out, text, strlen(text));
}

int tool_help_only_options(const char *command, const char *help, int argc,
			   char **argv)
{
	static const struct option options[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		if (c != 'h')
			return tool_bad_option(command, c, argv);
		fputs(help, stdout);
		return TOOL_EXIT_OK;
	}
	return -1;
}
