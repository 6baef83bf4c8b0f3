/* End-to-end account flows against a real server: registration, approval, sign-in and out,
 * CSRF, validation, throttling, lapsed schools, disabling, password changes, session cookies
 * and escaping. The first tests are one story (a registration from start to sign-out) and
 * share its state in the statics below. */
#include <stdlib.h>
#include <string.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

static Server srv;
static bool started;
static int64_t northfield, harbor, lapsed_school, admin_id;

#define MEMBER_PASSWORD "member-password-1"
#define NEW_NAME "Grace Newcomer"
#define NEW_EMAIL "grace@northfield.org"
#define NEW_PASSWORD "grace-password-1"

/* The story's state. */
static Client *pending_client; /* the newcomer's browser, signed in since registering */
static int64_t new_id;

static Reply register_as(Client *c, const char *name, const char *email, int64_t school,
			 const char *password)
{
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)school);
	return client_submit(c, "/register", "/register", "name", name, "email", email, "job_title",
			     "Teacher", "school", sid, "password", password, NULL);
}

/* GETs path and checks the status and, for redirects, the Location. */
static void expect_get(Client *c, const char *path, long status, const char *location,
		       const char *who)
{
	Reply r = client_get(c, path);
	CHECK(reply_is(&r, status, location), "%s: GET %s gave %ld Location %s, want %ld %s", who,
	      path, r.status, reply_header(&r, "Location") ? reply_header(&r, "Location") : "-",
	      status, location ? location : "");
	reply_free(&r);
}

static void clear_failures(void)
{
	sql_exec(&srv, "DELETE FROM login_failures");
}

static char *user_status(int64_t id)
{
	return sql_text(&srv, "SELECT status FROM users WHERE id = %lld", (long long)id);
}

static Reply admin_post(Client *admin, const char *form_page, const char *action,
			const char *extra_name, const char *extra_value)
{
	return client_submit(admin, form_page, action, extra_name, extra_value, NULL);
}

TEST(server_started)
{
	CHECK(started, "the server did not start");
}

TEST(register_creates_pending_account)
{
	pending_client = client_new(&srv);
	Reply r = register_as(pending_client, NEW_NAME, NEW_EMAIL, northfield, NEW_PASSWORD);
	CHECK(reply_is(&r, 303, "/account/status"), "status %ld Location %s", r.status,
	      reply_header(&r, "Location"));
	CHECK(reply_set_cookie(&r, "practica_session") != NULL, "no session cookie");
	reply_free(&r);
	new_id = sql_int(&srv, "SELECT id FROM users WHERE email = '%s'", NEW_EMAIL);
	CHECK(new_id > 0, "no account row");
	char *status = user_status(new_id);
	CHECK(status && !strcmp(status, "pending"), "status %s", status ? status : "(none)");
	free(status);
	CHECK(sql_int(&srv, "SELECT count(*) FROM sessions WHERE user_id = %lld",
		      (long long)new_id) == 1,
	      "the registration did not sign in");
}

TEST(pending_user_sees_status_page)
{
	Reply r = client_get(pending_client, "/account/status");
	CHECK(r.status == 200, "status %ld", r.status);
	CHECK(body_has(&r, "Waiting for approval") && body_has(&r, NEW_NAME) &&
		      body_has(&r, NEW_EMAIL) && body_has(&r, "Northfield Academy"),
	      "status page text: %.500s", r.body);
	reply_free(&r);
}

TEST(pending_user_refused_member_pages)
{
	const char *paths[] = {"/home", "/schools", "/account", "/admin", "/admin/pending"};
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
		expect_get(pending_client, paths[i], 303, "/account/status", "pending");
	char *csrf = client_csrf(pending_client, "/account/status");
	char *body = form_encode("csrf", csrf, "current", NEW_PASSWORD, "new", "another-password-9",
				 NULL);
	Reply r = client_post(pending_client, "/account/password", body);
	CHECK(reply_is(&r, 303, "/account/status"), "POST /account/password: %ld", r.status);
	reply_free(&r);
	free(body);
	free(csrf);
}

TEST(approve_without_csrf_refused)
{
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	char path[64];
	snprintf(path, sizeof path, "/admin/users/%lld/approve", (long long)new_id);
	Reply r = client_post(admin, path, "");
	CHECK(r.status == 403, "no csrf: status %ld", r.status);
	reply_free(&r);
	char *status = user_status(new_id);
	CHECK(status && !strcmp(status, "pending"), "status %s after a refused approval", status);
	free(status);
	client_free(admin);
}

