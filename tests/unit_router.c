/* Route matching and the start-up check of the route table: on a small table of our own and on
 * the real one in routes.c. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "router.h"
#include "test.h"

static void h_one(Req *r) { (void)r; }
static void h_two(Req *r) { (void)r; }

static const Route small[] = {
	{"GET", "/", h_one, ACCESS_PUBLIC, "root"},
	{"GET", "/home", h_one, ACCESS_MEMBER, "home"},
	{"POST", "/login", h_two, ACCESS_PUBLIC, "login post"},
	{"GET", "/login", h_one, ACCESS_PUBLIC, "login page"},
	{"GET", "/items/:id", h_one, ACCESS_MEMBER, "one item"},
	{"POST", "/items/:id/delete", h_two, ACCESS_ADMIN, "delete item"},
	{"GET", "/c/:slug/items/:id", h_one, ACCESS_MEMBER, "item in community"},
	{"GET", "/static/:asset", h_one, ACCESS_PUBLIC, "asset"},
	{0},
};

/* Matches method+path against table; returns the result and fills the outputs. */
static MatchResult match(const Route *table, const char *method, const char *path,
			 const Route **found, const char **params, int *nparams)
{
	static Arena *arena;
	if (!arena)
		arena = arena_new(); /* lives for the test program */
	const Route *f = NULL;
	const char *p[4] = {0};
	int n = -1;
	MatchResult m = route_match(table, method, path, arena, &f, p, &n);
	if (found)
		*found = f;
	if (params)
		for (int i = 0; i < 4; i++)
			params[i] = p[i];
	if (nparams)
		*nparams = n;
	return m;
}

static bool id_matches(const char *id)
{
	char path[128];
	snprintf(path, sizeof path, "/items/%s", id);
	return match(small, "GET", path, NULL, NULL, NULL) == MATCH_OK;
}

static bool slug_matches(const char *slug)
{
	char path[256];
	snprintf(path, sizeof path, "/c/%s/items/1", slug);
	return match(small, "GET", path, NULL, NULL, NULL) == MATCH_OK;
}

static bool asset_matches(const char *asset)
{
	char path[256];
	snprintf(path, sizeof path, "/static/%s", asset);
	return match(small, "GET", path, NULL, NULL, NULL) == MATCH_OK;
}

TEST(exact_paths_match)
{
	const Route *f;
	CHECK(match(small, "GET", "/", &f, NULL, NULL) == MATCH_OK && f == &small[0], "/");
	CHECK(match(small, "GET", "/home", &f, NULL, NULL) == MATCH_OK && f == &small[1], "/home");
	CHECK(match(small, "GET", "/login", &f, NULL, NULL) == MATCH_OK && f == &small[3],
	      "GET /login must find the GET route, not the POST one listed first");
	CHECK(match(small, "POST", "/login", &f, NULL, NULL) == MATCH_OK && f == &small[2],
	      "POST /login");
}

TEST(exact_paths_are_exact_negative)
{
	CHECK(match(small, "GET", "/hom", NULL, NULL, NULL) == MATCH_NONE, "/hom");
	CHECK(match(small, "GET", "/homes", NULL, NULL, NULL) == MATCH_NONE, "/homes");
	CHECK(match(small, "GET", "/Home", NULL, NULL, NULL) == MATCH_NONE, "/Home");
	CHECK(match(small, "GET", "/home/x", NULL, NULL, NULL) == MATCH_NONE, "/home/x");
	CHECK(match(small, "GET", "", NULL, NULL, NULL) == MATCH_NONE, "empty path");
	CHECK(match(small, "GET", "home", NULL, NULL, NULL) == MATCH_NONE, "no leading slash");
	CHECK(match(small, "GET", "/nowhere", NULL, NULL, NULL) == MATCH_NONE, "/nowhere");
}

