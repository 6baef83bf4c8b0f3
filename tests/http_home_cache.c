/* The member home and the header against a real server (issue 8, src/membercache.c): the
 * header's "My communities" and the home's "Your communities", colleagues and new members
 * are kept per member between views under the change counts read with the session. Every
 * change must show on the next view, whoever made it (the server, or another process writing
 * the database: triggers move the counts), and what one member sees of their own must never
 * reach another. The session is read in the same statement as the counts and holds the
 * page's snapshot: a session ended by sign-out or a suspended account is refused at once.
 *
 * One server for the suite; most changes are made with SQL or `practica user add`, as another
 * process would. Each page is viewed twice, so the second view is the kept one. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define SCHOOL "Riverside School"

static Server srv;
static Person alice = {"alice@riverside.org", "Alice Home"};
static Person bob = {"bob@riverside.org", "Bob Home"};
static Person *const people[] = {&alice, &bob};
static int64_t ca, cb, carol; /* A: alice takes part; B: bob waits; carol: their colleague */

/* The text of p's page between from and to (heap), or NULL; the page is fetched twice and
 * both views must agree, so a kept copy that differs from a built one fails here too. */
static char *part(Person *p, const char *path, const char *from, const char *to)
{
	char *views[2] = {NULL, NULL};
	for (int i = 0; i < 2; i++) {
		Reply r = client_get(p->c, path);
		CHECK(r.status == 200, "%s as %s: %ld", path, p->name, r.status);
		const char *at = r.body ? strstr(r.body, from) : NULL;
		const char *end = at ? strstr(at, to) : NULL;
		views[i] = at && end ? strndup(at, (size_t)(end - at)) : NULL;
		reply_free(&r);
	}
	CHECK(views[0] && views[1] && !strcmp(views[0], views[1]),
	      "%s as %s: the second view differs from the first:\n%s\n---\n%s", path, p->name,
	      views[0] ? views[0] : "(none)", views[1] ? views[1] : "(none)");
	free(views[1]);
	return views[0];
}

static char *menu(Person *p, const char *path)
{
	return part(p, path, "<nav aria-label=\"Main\">", "</nav>");
}

static char *mine(Person *p)
{
	return part(p, "/home", "<h1>", "<section aria-labelledby=\"h-discussions\">");
}

static char *colleagues(Person *p)
{
	return part(p, "/home", "<h2 id=\"h-colleagues\">", "<p class=\"meta\">");
}

static bool has(const char *text, const char *want)
{
	return text && strstr(text, want);
}

/* Whether want is in the colleagues' list of a colleagues() text, before "New members". */
static bool among_colleagues(const char *text, const char *want)
{
	const char *at = text ? strstr(text, want) : NULL;
	const char *news = text ? strstr(text, "<h2 id=\"h-new\">") : NULL;
	return at && news && at < news;
}

