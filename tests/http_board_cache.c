/* The board pages' kept lists against a real server (issue 8, src/board_cache.c): a board's
 * first pages of threads, the list of communities and each member's own communities are kept
 * between requests, so every change must show on the next view, whoever made it (the server
 * itself, or another process writing the database: triggers move the counts), and what is one
 * member's (their unread marks, threads shared from a private community they are in, the
 * boards they may read) must never reach another.
 *
 * The strongest check: every page built from the kept lists is byte for byte the page the
 * server builds without them (the 'boards' count removed, which turns the cache off), for
 * several members, pages and boards, after each kind of change.
 *
 * One server for the suite; many changes are made with SQL, as another process would. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define SCHOOL "Riverside School"

static Server srv;
static Person admin = {ADMIN_EMAIL, ADMIN_NAME};
static Person alice = {"alice@riverside.org", "Alice Board"}; /* A, B, P */
static Person bob = {"bob@riverside.org", "Bob Board"};       /* A, B */
static Person carol = {"carol@riverside.org", "Carol Board"}; /* none */
static Person *const people[] = {&admin, &alice, &bob, &carol};
static int64_t ca, cb, cp; /* Community A and B (open), P (private) */
static int64_t from_p;     /* a thread of P shared into A (P turned private after) */

static Reply get(Person *p, const char *path)
{
	return client_get(p->c, path);
}

/* The page at path as p sees it (heap), or NULL when not 200. */
static char *page(Person *p, const char *path)
{
	Reply r = get(p, path);
	char *out = r.status == 200 && r.body ? strdup(r.body) : NULL;
	CHECK(out, "%s as %s: %ld", path, p->name, r.status);
	reply_free(&r);
	return out;
}

/* The list item of thread id in html (heap), or NULL when it is not listed. */
static char *item(const char *html, int64_t id)
{
	char want[64];
	snprintf(want, sizeof want, "<a href=\"/threads/%lld\">", (long long)id);
	const char *at = html ? strstr(html, want) : NULL;
	if (!at)
		return NULL;
	const char *start = at;
	while (start > html && strncmp(start, "<li ", 4) != 0)
		start--;
	const char *end = strstr(at, "</li>");
	return end ? strndup(start, (size_t)(end - start)) : NULL;
}

static bool listed(Person *p, const char *path, int64_t id)
{
	char *html = page(p, path);
	char *it = item(html, id);
	free(html);
	free(it);
	return it != NULL;
}

static bool unread(Person *p, const char *path, int64_t id)
{
	char *html = page(p, path);
	char *it = item(html, id);
	bool yes = it && strstr(it, "thread-item unread") && strstr(it, "badge-new");
	free(html);
	free(it);
	return yes;
}

static int64_t add_thread_sql(int64_t community, const char *title, int64_t at)
{
	char c[32] = "NULL";
	if (community)
		snprintf(c, sizeof c, "%lld", (long long)community);
	CHECK(sql_exec(&srv, "INSERT INTO threads (community_id, author_id, title, created_at, "
			     "last_post_at) VALUES (%s, %lld, '%s', %lld, %lld)",
		       c, (long long)bob.id, title, (long long)at, (long long)at),
	      "thread %s", title);
	return sql_int(&srv, "SELECT max(id) FROM threads");
}

/* Every page listed is the same whether built from the kept lists or read without them,
 * for every person who may read it. */
static void same_without_cache(const char *when)
{
	static const char *const paths[] = {"/communities/board-a/board",
					     "/communities/board-a/board?page=2",
					     "/communities/board-a/board?page=3",
					     "/communities/board-b/board", "/communities/board-p/board",
					     "/board", "/board?page=2"};
	enum { NPATHS = sizeof paths / sizeof *paths, NPEOPLE = sizeof people / sizeof *people };
	char *kept[NPEOPLE][NPATHS];
	long kept_status[NPEOPLE][NPATHS];
	for (int i = 0; i < NPEOPLE; i++)
		for (int j = 0; j < NPATHS; j++) {
			Reply r = get(people[i], paths[j]);
			kept_status[i][j] = r.status;
			kept[i][j] = r.body ? strdup(r.body) : NULL;
			reply_free(&r);
		}
	int64_t n = sql_int(&srv, "SELECT n FROM change_counts WHERE name = 'boards'");
	CHECK(sql_exec(&srv, "DELETE FROM change_counts WHERE name = 'boards'"), "cache off");
	for (int i = 0; i < NPEOPLE; i++)
		for (int j = 0; j < NPATHS; j++) {
			Reply r = get(people[i], paths[j]);
			CHECK(r.status == kept_status[i][j] && r.body && kept[i][j] &&
				      !strcmp(r.body, kept[i][j]),
			      "%s: %s as %s differs from the page read without the cache "
			      "(%ld, kept %ld)",
			      when, paths[j], people[i]->name, r.status, kept_status[i][j]);
			reply_free(&r);
			free(kept[i][j]);
		}
	CHECK(sql_exec(&srv, "INSERT INTO change_counts (name, n, changed_at) VALUES ('boards', "
			     "%lld, 0)", (long long)n + 1), "cache on");
}

