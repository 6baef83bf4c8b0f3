/* Sessions, password reset links, the audit log, members' data export and deletion, and the
 * security headers, against a real server.
 *
 * One server for most tests (people and data added with the CLI and SQL); a second one runs
 * behind a pretend trusted proxy for the Secure cookie flag. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define PASSWORD "member-password-1"
#define SCHOOL "Northfield Academy"

static Server srv;
static bool started;
static int64_t admin_id, school_id, community_id, meeting_id;

/* ---- helpers ---- */

static int64_t user_id(const char *email)
{
	return sql_int(&srv, "SELECT id FROM users WHERE email = '%s'", email);
}

static int header_count(const Reply *r, const char *name)
{
	int n = 0;
	for (int i = 0; i < r->nheaders; i++)
		if (!strcasecmp(r->hname[i], name))
			n++;
	return n;
}

static long get_status(Client *c, const char *path)
{
	Reply r = client_get(c, path);
	long status = r.status;
	reply_free(&r);
	return status;
}

/* POSTs just the csrf token (taken from form_page) to action. */
static Reply post_button(Client *c, const char *form_page, const char *action)
{
	return client_submit(c, form_page, action, NULL);
}

/* The token in a reset page's link ("...reset?token=TOKEN\""), heap, or NULL. */
static char *reset_token_in(const char *html)
{
	const char *p = html ? strstr(html, "/reset?token=") : NULL;
	if (!p)
		return NULL;
	p += strlen("/reset?token=");
	size_t n = strcspn(p, "\"&<");
	char *t = malloc(n + 1);
	memcpy(t, p, n);
	t[n] = '\0';
	return t;
}

/* Issues a reset link for id as admin; returns the token (heap) or NULL. */
static char *issue_reset(Client *admin, int64_t id, long *status)
{
	char action[80];
	snprintf(action, sizeof action, "/admin/users/%lld/reset-password", (long long)id);
	Reply r = post_button(admin, "/admin/users", action);
	*status = r.status;
	char *token = r.status == 200 ? reset_token_in(r.body) : NULL;
	reply_free(&r);
	return token;
}

static Reply use_reset(Client *c, const char *token, const char *password, const char *confirm)
{
	/* The form page refuses a spent token, so the csrf comes from the login page. */
	return client_submit(c, "/login", "/reset", "token", token, "password", password, "confirm",
			     confirm, NULL);
}

static int64_t audit_count(const char *action, int64_t subject)
{
	return sql_int(&srv, "SELECT count(*) FROM audit_log WHERE action = '%s' AND "
			     "(%lld = 0 OR subject_id = %lld)",
		       action, (long long)subject, (long long)subject);
}

/* ---- sessions ---- */

TEST(server_started)
{
	CHECK(started, "the server did not start");
}

TEST(logout_revokes_the_session_server_side)
{
	Client *c = client_login_checked(&srv, "sam@northfield.org", PASSWORD);
	char *token = client_cookie(c, "practica_session");
	int64_t id = user_id("sam@northfield.org");
	int64_t before = sql_int(&srv, "SELECT count(*) FROM sessions WHERE user_id = %lld",
				 (long long)id);
	Reply r = client_submit(c, "/home", "/logout", NULL);
	CHECK(reply_is(&r, 303, "/?notice=signed-out"), "logout: %ld", r.status);
	const char *cookie = reply_set_cookie(&r, "practica_session");
	CHECK(cookie && strstr(cookie, "Max-Age=0"), "the cookie was not cleared: %s",
	      cookie ? cookie : "none");
	reply_free(&r);
	int64_t after = sql_int(&srv, "SELECT count(*) FROM sessions WHERE user_id = %lld",
				(long long)id);
	CHECK(after == before - 1, "sessions before %lld after %lld", (long long)before,
	      (long long)after);
	/* The old token, replayed by someone who copied it, is dead. */
	Client *thief = client_new(&srv);
	client_set_cookie(thief, "practica_session", token ? token : "x");
	CHECK(get_status(thief, "/home") == 303, "a logged-out token still works");
	client_free(thief);
	free(token);
	client_free(c);
}

TEST(password_change_keeps_current_session_only)
{
	const char *email = "sam@northfield.org";
	Client *a = client_login_checked(&srv, email, PASSWORD), *b = client_login_checked(&srv, email, PASSWORD);
	Reply r = client_submit(a, "/account", "/account/password", "current", PASSWORD, "new",
				"sams-new-password-1", NULL);
	CHECK(reply_is(&r, 303, "/account?notice=password"), "change: %ld", r.status);
	reply_free(&r);
	CHECK(get_status(a, "/home") == 200, "the session that changed it was signed out");
	CHECK(get_status(b, "/home") == 303, "the other session survived");
	CHECK(sql_int(&srv, "SELECT count(*) FROM sessions WHERE user_id = %lld",
		      (long long)user_id(email)) == 1, "more than the current session left");
	/* Back to the shared password for later tests. */
	r = client_submit(a, "/account", "/account/password", "current", "sams-new-password-1",
			  "new", PASSWORD, NULL);
	CHECK(r.status == 303, "change back: %ld", r.status);
	reply_free(&r);
	client_free(a), client_free(b);
}

