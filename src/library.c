/* The document library: loading items with the visibility rule, the edit rule, tags, the
 * search index entry, the fields and form parts documents and links share; the library's
 * list (filter by category, kind and tag; sort by newest, rating or title); a community's
 * folder (its documents and its meetings' materials); and the admins' categories page. */
#include "library.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "communities.h"
#include "config.h"
#include "handlers.h"
#include "html.h"
#include "markdown.h"
#include "page.h"
#include "search.h"
#include "validate.h"

#define PAGE_SIZE 25
#define CATEGORY_NAME_MAX 60
#define CATEGORY_DESCRIPTION_MAX 300

/* ---- items ---- */

#define ITEM_COLUMNS                                                                         \
	"i.id, i.kind, i.title, i.description, coalesce(i.url, ''), coalesce(i.category_id, 0), " \
	"coalesce(c.name, ''), coalesce(i.community_id, 0), coalesce(co.slug, ''), "          \
	"coalesce(co.name, ''), coalesce(i.created_by, 0), coalesce(u.name, 'a former member'), " \
	"i.created_at, i.updated_at, coalesce(v.number, 0), coalesce(v.id, 0), "              \
	"coalesce(f.id, 0), coalesce(f.size, 0), coalesce(f.name, ''), "                       \
	"coalesce(f.content_type, ''), i.rating_avg, i.rating_count "
/* What an item row joins, after "FROM library_items i" (or a join that names it i). */
#define ITEM_JOINS_REST                                                                      \
	"LEFT JOIN library_categories c ON c.id = i.category_id "                              \
	"LEFT JOIN communities co ON co.id = i.community_id "                                  \
	"LEFT JOIN users u ON u.id = i.created_by "                                            \
	"LEFT JOIN library_versions v ON v.item_id = i.id AND v.number = "                     \
	"(SELECT max(number) FROM library_versions WHERE item_id = i.id) "                     \
	"LEFT JOIN files f ON f.id = v.file_id "
#define ITEM_JOINS "FROM library_items i " ITEM_JOINS_REST
/* For lists already narrowed by a tag or category (the sort is a bound value). */
#define LIST_ORDER_BY_SORT                                                                   \
	"ORDER BY CASE WHEN :sort = 'rating' THEN i.rating_avg END DESC, "                     \
	"CASE WHEN :sort = 'rating' THEN i.rating_count END DESC, "                            \
	"CASE WHEN :sort = 'title' THEN i.title END COLLATE NOCASE, "                          \
	"i.created_at DESC, i.id DESC LIMIT :limit OFFSET :offset"

static LibraryItem *read_item(Req *r, sqlite3_stmt *st)
{
	LibraryItem *it = arena_alloc(r->arena, sizeof *it);
	Arena *a = r->arena;
	it->id = db_col_int(st, 0);
	it->is_document = !strcmp(db_col_text(st, 1), "document");
	it->title = arena_strdup(a, db_col_text(st, 2));
	it->description = arena_strdup(a, db_col_text(st, 3));
	it->url = arena_strdup(a, db_col_text(st, 4));
	it->category_id = db_col_int(st, 5);
	it->category = arena_strdup(a, db_col_text(st, 6));
	it->community_id = db_col_int(st, 7);
	it->community_slug = arena_strdup(a, db_col_text(st, 8));
	it->community_name = arena_strdup(a, db_col_text(st, 9));
	it->created_by = db_col_int(st, 10);
	it->creator = arena_strdup(a, db_col_text(st, 11));
	it->created_at = db_col_int(st, 12);
	it->updated_at = db_col_int(st, 13);
	it->version = db_col_int(st, 14);
	it->version_id = db_col_int(st, 15);
	it->file_id = db_col_int(st, 16);
	it->file_size = db_col_int(st, 17);
	it->file_name = arena_strdup(a, db_col_text(st, 18));
	it->file_type = arena_strdup(a, db_col_text(st, 19));
	it->rating = sqlite3_column_double(st, 20);
	it->ratings = db_col_int(st, 21);
	return it;
}

LibraryItem *library_item_load(Req *r, int64_t id)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT " ITEM_COLUMNS ITEM_JOINS
					     "WHERE i.id = :id AND " LIBRARY_VISIBLE);
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":me", r->user->id);
	db_bind_int(st, ":admin", r->user->is_admin);
	LibraryItem *it = db_step(st) == SQLITE_ROW ? read_item(r, st) : NULL;
	sqlite3_reset(st);
	return it;
}

LibraryItem *library_item_from_path(Req *r)
{
	LibraryItem *it = library_item_load(r, req_param_id(r, 0));
	if (!it)
		resp_error(r, 404, "There is no such document or link in the library (it may have "
				   "been deleted, or it is shared only within a community).");
	return it;
}

