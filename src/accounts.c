/* Accounts as people see them: registering, signing in and out, the page a registration
 * waits on, and one's own account page with the password change. */
#include <string.h>
#include <time.h>

#include "auth.h"
#include "handlers.h"
#include "html.h"
#include "page.h"
#include "users.h"
#include "validate.h"

/* Where to go after signing in: the page asked for, else the member home. (The access gate
 * sends an account that is not yet approved on to its status page.) */
static const char *after_login(const char *next)
{
	return next && is_local_path(next) && strncmp(next, "/login", 6) != 0 ? next : "/home";
}

static void login_form(Req *r, const char *email, const char *next, const char *error)
{
	page_begin(r, "Sign in");
	html_raw(&r->out, "<h1>Sign in</h1>\n");
	if (error)
		html(&r->out, "<div class=\"error-summary\" role=\"alert\"><p>%s</p></div>\n", error);
	form_begin(r, "/login");
	if (next)
		html(&r->out, "<input type=\"hidden\" name=\"next\" value=\"%s\">\n", next);
	form_input(r, "email", "Email address", "email", email, NULL, "username");
	form_input(r, "password", "Password", "password", NULL, NULL, "current-password");
	html_raw(&r->out, "<button type=\"submit\">Sign in</button>\n");
	form_end(r);
	html_raw(&r->out, "<p>New here? <a href=\"/register\">Register for an account</a>. "
			  "Forgot your password? Ask your association's staff to reset it.</p>\n");
	page_end(r);
}

void handle_login_page(Req *r)
{
	if (r->user) {
		resp_redirect(r, after_login(req_query(r, "next")));
		return;
	}
	const char *next = req_query(r, "next");
	login_form(r, NULL, is_local_path(next) ? next : NULL, NULL);
}

void handle_login(Req *r)
{
	char *email = trimmed(r->arena, req_form(r, "email"));
	const char *password = req_form_or(r, "password", "");
	const char *next = req_form(r, "next");
	if (!is_local_path(next))
		next = NULL;
	if (!*email || !*password) {
		r->status = 400;
		login_form(r, email, next, "Enter your email address and password.");
		return;
	}
	int64_t now = time(NULL);
	int64_t wait = login_wait_seconds(r->db, email, r->client_address, now);
	if (wait > 0) {
		r->status = 429;
		resp_header(r, "Retry-After", arena_printf(r->arena, "%lld", (long long)wait));
		const char *msg =
			wait > 60 ? arena_printf(r->arena,
						 "Too many failed sign-in attempts. For your security, "
						 "sign-in is paused. Try again in %lld minutes.",
						 (long long)(wait + 59) / 60)
				  : arena_printf(r->arena,
						 "Too many failed sign-in attempts. Wait %lld second%s "
						 "and try again.",
						 (long long)wait, wait == 1 ? "" : "s");
		login_form(r, email, next, msg);
		return;
	}
	sqlite3_stmt *st = db_prepare(r->db, "SELECT id, password_hash, status FROM users "
					     "WHERE email = :email");
	db_bind_text(st, ":email", email);
	int64_t id = 0;
	bool ok = false;
	char status[16] = "";
	if (db_step(st) == SQLITE_ROW) {
		id = db_col_int(st, 0);
		ok = password_verify(db_col_text(st, 1), password);
		strncpy(status, db_col_text(st, 2), sizeof status - 1);
	} else {
		password_verify_dummy(password);
	}
	sqlite3_reset(st);
	if (!ok) {
		login_failed(r->db, email, r->client_address, now);
		r->status = 401;
		login_form(r, email, next, "That email address and password do not match an account.");
		return;
	}
	if (!strcmp(status, "disabled")) {
		r->status = 403;
		login_form(r, email, next,
			   "This account has been disabled. Contact your association's staff.");
		return;
	}
	login_succeeded(r->db, email);
	if (!auth_start_session(r, id)) {
		resp_error(r, 503, "We could not sign you in just now. Please try again.");
		return;
	}
	resp_redirect(r, after_login(next));
}

