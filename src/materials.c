/* Meeting materials and highlights. Facilitators (and admins, for association-wide meetings
 * under /admin/meetings/:id) attach files before or after a meeting, each stored through the
 * file store in the same transaction as its meeting_materials row, and write the meeting's
 * highlights in Markdown. Members see both on the meeting page and, for recent meetings, in
 * the community's space; GET /files/:id sends a file that is a meeting material. */
#include "audit.h"
#include "materials.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "communities.h"
#include "config.h"
#include "files.h"
#include "handlers.h"
#include "html.h"
#include "markdown.h"
#include "notify.h"
#include "page.h"
#include "search.h"
#include "validate.h"

#define TITLE_MAX 200
#define HIGHLIGHTS_MAX 20000

/* "PDF", "Word document", ... for a stored content type. */
static const char *type_label(const char *type)
{
	static const struct {
		const char *prefix, *label;
	} kinds[] = {
		{"application/pdf", "PDF"},
		{"application/vnd.openxmlformats-officedocument.wordprocessingml", "Word document"},
		{"application/msword", "Word document"},
		{"application/vnd.openxmlformats-officedocument.spreadsheetml", "Excel spreadsheet"},
		{"application/vnd.ms-excel", "Excel spreadsheet"},
		{"application/vnd.openxmlformats-officedocument.presentationml",
		 "PowerPoint presentation"},
		{"application/vnd.ms-powerpoint", "PowerPoint presentation"},
		{"application/vnd.oasis.opendocument.text", "OpenDocument text"},
		{"application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet"},
		{"application/zip", "ZIP archive"},
		{"image/png", "PNG image"},
		{"image/jpeg", "JPEG image"},
		{"image/gif", "GIF image"},
		{"text/csv", "CSV spreadsheet"},
		{"text/markdown", "Markdown text"},
		{"text/plain", "Text"},
	};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (!strncmp(type, kinds[i].prefix, strlen(kinds[i].prefix)))
			return kinds[i].label;
	return "File";
}

