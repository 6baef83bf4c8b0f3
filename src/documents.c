/* Library documents: the upload form and the upload (a multipart body the HTTP layer has
 * already streamed to a temporary file), new versions that keep the history, and downloads
 * of the current or any earlier version through the file store. Each upload is stored, its
 * rows written, indexed for search and announced to the community in one transaction. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "config.h"
#include "files.h"
#include "handlers.h"
#include "html.h"
#include "library.h"
#include "notify.h"
#include "page.h"
#include "search.h"
#include "validate.h"

static const char *file_label(void)
{
	static char label[200];
	snprintf(label, sizeof label,
		 "File (PDF, Word, Excel, PowerPoint, OpenDocument, image, text, Markdown or CSV; "
		 "at most %zu MB)",
		 (config.max_upload + 512 * 1024) / (1024 * 1024));
	return label;
}

/* A labelled file input with its own id (the item page holds other forms). */
static void file_field(Req *r, const char *id, const char *error)
{
	Buf *o = &r->out;
	html(o, "<div class=\"field%s\">\n<label for=\"%s\">%s</label>\n", error ? " has-error" : "",
	     id, file_label());
	if (error)
		html(o, "<p class=\"field-error\" id=\"%s-error\">%s</p>\n", id, error);
	html(o, "<input id=\"%s\" name=\"file\" type=\"file\"", id);
	if (error)
		html(o, " aria-invalid=\"true\" aria-describedby=\"%s-error\"", id);
	html_raw(o, ">\n</div>\n");
}

static void upload_form_begin(Req *r, const char *action)
{
	html(&r->out, "<form method=\"post\" action=\"%s\" enctype=\"multipart/form-data\" "
		      "novalidate>\n<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n",
	     action, csrf_token(r));
}

/* The file's text for the search index, at most LIB_TEXT_MAX bytes (cut between characters). */
static const char *file_text(Req *r, const Upload *u, const char *type)
{
	const char *text = search_extract_text(r->arena, u->tmp, type);
	size_t n = text ? strlen(text) : 0;
	if (n <= LIB_TEXT_MAX)
		return text ? text : "";
	n = LIB_TEXT_MAX;
	while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
		n--;
	return arena_strndup(r->arena, text, n);
}

/* The uploaded file's name without directories and extension, as a default title. */
static const char *title_from_filename(Req *r, const char *filename)
{
	const char *base = filename ? filename : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	char *title = arena_strdup(r->arena, base);
	char *dot = strrchr(title, '.');
	if (dot && dot != title)
		*dot = '\0';
	for (char *p = title; *p; p++)
		if (*p == '_')
			*p = ' ';
	title = trimmed(r->arena, title);
	return text_is_clean(title, strlen(title)) ? title : "";
}

/* ---- a new document ---- */

static void document_form(Req *r, const LibraryFields *f, const char *e_file)
{
	page_begin(r, "Upload a document");
	html_raw(&r->out, "<p class=\"meta\"><a href=\"/library\">Library</a></p>\n"
			  "<h1>Upload a document</h1>\n<p>Share a model document, a template or a "
			  "tool with all members, or only with one of your communities.</p>\n");
	form_error_summary(r, f->errors + (e_file != NULL));
	upload_form_begin(r, "/library");
	file_field(r, "f-file", e_file);
	library_fields_form(r, f, true);
	html_raw(&r->out, "<p class=\"hint\">The title may stay empty: the file's name is used."
			  "</p>\n<button type=\"submit\">Upload</button>\n</form>\n");
	page_end(r);
}

void handle_document_new(Req *r)
{
	LibraryFields f = {.title = "", .description = "", .tags_text = ""};
	f.community_id = parse_id(req_query(r, "community"));
	if (!library_may_share_in(r, f.community_id))
		f.community_id = 0;
	document_form(r, &f, NULL);
}

