/* The association's look and compressed responses, against a real server (issue 6):
 *   - pages, the stylesheet and scripts come gzip-compressed when the client accepts gzip,
 *     plain otherwise (and with q=0), with Vary: Accept-Encoding; the bytes decompress to the
 *     plain answer;
 *   - an admin's name, accent colour and logo reach every page (header, title, accent
 *     stylesheet), the public sign-in page included; /brand/ files are cached for a year and
 *     unknown ones are 404;
 *   - a colour failing WCAG AA contrast, a malformed colour, a logo that is not PNG/JPEG or
 *     too large are refused with 422 and nothing is saved; only admins may change the look.
 * Plus the pure functions: Accept-Encoding parsing and the contrast ratio. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#include "arena.h"
#include "compress.h"

/* From brand.h, which cannot be included here: it brings http.h, whose Upload type
 * http_support.c also defines. */
#define BRAND_LOGO_MAX (200 * 1024)
bool brand_parse_colour(const char *s, unsigned *rgb);
double brand_contrast(unsigned a, unsigned b);
const char *brand_check_accent(Arena *a, unsigned rgb);

#define PASSWORD "member-password-1"
#define BOUNDARY "----practica-brand-boundary"

static Server srv;
static bool started;
static Client *admin, *member;
static char *admin_csrf;

/* A PNG's first bytes are enough for the server's check; the rest is padding. */
static const unsigned char png_logo[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
					 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0};

static char *gunzip(const char *data, size_t n, size_t *out_len)
{
	size_t cap = 1 << 20;
	char *out = malloc(cap);
	z_stream z = {0};
	if (!out || inflateInit2(&z, 15 + 16) != Z_OK) {
		free(out);
		return NULL;
	}
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	int rc = inflate(&z, Z_FINISH);
	*out_len = z.total_out;
	inflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(out);
		return NULL;
	}
	return out;
}

static Reply get_with(Client *c, const char *path, const char *accept_encoding)
{
	char header[128];
	snprintf(header, sizeof header, "Accept-Encoding: %s", accept_encoding);
	const char *headers[] = {header, NULL};
	return client_request(c, &(Request){.method = "GET", .path = path, .headers = headers});
}

/* POSTs the branding form as multipart: name, accent, and a logo file when logo is not NULL. */
static Reply save_look(Client *c, const char *csrf, const char *name, const char *accent,
		       const void *logo, size_t logo_len, const char *extra)
{
	size_t cap = 4096 + logo_len;
	char *body = malloc(cap);
	int n = snprintf(body, cap,
			 "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
			 "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n%s\r\n"
			 "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"accent\"\r\n\r\n%s\r\n"
			 "%s",
			 csrf ? csrf : "", name, accent, extra ? extra : "");
	size_t len = (size_t)n;
	if (logo) {
		n = snprintf(body + len, cap - len,
			     "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"logo\"; "
			     "filename=\"logo.png\"\r\nContent-Type: image/png\r\n\r\n");
		len += (size_t)n;
		memcpy(body + len, logo, logo_len);
		len += logo_len;
		memcpy(body + len, "\r\n", 2);
		len += 2;
	}
	n = snprintf(body + len, cap - len, "--" BOUNDARY "--\r\n");
	len += (size_t)n;
	Reply r = client_request(c, &(Request){.method = "POST", .path = "/admin/branding",
					       .body = body, .body_len = len,
					       .content_type = "multipart/form-data; boundary=" BOUNDARY});
	free(body);
	return r;
}

static int64_t settings_count(void)
{
	return sql_int(&srv, "SELECT count(*) FROM settings WHERE key LIKE 'brand%%'");
}

/* ---- pure functions ---- */

TEST(accept_encoding_parsing)
{
	CHECK(accepts_gzip("gzip, deflate, br"), "a browser's header");
	CHECK(accepts_gzip("br;q=1.0, GZIP;q=0.5"), "q and case");
	CHECK(accepts_gzip("*"), "any");
	CHECK(!accepts_gzip(NULL), "no header");
	CHECK(!accepts_gzip("identity"), "identity only");
	CHECK(!accepts_gzip("gzip;q=0"), "q=0 refuses");
	CHECK(!accepts_gzip("gzip; q=0.000, br"), "q=0.000 refuses");
	CHECK(accepts_gzip("gzip;q=0.001"), "a small q still accepts");
	CHECK(!accepts_gzip("x-gzip2, gzipper"), "only the whole token counts");
}