TEST(cookie_flags_over_plain_http)
{
	Client *c = client_new(&srv);
	Reply r = client_submit(c, "/login", "/login", "email", "sam@northfield.org", "password",
				PASSWORD, NULL);
	const char *cookie = reply_set_cookie(&r, "practica_session");
	CHECK(cookie && strstr(cookie, "; HttpOnly") && strstr(cookie, "; SameSite=Lax") &&
		      strstr(cookie, "; Path=/") && !strstr(cookie, "Secure"),
	      "cookie %s", cookie ? cookie : "missing");
	reply_free(&r);
	client_free(c);
}

TEST(cookie_secure_behind_trusted_proxy_over_https)
{
	Server proxied = {0};
	bool ok = server_init(&proxied);
	if (ok) {
		snprintf(proxied.config, sizeof proxied.config, "%s/practica.conf", proxied.dir);
		FILE *f = fopen(proxied.config, "w");
		ok = f != NULL;
		if (f) {
			fputs("trust-proxy = yes\n", f);
			fclose(f);
		}
	}
	ok = ok && server_start(&proxied);
	CHECK(ok, "the proxied server did not start");
	if (ok) {
		const char *https[] = {"X-Forwarded-Proto: https", "X-Forwarded-For: 203.0.113.7",
				       NULL};
		Client *c = client_new(&proxied);
		Reply page = client_request(c, &(Request){.method = "GET", .path = "/login",
							  .headers = https});
		char *csrf = extract_csrf(page.body);
		const char *visitor = reply_set_cookie(&page, "practica_visitor");
		CHECK(visitor && strstr(visitor, "; Secure"), "visitor cookie over https: %s",
		      visitor ? visitor : "missing");
		reply_free(&page);
		char *body = form_encode("csrf", csrf ? csrf : "", "email", ADMIN_EMAIL, "password",
					 ADMIN_PASSWORD, NULL);
		Reply r = client_request(c, &(Request){.method = "POST", .path = "/login",
						       .body = body, .headers = https});
		const char *cookie = reply_set_cookie(&r, "practica_session");
		CHECK(r.status == 303 && cookie && strstr(cookie, "; Secure") &&
			      strstr(cookie, "; HttpOnly") && strstr(cookie, "; SameSite=Lax"),
		      "session cookie over https: %ld %s", r.status, cookie ? cookie : "missing");
		reply_free(&r);
		/* The audit trail and throttling see the address the proxy reports. */
		Reply plain = client_request(c, &(Request){
			.method = "GET", .path = "/login",
			.headers = (const char *[]){"X-Forwarded-Proto: http", NULL}});
		CHECK(plain.status == 303 || plain.status == 200, "plain: %ld", plain.status);
		reply_free(&plain);
		free(body), free(csrf);
		client_free(c);
		CHECK(server_stop(&proxied) == 0, "the proxied server did not stop cleanly");
	}
	server_cleanup(&proxied);
}

/* ---- password reset links ---- */

TEST(reset_link_sets_password_once_and_signs_out_everywhere)
{
	const char *email = "rita@northfield.org";
	int64_t id = user_id(email);
	Client *member = client_login_checked(&srv, email, PASSWORD);
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	long status;
	char *token = issue_reset(admin, id, &status);
	CHECK(status == 200 && token && strlen(token) >= 40, "issue: %ld token %s", status,
	      token ? token : "none");
	if (!token)
		goto out;
	/* Only a hash is stored. */
	char *stored = sql_text(&srv, "SELECT hex(token_hash) FROM password_resets WHERE "
				      "user_id = %lld", (long long)id);
	CHECK(stored && strlen(stored) == 64 && !strstr(stored, token), "stored %s",
	      stored ? stored : "nothing");
	free(stored);
	CHECK(sql_int(&srv, "SELECT count(*) FROM password_resets WHERE token_hash = '%s'", token) ==
		      0, "the token itself is stored");
	CHECK(audit_count("password.reset-issued", id) == 1, "issuing was not audited");

	Client *holder = client_new(&srv);
	char page[256];
	snprintf(page, sizeof page, "/reset?token=%s", token);
	Reply r = client_get(holder, page);
	CHECK(r.status == 200 && body_has(&r, "Choose a new password"), "form: %ld", r.status);
	CHECK(header_count(&r, "Referrer-Policy") == 1 &&
		      reply_has_header_value(&r, "Referrer-Policy", "no-referrer"),
	      "the reset page may leak its token in a Referer");
	reply_free(&r);
	/* Mismatched and short passwords are refused without spending the link. */
	r = use_reset(holder, token, "a-good-new-password", "a-different-one-1");
	CHECK(r.status == 422 && body_has(&r, "differ"), "mismatch: %ld", r.status);
	reply_free(&r);
	r = use_reset(holder, token, "short", "short");
	CHECK(r.status == 422, "short password: %ld", r.status);
	reply_free(&r);
	r = use_reset(holder, token, "ritas-new-password-1", "ritas-new-password-1");
	CHECK(reply_is(&r, 303, "/login?notice=password-reset"), "use: %ld %s", r.status,
	      reply_header(&r, "Location") ? reply_header(&r, "Location") : "-");
	reply_free(&r);
	CHECK(get_status(member, "/home") == 303, "the member's old session survived the reset");
	CHECK(sql_int(&srv, "SELECT count(*) FROM sessions WHERE user_id = %lld", (long long)id) == 0,
	      "sessions left after the reset");
	Client *c = client_new(&srv);
	r = client_submit(c, "/login", "/login", "email", email, "password", PASSWORD, NULL);
	CHECK(r.status == 401, "old password: %ld", r.status);
	reply_free(&r);
	CHECK(client_login(c, email, "ritas-new-password-1"), "the new password does not work");
	client_free(c);
	/* Used once: the same link is refused now, to view and to post. */
	CHECK(get_status(holder, page) == 410, "a used link still shows its form");
	r = use_reset(holder, token, "another-password-12", "another-password-12");
	CHECK(r.status == 410, "a used link worked again: %ld", r.status);
	reply_free(&r);
	client_free(holder);
out:
	free(token);
	client_free(member);
	client_free(admin);
}

