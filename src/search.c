/* Search (see search.h): keeping the index (put, remove, restrict, the entries of communities
 * and meetings, rebuilding everything) and running a query. The ranking function is in
 * search_rank.c, the index's tokenizer in search_pairs.c, the query cleaner in
 * search_query.c, text extraction in search_extract.c, the page in search_page.c. The schema
 * and why it has two tables: migrations/007_search.sql. */
#include "search.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "html.h"
#include "library.h"
#include "posts.h"
#include "search_internal.h"

/* ---- text ---- */

size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (n == 0)
		return 0;
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	uint32_t v, min;
	if ((c & 0xe0) == 0xc0)
		len = 2, v = c & 0x1f, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		len = 3, v = c & 0x0f, min = 0x800;
	else if ((c & 0xf8) == 0xf0)
		len = 4, v = c & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[k] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

void search_clean_text(Buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	buf_reserve(out, n);
	out->data[out->len] = '\0';
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_decode(u + i, n - i, &cp);
		if (!len) {
			i++; /* not UTF-8: dropped */
			continue;
		}
		if (cp == '\r' && i + 1 < n && u[i + 1] == '\n')
			; /* CR LF: the LF is the line end */
		else if (cp < 0x20 && cp != '\n' && cp != '\t')
			buf_putc(out, cp == '\r' ? '\n' : ' ');
		else if (cp == 0x7f || private_use_char(cp)) /* see FACET_MARK */
			buf_putc(out, ' ');
		else
			buf_append(out, u + i, len);
		i += len;
	}
}

/* Raw HTML is left out because the page drops it too. */
void search_markdown_plain(Buf *out, const char *markdown)
{
	cmark_node *doc = cmark_parse_document(markdown, strlen(markdown), CMARK_OPT_VALIDATE_UTF8);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		const char *literal;
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			if ((literal = cmark_node_get_literal(node)))
				search_clean_text(out, literal, strlen(literal));
			break;
		case CMARK_NODE_CODE_BLOCK:
			if ((literal = cmark_node_get_literal(node)))
				search_clean_text(out, literal, strlen(literal));
			buf_putc(out, '\n');
			break;
		case CMARK_NODE_SOFTBREAK:
			buf_putc(out, ' ');
			break;
		case CMARK_NODE_LINEBREAK:
			buf_putc(out, '\n');
			break;
		case CMARK_NODE_PARAGRAPH:
		case CMARK_NODE_HEADING:
		case CMARK_NODE_ITEM:
		case CMARK_NODE_BLOCK_QUOTE:
		case CMARK_NODE_THEMATIC_BREAK:
			if (ev == CMARK_EVENT_EXIT || cmark_node_get_type(node) == CMARK_NODE_THEMATIC_BREAK)
				buf_putc(out, '\n');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	/* No trailing newline: the same text whether or not it ended a block. */
	while (out->len && out->data[out->len - 1] == '\n')
		out->data[--out->len] = '\0';
}

static bool markdown_kind(const char *kind)
{
	return !strcmp(kind, "thread") || !strcmp(kind, "post") || !strcmp(kind, "meeting") ||
	       !strcmp(kind, "community");
}

/* The filter tokens of an entry (migrations/007_search.sql, 011_search_speed.sql): its kind,
 * its community and, when restricted, "restricted" and "restricted to this community", each
 * behind FACET_MARK so that no member's word can match one. */
static void facets_of(Buf *out, const char *kind, int64_t community_id, bool restricted)
{
	buf_printf(out, FACET_MARK "k%s " FACET_MARK "c%lld", kind, (long long)community_id);
	if (restricted)
		buf_printf(out, " " FACET_MARK "r " FACET_MARK "r%lld", (long long)community_id);
}

/* ---- keeping the index ---- */

/* The index's writes leave the caller's last inserted rowid alone: a feature may put an entry
 * between its INSERT and its db_last_id(). */
typedef struct {
	sqlite3 *h;
	sqlite3_int64 rowid;
} SavedRowid;

static SavedRowid save_rowid(Db *db)
{
	return (SavedRowid){db_handle(db), sqlite3_last_insert_rowid(db_handle(db))};
}

static void restore_rowid(SavedRowid s)
{
	sqlite3_set_last_insert_rowid(s.h, s.rowid);
}

/* The index's tokens of entry id, from the text stored with it: removed before the text
 * changes (FTS5's 'delete' needs exactly the values that were indexed), added after. */
