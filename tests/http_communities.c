/* Communities of Practice and participant sign-up against a real server: the directory, a
 * community's home (safe Markdown, facilitators, roster and counts), sign-up and its refusals,
 * seats and the waitlist, the race for the last seat, per-community roles (facilitator of THIS
 * community or admin), the facilitator's limited edit form and the roster CSV.
 *
 * One server for the whole suite. The people below sign in once in setup() (each login is an
 * argon2id hash) and keep their client and csrf token; every test makes its own communities
 * (fresh slugs) so tests do not depend on each other's sign-ups. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define SCHOOL_A "Northfield Academy"
#define SCHOOL_B "Harbor School"
#define SCHOOL_C "Cedar School"
#define SCHOOL_LAPSING "Lapsing College"

static Server srv;

static Person admin = {ADMIN_EMAIL, ADMIN_NAME};
static Person fac = {"fiona@northfield.org", "Fiona Facil", SCHOOL_A};
static Person fac2 = {"gus@harbor.org", "Gus Other", SCHOOL_B};
static Person m1 = {"mia@northfield.org", "Mia One", SCHOOL_A};
static Person m2 = {"noah@harbor.org", "Noah Two", SCHOOL_B};
static Person m3 = {"olga@cedar.org", "Olga Three", SCHOOL_C};
static Person m4 = {"paul@northfield.org", "Paul Four", SCHOOL_A};
static Person pend = {"pat@northfield.org", "Pat Pending", SCHOOL_A};
static Person lap = {"lara@lapsing.org", "Lara Lapsed", SCHOOL_LAPSING};
/* Members who never sign in: their memberships are written straight into the database. */
static int64_t formula_id; /* named =HYPERLINK("x") */

static Person *const signed_in[] = {&admin, &fac, &fac2, &m1, &m2, &m3, &m4, &pend, &lap};

/* ---- helpers ---- */

/* "/communities/<slug><suffix>" (a pathf() buffer). */
static const char *slug_path(const char *slug, const char *suffix)
{
	return pathf("/communities/%s%s", slug, suffix);
}

/* Creates a community through the admin form; returns its id (0 on failure). The name is
 * "Community <slug>". seats, opens, closes and commitment may be "" (none). */
static int64_t make_community_full(const char *slug, const char *status, const char *seats,
				   const char *opens, const char *closes, const char *commitment,
				   const char *description)
{
	char name[128];
	snprintf(name, sizeof name, "Community %s", slug);
	Reply r = post_as(&admin, "/admin/communities", "name", name, "slug", slug, "kind", "ongoing",
			  "status", status, "year", "", "audience", "School Nurses", "description",
			  description, "seats", seats, "opens", opens, "soft", "", "closes", closes,
			  "commitment", commitment, NULL);
	char want[160];
	snprintf(want, sizeof want, "/communities/%s/edit?notice=created", slug);
	CHECK(reply_is(&r, 303, want), "creating %s: status %ld Location %s", slug, r.status,
	      reply_location(&r));
	reply_free(&r);
	int64_t id = sql_int(&srv, "SELECT id FROM communities WHERE slug = '%s'", slug);
	CHECK(id != SQL_NO_ROW, "community %s not in the database", slug);
	return id == SQL_NO_ROW ? 0 : id;
}

/* An open community without a commitment or dates. */
static int64_t make_community(const char *slug, const char *seats)
{
	return make_community_full(slug, "open", seats, "", "", "", "About this community.");
}

/* Names a member facilitator (admin form). */
static void name_facilitator(const char *slug, const Person *p, const char *role)
{
	Reply r = post_as(&admin, slug_path(slug, "/facilitators"), "email", p->email,
			  "guest_name", "", "guest_org", "", "role", role, NULL);
	CHECK(r.status == 303, "adding facilitator %s to %s: status %ld", p->email, slug, r.status);
	reply_free(&r);
}

static Reply signup(Person *p, const char *slug)
{
	return post_as(p, slug_path(slug, "/signup"), "commitment", "yes", NULL);
}

/* Signs p up and checks the redirect: want is "signed-up" or "waitlisted". */
static void signup_ok(Person *p, const char *slug, const char *want)
{
	Reply r = signup(p, slug);
	char where[200];
	snprintf(where, sizeof where, "/communities/%s?notice=%s", slug, want);
	CHECK(reply_is(&r, 303, where), "%s signing up for %s: status %ld Location %s, want %s",
	      p->name, slug, r.status, reply_location(&r), where);
	reply_free(&r);
}

static Reply withdraw(Person *p, const char *slug)
{
	return post_as(p, slug_path(slug, "/withdraw"), NULL);
}

/* The membership status of user in community ("participant", ...), or "none". */
static char *mstatus(int64_t community, int64_t user)
{
	char *s = sql_text(&srv, "SELECT status FROM memberships WHERE community_id = %lld AND "
				 "user_id = %lld", (long long)community, (long long)user);
	return s ? s : strdup("none");
}

static void check_mstatus(int64_t community, const Person *p, const char *want)
{
	char *got = mstatus(community, p->id);
	CHECK(!strcmp(got, want), "%s: membership status %s, want %s", p->name, got, want);
	free(got);
}

static int64_t count_rows(int64_t community, const char *status)
{
	return sql_int(&srv, "SELECT count(*) FROM memberships WHERE community_id = %lld AND "
			     "status = '%s'", (long long)community, status);
}

static int64_t count_all_rows(int64_t community)
{
	return sql_int(&srv, "SELECT count(*) FROM memberships WHERE community_id = %lld",
		       (long long)community);
}

/* A membership written straight into the database (for people who never sign in). */
static void insert_membership(int64_t community, int64_t user, const char *status)
{
	CHECK(sql_exec(&srv, "INSERT INTO memberships (community_id, user_id, status, signed_up_at) "
			     "VALUES (%lld, %lld, '%s', strftime('%%s', 'now'))",
		       (long long)community, (long long)user, status),
	      "could not insert a membership");
}

/* The directory card (<li> ... </li>) of the community with this slug (heap), or NULL. */
static char *card_of(const char *html, const char *slug)
{
	char href[160];
	snprintf(href, sizeof href, "<a href=\"/communities/%s\">", slug);
	const char *p = html ? strstr(html, href) : NULL;
	if (!p)
		return NULL;
	const char *start = p;
	while (start > html && strncmp(start, "<li", 3) != 0)
		start--;
	const char *end = strstr(p, "</li>");
	return end ? strndup(start, (size_t)(end - start)) : strdup(start);
}