TEST(communities_kept_apart_and_follow_changes)
{
	char *a = mine(&alice), *b = mine(&bob);
	CHECK(has(a, "Community A</a> <span class=\"meta\">participant") && !has(a, "Community B"),
	      "alice's communities: %s", a ? a : "(none)");
	CHECK(has(b, "Community B</a> <span class=\"meta\">number 1 on the waitlist") &&
		      !has(b, "Community A"),
	      "bob's communities: %s", b ? b : "(none)");
	free(a);
	free(b);
	a = menu(&alice, "/home");
	b = menu(&bob, "/home");
	CHECK(has(a, "My communities") && has(a, ">Community A</a>"), "alice's menu: %s",
	      a ? a : "(none)");
	CHECK(!has(b, "My communities") && !has(b, "Community A"), "bob sees alice's menu: %s",
	      b ? b : "(none)");
	free(a);
	free(b);

	/* On a community's own page its item is the current one; elsewhere none is. */
	a = menu(&alice, "/communities/comm-a");
	CHECK(has(a, "href=\"/communities/comm-a\" aria-current=\"page\">Community A"),
	      "the menu on A's page: %s", a ? a : "(none)");
	free(a);
	a = menu(&alice, "/communities");
	CHECK(has(a, ">Community A</a>") && !has(a, "comm-a\" aria-current"),
	      "the menu on the directory: %s", a ? a : "(none)");
	free(a);

	/* Bob signs up for A through the server: his home and menu show it at once, alice's
	 * do not change. */
	char *body = form_encode("csrf", bob.csrf, NULL);
	Reply r = client_post(bob.c, "/communities/comm-a/signup", body);
	free(body);
	CHECK(r.status == 303, "sign-up: %ld", r.status);
	reply_free(&r);
	b = mine(&bob);
	CHECK(has(b, "Community A</a> <span class=\"meta\">participant"), "bob after signing up: %s",
	      b ? b : "(none)");
	free(b);
	b = menu(&bob, "/home");
	CHECK(has(b, ">Community A</a>"), "bob's menu after signing up: %s", b ? b : "(none)");
	free(b);
	a = mine(&alice);
	CHECK(!has(a, "Community B"), "alice after bob's sign-up: %s", a ? a : "(none)");
	free(a);

	/* Another process gives alice a seat in B (promoted from its waitlist) and renames A. */
	CHECK(sql_exec(&srv, "INSERT INTO memberships (community_id, user_id, status, signed_up_at, "
			     "promoted_at) VALUES (%lld, %lld, 'participant', 0, %lld)",
		       (long long)cb, (long long)alice.id, (long long)time(NULL)),
	      "seat for alice");
	a = mine(&alice);
	CHECK(has(a, "Good news: a seat opened in Community B") &&
		      has(a, "Community B</a> <span class=\"meta\">participant"),
	      "alice's new seat: %s", a ? a : "(none)");
	free(a);
	b = mine(&bob);
	CHECK(!has(b, "Good news"), "bob sees alice's news: %s", b ? b : "(none)");
	free(b);
	CHECK(sql_exec(&srv, "UPDATE communities SET name = 'Community A Renamed' WHERE id = %lld",
		       (long long)ca), "rename");
	a = menu(&alice, "/home");
	b = mine(&bob);
	CHECK(has(a, ">Community A Renamed</a>"), "alice's menu after the rename: %s",
	      a ? a : "(none)");
	CHECK(has(b, ">Community A Renamed</a>"), "bob's home after the rename: %s",
	      b ? b : "(none)");
	free(a);
	free(b);

	/* The news of a seat lasts two weeks: one promoted 15 days ago is not told. */
	CHECK(sql_exec(&srv, "UPDATE memberships SET promoted_at = %lld WHERE user_id = %lld AND "
			     "community_id = %lld",
		       (long long)time(NULL) - 15 * 86400, (long long)alice.id, (long long)cb),
	      "old seat");
	a = mine(&alice);
	CHECK(a && !has(a, "Good news"), "old news still told: %s", a ? a : "(none)");
	free(a);
}

TEST(colleagues_follow_changes)
{
	char *a = colleagues(&alice);
	CHECK(among_colleagues(a, "Carol Home</span> <span class=\"meta\">Teacher") &&
		      among_colleagues(a, "Bob Home") && !among_colleagues(a, "Alice Home"),
	      "alice's colleagues (herself left out): %s", a ? a : "(none)");
	free(a);
	char *b = colleagues(&bob);
	CHECK(among_colleagues(b, "Alice Home") && among_colleagues(b, "Carol Home") &&
		      !among_colleagues(b, "Bob Home"),
	      "bob's colleagues (himself left out): %s", b ? b : "(none)");
	free(b);

	/* Another process changes carol's job title. */
	CHECK(sql_exec(&srv, "UPDATE users SET job_title = 'Head of Science' WHERE id = %lld",
		       (long long)carol), "job title");
	a = colleagues(&alice);
	CHECK(has(a, "Carol Home</span> <span class=\"meta\">Head of Science"),
	      "carol's new job title: %s", a ? a : "(none)");
	free(a);

	/* `practica user add` makes an account that is active at once. */
	CHECK(add_user(&srv, "dan@riverside.org", "Dan Newcomer", SCHOOL, MEMBER_PASSWORD) > 0, "dan");
	a = colleagues(&alice);
	CHECK(among_colleagues(a, "Dan Newcomer</span> <span class=\"meta\">Teacher</span>"),
	      "a new colleague is not listed: %s", a ? a : "(none)");
	const char *news = a ? strstr(a, "<h2 id=\"h-new\">") : NULL;
	CHECK(news && strstr(news, "Dan Newcomer"), "not among new members: %s", a ? a : "(none)");
	free(a);

	/* Carol's account is disabled: she leaves the lists. */
	CHECK(sql_exec(&srv, "UPDATE users SET status = 'disabled' WHERE id = %lld",
		       (long long)carol), "disable carol");
	a = colleagues(&alice);
	CHECK(a && !has(a, "Carol Home") && among_colleagues(a, "Bob Home"),
	      "a disabled colleague is listed: %s", a ? a : "(none)");
	free(a);
}

