/* The server's edges: body and header limits, malformed forms, unknown routes and methods,
 * typed path parameters, keep-alive, security and cache headers, and that it keeps serving
 * (and stops cleanly) after all of it. */
#include <stdlib.h>
#include <string.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

static Server srv;
static bool started;

#define MIB (1024 * 1024)

/* A urlencoded body of exactly n bytes: "a=xxxx...". */
static char *body_of_size(size_t n)
{
	char *b = malloc(n + 1);
	memset(b, 'x', n);
	b[0] = 'a', b[1] = '=';
	b[n] = '\0';
	return b;
}

static bool server_healthy(void)
{
	Client *c = client_new(&srv);
	Reply r = client_get(c, "/healthz");
	bool ok = r.status == 200 && body_has(&r, "ok");
	reply_free(&r);
	client_free(c);
	return ok;
}

static void check_error_page(const Reply *r, long status, const char *what)
{
	CHECK(r->status == status, "%s: status %ld, want %ld (%s)", what, r->status, status,
	      r->error);
	const char *ct = reply_header(r, "Content-Type");
	CHECK(ct && !strncmp(ct, "text/html", 9), "%s: content type %s", what, ct ? ct : "(none)");
	CHECK(body_has(r, "<h1>") && body_has(r, "Go to the start page"),
	      "%s: not a human error page: %.200s", what, r->body);
}

TEST(server_started)
{
	CHECK(started, "the server did not start");
}

TEST(healthz_answers_ok)
{
	Client *c = client_new(&srv);
	Reply r = client_get(c, "/healthz");
	CHECK(r.status == 200, "status %ld", r.status);
	CHECK_STR(r.body, "ok\n");
	const char *ct = reply_header(&r, "Content-Type");
	CHECK(ct && !strncmp(ct, "text/plain", 10), "content type %s", ct ? ct : "(none)");
	reply_free(&r);
	client_free(c);
}

TEST(oversized_body_with_content_length_refused)
{
	Client *c = client_new(&srv);
	char *body = body_of_size(MIB + 1);
	const char *expect[] = {"Expect: 100-continue", NULL};
	Reply r = client_request(c, &(Request){.method = "POST", .path = "/login", .body = body,
					      .headers = expect});
	check_error_page(&r, 413, "Content-Length over max-body");
	reply_free(&r);
	free(body);
	client_free(c);
	CHECK(server_healthy(), "server unhealthy afterwards");
}

TEST(body_of_exactly_max_body_accepted)
{
	/* The limit is inclusive: exactly 1 MiB is read (and then refused only for its csrf). */
	Client *c = client_new(&srv);
	char *body = body_of_size(MIB);
	Reply r = client_request(c, &(Request){.method = "POST", .path = "/login", .body = body});
	CHECK(r.status == 403, "status %ld, want 403 (read, then no csrf) %s", r.status, r.error);
	reply_free(&r);
	free(body);
	client_free(c);
}

TEST(oversized_chunked_body_refused)
{
	Client *c = client_new(&srv);
	char *piece = body_of_size(64 * 1024);
	/* 2 MiB in 64 KiB pieces: no Content-Length, so only the running count can stop it. */
	Request rq = {.method = "POST", .path = "/login", .body = piece, .chunked = true,
		      .repeat_body = 32};
	double t0 = now_seconds();
	Reply r = client_request(c, &rq);
	double took = now_seconds() - t0;
	check_error_page(&r, 413, "chunked body over max-body");
	CHECK(took < 10, "the 413 took %.1f s (did the server wait for a timeout?)", took);
	reply_free(&r);
	free(piece);
	client_free(c);
	CHECK(server_healthy(), "server unhealthy afterwards");
}

TEST(malformed_percent_encoding_rejected)
{
	Client *c = client_new(&srv);
	Reply r = client_post(c, "/login", "a=%zz");
	check_error_page(&r, 400, "a=%zz");
	CHECK(body_has(&r, "not correctly encoded"), "message: %.300s", r.body);
	reply_free(&r);
	r = client_post(c, "/login", "a=b%2");
	CHECK(r.status == 400, "a=b%%2 (cut short): status %ld", r.status);
	reply_free(&r);
	client_free(c);
}

TEST(invalid_utf8_rejected)
{
	Client *c = client_new(&srv);
	Reply r = client_post(c, "/login", "a=%ff");
	check_error_page(&r, 400, "a=%ff");
	CHECK(body_has(&r, "UTF-8"), "message: %.300s", r.body);
	reply_free(&r);
	r = client_post(c, "/login", "email=%c0%af");
	CHECK(r.status == 400, "overlong encoding: status %ld", r.status);
	reply_free(&r);
	r = client_post(c, "/login", "email=a%00b");
	CHECK(r.status == 400, "NUL byte: status %ld", r.status);
	reply_free(&r);
	client_free(c);
}