static bool has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle);
}

static void expect_status(Reply *r, long want, const char *who, const char *what)
{
	CHECK(r->status == want, "%s: %s gave %ld, want %ld", who, what, r->status, want);
}

/* ---- the directory ---- */

TEST(directory_anonymous_refused)
{
	Client *anon = client_new(&srv);
	Reply r = client_get(anon, "/communities");
	CHECK(r.status == 303 && !strncmp(reply_location(&r), "/login", 6), "status %ld Location %s",
	      r.status, reply_location(&r));
	reply_free(&r);
	r = client_get(anon, "/communities/anything");
	CHECK(r.status == 303 && !strncmp(reply_location(&r), "/login", 6), "home: status %ld Location %s",
	      r.status, reply_location(&r));
	reply_free(&r);
	client_free(anon);
}

TEST(admin_creates_community_with_form)
{
	int64_t id = make_community_full("form-made", "open", "12", "2020-01-01", "2099-12-31",
					 "Join all meetings", "Hello *world*");
	char *name = sql_text(&srv, "SELECT name || '|' || status || '|' || seat_limit || '|' || "
				    "signup_opens || '|' || signup_closes || '|' || commitment || "
				    "'|' || audience || '|' || kind FROM communities WHERE id = %lld",
			      (long long)id);
	CHECK_STR(name, "Community form-made|open|12|2020-01-01|2099-12-31|Join all meetings|"
			"School Nurses|ongoing");
	free(name);
}

TEST(member_creates_community_refused)
{
	Reply r = post_as(&m4, "/admin/communities", "name", "Sneaky", "slug", "sneaky", "kind",
			  "ongoing", "status", "open", "year", "", "audience", "", "description", "",
			  "seats", "", "opens", "", "soft", "", "closes", "", "commitment", "", NULL);
	expect_status(&r, 403, m4.name, "POST /admin/communities");
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM communities WHERE slug = 'sneaky'") == 0,
	      "a member created a community");
}

TEST(directory_lists_member_and_guest_facilitators)
{
	make_community("dir-facs", "");
	name_facilitator("dir-facs", &fac, "facilitator");
	Reply r = post_as(&admin, "/communities/dir-facs/facilitators", "email", "", "guest_name",
			  "Gina Guest", "guest_org", "Open Schools Lab", "role", "co-facilitator",
			  NULL);
	CHECK(r.status == 303, "adding a guest: status %ld", r.status);
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM facilitators f JOIN communities c ON c.id = "
			    "f.community_id WHERE c.slug = 'dir-facs'") == 2,
	      "want two facilitator rows");
	r = client_get(m4.c, "/communities");
	CHECK(r.status == 200, "status %ld", r.status);
	char *card = card_of(r.body, "dir-facs");
	CHECK(card != NULL, "dir-facs is not listed");
	CHECK(has(card, "Fiona Facil (Northfield Academy)"), "member facilitator missing: %s",
	      card ? card : "");
	CHECK(has(card, "Gina Guest (Open Schools Lab), co-facilitator"),
	      "guest facilitator missing: %s", card ? card : "");
	free(card);
	reply_free(&r);
}

TEST(directory_escapes_guest_facilitator_markup)
{
	make_community("dir-escape", "");
	Reply r = post_as(&admin, "/communities/dir-escape/facilitators", "email", "", "guest_name",
			  "<img src=x onerror=alert(1)>", "guest_org", "R&D \"Lab\"", "role",
			  "facilitator", NULL);
	CHECK(r.status == 303, "adding a guest: status %ld", r.status);
	reply_free(&r);
	const char *pages[] = {"/communities", "/communities/dir-escape"};
	for (int i = 0; i < 2; i++) {
		r = client_get(m4.c, pages[i]);
		CHECK(!body_has(&r, "<img src=x"), "%s: markup in a guest's name reached the page",
		      pages[i]);
		CHECK(body_has(&r, "&lt;img src=x onerror=alert(1)&gt;"), "%s: name not shown escaped",
		      pages[i]);
		CHECK(body_has(&r, "R&amp;D"), "%s: organization not shown escaped", pages[i]);
		reply_free(&r);
	}
}

TEST(directory_shows_seats_taken_and_left)
{
	int64_t id = make_community("dir-seats", "3");
	insert_membership(id, m1.id, "participant");
	insert_membership(id, m2.id, "participant");
	Reply r = client_get(m4.c, "/communities");
	char *card = card_of(r.body, "dir-seats");
	CHECK(has(card, "2 of 3 seats taken, 1 left"), "card: %s", card ? card : "(missing)");
	CHECK(has(card, "Sign-up open"), "sign-up state missing: %s", card ? card : "");
	free(card);
	reply_free(&r);
}

TEST(directory_shows_full)
{
	int64_t id = make_community("dir-full", "2");
	insert_membership(id, m1.id, "participant");
	insert_membership(id, m2.id, "participant");
	insert_membership(id, m3.id, "waitlisted");
	Reply r = client_get(m3.c, "/communities");
	char *card = card_of(r.body, "dir-full");
	CHECK(has(card, "Full (2 seats)"), "card: %s", card ? card : "(missing)");
	CHECK(has(card, "1 on the waitlist"), "waitlist count missing: %s", card ? card : "");
	CHECK(has(card, "You are number 1 on the waitlist"), "own place missing: %s",
	      card ? card : "");
	CHECK(!has(card, "seats taken"), "a full community shows seats left: %s", card ? card : "");
	free(card);
	reply_free(&r);
}

TEST(directory_shows_signup_state)
{
	make_community_full("dir-later", "open", "", "2099-03-15", "", "", "Later.");
	make_community_full("dir-until", "open", "", "", "2099-03-15", "", "Until.");
	make_community_full("dir-ended", "open", "", "", "2001-01-01", "", "Ended.");
	make_community_full("dir-proposed", "proposed", "", "", "", "", "Proposed.");
	Reply r = client_get(m4.c, "/communities");
	const char *slugs[] = {"dir-later", "dir-until", "dir-ended", "dir-proposed"};
	const char *want[] = {"Sign-up opens Sunday, March 15, 2099",
			      "Sign-up open until Sunday, March 15, 2099", "Sign-up closed",
			      "Coming soon: sign-up is not open yet"};
	for (int i = 0; i < 4; i++) {
		char *card = card_of(r.body, slugs[i]);
		CHECK(has(card, want[i]), "%s: want \"%s\" in %s", slugs[i], want[i],
		      card ? card : "(missing)");
		free(card);
	}
	reply_free(&r);
}