static char *recent(Person *p)
{
	return part(p, "/home", "<section aria-labelledby=\"h-discussions\">", "</section>");
}

/* The item of the thread titled title in a recent() text (heap), or NULL. */
static char *item(const char *text, const char *title)
{
	const char *at = text ? strstr(text, title) : NULL;
	if (!at)
		return NULL;
	const char *start = at;
	while (start > text && strncmp(start, "<li", 3) != 0)
		start--;
	const char *end = strstr(at, "</li>");
	return end ? strndup(start, (size_t)(end - start)) : NULL;
}

TEST(recent_discussions_follow_reads_and_changes)
{
	/* B is private: a thread there reaches alice's home (she has a seat), never bob's. */
	CHECK(sql_exec(&srv, "UPDATE communities SET visibility = 'private' WHERE id = %lld",
		       (long long)cb), "private B");
	int64_t secret = start_thread(&alice, "/communities/comm-b/board", "Private plans",
				      "Hello.", false);
	char *a = recent(&alice), *b = recent(&bob);
	CHECK(has(a, "Private plans"), "alice's own thread is not listed: %s", a ? a : "(none)");
	CHECK(b && !has(b, "Private plans"), "bob sees a private community's thread: %s",
	      b ? b : "(none)");
	free(a);
	free(b);

	/* Bob asks on the all-communities board: new to alice until she reads it. */
	int64_t open = start_thread(&bob, "/board", "Open question", "Hello.", false);
	a = recent(&alice);
	char *it = item(a, "Open question");
	CHECK(has(it, "badge-new"), "bob's thread is not new to alice: %s", it ? it : "(none)");
	free(it);
	free(a);
	char path[64];
	snprintf(path, sizeof path, "/threads/%lld", (long long)open);
	Reply r = client_get(alice.c, path);
	CHECK(r.status == 200, "alice reads it: %ld", r.status);
	reply_free(&r);
	a = recent(&alice);
	it = item(a, "Open question");
	CHECK(it && !has(it, "badge-new"), "still new after reading: %s", it ? it : "(none)");
	free(it);
	free(a);

	/* Bob replies: new to alice again, with its count. */
	snprintf(path, sizeof path, "/threads/%lld/replies", (long long)open);
	r = client_post_fields(bob.c, bob.csrf, path, "body", "Anyone?", NULL);
	CHECK(r.status == 303, "bob's reply: %ld", r.status);
	reply_free(&r);
	a = recent(&alice);
	it = item(a, "Open question");
	CHECK(has(it, "badge-new") && has(it, "1 reply"), "after bob's reply: %s", it ? it : "(none)");
	free(it);
	free(a);

	/* Another process retitles a thread and takes alice's seat in B away. */
	CHECK(sql_exec(&srv, "UPDATE threads SET title = 'Open question, retitled' WHERE id = %lld",
		       (long long)open), "retitle");
	CHECK(sql_exec(&srv, "DELETE FROM memberships WHERE user_id = %lld AND community_id = %lld",
		       (long long)alice.id, (long long)cb), "seat gone");
	a = recent(&alice);
	CHECK(has(a, "Open question, retitled") && !has(a, "Private plans"),
	      "after the retitle and losing the seat: %s", a ? a : "(none)");
	free(a);
	(void)secret;
}