/* "820 bytes", "14 KB", "2.4 MB". */
static const char *size_label(Req *r, int64_t bytes)
{
	if (bytes < 1024)
		return arena_printf(r->arena, "%lld byte%s", (long long)bytes, bytes == 1 ? "" : "s");
	if (bytes < 1024 * 1024)
		return arena_printf(r->arena, "%lld KB", (long long)((bytes + 512) / 1024));
	return arena_printf(r->arena, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
}

/* "October 14, 2026" in the association's time zone. */
static const char *local_day(Req *r, int64_t when)
{
	time_t t = (time_t)when;
	struct tm tm;
	char s[64];
	localtime_r(&t, &tm);
	strftime(s, sizeof s, "%B %-d, %Y", &tm);
	return arena_strdup(r->arena, s);
}

/* The file's facts after its link: "(slides.pdf, PDF, 1.2 MB)". */
static void file_facts(Req *r, sqlite3_stmt *st, int name_col)
{
	html(&r->out, " <span class=\"meta\">(%s, %s, %s)</span>", db_col_text(st, name_col),
	     type_label(db_col_text(st, name_col + 2)),
	     size_label(r, db_col_int(st, name_col + 1)));
}

/* ---- the meeting page ---- */

/* A labelled input with its own id (the meeting page holds other sections' forms). */
static void field(Req *r, const char *id, const char *name, const char *label, const char *type,
		  const char *value, const char *error)
{
	Buf *o = &r->out;
	html(o, "<div class=\"field%s\">\n<label for=\"%s\">%s</label>\n", error ? " has-error" : "",
	     id, label);
	if (error)
		html(o, "<p class=\"field-error\" id=\"%s-error\">%s</p>\n", id, error);
	html(o, "<input id=\"%s\" name=\"%s\" type=\"%s\"", id, name, type);
	if (value)
		html(o, " value=\"%s\" autocomplete=\"off\"", value);
	if (error)
		html(o, " aria-invalid=\"true\" aria-describedby=\"%s-error\"", id);
	html_raw(o, ">\n</div>\n");
}

static void upload_form(Req *r, const Meeting *m, const char *title, const char *e_title,
			const char *e_file)
{
	html(&r->out,
	     "<form class=\"material-upload\" method=\"post\" action=\"%s/materials\" "
	     "enctype=\"multipart/form-data\" novalidate>\n"
	     "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n",
	     meeting_manage_url(r, m), csrf_token(r));
	field(r, "material-title", "title", "Title (the file's name when left empty)", "text",
	      title ? title : "", e_title);
	const char *label = arena_printf(r->arena, "File (PDF, Word, Excel, PowerPoint, image or "
						   "text; at most %zu MB)",
					 config.max_upload / (1024 * 1024));
	field(r, "material-file", "file", label, "file", NULL, e_file);
	html_raw(&r->out, "<button type=\"submit\">Add material</button>\n</form>\n");
}

static void highlights_form(Req *r, const Meeting *m, const char *value, const char *error)
{
	form_begin(r, arena_printf(r->arena, "%s/highlights", meeting_manage_url(r, m)));
	form_textarea(r, "highlights", "Highlights", value, error,
		      "What happened and what was decided, for those who were there and those "
		      "who were not. Markdown: *emphasis*, lists with -, links [text](https://...).");
	html_raw(&r->out, "<button type=\"submit\">Save highlights</button>\n");
	form_end(r);
}

/* The materials of meeting m as a list (with delete buttons when manage). Returns how many. */
static int material_list(Req *r, const Meeting *m, bool manage)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT mm.id, mm.title, f.id, f.name, f.size, "
					     "f.content_type FROM meeting_materials mm JOIN files f "
					     "ON f.id = mm.file_id WHERE mm.meeting_id = :m "
					     "ORDER BY mm.id");
	db_bind_int(st, ":m", m->id);
	int n = 0;
	const char *base = manage ? meeting_manage_url(r, m) : NULL;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(&r->out, "<ul class=\"material-list\">\n");
		html(&r->out, "<li><a href=\"/files/%lld\">%s</a>", (long long)db_col_int(st, 2),
		     db_col_text(st, 1));
		file_facts(r, st, 3);
		if (manage)
			html(&r->out,
			     " <form class=\"inline\" method=\"post\" action=\"%s/materials/%lld/delete\">"
			     "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><button type=\"submit\" "
			     "class=\"secondary danger\">Delete<span class=\"visually-hidden\"> %s"
			     "</span></button></form>",
			     base, (long long)db_col_int(st, 0), csrf_token(r), db_col_text(st, 1));
		html_raw(&r->out, "</li>\n");
	}
	if (n)
		html_raw(&r->out, "</ul>\n");
	sqlite3_reset(st);
	return n;
}

void materials_section(Req *r, const Meeting *m)
{
	bool manage = meeting_can_manage(r, m);
	html_raw(&r->out, "<section id=\"materials\" aria-labelledby=\"h-materials\">\n"
			  "<h2 id=\"h-materials\">Materials</h2>\n");
	if (!material_list(r, m, manage))
		html_raw(&r->out, "<p>No materials have been shared yet.</p>\n");
	if (manage)
		upload_form(r, m, NULL, NULL, NULL);
	html_raw(&r->out, "</section>\n");
	if (!*m->highlights && !manage)
		return;
	html_raw(&r->out, "<section id=\"highlights\" aria-labelledby=\"h-highlights\">\n"
			  "<h2 id=\"h-highlights\">Highlights</h2>\n");
	if (*m->highlights)
		markdown_html(&r->out, m->highlights);
	else
		html_raw(&r->out, "<p>No highlights have been written yet.</p>\n");
	if (manage)
		highlights_form(r, m, m->highlights, NULL);
	html_raw(&r->out, "</section>\n");
}

/* ---- the community's space ---- */