TEST(approve_with_wrong_csrf_refused)
{
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	char path[64];
	snprintf(path, sizeof path, "/admin/users/%lld/approve", (long long)new_id);
	char *own = client_csrf(admin, "/admin/pending");
	char *others = client_csrf(pending_client, "/account/status"); /* another session's */
	char *tampered = own ? strdup(own) : strdup("x");
	tampered[0] = tampered[0] == 'A' ? 'B' : 'A';
	const char *tokens[] = {tampered, others ? others : "", "", "not-a-token"};
	for (size_t i = 0; i < sizeof tokens / sizeof *tokens; i++) {
		char *body = form_encode("csrf", tokens[i], NULL);
		Reply r = client_post(admin, path, body);
		CHECK(r.status == 403, "token %zu: status %ld", i, r.status);
		reply_free(&r);
		free(body);
	}
	char *status = user_status(new_id);
	CHECK(status && !strcmp(status, "pending"), "status %s after refused approvals", status);
	free(status);
	free(own), free(others), free(tampered);
	client_free(admin);
}

TEST(admin_approves_registration)
{
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	Reply page = client_get(admin, "/admin/pending");
	CHECK(page.status == 200 && body_has(&page, NEW_NAME) && body_has(&page, NEW_EMAIL),
	      "pending list: %ld", page.status);
	char action[64];
	snprintf(action, sizeof action, "/admin/users/%lld/approve", (long long)new_id);
	CHECK(body_has(&page, action), "no approve form for %s", action);
	reply_free(&page);
	Reply r = admin_post(admin, "/admin/pending", action, NULL, NULL);
	CHECK(reply_is(&r, 303, "/admin/pending?notice=approved"), "status %ld Location %s",
	      r.status, reply_header(&r, "Location"));
	reply_free(&r);
	char *status = user_status(new_id);
	CHECK(status && !strcmp(status, "active"), "status %s", status ? status : "(none)");
	free(status);
	CHECK(sql_int(&srv, "SELECT approved_by FROM users WHERE id = %lld", (long long)new_id) ==
		      admin_id,
	      "approved_by not recorded");
	/* Approving twice is a conflict, not a success. */
	r = admin_post(admin, "/admin/pending", action, NULL, NULL);
	CHECK(r.status == 409, "second approval: %ld", r.status);
	reply_free(&r);
	client_free(admin);
}

TEST(approved_user_reaches_member_pages)
{
	Client *c = client_login_checked(&srv, NEW_EMAIL, NEW_PASSWORD);
	Reply r = client_get(c, "/home");
	CHECK(r.status == 200 && body_has(&r, "Welcome, " NEW_NAME), "/home: %ld", r.status);
	reply_free(&r);
	r = client_get(c, "/schools");
	CHECK(r.status == 200 && body_has(&r, "Northfield Academy"), "/schools: %ld", r.status);
	CHECK(!body_has(&r, "Lapsed College"), "/schools lists a lapsed school");
	reply_free(&r);
	r = client_get(c, "/account");
	CHECK(r.status == 200 && body_has(&r, NEW_EMAIL), "/account: %ld", r.status);
	reply_free(&r);
	expect_get(c, "/account/status", 303, "/home", "member");
	/* The session from registering is a member's now too. */
	expect_get(pending_client, "/home", 200, NULL, "registration session");
	client_free(c);
}

TEST(logout_without_csrf_refused)
{
	Reply r = client_post(pending_client, "/logout", "");
	CHECK(r.status == 403, "status %ld", r.status);
	reply_free(&r);
	expect_get(pending_client, "/home", 200, NULL, "after a refused logout");
}

