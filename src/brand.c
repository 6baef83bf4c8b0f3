/* The association's look (brand.h): reading the settings for every page, the header's own
 * parts (home link with the logo, the member's communities), the /brand/ files (logo, accent
 * stylesheet), and the admin's form with the contrast check. */
#include "brand.h"

#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "html.h"
#include "page.h"
#include "validate.h"

#define NAME_MAX_BYTES 120
#define WHITE 0xffffffu
#define WASH 0xf4f6f9u /* --wash in practica.css: boxes that links and buttons sit on */

typedef struct {
	const char *name;      /* "" when not set */
	const char *accent;    /* "1f5fa8", "" when not set */
	const char *logo_hash; /* hex of the logo's hash, "" when there is no logo */
	const char *logo_type; /* "image/png" or "image/jpeg" */
} Brand;

static const char *setting(Req *r, const char *key)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT value FROM settings WHERE key = :key");
	db_bind_text(st, ":key", key);
	const char *v = db_step(st) == SQLITE_ROW ? arena_strdup(r->arena, db_col_text(st, 0)) : "";
	sqlite3_reset(st);
	return v;
}

/* The settings as last read, shared by the server's threads, under the community data's
 * change count that was read with the session (Req.seen): migration 013's triggers move it on
 * every write of a brand setting, by this server or another process. */
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t kept_count;
static char *kept_values[4];

static bool load_kept(Req *r, Brand *b)
{
	int64_t count = r->seen.communities;
	if (count <= 0)
		return false;
	pthread_mutex_lock(&kept_lock);
	bool hit = kept_count == count;
	if (hit) {
		b->name = arena_strdup(r->arena, kept_values[0]);
		b->accent = arena_strdup(r->arena, kept_values[1]);
		b->logo_hash = arena_strdup(r->arena, kept_values[2]);
		b->logo_type = arena_strdup(r->arena, kept_values[3]);
	}
	pthread_mutex_unlock(&kept_lock);
	return hit;
}

static void keep(Req *r, const Brand *b)
{
	int64_t count = r->seen.communities;
	if (count <= 0)
		return;
	const char *values[4] = {b->name, b->accent, b->logo_hash, b->logo_type};
	char *copies[4];
	for (int i = 0; i < 4; i++) {
		size_t n = strlen(values[i]) + 1;
		copies[i] = xmalloc(n);
		memcpy(copies[i], values[i], n);
	}
	pthread_mutex_lock(&kept_lock);
	kept_count = count;
	for (int i = 0; i < 4; i++) {
		char *old = kept_values[i];
		kept_values[i] = copies[i];
		copies[i] = old;
	}
	pthread_mutex_unlock(&kept_lock);
	for (int i = 0; i < 4; i++)
		free(copies[i]);
}

/* Every page's head, header and footer want these: read together, once per request, instead
 * of seven lookups a page (issue 8), and kept between requests while the change count stands.
 * A write of the settings (put_setting, drop_setting) forgets them, and the count this
 * request read is then out of date for them. */
static Brand load(Req *r)
{
	if (r->brand)
		return *(const Brand *)r->brand;
	Brand *b = arena_alloc(r->arena, sizeof *b);
	*b = (Brand){"", "", "", ""};
	if (load_kept(r, b)) {
		r->brand = b;
		return *b;
	}
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT key, value FROM settings WHERE key IN ('brand_name', "
		       "'brand_accent', 'brand_logo_hash', 'brand_logo_type')");
	while (db_step(st) == SQLITE_ROW) {
		const char *key = db_col_text(st, 0);
		const char *value = arena_strdup(r->arena, db_col_text(st, 1));
		if (!strcmp(key, "brand_name"))
			b->name = value;
		else if (!strcmp(key, "brand_accent"))
			b->accent = value;
		else if (!strcmp(key, "brand_logo_hash"))
			b->logo_hash = value;
		else
			b->logo_type = value;
	}
	sqlite3_reset(st);
	keep(r, b);
	r->brand = b;
	return *b;
}

const char *brand_name(Req *r)
{
	if (!r->db)
		return config.site_name;
	const char *name = load(r).name;
	return *name ? name : config.site_name;
}

static const char *logo_ext(const char *type)
{
	return !strcmp(type, "image/png") ? "png" : "jpg";
}

void brand_head_links(Req *r)
{
	if (!r->db)
		return;
	const char *accent = load(r).accent;
	if (*accent)
		html(&r->out, "<link rel=\"stylesheet\" href=\"/brand/accent-%s.css\">\n", accent);
}

