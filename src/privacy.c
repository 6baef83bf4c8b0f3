/* Members' data: the export of everything Practica holds about a member (JSON), and an admin
 * deleting a member. Deleting empties the account row rather than removing it: what the member
 * wrote (posts, documents, proposals, materials) stays, attributed to "Former member", and
 * records about the person (sessions, sign-ups, RSVPs, notifications...) are removed. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "auth.h"
#include "handlers.h"
#include "html.h"
#include "page.h"
#include "signup.h"

#define FORMER_MEMBER "Former member"

/* ---- export ---- */

/* One part of the export: the rows of `sql` about :user, each an object keyed by column name.
 * A section whose table does not exist (a feature not in this database yet) is left out.
 * To cover a new table, add a line here: the export test checks every user-owned table is
 * named by some section. */
typedef struct {
	const char *name;  /* its key in the JSON document */
	const char *table; /* the table it reads */
	const char *sql;
	bool single;       /* one object (or null) instead of a list */
} Section;

static const Section sections[] = {
	{"account", "users", "SELECT id, email, name, job_title, role, status, created_at, "
	 "approved_at FROM users WHERE id = :user", true},
	{"school", "schools", "SELECT s.id, s.name, s.kind, s.city, s.status FROM schools s "
	 "JOIN users u ON u.school_id = s.id WHERE u.id = :user", true},
	{"sessions", "sessions", "SELECT created_at, expires_at FROM sessions WHERE user_id = :user "
	 "ORDER BY created_at"},
	{"password_resets", "password_resets", "SELECT created_at, expires_at, used_at FROM "
	 "password_resets WHERE user_id = :user"},
	{"calendar_feed", "calendar_tokens", "SELECT created_at FROM calendar_tokens WHERE "
	 "user_id = :user", true},
	{"memberships", "memberships", "SELECT c.slug AS community, c.name AS community_name, "
	 "m.status, m.signed_up_at, m.promoted_at, m.withdrawn_at FROM memberships m JOIN "
	 "communities c ON c.id = m.community_id WHERE m.user_id = :user ORDER BY m.id"},
	{"facilitating", "facilitators", "SELECT c.slug AS community, c.name AS community_name, "
	 "f.role FROM facilitators f JOIN communities c ON c.id = f.community_id WHERE "
	 "f.user_id = :user ORDER BY f.id"},
	{"rsvps", "rsvps", "SELECT m.id AS meeting_id, m.title AS meeting, m.starts_at, r.answer, "
	 "r.answered_at FROM rsvps r JOIN meetings m ON m.id = r.meeting_id WHERE r.user_id = :user "
	 "ORDER BY m.starts_at"},
	{"attendance", "attendance", "SELECT m.id AS meeting_id, m.title AS meeting, m.starts_at, "
	 "a.method, a.marked_at FROM attendance a JOIN meetings m ON m.id = a.meeting_id WHERE "
	 "a.user_id = :user ORDER BY m.starts_at"},
	{"proposals", "proposals", "SELECT p.id, c.title AS call, p.title, p.summary, p.audience, "
	 "p.objectives, p.format, p.final_product, p.status, p.decision_message, p.decided_at, "
	 "p.created_at, p.updated_at FROM proposals p JOIN calls c ON c.id = p.call_id WHERE "
	 "p.user_id = :user ORDER BY p.id"},
	{"proposal_review_comments", "proposal_comments", "SELECT proposal_id, body, created_at "
	 "FROM proposal_comments WHERE user_id = :user ORDER BY id"},
	{"uploaded_files", "files", "SELECT id, name, content_type, size, created_at FROM files "
	 "WHERE uploaded_by = :user ORDER BY id"},
	{"meeting_materials", "meeting_materials", "SELECT meeting_id, title, file_id, created_at "
	 "FROM meeting_materials WHERE added_by = :user ORDER BY id"},
	{"meetings_created", "meetings", "SELECT id, title, starts_at FROM meetings WHERE "
	 "created_by = :user ORDER BY id"},
	{"attendance_marked_by_me", "attendance", "SELECT meeting_id, user_id, marked_at FROM "
	 "attendance WHERE marked_by = :user AND user_id != :user ORDER BY marked_at"},
	{"threads", "threads", "SELECT id, community_id, title, is_question, created_at FROM "
	 "threads WHERE author_id = :user ORDER BY id"},
	{"posts", "posts", "SELECT id, thread_id, body, created_at, edited_at, deleted_at FROM "
	 "posts WHERE author_id = :user ORDER BY id"},
	{"threads_shared_by_me", "thread_shares", "SELECT thread_id, community_id, shared_at FROM "
	 "thread_shares WHERE shared_by = :user ORDER BY id"},
	{"thread_reads", "thread_reads", "SELECT thread_id, last_read_post_id FROM thread_reads "
	 "WHERE user_id = :user ORDER BY thread_id"},
	{"mentions_of_me", "post_mentions", "SELECT post_id FROM post_mentions WHERE "
	 "user_id = :user ORDER BY post_id"},
	{"notifications", "notifications", "SELECT kind, text, link, created_at, read_at FROM "
	 "notifications WHERE user_id = :user ORDER BY id"},
	{"thread_follows", "thread_follows", "SELECT thread_id, following, changed_at FROM "
	 "thread_follows WHERE user_id = :user ORDER BY thread_id"},
	{"library_items", "library_items", "SELECT id, kind, title, description, url, "
	 "community_id, created_at, updated_at FROM library_items WHERE created_by = :user "
	 "ORDER BY id"},
	{"library_versions", "library_versions", "SELECT item_id, number, file_id, note, "
	 "created_at FROM library_versions WHERE uploaded_by = :user ORDER BY id"},
	{"library_ratings", "library_ratings", "SELECT item_id, stars, review, created_at, "
	 "updated_at FROM library_ratings WHERE user_id = :user ORDER BY item_id"},
	{"audit_log", "audit_log", "SELECT at, action, subject_name, detail, address, "
	 "actor_id = :user AS by_me FROM audit_log WHERE actor_id = :user OR subject_id = :user "
	 "ORDER BY id"},
};