TEST(directory_hides_archived)
{
	make_community_full("dir-archived", "archived", "", "", "", "", "Old.");
	make_community("dir-visible", "");
	Reply r = client_get(m4.c, "/communities");
	CHECK(r.status == 200, "status %ld", r.status);
	CHECK(body_has(&r, "/communities/dir-visible\""), "an open community is not listed");
	CHECK(!body_has(&r, "dir-archived"), "an archived community is listed");
	CHECK(!body_has(&r, "Community dir-archived"), "an archived community's name is listed");
	reply_free(&r);
}

/* ---- a community's home ---- */

TEST(community_home_renders_markdown_safely)
{
	make_community_full("home-md", "open", "", "", "", "",
			    "Some **bold** words.\n\n<script>alert(1)</script>\n\n"
			    "[x](javascript:alert(1)) and [ok](https://example.org/)\n");
	Reply r = client_get(m4.c, "/communities/home-md");
	CHECK(r.status == 200, "status %ld", r.status);
	CHECK(body_has(&r, "<strong>bold</strong>"), "Markdown was not rendered");
	CHECK(body_has(&r, "href=\"https://example.org/\""), "a safe link was dropped");
	CHECK(!body_has(&r, "<script"), "a <script> tag reached the page");
	CHECK(!body_has(&r, "href=\"javascript:"), "a javascript: link reached the page");
	CHECK(!strcasestr(r.body, "javascript:alert(1)\""), "a javascript: URL in an attribute");
	reply_free(&r);
}

TEST(community_home_shows_facilitators)
{
	make_community("home-facs", "");
	name_facilitator("home-facs", &fac2, "co-facilitator");
	Reply r = client_get(m4.c, "/communities/home-facs");
	CHECK(body_has(&r, "Facilitated by Gus Other (Harbor School), co-facilitator"),
	      "facilitator missing from the home page");
	reply_free(&r);
}

TEST(community_home_shows_roster_and_counts)
{
	int64_t id = make_community("home-roster", "");
	signup_ok(&m1, "home-roster", "signed-up");
	signup_ok(&m2, "home-roster", "signed-up");
	signup_ok(&m4, "home-roster", "signed-up");
	CHECK(count_rows(id, "participant") == 3, "want 3 participant rows");
	Reply r = client_get(m3.c, "/communities/home-roster");
	CHECK(r.status == 200, "status %ld", r.status);
	CHECK(body_has(&r, "3 participants from 2 member schools"), "count sentence missing");
	CHECK(body_has(&r, "Mia One</span> <span class=\"meta\">Teacher, Northfield Academy"),
	      "roster row with job title and school missing for Mia");
	CHECK(body_has(&r, "Noah Two</span> <span class=\"meta\">Teacher, Harbor School"),
	      "roster row missing for Noah");
	CHECK(body_has(&r, "Paul Four</span>"), "roster row missing for Paul");
	CHECK(!body_has(&r, "roster.csv"), "a plain member is offered the roster CSV");
	reply_free(&r);
}

TEST(community_home_count_singular)
{
	int64_t id = make_community("home-one", "");
	insert_membership(id, m3.id, "participant");
	Reply r = client_get(m4.c, "/communities/home-one");
	CHECK(body_has(&r, "1 participant from 1 member school."), "singular count sentence missing");
	reply_free(&r);
}

TEST(community_unknown_slug_negative)
{
	Reply r = client_get(m4.c, "/communities/no-such-community");
	expect_status(&r, 404, m4.name, "GET unknown community");
	reply_free(&r);
	r = signup(&m4, "no-such-community");
	expect_status(&r, 404, m4.name, "sign up for an unknown community");
	reply_free(&r);
}

/* ---- sign-up ---- */

TEST(signup_creates_participant)
{
	int64_t id = make_community_full("su-ok", "open", "", "", "", "Join all six meetings",
					 "Hi.");
	Reply page = client_get(m1.c, "/communities/su-ok");
	CHECK(body_has(&page, "name=\"commitment\" value=\"yes\""), "no commitment box");
	CHECK(body_has(&page, "I commit to: Join all six meetings"), "commitment text missing");
	reply_free(&page);
	signup_ok(&m1, "su-ok", "signed-up");
	check_mstatus(id, &m1, "participant");
	CHECK(sql_int(&srv, "SELECT signed_up_at > 0 AND promoted_at IS NULL FROM memberships "
			    "WHERE community_id = %lld AND user_id = %lld",
		      (long long)id, (long long)m1.id) == 1,
	      "signed_up_at unset or promoted_at set");
	page = client_get(m1.c, "/communities/su-ok");
	CHECK(body_has(&page, "You are a participant."), "the page does not say so");
	CHECK(body_has(&page, "Withdraw"), "no withdraw button");
	reply_free(&page);
}

TEST(signup_without_commitment_refused)
{
	int64_t id = make_community_full("su-commit", "open", "", "", "", "Join all meetings",
					 "Hi.");
	Reply r = post_as(&m1, "/communities/su-commit/signup", NULL);
	expect_status(&r, 422, m1.name, "sign-up without the commitment");
	CHECK(body_has(&r, "commitment"), "the page does not mention the commitment");
	reply_free(&r);
	CHECK(count_all_rows(id) == 0, "a membership row was written");
}

TEST(signup_commitment_empty_refused)
{
	/* The box's value is "yes"; a form that sends the field empty has not accepted. Fails
	 * while handle_signup() only checks that the field is present. */
	int64_t id = make_community_full("su-commit-empty", "open", "", "", "", "Join all meetings",
					 "Hi.");
	Reply r = post_as(&m1, "/communities/su-commit-empty/signup", "commitment", "", NULL);
	expect_status(&r, 422, m1.name, "sign-up with an empty commitment field");
	reply_free(&r);
	CHECK(count_all_rows(id) == 0, "a membership row was written");
}

