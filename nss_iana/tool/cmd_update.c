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
#include "reader/checksum.h"
#include "reader/snapshot.h"
#include "tool/proto_output.h"
#include "tool/tool.h"
#include "tool/update_protocols.h"

static const char update_help[] =
	"Usage: nss-iana update [--db FILE] [--url URL | --file FILE | --rebuild]\n"
	"                       [--force]\n"
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
	"      --rebuild     compile again the registry the installed snapshot\n"
	"                    was built from, kept beside it in FILE.registry,\n"
	"                    with no download: for a preference file that\n"
	"                    changed (the package's dpkg trigger and\n"
	"                    nss-iana-rebuild.path run this)\n"
	"      --export-services=PATH  after every successful update, also\n"
	"                    write a services(5) file to PATH, atomically, for\n"
	"                    programs that read it instead of asking NSS; an\n"
	"                    empty PATH writes none\n"
	"      --prefer=FILE a services(5) file whose lines answer before the\n"
	"                    registry's, as for compile (default: the one the\n"
	"                    installed snapshot records; make install and the\n"
	"                    package use /etc/services).  If it cannot be read,\n"
	"                    the installed snapshot is kept and update fails\n"
	"      --no-prefer   the registry alone\n"
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
	"                    over twice the installed entries, or on a first\n"
	"                    install fewer than 10,000 ($NSS_IANA_UPDATE_MIN_ENTRIES);\n"
	"                    a registry with no entries is never installed\n"
	"                    without it\n"
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
	"Every update that compiles a registry keeps it in FILE.registry.\n"
	"Exit status: 0 installed or already up to date, 1 failure, 2 usage.\n";

