/* The thread page's kept articles (src/thread_cache.c, migration 014) against a real server:
 * a page copied from the cache is byte for byte the page built afresh (the reply form's
 * refusal, answered to a POST, is always built), for every kind of reader; one reader's
 * parts (Edit and Delete buttons, answer buttons, New badges, CSRF tokens) never reach
 * another; and every write that changes what the articles show is on the next view, whether
 * the server made it or another process did (SQL here): a reply, an edit, a deletion, stored
 * HTML, a member's name, job title, school or standing, an accepted answer, and a private
 * community's access, across pages of a long thread. The share form lists the member's
 * communities once each, in name order. Bad input still gets 4xx. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define SCHOOL "Northfield Academy"

static Server srv;
static Person admin = {ADMIN_EMAIL, ADMIN_NAME};
static Person fay = {"fay@northfield.org", "Fay Facilitator"}; /* fac. of A */
static Person pia = {"pia@northfield.org", "Pia Participant"}; /* A */
static Person ana = {"ana@northfield.org", "Ana Ruiz"};        /* A */
static Person mo = {"mo@northfield.org", "Mo Member"};         /* none */
static Person pat = {"pat@northfield.org", "Pat Private"};     /* private P */
static Person *const people[] = {&admin, &fay, &pia, &ana, &mo, &pat};
static int64_t comm_a, comm_p;

/* ---- helpers ---- */

static int64_t first_post(int64_t thread)
{
	return sql_int(&srv, "SELECT min(id) FROM posts WHERE thread_id = %lld", (long long)thread);
}

/* The thread page as p sees it (status checked by the caller through r.status). */
static Reply view(Person *p, int64_t thread)
{
	return client_get(p->c, pathf("/threads/%lld", (long long)thread));
}

/* The part of a thread page the cache keeps: from the first post (or the link back to the
 * opening post) to the end of the replies' list (heap), or NULL. */
static char *posts_part(const char *body)
{
	const char *from = strstr(body, "<article");
	const char *back = strstr(body, ">Back to the opening post<");
	if (back && (!from || back < from))
		from = back;
	const char *to = strstr(body, "<p class=\"live-status");
	if (!to)
		to = strstr(body, "<nav class=\"pager\"") ? strrchr(body, '\0') : NULL;
	return from && to && to > from ? strndup(from, (size_t)(to - from)) : NULL;
}

/* Checks that the last page of the thread as p gets it (twice: built, then kept) equals the
 * page built afresh for p: the refusal of an empty reply, which a POST always builds. */
static void same_as_fresh(Person *p, int64_t thread, const char *what)
{
	const char *last = pathf("/threads/%lld?page=99999", (long long)thread);
	Reply a = client_get(p->c, last), b = client_get(p->c, last);
	Reply fresh = post_as(p, pathf("/threads/%lld/replies", (long long)thread), "body", "",
			      NULL);
	char *kept = posts_part(b.body), *built = posts_part(fresh.body);
	CHECK(a.status == 200 && b.status == 200 && fresh.status == 422, "%s: %ld %ld %ld", what,
	      a.status, b.status, fresh.status);
	CHECK(kept && built && !strcmp(kept, built),
	      "%s, as %s: the kept page differs from a fresh one:\n--- kept\n%.3000s\n--- fresh\n"
	      "%.3000s", what, p->name, kept ? kept : "(none)", built ? built : "(none)");
	free(kept);
	free(built);
	reply_free(&a);
	reply_free(&b);
	reply_free(&fresh);
}

/* Every csrf field of the page carries p's own token. */
static bool tokens_are_own(const Reply *r, const Person *p)
{
	const char *needle = "name=\"csrf\" value=\"";
	int n = 0;
	for (const char *at = strstr(r->body, needle); at; at = strstr(at + 1, needle)) {
		at += strlen(needle);
		if (strncmp(at, p->csrf, strlen(p->csrf)) || at[strlen(p->csrf)] != '"')
			return false;
		n++;
	}
	return n > 0;
}