TEST(contrast_ratio_matches_wcag)
{
	double black_white = brand_contrast(0x000000, 0xffffff);
	CHECK(black_white > 20.99 && black_white < 21.01, "black on white is %.2f", black_white);
	double same = brand_contrast(0x777777, 0x777777);
	CHECK(same > 0.999 && same < 1.001, "a colour on itself is %.2f", same);
	/* #767676 on white is the well-known AA edge: 4.54:1. */
	double grey = brand_contrast(0x767676, 0xffffff);
	CHECK(grey > 4.5 && grey < 4.6, "#767676 on white is %.2f", grey);
	Arena *a = arena_new();
	CHECK(brand_check_accent(a, 0x1f5fa8) == NULL, "Practica's blue is refused");
	CHECK(brand_check_accent(a, 0xf2b600) != NULL, "a light yellow is accepted");
	CHECK(brand_check_accent(a, 0x777777) != NULL, "#777777 (4.48:1) is accepted");
	arena_free(a);
	unsigned rgb;
	CHECK(brand_parse_colour("#7A2048", &rgb) && rgb == 0x7a2048, "parse #7A2048");
	CHECK(!brand_parse_colour("#7a204", &rgb) && !brand_parse_colour("red", &rgb) &&
		      !brand_parse_colour("#7a20488", &rgb) && !brand_parse_colour("#7g2048", &rgb),
	      "malformed colours parse");
}

/* ---- compression ---- */

TEST(pages_are_gzipped_when_accepted)
{
	CHECK(started, "no server");
	Reply plain = get_with(member, "/home", "identity");
	Reply packed = get_with(member, "/home", "gzip, deflate, br");
	CHECK(plain.status == 200 && packed.status == 200, "status %ld %ld", plain.status,
	      packed.status);
	CHECK(!reply_header(&plain, "Content-Encoding"), "identity got %s",
	      reply_header(&plain, "Content-Encoding"));
	CHECK(reply_has_header_value(&packed, "Content-Encoding", "gzip"), "no gzip");
	CHECK(reply_has_header_value(&packed, "Vary", "Accept-Encoding") &&
		      reply_has_header_value(&plain, "Vary", "Accept-Encoding"),
	      "Vary: Accept-Encoding missing");
	size_t n = 0;
	char *unpacked = gunzip(packed.body, packed.body_len, &n);
	CHECK(unpacked && n > packed.body_len * 2, "gzip body: %zu bytes from %zu", n,
	      packed.body_len);
	/* The same page (its CSRF token and notices are the same for one session). */
	CHECK(unpacked && n == plain.body_len && !memcmp(unpacked, plain.body, n),
	      "the gzip body is not the plain page");
	free(unpacked);
	Reply refused = get_with(member, "/home", "gzip;q=0");
	CHECK(!reply_header(&refused, "Content-Encoding"), "q=0 still got gzip");
	reply_free(&plain);
	reply_free(&packed);
	reply_free(&refused);
}

TEST(stylesheet_is_gzipped_and_cached)
{
	CHECK(started, "no server");
	Reply page = get_with(member, "/home", "identity");
	char *css = extract_stylesheet(page.body);
	CHECK(css != NULL, "no stylesheet link");
	if (css) {
		Reply plain = get_with(member, css, "identity");
		Reply packed = get_with(member, css, "gzip");
		CHECK(reply_has_header_value(&packed, "Content-Encoding", "gzip"), "CSS not gzipped");
		CHECK(!reply_header(&plain, "Content-Encoding"), "identity CSS encoded");
		CHECK(reply_has_header_value(&packed, "Cache-Control",
					     "public, max-age=31536000, immutable"),
		      "gzip CSS not cached for a year");
		size_t n = 0;
		char *unpacked = gunzip(packed.body, packed.body_len, &n);
		CHECK(unpacked && n == plain.body_len && !memcmp(unpacked, plain.body, n),
		      "the gzip CSS is not the stylesheet");
		free(unpacked);
		reply_free(&plain);
		reply_free(&packed);
	}
	free(css);
	reply_free(&page);
}