static char *many_fields(const char *csrf, int n)
{
	const char **pairs = calloc((size_t)n * 2, sizeof *pairs);
	char (*names)[16] = calloc((size_t)n, sizeof *names);
	pairs[0] = "csrf", pairs[1] = csrf;
	for (int i = 1; i < n; i++) {
		snprintf(names[i], sizeof names[i], "f%d", i);
		pairs[2 * i] = names[i];
		pairs[2 * i + 1] = "1";
	}
	char *body = form_encode_v(pairs, n);
	free(pairs);
	free(names);
	return body;
}

TEST(too_many_fields_rejected)
{
	Client *c = client_new(&srv);
	char *csrf = client_csrf(c, "/register");
	char *body = many_fields(csrf ? csrf : "", 201);
	Reply r = client_post(c, "/register", body);
	check_error_page(&r, 400, "201 fields");
	CHECK(body_has(&r, "too many fields"), "message: %.300s", r.body);
	reply_free(&r);
	free(body);
	free(csrf);
	client_free(c);
}

TEST(two_hundred_fields_accepted)
{
	Client *c = client_new(&srv);
	char *csrf = client_csrf(c, "/register");
	char *body = many_fields(csrf ? csrf : "", 200);
	Reply r = client_post(c, "/register", body);
	/* Read and handled: the registration form comes back with its validation errors. */
	CHECK(r.status == 422, "200 fields: status %ld, want 422", r.status);
	reply_free(&r);
	free(body);
	free(csrf);
	client_free(c);
}

TEST(wrong_content_type_rejected)
{
	Client *c = client_new(&srv);
	const char *types[] = {"application/json", "text/plain", "application/x-www-form-urlencodedx"};
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		Reply r = client_request(c, &(Request){.method = "POST", .path = "/login",
						      .body = "{\"a\":1}", .content_type = types[i]});
		CHECK(r.status == 415, "%s: status %ld, want 415", types[i], r.status);
		reply_free(&r);
	}
	client_free(c);
}

TEST(multipart_form_with_percent_accepted)
{
	/* In multipart bodies '%' is an ordinary character: "100% sure" is valid text. */
	Client *c = client_new(&srv);
	char *csrf = client_csrf(c, "/register");
	const char *boundary = "----practicaBoundary42";
	char body[2048];
	snprintf(body, sizeof body,
		 "--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
		 "--%s\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n100%% sure\r\n"
		 "--%s\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nshort\r\n"
		 "--%s--\r\n",
		 boundary, csrf ? csrf : "", boundary, boundary, boundary);
	char ct[128];
	snprintf(ct, sizeof ct, "multipart/form-data; boundary=%s", boundary);
	Reply r = client_request(c, &(Request){.method = "POST", .path = "/register", .body = body,
					      .content_type = ct});
	CHECK(r.status == 422, "status %ld, want 422 (validation errors): %.300s", r.status,
	      r.status == 400 ? strstr(r.body, "<h1>") : "");
	CHECK(body_has(&r, "value=\"100% sure\""), "the name was not kept");
	reply_free(&r);
	free(csrf);
	client_free(c);
}

TEST(unknown_route_is_404_page)
{
	Client *c = client_new(&srv);
	Reply r = client_get(c, "/no/such/page");
	check_error_page(&r, 404, "GET /no/such/page");
	CHECK(body_has(&r, "There is no page at this address."), "message: %.300s", r.body);
	reply_free(&r);
	r = client_post(c, "/nowhere", "a=1");
	CHECK(r.status == 404, "POST /nowhere: status %ld", r.status);
	reply_free(&r);
	client_free(c);
}

TEST(wrong_method_is_405)
{
	Client *c = client_new(&srv);
	Reply r = client_post(c, "/healthz", "a=1");
	check_error_page(&r, 405, "POST /healthz");
	CHECK(reply_header(&r, "Allow") != NULL, "no Allow header");
	reply_free(&r);
	r = client_request(c, &(Request){.method = "DELETE", .path = "/login"});
	CHECK(r.status == 405, "DELETE /login: status %ld", r.status);
	reply_free(&r);
	r = client_request(c, &(Request){.method = "PUT", .path = "/account", .body = "x=1"});
	CHECK(r.status == 405, "PUT /account: status %ld", r.status);
	reply_free(&r);
	client_free(c);
}

TEST(typed_param_mismatch_is_404_negative)
{
	Client *c = client_new(&srv);
	const char *paths[] = {"/admin/users/abc/approve", "/admin/users/0/approve",
			       "/admin/users/-1/approve", "/admin/users/12a/disable",
			       "/admin/schools/007"};
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		Reply r = client_post(c, paths[i], "a=1");
		CHECK(r.status == 404, "POST %s: status %ld, want 404", paths[i], r.status);
		reply_free(&r);
	}
	Reply r = client_get(c, "/admin/users/abc");
	CHECK(r.status == 404, "GET /admin/users/abc: status %ld", r.status);
	reply_free(&r);
	r = client_get(c, "/admin/schools/abc");
	CHECK(r.status == 404, "GET /admin/schools/abc: status %ld", r.status);
	reply_free(&r);
	client_free(c);
}

