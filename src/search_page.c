/* The search page, GET /search?q=&kind=&community=&page=: one box over discussions,
 * documents, resources, meetings and communities, with filters, ranked and highlighted
 * results limited to what the member may see, pages, and help when nothing is found. */
#include <string.h>

#include "handlers.h"
#include "html.h"
#include "page.h"
#include "search.h"
#include "validate.h"

enum { PER_PAGE = 20 };

static const struct {
	const char *value, *label;
} kinds[] = {
	{"discussion", "Discussions"}, {"document", "Documents"}, {"resource", "Shared links"},
	{"meeting", "Meetings"},       {"community", "Communities"},
};

static const char *kind_label(const char *kind)
{
	static const struct {
		const char *kind, *label;
	} labels[] = {
		{"thread", "Discussion"}, {"post", "Reply"},       {"document", "Document"},
		{"resource", "Link"},     {"meeting", "Meeting"},  {"community", "Community"},
		{"material", "Meeting material"},
	};
	for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
		if (!strcmp(labels[i].kind, kind))
			return labels[i].label;
	return kind;
}

static const char *valid_kind(const char *kind)
{
	for (size_t i = 0; kind && i < sizeof kinds / sizeof *kinds; i++)
		if (!strcmp(kinds[i].value, kind))
			return kinds[i].value;
	return NULL;
}

/* The search form: the words, then the two filters. */
static void search_form(Req *r, const char *q, const char *kind, const char *community)
{
	Buf *o = &r->out;
	html(o, "<form class=\"search-form filters\" method=\"get\" action=\"/search\" "
		"role=\"search\">\n<div class=\"field search-words\"><label for=\"f-q\">Search for"
		"</label><input id=\"f-q\" name=\"q\" type=\"search\" value=\"%s\" "
		"aria-describedby=\"search-tips-short\"></div>\n"
		"<div class=\"field\"><label for=\"f-kind\">Show</label><select id=\"f-kind\" "
		"name=\"kind\"><option value=\"\">Everything</option>",
	     q);
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		html(o, "<option value=\"%s\"%s>%s</option>", kinds[i].value,
		     kind && !strcmp(kind, kinds[i].value) ? " selected" : "", kinds[i].label);
	html_raw(o, "</select></div>\n<div class=\"field\"><label for=\"f-community\">In</label>"
		    "<select id=\"f-community\" name=\"community\"><option value=\"\">All communities"
		    "</option>");
	sqlite3_stmt *st = db_prepare(r->db, "SELECT slug, name FROM communities ORDER BY name");
	while (db_step(st) == SQLITE_ROW)
		html(o, "<option value=\"%s\"%s>%s</option>", db_col_text(st, 0),
		     community && !strcmp(community, db_col_text(st, 0)) ? " selected" : "",
		     db_col_text(st, 1));
	sqlite3_reset(st);
	html_raw(o, "</select></div>\n<button type=\"submit\">Search</button>\n</form>\n"
		    "<p class=\"hint\" id=\"search-tips-short\">Put a phrase in quotes; end a word "
		    "with * to find words that start with it; -word leaves a word out.</p>\n");
}

static void tips(Req *r)
{
	html_raw(&r->out,
		 "<h2>Search tips</h2>\n<ul class=\"search-tips\">\n"
		 "<li>Check the spelling, or try fewer or more general words.</li>\n"
		 "<li>Words are found in any form: <kbd>budgets</kbd> also finds "
		 "<q>budget</q> and <q>budgeting</q>.</li>\n"
		 "<li>Put a phrase in quotes: <kbd>\"cash flow\"</kbd>.</li>\n"
		 "<li>End a word with * to find words that start with it: "
		 "<kbd>account*</kbd>.</li>\n"
		 "<li>Leave a word out with a minus: <kbd>budget -template</kbd>.</li>\n"
		 "<li>Either word: <kbd>nurse OR health</kbd>.</li>\n</ul>\n");
}

/* /search with these filters, on page n (1: no page parameter). */
static const char *search_url(Req *r, const char *q, const char *kind, const char *community,
			      int64_t n)
{
	const char *url = arena_printf(r->arena, "/search?q=%s", url_encode(r->arena, q));
	if (kind)
		url = arena_printf(r->arena, "%s&kind=%s", url, url_encode(r->arena, kind));
	if (community)
		url = arena_printf(r->arena, "%s&community=%s", url, url_encode(r->arena, community));
	if (n > 1)
		url = arena_printf(r->arena, "%s&page=%lld", url, (long long)n);
	return url;
}

static void result_item(Req *r, const SearchHit *h)
{
	Buf *o = &r->out;
	html(o, "<li class=\"search-result\">\n<h2><a href=\"%s\">", h->url);
	html_raw(o, h->title_html); /* escaped by search_run; only <mark> added */
	html(o, "</a></h2>\n<p class=\"meta\"><span class=\"search-kind\">%s</span>",
	     kind_label(h->kind));
	if (*h->community_slug && strcmp(h->kind, "community") != 0)
		html(o, " · <a href=\"/communities/%s\">%s</a>", h->community_slug, h->community_name);
	if (h->updated_at > 0)
		html(o, " · %s", format_date(r, h->updated_at));
	html_raw(o, "</p>\n");
	if (*h->snippet_html) {
		html_raw(o, "<p class=\"snippet\">");
		html_raw(o, h->snippet_html); /* escaped by search_run; only <mark> added */
		html_raw(o, "</p>\n");
	}
	html_raw(o, "</li>\n");
}