TEST(reset_link_wrong_token_rejected)
{
	Client *c = client_new(&srv);
	CHECK(get_status(c, "/reset?token=not-a-real-token-0123456789abcdefghijklmno") == 404,
	      "a made-up token was accepted");
	CHECK(get_status(c, "/reset") == 404, "no token was accepted");
	Reply r = use_reset(c, "not-a-real-token", "whatever-password-1", "whatever-password-1");
	CHECK(r.status == 404, "posting a made-up token: %ld", r.status);
	reply_free(&r);
	client_free(c);
}

TEST(reset_link_expired_rejected)
{
	int64_t id = user_id("exp@northfield.org");
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	long status;
	char *token = issue_reset(admin, id, &status);
	CHECK(token != NULL, "issue: %ld", status);
	/* Time travel: the link was issued 25 hours ago. */
	sql_exec(&srv, "UPDATE password_resets SET created_at = created_at - 90000, "
		       "expires_at = expires_at - 90000 WHERE user_id = %lld", (long long)id);
	Client *c = client_new(&srv);
	char page[256];
	snprintf(page, sizeof page, "/reset?token=%s", token ? token : "x");
	CHECK(get_status(c, page) == 410, "an expired link shows its form");
	Reply r = use_reset(c, token ? token : "x", "expired-password-1", "expired-password-1");
	CHECK(r.status == 410, "an expired link worked: %ld", r.status);
	reply_free(&r);
	CHECK(client_login(c, "exp@northfield.org", PASSWORD), "the password changed anyway");
	free(token);
	client_free(c);
	client_free(admin);
}

TEST(reset_link_replaced_by_newer_rejected)
{
	int64_t id = user_id("exp@northfield.org");
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	long status;
	char *first = issue_reset(admin, id, &status);
	char *second = issue_reset(admin, id, &status);
	CHECK(first && second && strcmp(first, second) != 0, "two links are the same");
	Client *c = client_new(&srv);
	Reply r = use_reset(c, first ? first : "x", "first-password-12", "first-password-12");
	CHECK(r.status == 404, "the replaced link worked: %ld", r.status);
	reply_free(&r);
	r = use_reset(c, second ? second : "x", "second-password-12", "second-password-12");
	CHECK(r.status == 303, "the newer link failed: %ld", r.status);
	reply_free(&r);
	free(first), free(second);
	client_free(c);
	client_free(admin);
}

TEST(reset_link_for_disabled_account_rejected)
{
	const char *email = "dora@northfield.org";
	int64_t id = user_id(email);
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	long status;
	char *token = issue_reset(admin, id, &status);
	CHECK(token != NULL, "issue: %ld", status);
	char action[80];
	snprintf(action, sizeof action, "/admin/users/%lld/disable", (long long)id);
	Reply r = post_button(admin, "/admin/users", action);
	CHECK(r.status == 303, "disable: %ld", r.status);
	reply_free(&r);
	/* Issued before the account was disabled: refused now. */
	Client *c = client_new(&srv);
	r = use_reset(c, token ? token : "x", "disabled-password-1", "disabled-password-1");
	CHECK(r.status == 410, "a disabled account's link worked: %ld", r.status);
	reply_free(&r);
	/* And no new link for a disabled account. */
	char *again = issue_reset(admin, id, &status);
	CHECK(status == 409 && !again, "issued for a disabled account: %ld", status);
	free(again), free(token);
	client_free(c);
	client_free(admin);
}

TEST(reset_link_issue_by_member_refused)
{
	Client *c = client_login_checked(&srv, "sam@northfield.org", PASSWORD);
	char action[80];
	snprintf(action, sizeof action, "/admin/users/%lld/reset-password", (long long)admin_id);
	Reply r = client_submit(c, "/home", action, NULL);
	CHECK(r.status == 403, "a member issued a reset link: %ld", r.status);
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM password_resets WHERE user_id = %lld",
		      (long long)admin_id) == 0, "a reset row for the admin exists");
	client_free(c);
}

/* ---- audit log ---- */