/* The <article ...>...</article> of the post (heap), or NULL. */
static char *article_of(const char *body, int64_t post)
{
	char needle[64];
	snprintf(needle, sizeof needle, "id=\"post-%lld\"", (long long)post);
	const char *at = strstr(body, needle);
	if (!at)
		return NULL;
	const char *start = at;
	while (start > body && strncmp(start, "<article", 8))
		start--;
	const char *end = strstr(at, "</article>");
	return end ? strndup(start, (size_t)(end - start)) : NULL;
}

static bool article_has(const Reply *r, int64_t post, const char *text)
{
	char *a = article_of(r->body, post);
	bool has = a && strstr(a, text);
	free(a);
	return has;
}

/* ---- tests ---- */

TEST(kept_pages_equal_fresh_ones_for_every_reader)
{
	int64_t t = start_thread(&pia, "/communities/tc-a/board", "Kept for all",
				 "Which **reading** program?", true);
	int64_t r1 = reply_to(&ana, t, "We use one from @Fay Facilitator.");
	reply_to(&fay, t, "Try *this* one.");
	reply_to(&pia, t, "Thanks both.");
	CHECK(r1 > 0, "no reply");
	Person *readers[] = {&pia, &ana, &fay, &admin, &pia, &ana};
	for (size_t i = 0; i < sizeof readers / sizeof *readers; i++)
		same_as_fresh(readers[i], t, "a question with three replies");
	Reply r = post_as(&pia, pathf("/posts/%lld/accept", (long long)r1), NULL);
	CHECK(r.status == 303, "accept: %ld", r.status);
	reply_free(&r);
	for (size_t i = 0; i < 4; i++)
		same_as_fresh(readers[i], t, "with an accepted answer");
}

TEST(one_readers_parts_never_reach_another)
{
	int64_t t = start_thread(&pia, "/communities/tc-a/board", "Whose buttons",
				 "Opening question", true);
	int64_t by_ana = reply_to(&ana, t, "Ana's reply");
	int64_t by_fay = reply_to(&fay, t, "Fay's reply");
	int64_t opening = first_post(t);
	/* The facilitator first, so the kept page was built while she read it. */
	Reply f = view(&fay, t);
	CHECK(f.status == 200 && count_of(f.body, ">Delete</button>") == 3 &&
		      count_of(f.body, ">Mark as the answer</button>") == 2 && tokens_are_own(&f, &fay),
	      "the facilitator's page: %ld, %d Delete, %d Mark", f.status,
	      count_of(f.body, ">Delete</button>"), count_of(f.body, ">Mark as the answer</button>"));
	CHECK(article_has(&f, by_fay, "/edit\">Edit") && !article_has(&f, by_ana, "/edit\">Edit"),
	      "Fay's Edit links");
	reply_free(&f);
	Reply m = view(&mo, t);
	CHECK(m.status == 200 && !strstr(m.body, ">Delete</button>") && !strstr(m.body, "/edit\">Edit") &&
		      !strstr(m.body, "Mark as the answer") && tokens_are_own(&m, &mo),
	      "an outsider of the community saw someone's buttons or token: %.4000s", m.body);
	reply_free(&m);
	Reply a = view(&ana, t);
	CHECK(a.status == 200 && article_has(&a, by_ana, "/edit\">Edit") &&
		      article_has(&a, by_ana, ">Delete</button>") &&
		      !article_has(&a, by_fay, "/edit\">Edit") && !article_has(&a, by_fay, "Delete") &&
		      !article_has(&a, opening, "Delete") && !strstr(a.body, "Mark as the answer") &&
		      tokens_are_own(&a, &ana),
	      "Ana's page shows buttons that are not hers");
	reply_free(&a);
	Reply p = view(&pia, t);
	CHECK(p.status == 200 && count_of(p.body, ">Mark as the answer</button>") == 2 &&
		      article_has(&p, opening, "/edit\">Edit") && !article_has(&p, by_ana, "Delete") &&
		      tokens_are_own(&p, &pia),
	      "the asker's page: %d Mark", count_of(p.body, ">Mark as the answer</button>"));
	reply_free(&p);
	/* New badges are each reader's: Ana's new reply is new to Pia, not to Ana. */
	int64_t later = reply_to(&ana, t, "Ana again");
	a = view(&ana, t);
	p = view(&pia, t);
	CHECK(!article_has(&a, later, "badge-new") && !strstr(a.body, "post unread"),
	      "Ana's own reply is marked new to her");
	CHECK(article_has(&p, later, "badge-new") && article_has(&p, later, "post unread") &&
		      !article_has(&p, by_ana, "badge-new"),
	      "Pia's page does not mark only the new reply as new");
	reply_free(&a);
	reply_free(&p);
	p = view(&pia, t);
	CHECK(!strstr(p.body, "badge-new"), "the reply stays new after Pia saw it");
	reply_free(&p);
}

