/*
 * prefer.h - `--prefer FILE`: an admin's services(5) file that answers
 * before the registry.
 *
 * The rule: with a preference file, every query is answered as glibc's
 * nss_files would answer it over FILE followed by the registry's own
 * services(5) export.  So FILE's lines become entries of their own, in
 * file order, ahead of every registry entry; the snapshot's lookups, which
 * answer the first match in entry order, and its walk, in entry order,
 * then give exactly that concatenation's answers.  Nothing is reordered,
 * nothing is merged: FILE wins wherever it says something (a name, an
 * alias, a port, a protocol the registry lacks, its order for lookups
 * without a protocol), and the registry answers the rest.
 *
 * FILE is read as nss_files reads services(5) (glibc's files-parse.c and
 * files-service.c), byte for byte:
 *   - a line ends at '\n' (or at a NUL byte, where C string functions stop
 *     reading the line); leading white space is skipped, and a line that
 *     is then empty or starts with '#' is skipped;
 *   - '#' anywhere cuts the line;
 *   - the name runs to the first white space (isspace in the C locale:
 *     space, \t, \n, \v, \f, \r), and the white space after it is skipped;
 *   - the port is strtoul(line, &end, 0): an optional sign, then
 *     hexadecimal after "0x", octal after "0", else decimal ("0x50" and
 *     "0120" are 80, "080" skips the line); no digit skips the line, and
 *     so does a value past 32 bits (a negative one, which strtoul wraps,
 *     or an overflow); htons keeps the low 16 bits: "65616/tcp" serves
 *     port 80;
 *   - after the digits every '/' is skipped ("9//tcp" is 9/tcp), or the
 *     line must end there; anything else skips the line;
 *   - the protocol is the next run of non-white-space bytes, any bytes
 *     ("ddp", "TCP"), and the aliases are the white-space separated
 *     tokens after it.
 * Where such a line is something the snapshot cannot hold, the file is
 * refused with "FILE:LINE:COL: what" rather than answered differently: a
 * name, alias or protocol that is empty (a line "foo 80" has an empty
 * protocol) or not a printable services(5) token (text.h), more than
 * NSSIANA_MAX_ALIASES aliases, an answer past NSSIANA_MAX_ANSWER_BYTES,
 * more than NSSIANA_MAX_SERVENTS lines in all.
 *
 * Cost: one pass over the file and one allocation per line; the file is
 * refused as soon as its lines pass NSSIANA_MAX_SERVENTS.
 */
#ifndef NSS_IANA_PREFER_H
#define NSS_IANA_PREFER_H

#include <stddef.h>
#include <stdint.h>

#include "compiler/registry.h"

/* The metadata a line of FILE gets: its comment (what follows '#', white
 * space trimmed) as the description, and "line N" as the assignment
 * notes, so that `show` says where an answer comes from. */
#define PREFER_LINE_NOTE "line %ld"

/* Puts the entries of FILE's text (`path` names it in messages) before
 * reg's rows, each with its aliases, flagged `preferred`; the rows
 * already there keep their order.  Sets *lines to the number of lines
 * that became entries.  Returns 0, or -1 with "PATH:LINE:COL: message"
 * (or "PATH: out of memory") in err; reg is then unchanged. */
int registry_prepend_services(struct registry *reg, const char *data,
			      size_t size, const char *path, uint32_t *lines,
			      char *err, size_t err_size);

#endif