static bool facilitates(Req *r, int64_t community_id)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT EXISTS (SELECT 1 FROM facilitators WHERE "
					     "community_id = :c AND user_id = :me)");
	db_bind_int(st, ":c", community_id);
	db_bind_int(st, ":me", r->user->id);
	bool yes = db_step(st) == SQLITE_ROW && db_col_int(st, 0);
	sqlite3_reset(st);
	return yes;
}

bool library_may_edit(Req *r, const LibraryItem *it)
{
	return r->user->is_admin || (it->created_by && it->created_by == r->user->id) ||
	       (it->community_id && facilitates(r, it->community_id));
}

bool library_may_share_in(Req *r, int64_t community_id)
{
	if (!community_id)
		return true;
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT :admin OR EXISTS (SELECT 1 FROM facilitators f WHERE "
		       "f.community_id = c.id AND f.user_id = :me) OR EXISTS (SELECT 1 FROM "
		       "memberships m WHERE m.community_id = c.id AND m.user_id = :me AND "
		       "m.status = 'participant') FROM communities c WHERE c.id = :c");
	db_bind_int(st, ":c", community_id);
	db_bind_int(st, ":me", r->user->id);
	db_bind_int(st, ":admin", r->user->is_admin);
	bool yes = db_step(st) == SQLITE_ROW && db_col_int(st, 0);
	sqlite3_reset(st);
	return yes;
}

const char *library_item_url(Req *r, int64_t id)
{
	return arena_printf(r->arena, "/library/%lld", (long long)id);
}

void library_index(Db *db, int64_t id)
{
	sqlite3_stmt *st = db_prepare(
		db, "SELECT i.kind, i.title, i.description, coalesce(i.url, ''), "
		    "coalesce(i.community_id, 0), i.updated_at, "
		    "coalesce((SELECT group_concat(tag, ', ') FROM (SELECT tag FROM library_tags "
		    "WHERE item_id = i.id ORDER BY tag)), ''), "
		    "coalesce((SELECT text FROM library_versions WHERE item_id = i.id "
		    "ORDER BY number DESC LIMIT 1), '') FROM library_items i WHERE i.id = :id");
	db_bind_int(st, ":id", id);
	if (db_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return;
	}
	Arena *a = arena_new();
	char url[64];
	snprintf(url, sizeof url, "/library/%lld", (long long)id);
	const char *link = db_col_text(st, 3);
	Buf description = {0};
	search_markdown_plain(&description, db_col_text(st, 2));
	SearchEntry e = {
		.kind = arena_strdup(a, db_col_text(st, 0)),
		.ref_id = id,
		.community_id = db_col_int(st, 4),
		.restricted = db_col_int(st, 4) != 0,
		.title = arena_strdup(a, db_col_text(st, 1)),
		.body = arena_printf(a, "%s\n%s%s%s\n\n%s", description.data ? description.data : "",
				     db_col_text(st, 6),
				     *link ? "\n\n" : "", link, db_col_text(st, 7)),
		.url = url,
		.updated_at = db_col_int(st, 5),
	};
	sqlite3_reset(st);
	buf_free(&description);
	search_put(db, &e);
	arena_free(a);
}

/* ---- tags ---- */

/* "Budget, Templates;  board policy" -> "budget", "templates", "board policy": lower-case,
 * inner spaces collapsed, a leading '#' dropped, duplicates once. */
static const char *parse_tags(Arena *a, const char *text, const char ***out, int *n)
{
	const char **tags = arena_alloc(a, (LIB_TAGS_MAX + 1) * sizeof *tags);
	*n = 0;
	*out = tags;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, ",;");
		char *tag = arena_alloc(a, len + 1), *o = tag;
		bool space = false;
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)p[i];
			if (isspace(c)) {
				space = o != tag;
				continue;
			}
			if (c == '#' && o == tag)
				continue;
			if (space)
				*o++ = ' ';
			space = false;
			*o++ = (char)(c < 0x80 ? tolower(c) : c);
		}
		*o = '\0';
		p += len;
		if (*p)
			p++;
		if (!*tag)
			continue;
		if (strlen(tag) > LIB_TAG_MAX)
			return arena_printf(a, "Each tag can be at most %d characters.", LIB_TAG_MAX);
		bool seen = false;
		for (int i = 0; i < *n; i++)
			seen |= !strcmp(tags[i], tag);
		if (seen)
			continue;
		if (*n == LIB_TAGS_MAX)
			return arena_printf(a, "Use at most %d tags.", LIB_TAGS_MAX);
		tags[(*n)++] = tag;
	}
	return NULL;
}

bool library_save_tags(Db *db, int64_t id, const char *const *tags, int ntags)
{
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM library_tags WHERE item_id = :id");
	db_bind_int(st, ":id", id);
	bool ok = db_run(st);
	for (int i = 0; ok && i < ntags; i++) {
		st = db_prepare(db, "INSERT OR IGNORE INTO library_tags (item_id, tag) VALUES (:id, :t)");
		db_bind_int(st, ":id", id);
		db_bind_text(st, ":t", tags[i]);
		ok = db_run(st);
	}
	return ok;
}