TEST(oversized_headers_refused)
{
	Client *c = client_new(&srv);
	size_t n = 40 * 1024;
	char *big = malloc(n + 16);
	strcpy(big, "X-Big: ");
	memset(big + 7, 'y', n);
	big[7 + n] = '\0';
	const char *headers[] = {big, NULL};
	Reply r = client_request(c, &(Request){.method = "GET", .path = "/healthz",
					      .headers = headers});
	CHECK(r.status == 431 || r.status == 413,
	      "40 KiB header: status %ld (%s), want 431 or 413", r.status, r.error);
	reply_free(&r);
	free(big);
	client_free(c);
	CHECK(server_healthy(), "server unhealthy afterwards");
}

TEST(moderate_headers_accepted)
{
	Client *c = client_new(&srv);
	char big[8 * 1024 + 16];
	strcpy(big, "X-Big: ");
	memset(big + 7, 'y', 8 * 1024);
	big[7 + 8 * 1024] = '\0';
	const char *headers[] = {big, NULL};
	Reply r = client_request(c, &(Request){.method = "GET", .path = "/healthz",
					      .headers = headers});
	CHECK(r.status == 200, "8 KiB header: status %ld", r.status);
	reply_free(&r);
	client_free(c);
}

static void check_reuse(const char *first, const char *second)
{
	Client *c = client_new(&srv);
	Reply a = client_get(c, first);
	Reply b = client_get(c, second);
	CHECK(a.status == 200 && b.status == 200, "%s then %s: %ld %ld", first, second, a.status,
	      b.status);
	CHECK(a.num_connects == 1, "%s: %ld new connections", first, a.num_connects);
	CHECK(b.num_connects == 0, "%s after %s opened a new connection", second, first);
	CHECK(a.local_port == b.local_port, "local ports %ld and %ld differ", a.local_port,
	      b.local_port);
	const char *conn = reply_header(&a, "Connection");
	CHECK(!conn || strcasecmp(conn, "close") != 0, "%s answered Connection: %s", first, conn);
	reply_free(&a);
	reply_free(&b);
	client_free(c);
}

TEST(keep_alive_reuses_connection)
{
	check_reuse("/healthz", "/healthz");
	check_reuse("/", "/login");
}

TEST(keep_alive_reuses_connection_for_static)
{
	Client *c = client_new(&srv);
	Reply page = client_get(c, "/");
	char *css = extract_stylesheet(page.body);
	reply_free(&page);
	client_free(c);
	CHECK(css != NULL, "no stylesheet link");
	if (css)
		check_reuse(css, css);
	free(css);
}

TEST(keep_alive_after_post)
{
	Client *c = client_new(&srv);
	Reply a = client_get(c, "/healthz");
	Reply b = client_post(c, "/login", "email=a%40b.org&password=x");
	Reply d = client_get(c, "/healthz");
	CHECK(b.status == 403, "POST without csrf: %ld", b.status);
	CHECK(b.num_connects == 0 && d.num_connects == 0,
	      "connections opened: POST %ld, GET after it %ld", b.num_connects, d.num_connects);
	const char *conn = reply_header(&b, "Connection");
	CHECK(!conn || strcasecmp(conn, "close") != 0, "POST answered Connection: %s", conn);
	reply_free(&a);
	reply_free(&b);
	reply_free(&d);
	client_free(c);
}

static void check_security_headers(const Reply *r, const char *what)
{
	const char *csp = reply_header(r, "Content-Security-Policy");
	CHECK(csp && strstr(csp, "default-src 'self'") && strstr(csp, "frame-ancestors 'none'"),
	      "%s: Content-Security-Policy %s", what, csp ? csp : "missing");
	CHECK(reply_has_header_value(r, "X-Content-Type-Options", "nosniff"),
	      "%s: X-Content-Type-Options missing", what);
	CHECK(reply_header(r, "Referrer-Policy") != NULL, "%s: Referrer-Policy missing", what);
	CHECK(reply_header(r, "X-Frame-Options") != NULL, "%s: X-Frame-Options missing", what);
}