TEST(logout_ends_session)
{
	char *token = client_cookie(pending_client, "practica_session");
	int64_t before = sql_int(&srv, "SELECT count(*) FROM sessions WHERE user_id = %lld",
				 (long long)new_id);
	char *csrf = client_csrf(pending_client, "/home");
	char *body = form_encode("csrf", csrf, NULL);
	Reply r = client_post(pending_client, "/logout", body);
	CHECK(reply_is(&r, 303, "/?notice=signed-out"), "status %ld Location %s", r.status,
	      reply_header(&r, "Location"));
	reply_free(&r);
	int64_t after = sql_int(&srv, "SELECT count(*) FROM sessions WHERE user_id = %lld",
				(long long)new_id);
	CHECK(after == before - 1, "sessions %lld before, %lld after", (long long)before,
	      (long long)after);
	expect_get(pending_client, "/home", 303, "/login?next=%2Fhome", "signed out");
	/* The old token is dead, not just forgotten by the browser. */
	Client *replay = client_new(&srv);
	client_set_cookie(replay, "practica_session", token ? token : "x");
	expect_get(replay, "/home", 303, "/login?next=%2Fhome", "replayed token");
	client_free(replay);
	free(token), free(csrf), free(body);
	client_free(pending_client);
	pending_client = NULL;
}

TEST(login_returns_to_next)
{
	Client *c = client_new(&srv);
	expect_get(c, "/schools?sort=name", 303, "/login?next=%2Fschools%3Fsort%3Dname", "anonymous");
	Reply page = client_get(c, "/login?next=%2Fschools%3Fsort%3Dname");
	CHECK(body_has(&page, "name=\"next\" value=\"/schools?sort=name\""),
	      "no next field on the login form");
	char *csrf = extract_csrf(page.body);
	reply_free(&page);
	char *body = form_encode("csrf", csrf, "email", "next@northfield.org", "password",
				 MEMBER_PASSWORD, "next", "/schools?sort=name", NULL);
	Reply r = client_post(c, "/login", body);
	CHECK(reply_is(&r, 303, "/schools?sort=name"), "status %ld Location %s", r.status,
	      reply_header(&r, "Location"));
	reply_free(&r);
	free(body), free(csrf);
	expect_get(c, "/schools", 200, NULL, "after login");
	client_free(c);
}

/* A "next" address arrives decoded: its spaces and non-ASCII letters are encoded again in
 * the Location, which may not hold them raw (found by fuzz/fuzz_request.c). */
TEST(login_next_with_spaces_encoded_in_location)
{
	Client *c = client_new(&srv);
	Reply r = client_submit(c, "/login", "/login", "email", "next@northfield.org", "password",
				MEMBER_PASSWORD, "next", "/search?q=caf\xc3\xa9 plan", NULL);
	CHECK(reply_is(&r, 303, "/search?q=caf%C3%A9%20plan"), "status %ld Location %s", r.status,
	      reply_header(&r, "Location"));
	reply_free(&r);
	r = client_get(c, "/login?next=%2Fsearch%3Fq%3Da%20b");
	CHECK(reply_is(&r, 303, "/search?q=a%20b"), "signed in: status %ld Location %s", r.status,
	      reply_header(&r, "Location"));
	reply_free(&r);
	client_free(c);
}

TEST(login_offsite_next_rejected)
{
	const char *nexts[] = {"//evil.example/x", "https://evil.example/", "/\\evil.example",
			       "/login?next=/home"};
	for (size_t i = 0; i < sizeof nexts / sizeof *nexts; i++) {
		Client *c = client_new(&srv);
		Reply r = client_submit(c, "/login", "/login", "email", "next@northfield.org",
					"password", MEMBER_PASSWORD, "next", nexts[i], NULL);
		CHECK(reply_is(&r, 303, "/home"), "next=%s: status %ld Location %s", nexts[i],
		      r.status, reply_header(&r, "Location"));
		reply_free(&r);
		client_free(c);
	}
}

TEST(login_without_csrf_refused)
{
	Client *c = client_new(&srv);
	int64_t before = sql_int(&srv, "SELECT count(*) FROM sessions");
	char *body = form_encode("email", "next@northfield.org", "password", MEMBER_PASSWORD, NULL);
	Reply r = client_post(c, "/login", body);
	CHECK(r.status == 403, "status %ld", r.status);
	CHECK(reply_set_cookie(&r, "practica_session") == NULL, "a session cookie was set");
	reply_free(&r);
	free(body);
	CHECK(sql_int(&srv, "SELECT count(*) FROM sessions") == before, "a session was created");
	client_free(c);
}