static void json_string(Buf *b, const char *s)
{
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_putc(b, '\\'), buf_putc(b, (char)*p);
		else if (*p == '\n')
			buf_puts(b, "\\n");
		else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
			buf_printf(b, "\\u%04x", *p);
		else
			buf_putc(b, (char)*p);
	}
	buf_putc(b, '"');
}

static void json_row(Buf *b, sqlite3_stmt *st)
{
	buf_putc(b, '{');
	int n = sqlite3_column_count(st);
	for (int i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ',');
		json_string(b, sqlite3_column_name(st, i));
		buf_putc(b, ':');
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER:
			buf_printf(b, "%lld", (long long)sqlite3_column_int64(st, i));
			break;
		case SQLITE_FLOAT:
			buf_printf(b, "%.17g", sqlite3_column_double(st, i));
			break;
		case SQLITE_TEXT:
			json_string(b, db_col_text(st, i));
			break;
		default: /* NULL; no section selects blobs */
			buf_puts(b, "null");
		}
	}
	buf_putc(b, '}');
}

static bool table_exists(Db *db, const char *table)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
					  "name = :t");
	db_bind_text(st, ":t", table);
	bool found = db_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return found;
}

void handle_account_export(Req *r)
{
	Buf *o = &r->out;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_puts(o, "{\n\"exported_at\":");
	json_string(o, when);
	buf_puts(o, ",\n\"note\":");
	json_string(o, "Everything Practica holds about you. Times are Unix seconds (UTC).");
	for (size_t i = 0; i < sizeof sections / sizeof *sections; i++) {
		const Section *s = &sections[i];
		if (!table_exists(r->db, s->table))
			continue;
		buf_puts(o, ",\n");
		json_string(o, s->name);
		buf_putc(o, ':');
		sqlite3_stmt *st = db_prepare(r->db, s->sql);
		db_bind_int(st, ":user", r->user->id);
		int rows = 0;
		if (!s->single)
			buf_putc(o, '[');
		while (db_step(st) == SQLITE_ROW) {
			if (rows++)
				buf_puts(o, ",\n ");
			json_row(o, st);
			if (s->single)
				break;
		}
		sqlite3_reset(st);
		if (!s->single)
			buf_putc(o, ']');
		else if (!rows)
			buf_puts(o, "null");
	}
	buf_puts(o, "\n}\n");
	r->content_type = "application/json; charset=utf-8";
	resp_header(r, "Content-Disposition",
		    arena_printf(r->arena, "attachment; filename=\"practica-my-data-%lld.json\"",
				 (long long)r->user->id));
}