TEST(signup_on_first_and_last_day_allowed)
{
	char *today = sql_text(&srv, "SELECT date('now')"); /* UTC, as the server counts */
	CHECK(today != NULL, "no date");
	if (!today)
		return;
	int64_t first = make_community_full("su-first-day", "open", "", today, "", "", "Hi.");
	int64_t last = make_community_full("su-last-day", "open", "", "", today, "", "Hi.");
	signup_ok(&m1, "su-first-day", "signed-up");
	signup_ok(&m1, "su-last-day", "signed-up");
	check_mstatus(first, &m1, "participant");
	check_mstatus(last, &m1, "participant");
	free(today);
}

TEST(signup_twice_refused)
{
	int64_t id = make_community("su-twice", "");
	signup_ok(&m1, "su-twice", "signed-up");
	Reply r = signup(&m1, "su-twice");
	expect_status(&r, 409, m1.name, "second sign-up");
	CHECK(body_has(&r, "already signed up"), "the page does not say why");
	reply_free(&r);
	CHECK(count_all_rows(id) == 1, "want exactly one row, got %lld",
	      (long long)count_all_rows(id));
	check_mstatus(id, &m1, "participant");
}

TEST(signup_before_opens_refused)
{
	int64_t id = make_community_full("su-early", "open", "", "2099-03-15", "", "", "Hi.");
	Reply r = signup(&m1, "su-early");
	expect_status(&r, 409, m1.name, "early sign-up");
	CHECK(body_has(&r, "opens on Sunday, March 15, 2099"), "the page does not say when: %s",
	      r.body);
	reply_free(&r);
	CHECK(count_all_rows(id) == 0, "a membership row was written");
}

TEST(signup_after_closes_refused)
{
	int64_t id = make_community("su-late", "");
	sql_exec(&srv, "UPDATE communities SET signup_closes = '2001-01-01' WHERE id = %lld",
		 (long long)id);
	Reply r = signup(&m1, "su-late");
	expect_status(&r, 409, m1.name, "late sign-up");
	CHECK(body_has(&r, "closed"), "the page does not say it is closed");
	reply_free(&r);
	CHECK(count_all_rows(id) == 0, "a membership row was written");
}

TEST(signup_status_not_open_refused)
{
	const char *statuses[] = {"proposed", "active", "archived"};
	for (int i = 0; i < 3; i++) {
		char slug[64];
		snprintf(slug, sizeof slug, "su-%s", statuses[i]);
		int64_t id = make_community_full(slug, statuses[i], "", "", "", "", "Hi.");
		Reply r = signup(&m1, slug);
		expect_status(&r, 409, statuses[i], "sign-up");
		CHECK(body_has(&r, "not open for sign-up"), "%s: the page does not say why",
		      statuses[i]);
		reply_free(&r);
		CHECK(count_all_rows(id) == 0, "%s: a membership row was written", statuses[i]);
	}
}

