/* Fuzzes Markdown rendering (src/markdown.c, cmark in safe mode). Whatever members write, the
 * HTML that comes out:
 *   - is wrapped in <div class="prose"> ... </div> and is well-formed UTF-8;
 *   - holds only the elements and attributes cmark's own renderer writes (no raw HTML passes:
 *     no script, no event handlers, no style), or cmark's "raw HTML omitted" comment;
 *   - links and images never point at javascript:, vbscript:, file: or non-image data: URLs,
 *     after the browser's own clean-up of the address (entities decoded, tabs and newlines
 *     dropped, leading spaces and controls trimmed, case folded). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "html.h"
#include "markdown.h"

static const char *const allowed_elements[] = {
	"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "em", "strong", "code",
	"pre", "blockquote", "hr", "br", "img", "div", NULL,
};
static const char *const allowed_attributes[] = {"href", "title", "src", "alt", "start",
						 "class", NULL};

static bool listed(const char *name, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && !strncmp(*list, name, n))
			return true;
	return false;
}

/* The attribute value as a browser sees it: character references decoded (cmark writes only
 * &amp; &lt; &gt; &quot; &#39; and numeric ones are decoded generally here), then the URL
 * parser's removal of tab and newlines and trimming of C0 controls and spaces. */
static void browser_url(const char *v, size_t n, Buf *out)
{
	Buf decoded = {0};
	for (size_t i = 0; i < n;) {
		if (v[i] == '&') {
			static const struct {
				const char *e;
				char c;
			} named[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'},
				     {"&#39;", '\''}};
			bool done = false;
			for (size_t k = 0; k < sizeof named / sizeof *named && !done; k++)
				if (!strncmp(v + i, named[k].e, strlen(named[k].e)) &&
				    i + strlen(named[k].e) <= n) {
					buf_putc(&decoded, named[k].c);
					i += strlen(named[k].e);
					done = true;
				}
			if (done)
				continue;
			if (i + 2 < n && v[i + 1] == '#') {
				size_t j = i + 2;
				bool hex = j < n && (v[j] == 'x' || v[j] == 'X');
				j += hex;
				unsigned long cp = 0;
				size_t digits = 0;
				while (j < n && (hex ? isxdigit((unsigned char)v[j]) : isdigit((unsigned char)v[j])) &&
				       digits < 8) {
					cp = cp * (hex ? 16 : 10) +
					     (unsigned long)(isdigit((unsigned char)v[j]) ? v[j] - '0'
										: (tolower((unsigned char)v[j]) - 'a' + 10));
					j++, digits++;
				}
				if (digits && cp < 0x80) {
					buf_putc(&decoded, (char)cp);
					i = j + (j < n && v[j] == ';');
					continue;
				}
			}
		}
		buf_putc(&decoded, v[i++]);
	}
	const char *d = decoded.data ? decoded.data : "";
	size_t len = decoded.len;
	while (len && (unsigned char)*d <= 0x20)
		d++, len--;
	for (size_t i = 0; i < len; i++)
		if (d[i] != '\t' && d[i] != '\n' && d[i] != '\r')
			buf_putc(out, (char)tolower((unsigned char)d[i]));
	buf_free(&decoded);
}

static void check_url(const char *v, size_t n)
{
	Buf url = {0};
	browser_url(v, n, &url);
	const char *u = url.data ? url.data : "";
	FUZZ_ASSERT(strncmp(u, "javascript:", 11) && strncmp(u, "vbscript:", 9) &&
			    strncmp(u, "file:", 5),
		    "dangerous link: %.*s", (int)n, v);
	if (!strncmp(u, "data:", 5))
		FUZZ_ASSERT(!strncmp(u, "data:image/png", 14) || !strncmp(u, "data:image/gif", 14) ||
				    !strncmp(u, "data:image/jpeg", 15) ||
				    !strncmp(u, "data:image/webp", 15),
			    "non-image data: link: %.*s", (int)n, v);
	buf_free(&url);
}

/* Checks one tag starting at p (just after '<'); returns the position after its '>'. */
static const char *check_tag(const char *p)
{
	static const char omitted[] = "!-- raw HTML omitted -->";
	if (!strncmp(p, omitted, sizeof omitted - 1))
		return p + sizeof omitted - 1;
	if (*p == '/')
		p++;
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz123456");
	FUZZ_ASSERT(listed(p, n, allowed_elements), "element not allowed: <%.20s", p);
	p += n;
	for (;;) {
		p += strspn(p, " ");
		if (*p == '>')
			return p + 1;
		if (!strncmp(p, "/>", 2))
			return p + 2;
		size_t an = strspn(p, "abcdefghijklmnopqrstuvwxyz-");
		FUZZ_ASSERT(listed(p, an, allowed_attributes), "attribute not allowed: %.20s", p);
		bool is_url = (an == 4 && !strncmp(p, "href", 4)) || (an == 3 && !strncmp(p, "src", 3));
		p += an;
		FUZZ_ASSERT(p[0] == '=' && p[1] == '"', "attribute value not quoted: %.20s", p);
		p += 2;
		const char *end = strchr(p, '"');
		FUZZ_ASSERT(end, "attribute value not closed");
		FUZZ_ASSERT(!memchr(p, '<', (size_t)(end - p)) && !memchr(p, '>', (size_t)(end - p)),
			    "raw < or > in an attribute value");
		if (is_url)
			check_url(p, (size_t)(end - p));
		p = end + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	Buf out = {0};
	markdown_html(&out, text);
	if (!*text) {
		FUZZ_ASSERT(out.len == 0, "empty Markdown gave output");
	} else {
		static const char open[] = "<div class=\"prose\">\n", close[] = "</div>\n";
		FUZZ_ASSERT(out.len >= sizeof open + sizeof close - 2, "output too short");
		FUZZ_ASSERT(!strncmp(out.data, open, sizeof open - 1), "output not wrapped");
		FUZZ_ASSERT(!strcmp(out.data + out.len - (sizeof close - 1), close), "wrapper not closed");
		FUZZ_ASSERT(strlen(out.data) == out.len, "NUL byte in the output");
		FUZZ_ASSERT(fuzz_utf8_valid(out.data, out.len), "output is not valid UTF-8");
		for (const char *p = out.data; (p = strchr(p, '<'));)
			p = check_tag(p + 1);
	}
	buf_free(&out);
	free(text);
	return 0;
}
