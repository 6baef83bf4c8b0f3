/* One library item's page (a document with its versions, or a link), editing and deleting it
 * (whoever shared it, admins, and for a community's item its facilitators), and members'
 * ratings: one per member per item, 1 to 5 stars with an optional short review, changeable
 * and removable. Members do not rate what they shared themselves. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "auth.h"
#include "handlers.h"
#include "html.h"
#include "library.h"
#include "markdown.h"
#include "page.h"
#include "search.h"
#include "validate.h"

static const char *const star_words[] = {"", "1 star: not useful", "2 stars: somewhat useful",
					 "3 stars: useful", "4 stars: very useful",
					 "5 stars: essential"};

/* ---- the page ---- */

static void ratings_section(Req *r, const LibraryItem *it, const ItemForms *forms)
{
	Buf *o = &r->out;
	html_raw(o, "<section id=\"ratings\" aria-labelledby=\"h-ratings\">\n"
		    "<h2 id=\"h-ratings\">Ratings and reviews</h2>\n<p>");
	library_rating_html(r, it->rating, it->ratings);
	html_raw(o, "</p>\n");
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT coalesce(u.name, 'a former member'), coalesce(s.name, ''), x.stars, "
		       "x.review, x.updated_at, x.user_id = :me FROM library_ratings x "
		       "LEFT JOIN users u ON u.id = x.user_id LEFT JOIN schools s ON s.id = u.school_id "
		       "WHERE x.item_id = :id ORDER BY x.review = '', x.updated_at DESC");
	db_bind_int(st, ":id", it->id);
	db_bind_int(st, ":me", r->user->id);
	int n = 0;
	int64_t mine = 0;
	const char *my_review = "";
	while (db_step(st) == SQLITE_ROW) {
		int64_t stars = db_col_int(st, 2);
		if (db_col_int(st, 5)) {
			mine = stars;
			my_review = arena_strdup(r->arena, db_col_text(st, 3));
		}
		if (n++ == 0)
			html_raw(o, "<ul class=\"reviews\">\n");
		char shown[16] = "";
		for (int64_t i = 0; i < stars && i < 5; i++)
			strcat(shown, "\xe2\x98\x85"); /* ★ */
		html(o, "<li><p><span class=\"rating\"><span aria-hidden=\"true\">%s</span>"
			"<span class=\"visually-hidden\">%lld out of 5</span></span> "
			"<span class=\"person-name\">%s</span>",
		     shown, (long long)stars, db_col_text(st, 0));
		if (*db_col_text(st, 1))
			html(o, " <span class=\"meta\">%s</span>", db_col_text(st, 1));
		html(o, " <span class=\"meta\">%s</span></p>\n", format_date(r, db_col_int(st, 4)));
		if (*db_col_text(st, 3))
			html(o, "<p class=\"review-text\">%s</p>\n", db_col_text(st, 3));
		html_raw(o, "</li>\n");
	}
	sqlite3_reset(st);
	if (n)
		html_raw(o, "</ul>\n");
	if (it->created_by == r->user->id) {
		html_raw(o, "<p class=\"meta\">You shared this, so others rate it.</p>\n</section>\n");
		return;
	}
	int64_t stars = forms && forms->e_rating ? forms->stars : mine;
	const char *review = forms && forms->e_rating ? forms->review : my_review;
	html(o, "<h3>%s</h3>\n", mine ? "Your rating" : "Rate it");
	form_begin(r, arena_printf(r->arena, "/library/%lld/rating", (long long)it->id));
	if (forms && forms->e_rating)
		html(o, "<p class=\"field-error\" id=\"f-rating-error\">%s</p>\n", forms->e_rating);
	html_raw(o, "<fieldset class=\"field stars\"><legend>How useful is it?</legend>\n");
	for (int i = 5; i >= 1; i--)
		html(o, "<div class=\"choice\"><input type=\"radio\" id=\"f-stars-%d\" name=\"stars\" "
			"value=\"%d\"%s> <label for=\"f-stars-%d\">%s</label></div>\n",
		     i, i, stars == i ? " checked" : "", i, star_words[i]);
	html_raw(o, "</fieldset>\n");
	form_textarea(r, "review", "Short review (optional)", review, NULL,
		      "How you used it, what to adapt. At most 1,000 characters; shown with your "
		      "name.");
	html(o, "<button type=\"submit\">%s</button>\n", mine ? "Change my rating" : "Save my rating");
	form_end(r);
	if (mine)
		button_form(r, arena_printf(r->arena, "/library/%lld/rating/delete", (long long)it->id),
			    "Remove my rating", "secondary");
	html_raw(o, "</section>\n");
}