static void unindex_entry(Db *db, int64_t id)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO search_index (search_index, rowid, title, "
					  "body, facets) SELECT 'delete', id, title, body, facets "
					  "FROM search_entries WHERE id = :id");
	db_bind_int(st, ":id", id);
	db_run(st);
	/* search_titles holds only the entries with a title (replies have none). */
	st = db_prepare(db, "INSERT INTO search_titles (search_titles, rowid, title, facets) "
			    "SELECT 'delete', id, title, facets FROM search_entries WHERE id = :id "
			    "AND title != ''");
	db_bind_int(st, ":id", id);
	db_run(st);
}

static void index_entry(Db *db, int64_t id)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO search_index (rowid, title, body, facets) "
					  "SELECT id, title, body, facets FROM search_entries "
					  "WHERE id = :id");
	db_bind_int(st, ":id", id);
	db_run(st);
	st = db_prepare(db, "INSERT INTO search_titles (rowid, title, facets) SELECT id, title, "
			    "facets FROM search_entries WHERE id = :id AND title != ''");
	db_bind_int(st, ":id", id);
	db_run(st);
}

static int64_t entry_id(Db *db, const char *kind, int64_t ref_id)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM search_entries WHERE kind = :kind AND "
					  "ref_id = :ref");
	db_bind_text(st, ":kind", kind);
	db_bind_int(st, ":ref", ref_id);
	int64_t id = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

void search_put(Db *db, const SearchEntry *e)
{
	SavedRowid saved = save_rowid(db);
	Buf body = {0}, facets = {0}, title = {0};
	const char *text = e->body ? e->body : "";
	if (markdown_kind(e->kind))
		search_markdown_plain(&body, text);
	else
		search_clean_text(&body, text, strlen(text));
	search_clean_text(&title, e->title ? e->title : "", e->title ? strlen(e->title) : 0);
	facets_of(&facets, e->kind, e->community_id, e->restricted);

	int64_t id = entry_id(db, e->kind, e->ref_id);
	if (id)
		unindex_entry(db, id);
	sqlite3_stmt *st = db_prepare(
		db, "INSERT INTO search_entries (kind, ref_id, community_id, restricted, heading, url, "
		    "updated_at, title, body, facets) VALUES (:kind, :ref, nullif(:community, 0), "
		    ":restricted, :heading, :url, :updated, :title, :body, :facets) "
		    "ON CONFLICT (kind, ref_id) DO UPDATE SET community_id = excluded.community_id, "
		    "restricted = excluded.restricted, heading = excluded.heading, url = excluded.url, "
		    "updated_at = excluded.updated_at, title = excluded.title, body = excluded.body, "
		    "facets = excluded.facets RETURNING id");
	db_bind_text(st, ":kind", e->kind);
	db_bind_int(st, ":ref", e->ref_id);
	db_bind_int(st, ":community", e->community_id);
	db_bind_int(st, ":restricted", e->restricted);
	db_bind_text(st, ":heading", title.data ? title.data : "");
	db_bind_text(st, ":url", e->url ? e->url : "");
	db_bind_int(st, ":updated", e->updated_at);
	/* A reply is found by its own words, not by its thread's title (see search.h). */
	db_bind_text(st, ":title", strcmp(e->kind, "post") && title.data ? title.data : "");
	db_bind_text(st, ":body", body.data ? body.data : "");
	db_bind_text(st, ":facets", facets.data);
	id = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	if (id)
		index_entry(db, id);
	else
		fprintf(stderr, "practica: search: could not index %s %lld\n", e->kind,
			(long long)e->ref_id);
	buf_free(&body);
	buf_free(&facets);
	buf_free(&title);
	restore_rowid(saved);
}

void search_remove(Db *db, const char *kind, int64_t ref_id)
{
	int64_t id = entry_id(db, kind, ref_id);
	if (!id)
		return;
	unindex_entry(db, id);
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM search_entries WHERE id = :id");
	db_bind_int(st, ":id", id);
	db_run(st);
}

