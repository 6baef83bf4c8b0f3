/* Search against a real server: entries made through the features' own routes (threads and
 * replies, meetings, communities, library uploads) are found; ranking (a title match above a
 * body-only match, even an older one), highlighted snippets with the member's text escaped,
 * filters by kind and community, pages, help for an empty or unusable query and for no
 * results; visibility (a private community's threads, replies and documents never reach
 * others, even by exact phrase; its participants, facilitators and admins see them; turning
 * the community open and private again moves them); hostile queries never a 500;
 * `practica reindex` rebuilding an equal index and picking up rows written behind the
 * site's back; text of an uploaded PDF found through pdftotext.
 *
 * One server for the suite. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define SCHOOL "Northfield Academy"
#define BOUNDARY "----practica-search-boundary"

static Server srv;
static Person admin = {ADMIN_EMAIL, ADMIN_NAME};
static Person fay = {"fay@northfield.org", "Fay Facilitator"}; /* of private */
static Person pia = {"pia@northfield.org", "Pia Participant"}; /* in private */
static Person mo = {"mo@northfield.org", "Mo Member"};         /* open only */
static Person *const people[] = {&admin, &fay, &pia, &mo};
static int64_t open_c, private_c;

/* ---- helpers ---- */

/* GET /search with q (encoded here) and extra already-encoded parameters ("" for none). */
static Reply search(Person *p, const char *q, const char *extra)
{
	char *enc = form_encode("q", q, NULL);
	size_t n = strlen(enc) + strlen(extra) + 16;
	char *path = malloc(n);
	snprintf(path, n, "/search?%s%s", enc, extra);
	Reply r = client_get(p->c, path);
	free(path);
	free(enc);
	return r;
}

static size_t collect_body(char *data, size_t size, size_t n, void *out)
{
	str_append(out, data, size * n);
	return size * n;
}

/* GET /search?q=... as p on a connection of its own: client_get() keeps URLs under 8 KB,
 * and a pasted page of text is longer. Returns the status; *body gets the page (heap). */
static long long_search(Person *p, const char *q, char **body)
{
	char *cookie = client_cookie(p->c, "practica_session");
	CURL *h = curl_easy_init();
	char *v = curl_easy_escape(h, q, 0);
	Str url = {0}, page = {0};
	str_append(&url, srv.base, strlen(srv.base));
	str_append(&url, "/search?q=", 10);
	str_append(&url, v, strlen(v));
	char header[256];
	snprintf(header, sizeof header, "Cookie: practica_session=%s", cookie ? cookie : "");
	struct curl_slist *headers = curl_slist_append(NULL, header);
	char *u = str_take(&url);
	curl_easy_setopt(h, CURLOPT_URL, u);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &page);
	long status = 0;
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	*body = str_take(&page);
	curl_slist_free_all(headers);
	curl_free(v);
	curl_easy_cleanup(h);
	free(u);
	free(cookie);
	return status;
}

static int results(const Reply *r)
{
	return count_of(r->body, "<li class=\"search-result\">");
}

/* True when p's search for q lists a result containing text (ignoring <mark> tags). */
static bool finds(Person *p, const char *q, const char *extra, const char *text)
{
	Reply r = search(p, q, extra);
	CHECK(r.status == 200, "search %s: %ld", q, r.status);
	bool found = false;
	for (const char *s = r.body; !found && (s = strstr(s, "<li class=\"search-result\">")); s++) {
		const char *end = strstr(s, "</li>");
		if (!end)
			break;
		char *item = strndup(s, (size_t)(end - s)), *o = item;
		for (const char *i = item; *i;) { /* drop the marks */
			if (!strncmp(i, "<mark>", 6))
				i += 6;
			else if (!strncmp(i, "</mark>", 7))
				i += 7;
			else
				*o++ = *i++;
		}
		*o = '\0';
		found = strstr(item, text) != NULL;
		free(item);
	}
	reply_free(&r);
	return found;
}

/* Every column of every entry but its id, in a stable order (heap). */
static char *index_snapshot(void)
{
	return sql_text(&srv, "SELECT group_concat(x, char(10)) FROM (SELECT kind || '|' || "
			      "ref_id || '|' || coalesce(community_id, '-') || '|' || restricted || "
			      "'|' || heading || '|' || url || '|' || updated_at || '|' || title || "
			      "'|' || body || '|' || facets AS x FROM search_entries ORDER BY kind, "
			      "ref_id)");
}