const char *library_tags_text(Req *r, int64_t id)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT coalesce(group_concat(tag, ', '), '') FROM "
					     "(SELECT tag FROM library_tags WHERE item_id = :id "
					     "ORDER BY tag)");
	db_bind_int(st, ":id", id);
	const char *text = arena_strdup(r->arena, db_step(st) == SQLITE_ROW ? db_col_text(st, 0) : "");
	sqlite3_reset(st);
	return text;
}

/* The item's tags as links to the list filtered by each. */
static void tag_links(Req *r, int64_t id)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT tag FROM library_tags WHERE item_id = :id "
					     "ORDER BY tag");
	db_bind_int(st, ":id", id);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		const char *tag = db_col_text(st, 0);
		if (n++ == 0)
			html_raw(&r->out, "<ul class=\"tags\" aria-label=\"Tags\">");
		html(&r->out, "<li><a href=\"/library?tag=%s\">%s</a></li>", url_encode(r->arena, tag),
		     tag);
	}
	if (n)
		html_raw(&r->out, "</ul>");
	sqlite3_reset(st);
}

/* ---- shared fields ---- */

void library_read_fields(Req *r, LibraryFields *f, bool category_required)
{
	memset(f, 0, sizeof *f);
	f->title = trimmed(r->arena, req_form(r, "title"));
	f->description = trimmed(r->arena, req_form(r, "description"));
	f->tags_text = trimmed(r->arena, req_form(r, "tags"));
	f->e_title = check_text(r->arena, f->title, true, LIB_TITLE_MAX);
	f->e_description = check_text(r->arena, f->description, false, LIB_DESCRIPTION_MAX);
	f->e_tags = check_text(r->arena, f->tags_text, false, 1000);
	if (!f->e_tags)
		f->e_tags = parse_tags(r->arena, f->tags_text, &f->tags, &f->ntags);

	const char *category = req_form_or(r, "category", "");
	f->category_id = parse_id(category);
	if (f->category_id) {
		sqlite3_stmt *st = db_prepare(r->db, "SELECT EXISTS (SELECT 1 FROM "
						     "library_categories WHERE id = :id)");
		db_bind_int(st, ":id", f->category_id);
		if (db_step(st) != SQLITE_ROW || !db_col_int(st, 0))
			f->e_category = "Choose one of the categories.";
		sqlite3_reset(st);
	} else if (*category && strcmp(category, "0")) {
		f->e_category = "Choose one of the categories.";
	} else if (category_required) {
		f->e_category = "Choose the category this document belongs in.";
	}

	const char *community = req_form_or(r, "community", "0");
	f->community_id = parse_id(community);
	if ((!f->community_id && strcmp(community, "0")) ||
	    !library_may_share_in(r, f->community_id))
		f->e_community = "Choose all members, or a community you take part in.";

	const char *errors[] = {f->e_title, f->e_description, f->e_category, f->e_community,
				f->e_tags};
	for (size_t i = 0; i < sizeof errors / sizeof *errors; i++)
		f->errors += errors[i] != NULL;
}

/* A labelled <select> of (id, name) rows from st; first_label names the value 0. */
static void id_select(Req *r, const char *name, const char *label, sqlite3_stmt *st,
		      const char *first_label, int64_t selected, const char *error)
{
	Buf *o = &r->out;
	html(o, "<div class=\"field%s\"><label for=\"f-%s\">%s</label>\n", error ? " has-error" : "",
	     name, label);
	if (error)
		html(o, "<p class=\"field-error\" id=\"f-%s-error\">%s</p>\n", name, error);
	html(o, "<select id=\"f-%s\" name=\"%s\"", name, name);
	if (error)
		html(o, " aria-invalid=\"true\" aria-describedby=\"f-%s-error\"", name);
	html_raw(o, ">");
	if (first_label)
		html(o, "<option value=\"0\">%s</option>", first_label);
	while (db_step(st) == SQLITE_ROW)
		html(o, "<option value=\"%lld\"%s>%s</option>", (long long)db_col_int(st, 0),
		     db_col_int(st, 0) == selected ? " selected" : "", db_col_text(st, 1));
	sqlite3_reset(st);
	html_raw(o, "</select></div>\n");
}

