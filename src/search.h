/* Search: one FTS5 index over discussions, documents, resources, meetings and communities.
 * Features put their rows in the index inside the same write transaction that changes them,
 * so the index never disagrees with what it indexes. Results are filtered to what the
 * searching member may see. */
#ifndef PRACTICA_SEARCH_H
#define PRACTICA_SEARCH_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "buf.h"
#include "db.h"

typedef struct {
	const char *kind;     /* "thread", "post", "document", "resource", "meeting", "community" */
	int64_t ref_id;       /* the row's id in its own table */
	int64_t community_id; /* 0 when association-wide */
	bool restricted;      /* only the community's participants and facilitators (and admins) */
	const char *title;    /* plain text */
	const char *body;     /* plain text or Markdown source */
	const char *url;      /* local path the result links to */
	int64_t updated_at;   /* Unix time */
} SearchEntry;

/* Inserts or replaces the entry for (kind, ref_id). Bodies of threads, posts, meetings and
 * communities are Markdown and are indexed as their plain text; other bodies as they are.
 * A post's title (its thread's title) is shown with the result but not searched, so the
 * replies of a thread do not all outrank other results on the thread's title. */
void search_put(Db *db, const SearchEntry *e);
/* Markdown as the words a reader sees, cleaned as the index keeps text: text, code and link
 * text, without markup, link targets or raw HTML; blocks end with a newline. For a feature
 * that builds a SearchEntry body from Markdown and more. */
void search_markdown_plain(Buf *out, const char *markdown);
void search_remove(Db *db, const char *kind, int64_t ref_id);
/* A community turned private (restricted = true) or open: its threads, posts and meetings
 * follow. (Its documents keep their own visibility; the community's entry stays visible.) */
void search_restrict_community(Db *db, int64_t community_id, bool restricted);
/* The text of an uploaded file for the index: txt and md as they are, html without tags, pdf
 * through pdftotext. "" when the type has no text or extraction fails. f is read from the
 * start; its position is restored. */
const char *search_extract_text(Arena *a, FILE *f, const char *content_type);

/* Entries built from their source rows, for the features that own them; each reads the row
 * and puts (or, when the row is gone, removes) its entry. Call inside the write transaction
 * that changed the row. */
void search_index_community(Db *db, int64_t community_id);
void search_index_meeting(Db *db, int64_t meeting_id);
void search_index_material(Db *db, int64_t material_id);

/* Rebuilds the whole index from the source tables in one transaction (the caller must not
 * be in one). Returns the number of entries, or -1 on failure. */
int64_t search_reindex(Db *db);
/* Rebuilds when a migration asked for it (settings key search_rebuild). False on failure. */
bool search_rebuild_if_needed(Db *db);

/* Turns anything a member typed into a safe FTS5 query: words ANDed, "quoted phrases" kept,
 * a trailing * kept as a prefix search (after 3+ letters), OR between words, -word and
 * NOT word excluded. Every term is a quoted FTS5 string, so no input can be a syntax error.
 * Returns NULL when nothing searchable is left (empty, only punctuation, only exclusions).
 * A pure function: it touches nothing but the arena. */
const char *search_clean_query(Arena *a, const char *input);

/* ---- running a search ---- */

typedef struct {
	const char *query;    /* a cleaned query (search_clean_query), never raw input */
	const char *kind;     /* NULL, or one of the kinds above, or "discussion" (threads + posts) */
	int64_t community_id; /* 0: every community */
	int64_t user_id;      /* whose visibility applies */
	bool admin;           /* sees everything */
	int offset, limit;    /* the page of results */
} SearchQuery;

typedef struct {
	const char *kind;
	int64_t ref_id, community_id;
	const char *community_name, *community_slug; /* "" when association-wide */
	const char *title;     /* plain text */
	const char *title_html; /* escaped, matches in <mark> */
	const char *snippet_html;
	const char *url;
	int64_t updated_at;
} SearchHit;

typedef struct {
	SearchHit *hits;
	int count;      /* hits on this page */
	int total;      /* results that can be paged through */
	bool truncated; /* more matched than SEARCH_MAX_CANDIDATES: total is a lower bound */
} SearchResults;

/* How many of the newest matches are ranked. A word found in more entries than this is
 * ranked among its newest matches only: ranking every match of a common word costs time in
 * proportion to the matches, and a word that common says little about relevance anyway. */
#define SEARCH_MAX_CANDIDATES 1000
/* When more than that match, how many older entries with one of the member's words in their
 * title are ranked with them (the newest such). */
#define SEARCH_TITLE_CANDIDATES 100

/* Runs q; results live in the arena. False on a database error. */
bool search_run(Db *db, Arena *a, const SearchQuery *q, SearchResults *out);

#endif