TEST(kept_pages_are_the_pages_read_without_them)
{
	same_without_cache("at the start");
	/* Alice reads some threads: her marks change, nobody else's. */
	int64_t first = sql_int(&srv, "SELECT max(id) FROM threads WHERE community_id = %lld",
				(long long)ca);
	char path[64];
	snprintf(path, sizeof path, "/threads/%lld", (long long)first);
	Reply r = get(&alice, path);
	reply_free(&r);
	snprintf(path, sizeof path, "/threads/%lld", (long long)from_p);
	r = get(&alice, path);
	reply_free(&r);
	same_without_cache("after alice read threads");
	/* A question, answered, a retitled thread. */
	CHECK(sql_exec(&srv, "UPDATE threads SET is_question = 1, title = 'Retitled' WHERE id = "
			     "%lld", (long long)first), "question");
	same_without_cache("after a thread became a question");
}

TEST(new_thread_and_reply_show_at_once)
{
	char *before = page(&bob, "/communities/board-a/board");
	int64_t t = start_thread(&alice, "/communities/board-a/board", "Brand new thread", "Hello.",
				 false);
	CHECK(listed(&bob, "/communities/board-a/board", t), "a new thread is not listed");
	CHECK(unread(&bob, "/communities/board-a/board", t), "a new thread is not new for bob");
	CHECK(listed(&bob, "/board", t) == false, "a community thread on the all board");
	/* Another process starts one on the all board. */
	int64_t all = add_thread_sql(0, "From another process", (int64_t)time(NULL) + 10);
	CHECK(listed(&carol, "/board", all), "a thread written by another process is not listed");
	free(before);

	/* A reply to the oldest kept thread moves it to the top, with its new count. */
	char *html = page(&bob, "/communities/board-a/board");
	int64_t old = sql_int(&srv, "SELECT id FROM threads WHERE community_id = %lld ORDER BY "
				    "last_post_at, id LIMIT 1 OFFSET 40",
			      (long long)ca);
	CHECK(item(html, old) == NULL, "the old thread is on page 1 already");
	free(html);
	char path[64];
	snprintf(path, sizeof path, "/threads/%lld/replies", (long long)old);
	Reply r = client_post_fields(alice.c, alice.csrf, path, "body", "Bumping this", NULL);
	CHECK(r.status == 303, "reply: %ld", r.status);
	reply_free(&r);
	html = page(&bob, "/communities/board-a/board");
	char *it = item(html, old);
	/* On page 1 now, with the count the database has (the new thread, started in the same
	 * second, may come before it). */
	char replies[32];
	int64_t n = sql_int(&srv, "SELECT reply_count FROM threads WHERE id = %lld",
			    (long long)old);
	snprintf(replies, sizeof replies, " %lld repl%s ·", (long long)n, n == 1 ? "y" : "ies");
	CHECK(it && strstr(it, replies) && strstr(it, "thread-item unread"),
	      "the replied thread, its count (%s) or mark: %s", replies, it ? it : "(none)");
	free(it);
	free(html);
	same_without_cache("after a new thread and a reply");
}