void search_restrict_community(Db *db, int64_t community_id, bool restricted)
{
	SavedRowid saved = save_rowid(db);
	/* The entries first, then the writes: never write inside a loop over a SELECT. */
	sqlite3_stmt *st = db_prepare(db, "SELECT id, kind FROM search_entries WHERE "
					  "community_id = :c AND kind IN ('thread', 'post', "
					  "'meeting', 'material') AND restricted != :r");
	db_bind_int(st, ":c", community_id);
	db_bind_int(st, ":r", restricted);
	size_t n = 0, cap = 0;
	struct {
		int64_t id;
		char kind[16];
	} *rows = NULL;
	while (db_step(st) == SQLITE_ROW) {
		if (n == cap)
			rows = xrealloc(rows, (cap = cap ? 2 * cap : 64) * sizeof *rows);
		rows[n].id = db_col_int(st, 0);
		snprintf(rows[n].kind, sizeof rows[n].kind, "%s", db_col_text(st, 1));
		n++;
	}
	sqlite3_reset(st);
	for (size_t i = 0; i < n; i++) {
		Buf facets = {0};
		facets_of(&facets, rows[i].kind, community_id, restricted);
		unindex_entry(db, rows[i].id);
		st = db_prepare(db, "UPDATE search_entries SET restricted = :r, facets = :f "
				    "WHERE id = :id");
		db_bind_int(st, ":r", restricted);
		db_bind_text(st, ":f", facets.data);
		db_bind_int(st, ":id", rows[i].id);
		db_run(st);
		index_entry(db, rows[i].id);
		buf_free(&facets);
	}
	free(rows);
	restore_rowid(saved);
}

/* ---- entries of communities and meetings ----
 * One SELECT per kind gives the SearchEntry's fields in order. */

#define COMMUNITY_SELECT                                                                      \
	"SELECT c.id, c.id, 0, c.name, c.audience || char(10) || char(10) || c.description, "   \
	"'/communities/' || c.slug, c.created_at FROM communities c WHERE c.id = :id"

#define MEETING_SELECT                                                                        \
	"SELECT m.id, coalesce(m.community_id, 0), coalesce(c.visibility = 'private', 0), "     \
	"CASE m.status WHEN 'cancelled' THEN 'Cancelled: ' ELSE '' END || m.title, "             \
	"m.purpose || char(10) || char(10) || m.highlights || char(10) || char(10) || "         \
	"coalesce((SELECT group_concat(x, char(10)) FROM (SELECT a.title || CASE a.presenters "  \
	"WHEN '' THEN '' ELSE ' (' || a.presenters || ')' END AS x FROM agenda_items a WHERE "    \
	"a.meeting_id = m.id ORDER BY a.position)), ''), '/meetings/' || m.id, m.updated_at "   \
	"FROM meetings m LEFT JOIN communities c ON c.id = m.community_id WHERE m.id = :id"

/* Puts the entry of id from its SELECT (columns as above), or removes it when the row is
 * gone. */
static void index_from(Db *db, const char *kind, const char *select, int64_t id)
{
	sqlite3_stmt *st = db_prepare(db, select);
	db_bind_int(st, ":id", id);
	if (db_step(st) == SQLITE_ROW) {
		SearchEntry e = {
			.kind = kind,
			.ref_id = db_col_int(st, 0),
			.community_id = db_col_int(st, 1),
			.restricted = db_col_int(st, 2) != 0,
			.title = db_col_text(st, 3),
			.body = db_col_text(st, 4),
			.url = db_col_text(st, 5),
			.updated_at = db_col_int(st, 6),
		};
		search_put(db, &e);
	} else {
		search_remove(db, kind, id);
	}
	sqlite3_reset(st);
}

void search_index_community(Db *db, int64_t community_id)
{
	index_from(db, "community", COMMUNITY_SELECT, community_id);
}

void search_index_meeting(Db *db, int64_t meeting_id)
{
	index_from(db, "meeting", MEETING_SELECT, meeting_id);
}

/* A meeting material: its title, the words inside its file and the meeting's title; it leads
 * to the meeting page, where the material is listed with the meeting's other materials. */
#define MATERIAL_SELECT                                                                       \
	"SELECT mm.id, coalesce(m.community_id, 0), coalesce(c.visibility = 'private', 0), "    \
	"mm.title, m.title || char(10) || char(10) || mm.text, '/meetings/' || m.id, "            \
	"mm.created_at FROM meeting_materials mm JOIN meetings m ON m.id = mm.meeting_id "       \
	"LEFT JOIN communities c ON c.id = m.community_id WHERE mm.id = :id"

void search_index_material(Db *db, int64_t material_id)
{
	index_from(db, "material", MATERIAL_SELECT, material_id);
}

/* ---- rebuilding ----
 * Every kind is rebuilt by the same function its feature calls when a row changes, so a
 * rebuilt index equals the one kept up to date as the site was used. */

static const struct {
	const char *ids; /* every row to index */
	void (*index)(Db *db, int64_t id);
} indexers[] = {
	{"SELECT id FROM communities ORDER BY id", search_index_community},
	{"SELECT id FROM meetings ORDER BY id", search_index_meeting},
	{"SELECT id FROM meeting_materials ORDER BY id", search_index_material},
	{"SELECT id FROM threads ORDER BY id", thread_reindex},         /* posts.c: and replies */
	{"SELECT id FROM library_items ORDER BY id", library_index},    /* documents, links */
};