static bool index_consistent(void)
{
	return sql_exec(&srv, "INSERT INTO search_index (search_index, rank) VALUES "
			      "('integrity-check', 1)");
}

/* ---- tests ---- */

TEST(empty_query_shows_help)
{
	Reply r = search(&mo, "", "");
	CHECK(r.status == 200, "status %ld", r.status);
	CHECK(body_has(&r, "Type a few words to search") && body_has(&r, "Search tips"),
	      "no help: %.500s", r.body);
	CHECK(body_has(&r, "<label for=\"f-q\">") && body_has(&r, "<label for=\"f-kind\">") &&
		      body_has(&r, "<label for=\"f-community\">"),
	      "unlabelled fields");
	reply_free(&r);
	Client *anon = client_new(&srv);
	r = client_get(anon, "/search?q=budget");
	CHECK(r.status == 303, "a visitor: %ld", r.status);
	reply_free(&r);
	client_free(anon);
}

TEST(unusable_query_gets_a_message)
{
	const char *queries[] = {"((((", "\"\"", "-budget", "OR", "***", "?!;", "😀"};
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
		Reply r = search(&mo, queries[i], "");
		CHECK(r.status == 200 && body_has(&r, "There are no words to search for"),
		      "%s: %ld %.300s", queries[i], r.status, r.body);
		reply_free(&r);
	}
}

TEST(communities_and_meetings_are_indexed)
{
	/* Made in setup with SQL and picked up by the rebuild at start-up. */
	CHECK(finds(&mo, "Circle", "", "Open Circle"), "open community not found");
	/* Made through the admin's form. */
	Reply r = post_as(&admin, "/admin/communities", "name", "Persimmon Growers", "slug",
			  "persimmon", "kind", "ongoing", "status", "open", "visibility", "open",
			  "description", "A community for **persimmon** orchards.", NULL);
	CHECK(r.status == 303, "create community: %ld %s %.300s", r.status, reply_location(&r), r.body);
	reply_free(&r);
	CHECK(finds(&mo, "orchards", "", "Persimmon Growers"), "new community not found");
	/* A meeting scheduled by its facilitator, then cancelled. */
	r = post_as(&admin, "/communities/open-c/meetings", "title", "Kumquat planning session",
		    "date", "2031-03-04", "start", "15:00", "end", "16:30", "format", "virtual",
		    "repeat", "none", "purpose", "Bring the *kumquat* figures.", NULL);
	CHECK(r.status == 303, "create meeting: %ld %s %.300s", r.status, reply_location(&r), r.body);
	const char *l = reply_header(&r, "Location");
	int64_t meeting = l && !strncmp(l, "/meetings/", 10) ? atoll(l + 10) : 0;
	reply_free(&r);
	CHECK(finds(&mo, "kumquat", "", "Kumquat planning session"), "meeting missing");
	char path[96];
	snprintf(path, sizeof path, "/communities/open-c/meetings/%lld/cancel", (long long)meeting);
	r = post_as(&admin, path, NULL);
	CHECK(r.status == 303, "cancel: %ld", r.status);
	reply_free(&r);
	CHECK(finds(&mo, "kumquat", "", "Cancelled: Kumquat"), "cancel not indexed");
	CHECK(index_consistent(), "integrity check failed");
}

TEST(title_match_ranks_above_body_match)
{
	start_thread(&mo, "/board", "Zephyr staffing plan", "Notes about hiring.", false);
	start_thread(&mo, "/board", "Hiring notes", "We discussed the zephyr approach at length.",
		     false);
	Reply r = search(&mo, "zephyr", "");
	const char *title = strstr(r.body, "<mark>Zephyr</mark> staffing plan");
	const char *body = strstr(r.body, ">Hiring notes<");
	CHECK(results(&r) == 2 && title && body && title < body,
	      "order wrong (title %p, body %p): %.2000s", (void *)title, (void *)body, r.body);
	CHECK(body_has(&r, "2 results for"), "count missing");
	reply_free(&r);
	/* Several words: the first page comes from one pass (search.c first_page), ranked too. */
	start_thread(&mo, "/board", "Numbat budget review", "Figures for the year.", false);
	start_thread(&mo, "/board", "Year figures", "The numbat team shared a budget.", false);
	r = search(&mo, "numbat budget", "");
	title = strstr(r.body, "<mark>Numbat</mark> <mark>budget</mark> review");
	body = strstr(r.body, ">Year figures<");
	CHECK(results(&r) == 2 && title && body && title < body,
	      "two words, order wrong (title %p, body %p): %.2000s", (void *)title, (void *)body,
	      r.body);
	CHECK(body_has(&r, "2 results for"), "two words, count missing");
	reply_free(&r);
}