TEST(replies_edits_and_deletions_show_at_once)
{
	int64_t t = start_thread(&pia, "/communities/tc-a/board", "Changing thread", "Start", false);
	Reply r = view(&fay, t);
	reply_free(&r);
	int64_t reply = reply_to(&ana, t, "First version");
	r = view(&fay, t);
	CHECK(article_has(&r, reply, "First version") && strstr(r.body, ">1 reply<"),
	      "a new reply is missing");
	reply_free(&r);
	r = post_as(&ana, pathf("/posts/%lld/edit", (long long)reply), "body", "Second version",
		    NULL);
	CHECK(r.status == 303, "edit: %ld", r.status);
	reply_free(&r);
	r = view(&fay, t);
	CHECK(article_has(&r, reply, "Second version") && article_has(&r, reply, "edited") &&
		      !strstr(r.body, "First version"),
	      "the edit is missing");
	reply_free(&r);
	same_as_fresh(&fay, t, "after an edit");
	r = post_as(&fay, pathf("/posts/%lld/delete", (long long)reply), NULL);
	CHECK(r.status == 303, "delete: %ld", r.status);
	reply_free(&r);
	r = view(&pia, t);
	CHECK(article_has(&r, reply, "was deleted by Fay Facilitator") &&
		      !strstr(r.body, "Second version"),
	      "the deletion is missing");
	reply_free(&r);
	same_as_fresh(&pia, t, "after a deletion");
	/* Another process's writes: a reply inserted and a post's stored HTML replaced. */
	CHECK(sql_exec(&srv, "INSERT INTO posts (thread_id, author_id, body, html, created_at) "
			     "VALUES (%lld, %lld, 'From elsewhere', '<p>From elsewhere</p>\n', "
			     "2000000000)",
		       (long long)t, (long long)ana.id) &&
		      sql_exec(&srv, "UPDATE threads SET reply_count = reply_count + 1 WHERE id = %lld",
			       (long long)t),
	      "SQL insert");
	r = view(&pia, t);
	CHECK(body_has(&r, "<p>From elsewhere</p>"), "a reply written by SQL is missing");
	reply_free(&r);
	CHECK(sql_exec(&srv, "UPDATE posts SET html = '<p>Rendered again</p>\n' WHERE id = %lld",
		       (long long)first_post(t)),
	      "SQL update");
	r = view(&pia, t);
	CHECK(body_has(&r, "<p>Rendered again</p>") && !body_has(&r, "<p>Start</p>"),
	      "stored HTML changed by SQL is not shown");
	reply_free(&r);
}