/* ---- deleting a member ---- */

typedef struct {
	int64_t id;
	const char *name, *email, *school;
	bool deleted;
} Person;

static bool load_person(Req *r, Person *p)
{
	p->id = req_param_id(r, 0);
	sqlite3_stmt *st = db_prepare(r->db, "SELECT u.name, u.email, coalesce(s.name, ''), "
					     "u.deleted_at IS NOT NULL FROM users u LEFT JOIN schools s "
					     "ON s.id = u.school_id WHERE u.id = :id");
	db_bind_int(st, ":id", p->id);
	if (db_step(st) != SQLITE_ROW || db_col_int(st, 3)) {
		sqlite3_reset(st);
		resp_error(r, 404, "There is no such account.");
		return false;
	}
	p->name = arena_strdup(r->arena, db_col_text(st, 0));
	p->email = arena_strdup(r->arena, db_col_text(st, 1));
	p->school = arena_strdup(r->arena, db_col_text(st, 2));
	sqlite3_reset(st);
	if (p->id == r->user->id) {
		resp_error(r, 409, "You cannot delete your own account. Ask another administrator.");
		return false;
	}
	return true;
}

static void delete_page(Req *r, const Person *p, const char *error)
{
	page_begin(r, "Delete a member");
	Buf *o = &r->out;
	html(o, "<p class=\"meta\"><a href=\"/admin/users\">Accounts</a></p>\n"
		"<h1>Delete %s</h1>\n<p class=\"lead\">%s%s%s.</p>\n",
	     p->name, p->email, *p->school ? ", " : "", p->school);
	html_raw(o, "<p>Deleting removes their name, email address, job title and password, ends "
		    "their sessions, and removes their sign-ups, waitlist places, RSVPs, calendar "
		    "address, notifications and reset links. What they contributed stays for "
		    "the others, shown as written by <strong>" FORMER_MEMBER "</strong>: posts, "
		    "documents, proposals and meeting materials. Their attendance stays in the "
		    "counts, without their name. This cannot be undone.</p>\n"
		    "<p>To keep the account but stop them signing in, disable it instead.</p>\n");
	if (error)
		html(o, "<div class=\"error-summary\" role=\"alert\"><p>%s</p></div>\n", error);
	form_begin(r, arena_printf(r->arena, "/admin/users/%lld/delete", (long long)p->id));
	html_raw(o, "<div class=\"field\"><input type=\"checkbox\" id=\"f-confirm\" name=\"confirm\" "
		    "value=\"yes\"> <label for=\"f-confirm\">I understand: delete this member's "
		    "personal data for good</label></div>\n"
		    "<button type=\"submit\" class=\"danger\">Delete member</button>\n");
	form_end(r);
	page_end(r);
}

void handle_admin_delete_page(Req *r)
{
	Person p;
	if (load_person(r, &p))
		delete_page(r, &p, NULL);
}

/* Removes the rows of a table about user_id when the table exists (features arrive with their
 * migrations). */
static bool delete_rows(Db *db, const char *table, const char *sql, int64_t user_id)
{
	if (!table_exists(db, table))
		return true;
	sqlite3_stmt *st = db_prepare(db, sql);
	db_bind_int(st, ":u", user_id);
	return db_run(st);
}

