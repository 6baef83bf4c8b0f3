/* A member's profile page (where @mentions link): name, school, job title, their communities
 * and their recent posts, limited to the boards the viewer may read. No email or other
 * contact details: those stay with association staff. */
#include <string.h>

#include "handlers.h"
#include "html.h"
#include "page.h"

#define RECENT_POSTS 10

void handle_member(Req *r)
{
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT u.id, u.name, u.job_title, coalesce(s.name, ''), u.role = 'admin', "
		       "coalesce(s.id, 0) FROM users u LEFT JOIN schools s ON s.id = u.school_id "
		       "WHERE u.id = :id AND u.status = 'active'");
	db_bind_int(st, ":id", req_param_id(r, 0));
	if (db_step(st) != SQLITE_ROW) {
		resp_error(r, 404, "There is no member at this address.");
		return;
	}
	int64_t id = db_col_int(st, 0);
	const char *name = arena_strdup(r->arena, db_col_text(st, 1));
	const char *job = arena_strdup(r->arena, db_col_text(st, 2));
	const char *school = arena_strdup(r->arena, db_col_text(st, 3));
	bool staff = db_col_int(st, 4);
	sqlite3_reset(st);

	page_begin(r, name);
	html(&r->out, "<h1>%s</h1>\n<p class=\"lead\">%s%s%s</p>\n", name, job,
	     *job && (*school || staff) ? ", " : "", *school ? school : staff ? "association staff" : "");

	st = db_prepare(r->db,
			"SELECT c.slug, c.name, 'facilitator' FROM facilitators f JOIN communities c "
			"ON c.id = f.community_id WHERE f.user_id = :u AND c.status != 'archived' "
			"UNION ALL SELECT c.slug, c.name, 'participant' FROM memberships m JOIN "
			"communities c ON c.id = m.community_id WHERE m.user_id = :u AND m.status = "
			"'participant' AND c.status != 'archived' ORDER BY 2");
	db_bind_int(st, ":u", id);
	html_raw(&r->out, "<section aria-labelledby=\"h-member-communities\">\n"
			  "<h2 id=\"h-member-communities\">Communities</h2>\n");
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(&r->out, "<ul class=\"people\">\n");
		html(&r->out, "<li><a href=\"/communities/%s\">%s</a> <span class=\"meta\">%s</span>"
			      "</li>\n", db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2));
	}
	sqlite3_reset(st);
	html_raw(&r->out, n ? "</ul>\n</section>\n" : "<p>None yet.</p>\n</section>\n");

	/* Newest first through posts_author; posts on boards the viewer cannot read are
	 * skipped, so a private community's discussions do not show here either. */
	st = db_prepare(
		r->db,
		"SELECT p.id, t.title, p.created_at, p.id = (SELECT min(id) FROM posts WHERE "
		"thread_id = t.id) FROM posts p JOIN threads t ON t.id = p.thread_id "
		"WHERE p.author_id = :u AND p.deleted_at IS NULL AND (t.community_id IS NULL OR "
		":admin OR EXISTS (SELECT 1 FROM communities rc WHERE rc.id = t.community_id AND "
		"rc.visibility = 'open') OR EXISTS (SELECT 1 FROM facilitators rf WHERE "
		"rf.community_id = t.community_id AND rf.user_id = :me) OR EXISTS (SELECT 1 FROM "
		"memberships rm WHERE rm.community_id = t.community_id AND rm.user_id = :me AND "
		"rm.status = 'participant')) ORDER BY p.created_at DESC, p.id DESC LIMIT :limit");
	db_bind_int(st, ":u", id);
	db_bind_int(st, ":me", r->user->id);
	db_bind_int(st, ":admin", r->user->is_admin);
	db_bind_int(st, ":limit", RECENT_POSTS);
	html_raw(&r->out, "<section aria-labelledby=\"h-member-posts\">\n"
			  "<h2 id=\"h-member-posts\">Recent posts</h2>\n");
	n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(&r->out, "<ul class=\"people\">\n");
		html(&r->out, "<li><a href=\"/posts/%lld\">%s%s</a> <span class=\"meta\">%s</span></li>\n",
		     (long long)db_col_int(st, 0), db_col_int(st, 3) ? "" : "Re: ",
		     db_col_text(st, 1), format_date(r, db_col_int(st, 2)));
	}
	sqlite3_reset(st);
	html_raw(&r->out, n ? "</ul>\n</section>\n" : "<p>No posts you can see yet.</p>\n</section>\n");
	page_end(r);
}
