/*
 * tool/messages.c - what the nss-iana commands write for people: messages
 * and usage errors, --help-only option parsing, and registry text made
 * safe for a terminal or for JSON.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "tool/tool.h"

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
			} else if (length > 1 &&
				   text_is_hidden_control(text_utf8_code(s, length))) {
				/* What the table view escapes (all in the BMP). */
				fprintf(out, "\\u%04lx", text_utf8_code(s, length));
				s += length;
			} else {
				fwrite(s, 1, length, out);
				s += length;
			}
		}
	}
	putc('"', out);
}

/* tool_print_text, and with `one_line` newline and tab escaped too. */
static void print_escaped(FILE *out, const char *text, size_t length,
			  bool one_line)
{
	const unsigned char *s = (const unsigned char *)text;
	const unsigned char *end = s + length;
	while (s < end) {
		size_t n = text_utf8_length(s, (size_t)(end - s));
		if (n == 1 && (!text_is_control_byte(*s) ||
			       (!one_line && (*s == '\n' || *s == '\t')))) {
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

void tool_print_text(FILE *out, const char *text, size_t length)
{
	print_escaped(out, text, length, false);
}

void tool_print_line_text(FILE *out, const char *text)
{
	print_escaped(out, text, strlen(text), true);
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