TEST(snippets_highlighted_and_escaped)
{
	start_thread(&mo, "/board", "<script>alert(1)</script> Quokka budget",
		     "Body with <b>bold</b> quokka and **strong** words & <i>more</i>.", false);
	Reply r = search(&mo, "quokka", "");
	CHECK(results(&r) == 1, "results: %d", results(&r));
	CHECK(body_has(&r, "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Quokka</mark> budget"),
	      "title not escaped and marked: %.3000s", r.body);
	CHECK(!body_has(&r, "<script>alert(1)"), "a script tag reached the page");
	CHECK(body_has(&r, "<mark>quokka</mark>"), "snippet not marked");
	CHECK(body_has(&r, "strong words &amp; more"), "Markdown not flattened: %.3000s", r.body);
	CHECK(!body_has(&r, "<b>bold</b>") && !body_has(&r, "**strong**"), "markup in snippet");
	reply_free(&r);
	/* A query that is itself markup is shown escaped. */
	r = search(&mo, "<img src=x onerror=alert(1)>", "");
	CHECK(r.status == 200 && !body_has(&r, "<img src=x"), "query echoed raw");
	reply_free(&r);
}

TEST(filters_by_kind_and_community)
{
	start_thread(&pia, "/communities/open-c/board", "Kumquat budget thread", "Kumquat numbers.",
		     false);
	CHECK(finds(&mo, "kumquat", "", "planning session"), "meeting");
	CHECK(finds(&mo, "kumquat", "", "budget thread"), "thread");
	CHECK(finds(&mo, "kumquat", "&kind=meeting", "planning session") &&
		      !finds(&mo, "kumquat", "&kind=meeting", "budget thread"),
	      "kind=meeting");
	CHECK(finds(&mo, "kumquat", "&kind=discussion", "budget thread") &&
		      !finds(&mo, "kumquat", "&kind=discussion", "planning session"),
	      "kind=discussion");
	CHECK(finds(&mo, "kumquat", "&community=open-c", "budget thread"), "community=open-c");
	Reply r = search(&admin, "kumquat", "&community=private-c");
	CHECK(results(&r) == 0 && body_has(&r, "No results") && body_has(&r, "search everything"),
	      "community=private-c: %d", results(&r));
	CHECK(body_has(&r, "<option value=\"private-c\" selected>"), "filter not kept");
	reply_free(&r);
	r = search(&mo, "kumquat", "&kind=bogus&community=nowhere&page=-5");
	CHECK(r.status == 200 && results(&r) >= 2, "bad filters: %ld %d", r.status, results(&r));
	reply_free(&r);
}

/* The filter tokens of the index (kind, community, restricted) are out of reach of words, both
 * typed and written in a post. */
TEST(filter_tokens_are_not_words)
{
	const char *queries[] = {"kthread", "kmeeting", "kpost", "c0", "r0"};
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
		Reply r = search(&admin, queries[i], "");
		CHECK(r.status == 200 && results(&r) == 0, "%s: %ld %d", queries[i], r.status,
		      results(&r));
		reply_free(&r);
	}
	start_thread(&pia, "/communities/open-c/board", "Quince facets",
		     "Quince \xee\x80\x80kmeeting and \xee\x80\x80r0 here.", false);
	CHECK(finds(&mo, "quince", "", "Quince facets"), "found by its words");
	CHECK(finds(&mo, "quince", "&kind=discussion", "Quince facets"), "a discussion");
	CHECK(!finds(&mo, "quince", "&kind=meeting", "Quince facets"), "not a meeting");
}

static int64_t private_thread, private_reply;