/* ---- the association's look ---- */

TEST(only_admins_change_the_look)
{
	CHECK(started, "no server");
	Reply r = client_get(member, "/admin/branding");
	CHECK(r.status == 403, "a member got %ld for the form", r.status);
	reply_free(&r);
	char *csrf = client_csrf(member, "/home");
	r = save_look(member, csrf, "Hijacked", "#000000", NULL, 0, NULL);
	CHECK(r.status == 403, "a member's save got %ld", r.status);
	CHECK(settings_count() == 0, "a member's save changed settings");
	free(csrf);
	reply_free(&r);
}

TEST(unreadable_colour_refused)
{
	CHECK(started, "no server");
	Reply r = save_look(admin, admin_csrf, "Capital Schools", "#f2b600", NULL, 0, NULL);
	CHECK(r.status == 422, "a light yellow got %ld", r.status);
	CHECK(body_has(&r, "contrast of only 1.6:1"), "no ratio in the refusal: %.300s", r.body);
	CHECK(body_has(&r, "aria-invalid=\"true\""), "the field is not marked invalid");
	CHECK(body_has(&r, "value=\"Capital Schools\""), "the name typed was lost");
	CHECK(settings_count() == 0, "a refused form saved something");
	reply_free(&r);
	r = save_look(admin, admin_csrf, "Capital Schools", "blue", NULL, 0, NULL);
	CHECK(r.status == 422 && body_has(&r, "six hex digits"), "a colour name got %ld", r.status);
	reply_free(&r);
	r = save_look(admin, admin_csrf, "", "", NULL, 0, NULL);
	CHECK(r.status == 422, "an empty name got %ld", r.status);
	reply_free(&r);
}

TEST(logo_must_be_a_small_image)
{
	CHECK(started, "no server");
	static const char gif[] = "GIF89a not a png";
	Reply r = save_look(admin, admin_csrf, "Capital Schools", "", gif, sizeof gif, NULL);
	CHECK(r.status == 422 && body_has(&r, "PNG or JPEG"), "a GIF got %ld", r.status);
	reply_free(&r);
	size_t big = BRAND_LOGO_MAX + 1;
	unsigned char *huge = calloc(1, big);
	memcpy(huge, png_logo, sizeof png_logo);
	r = save_look(admin, admin_csrf, "Capital Schools", "", huge, big, NULL);
	CHECK(r.status == 422 && body_has(&r, "at most 200 KB"), "a 200 KB + 1 logo got %ld",
	      r.status);
	free(huge);
	reply_free(&r);
	CHECK(settings_count() == 0, "a refused logo saved something");
}