static void pager(Req *r, const char *q, const char *kind, const char *community, int64_t page,
		  int64_t pages)
{
	if (pages <= 1)
		return;
	html_raw(&r->out, "<nav class=\"pager\" aria-label=\"Pages of results\">");
	if (page > 1)
		html(&r->out, "<a href=\"%s\" rel=\"prev\">Previous page</a>",
		     search_url(r, q, kind, community, page - 1));
	html(&r->out, "<span>Page %lld of %lld</span>", (long long)page, (long long)pages);
	if (page < pages)
		html(&r->out, "<a href=\"%s\" rel=\"next\">Next page</a>",
		     search_url(r, q, kind, community, page + 1));
	html_raw(&r->out, "</nav>\n");
}

void handle_search(Req *r)
{
	const char *q = req_query(r, "q");
	q = q ? trimmed(r->arena, q) : "";
	const char *kind = valid_kind(req_query(r, "kind"));
	const char *community = req_query(r, "community");
	int64_t community_id = 0;
	const char *community_name = NULL;
	if (community && *community) {
		sqlite3_stmt *st = db_prepare(r->db, "SELECT id, name FROM communities WHERE slug = :s");
		db_bind_text(st, ":s", community);
		if (db_step(st) == SQLITE_ROW) {
			community_id = db_col_int(st, 0);
			community_name = arena_strdup(r->arena, db_col_text(st, 1));
		}
		sqlite3_reset(st);
	}
	if (!community_id)
		community = NULL;
	int64_t page = parse_id(req_query(r, "page"));
	if (page < 1)
		page = 1;

	page_begin(r, *q ? arena_printf(r->arena, "Search: %s", q) : "Search");
	html_raw(&r->out, "<h1>Search</h1>\n");
	search_form(r, q, kind, community);
	if (!*q) {
		html_raw(&r->out, "<p class=\"lead\">Type a few words to search the discussions, the "
				  "document library, shared links, meetings and communities.</p>\n");
		tips(r);
		page_end(r);
		return;
	}
	const char *clean = search_clean_query(r->arena, q);
	if (!clean) {
		html(&r->out, "<p class=\"notice\" role=\"status\">There are no words to search for in "
			      "“%s”. Type letters or numbers; quotes, brackets and other punctuation "
			      "are ignored, and a search cannot only leave words out.</p>\n",
		     q);
		tips(r);
		page_end(r);
		return;
	}
	SearchQuery sq = {.query = clean, .kind = kind, .community_id = community_id,
			  .user_id = r->user->id, .admin = r->user->is_admin,
			  .offset = 0, .limit = PER_PAGE};
	/* A page past the end shows the last page. */
	if (page > SEARCH_MAX_CANDIDATES * 2 / PER_PAGE)
		page = SEARCH_MAX_CANDIDATES * 2 / PER_PAGE;
	sq.offset = (int)((page - 1) * PER_PAGE);
	SearchResults res;
	search_run(r->db, r->arena, &sq, &res);
	int64_t pages = (res.total + PER_PAGE - 1) / PER_PAGE;
	if (res.total && page > pages) {
		page = pages;
		sq.offset = (int)((page - 1) * PER_PAGE);
		search_run(r->db, r->arena, &sq, &res);
	}
	const char *where = community_name ? arena_printf(r->arena, " in %s", community_name) : "";
	if (!res.total) {
		html(&r->out, "<p class=\"search-count\" role=\"status\">No results for “%s”%s.</p>\n",
		     q, where);
		if (kind || community)
			html(&r->out, "<p>You searched only some kinds of content or one community: "
				      "<a href=\"%s\">search everything</a>.</p>\n",
			     search_url(r, q, NULL, NULL, 1));
		tips(r);
		page_end(r);
		return;
	}
	if (res.truncated)
		html(&r->out, "<p class=\"search-count\" role=\"status\">More than %d results for "
			      "“%s”%s. These are the best matches among the most recent; add words "
			      "to narrow the search.</p>\n",
		     SEARCH_MAX_CANDIDATES, q, where);
	else
		html(&r->out, "<p class=\"search-count\" role=\"status\">%d result%s for “%s”%s.</p>\n",
		     res.total, res.total == 1 ? "" : "s", q, where);
	html(&r->out, "<ol class=\"search-results\" start=\"%d\">\n", sq.offset + 1);
	for (int i = 0; i < res.count; i++)
		result_item(r, &res.hits[i]);
	html_raw(&r->out, "</ol>\n");
	pager(r, q, kind, community, page, pages);
	page_end(r);
}