TEST(audit_records_staff_actions_with_who_and_where)
{
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	/* A registration to approve, and one to decline. */
	const char *people[][2] = {{"ann@northfield.org", "Ann Approve"},
				   {"dec@northfield.org", "Dee Decline"}};
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)school_id);
	for (int i = 0; i < 2; i++) {
		Client *c = client_new(&srv);
		Reply r = client_submit(c, "/register", "/register", "name", people[i][1], "email",
					people[i][0], "job_title", "Teacher", "school", sid, "password",
					PASSWORD, NULL);
		CHECK(r.status == 303, "register %s: %ld", people[i][0], r.status);
		reply_free(&r);
		client_free(c);
	}
	int64_t ann = user_id("ann@northfield.org"), dee = user_id("dec@northfield.org");
	char action[80];
	snprintf(action, sizeof action, "/admin/users/%lld/approve", (long long)ann);
	Reply r = post_button(admin, "/admin/pending", action);
	CHECK(r.status == 303, "approve: %ld", r.status);
	reply_free(&r);
	snprintf(action, sizeof action, "/admin/users/%lld/decline", (long long)dee);
	r = post_button(admin, "/admin/pending", action);
	CHECK(r.status == 303, "decline: %ld", r.status);
	reply_free(&r);
	snprintf(action, sizeof action, "/admin/users/%lld/role", (long long)ann);
	r = client_submit(admin, "/admin/users", action, "role", "admin", NULL);
	CHECK(r.status == 303, "role: %ld", r.status);
	reply_free(&r);
	r = client_submit(admin, "/admin/schools", "/admin/schools", "name", "<b>Bold</b> School",
			  "kind", "school", "city", "Springfield", "status", "active", NULL);
	CHECK(r.status == 303, "school: %ld", r.status);
	reply_free(&r);
	char path[128];
	snprintf(path, sizeof path, "/communities/principals/roster.csv");
	r = client_get(admin, path);
	CHECK(r.status == 200, "roster CSV: %ld", r.status);
	reply_free(&r);

	CHECK(audit_count("user.approve", ann) == 1, "approval not logged");
	CHECK(audit_count("user.role", ann) == 1, "role change not logged");
	CHECK(audit_count("school.create", 0) == 1, "school creation not logged");
	CHECK(audit_count("roster.export", 0) == 1, "roster export not logged");
	/* The declined registration is gone, its name kept in the log. */
	CHECK(sql_int(&srv, "SELECT count(*) FROM audit_log WHERE action = 'user.decline' AND "
			    "subject_id IS NULL AND subject_name = 'Dee Decline'") == 1,
	      "decline not logged with the name");
	char *row = sql_text(&srv, "SELECT actor_id || '|' || actor_name || '|' || address || '|' || "
				   "subject_name FROM audit_log WHERE action = 'user.approve'");
	char want[160];
	snprintf(want, sizeof want, "%lld|%s|127.0.0.1|Ann Approve", (long long)admin_id,
		 ADMIN_NAME);
	CHECK_STR(row, want);
	free(row);
	CHECK(sql_int(&srv, "SELECT count(*) FROM audit_log WHERE at < strftime('%%s','now') - 60 "
			    "OR at > strftime('%%s','now') + 5") == 0, "an entry with a wrong time");

	/* The page shows them, escaped. */
	r = client_get(admin, "/admin/audit");
	CHECK(r.status == 200 && body_has(&r, "user.approve") && body_has(&r, "Ann Approve") &&
		      body_has(&r, "127.0.0.1"), "audit page: %ld", r.status);
	CHECK(body_has(&r, "&lt;b&gt;Bold&lt;/b&gt;") && !body_has(&r, "<b>Bold"),
	      "the audit page does not escape details");
	reply_free(&r);
	client_free(admin);
}

TEST(audit_page_filters_by_action_actor_and_date)
{
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	Reply r = client_get(admin, "/admin/audit?action=user.role");
	CHECK(r.status == 200 && body_has(&r, "user.role") && !body_has(&r, "<td>user.approve"),
	      "action filter: %ld", r.status);
	reply_free(&r);
	sql_exec(&srv, "INSERT INTO audit_log (at, actor_id, actor_name, address, action, detail) "
		       "VALUES (strftime('%%s','now'), NULL, 'Other Person', '10.0.0.9', "
		       "'school.update', 'by someone else')");
	r = client_get(admin, "/admin/audit?actor=Other");
	CHECK(r.status == 200 && body_has(&r, "by someone else") && !body_has(&r, "<td>user.role"),
	      "actor filter: %ld", r.status);
	reply_free(&r);
	r = client_get(admin, "/admin/audit?from=2001-01-01&to=2001-12-31");
	CHECK(r.status == 200 && body_has(&r, "No entries match"), "a past date range shows entries");
	reply_free(&r);
	/* Dates are checked, not trusted: nonsense is ignored, not an error. */
	r = client_get(admin, "/admin/audit?from=2001-13-45&to=%27;--");
	CHECK(r.status == 200 && body_has(&r, "user.role"), "bad dates: %ld", r.status);
	reply_free(&r);
	client_free(admin);
}

TEST(audit_page_paginates)
{
	sql_exec(&srv, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120) "
		       "INSERT INTO audit_log (at, actor_name, action, detail) "
		       "SELECT 1000000000 + i, 'Bulk Actor', 'bulk.test', 'bulk entry ' || i FROM n");
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	Reply r = client_get(admin, "/admin/audit?action=bulk.test");
	CHECK(r.status == 200 && body_has(&r, "bulk entry 120<") && !body_has(&r, "bulk entry 70<") &&
		      body_has(&r, "page=2\">Older"), "page 1: %ld", r.status);
	reply_free(&r);
	r = client_get(admin, "/admin/audit?action=bulk.test&page=3");
	CHECK(r.status == 200 && body_has(&r, "bulk entry 1<") && body_has(&r, "bulk entry 20<") &&
		      !body_has(&r, "bulk entry 21<") && !body_has(&r, ">Older"),
	      "page 3: %ld", r.status);
	reply_free(&r);
	client_free(admin);
	Client *member = client_login_checked(&srv, "sam@northfield.org", PASSWORD);
	CHECK(get_status(member, "/admin/audit") == 403, "a member read the audit log");
	client_free(member);
	sql_exec(&srv, "DELETE FROM audit_log WHERE action = 'bulk.test'");
}