TEST(signup_pending_account_refused)
{
	int64_t id = make_community("su-pending", "");
	Reply r = signup(&pend, "su-pending");
	CHECK(reply_is(&r, 303, "/account/status"), "status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
	CHECK(count_all_rows(id) == 0, "a pending account got a membership row");
}

TEST(signup_lapsed_school_refused)
{
	int64_t id = make_community("su-lapsed", "");
	Reply r = signup(&lap, "su-lapsed");
	CHECK(reply_is(&r, 303, "/account/status"), "status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
	CHECK(count_all_rows(id) == 0, "a member of a lapsed school got a membership row");
}

TEST(signup_without_csrf_refused)
{
	int64_t id = make_community("su-csrf", "");
	Reply r = client_post(m1.c, "/communities/su-csrf/signup", "commitment=yes");
	expect_status(&r, 403, m1.name, "sign-up without csrf");
	reply_free(&r);
	CHECK(count_all_rows(id) == 0, "a membership row was written");
}

/* ---- seats and the waitlist ---- */

TEST(signup_beyond_seats_waitlisted)
{
	int64_t id = make_community("wl-third", "2");
	signup_ok(&m1, "wl-third", "signed-up");
	signup_ok(&m2, "wl-third", "signed-up");
	signup_ok(&m3, "wl-third", "waitlisted");
	CHECK(count_rows(id, "participant") == 2, "want 2 participants");
	check_mstatus(id, &m3, "waitlisted");
	Reply r = client_get(m3.c, "/communities/wl-third");
	CHECK(body_has(&r, "You are number 1 on the waitlist"), "the page does not give the place");
	CHECK(body_has(&r, "Leave the waitlist"), "no leave button");
	reply_free(&r);
	r = client_get(m4.c, "/communities/wl-third");
	CHECK(body_has(&r, "Join the waitlist"), "a full community offers plain sign-up");
	reply_free(&r);
}

TEST(withdraw_promotes_first_waitlisted)
{
	int64_t id = make_community("wl-promote", "2");
	signup_ok(&m1, "wl-promote", "signed-up");
	signup_ok(&m2, "wl-promote", "signed-up");
	signup_ok(&m3, "wl-promote", "waitlisted");
	signup_ok(&m4, "wl-promote", "waitlisted");
	signup_ok(&fac2, "wl-promote", "waitlisted");
	Reply r = withdraw(&m1, "wl-promote");
	CHECK(reply_is(&r, 303, "/communities/wl-promote?notice=withdrawn"),
	      "status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
	check_mstatus(id, &m1, "withdrawn");
	CHECK(sql_int(&srv, "SELECT withdrawn_at > 0 FROM memberships WHERE community_id = %lld "
			    "AND user_id = %lld", (long long)id, (long long)m1.id) == 1,
	      "withdrawn_at not set");
	check_mstatus(id, &m3, "participant");
	CHECK(sql_int(&srv, "SELECT promoted_at > 0 FROM memberships WHERE community_id = %lld AND "
			    "user_id = %lld", (long long)id, (long long)m3.id) == 1,
	      "promoted_at not set");
	check_mstatus(id, &m4, "waitlisted");
	check_mstatus(id, &fac2, "waitlisted");
	CHECK(count_rows(id, "participant") == 2, "want 2 participants");
	r = client_get(m4.c, "/communities/wl-promote");
	CHECK(body_has(&r, "You are number 1 on the waitlist"), "Paul is not first");
	reply_free(&r);
	r = client_get(fac2.c, "/communities/wl-promote");
	CHECK(body_has(&r, "You are number 2 on the waitlist"), "Gus is not second");
	reply_free(&r);
	r = client_get(m3.c, "/communities/wl-promote");
	CHECK(body_has(&r, "You are a participant."), "Olga's page does not say she has a seat");
	reply_free(&r);
}

TEST(leave_waitlist_keeps_order)
{
	int64_t id = make_community("wl-leave", "1");
	signup_ok(&m1, "wl-leave", "signed-up");
	signup_ok(&m2, "wl-leave", "waitlisted");
	signup_ok(&m3, "wl-leave", "waitlisted");
	Reply r = withdraw(&m2, "wl-leave");
	CHECK(reply_is(&r, 303, "/communities/wl-leave?notice=withdrawn"), "status %ld Location %s",
	      r.status, reply_location(&r));
	reply_free(&r);
	check_mstatus(id, &m2, "withdrawn");
	check_mstatus(id, &m1, "participant");
	check_mstatus(id, &m3, "waitlisted");
	r = client_get(m3.c, "/communities/wl-leave");
	CHECK(body_has(&r, "You are number 1 on the waitlist"), "Olga did not move up the line");
	reply_free(&r);
}

TEST(signup_again_after_withdrawing_goes_to_end)
{
	int64_t id = make_community("wl-again", "1");
	signup_ok(&m1, "wl-again", "signed-up");
	signup_ok(&m2, "wl-again", "waitlisted");
	signup_ok(&m3, "wl-again", "waitlisted");
	Reply r = withdraw(&m2, "wl-again");
	reply_free(&r);
	signup_ok(&m2, "wl-again", "waitlisted");
	CHECK(count_all_rows(id) == 3, "want 3 rows (one per member)");
	r = client_get(m2.c, "/communities/wl-again");
	CHECK(body_has(&r, "You are number 2 on the waitlist"), "Noah did not go to the end");
	reply_free(&r);
}

TEST(withdraw_not_signed_up_refused)
{
	int64_t id = make_community("wl-none", "");
	Reply r = withdraw(&m4, "wl-none");
	expect_status(&r, 409, m4.name, "withdraw without a sign-up");
	reply_free(&r);
	signup_ok(&m1, "wl-none", "signed-up");
	r = withdraw(&m1, "wl-none");
	reply_free(&r);
	r = withdraw(&m1, "wl-none");
	expect_status(&r, 409, m1.name, "withdraw twice");
	reply_free(&r);
	CHECK(count_all_rows(id) == 1, "rows changed");
	check_mstatus(id, &m1, "withdrawn");
}

/* ---- the race for the last seat ---- */

typedef struct {
	Person *p;
	const char *slug;
	pthread_barrier_t *go;
	long status;
	char location[200];
} Racer;

/* One racer: a fresh client (so a fresh connection, which the server may hand to any of its
 * threads) carrying the member's session, warmed up, then the sign-up at the barrier. */
static void *race(void *arg)
{
	Racer *x = arg;
	char path[160];
	snprintf(path, sizeof path, "/communities/%s/signup", x->slug);
	char *body = form_encode("csrf", x->p->csrf, "commitment", "yes", NULL);
	Client *c = client_new(&srv);
	char *session = client_cookie(x->p->c, "practica_session");
	client_set_cookie(c, "practica_session", session ? session : "");
	Reply warm = client_get(c, "/healthz"); /* connect before the start line */
	reply_free(&warm);
	pthread_barrier_wait(x->go);
	Reply r = client_post(c, path, body);
	x->status = r.status;
	const char *l = reply_header(&r, "Location");
	snprintf(x->location, sizeof x->location, "%s", l ? l : "-");
	reply_free(&r);
	client_free(c);
	free(session);
	free(body);
	return NULL;
}

/* Never two participants for one seat, and neither racer is turned away: the loser waits for
 * the write lock (busy_timeout) and joins the waitlist. Fails while auth_load_user() leaves its
 * session SELECT un-reset: BEGIN IMMEDIATE then upgrades a read transaction, which SQLite
 * refuses at once with "database is locked" (no busy wait), and the loser gets a 503. */
TEST(signup_race_for_last_seat_one_winner)
{
	for (int round = 0; round < 10; round++) {
		char slug[32];
		snprintf(slug, sizeof slug, "race-%d", round);
		int64_t id = make_community(slug, "1");
		pthread_barrier_t go;
		pthread_barrier_init(&go, NULL, 2);
		Racer a = {round % 2 ? &m1 : &m2, slug, &go, 0, ""};
		Racer b = {round % 2 ? &m2 : &m1, slug, &go, 0, ""};
		pthread_t ta, tb;
		pthread_create(&ta, NULL, race, &a);
		pthread_create(&tb, NULL, race, &b);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		pthread_barrier_destroy(&go);
		int64_t part = count_rows(id, "participant"), wait = count_rows(id, "waitlisted");
		CHECK(part <= 1, "round %d: %lld participants for one seat", round, (long long)part);
		CHECK(part == 1 && wait == 1, "round %d: %lld participants, %lld waitlisted", round,
		      (long long)part, (long long)wait);
		bool a_won = strstr(a.location, "notice=signed-up") != NULL;
		bool b_won = strstr(b.location, "notice=signed-up") != NULL;
		bool a_wait = strstr(a.location, "notice=waitlisted") != NULL;
		bool b_wait = strstr(b.location, "notice=waitlisted") != NULL;
		CHECK(a.status == 303 && b.status == 303 && a_won + b_won == 1 &&
			      a_wait + b_wait == 1,
		      "round %d: replies %ld %s / %ld %s", round, a.status, a.location, b.status,
		      b.location);
		/* The reply matches the database. */
		if (a_won + b_won == 1) {
			char *st = mstatus(id, (a_won ? a.p : b.p)->id);
			CHECK(!strcmp(st, "participant"), "round %d: the told winner is %s", round,
			      st);
			free(st);
		}
	}
}

/* ---- per-community roles ---- */

/* A community facilitated by fac, with m1 as participant and m2 on the waitlist (1 seat). */
static int64_t role_community(const char *slug)
{
	int64_t id = make_community_full(slug, "open", "1", "", "", "", "Original description.");
	name_facilitator(slug, &fac, "facilitator");
	signup_ok(&m1, slug, "signed-up");
	signup_ok(&m2, slug, "waitlisted");
	return id;
}

/* Also the other community's facilitator, for "facilitator of ANOTHER community". */
static void other_community(void)
{
	static bool made;
	if (made)
		return;
	made = true;
	make_community("role-other", "");
	name_facilitator("role-other", &fac2, "facilitator");
}

TEST(edit_page_allowed_for_facilitator_and_admin)
{
	role_community("role-edit-get");
	Reply r = client_get(fac.c, "/communities/role-edit-get/edit");
	expect_status(&r, 200, fac.name, "GET edit");
	CHECK(body_has(&r, "name=\"description\""), "no description field");
	CHECK(!body_has(&r, "name=\"status\""), "a facilitator is offered the status field");
	CHECK(!body_has(&r, "name=\"name\""), "a facilitator is offered the name field");
	CHECK(!body_has(&r, "/facilitators"), "a facilitator is offered facilitator management");
	reply_free(&r);
	r = client_get(admin.c, "/communities/role-edit-get/edit");
	expect_status(&r, 200, admin.name, "GET edit");
	CHECK(body_has(&r, "name=\"status\""), "the admin is not offered the status field");
	reply_free(&r);
	r = client_get(fac.c, "/communities/role-edit-get");
	CHECK(body_has(&r, "/communities/role-edit-get/edit"), "the home page hides the edit link");
	CHECK(body_has(&r, "roster.csv"), "the home page hides the CSV link from the facilitator");
	CHECK(body_has(&r, "(waitlist)"), "the facilitator does not see the waitlist");
	reply_free(&r);
}

TEST(edit_page_refused_negative)
{
	other_community();
	role_community("role-edit-no");
	Person *who[] = {&m1, &fac2, &m4};
	for (int i = 0; i < 3; i++) {
		Reply r = client_get(who[i]->c, "/communities/role-edit-no/edit");
		expect_status(&r, 403, who[i]->name, "GET edit");
		reply_free(&r);
	}
}

TEST(edit_save_refused_negative)
{
	other_community();
	int64_t id = role_community("role-save-no");
	Person *who[] = {&m1, &fac2, &m4};
	for (int i = 0; i < 3; i++) {
		Reply r = post_as(who[i], "/communities/role-save-no/edit", "audience", "Hackers",
				  "description", "Defaced", "seats", "50", "opens", "", "soft", "",
				  "closes", "", "commitment", "", NULL);
		expect_status(&r, 403, who[i]->name, "POST edit");
		reply_free(&r);
	}
	char *d = sql_text(&srv, "SELECT description || '|' || seat_limit FROM communities WHERE "
				 "id = %lld", (long long)id);
	CHECK_STR(d, "Original description.|1");
	free(d);
	check_mstatus(id, &m2, "waitlisted");
}

TEST(roster_csv_refused_negative)
{
	other_community();
	role_community("role-csv-no");
	Person *who[] = {&m1, &fac2, &m4};
	for (int i = 0; i < 3; i++) {
		Reply r = client_get(who[i]->c, "/communities/role-csv-no/roster.csv");
		expect_status(&r, 403, who[i]->name, "GET roster.csv");
		CHECK(!body_has(&r, m1.email), "%s: the roster leaked", who[i]->name);
		reply_free(&r);
	}
}

TEST(roster_remove_refused_negative)
{
	other_community();
	int64_t id = role_community("role-rm-no");
	Person *who[] = {&m1, &fac2, &m4};
	char path[128];
	snprintf(path, sizeof path, "/communities/role-rm-no/roster/%lld/remove", (long long)m1.id);
	for (int i = 0; i < 3; i++) {
		Reply r = post_as(who[i], path, NULL);
		expect_status(&r, 403, who[i]->name, "POST roster remove");
		reply_free(&r);
	}
	check_mstatus(id, &m1, "participant");
	check_mstatus(id, &m2, "waitlisted");
}

TEST(roster_remove_unknown_person_negative)
{
	int64_t id = role_community("role-rm-unknown");
	char path[128];
	snprintf(path, sizeof path, "/communities/role-rm-unknown/roster/%lld/remove",
		 (long long)m4.id);
	Reply r = post_as(&fac, path, NULL);
	expect_status(&r, 404, fac.name, "removing someone not on the roster");
	reply_free(&r);
	check_mstatus(id, &m1, "participant");
}

TEST(facilitator_routes_admin_only_refused)
{
	other_community();
	int64_t id = role_community("role-facs");
	int64_t fid = sql_int(&srv, "SELECT id FROM facilitators WHERE community_id = %lld",
			      (long long)id);
	char remove[128];
	snprintf(remove, sizeof remove, "/communities/role-facs/facilitators/%lld/remove",
		 (long long)fid);
	Person *who[] = {&fac, &m1, &fac2, &m4};
	for (int i = 0; i < 4; i++) {
		Reply r = post_as(who[i], "/communities/role-facs/facilitators", "email", m4.email,
				  "guest_name", "", "guest_org", "", "role", "facilitator", NULL);
		expect_status(&r, 403, who[i]->name, "POST facilitators");
		reply_free(&r);
		r = post_as(who[i], remove, NULL);
		expect_status(&r, 403, who[i]->name, "POST facilitator remove");
		reply_free(&r);
	}
	CHECK(sql_int(&srv, "SELECT count(*) FROM facilitators WHERE community_id = %lld",
		      (long long)id) == 1,
	      "the facilitators changed");
	Reply r = post_as(&admin, remove, NULL);
	CHECK(reply_is(&r, 303, "/communities/role-facs/edit?notice=saved"),
	      "admin remove: status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM facilitators WHERE community_id = %lld",
		      (long long)id) == 0,
	      "the admin could not remove the facilitator");
	r = client_get(fac.c, "/communities/role-facs/edit");
	expect_status(&r, 403, fac.name, "GET edit after removal");
	reply_free(&r);
}

TEST(facilitator_add_duplicate_or_unknown_negative)
{
	int64_t id = make_community("role-fac-dup", "");
	name_facilitator("role-fac-dup", &fac, "facilitator");
	Reply r = post_as(&admin, "/communities/role-fac-dup/facilitators", "email", fac.email,
			  "guest_name", "", "guest_org", "", "role", "co-facilitator", NULL);
	expect_status(&r, 409, admin.name, "adding the same facilitator twice");
	reply_free(&r);
	r = post_as(&admin, "/communities/role-fac-dup/facilitators", "email", "nobody@nowhere.org",
		    "guest_name", "", "guest_org", "", "role", "facilitator", NULL);
	expect_status(&r, 404, admin.name, "adding an unknown email");
	reply_free(&r);
	r = post_as(&admin, "/communities/role-fac-dup/facilitators", "email", pend.email,
		    "guest_name", "", "guest_org", "", "role", "facilitator", NULL);
	expect_status(&r, 404, admin.name, "adding a pending account");
	reply_free(&r);
	r = post_as(&admin, "/communities/role-fac-dup/facilitators", "email", m4.email,
		    "guest_name", "Both", "guest_org", "", "role", "facilitator", NULL);
	expect_status(&r, 400, admin.name, "email and guest name together");
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM facilitators WHERE community_id = %lld",
		      (long long)id) == 1,
	      "want exactly one facilitator row");
}

