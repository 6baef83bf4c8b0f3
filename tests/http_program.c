/* The program year and the facilitator call for proposals, end to end against a real server:
 * years and their timeline (Done / Today / Next), admin-only changes, calls, proposals with
 * their due date and ownership, review comments, and the decision that creates a community.
 * The tests are one story in order and share its state in the statics below. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define PASSWORD "member-password-1"
#define PROPOSER_EMAIL "pat@northfield.org"
#define OTHER_EMAIL "olive@harbor.org"

static Server srv;
static bool started;
static int64_t admin_id, proposer_id;
static Client *admin, *proposer, *other;
static char yesterday[11], today[11], tomorrow[11], next_month[11], last_year[11],
	next_year[11];

/* The story's state. */
static int64_t year_id, call_id, proposal_id, late_call_id, late_proposal_id, declined_id;

static void day(char out[11], int offset)
{
	time_t t = time(NULL) + (time_t)offset * 86400;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The id in a Location like "/proposals/12?notice=..." after prefix, or 0. */
static int64_t id_after(const Reply *r, const char *prefix)
{
	const char *l = reply_header(r, "Location");
	size_t n = strlen(prefix);
	return l && !strncmp(l, prefix, n) ? strtoll(l + n, NULL, 10) : 0;
}

/* path_of("/calls/%lld/proposals", 3): the one %lld replaced by id (heap string). */
static char *path_of(const char *pattern, int64_t id)
{
	const char *at = strstr(pattern, "%lld");
	char *p = malloc(160);
	snprintf(p, 160, "%.*s%lld%s", (int)(at - pattern), pattern, (long long)id, at + 4);
	return p;
}

/* The status label ("Done", "Today", ...) of the timeline item whose title is title. */
static char *milestone_status(const char *body, const char *title)
{
	char heading[160];
	snprintf(heading, sizeof heading, ">%s</h3>", title);
	const char *t = strstr(body, heading);
	if (!t)
		return NULL;
	const char *li = NULL;
	for (const char *p = body; (p = strstr(p, "<li class=\"milestone")) && p < t; p++)
		li = p;
	const char *s = li ? strstr(li, "class=\"milestone-status\">") : NULL;
	if (!s || s > t)
		return NULL;
	s += strlen("class=\"milestone-status\">");
	return strndup(s, strcspn(s, "<"));
}

static Reply propose(Client *c, int64_t call, const char *title, const char *summary)
{
	char *page = path_of("/calls/%lld", call), *action = path_of("/calls/%lld/proposals", call);
	Reply r = client_submit(c, page, action, "title", title, "summary", summary, "audience",
				"School Nurses", "objectives", "Share what works.", "format",
				"Monthly virtual sessions, one in-person day in January.",
				"final_product", "A toolkit", NULL);
	free(page);
	free(action);
	return r;
}

static Reply edit_proposal(Client *c, int64_t proposal, const char *title)
{
	char *path = path_of("/proposals/%lld", proposal);
	Reply r = client_submit(c, "/home", path, "title", title, "summary", "Edited summary.",
				"audience", "School Nurses", "objectives", "", "format", "",
				"final_product", "", NULL);
	free(path);
	return r;
}

static Reply decide(int64_t proposal, const char *decision, const char *message)
{
	char *page = path_of("/proposals/%lld", proposal);
	char *action = path_of("/proposals/%lld/decision", proposal);
	Reply r = client_submit(admin, page, action, "decision", decision, "message", message, NULL);
	free(page);
	free(action);
	return r;
}

static Reply add_milestone(const char *title, const char *on_date)
{
	char *page = path_of("/years/%lld", year_id);
	char *action = path_of("/admin/years/%lld/milestones", year_id);
	Reply r = client_submit(admin, page, action, "title", title, "on_date", on_date,
				"time_note", "3:00 - 4:30 p.m. EST", "place", "Online", "note", "",
				NULL);
	free(page);
	free(action);
	return r;
}

static int64_t count(const char *table)
{
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	return sql_int(&srv, "%s", sql);
}

TEST(server_started)
{
	CHECK(started, "the server did not start");
	CHECK(admin && proposer && other, "a client could not sign in");
}

TEST(years_without_a_year_says_so)
{
	Reply r = client_get(proposer, "/years");
	CHECK(r.status == 200 && body_has(&r, "There is no program year yet"), "status %ld",
	      r.status);
	CHECK(!body_has(&r, "href=\"/admin/years\""), "a member was offered the admin link");
	reply_free(&r);
}

TEST(admin_creates_year)
{
	Reply r = client_submit(admin, "/admin/years", "/admin/years", "name", "2020-2021",
				"starts_on", last_year, "ends_on", next_year, NULL);
	year_id = sql_int(&srv, "SELECT id FROM program_years WHERE name = '2020-2021'");
	CHECK(year_id > 0, "no program_years row");
	char want[64];
	snprintf(want, sizeof want, "/years/%lld?notice=year-created", (long long)year_id);
	CHECK(reply_is(&r, 303, want), "status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
}

TEST(invalid_year_dates_refused)
{
	const char *bad[][2] = {{"2021-02-30", "2021-06-30"}, /* no such day */
				{"next fall", "2021-06-30"},
				{"2021-07-01", "2021-06-30"}}; /* ends before it starts */
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		Reply r = client_submit(admin, "/admin/years", "/admin/years", "name", "Bad Year",
					"starts_on", bad[i][0], "ends_on", bad[i][1], NULL);
		CHECK(r.status == 422, "%s..%s: status %ld", bad[i][0], bad[i][1], r.status);
		CHECK(body_has(&r, "field-error") && body_has(&r, "value=\"Bad Year\""),
		      "%s..%s: no error beside the field or input lost", bad[i][0], bad[i][1]);
		reply_free(&r);
	}
	CHECK(sql_int(&srv, "SELECT count(*) FROM program_years WHERE name = 'Bad Year'") == 0,
	      "an invalid year was stored");
}

TEST(duplicate_year_name_conflicts)
{
	Reply r = client_submit(admin, "/admin/years", "/admin/years", "name", "2020-2021",
				"starts_on", last_year, "ends_on", next_year, NULL);
	CHECK(r.status == 409 && body_has(&r, "already a program year"), "status %ld", r.status);
	reply_free(&r);
	CHECK(count("program_years") == 1, "a second year was stored");
}

TEST(admin_adds_milestones)
{
	const char *m[][2] = {{"Facilitator RFP opens", yesterday},
			      {"Participant sign-up opens", today},
			      {"Kick-off call", tomorrow},
			      {"In-person deep-dive", next_month}};
	char want[64];
	snprintf(want, sizeof want, "/years/%lld?notice=milestone-added", (long long)year_id);
	for (size_t i = 0; i < sizeof m / sizeof *m; i++) {
		Reply r = add_milestone(m[i][0], m[i][1]);
		CHECK(reply_is(&r, 303, want), "%s: status %ld Location %s", m[i][0], r.status,
		      reply_location(&r));
		reply_free(&r);
	}
	CHECK(sql_int(&srv, "SELECT count(*) FROM milestones WHERE year_id = %lld",
		      (long long)year_id) == 4,
	      "milestones not stored");
}

TEST(invalid_milestone_refused)
{
	Reply r = add_milestone("Soft deadline", "2021-13-01");
	CHECK(r.status == 422 && body_has(&r, "field-error") && body_has(&r, "value=\"Soft deadline\""),
	      "status %ld", r.status);
	reply_free(&r);
	r = add_milestone("", tomorrow);
	CHECK(r.status == 422, "empty title: status %ld", r.status);
	reply_free(&r);
	CHECK(count("milestones") == 4, "an invalid milestone was stored");
}

TEST(timeline_marks_done_today_next)
{
	char *path = path_of("/years/%lld", year_id);
	Reply r = client_get(proposer, path);
	CHECK(r.status == 200, "status %ld", r.status);
	const char *want[][2] = {{"Facilitator RFP opens", "Done"},
				 {"Participant sign-up opens", "Today"},
				 {"Kick-off call", "Next"},
				 {"In-person deep-dive", "Coming up"}};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		char *got = milestone_status(r.body, want[i][0]);
		CHECK(got && !strcmp(got, want[i][1]), "%s: got %s, want %s", want[i][0],
		      got ? got : "(none)", want[i][1]);
		free(got);
	}
	CHECK(body_has(&r, "<ol class=\"timeline\">") && body_has(&r, "aria-current=\"date\"") &&
		      body_has(&r, "class=\"milestone milestone-next\""),
	      "timeline markup");
	CHECK(!body_has(&r, "style="), "inline style on the timeline");
	CHECK(!body_has(&r, "/admin/milestones/"), "a member sees delete buttons");
	reply_free(&r);
	free(path);
}