TEST(security_headers_on_every_response)
{
	Client *c = client_new(&srv);
	const char *paths[] = {"/", "/login", "/healthz", "/home", "/no/such/page",
			       "/static/nope.css"};
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		Reply r = client_get(c, paths[i]);
		check_security_headers(&r, paths[i]);
		reply_free(&r);
	}
	Reply r = client_post(c, "/login", "a=%zz");
	check_security_headers(&r, "400 body");
	reply_free(&r);
	r = client_post(c, "/healthz", "");
	check_security_headers(&r, "405");
	reply_free(&r);
	char *body = body_of_size(MIB + 10);
	r = client_request(c, &(Request){.method = "POST", .path = "/login", .body = body,
					 .headers = (const char *[]){"Expect: 100-continue", NULL}});
	check_security_headers(&r, "413");
	reply_free(&r);
	free(body);
	client_free(c);
}

TEST(dynamic_pages_not_cached)
{
	Client *c = client_new(&srv);
	Reply r = client_get(c, "/login");
	const char *cc = reply_header(&r, "Cache-Control");
	CHECK(cc && strstr(cc, "no-store"), "Cache-Control %s", cc ? cc : "missing");
	reply_free(&r);
	client_free(c);
}

TEST(static_asset_cached_for_a_year)
{
	Client *c = client_new(&srv);
	Reply page = client_get(c, "/");
	char *css = extract_stylesheet(page.body);
	reply_free(&page);
	CHECK(css && !strncmp(css, "/static/practica.", 17) && strstr(css, ".css"),
	      "stylesheet link %s", css ? css : "missing");
	if (css) {
		Reply r = client_get(c, css);
		CHECK(r.status == 200, "GET %s: %ld", css, r.status);
		CHECK(reply_has_header_value(&r, "Cache-Control", "public, max-age=31536000, immutable"),
		      "Cache-Control %s", reply_header(&r, "Cache-Control"));
		const char *ct = reply_header(&r, "Content-Type");
		CHECK(ct && !strncmp(ct, "text/css", 8), "Content-Type %s", ct ? ct : "missing");
		CHECK(r.body_len > 100, "stylesheet of %zu bytes", r.body_len);
		check_security_headers(&r, css);
		reply_free(&r);
		r = client_request(c, &(Request){.method = "HEAD", .path = css});
		CHECK(r.status == 200 && r.body_len == 0, "HEAD %s: %ld, %zu bytes", css, r.status,
		      r.body_len);
		reply_free(&r);
	}
	free(css);
	client_free(c);
}

TEST(unknown_static_asset_refused)
{
	Client *c = client_new(&srv);
	const char *paths[] = {"/static/practica.0000000000000000.css", "/static/nope.css",
			       "/static/practica.css", "/static/.htaccess", "/static/../healthz",
			       "/static/a%2Fb.css", "/static/"};
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		Reply r = client_get(c, paths[i]);
		CHECK(r.status == 404, "GET %s: %ld, want 404", paths[i], r.status);
		const char *cc = reply_header(&r, "Cache-Control");
		CHECK(!cc || !strstr(cc, "immutable"), "GET %s: a 404 marked immutable", paths[i]);
		reply_free(&r);
	}
	client_free(c);
}

TEST(head_request_has_no_body)
{
	Client *c = client_new(&srv);
	Reply r = client_request(c, &(Request){.method = "HEAD", .path = "/login"});
	CHECK(r.status == 200 && r.body_len == 0, "HEAD /login: %ld, %zu bytes", r.status, r.body_len);
	reply_free(&r);
	client_free(c);
}

TEST(still_serving_after_bad_requests)
{
	CHECK(server_healthy(), "/healthz failed after the bad requests");
	Client *c = client_new(&srv);
	Reply r = client_get(c, "/login");
	CHECK(r.status == 200 && body_has(&r, "name=\"csrf\""), "GET /login: %ld", r.status);
	reply_free(&r);
	client_free(c);
}

TEST(stops_cleanly_on_sigterm)
{
	check_stops_cleanly(&srv, NULL, 0, NULL);
}

int main(void)
{
	started = server_init(&srv) && server_start(&srv);
	int rc = RUN_TESTS(server_started, healthz_answers_ok,
			   oversized_body_with_content_length_refused,
			   body_of_exactly_max_body_accepted, oversized_chunked_body_refused,
			   malformed_percent_encoding_rejected, invalid_utf8_rejected,
			   too_many_fields_rejected, two_hundred_fields_accepted,
			   wrong_content_type_rejected, multipart_form_with_percent_accepted,
			   unknown_route_is_404_page, wrong_method_is_405,
			   typed_param_mismatch_is_404_negative, oversized_headers_refused,
			   moderate_headers_accepted, keep_alive_reuses_connection,
			   keep_alive_reuses_connection_for_static, keep_alive_after_post,
			   security_headers_on_every_response, dynamic_pages_not_cached,
			   static_asset_cached_for_a_year, unknown_static_asset_refused,
			   head_request_has_no_body, still_serving_after_bad_requests,
			   stops_cleanly_on_sigterm);
	server_cleanup(&srv);
	return rc;
}