TEST(trailing_and_double_slash_refused)
{
	CHECK(match(small, "GET", "/home/", NULL, NULL, NULL) == MATCH_NONE, "/home/");
	CHECK(match(small, "GET", "//home", NULL, NULL, NULL) == MATCH_NONE, "//home");
	CHECK(match(small, "GET", "//", NULL, NULL, NULL) == MATCH_NONE, "//");
	CHECK(match(small, "GET", "/items//1", NULL, NULL, NULL) == MATCH_NONE, "/items//1");
	CHECK(match(small, "GET", "/items/1/", NULL, NULL, NULL) == MATCH_NONE, "/items/1/");
	CHECK(match(small, "POST", "/items/1//delete", NULL, NULL, NULL) == MATCH_NONE,
	      "/items/1//delete");
}

TEST(id_accepts_positive_integers)
{
	CHECK(id_matches("1"), "1");
	CHECK(id_matches("123"), "123");
	CHECK(id_matches("999999999999999999"), "18 digits");
}

TEST(id_refuses_non_ids_negative)
{
	static const char *const bad[] = {"0", "01", "00", "abc", "-1", "+1", "1x", "x1", "1.0",
					  "1%20", "", " 1", "1234567890123456789",
					  "99999999999999999999", NULL};
	for (const char *const *b = bad; *b; b++)
		CHECK(!id_matches(*b), "id \"%s\" accepted", *b);
}

TEST(slug_rules)
{
	CHECK(slug_matches("special-ed"), "special-ed");
	CHECK(slug_matches("a"), "a");
	CHECK(slug_matches("cop-2026"), "cop-2026");
	char longest[65];
	memset(longest, 'a', 64);
	longest[64] = '\0';
	CHECK(slug_matches(longest), "64 characters");
}

TEST(slug_refuses_bad_forms_negative)
{
	static const char *const bad[] = {"Special", "with space", "under_score", "dot.ted",
					  "caf\xc3\xa9", "%41", "", NULL};
	for (const char *const *b = bad; *b; b++)
		CHECK(!slug_matches(*b), "slug \"%s\" accepted", *b);
	char too_long[66];
	memset(too_long, 'a', 65);
	too_long[65] = '\0';
	CHECK(!slug_matches(too_long), "65 characters accepted");
}

TEST(asset_rules)
{
	CHECK(asset_matches("practica.1a2b3c4d.css"), "hashed css");
	CHECK(asset_matches("app_main-2.js"), "underscore, dash, digits");
	CHECK(asset_matches("Logo.SVG"), "upper case");
}

TEST(asset_refuses_bad_forms_negative)
{
	static const char *const bad[] = {".htaccess", "..", ".", "a b.css", "a%2f.css", "",
					  "caf\xc3\xa9.css", "a;b", NULL};
	for (const char *const *b = bad; *b; b++)
		CHECK(!asset_matches(*b), "asset \"%s\" accepted", *b);
	CHECK(match(small, "GET", "/static/../etc/passwd", NULL, NULL, NULL) == MATCH_NONE,
	      "traversal matched");
	CHECK(match(small, "GET", "/static/a/b.css", NULL, NULL, NULL) == MATCH_NONE,
	      "nested path matched");
	char too_long[102];
	memset(too_long, 'a', 101);
	too_long[101] = '\0';
	CHECK(!asset_matches(too_long), "101 characters accepted");
}

TEST(params_captured_in_order)
{
	const Route *f;
	const char *p[4];
	int n;
	CHECK(match(small, "GET", "/c/special-ed/items/42", &f, p, &n) == MATCH_OK, "no match");
	CHECK(f == &small[6], "wrong route");
	CHECK(n == 2, "nparams %d", n);
	CHECK_STR(p[0], "special-ed");
	CHECK_STR(p[1], "42");
	CHECK(match(small, "POST", "/items/7/delete", &f, p, &n) == MATCH_OK && n == 1, "delete");
	CHECK_STR(p[0], "7");
	CHECK(match(small, "GET", "/home", &f, p, &n) == MATCH_OK && n == 0,
	      "no params: nparams %d", n);
}