TEST(private_community_invisible_to_others)
{
	private_thread = start_thread(&pia, "/communities/private-c/board",
				      "Saffron lighthouse retreat",
				      "Our private plan for the saffron lighthouse.", false);
	private_reply = reply_to(&fay, private_thread, "The marzipan budget is approved.");
	const char *queries[] = {"saffron lighthouse", "\"saffron lighthouse\"", "saffron*",
				 "retreat", "marzipan", "lighthouse OR marzipan"};
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
		const char *filters[] = {"", "&kind=discussion", "&community=private-c"};
		for (size_t k = 0; k < 3; k++) {
			Reply r = search(&mo, queries[i], filters[k]);
			CHECK(r.status == 200 && results(&r) == 0 && body_has(&r, "No results"),
			      "an outsider found %s%s: %d", queries[i], filters[k], results(&r));
			CHECK(!body_has(&r, "private plan") && !body_has(&r, "is approved"),
			      "private text shown for %s", queries[i]);
			reply_free(&r);
		}
	}
	CHECK(finds(&pia, "\"saffron lighthouse\"", "", "Saffron lighthouse retreat"),
	      "participant");
	CHECK(finds(&fay, "saffron", "", "Saffron lighthouse retreat"), "facilitator");
	CHECK(finds(&admin, "saffron", "", "Saffron lighthouse retreat"), "admin");
	CHECK(finds(&pia, "marzipan", "", "Saffron lighthouse retreat"), "participant: the reply");
	Reply r = search(&pia, "marzipan", "");
	CHECK(body_has(&r, "search-kind\">Reply<") && body_has(&r, "Private Circle</a>"),
	      "reply shown without kind or community: %.2000s", r.body);
	reply_free(&r);
}

TEST(visibility_follows_the_community)
{
	Reply r = post_as(&admin, "/communities/private-c/edit", "name", "Private Circle", "slug",
			  "private-c", "kind", "ongoing", "status", "open", "visibility", "open",
			  NULL);
	CHECK(r.status == 303, "open it: %ld %s %.300s", r.status, reply_location(&r), r.body);
	reply_free(&r);
	CHECK(finds(&mo, "saffron", "", "Saffron lighthouse retreat"), "open: members see it");
	CHECK(finds(&mo, "marzipan", "", "Saffron lighthouse retreat"), "open: and its reply");
	r = post_as(&admin, "/communities/private-c/edit", "name", "Private Circle", "slug",
		    "private-c", "kind", "ongoing", "status", "open", "visibility", "private",
		    NULL);
	CHECK(r.status == 303, "close it: %ld %s", r.status, reply_location(&r));
	reply_free(&r);
	CHECK(!finds(&mo, "saffron", "", "Saffron"), "private again: hidden");
	CHECK(!finds(&mo, "marzipan", "", "Saffron"), "private again: reply hidden");
	CHECK(finds(&pia, "saffron", "", "Saffron lighthouse retreat"), "participant still sees");
	CHECK(sql_int(&srv, "SELECT count(*) FROM search_entries WHERE community_id = %lld AND "
			    "kind IN ('thread', 'post') AND restricted = 1 AND facets LIKE "
			    "'%%' || char(57344) || 'r ' || char(57344) || 'r%lld'",
			    (long long)private_c, (long long)private_c) == 2,
	      "restricted flags and facets");
	CHECK(index_consistent(), "integrity check failed");
}

TEST(hostile_queries_never_fail)
{
	/* A pasted page of text (10,000 characters), and 3,000 characters of nothing but
	 * query syntax. */
	static char pasted[10001], syntax[3001];
	for (size_t i = 0; i < sizeof pasted - 1; i++)
		pasted[i] = "kumquat budget planning "[i % 24];
	for (size_t i = 0; i < sizeof syntax - 1; i++)
		syntax[i] = "kumquat \"(OR -x* {}:^"[i % 22];
	const char *queries[] = {
		"\"unbalanced phrase", "kumquat)", "((kumquat", "kumquat OR", "NOT kumquat",
		"title:kumquat", "{title body}: kumquat", "kumquat^2", "NEAR(kumquat budget)",
		"kumquat AND AND OR NOT", "\\\"\\", "'; DROP TABLE search_entries; --", "k*",
		"%%%", "-", "\"\"kumquat\"\"", "col:*", "+kumquat -", "kumquat\t\r\n\v",
	};
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
		Reply r = search(&mo, queries[i], "");
		CHECK(r.status == 200 && (results(&r) > 0 || body_has(&r, "No results") ||
					  body_has(&r, "no words to search for") ||
					  body_has(&r, "Type a few words")),
		      "%.40s: %ld %s %.300s", queries[i], r.status, r.error, r.body);
		reply_free(&r);
	}
	const char *long_queries[] = {pasted, syntax};
	for (size_t i = 0; i < 2; i++) {
		char *body = NULL;
		long status = long_search(&mo, long_queries[i], &body);
		CHECK(status == 200 && body && (strstr(body, "search-result") ||
						strstr(body, "No results")),
		      "%zu characters: %ld", strlen(long_queries[i]), status);
		free(body);
	}
	/* Not UTF-8, and a control character: the HTTP layer refuses them before search. */
	const char *raw[] = {"/search?q=%FF%FEkumquat", "/search?q=kumquat%00x", "/search?q=%C3"};
	for (size_t i = 0; i < sizeof raw / sizeof *raw; i++) {
		Reply r = client_get(mo.c, raw[i]);
		CHECK(r.status == 200 || r.status == 400, "%s: %ld", raw[i], r.status);
		reply_free(&r);
	}
	CHECK(sql_int(&srv, "SELECT count(*) FROM search_entries") > 0, "index intact");
}

