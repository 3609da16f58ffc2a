/*
 * tool/cmd_update.c - `nss-iana update [--db FILE] [--url URL | --file FILE]`.
 *
 * Fetch (only if changed, tool/fetch.c), check, compile, show the diff,
 * swap in, tell nscd, write the services(5) export if asked.  Every check
 * runs before the installed snapshot is touched, and the swap itself is a
 * rename, so a failure at any step leaves running processes answering from
 * the old file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compiler/compile.h"
#include "text.h"
#include "reader/snapshot.h"
#include "tool/protocols.h"
#include "tool/tool.h"
#include "tool/update_protocols.h"

static const char update_help[] =
	"Usage: nss-iana update [--db FILE] [--url URL | --file FILE] [--force]\n"
	"                       [--export-services=PATH]\n"
	"                       [--prefer FILE | --no-prefer]\n"
	"                       [--protocols-url URL | --protocols-file FILE |\n"
	"                        --no-protocols]\n"
	"                       [--prefer-protocols FILE | --no-prefer-protocols]\n"
	"Fetch IANA's registry, check and compile it, print what changed\n"
	"against the installed snapshot, and replace that snapshot atomically:\n"
	"running processes pick the new one up within a second.  If nscd is\n"
	"running, its services cache is then invalidated (nscd -i services).\n"
	"\n"
	"      --db=FILE     the installed snapshot (default: $NSS_IANA_DB, else\n"
	"                    " NSS_IANA_DEFAULT_DB ")\n"
	"      --url=URL     fetch this URL with curl (default, the XML export,\n"
	"                    the only one with contacts:\n"
	"                    " TOOL_IANA_URL ")\n"
	"      --file=FILE   use a registry file (XML or CSV) already on disk\n"
	"      --export-services=PATH  after every successful update, also\n"
	"                    write a services(5) file to PATH, atomically, for\n"
	"                    programs that read it instead of asking NSS; an\n"
	"                    empty PATH writes none\n"
	"      --prefer=FILE a services(5) file deciding the registry's ties, as\n"
	"                    for compile (default: the one the installed\n"
	"                    snapshot was compiled with, if it still exists;\n"
	"                    make install and the package use /etc/services)\n"
	"      --no-prefer   pure registry order\n"
	"      --protocols-url=URL  fetch the protocol numbers registry (CSV) from\n"
	"                    URL (default, when the services registry comes from\n"
	"                    its default URL: " TOOL_IANA_PROTOCOLS_URL ")\n"
	"      --protocols-file=FILE  use a protocol numbers registry on disk\n"
	"      --no-protocols  a snapshot without the protocols database\n"
	"      --prefer-protocols=FILE  a protocols(5) file whose lines answer\n"
	"                    before the registry's (default: the installed\n"
	"                    snapshot's, if it still exists; make install and the\n"
	"                    package use /etc/protocols)\n"
	"      --no-prefer-protocols  the registry's protocols alone\n"
	"      --force       install even if the new registry has under 90% or\n"
	"                    over twice the installed entries\n"
	"      --help        display this help and exit\n"
	"\n"
	"Both registries go into the one snapshot, installed by one rename.\n"
	"Downloads are conditional: the ETag and Last-Modified of the last one\n"
	"are kept in FILE.download (FILE.protocols.download for the protocols),\n"
	"and a server with nothing newer answers without sending the registry\n"
	"again; when only one registry changed, the other is fetched whole.  A download is refused past\n"
	"64 MiB, abandoned below 1 KiB/s for 30 s, and follows redirects only\n"
	"to https (or http, for an http URL).\n"
	"A failed download, an HTML page, a truncated file, a registry that\n"
	"does not compile or an entry count far from the installed one leaves\n"
	"the installed snapshot untouched.\n"
	"Exit status: 0 installed or already up to date, 1 failure, 2 usage.\n";

struct update_options {
	const char *db;
	const char *prefer; /* compile --prefer, or NULL */
	bool prefer_given;  /* --prefer or --no-prefer: else the installed one's */
	struct tool_output db_target; /* db resolved: a symlink's target */
	const char *url;
	const char *file;
	const char *export_services; /* NULL or "": none */
	struct tool_output export_target;
	bool force;
	bool default_url; /* the services registry from TOOL_IANA_URL */
	struct update_protocols protocols;
};