TEST(duplicate_email_refused_case_insensitive)
{
	Client *a = client_new(&srv), *b = client_new(&srv);
	Reply r = register_as(a, "Nina Name", "Name@X.org", northfield, "nina-password-1");
	CHECK(reply_is(&r, 303, "/account/status"), "first registration: %ld", r.status);
	reply_free(&r);
	r = register_as(b, "Other Name", "name@x.org", northfield, "other-password-1");
	CHECK(r.status == 409, "second registration: %ld, want 409", r.status);
	CHECK(body_has(&r, "already exists"), "no message: %.300s", r.body);
	CHECK(body_has(&r, "value=\"Other Name\""), "input not kept");
	CHECK(reply_set_cookie(&r, "practica_session") == NULL, "the duplicate was signed in");
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM users WHERE lower(email) = 'name@x.org'") == 1,
	      "two accounts for one address");
	client_free(a);
	client_free(b);
}

TEST(register_validation_keeps_input_rejected)
{
	Client *c = client_new(&srv);
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)northfield);
	Reply r = client_submit(c, "/register", "/register", "name", "Ada \"Quote\" Lovelace",
				"email", "not-an-email", "job_title", "Head of Maths", "school", sid,
				"password", "short", NULL);
	CHECK(r.status == 422, "status %ld", r.status);
	CHECK(body_has(&r, "value=\"Ada &quot;Quote&quot; Lovelace\""), "name not kept (escaped)");
	CHECK(body_has(&r, "value=\"not-an-email\""), "email not kept");
	CHECK(body_has(&r, "value=\"Head of Maths\""), "job title not kept");
	char selected[64];
	snprintf(selected, sizeof selected, "<option value=\"%s\" selected>", sid);
	CHECK(body_has(&r, selected), "school not kept selected");
	CHECK(body_has(&r, "Enter an email address like name@school.org."), "no email error");
	CHECK(body_has(&r, "at least 10 characters") && body_has(&r, "field-error"),
	      "no password error");
	CHECK(!body_has(&r, "value=\"short\""), "the password was echoed back");
	CHECK(body_has(&r, "name=\"csrf\""), "the form lost its csrf field");
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM users WHERE email = 'not-an-email'") == 0,
	      "an invalid registration was saved");
	client_free(c);
}

TEST(register_unavailable_school_rejected)
{
	Client *c = client_new(&srv);
	Reply r = register_as(c, "Sam School", "sam@nowhere.org", 999999, "sam-password-12");
	CHECK(r.status == 422 && body_has(&r, "Choose your school"), "unknown school: %ld", r.status);
	reply_free(&r);
	r = register_as(c, "Sam School", "sam@nowhere.org", lapsed_school, "sam-password-12");
	CHECK(r.status == 422 && body_has(&r, "Choose your school"), "lapsed school: %ld", r.status);
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM users WHERE email = 'sam@nowhere.org'") == 0,
	      "saved anyway");
	client_free(c);
}

TEST(wrong_password_rejected)
{
	clear_failures();
	Client *c = client_new(&srv);
	Reply r = client_submit(c, "/login", "/login", "email", "next@northfield.org", "password",
				"wrong-password-1", NULL);
	CHECK(r.status == 401, "status %ld", r.status);
	CHECK(body_has(&r, "do not match"), "no message");
	CHECK(body_has(&r, "value=\"next@northfield.org\""), "email not kept");
	CHECK(reply_set_cookie(&r, "practica_session") == NULL, "a session cookie was set");
	reply_free(&r);
	r = client_submit(c, "/login", "/login", "email", "nobody@northfield.org", "password",
			  "wrong-password-1", NULL);
	CHECK(r.status == 401 && body_has(&r, "do not match"), "unknown email: %ld", r.status);
	reply_free(&r);
	expect_get(c, "/home", 303, "/login?next=%2Fhome", "after failed logins");
	client_free(c);
	clear_failures();
}

static Reply try_login(Client *c, const char *email, const char *password)
{
	return client_submit(c, "/login", "/login", "email", email, "password", password, NULL);
}