void library_item_page(Req *r, const LibraryItem *it, const ItemForms *forms)
{
	Buf *o = &r->out;
	page_begin(r, it->title);
	html_raw(o, "<p class=\"meta\"><a href=\"/library\">Library</a>");
	if (*it->category)
		html(o, " · <a href=\"/library?category=%lld\">%s</a>", (long long)it->category_id,
		     it->category);
	if (it->community_id)
		html(o, " · <a href=\"/communities/%s/library\">%s folder</a>", it->community_slug,
		     it->community_name);
	html(o, "</p>\n<h1>%s</h1>\n", it->title);
	if (it->is_document)
		html(o, "<p class=\"download\"><a class=\"button\" href=\"/library/%lld/file\">Download"
			"<span class=\"visually-hidden\"> %s</span></a> <span class=\"meta\">%s (%s, "
			"%s%s)</span></p>\n",
		     (long long)it->id, it->title, it->file_name, library_type_label(it->file_type),
		     library_size_label(r, it->file_size),
		     it->version > 1 ? arena_printf(r->arena, ", version %lld", (long long)it->version)
				     : "");
	else
		html(o, "<p class=\"download\"><a class=\"button\" href=\"%s\" rel=\"noopener "
			"noreferrer nofollow ugc\">Open the link<span class=\"visually-hidden\"> %s"
			"</span></a> <span class=\"meta link-url\">%s</span></p>\n",
		     it->url, it->title, it->url);
	if (*it->description)
		markdown_html(o, it->description);

	html_raw(o, "<dl class=\"facts\">\n");
	html(o, "<dt>Category</dt><dd>%s</dd>\n", *it->category ? it->category : "None");
	if (it->community_id)
		html(o, "<dt>Who can see it</dt><dd>Only the participants and facilitators of "
			"<a href=\"/communities/%s\">%s</a></dd>\n",
		     it->community_slug, it->community_name);
	else
		html_raw(o, "<dt>Who can see it</dt><dd>All members</dd>\n");
	html(o, "<dt>Shared by</dt><dd>%s, %s</dd>\n", it->creator, format_date(r, it->created_at));
	if (it->updated_at != it->created_at)
		html(o, "<dt>Last changed</dt><dd>%s</dd>\n", format_date(r, it->updated_at));
	const char *tags = library_tags_text(r, it->id);
	if (*tags) {
		html_raw(o, "<dt>Tags</dt><dd><ul class=\"tags\">");
		sqlite3_stmt *st = db_prepare(r->db, "SELECT tag FROM library_tags WHERE "
						     "item_id = :id ORDER BY tag");
		db_bind_int(st, ":id", it->id);
		while (db_step(st) == SQLITE_ROW)
			html(o, "<li><a href=\"/library?tag=%s\">%s</a></li>",
			     url_encode(r->arena, db_col_text(st, 0)), db_col_text(st, 0));
		sqlite3_reset(st);
		html_raw(o, "</ul></dd>\n");
	}
	html_raw(o, "</dl>\n");
	if (library_may_edit(r, it)) {
		html(o, "<p class=\"actions\"><a class=\"button secondary\" href=\"/library/%lld/edit\">"
			"Edit<span class=\"visually-hidden\"> %s</span></a> ",
		     (long long)it->id, it->title);
		button_form(r, arena_printf(r->arena, "/library/%lld/delete", (long long)it->id),
			    it->is_document ? "Delete the document and all its versions"
					    : "Delete the link",
			    "secondary danger");
		html_raw(o, "</p>\n");
	}
	if (it->is_document)
		document_versions_section(r, it, forms);
	ratings_section(r, it, forms);
	page_end(r);
}