TEST(names_schools_and_standing_show_their_latest)
{
	int64_t t = start_thread(&ana, "/communities/tc-a/board", "Who said it", "Hello", false);
	int64_t mention = reply_to(&pia, t, "Ask @Fay Facilitator about it.");
	Reply r = view(&mo, t);
	CHECK(article_has(&r, mention, "class=\"mention\" href=\"/members/") &&
		      body_has(&r, "Ana Ruiz"),
	      "the mention is not linked");
	reply_free(&r);
	CHECK(sql_exec(&srv, "UPDATE users SET name = 'Ana Ruiz-Lopez', job_title = 'Principal' "
			     "WHERE id = %lld", (long long)ana.id),
	      "rename");
	r = view(&mo, t);
	CHECK(body_has(&r, ">Ana Ruiz-Lopez</a> <span class=\"meta\">Principal, " SCHOOL),
	      "the author's new name and title are not shown");
	reply_free(&r);
	CHECK(sql_exec(&srv, "UPDATE schools SET name = 'Northfield Upper' WHERE name = '%s'",
		       SCHOOL),
	      "school rename");
	r = view(&mo, t);
	CHECK(body_has(&r, "Principal, Northfield Upper</span>"), "the school's new name is not shown");
	reply_free(&r);
	same_as_fresh(&pia, t, "after renames");
	CHECK(sql_exec(&srv, "UPDATE schools SET name = '%s' WHERE name = 'Northfield Upper'",
		       SCHOOL) &&
		      sql_exec(&srv, "UPDATE users SET name = 'Ana Ruiz' WHERE id = %lld",
			       (long long)ana.id),
	      "names back");
	/* A mentioned member who is disabled: their profile is gone, so is the link. */
	CHECK(sql_exec(&srv, "UPDATE users SET status = 'disabled' WHERE id = %lld",
		       (long long)fay.id),
	      "disable");
	r = view(&mo, t);
	CHECK(r.status == 200 && !article_has(&r, mention, "class=\"mention\"") &&
		      article_has(&r, mention, "Fay Facilitator"),
	      "a disabled member's mention is still a link");
	reply_free(&r);
	CHECK(sql_exec(&srv, "UPDATE users SET status = 'active' WHERE id = %lld", (long long)fay.id),
	      "enable");
	r = view(&mo, t);
	CHECK(article_has(&r, mention, "class=\"mention\""), "the mention is not linked again");
	reply_free(&r);
	/* A post written without stored HTML is rendered as shown, its mentions looked up by
	 * name: a member who joins later is linked from then on. */
	CHECK(sql_exec(&srv, "INSERT INTO posts (thread_id, author_id, body, created_at) VALUES "
			     "(%lld, %lld, 'Welcome @Nora Newcomer!', 2000000000)",
		       (long long)t, (long long)pia.id),
	      "unrendered post");
	r = view(&mo, t);
	CHECK(body_has(&r, "Welcome @Nora Newcomer!"), "the unrendered post is missing");
	reply_free(&r);
	/* Added by SQL: the command line would render the post's HTML as it opens the database. */
	CHECK(sql_exec(&srv, "INSERT INTO users (email, name, school_id, status, password_hash, "
			     "created_at) SELECT 'nora@northfield.org', 'Nora Newcomer', school_id, "
			     "'active', 'x', 0 FROM users WHERE id = %lld",
		       (long long)pia.id),
	      "new member");
	int64_t nora = sql_int(&srv, "SELECT id FROM users WHERE email = 'nora@northfield.org'");
	r = view(&mo, t);
	CHECK(nora > 0 && body_has(&r, pathf("href=\"/members/%lld\">@Nora Newcomer</a>",
					     (long long)nora)),
	      "the new member's mention is not linked");
	reply_free(&r);
}