int64_t search_reindex(Db *db)
{
	if (!db_begin(db))
		return -1;
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO search_index (search_index) VALUES "
				      "('delete-all')");
	bool ok = db_run(st);
	st = db_prepare(db, "INSERT INTO search_titles (search_titles) VALUES ('delete-all')");
	ok = ok && db_run(st);
	st = db_prepare(db, "DELETE FROM search_entries");
	ok = ok && db_run(st);
	for (size_t k = 0; ok && k < sizeof indexers / sizeof *indexers; k++) {
		/* The ids first: never write inside a loop over a SELECT. */
		size_t n = 0, cap = 1024;
		int64_t *ids = xmalloc(cap * sizeof *ids);
		st = db_prepare(db, indexers[k].ids);
		int rc;
		while ((rc = db_step(st)) == SQLITE_ROW) {
			if (n == cap)
				ids = xrealloc(ids, (cap *= 2) * sizeof *ids);
			ids[n++] = db_col_int(st, 0);
		}
		sqlite3_reset(st);
		ok = rc == SQLITE_DONE;
		for (size_t i = 0; ok && i < n; i++)
			indexers[k].index(db, ids[i]);
		free(ids);
	}
	st = db_prepare(db, "DELETE FROM settings WHERE key = 'search_rebuild'");
	ok = ok && db_run(st);
	/* Merge the index's segments into one: the fastest layout for queries. */
	st = db_prepare(db, "INSERT INTO search_index (search_index) VALUES ('optimize')");
	ok = ok && db_run(st);
	st = db_prepare(db, "INSERT INTO search_titles (search_titles) VALUES ('optimize')");
	ok = ok && db_run(st);
	int64_t count = 0;
	st = db_prepare(db, "SELECT count(*) FROM search_entries");
	if (ok && db_step(st) == SQLITE_ROW)
		count = db_col_int(st, 0);
	sqlite3_reset(st);
	if (!ok || db_take_error() || !db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return count;
}

bool search_rebuild_if_needed(Db *db)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM settings WHERE key = 'search_rebuild'");
	bool needed = db_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return !needed || search_reindex(db) >= 0;
}

/* ---- running a search ---- */

typedef struct {
	int64_t id;
	double score;
} Candidate;

static int by_score(const void *a, const void *b)
{
	const Candidate *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return x->id < y->id ? 1 : x->id > y->id ? -1 : 0; /* then newest first */
}

/* Puts the best `k` of c[0..n) first, in order (by_score), as sorting all of them would:
 * a page needs its first `offset + limit`, not the order of all 1,100 candidates. */
static void sort_best(Candidate *c, int n, int k)
{
	int lo = 0, hi = n - 1;
	while (k > 0 && k < n && lo < hi) { /* quickselect: c[0..k) the best, unordered */
		Candidate pivot = c[lo + (hi - lo) / 2], t;
		int i = lo, j = hi;
		while (i <= j) {
			while (by_score(&c[i], &pivot) < 0)
				i++;
			while (by_score(&c[j], &pivot) > 0)
				j--;
			if (i <= j)
				t = c[i], c[i++] = c[j], c[j--] = t;
		}
		if (k - 1 <= j)
			hi = j;
		else if (k - 1 >= i)
			lo = i;
		else
			break;
	}
	qsort(c, (size_t)(k < n ? k : n), sizeof *c, by_score);
}

/* The quoted phrases of a cleaned query before its NOT part, ORed: "any of the member's
 * words". *count receives how many phrases the whole query has (each is one FTS5 phrase).
 * Relies on the cleaner's output shape: quoted strings never contain a quote. */
static const char *any_positive(Arena *a, const char *query, int *count, int *positive_count)
{
	Buf any = {0};
	bool negative = false;
	int n = 0, positives = 0;
	for (const char *p = query; *p;) {
		if (*p == '"') {
			const char *end = strchr(p + 1, '"');
			if (!end)
				break;
			end++;
			if (*end == '*')
				end++;
			n++;
			if (!negative) {
				if (positives++)
					buf_puts(&any, " OR ");
				buf_append(&any, p, (size_t)(end - p));
			}
			p = end;
		} else if (!strncmp(p, "NOT ", 4)) {
			negative = true;
			p += 4;
		} else {
			p++;
		}
	}
	*count = n;
	*positive_count = positives;
	const char *out = arena_strdup(a, any.data ? any.data : "");
	buf_free(&any);
	return out;
}