void handle_library_item(Req *r)
{
	LibraryItem *it = library_item_from_path(r);
	if (it)
		library_item_page(r, it, NULL);
}

/* ---- editing ---- */

static bool may_edit_or_403(Req *r, const LibraryItem *it)
{
	if (library_may_edit(r, it))
		return true;
	resp_error(r, 403, "Only whoever shared this, its community's facilitators and "
			   "association staff can change or delete it.");
	return false;
}

static void edit_page(Req *r, const LibraryItem *it, const LibraryFields *f, const char *url,
		      const char *e_url)
{
	page_begin(r, arena_printf(r->arena, "Edit: %s", it->title));
	html(&r->out, "<p class=\"meta\"><a href=\"/library\">Library</a> · <a href=\"/library/%lld\">"
		      "%s</a></p>\n<h1>Edit %s</h1>\n",
	     (long long)it->id, it->title, it->is_document ? "the document" : "the link");
	form_error_summary(r, f->errors + (e_url != NULL));
	form_begin(r, arena_printf(r->arena, "/library/%lld/edit", (long long)it->id));
	if (!it->is_document)
		form_input(r, "url", "Address (https://...)", "url", url, e_url, "off");
	library_fields_form(r, f, it->is_document);
	if (it->is_document)
		html(&r->out, "<p class=\"hint\">To change the file, upload a new version on the "
			      "<a href=\"/library/%lld#versions\">document's page</a>.</p>\n",
		     (long long)it->id);
	html_raw(&r->out, "<button type=\"submit\">Save changes</button>\n");
	form_end(r);
	page_end(r);
}

void handle_library_item_edit(Req *r)
{
	LibraryItem *it = library_item_from_path(r);
	if (!it || !may_edit_or_403(r, it))
		return;
	LibraryFields f = {.title = it->title, .description = it->description,
			   .tags_text = library_tags_text(r, it->id), .category_id = it->category_id,
			   .community_id = it->community_id};
	edit_page(r, it, &f, it->url, NULL);
}

void handle_library_item_update(Req *r)
{
	LibraryItem *it = library_item_from_path(r);
	if (!it || !may_edit_or_403(r, it))
		return;
	LibraryFields f;
	library_read_fields(r, &f, it->is_document);
	/* Keeping the community it already has is allowed even to someone who left it. */
	if (f.e_community && f.community_id == it->community_id) {
		f.e_community = NULL;
		f.errors--;
	}
	const char *url = NULL, *e_url = NULL;
	if (!it->is_document) {
		url = trimmed(r->arena, req_form(r, "url"));
		e_url = library_check_url(r->arena, url);
	}
	if (f.errors || e_url) {
		r->status = 422;
		edit_page(r, it, &f, url, e_url);
		return;
	}
	if (!db_begin(r->db)) {
		resp_error(r, 503, "The changes could not be saved just now. Please try again.");
		return;
	}
	sqlite3_stmt *st = db_prepare(
		r->db, "UPDATE library_items SET title = :title, description = :description, "
		       "category_id = nullif(:category, 0), community_id = nullif(:community, 0), "
		       "url = CASE WHEN kind = 'resource' THEN :url END, updated_at = :now "
		       "WHERE id = :id");
	db_bind_text(st, ":title", f.title);
	db_bind_text(st, ":description", f.description);
	db_bind_int(st, ":category", f.category_id);
	db_bind_int(st, ":community", f.community_id);
	db_bind_text(st, ":url", url ? url : "");
	db_bind_int(st, ":now", time(NULL));
	db_bind_int(st, ":id", it->id);
	bool ok = db_run(st) && library_save_tags(r->db, it->id, f.tags, f.ntags);
	if (ok)
		library_index(r->db, it->id);
	if (!ok || !db_commit(r->db)) {
		db_rollback(r->db);
		resp_error(r, 503, "The changes could not be saved just now. Please try again.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/library/%lld?notice=item-saved", (long long)it->id));
}