TEST(login_throttled_after_three_failures)
{
	clear_failures();
	Client *c = client_new(&srv);
	const char *email = "throttle@northfield.org";
	for (int i = 0; i < 3; i++) {
		Reply r = try_login(c, email, "wrong-password-1");
		CHECK(r.status == 401, "failure %d: status %ld", i + 1, r.status);
		reply_free(&r);
	}
	/* Now each attempt must wait 2^(n-3) s after the last failure. An attempt that crosses
	 * a second boundary may be let through (and fail, doubling the wait): allow one. */
	Reply r = try_login(c, email, "wrong-password-1");
	if (r.status == 401) {
		reply_free(&r);
		r = try_login(c, email, "wrong-password-1");
	}
	CHECK(r.status == 429, "status %ld, want 429", r.status);
	const char *retry = reply_header(&r, "Retry-After");
	long secs = retry ? strtol(retry, NULL, 10) : 0;
	CHECK(secs >= 1 && secs <= 2, "Retry-After %s", retry ? retry : "missing");
	CHECK(body_has(&r, "Wait 1 second") || body_has(&r, "Wait 2 seconds"), "message: %.300s",
	      strstr(r.body, "error-summary") ? strstr(r.body, "error-summary") : r.body);
	reply_free(&r);
	/* The right password does not get past the wait either. Three more recent failures make
	 * the wait 8 s or more, so a slow machine (two sign-in pages and an Argon2 check under
	 * ASan) cannot outlast it before the next attempts arrive. */
	for (int i = 0; i < 3; i++)
		sql_exec(&srv, "INSERT INTO login_failures (scope, key, at) VALUES ('email', '%s', "
			       "strftime('%%s', 'now'))",
			 email);
	r = try_login(c, email, MEMBER_PASSWORD);
	CHECK(r.status == 429, "right password while throttled: %ld", r.status);
	CHECK(reply_set_cookie(&r, "practica_session") == NULL, "signed in while throttled");
	reply_free(&r);
	/* Throttling is per email, case-insensitively. */
	r = try_login(c, "THROTTLE@northfield.org", MEMBER_PASSWORD);
	CHECK(r.status == 429, "other case: %ld", r.status);
	reply_free(&r);
	client_free(c);
	clear_failures();
}

TEST(login_locked_after_ten_failures)
{
	clear_failures();
	const char *email = "throttle@northfield.org";
	for (int i = 0; i < 10; i++)
		sql_exec(&srv, "INSERT INTO login_failures (scope, key, at) VALUES ('email', '%s', "
			       "strftime('%%s', 'now') - 60)",
			 email);
	Client *c = client_new(&srv);
	Reply r = try_login(c, email, MEMBER_PASSWORD);
	CHECK(r.status == 429, "status %ld", r.status);
	const char *retry = reply_header(&r, "Retry-After");
	long secs = retry ? strtol(retry, NULL, 10) : 0;
	CHECK(secs > 800 && secs <= 840, "Retry-After %s, want about 840", retry ? retry : "missing");
	CHECK(body_has(&r, "sign-in is paused") && body_has(&r, "14 minutes"), "message: %.300s",
	      strstr(r.body, "error-summary") ? strstr(r.body, "error-summary") : r.body);
	reply_free(&r);
	/* Other accounts are not locked by it. */
	CHECK(client_login(c, "next@northfield.org", MEMBER_PASSWORD), "another email was locked");
	client_free(c);
	clear_failures();
	c = client_new(&srv);
	CHECK(client_login(c, email, MEMBER_PASSWORD), "still locked after the failures expired");
	client_free(c);
}

TEST(address_throttle_blocks_every_email)
{
	clear_failures();
	for (int i = 0; i < 30; i++)
		sql_exec(&srv, "INSERT INTO login_failures (scope, key, at) VALUES ('address', "
			       "'127.0.0.1', strftime('%%s', 'now') - 60)");
	Client *c = client_new(&srv);
	Reply r = try_login(c, "next@northfield.org", MEMBER_PASSWORD);
	CHECK(r.status == 429 && reply_header(&r, "Retry-After"), "status %ld", r.status);
	reply_free(&r);
	client_free(c);
	clear_failures();
}

TEST(lapsed_school_loses_member_access)
{
	Client *c = client_login_checked(&srv, "harbor@harbor.org", MEMBER_PASSWORD);
	expect_get(c, "/home", 200, NULL, "active school");
	sql_exec(&srv, "UPDATE schools SET status = 'lapsed' WHERE id = %lld", (long long)harbor);
	expect_get(c, "/home", 303, "/account/status", "lapsed school");
	expect_get(c, "/schools", 303, "/account/status", "lapsed school");
	expect_get(c, "/account", 303, "/account/status", "lapsed school");
	Reply r = client_get(c, "/account/status");
	CHECK(r.status == 200 && body_has(&r, "Membership lapsed") && body_has(&r, "Harbor School"),
	      "status page: %ld", r.status);
	reply_free(&r);
	sql_exec(&srv, "UPDATE schools SET status = 'active' WHERE id = %lld", (long long)harbor);
	expect_get(c, "/home", 200, NULL, "active again");
	client_free(c);
}