void materials_recent_section(Req *r, int64_t community_id)
{
	Buf *o = &r->out;
	html_raw(o, "<section aria-labelledby=\"h-materials\">\n<h2 id=\"h-materials\">Materials "
		    "and highlights</h2>\n");
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT mm.title, f.id, f.name, f.size, f.content_type, m.id, m.title, "
		       "m.starts_at FROM meeting_materials mm JOIN files f ON f.id = mm.file_id "
		       "JOIN meetings m ON m.id = mm.meeting_id WHERE m.community_id = :c "
		       "ORDER BY mm.created_at DESC, mm.id DESC LIMIT 10");
	db_bind_int(st, ":c", community_id);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(o, "<ul class=\"material-list\">\n");
		html(o, "<li><a href=\"/files/%lld\">%s</a>", (long long)db_col_int(st, 1),
		     db_col_text(st, 0));
		file_facts(r, st, 2);
		html(o, " <span class=\"meta\">from <a href=\"/meetings/%lld\">%s</a>, %s</span></li>\n",
		     (long long)db_col_int(st, 5), db_col_text(st, 6),
		     local_day(r, db_col_int(st, 7)));
	}
	if (n)
		html_raw(o, "</ul>\n");
	sqlite3_reset(st);
	st = db_prepare(r->db, "SELECT id, title, starts_at FROM meetings WHERE community_id = :c "
			       "AND highlights != '' ORDER BY starts_at DESC, id DESC LIMIT 5");
	db_bind_int(st, ":c", community_id);
	int h = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (h++ == 0)
			html_raw(o, "<ul class=\"highlight-list\">\n");
		html(o, "<li><a href=\"/meetings/%lld#highlights\">Highlights of %s</a> "
			"<span class=\"meta\">%s</span></li>\n",
		     (long long)db_col_int(st, 0), db_col_text(st, 1), local_day(r, db_col_int(st, 2)));
	}
	if (h)
		html_raw(o, "</ul>\n");
	sqlite3_reset(st);
	if (!n && !h)
		html_raw(o, "<p>Materials and highlights of this community's meetings will appear "
			    "here.</p>\n");
	/* The community's library folder keeps all of them, with what members share there. */
	st = db_prepare(r->db, "SELECT slug FROM communities WHERE id = :c");
	db_bind_int(st, ":c", community_id);
	if (db_step(st) == SQLITE_ROW)
		html(o, "<p><a href=\"/communities/%s/library\">The community's library folder</a>: "
			"every meeting's materials and the documents shared with this community.</p>\n",
		     db_col_text(st, 0));
	sqlite3_reset(st);
	html_raw(o, "</section>\n");
}

/* ---- changes ---- */

/* The meeting of a facilitator route, when the user may manage it (else it has answered). */
static Meeting *managed_meeting(Req *r)
{
	Meeting *m = meeting_managed_from_path(r);
	if (m && !meeting_can_manage(r, m)) {
		resp_error(r, 403, "Only the community's facilitators can change this meeting.");
		return NULL;
	}
	return m;
}

/* The page that shows a refused form again. */
static void form_page(Req *r, const Meeting *m, const char *heading, int errors)
{
	r->status = 422;
	page_begin(r, arena_printf(r->arena, "%s: %s", heading, m->title));
	html(&r->out, "<p class=\"meta\"><a href=\"%s\">%s</a></p>\n<h1>%s</h1>\n",
	     meeting_url(r, m), m->title, heading);
	form_error_summary(r, errors);
}

/* Was the upload refused for what it is (empty, or a kind of file not accepted)? */
static bool upload_refused(const Upload *u)
{
	const char *why;
	return file_upload_type(u, &why) == NULL;
}

void handle_material_add(Req *r)
{
	Meeting *m = managed_meeting(r);
	if (!m)
		return;
	const Upload *u = req_upload(r, "file");
	const char *title = trimmed(r->arena, req_form(r, "title"));
	if (!*title && u && *u->filename)
		title = u->filename;
	const char *e_title = check_text(r->arena, title, true, TITLE_MAX);
	const char *e_file = NULL;
	if (!u || u->size <= 0)
		e_file = u ? "The file you chose is empty: choose another one."
			   : "Choose a file to upload.";
	if (!e_title && !e_file) {
		if (!db_begin(r->db)) {
			resp_error(r, 503, "The file could not be saved just now. Please try again.");
			return;
		}
		const char *why = NULL;
		int64_t file = file_store(r->db, u, r->user->id, &why);
		bool ok = file != 0;
		if (ok) {
			/* The words inside the file make the material findable by search. */
			sqlite3_stmt *st = db_prepare(r->db, "SELECT content_type FROM files "
							     "WHERE id = :f");
			db_bind_int(st, ":f", file);
			const char *type = db_step(st) == SQLITE_ROW
						   ? arena_strdup(r->arena, db_col_text(st, 0))
						   : "";
			sqlite3_reset(st);
			const char *text = search_extract_text(r->arena, u->tmp, type);
			st = db_prepare(r->db, "INSERT INTO meeting_materials (meeting_id, file_id, "
					       "title, text, added_by, created_at) VALUES (:m, :f, "
					       ":title, :text, :by, :now)");
			db_bind_int(st, ":m", m->id);
			db_bind_int(st, ":f", file);
			db_bind_text(st, ":title", title);
			db_bind_text(st, ":text", text ? text : "");
			db_bind_int(st, ":by", r->user->id);
			db_bind_int(st, ":now", time(NULL));
			ok = db_run(st);
			if (ok)
				search_index_material(r->db, db_last_id(r->db));
		}
		if (ok)
			notify_community(r->db, m->community_id, r->user->id, "material",
					 arena_printf(r->arena, "New material for “%s”: %s", m->title,
						      title),
					 arena_printf(r->arena, "%s#materials", meeting_url(r, m)));
		if (ok && db_commit(r->db)) {
			resp_redirect(r, arena_printf(r->arena, "%s?notice=material-added",
						      meeting_url(r, m)));
			return;
		}
		db_rollback(r->db);
		if (file || !upload_refused(u)) {
			resp_error(r, 503, "The file could not be saved just now. Please try again.");
			return;
		}
		e_file = why;
	}
	form_page(r, m, "Add material", (e_title != NULL) + (e_file != NULL));
	upload_form(r, m, title, e_title, e_file);
	page_end(r);
}