struct update_options {
	const char *db;
	const char *prefer; /* compile --prefer, or NULL */
	bool prefer_given;  /* --prefer or --no-prefer: else the installed one's */
	struct tool_output db_target; /* db resolved: a symlink's target */
	const char *url;
	const char *file;
	bool rebuild; /* --rebuild: the kept registry, no download */
	char *prefer_absolute; /* --prefer made absolute, malloc'd */
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

/* IANA's XML export; it starts with '<' like an HTML page does.  Its
 * <registry> may come after any amount of prologue (comments, processing
 * instructions): compile reads it wherever it starts, so it is looked for
 * in the whole file. */
static bool looks_like_registry_xml(const char *data, size_t size)
{
	return size >= 5 && memcmp(data, "<?xml", 5) == 0 &&
	       memmem(data, size, "<registry", 9);
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
	const char *encoding = input_encoding_problem(data, size);
	if (encoding)
		return encoding;
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
	if (compile_data(data, size, display, &options, &compiled, err,
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

/* A first install has nothing to compare with: IANA's registry serves
 * some 11,500 entries and only grows, so fewer than this is a cut file or
 * another registry.  $NSS_IANA_UPDATE_MIN_ENTRIES may set another floor
 * (at least 1: no entries is never a registry), for a registry of one's
 * own and for the tests. */
#define UPDATE_FIRST_INSTALL_FLOOR 10000

static uint32_t first_install_floor(void)
{
	const char *value = getenv("NSS_IANA_UPDATE_MIN_ENTRIES");
	if (value && *value && strlen(value) <= 9 &&
	    strspn(value, "0123456789") == strlen(value) && atoi(value) > 0)
		return (uint32_t)atoi(value);
	return UPDATE_FIRST_INSTALL_FLOOR;
}

/* Why a registry is not installed without --force, or NULL. */
static const char *implausible_count(const struct snapshot *installed,
				     const struct snapshot *fresh,
				     char *why, size_t why_size)
{
	if (fresh->entry_count == 0) {
		snprintf(why, why_size, "the new registry has no entries");
		return why;
	}
	if (installed) {
		const char *growth = implausible_growth(installed, fresh);
		if (growth)
			snprintf(why, why_size, "the new registry has %u entries, "
				 "the installed one %u, %s", fresh->entry_count,
				 installed->entry_count, growth);
		return growth ? why : NULL;
	}
	uint32_t floor = first_install_floor();
	if (fresh->entry_count >= floor)
		return NULL;
	snprintf(why, why_size, "the new registry has %u entries, far fewer "
		 "than IANA's (some 11,500; the floor for a first install is %u): "
		 "it looks truncated", fresh->entry_count, floor);
	return why;
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
	/* Its readers bypass NSS: Go keeps the last line of a name. */
	if (tool_export_services(snap, opt->db, true, &text, &size) != 0)
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

/* The registry's date, or "undated" for a registry without one. */
static const char *date_or_undated(const struct snapshot *snap)
{
	const char *date = tool_registry_date(snap);
	return *date ? date : "undated";
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
		       date_or_undated(new_snap), new_snap->entry_count);
		save_validators(opt, new_snap, fetched);
		return export_services(opt, new_snap) == 0 ? TOOL_EXIT_OK
							   : TOOL_EXIT_FAILURE;
	}
	char why[256];
	const char *implausible = implausible_count(
		installed ? &installed->snap : NULL, new_snap, why, sizeof(why));
	if (implausible && !opt->force) {
		tool_error("update: %s; %s is left untouched (--force installs "
			   "it anyway)", implausible, opt->db);
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
	       date_or_undated(new_snap), new_snap->entry_count,
	       new_snap->alias_count);
	struct proto_snapshot protocols;
	if (tool_protocols(new_snap, &protocols))
		tool_say("  and the protocols database: %u entries\n",
			 protocols.entry_count);
	save_validators(opt, new_snap, fetched);
	if (opt->rebuild && installed)
		tool_fetch_state_carry(opt->db_target.path, &installed->snap, new_snap);
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

/* Neither the snapshot nor the services export may replace the input,
 * the preference file, or each other: checked before anything is
 * downloaded or written (and again once the installed snapshot has named
 * its preference file). */
static int check_distinct_targets(const struct update_options *opt)
{
	char err[512];
	bool exporting = opt->export_services && *opt->export_services;
	if (tool_output_refuse_same(&opt->db_target, "--db", opt->file,
				    "the input (--file)", err, sizeof(err)) != 0 ||
	    tool_output_refuse_same(&opt->db_target, "--db", opt->prefer,
				    "the preference file", err, sizeof(err)) != 0 ||
	    (exporting &&
	     (tool_output_refuse_same(&opt->export_target, "--export-services",
				      opt->db_target.path, "the snapshot (--db)",
				      err, sizeof(err)) != 0 ||
	      tool_output_refuse_same(&opt->export_target, "--export-services",
				      opt->file, "the input (--file)", err,
				      sizeof(err)) != 0 ||
	      tool_output_refuse_same(&opt->export_target, "--export-services",
				      opt->prefer, "the preference file", err,
				      sizeof(err)) != 0))) {
		tool_error("update: %s", err);
		return -1;
	}
	return 0;
}

/* The registries the installed snapshot is compiled from, kept beside it
 * for --rebuild: DB.registry, and DB.protocols.registry for the protocol
 * numbers registry when the snapshot has that database. */
static void kept_registry_path(const struct update_options *opt, char *path,
			       size_t size)
{
	snprintf(path, size, "%s.registry", opt->db_target.path);
}

static void kept_protocols_path(const struct update_options *opt, char *path,
				size_t size)
{
	snprintf(path, size, "%s.protocols.registry", opt->db_target.path);
}

/* Keeps `data` in `path`; a failure is said and otherwise ignored: the
 * snapshot is installed, only a later --rebuild would miss it. */
static void keep_registry(const char *path, const char *data, size_t size)
{
	int error = tool_write_file_atomic(path, data, size);
	if (error)
		tool_error("update: cannot keep the registry in %s for a later "
			   "--rebuild: %s", path, strerror(error));
}

static void keep_registries(const struct update_options *opt,
			    const char *data, size_t size)
{
	char path[4200];
	kept_registry_path(opt, path, sizeof(path));
	keep_registry(path, data, size);
	if (opt->protocols.data) {
		kept_protocols_path(opt, path, sizeof(path));
		keep_registry(path, opt->protocols.data, opt->protocols.size);
	}
}

/* --rebuild compiles the protocols registry kept beside the snapshot too,
 * unless a source or --no-protocols was given: a change of the services
 * file must not drop the protocols database. */
static void use_kept_protocols(struct update_options *opt)
{
	static char path[4200];
	if (opt->protocols.none || opt->protocols.url || opt->protocols.file)
		return;
	kept_protocols_path(opt, path, sizeof(path));
	if (access(path, R_OK) == 0)
		opt->protocols.file = path;
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
	if (status == TOOL_EXIT_OK && !opt->rebuild)
		keep_registries(opt, data, size);
	return status;
}

static int update_from_file(struct update_options *opt,
			    const struct tool_snapshot *installed)
{
	if (update_protocols_get(&opt->protocols, opt->db_target.path,
				 installed ? &installed->snap : NULL, false) == FETCH_FAILED)
		return TOOL_EXIT_FAILURE;
	char *data = NULL, kept[4200];
	size_t size = 0;
	const char *path = opt->file;
	if (opt->rebuild) {
		kept_registry_path(opt, kept, sizeof(kept));
		path = kept;
	}
	int rc = read_whole_file(path, &data, &size);
	if (rc != 0) {
		char err[512];
		read_error_message(err, sizeof(err), path, rc);
		if (opt->rebuild && rc == ENOENT)
			tool_error("update: no registry kept beside %s (%s): "
				   "nothing to rebuild from; a plain 'nss-iana "
				   "update' downloads one", opt->db, path);
		else
			tool_error("update: %s", err);
		return TOOL_EXIT_FAILURE;
	}
	int status = compile_and_install(opt, data, size, path, installed,
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
	    read_regular_file(prefer, &data, &size) != 0)
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
		       date_or_undated(&installed->snap));
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

/* Without --prefer or --no-prefer, the preference file stays the one the
 * installed snapshot records (make install and the package compile with
 * /etc/services).  If it cannot be read now (gone for a moment during an
 * upgrade, a FIFO, a typo), compiling without it would silently change
 * answers: the update fails instead and the installed snapshot stays.
 * The path lives in the installed snapshot, which stays mapped until the
 * update is done. */
static int keep_preference(struct update_options *opt,
			   const struct snapshot *installed)
{
	struct tool_preference pref;
	if (!tool_preference(installed, &pref))
		return 0;
	char *data;
	size_t size;
	int error = read_regular_file(pref.path, &data, &size);
	if (error) {
		char err[512];
		read_error_message(err, sizeof(err), pref.path, error);
		tool_error("update: the installed snapshot answers from %s first, "
			   "and it cannot be read (%s); %s is left untouched "
			   "(--no-prefer drops the preference, --prefer FILE names "
			   "another)", pref.path, err, opt->db);
		return -1;
	}
	free(data);
	opt->prefer = pref.path;
	tool_say("%s answers first, as in the installed snapshot\n", pref.path);
	return 0;
}

static int update(struct update_options *opt)
{
	if (check_target(opt->db, &opt->db_target) != 0)
		return TOOL_EXIT_FAILURE;
	if (opt->export_services && *opt->export_services &&
	    check_target(opt->export_services, &opt->export_target) != 0)
		return TOOL_EXIT_FAILURE;
	if (opt->prefer_given && opt->prefer && access(opt->prefer, R_OK) != 0) {
		tool_error("update: --prefer %s: %s; nothing was downloaded (give "
			   "a readable services(5) file, or --no-prefer)",
			   opt->prefer, strerror(errno));
		return TOOL_EXIT_FAILURE;
	}
	if (check_distinct_targets(opt) != 0)
		return TOOL_EXIT_FAILURE;
	struct tool_snapshot installed;
	bool have_installed = open_installed(opt->db, &installed) == 1;
	const struct tool_snapshot *current = have_installed ? &installed : NULL;
	int status;
	if (!opt->prefer_given && current &&
	    keep_preference(opt, &current->snap) != 0)
		status = TOOL_EXIT_FAILURE;
	else if (check_distinct_targets(opt) != 0)
		status = TOOL_EXIT_FAILURE;
	else {
		if (opt->rebuild)
			use_kept_protocols(opt);
		update_protocols_defaults(&opt->protocols, opt->default_url,
					  current ? &current->snap : NULL);
		status = opt->file || opt->rebuild ? update_from_file(opt, current)
						   : update_from_url(opt, current);
	}
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
		{"rebuild", no_argument, NULL, 'r'},
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
		case 'r': opt.rebuild = true; break;
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
	if (!!opt.url + !!opt.file + opt.rebuild > 1)
		return tool_usage_error("update", "--url, --file and --rebuild "
					"exclude each other");
	opt.db = tool_db_path(opt.db);
	if (!opt.file && !opt.url && !opt.rebuild) {
		opt.url = TOOL_IANA_URL;
		opt.default_url = true;
	}
	/* Recorded as given, a relative path would mean another file, or
	 * none, when the next update runs elsewhere. */
	if (opt.prefer && !(opt.prefer = opt.prefer_absolute = absolute_path(opt.prefer))) {
		tool_error("update: %s", strerror(errno));
		return TOOL_EXIT_FAILURE;
	}
	int status = update(&opt);
	free(opt.prefer_absolute);
	return status;
}