TEST(pages_of_results)
{
	/* Written behind the site's back, then picked up by a rebuild. */
	CHECK(sql_exec(&srv, "WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE "
			     "n < 25) INSERT INTO threads (community_id, author_id, title, created_at, "
			     "last_post_at) SELECT NULL, %lld, 'Wombat census ' || n, 1000 + n, "
			     "1000 + n FROM i", (long long)mo.id) &&
		      sql_exec(&srv, "INSERT INTO posts (thread_id, author_id, body, created_at) "
				     "SELECT id, author_id, 'Counting wombats.', created_at FROM "
				     "threads WHERE title LIKE 'Wombat census %%'") &&
		      sql_exec(&srv, "UPDATE threads SET last_post_id = (SELECT max(id) FROM posts "
				     "WHERE thread_id = threads.id) WHERE title LIKE 'Wombat %%'"),
	      "bulk threads");
	Reply r = search(&mo, "wombat", "");
	CHECK(results(&r) == 0, "indexed without a rebuild?");
	reply_free(&r);
	RunResult rr;
	CHECK(run_practica(&rr, NULL, "reindex", "--db", srv.db, NULL) == 0 &&
		      strstr(rr.out, "Indexed "),
	      "reindex: %d %s %s", rr.status, rr.out, rr.err);
	run_result_free(&rr);
	r = search(&mo, "wombat", "");
	CHECK(results(&r) == 20 && body_has(&r, "25 results for") && body_has(&r, "Page 1 of 2") &&
		      body_has(&r, "rel=\"next\"") && !body_has(&r, "rel=\"prev\""),
	      "page 1: %d", results(&r));
	reply_free(&r);
	r = search(&mo, "wombat", "&page=2");
	CHECK(results(&r) == 5 && body_has(&r, "Page 2 of 2") && body_has(&r, "start=\"21\"") &&
		      body_has(&r, "rel=\"prev\"") && !body_has(&r, "rel=\"next\""),
	      "page 2: %d", results(&r));
	reply_free(&r);
	/* Two words and more than a page: the first page's single pass gives way to ranking. */
	r = search(&mo, "wombat census", "");
	CHECK(results(&r) == 20 && body_has(&r, "25 results for") && body_has(&r, "Page 1 of 2"),
	      "two words, page 1: %d", results(&r));
	reply_free(&r);
	r = search(&mo, "wombat census", "&page=2");
	CHECK(results(&r) == 5 && body_has(&r, "Page 2 of 2"), "two words, page 2: %d",
	      results(&r));
	reply_free(&r);
	r = search(&mo, "wombat", "&page=99");
	CHECK(results(&r) == 5 && body_has(&r, "Page 2 of 2"), "past the end: %d", results(&r));
	reply_free(&r);
}

/* An index made before phrase pairs (over porter, as migrations 007 and 011 made it) is made
 * again over practica_pairs, once, by migration 016 when `practica upgrade` (or a start)
 * finds the database one level behind: the same entries, consistent, and phrases found. */
