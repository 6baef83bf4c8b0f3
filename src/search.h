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

/* Inserts or replaces the entry for (kind, ref_id). */
void search_put(Db *db, const SearchEntry *e);
void search_remove(Db *db, const char *kind, int64_t ref_id);
/* A community turned private (restricted = true) or open: its entries follow. */
void search_restrict_community(Db *db, int64_t community_id, bool restricted);
/* The text of an uploaded file for the index: txt and md as they are, html without tags, pdf
 * through pdftotext. "" when the type has no text or extraction fails. f is read from the
 * start; its position is restored. */
const char *search_extract_text(Arena *a, FILE *f, const char *content_type);

#endif