TEST(disabled_user_session_revoked)
{
	int64_t id = sql_int(&srv, "SELECT id FROM users WHERE email = 'disable@northfield.org'");
	Client *target = client_login_checked(&srv, "disable@northfield.org", MEMBER_PASSWORD);
	expect_get(target, "/home", 200, NULL, "before disabling");
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	char action[64];
	snprintf(action, sizeof action, "/admin/users/%lld/disable", (long long)id);
	Reply r = admin_post(admin, "/admin/users", action, NULL, NULL);
	CHECK(reply_is(&r, 303, "/admin/users?notice=disabled"), "disable: %ld %s", r.status,
	      reply_header(&r, "Location"));
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM sessions WHERE user_id = %lld", (long long)id) == 0,
	      "sessions left");
	expect_get(target, "/home", 303, "/login?next=%2Fhome", "disabled");
	Client *again = client_new(&srv);
	r = try_login(again, "disable@northfield.org", MEMBER_PASSWORD);
	CHECK(r.status == 403 && body_has(&r, "disabled"), "login while disabled: %ld", r.status);
	CHECK(reply_set_cookie(&r, "practica_session") == NULL, "a disabled account signed in");
	reply_free(&r);
	/* Enabling lets them back in. */
	snprintf(action, sizeof action, "/admin/users/%lld/enable", (long long)id);
	r = admin_post(admin, "/admin/users", action, NULL, NULL);
	CHECK(reply_is(&r, 303, "/admin/users?notice=enabled"), "enable: %ld", r.status);
	reply_free(&r);
	CHECK(client_login(again, "disable@northfield.org", MEMBER_PASSWORD), "no login after enable");
	client_free(again);
	client_free(admin);
	client_free(target);
}

TEST(admin_cannot_disable_or_demote_self_refused)
{
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	char action[64];
	snprintf(action, sizeof action, "/admin/users/%lld/disable", (long long)admin_id);
	Reply r = admin_post(admin, "/admin/users", action, NULL, NULL);
	CHECK(r.status == 409, "disable self: %ld", r.status);
	reply_free(&r);
	snprintf(action, sizeof action, "/admin/users/%lld/role", (long long)admin_id);
	r = admin_post(admin, "/admin/users", action, "role", "member");
	CHECK(r.status == 409, "demote self: %ld", r.status);
	reply_free(&r);
	char *role = sql_text(&srv, "SELECT role || ' ' || status FROM users WHERE id = %lld",
			      (long long)admin_id);
	CHECK(role && !strcmp(role, "admin active"), "admin is now %s", role ? role : "(gone)");
	free(role);
	expect_get(admin, "/admin", 200, NULL, "admin after refusals");
	client_free(admin);
}

/* An admin page no one can find is a page no one uses: the dashboard links each one that
 * takes no parameters. */
TEST(admin_dashboard_links_every_admin_page)
{
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	Reply r = client_get(admin, "/admin");
	CHECK(r.status == 200, "/admin: %ld", r.status);
	const char *pages[] = {"/admin/pending", "/admin/users", "/admin/schools", "/admin/years",
			       "/admin/calls", "/admin/communities/new", "/admin/meetings/new",
			       "/admin/attendance"};
	for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
		char href[80];
		snprintf(href, sizeof href, "href=\"%s\"", pages[i]);
		CHECK(body_has(&r, href), "the dashboard has no link to %s", pages[i]);
		Reply page = client_get(admin, pages[i]);
		CHECK(page.status == 200, "%s: %ld", pages[i], page.status);
		reply_free(&page);
	}
	reply_free(&r);
	client_free(admin);
}