void handle_document_create(Req *r)
{
	const Upload *u = req_upload(r, "file");
	LibraryFields f;
	library_read_fields(r, &f, true);
	if (!*f.title && u && u->size > 0) {
		f.title = title_from_filename(r, u->filename);
		if (*f.title && f.e_title) {
			f.e_title = check_text(r->arena, f.title, true, LIB_TITLE_MAX);
			f.errors -= f.e_title == NULL;
		}
	}
	const char *e_file = NULL, *type = NULL;
	if (!u || u->size <= 0)
		e_file = u ? "The file you chose is empty: choose another one."
			   : "Choose the file to upload.";
	else
		type = file_upload_type(u, &e_file);
	if (f.errors || e_file) {
		r->status = 422;
		document_form(r, &f, e_file);
		return;
	}
	/* Text extraction may run pdftotext: done before the write lock is taken. */
	const char *text = file_text(r, u, type);
	if (!db_begin(r->db)) {
		resp_error(r, 503, "The document could not be saved just now. Please try again.");
		return;
	}
	const char *why = NULL;
	int64_t now = time(NULL), item = 0;
	int64_t file = file_store(r->db, u, r->user->id, &why);
	bool ok = file != 0;
	if (ok) {
		sqlite3_stmt *st = db_prepare(
			r->db, "INSERT INTO library_items (kind, title, description, category_id, "
			       "community_id, created_by, created_at, updated_at) VALUES ('document', "
			       ":title, :description, :category, nullif(:community, 0), :me, :now, :now)");
		db_bind_text(st, ":title", f.title);
		db_bind_text(st, ":description", f.description);
		db_bind_int(st, ":category", f.category_id);
		db_bind_int(st, ":community", f.community_id);
		db_bind_int(st, ":me", r->user->id);
		db_bind_int(st, ":now", now);
		ok = db_run(st);
		item = db_last_id(r->db);
	}
	if (ok) {
		sqlite3_stmt *st = db_prepare(
			r->db, "INSERT INTO library_versions (item_id, number, file_id, note, text, "
			       "uploaded_by, created_at) VALUES (:item, 1, :file, 'First version', "
			       ":text, :me, :now)");
		db_bind_int(st, ":item", item);
		db_bind_int(st, ":file", file);
		db_bind_text(st, ":text", text);
		db_bind_int(st, ":me", r->user->id);
		db_bind_int(st, ":now", now);
		ok = db_run(st) && library_save_tags(r->db, item, f.tags, f.ntags);
	}
	if (ok) {
		library_index(r->db, item);
		if (f.community_id) {
			sqlite3_stmt *st = db_prepare(r->db, "SELECT name FROM communities "
							     "WHERE id = :c");
			db_bind_int(st, ":c", f.community_id);
			const char *community = arena_strdup(
				r->arena, db_step(st) == SQLITE_ROW ? db_col_text(st, 0) : "");
			sqlite3_reset(st);
			notify_community(r->db, f.community_id, r->user->id, "material",
					 arena_printf(r->arena,
						      "%s added \xe2\x80\x9c%s\xe2\x80\x9d to the %s "
						      "library",
						      r->user->name, f.title, community),
					 library_item_url(r, item));
		}
	}
	if (ok && db_commit(r->db)) {
		resp_redirect(r, arena_printf(r->arena, "/library/%lld?notice=document-added",
					      (long long)item));
		return;
	}
	db_rollback(r->db);
	resp_error(r, 503, why && !file ? why : "The document could not be saved just now. "
						  "Please try again.");
}

/* ---- versions ---- */

void document_versions_section(Req *r, const LibraryItem *it, const ItemForms *forms)
{
	Buf *o = &r->out;
	html_raw(o, "<section id=\"versions\" aria-labelledby=\"h-versions\">\n"
		    "<h2 id=\"h-versions\">Versions</h2>\n<ol class=\"versions\" reversed>\n");
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT v.id, v.number, v.created_at, coalesce(u.name, 'a former member'), "
		       "v.note, f.name, f.content_type, f.size FROM library_versions v "
		       "JOIN files f ON f.id = v.file_id LEFT JOIN users u ON u.id = v.uploaded_by "
		       "WHERE v.item_id = :id ORDER BY v.number DESC");
	db_bind_int(st, ":id", it->id);
	while (db_step(st) == SQLITE_ROW) {
		int64_t number = db_col_int(st, 1);
		html(o, "<li><p><strong>Version %lld%s</strong> <span class=\"meta\">%s, %s, by %s"
			"</span></p>\n<p>%s</p>\n<p><a href=\"/library/%lld/versions/%lld\">Download "
			"%s<span class=\"visually-hidden\"> (version %lld)</span></a> <span "
			"class=\"meta\">%s, %s</span></p></li>\n",
		     (long long)number, number == it->version ? " (current)" : "",
		     format_date(r, db_col_int(st, 2)), format_time(r, db_col_int(st, 2)),
		     db_col_text(st, 3), db_col_text(st, 4), (long long)it->id,
		     (long long)db_col_int(st, 0), db_col_text(st, 5), (long long)number,
		     library_type_label(db_col_text(st, 6)), library_size_label(r, db_col_int(st, 7)));
	}
	sqlite3_reset(st);
	html_raw(o, "</ol>\n");
	if (library_may_edit(r, it)) {
		html_raw(o, "<h3 id=\"h-new-version\">Upload a new version</h3>\n<p>The earlier "
			    "versions stay available here.</p>\n");
		upload_form_begin(r, arena_printf(r->arena, "/library/%lld/versions", (long long)it->id));
		bool failed = forms && (forms->e_note || forms->e_file);
		file_field(r, "f-version-file", failed ? forms->e_file : NULL);
		const char *e_note = failed ? forms->e_note : NULL;
		html(o, "<div class=\"field%s\"><label for=\"f-note\">What changed</label>\n",
		     e_note ? " has-error" : "");
		if (e_note)
			html(o, "<p class=\"field-error\" id=\"f-note-error\">%s</p>\n", e_note);
		html(o, "<input id=\"f-note\" name=\"note\" type=\"text\" value=\"%s\" "
			"autocomplete=\"off\"%s>\n</div>\n",
		     failed && forms->note ? forms->note : "",
		     e_note ? " aria-invalid=\"true\" aria-describedby=\"f-note-error\"" : "");
		html_raw(o, "<button type=\"submit\">Upload new version</button>\n</form>\n");
	}
	html_raw(o, "</section>\n");
}