TEST(accepted_answers_show_and_clear_at_once)
{
	int64_t t = start_thread(&pia, "/communities/tc-a/board", "Answer me", "A question", true);
	int64_t good = reply_to(&ana, t, "The good answer");
	int64_t other = reply_to(&fay, t, "Another answer");
	Reply r = view(&mo, t);
	CHECK(!strstr(r.body, "Accepted answer") && body_has(&r, "badge-question"), "not a question");
	reply_free(&r);
	r = post_as(&pia, pathf("/posts/%lld/accept", (long long)good), NULL);
	CHECK(r.status == 303, "accept: %ld", r.status);
	reply_free(&r);
	r = view(&mo, t);
	CHECK(body_has(&r, "<h2 id=\"h-answer\">Accepted answer</h2>") &&
		      body_has(&r, "id=\"answer\"") && article_has(&r, good, " accepted\"") &&
		      !strstr(r.body, "Unmark the answer"),
	      "the accepted answer is missing (or an outsider may unmark it)");
	reply_free(&r);
	r = view(&pia, t);
	CHECK(body_has(&r, ">Unmark the answer</button>") &&
		      !article_has(&r, good, "Mark as the answer") &&
		      article_has(&r, other, "Mark as the answer") && tokens_are_own(&r, &pia),
	      "the asker's buttons after accepting");
	reply_free(&r);
	r = post_as(&fay, pathf("/threads/%lld/unaccept", (long long)t), NULL);
	CHECK(r.status == 303, "unaccept: %ld", r.status);
	reply_free(&r);
	r = view(&mo, t);
	CHECK(!strstr(r.body, "Accepted answer") && !strstr(r.body, " accepted\""),
	      "the cleared answer is still shown");
	reply_free(&r);
	CHECK(sql_exec(&srv, "UPDATE threads SET answer_post_id = %lld WHERE id = %lld",
		       (long long)other, (long long)t),
	      "SQL accept");
	r = view(&mo, t);
	CHECK(article_has(&r, other, " accepted\"") && body_has(&r, "id=\"answer\""),
	      "an answer set by SQL is missing");
	reply_free(&r);
	CHECK(sql_exec(&srv, "UPDATE threads SET is_question = 0, answer_post_id = NULL WHERE id = "
			     "%lld", (long long)t),
	      "SQL not a question");
	r = view(&pia, t);
	CHECK(!strstr(r.body, "Mark as the answer"), "no longer a question, still answer buttons");
	reply_free(&r);
}

TEST(private_community_access_changes_take_effect)
{
	int64_t t = start_thread(&pat, "/communities/tc-p/board", "Private matter", "Between us",
				 false);
	Reply r = view(&pat, t);
	CHECK(r.status == 200 && body_has(&r, "Between us"), "the member's view: %ld", r.status);
	reply_free(&r);
	r = view(&mo, t);
	CHECK(r.status == 404 && !strstr(r.body, "Between us"), "outsider: %ld", r.status);
	reply_free(&r);
	CHECK(sql_exec(&srv, "UPDATE communities SET visibility = 'open' WHERE id = %lld",
		       (long long)comm_p),
	      "open");
	r = view(&mo, t);
	CHECK(r.status == 200 && body_has(&r, "Between us"), "opened: %ld", r.status);
	reply_free(&r);
	CHECK(sql_exec(&srv, "UPDATE communities SET visibility = 'private' WHERE id = %lld",
		       (long long)comm_p),
	      "private");
	r = view(&mo, t);
	CHECK(r.status == 404 && !strstr(r.body, "Between us"), "private again: %ld", r.status);
	reply_free(&r);
	r = client_get(mo.c, pathf("/threads/%lld/replies?after=0", (long long)t));
	CHECK(r.status == 404, "outsider's fragment: %ld", r.status);
	reply_free(&r);
	CHECK(sql_exec(&srv, "DELETE FROM memberships WHERE community_id = %lld AND user_id = %lld",
		       (long long)comm_p, (long long)pat.id),
	      "leave");
	r = view(&pat, t);
	CHECK(r.status == 404 && !strstr(r.body, "Between us"), "a former participant: %ld",
	      r.status);
	reply_free(&r);
	CHECK(sql_exec(&srv, "INSERT INTO memberships (community_id, user_id, status, signed_up_at) "
			     "VALUES (%lld, %lld, 'participant', 0)",
		       (long long)comm_p, (long long)pat.id),
	      "rejoin");
	r = view(&pat, t);
	CHECK(r.status == 200, "rejoined: %ld", r.status);
	reply_free(&r);
}

