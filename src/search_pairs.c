/* The search index's tokenizer, "practica_pairs" (see search_internal.h): the words of
 * FTS5's porter tokenizer (over unicode61, diacritics removed), and at each word's position
 * also the pair it starts with the next word. A quoted phrase is then found through its
 * pairs, which are rare, instead of by walking its rarest word's matches and checking the
 * others' (DECISIONS 117). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "search_internal.h"

/* A pair token: PAIR_MARK, the first word, a space, the second word. PAIR_MARK (U+E001) is a
 * private-use character: nothing indexed or typed contains one (search_clean_text,
 * search_clean_query), so no word can equal a pair, and a prefix search ("teach*") never
 * reaches the pairs, which start with it rather than with a word. */
#define PAIR_MARK "\xee\x80\x81"

typedef struct {
	fts5_tokenizer words; /* porter's methods */
	Fts5Tokenizer *inner;
} Pairs;

static int pairs_create(void *api_ptr, const char **args, int nargs, Fts5Tokenizer **out)
{
	(void)args;
	(void)nargs; /* no options: the index and the queries must tokenize alike */
	fts5_api *api = api_ptr;
	Pairs *p = calloc(1, sizeof *p);
	if (!p)
		return SQLITE_NOMEM;
	void *porter_ctx = NULL;
	static const char *porter_args[] = {"unicode61", "remove_diacritics", "2"};
	int rc = api->xFindTokenizer(api, "porter", &porter_ctx, &p->words);
	if (rc == SQLITE_OK)
		rc = p->words.xCreate(porter_ctx, porter_args, 3, &p->inner);
	if (rc != SQLITE_OK) {
		free(p);
		return rc;
	}
	*out = (Fts5Tokenizer *)p;
	return SQLITE_OK;
}

static void pairs_delete(Fts5Tokenizer *t)
{
	Pairs *p = (Pairs *)t;
	if (p) {
		p->words.xDelete(p->inner);
		free(p);
	}
}

typedef int (*TokenFn)(void *ctx, int flags, const char *token, int len, int start, int end);

typedef struct {
	size_t at, len; /* in words.data */
	int start, end; /* byte offsets in the text */
} Word;

typedef struct {
	void *ctx;
	TokenFn emit;
	bool query, prefix;
	Buf words;   /* the words' bytes: the previous one (documents) or all (queries) */
	Word *list;  /* queries: every word */
	int count, cap;
	Word prev;   /* documents: the word before, not yet emitted */
	bool have_prev;
	Buf pair;
	int rc;
} Stream;

static bool facet_token(const char *s, size_t n)
{
	return n >= 3 && !memcmp(s, FACET_MARK, 3);
}

static int emit_word(Stream *s, const Word *w, int flags)
{
	return s->emit(s->ctx, flags, s->words.data + w->at, (int)w->len, w->start, w->end);
}

/* The pair a b, at a's position and with a's offsets (so highlight() and snippet(), which
 * see the first token at each position, mark and cut the text word by word as before). No
 * pair with a filter token (the facets column). */
static int emit_pair(Stream *s, const Word *a, const Word *b, bool *emitted)
{
	const char *x = s->words.data + a->at, *y = s->words.data + b->at;
	*emitted = false;
	if (facet_token(x, a->len) || facet_token(y, b->len))
		return SQLITE_OK;
	s->pair.len = 0;
	buf_puts(&s->pair, PAIR_MARK);
	buf_append(&s->pair, x, a->len);
	buf_putc(&s->pair, ' ');
	buf_append(&s->pair, y, b->len);
	*emitted = true;
	return s->emit(s->ctx, 0, s->pair.data, (int)s->pair.len, a->start, a->end);
}

static int on_word(void *ctx, int flags, const char *token, int len, int start, int end)
{
	(void)flags; /* porter never marks a token colocated */
	Stream *s = ctx;
	if (s->query) {
		if (s->count == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 8;
			s->list = xrealloc(s->list, (size_t)s->cap * sizeof *s->list);
		}
		s->list[s->count++] = (Word){s->words.len, (size_t)len, start, end};
		buf_append(&s->words, token, (size_t)len);
		return SQLITE_OK;
	}
	/* A document: at each word's position the pair it starts, then the word itself
	 * colocated; the last word alone. The previous word's bytes are moved to the front. */
	Word w = {0, (size_t)len, start, end};
	if (s->have_prev) {
		w.at = s->prev.len;
		s->words.len = s->prev.len;
		buf_append(&s->words, token, (size_t)len);
		bool paired;
		int rc = emit_pair(s, &s->prev, &w, &paired);
		if (rc == SQLITE_OK)
			rc = emit_word(s, &s->prev, paired ? FTS5_TOKEN_COLOCATED : 0);
		if (rc != SQLITE_OK)
			return rc;
		memmove(s->words.data, s->words.data + w.at, w.len);
		w.at = 0;
	} else {
		s->words.len = 0;
		buf_append(&s->words, token, (size_t)len);
	}
	s->words.len = w.len;
	s->prev = w;
	s->have_prev = true;
	return SQLITE_OK;
}

/* A query's phrase of n words becomes n tokens at n positions: the pairs of words 1-2,
 * 2-3, ..., (n-1)-n, then word n alone (it holds the position of the phrase's last word,
 * where highlight() closes its mark). A phrase matches exactly where the words follow each
 * other. When the last word is a prefix ("school budg*"), the pair before it cannot be
 * spelled out, so word n-1 stands alone instead. */
static int emit_query(Stream *s)
{
	int rc = SQLITE_OK;
	for (int i = 0; rc == SQLITE_OK && i < s->count; i++) {
		const Word *w = &s->list[i];
		bool paired = false;
		bool last = i == s->count - 1, before_prefix = s->prefix && i == s->count - 2;
		if (!last && !before_prefix)
			rc = emit_pair(s, w, &s->list[i + 1], &paired);
		if (rc == SQLITE_OK && !paired)
			rc = emit_word(s, w, 0);
	}
	return rc;
}

static int pairs_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
			  TokenFn emit)
{
	Pairs *p = (Pairs *)t;
	/* highlight() and snippet() read each position's first token for its offsets and
	 * nothing else: the words alone are the same positions and offsets, at half the cost. */
	if (flags & FTS5_TOKENIZE_AUX)
		return p->words.xTokenize(p->inner, ctx, flags, text, n, emit);
	Stream s = {.ctx = ctx, .emit = emit, .query = (flags & FTS5_TOKENIZE_QUERY) != 0,
		    .prefix = (flags & FTS5_TOKENIZE_PREFIX) != 0};
	int rc = p->words.xTokenize(p->inner, &s, flags, text, n, on_word);
	if (rc == SQLITE_OK && s.query)
		rc = emit_query(&s);
	else if (rc == SQLITE_OK && s.have_prev)
		rc = emit_word(&s, &s.prev, 0);
	buf_free(&s.words);
	buf_free(&s.pair);
	free(s.list);
	return rc;
}

void search_pairs_register(fts5_api *api)
{
	fts5_tokenizer t = {pairs_create, pairs_delete, pairs_tokenize};
	api->xCreateTokenizer(api, "practica_pairs", api, &t, NULL);
}