TEST(years_redirects_to_current_year)
{
	sql_exec(&srv, "INSERT INTO program_years (name, starts_on, ends_on, created_at) VALUES "
		       "('2030-2031', '2030-08-01', '2031-07-31', 0)"); /* more recent, not current */
	char want[32];
	snprintf(want, sizeof want, "/years/%lld", (long long)year_id);
	Reply r = client_get(proposer, "/years");
	CHECK(reply_is(&r, 303, want), "status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
	sql_exec(&srv, "DELETE FROM program_years WHERE name = '2030-2031'");
}

TEST(admin_deletes_milestone)
{
	Reply r = add_milestone("Typo milestone", next_month);
	reply_free(&r);
	int64_t id = sql_int(&srv, "SELECT id FROM milestones WHERE title = 'Typo milestone'");
	char *page = path_of("/years/%lld", year_id);
	char *action = path_of("/admin/milestones/%lld/delete", id);
	r = client_submit(admin, page, action, NULL);
	CHECK(r.status == 303, "status %ld", r.status);
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM milestones WHERE id = %lld", (long long)id) == 0,
	      "not deleted");
	r = client_submit(admin, page, action, NULL);
	CHECK(r.status == 404, "deleting again: status %ld", r.status);
	reply_free(&r);
	free(page);
	free(action);
}