TEST(password_change_revokes_other_sessions)
{
	clear_failures();
	const char *email = "pw@northfield.org";
	Client *a = client_login_checked(&srv, email, MEMBER_PASSWORD);
	Client *b = client_login_checked(&srv, email, MEMBER_PASSWORD);
	char *csrf = client_csrf(a, "/account");
	char *body = form_encode("csrf", csrf, "current", MEMBER_PASSWORD, "new",
				 "a-brand-new-password", NULL);
	Reply r = client_post(a, "/account/password", body);
	CHECK(reply_is(&r, 303, "/account?notice=password"), "status %ld Location %s", r.status,
	      reply_header(&r, "Location"));
	reply_free(&r);
	free(body), free(csrf);
	expect_get(a, "/home", 200, NULL, "the session that changed it");
	expect_get(b, "/home", 303, "/login?next=%2Fhome", "the other session");
	Client *c = client_new(&srv);
	r = try_login(c, email, MEMBER_PASSWORD);
	CHECK(r.status == 401, "old password: %ld", r.status);
	reply_free(&r);
	CHECK(client_login(c, email, "a-brand-new-password"), "new password refused");
	client_free(a), client_free(b), client_free(c);
	clear_failures();
}

TEST(password_change_wrong_current_rejected)
{
	const char *email = "next@northfield.org";
	char *hash = sql_text(&srv, "SELECT password_hash FROM users WHERE email = '%s'", email);
	Client *a = client_login_checked(&srv, email, MEMBER_PASSWORD);
	char *csrf = client_csrf(a, "/account");
	char *body = form_encode("csrf", csrf, "current", "not-my-password", "new",
				 "a-brand-new-password", NULL);
	Reply r = client_post(a, "/account/password", body);
	CHECK(r.status == 422 && body_has(&r, "not your current password"), "status %ld", r.status);
	reply_free(&r);
	free(body), free(csrf);
	char *after = sql_text(&srv, "SELECT password_hash FROM users WHERE email = '%s'", email);
	CHECK(hash && after && !strcmp(hash, after), "the password changed");
	free(hash), free(after);
	client_free(a);
}

TEST(session_cookie_flags)
{
	Client *c = client_new(&srv);
	Reply page = client_get(c, "/login");
	const char *visitor = reply_set_cookie(&page, "practica_visitor");
	CHECK(visitor && strstr(visitor, "HttpOnly") && strstr(visitor, "SameSite=Lax"),
	      "visitor cookie %s", visitor ? visitor : "missing");
	char *csrf = extract_csrf(page.body);
	reply_free(&page);
	char *body = form_encode("csrf", csrf, "email", "next@northfield.org", "password",
				 MEMBER_PASSWORD, NULL);
	Reply r = client_post(c, "/login", body);
	const char *cookie = reply_set_cookie(&r, "practica_session");
	CHECK(r.status == 303 && cookie, "login %ld, cookie %s", r.status, cookie ? cookie : "-");
	CHECK(cookie && strstr(cookie, "; HttpOnly"), "no HttpOnly: %s", cookie);
	CHECK(cookie && strstr(cookie, "; SameSite=Lax"), "no SameSite=Lax: %s", cookie);
	CHECK(cookie && strstr(cookie, "; Path=/"), "no Path=/: %s", cookie);
	CHECK(cookie && !strstr(cookie, "Secure"), "Secure over plain http: %s", cookie);
	reply_free(&r);
	free(body), free(csrf);
	client_free(c);
}

TEST(login_issues_new_session_token)
{
	/* A token planted before signing in (session fixation) is not adopted. */
	Client *c = client_new(&srv);
	client_set_cookie(c, "practica_session", "planted-token-1234567890");
	CHECK(client_login(c, "next@northfield.org", MEMBER_PASSWORD), "login failed");
	char *first = client_cookie(c, "practica_session");
	CHECK(first && strcmp(first, "planted-token-1234567890") != 0, "the planted token was kept");
	/* Signing in again while signed in replaces the session and kills the old token. (The
	 * login page redirects a signed-in user, so the form's token comes from /home.) */
	Reply r = client_submit(c, "/home", "/login", "email", "next@northfield.org", "password",
				MEMBER_PASSWORD, NULL);
	CHECK(r.status == 303, "second login: %ld", r.status);
	reply_free(&r);
	char *second = client_cookie(c, "practica_session");
	CHECK(first && second && strcmp(first, second) != 0, "the token did not change");
	Client *replay = client_new(&srv);
	client_set_cookie(replay, "practica_session", first ? first : "x");
	expect_get(replay, "/home", 303, "/login?next=%2Fhome", "token from before the login");
	expect_get(c, "/home", 200, NULL, "new token");
	free(first), free(second);
	client_free(replay);
	client_free(c);
}