TEST(deletions_show_at_once)
{
	int64_t t = add_thread_sql(ca, "Soon deleted", (int64_t)time(NULL) + 20);
	CHECK(listed(&bob, "/communities/board-a/board", t), "not listed");
	CHECK(sql_exec(&srv, "DELETE FROM threads WHERE id = %lld", (long long)t), "delete");
	CHECK(!listed(&bob, "/communities/board-a/board", t), "a deleted thread is still listed");
	/* A reply deleted through the server: the count goes down. */
	int64_t u = start_thread(&alice, "/communities/board-a/board", "Reply goes away", "Hello.",
				 false);
	char path[80];
	snprintf(path, sizeof path, "/threads/%lld/replies", (long long)u);
	Reply r = client_post_fields(alice.c, alice.csrf, path, "body", "Oops", NULL);
	reply_free(&r);
	char *html = page(&bob, "/communities/board-a/board");
	char *it = item(html, u);
	CHECK(it && strstr(it, "1 reply ·"), "one reply: %s", it ? it : "(none)");
	free(it);
	free(html);
	int64_t post = sql_int(&srv, "SELECT max(id) FROM posts WHERE thread_id = %lld",
			       (long long)u);
	snprintf(path, sizeof path, "/posts/%lld/delete", (long long)post);
	r = client_post_fields(alice.c, alice.csrf, path, NULL);
	CHECK(r.status == 303, "delete reply: %ld", r.status);
	reply_free(&r);
	html = page(&bob, "/communities/board-a/board");
	it = item(html, u);
	CHECK(it && strstr(it, "0 replies ·"), "after deleting the reply: %s", it ? it : "(none)");
	free(it);
	free(html);
	/* A share taken off by another process. */
	CHECK(listed(&alice, "/communities/board-a/board", from_p), "alice's shared thread");
	CHECK(sql_exec(&srv, "UPDATE thread_shares SET community_id = %lld WHERE thread_id = %lld",
		       (long long)cb, (long long)from_p), "move share");
	CHECK(!listed(&alice, "/communities/board-a/board", from_p), "a moved share stays");
	CHECK(listed(&alice, "/communities/board-b/board", from_p), "a moved share is missing");
	CHECK(sql_exec(&srv, "UPDATE thread_shares SET community_id = %lld WHERE thread_id = %lld",
		       (long long)ca, (long long)from_p), "share back");
	same_without_cache("after deletions");
}

TEST(unread_marks_are_each_readers_own)
{
	int64_t t = start_thread(&carol, "/board", "Marks apart", "Hello.", false);
	CHECK(unread(&alice, "/board", t) && unread(&bob, "/board", t), "new for both");
	char path[64];
	snprintf(path, sizeof path, "/threads/%lld", (long long)t);
	Reply r = get(&alice, path);
	reply_free(&r);
	CHECK(!unread(&alice, "/board", t), "alice read it, still new for her");
	CHECK(unread(&bob, "/board", t), "bob sees alice's read mark");
	CHECK(!unread(&alice, "/board", t), "alice sees bob's unread mark");
	/* A new reply makes it new for alice again. */
	snprintf(path, sizeof path, "/threads/%lld/replies", (long long)t);
	r = client_post_fields(bob.c, bob.csrf, path, "body", "A new reply", NULL);
	reply_free(&r);
	CHECK(unread(&alice, "/board", t), "a new reply is not new for alice");
}

TEST(private_threads_follow_membership)
{
	/* Alice takes part in P: the thread shared from P into A is hers to see, not bob's. */
	for (int i = 0; i < 2; i++) {
		CHECK(listed(&alice, "/communities/board-a/board", from_p), "alice misses it");
		CHECK(!listed(&bob, "/communities/board-a/board", from_p), "bob sees alice's");
		CHECK(!listed(&carol, "/communities/board-a/board", from_p), "carol sees it");
		CHECK(listed(&admin, "/communities/board-a/board", from_p), "admin misses it");
	}
	char *html = page(&bob, "/board");
	CHECK(html && !strstr(html, "/communities/board-p/board"), "bob has P's board link");
	free(html);
	Reply r = get(&bob, "/communities/board-p/board");
	CHECK(r.status == 403, "bob reads P's board: %ld", r.status);
	reply_free(&r);

	/* Bob joins P (another process): the thread, the link and the board are his at once. */
	CHECK(sql_exec(&srv, "INSERT INTO memberships (community_id, user_id, status, "
			     "signed_up_at) VALUES (%lld, %lld, 'participant', 0)",
		       (long long)cp, (long long)bob.id), "join");
	CHECK(listed(&bob, "/communities/board-a/board", from_p), "bob joined, thread missing");
	html = page(&bob, "/board");
	CHECK(html && strstr(html, "/communities/board-p/board"), "bob joined, no link to P");
	free(html);
	r = get(&bob, "/communities/board-p/board");
	CHECK(r.status == 200 && body_has(&r, "Start a discussion"), "bob joined P: %ld",
	      r.status);
	reply_free(&r);
	CHECK(!listed(&carol, "/communities/board-a/board", from_p), "carol sees bob's");
	same_without_cache("with bob in P");

	/* Bob leaves: gone again. */
	CHECK(sql_exec(&srv, "DELETE FROM memberships WHERE community_id = %lld AND user_id = "
			     "%lld", (long long)cp, (long long)bob.id), "leave");
	CHECK(!listed(&bob, "/communities/board-a/board", from_p), "bob left, still sees it");
	r = get(&bob, "/communities/board-p/board");
	CHECK(r.status == 403, "bob left P and reads its board: %ld", r.status);
	reply_free(&r);
	/* Waitlisted is not taking part. */
	CHECK(sql_exec(&srv, "INSERT INTO memberships (community_id, user_id, status, "
			     "signed_up_at) VALUES (%lld, %lld, 'waitlisted', 0)",
		       (long long)cp, (long long)bob.id), "waitlist");
	CHECK(!listed(&bob, "/communities/board-a/board", from_p), "waitlisted bob sees it");
	/* A facilitator reads it. */
	CHECK(sql_exec(&srv, "INSERT INTO facilitators (community_id, user_id) VALUES (%lld, %lld)",
		       (long long)cp, (long long)carol.id), "facilitator");
	CHECK(listed(&carol, "/communities/board-a/board", from_p), "a facilitator misses it");
	CHECK(sql_exec(&srv, "DELETE FROM facilitators WHERE community_id = %lld AND user_id = "
			     "%lld", (long long)cp, (long long)carol.id), "facilitator gone");
	CHECK(!listed(&carol, "/communities/board-a/board", from_p), "a former facilitator");
}