TEST(member_cannot_post_admin_routes)
{
	int64_t years = count("program_years"), milestones = count("milestones"),
		calls = count("calls");
	int64_t mid = sql_int(&srv, "SELECT min(id) FROM milestones");
	char *ms = path_of("/admin/years/%lld/milestones", year_id);
	char *del = path_of("/admin/milestones/%lld/delete", mid);
	char yid[24];
	snprintf(yid, sizeof yid, "%lld", (long long)year_id);
	const char *actions[] = {"/admin/years", ms, del, "/admin/calls"};
	for (size_t i = 0; i < sizeof actions / sizeof *actions; i++) {
		Reply r = client_submit(proposer, "/home", actions[i], "name", "2099-2100",
					"starts_on", "2099-08-01", "ends_on", "2100-06-30", "title",
					"Sneaky", "on_date", tomorrow, "year", yid, "due_on", tomorrow,
					NULL);
		CHECK(r.status == 403, "POST %s as a member: status %ld", actions[i], r.status);
		reply_free(&r);
	}
	CHECK(count("program_years") == years && count("milestones") == milestones &&
		      count("calls") == calls,
	      "a member's POST changed something");
	free(ms);
	free(del);
}

TEST(admin_opens_call)
{
	char yid[24];
	snprintf(yid, sizeof yid, "%lld", (long long)year_id);
	Reply r = client_submit(admin, "/admin/calls", "/admin/calls", "year", yid, "title",
				"Facilitator RFP 2020-2021", "description",
				"Lead a **Community of Practice**.", "expectations",
				"- Attend the orientation", "stipend", "$7,000", "due_on",
				next_month, NULL);
	call_id = id_after(&r, "/calls/");
	CHECK(r.status == 303 && call_id > 0 && strstr(reply_location(&r), "notice=call-opened"),
	      "status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
	char *due = sql_text(&srv, "SELECT due_on FROM calls WHERE id = %lld", (long long)call_id);
	CHECK(due && !strcmp(due, next_month), "due_on %s", due ? due : "(none)");
	free(due);
}

TEST(invalid_call_refused)
{
	Reply r = client_submit(admin, "/admin/calls", "/admin/calls", "year", "999999", "title",
				"Orphan call", "due_on", "someday", NULL);
	CHECK(r.status == 422 && body_has(&r, "Choose a program year") &&
		      body_has(&r, "value=\"Orphan call\""),
	      "status %ld", r.status);
	reply_free(&r);
	CHECK(count("calls") == 1, "an invalid call was stored");
}

TEST(member_sees_open_call)
{
	Reply r = client_get(proposer, "/calls");
	CHECK(r.status == 200 && body_has(&r, "Facilitator RFP 2020-2021") &&
		      body_has(&r, "Open:"),
	      "calls list: status %ld", r.status);
	reply_free(&r);
	char *path = path_of("/calls/%lld", call_id);
	char *action = path_of("action=\"/calls/%lld/proposals\"", call_id);
	r = client_get(proposer, path);
	CHECK(r.status == 200 && body_has(&r, action) && body_has(&r, "$7,000") &&
		      body_has(&r, "<strong>Community of Practice</strong>"),
	      "call page: status %ld", r.status);
	CHECK(body_has(&r, "<label for=\"f-final_product\">"), "a field without a label");
	CHECK(!body_has(&r, "Proposals received"), "a member sees the admin list");
	reply_free(&r);
	free(path);
	free(action);
}

TEST(member_submits_proposal)
{
	Reply r = propose(proposer, call_id, "Nurses Together", "A CoP for school nurses.");
	proposal_id = id_after(&r, "/proposals/");
	CHECK(r.status == 303 && proposal_id > 0 && strstr(reply_location(&r), "proposal-submitted"),
	      "status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
	char *status = sql_text(&srv, "SELECT status FROM proposals WHERE id = %lld AND user_id = "
				      "%lld AND call_id = %lld",
				(long long)proposal_id, (long long)proposer_id, (long long)call_id);
	CHECK(status && !strcmp(status, "submitted"), "status %s", status ? status : "(no row)");
	free(status);
}

TEST(proposal_validation_keeps_input)
{
	int64_t before = count("proposals");
	Reply r = propose(proposer, call_id, "", "My summary is kept.");
	CHECK(r.status == 422 && body_has(&r, "My summary is kept.") && body_has(&r, "field-error"),
	      "status %ld", r.status);
	reply_free(&r);
	CHECK(count("proposals") == before, "an invalid proposal was stored");
}

TEST(member_sees_own_proposal_on_call)
{
	char *path = path_of("/calls/%lld", call_id);
	Reply r = client_get(proposer, path);
	CHECK(body_has(&r, "Your proposals") && body_has(&r, "Nurses Together") &&
		      body_has(&r, "Submitted, awaiting a decision"),
	      "own proposal not listed");
	reply_free(&r);
	free(path);
}

TEST(member_edits_proposal)
{
	Reply r = edit_proposal(proposer, proposal_id, "Nurses Together, Stronger");
	CHECK(r.status == 303 && strstr(reply_location(&r), "proposal-saved"), "status %ld Location %s",
	      r.status, reply_location(&r));
	reply_free(&r);
	char *title = sql_text(&srv, "SELECT title FROM proposals WHERE id = %lld",
			       (long long)proposal_id);
	CHECK(title && !strcmp(title, "Nurses Together, Stronger"), "title %s", title);
	free(title);
}

TEST(other_member_gets_404)
{
	char *path = path_of("/proposals/%lld", proposal_id);
	Reply r = client_get(other, path);
	CHECK(r.status == 404, "GET as another member: %ld", r.status);
	CHECK(!body_has(&r, "Nurses Together"), "the 404 leaks the title");
	reply_free(&r);
	r = edit_proposal(other, proposal_id, "Hijacked");
	CHECK(r.status == 404, "edit as another member: %ld", r.status);
	reply_free(&r);
	char *title = sql_text(&srv, "SELECT title FROM proposals WHERE id = %lld",
			       (long long)proposal_id);
	CHECK(title && !strcmp(title, "Nurses Together, Stronger"), "title %s", title);
	free(title);
	r = client_get(admin, path);
	CHECK(r.status == 200 && body_has(&r, "Nurses Together, Stronger"), "admin GET: %ld",
	      r.status);
	reply_free(&r);
	free(path);
}

TEST(closed_call_refuses_submission)
{
	char yid[24];
	snprintf(yid, sizeof yid, "%lld", (long long)year_id);
	Reply r = client_submit(admin, "/admin/calls", "/admin/calls", "year", yid, "title",
				"Late call", "due_on", tomorrow, NULL);
	late_call_id = id_after(&r, "/calls/");
	reply_free(&r);
	r = propose(proposer, late_call_id, "Early bird", "In before the deadline.");
	late_proposal_id = id_after(&r, "/proposals/");
	reply_free(&r);
	CHECK(late_call_id > 0 && late_proposal_id > 0, "setup failed");
	sql_exec(&srv, "UPDATE calls SET due_on = '%s' WHERE id = %lld", yesterday,
		 (long long)late_call_id);
	int64_t before = count("proposals");
	r = propose(proposer, late_call_id, "Too late", "After the deadline.");
	CHECK(r.status == 409 && body_has(&r, "were due by"), "status %ld", r.status);
	reply_free(&r);
	CHECK(count("proposals") == before, "a late proposal was stored");
}

TEST(closed_call_refuses_editing)
{
	Reply r = edit_proposal(proposer, late_proposal_id, "Changed too late");
	CHECK(r.status == 409 && body_has(&r, "were due by"), "status %ld", r.status);
	reply_free(&r);
	char *title = sql_text(&srv, "SELECT title FROM proposals WHERE id = %lld",
			       (long long)late_proposal_id);
	CHECK(title && !strcmp(title, "Early bird"), "title %s", title);
	free(title);
}

TEST(admin_comments_stay_internal)
{
	char *page = path_of("/proposals/%lld", proposal_id);
	char *action = path_of("/proposals/%lld/comments", proposal_id);
	Reply r = client_submit(admin, page, action, "comment", "Strong reviewer notes.", NULL);
	CHECK(r.status == 303 && strstr(reply_location(&r), "comment-added"), "status %ld", r.status);
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM proposal_comments WHERE proposal_id = %lld AND "
			    "user_id = %lld",
		      (long long)proposal_id, (long long)admin_id) == 1,
	      "no comment row");
	r = client_get(admin, page);
	CHECK(body_has(&r, "Strong reviewer notes."), "admin does not see the comment");
	reply_free(&r);
	r = client_get(proposer, page);
	CHECK(r.status == 200 && !body_has(&r, "Strong reviewer notes.") &&
		      !body_has(&r, "/comments"),
	      "the proposer sees the review");
	reply_free(&r);
	r = client_submit(proposer, page, action, "comment", "Self review", NULL);
	CHECK(r.status == 403, "member comment: status %ld", r.status);
	reply_free(&r);
	free(page);
	free(action);
}