TEST(registration_token_replaced_at_login)
{
	Client *c = client_new(&srv);
	Reply r = register_as(c, "Rita Register", "rita@northfield.org", northfield,
			      "rita-password-1");
	CHECK(r.status == 303, "registration: %ld", r.status);
	reply_free(&r);
	char *before = client_cookie(c, "practica_session");
	r = client_submit(c, "/account/status", "/login", "email", "rita@northfield.org",
			  "password", "rita-password-1", NULL);
	CHECK(r.status == 303, "login: %ld", r.status);
	reply_free(&r);
	char *after = client_cookie(c, "practica_session");
	CHECK(before && after && strcmp(before, after) != 0, "same token before and after login");
	expect_get(c, "/home", 303, "/account/status", "pending after login");
	free(before), free(after);
	client_free(c);
}

TEST(registered_markup_escaped_on_admin_pages)
{
	const char *evil = "<script>alert(1)</script>";
	Client *c = client_new(&srv);
	Reply r = register_as(c, evil, "evil@northfield.org", northfield, "evil-password-1");
	CHECK(r.status == 303, "registration: %ld", r.status);
	reply_free(&r);
	r = client_get(c, "/account/status");
	CHECK(!body_has(&r, evil) && body_has(&r, "&lt;script&gt;"), "status page not escaped");
	reply_free(&r);
	client_free(c);
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	const char *pages[] = {"/admin/pending", "/admin/users"};
	for (size_t i = 0; i < 2; i++) {
		r = client_get(admin, pages[i]);
		CHECK(r.status == 200, "%s: %ld", pages[i], r.status);
		CHECK(!body_has(&r, evil), "%s shows the markup raw", pages[i]);
		CHECK(body_has(&r, "&lt;script&gt;alert(1)&lt;/script&gt;"), "%s: escaped name missing",
		      pages[i]);
		reply_free(&r);
	}
	client_free(admin);
}

TEST(stops_cleanly_on_sigterm)
{
	check_stops_cleanly(&srv, NULL, 0, NULL);
}

static bool setup(void)
{
	if (!server_init(&srv))
		return false;
	northfield = add_school(&srv, "Northfield Academy", "active");
	harbor = add_school(&srv, "Harbor School", "active");
	lapsed_school = add_school(&srv, "Lapsed College", "lapsed");
	admin_id = sql_int(&srv, "SELECT id FROM users WHERE email = '%s'", ADMIN_EMAIL);
	const char *members[][3] = {
		{"next@northfield.org", "Nora Next", "Northfield Academy"},
		{"throttle@northfield.org", "Theo Throttle", "Northfield Academy"},
		{"disable@northfield.org", "Dana Disable", "Northfield Academy"},
		{"pw@northfield.org", "Paul Password", "Northfield Academy"},
		{"harbor@harbor.org", "Hana Harbor", "Harbor School"},
	};
	for (size_t i = 0; i < sizeof members / sizeof *members; i++)
		if (!add_user(&srv, members[i][0], members[i][1], members[i][2], MEMBER_PASSWORD))
			return false;
	return northfield && harbor && lapsed_school && admin_id > 0 && server_start(&srv);
}

int main(void)
{
	started = setup();
	int rc = RUN_TESTS(server_started, admin_dashboard_links_every_admin_page, register_creates_pending_account,
			   pending_user_sees_status_page, pending_user_refused_member_pages,
			   approve_without_csrf_refused, approve_with_wrong_csrf_refused,
			   admin_approves_registration, approved_user_reaches_member_pages,
			   logout_without_csrf_refused, logout_ends_session, login_returns_to_next,
			   login_next_with_spaces_encoded_in_location,
			   login_offsite_next_rejected, login_without_csrf_refused,
			   duplicate_email_refused_case_insensitive,
			   register_validation_keeps_input_rejected,
			   register_unavailable_school_rejected, wrong_password_rejected,
			   login_throttled_after_three_failures, login_locked_after_ten_failures,
			   address_throttle_blocks_every_email, lapsed_school_loses_member_access,
			   disabled_user_session_revoked, admin_cannot_disable_or_demote_self_refused,
			   password_change_revokes_other_sessions,
			   password_change_wrong_current_rejected, session_cookie_flags,
			   login_issues_new_session_token, registration_token_replaced_at_login,
			   registered_markup_escaped_on_admin_pages, stops_cleanly_on_sigterm);
	client_free(pending_client);
	server_cleanup(&srv);
	return rc;
}