/* The communities whose restricted entries the member may see: those they take part in or
 * facilitate, as the query's ORed "restricted to c" tokens. Empty when none. */
static void member_communities(Db *db, Buf *out, int64_t user_id)
{
	sqlite3_stmt *st = db_prepare(
		db, "SELECT community_id FROM memberships WHERE user_id = :u AND status = "
		    "'participant' UNION SELECT community_id FROM facilitators WHERE user_id = :u");
	db_bind_int(st, ":u", user_id);
	while (db_step(st) == SQLITE_ROW)
		buf_printf(out, "%s\"" FACET_MARK "r%lld\"", out->len ? " OR " : "",
			   (long long)db_col_int(st, 0));
	sqlite3_reset(st);
}

static bool member_sees(Db *db, int64_t user_id, int64_t community_id)
{
	sqlite3_stmt *st = db_prepare(
		db, "SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = :u AND community_id = "
		    ":c AND status = 'participant') OR EXISTS (SELECT 1 FROM facilitators WHERE "
		    "user_id = :u AND community_id = :c)");
	db_bind_int(st, ":u", user_id);
	db_bind_int(st, ":c", community_id);
	bool yes = db_step(st) == SQLITE_ROW && db_col_int(st, 0);
	sqlite3_reset(st);
	return yes;
}

/* Appends the candidates of match (newest first, at most SEARCH_MAX_CANDIDATES) with rowid
 * below `below`; returns how many matched in all, up to SEARCH_MAX_CANDIDATES + 1, or -1 on
 * a database error. */
static int collect(Db *db, const char *match, const int scored[2], int64_t generation,
		   int64_t below, Candidate *c, int *n)
{
	sqlite3_stmt *st = db_prepare(
		db, "SELECT search_index.rowid, practica_rank(search_index, :scored, :generation, "
		    ":positives, d.sz) FROM search_index LEFT JOIN search_index_docsize d ON d.id = "
		    "search_index.rowid WHERE search_index MATCH :match AND search_index.rowid < "
		    ":below ORDER BY search_index.rowid DESC LIMIT :limit");
	db_bind_int(st, ":scored", scored[0]);
	db_bind_int(st, ":positives", scored[1]);
	db_bind_int(st, ":generation", generation);
	db_bind_text(st, ":match", match);
	db_bind_int(st, ":below", below);
	db_bind_int(st, ":limit", SEARCH_MAX_CANDIDATES + 1);
	int seen = 0, rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		if (seen++ < SEARCH_MAX_CANDIDATES)
			c[(*n)++] = (Candidate){db_col_int(st, 0), sqlite3_column_double(st, 1)};
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? seen : -1;
}

/* When more than SEARCH_MAX_CANDIDATES match, older entries with the member's words in their
 * title still compete: the newest SEARCH_TITLE_CANDIDATES of them (below `below`) are found
 * in search_titles, a small index of titles and filter tokens (`title_match`: the query's
 * words, all in the title, and the same filters), and scored there (see rank_function).
 * When the query leaves words out, each is checked against search_index, where the word
 * may be in the body. (Asking search_index for "the words in the title column" walked the
 * words' whole lists, which mix every column: 10-20 ms for a common word.) */
static bool collect_titles(Db *db, Arena *a, const char *title_match, const char *match,
			   const int scored[2], int64_t generation, int64_t below, Candidate *c,
			   int *n)
{
	Candidate *found = arena_alloc(a, SEARCH_TITLE_CANDIDATES * sizeof *found);
	int count = 0, rc;
	sqlite3_stmt *st = db_prepare(
		db, "SELECT search_titles.rowid, practica_rank(search_titles, :scored, :generation, "
		    ":positives, d.sz) FROM search_titles LEFT JOIN search_titles_docsize d ON d.id = "
		    "search_titles.rowid WHERE search_titles MATCH :match AND search_titles.rowid < "
		    ":below ORDER BY search_titles.rowid DESC LIMIT :limit");
	db_bind_int(st, ":scored", scored[0]);
	db_bind_int(st, ":positives", scored[1]);
	db_bind_int(st, ":generation", generation);
	db_bind_text(st, ":match", title_match);
	db_bind_int(st, ":below", below);
	db_bind_int(st, ":limit", SEARCH_TITLE_CANDIDATES);
	while ((rc = db_step(st)) == SQLITE_ROW && count < SEARCH_TITLE_CANDIDATES)
		found[count++] = (Candidate){db_col_int(st, 0), sqlite3_column_double(st, 1)};
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return false;
	bool excludes = scored[0] > scored[1];
	for (int i = 0; i < count; i++) {
		if (!excludes) {
			c[(*n)++] = found[i];
			continue;
		}
		st = db_prepare(db, "SELECT 1 FROM search_index WHERE search_index MATCH :match AND "
				    "rowid = :id");
		db_bind_text(st, ":match", match);
		db_bind_int(st, ":id", found[i].id);
		rc = db_step(st);
		if (rc == SQLITE_ROW)
			c[(*n)++] = found[i];
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return false;
	}
	return true;
}

