/* Password reset by a one-time link. Until Practica sends email, an admin issues the link for
 * a member and hands it over (it is shown to the admin once). The link carries a random token;
 * only its hash is stored. It works once, for RESET_SECONDS, only while the account may sign
 * in, and using it signs the account out everywhere. */
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "auth.h"
#include "handlers.h"
#include "html.h"
#include "page.h"
#include "validate.h"

#define RESET_SECONDS (24 * 3600)

static void reset_hash(const char *token, uint8_t out[32])
{
	crypto_generichash(out, 32, (const uint8_t *)token, strlen(token), NULL, 0);
}

/* "https://host" from the request's Host header (checked to be a plain host[:port]). */
static const char *origin_of(Req *r)
{
	const char *host = req_header(r, "Host");
	bool ok = host && *host && strlen(host) < 256;
	for (const char *p = host; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		     *p == '.' || *p == '-' || *p == ':' || *p == '[' || *p == ']';
	return arena_printf(r->arena, "%s://%s", r->https ? "https" : "http",
			    ok ? host : "localhost");
}

void handle_admin_reset_issue(Req *r)
{
	int64_t id = req_param_id(r, 0);
	sqlite3_stmt *st = db_prepare(r->db, "SELECT name, email, status, deleted_at IS NOT NULL "
					     "FROM users WHERE id = :id");
	db_bind_int(st, ":id", id);
	if (db_step(st) != SQLITE_ROW || db_col_int(st, 3)) {
		resp_error(r, 404, "There is no such account.");
		return;
	}
	const char *name = arena_strdup(r->arena, db_col_text(st, 0));
	const char *email = arena_strdup(r->arena, db_col_text(st, 1));
	bool disabled = !strcmp(db_col_text(st, 2), "disabled");
	sqlite3_reset(st);
	if (disabled) {
		resp_error(r, 409, "This account is disabled, so a reset link would not work. Enable "
				   "the account first if they should have access again.");
		return;
	}
	const char *token = random_token(r->arena, 32);
	uint8_t hash[32];
	reset_hash(token, hash);
	int64_t now = time(NULL);
	if (!db_begin(r->db))
		return;
	/* One link per account: a new one replaces any earlier, used or not. */
	st = db_prepare(r->db, "INSERT OR REPLACE INTO password_resets (user_id, token_hash, "
			       "issued_by, created_at, expires_at, used_at) VALUES (:u, :hash, :by, "
			       ":now, :exp, NULL)");
	db_bind_int(st, ":u", id);
	db_bind_blob(st, ":hash", hash, sizeof hash);
	db_bind_int(st, ":by", r->user->id);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":exp", now + RESET_SECONDS);
	bool ok = db_run(st);
	if (ok)
		audit_user(r, "password.reset-issued", id, "link valid for 24 hours");
	if (!ok || !db_commit(r->db)) {
		resp_error(r, 503, "The reset link could not be made just now. Please try again.");
		return;
	}

	/* Shown once: the page must not be cached or leak through a Referer. */
	resp_header(r, "Referrer-Policy", "no-referrer");
	const char *link = arena_printf(r->arena, "%s/reset?token=%s", origin_of(r), token);
	page_begin(r, "Password reset link");
	html(&r->out,
	     "<p class=\"meta\"><a href=\"/admin/users\">Accounts</a></p>\n"
	     "<h1>Password reset link for %s</h1>\n"
	     "<p class=\"lead\">Give this link to %s (%s) yourself, for example by phone or from "
	     "your own email. It lets them choose a new password once, until %s at %s. Using it "
	     "signs them out everywhere.</p>\n"
	     "<div class=\"field\"><label for=\"reset-link\">Reset link</label>\n"
	     "<input id=\"reset-link\" type=\"text\" readonly value=\"%s\" "
	     "aria-describedby=\"reset-hint\"></div>\n"
	     "<p class=\"hint\" id=\"reset-hint\">Copy it now: Practica keeps only a fingerprint "
	     "of it and cannot show it again. Issuing another link makes this one stop "
	     "working.</p>\n",
	     name, name, email, format_date(r, now + RESET_SECONDS),
	     format_time(r, now + RESET_SECONDS), link);
	page_end(r);
}

typedef enum { RESET_OK, RESET_UNKNOWN, RESET_SPENT } ResetCheck;

