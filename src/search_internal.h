/* What the search files (search.c, search_query.c, search_extract.c, search_page.c) share
 * and nobody else needs. */
#ifndef PRACTICA_SEARCH_INTERNAL_H
#define PRACTICA_SEARCH_INTERNAL_H
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* The length of the valid UTF-8 sequence at s (at most n bytes) and its code point in *cp;
 * 0 when the bytes there are not valid UTF-8 (overlong, surrogate, truncated...). */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Appends s[0..n) as clean text for the index: valid UTF-8, no control characters other
 * than newline and tab (others become spaces; invalid bytes are dropped). It matters beyond
 * tidiness: the index's snippets mark matches with \x01 and \x02, which must not come from
 * the text itself. */
void search_clean_text(Buf *out, const char *s, size_t n);

/* The markers snippet() and highlight() put around matches. */
#define MARK_OPEN "\x01"
#define MARK_CLOSE "\x02"

#endif