TEST(brand_follows_changes)
{
	/* The association's name is kept between requests too: another process renames it. */
	char *a = part(&alice, "/home", "<title>", "</title>");
	CHECK(a && !has(a, "Riverside Association"), "title before: %s", a ? a : "(none)");
	free(a);
	CHECK(sql_exec(&srv, "INSERT INTO settings (key, value) VALUES ('brand_name', "
			     "'Riverside Association') ON CONFLICT (key) DO UPDATE SET "
			     "value = excluded.value"),
	      "brand name");
	a = part(&alice, "/home", "<title>", "</title>");
	CHECK(has(a, "Riverside Association"), "the new name is not shown: %s", a ? a : "(none)");
	free(a);
	a = part(&bob, "/communities", "<a class=\"brand\"", "</a>");
	CHECK(has(a, "Riverside Association"), "bob's header: %s", a ? a : "(none)");
	free(a);
	CHECK(sql_exec(&srv, "DELETE FROM settings WHERE key = 'brand_name'"), "brand name gone");
	a = part(&alice, "/home", "<title>", "</title>");
	CHECK(a && !has(a, "Riverside Association"), "the old name stays: %s", a ? a : "(none)");
	free(a);
}

TEST(ended_sessions_are_refused_at_once)
{
	/* A second session of bob's, kept warm, then signed out: its cookie is refused. */
	char *csrf = NULL;
	Client *c = client_signed_in(&srv, bob.email, MEMBER_PASSWORD, "/account", &csrf);
	CHECK(c != NULL, "second sign-in");
	if (!c)
		return;
	Reply r = client_get(c, "/home");
	CHECK(r.status == 200, "home: %ld", r.status);
	reply_free(&r);
	char *token = client_cookie(c, "practica_session");
	char *body = form_encode("csrf", csrf ? csrf : "", NULL);
	r = client_post(c, "/logout", body);
	free(body);
	CHECK(r.status == 303, "sign-out: %ld", r.status);
	reply_free(&r);
	if (token)
		client_set_cookie(c, "practica_session", token);
	r = client_get(c, "/home");
	CHECK(r.status == 303 && has(reply_location(&r), "/login"),
	      "a signed-out session still opens the home: %ld", r.status);
	reply_free(&r);
	free(token);
	free(csrf);
	client_free(c);

	/* Suspending an account refuses its live session at the next request. */
	r = client_get(bob.c, "/home");
	CHECK(r.status == 200, "bob's home: %ld", r.status);
	reply_free(&r);
	CHECK(sql_exec(&srv, "UPDATE users SET status = 'disabled' WHERE id = %lld",
		       (long long)bob.id), "disable bob");
	r = client_get(bob.c, "/home");
	CHECK(r.status == 303 && has(reply_location(&r), "/login"),
	      "a disabled member's session still opens the home: %ld", r.status);
	reply_free(&r);
	r = client_get(bob.c, "/communities");
	CHECK(r.status == 303, "a disabled member's session still opens a page: %ld", r.status);
	reply_free(&r);
}

TEST(stops_cleanly)
{
	check_stops_cleanly(&srv, people, COUNT_OF(people), NULL);
}

static bool setup(void)
{
	if (!server_init(&srv) || !add_school(&srv, SCHOOL, "active") ||
	    !people_add(&srv, people, COUNT_OF(people), SCHOOL))
		return false;
	if (!(carol = add_user(&srv, "carol@riverside.org", "Carol Home", SCHOOL, MEMBER_PASSWORD)))
		return false;
	if (!sql_exec(&srv, "INSERT INTO communities (slug, name, status, seat_limit, created_at) "
			    "VALUES ('comm-a', 'Community A', 'open', NULL, 0), "
			    "('comm-b', 'Community B', 'open', 1, 0)"))
		return false;
	ca = sql_int(&srv, "SELECT id FROM communities WHERE slug = 'comm-a'");
	cb = sql_int(&srv, "SELECT id FROM communities WHERE slug = 'comm-b'");
	return add_membership(&srv, ca, alice.id, "participant") &&
	       add_membership(&srv, cb, carol, "participant") &&
	       add_membership(&srv, cb, bob.id, "waitlisted") && server_start(&srv) &&
	       people_sign_in(&srv, people, COUNT_OF(people), "/account");
}

SUITE_MAIN(setup, &srv, people, communities_kept_apart_and_follow_changes,
	colleagues_follow_changes, recent_discussions_follow_reads_and_changes,
	brand_follows_changes, ended_sessions_are_refused_at_once, stops_cleanly)
