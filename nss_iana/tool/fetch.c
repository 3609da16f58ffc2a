/*
 * tool/fetch.c - getting the registry over HTTP(S) for `nss-iana update`,
 * bounded in size and time, and only when it changed.
 *
 * curl does the transfer.  What it may cost is bounded here:
 *   - size: --max-filesize stops a body whose length is announced; a body
 *     without Content-Length (plain or chunked) is stopped by the file
 *     size limit (RLIMIT_FSIZE) curl runs under, one byte past
 *     INPUT_MAX_FILE_SIZE, so the write that crosses it fails;
 *   - time: below 1 KiB/s for 30 s curl gives up (a server that drips a
 *     byte at a time would otherwise hold a oneshot unit for hours);
 *   - redirects: only to https, unless the user gave an http URL.
 * The download lands in a private directory under $TMPDIR that is removed
 * on every path out, including SIGTERM, SIGINT and SIGHUP while curl runs.
 *
 * Requests are conditional: the ETag and Last-Modified of the download
 * the installed snapshot was compiled from are kept beside it (DB.download)
 * and sent back as If-None-Match and If-Modified-Since, so a server that
 * has nothing new answers 304 with no body.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compiler/compile.h"
#include "tool/tool.h"

/* ---- running programs ------------------------------------------------- */

/* The signals that end the process by default and can be held, unless
 * ignored (a background job of a non-interactive shell ignores SIGINT, and
 * keeps doing so).  SIGXFSZ is among them: a write past RLIMIT_FSIZE then
 * fails with EFBIG and is reported, and the process still ends by it. */
static void termination_signals(sigset_t *set)
{
	static const int signals[] = {
		SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM, SIGUSR1,
		SIGUSR2, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGPOLL,
	};
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		struct sigaction current;
		if (sigaction(signals[i], NULL, &current) == 0 &&
		    current.sa_handler != SIG_IGN)
			sigaddset(set, signals[i]);
	}
}

static _Noreturn void exec_child(char *const argv[],
				 const struct tool_run_options *opt,
				 const sigset_t *mask)
{
	if (opt->stdout_to_null) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
	}
	if (opt->max_file_size) {
		struct rlimit limit = {opt->max_file_size, opt->max_file_size};
		/* The write past the limit fails with EFBIG instead of killing
		 * the program (and leaving a core). */
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &limit) != 0)
			_exit(127);
	}
	sigprocmask(SIG_SETMASK, mask, NULL);
	execvp(argv[0], argv);
	_exit(127);
}

/* Waits for `pid`; a termination signal meanwhile stops it and is
 * recorded in *interrupted. */