void library_fields_form(Req *r, const LibraryFields *f, bool category_required)
{
	form_input(r, "title", "Title", "text", f->title, f->e_title, "off");
	form_textarea(r, "description", "Description (optional)", f->description, f->e_description,
		      "What it is, who made it and how others might use it. Markdown: *emphasis*, "
		      "lists with -, links [text](https://...).");
	sqlite3_stmt *st = db_prepare(r->db, "SELECT id, name FROM library_categories "
					     "ORDER BY name COLLATE NOCASE");
	id_select(r, "category", category_required ? "Category" : "Category (optional)", st,
		  category_required ? "Choose a category" : "None", f->category_id, f->e_category);
	html(&r->out, "<div class=\"field%s\"><label for=\"f-tags\">Tags (optional)</label>\n"
		      "<p class=\"hint\" id=\"f-tags-hint\">Words or short phrases separated by "
		      "commas, e.g. budget, template, board.</p>\n",
	     f->e_tags ? " has-error" : "");
	if (f->e_tags)
		html(&r->out, "<p class=\"field-error\" id=\"f-tags-error\">%s</p>\n", f->e_tags);
	html(&r->out, "<input id=\"f-tags\" name=\"tags\" type=\"text\" value=\"%s\" "
		      "autocomplete=\"off\" aria-describedby=\"f-tags-hint%s\"%s>\n</div>\n",
	     f->tags_text ? f->tags_text : "", f->e_tags ? " f-tags-error" : "",
	     f->e_tags ? " aria-invalid=\"true\"" : "");
	st = db_prepare(r->db, "SELECT c.id, 'Only ' || c.name FROM communities c WHERE :admin OR "
			       "c.id = :current OR EXISTS (SELECT 1 FROM facilitators f WHERE "
			       "f.community_id = c.id AND f.user_id = :me) OR EXISTS (SELECT 1 FROM "
			       "memberships m WHERE m.community_id = c.id AND m.user_id = :me AND "
			       "m.status = 'participant') ORDER BY c.name");
	db_bind_int(st, ":admin", r->user->is_admin);
	db_bind_int(st, ":me", r->user->id);
	db_bind_int(st, ":current", f->community_id);
	id_select(r, "community", "Who can see it", st, "All members", f->community_id,
		  f->e_community);
}

/* ---- labels ---- */

const char *library_type_label(const char *type)
{
	static const struct {
		const char *prefix, *label;
	} kinds[] = {
		{"application/pdf", "PDF"},
		{"application/vnd.openxmlformats-officedocument.wordprocessingml", "Word document"},
		{"application/msword", "Word document"},
		{"application/vnd.openxmlformats-officedocument.spreadsheetml", "Excel workbook"},
		{"application/vnd.ms-excel", "Excel workbook"},
		{"application/vnd.openxmlformats-officedocument.presentationml",
		 "PowerPoint presentation"},
		{"application/vnd.ms-powerpoint", "PowerPoint presentation"},
		{"application/vnd.oasis.opendocument.text", "OpenDocument text"},
		{"application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet"},
		{"application/vnd.oasis.opendocument.presentation", "OpenDocument presentation"},
		{"image/", "Image"},
		{"text/csv", "CSV spreadsheet"},
		{"text/markdown", "Markdown text"},
		{"text/plain", "Text"},
	};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (!strncmp(type, kinds[i].prefix, strlen(kinds[i].prefix)))
			return kinds[i].label;
	return "File";
}

