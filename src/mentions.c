/* @mentions (see mentions.h): finding the member an "@..." names, and rendering posts with
 * their mentions as links. Rendering walks cmark's syntax tree rather than rewriting the
 * Markdown source, so a mention inside a code span or a link stays plain text and no name can
 * change how the rest of the post parses. */
#include "mentions.h"

#include <cmark.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "html.h"

#define MENTION_MAX_BYTES 80 /* the longest name (or email local part) looked for */
#define MENTION_MAX_WORDS 6
#define MENTION_MAX_TRIES 8   /* candidate names looked up per "@", longest first */
#define MENTION_MAX_ATS 60    /* "@"s looked at per post: a post of @@@@ stays cheap */

/* Bytes of an apostrophe at p: ' or the typographic ’ that smart punctuation makes. */
static size_t apostrophe(const char *p)
{
	if (*p == '\'')
		return 1;
	if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
	    ((unsigned char)p[2] == 0x99 || (unsigned char)p[2] == 0x98))
		return 3;
	return 0;
}

/* Letters and digits; any non-ASCII byte counts as a letter (names like "José"). */
static bool word_at(const char *p)
{
	unsigned char c = (unsigned char)*p;
	return c && (isalnum(c) || (c >= 0x80 && !apostrophe(p)));
}

/* The one active member with this display name (case-insensitive), else 0. */
static int64_t member_by_name(Db *db, const char *name, size_t n)
{
	char candidate[MENTION_MAX_BYTES + 8];
	size_t o = 0;
	for (size_t i = 0; i < n && o < sizeof candidate - 1;) {
		size_t a = apostrophe(name + i);
		if (a) { /* stored names use the plain apostrophe */
			candidate[o++] = '\'';
			i += a;
		} else {
			candidate[o++] = name[i++];
		}
	}
	candidate[o] = '\0';
	sqlite3_stmt *st = db_prepare(db, "SELECT min(id), count(*) FROM users WHERE name = :n "
					  "COLLATE NOCASE AND status = 'active'");
	db_bind_text(st, ":n", candidate);
	int64_t id = db_step(st) == SQLITE_ROW && db_col_int(st, 1) == 1 ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

/* The one active member whose email begins with local + "@", else 0. */
static int64_t member_by_email_local(Db *db, const char *local, size_t n)
{
	char lo[MENTION_MAX_BYTES + 2], hi[MENTION_MAX_BYTES + 2];
	snprintf(lo, sizeof lo, "%.*s@", (int)n, local);
	/* Under NOCASE, every email starting with local + "@" sorts before local + "A" ('@' is
	 * 0x40, "A" compares as 'a', 0x61): an index range, checked exactly below. */
	snprintf(hi, sizeof hi, "%.*sA", (int)n, local);
	sqlite3_stmt *st = db_prepare(db, "SELECT min(id), count(*) FROM users WHERE email >= :lo "
					  "AND email < :hi AND lower(substr(email, 1, length(:lo))) = "
					  "lower(:lo) AND status = 'active'");
	db_bind_text(st, ":lo", lo);
	db_bind_text(st, ":hi", hi);
	int64_t id = db_step(st) == SQLITE_ROW && db_col_int(st, 1) == 1 ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

int64_t mention_match(Db *db, const char *s, size_t *len)
{
	*len = 0;
	if (!word_at(s))
		return 0;
	/* Where a name could end: after a word, before a space, punctuation or the end. */
	size_t ends[MENTION_MAX_BYTES];
	int nends = 0, words = 1;
	size_t i = 0;
	while (s[i] && i < MENTION_MAX_BYTES) {
		if (word_at(s + i)) {
			i++;
			if (!word_at(s + i))
				ends[nends++] = i;
			continue;
		}
		size_t a = apostrophe(s + i);
		if (a)
			i += a;
		else if (s[i] == ' ' && words < MENTION_MAX_WORDS && s[i + 1] && s[i + 1] != ' ' &&
			 s[i + 1] != '\n')
			i++, words++;
		else if (s[i] == '-' || s[i] == '.' || s[i] == '&')
			i++;
		else
			break;
	}
	int64_t id = 0;
	for (int k = nends - 1; k >= 0 && k >= nends - MENTION_MAX_TRIES && !id; k--)
		if ((id = member_by_name(db, s, ends[k])))
			*len = ends[k];
	/* The email's local part, when it names someone with a longer match. */
	size_t n = 0;
	while (n < MENTION_MAX_BYTES && (isalnum((unsigned char)s[n]) || strchr("._+-", s[n])) &&
	       s[n])
		n++;
	while (n > 0 && (s[n - 1] == '.' || s[n - 1] == '-'))
		n--;
	if (n > *len) {
		int64_t by_email = member_by_email_local(db, s, n);
		if (by_email) {
			id = by_email;
			*len = n;
		}
	}
	return id;
}

/* ---- walking the syntax tree ---- */

typedef struct {
	Db *db;
	bool render;  /* turn mentions into links */
	int64_t *ids; /* collected, distinct (when not NULL) */
	int nids, max;
	int ats;      /* "@"s looked up so far */
} Walk;

static bool inside_link(cmark_node *node)
{
	for (cmark_node *p = cmark_node_parent(node); p; p = cmark_node_parent(p)) {
		cmark_node_type t = cmark_node_get_type(p);
		if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE || t == CMARK_NODE_CUSTOM_INLINE)
			return true;
	}
	return false;
}

static void insert_text_before(cmark_node *at, const char *s, size_t n)
{
	if (!n)
		return;
	char *copy = xmalloc(n + 1);
	memcpy(copy, s, n);
	copy[n] = '\0';
	cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
	cmark_node_set_literal(t, copy);
	cmark_node_insert_before(at, t);
	free(copy);
}

static void process_text(Walk *w, cmark_node *text)
{
	char *lit = xstrdup(cmark_node_get_literal(text));
	size_t emitted = 0; /* lit[0..emitted) is already in nodes before `text` */
	for (char *at = strchr(lit, '@'); at; at = strchr(at + 1, '@')) {
		if (at > lit + emitted && (word_at(at - 1) || at[-1] == '@'))
			continue; /* "ana@school.org" is an address, not a mention */
		if (w->ats++ >= MENTION_MAX_ATS)
			break;
		size_t len;
		int64_t id = mention_match(w->db, at + 1, &len);
		if (!id)
			continue;
		if (w->render) {
			insert_text_before(text, lit + emitted, (size_t)(at - lit) - emitted);
			cmark_node *link = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
			char markup[64]; /* only an integer is interpolated: nothing to escape */
			snprintf(markup, sizeof markup, "<a class=\"mention\" href=\"/members/%lld\">",
				 (long long)id);
			cmark_node_set_on_enter(link, markup);
			cmark_node_set_on_exit(link, "</a>");
			cmark_node *name = cmark_node_new(CMARK_NODE_TEXT);
			char *shown = xmalloc(len + 2);
			shown[0] = '@';
			memcpy(shown + 1, at + 1, len);
			shown[len + 1] = '\0';
			cmark_node_set_literal(name, shown); /* escaped by the renderer */
			free(shown);
			cmark_node_append_child(link, name);
			cmark_node_insert_before(text, link);
		}
		if (w->ids) {
			bool seen = false;
			for (int i = 0; i < w->nids; i++)
				seen |= w->ids[i] == id;
			if (!seen && w->nids < w->max)
				w->ids[w->nids++] = id;
		}
		emitted = (size_t)(at - lit) + 1 + len;
		at += len;
	}
	if (w->render && emitted) {
		if (lit[emitted]) {
			cmark_node_set_literal(text, lit + emitted);
		} else {
			cmark_node_unlink(text);
			cmark_node_free(text);
		}
	}
	free(lit);
}

static cmark_node *parse(const char *markdown)
{
	return cmark_parse_document(markdown, strlen(markdown),
				    CMARK_OPT_SAFE | CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8);
}

static void walk(Walk *w, cmark_node *doc)
{
	cmark_consolidate_text_nodes(doc);
	size_t n = 0, cap = 16;
	cmark_node **texts = xmalloc(cap * sizeof *texts);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_TEXT)
			continue;
		const char *lit = cmark_node_get_literal(node);
		if (!lit || !strchr(lit, '@') || inside_link(node))
			continue;
		if (n == cap)
			texts = xrealloc(texts, (cap *= 2) * sizeof *texts);
		texts[n++] = node;
	}
	cmark_iter_free(it);
	for (size_t i = 0; i < n; i++) /* after the walk: the tree changes under us */
		process_text(w, texts[i]);
	free(texts);
}

