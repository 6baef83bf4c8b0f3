/* The ranking function of search, practica_rank() (bm25 with capped document counts and
 * column weights), its per-search cache of document counts, and the registration of it and
 * of the index's tokenizer (search_pairs.c) on every connection SQLite opens. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "db.h"
#include "search_internal.h"

/* ---- ranking ----
 * bm25 as FTS5 computes it (k1 = 1.2, b = 0.75, column weights below), with one change: a
 * phrase's document frequency is counted only up to RANK_DF_CAP matches and estimated beyond
 * from how densely those matches lie. FTS5's own bm25() counts every match of every phrase
 * on each query, which for a word in half of 500,000 posts costs more than everything else
 * the search does. Only the first N phrases (the member's words) are scored; the filter
 * phrases that follow them are not. */

#define RANK_DF_CAP 1000
static const double column_weight[] = {10.0, 1.0, 0.0}; /* title, body, facets */

typedef struct {
	int scored;    /* phrases scored */
	double avgdl;  /* average tokens per row */
	double *idf;
	double *freq;
} RankData;

typedef struct {
	int64_t count, first, last;
} PhraseHits;

static int count_phrase_hit(const Fts5ExtensionApi *api, Fts5Context *fts, void *data)
{
	PhraseHits *h = data;
	int64_t rowid = api->xRowid(fts);
	if (h->count++ == 0)
		h->first = rowid;
	h->last = rowid;
	return h->count >= RANK_DF_CAP ? SQLITE_DONE : SQLITE_OK;
}

static void free_rank_data(void *p)
{
	RankData *d = p;
	if (d) {
		free(d->idf);
		free(d->freq);
		free(d);
	}
}

/* One search runs several statements over the same words (the newest matches, then each
 * older entry with a word in its title, one at a time): their document counts are computed
 * once per search, kept per thread under the search's number (rank_generation). */
static _Thread_local struct {
	int64_t generation;
	RankData *data;
} rank_cache;
static _Thread_local int64_t rank_generation;

int64_t search_rank_next(void)
{
	return ++rank_generation;
}

static void rank_cache_clear(void)
{
	free_rank_data(rank_cache.data);
	rank_cache.data = NULL;
	rank_cache.generation = 0;
}

static RankData *rank_data(const Fts5ExtensionApi *api, Fts5Context *fts, int scored,
			   int64_t generation, int positives)
{
	if (generation && rank_cache.generation == generation && rank_cache.data)
		return rank_cache.data;
	RankData *d = generation ? NULL : api->xGetAuxdata(fts, 0);
	if (d)
		return d;
	int phrases = api->xPhraseCount(fts);
	if (scored > phrases || scored < 0)
		scored = phrases;
	d = xmalloc(sizeof *d);
	d->scored = scored;
	d->idf = xmalloc((size_t)(scored + 1) * sizeof *d->idf);
	d->freq = xmalloc((size_t)(scored + 1) * sizeof *d->freq);
	sqlite3_int64 rows = 0, tokens = 0;
	api->xRowCount(fts, &rows);
	api->xColumnTotalSize(fts, -1, &tokens);
	double n = rows > 0 ? (double)rows : 1.0;
	d->avgdl = tokens > 0 ? (double)tokens / n : 1.0;
	for (int i = 0; i < scored; i++) {
		/* With a single phrase to find, its idf multiplies every score alike and cannot
		 * change the order: not counting its documents saves walking its matches again. */
		if (positives == 1) {
			d->idf[i] = 1.0;
			continue;
		}
		PhraseHits h = {0};
		api->xQueryPhrase(fts, i, &h, count_phrase_hit);
		double df = (double)h.count;
		if (h.count >= RANK_DF_CAP) {
			double span = (double)llabs(h.last - h.first) + 1.0;
			df = (double)RANK_DF_CAP * n / span;
			if (df > n)
				df = n;
		}
		double idf = log((n - df + 0.5) / (df + 0.5));
		d->idf[i] = idf > 1e-6 ? idf : 1e-6;
	}
	if (generation) {
		rank_cache_clear();
		rank_cache.generation = generation;
		rank_cache.data = d;
		return d;
	}
	if (api->xSetAuxdata(fts, d, free_rank_data) != SQLITE_OK)
		return NULL; /* xSetAuxdata freed d */
	return d;
}