/* The query without its exclusions: the cleaner writes "(positive) NOT (negative)" when it
 * has some (search_query.c); quoted terms never contain a quote. */
static const char *positive_part(Arena *a, const char *query)
{
	bool quoted = false;
	for (const char *p = query; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && !strncmp(p, " NOT ", 5))
			return arena_printf(a, "%.*s", (int)(p - query), query);
	}
	return query;
}

/* Turns the \x01 \x02 markers of snippet()/highlight() into <mark>, escaping everything
 * else. The text is the member's: it is escaped first, markup added only for our markers. */
static const char *marked_html(Arena *a, const char *text)
{
	Buf out = {0};
	bool open = false;
	const char *run = text;
	for (const char *p = text;; p++) {
		if (*p && *p != MARK_OPEN[0] && *p != MARK_CLOSE[0])
			continue;
		html_escape(&out, run, (size_t)(p - run));
		if (!*p)
			break;
		if (*p == MARK_OPEN[0] && !open)
			buf_puts(&out, "<mark>"), open = true;
		else if (*p == MARK_CLOSE[0] && open)
			buf_puts(&out, "</mark>"), open = false;
		run = p + 1;
	}
	if (open)
		buf_puts(&out, "</mark>");
	const char *s = arena_strdup(a, out.data ? out.data : "");
	buf_free(&out);
	return s;
}

/* The filters of q as FTS5 terms to AND with the words: kind, community, visibility. */
static void filters(Db *db, const SearchQuery *q, Buf *out)
{
	if (q->kind && !strcmp(q->kind, "discussion"))
		buf_puts(out, " AND (\"" FACET_MARK "kthread\" OR \"" FACET_MARK "kpost\")");
	else if (q->kind && !strcmp(q->kind, "document")) /* the library's and meetings' */
		buf_puts(out, " AND (\"" FACET_MARK "kdocument\" OR \"" FACET_MARK "kmaterial\")");
	else if (q->kind)
		buf_printf(out, " AND \"" FACET_MARK "k%s\"", q->kind);
	if (q->community_id)
		buf_printf(out, " AND \"" FACET_MARK "c%lld\"", (long long)q->community_id);
	if (!q->admin) {
		/* Restricted entries are left out unless restricted to one of the member's
		 * communities: one short list ("restricted") and the member's few communities,
		 * rather than every community the member is not in. */
		Buf mine = {0};
		member_communities(db, &mine, q->user_id);
		if (mine.len)
			buf_printf(out, " NOT (\"" FACET_MARK "r\" NOT (%s))", mine.data);
		else
			buf_puts(out, " NOT \"" FACET_MARK "r\"");
		buf_free(&mine);
	}
}

/* Adds h to the results unless the member may not see it. */
static void keep_hit(Db *db, const SearchQuery *q, const SearchHit *h, bool restricted,
		     SearchResults *out)
{
	/* The MATCH expression already left these out; this is the second lock. */
	if (restricted && !q->admin && !member_sees(db, q->user_id, h->community_id)) {
		fprintf(stderr, "practica: search: restricted %s %lld reached the results; left "
				"out\n", h->kind, (long long)h->ref_id);
		return;
	}
	out->hits[out->count++] = *h;
}

/* What is shown of the entry in st's columns from `col` on (see HIT_COLUMNS). */
#define HIT_COLUMNS                                                                           \
	"e.kind, e.ref_id, coalesce(e.community_id, 0), e.restricted, e.heading, e.url, "       \
	"e.updated_at, coalesce(c.name, ''), coalesce(c.slug, ''), "                             \
	"highlight(search_index, 0, char(1), char(2)), "                                          \
	"snippet(search_index, 1, char(1), char(2), '…', 30)"