/* The printed diff goes to the journal under systemd: past this many
 * lines only the counts are printed. */
#define UPDATE_DIFF_MAX_LINES 300

/* ---- checks before compiling ---- */

/* IANA's XML export; it starts with '<' like an HTML page does. */
static bool looks_like_registry_xml(const char *data, size_t size)
{
	size_t window = size < 4096 ? size : 4096;
	return size >= 5 && memcmp(data, "<?xml", 5) == 0 &&
	       memmem(data, window, "<registry", 9);
}

static bool looks_like_html(const char *data, size_t size)
{
	size_t i = 0;
	if (text_has_bom(data, size))
		i = TEXT_BOM_SIZE;
	if (looks_like_registry_xml(data + i, size - i))
		return false;
	while (i < size && (data[i] == ' ' || data[i] == '\t' ||
			    data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i < size && data[i] == '<')
		return true;
	size_t window = size < 4096 ? size : 4096;
	return memmem(data, window, "<html", 5) || memmem(data, window, "<HTML", 5);
}

/* IANA's files always end with a line break; a cut download rarely does. */
static const char *precheck(const char *data, size_t size)
{
	if (size == 0)
		return "the file is empty";
	if (looks_like_html(data, size))
		return "this is an HTML page, not the registry "
		       "(an error page or a wrong URL?)";
	if (data[size - 1] != '\n')
		return "the file does not end with a line break: "
		       "it looks truncated";
	return NULL;
}

/* ---- the installed snapshot ---- */

static int compile_new(const struct update_options *opt, const char *data,
		       size_t size, const char *display, struct tool_snapshot *ts)
{
	char err[512];
	struct compiled compiled;
	struct compile_options options = {
		.prefer = opt->prefer,
		.protocols = opt->protocols.data ? (opt->protocols.file ? opt->protocols.file
									: opt->protocols.url) : NULL,
		.protocols_data = opt->protocols.data,
		.protocols_size = opt->protocols.size,
		.prefer_protocols = opt->protocols.data ? opt->protocols.prefer : NULL,
	};

	memset(ts, 0, sizeof(*ts));
	if (compile_data_with(data, size, display, &options, &compiled, err,
			      sizeof(err)) != 0) {
		tool_error("update: the new registry does not compile: %s", err);
		return -1;
	}
	ts->image = compiled.image;
	ts->snap = compiled.snap;
	return 0;
}

/* Opens the installed snapshot.  Returns 1 if usable, 0 if there is none
 * or it is unusable (said why; the update replaces it anyway). */
static int open_installed(const char *db, struct tool_snapshot *ts)
{
	char err[512];
	if (access(db, F_OK) != 0 && errno == ENOENT) {
		tool_say("no snapshot installed at %s yet\n", db);
		return 0;
	}
	if (tool_open_snapshot(ts, db, err, sizeof(err)) != 0) {
		tool_error("update: the installed snapshot is unusable and will "
			   "be replaced: %s", err);
		return 0;
	}
	return 1;
}

/* Why an entry count is implausible next to the installed one, or NULL.
 * A week's changes are a few dozen entries of some 14,000: a registry
 * with under 90% was cut short, one with over twice as many is something
 * else. */
static const char *implausible_growth(const struct snapshot *installed,
				      const struct snapshot *fresh)
{
	if ((uint64_t)fresh->entry_count * 10 <
	    (uint64_t)installed->entry_count * 9)
		return "under 90% of them: it looks truncated";
	if ((uint64_t)fresh->entry_count > (uint64_t)installed->entry_count * 2)
		return "over twice as many: it does not look like the same "
		       "registry";
	return NULL;
}

static bool same_snapshot(const struct snapshot *a, const struct snapshot *b)
{
	return a->size == b->size && memcmp(a->base, b->base, a->size) == 0;
}

/* ---- nscd ---- */

static int run_quietly(char *const argv[], bool stdout_to_null)
{
	const struct tool_run_options opt = {.stdout_to_null = stdout_to_null};
	int interrupted;
	int status = tool_run_program(argv, &opt, &interrupted);
	if (interrupted) /* nothing of ours to clean up */
		tool_die_of(interrupted);
	return status;
}

static bool nscd_running(void)
{
	char *argv[] = {"pidof", "nscd", NULL};
	if (run_quietly(argv, true) == 0)
		return true;
	return access("/run/nscd/socket", F_OK) == 0;
}

static void invalidate_nscd(void)
{
	if (!nscd_running())
		return;
	/* nscd refills its cache from the module in its own process, which
	 * may still be on the old mapping for up to SNAPSHOT_RECHECK_MS:
	 * invalidating sooner could cache the old answer again. */
	struct timespec pause = { 0, 2 * SNAPSHOT_RECHECK_MS * 1000 * 1000L };
	nanosleep(&pause, NULL);
	char *argv[] = {"nscd", "-i", "services", NULL};
	int status = run_quietly(argv, false);
	if (status == 0)
		printf("nscd is running: invalidated its services cache "
		       "(nscd -i services)\n");
	else
		tool_error("update: nscd is running but 'nscd -i services' "
			   "failed (status %d): it may answer from its cache "
			   "until the entries expire", status);
}

/* ---- what the update prints and writes ---- */

static size_t count_lines(const char *text, size_t size)
{
	size_t lines = 0;
	for (const char *p = text; (p = memchr(p, '\n', size - (size_t)(p - text)));
	     p++)
		lines++;
	return lines;
}

/* The diff, or only its counts past UPDATE_DIFF_MAX_LINES. */
static void print_diff(const struct snapshot *installed,
		       const struct snapshot *fresh)
{
	char err[512], *text = NULL;
	size_t size = 0;
	struct tool_diff_counts counts;
	FILE *lines = open_memstream(&text, &size);
	int rc = lines ? tool_diff(installed, fresh, false, lines, &counts, err,
				   sizeof(err)) : -1;
	if (lines && fclose(lines) != 0)
		rc = -1;
	if (rc != 0) {
		tool_error("update: no diff: %s", lines ? err : "out of memory");
	} else {
		size_t n = count_lines(text, size);
		if (n <= UPDATE_DIFF_MAX_LINES)
			fwrite(text, 1, size, stdout);
		else
			printf("the diff has %zu lines, more than %d: only the "
			       "counts are printed\n", n, UPDATE_DIFF_MAX_LINES);
		tool_diff_print_counts(stdout, &counts);
	}
	free(text);
	text = NULL;
	lines = open_memstream(&text, &size);
	rc = lines ? tool_diff_protocols(installed, fresh, lines, &counts) : -1;
	if (lines && fclose(lines) != 0)
		rc = -1;
	if (rc > 0) {
		size_t n = count_lines(text, size);
		if (n <= UPDATE_DIFF_MAX_LINES)
			fwrite(text, 1, size, stdout);
		else
			printf("the protocols diff has %zu lines, more than %d: only "
			       "the counts are printed\n", n, UPDATE_DIFF_MAX_LINES);
		tool_diff_protocols_print_counts(stdout, &counts);
	}
	free(text);
}

/* Writes the services(5) export of `snap`, if asked. */
static int export_services(const struct update_options *opt,
			   const struct snapshot *snap)
{
	if (!opt->export_services || !*opt->export_services)
		return 0;
	char err[512], *text;
	size_t size;
	if (tool_export_services(snap, opt->db, &text, &size) != 0)
		return -1;
	int rc = tool_output_write(&opt->export_target, text, size, err,
				   sizeof(err));
	free(text);
	if (rc != 0) {
		tool_error("update: cannot write the services export: %s", err);
		return -1;
	}
	tool_say("wrote the services(5) export %s\n", opt->export_target.path);
	return 0;
}

/* Remembers what the server said about the download now installed. */
static void save_validators(const struct update_options *opt,
			    const struct snapshot *snap,
			    const struct fetched *fetched)
{
	if (fetched)
		tool_fetch_state_save(opt->db_target.path, opt->url, snap,
				      &fetched->validators);
	update_protocols_save(&opt->protocols, opt->db_target.path, snap);
}

/* ---- the update ---- */

static int install(const struct update_options *opt,
		   const struct tool_snapshot *fresh,
		   const struct tool_snapshot *installed,
		   const struct fetched *fetched)
{
	const struct snapshot *new_snap = &fresh->snap;
	if (installed && same_snapshot(&installed->snap, new_snap)) {
		tool_say("%s is up to date (registry %s, %u entries)\n", opt->db,
		       tool_registry_date(new_snap), new_snap->entry_count);
		save_validators(opt, new_snap, fetched);
		return export_services(opt, new_snap) == 0 ? TOOL_EXIT_OK
							   : TOOL_EXIT_FAILURE;
	}
	const char *implausible = installed ?
		implausible_growth(&installed->snap, new_snap) : NULL;
	if (implausible && !opt->force) {
		tool_error("update: the new registry has %u entries, the installed "
			   "one %u, %s; %s is left untouched (--force installs "
			   "it anyway)", new_snap->entry_count,
			   installed->snap.entry_count, implausible, opt->db);
		return TOOL_EXIT_FAILURE;
	}
	if (installed)
		print_diff(&installed->snap, new_snap);
	char err[512];
	if (tool_output_write(&opt->db_target, new_snap->base, new_snap->size,
			      err, sizeof(err)) != 0) {
		tool_error("update: cannot install %s: %s", opt->db, err);
		return TOOL_EXIT_FAILURE;
	}
	tool_say("installed %s: registry %s, %u entries, %u aliases\n", opt->db,
	       tool_registry_date(new_snap), new_snap->entry_count,
	       new_snap->alias_count);
	struct proto_snapshot protocols;
	if (tool_protocols(new_snap, &protocols))
		tool_say("  and the protocols database: %u entries\n",
			 protocols.entry_count);
	save_validators(opt, new_snap, fetched);
	invalidate_nscd();
	return export_services(opt, new_snap) == 0 ? TOOL_EXIT_OK
						   : TOOL_EXIT_FAILURE;
}

/* The directory a file is replaced in must be writable. */
static int check_directory_of(const char *path)
{
	char *dir = strdup(path);
	if (!dir)
		return -1;
	char *slash = strrchr(dir, '/');
	const char *where = slash == dir ? "/" : slash ? (*slash = '\0', dir) : ".";
	int ok = access(where, W_OK | X_OK) == 0;
	if (!ok)
		tool_error("update: cannot replace %s: directory %s: %s", path,
			   where, strerror(errno));
	free(dir);
	return ok ? 0 : -1;
}

/* Fails early, before a download, if a file could not be replaced. */
static int check_target(const char *path, struct tool_output *target)
{
	char err[512];
	if (tool_output_resolve(path, false, target, err, sizeof(err)) != 0) {
		tool_error("update: %s", err);
		return -1;
	}
	return check_directory_of(target->path);
}

/* Compiles `data` and installs it; `fetched` is NULL for --file. */
static int compile_and_install(const struct update_options *opt,
			       const char *data, size_t size,
			       const char *display,
			       const struct tool_snapshot *installed,
			       const struct fetched *fetched)
{
	struct tool_snapshot fresh;
	const char *problem = precheck(data, size);
	if (problem) {
		tool_error("update: %s: %s; %s left untouched", display, problem,
			   opt->db);
		return TOOL_EXIT_FAILURE;
	}
	if (compile_new(opt, data, size, display, &fresh) != 0) {
		tool_error("update: %s left untouched", opt->db);
		return TOOL_EXIT_FAILURE;
	}
	int status = install(opt, &fresh, installed, fetched);
	tool_snapshot_close(&fresh);
	return status;
}

static int update_from_file(struct update_options *opt,
			    const struct tool_snapshot *installed)
{
	if (update_protocols_get(&opt->protocols, opt->db_target.path,
				 installed ? &installed->snap : NULL, false) == FETCH_FAILED)
		return TOOL_EXIT_FAILURE;
	char *data = NULL;
	size_t size = 0;
	int rc = read_whole_file(opt->file, &data, &size);
	if (rc != 0) {
		char err[512];
		read_error_message(err, sizeof(err), opt->file, rc);
		tool_error("update: %s", err);
		return TOOL_EXIT_FAILURE;
	}
	int status = compile_and_install(opt, data, size, opt->file, installed,
					 NULL);
	free(data);
	return status;
}

/* Whether compiling now orders ties as the installed snapshot was
 * ordered: by the same preference file, unchanged, or by none in both.
 * If not, the installed snapshot is out of date even where the registry
 * is not, and the download must not be skipped. */
static bool same_preference(const char *prefer,
			    const struct snapshot *installed)
{
	struct tool_preference pref;
	bool had = tool_preference(installed, &pref);
	if (!prefer || !had)
		return !prefer && !had;
	char *data;
	size_t size;
	if (strcmp(prefer, pref.path) != 0 ||
	    read_whole_file(prefer, &data, &size) != 0)
		return false;
	bool same = crc32_of(data, size) == pref.crc32;
	free(data);
	return same;
}

/* Fetches the protocols registry, conditionally if `conditional`; with
 * the services registry unchanged (`services_fresh` false) and the
 * protocols changed, the services registry must be fetched whole, and the
 * reverse: both go into the new snapshot.  Returns the protocols' result. */
static enum fetch_result fetch_protocols(struct update_options *opt,
					 const struct tool_snapshot *installed,
					 bool conditional)
{
	return update_protocols_get(&opt->protocols, opt->db_target.path,
				    installed ? &installed->snap : NULL, conditional);
}

static int update_from_url(struct update_options *opt,
			   const struct tool_snapshot *installed)
{
	struct http_validators known;
	bool conditional = installed &&
		tool_fetch_state_load(opt->db_target.path, opt->url,
				      &installed->snap, &known);
	if (conditional && !same_preference(opt->prefer, &installed->snap)) {
		printf("the ties are to be decided otherwise than in the "
		       "installed snapshot: fetching the registry whole\n");
		conditional = false;
	}
	if (conditional &&
	    !update_protocols_same_preference(&opt->protocols, &installed->snap)) {
		printf("the protocols database or its preference file differs from the installed "
		       "snapshot's: fetching the registries whole\n");
		conditional = false;
	}
	struct fetched fetched;
	enum fetch_result services = tool_fetch(opt->url, conditional ? &known : NULL,
						&fetched);
	if (services == FETCH_FAILED)
		return TOOL_EXIT_FAILURE;
	enum fetch_result protocols = fetch_protocols(opt, installed, conditional);
	if (protocols == FETCH_FAILED) {
		if (services == FETCH_OK)
			free(fetched.data);
		return TOOL_EXIT_FAILURE;
	}
	if (services == FETCH_NOT_MODIFIED && protocols == FETCH_NOT_MODIFIED) {
		tool_say("%s is up to date: the server has nothing newer than the "
		       "installed download (registry %s), so nothing was "
		       "downloaded\n", opt->db,
		       tool_registry_date(&installed->snap));
		return export_services(opt, &installed->snap) == 0 ?
		       TOOL_EXIT_OK : TOOL_EXIT_FAILURE;
	}
	if (services == FETCH_NOT_MODIFIED) {
		tool_say("the protocol numbers registry changed: fetching the "
			 "services registry whole\n");
		if (tool_fetch(opt->url, NULL, &fetched) != FETCH_OK)
			return TOOL_EXIT_FAILURE;
	} else if (protocols == FETCH_NOT_MODIFIED &&
		   update_protocols_has_source(&opt->protocols)) {
		tool_say("the services registry changed: fetching the protocol "
			 "numbers registry whole\n");
		if (fetch_protocols(opt, installed, false) != FETCH_OK) {
			free(fetched.data);
			return TOOL_EXIT_FAILURE;
		}
	}
	int status = compile_and_install(opt, fetched.data, fetched.size,
					 opt->url, installed, &fetched);
	free(fetched.data);
	return status;
}

/* Without --prefer or --no-prefer, the ties stay decided as in the
 * installed snapshot: by the preference file it records (make install and
 * the package compile with /etc/services), if that file is still there.
 * The path lives in the installed snapshot, which stays mapped until the
 * update is done. */
static void keep_preference(struct update_options *opt,
			    const struct snapshot *installed)
{
	struct tool_preference pref;
	if (!tool_preference(installed, &pref))
		return;
	if (access(pref.path, R_OK) == 0) {
		opt->prefer = pref.path;
		tool_say("ties decided by %s, as in the installed snapshot\n",
		       pref.path);
	} else {
		tool_say("%s, which decided the installed snapshot's ties, is gone: "
		       "registry order\n", pref.path);
	}
}

static int update(struct update_options *opt)
{
	if (check_target(opt->db, &opt->db_target) != 0)
		return TOOL_EXIT_FAILURE;
	if (opt->export_services && *opt->export_services &&
	    check_target(opt->export_services, &opt->export_target) != 0)
		return TOOL_EXIT_FAILURE;
	struct tool_snapshot installed;
	bool have_installed = open_installed(opt->db, &installed) == 1;
	const struct tool_snapshot *current = have_installed ? &installed : NULL;
	if (!opt->prefer_given && current)
		keep_preference(opt, &current->snap);
	update_protocols_defaults(&opt->protocols, opt->default_url,
				  current ? &current->snap : NULL);
	int status = opt->file ? update_from_file(opt, current)
			       : update_from_url(opt, current);
	update_protocols_free(&opt->protocols);
	if (have_installed)
		tool_snapshot_close(&installed);
	return status;
}

int tool_cmd_update(int argc, char **argv)
{
	static const struct option options[] = {
		{"db", required_argument, NULL, 'd'},
		{"url", required_argument, NULL, 'u'},
		{"file", required_argument, NULL, 'f'},
		{"export-services", required_argument, NULL, 'e'},
		{"force", no_argument, NULL, 'F'},
		{"prefer", required_argument, NULL, 'p'},
		{"no-prefer", no_argument, NULL, 'n'},
		{"protocols-url", required_argument, NULL, 'U'},
		{"protocols-file", required_argument, NULL, 'P'},
		{"no-protocols", no_argument, NULL, 'N'},
		{"prefer-protocols", required_argument, NULL, 'R'},
		{"no-prefer-protocols", no_argument, NULL, 'Q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct update_options opt = {0};

	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		switch (c) {
		case 'd': opt.db = optarg; break;
		case 'u': opt.url = optarg; break;
		case 'f': opt.file = optarg; break;
		case 'e': opt.export_services = optarg; break;
		case 'F': opt.force = true; break;
		case 'p': opt.prefer = optarg; opt.prefer_given = true; break;
		case 'n': opt.prefer = NULL; opt.prefer_given = true; break;
		case 'U': opt.protocols.url = optarg; opt.protocols.file = NULL; break;
		case 'P': opt.protocols.file = optarg; opt.protocols.url = NULL; break;
		case 'N': opt.protocols.none = true; break;
		case 'R':
			opt.protocols.prefer = optarg;
			opt.protocols.prefer_given = true;
			break;
		case 'Q':
			opt.protocols.prefer = NULL;
			opt.protocols.prefer_given = true;
			break;
		case 'h':
			fputs(update_help, stdout);
			return TOOL_EXIT_OK;
		default:
			return tool_bad_option("update", c, argv);
		}
	}
	if (optind != argc)
		return tool_usage_error("update", "unexpected argument '%s'",
					argv[optind]);
	if (opt.url && opt.file)
		return tool_usage_error("update", "--url and --file exclude each other");
	opt.db = tool_db_path(opt.db);
	if (!opt.file && !opt.url) {
		opt.url = TOOL_IANA_URL;
		opt.default_url = true;
	}
	return update(&opt);
}
