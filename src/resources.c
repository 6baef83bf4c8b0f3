/* Library resources: links members share (a title, an http or https address, a description
 * and tags), checked so that only web addresses ever become links: no javascript:, data: or
 * other schemes, no user:password@ tricks, no spaces or markup characters. */
#include <string.h>
#include <time.h>

#include "auth.h"
#include "handlers.h"
#include "html.h"
#include "library.h"
#include "page.h"
#include "validate.h"

const char *library_check_url(Arena *a, const char *url)
{
	if (!*url)
		return "Enter the page's address, starting with https://.";
	if (strlen(url) > LIB_URL_MAX)
		return arena_printf(a, "This address is too long: at most %d characters.", LIB_URL_MAX);
	const char *rest;
	if (!strncasecmp(url, "https://", 8))
		rest = url + 8;
	else if (!strncasecmp(url, "http://", 7))
		rest = url + 7;
	else
		return "Only web addresses starting with https:// (or http://) can be shared.";
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p <= 0x20 || *p == 0x7f)
			return "An address cannot contain spaces: copy it from the browser's "
			       "address bar.";
		if (strchr("<>\"\\^`{|}", *p))
			return "This address contains characters that web addresses do not have.";
	}
	size_t authority = strcspn(rest, "/?#");
	if (memchr(rest, '@', authority))
		return "Addresses with a user name or password in them (name@host) are not accepted.";
	size_t host = authority;
	if (rest[0] == '[') { /* an IPv6 literal */
		const char *close = memchr(rest, ']', authority);
		if (!close)
			return "This address's host name is not valid.";
		host = (size_t)(close - rest) + 1;
	} else {
		const char *colon = memchr(rest, ':', authority);
		if (colon)
			host = (size_t)(colon - rest);
		bool has_alnum = false;
		for (size_t i = 0; i < host; i++) {
			unsigned char c = (unsigned char)rest[i];
			bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				  (c >= '0' && c <= '9') || c == '-' || c == '.' || c >= 0x80;
			if (!ok)
				return "This address's host name is not valid.";
			has_alnum |= c != '-' && c != '.';
		}
		if (!has_alnum)
			return "Enter the whole address, with the site's name, e.g. "
			       "https://www.example.org/page.";
	}
	if (host < authority) { /* a port */
		if (rest[host] != ':' || authority - host < 2 || authority - host > 6 ||
		    strspn(rest + host + 1, "0123456789") != authority - host - 1)
			return "This address's port is not valid.";
	}
	return NULL;
}

static void resource_form(Req *r, const LibraryFields *f, const char *url, const char *e_url)
{
	page_begin(r, "Share a link");
	html_raw(&r->out, "<p class=\"meta\"><a href=\"/library\">Library</a></p>\n"
			  "<h1>Share a link</h1>\n<p>A web page, an article, a toolkit or a video "
			  "other members could use.</p>\n");
	form_error_summary(r, f->errors + (e_url != NULL));
	form_begin(r, "/library/links");
	form_input(r, "url", "Address (https://...)", "url", url, e_url, "off");
	library_fields_form(r, f, false);
	html_raw(&r->out, "<button type=\"submit\">Share the link</button>\n");
	form_end(r);
	page_end(r);
}

void handle_resource_new(Req *r)
{
	LibraryFields f = {.title = "", .description = "", .tags_text = ""};
	f.community_id = parse_id(req_query(r, "community"));
	if (!library_may_share_in(r, f.community_id))
		f.community_id = 0;
	resource_form(r, &f, "", NULL);
}

void handle_resource_create(Req *r)
{
	LibraryFields f;
	library_read_fields(r, &f, false);
	const char *url = trimmed(r->arena, req_form(r, "url"));
	const char *e_url = library_check_url(r->arena, url);
	if (!e_url) {
		sqlite3_stmt *st = db_prepare(r->db, "SELECT i.title FROM library_items i WHERE "
						     "i.kind = 'resource' AND i.url = :url AND "
						     LIBRARY_VISIBLE " LIMIT 1");
		db_bind_text(st, ":url", url);
		db_bind_int(st, ":me", r->user->id);
		db_bind_int(st, ":admin", r->user->is_admin);
		if (db_step(st) == SQLITE_ROW)
			e_url = arena_printf(r->arena, "This link is already in the library, as "
						       "\xe2\x80\x9c%s\xe2\x80\x9d. Rate it there instead.",
					     db_col_text(st, 0));
		sqlite3_reset(st);
	}
	if (f.errors || e_url) {
		r->status = 422;
		resource_form(r, &f, url, e_url);
		return;
	}
	if (!db_begin(r->db)) {
		resp_error(r, 503, "The link could not be saved just now. Please try again.");
		return;
	}
	int64_t now = time(NULL);
	sqlite3_stmt *st = db_prepare(
		r->db, "INSERT INTO library_items (kind, title, description, url, category_id, "
		       "community_id, created_by, created_at, updated_at) VALUES ('resource', :title, "
		       ":description, :url, nullif(:category, 0), nullif(:community, 0), :me, :now, "
		       ":now)");
	db_bind_text(st, ":title", f.title);
	db_bind_text(st, ":description", f.description);
	db_bind_text(st, ":url", url);
	db_bind_int(st, ":category", f.category_id);
	db_bind_int(st, ":community", f.community_id);
	db_bind_int(st, ":me", r->user->id);
	db_bind_int(st, ":now", now);
	bool ok = db_run(st);
	int64_t item = db_last_id(r->db);
	ok = ok && library_save_tags(r->db, item, f.tags, f.ntags);
	if (ok)
		library_index(r->db, item);
	if (!ok || !db_commit(r->db)) {
		db_rollback(r->db);
		resp_error(r, 503, "The link could not be saved just now. Please try again.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/library/%lld?notice=link-shared", (long long)item));
}