static void read_hit(Arena *a, sqlite3_stmt *st, int col, SearchHit *h, bool *restricted)
{
	h->kind = arena_strdup(a, db_col_text(st, col + 0));
	h->ref_id = db_col_int(st, col + 1);
	h->community_id = db_col_int(st, col + 2);
	*restricted = db_col_int(st, col + 3) != 0;
	h->title = arena_strdup(a, db_col_text(st, col + 4));
	h->url = arena_strdup(a, db_col_text(st, col + 5));
	h->updated_at = db_col_int(st, col + 6);
	h->community_name = arena_strdup(a, db_col_text(st, col + 7));
	h->community_slug = arena_strdup(a, db_col_text(st, col + 8));
	const char *title = db_col_text(st, col + 9);
	h->title_html = *title ? marked_html(a, title) : marked_html(a, h->title);
	h->snippet_html = marked_html(a, db_col_text(st, col + 10));
}

/* The hits of candidates [from, end) with highlights and snippets, in that order. FTS5 makes
 * those only for a row it is positioned on by a MATCH; finding one row by its id sets up every
 * word's list again (100-250 µs a row here), so the rows among the newest matches (rowid >=
 * oldest) come from one walk over that stretch of the matches, and only older ones (from
 * search_titles) are looked up one by one. */
static bool show_hits(Db *db, Arena *a, const SearchQuery *q, const Candidate *c, int from,
		      int end, int64_t oldest, SearchResults *out)
{
	int count = end - from;
	if (count <= 0)
		return true;
	SearchHit *hits = arena_alloc(a, (size_t)count * sizeof *hits);
	bool *found = arena_alloc(a, (size_t)count * sizeof *found);
	bool *restricted = arena_alloc(a, (size_t)count * sizeof *restricted);
	memset(found, 0, (size_t)count * sizeof *found);
	Buf ids = {0};
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	buf_putc(&ids, ',');
	for (int k = 0; k < count; k++) {
		int64_t id = c[from + k].id;
		if (id < oldest)
			continue;
		buf_printf(&ids, "%lld,", (long long)id);
		lo = id < lo ? id : lo;
		hi = id > hi ? id : hi;
	}
	bool ok = true;
	if (lo <= hi) {
		/* CROSS JOIN: the index walks the stretch; instr() keeps the rows of this page
		 * (a test on an expression, so SQLite does not hand it to FTS5 as ids to look up
		 * one by one). */
		sqlite3_stmt *st = db_prepare(
			db, "SELECT search_index.rowid, " HIT_COLUMNS " FROM search_index CROSS JOIN "
			    "search_entries e ON e.id = search_index.rowid LEFT JOIN communities c ON "
			    "c.id = e.community_id WHERE search_index MATCH :match AND "
			    "search_index.rowid BETWEEN :lo AND :hi AND "
			    "instr(:ids, ',' || search_index.rowid || ',') > 0");
		db_bind_text(st, ":match", q->query);
		db_bind_int(st, ":lo", lo);
		db_bind_int(st, ":hi", hi);
		db_bind_text(st, ":ids", ids.data);
		int rc;
		while ((rc = db_step(st)) == SQLITE_ROW) {
			int64_t id = db_col_int(st, 0);
			for (int k = 0; k < count; k++)
				if (c[from + k].id == id && !found[k]) {
					read_hit(a, st, 1, &hits[k], &restricted[k]);
					found[k] = true;
					break;
				}
		}
		sqlite3_reset(st);
		ok = rc == SQLITE_DONE;
	}
	buf_free(&ids);
	for (int k = 0; ok && k < count; k++) {
		if (found[k] || c[from + k].id >= oldest)
			continue;
		sqlite3_stmt *st = db_prepare(
			db, "SELECT " HIT_COLUMNS " FROM search_index JOIN search_entries e ON e.id = "
			    "search_index.rowid LEFT JOIN communities c ON c.id = e.community_id "
			    "WHERE search_index MATCH :match AND search_index.rowid = :id");
		db_bind_text(st, ":match", q->query);
		db_bind_int(st, ":id", c[from + k].id);
		if (db_step(st) == SQLITE_ROW) {
			read_hit(a, st, 0, &hits[k], &restricted[k]);
			found[k] = true;
		}
		sqlite3_reset(st);
	}
	for (int k = 0; k < count; k++)
		if (found[k])
			keep_hit(db, q, &hits[k], restricted[k], out);
	return ok;
}

/* A query that may match few entries (a phrase, several words, exclusions) is first asked
 * for one page of its newest matches with their highlights and snippets: when that is all
 * there is, the search is one pass over the matches instead of two (one to rank, one to
 * show), each as long as the other for a rare phrase of common words. When there are more,
 * the page's snippets were made for nothing (about 0.3 ms). Returns the matches read, at most
 * limit + 1 (more than a page), or -1 on a database error. */