TEST(index_from_before_phrase_pairs_is_made_again)
{
	char *before = index_snapshot();
	CHECK(sql_exec(&srv, "BEGIN; DROP TABLE search_index; CREATE VIRTUAL TABLE search_index "
			     "USING fts5(title, body, facets, content = 'search_entries', "
			     "content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics "
			     "2'); INSERT INTO search_index (search_index) VALUES ('rebuild'); "
			     "PRAGMA user_version = 15; COMMIT"),
	      "the old index");
	RunResult rr;
	CHECK(run_practica(&rr, NULL, "upgrade", "--db", srv.db, NULL) == 0, "upgrade: %s",
	      rr.err);
	run_result_free(&rr);
	CHECK(sql_int(&srv, "SELECT count(*) FROM sqlite_master WHERE name = 'search_index' AND "
			    "instr(sql, 'practica_pairs') > 0") == 1,
	      "search_index is not over practica_pairs");
	CHECK(sql_int(&srv, "PRAGMA user_version") >= 16, "the migration did not run");
	CHECK(run_practica(&rr, NULL, "upgrade", "--db", srv.db, NULL) == 0, "second upgrade: %s",
	      rr.err);
	run_result_free(&rr);
	char *after = index_snapshot();
	CHECK(before && after && !strcmp(before, after), "the entries changed");
	CHECK(index_consistent(), "integrity check failed");
	free(before);
	free(after);
	CHECK(finds(&mo, "\"zephyr staffing plan\"", "", "Zephyr staffing plan"), "the phrase");
	CHECK(!finds(&mo, "\"staffing zephyr\"", "", "Zephyr staffing plan"), "words out of order");
}

TEST(reindex_rebuilds_an_equal_index)
{
	char *before = index_snapshot();
	int64_t count = sql_int(&srv, "SELECT count(*) FROM search_entries");
	RunResult rr;
	CHECK(run_practica(&rr, NULL, "reindex", "--db", srv.db, NULL) == 0, "reindex: %s",
	      rr.err);
	run_result_free(&rr);
	char *after = index_snapshot();
	CHECK(before && after && !strcmp(before, after), "the rebuilt index differs");
	if (before && after && strcmp(before, after)) {
		size_t i = 0;
		while (before[i] && before[i] == after[i])
			i++;
		size_t from = i > 200 ? i - 200 : 0;
		fprintf(stderr, "    before: %.400s\n    after:  %.400s\n", before + from, after + from);
	}
	CHECK(sql_int(&srv, "SELECT count(*) FROM search_entries") == count, "count changed");
	CHECK(index_consistent(), "integrity check failed");
	free(before);
	free(after);
	CHECK(finds(&mo, "zephyr", "", "Zephyr staffing plan"), "search after reindex");
	CHECK(run_practica(&rr, NULL, "reindex", "--help", NULL) == 0 &&
		      strstr(rr.out, "usage: practica reindex"),
	      "help");
	run_result_free(&rr);
	CHECK(run_practica(&rr, NULL, "reindex", NULL) == 2, "no --db: %d", rr.status);
	run_result_free(&rr);
	CHECK(run_practica(&rr, NULL, "reindex", "--db", "/nonexistent/x.db", NULL) == 1,
	      "missing database: %d", rr.status);
	run_result_free(&rr);
}