void handle_material_delete(Req *r)
{
	Meeting *m = managed_meeting(r);
	if (!m)
		return;
	int64_t id = req_param_id(r, r->nparams - 1);
	if (!db_begin(r->db)) {
		resp_error(r, 503, "The material could not be deleted just now. Please try again.");
		return;
	}
	sqlite3_stmt *st = db_prepare(r->db, "SELECT file_id FROM meeting_materials WHERE id = :id "
					     "AND meeting_id = :m");
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":m", m->id);
	int64_t file = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	if (!file) {
		db_rollback(r->db);
		resp_error(r, 404, "This meeting has no such material (it may have been deleted "
				   "already).");
		return;
	}
	st = db_prepare(r->db, "DELETE FROM meeting_materials WHERE id = :id");
	db_bind_int(st, ":id", id);
	bool ok = db_run(st);
	search_remove(r->db, "material", id);
	st = db_prepare(r->db, "DELETE FROM files WHERE id = :f");
	db_bind_int(st, ":f", file);
	ok = ok && db_run(st);
	if (!ok || !db_commit(r->db)) {
		db_rollback(r->db);
		resp_error(r, 503, "The material could not be deleted just now. Please try again.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "%s?notice=material-deleted", meeting_url(r, m)));
	audit(r, "material.delete", "material #%lld of meeting #%lld", (long long)id, (long long)m->id);
}

void handle_highlights_save(Req *r)
{
	Meeting *m = managed_meeting(r);
	if (!m)
		return;
	const char *text = trimmed(r->arena, req_form(r, "highlights"));
	const char *error = check_text(r->arena, text, false, HIGHLIGHTS_MAX);
	if (error) {
		form_page(r, m, "Highlights", 1);
		highlights_form(r, m, text, error);
		page_end(r);
		return;
	}
	sqlite3_stmt *st = db_prepare(r->db, "UPDATE meetings SET highlights = :h, updated_at = :now "
					     "WHERE id = :id");
	db_bind_text(st, ":h", text);
	db_bind_int(st, ":now", time(NULL));
	db_bind_int(st, ":id", m->id);
	if (!db_run(st)) {
		resp_error(r, 503, "The highlights could not be saved just now. Please try again.");
		return;
	}
	search_index_meeting(r->db, m->id); /* highlights are searchable */
	resp_redirect(r, arena_printf(r->arena, "%s?notice=highlights-saved", meeting_url(r, m)));
}

/* ---- downloads ---- */

void handle_file(Req *r)
{
	int64_t id = req_param_id(r, 0);
	/* Meeting materials are for every member, except a private community's, which are for
	 * its own people; library documents have their own routes (documents.c). */
	sqlite3_stmt *st = db_prepare(r->db, "SELECT coalesce(m.community_id, 0) FROM "
					     "meeting_materials mm JOIN meetings m ON m.id = "
					     "mm.meeting_id WHERE mm.file_id = :f");
	db_bind_int(st, ":f", id);
	bool material = db_step(st) == SQLITE_ROW;
	int64_t community = material ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	if (!material || (community && !community_readable(r, community))) {
		resp_error(r, 404, "There is no such file.");
		return;
	}
	file_send(r, id);
}