const char *library_size_label(Req *r, int64_t bytes)
{
	if (bytes < 1024)
		return arena_printf(r->arena, "%lld byte%s", (long long)bytes, bytes == 1 ? "" : "s");
	if (bytes < 1024 * 1024)
		return arena_printf(r->arena, "%lld KB", (long long)((bytes + 512) / 1024));
	return arena_printf(r->arena, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
}

void library_rating_html(Req *r, double average, int64_t count)
{
	if (!count) {
		html_raw(&r->out, "<span class=\"rating none\">Not rated yet</span>");
		return;
	}
	int full = (int)(average + 0.5);
	char stars[32] = "", avg[16];
	for (int i = 0; i < 5; i++)
		strcat(stars, i < full ? "\xe2\x98\x85" : "\xe2\x98\x86"); /* ★ and ☆ */
	snprintf(avg, sizeof avg, "%.1f", average);
	html(&r->out, "<span class=\"rating\"><span aria-hidden=\"true\">%s</span> %s out of 5 "
		      "<span class=\"meta\">(%lld rating%s)</span></span>",
	     stars, avg, (long long)count, count == 1 ? "" : "s");
}

/* ---- the list ---- */

/* One item of a list, as a card. */
static void item_card(Req *r, const LibraryItem *it, bool show_community)
{
	Buf *o = &r->out;
	html(o, "<li class=\"library-item\">\n<h2><a href=\"/library/%lld\">%s</a></h2>\n",
	     (long long)it->id, it->title);
	html_raw(o, "<p class=\"meta\">");
	if (it->is_document)
		html(o, "%s, %s", library_type_label(it->file_type),
		     library_size_label(r, it->file_size));
	else
		html_raw(o, "Link");
	if (it->version > 1)
		html(o, " · version %lld", (long long)it->version);
	if (*it->category)
		html(o, " · <a href=\"/library?category=%lld\">%s</a>", (long long)it->category_id,
		     it->category);
	if (it->community_id && show_community)
		html(o, " · only <a href=\"/communities/%s/library\">%s</a>", it->community_slug,
		     it->community_name);
	html(o, " · shared by %s, %s</p>\n", it->creator, format_date(r, it->created_at));
	html_raw(o, "<p>");
	library_rating_html(r, it->rating, it->ratings);
	html_raw(o, "</p>\n");
	tag_links(r, it->id);
	html_raw(o, "</li>\n");
}

static const char *const sorts[][2] = {
	{"newest", "Newest first"},
	{"rating", "Highest rated"},
	{"title", "Title (A to Z)"},
};

/* The list's address with one setting changed (for paging, tag and category links). */
static const char *list_url(Req *r, int64_t category, const char *kind, const char *tag,
			    const char *sort, int64_t page)
{
	Buf b = {0};
	buf_puts(&b, "/library");
	char sep = '?';
	if (category)
		buf_printf(&b, "%ccategory=%lld", sep, (long long)category), sep = '&';
	if (*kind)
		buf_printf(&b, "%ckind=%s", sep, kind), sep = '&';
	if (*tag)
		buf_printf(&b, "%ctag=%s", sep, url_encode(r->arena, tag)), sep = '&';
	if (strcmp(sort, "newest"))
		buf_printf(&b, "%csort=%s", sep, sort), sep = '&';
	if (page > 1)
		buf_printf(&b, "%cpage=%lld", sep, (long long)page);
	const char *url = arena_strdup(r->arena, b.data);
	buf_free(&b);
	return url;
}

/* The list's statement, with everything but :limit and :offset bound. Each shape reads only
 * what it shows: a tag or a category is searched through its index; without either, the
 * items are walked in the order of an index matching the sort and the walk stops at the
 * page's end. */
static sqlite3_stmt *list_statement(Req *r, int64_t category, const char *kind, const char *tag,
				    const char *sort)
{
	sqlite3_stmt *st;
	bool sorts_bound = true;
	if (*tag) {
		st = db_prepare(r->db, "SELECT " ITEM_COLUMNS "FROM library_tags t JOIN library_items i "
				       "ON i.id = t.item_id " ITEM_JOINS_REST "WHERE t.tag = :tag AND "
				       LIBRARY_VISIBLE " AND (:cat = 0 OR i.category_id = :cat) AND "
				       "(:kind = '' OR i.kind = :kind) " LIST_ORDER_BY_SORT);
		db_bind_text(st, ":tag", tag);
		db_bind_int(st, ":cat", category);
	} else if (category) {
		st = db_prepare(r->db, "SELECT " ITEM_COLUMNS ITEM_JOINS "WHERE i.category_id = :cat "
				       "AND " LIBRARY_VISIBLE " AND (:kind = '' OR i.kind = :kind) "
				       LIST_ORDER_BY_SORT);
		db_bind_int(st, ":cat", category);
	} else {
		sorts_bound = false;
		if (!strcmp(sort, "title"))
			st = db_prepare(r->db, "SELECT " ITEM_COLUMNS ITEM_JOINS "WHERE " LIBRARY_VISIBLE
					       " AND (:kind = '' OR i.kind = :kind) ORDER BY i.title "
					       "COLLATE NOCASE, i.id LIMIT :limit OFFSET :offset");
		else if (!strcmp(sort, "rating"))
			st = db_prepare(r->db, "SELECT " ITEM_COLUMNS ITEM_JOINS "WHERE " LIBRARY_VISIBLE
					       " AND (:kind = '' OR i.kind = :kind) ORDER BY "
					       "i.rating_avg DESC, i.rating_count DESC, i.created_at DESC, "
					       "i.id DESC LIMIT :limit OFFSET :offset");
		else
			st = db_prepare(r->db, "SELECT " ITEM_COLUMNS ITEM_JOINS "WHERE " LIBRARY_VISIBLE
					       " AND (:kind = '' OR i.kind = :kind) ORDER BY "
					       "i.created_at DESC, i.id DESC LIMIT :limit OFFSET :offset");
	}
	if (sorts_bound)
		db_bind_text(st, ":sort", sort);
	db_bind_text(st, ":kind", kind);
	db_bind_int(st, ":me", r->user->id);
	db_bind_int(st, ":admin", r->user->is_admin);
	return st;
}

void handle_library(Req *r)
{
	Buf *o = &r->out;
	int64_t category = parse_id(req_query(r, "category"));
	const char *kind = req_query(r, "kind");
	kind = kind && (!strcmp(kind, "document") || !strcmp(kind, "resource")) ? kind : "";
	const char *tag = trimmed(r->arena, req_query(r, "tag"));
	if (strlen(tag) > LIB_TAG_MAX)
		tag = "";
	const char *sort = req_query(r, "sort");
	const char *sort_label = NULL;
	for (size_t i = 0; i < sizeof sorts / sizeof *sorts; i++)
		if (sort && !strcmp(sort, sorts[i][0]))
			sort_label = sorts[i][1];
	if (!sort_label)
		sort = "newest";
	int64_t page = parse_id(req_query(r, "page"));
	if (page < 1 || page > 10000)
		page = 1;

	page_begin(r, "Document library");
	html_raw(o, "<h1>Document library</h1>\n<p class=\"lead\">Model documents, templates and "
		    "useful links shared by members: accountability, financial management, human "
		    "resources, governance and more.</p>\n<p class=\"actions\">"
		    "<a class=\"button\" href=\"/library/new\">Upload a document</a> "
		    "<a class=\"button secondary\" href=\"/library/share\">Share a link</a>");
	if (r->user->is_admin)
		html_raw(o, " <a class=\"button secondary\" href=\"/admin/library\">Categories</a>");
	html_raw(o, "</p>\n");

	/* Filters: a plain GET form, so every view has an address. */
	html_raw(o, "<form class=\"filters\" method=\"get\" action=\"/library\" "
		    "aria-label=\"Filter and sort\">\n");
	sqlite3_stmt *st = db_prepare(r->db, "SELECT id, name FROM library_categories "
					     "ORDER BY name COLLATE NOCASE");
	id_select(r, "category", "Category", st, "All categories", category, NULL);
	html(o, "<div class=\"field\"><label for=\"f-kind\">Show</label><select id=\"f-kind\" "
		"name=\"kind\"><option value=\"\">Documents and links</option>"
		"<option value=\"document\"%s>Documents</option><option value=\"resource\"%s>Links"
		"</option></select></div>\n",
	     !strcmp(kind, "document") ? " selected" : "", !strcmp(kind, "resource") ? " selected" : "");
	html(o, "<div class=\"field\"><label for=\"f-tag\">Tag</label><input id=\"f-tag\" "
		"name=\"tag\" type=\"text\" value=\"%s\"></div>\n", tag);
	html_raw(o, "<div class=\"field\"><label for=\"f-sort\">Sort by</label><select "
		    "id=\"f-sort\" name=\"sort\">");
	for (size_t i = 0; i < sizeof sorts / sizeof *sorts; i++)
		html(o, "<option value=\"%s\"%s>%s</option>", sorts[i][0],
		     !strcmp(sort, sorts[i][0]) ? " selected" : "", sorts[i][1]);
	html_raw(o, "</select></div>\n<button type=\"submit\">Show</button>\n</form>\n");

	st = list_statement(r, category, kind, tag, sort);
	db_bind_int(st, ":limit", PAGE_SIZE + 1);
	db_bind_int(st, ":offset", (page - 1) * PAGE_SIZE);
	int n = 0;
	bool more = false;
	while (db_step(st) == SQLITE_ROW) {
		if (n == PAGE_SIZE) {
			more = true;
			break;
		}
		if (n++ == 0)
			html_raw(o, "<ul class=\"library-list\">\n");
		item_card(r, read_item(r, st), true);
	}
	sqlite3_reset(st);
	if (n)
		html_raw(o, "</ul>\n");
	else if (category || *kind || *tag)
		html_raw(o, "<p>Nothing matches these filters. <a href=\"/library\">Show "
			    "everything</a>.</p>\n");
	else
		html_raw(o, "<p>The library is empty so far: upload the first document.</p>\n");
	if (page > 1 || more) {
		html_raw(o, "<nav class=\"pager\" aria-label=\"Pages\">");
		if (page > 1)
			html(o, "<a href=\"%s\">Previous page</a>",
			     list_url(r, category, kind, tag, sort, page - 1));
		if (more)
			html(o, "<a href=\"%s\">Next page</a>",
			     list_url(r, category, kind, tag, sort, page + 1));
		html_raw(o, "</nav>\n");
	}

	/* The most used tags of the latest items this member may see (a bounded walk, not a
	 * count over the whole library on every view). */
	st = db_prepare(r->db, "SELECT t.tag, count(*) FROM (SELECT i.id FROM library_items i "
			       "WHERE " LIBRARY_VISIBLE " ORDER BY i.created_at DESC, i.id DESC "
			       "LIMIT 200) recent JOIN library_tags t ON t.item_id = recent.id "
			       "GROUP BY t.tag ORDER BY count(*) DESC, t.tag LIMIT 20");
	db_bind_int(st, ":me", r->user->id);
	db_bind_int(st, ":admin", r->user->is_admin);
	int t = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (t++ == 0)
			html_raw(o, "<section aria-labelledby=\"h-tags\"><h2 id=\"h-tags\">Popular "
				    "tags</h2>\n<ul class=\"tags\">");
		html(o, "<li><a href=\"%s\">%s <span class=\"meta\">(%lld)</span></a></li>",
		     list_url(r, category, kind, db_col_text(st, 0), sort, 1), db_col_text(st, 0),
		     (long long)db_col_int(st, 1));
	}
	sqlite3_reset(st);
	if (t)
		html_raw(o, "</ul></section>\n");
	page_end(r);
}

