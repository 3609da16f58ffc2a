/*
 * tool/main.c - main() of the nss-iana tool: global options and the dispatch to
 * the subcommands in tool_*.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tool/tool.h"

static const char main_help[] =
	"Usage: nss-iana COMMAND [OPTION]... [ARGUMENT]...\n"
	"Compile, inspect and update the IANA service registry snapshot that\n"
	"libnss_iana.so.2 answers getservbyname(3) and getservbyport(3) from,\n"
	"and the protocol numbers registry in it for getprotobyname(3) and\n"
	"getprotobynumber(3).\n"
	"\n"
	"Commands:\n"
	"  compile [--protocols CSV] INPUT -o FILE\n"
	"                             compile the registry CSV or XML into a snapshot,\n"
	"                             with the protocol numbers registry\n"
	"  show [--json] NAME|PORT[/PROTO] | --contact ID | --protocol NAME|NUMBER\n"
	"                             every entry for a name or port, with metadata;\n"
	"                             or a contact and the services they hold;\n"
	"                             or every protocol entry so named or numbered\n"
	"  export [--format services|protocols] [--last-match] [-o FILE]\n"
	"                             write the snapshot as a services(5) or\n"
	"                             protocols(5) file\n"
	"  verify [--against SERVICES] [FILE]\n"
	"                             check a snapshot thoroughly, and that it\n"
	"                             answers as nss_files over SERVICES does\n"
	"  stats                      summarise a snapshot\n"
	"  diff OLD NEW               compare two snapshots or registries\n"
	"  update [--url URL | --file CSV | --rebuild]\n"
	"                             fetch, check, compile and install the registry\n"
	"\n"
	"show, export, stats and update take --db FILE, verify a FILE; without\n"
	"it they use $NSS_IANA_DB, else " NSS_IANA_DEFAULT_DB ".\n"
	"\n"
	"      --help     display this help and exit\n"
	"      --version  output version information and exit\n"
	"\n"
	"Run 'nss-iana COMMAND --help' for a command's options.\n"
	"Exit status: 0 success, 1 failure (not found, invalid input, compile\n"
	"or download error), 2 usage error.\n";

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{"compile", tool_cmd_compile},
	{"show", tool_cmd_show},
	{"export", tool_cmd_export},
	{"verify", tool_cmd_verify},
	{"stats", tool_cmd_stats},
	{"diff", tool_cmd_diff},
	{"update", tool_cmd_update},
};

static int print_version(void)
{
	printf("nss-iana %s\n", NSS_IANA_VERSION);
	const char *db = tool_db_path(NULL);
	char err[512];
	struct tool_snapshot ts;
	/* The path comes from the environment: escaped like a message. */
	if (tool_open_snapshot(&ts, db, err, sizeof(err)) == 0) {
		const char *date = tool_registry_date(&ts.snap);
		fputs("registry ", stdout);
		tool_print_line_text(stdout, *date ? date : "undated");
		fputs(" (", stdout);
		tool_print_line_text(stdout, db);
		fputs(")\n", stdout);
		tool_snapshot_close(&ts);
	} else {
		fputs("registry unknown (", stdout);
		tool_print_line_text(stdout, db);
		fputs(" not readable)\n", stdout);
	}
	return TOOL_EXIT_OK;
}

/* A closed standard descriptor would go to the next file opened: a
 * snapshot, or the temporary file of an atomic write, would receive what
 * is printed.  /dev/null opened for the other direction holds the slot,
 * and every write to it fails (EBADF), which finish_stdout reports. */
static void hold_standard_descriptors(void)
{
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY) < 0)
			_exit(TOOL_EXIT_FAILURE);
}

/* What did not reach standard output is an error, whatever the command:
 * output into a full disk or a closed descriptor must not look complete. */
static int finish_stdout(int status)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	tool_error("cannot write to standard output: %s",
		   errno ? strerror(errno) : "a write failed");
	return status == TOOL_EXIT_OK ? TOOL_EXIT_FAILURE : status;
}

static int run(int argc, char **argv)
{
	if (argc < 2)
		return tool_usage_error(NULL, "missing COMMAND");
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		fputs(main_help, stdout);
		return TOOL_EXIT_OK;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0)
		return print_version();
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(name, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	if (name[0] == '-')
		return tool_usage_error(NULL, "unrecognized option '%s'", name);
	return tool_usage_error(NULL, "unknown command '%s'", name);
}

int main(int argc, char **argv)
{
	hold_standard_descriptors();
	return finish_stdout(run(argc, argv));
}