/* ---- export and deletion ---- */

/* Tables with a column pointing at users, and whether the export covers them. A new table
 * that refers to people must be added to the export (src/privacy.c) and then here. */
static const char *const exported_tables[] = {
	"users", "sessions", "password_resets", "calendar_tokens", "memberships", "facilitators",
	"rsvps", "attendance", "proposals", "proposal_comments", "files", "meeting_materials",
	"meetings", "threads", "posts", "thread_shares", "thread_reads", "post_mentions",
	"notifications", "thread_follows", "library_items", "library_versions", "library_ratings",
	"audit_log", NULL};

static sqlite3 *open_server_db(void)
{
	sqlite3 *db = NULL;
	sqlite3_open_v2(srv.db, &db, SQLITE_OPEN_READONLY, NULL);
	return db;
}

TEST(export_covers_every_table_about_people)
{
	sqlite3 *db = open_server_db();
	sqlite3_stmt *st = NULL;
	sqlite3_prepare_v2(db, "SELECT DISTINCT m.name FROM sqlite_master m, "
			       "pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND "
			       "f.\"table\" = 'users'", -1, &st, NULL);
	int tables = 0;
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		bool covered = false;
		for (int i = 0; exported_tables[i]; i++)
			covered |= !strcmp(exported_tables[i], name);
		CHECK(covered, "table %s refers to users but is not in the export", name);
		tables++;
	}
	CHECK(tables >= 10, "only %d tables refer to users", tables);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