/* ---- a community's folder ---- */

void handle_community_library(Req *r)
{
	Community *c = community_from_path(r);
	if (!c)
		return;
	Buf *o = &r->out;
	bool member = library_may_share_in(r, c->id);
	page_begin(r, arena_printf(r->arena, "Library: %s", c->name));
	html(o, "<p class=\"meta\"><a href=\"/communities/%s\">%s</a></p>\n<h1>%s: library</h1>\n",
	     c->slug, c->name, c->name);
	if (!community_readable(r, c->id)) {
		html_raw(o, "<p class=\"notice\">This community is private: its folder is for its "
			    "participants and facilitators. Everything shared with all members is in "
			    "the <a href=\"/library\">library</a>.</p>\n");
		page_end(r);
		return;
	}
	html_raw(o, "<section aria-labelledby=\"h-docs\">\n<h2 id=\"h-docs\">Documents and links "
		    "shared with this community</h2>\n");
	if (member) {
		html(o, "<p class=\"actions\"><a class=\"button\" href=\"/library/new?community=%lld\">"
			"Upload to this folder</a> <a class=\"button secondary\" "
			"href=\"/library/share?community=%lld\">Share a link here</a></p>\n",
		     (long long)c->id, (long long)c->id);
		sqlite3_stmt *st = db_prepare(r->db, "SELECT " ITEM_COLUMNS ITEM_JOINS
						     "WHERE i.community_id = :c "
						     "ORDER BY i.created_at DESC, i.id DESC");
		db_bind_int(st, ":c", c->id);
		int n = 0;
		while (db_step(st) == SQLITE_ROW) {
			if (n++ == 0)
				html_raw(o, "<ul class=\"library-list\">\n");
			item_card(r, read_item(r, st), false);
		}
		sqlite3_reset(st);
		if (n)
			html_raw(o, "</ul>\n");
		else
			html_raw(o, "<p>Nothing has been shared with this community yet.</p>\n");
	} else {
		html_raw(o, "<p>What is shared with this community is visible to its participants "
			    "and facilitators. Everything shared with all members is in the "
			    "<a href=\"/library\">library</a>.</p>\n");
	}
	html_raw(o, "</section>\n");

	/* Meeting materials are for every member (see materials.c), newest meeting first. */
	html_raw(o, "<section aria-labelledby=\"h-materials\">\n<h2 id=\"h-materials\">Meeting "
		    "materials</h2>\n");
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT m.id, m.title, m.starts_at, mm.title, f.id, f.name, f.content_type, "
		       "f.size FROM meeting_materials mm JOIN meetings m ON m.id = mm.meeting_id "
		       "JOIN files f ON f.id = mm.file_id WHERE m.community_id = :c "
		       "ORDER BY m.starts_at DESC, m.id DESC, mm.id");
	db_bind_int(st, ":c", c->id);
	int64_t meeting = 0;
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (db_col_int(st, 0) != meeting) {
			if (meeting)
				html_raw(o, "</ul>\n");
			meeting = db_col_int(st, 0);
			html(o, "<h3><a href=\"/meetings/%lld\">%s</a> <span class=\"meta\">%s</span>"
				"</h3>\n<ul class=\"material-list\">\n",
			     (long long)meeting, db_col_text(st, 1), format_date(r, db_col_int(st, 2)));
		}
		n++;
		html(o, "<li><a href=\"/files/%lld\">%s</a> <span class=\"meta\">(%s, %s, %s)</span>"
			"</li>\n",
		     (long long)db_col_int(st, 4), db_col_text(st, 3), db_col_text(st, 5),
		     library_type_label(db_col_text(st, 6)), library_size_label(r, db_col_int(st, 7)));
	}
	sqlite3_reset(st);
	if (n)
		html_raw(o, "</ul>\n");
	else
		html_raw(o, "<p>Materials attached to this community's meetings will appear "
			    "here.</p>\n");
	html_raw(o, "</section>\n");
	page_end(r);
}

