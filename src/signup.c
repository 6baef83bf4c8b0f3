/* Sign-up, waitlist and withdrawal, each in one write transaction; and their pages. */
#include "audit.h"
#include "signup.h"

#include <string.h>
#include <time.h>

#include "csv.h"
#include "handlers.h"
#include "html.h"
#include "notify.h"
#include "page.h"
#include "validate.h"

static int64_t count_status(Db *db, int64_t community_id, const char *status)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM memberships WHERE community_id = "
					  ":c AND status = :status");
	db_bind_int(st, ":c", community_id);
	db_bind_text(st, ":status", status);
	int64_t n = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	return n;
}

const char *signup_status(Db *db, int64_t community_id, int64_t user_id, int64_t *place)
{
	sqlite3_stmt *st = db_prepare(
		db, "SELECT m.status, (SELECT count(*) FROM memberships w WHERE w.community_id = "
		    "m.community_id AND w.status = 'waitlisted' AND w.id <= m.id) "
		    "FROM memberships m WHERE m.community_id = :c AND m.user_id = :u");
	db_bind_int(st, ":c", community_id);
	db_bind_int(st, ":u", user_id);
	const char *status = NULL;
	if (db_step(st) == SQLITE_ROW) {
		const char *s = db_col_text(st, 0);
		status = !strcmp(s, "participant") ? "participant"
			 : !strcmp(s, "waitlisted") ? "waitlisted"
						    : NULL;
		if (place)
			*place = db_col_int(st, 1);
	}
	sqlite3_reset(st);
	return status;
}

void signup_promote(Db *db, int64_t community_id)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT seat_limit FROM communities WHERE id = :c");
	db_bind_int(st, ":c", community_id);
	int64_t limit = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	int64_t taken = count_status(db, community_id, "participant");
	int64_t free_seats = limit > 0 ? limit - taken : INT64_MAX;
	if (free_seats <= 0)
		return;
	st = db_prepare(db, "UPDATE memberships SET status = 'participant', promoted_at = :now "
			    "WHERE id IN (SELECT id FROM memberships WHERE community_id = :c AND "
			    "status = 'waitlisted' ORDER BY id LIMIT :n) RETURNING user_id");
	db_bind_int(st, ":now", time(NULL));
	db_bind_int(st, ":c", community_id);
	db_bind_int(st, ":n", free_seats);
	/* The update is done at the first step; each promoted member hears of their seat. */
	while (db_step(st) == SQLITE_ROW)
		notify_promotion(db, community_id, db_col_int(st, 0));
	sqlite3_reset(st);
}

SignupResult signup_member(Db *db, const Community *c, int64_t user_id, const char *today)
{
	if (signup_window(c, today) != SIGNUP_OPEN)
		return SIGNUP_REFUSED;
	if (!db_begin(db))
		return SIGNUP_FAILED;
	/* Inside the write lock: the seat count cannot change under us. */
	if (signup_status(db, c->id, user_id, NULL)) {
		db_rollback(db);
		return SIGNUP_ALREADY;
	}
	sqlite3_stmt *st = db_prepare(db, "SELECT seat_limit FROM communities WHERE id = :c");
	db_bind_int(st, ":c", c->id);
	int64_t limit = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	bool seat = limit == 0 || count_status(db, c->id, "participant") < limit;
	/* A waitlist that exists keeps its order: nobody jumps it while it is non-empty. */
	if (seat && count_status(db, c->id, "waitlisted") > 0)
		seat = false;
	st = db_prepare(db, "DELETE FROM memberships WHERE community_id = :c AND user_id = :u");
	db_bind_int(st, ":c", c->id);
	db_bind_int(st, ":u", user_id);
	bool ok = db_run(st);
	st = db_prepare(db, "INSERT INTO memberships (community_id, user_id, status, signed_up_at) "
			    "VALUES (:c, :u, :status, :now)");
	db_bind_int(st, ":c", c->id);
	db_bind_int(st, ":u", user_id);
	db_bind_text(st, ":status", seat ? "participant" : "waitlisted");
	db_bind_int(st, ":now", time(NULL));
	ok = ok && db_run(st);
	if (!ok || !db_commit(db)) {
		db_rollback(db);
		return SIGNUP_FAILED;
	}
	return seat ? SIGNED_UP_PARTICIPANT : SIGNED_UP_WAITLISTED;
}