void handle_logout(Req *r)
{
	auth_end_session(r);
	resp_redirect(r, "/?notice=signed-out");
}

typedef struct {
	const char *name, *email, *job_title, *school, *password;
	const char *e_name, *e_email, *e_job_title, *e_school, *e_password;
	int errors;
} Registration;

static void register_form(Req *r, const Registration *g)
{
	page_begin(r, "Register");
	html_raw(&r->out, "<h1>Register</h1>\n<p class=\"lead\">Staff of member schools can register. "
			  "Association staff approve each new account; you can sign in "
			  "while you wait and will see the site once approved.</p>\n");
	form_error_summary(r, g->errors);
	form_begin(r, "/register");
	form_input(r, "name", "Your name", "text", g->name, g->e_name, "name");
	form_input(r, "email", "Email address", "email", g->email, g->e_email, "email");
	form_input(r, "job_title", "Job title", "text", g->job_title, g->e_job_title,
		   "organization-title");
	Buf *o = &r->out;
	html(o, "<div class=\"field%s\">\n<label for=\"f-school\">Your school</label>\n",
	     g->e_school ? " has-error" : "");
	if (g->e_school)
		html(o, "<p class=\"field-error\" id=\"f-school-error\">%s</p>\n", g->e_school);
	if (g->e_school)
		html_raw(o, "<select id=\"f-school\" name=\"school\" aria-invalid=\"true\" "
			    "aria-describedby=\"f-school-error\">\n");
	else
		html_raw(o, "<select id=\"f-school\" name=\"school\">\n");
	html_raw(o, "<option value=\"\">Choose your school</option>\n");
	sqlite3_stmt *st = db_prepare(r->db, "SELECT id, name, city FROM schools "
					     "WHERE status = 'active' ORDER BY name");
	while (db_step(st) == SQLITE_ROW) {
		const char *id = db_col_text(st, 0);
		bool chosen = g->school && !strcmp(g->school, id);
		const char *city = db_col_text(st, 2);
		if (chosen)
			html(o, "<option value=\"%s\" selected>%s%s%s</option>\n", id,
			     db_col_text(st, 1), *city ? ", " : "", city);
		else
			html(o, "<option value=\"%s\">%s%s%s</option>\n", id, db_col_text(st, 1),
			     *city ? ", " : "", city);
	}
	html_raw(o, "</select>\n<p class=\"hint\">Not listed? Your school may not be a member yet: "
		    "contact the association.</p>\n</div>\n");
	form_input(r, "password", "Choose a password (at least 10 characters)", "password", NULL,
		   g->e_password, "new-password");
	html_raw(o, "<button type=\"submit\">Register</button>\n");
	form_end(r);
	html_raw(o, "<p>Already registered? <a href=\"/login\">Sign in</a>.</p>\n");
	page_end(r);
}

void handle_register_page(Req *r)
{
	if (r->user) {
		resp_redirect(r, after_login(NULL));
		return;
	}
	Registration g = {0};
	register_form(r, &g);
}

void handle_register(Req *r)
{
	int status = 422;
	Registration g = {
		.name = trimmed(r->arena, req_form(r, "name")),
		.email = trimmed(r->arena, req_form(r, "email")),
		.job_title = trimmed(r->arena, req_form(r, "job_title")),
		.school = trimmed(r->arena, req_form(r, "school")),
		.password = req_form_or(r, "password", ""),
	};
	g.e_name = check_person_name(g.name);
	g.e_email = check_email(g.email);
	g.e_job_title = check_job_title(g.job_title);
	g.e_password = check_password(g.password);
	int64_t school = parse_id(g.school);
	if (!school)
		g.e_school = "Choose your school from the list.";
	g.errors = !!g.e_name + !!g.e_email + !!g.e_job_title + !!g.e_password + !!g.e_school;
	if (!g.errors) {
		NewUser nu = {.email = g.email, .name = g.name, .job_title = g.job_title,
			      .password = g.password, .school_id = school};
		int64_t id = 0;
		switch (user_create(r->db, &nu, &id)) {
		case USER_OK:
			if (!auth_start_session(r, id)) {
				resp_error(r, 503, "Your registration was saved, but we could not sign "
						   "you in. Sign in with your new password.");
				return;
			}
			resp_redirect(r, "/account/status");
			return;
		case USER_DUPLICATE_EMAIL:
			g.e_email = "An account with this email address already exists. "
				    "Sign in instead, or use another address.";
			status = 409;
			break;
		case USER_NO_SUCH_SCHOOL:
			g.e_school = "Choose your school from the list.";
			break;
		case USER_FAILED:
			resp_error(r, 503, "We could not save your registration just now. "
					   "Please try again.");
			return;
		}
		g.errors = 1;
	}
	r->status = status;
	register_form(r, &g);
}