static int first_page(Db *db, Arena *a, const char *match, const int scored[2],
		      int64_t generation, int limit, Candidate *c, SearchHit *hits,
		      bool *restricted)
{
	sqlite3_stmt *st = db_prepare(
		db, "SELECT search_index.rowid, practica_rank(search_index, :scored, :generation, "
		    ":positives), " HIT_COLUMNS " FROM search_index CROSS JOIN search_entries e ON "
		    "e.id = search_index.rowid LEFT JOIN communities c ON c.id = e.community_id "
		    "WHERE search_index MATCH :match ORDER BY search_index.rowid DESC LIMIT :limit");
	db_bind_int(st, ":scored", scored[0]);
	db_bind_int(st, ":positives", scored[1]);
	db_bind_int(st, ":generation", generation);
	db_bind_text(st, ":match", match);
	db_bind_int(st, ":limit", limit + 1);
	int n = 0, rc;
	while ((rc = db_step(st)) == SQLITE_ROW && n < limit) {
		c[n] = (Candidate){db_col_int(st, 0), sqlite3_column_double(st, 1)};
		read_hit(a, st, 2, &hits[n], &restricted[n]);
		n++;
	}
	if (rc == SQLITE_ROW)
		n++; /* more than a page */
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}

typedef struct {
	Candidate c; /* first: by_score() compares it */
	int k;
} Ranked;

bool search_run(Db *db, Arena *a, const SearchQuery *q, SearchResults *out)
{
	memset(out, 0, sizeof *out);
	int scored[2] = {0, 0}; /* phrases in the query, and those not excluded */
	const char *any = any_positive(a, q->query, &scored[0], &scored[1]);
	/* The member's words first (so they are the first phrases, the ones ranked), then the
	 * filters; see facets_of(). No column filter is needed: no word matches a facet token. */
	Buf filter = {0}, match = {0}, title_match = {0};
	filters(db, q, &filter);
	buf_printf(&match, "((%s)%s)", q->query, filter.data ? filter.data : "");
	buf_printf(&title_match, "((%s)%s)", positive_part(a, q->query),
		   filter.data ? filter.data : "");

	int64_t generation = search_rank_next();
	Candidate *c = arena_alloc(
		a, (SEARCH_MAX_CANDIDATES + SEARCH_TITLE_CANDIDATES) * sizeof *c);
	int from = q->offset < 0 ? 0 : q->offset, limit = q->limit > 0 ? q->limit : 20;
	out->hits = arena_alloc(a, (size_t)limit * sizeof *out->hits);
	bool ok = true;
	if (from == 0 && strchr(q->query, ' ')) { /* more than one word */
		SearchHit *hits = arena_alloc(a, (size_t)limit * sizeof *hits);
		bool *restricted = arena_alloc(a, (size_t)limit * sizeof *restricted);
		int got = first_page(db, a, match.data, scored, generation, limit, c, hits,
				     restricted);
		ok = got >= 0;
		if (ok && got <= limit) { /* that was every match */
			search_rank_done();
			Ranked *order = arena_alloc(a, (size_t)(got ? got : 1) * sizeof *order);
			for (int k = 0; k < got; k++)
				order[k] = (Ranked){c[k], k};
			qsort(order, (size_t)got, sizeof *order, by_score);
			out->total = got;
			for (int k = 0; k < got; k++)
				keep_hit(db, q, &hits[order[k].k], restricted[order[k].k], out);
			buf_free(&filter);
			buf_free(&match);
			buf_free(&title_match);
			return true;
		}
	}
	int n = 0;
	int matched = collect(db, match.data, scored, generation, INT64_MAX, c, &n);
	ok = matched >= 0 && ok;
	int64_t main_oldest = n ? c[n - 1].id : 0; /* the newest matches are all >= this */
	out->truncated = matched > SEARCH_MAX_CANDIDATES;
	/* A common word: its newest matches may leave out older entries with the word in their
	 * title, which rank higher. */
	if (out->truncated && *any && scored[0] == scored[1])
		ok = collect_titles(db, a, title_match.data, match.data, scored, generation,
				    c[n - 1].id, c, &n) &&
		     ok;
	search_rank_done();
	out->total = n;

	int end = from < n ? (n - from < limit ? n : from + limit) : from;
	sort_best(c, n, end);
	ok = show_hits(db, a, q, c, from, end, main_oldest, out) && ok;
	buf_free(&filter);
	buf_free(&match);
	buf_free(&title_match);
	return ok;
}