void handle_document_version_add(Req *r)
{
	LibraryItem *it = library_item_from_path(r);
	if (!it)
		return;
	if (!it->is_document) {
		resp_error(r, 404, "Links have no versions: edit the link instead.");
		return;
	}
	if (!library_may_edit(r, it)) {
		resp_error(r, 403, "Only whoever shared this document, its community's facilitators "
				   "and association staff can upload new versions.");
		return;
	}
	const Upload *u = req_upload(r, "file");
	ItemForms forms = {.note = trimmed(r->arena, req_form(r, "note"))};
	forms.e_note = *forms.note ? check_text(r->arena, forms.note, true, LIB_NOTE_MAX)
				   : "Say in a few words what changed in this version.";
	const char *type = NULL;
	if (!u || u->size <= 0)
		forms.e_file = u ? "The file you chose is empty: choose another one."
				 : "Choose the file of the new version.";
	else
		type = file_upload_type(u, &forms.e_file);
	if (!forms.e_note && !forms.e_file) {
		const char *text = file_text(r, u, type);
		if (!db_begin(r->db)) {
			resp_error(r, 503, "The version could not be saved just now. Please try again.");
			return;
		}
		const char *why = NULL;
		int64_t file = file_store(r->db, u, r->user->id, &why), now = time(NULL);
		bool same = false, ok = file != 0;
		if (ok) {
			sqlite3_stmt *st = db_prepare(r->db, "SELECT a.sha256 = b.sha256 FROM files a, "
							     "files b WHERE a.id = :new AND b.id = :cur");
			db_bind_int(st, ":new", file);
			db_bind_int(st, ":cur", it->file_id);
			same = db_step(st) == SQLITE_ROW && db_col_int(st, 0);
			sqlite3_reset(st);
		}
		if (ok && !same) {
			sqlite3_stmt *st = db_prepare(
				r->db, "INSERT INTO library_versions (item_id, number, file_id, note, "
				       "text, uploaded_by, created_at) SELECT :item, max(number) + 1, "
				       ":file, :note, :text, :me, :now FROM library_versions "
				       "WHERE item_id = :item");
			db_bind_int(st, ":item", it->id);
			db_bind_int(st, ":file", file);
			db_bind_text(st, ":note", forms.note);
			db_bind_text(st, ":text", text);
			db_bind_int(st, ":me", r->user->id);
			db_bind_int(st, ":now", now);
			ok = db_run(st);
			st = db_prepare(r->db, "UPDATE library_items SET updated_at = :now WHERE id = :id");
			db_bind_int(st, ":now", now);
			db_bind_int(st, ":id", it->id);
			ok = ok && db_run(st);
			if (ok)
				library_index(r->db, it->id);
		}
		if (ok && !same && db_commit(r->db)) {
			resp_redirect(r, arena_printf(r->arena, "/library/%lld?notice=version-added",
						      (long long)it->id));
			return;
		}
		db_rollback(r->db);
		if (!same) {
			resp_error(r, 503, why && !file ? why : "The version could not be saved just "
								"now. Please try again.");
			return;
		}
		forms.e_file = arena_printf(r->arena, "This file is the same as the current version "
						      "(version %lld): nothing changed.",
					    (long long)it->version);
	}
	r->status = 422;
	library_item_page(r, it, &forms);
}

/* ---- downloads ---- */

void handle_document_download(Req *r)
{
	LibraryItem *it = library_item_from_path(r);
	if (!it)
		return;
	if (!it->is_document || !it->file_id) {
		resp_error(r, 404, "This is a link, not a document: it has no file to download.");
		return;
	}
	file_send(r, it->file_id);
}

void handle_document_version_download(Req *r)
{
	LibraryItem *it = library_item_from_path(r);
	if (!it)
		return;
	sqlite3_stmt *st = db_prepare(r->db, "SELECT file_id FROM library_versions "
					     "WHERE id = :v AND item_id = :i");
	db_bind_int(st, ":v", req_param_id(r, 1));
	db_bind_int(st, ":i", it->id);
	int64_t file = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	if (!file) {
		resp_error(r, 404, "This document has no such version.");
		return;
	}
	file_send(r, file);
}
