/*
 * tool_update.c - `nss-iana update [--db FILE] [--url URL | --file CSV]`.
 *
 * Fetch, check, compile, show the diff, swap in, tell nscd.  Every check
 * runs before the installed snapshot is touched, and the swap itself is a
 * rename, so a failure at any step leaves running processes answering from
 * the old file.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pipeline.h"
#include "text.h"
#include "snapshot.h"
#include "tool.h"

extern char **environ;

static const char update_help[] =
	"Usage: nss-iana update [--db FILE] [--url URL | --file CSV] [--force]\n"
	"Fetch the IANA registry CSV, check and compile it, print what changed\n"
	"against the installed snapshot, and replace that snapshot atomically:\n"
	"running processes pick the new one up within a second.  If nscd is\n"
	"running, its services cache is then invalidated (nscd -i services).\n"
	"\n"
	"      --db=FILE   the installed snapshot (default: $NSS_IANA_DB, else\n"
	"                  " NSS_IANA_DEFAULT_DB ")\n"
	"      --url=URL   fetch this URL with curl (default:\n"
	"                  " TOOL_IANA_URL ")\n"
	"      --file=CSV  use a CSV already on disk instead of fetching\n"
	"      --force     install even if the new registry has under 90% of the\n"
	"                  installed entries (normally taken as a truncated file)\n"
	"      --help      display this help and exit\n"
	"\n"
	"A failed download, an HTML page, a truncated file or a CSV that does\n"
	"not compile leaves the installed snapshot untouched.\n"
	"Exit status: 0 installed or already up to date, 1 failure, 2 usage.\n";

struct update_options {
	const char *db;
	struct tool_output db_target; /* db resolved: a symlink's target */
	const char *url;
	const char *file;
	bool force;
};

/* ---- running programs, without a shell ---- */

/* Runs argv (looked up in PATH) and returns its exit status, 127 if it
 * could not be started, or 128 + signal.  stdout_to_null hides chatter. */