TEST(long_threads_keep_each_page_right)
{
	int64_t t = start_thread(&pia, "/communities/tc-a/board", "Long one", "Opening", false);
	CHECK(sql_exec(&srv, "WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE "
			     "n < 60) INSERT INTO posts (thread_id, author_id, body, html, "
			     "created_at) SELECT %lld, %lld, 'Reply ' || n, '<p>Reply number ' || n "
			     "|| '.</p>\n', 1800000000 + n FROM i",
		       (long long)t, (long long)ana.id) &&
		      sql_exec(&srv, "UPDATE threads SET reply_count = 60, deleted_replies = 0, "
				     "last_post_id = (SELECT max(id) FROM posts WHERE thread_id = "
				     "%lld) WHERE id = %lld",
			       (long long)t, (long long)t),
	      "bulk replies");
	Reply p1 = view(&fay, t);
	Reply p2 = client_get(fay.c, pathf("/threads/%lld?page=2", (long long)t));
	CHECK(body_has(&p1, "Reply number 50.</p>") && !body_has(&p1, "Reply number 51.</p>") &&
		      body_has(&p2, "Reply number 51.</p>") && body_has(&p2, "Reply number 60.</p>") &&
		      body_has(&p2, "Page 2 of 2"),
	      "the pages split wrong");
	reply_free(&p1);
	reply_free(&p2);
	same_as_fresh(&fay, t, "page 2 of a long thread");
	int64_t newest = reply_to(&pia, t, "Reply sixty-one");
	p2 = client_get(ana.c, pathf("/threads/%lld?page=2", (long long)t));
	CHECK(article_has(&p2, newest, "Reply sixty-one") && body_has(&p2, ">61 replies<") &&
		      article_has(&p2, newest, "badge-new"),
	      "the new reply is not on page 2");
	reply_free(&p2);
	/* Another process removes a reply of page 1: page 2 starts one later. */
	CHECK(sql_exec(&srv, "DELETE FROM posts WHERE thread_id = %lld AND body = 'Reply 3'",
		       (long long)t) &&
		      sql_exec(&srv, "UPDATE threads SET reply_count = 60 WHERE id = %lld",
			       (long long)t),
	      "SQL delete");
	p1 = view(&fay, t);
	p2 = client_get(fay.c, pathf("/threads/%lld?page=2", (long long)t));
	CHECK(!body_has(&p1, "Reply number 3.</p>") && body_has(&p1, "Reply number 51.</p>") &&
		      !body_has(&p2, "Reply number 51.</p>") && body_has(&p2, "Reply number 52.</p>"),
	      "the pages did not move after a reply was removed");
	reply_free(&p1);
	reply_free(&p2);
	same_as_fresh(&fay, t, "page 2 after a removal");
	/* A page past the end is the last one. */
	Reply far = client_get(fay.c, pathf("/threads/%lld?page=99", (long long)t));
	CHECK(far.status == 200 && body_has(&far, "Page 2 of 2"), "page 99: %ld", far.status);
	reply_free(&far);
}

TEST(bad_input_still_gets_4xx)
{
	long s;
	Reply r = client_get(mo.c, "/threads/999999");
	s = r.status;
	reply_free(&r);
	CHECK(s == 404, "unknown thread: %ld", s);
	r = client_get(mo.c, "/threads/abc");
	s = r.status;
	reply_free(&r);
	CHECK(s == 404, "not a number: %ld", s);
	int64_t t = sql_int(&srv, "SELECT max(id) FROM threads WHERE community_id = %lld",
			    (long long)comm_a);
	r = client_get(mo.c, pathf("/threads/%lld?page=-3", (long long)t));
	s = r.status;
	reply_free(&r);
	CHECK(s == 200, "a page below 1 is the first: %ld", s);
	r = client_get(mo.c, pathf("/threads/%lld/replies?after=x", (long long)t));
	s = r.status;
	reply_free(&r);
	CHECK(s == 200, "a bad after is 0: %ld", s);
	Client *visitor = client_new(&srv);
	r = client_get(visitor, pathf("/threads/%lld", (long long)t));
	CHECK(r.status == 303 || r.status == 403 || r.status == 404, "a visitor: %ld", r.status);
	reply_free(&r);
	client_free(visitor);
}