TEST(export_gives_a_member_their_data_as_json)
{
	const char *email = "ella@northfield.org";
	int64_t id = user_id(email);
	sql_exec(&srv, "INSERT INTO memberships (community_id, user_id, status, signed_up_at) "
		       "VALUES (%lld, %lld, 'participant', 1)", (long long)community_id, (long long)id);
	sql_exec(&srv, "INSERT INTO rsvps (meeting_id, user_id, answer, answered_at) VALUES "
		       "(%lld, %lld, 'going', 2)", (long long)meeting_id, (long long)id);
	sql_exec(&srv, "INSERT INTO attendance (meeting_id, user_id, method, marked_at) VALUES "
		       "(%lld, %lld, 'code', 3)", (long long)meeting_id, (long long)id);
	sql_exec(&srv, "INSERT INTO proposals (call_id, user_id, title, created_at, updated_at) "
		       "VALUES ((SELECT id FROM calls LIMIT 1), %lld, 'Ella''s \"quoted\" proposal', "
		       "4, 4)", (long long)id);
	Client *c = client_login_checked(&srv, email, PASSWORD);
	Reply r = client_get(c, "/account/export");
	CHECK(r.status == 200, "export: %ld", r.status);
	const char *ct = reply_header(&r, "Content-Type");
	CHECK(ct && !strncmp(ct, "application/json", 16), "content type %s", ct ? ct : "-");
	const char *cd = reply_header(&r, "Content-Disposition");
	CHECK(cd && strstr(cd, "attachment"), "disposition %s", cd ? cd : "-");
	CHECK(!body_has(&r, "password_hash") && !body_has(&r, "$argon2"), "the hash was exported");
	CHECK(!body_has(&r, "sam@northfield.org"), "another member's data was exported");
	/* Well-formed, and the right values in the right places (SQLite's JSON functions). */
	sqlite3 *db = NULL;
	sqlite3_open(":memory:", &db);
	sqlite3_stmt *st = NULL;
	sqlite3_prepare_v2(db, "SELECT json_valid(?1), json_extract(?1, '$.account.email'), "
			       "json_extract(?1, '$.school.name'), "
			       "json_extract(?1, '$.memberships[0].community'), "
			       "json_extract(?1, '$.rsvps[0].answer'), "
			       "json_extract(?1, '$.attendance[0].method'), "
			       "json_extract(?1, '$.proposals[0].title'), "
			       "json_type(?1, '$.sessions')", -1, &st, NULL);
	sqlite3_bind_text(st, 1, r.body, -1, SQLITE_STATIC);
	CHECK(st && sqlite3_step(st) == SQLITE_ROW, "cannot query the export");
	if (st) {
		CHECK(sqlite3_column_int(st, 0) == 1, "not valid JSON: %.300s", r.body);
		CHECK_STR((const char *)sqlite3_column_text(st, 1), email);
		CHECK_STR((const char *)sqlite3_column_text(st, 2), SCHOOL);
		CHECK_STR((const char *)sqlite3_column_text(st, 3), "principals");
		CHECK_STR((const char *)sqlite3_column_text(st, 4), "going");
		CHECK_STR((const char *)sqlite3_column_text(st, 5), "code");
		CHECK_STR((const char *)sqlite3_column_text(st, 6), "Ella's \"quoted\" proposal");
		CHECK_STR((const char *)sqlite3_column_text(st, 7), "array");
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	reply_free(&r);
	client_free(c);
	Client *anon = client_new(&srv);
	CHECK(get_status(anon, "/account/export") == 303, "an anonymous export");
	client_free(anon);
}

TEST(delete_member_needs_confirmation_rejected)
{
	int64_t id = user_id("gus@northfield.org");
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	char path[80];
	snprintf(path, sizeof path, "/admin/users/%lld/delete", (long long)id);
	Reply r = client_get(admin, path);
	CHECK(r.status == 200 && body_has(&r, "Former member") && body_has(&r, "gus@northfield.org"),
	      "confirmation page: %ld", r.status);
	reply_free(&r);
	r = client_submit(admin, path, path, NULL);
	CHECK(r.status == 422, "deleted without confirming: %ld", r.status);
	reply_free(&r);
	char *name = sql_text(&srv, "SELECT name FROM users WHERE id = %lld", (long long)id);
	CHECK_STR(name, "Gus Gone");
	free(name);
	snprintf(path, sizeof path, "/admin/users/%lld/delete", (long long)admin_id);
	r = client_submit(admin, "/admin/users", path, "confirm", "yes", NULL);
	CHECK(r.status == 409, "an admin deleted themself: %ld", r.status);
	reply_free(&r);
	client_free(admin);
}

TEST(delete_member_removes_personal_data_keeps_contributions)
{
	const char *email = "gus@northfield.org";
	int64_t id = user_id(email);
	int64_t waiting = user_id("wally@northfield.org");
	/* Gus has a seat in a full community, Wally waits; Gus RSVPed, attended, proposed and
	 * wrote in a discussion. */
	sql_exec(&srv, "UPDATE communities SET seat_limit = 2 WHERE id = %lld",
		 (long long)community_id);
	sql_exec(&srv, "DELETE FROM memberships WHERE community_id = %lld", (long long)community_id);
	sql_exec(&srv, "INSERT INTO memberships (community_id, user_id, status, signed_up_at) VALUES "
		       "(%lld, %lld, 'participant', 1), (%lld, %lld, 'participant', 2), "
		       "(%lld, %lld, 'waitlisted', 3)",
		 (long long)community_id, (long long)id, (long long)community_id,
		 (long long)user_id("ella@northfield.org"), (long long)community_id,
		 (long long)waiting);
	sql_exec(&srv, "INSERT INTO rsvps (meeting_id, user_id, answer, answered_at) VALUES "
		       "(%lld, %lld, 'going', 5)", (long long)meeting_id, (long long)id);
	sql_exec(&srv, "INSERT INTO attendance (meeting_id, user_id, method, marked_at) VALUES "
		       "(%lld, %lld, 'code', 6)", (long long)meeting_id, (long long)id);
	sql_exec(&srv, "INSERT INTO proposals (call_id, user_id, title, created_at, updated_at) "
		       "VALUES ((SELECT id FROM calls LIMIT 1), %lld, 'Gus proposal', 7, 7)",
		 (long long)id);
	bool discussions = sql_int(&srv, "SELECT count(*) FROM sqlite_master WHERE name = 'posts'") ==
			   1;
	if (discussions) {
		sql_exec(&srv, "INSERT INTO threads (community_id, author_id, title, created_at, "
			       "last_post_at) VALUES (%lld, %lld, 'Gus thread', 8, 8)",
			 (long long)community_id, (long long)id);
		sql_exec(&srv, "INSERT INTO posts (thread_id, author_id, body, created_at) VALUES "
			       "((SELECT id FROM threads WHERE title = 'Gus thread'), %lld, "
			       "'What Gus wrote', 8)", (long long)id);
	}
	Client *gus = client_login_checked(&srv, email, PASSWORD);
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	/* Something in the log names Gus before he goes. */
	char path[80];
	snprintf(path, sizeof path, "/admin/users/%lld/role", (long long)id);
	Reply r = client_submit(admin, "/admin/users", path, "role", "member", NULL);
	reply_free(&r);
	snprintf(path, sizeof path, "/admin/users/%lld/delete", (long long)id);
	r = client_submit(admin, path, path, "confirm", "yes", NULL);
	CHECK(reply_is(&r, 303, "/admin/users?notice=member-deleted"), "delete: %ld", r.status);
	reply_free(&r);

	char *row = sql_text(&srv, "SELECT name || '|' || job_title || '|' || status || '|' || "
				   "(deleted_at IS NOT NULL) || '|' || (email LIKE '%%gus%%') FROM "
				   "users WHERE id = %lld", (long long)id);
	CHECK_STR(row, "Former member||disabled|1|0");
	free(row);
	CHECK(sql_int(&srv, "SELECT count(*) FROM sessions WHERE user_id = %lld", (long long)id) == 0,
	      "sessions left");
	CHECK(get_status(gus, "/home") == 303, "the deleted member is still signed in");
	CHECK(sql_int(&srv, "SELECT count(*) FROM memberships WHERE user_id = %lld", (long long)id) ==
		      0, "sign-ups left");
	CHECK(sql_int(&srv, "SELECT count(*) FROM rsvps WHERE user_id = %lld", (long long)id) == 0,
	      "RSVPs left");
	char *promoted = sql_text(&srv, "SELECT status FROM memberships WHERE user_id = %lld",
				  (long long)waiting);
	CHECK_STR(promoted, "participant");
	free(promoted);
	CHECK(sql_int(&srv, "SELECT count(*) FROM attendance WHERE user_id = %lld", (long long)id) ==
		      1, "attendance was not kept for the counts");
	CHECK(sql_int(&srv, "SELECT count(*) FROM proposals WHERE user_id = %lld", (long long)id) ==
		      1, "the proposal was not kept");
	if (discussions) {
		char *author = sql_text(&srv, "SELECT u.name FROM posts p JOIN users u ON "
					      "u.id = p.author_id WHERE p.body = 'What Gus wrote'");
		CHECK_STR(author, "Former member");
		free(author);
	}
	CHECK(sql_int(&srv, "SELECT count(*) FROM audit_log WHERE subject_name LIKE '%%Gus%%' OR "
			    "actor_name LIKE '%%Gus%%' OR detail LIKE '%%gus@%%'") == 0,
	      "the audit log still names Gus");
	CHECK(audit_count("user.delete", id) == 1, "the deletion was not logged");
	/* Gone for good: no sign-in, not listed, cannot be enabled again. */
	Client *c = client_new(&srv);
	r = client_submit(c, "/login", "/login", "email", email, "password", PASSWORD, NULL);
	CHECK(r.status == 401, "the deleted member signed in: %ld", r.status);
	reply_free(&r);
	client_free(c);
	r = client_get(admin, "/admin/users?q=Former");
	CHECK(r.status == 200 && !body_has(&r, "Former member"), "listed among accounts");
	reply_free(&r);
	snprintf(path, sizeof path, "/admin/users/%lld/enable", (long long)id);
	r = client_submit(admin, "/admin/users", path, NULL);
	CHECK(r.status == 409, "enabled again: %ld", r.status);
	reply_free(&r);
	snprintf(path, sizeof path, "/admin/users/%lld/delete", (long long)id);
	CHECK(get_status(admin, path) == 404, "deleted twice");
	client_free(gus);
	client_free(admin);
}

/* ---- security headers ---- */

static void check_headers(const Reply *r, const char *what, const char *referrer)
{
	CHECK(r->status != 0, "%s: no answer", what);
	int csp = header_count(r, "Content-Security-Policy");
	CHECK(csp >= 1, "%s: no Content-Security-Policy", what);
	bool frame_ancestors = false;
	for (int i = 0; i < r->nheaders; i++) {
		if (strcasecmp(r->hname[i], "Content-Security-Policy"))
			continue;
		frame_ancestors |= strstr(r->hvalue[i], "frame-ancestors 'none'") != NULL;
		CHECK(!strstr(r->hvalue[i], "unsafe-inline") && !strstr(r->hvalue[i], "unsafe-eval"),
		      "%s: CSP allows inline script: %s", what, r->hvalue[i]);
	}
	CHECK(frame_ancestors, "%s: no frame-ancestors 'none'", what);
	CHECK(header_count(r, "X-Content-Type-Options") == 1 &&
		      reply_has_header_value(r, "X-Content-Type-Options", "nosniff"),
	      "%s: nosniff", what);
	CHECK(header_count(r, "Referrer-Policy") == 1, "%s: %d Referrer-Policy headers", what,
	      header_count(r, "Referrer-Policy"));
	if (referrer)
		CHECK(reply_has_header_value(r, "Referrer-Policy", referrer),
		      "%s: Referrer-Policy %s, want %s", what, reply_header(r, "Referrer-Policy"),
		      referrer);
}

static void check_get(Client *c, const char *path, long status, const char *referrer)
{
	Reply r = client_get(c, path);
	CHECK(r.status == status, "GET %s: %ld, want %ld", path, r.status, status);
	check_headers(&r, path, referrer);
	reply_free(&r);
}

TEST(security_headers_on_a_sample_of_responses)
{
	Client *anon = client_new(&srv);
	check_get(anon, "/", 200, "same-origin");
	check_get(anon, "/login", 200, NULL);
	check_get(anon, "/home", 303, NULL);          /* redirect */
	check_get(anon, "/no/such/page", 404, NULL);  /* error page */
	check_get(anon, "/healthz", 200, NULL);
	check_get(anon, "/reset?token=nope", 404, "no-referrer");
	Reply page = client_get(anon, "/login");
	char *css = extract_stylesheet(page.body);
	reply_free(&page);
	CHECK(css != NULL, "no stylesheet link");
	if (css)
		check_get(anon, css, 200, NULL); /* static asset */
	free(css);
	Reply r = client_post(anon, "/login", "a=%zz");
	check_headers(&r, "400 body", NULL);
	reply_free(&r);
	client_free(anon);

	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	char path[128];
	check_get(admin, "/home", 200, NULL);
	check_get(admin, "/admin/audit", 200, NULL);
	snprintf(path, sizeof path, "/meetings/%lld/ics", (long long)meeting_id);
	check_get(admin, path, 200, NULL); /* ICS download */
	check_get(admin, "/communities/principals/roster.csv", 200, NULL);     /* CSV */
	check_get(admin, "/communities/principals/attendance.csv", 200, NULL); /* CSV */
	check_get(admin, "/calendar/feed", 200, "no-referrer");
	/* The private feed: one Referrer-Policy, the strict one (it used to send two). */
	r = client_get(admin, "/calendar/feed");
	reply_free(&r);
	sql_exec(&srv, "DELETE FROM calendar_tokens WHERE user_id = %lld", (long long)admin_id);
	r = client_get(admin, "/calendar/feed");
	const char *feed = r.body ? strstr(r.body, "/feed/") : NULL;
	char feed_path[160] = "";
	if (feed) {
		size_t n = strcspn(feed, "\"");
		if (n < sizeof feed_path)
			memcpy(feed_path, feed, n), feed_path[n] = '\0';
	}
	reply_free(&r);
	CHECK(*feed_path, "no feed address on the page");
	if (*feed_path) {
		Client *subscriber = client_new(&srv);
		check_get(subscriber, feed_path, 200, "no-referrer");
		client_free(subscriber);
	}
	check_get(admin, "/feed/unknown-token.ics", 404, "no-referrer");
	client_free(admin);
}

/* A meeting material: an attachment with a sandboxing policy (the file store's rules, checked
 * at the HTTP level). */
TEST(uploaded_file_served_as_sandboxed_attachment)
{
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	char path[128];
	int64_t assoc = sql_int(&srv, "SELECT id FROM meetings WHERE community_id IS NULL");
	snprintf(path, sizeof path, "/admin/meetings/%lld/materials", (long long)assoc);
	char page[128];
	snprintf(page, sizeof page, "/meetings/%lld", (long long)assoc);
	char *csrf = client_csrf(admin, page);
	const char *pdf = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
	Reply r = client_upload(admin, csrf, path,
				&(UploadFile){"slides.pdf", "application/pdf", pdf, strlen(pdf)},
				"title", "Slides", NULL);
	CHECK(r.status == 303, "upload: %ld %.200s", r.status, r.body);
	reply_free(&r);
	free(csrf);
	int64_t file = sql_int(&srv, "SELECT file_id FROM meeting_materials ORDER BY id DESC LIMIT 1");
	CHECK(file > 0, "no material stored");
	snprintf(path, sizeof path, "/files/%lld", (long long)file);
	r = client_get(admin, path);
	CHECK(r.status == 200, "download: %ld", r.status);
	check_headers(&r, "file download", NULL);
	const char *cd = reply_header(&r, "Content-Disposition");
	CHECK(cd && !strncmp(cd, "attachment", 10), "disposition %s", cd ? cd : "-");
	bool sandbox = false;
	for (int i = 0; i < r.nheaders; i++)
		sandbox |= !strcasecmp(r.hname[i], "Content-Security-Policy") &&
			   strstr(r.hvalue[i], "sandbox");
	CHECK(sandbox, "no sandbox policy on an uploaded file");
	reply_free(&r);
	client_free(admin);
}

TEST(stops_cleanly_on_sigterm)
{
	CHECK(server_stop(&srv) == 0, "the server did not stop cleanly");
}

static bool setup(void)
{
	if (!server_init(&srv))
		return false;
	school_id = add_school(&srv, SCHOOL, "active");
	admin_id = sql_int(&srv, "SELECT id FROM users WHERE email = '%s'", ADMIN_EMAIL);
	const char *members[][2] = {
		{"sam@northfield.org", "Sam Session"}, {"rita@northfield.org", "Rita Reset"},
		{"exp@northfield.org", "Ezra Expired"}, {"dora@northfield.org", "Dora Disabled"},
		{"ella@northfield.org", "Ella Export"}, {"gus@northfield.org", "Gus Gone"},
		{"wally@northfield.org", "Wally Waitlist"},
	};
	for (size_t i = 0; i < sizeof members / sizeof *members; i++)
		if (!add_user(&srv, members[i][0], members[i][1], SCHOOL, PASSWORD))
			return false;
	bool ok = sql_exec(&srv, "INSERT INTO program_years (name, starts_on, ends_on, created_at) "
				 "VALUES ('2030-2031', '2030-08-01', '2031-06-30', 0)") &&
		  sql_exec(&srv, "INSERT INTO calls (year_id, title, due_on, created_at) VALUES "
				 "(1, 'Facilitators wanted', '2031-01-01', 0)") &&
		  sql_exec(&srv, "INSERT INTO communities (slug, name, status, created_at) VALUES "
				 "('principals', 'Principals', 'active', 0)");
	community_id = sql_int(&srv, "SELECT id FROM communities WHERE slug = 'principals'");
	int64_t starts = (int64_t)time(NULL) + 7 * 86400;
	ok = ok && sql_exec(&srv, "INSERT INTO meetings (community_id, title, starts_at, ends_at, "
				  "signin_code, uid, created_at, updated_at) VALUES (%lld, "
				  "'Kick-off', %lld, %lld, 'ABC123', 'h6-1@practica.test', 0, 0), "
				  "(NULL, 'All hands', %lld, %lld, 'DEF456', 'h6-2@practica.test', 0, 0)",
			    (long long)community_id, (long long)starts, (long long)starts + 3600,
			    (long long)starts, (long long)starts + 3600);
	meeting_id = sql_int(&srv, "SELECT id FROM meetings WHERE title = 'Kick-off'");
	return ok && school_id > 0 && admin_id > 0 && community_id > 0 && meeting_id > 0 &&
	       server_start(&srv);
}

int main(void)
{
	started = setup();
	int rc = RUN_TESTS(server_started, logout_revokes_the_session_server_side,
			   password_change_keeps_current_session_only, cookie_flags_over_plain_http,
			   cookie_secure_behind_trusted_proxy_over_https,
			   reset_link_sets_password_once_and_signs_out_everywhere,
			   reset_link_wrong_token_rejected, reset_link_expired_rejected,
			   reset_link_replaced_by_newer_rejected,
			   reset_link_for_disabled_account_rejected, reset_link_issue_by_member_refused,
			   audit_records_staff_actions_with_who_and_where,
			   audit_page_filters_by_action_actor_and_date, audit_page_paginates,
			   export_covers_every_table_about_people,
			   export_gives_a_member_their_data_as_json,
			   delete_member_needs_confirmation_rejected,
			   delete_member_removes_personal_data_keeps_contributions,
			   security_headers_on_a_sample_of_responses,
			   uploaded_file_served_as_sandboxed_attachment, stops_cleanly_on_sigterm);
	server_cleanup(&srv);
	return rc;
}