TEST(community_going_private_or_renamed)
{
	int64_t t = start_thread(&alice, "/communities/board-b/board", "B goes private", "Hello.",
				 false);
	CHECK(sql_exec(&srv, "INSERT INTO thread_shares (thread_id, community_id, shared_by, "
			     "shared_at, last_post_at) SELECT id, %lld, %lld, 0, last_post_at FROM "
			     "threads WHERE id = %lld",
		       (long long)ca, (long long)alice.id, (long long)t), "share B into A");
	CHECK(listed(&carol, "/communities/board-a/board", t), "carol misses B's shared thread");
	Reply r = get(&carol, "/communities/board-b/board");
	CHECK(r.status == 200, "B while open: %ld", r.status);
	reply_free(&r);
	CHECK(sql_exec(&srv, "UPDATE communities SET visibility = 'private' WHERE id = %lld",
		       (long long)cb), "B private");
	r = get(&carol, "/communities/board-b/board");
	CHECK(r.status == 403, "B private, carol reads its board: %ld", r.status);
	reply_free(&r);
	CHECK(!listed(&carol, "/communities/board-a/board", t), "B private, its thread shows");
	char *html = page(&carol, "/board");
	CHECK(html && !strstr(html, "/communities/board-b/board"), "B private, carol has its link");
	free(html);
	CHECK(listed(&alice, "/communities/board-a/board", t), "alice (in B) lost it");
	same_without_cache("with B private");
	CHECK(sql_exec(&srv, "UPDATE communities SET visibility = 'open' WHERE id = %lld",
		       (long long)cb), "B open");
	CHECK(listed(&carol, "/communities/board-a/board", t), "B open again, thread missing");

	/* Names: a community's and an author's, changed by another process. */
	CHECK(sql_exec(&srv, "UPDATE communities SET name = 'Community B Renamed' WHERE id = %lld",
		       (long long)cb), "rename B");
	html = page(&carol, "/communities/board-a/board");
	char *it = item(html, t);
	CHECK(it && strstr(it, "Community B Renamed"), "the share's home name: %s",
	      it ? it : "(none)");
	free(it);
	CHECK(html && strstr(html, ">Community B Renamed</a></li>"), "the board link's name");
	free(html);
	CHECK(sql_exec(&srv, "UPDATE users SET name = 'Alice Renamed' WHERE id = %lld",
		       (long long)alice.id), "rename alice");
	html = page(&carol, "/communities/board-a/board");
	it = item(html, t);
	CHECK(it && strstr(it, ">Alice Renamed</a>"), "the author's new name: %s",
	      it ? it : "(none)");
	free(it);
	free(html);
	/* Archived: no link, the board still readable. */
	CHECK(sql_exec(&srv, "UPDATE communities SET status = 'archived' WHERE id = %lld",
		       (long long)cb), "archive B");
	html = page(&carol, "/board");
	CHECK(html && !strstr(html, "/communities/board-b/board\""), "an archived board's link");
	free(html);
	same_without_cache("with B archived and renamed");
	CHECK(sql_exec(&srv, "UPDATE communities SET status = 'open' WHERE id = %lld",
		       (long long)cb), "B back");
}

