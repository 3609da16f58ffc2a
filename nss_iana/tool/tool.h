/*
 * tool.h - the pieces of the nss-iana tool shared by its subcommands.
 *
 * tool/main.c holds only main() and the dispatch; each subcommand lives in its
 * own cmd_*.c so the Check suites can link it from the tool archive.  None
 * of this is linked into libnss_iana.so.2.
 */
#ifndef NSS_IANA_TOOL_H
#define NSS_IANA_TOOL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "reader/snapshot.h"
#include "snapshot_format.h"
#include "compiler/snapshot_write.h"

/* Exit statuses, documented in nss-iana --help and nss-iana(1). */
enum tool_exit {
	TOOL_EXIT_OK = 0,
	TOOL_EXIT_FAILURE = 1, /* not found, invalid input, compile error */
	TOOL_EXIT_USAGE = 2,
};

#ifndef NSS_IANA_VERSION
#define NSS_IANA_VERSION "unknown"
#endif
#ifndef NSS_IANA_DEFAULT_DB
#define NSS_IANA_DEFAULT_DB "/var/lib/nss-iana/services.db"
#endif

/* The XML export: the only one with the contacts table. */
#define TOOL_IANA_URL \
	"https://www.iana.org/assignments/service-names-port-numbers/" \
	"service-names-port-numbers.xml"

/* ---- messages (tool/messages.c) ---- */

/* "nss-iana: " + message + newline, on stderr. */
void tool_error(const char *format, ...)
	__attribute__((format(printf, 1, 2)));
/* A message on stdout (give it its newline), escaped like tool_error's:
 * for lines that name files or registry text. */
void tool_say(const char *format, ...)
	__attribute__((format(printf, 1, 2)));