static int wait_child(pid_t pid, const sigset_t *watched, int *interrupted)
{
	int status;
	for (;;) {
		pid_t done = waitpid(pid, &status, WNOHANG);
		if (done == pid)
			break;
		if (done < 0 && errno != EINTR)
			return 127;
		/* The child's SIGCHLD is blocked, so one that comes after
		 * waitpid is still pending here: no wake-up is lost. */
		int sig = sigwaitinfo(watched, NULL);
		if (sig > 0 && sig != SIGCHLD && !*interrupted) {
			*interrupted = sig;
			kill(pid, SIGTERM);
		}
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int tool_run_program(char *const argv[], const struct tool_run_options *opt,
		     int *interrupted)
{
	sigset_t watched, saved;
	/* A parent that started us with SIGCHLD ignored would have the
	 * kernel reap the child unseen: waitpid would never report it. */
	struct sigaction default_chld = {.sa_handler = SIG_DFL}, saved_chld;
	sigaction(SIGCHLD, &default_chld, &saved_chld);
	termination_signals(&watched);
	sigaddset(&watched, SIGCHLD);
	sigprocmask(SIG_BLOCK, &watched, &saved);
	fflush(NULL);
	*interrupted = 0;
	pid_t pid = fork();
	if (pid == 0)
		exec_child(argv, opt, &saved);
	int status = pid < 0 ? 127 : wait_child(pid, &watched, interrupted);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	sigaction(SIGCHLD, &saved_chld, NULL);
	return status;
}

void tool_die_of(int sig)
{
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

/* ---- the temporary directory ------------------------------------------ */

struct download {
	char dir[4096]; /* "" until created */
	char body[4200];
	char headers[4200];
};

static int download_start(struct download *d)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(d->dir, sizeof(d->dir), "%s/nss-iana-update.XXXXXX", tmp);
	if (!mkdtemp(d->dir)) {
		tool_error("update: cannot create a temporary directory in %s: %s",
			   tmp, strerror(errno));
		d->dir[0] = '\0';
		return -1;
	}
	snprintf(d->body, sizeof(d->body), "%s/registry", d->dir);
	snprintf(d->headers, sizeof(d->headers), "%s/headers", d->dir);
	return 0;
}

static void download_cleanup(struct download *d)
{
	if (!d->dir[0])
		return;
	unlink(d->body);
	unlink(d->headers);
	rmdir(d->dir);
	d->dir[0] = '\0';
}

/* ---- validators -------------------------------------------------------- */

/* A header value that can be sent back verbatim: printable ASCII only, so
 * nothing a server sends can add a header line to the next request. */
static void keep_value(char *out, size_t out_size, const char *value,
		       size_t length)
{
	while (length && (*value == ' ' || *value == '\t'))
		value++, length--;
	while (length && (value[length - 1] == ' ' || value[length - 1] == '\t' ||
			  value[length - 1] == '\r'))
		length--;
	out[0] = '\0';
	if (length == 0 || length >= out_size)
		return;
	for (size_t i = 0; i < length; i++)
		if (value[i] < 0x20 || value[i] > 0x7e)
			return;
	memcpy(out, value, length);
	out[length] = '\0';
}

/* `line` is "name: value"; keeps value in out if name matches. */
static void header_value(const char *line, size_t length, const char *name,
			 char *out, size_t out_size)
{
	size_t n = strlen(name);
	if (length > n && line[n] == ':' && strncasecmp(line, name, n) == 0)
		keep_value(out, out_size, line + n + 1, length - n - 1);
}

/* The status of the last response in curl's header dump (each redirect
 * and retry adds one), and its validators.  -1 if there is none. */
static int last_response(const char *text, size_t size,
			 struct http_validators *v)
{
	int status = -1;
	const char *end = text + size;
	for (const char *line = text; line < end;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		size_t length = (size_t)((eol ? eol : end) - line);
		if (length > 5 && strncmp(line, "HTTP/", 5) == 0) {
			const char *space = memchr(line, ' ', length);
			status = space ? atoi(space + 1) : -1;
			memset(v, 0, sizeof(*v));
		}
		header_value(line, length, "ETag", v->etag, sizeof(v->etag));
		header_value(line, length, "Last-Modified", v->last_modified,
			     sizeof(v->last_modified));
		line = eol ? eol + 1 : end;
	}
	return status;
}

/* ---- curl --------------------------------------------------------------- */

/* Seconds below the floor rate before giving up; the environment may
 * shorten it (the tests do). */
static const char *stall_seconds(void)
{
	const char *value = getenv("NSS_IANA_UPDATE_STALL_SECONDS");
	if (value && *value && strspn(value, "0123456789") == strlen(value) &&
	    strlen(value) <= 4 && atoi(value) > 0)
		return value;
	return "30";
}

static void add(char **argv, size_t *argc, char *arg)
{
	argv[(*argc)++] = arg;
}

static int run_curl(const char *url, const struct http_validators *known,
		    const struct download *d, int *interrupted)
{
	char max_size[32], if_none_match[300], if_modified_since[100];
	snprintf(max_size, sizeof(max_size), "%zu", INPUT_MAX_FILE_SIZE);
	bool http_url = strncasecmp(url, "http:", 5) == 0;
	char *argv[40];
	size_t argc = 0;
	add(argv, &argc, "curl");
	/* -q first: no ~/.curlrc, whose "insecure" or proxy would change what
	 * is trusted and fetched behind the tool's back. */
	add(argv, &argc, "-q");
	add(argv, &argc, "-fsSL");
	add(argv, &argc, "--proto");
	add(argv, &argc, "=http,https");
	add(argv, &argc, "--proto-redir");
	add(argv, &argc, http_url ? "=http,https" : "=https");
	add(argv, &argc, "--max-redirs");
	add(argv, &argc, "5");
	add(argv, &argc, "--retry");
	add(argv, &argc, "2");
	add(argv, &argc, "--connect-timeout");
	add(argv, &argc, "30");
	add(argv, &argc, "--max-time");
	add(argv, &argc, "600");
	add(argv, &argc, "--speed-limit");
	add(argv, &argc, "1024");
	add(argv, &argc, "--speed-time");
	add(argv, &argc, (char *)stall_seconds());
	add(argv, &argc, "--max-filesize");
	add(argv, &argc, max_size);
	add(argv, &argc, "-D");
	add(argv, &argc, (char *)d->headers);
	add(argv, &argc, "-o");
	add(argv, &argc, (char *)d->body);
	if (known && known->etag[0]) {
		snprintf(if_none_match, sizeof(if_none_match),
			 "If-None-Match: %s", known->etag);
		add(argv, &argc, "-H");
		add(argv, &argc, if_none_match);
	}
	if (known && known->last_modified[0]) {
		snprintf(if_modified_since, sizeof(if_modified_since),
			 "If-Modified-Since: %s", known->last_modified);
		add(argv, &argc, "-H");
		add(argv, &argc, if_modified_since);
	}
	add(argv, &argc, "--url");
	add(argv, &argc, (char *)url);
	argv[argc] = NULL;
	const struct tool_run_options opt = {
		.max_file_size = INPUT_MAX_FILE_SIZE + 1,
	};
	return tool_run_program(argv, &opt, interrupted);
}

static bool body_over_limit(const struct download *d, int curl_status)
{
	struct stat st;
	return curl_status == 63 || /* the announced size was over */
	       (stat(d->body, &st) == 0 &&
		(uint64_t)st.st_size > INPUT_MAX_FILE_SIZE);
}

/* curl's exit statuses (curl(1), EXIT CODES) that a download meets, in
 * words, with what to check. */
static const char *curl_status_words(int status)
{
	switch (status) {
	case 1: return "a redirect to a protocol not allowed (only https, or "
		       "http for an http URL)";
	case 3: return "the URL is malformed";
	case 5: return "the proxy's name does not resolve: check the proxy "
		       "settings (https_proxy)";
	case 6: return "the server's name does not resolve: check the URL and "
		       "the DNS";
	case 7: return "could not connect to the server: is it up, and is the "
		       "network or the firewall letting the connection through?";
	case 8: return "the server's answer is not HTTP";
	case 16: return "an HTTP/2 error";
	case 18: return "the transfer ended before the length the server "
			"announced: the connection was cut; try again";
	case 22: return "the server answered an HTTP error";
	case 23: return "the download could not be written to the temporary "
			"directory ($TMPDIR): is it full?";
	case 27: return "out of memory";
	case 28: return "too slow, or no answer in time";
	case 35: return "the TLS handshake failed: the server does not speak "
			"TLS there, or no protocol version or cipher is common";
	case 47: return "too many redirects";
	case 52: return "the server closed the connection without an answer";
	case 55: return "failed to send the request: the connection was cut";
	case 56: return "failed to receive the answer: the connection was cut";
	case 58: return "a problem with the local client certificate";
	case 60: return "the server's certificate is not trusted (self-signed, "
			"expired, or for another name): check the URL and the "
			"system's CA certificates";
	case 77: return "the CA certificates cannot be read: check "
			"CURL_CA_BUNDLE or the ca-certificates package";
	case 92: return "an HTTP/2 stream error";
	}
	return NULL;
}

static void report_curl_failure(const char *url, const struct download *d,
				int status)
{
	if (status == 127)
		tool_error("update: cannot run curl (is it installed?)");
	else if (body_over_limit(d, status))
		tool_error("update: download of %s refused: larger than %zu MiB, "
			   "far more than the registry (about 1 MiB as CSV, 4 MiB "
			   "as XML)", url, INPUT_MAX_FILE_SIZE >> 20);
	else if (curl_status_words(status))
		tool_error("update: download of %s failed: %s (curl exit status "
			   "%d); the installed snapshot is untouched", url,
			   curl_status_words(status), status);
	else
		tool_error("update: download of %s failed (curl exit status %d, "
			   "see curl(1), EXIT CODES); the installed snapshot is "
			   "untouched", url, status);
}

static enum fetch_result read_response(const char *url,
				       const struct http_validators *known,
				       const struct download *d,
				       struct fetched *out)
{
	char *headers = NULL;
	size_t headers_size = 0;
	int error = read_whole_file(d->headers, &headers, &headers_size);
	int status = error ? -1 : last_response(headers, headers_size,
						&out->validators);
	free(headers);
	if (status == 304 && known && (known->etag[0] || known->last_modified[0]))
		return FETCH_NOT_MODIFIED;
	if (status != 200) {
		tool_error("update: %s: unexpected answer (HTTP status %d)", url,
			   status);
		return FETCH_FAILED;
	}
	error = read_whole_file(d->body, &out->data, &out->size);
	if (error == ENOENT) { /* curl writes no file for an empty body */
		out->data = calloc(1, 1);
		error = out->data ? 0 : ENOMEM;
	}
	if (error) {
		char err[512];
		read_error_message(err, sizeof(err), url, error);
		tool_error("update: %s", err);
		return FETCH_FAILED;
	}
	return FETCH_OK;
}

/* Downloads into the private directory `d` and reads the answer. */
static enum fetch_result download_into(const char *url,
				  const struct http_validators *known,
				  struct download *d, struct fetched *out,
				  int *interrupted)
{
	if (download_start(d) != 0)
		return FETCH_FAILED;
	tool_say("fetching %s%s\n", url,
	       known && (known->etag[0] || known->last_modified[0]) ?
	       " (only if changed since the installed download)" : "");
	int status = run_curl(url, known, d, interrupted);
	if (*interrupted)
		return FETCH_FAILED;
	if (status != 0) {
		report_curl_failure(url, d, status);
		return FETCH_FAILED;
	}
	return read_response(url, known, d, out);
}

/* A termination signal held and not yet taken, or 0. */
static int take_pending(const sigset_t *signals)
{
	const struct timespec now = {0, 0};
	int sig = sigtimedwait(signals, NULL, &now);
	return sig > 0 ? sig : 0;
}

void tool_hold_signals(struct tool_signal_hold *hold)
{
	termination_signals(&hold->signals);
	sigprocmask(SIG_BLOCK, &hold->signals, &hold->saved);
}

int tool_release_signals(struct tool_signal_hold *hold, int interrupted)
{
	if (!interrupted)
		interrupted = take_pending(&hold->signals);
	sigprocmask(SIG_SETMASK, &hold->saved, NULL);
	return interrupted;
}

enum fetch_result tool_fetch(const char *url,
			     const struct http_validators *known,
			     struct fetched *out)
{
	memset(out, 0, sizeof(*out));
	if (strncasecmp(url, "https://", 8) != 0 &&
	    strncasecmp(url, "http://", 7) != 0) {
		tool_error("update: bad URL '%s': only https:// and http:// are "
			   "fetched (--file reads a local file)", url);
		return FETCH_FAILED;
	}
	/* Termination signals wait while the temporary directory exists, so
	 * that it is always removed; tool_run_program takes them meanwhile
	 * and stops curl. */
	struct tool_signal_hold hold;
	tool_hold_signals(&hold);
	struct download d = {.dir = ""};
	int interrupted = 0;
	enum fetch_result result = download_into(url, known, &d, out, &interrupted);
	download_cleanup(&d);
	interrupted = tool_release_signals(&hold, interrupted);
	if (interrupted) {
		free(out->data);
		tool_error("update: interrupted by signal %d; nothing changed",
			   interrupted);
		tool_die_of(interrupted);
	}
	return result;
}

/* ---- DB.download: the validators of the installed download ------------- */

static void state_path(char *out, size_t size, const char *db)
{
	snprintf(out, size, "%s.download", db);
}

/* The value of "key value" lines in `text`, kept if sendable. */
static void state_value(const char *text, size_t size, const char *key,
			char *out, size_t out_size)
{
	size_t n = strlen(key);
	const char *end = text + size;
	out[0] = '\0';
	for (const char *line = text; line < end;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		size_t length = (size_t)((eol ? eol : end) - line);
		if (length > n && line[n] == ' ' && strncmp(line, key, n) == 0)
			keep_value(out, out_size, line + n + 1, length - n - 1);
		line = eol ? eol + 1 : end;
	}
}

bool tool_fetch_state_load(const char *db, const char *url,
			   const struct snapshot *installed,
			   struct http_validators *v)
{
	char path[4200], saved_url[4096], checksum[32], expected[32];
	char *text;
	size_t size;
	memset(v, 0, sizeof(*v));
	state_path(path, sizeof(path), db);
	if (read_whole_file(path, &text, &size) != 0)
		return false;
	state_value(text, size, "url", saved_url, sizeof(saved_url));
	state_value(text, size, "snapshot-checksum", checksum, sizeof(checksum));
	state_value(text, size, "etag", v->etag, sizeof(v->etag));
	state_value(text, size, "last-modified", v->last_modified,
		    sizeof(v->last_modified));
	free(text);
	snprintf(expected, sizeof(expected), "%08" PRIx32,
		 installed->header->checksum);
	/* Another URL, or a snapshot installed since from elsewhere (--file,
	 * compile -o): the validators say nothing about what is installed. */
	if (strcmp(saved_url, url) != 0 || strcmp(checksum, expected) != 0)
		memset(v, 0, sizeof(*v));
	return v->etag[0] || v->last_modified[0];
}

void tool_fetch_state_carry(const char *db, const struct snapshot *from,
			    const struct snapshot *to)
{
	char path[4200], url[4096], checksum[32], expected[32];
	struct http_validators v;
	char *text;
	size_t size;
	memset(&v, 0, sizeof(v));
	state_path(path, sizeof(path), db);
	if (read_whole_file(path, &text, &size) != 0)
		return;
	state_value(text, size, "url", url, sizeof(url));
	state_value(text, size, "snapshot-checksum", checksum, sizeof(checksum));
	state_value(text, size, "etag", v.etag, sizeof(v.etag));
	state_value(text, size, "last-modified", v.last_modified,
		    sizeof(v.last_modified));
	free(text);
	snprintf(expected, sizeof(expected), "%08" PRIx32, from->header->checksum);
	if (url[0] && strcmp(checksum, expected) == 0)
		tool_fetch_state_save(db, url, to, &v);
}

void tool_fetch_state_save(const char *db, const char *url,
			   const struct snapshot *installed,
			   const struct http_validators *v)
{
	char path[4200], *text = NULL, *name = NULL;
	size_t name_size;
	/* The path, escaped: a newline in it would add a line of its own. */
	FILE *escaped = open_memstream(&name, &name_size);
	if (escaped) {
		tool_print_line_text(escaped, db);
		if (fclose(escaped) != 0) {
			free(name);
			name = NULL;
		}
	}
	int length = !name ? -1 : asprintf(
		&text,
		"# nss-iana update: what the server said about the download %s\n"
		"# was compiled from; sent back so that an unchanged registry\n"
		"# is not downloaded again.\n"
		"url %s\nsnapshot-checksum %08" PRIx32 "\n%s%s%s%s%s%s",
		name, url, installed->header->checksum,
		v->etag[0] ? "etag " : "", v->etag, v->etag[0] ? "\n" : "",
		v->last_modified[0] ? "last-modified " : "", v->last_modified,
		v->last_modified[0] ? "\n" : "");
	state_path(path, sizeof(path), db);
	int rc = length < 0 ? ENOMEM
		 : tool_write_file_atomic(path, text, (size_t)length);
	if (rc != 0)
		tool_error("update: cannot write %s: %s (the next update will "
			   "download the registry again)", path, strerror(rc));
	if (length >= 0)
		free(text);
	free(name);
}