TEST(wrong_method_vs_none)
{
	CHECK(match(small, "POST", "/home", NULL, NULL, NULL) == MATCH_WRONG_METHOD, "POST /home");
	CHECK(match(small, "GET", "/items/1/delete", NULL, NULL, NULL) == MATCH_WRONG_METHOD,
	      "GET on a POST-only route");
	CHECK(match(small, "PUT", "/login", NULL, NULL, NULL) == MATCH_WRONG_METHOD, "PUT /login");
	CHECK(match(small, "DELETE", "/items/1", NULL, NULL, NULL) == MATCH_WRONG_METHOD,
	      "DELETE /items/1");
	/* A path whose parameter is not of its type is not known at all. */
	CHECK(match(small, "POST", "/items/abc", NULL, NULL, NULL) == MATCH_NONE, "POST /items/abc");
	CHECK(match(small, "PUT", "/nowhere", NULL, NULL, NULL) == MATCH_NONE, "PUT /nowhere");
}

TEST(head_matches_get_routes)
{
	const Route *f;
	const char *p[4];
	int n;
	CHECK(match(small, "HEAD", "/home", &f, NULL, NULL) == MATCH_OK && f == &small[1], "HEAD /home");
	CHECK(match(small, "HEAD", "/items/5", &f, p, &n) == MATCH_OK && n == 1, "HEAD /items/5");
	CHECK_STR(p[0], "5");
	CHECK(match(small, "HEAD", "/items/5/delete", NULL, NULL, NULL) == MATCH_WRONG_METHOD,
	      "HEAD must not answer a POST-only route");
}

TEST(method_is_case_sensitive_negative)
{
	CHECK(match(small, "get", "/home", NULL, NULL, NULL) == MATCH_WRONG_METHOD, "get");
	CHECK(match(small, "head", "/home", NULL, NULL, NULL) == MATCH_WRONG_METHOD, "head");
}

/* ---- routes_valid ---- */

/* routes_valid prints what is wrong; keep the test output quiet. */
static bool valid_quietly(const Route *table)
{
	fflush(stderr);
	int saved = dup(2), null = open("/dev/null", O_WRONLY);
	if (null >= 0) {
		dup2(null, 2);
		close(null);
	}
	bool ok = routes_valid(table);
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	return ok;
}

TEST(routes_valid_accepts_good_table)
{
	CHECK(routes_valid(small), "small table refused");
}

TEST(routes_valid_undeclared_access_refused)
{
	const Route t[] = {
		{"GET", "/", h_one, ACCESS_PUBLIC, "ok"},
		{"GET", "/new", h_one, ACCESS_UNDECLARED, "forgot the rule"},
		{0},
	};
	CHECK(!valid_quietly(t), "ACCESS_UNDECLARED accepted");
	const Route u[] = {{"GET", "/x", h_one, ACCESS__COUNT, "out of range"}, {0}};
	CHECK(!valid_quietly(u), "ACCESS__COUNT accepted");
}

TEST(routes_valid_unknown_param_type_refused)
{
	const Route t[] = {{"GET", "/users/:name", h_one, ACCESS_ADMIN, "unknown type"}, {0}};
	CHECK(!valid_quietly(t), ":name accepted");
	const Route u[] = {{"GET", "/users/:id/:idx", h_one, ACCESS_ADMIN, "prefix of a type"}, {0}};
	CHECK(!valid_quietly(u), ":idx accepted");
	const Route v[] = {{"GET", "/users/:", h_one, ACCESS_ADMIN, "empty name"}, {0}};
	CHECK(!valid_quietly(v), "bare colon accepted");
}

TEST(routes_valid_duplicate_refused)
{
	const Route t[] = {
		{"GET", "/a", h_one, ACCESS_PUBLIC, "first"},
		{"POST", "/a", h_two, ACCESS_PUBLIC, "same path, other method: fine"},
		{"GET", "/a", h_two, ACCESS_MEMBER, "duplicate"},
		{0},
	};
	CHECK(!valid_quietly(t), "duplicate GET /a accepted");
	const Route ok[] = {
		{"GET", "/a", h_one, ACCESS_PUBLIC, "first"},
		{"POST", "/a", h_two, ACCESS_PUBLIC, "other method"},
		{0},
	};
	CHECK(valid_quietly(ok), "GET and POST on one path refused");
}