/* A usage error: the message, a pointer to --help, and TOOL_EXIT_USAGE. */
int tool_usage_error(const char *command, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

/* The usage error for what getopt_long returned as ':' or '?'. */
int tool_bad_option(const char *command, int c, char **argv);

/* Option parsing for a command whose only option is --help.  Returns -1
 * when the command goes on with argv[optind...], else the exit status to
 * return now (after printing `help`, or a usage error). */
int tool_help_only_options(const char *command, const char *help, int argc,
			   char **argv);

/* ---- the snapshot a command works on (tool/open.c) ---- */

/* --db if given, else $NSS_IANA_DB if set and not empty, else the
 * compiled-in default. */
const char *tool_db_path(const char *option);

/* A snapshot in memory: mapped from a file, or compiled from a registry. */
struct tool_snapshot {
	struct snapshot snap;
	struct snapshot_map map;     /* .addr set when mapped */
	struct snapshot_image image; /* .data set when built */
};

/* Maps and validates a snapshot file.  On failure writes
 * "PATH: reason" to err and returns -1. */
int tool_open_snapshot(struct tool_snapshot *ts, const char *path,
		       char *err, size_t err_size);
/* Compiles a registry (CSV or XML) into an in-memory snapshot.  On
 * failure writes the registry's "FILE:LINE:COL: message" (or the build
 * reason) to err. */
int tool_compile_registry(struct tool_snapshot *ts, const char *path,
			  char *err, size_t err_size);
/* Either of the above, chosen by the file's first bytes (the magic). */
int tool_open_any(struct tool_snapshot *ts, const char *path,
		  char *err, size_t err_size);
void tool_snapshot_close(struct tool_snapshot *ts);

/* ---- entries as the commands read them (tool/entries.c) ---- */

/* The NSSIANA_META_FIELDS strings of the metadata record at `offset`.
 * False if any of them does not end inside the string pool. */
bool tool_meta_record(const struct snapshot *snap, uint32_t offset,
		      const char *fields[NSSIANA_META_FIELDS]);

/* An entry as show, diff and export print it, every string checked once:
 * each ends inside the string pool, the name, protocol and aliases are
 * services(5) tokens that print as themselves (text.h), and there are at
 * most NSSIANA_MAX_ALIASES aliases, each with its metadata record. */
struct tool_entry_view {
	const struct nssiana_entry *entry;
	const char *name;
	const char *proto;
	uint16_t port_first;
	uint16_t port_last;
	uint32_t alias_count;
	const char *aliases[NSSIANA_MAX_ALIASES];
	const char *meta[NSSIANA_META_FIELDS];
	const char *alias_meta[NSSIANA_MAX_ALIASES][NSSIANA_META_FIELDS];
};

/* Fills *view with entry `index`.  False if the entry fails a check
 * above: the snapshot is corrupt (the compiler never writes one). */
bool tool_entry_view(const struct snapshot *snap, uint32_t index,
		     struct tool_entry_view *view);

/* Short labels for the metadata fields ("description", "assignee", ...),
 * used as JSON keys and in diff output. */
extern const char *const tool_meta_keys[NSSIANA_META_FIELDS];
/* Labels for people ("Description", "Assignee", ...). */
extern const char *const tool_meta_labels[NSSIANA_META_FIELDS];

/* "80", or "6000-6063". */
void tool_format_ports(char *out, size_t size, uint16_t first, uint16_t last);

/* The newest Registration or Modification Date of the snapshot's rows, or
 * "" if none: the date of its records, not the registry's own. */
const char *tool_registry_date(const struct snapshot *snap);
/* The registry's own date (the XML's <updated>), or "" if the snapshot
 * has none (compiled from a CSV, or older than format 1.2). */
const char *tool_registry_updated(const struct snapshot *snap);

/* ---- registry text for people and JSON (tool/messages.c) ---- */

/* Writes `text` as a JSON string literal (quotes included).  Invalid UTF-8
 * bytes become U+FFFD, so the output is always valid JSON. */
void tool_json_string(FILE *out, const char *text);

/* Writes text[0..length) for a person at a terminal: text read from a
 * registry or a snapshot may hold bytes a terminal obeys (ESC sequences,
 * BEL, C1 controls such as CSI) or that reorder or hide what it shows
 * (the Unicode direction controls, zero-width characters: text.h's
 * text_is_hidden_control).  Each of those is shown as an escape, "\x1b"
 * for a control byte or a byte of invalid UTF-8, "<U+202E>" for a code
 * point; newline, tab and every other character are written as they are.
 * Every human-readable output of registry text goes through it. */
void tool_print_text(FILE *out, const char *text, size_t length);
/* tool_print_text of a whole string. */
void tool_print_string(FILE *out, const char *text);
/* tool_print_string for text inside one line of a data file or a header
 * (the export's heading, --version): newline, carriage return and tab are
 * escaped as well, so a path or registry text never starts a line. */
void tool_print_line_text(FILE *out, const char *text);

/* ---- output targets (tool/output.c) ---- */

/* Where a command writes: a descriptor it holds ("-", /dev/stdout,
 * /dev/stderr, /dev/fd/N), an existing FIFO or character device opened
 * and written, or a regular file replaced atomically (a symlink to one is
 * resolved, and its target replaced in the target's directory).  Nothing
 * else is ever replaced. */
struct tool_output {
	int fd;           /* >= 0: write to this descriptor */
	bool open_stream; /* open `path` and write, never replace it */
	char path[4096];  /* the file to replace, or what to call it */
};

/* The rules above, for the --help of a command with -o. */
#define TOOL_OUTPUT_HELP \
	"FILE - or /dev/stdout is standard output (also /dev/stderr, /dev/fd/N).\n" \
	"An existing FIFO or character device is written, never replaced.  A\n" \
	"regular file is replaced atomically; for a symlink to one, the file it\n" \
	"points to is replaced, in that file's directory, and the link is kept.\n" \
	"Anything else (a directory, a socket, a dangling symlink) is refused.\n"

/* Decides where `path` goes.  streams_ok false: only a regular file (or a
 * new one) is acceptable.  On failure writes the reason to err and
 * returns -1; nothing has been touched. */
int tool_output_resolve(const char *path, bool streams_ok,
			struct tool_output *out, char *err, size_t err_size);
/* Writes `data`.  On failure writes "PATH: reason" to err, returns -1. */
int tool_output_write(const struct tool_output *out, const void *data,
		      size_t size, char *err, size_t err_size);
/* True if the output reaches what standard output is open on ("-", or a
 * /dev/fd/N or symlink leading to the same pipe or file; a character
 * device only as "-"): then nothing else may be printed there. */
bool tool_output_is_stdout(const struct tool_output *out);
/* True if `a` and `b` name the same file: the same device and inode
 * where both exist, else the same path once resolved (a new file). */
bool tool_same_file(const char *a, const char *b);
/* Refuses an output that would replace `other` (the input, the snapshot,
 * the preference file: `other_what`), before anything is written: -1 and
 * "OPTION PATH is OTHER_WHAT (OTHER): ..." in err, else 0. */
int tool_output_refuse_same(const struct tool_output *out, const char *option,
			    const char *other, const char *other_what,
			    char *err, size_t err_size);
/* Both at once. */
int tool_write_output(const char *path, bool streams_ok, const void *data,
		      size_t size, char *err, size_t err_size);

/* ---- export (tool/cmd_export.c) ---- */

/* The services(5) text of `snap` (`source` names it in the heading), in
 * *text, malloc'd; with `last_match`, the section for readers that keep
 * the last line of a name (cmd_export.c).  Returns 0, or -1 with a
 * message on stderr. */
int tool_export_services(const struct snapshot *snap, const char *source,
			 bool last_match, char **text, size_t *size);

/* ---- programs and downloads (tool/fetch.c) ---- */

struct tool_run_options {
	bool stdout_to_null;    /* hide the program's chatter */
	uint64_t max_file_size; /* RLIMIT_FSIZE for the program; 0: none */
};

/* Runs argv (looked up in PATH) and returns its exit status, 127 if it
 * could not be started, or 128 + signal.  A SIGTERM, SIGINT or SIGHUP
 * that comes meanwhile stops the program and is returned in *interrupted
 * (else 0): the caller cleans up, then calls tool_die_of(). */
int tool_run_program(char *const argv[], const struct tool_run_options *opt,
		     int *interrupted);
/* Ends the process by `sig`, as if it had not been caught. */
_Noreturn void tool_die_of(int sig);

/* While a temporary file or directory exists, the signals that would end
 * the process are held, so that it is always removed; the one that came
 * meanwhile is then taken and the process ends by it (tool_die_of).
 * SIGKILL cannot be held. */
struct tool_signal_hold {
	sigset_t signals;
	sigset_t saved;
};
void tool_hold_signals(struct tool_signal_hold *hold);
/* Restores the signal mask; returns `interrupted` if not 0, else the
 * signal held and not yet taken, or 0. */
int tool_release_signals(struct tool_signal_hold *hold, int interrupted);

/* write_file_atomic with the signals held: its temporary file never
 * outlives the process; a signal that came meanwhile ends the process
 * once the write is done or undone.  Returns 0 or an errno value. */
int tool_write_file_atomic(const char *path, const void *data, size_t size);

/* What a server said identifies a download: sent back next time, so it
 * answers 304 Not Modified if nothing changed.  "" when absent. */
struct http_validators {
	char etag[256];
	char last_modified[64];
};

enum fetch_result { FETCH_FAILED, FETCH_NOT_MODIFIED, FETCH_OK };

struct fetched {
	char *data; /* FETCH_OK: the body, malloc'd, NUL after size bytes */
	size_t size;
	struct http_validators validators; /* of the answer */
};

/* Downloads `url` with curl, at most INPUT_MAX_FILE_SIZE bytes, giving up
 * below 1 KiB/s for 30 s ($NSS_IANA_UPDATE_STALL_SECONDS), following
 * redirects only to https (or http too for an http URL).  With `known`
 * validators the request is conditional.  Failures are reported on
 * stderr.  A termination signal during the download removes the
 * temporary files and ends the process by that signal. */
enum fetch_result tool_fetch(const char *url,
			     const struct http_validators *known,
			     struct fetched *out);

/* The validators saved beside the snapshot `db` (in DB.download), if they
 * were saved for this URL and for the snapshot installed now. */
bool tool_fetch_state_load(const char *db, const char *url,
			   const struct snapshot *installed,
			   struct http_validators *v);
/* The validators saved for `from`, saved again for `to`: the same
 * download compiled again (update --rebuild, for an edited preference
 * file) is still what the server would send. */
void tool_fetch_state_carry(const char *db, const struct snapshot *from,
			    const struct snapshot *to);
/* Saves them, atomically; a failure is reported and otherwise ignored. */
void tool_fetch_state_save(const char *db, const char *url,
			   const struct snapshot *installed,
			   const struct http_validators *v);

/* ---- the optional sections of format 1.1 (tool/sections.c) ---- */

/* One person of IANA's contact table; every string is set ("" if none). */
struct tool_contact {
	const char *id, *name, *org, *uri, *updated;
};

/* The people in the snapshot's contact table (compiled from the XML), or
 * 0 if it has none; tool_has_contacts() is that count > 0. */
uint32_t tool_contact_count(const struct snapshot *snap);
bool tool_has_contacts(const struct snapshot *snap);

/* Finds the contact whose id is id[0..id_length).  1 found (*out set),
 * 0 not found or no table, -1 a string of the table is out of bounds. */
int tool_find_contact(const struct snapshot *snap, const char *id,
		      size_t id_length, struct tool_contact *out);

/* The preference file of `compile --prefer`, if the snapshot records one. */
struct tool_preference {
	const char *path;
	uint32_t crc32;
	uint32_t lines;
	uint32_t entries; /* the first `entries` entries are its lines */
};
bool tool_preference(const struct snapshot *snap, struct tool_preference *out);

/* The entries flagged NSSIANA_ENTRY_PREFERRED that start the entry table:
 * the preference file's lines (0 without one). */
uint32_t tool_preferred_entries(const struct snapshot *snap);

/* For "[A][B]": if `text` starts with a bracketed, non-empty group, sets
 * *id and *id_length to its inside and returns what follows it; else
 * NULL. */
const char *tool_next_bracketed(const char *text, const char **id,
				size_t *id_length);

/* ---- the snapshot diff (tool/cmd_diff.c) ---- */
struct tool_diff_counts {
	unsigned long added;
	unsigned long removed;
	unsigned long changed;
	/* Not exact: entries whose metadata differ only in white space (IANA
	 * has rendered the same line breaks as spaces in one export and as
	 * newlines in the next).  Counted, not listed. */
	unsigned long reformatted;
};

/* Compares the served entries of two snapshots keyed by (name, protocol,
 * port range) and prints one line per difference to `out`, sorted by key.
 * Unless `exact`, metadata that differ only in runs of white space count
 * as equal.  Returns 0, or -1 if memory ran out or a record is out of
 * bounds (then err says which). */
int tool_diff(const struct snapshot *old_snap, const struct snapshot *new_snap,
	      bool exact, FILE *out, struct tool_diff_counts *counts,
	      char *err, size_t err_size);

/* The closing lines: the white-space note if any, then
 * "N added, N removed, N changed". */
void tool_diff_print_counts(FILE *out, const struct tool_diff_counts *counts);

/* ---- verify (tool/cmd_verify.c) ---- */

/* Every check of `nss-iana verify` on a snapshot that tool_open_snapshot
 * accepted: that the compiler could have written it.  NULL if so, else
 * the reason (in `reason`). */
const char *tool_verify_snapshot(const struct snapshot *snap, char *reason,
				 size_t reason_size);

/* ---- show's last paragraph (tool/explain.c) ---- */

/* Prints which entry the module answers the query with, and why (a line
 * of the preference file, or the registry's first entry): for `proto`,
 * or when it is NULL, for any protocol and for each of `protos`.  `name`
 * NULL asks by `port`. */
void tool_explain_answers(const struct snapshot *snap, const char *name,
			  uint16_t port, const char *proto,
			  const char *const *protos, size_t proto_count);

/* ---- verify --against (tool/against.c) ---- */

/* Asks `snap` every query nss_files answers from the services(5) file
 * `file`, and prints to `out` each answer that differs from nss_files'
 * over `file`, then "N of N answers of FILE unchanged, N registry entries
 * beyond".  Returns 0 if none differs, 1 if one does, -1 on an error
 * (said on stderr). */
int tool_check_against(const struct snapshot *snap, const char *file, FILE *out);

/* ---- the subcommands: argv[0] is the subcommand's name ---- */
int tool_cmd_compile(int argc, char **argv);
int tool_cmd_show(int argc, char **argv);
int tool_cmd_export(int argc, char **argv);
int tool_cmd_verify(int argc, char **argv);
int tool_cmd_stats(int argc, char **argv);
int tool_cmd_diff(int argc, char **argv);
int tool_cmd_update(int argc, char **argv);

#endif