char *mentions_render(Db *db, const char *markdown, int64_t *ids, int max, int *nids)
{
	if (nids)
		*nids = 0;
	if (!markdown || !*markdown)
		return xstrdup("");
	cmark_node *doc = parse(markdown);
	Walk w = {.db = db, .render = true, .ids = ids, .max = ids ? max : 0};
	walk(&w, doc);
	/* Safe mode: raw HTML from the member is dropped and unsafe URLs emptied. The only
	 * markup passed through is our own mention links above. */
	char *rendered = cmark_render_html(doc, CMARK_OPT_SAFE);
	cmark_node_free(doc);
	static const char open[] = "<div class=\"prose\">\n", close[] = "</div>\n";
	size_t n = strlen(rendered);
	char *result = xmalloc(sizeof open - 1 + n + sizeof close);
	memcpy(result, open, sizeof open - 1);
	memcpy(result + sizeof open - 1, rendered, n);
	memcpy(result + sizeof open - 1 + n, close, sizeof close);
	free(rendered);
	if (nids)
		*nids = w.nids;
	return result;
}

void markdown_mentions_html(Db *db, Buf *out, const char *markdown)
{
	if (!markdown || !*markdown)
		return;
	char *rendered = mentions_render(db, markdown, NULL, 0, NULL);
	html_raw(out, rendered); /* cmark's safe-mode output: see mentions_render() */
	free(rendered);
}

int mentions_collect(Db *db, const char *markdown, int64_t *ids, int max)
{
	if (!markdown || !*markdown || !strchr(markdown, '@'))
		return 0;
	cmark_node *doc = parse(markdown);
	Walk w = {.db = db, .ids = ids, .max = max};
	walk(&w, doc);
	cmark_node_free(doc);
	return w.nids;
}