TEST(routes_valid_other_methods_refused)
{
	static const char *const methods[] = {"PUT", "DELETE", "HEAD", "PATCH", "get", "", NULL};
	for (const char *const *m = methods; *m; m++) {
		const Route t[] = {{*m, "/a", h_one, ACCESS_PUBLIC, "bad method"}, {0}};
		CHECK(!valid_quietly(t), "method \"%s\" accepted", *m);
	}
}

TEST(routes_valid_malformed_refused)
{
	const Route t[] = {{"GET", "a", h_one, ACCESS_PUBLIC, "no leading slash"}, {0}};
	CHECK(!valid_quietly(t), "pattern without a slash accepted");
	const Route u[] = {{"GET", "/a", NULL, ACCESS_PUBLIC, "no handler"}, {0}};
	CHECK(!valid_quietly(u), "route without a handler accepted");
}

TEST(routes_valid_too_many_params_refused)
{
	/* Req.params holds 4: a fifth parameter makes a pattern that can never match, which the
	 * start-up check should catch rather than leave a silent 404. */
	const Route t[] = {{"GET", "/:id/:id/:id/:id/:id", h_one, ACCESS_PUBLIC, "five"}, {0}};
	CHECK(match(t, "GET", "/1/2/3/4/5", NULL, NULL, NULL) == MATCH_NONE, "five params matched");
	CHECK(!valid_quietly(t), "a route with 5 parameters accepted (it can never match)");
	const Route four[] = {{"GET", "/:id/:id/:id/:id", h_one, ACCESS_PUBLIC, "four"}, {0}};
	CHECK(valid_quietly(four), "4 parameters refused");
	CHECK(match(four, "GET", "/1/2/3/4", NULL, NULL, NULL) == MATCH_OK, "four params");
}

TEST(routes_valid_facilitator_needs_slug_first)
{
	const Route ok[] = {{"GET", "/c/:slug/edit", h_one, ACCESS_FACILITATOR, "edit"},
			    {"POST", "/c/:slug/roster/:id/remove", h_two, ACCESS_FACILITATOR, "rm"},
			    {0}};
	CHECK(valid_quietly(ok), "facilitator routes with :slug first refused");
}

TEST(routes_valid_facilitator_without_slug_refused)
{
	const Route none[] = {{"GET", "/c/edit", h_one, ACCESS_FACILITATOR, "no slug"}, {0}};
	CHECK(!valid_quietly(none), "facilitator route without a parameter accepted");
	const Route id_first[] = {{"GET", "/c/:id/:slug", h_one, ACCESS_FACILITATOR, "id first"},
				  {0}};
	CHECK(!valid_quietly(id_first), "facilitator route with :id before :slug accepted");
}

/* ---- the real table ---- */

TEST(real_routes_are_valid)
{
	CHECK(routes_valid(routes), "routes_valid(routes) is false");
}

TEST(real_routes_declare_access)
{
	int n = 0;
	for (const Route *rt = routes; rt->pattern; rt++, n++) {
		CHECK(rt->access > ACCESS_UNDECLARED && rt->access < ACCESS__COUNT,
		      "%s %s has access %d", rt->method, rt->pattern, (int)rt->access);
		CHECK(rt->handler != NULL, "%s %s has no handler", rt->method, rt->pattern);
		CHECK(rt->summary && *rt->summary, "%s %s has no summary", rt->method, rt->pattern);
	}
	CHECK(n > 10, "only %d routes", n);
}

TEST(real_admin_pages_are_admin_only)
{
	for (const Route *rt = routes; rt->pattern; rt++)
		if (!strncmp(rt->pattern, "/admin", 6))
			CHECK(rt->access == ACCESS_ADMIN, "%s %s is not ADMIN", rt->method,
			      rt->pattern);
}