void brand_header_link(Req *r)
{
	Brand b = r->db ? load(r) : (Brand){"", "", "", ""};
	const char *name = *b.name ? b.name : config.site_name;
	if (*b.logo_hash)
		/* The name follows as text, so the image is decoration to a screen reader. */
		html(&r->out, "<a class=\"brand\" href=\"/\"><img class=\"brand-logo\" src=\"/brand/"
			      "logo-%s.%s\" alt=\"\">%s</a>\n",
		     b.logo_hash, logo_ext(b.logo_type), name);
	else
		html(&r->out, "<a class=\"brand\" href=\"/\">%s</a>\n", name);
}

/* The member's communities, at most MY_COMMUNITIES_MAX (the directory has them all), through
 * the per-user indexes of memberships and facilitators. A <details> needs no script. */
#define MY_COMMUNITIES_MAX 12

void brand_my_communities(Req *r)
{
	if (!r->db || !r->user)
		return;
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT c.slug, c.name FROM memberships m JOIN communities c ON "
		       "c.id = m.community_id WHERE m.user_id = :u AND m.status = 'participant' AND "
		       "c.status != 'archived' UNION SELECT c.slug, c.name FROM facilitators f JOIN "
		       "communities c ON c.id = f.community_id WHERE f.user_id = :u AND "
		       "c.status != 'archived' ORDER BY 2 LIMIT :limit");
	db_bind_int(st, ":u", r->user->id);
	db_bind_int(st, ":limit", MY_COMMUNITIES_MAX);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(&r->out, "<li class=\"my-communities\"><details><summary>My communities"
					  "</summary><ul>");
		const char *href = arena_printf(r->arena, "/communities/%s", db_col_text(st, 0));
		bool here = !strcmp(r->path, href);
		/* The attribute is markup: through %s it would be escaped into a broken one. */
		html(&r->out, "<li><a href=\"%s\"", href);
		if (here)
			html_raw(&r->out, " aria-current=\"page\"");
		html(&r->out, ">%s</a></li>", db_col_text(st, 1));
	}
	sqlite3_reset(st);
	if (n)
		html_raw(&r->out, "</ul></details></li>");
}

/* ---- colours ---- */

bool brand_parse_colour(const char *s, unsigned *rgb)
{
	if (!s)
		return false;
	if (*s == '#')
		s++;
	if (strlen(s) != 6)
		return false;
	unsigned v = 0;
	for (int i = 0; i < 6; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return false;
		v = v << 4 | (unsigned)d;
	}
	*rgb = v;
	return true;
}