void handle_account_status(Req *r)
{
	const User *u = r->user;
	if (u->is_member) {
		resp_redirect(r, "/home");
		return;
	}
	page_begin(r, "Account status");
	if (u->is_pending) {
		html(&r->out,
		     "<h1>Waiting for approval</h1>\n<p class=\"lead\">Thank you for registering, "
		     "%s. Association staff check every new account against the member schools. "
		     "You will be able to use the knowledge center once your account is approved.</p>\n"
		     "<p>You registered as <strong>%s</strong>, %s at %s.</p>\n",
		     u->name, u->email, u->job_title, u->school_name);
	} else {
		html(&r->out,
		     "<h1>Membership lapsed</h1>\n<p class=\"lead\">%s's membership of the "
		     "association has lapsed, so its staff cannot use the knowledge center for now. "
		     "Contact the association to renew; your account and everything you shared "
		     "are kept.</p>\n",
		     u->school_name);
	}
	page_end(r);
}

static void account_page(Req *r, const char *e_current, const char *e_new)
{
	const User *u = r->user;
	page_begin(r, "My account");
	html(&r->out,
	     "<h1>My account</h1>\n<dl class=\"facts\">\n<dt>Name</dt><dd>%s</dd>\n"
	     "<dt>Email</dt><dd>%s</dd>\n<dt>Job title</dt><dd>%s</dd>\n"
	     "<dt>School</dt><dd>%s</dd>\n<dt>Role</dt><dd>%s</dd>\n</dl>\n"
	     "<h2>Change password</h2>\n",
	     u->name, u->email, u->job_title, *u->school_name ? u->school_name : "Association staff",
	     u->is_admin ? "Administrator" : "Member");
	form_error_summary(r, !!e_current + !!e_new);
	form_begin(r, "/account/password");
	form_input(r, "current", "Current password", "password", NULL, e_current,
		   "current-password");
	form_input(r, "new", "New password (at least 10 characters)", "password", NULL, e_new,
		   "new-password");
	html_raw(&r->out, "<button type=\"submit\">Change password</button>\n");
	form_end(r);
	html_raw(&r->out, "<h2>Your data</h2>\n<p><a href=\"/account/export\">Download everything "
			  "Practica holds about you</a> (a JSON file: your account, sign-ups, RSVPs, "
			  "attendance, proposals, posts and more).</p>\n");
	page_end(r);
}

void handle_account(Req *r)
{
	account_page(r, NULL, NULL);
}

void handle_change_password(Req *r)
{
	const char *current = req_form_or(r, "current", "");
	const char *fresh = req_form_or(r, "new", "");
	sqlite3_stmt *st = db_prepare(r->db, "SELECT password_hash FROM users WHERE id = :id");
	db_bind_int(st, ":id", r->user->id);
	bool ok = db_step(st) == SQLITE_ROW && password_verify(db_col_text(st, 0), current);
	sqlite3_reset(st);
	const char *e_current = ok ? NULL : "That is not your current password.";
	const char *e_new = check_password(fresh);
	if (e_current || e_new) {
		r->status = 422;
		account_page(r, e_current, e_new);
		return;
	}
	if (!user_set_password(r->db, r->user->id, fresh)) {
		resp_error(r, 503, "We could not change your password just now. Please try again.");
		return;
	}
	auth_revoke_sessions(r->db, r->user->id, r->session_hash);
	resp_redirect(r, "/account?notice=password");
}