TEST(real_routes_each_match_themselves)
{
	/* Every pattern, with its parameters filled with valid values, finds its own route. */
	for (const Route *rt = routes; rt->pattern; rt++) {
		char path[256] = "";
		size_t len = 0;
		int want_params = 0;
		for (const char *p = rt->pattern; *p;) {
			size_t seg = strcspn(p + 1, "/") + 1;
			const char *piece = NULL;
			if (!strncmp(p, "/:id", seg) && seg == 4)
				piece = "/17";
			else if (!strncmp(p, "/:slug", seg) && seg == 6)
				piece = "/some-slug";
			else if (!strncmp(p, "/:asset", seg) && seg == 7)
				piece = "/practica.css";
			if (piece) {
				want_params++;
				len += (size_t)snprintf(path + len, sizeof path - len, "%s", piece);
			} else {
				len += (size_t)snprintf(path + len, sizeof path - len, "%.*s", (int)seg, p);
			}
			p += seg;
		}
		const Route *f = NULL;
		int n = -1;
		MatchResult m = match(routes, rt->method, path, &f, NULL, &n);
		CHECK(m == MATCH_OK && f == rt, "%s %s: result %d for %s", rt->method, rt->pattern,
		      (int)m, path);
		CHECK(n == want_params, "%s: %d params, want %d", path, n, want_params);
	}
}

TEST(real_routes_examples)
{
	const Route *f;
	const char *p[4];
	int n;
	CHECK(match(routes, "GET", "/", &f, NULL, NULL) == MATCH_OK && f->access == ACCESS_PUBLIC,
	      "GET /");
	CHECK(match(routes, "GET", "/healthz", &f, NULL, NULL) == MATCH_OK, "GET /healthz");
	CHECK(match(routes, "HEAD", "/healthz", &f, NULL, NULL) == MATCH_OK, "HEAD /healthz");
	CHECK(match(routes, "POST", "/admin/users/12/approve", &f, p, &n) == MATCH_OK && n == 1 &&
		      f->access == ACCESS_ADMIN,
	      "approve");
	CHECK_STR(p[0], "12");
	CHECK(match(routes, "GET", "/admin/users/12/approve", NULL, NULL, NULL) ==
		      MATCH_WRONG_METHOD,
	      "GET approve");
	CHECK(match(routes, "POST", "/admin/users/0/approve", NULL, NULL, NULL) == MATCH_NONE,
	      "id 0");
	CHECK(match(routes, "POST", "/admin/users/abc/approve", NULL, NULL, NULL) == MATCH_NONE,
	      "id abc");
	CHECK(match(routes, "GET", "/admin/", NULL, NULL, NULL) == MATCH_NONE, "/admin/");
	CHECK(match(routes, "GET", "/static/..", NULL, NULL, NULL) == MATCH_NONE, "/static/..");
	CHECK(match(routes, "DELETE", "/login", NULL, NULL, NULL) == MATCH_WRONG_METHOD,
	      "DELETE /login");
}

TEST(access_names_cover_every_rule)
{
	for (int a = ACCESS_UNDECLARED; a < ACCESS__COUNT; a++)
		CHECK(access_names[a] && *access_names[a], "no name for access %d", a);
}

int main(void)
{
	return RUN_TESTS(exact_paths_match, exact_paths_are_exact_negative,
			 trailing_and_double_slash_refused, id_accepts_positive_integers,
			 id_refuses_non_ids_negative, slug_rules, slug_refuses_bad_forms_negative,
			 asset_rules, asset_refuses_bad_forms_negative, params_captured_in_order,
			 wrong_method_vs_none, head_matches_get_routes,
			 method_is_case_sensitive_negative, routes_valid_accepts_good_table,
			 routes_valid_undeclared_access_refused,
			 routes_valid_unknown_param_type_refused, routes_valid_duplicate_refused,
			 routes_valid_other_methods_refused, routes_valid_malformed_refused,
			 routes_valid_too_many_params_refused,
			 routes_valid_facilitator_needs_slug_first,
			 routes_valid_facilitator_without_slug_refused,
			 real_routes_are_valid, real_routes_declare_access,
			 real_admin_pages_are_admin_only, real_routes_each_match_themselves,
			 real_routes_examples, access_names_cover_every_rule);
}