/* The row's length in tokens, all columns, from its %_docsize blob (one SQLite varint per
 * column), or -1 when the blob is not that. */
static int docsize_tokens(sqlite3_value *v, int columns)
{
	if (sqlite3_value_type(v) != SQLITE_BLOB)
		return -1;
	const unsigned char *p = sqlite3_value_blob(v);
	int n = sqlite3_value_bytes(v), at = 0;
	int64_t total = 0;
	for (int c = 0; c < columns; c++) {
		uint64_t x = 0;
		int k = 0;
		for (;; k++) {
			if (at >= n || k == 9)
				return -1;
			unsigned char b = p[at++];
			if (k == 8) { /* the ninth byte gives all its 8 bits */
				x = (x << 8) | b;
				break;
			}
			x = (x << 7) | (b & 0x7f);
			if (!(b & 0x80))
				break;
		}
		total += (int64_t)x;
		if (total > INT32_MAX)
			return -1;
	}
	return at == n ? (int)total : -1;
}

/* practica_rank(table, scored, generation, positives[, sizes]): `sizes` is the row's blob
 * in the table's %_docsize (joined in the query). FTS5's xColumnSize() reads that same row
 * through a statement of its own, run once per row: over a common word's 1,000 candidates
 * 0.52 ms of the ranking's 0.60 (DECISIONS 118); joined, it costs about a third of that. */
static void rank_function(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
			  int nargs, sqlite3_value **args)
{
	int scored = nargs > 0 ? sqlite3_value_int(args[0]) : -1;
	int64_t generation = nargs > 1 ? sqlite3_value_int64(args[1]) : 0;
	int positives = nargs > 2 ? sqlite3_value_int(args[2]) : 0;
	int length = nargs > 3 ? docsize_tokens(args[3], api->xColumnCount(fts)) : -1;
	RankData *d = rank_data(api, fts, scored, generation, positives);
	if (!d) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	memset(d->freq, 0, (size_t)(d->scored + 1) * sizeof *d->freq);
	/* search_titles (title, facets) is scored as the entry would be in search_index, with
	 * the document counts of search_index (rank_cache) and, for the body it does not hold,
	 * no further occurrences and the average length. */
	bool titles = api->xColumnCount(fts) == 2;
	/* Each scored phrase's own hits (xInstCount would merge and sort every phrase's, the
	 * filter tokens' too, on every row). */
	for (int phrase = 0; phrase < d->scored; phrase++) {
		Fts5PhraseIter it;
		int column = -1, offset = 0;
		for (api->xPhraseFirst(fts, phrase, &it, &column, &offset); column >= 0;
		     api->xPhraseNext(fts, &it, &column, &offset))
			if (column < 3)
				d->freq[phrase] += titles ? (column == 0 ? column_weight[0] : 0.0)
							  : column_weight[column];
	}
	if (length < 0 && api->xColumnSize(fts, -1, &length) != SQLITE_OK)
		length = 0;
	if (titles)
		length += (int)d->avgdl;
	const double k1 = 1.2, b = 0.75;
	double norm = k1 * (1 - b + b * (double)length / d->avgdl), score = 0;
	for (int i = 0; i < d->scored; i++)
		if (d->freq[i] > 0)
			score += d->idf[i] * d->freq[i] * (k1 + 1) / (d->freq[i] + norm);
	sqlite3_result_double(ctx, -score); /* like bm25(): smaller is better */
}

/* Registered on every connection SQLite opens (db_auto_extension, installed before main()
 * runs), so the per-thread connections of db.c have it without db.c knowing. */
static int register_functions(sqlite3 *h, char **err, const sqlite3_api_routines *routines)
{
	fts5_api *fts = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, (void *)&fts, "fts5_api_ptr", NULL);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (fts && fts->iVersion >= 2) {
		fts->xCreateFunction(fts, "practica_rank", NULL, rank_function, NULL);
		search_pairs_register(fts);
	}
	return SQLITE_OK;
}

__attribute__((constructor)) static void install_functions(void)
{
	db_auto_extension(register_functions);
}

void search_rank_done(void)
{
	rank_cache_clear();
}
