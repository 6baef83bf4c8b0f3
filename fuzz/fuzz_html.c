/* Fuzzes the HTML writer (src/html.c). Properties:
 *   - html() escapes every %s: the values come out with no raw < > " ' and unescape back to
 *     exactly what went in, in text and in attribute positions alike;
 *   - html_escape() round-trips any bytes, NUL included;
 *   - url_encode() writes only unreserved characters and %XX, and decodes back exactly;
 *   - text_is_clean() agrees with an independent UTF-8 and control-character check. */
#include <string.h>

#include "fuzz.h"
#include "html.h"

/* Undoes html_escape(); false when s holds anything html_escape() never writes. */
static bool unescape(const char *s, size_t n, Buf *out)
{
	static const struct {
		const char *entity;
		char c;
	} entities[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
	for (size_t i = 0; i < n;) {
		char c = s[i];
		if (c == '<' || c == '>' || c == '"' || c == '\'')
			return false;
		if (c != '&') {
			buf_append(out, &s[i++], 1);
			continue;
		}
		size_t k = 0;
		while (k < sizeof entities / sizeof *entities &&
		       strncmp(s + i, entities[k].entity, strlen(entities[k].entity)) != 0)
			k++;
		if (k == sizeof entities / sizeof *entities)
			return false;
		buf_append(out, &entities[k].c, 1);
		i += strlen(entities[k].entity);
	}
	return true;
}

/* Checks that text (n bytes) is the escaped form of want (want_n bytes). */
static void check_escaped(const char *where, const char *text, size_t n, const char *want,
			  size_t want_n)
{
	Buf back = {0};
	FUZZ_ASSERT(unescape(text, n, &back), "%s: raw markup character in escaped output", where);
	FUZZ_ASSERT(back.len == want_n && (want_n == 0 || !memcmp(back.data, want, want_n)),
		    "%s: escaped text does not decode to the input", where);
	buf_free(&back);
}

/* Expects the literal lit at *p and moves past it. */
static void expect_literal(const char **p, const char *lit)
{
	FUZZ_ASSERT(!strncmp(*p, lit, strlen(lit)), "literal \"%s\" not where expected", lit);
	*p += strlen(lit);
}

static void check_html(const char *a, const char *b, int number)
{
	Buf out = {0};
	html(&out, "<a href=\"/x?q=%s\" title=\"%s\">%s</a>%d", a, b, a, number);
	const char *p = out.data;
	expect_literal(&p, "<a href=\"/x?q=");
	const char *end = strchr(p, '"');
	FUZZ_ASSERT(end, "attribute value not closed");
	check_escaped("href", p, (size_t)(end - p), a, strlen(a));
	p = end;
	expect_literal(&p, "\" title=\"");
	end = strchr(p, '"');
	FUZZ_ASSERT(end, "title not closed");
	check_escaped("title", p, (size_t)(end - p), b, strlen(b));
	p = end;
	expect_literal(&p, "\">");
	end = strchr(p, '<');
	FUZZ_ASSERT(end, "element not closed");
	check_escaped("text", p, (size_t)(end - p), a, strlen(a));
	p = end;
	expect_literal(&p, "</a>");
	char num[16];
	snprintf(num, sizeof num, "%d", number);
	FUZZ_ASSERT(!strcmp(p, num), "integer written as \"%s\", want \"%s\"", p, num);
	buf_free(&out);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1; /* url_encode() writes upper case only */
}

static void check_url_encode(const char *s)
{
	Arena *a = arena_new();
	const char *enc = url_encode(a, s);
	size_t n = strlen(s), i = 0, k = 0;
	FUZZ_ASSERT(strlen(enc) <= 3 * n, "encoding longer than 3 bytes per byte");
	for (; enc[i]; k++) {
		char c = enc[i];
		bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
				  (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
		char decoded;
		if (unreserved) {
			decoded = c;
			i++;
		} else {
			FUZZ_ASSERT(c == '%', "reserved character 0x%02x left unencoded", (unsigned char)c);
			int hi = hex_value(enc[i + 1]), lo = hi < 0 ? -1 : hex_value(enc[i + 2]);
			FUZZ_ASSERT(hi >= 0 && lo >= 0, "bad escape in \"%s\"", enc);
			decoded = (char)(hi * 16 + lo);
			FUZZ_ASSERT(!(decoded >= 'A' && decoded <= 'Z') && !(decoded >= 'a' && decoded <= 'z') &&
					    !(decoded >= '0' && decoded <= '9') && !strchr("-_.~", decoded),
				    "an unreserved character was encoded");
			i += 3;
		}
		FUZZ_ASSERT(k < n && decoded == s[k], "encoding does not decode to the input");
	}
	FUZZ_ASSERT(k == n, "encoding is shorter than the input");
	arena_free(a);
}

static void check_text_is_clean(const char *s, size_t n)
{
	bool controls = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			controls = true;
	}
	bool want = !controls && fuzz_utf8_valid(s, n);
	FUZZ_ASSERT(text_is_clean(s, n) == want, "text_is_clean() says %d, the reference %d",
		    !want, want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_text_is_clean((const char *)data, size);

	Buf escaped = {0};
	html_escape(&escaped, (const char *)data, size);
	check_escaped("html_escape", escaped.data ? escaped.data : "", escaped.len,
		      (const char *)data, size);
	buf_free(&escaped);

	FuzzInput in;
	fuzz_begin(&in, data, size);
	int number = (int)((uint32_t)fuzz_byte(&in) << 24 | (uint32_t)fuzz_byte(&in) << 16 |
			   (uint32_t)fuzz_byte(&in) << 8 | fuzz_byte(&in));
	const char *a = fuzz_string(&in), *b = fuzz_string(&in);
	check_html(a, b, number);
	check_url_encode(a);
	fuzz_done(&in);
	return 0;
}
