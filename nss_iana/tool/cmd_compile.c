/*
 * tool/cmd_compile.c - `nss-iana compile [--prefer FILE] [--protocols CSV
 *   [--prefer-protocols FILE]] INPUT -o FILE`.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "compiler/compile.h"
#include "tool/proto_output.h"
#include "tool/tool.h"

static const char compile_help[] =
	"Usage: nss-iana compile [--prefer FILE | --no-prefer] [--force]\n"
	"         [--protocols CSV [--prefer-protocols FILE]] INPUT -o FILE\n"
	"Compile IANA's registry into a snapshot.  INPUT is IANA's\n"
	"service-names-port-numbers.csv or service-names-port-numbers.xml,\n"
	"told apart by content; the XML adds IANA's contact table.\n"
	"\n"
	"  -o, --output=FILE  the snapshot to write (required); a file is replaced\n"
	"                     atomically, and left untouched on any error\n"
	"      --prefer=FILE  a services(5) file (e.g. /etc/services) deciding\n"
	"                     ties: where registry entries share a port and\n"
	"                     protocol, or a name and protocol, the entry FILE\n"
	"                     lists comes first.  Only the order changes; the\n"
	"                     snapshot records FILE and its CRC-32\n"
	"      --no-prefer    pure registry order (the default; cancels an\n"
	"                     earlier --prefer)\n"
	"      --force        write the snapshot even if it serves no entries\n"
	"      --protocols=CSV  also compile IANA's protocol numbers registry\n"
	"                     (protocol-numbers-1.csv) into the snapshot, for\n"
	"                     the protocols database (`protocols: iana`)\n"
	"      --prefer-protocols=FILE  a protocols(5) file (e.g. /etc/protocols)\n"
	"                     whose entries answer first, as `files` over FILE\n"
	"                     followed by the registry's export would\n"
	"      --no-prefer-protocols  the registry's protocols alone (the default)\n"
	"      --help         display this help and exit\n"
	"\n"
	"Prints one summary line: rows read, entries served, aliases, ranges,\n"
	"rows skipped by reason, and the contacts and preference if any; on\n"
	"standard error when the snapshot goes to standard output.\n"
	"Errors in the input are reported as FILE:LINE:COL: message.\n"
	"\n"
	TOOL_OUTPUT_HELP
	"Exit status: 0 ok, 1 error, 2 usage.\n";

static void print_summary(FILE *out, const char *output,
			  const struct registry_stats *st,
			  const struct snapshot *snap, bool has_protocols,
			  const struct proto_stats *proto_stats)
{
	fputs("compiled ", out);
	tool_print_string(out, output);
	fprintf(out, ": %lu rows read, %lu entries served, %lu aliases, "
	       "%lu ranges; skipped %lu no name, %lu no port, "
	       "%lu no protocol, %lu bad name",
	       st->rows_read, (unsigned long)snap->entry_count,
	       (unsigned long)snap->alias_count, st->ranges, st->no_name,
	       st->no_port, st->no_proto, st->bad_name);
	if (st->unresolved_aliases)
		fprintf(out, "; %lu alias rows without a target served as entries",
		       st->unresolved_aliases);
	uint32_t contacts = tool_contact_count(snap);
	if (contacts)
		fprintf(out, "; %u contacts", (unsigned)contacts);
	struct tool_preference pref;
	if (tool_preference(snap, &pref)) {
		fputs("; ", out);
		tool_print_string(out, pref.path);
		fprintf(out, " first: %u lines", (unsigned)pref.entries);
	}
	if (has_protocols)
		tool_print_proto_summary(out, proto_stats);
	putc('\n', out);
}

static int compile_to(const char *input, const char *output,
		      const struct compile_options *options, bool force)
{
	char err[512];
	struct tool_output target;
	/* Checked before anything is read or written: -o must not replace
	 * the registry it compiles or the preference file. */
	if (tool_output_resolve(output, true, &target, err, sizeof(err)) != 0 ||
	    tool_output_refuse_same(&target, "-o", input, "the input",
				    err, sizeof(err)) != 0 ||
	    tool_output_refuse_same(&target, "-o", options->prefer,
				    "the preference file", err, sizeof(err)) != 0) {
		tool_error("compile: %s", err);
		return TOOL_EXIT_FAILURE;
	}
	struct compiled compiled;
	if (compile_file(input, options, &compiled, err, sizeof(err)) != 0) {
		tool_error("%s", err);
		return TOOL_EXIT_FAILURE;
	}
	int status = TOOL_EXIT_FAILURE;
	if (compiled.snap.entry_count == 0 && !force) {
		tool_error("compile: %s: no entries served (%lu rows read): not "
			   "a registry; nothing written (--force writes the "
			   "empty snapshot anyway)", input, compiled.stats.rows_read);
		compiled_free(&compiled);
		return TOOL_EXIT_FAILURE;
	}
	if (tool_output_write(&target, compiled.image.data, compiled.image.size,
			      err, sizeof(err)) != 0) {
		tool_error("%s", err);
	} else {
		/* The summary must not land inside a snapshot written there. */
		print_summary(tool_output_is_stdout(&target) ? stderr : stdout,
			      output, &compiled.stats, &compiled.snap,
			      compiled.has_protocols, &compiled.proto_stats);
		status = TOOL_EXIT_OK;
	}
	compiled_free(&compiled);
	return status;
}

int tool_cmd_compile(int argc, char **argv)
{
	static const struct option options[] = {
		{"output", required_argument, NULL, 'o'},
		{"prefer", required_argument, NULL, 'p'},
		{"no-prefer", no_argument, NULL, 'n'},
		{"force", no_argument, NULL, 'F'},
		{"protocols", required_argument, NULL, 'P'},
		{"prefer-protocols", required_argument, NULL, 'R'},
		{"no-prefer-protocols", no_argument, NULL, 'N'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *output = NULL;
	bool force = false;
	struct compile_options compile_options = { 0 };
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":o:", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'p':
			compile_options.prefer = optarg;
			break;
		case 'n':
			compile_options.prefer = NULL;
			break;
		case 'F':
			force = true;
			break;
		case 'P':
			compile_options.protocols = optarg;
			break;
		case 'R':
			compile_options.prefer_protocols = optarg;
			break;
		case 'N':
			compile_options.prefer_protocols = NULL;
			break;
		case 'h':
			fputs(compile_help, stdout);
			return TOOL_EXIT_OK;
		default:
			return tool_bad_option("compile", c, argv);
		}
	}
	if (optind != argc - 1)
		return tool_usage_error("compile", optind == argc
					? "missing INPUT" : "too many arguments");
	if (!output)
		return tool_usage_error("compile", "missing -o FILE");
	return compile_to(argv[optind], output, &compile_options, force);
}