TEST(saved_look_shows_on_every_page)
{
	CHECK(started, "no server");
	Reply r = save_look(admin, admin_csrf, "Capital Schools <Collaborative>", "#7A2048",
			    png_logo, sizeof png_logo, NULL);
	CHECK(reply_is(&r, 303, "/admin/branding?notice=branding-saved"), "save got %ld %.200s",
	      r.status, r.body);
	reply_free(&r);
	char *hash = sql_text(&srv, "SELECT value FROM settings WHERE key = 'brand_logo_hash'");
	CHECK(hash && strlen(hash) == 16, "no logo hash");
	char logo_url[64];
	snprintf(logo_url, sizeof logo_url, "/brand/logo-%s.png", hash ? hash : "");
	Client *visitor = client_new(&srv);
	const char *paths[] = {"/home", "/communities", "/pd-hours"};
	for (int i = 0; i < 4; i++) {
		Reply p = i < 3 ? client_get(member, paths[i]) : client_get(visitor, "/login");
		CHECK(body_has(&p, "Capital Schools &lt;Collaborative&gt;</a>"),
		      "%s: the header has no (escaped) name", i < 3 ? paths[i] : "/login");
		CHECK(body_has(&p, "· Capital Schools &lt;Collaborative&gt;</title>"),
		      "%s: the title has no name", i < 3 ? paths[i] : "/login");
		CHECK(body_has(&p, "href=\"/brand/accent-7a2048.css\""), "%s: no accent stylesheet",
		      i < 3 ? paths[i] : "/login");
		CHECK(body_has(&p, logo_url), "%s: no logo", i < 3 ? paths[i] : "/login");
		reply_free(&p);
	}
	Reply css = client_get(visitor, "/brand/accent-7a2048.css");
	CHECK(css.status == 200 && body_has(&css, "--accent: #7a2048") &&
		      body_has(&css, "--accent-dark: #5b1836"),
	      "accent stylesheet: %ld %.200s", css.status, css.body);
	CHECK(reply_has_header_value(&css, "Cache-Control", "public, max-age=31536000, immutable"),
	      "the accent stylesheet is not cached a year");
	CHECK(reply_header(&css, "Content-Type") &&
		      !strncmp(reply_header(&css, "Content-Type"), "text/css", 8),
	      "accent stylesheet type %s", reply_header(&css, "Content-Type"));
	reply_free(&css);
	Reply logo = client_get(visitor, logo_url);
	CHECK(logo.status == 200 && logo.body_len == sizeof png_logo &&
		      !memcmp(logo.body, png_logo, sizeof png_logo),
	      "the logo: %ld, %zu bytes", logo.status, logo.body_len);
	CHECK(reply_has_header_value(&logo, "Content-Type", "image/png"), "logo type %s",
	      reply_header(&logo, "Content-Type"));
	reply_free(&logo);
	const char *missing[] = {"/brand/logo-0000000000000000.png", "/brand/accent-zzzzzz.css",
				 "/brand/accent-7a2048.js", "/brand/other.css"};
	for (int i = 0; i < 4; i++) {
		Reply m = client_get(visitor, missing[i]);
		CHECK(m.status == 404, "%s got %ld", missing[i], m.status);
		reply_free(&m);
	}
	client_free(visitor);
	free(hash);

	/* Removing the logo and emptying the colour go back to Practica's look. */
	r = save_look(admin, admin_csrf, "Capital Schools", "", NULL, 0,
		      "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"remove_logo\"\r\n\r\n"
		      "yes\r\n");
	CHECK(r.status == 303, "removing the logo got %ld", r.status);
	reply_free(&r);
	Reply p = client_get(member, "/home");
	CHECK(!body_has(&p, "/brand/"), "the logo or accent is still on the page");
	CHECK(body_has(&p, "Capital Schools</a>"), "the name was lost");
	reply_free(&p);
	CHECK(settings_count() == 1, "settings left: %lld", (long long)settings_count());
}

TEST(stops_cleanly)
{
	CHECK(started, "no server");
	CHECK(server_stop(&srv) == 0, "the server did not stop cleanly");
}

static bool setup(void)
{
	if (!server_init(&srv) || !add_school(&srv, "Northfield Academy", "active") ||
	    !add_user(&srv, "mo@northfield.org", "Mo Member", "Northfield Academy", PASSWORD) ||
	    !server_start(&srv))
		return false;
	admin = client_new(&srv);
	member = client_new(&srv);
	if (!client_login(admin, ADMIN_EMAIL, ADMIN_PASSWORD) ||
	    !client_login(member, "mo@northfield.org", PASSWORD))
		return false;
	admin_csrf = client_csrf(admin, "/admin/branding");
	return admin_csrf != NULL;
}

int main(void)
{
	double t0 = now_seconds();
	started = setup();
	int rc = RUN_TESTS(accept_encoding_parsing, contrast_ratio_matches_wcag,
			   pages_are_gzipped_when_accepted, stylesheet_is_gzipped_and_cached,
			   only_admins_change_the_look, unreadable_colour_refused,
			   logo_must_be_a_small_image, saved_look_shows_on_every_page, stops_cleanly);
	fprintf(stderr, "http_brand: %.1f s\n", now_seconds() - t0);
	client_free(admin);
	client_free(member);
	free(admin_csrf);
	server_cleanup(&srv);
	return rc;
}