/* ---- categories (admins) ---- */

static void categories_page(Req *r, int64_t failed_id, const char *name, const char *description,
			    const char *e_name, const char *e_description)
{
	Buf *o = &r->out;
	page_begin(r, "Library categories");
	html_raw(o, "<p class=\"meta\"><a href=\"/admin\">Administration</a> · <a href=\"/library\">"
		    "Library</a></p>\n<h1>Library categories</h1>\n<p>Every document belongs in "
		    "one category; links may have one. Categories can be renamed but not deleted, "
		    "so no document is left without its place.</p>\n");
	form_error_summary(r, (e_name != NULL) + (e_description != NULL));
	sqlite3_stmt *st = db_prepare(r->db, "SELECT c.id, c.name, c.description, (SELECT count(*) "
					     "FROM library_items WHERE category_id = c.id) FROM "
					     "library_categories c ORDER BY c.name COLLATE NOCASE");
	html_raw(o, "<ul class=\"category-list\">\n");
	while (db_step(st) == SQLITE_ROW) {
		int64_t id = db_col_int(st, 0);
		bool failed = id == failed_id;
		html(o, "<li><h2 id=\"cat-%lld\">%s <span class=\"meta\">(%lld item%s)</span></h2>\n",
		     (long long)id, db_col_text(st, 1), (long long)db_col_int(st, 3),
		     db_col_int(st, 3) == 1 ? "" : "s");
		html(o, "<form method=\"post\" action=\"/admin/library/categories/%lld\" novalidate "
			"aria-labelledby=\"cat-%lld\">\n<input type=\"hidden\" name=\"csrf\" "
			"value=\"%s\">\n",
		     (long long)id, (long long)id, csrf_token(r));
		const char *fields[][4] = {
			{"name", "Name", failed ? name : db_col_text(st, 1), failed ? e_name : NULL},
			{"description", "Description", failed ? description : db_col_text(st, 2),
			 failed ? e_description : NULL},
		};
		for (int i = 0; i < 2; i++) {
			html(o, "<div class=\"field%s\"><label for=\"c%lld-%s\">%s</label>\n",
			     fields[i][3] ? " has-error" : "", (long long)id, fields[i][0], fields[i][1]);
			if (fields[i][3])
				html(o, "<p class=\"field-error\">%s</p>\n", fields[i][3]);
			html(o, "<input id=\"c%lld-%s\" name=\"%s\" type=\"text\" value=\"%s\"%s></div>\n",
			     (long long)id, fields[i][0], fields[i][0], fields[i][2],
			     fields[i][3] ? " aria-invalid=\"true\"" : "");
		}
		html_raw(o, "<button type=\"submit\" class=\"secondary\">Save</button>\n</form></li>\n");
	}
	sqlite3_reset(st);
	html_raw(o, "</ul>\n<h2>Add a category</h2>\n");
	form_begin(r, "/admin/library/categories");
	form_input(r, "name", "Name", "text", failed_id ? "" : name, failed_id ? NULL : e_name, "off");
	form_input(r, "description", "Description (optional)", "text",
		   failed_id ? "" : description, failed_id ? NULL : e_description, "off");
	html_raw(o, "<button type=\"submit\">Add category</button>\n");
	form_end(r);
	page_end(r);
}

