/* Fuzzes form decoding: application/x-www-form-urlencoded bodies through the real server
 * (libmicrohttpd's post processor and src/http.c's checks: percent escapes, UTF-8, field
 * count, size limit). The input is the body after a valid CSRF field, so every well-formed
 * input reaches the handler. Properties, against a reference decoder written here from the
 * URL standard's rules:
 *   - a body the reference finds well-formed (escapes, clean UTF-8 text, at most max-fields
 *     fields, within max-body) reaches the handler, which sees exactly the reference's fields
 *     in order, however the bytes were split on the way;
 *   - any other body is refused with 400 (or 413 when too large) and never reaches it;
 *   - every response keeps the properties of fuzz_http_check_reply(). */
#include <string.h>

#include "auth.h"
#include "config.h"
#include "fuzz.h"
#include "handlers.h"
#include "html.h"
#include "support_http.h"

enum { MAX_FIELDS = 64 };

typedef struct {
	Buf name[MAX_FIELDS], value[MAX_FIELDS];
	int n;
	bool too_many;
	bool bad_escape;
	bool malformed; /* outside the post processor's grammar */
	bool unsure;    /* either answer is right */
} Decoded;

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void decode_into(Buf *out, const char *s, size_t n)
{
	buf_puts(out, ""); /* an empty value is "" not NULL */
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			buf_putc(out, ' ');
		} else if (s[i] == '%' && i + 2 < n && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
			buf_putc(out, (char)(hex(s[i + 1]) * 16 + hex(s[i + 2])));
			i += 2;
		} else {
			buf_putc(out, s[i]);
		}
	}
}

/* The grammar libmicrohttpd's post processor accepts, which is stricter than the URL
 * standard's: a raw CR or LF ends the form (only more CR/LF may follow), a field may not
 * start with '=' nor hold a second '=', and the last field needs its '='. Fields are split on
 * '&' (empty ones skipped); '+' is a space and %XX a byte in names and values alike. */
static void reference_decode(const char *body, size_t n, Decoded *d)
{
	memset(d, 0, sizeof *d);
	for (size_t i = 0; i < n; i++)
		if (body[i] == '%' && (i + 2 >= n || hex(body[i + 1]) < 0 || hex(body[i + 2]) < 0))
			d->bad_escape = true;
	size_t end = 0;
	while (end < n && body[end] != '\r' && body[end] != '\n')
		end++;
	for (size_t i = end; i < n; i++)
		if (body[i] != '\r' && body[i] != '\n')
			d->malformed = true;
	bool terminated = end < n;
	size_t start = 0;
	while (start < end) {
		const char *seg = body + start;
		const char *amp = memchr(seg, '&', end - start);
		size_t len = amp ? (size_t)(amp - seg) : end - start;
		if (len) {
			const char *eq = memchr(seg, '=', len);
			if (eq == seg || (eq && memchr(eq + 1, '=', len - (size_t)(eq - seg) - 1)) ||
			    (!eq && !amp && !terminated))
				d->malformed = true;
			size_t name_len = eq ? (size_t)(eq - seg) : len;
			if (name_len > 4096)
				d->unsure = true; /* past the post processor's key buffer */
			if (d->n == MAX_FIELDS) {
				d->too_many = true;
				break;
			}
			decode_into(&d->name[d->n], seg, name_len);
			decode_into(&d->value[d->n], eq ? eq + 1 : "", eq ? len - name_len - 1 : 0);
			d->n++;
		}
		if (!amp)
			break;
		start += len + 1;
	}
}

static void free_decoded(Decoded *d)
{
	for (int i = 0; i < MAX_FIELDS; i++) {
		buf_free(&d->name[i]);
		buf_free(&d->value[i]);
	}
}

static Decoded expected;
static bool handler_ran;

static void handle_form(Req *r)
{
	handler_ran = true;
	if (expected.unsure)
		return;
	FUZZ_ASSERT(r->nform == expected.n, "%d fields decoded, the reference has %d", r->nform,
		    expected.n);
	for (int i = 0; i < r->nform; i++) {
		const Buf *n = &expected.name[i], *v = &expected.value[i];
		FUZZ_ASSERT(strlen(r->form[i].name) == n->len && !memcmp(r->form[i].name, n->data, n->len),
			    "field %d named \"%s\", the reference \"%s\"", i, r->form[i].name, n->data);
		FUZZ_ASSERT(strlen(r->form[i].value) == v->len &&
				    !memcmp(r->form[i].value, v->data, v->len),
			    "field %d (%s) is \"%s\", the reference \"%s\"", i, n->data,
			    r->form[i].value, v->data);
		FUZZ_ASSERT(text_is_clean(r->form[i].value, strlen(r->form[i].value)),
			    "field %d is not clean text", i);
	}
	html(&r->out, "<p>%d fields</p>", r->nform);
}

static const Route table[] = {
	{"POST", "/fuzz/form", handle_form, ACCESS_PUBLIC, "fuzz: decoded form fields", false},
	{"GET", "/login", handle_login_page, ACCESS_PUBLIC, "sign-in form (the visitor's CSRF)", false},
	{0},
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_http_start(table, false);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Buf body = {0};
	buf_printf(&body, "csrf=%s&", fuzz_http_visitor_csrf);
	buf_append(&body, data, size);
	Buf request = {0};
	buf_printf(&request,
		   "POST /fuzz/form HTTP/1.1\r\nHost: fuzz\r\nCookie: %s=%s\r\n"
		   "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n"
		   "Connection: close\r\n\r\n",
		   VISITOR_COOKIE, FUZZ_VISITOR, body.len);
	buf_append(&request, body.data, body.len);

	reference_decode(body.data, body.len, &expected);
	bool clean = true;
	for (int i = 0; i < expected.n; i++)
		clean = clean && text_is_clean(expected.name[i].data, expected.name[i].len) &&
			text_is_clean(expected.value[i].data, expected.value[i].len);
	int want;
	if (body.len > config.max_body)
		want = 413;
	else if (expected.unsure)
		want = 0;
	else if (expected.bad_escape || expected.malformed || expected.too_many ||
		 expected.n > config.max_fields || !clean)
		want = 400;
	else
		want = 200;

	handler_ran = false;
	Buf reply = {0};
	fuzz_http_exchange(request.data, request.len, &reply);
	FuzzResponse resp;
	size_t pos = 0;
	FUZZ_ASSERT(fuzz_http_next(&reply, &pos, &resp), "no answer");
	fuzz_http_check_reply(&reply);
	if (want) {
		FUZZ_ASSERT(resp.status == want, "answered %d, want %d", resp.status, want);
		FUZZ_ASSERT(handler_ran == (want == 200), "the handler %s",
			    handler_ran ? "ran" : "did not run");
	}
	free_decoded(&expected);
	buf_free(&reply);
	buf_free(&request);
	buf_free(&body);
	return 0;
}