TEST(share_choices_in_name_order_once)
{
	/* Ana takes part in A (home), "beta" and "Gamma", and facilitates "Alpha" and "Gamma". */
	CHECK(sql_exec(&srv, "INSERT INTO communities (slug, name, status, created_at, visibility) "
			     "VALUES ('tc-s1', 'beta Nurses', 'open', 0, 'open'), ('tc-s2', "
			     "'Alpha Readers', 'open', 0, 'open'), ('tc-s3', 'Gamma Team', 'open', 0, "
			     "'open'), ('tc-s4', 'Archived Ones', 'archived', 0, 'open')") &&
		      sql_exec(&srv, "INSERT INTO memberships (community_id, user_id, status, "
				     "signed_up_at) SELECT id, %lld, 'participant', 0 FROM communities "
				     "WHERE slug IN ('tc-s1', 'tc-s3', 'tc-s4')",
			       (long long)ana.id) &&
		      sql_exec(&srv, "INSERT INTO facilitators (community_id, user_id) SELECT id, "
				     "%lld FROM communities WHERE slug IN ('tc-s2', 'tc-s3')",
			       (long long)ana.id),
	      "communities");
	int64_t t = start_thread(&ana, "/communities/tc-a/board", "Share me", "Anywhere", false);
	Reply r = view(&ana, t);
	const char *want = "<option value=\"tc-s2\">Alpha Readers</option><option value=\"tc-s1\">"
			   "beta Nurses</option><option value=\"tc-s3\">Gamma Team</option></select>";
	CHECK(body_has(&r, want), "the share choices: %.600s",
	      strstr(r.body, "<select id=\"f-community\"") ? strstr(r.body, "<select id=\"f-community\"")
							  : "(none)");
	reply_free(&r);
	r = post_as(&ana, pathf("/threads/%lld/share", (long long)t), "community", "tc-s1", NULL);
	CHECK(r.status == 303, "share: %ld", r.status);
	reply_free(&r);
	r = view(&ana, t);
	CHECK(body_has(&r, "<option value=\"tc-s2\">Alpha Readers</option><option value=\"tc-s3\">"
			   "Gamma Team</option></select>") &&
		      body_has(&r, "Also on the board of: <a href=\"/communities/tc-s1/board\">"),
	      "after sharing into beta");
	reply_free(&r);
}

TEST(stops_cleanly)
{
	check_stops_cleanly(&srv, people, COUNT_OF(people), "database error", NULL);
}

/* ---- setup ---- */

static bool setup(void)
{
	if (!server_init(&srv) || !add_school(&srv, SCHOOL, "active") ||
	    !people_add(&srv, people, COUNT_OF(people), SCHOOL))
		return false;
	comm_a = add_community(&srv, "tc-a", "Reading A", "open", "open");
	comm_p = add_community(&srv, "tc-p", "Superintendents P", "active", "private");
	return comm_a && comm_p && add_facilitator(&srv, comm_a, fay.id) &&
	       add_membership(&srv, comm_a, pia.id, "participant") &&
	       add_membership(&srv, comm_a, ana.id, "participant") &&
	       add_membership(&srv, comm_p, pat.id, "participant") && server_start(&srv) &&
	       people_sign_in(&srv, people, COUNT_OF(people), "/board/new");
}

SUITE_MAIN(setup, &srv, people, kept_pages_equal_fresh_ones_for_every_reader,
	one_readers_parts_never_reach_another, replies_edits_and_deletions_show_at_once,
	names_schools_and_standing_show_their_latest, accepted_answers_show_and_clear_at_once,
	private_community_access_changes_take_effect, long_threads_keep_each_page_right,
	share_choices_in_name_order_once, bad_input_still_gets_4xx, stops_cleanly)