void handle_admin_library(Req *r)
{
	categories_page(r, 0, "", "", NULL, NULL);
}

/* Saves a new (id 0) or renamed category; on a refusal shows the page again with 422. */
static void category_save(Req *r, int64_t id)
{
	const char *name = trimmed(r->arena, req_form(r, "name"));
	const char *description = trimmed(r->arena, req_form(r, "description"));
	const char *e_name = check_text(r->arena, name, true, CATEGORY_NAME_MAX);
	const char *e_description =
		check_text(r->arena, description, false, CATEGORY_DESCRIPTION_MAX);
	if (!e_name) {
		sqlite3_stmt *st = db_prepare(r->db, "SELECT EXISTS (SELECT 1 FROM library_categories "
						     "WHERE name = :n AND id != :id)");
		db_bind_text(st, ":n", name);
		db_bind_int(st, ":id", id);
		if (db_step(st) == SQLITE_ROW && db_col_int(st, 0))
			e_name = "There is already a category with this name.";
		sqlite3_reset(st);
	}
	if (!e_name && !e_description) {
		sqlite3_stmt *st;
		if (id) {
			st = db_prepare(r->db, "UPDATE library_categories SET name = :n, "
					       "description = :d WHERE id = :id");
			db_bind_int(st, ":id", id);
		} else {
			st = db_prepare(r->db, "INSERT INTO library_categories (name, description, "
					       "created_at) VALUES (:n, :d, :now)");
			db_bind_int(st, ":now", time(NULL));
		}
		db_bind_text(st, ":n", name);
		db_bind_text(st, ":d", description);
		if (db_run(st)) {
			resp_redirect(r, id ? "/admin/library?notice=category-renamed"
					    : "/admin/library?notice=category-added");
			return;
		}
		e_name = "This category could not be saved (is the name already taken?).";
	}
	r->status = 422;
	categories_page(r, id, name, description, e_name, e_description);
}

void handle_category_create(Req *r)
{
	category_save(r, 0);
}

void handle_category_update(Req *r)
{
	int64_t id = req_param_id(r, 0);
	sqlite3_stmt *st = db_prepare(r->db, "SELECT EXISTS (SELECT 1 FROM library_categories "
					     "WHERE id = :id)");
	db_bind_int(st, ":id", id);
	bool exists = db_step(st) == SQLITE_ROW && db_col_int(st, 0);
	sqlite3_reset(st);
	if (!exists) {
		resp_error(r, 404, "There is no such category.");
		return;
	}
	category_save(r, id);
}
