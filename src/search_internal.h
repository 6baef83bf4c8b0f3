/* What the search files (search.c, search_rank.c, search_pairs.c, search_query.c,
 * search_extract.c, search_page.c) share and nobody else needs. */
#ifndef PRACTICA_SEARCH_INTERNAL_H
#define PRACTICA_SEARCH_INTERNAL_H
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "buf.h"

/* The length of the valid UTF-8 sequence at s (at most n bytes) and its code point in *cp;
 * 0 when the bytes there are not valid UTF-8 (overlong, surrogate, truncated...). */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Appends s[0..n) as clean text for the index: valid UTF-8, no control characters other
 * than newline and tab (others become spaces; invalid bytes are dropped). It matters beyond
 * tidiness: the index's snippets mark matches with \x01 and \x02, which must not come from
 * the text itself. */
void search_clean_text(Buf *out, const char *s, size_t n);

/* Private-use characters (U+E000-U+F8FF, planes 15 and 16). The index's filter tokens start
 * with FACET_MARK (U+E000), which the tokenizer keeps as part of a word; neither indexed text
 * (search_clean_text) nor a member's query (search_clean_query) may contain one, so no word
 * anyone types can match a filter token, and no entry can carry another's. */
static inline int private_use_char(uint32_t c)
{
	return (c >= 0xe000 && c <= 0xf8ff) || c >= 0xf0000;
}
#define FACET_MARK "\xee\x80\x80"

/* Registers "practica_pairs" on a connection (search_pairs.c): search_index's tokenizer,
 * porter's words plus, at each word, the pair it starts with the next one, so a quoted phrase
 * is found through its pairs. Every connection that reads or writes search_index needs it;
 * search.c registers it on every connection SQLite opens in a process linked with it. */
void search_pairs_register(fts5_api *api);

/* practica_rank() (search_rank.c) keeps one search's document counts for its several
 * statements under a number: search_rank_next() gives a search its number (bound as the
 * function's generation argument), search_rank_done() frees the counts when it is over. */
int64_t search_rank_next(void);
void search_rank_done(void);

/* The markers snippet() and highlight() put around matches. */
#define MARK_OPEN "\x01"
#define MARK_CLOSE "\x02"

#endif
