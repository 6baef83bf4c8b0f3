/* Fuzzes whole requests to the real server, signed in as an administrator: the request line
 * (path and query string), headers and cookies, through libmicrohttpd's parsing, routing,
 * session lookup and every GET page of the real route table (so each page's handling of its
 * query parameters), plus a route here that checks the request accessors.
 *
 * Input: "METHOD TARGET", then header lines, a blank line and the body, lines ending in LF.
 * The harness sends it as HTTP/1.1 with Host, Content-Length and "Connection: close" of its
 * own (such headers in the input are dropped, so every request ends). "@SESSION@" becomes the
 * admin's session cookie, "@CSRF@" its CSRF token, "@VCSRF@" the token for the visitor cookie
 * "fuzz-visitor". With FUZZ_HTTP_DB naming a database (make fuzz uses the demo's), the
 * server starts from a copy of it, so pages have real content to show.
 *
 * Properties: those of fuzz_http_check_reply() for every response (no server error, local
 * redirects, security headers, flagged cookies, UTF-8 pages without inline script or
 * unescaped markup from the request), and for the accessors: query values and the rebuilt
 * path are clean text, the rebuilt path is a local path with an encoded query. */
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "fuzz.h"
#include "handlers.h"
#include "html.h"
#include "router.h"
#include "support_http.h"
#include "validate.h"

static void handle_accessors(Req *r)
{
	static const char *const names[] = {"q", "next", "month", "page", "", "a b", NULL};
	for (const char *const *n = names; *n; n++) {
		const char *v = req_query(r, *n);
		FUZZ_ASSERT(!v || text_is_clean(v, strlen(v)), "query value %s is not clean", *n);
	}
	const char *full = req_full_path(r);
	FUZZ_ASSERT(!strncmp(full, r->path, strlen(r->path)), "the rebuilt path lost the path");
	const char *query = full + strlen(r->path);
	FUZZ_ASSERT(!*query || *query == '?', "the rebuilt path: %s", full);
	for (const char *c = query + (*query == '?'); *c; c++)
		FUZZ_ASSERT(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%=&",
				   *c),
			    "unencoded byte 0x%02x in the rebuilt query", (unsigned char)*c);
	if (is_local_path(r->path))
		FUZZ_ASSERT(is_local_path(full), "the rebuilt path %s is not local", full);
	/* Echoed like a page would: only after the check pages make (cookies and the path are
	 * not checked as text by the server). */
	const char *cookie = req_cookie(r, "a");
	if (text_is_clean(full, strlen(full)))
		html(&r->out, "<p>%s</p>", full);
	if (cookie && text_is_clean(cookie, strlen(cookie)))
		html(&r->out, "<p>%s</p>", cookie);
	for (int i = 0; i < r->nparams; i++)
		html(&r->out, "<p>%s</p>", r->params[i]);
}

/* The real GET routes (not the event streams, which stay open by design), then ours. */
static Route *build_table(void)
{
	static const Route extra[] = {
		{"GET", "/fuzz/accessors/:slug", handle_accessors, ACCESS_SIGNED_IN,
		 "fuzz: request accessors", false},
		{"GET", "/fuzz/accessors", handle_accessors, ACCESS_PUBLIC, "fuzz: request accessors",
		 false},
	};
	size_t n = 0;
	for (const Route *rt = routes; rt->pattern; rt++)
		n++;
	Route *table = calloc(n + sizeof extra / sizeof *extra + 1, sizeof *table);
	size_t k = 0;
	for (const Route *rt = routes; rt->pattern; rt++) {
		size_t len = strlen(rt->pattern);
		bool stream = len >= 7 && !strcmp(rt->pattern + len - 7, "/events");
		if (!strcmp(rt->method, "GET") && !stream)
			table[k++] = *rt;
	}
	for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
		table[k++] = extra[i];
	return table;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_http_start(build_table(), true);
	return 0;
}

/* Replaces every occurrence of from in b with to. */
static void substitute(Buf *b, const char *from, const char *to)
{
	Buf out = {0};
	size_t fn = strlen(from);
	for (size_t i = 0; i < b->len;) {
		if (i + fn <= b->len && !memcmp(b->data + i, from, fn)) {
			buf_puts(&out, to);
			i += fn;
		} else {
			buf_append(&out, b->data + i, 1);
			i++;
		}
	}
	buf_free(b);
	*b = out;
}

static bool framing_header(const char *line, size_t n)
{
	static const char *const names[] = {"host:", "connection:", "content-length:",
					    "transfer-encoding:", "expect:", "upgrade:", NULL};
	for (const char *const *h = names; *h; h++)
		if (n >= strlen(*h) && !strncasecmp(line, *h, strlen(*h)))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Buf in = {0};
	buf_append(&in, data, size);
	substitute(&in, "@SESSION@", fuzz_http_session);
	substitute(&in, "@CSRF@", fuzz_http_session_csrf);
	substitute(&in, "@VCSRF@", fuzz_http_visitor_csrf);
	const char *p = in.data ? in.data : "", *end = p + in.len;

	Buf request = {0};
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	size_t len = eol ? (size_t)(eol - p) : (size_t)(end - p);
	if (len && p[len - 1] == '\r')
		len--;
	buf_append(&request, p, len);
	buf_puts(&request, " HTTP/1.1\r\nHost: fuzz\r\n");
	p = eol ? eol + 1 : end;
	while (p < end) { /* headers, up to a blank line */
		eol = memchr(p, '\n', (size_t)(end - p));
		len = eol ? (size_t)(eol - p) : (size_t)(end - p);
		const char *line = p;
		p = eol ? eol + 1 : end;
		if (len && line[len - 1] == '\r')
			len--;
		if (!len)
			break;
		if (framing_header(line, len))
			continue;
		buf_append(&request, line, len);
		buf_puts(&request, "\r\n");
	}
	size_t body = (size_t)(end - p);
	buf_printf(&request, "Content-Length: %zu\r\nConnection: close\r\n\r\n", body);
	buf_append(&request, p, body);

	Buf reply = {0};
	fuzz_http_exchange(request.data, request.len, &reply);
	fuzz_http_check_reply(&reply);
	buf_free(&reply);
	buf_free(&request);
	buf_free(&in);
	return 0;
}