static double channel(unsigned c8)
{
	double c = c8 / 255.0;
	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(unsigned rgb)
{
	return 0.2126 * channel(rgb >> 16 & 0xff) + 0.7152 * channel(rgb >> 8 & 0xff) +
	       0.0722 * channel(rgb & 0xff);
}

double brand_contrast(unsigned a, unsigned b)
{
	double la = luminance(a), lb = luminance(b);
	return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

const char *brand_check_accent(Arena *a, unsigned rgb)
{
	/* Buttons are white text on the accent; links are the accent on white and on the wash.
	 * The wash is the lighter test, so it decides. */
	double worst = fmin(brand_contrast(rgb, WHITE), brand_contrast(rgb, WASH));
	if (worst >= BRAND_MIN_CONTRAST)
		return NULL;
	return arena_printf(a, "This colour is too light to read: text on it, and links in it, "
			       "have a contrast of only %.1f:1 where at least %.1f:1 is needed "
			       "(WCAG AA). Choose a darker shade.",
			    floor(worst * 10) / 10, BRAND_MIN_CONTRAST);
}

/* The header's background and hovered buttons: the accent a quarter darker. */
static unsigned darker(unsigned rgb)
{
	unsigned r = (rgb >> 16 & 0xff) * 3 / 4, g = (rgb >> 8 & 0xff) * 3 / 4, b = (rgb & 0xff) * 3 / 4;
	return r << 16 | g << 8 | b;
}

/* ---- /brand/ files ---- */

static void cache_for_a_year(Req *r)
{
	resp_header(r, "Cache-Control", "public, max-age=31536000, immutable");
}

/* GET /brand/accent-RRGGBB.css and /brand/logo-HASH.png|jpg. Public: the sign-in page shows
 * them too. The content is in the address, so each answer may be cached for a year. */
void handle_brand_asset(Req *r)
{
	const char *want = req_param(r, 0);
	unsigned rgb;
	size_t n = strlen(want);
	if (n == 17 && !strncmp(want, "accent-", 7) && !strcmp(want + 13, ".css")) {
		char hex[7];
		memcpy(hex, want + 7, 6);
		hex[6] = '\0';
		if (brand_parse_colour(hex, &rgb)) {
			r->content_type = "text/css; charset=utf-8";
			cache_for_a_year(r);
			buf_printf(&r->out, ":root { --accent: #%06x; --accent-dark: #%06x; }\n", rgb,
				   darker(rgb));
			return;
		}
	}
	if (!strncmp(want, "logo-", 5)) {
		sqlite3_stmt *st = db_prepare(
			r->db, "SELECT (SELECT value FROM settings WHERE key = 'brand_logo_hash'), "
			       "(SELECT value FROM settings WHERE key = 'brand_logo_type'), "
			       "(SELECT value FROM settings WHERE key = 'brand_logo')");
		if (db_step(st) == SQLITE_ROW && *db_col_text(st, 0)) {
			const char *name = arena_printf(r->arena, "logo-%s.%s", db_col_text(st, 0),
							logo_ext(db_col_text(st, 1)));
			if (!strcmp(name, want)) {
				r->content_type = arena_strdup(r->arena, db_col_text(st, 1));
				const void *bytes = sqlite3_column_blob(st, 2);
				int size = sqlite3_column_bytes(st, 2);
				buf_append(&r->out, bytes, (size_t)size);
				sqlite3_reset(st);
				cache_for_a_year(r);
				return;
			}
		}
		sqlite3_reset(st);
	}
	resp_error(r, 404, "There is no file at this address.");
}

/* ---- the admin's form ---- */

typedef struct {
	const char *name, *accent;
	const char *e_name, *e_accent, *e_logo;
	int errors;
} BrandForm;

static void branding_page(Req *r, const BrandForm *f)
{
	Buf *o = &r->out;
	Brand b = load(r);
	page_begin(r, "The association's look");
	html(o, "<p class=\"meta\"><a href=\"/admin\">Administration</a></p>\n"
		"<h1>The association's look</h1>\n<p class=\"lead\">The name, logo and accent colour "
		"every page shows in its header, titles and certificates.</p>\n");
	form_error_summary(r, f->errors);
	html(o, "<form method=\"post\" action=\"/admin/branding\" enctype=\"multipart/form-data\" "
		"novalidate>\n<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n",
	     csrf_token(r));
	form_input(r, "name", "The association's name", "text", f->name, f->e_name,
		   "organization");
	html(o, "<div class=\"field%s\">\n<label for=\"f-accent\">Accent colour (for links, buttons "
		"and the header), as #RRGGBB</label>\n<p class=\"hint\" id=\"f-accent-hint\">Empty "
		"for Practica's blue. It must keep text readable: a contrast of at least 4.5:1 "
		"against white.</p>\n",
	     f->e_accent ? " has-error" : "");
	if (f->e_accent)
		html(o, "<p class=\"field-error\" id=\"f-accent-error\">%s</p>\n", f->e_accent);
	html(o, "<input id=\"f-accent\" name=\"accent\" type=\"text\" value=\"%s\" "
		"autocomplete=\"off\" spellcheck=\"false\" ",
	     f->accent);
	html_raw(o, f->e_accent ? "aria-describedby=\"f-accent-hint f-accent-error\" "
				  "aria-invalid=\"true\">\n</div>\n"
				: "aria-describedby=\"f-accent-hint\">\n</div>\n");
	html(o, "<div class=\"field%s\">\n<label for=\"f-logo\">Logo (PNG or JPEG, at most %d KB; "
		"shown about 48 pixels high)</label>\n",
	     f->e_logo ? " has-error" : "", BRAND_LOGO_MAX / 1024);
	if (f->e_logo)
		html(o, "<p class=\"field-error\" id=\"f-logo-error\">%s</p>\n", f->e_logo);
	html_raw(o, f->e_logo ? "<input id=\"f-logo\" name=\"logo\" type=\"file\" "
				"accept=\"image/png,image/jpeg\" aria-invalid=\"true\" "
				"aria-describedby=\"f-logo-error\">\n</div>\n"
			      : "<input id=\"f-logo\" name=\"logo\" type=\"file\" "
				"accept=\"image/png,image/jpeg\">\n</div>\n");
	if (*b.logo_hash)
		html(o, "<p class=\"brand-preview\">The logo now: <img src=\"/brand/logo-%s.%s\" "
			"alt=\"The association's current logo\"></p>\n<div class=\"field checkbox\">"
			"<input id=\"f-remove-logo\" type=\"checkbox\" name=\"remove_logo\" value=\"yes\">"
			" <label for=\"f-remove-logo\">Remove the logo</label></div>\n",
		     b.logo_hash, logo_ext(b.logo_type));
	html_raw(o, "<button type=\"submit\">Save</button>\n</form>\n");
	page_end(r);
}

void handle_admin_branding(Req *r)
{
	BrandForm f = {.name = setting(r, "brand_name"), .accent = setting(r, "brand_accent")};
	if (!*f.name)
		f.name = config.site_name;
	if (*f.accent)
		f.accent = arena_printf(r->arena, "#%s", f.accent);
	branding_page(r, &f);
}

/* The logo's bytes from the upload when it is a PNG or JPEG within the size limit; NULL with
 * a reason in *why otherwise. */
static unsigned char *read_logo(Req *r, const Upload *u, const char **type, const char **why)
{
	if (u->size > BRAND_LOGO_MAX) {
		*why = arena_printf(r->arena, "The logo is %lld KB; it may be at most %d KB. Save it "
					      "smaller, e.g. 400 pixels wide.",
				    (long long)(u->size + 1023) / 1024, BRAND_LOGO_MAX / 1024);
		return NULL;
	}
	unsigned char *bytes = arena_alloc(r->arena, (size_t)u->size + 1);
	rewind(u->tmp);
	if (fread(bytes, 1, (size_t)u->size, u->tmp) != (size_t)u->size) {
		*why = "The logo could not be read. Please choose it again.";
		return NULL;
	}
	static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	if (u->size > 8 && !memcmp(bytes, png, 8))
		*type = "image/png";
	else if (u->size > 3 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff)
		*type = "image/jpeg";
	else {
		*why = "The logo must be a PNG or JPEG image.";
		return NULL;
	}
	return bytes;
}

static bool put_setting(Req *r, const char *key, const void *value, int size, bool blob)
{
	r->brand = NULL;
	r->seen.communities = 0;
	sqlite3_stmt *st = db_prepare(r->db, "INSERT INTO settings (key, value) VALUES (:k, :v) "
					     "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	db_bind_text(st, ":k", key);
	if (blob)
		db_bind_blob(st, ":v", value, size);
	else
		db_bind_text(st, ":v", value);
	return db_run(st);
}

static bool drop_setting(Req *r, const char *key)
{
	r->brand = NULL;
	r->seen.communities = 0;
	sqlite3_stmt *st = db_prepare(r->db, "DELETE FROM settings WHERE key = :k");
	db_bind_text(st, ":k", key);
	return db_run(st);
}

/* POST /admin/branding (multipart): name, accent, logo (file), remove_logo. */
void handle_admin_branding_save(Req *r)
{
	BrandForm f = {.name = trimmed(r->arena, req_form(r, "name")),
		       .accent = trimmed(r->arena, req_form(r, "accent"))};
	f.e_name = check_text(r->arena, f.name, true, NAME_MAX_BYTES);
	unsigned rgb = 0;
	if (*f.accent && !brand_parse_colour(f.accent, &rgb))
		f.e_accent = "Write the colour as # and six hex digits, e.g. #1f5fa8.";
	else if (*f.accent)
		f.e_accent = brand_check_accent(r->arena, rgb);
	const Upload *u = req_upload(r, "logo");
	const char *logo_type = NULL;
	unsigned char *logo = NULL;
	if (u && u->size > 0)
		logo = read_logo(r, u, &logo_type, &f.e_logo);
	f.errors = !!f.e_name + !!f.e_accent + !!f.e_logo;
	if (f.errors) {
		r->status = 422;
		branding_page(r, &f);
		return;
	}
	if (!db_begin(r->db)) {
		resp_error(r, 503, "The settings could not be saved just now. Please try again.");
		return;
	}
	bool ok = strcmp(f.name, config.site_name) ? put_setting(r, "brand_name", f.name, 0, false)
						     : drop_setting(r, "brand_name");
	char hex[7];
	snprintf(hex, sizeof hex, "%06x", rgb);
	ok = ok && (*f.accent ? put_setting(r, "brand_accent", hex, 0, false)
			      : drop_setting(r, "brand_accent"));
	if (ok && logo) {
		unsigned char digest[8];
		char digest_hex[17];
		crypto_generichash(digest, sizeof digest, logo, (size_t)u->size, NULL, 0);
		sodium_bin2hex(digest_hex, sizeof digest_hex, digest, sizeof digest);
		ok = put_setting(r, "brand_logo", logo, (int)u->size, true) &&
		     put_setting(r, "brand_logo_type", logo_type, 0, false) &&
		     put_setting(r, "brand_logo_hash", digest_hex, 0, false);
	} else if (ok && req_form(r, "remove_logo")) {
		ok = drop_setting(r, "brand_logo") && drop_setting(r, "brand_logo_type") &&
		     drop_setting(r, "brand_logo_hash");
	}
	if (!ok || !db_commit(r->db)) {
		db_rollback(r->db);
		resp_error(r, 503, "The settings could not be saved just now. Please try again.");
		return;
	}
	resp_redirect(r, "/admin/branding?notice=branding-saved");
}