bool signup_withdraw(Db *db, int64_t community_id, int64_t user_id)
{
	if (!db_begin(db))
		return false;
	sqlite3_stmt *st = db_prepare(db, "UPDATE memberships SET status = 'withdrawn', "
					  "withdrawn_at = :now WHERE community_id = :c AND "
					  "user_id = :u AND status != 'withdrawn'");
	db_bind_int(st, ":now", time(NULL));
	db_bind_int(st, ":c", community_id);
	db_bind_int(st, ":u", user_id);
	if (!db_run(st) || db_changes(db) != 1) {
		db_rollback(db);
		return false;
	}
	signup_promote(db, community_id);
	return db_commit(db);
}

/* ---- pages ---- */

void handle_signup(Req *r)
{
	Community *c = community_from_path(r);
	if (!c)
		return;
	const char *back = arena_printf(r->arena, "/communities/%s", c->slug);
	char today[11];
	today_iso(today);
	const char *accepted = req_form(r, "commitment");
	if (*c->commitment && (!accepted || strcmp(accepted, "yes") != 0)) {
		resp_error(r, 422, "To sign up, tick the box to accept the commitment, then press "
				   "Sign up again.");
		return;
	}
	switch (signup_member(r->db, c, r->user->id, today)) {
	case SIGNED_UP_PARTICIPANT:
		resp_redirect(r, arena_printf(r->arena, "%s?notice=signed-up", back));
		return;
	case SIGNED_UP_WAITLISTED:
		resp_redirect(r, arena_printf(r->arena, "%s?notice=waitlisted", back));
		return;
	case SIGNUP_ALREADY:
		resp_error(r, 409, "You are already signed up for this community (or on its "
				   "waitlist).");
		return;
	case SIGNUP_REFUSED:
		switch (signup_window(c, today)) {
		case SIGNUP_NOT_YET:
			resp_error(r, 409, arena_printf(r->arena, "Sign-up for this community opens on "
							   "%s.", format_day(r, c->signup_opens)));
			return;
		case SIGNUP_CLOSED:
			resp_error(r, 409, "Sign-up for this community has closed.");
			return;
		default:
			resp_error(r, 409, "This community is not open for sign-up.");
			return;
		}
	case SIGNUP_FAILED:
		resp_error(r, 503, "We could not save your sign-up just now. Please try again.");
		return;
	}
}

void handle_withdraw(Req *r)
{
	Community *c = community_from_path(r);
	if (!c)
		return;
	if (!signup_withdraw(r->db, c->id, r->user->id)) {
		resp_error(r, 409, "You are not signed up for this community.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/communities/%s?notice=withdrawn", c->slug));
}

void handle_roster_remove(Req *r)
{
	Community *c = community_from_path(r);
	if (!c)
		return;
	if (!signup_withdraw(r->db, c->id, req_param_id(r, 1))) {
		resp_error(r, 404, "That person is not on this community's roster.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/communities/%s?notice=removed", c->slug));
	audit_user(r, "roster.remove", req_param_id(r, 1), "removed from community %s", c->slug);
}

void handle_roster_csv(Req *r)
{
	Community *c = community_from_path(r);
	if (!c)
		return;
	audit(r, "roster.export", "roster CSV of community %s", c->slug);
	r->content_type = "text/csv; charset=utf-8";
	resp_header(r, "Content-Disposition",
		    arena_printf(r->arena, "attachment; filename=\"%s-roster.csv\"", c->slug));
	Buf *o = &r->out;
	csv_row(o, 6, "name", "email", "school", "job title", "signed up at", "status");
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT u.name, u.email, coalesce(s.name, ''), u.job_title, "
		       "strftime('%Y-%m-%d %H:%M', m.signed_up_at, 'unixepoch'), m.status "
		       "FROM memberships m JOIN users u ON u.id = m.user_id "
		       "LEFT JOIN schools s ON s.id = u.school_id "
		       "WHERE m.community_id = :c AND m.status != 'withdrawn' "
		       "ORDER BY m.status = 'waitlisted', m.id");
	db_bind_int(st, ":c", c->id);
	while (db_step(st) == SQLITE_ROW)
		csv_row(o, 6, db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2),
			db_col_text(st, 3), db_col_text(st, 4), db_col_text(st, 5));
}
