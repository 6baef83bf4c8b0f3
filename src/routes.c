/* The route table: every URL Practica answers, its handler and who may call it. This is the
 * one place routes are declared; `practica routes` prints it and the authorization test walks
 * it, so a route cannot be added without a rule. Keep it grouped by feature. */
#include "handlers.h"
#include "router.h"

#define GET(path, fn, who, what) {"GET", path, fn, ACCESS_##who, what}
#define POST(path, fn, who, what) {"POST", path, fn, ACCESS_##who, what}
/* A POST that takes files: multipart bodies up to config.max_upload. */
#define UPLOAD(path, fn, who, what) {"POST", path, fn, ACCESS_##who, what, true}

const Route routes[] = {
	/* home.c */
	GET("/", handle_landing, PUBLIC, "start page (members go to their home)"),
	GET("/home", handle_home, MEMBER, "member home: what is new"),
	/* accounts.c */
	GET("/login", handle_login_page, PUBLIC, "sign-in form"),
	POST("/login", handle_login, PUBLIC, "sign in (throttled)"),
	POST("/logout", handle_logout, SIGNED_IN, "sign out"),
	GET("/register", handle_register_page, PUBLIC, "registration form"),
	POST("/register", handle_register, PUBLIC, "register; the account waits for approval"),
	GET("/account/status", handle_account_status, SIGNED_IN, "pending or lapsed account page"),
	GET("/account", handle_account, MEMBER, "my account"),
	POST("/account/password", handle_change_password, MEMBER, "change my password"),
	/* schools.c */
	GET("/schools", handle_schools, MEMBER, "member schools"),
	GET("/admin/schools", handle_admin_schools, ADMIN, "manage member schools"),
	POST("/admin/schools", handle_admin_school_create, ADMIN, "add a member school"),
	GET("/admin/schools/:id", handle_admin_school, ADMIN, "edit a member school"),
	POST("/admin/schools/:id", handle_admin_school_update, ADMIN, "save a member school"),
	/* admin.c */
	GET("/admin", handle_admin, ADMIN, "administration dashboard"),
	GET("/admin/pending", handle_admin_pending, ADMIN, "registrations awaiting approval"),
	GET("/admin/users", handle_admin_users, ADMIN, "all accounts"),
	POST("/admin/users/:id/approve", handle_admin_approve, ADMIN, "approve a registration"),
	POST("/admin/users/:id/decline", handle_admin_decline, ADMIN, "decline a registration"),
	POST("/admin/users/:id/role", handle_admin_role, ADMIN, "make admin or member"),
	POST("/admin/users/:id/disable", handle_admin_disable, ADMIN, "disable an account"),
	POST("/admin/users/:id/enable", handle_admin_enable, ADMIN, "enable an account"),
	/* communities.c */
	GET("/communities", handle_communities, MEMBER, "directory of Communities of Practice"),
	GET("/communities/:slug", handle_community, MEMBER, "a community's virtual meeting space"),
	GET("/communities/:slug/edit", handle_community_edit, FACILITATOR, "edit a community"),
	POST("/communities/:slug/edit", handle_community_update, FACILITATOR, "save a community"),
	GET("/admin/communities/new", handle_community_new, ADMIN, "new community form"),
	POST("/admin/communities", handle_community_create, ADMIN, "create a community"),
	POST("/communities/:slug/facilitators", handle_facilitator_add, ADMIN, "add a facilitator"),
	POST("/communities/:slug/facilitators/:id/remove", handle_facilitator_remove, ADMIN,
	     "remove a facilitator"),
	/* signup.c */
	POST("/communities/:slug/signup", handle_signup, MEMBER, "sign up (or join the waitlist)"),
	POST("/communities/:slug/withdraw", handle_withdraw, MEMBER, "withdraw or leave waitlist"),
	GET("/communities/:slug/roster.csv", handle_roster_csv, FACILITATOR, "roster as CSV"),
	POST("/communities/:slug/roster/:id/remove", handle_roster_remove, FACILITATOR,
	     "remove someone from the roster"),
	/* years.c */
	GET("/years", handle_years, MEMBER, "the current program year's timeline"),
	GET("/years/:id", handle_year, MEMBER, "a program year's timeline of key dates"),
	GET("/admin/years", handle_admin_years, ADMIN, "program years and the new year form"),
	POST("/admin/years", handle_admin_year_create, ADMIN, "create a program year"),
	POST("/admin/years/:id/milestones", handle_milestone_create, ADMIN, "add a key date"),
	POST("/admin/milestones/:id/delete", handle_milestone_delete, ADMIN, "delete a key date"),
	GET("/admin/calls", handle_admin_calls, ADMIN, "calls for proposals and the new call form"),
	POST("/admin/calls", handle_admin_call_create, ADMIN, "open a call for proposals"),
	GET("/calls", handle_calls, MEMBER, "calls for facilitator proposals"),
	/* proposals.c */
	GET("/calls/:id", handle_call, MEMBER, "a call, its proposal form and my proposals"),
	POST("/calls/:id/proposals", handle_proposal_create, MEMBER, "submit a proposal"),
	GET("/proposals/:id", handle_proposal, MEMBER, "a proposal (its proposer or staff)"),
	POST("/proposals/:id", handle_proposal_update, MEMBER, "edit my proposal until it is due"),
	POST("/proposals/:id/comments", handle_proposal_comment, ADMIN, "internal review comment"),
	POST("/proposals/:id/decision", handle_proposal_decision, ADMIN,
	     "accept (creates the community) or decline"),
	/* assets.c and operations */
	GET("/static/:asset", handle_static, PUBLIC, "stylesheet and scripts (cached a year)"),
	GET("/healthz", handle_health, PUBLIC, "liveness and database check for proxies"),
	{0},
};

void handle_health(Req *r)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT 1");
	bool ok = db_step(st) == SQLITE_ROW;
	r->content_type = "text/plain; charset=utf-8";
	r->status = ok ? 200 : 503;
	buf_puts(&r->out, ok ? "ok\n" : "database unavailable\n");
}