void handle_library_item_delete(Req *r)
{
	LibraryItem *it = library_item_from_path(r);
	if (!it || !may_edit_or_403(r, it))
		return;
	if (!db_begin(r->db)) {
		resp_error(r, 503, "It could not be deleted just now. Please try again.");
		return;
	}
	/* Versions, tags and ratings go with the item; each version's file (and its bytes, when
	 * no other file names them) with its version: triggers in migration 006. */
	sqlite3_stmt *st = db_prepare(r->db, "DELETE FROM library_items WHERE id = :id");
	db_bind_int(st, ":id", it->id);
	bool ok = db_run(st);
	if (ok)
		search_remove(r->db, it->is_document ? "document" : "resource", it->id);
	if (!ok || !db_commit(r->db)) {
		db_rollback(r->db);
		resp_error(r, 503, "It could not be deleted just now. Please try again.");
		return;
	}
	audit(r, "library.delete", "library item #%lld %s", (long long)it->id, it->title);
	resp_redirect(r, it->community_id
				 ? arena_printf(r->arena, "/communities/%s/library?notice=item-deleted",
						it->community_slug)
				 : "/library?notice=item-deleted");
}

/* ---- ratings ---- */

void handle_library_rate(Req *r)
{
	LibraryItem *it = library_item_from_path(r);
	if (!it)
		return;
	if (it->created_by == r->user->id) {
		resp_error(r, 403, "You shared this yourself, so you cannot rate it: ratings are "
				   "other members' views.");
		return;
	}
	ItemForms forms = {.review = trimmed(r->arena, req_form(r, "review"))};
	const char *stars = req_form_or(r, "stars", "");
	forms.stars = strlen(stars) == 1 && stars[0] >= '1' && stars[0] <= '5' ? stars[0] - '0' : 0;
	if (!forms.stars)
		forms.e_rating = "Choose from 1 to 5 stars.";
	else
		forms.e_rating = check_text(r->arena, forms.review, false, LIB_REVIEW_MAX);
	if (forms.e_rating) {
		r->status = 422;
		library_item_page(r, it, &forms);
		return;
	}
	int64_t now = time(NULL);
	sqlite3_stmt *st = db_prepare(
		r->db, "INSERT INTO library_ratings (item_id, user_id, stars, review, created_at, "
		       "updated_at) VALUES (:item, :me, :stars, :review, :now, :now) "
		       "ON CONFLICT (item_id, user_id) DO UPDATE SET stars = excluded.stars, "
		       "review = excluded.review, updated_at = excluded.updated_at");
	db_bind_int(st, ":item", it->id);
	db_bind_int(st, ":me", r->user->id);
	db_bind_int(st, ":stars", forms.stars);
	db_bind_text(st, ":review", forms.review);
	db_bind_int(st, ":now", now);
	if (!db_run(st)) {
		resp_error(r, 503, "Your rating could not be saved just now. Please try again.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/library/%lld?notice=rating-saved#ratings",
				      (long long)it->id));
}

void handle_library_unrate(Req *r)
{
	LibraryItem *it = library_item_from_path(r);
	if (!it)
		return;
	sqlite3_stmt *st = db_prepare(r->db, "DELETE FROM library_ratings WHERE item_id = :item "
					     "AND user_id = :me");
	db_bind_int(st, ":item", it->id);
	db_bind_int(st, ":me", r->user->id);
	if (!db_run(st)) {
		resp_error(r, 503, "Your rating could not be removed just now. Please try again.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/library/%lld?notice=rating-removed#ratings",
				      (long long)it->id));
}
