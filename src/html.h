/* The HTML writer. Every value interpolated by html() is escaped for HTML text and quoted
 * attribute values; the format string itself is trusted and must be a literal (the compiler
 * checks both: -Wformat=2 -Wformat-nonliteral and the format attribute below).
 *
 * Conversions: %s (escaped; NULL prints nothing), %d %i %u %ld %lu %lld %llu %zu, %%.
 * Raw markup goes through html_raw() only: explicit and easy to grep for. */
#ifndef PRACTICA_HTML_H
#define PRACTICA_HTML_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "buf.h"

void html(Buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends markup without escaping. The caller vouches for it (e.g. sanitized Markdown). */
void html_raw(Buf *out, const char *markup);
/* Appends n bytes of s, escaped. */
void html_escape(Buf *out, const char *s, size_t n);

/* Percent-encodes s for a URL query value or path segment (RFC 3986 unreserved kept). */
char *url_encode(Arena *arena, const char *s);

/* True when s is valid UTF-8 with no NUL and no C0 controls other than tab, CR and LF. */
bool text_is_clean(const char *s, size_t n);

#endif