static int run_program(char *const argv[], bool stdout_to_null)
{
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	if (stdout_to_null)
		posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO,
						 "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	if (rc != 0)
		return 127;
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* ---- getting the CSV ---- */

struct fetched {
	char dir[4096]; /* a private temporary directory, or "" */
	char path[4200];
};

static void fetched_cleanup(struct fetched *f)
{
	if (!f->dir[0])
		return;
	unlink(f->path);
	rmdir(f->dir);
	f->dir[0] = '\0';
}

static int fetch(const char *url, struct fetched *f)
{
	if (url[0] == '-') {
		tool_error("update: bad URL '%s'", url);
		return -1;
	}
	const char *tmp = getenv("TMPDIR");
	snprintf(f->dir, sizeof(f->dir), "%s/nss-iana-update.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir)) {
		tool_error("update: cannot create a temporary directory in %s: %s",
			   tmp && *tmp ? tmp : "/tmp", strerror(errno));
		f->dir[0] = '\0';
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/registry.csv", f->dir);
	/* The registry is about 1 MiB; 64 MiB means something else answered. */
	char *argv[] = {"curl", "-fsSL", "--retry", "2", "--connect-timeout",
			"30", "--max-time", "600", "--max-filesize", "67108864",
			"-o", f->path, (char *)url, NULL};
	printf("fetching %s\n", url);
	fflush(stdout);
	int status = run_program(argv, false);
	if (status == 127) {
		tool_error("update: cannot run curl (is it installed?)");
		return -1;
	}
	if (status != 0) {
		tool_error("update: download of %s failed (curl exit status %d%s)",
			   url, status,
			   status == 22 ? ": the server answered an HTTP error" : "");
		return -1;
	}
	return 0;
}

/* ---- checks before compiling ---- */

static bool looks_like_html(const char *data, size_t size)
{
	size_t i = 0;
	if (text_has_bom(data, size))
		i = TEXT_BOM_SIZE;
	while (i < size && (data[i] == ' ' || data[i] == '\t' ||
			    data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i < size && data[i] == '<')
		return true;
	size_t window = size < 4096 ? size : 4096;
	return memmem(data, window, "<html", 5) || memmem(data, window, "<HTML", 5);
}

/* IANA's file always ends with a line break; a cut download rarely does. */
static const char *precheck(const char *data, size_t size)
{
	if (size == 0)
		return "the file is empty";
	if (looks_like_html(data, size))
		return "this is an HTML page, not the registry CSV "
		       "(an error page or a wrong URL?)";
	if (data[size - 1] != '\n')
		return "the file does not end with a line break: "
		       "it looks truncated";
	return NULL;
}

/* ---- the installed snapshot ---- */

static int compile_new(const char *data, size_t size, const char *display,
		       struct tool_snapshot *ts)
{
	char err[512];
	struct compiled compiled;

	memset(ts, 0, sizeof(*ts));
	if (compile_data(data, size, display, &compiled, err, sizeof(err)) != 0) {
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
		printf("no snapshot installed at %s yet\n", db);
		return 0;
	}
	if (tool_open_snapshot(ts, db, err, sizeof(err)) != 0) {
		tool_error("update: the installed snapshot is unusable and will "
			   "be replaced: %s", err);
		return 0;
	}
	return 1;
}

static bool shrank_too_much(const struct snapshot *installed,
			    const struct snapshot *fresh)
{
	return (uint64_t)fresh->entry_count * 10 <
	       (uint64_t)installed->entry_count * 9;
}

/* ---- nscd ---- */

static bool nscd_running(void)
{
	char *argv[] = {"pidof", "nscd", NULL};
	if (run_program(argv, true) == 0)
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
	int status = run_program(argv, false);
	if (status == 0)
		printf("nscd is running: invalidated its services cache "
		       "(nscd -i services)\n");
	else
		tool_error("update: nscd is running but 'nscd -i services' "
			   "failed (status %d): it may answer from its cache "
			   "until the entries expire", status);
}

/* ---- the update ---- */

static int install(const struct update_options *opt,
		   const struct tool_snapshot *fresh)
{
	struct tool_snapshot installed;
	int have_installed = open_installed(opt->db, &installed);
	int status = TOOL_EXIT_FAILURE;
	if (have_installed && installed.snap.size == fresh->snap.size &&
	    memcmp(installed.snap.base, fresh->snap.base, fresh->snap.size) == 0) {
		printf("%s is up to date (registry %s, %u entries)\n", opt->db,
		       tool_registry_date(&fresh->snap), fresh->snap.entry_count);
		status = TOOL_EXIT_OK;
		goto out;
	}
	if (have_installed && !opt->force &&
	    shrank_too_much(&installed.snap, &fresh->snap)) {
		tool_error("update: the new registry has %u entries, the installed "
			   "one %u: it looks truncated, so %s is left untouched "
			   "(--force installs it anyway)",
			   fresh->snap.entry_count, installed.snap.entry_count,
			   opt->db);
		goto out;
	}
	if (have_installed) {
		char err[512];
		struct tool_diff_counts counts;
		if (tool_diff(&installed.snap, &fresh->snap, false, stdout,
			      &counts, err, sizeof(err)) != 0)
			tool_error("update: no diff: %s", err);
		else
			tool_diff_print_counts(stdout, &counts);
	}
	char err[512];
	if (tool_output_write(&opt->db_target, fresh->snap.base,
			      fresh->snap.size, err, sizeof(err)) != 0) {
		tool_error("update: cannot install %s: %s", opt->db, err);
		goto out;
	}
	printf("installed %s: registry %s, %u entries, %u aliases\n", opt->db,
	       tool_registry_date(&fresh->snap), fresh->snap.entry_count,
	       fresh->snap.alias_count);
	fflush(stdout);
	invalidate_nscd();
	status = TOOL_EXIT_OK;
out:
	if (have_installed)
		tool_snapshot_close(&installed);
	return status;
}

/* Fails early, before a download, if the snapshot could not be replaced. */
static int check_db_target(struct update_options *opt)
{
	char err[512];
	if (tool_output_resolve(opt->db, false, &opt->db_target, err,
				sizeof(err)) != 0) {
		tool_error("update: %s", err);
		return -1;
	}
	const char *db = opt->db_target.path;
	char *dir = strdup(db);
	if (!dir)
		return -1;
	char *slash = strrchr(dir, '/');
	const char *where = slash == dir ? "/" : slash ? (*slash = '\0', dir) : ".";
	int ok = access(where, W_OK | X_OK) == 0;
	if (!ok)
		tool_error("update: cannot replace %s: directory %s: %s", db,
			   where, strerror(errno));
	free(dir);
	return ok ? 0 : -1;
}

static int update(struct update_options *opt)
{
	struct fetched fetched = {.dir = ""};
	if (check_db_target(opt) != 0)
		return TOOL_EXIT_FAILURE;
	const char *path = opt->file, *display = opt->file;
	if (!path) {
		display = opt->url ? opt->url : TOOL_IANA_URL;
		if (fetch(display, &fetched) != 0) {
			fetched_cleanup(&fetched);
			return TOOL_EXIT_FAILURE;
		}
		path = fetched.path;
	}
	char *data = NULL;
	size_t size = 0;
	int rc = read_whole_file(path, &data, &size);
	fetched_cleanup(&fetched);
	if (rc != 0) {
		char err[512];
		read_error_message(err, sizeof(err), display, rc);
		tool_error("update: %s", err);
		return TOOL_EXIT_FAILURE;
	}
	int status = TOOL_EXIT_FAILURE;
	struct tool_snapshot fresh;
	const char *problem = precheck(data, size);
	if (problem) {
		tool_error("update: %s: %s; %s left untouched", display, problem,
			   opt->db);
	} else if (compile_new(data, size, display, &fresh) == 0) {
		status = install(opt, &fresh);
		tool_snapshot_close(&fresh);
	} else {
		tool_error("update: %s left untouched", opt->db);
	}
	free(data);
	return status;
}

int tool_cmd_update(int argc, char **argv)
{
	static const struct option options[] = {
		{"db", required_argument, NULL, 'd'},
		{"url", required_argument, NULL, 'u'},
		{"file", required_argument, NULL, 'f'},
		{"force", no_argument, NULL, 'F'},
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
		case 'F': opt.force = true; break;
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
	return update(&opt);
}