/* A one-page PDF showing text, with a correct cross-reference table (heap). */
static char *make_pdf(const char *text, size_t *len)
{
	char stream[256], content[400];
	int sn = snprintf(stream, sizeof stream, "BT /F1 24 Tf 72 700 Td (%s) Tj ET", text);
	snprintf(content, sizeof content, "<< /Length %d >>\nstream\n%s\nendstream", sn, stream);
	const char *objs[5] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
		"/Resources << /Font << /F1 5 0 R >> >> >>",
		content,
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	};
	char *out = malloc(4096);
	size_t off[5], n = (size_t)snprintf(out, 4096, "%%PDF-1.4\n");
	for (int i = 0; i < 5; i++) {
		off[i] = n;
		n += (size_t)snprintf(out + n, 4096 - n, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	size_t xref = n;
	n += (size_t)snprintf(out + n, 4096 - n, "xref\n0 6\n0000000000 65535 f \n");
	for (int i = 0; i < 5; i++)
		n += (size_t)snprintf(out + n, 4096 - n, "%010zu 00000 n \n", off[i]);
	n += (size_t)snprintf(out + n, 4096 - n,
			      "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
	*len = n;
	return out;
}

static Reply upload_pdf(Person *p, const char *title, const char *text, int64_t community)
{
	size_t pdf_len;
	char *pdf = make_pdf(text, &pdf_len);
	char *category = sql_text(&srv, "SELECT min(id) FROM library_categories");
	char fields[1024];
	int w = snprintf(fields, sizeof fields,
			 "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
			 "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n%s\r\n"
			 "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\n"
			 "%s\r\n--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"community\""
			 "\r\n\r\n%lld\r\n--" BOUNDARY "\r\nContent-Disposition: form-data; "
			 "name=\"file\"; filename=\"handbook.pdf\"\r\nContent-Type: application/pdf"
			 "\r\n\r\n",
			 p->csrf, title, category ? category : "1", (long long)community);
	const char *tail = "\r\n--" BOUNDARY "--\r\n";
	size_t n = (size_t)w + pdf_len + strlen(tail);
	char *body = malloc(n);
	memcpy(body, fields, (size_t)w);
	memcpy(body + w, pdf, pdf_len);
	memcpy(body + w + pdf_len, tail, strlen(tail));
	Reply r = client_request(p->c, &(Request){.method = "POST", .path = "/library", .body = body,
						  .body_len = n,
						  .content_type = "multipart/form-data; boundary="
								  BOUNDARY});
	free(body);
	free(pdf);
	free(category);
	return r;
}

TEST(pdf_text_is_searchable)
{
	Reply r = upload_pdf(&fay, "Orchard handbook", "Quarterly quince forecast", 0);
	CHECK(r.status == 303, "upload: %ld %s %.300s", r.status, reply_location(&r), r.body);
	reply_free(&r);
	r = search(&mo, "quince forecast", "&kind=document");
	CHECK(results(&r) == 1 && body_has(&r, "Orchard handbook") &&
		      body_has(&r, "<mark>quince</mark> <mark>forecast</mark>") &&
		      body_has(&r, "search-kind\">Document<"),
	      "pdf text not found: %.2000s", r.body);
	reply_free(&r);
	/* Shared with the private community only: its text stays there. */
	r = upload_pdf(&pia, "Tamarind plan", "Tamarind orchard budget", private_c);
	CHECK(r.status == 303, "upload to the community: %ld %s %.300s", r.status, reply_location(&r), r.body);
	reply_free(&r);
	CHECK(!finds(&mo, "tamarind", "", "Tamarind plan"), "an outsider found the document");
	CHECK(finds(&pia, "tamarind", "", "Tamarind plan"), "the participant cannot find it");
	CHECK(finds(&admin, "tamarind", "", "Tamarind plan"), "the admin cannot find it");
}

TEST(stops_cleanly)
{
	check_stops_cleanly(&srv, people, COUNT_OF(people), "reached the results", NULL);
}

/* ---- setup ---- */

static bool setup(void)
{
	if (!server_init(&srv) || !add_school(&srv, SCHOOL, "active") ||
	    !people_add(&srv, people, COUNT_OF(people), SCHOOL))
		return false;
	open_c = add_community(&srv, "open-c", "Open Circle", "open", "open");
	private_c = add_community(&srv, "private-c", "Private Circle", "open", "private");
	if (!open_c || !private_c || !add_facilitator(&srv, private_c, fay.id) ||
	    !add_membership(&srv, private_c, pia.id, "participant") ||
	    !add_membership(&srv, open_c, pia.id, "participant") ||
	    !add_membership(&srv, open_c, mo.id, "participant"))
		return false;
	/* Rows written with SQL are indexed by the rebuild a migration asks for at start-up. */
	if (!sql_exec(&srv, "INSERT OR REPLACE INTO settings (key, value) VALUES "
			    "('search_rebuild', 1)"))
		return false;
	return server_start(&srv) && people_sign_in(&srv, people, COUNT_OF(people), "/home");
}

SUITE_MAIN(setup, &srv, people, empty_query_shows_help, unusable_query_gets_a_message,
	communities_and_meetings_are_indexed, title_match_ranks_above_body_match,
	snippets_highlighted_and_escaped, filters_by_kind_and_community,
	filter_tokens_are_not_words, private_community_invisible_to_others,
	visibility_follows_the_community, hostile_queries_never_fail, pages_of_results,
	index_from_before_phrase_pairs_is_made_again, reindex_rebuilds_an_equal_index,
	pdf_text_is_searchable, stops_cleanly)
