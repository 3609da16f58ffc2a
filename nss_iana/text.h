/*
 * text.h - the few rules about bytes that the readers, the registry rules
 * and the tool's commands must apply alike: UTF-8, ASCII case, the
 * byte-order mark, what a services(5) name may hold, and IANA's dates.
 *
 * Header-only and allocation-free, so that any part (the module too) can
 * include it without linking anything.
 */
#ifndef NSS_IANA_TEXT_H
#define NSS_IANA_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define TEXT_BOM "\xEF\xBB\xBF"
#define TEXT_BOM_SIZE 3

/* True if data starts with a UTF-8 byte-order mark. */
static inline bool text_has_bom(const char *data, size_t size)
{
	return size >= TEXT_BOM_SIZE && memcmp(data, TEXT_BOM, TEXT_BOM_SIZE) == 0;
}

/* The length (1-4) of the valid UTF-8 sequence at p, of at most
 * `available` bytes, or 0 if it is not one.  Overlong forms, UTF-16
 * surrogates and code points past U+10FFFF are invalid (RFC 3629).  A NUL
 * is never a continuation byte, so a NUL-terminated string may pass its
 * remaining length or SIZE_MAX. */
static inline size_t text_utf8_length(const unsigned char *p, size_t available)
{
	unsigned char lead = p[0], low = 0x80, high = 0xBF;
	size_t length;

	if (lead < 0x80)
		return available > 0;
	if (lead >= 0xC2 && lead <= 0xDF)
		length = 2;
	else if (lead >= 0xE0 && lead <= 0xEF)
		length = 3;
	else if (lead >= 0xF0 && lead <= 0xF4)
		length = 4;
	else
		return 0;
	if (lead == 0xE0)
		low = 0xA0; /* below is overlong */
	else if (lead == 0xED)
		high = 0x9F; /* above is a surrogate */
	else if (lead == 0xF0)
		low = 0x90; /* below is overlong */
	else if (lead == 0xF4)
		high = 0x8F; /* above is past U+10FFFF */
	if (available < length || p[1] < low || p[1] > high)
		return 0;
	for (size_t i = 2; i < length; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return length;
}

/* The code point of a valid sequence of `length` bytes at p. */
static inline unsigned long text_utf8_code(const unsigned char *p, size_t length)
{
	static const unsigned char lead_bits[5] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
	unsigned long code = p[0] & lead_bits[length];

	for (size_t i = 1; i < length; i++)
		code = code << 6 | (p[i] & 0x3F);
	return code;
}

/* ASCII A-Z to a-z, every other byte as it is, whatever the locale. */
static inline unsigned char text_ascii_fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* strcmp with ASCII case folded. */
static inline int text_ascii_compare_fold(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; *x && text_ascii_fold(*x) == text_ascii_fold(*y); x++, y++)
		;
	return (int)text_ascii_fold(*x) - (int)text_ascii_fold(*y);
}

static inline bool text_ascii_equal_fold(const char *a, const char *b)
{
	return text_ascii_compare_fold(a, b) == 0;
}

/* Code points that would make a name print as something else: C1
 * controls; Unicode white space (no-break, en, em, thin, ideographic
 * spaces, the line and paragraph separators); the invisible formatting
 * characters (soft hyphen, zero-width space and joiners, word joiner,
 * byte-order mark); and the controls of text direction (LRM, RLM, ALM,
 * the embeddings and overrides U+202A-U+202E, the isolates
 * U+2066-U+2069). */
static inline bool text_is_hidden_control(unsigned long code)
{
	return (code >= 0x80 && code <= 0x9F) || code == 0xA0 || code == 0xAD ||
	       code == 0x061C || code == 0x1680 || code == 0x180E ||
	       (code >= 0x2000 && code <= 0x200F) ||
	       (code >= 0x2028 && code <= 0x202F) ||
	       (code >= 0x205F && code <= 0x206F) ||
	       code == 0x3000 || code == 0xFEFF ||
	       (code >= 0xFFF9 && code <= 0xFFFB);
}

/* A byte that is a control on its own: C0 (NUL to US) or DEL. */
static inline bool text_is_control_byte(unsigned char c)
{
	return c < 0x20 || c == 0x7F;
}

/*
 * True if `s` can be one token of a services(5) line and prints as itself:
 * not empty, valid UTF-8, no white space or control byte (C0, DEL), no
 * '#' (nss_files splits a line on white space and cuts it at '#'), and
 * none of text_is_hidden_control's code points.  Service names, aliases and
 * protocols are held to it: the compiler skips (and counts) a row whose
 * name fails it, and show, diff and export print only entries that pass.
 */
static inline bool text_is_services_token(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!p || !*p)
		return false;
	while (*p) {
		size_t length = text_utf8_length(p, 4);
		if (length == 0)
			return false;
		if (length == 1 && (*p == ' ' || text_is_control_byte(*p) || *p == '#'))
			return false;
		if (length > 1 && text_is_hidden_control(text_utf8_code(p, length)))
			return false;
		p += length;
	}
	return true;
}

/* True if text[0..length) is a date as IANA writes them: YYYY-MM-DD or
 * YYYY-MM (digits where the shape has them). */
static inline bool text_is_iana_date(const char *text, size_t length)
{
	static const char shape[] = "dddd-dd-dd";

	if (length != 7 && length != 10)
		return false;
	for (size_t i = 0; i < length; i++)
		if (shape[i] == 'd' ? text[i] < '0' || text[i] > '9' : text[i] != '-')
			return false;
	return true;
}

#endif