TEST(facilitator_edit_changes_description_and_seats)
{
	int64_t id = role_community("role-fac-save");
	Reply r = post_as(&fac, "/communities/role-fac-save/edit", "name", "Hijacked", "slug",
			  "hijacked", "status", "archived", "kind", "cohort", "audience",
			  "School Counselors", "description", "New *description*.", "seats", "5",
			  "opens", "", "soft", "", "closes", "2099-06-30", "commitment", "", NULL);
	CHECK(reply_is(&r, 303, "/communities/role-fac-save?notice=saved"),
	      "status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
	char *got = sql_text(&srv, "SELECT description || '|' || seat_limit || '|' || audience || "
				   "'|' || signup_closes FROM communities WHERE id = %lld",
			     (long long)id);
	CHECK_STR(got, "New *description*.|5|School Counselors|2099-06-30");
	free(got);
	got = sql_text(&srv, "SELECT name || '|' || slug || '|' || status || '|' || kind FROM "
			     "communities WHERE id = %lld", (long long)id);
	CHECK_STR(got, "Community role-fac-save|role-fac-save|open|ongoing");
	free(got);
}

TEST(admin_edit_changes_name_and_status)
{
	int64_t id = role_community("role-admin-save");
	Reply r = post_as(&admin, "/communities/role-admin-save/edit", "name", "Renamed", "slug",
			  "role-admin-renamed", "status", "active", "kind", "cohort", "year", "",
			  "audience", "School Nurses", "description", "Admin text.", "seats", "1",
			  "opens", "", "soft", "", "closes", "", "commitment", "", NULL);
	CHECK(reply_is(&r, 303, "/communities/role-admin-renamed?notice=saved"),
	      "status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
	char *got = sql_text(&srv, "SELECT name || '|' || slug || '|' || status || '|' || kind || "
				   "'|' || description FROM communities WHERE id = %lld",
			     (long long)id);
	CHECK_STR(got, "Renamed|role-admin-renamed|active|cohort|Admin text.");
	free(got);
}

TEST(edit_invalid_seats_refused)
{
	int64_t id = role_community("role-bad-seats");
	Reply r = post_as(&fac, "/communities/role-bad-seats/edit", "audience", "", "description",
			  "Changed", "seats", "lots", "opens", "", "soft", "", "closes", "",
			  "commitment", "", NULL);
	expect_status(&r, 422, fac.name, "saving seats=lots");
	reply_free(&r);
	char *got = sql_text(&srv, "SELECT description || '|' || seat_limit FROM communities WHERE "
				   "id = %lld", (long long)id);
	CHECK_STR(got, "Original description.|1");
	free(got);
}

TEST(raising_seat_limit_promotes_waitlist)
{
	int64_t id = role_community("role-raise");
	signup_ok(&m3, "role-raise", "waitlisted");
	signup_ok(&m4, "role-raise", "waitlisted");
	Reply r = post_as(&fac, "/communities/role-raise/edit", "audience", "School Nurses",
			  "description", "More seats.", "seats", "3", "opens", "", "soft", "",
			  "closes", "", "commitment", "", NULL);
	CHECK(reply_is(&r, 303, "/communities/role-raise?notice=saved"), "status %ld Location %s",
	      r.status, reply_location(&r));
	reply_free(&r);
	check_mstatus(id, &m1, "participant");
	check_mstatus(id, &m2, "participant");
	check_mstatus(id, &m3, "participant");
	check_mstatus(id, &m4, "waitlisted");
	CHECK(sql_int(&srv, "SELECT count(*) FROM memberships WHERE community_id = %lld AND "
			    "promoted_at > 0", (long long)id) == 2,
	      "want promoted_at on the two promoted members");
	r = client_get(m4.c, "/communities/role-raise");
	CHECK(body_has(&r, "You are number 1 on the waitlist"), "Paul is not first in line");
	reply_free(&r);
}

TEST(removing_seat_limit_promotes_everyone)
{
	int64_t id = role_community("role-unlimit");
	signup_ok(&m3, "role-unlimit", "waitlisted");
	Reply r = post_as(&admin, "/communities/role-unlimit/edit", "name", "Community role-unlimit",
			  "slug", "role-unlimit", "status", "open", "kind", "ongoing", "year", "",
			  "audience", "", "description", "No limit.", "seats", "", "opens", "",
			  "soft", "", "closes", "", "commitment", "", NULL);
	CHECK(r.status == 303, "status %ld", r.status);
	reply_free(&r);
	CHECK(count_rows(id, "participant") == 3 && count_rows(id, "waitlisted") == 0,
	      "want everyone seated: %lld participants, %lld waitlisted",
	      (long long)count_rows(id, "participant"), (long long)count_rows(id, "waitlisted"));
}

/* ---- roster CSV and removal ---- */

TEST(roster_csv_export)
{
	int64_t id = role_community("csv-roster");
	insert_membership(id, formula_id, "waitlisted");
	signup_ok(&m3, "csv-roster", "waitlisted");
	Reply w = withdraw(&m3, "csv-roster"); /* withdrawn people are not exported */
	reply_free(&w);
	Reply r = client_get(fac.c, "/communities/csv-roster/roster.csv");
	expect_status(&r, 200, fac.name, "GET roster.csv");
	const char *ct = reply_header(&r, "Content-Type");
	CHECK(ct && !strncmp(ct, "text/csv", 8), "Content-Type %s", ct ? ct : "(none)");
	const char *cd = reply_header(&r, "Content-Disposition");
	CHECK(cd && !strncmp(cd, "attachment", 10) && strstr(cd, "csv-roster-roster.csv"),
	      "Content-Disposition %s", cd ? cd : "(none)");
	const char *header =
		"\"name\",\"email\",\"school\",\"job title\",\"signed up at\",\"status\"\r\n";
	CHECK(r.body && !strncmp(r.body, header, strlen(header)), "header row: %.80s",
	      r.body ? r.body : "");
	int lines = 0;
	for (const char *p = r.body; p && *p; p++)
		lines += *p == '\n';
	CHECK(lines == 4, "want header + 3 rows, got %d lines:\n%s", lines, r.body);
	CHECK(body_has(&r, "\"Mia One\",\"mia@northfield.org\",\"Northfield Academy\",\"Teacher\","),
	      "Mia's row missing:\n%s", r.body);
	CHECK(body_has(&r, ",\"participant\"\r\n"), "no participant status");
	CHECK(body_has(&r, "\"Noah Two\",\"noah@harbor.org\",\"Harbor School\",\"Teacher\","),
	      "Noah's row missing");
	CHECK(body_has(&r, "\"'=HYPERLINK(\"\"x\"\")\""),
	      "the formula name is not neutralised:\n%s", r.body);
	CHECK(!body_has(&r, "\"=HYPERLINK"), "a cell starts with =");
	CHECK(!body_has(&r, m3.email), "a withdrawn member is exported");
	reply_free(&r);
	r = client_get(admin.c, "/communities/csv-roster/roster.csv");
	expect_status(&r, 200, admin.name, "GET roster.csv");
	reply_free(&r);
}

TEST(roster_remove_by_facilitator_promotes_waitlist)
{
	int64_t id = role_community("rm-roster");
	signup_ok(&m3, "rm-roster", "waitlisted");
	char path[128];
	snprintf(path, sizeof path, "/communities/rm-roster/roster/%lld/remove", (long long)m1.id);
	Reply r = post_as(&fac, path, NULL);
	CHECK(reply_is(&r, 303, "/communities/rm-roster?notice=removed"), "status %ld Location %s",
	      r.status, reply_location(&r));
	reply_free(&r);
	check_mstatus(id, &m1, "withdrawn");
	check_mstatus(id, &m2, "participant");
	check_mstatus(id, &m3, "waitlisted");
	CHECK(sql_int(&srv, "SELECT promoted_at > 0 FROM memberships WHERE community_id = %lld AND "
			    "user_id = %lld", (long long)id, (long long)m2.id) == 1,
	      "promoted_at not set");
	/* The admin may remove too; a waitlisted person can be removed from the line. */
	snprintf(path, sizeof path, "/communities/rm-roster/roster/%lld/remove", (long long)m3.id);
	r = post_as(&admin, path, NULL);
	CHECK(reply_is(&r, 303, "/communities/rm-roster?notice=removed"),
	      "admin: status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
	check_mstatus(id, &m3, "withdrawn");
	check_mstatus(id, &m2, "participant");
}

TEST(stops_cleanly)
{
	check_stops_cleanly(&srv, signed_in, COUNT_OF(signed_in), NULL);
}

/* ---- setup ---- */

static bool setup(void)
{
	if (!server_init(&srv))
		return false;
	const char *schools[] = {SCHOOL_A, SCHOOL_B, SCHOOL_C, SCHOOL_LAPSING};
	for (int i = 0; i < 4; i++)
		if (!add_school(&srv, schools[i], "active"))
			return false;
	if (!people_add(&srv, signed_in, COUNT_OF(signed_in), NULL))
		return false;
	formula_id = add_user(&srv, "formula@cedar.org", "Formula Person", SCHOOL_C,
			      MEMBER_PASSWORD);
	if (!formula_id || !sql_exec(&srv, "UPDATE users SET name = '=HYPERLINK(\"x\")' WHERE "
					   "id = %lld", (long long)formula_id))
		return false;
	if (!server_start(&srv) || !people_sign_in(&srv, signed_in, COUNT_OF(signed_in), "/home"))
		return false;
	/* After signing in: a pending account, and a member whose school lapsed. */
	return sql_exec(&srv, "UPDATE users SET status = 'pending' WHERE id = %lld",
			(long long)pend.id) &&
	       sql_exec(&srv, "UPDATE schools SET status = 'lapsed' WHERE name = '%s'",
			SCHOOL_LAPSING);
}

SUITE_MAIN(setup, &srv, signed_in, directory_anonymous_refused, admin_creates_community_with_form,
	member_creates_community_refused, directory_lists_member_and_guest_facilitators,
	directory_escapes_guest_facilitator_markup, directory_shows_seats_taken_and_left,
	directory_shows_full, directory_shows_signup_state, directory_hides_archived,
	community_home_renders_markdown_safely, community_home_shows_facilitators,
	community_home_shows_roster_and_counts, community_home_count_singular,
	community_unknown_slug_negative, signup_creates_participant,
	signup_without_commitment_refused, signup_commitment_empty_refused,
	signup_on_first_and_last_day_allowed, signup_twice_refused, signup_before_opens_refused,
	signup_after_closes_refused, signup_status_not_open_refused,
	signup_pending_account_refused, signup_lapsed_school_refused, signup_without_csrf_refused,
	signup_beyond_seats_waitlisted, withdraw_promotes_first_waitlisted,
	leave_waitlist_keeps_order, signup_again_after_withdrawing_goes_to_end,
	withdraw_not_signed_up_refused, signup_race_for_last_seat_one_winner,
	edit_page_allowed_for_facilitator_and_admin, edit_page_refused_negative,
	edit_save_refused_negative, roster_csv_refused_negative, roster_remove_refused_negative,
	roster_remove_unknown_person_negative, facilitator_routes_admin_only_refused,
	facilitator_add_duplicate_or_unknown_negative,
	facilitator_edit_changes_description_and_seats, admin_edit_changes_name_and_status,
	edit_invalid_seats_refused, raising_seat_limit_promotes_waitlist,
	removing_seat_limit_promotes_everyone, roster_csv_export,
	roster_remove_by_facilitator_promotes_waitlist, stops_cleanly)