TEST(pages_of_a_long_board)
{
	/* 70+ threads on A: page 1 and 2 kept, page 3 read; 30 a page, pager links right. */
	char *p1 = page(&carol, "/communities/board-a/board");
	char *p2 = page(&carol, "/communities/board-a/board?page=2");
	char *p3 = page(&carol, "/communities/board-a/board?page=3");
	CHECK(count_of(p1, "<li class=\"thread-item") == 30 &&
		      count_of(p2, "<li class=\"thread-item") == 30,
	      "30 a page: %d, %d", count_of(p1, "<li class=\"thread-item"),
	      count_of(p2, "<li class=\"thread-item"));
	CHECK(p2 && strstr(p2, "?page=3\">Older discussions") && strstr(p2, "?page=1\">Newer"),
	      "page 2's pager");
	CHECK(p3 && count_of(p3, "<li class=\"thread-item") > 0, "page 3 is empty");
	free(p1);
	free(p2);
	free(p3);
	/* The current board is marked as such in the list of boards, as an attribute. */
	char *a = page(&carol, "/communities/board-a/board");
	CHECK(a && strstr(a, "<li><a href=\"/communities/board-a/board\" aria-current=\"page\">"
			     "Community A</a></li>"),
	      "the current board's link");
	free(a);
	Reply r = get(&carol, "/communities/nowhere/board");
	CHECK(r.status == 404, "an unknown board: %ld", r.status);
	reply_free(&r);
}

TEST(stops_cleanly)
{
	check_stops_cleanly(&srv, people, COUNT_OF(people), "database error", NULL);
}

static bool setup(void)
{
	if (!server_init(&srv) || !add_school(&srv, SCHOOL, "active") ||
	    !people_add(&srv, people, COUNT_OF(people), SCHOOL))
		return false;
	ca = add_community(&srv, "board-a", "Community A", "open", "open");
	cb = add_community(&srv, "board-b", "Community B", "open", "open");
	cp = add_community(&srv, "board-p", "Community P", "open", "open");
	if (!ca || !cb || !cp || !add_membership(&srv, ca, alice.id, "participant") ||
	    !add_membership(&srv, cb, alice.id, "participant") ||
	    !add_membership(&srv, cp, alice.id, "participant") ||
	    !add_membership(&srv, ca, bob.id, "participant") ||
	    !add_membership(&srv, cb, bob.id, "participant"))
		return false;
	/* 70 threads on A, 40 on the all board, 5 on B, older than anything the tests start. */
	int64_t base = (int64_t)time(NULL) - 100000;
	if (!sql_exec(&srv, "WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE "
			    "n < 115) INSERT INTO threads (community_id, author_id, title, "
			    "is_question, created_at, last_post_at, last_post_id, reply_count) "
			    "SELECT CASE WHEN n <= 70 THEN %lld WHEN n <= 110 THEN NULL ELSE %lld "
			    "END, %lld, 'Thread ' || n, n %% 3 = 0, %lld + n * 60, %lld + n * 60, 0, "
			    "n %% 4 FROM i",
		      (long long)ca, (long long)cb, (long long)bob.id, (long long)base,
		      (long long)base))
		return false;
	/* A thread of P shared into A, then P turned private (threads of private communities
	 * cannot be shared out, but a shared one's home may turn private); one of the all board
	 * shared into A too. */
	if (!sql_exec(&srv, "INSERT INTO threads (community_id, author_id, title, created_at, "
			    "last_post_at) VALUES (%lld, %lld, 'Private to P', %lld, %lld)",
		      (long long)cp, (long long)alice.id, (long long)base + 3000,
		      (long long)base + 3000))
		return false;
	from_p = sql_int(&srv, "SELECT max(id) FROM threads");
	if (!sql_exec(&srv, "INSERT INTO thread_shares (thread_id, community_id, shared_by, "
			    "shared_at, last_post_at) VALUES (%lld, %lld, %lld, 0, %lld), "
			    "((SELECT min(id) + 80 FROM threads), %lld, %lld, 0, %lld + 80 * 60)",
		      (long long)from_p, (long long)ca, (long long)alice.id,
		      (long long)base + 3000, (long long)ca, (long long)alice.id,
		      (long long)base) ||
	    !sql_exec(&srv, "UPDATE communities SET visibility = 'private' WHERE id = %lld",
		      (long long)cp))
		return false;
	return server_start(&srv) && people_sign_in(&srv, people, COUNT_OF(people), "/account");
}

SUITE_MAIN(setup, &srv, people, kept_pages_are_the_pages_read_without_them,
	new_thread_and_reply_show_at_once, deletions_show_at_once,
	unread_marks_are_each_readers_own, private_threads_follow_membership,
	community_going_private_or_renamed, pages_of_a_long_board, stops_cleanly)