TEST(admin_accepts_proposal)
{
	Reply r = decide(proposal_id, "accept", "Welcome aboard!");
	CHECK(reply_is(&r, 303, "/communities/nurses-together-stronger?notice=proposal-accepted"),
	      "status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
	int64_t cid = sql_int(&srv, "SELECT id FROM communities WHERE slug = "
				    "'nurses-together-stronger' AND name = 'Nurses Together, Stronger' "
				    "AND kind = 'cohort' AND status = 'proposed' AND year_id = %lld "
				    "AND audience = 'School Nurses' AND description LIKE "
				    "'%%## Summary%%Edited summary.%%'",
			      (long long)year_id);
	CHECK(cid > 0, "no community as expected");
	CHECK(sql_int(&srv, "SELECT count(*) FROM facilitators WHERE community_id = %lld AND "
			    "user_id = %lld AND role = 'facilitator'",
		      (long long)cid, (long long)proposer_id) == 1,
	      "the proposer is not its facilitator");
	CHECK(sql_int(&srv, "SELECT count(*) FROM proposals WHERE id = %lld AND status = "
			    "'accepted' AND community_id = %lld AND decided_by = %lld AND "
			    "decided_at > 0 AND decision_message = 'Welcome aboard!'",
		      (long long)proposal_id, (long long)cid, (long long)admin_id) == 1,
	      "the proposal does not record the decision");
	r = client_get(proposer, "/communities/nurses-together-stronger");
	CHECK(r.status == 200 && body_has(&r, "Pat Proposer"), "community page: %ld", r.status);
	reply_free(&r);
}

TEST(second_decision_conflicts)
{
	int64_t communities = count("communities");
	Reply r = decide(proposal_id, "decline", "Changed our minds.");
	CHECK(r.status == 409 && body_has(&r, "already accepted"), "status %ld", r.status);
	reply_free(&r);
	r = decide(proposal_id, "accept", "");
	CHECK(r.status == 409, "accepting again: status %ld", r.status);
	reply_free(&r);
	CHECK(count("communities") == communities, "a second community was created");
	char *status = sql_text(&srv, "SELECT status FROM proposals WHERE id = %lld",
				(long long)proposal_id);
	CHECK(status && !strcmp(status, "accepted"), "status %s", status);
	free(status);
}

TEST(decided_proposal_not_editable)
{
	Reply r = edit_proposal(proposer, proposal_id, "After acceptance");
	CHECK(r.status == 409, "status %ld", r.status);
	reply_free(&r);
}

TEST(accept_avoids_slug_collision)
{
	sql_exec(&srv, "INSERT INTO communities (slug, name, created_at) VALUES "
		       "('data-coaches', 'Data Coaches', 0)");
	Reply r = propose(proposer, call_id, "Data Coaches!", "Coaching with data.");
	int64_t id = id_after(&r, "/proposals/");
	reply_free(&r);
	r = decide(id, "accept", "");
	CHECK(reply_is(&r, 303, "/communities/data-coaches-2?notice=proposal-accepted"),
	      "status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
}

TEST(decline_requires_message)
{
	Reply r = propose(proposer, call_id, "Maybe next year", "An early idea.");
	declined_id = id_after(&r, "/proposals/");
	reply_free(&r);
	r = decide(declined_id, "decline", "");
	CHECK(r.status == 422 && body_has(&r, "Tell the proposer why"), "status %ld", r.status);
	CHECK(body_has(&r, "value=\"decline\" checked>"), "the choice was not kept");
	reply_free(&r);
	r = decide(declined_id, "maybe", "Hmm");
	CHECK(!body_has(&r, " checked"), "a choice checked that was not made");
	CHECK(r.status == 422 && body_has(&r, "Choose accept or decline"), "status %ld", r.status);
	reply_free(&r);
}

TEST(decline_message_shown_to_proposer)
{
	int64_t communities = count("communities");
	Reply r = decide(declined_id, "decline", "Thank you! Please apply again next year.");
	char want[64];
	snprintf(want, sizeof want, "/proposals/%lld?notice=proposal-declined",
		 (long long)declined_id);
	CHECK(reply_is(&r, 303, want), "status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
	CHECK(count("communities") == communities, "declining created a community");
	char *path = path_of("/proposals/%lld", declined_id);
	r = client_get(proposer, path);
	CHECK(r.status == 200 && body_has(&r, "Declined") &&
		      body_has(&r, "Thank you! Please apply again next year."),
	      "the proposer does not see the decision");
	CHECK(!body_has(&r, "Edit your proposal"), "a declined proposal offers editing");
	reply_free(&r);
	free(path);
}

TEST(proposal_title_escaped)
{
	Reply r = propose(proposer, call_id, "<script>alert(1)</script> Nurses", "Plain.");
	int64_t id = id_after(&r, "/proposals/");
	reply_free(&r);
	CHECK(id > 0, "not stored");
	char *path = path_of("/proposals/%lld", id);
	char *call = path_of("/calls/%lld", call_id);
	const char *paths[] = {path, call};
	for (int i = 0; i < 2; i++) {
		Reply a = client_get(admin, paths[i]);
		CHECK(a.status == 200 && body_has(&a, "&lt;script&gt;alert(1)&lt;/script&gt; Nurses") &&
			      !body_has(&a, "<script>"),
		      "%s: not escaped", paths[i]);
		reply_free(&a);
	}
	free(path);
	free(call);
}

TEST(stops_cleanly_on_sigterm)
{
	CHECK(server_stop(&srv) == 0, "the server did not stop cleanly");
}

static bool setup(void)
{
	setenv("TZ", SERVER_TZ, 1); /* the dates below are the server's dates */
	tzset();
	day(yesterday, -1);
	day(today, 0);
	day(tomorrow, 1);
	day(next_month, 30);
	day(last_year, -200);
	day(next_year, 200);
	if (!server_init(&srv))
		return false;
	if (!add_school(&srv, "Northfield Academy", "active") ||
	    !add_school(&srv, "Harbor School", "active"))
		return false;
	admin_id = sql_int(&srv, "SELECT id FROM users WHERE email = '%s'", ADMIN_EMAIL);
	proposer_id = add_user(&srv, PROPOSER_EMAIL, "Pat Proposer", "Northfield Academy", PASSWORD);
	if (!proposer_id || !add_user(&srv, OTHER_EMAIL, "Olive Other", "Harbor School", PASSWORD) ||
	    !server_start(&srv))
		return false;
	admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	proposer = client_login_checked(&srv, PROPOSER_EMAIL, PASSWORD);
	other = client_login_checked(&srv, OTHER_EMAIL, PASSWORD);
	return admin_id > 0;
}

int main(void)
{
	double t0 = now_seconds();
	started = setup();
	int rc = RUN_TESTS(server_started, years_without_a_year_says_so, admin_creates_year,
			   invalid_year_dates_refused, duplicate_year_name_conflicts,
			   admin_adds_milestones, invalid_milestone_refused,
			   timeline_marks_done_today_next, years_redirects_to_current_year,
			   admin_deletes_milestone, member_cannot_post_admin_routes, admin_opens_call,
			   invalid_call_refused, member_sees_open_call, member_submits_proposal,
			   proposal_validation_keeps_input, member_sees_own_proposal_on_call,
			   member_edits_proposal, other_member_gets_404,
			   closed_call_refuses_submission, closed_call_refuses_editing,
			   admin_comments_stay_internal, admin_accepts_proposal,
			   second_decision_conflicts, decided_proposal_not_editable,
			   accept_avoids_slug_collision, decline_requires_message,
			   decline_message_shown_to_proposer, proposal_title_escaped,
			   stops_cleanly_on_sigterm);
	client_free(admin);
	client_free(proposer);
	client_free(other);
	server_cleanup(&srv);
	fprintf(stderr, "http_program: %.1f s\n", now_seconds() - t0);
	return rc;
}