/* Looks the token up; *user_id gets its account when RESET_OK. */
static ResetCheck check_token(Req *r, const char *token, int64_t *user_id)
{
	if (!token || !*token || strlen(token) > 100)
		return RESET_UNKNOWN;
	uint8_t hash[32];
	reset_hash(token, hash);
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT p.user_id, p.used_at IS NULL AND p.expires_at > :now AND "
		       "u.status != 'disabled' AND u.deleted_at IS NULL "
		       "FROM password_resets p JOIN users u ON u.id = p.user_id "
		       "WHERE p.token_hash = :hash");
	db_bind_blob(st, ":hash", hash, sizeof hash);
	db_bind_int(st, ":now", time(NULL));
	ResetCheck result = RESET_UNKNOWN;
	if (db_step(st) == SQLITE_ROW) {
		*user_id = db_col_int(st, 0);
		result = db_col_int(st, 1) ? RESET_OK : RESET_SPENT;
	}
	sqlite3_reset(st);
	return result;
}

static bool refuse_token(Req *r, ResetCheck c)
{
	if (c == RESET_OK)
		return false;
	resp_error(r, c == RESET_SPENT ? 410 : 404,
		   c == RESET_SPENT
			   ? "This password reset link no longer works: it has been used, it has "
			     "expired, or the account is disabled. Ask your association's staff for a "
			     "new link."
			   : "This password reset link is not valid. Check that you copied all of it, "
			     "or ask your association's staff for a new link.");
	return true;
}

static void reset_form(Req *r, const char *token, const char *e_password, const char *e_confirm)
{
	page_begin(r, "Choose a new password");
	html_raw(&r->out, "<h1>Choose a new password</h1>\n");
	form_error_summary(r, !!e_password + !!e_confirm);
	form_begin(r, "/reset");
	html(&r->out, "<input type=\"hidden\" name=\"token\" value=\"%s\">\n", token);
	form_input(r, "password", "New password (at least 10 characters)", "password", NULL,
		   e_password, "new-password");
	form_input(r, "confirm", "The new password again", "password", NULL, e_confirm,
		   "new-password");
	html_raw(&r->out, "<button type=\"submit\">Set my new password</button>\n");
	form_end(r);
	page_end(r);
}

void handle_reset_page(Req *r)
{
	/* The token is in the address: keep it out of Referer headers. */
	resp_header(r, "Referrer-Policy", "no-referrer");
	const char *token = req_query(r, "token");
	int64_t user_id = 0;
	if (refuse_token(r, check_token(r, token, &user_id)))
		return;
	reset_form(r, token, NULL, NULL);
}

void handle_reset(Req *r)
{
	resp_header(r, "Referrer-Policy", "no-referrer");
	const char *token = req_form(r, "token");
	const char *password = req_form_or(r, "password", "");
	const char *confirm = req_form_or(r, "confirm", "");
	int64_t user_id = 0;
	if (refuse_token(r, check_token(r, token, &user_id)))
		return;
	const char *e_password = check_password(password);
	const char *e_confirm =
		!e_password && strcmp(password, confirm) != 0 ? "The two passwords differ." : NULL;
	if (e_password || e_confirm) {
		r->status = 422;
		reset_form(r, token, e_password, e_confirm);
		return;
	}
	char hash[PASSWORD_HASH_MAX];
	if (!password_hash(password, hash)) {
		resp_error(r, 503, "Your new password could not be saved just now. Please try again.");
		return;
	}
	if (!db_begin(r->db))
		return;
	/* Spending the token is the guard: of two requests racing with it, one changes nothing. */
	sqlite3_stmt *st = db_prepare(r->db, "UPDATE password_resets SET used_at = :now WHERE "
					     "user_id = :u AND used_at IS NULL AND expires_at > :now");
	db_bind_int(st, ":now", time(NULL));
	db_bind_int(st, ":u", user_id);
	if (!db_run(st) || db_changes(r->db) != 1) {
		db_rollback(r->db);
		refuse_token(r, RESET_SPENT);
		return;
	}
	st = db_prepare(r->db, "UPDATE users SET password_hash = :hash WHERE id = :u");
	db_bind_text(st, ":hash", hash);
	db_bind_int(st, ":u", user_id);
	bool ok = db_run(st);
	if (ok)
		auth_revoke_sessions(r->db, user_id, NULL);
	st = db_prepare(r->db, "DELETE FROM login_failures WHERE scope = 'email' AND key = "
			       "(SELECT email FROM users WHERE id = :u)");
	db_bind_int(st, ":u", user_id);
	ok = ok && db_run(st);
	if (!ok || !db_commit(r->db)) {
		resp_error(r, 503, "Your new password could not be saved just now. Please try again.");
		return;
	}
	/* This browser may hold a session of the account: it was just revoked with the rest. */
	if (r->user && r->user->id == user_id)
		auth_end_session(r);
	resp_redirect(r, "/login?notice=password-reset");
}
