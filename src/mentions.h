/* @mentions in posts. Members have display names ("Ana Ruiz"), not usernames, so a mention is
 * "@" at the start of a word followed by the longest display name of an active member that
 * matches case-insensitively and ends at a word boundary ("@ana ruiz, can you..."); failing
 * that, the local part of a member's email ("@ana.ruiz" for ana.ruiz@school.org). A name two
 * members share does not match by name (the email part still does). Text in code spans, code
 * blocks and links is never a mention. */
#ifndef PRACTICA_MENTIONS_H
#define PRACTICA_MENTIONS_H
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "db.h"

/* The member an "@..." names: s points just after the '@'. Returns the user id and sets *len
 * to the bytes of s the mention covers; 0 when s names nobody. */
int64_t mention_match(Db *db, const char *s, size_t *len);

/* Renders markdown like markdown_html() (cmark, safe mode: raw HTML dropped, unsafe links
 * emptied, inside <div class="prose">) with each mention turned into a link to the member's
 * page. The links are built from the member's id only; their text is escaped by cmark. */
void markdown_mentions_html(Db *db, Buf *out, const char *markdown);

/* What markdown_mentions_html() appends, as a malloc'd string the caller frees (posts keep it
 * beside their Markdown, posts.h). When ids is not NULL, the distinct members linked (at most
 * max) go there and their number in *nids: one parse does both. "" for an empty body. */
char *mentions_render(Db *db, const char *markdown, int64_t *ids, int max, int *nids);

/* The distinct members the markdown mentions, at most max, into ids. Returns how many. */
int mentions_collect(Db *db, const char *markdown, int64_t *ids, int max);

#endif