void handle_admin_delete(Req *r)
{
	Person p;
	if (!load_person(r, &p))
		return;
	if (strcmp(req_form_or(r, "confirm", ""), "yes") != 0) {
		r->status = 422;
		delete_page(r, &p, "Tick the box to confirm that you want to delete this member.");
		return;
	}
	if (!db_begin(r->db))
		return;
	/* Their seats go back to the waitlist: remember the communities first (no writing
	 * inside a loop over a SELECT). */
	int64_t communities[256];
	int ncommunities = 0;
	sqlite3_stmt *st = db_prepare(r->db, "SELECT DISTINCT community_id FROM memberships WHERE "
					     "user_id = :u AND status = 'participant'");
	db_bind_int(st, ":u", p.id);
	while (db_step(st) == SQLITE_ROW && ncommunities < 256)
		communities[ncommunities++] = db_col_int(st, 0);
	sqlite3_reset(st);

	audit_user(r, "user.delete", p.id, "account #%lld deleted; contributions kept as "
		   FORMER_MEMBER, (long long)p.id);
	bool ok = true;
	ok = ok && delete_rows(r->db, "memberships", "DELETE FROM memberships WHERE user_id = :u",
			       p.id);
	for (int i = 0; ok && i < ncommunities; i++)
		signup_promote(r->db, communities[i]);
	ok = ok && delete_rows(r->db, "sessions", "DELETE FROM sessions WHERE user_id = :u", p.id);
	ok = ok && delete_rows(r->db, "password_resets",
			       "DELETE FROM password_resets WHERE user_id = :u", p.id);
	ok = ok && delete_rows(r->db, "calendar_tokens",
			       "DELETE FROM calendar_tokens WHERE user_id = :u", p.id);
	ok = ok && delete_rows(r->db, "rsvps", "DELETE FROM rsvps WHERE user_id = :u", p.id);
	ok = ok && delete_rows(r->db, "facilitators", "DELETE FROM facilitators WHERE user_id = :u",
			       p.id);
	ok = ok && delete_rows(r->db, "login_failures", "DELETE FROM login_failures WHERE "
			       "scope = 'email' AND key = (SELECT email FROM users WHERE id = :u)",
			       p.id);
	ok = ok && delete_rows(r->db, "notifications",
			       "DELETE FROM notifications WHERE user_id = :u", p.id);
	ok = ok && delete_rows(r->db, "thread_follows",
			       "DELETE FROM thread_follows WHERE user_id = :u", p.id);
	ok = ok && delete_rows(r->db, "thread_reads", "DELETE FROM thread_reads WHERE user_id = :u",
			       p.id);
	ok = ok && delete_rows(r->db, "post_mentions",
			       "DELETE FROM post_mentions WHERE user_id = :u", p.id);
	/* The log keeps what happened, not who it happened to or who did it. */
	ok = ok && delete_rows(r->db, "audit_log", "UPDATE audit_log SET subject_name = '"
			       FORMER_MEMBER "' WHERE subject_id = :u", p.id);
	ok = ok && delete_rows(r->db, "audit_log", "UPDATE audit_log SET actor_name = '"
			       FORMER_MEMBER "' WHERE actor_id = :u", p.id);
	/* The row itself: nothing personal left, no way to sign in (no password hash verifies
	 * "!"), disabled and marked so it cannot be enabled again. */
	st = db_prepare(r->db, "UPDATE users SET email = 'deleted-' || id || '@deleted.invalid', "
			       "name = '" FORMER_MEMBER "', job_title = '', password_hash = '!', "
			       "status = 'disabled', deleted_at = :now WHERE id = :u");
	db_bind_int(st, ":now", time(NULL));
	db_bind_int(st, ":u", p.id);
	ok = ok && db_run(st) && db_changes(r->db) == 1;
	if (!ok || !db_commit(r->db)) {
		db_rollback(r->db);
		resp_error(r, 503, "The member could not be deleted just now; nothing was changed. "
				   "Please try again.");
		return;
	}
	resp_redirect(r, "/admin/users?notice=member-deleted");
}
