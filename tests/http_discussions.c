/* Discussion boards against a real server: starting threads on the all-communities board and
 * on community boards (who may post, who may only read), replies, editing ("edited" shown),
 * deleting (a trace stays; who may), accepted answers (who may mark; shown first), sharing a
 * thread into another board (listed there, not copied), board and thread pagination, unread
 * markers, @mentions (links, notifications, only for those who may read), private
 * communities (404 for outsiders' thread pages, 403 for their boards), hostile Markdown and
 * oversized input, the live-update hooks and reply fragment, and the database after each
 * action. One server for the suite; bulk rows for pagination are inserted with SQL. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define SCHOOL "Northfield Academy"

static Server srv;
static Person admin = {ADMIN_EMAIL, ADMIN_NAME};
static Person fay = {"fay@northfield.org", "Fay Facilitator"}; /* A */
static Person pia = {"pia@northfield.org", "Pia Participant"}; /* A, B */
static Person mo = {"mo@northfield.org", "Mo Member"};         /* none */
static Person otto = {"otto@northfield.org", "Otto Other"};    /* fac. of B */
static Person pat = {"pat@northfield.org", "Pat Private"};     /* private P */
static Person ana = {"ana.ruiz@northfield.org", "Ana Ruiz"};   /* A */
static Person *const people[] = {&admin, &fay, &pia, &mo, &otto, &pat, &ana};
static int64_t sam1, sam2, bob, eve;
static int64_t comm_a, comm_b, comm_p;

/* ---- helpers ---- */

static Reply get(Person *p, const char *path)
{
	return client_get(p->c, path);
}

static long status_of(Person *p, const char *path)
{
	Reply r = get(p, path);
	long s = r.status;
	reply_free(&r);
	return s;
}

static long post_status(Person *p, const char *path)
{
	Reply r = post_as(p, path, NULL);
	long s = r.status;
	reply_free(&r);
	return s;
}

static int64_t first_post(int64_t thread)
{
	return sql_int(&srv, "SELECT min(id) FROM posts WHERE thread_id = %lld", (long long)thread);
}

/* Inserts n threads on a board (community 0: all) by author, last activity older as i grows,
 * each with its opening post; titles are PREFIX-i. */
static bool bulk_threads(int64_t community, int64_t author, const char *prefix, int n)
{
	char c[32];
	if (community)
		snprintf(c, sizeof c, "%lld", (long long)community);
	else
		snprintf(c, sizeof c, "NULL");
	return sql_exec(&srv, "WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i "
			      "WHERE n < %d) INSERT INTO threads (community_id, author_id, title, "
			      "created_at, last_post_at) SELECT %s, %lld, '%s-' || n, 1000000 - n, "
			      "1000000 - n FROM i",
			n, c, (long long)author, prefix) &&
	       sql_exec(&srv, "INSERT INTO posts (thread_id, author_id, body, created_at) SELECT id, "
			      "author_id, 'Opening post', created_at FROM threads WHERE title LIKE "
			      "'%s-%%' AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.thread_id = "
			      "threads.id)", prefix) &&
	       sql_exec(&srv, "UPDATE threads SET last_post_id = (SELECT max(id) FROM posts WHERE "
			      "thread_id = threads.id) WHERE title LIKE '%s-%%'", prefix);
}

/* The <li>...</li> of the board item whose title link text is title (heap), or NULL. */
static char *board_item(const char *body, const char *title)
{
	char needle[300];
	snprintf(needle, sizeof needle, ">%s</a>", title);
	const char *at = strstr(body, needle);
	if (!at)
		return NULL;
	const char *start = at;
	while (start > body && strncmp(start, "<li", 3))
		start--;
	const char *end = strstr(at, "</li>");
	return end ? strndup(start, (size_t)(end - start)) : NULL;
}

static bool item_unread(const char *body, const char *title)
{
	char *item = board_item(body, title);
	bool unread = item && !strncmp(item, "<li class=\"thread-item unread\">", 31) &&
		      strstr(item, "badge-new");
	free(item);
	return unread;
}

/* ---- tests ---- */

TEST(any_member_posts_on_the_all_communities_board)
{
	int64_t t = start_thread(&mo, "/board", "Cell phone policies", "Who has gone **phone-free**?",
				 true);
	char *row = sql_text(&srv, "SELECT coalesce(community_id, 'NULL') || '|' || author_id || '|' "
				   "|| is_question || '|' || reply_count || '|' || (last_post_id = "
				   "(SELECT min(id) FROM posts WHERE thread_id = %lld)) FROM threads "
				   "WHERE id = %lld", (long long)t, (long long)t);
	char want[64];
	snprintf(want, sizeof want, "NULL|%lld|1|0|1", (long long)mo.id);
	CHECK_STR(row, want);
	free(row);
	CHECK(sql_int(&srv, "SELECT count(*) FROM posts WHERE thread_id = %lld", (long long)t) == 1,
	      "not exactly one post");
	CHECK(sql_int(&srv, "SELECT following FROM thread_follows WHERE thread_id = %lld AND "
			    "user_id = %lld", (long long)t, (long long)mo.id) == 1,
	      "the author does not follow their thread");
	Reply r = get(&pia, "/board");
	CHECK(r.status == 200 && body_has(&r, ">Cell phone policies</a>"), "not on /board: %ld",
	      r.status);
	CHECK(body_has(&r, "badge-question\">Question"), "no question badge");
	reply_free(&r);
	r = get(&pia, pathf("/threads/%lld", (long long)t));
	CHECK(r.status == 200 && body_has(&r, "<strong>phone-free</strong>"), "thread page: %ld",
	      r.status);
	CHECK(body_has(&r, "<h1>Cell phone policies"), "no title heading");
	reply_free(&r);
	r = get(&mo, "/board/new");
	CHECK(r.status == 200 && body_has(&r, "<label for=\"f-title\">") &&
		      body_has(&r, "<label for=\"f-question\">"),
	      "new thread form: %ld", r.status);
	reply_free(&r);
}

TEST(community_board_posting_is_for_participants_reading_for_all)
{
	int64_t before = sql_int(&srv, "SELECT count(*) FROM threads");
	Reply r = post_as(&mo, "/communities/disc-a/board", "title", "Outsider", "body", "Hi", NULL);
	CHECK(r.status == 403, "a non-participant posted: %ld", r.status);
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM threads") == before, "a thread row was left");
	CHECK(status_of(&mo, "/communities/disc-a/board/new") == 403, "outsider got the form");
	int64_t t = start_thread(&pia, "/communities/disc-a/board", "IEP caseloads",
				 "What caps do you use?", true);
	int64_t t2 = start_thread(&fay, "/communities/disc-a/board", "Agenda ideas", "Send them.",
				  false);
	CHECK(sql_int(&srv, "SELECT count(*) FROM threads WHERE id IN (%lld, %lld) AND "
			    "community_id = %lld", (long long)t, (long long)t2, (long long)comm_a) == 2,
	      "threads not on community A");
	r = get(&mo, "/communities/disc-a/board");
	CHECK(r.status == 200 && body_has(&r, ">IEP caseloads</a>") && body_has(&r, ">Agenda ideas</a>"),
	      "member cannot read the open board: %ld", r.status);
	CHECK(body_has(&r, "Participants and facilitators post here"), "no hint for readers");
	CHECK(!body_has(&r, "/communities/disc-a/board/new"), "a reader is offered the form");
	reply_free(&r);
	r = get(&mo, "/board");
	CHECK(!body_has(&r, ">IEP caseloads</a>"), "a community thread is on the all board");
	reply_free(&r);
	r = get(&pia, "/communities/disc-a/board");
	CHECK(body_has(&r, "href=\"/communities/disc-a/board/new\""), "no start button");
	reply_free(&r);
	/* A reader may not reply; a participant may. */
	r = post_as(&mo, pathf("/threads/%lld/replies", (long long)t), "body", "me too", NULL);
	CHECK(r.status == 403, "a reader replied: %ld", r.status);
	reply_free(&r);
	int64_t p = reply_to(&fay, t, "We cap at 18.");
	CHECK(sql_int(&srv, "SELECT reply_count FROM threads WHERE id = %lld", (long long)t) == 1,
	      "reply_count");
	CHECK(sql_int(&srv, "SELECT last_post_id FROM threads WHERE id = %lld", (long long)t) == p,
	      "last_post_id");
	CHECK(sql_int(&srv, "SELECT count(*) FROM posts WHERE thread_id = %lld AND author_id = %lld "
			    "AND body = 'We cap at 18.'", (long long)t, (long long)fay.id) == 1,
	      "reply row");
}

TEST(empty_and_oversized_posts_refused_without_rows)
{
	int64_t before = sql_int(&srv, "SELECT count(*) FROM posts");
	Reply r = post_as(&mo, "/board", "title", "", "body", "   ", NULL);
	CHECK(r.status == 422 && body_has(&r, "Give the discussion a title.") &&
		      body_has(&r, "Write a message."),
	      "empty: %ld", r.status);
	reply_free(&r);
	size_t n = 25000;
	char *big = malloc(n + 1);
	memset(big, 'x', n);
	big[n] = '\0';
	r = post_as(&mo, "/board", "title", "Big", "body", big, NULL);
	CHECK(r.status == 413 && body_has(&r, "too long"), "25 kB body: %ld", r.status);
	CHECK(body_has(&r, "value=\"Big\""), "the title was not kept");
	reply_free(&r);
	free(big);
	/* Beyond the server's body limit (1 MB): refused before any handler. */
	n = 2 * 1024 * 1024;
	big = malloc(n + 1);
	memset(big, 'y', n);
	big[n] = '\0';
	r = post_as(&mo, "/board", "title", "Huge", "body", big, NULL);
	CHECK(r.status == 413, "2 MB body: %ld", r.status);
	reply_free(&r);
	free(big);
	char *title = malloc(300);
	memset(title, 't', 299);
	title[299] = '\0';
	r = post_as(&mo, "/board", "title", title, "body", "ok", NULL);
	CHECK(r.status == 422 && body_has(&r, "at most 200"), "long title: %ld", r.status);
	reply_free(&r);
	free(title);
	CHECK(sql_int(&srv, "SELECT count(*) FROM posts") == before, "a post row was left");
}

TEST(editing_shows_edited_and_only_the_author_may)
{
	int64_t t = start_thread(&pia, "/communities/disc-a/board", "Edit me", "First version", false);
	int64_t p = reply_to(&pia, t, "Reply v1");
	const char *edit = pathf("/posts/%lld/edit", (long long)p);
	CHECK(status_of(&fay, edit) == 403, "a facilitator got another's edit form");
	Reply r = post_as(&fay, edit, "body", "hijacked", NULL);
	CHECK(r.status == 403, "a facilitator edited another's post: %ld", r.status);
	reply_free(&r);
	r = get(&pia, edit);
	CHECK(r.status == 200 && body_has(&r, "Reply v1</textarea>"), "edit form: %ld", r.status);
	reply_free(&r);
	r = post_as(&pia, edit, "body", "Reply v2", NULL);
	CHECK(r.status == 303 && strstr(reply_location(&r), pathf("#post-%lld", (long long)p)), "save: %ld %s",
	      r.status, reply_location(&r));
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT body = 'Reply v2' AND edited_at IS NOT NULL FROM posts WHERE "
			    "id = %lld", (long long)p) == 1, "not saved as edited");
	r = get(&mo, pathf("/threads/%lld", (long long)t));
	CHECK(body_has(&r, "Reply v2") && !body_has(&r, "Reply v1"), "page shows the old text");
	const char *art = strstr(r.body, pathf("id=\"post-%lld\"", (long long)p));
	CHECK(art && strstr(art, "class=\"edited\">edited <time"), "no \"edited\" with its time");
	reply_free(&r);
	/* The opening post's edit form also changes the title and the question flag. */
	int64_t first = first_post(t);
	r = post_as(&pia, pathf("/posts/%lld/edit", (long long)first), "title", "Edited title",
		    "body", "Second version", "question", "yes", NULL);
	CHECK(r.status == 303, "opening edit: %ld %.200s", r.status, r.body);
	reply_free(&r);
	char *row = sql_text(&srv, "SELECT title || '|' || is_question FROM threads WHERE id = %lld",
			     (long long)t);
	CHECK_STR(row, "Edited title|1");
	free(row);
	r = post_as(&pia, edit, "body", "", NULL);
	CHECK(r.status == 422, "empty edit: %ld", r.status);
	reply_free(&r);
}

TEST(deleting_leaves_a_trace_and_follows_the_rules)
{
	int64_t t = start_thread(&pia, "/communities/disc-a/board", "Delete test", "Opening", false);
	int64_t p1 = reply_to(&pia, t, "Mine to delete");
	int64_t p2 = reply_to(&ana, t, "Facilitator will delete");
	int64_t p3 = reply_to(&ana, t, "Admin will delete");
	CHECK(sql_int(&srv, "SELECT reply_count FROM threads WHERE id = %lld", (long long)t) == 3,
	      "three replies");
	CHECK(post_status(&mo, pathf("/posts/%lld/delete", (long long)p1)) == 403,
	      "another member deleted");
	CHECK(post_status(&otto, pathf("/posts/%lld/delete", (long long)p2)) == 403,
	      "another community's facilitator deleted");
	CHECK(post_status(&pia, pathf("/posts/%lld/delete", (long long)p2)) == 403,
	      "a participant deleted someone else's post");
	CHECK(sql_int(&srv, "SELECT count(*) FROM posts WHERE id IN (%lld, %lld) AND deleted_at IS "
			    "NOT NULL", (long long)p1, (long long)p2) == 0, "deleted by a refusal");
	CHECK(post_status(&pia, pathf("/posts/%lld/delete", (long long)p1)) == 303, "author");
	CHECK(post_status(&fay, pathf("/posts/%lld/delete", (long long)p2)) == 303, "facilitator");
	CHECK(post_status(&admin, pathf("/posts/%lld/delete", (long long)p3)) == 303, "admin");
	char *row = sql_text(&srv, "SELECT body || '|' || deleted_by || '|' || (deleted_at > 0) FROM "
				   "posts WHERE id = %lld", (long long)p2);
	char want[64];
	snprintf(want, sizeof want, "|%lld|1", (long long)fay.id);
	CHECK_STR(row, want);
	free(row);
	CHECK(sql_int(&srv, "SELECT count(*) FROM posts WHERE thread_id = %lld", (long long)t) == 4,
	      "deleted rows must stay as traces");
	CHECK(sql_int(&srv, "SELECT reply_count FROM threads WHERE id = %lld", (long long)t) == 0,
	      "reply_count counts deleted replies");
	Reply r = get(&mo, pathf("/threads/%lld", (long long)t));
	CHECK(r.status == 200, "page: %ld", r.status);
	CHECK(!body_has(&r, "Mine to delete") && !body_has(&r, "Facilitator will delete"),
	      "deleted text still shown");
	char trace[160];
	snprintf(trace, sizeof trace, "<article class=\"post deleted\" id=\"post-%lld\">", (long long)p2);
	CHECK(body_has(&r, trace), "no trace where the post was");
	CHECK(body_has(&r, "was deleted by Fay Facilitator on <time"), "trace without who/when");
	CHECK(body_has(&r, "was deleted by Pia Participant on"), "own deletion trace");
	CHECK(body_has(&r, "was deleted by " ADMIN_NAME " on"), "admin deletion trace");
	reply_free(&r);
	CHECK(status_of(&pia, pathf("/posts/%lld/edit", (long long)p1)) == 409,
	      "a deleted post is editable");
	/* Association-wide board: only the author and admins delete. */
	int64_t w = start_thread(&mo, "/board", "All-board delete", "Opening", false);
	int64_t wp = reply_to(&pia, w, "A reply");
	CHECK(post_status(&fay, pathf("/posts/%lld/delete", (long long)wp)) == 403,
	      "a community facilitator deleted on the all board");
	CHECK(post_status(&admin, pathf("/posts/%lld/delete", (long long)wp)) == 303, "admin");
}

TEST(answers_marked_by_asker_or_facilitator_and_shown_first)
{
	int64_t t = start_thread(&pia, "/communities/disc-a/board", "Which screener?", "Ideas?", true);
	int64_t a1 = reply_to(&ana, t, "Try the short questionnaire.");
	int64_t a2 = reply_to(&fay, t, "Stagger it by grade.");
	const char *accept1 = pathf("/posts/%lld/accept", (long long)a1);
	CHECK(post_status(&mo, accept1) == 403, "a member marked the answer");
	CHECK(post_status(&otto, accept1) == 403, "another community's facilitator marked it");
	CHECK(post_status(&ana, accept1) == 403, "a replier marked their own answer");
	CHECK(sql_int(&srv, "SELECT answer_post_id IS NULL FROM threads WHERE id = %lld",
		      (long long)t) == 1, "answer set by a refusal");
	Reply r = post_as(&pia, accept1, NULL);
	CHECK(r.status == 303 && strstr(reply_location(&r), "notice=answer-marked"), "asker: %ld %s", r.status,
	      reply_location(&r));
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT answer_post_id FROM threads WHERE id = %lld", (long long)t) == a1,
	      "answer_post_id");
	CHECK(post_status(&fay, pathf("/posts/%lld/accept", (long long)a2)) == 303, "facilitator");
	CHECK(sql_int(&srv, "SELECT answer_post_id FROM threads WHERE id = %lld", (long long)t) == a2,
	      "the facilitator's choice");
	r = get(&mo, pathf("/threads/%lld", (long long)t));
	const char *answer = strstr(r.body, "<h2 id=\"h-answer\">Accepted answer</h2>");
	const char *replies = strstr(r.body, "id=\"h-replies\"");
	const char *opening = strstr(r.body, "Ideas?");
	CHECK(answer && replies && opening && opening < answer && answer < replies,
	      "the answer is not first under the question");
	CHECK(answer && strstr(answer, "Stagger it by grade.") &&
		      strstr(answer, "Stagger it by grade.") < replies,
	      "the answer section does not hold the answer");
	reply_free(&r);
	r = get(&mo, "/communities/disc-a/board");
	char *item = board_item(r.body, "Which screener?");
	CHECK(item && strstr(item, "<span class=\"badge badge-answered\">Answered</span>") &&
		      !strstr(item, "badge-question"),
	      "no Answered badge on the board");
	free(item);
	reply_free(&r);
	/* Not a reply of a question: refused. */
	CHECK(post_status(&pia, pathf("/posts/%lld/accept", (long long)first_post(t))) == 409,
	      "the question itself became the answer");
	int64_t d = start_thread(&pia, "/communities/disc-a/board", "Not a question", "Chat", false);
	int64_t dr = reply_to(&fay, d, "Sure");
	CHECK(post_status(&pia, pathf("/posts/%lld/accept", (long long)dr)) == 409,
	      "an answer on a discussion that is not a question");
	/* Unmarking; deleting the answer unmarks it too. */
	CHECK(post_status(&mo, pathf("/threads/%lld/unaccept", (long long)t)) == 403, "member unmarked");
	CHECK(post_status(&pia, pathf("/threads/%lld/unaccept", (long long)t)) == 303, "asker unmark");
	CHECK(sql_int(&srv, "SELECT answer_post_id IS NULL FROM threads WHERE id = %lld",
		      (long long)t) == 1, "still marked");
	CHECK(post_status(&pia, accept1) == 303, "re-mark");
	CHECK(post_status(&ana, pathf("/posts/%lld/delete", (long long)a1)) == 303, "delete answer");
	CHECK(sql_int(&srv, "SELECT answer_post_id IS NULL FROM threads WHERE id = %lld",
		      (long long)t) == 1, "a deleted reply stays the answer");
}

TEST(cross_posting_lists_the_thread_on_another_board_without_copying)
{
	int64_t t = start_thread(&pia, "/communities/disc-a/board", "Shared budget template",
				 "Here is ours.", false);
	int64_t threads = sql_int(&srv, "SELECT count(*) FROM threads");
	int64_t posts = sql_int(&srv, "SELECT count(*) FROM posts");
	const char *share = pathf("/threads/%lld/share", (long long)t);
	Reply r = post_as(&mo, share, "community", "disc-b", NULL);
	CHECK(r.status == 403, "a non-participant of B shared into it: %ld", r.status);
	reply_free(&r);
	r = post_as(&pia, share, "community", "disc-a", NULL);
	CHECK(r.status == 409, "shared into its own board: %ld", r.status);
	reply_free(&r);
	r = post_as(&pia, share, "community", "no-such", NULL);
	CHECK(r.status == 422, "unknown community: %ld", r.status);
	reply_free(&r);
	r = get(&pia, pathf("/threads/%lld", (long long)t));
	CHECK(body_has(&r, "<option value=\"disc-b\">"), "no share form offering B");
	reply_free(&r);
	r = post_as(&pia, share, "community", "disc-b", NULL);
	CHECK(r.status == 303 && strstr(reply_location(&r), "notice=thread-shared"), "share: %ld %s", r.status,
	      reply_location(&r));
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM thread_shares WHERE thread_id = %lld AND "
			    "community_id = %lld AND shared_by = %lld", (long long)t,
		      (long long)comm_b, (long long)pia.id) == 1, "no share row");
	CHECK(sql_int(&srv, "SELECT count(*) FROM threads") == threads &&
		      sql_int(&srv, "SELECT count(*) FROM posts") == posts,
	      "sharing copied rows");
	r = post_as(&pia, share, "community", "disc-b", NULL);
	CHECK(r.status == 303 && strstr(reply_location(&r), "notice=already-shared"), "again: %ld %s", r.status,
	      reply_location(&r));
	reply_free(&r);
	r = get(&mo, "/communities/disc-b/board");
	const char *item = strstr(r.body, pathf("href=\"/threads/%lld\"", (long long)t));
	CHECK(item && strstr(item, "shared from <a href=\"/communities/disc-a/board\">"),
	      "not listed on B's board as shared");
	reply_free(&r);
	/* B's facilitator, not in A, may now reply: the conversation is one. */
	int64_t p = reply_to(&otto, t, "We use the same one in B.");
	CHECK(sql_int(&srv, "SELECT thread_id FROM posts WHERE id = %lld", (long long)p) == t,
	      "reply not in the same thread");
	r = get(&fay, pathf("/threads/%lld", (long long)t));
	CHECK(body_has(&r, "We use the same one in B.") &&
		      body_has(&r, "Also on the board of: <a href=\"/communities/disc-b/board\">"),
	      "the home page of the thread does not show the share");
	reply_free(&r);
	/* Newest activity moves it up on both boards. */
	CHECK(sql_int(&srv, "SELECT s.last_post_at = t.last_post_at FROM thread_shares s JOIN threads "
			    "t ON t.id = s.thread_id WHERE t.id = %lld", (long long)t) == 1,
	      "the share's order is stale");
	/* Taking it off: someone else may not; who shared it may. */
	int64_t sid = sql_int(&srv, "SELECT id FROM thread_shares WHERE thread_id = %lld",
			      (long long)t);
	CHECK(post_status(&mo, pathf("/threads/%lld/shares/%lld/remove", (long long)t,
				     (long long)sid)) == 403, "a member removed a share");
	CHECK(post_status(&pia, pathf("/threads/%lld/shares/%lld/remove", (long long)t,
				      (long long)sid)) == 303, "the sharer could not remove it");
	CHECK(sql_int(&srv, "SELECT count(*) FROM thread_shares WHERE id = %lld", (long long)sid) == 0,
	      "share row left");
}

TEST(boards_paginate_newest_activity_first)
{
	CHECK(sql_exec(&srv, "INSERT INTO communities (slug, name, status, created_at) VALUES "
			     "('disc-pages', 'Pages', 'open', 0)"), "community");
	int64_t c = sql_int(&srv, "SELECT id FROM communities WHERE slug = 'disc-pages'");
	CHECK(bulk_threads(c, fay.id, "Paged", 65), "bulk insert");
	Reply r = get(&mo, "/communities/disc-pages/board");
	CHECK(r.status == 200 && count_of(r.body, "<li class=\"thread-item") == 30,
	      "page 1 has %d threads", count_of(r.body, "<li class=\"thread-item"));
	const char *p1 = strstr(r.body, ">Paged-1</a>"), *p2 = strstr(r.body, ">Paged-2</a>");
	CHECK(p1 && p2 && p1 < p2, "not newest first");
	CHECK(body_has(&r, "rel=\"next\" href=\"?page=2\""), "no link to older threads");
	CHECK(!body_has(&r, "rel=\"prev\""), "a newer link on page 1");
	reply_free(&r);
	r = get(&mo, "/communities/disc-pages/board?page=3");
	CHECK(count_of(r.body, "<li class=\"thread-item") == 5 && body_has(&r, ">Paged-65</a>") &&
		      body_has(&r, ">Paged-61</a>"),
	      "page 3");
	CHECK(body_has(&r, "rel=\"prev\" href=\"?page=2\"") && !body_has(&r, "rel=\"next\""),
	      "page 3 links");
	reply_free(&r);
	r = get(&mo, "/communities/disc-pages/board?page=99");
	CHECK(r.status == 200 && body_has(&r, "no discussions on this page"), "past the end");
	reply_free(&r);
	r = get(&mo, "/communities/disc-pages/board?page=-4");
	CHECK(r.status == 200 && count_of(r.body, "<li class=\"thread-item") == 30, "bad page");
	reply_free(&r);
	/* A reply brings an old thread to the top. */
	int64_t old = sql_int(&srv, "SELECT id FROM threads WHERE title = 'Paged-60'");
	reply_to(&admin, old, "Bump");
	r = get(&mo, "/communities/disc-pages/board");
	const char *first = strstr(r.body, "<li class=\"thread-item");
	CHECK(first && strstr(first, ">Paged-60</a>") &&
		      strstr(first, ">Paged-60</a>") < strstr(first, ">Paged-1</a>"),
	      "the bumped thread is not first");
	reply_free(&r);
}

TEST(long_threads_paginate_and_last_page_is_live)
{
	int64_t t = start_thread(&fay, "/communities/disc-a/board", "Long thread", "Start", false);
	CHECK(sql_exec(&srv, "WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE "
			     "n < 120) INSERT INTO posts (thread_id, author_id, body, created_at) "
			     "SELECT %lld, %lld, 'Reply number ' || n || '.', 2000000 + n FROM i",
		       (long long)t, (long long)pia.id),
	      "bulk replies");
	int64_t last = sql_int(&srv, "SELECT max(id) FROM posts WHERE thread_id = %lld", (long long)t);
	CHECK(sql_exec(&srv, "UPDATE threads SET reply_count = 120, last_post_id = %lld WHERE id = "
			     "%lld", (long long)last, (long long)t), "counts");
	Reply r = get(&mo, pathf("/threads/%lld", (long long)t));
	CHECK(count_of(r.body, "<article class=\"post") == 51, "page 1 has %d posts",
	      count_of(r.body, "<article class=\"post"));
	CHECK(body_has(&r, "Reply number 50.") && !body_has(&r, "Reply number 51."), "page 1 range");
	CHECK(body_has(&r, "Page 1 of 3"), "no page count");
	CHECK(!body_has(&r, "id=\"posts\""), "page 1 of 3 marked live");
	reply_free(&r);
	r = get(&mo, pathf("/threads/%lld?page=3", (long long)t));
	CHECK(count_of(r.body, "<article class=\"post") == 20 && body_has(&r, "Reply number 101.") &&
		      body_has(&r, "Reply number 120."),
	      "page 3");
	char live[300];
	snprintf(live, sizeof live, "<div id=\"posts\" class=\"posts\" data-events=\"/threads/%lld/"
				    "events\" data-fragment=\"/threads/%lld/replies\" data-after=\"%lld\">",
		 (long long)t, (long long)t, (long long)last);
	CHECK(body_has(&r, live), "the last page is not marked for live updates");
	CHECK(body_has(&r, "<script src=\"/static/live.") && body_has(&r, ".js\" defer></script>"),
	      "no live.js");
	CHECK(!body_has(&r, "<script>"), "an inline script");
	reply_free(&r);
	/* A permalink finds the right page. */
	int64_t p75 = sql_int(&srv, "SELECT id FROM posts WHERE body = 'Reply number 75.' AND "
				    "thread_id = %lld", (long long)t);
	r = get(&mo, pathf("/posts/%lld", (long long)p75));
	char want[96];
	snprintf(want, sizeof want, "/threads/%lld?page=2#post-%lld", (long long)t, (long long)p75);
	CHECK(reply_is(&r, 303, want), "permalink: %ld %s", r.status, reply_location(&r));
	reply_free(&r);
	/* Replying redirects to the last page, at the reply. */
	r = post_as(&pia, pathf("/threads/%lld/replies", (long long)t), "body", "Number 121", NULL);
	CHECK(r.status == 303 && strstr(reply_location(&r), "?page=3#post-"), "reply redirect %s", reply_location(&r));
	reply_free(&r);
}

TEST(reply_fragment_renders_only_newer_posts_without_layout)
{
	int64_t t = start_thread(&fay, "/communities/disc-a/board", "Fragment", "Start", false);
	int64_t a = reply_to(&pia, t, "Alpha reply");
	int64_t b = reply_to(&ana, t, "Beta *reply*");
	Reply r = get(&mo, pathf("/threads/%lld/replies?after=%lld", (long long)t, (long long)a));
	CHECK(r.status == 200, "fragment: %ld", r.status);
	const char *ct = reply_header(&r, "Content-Type");
	CHECK(ct && !strncmp(ct, "text/html", 9), "type %s", ct ? ct : "-");
	CHECK(!body_has(&r, "<html") && !body_has(&r, "<header class=\"site-header"), "has a layout");
	CHECK(!body_has(&r, "Alpha reply") && body_has(&r, "Beta <em>reply</em>"), "wrong posts");
	CHECK(body_has(&r, pathf("<article class=\"post unread\" id=\"post-%lld\"", (long long)b)),
	      "not the page's markup");
	reply_free(&r);
	/* The same article as on the page (apart from the New marker, gone once read). */
	Reply page = get(&fay, pathf("/threads/%lld", (long long)t));
	Reply frag = get(&fay, pathf("/threads/%lld/replies?after=%lld", (long long)t, (long long)a));
	const char *id_attr = pathf("id=\"post-%lld\"", (long long)b);
	const char *in_page = strstr(page.body, id_attr), *in_frag = strstr(frag.body, id_attr);
	const char *page_end = in_page ? strstr(in_page, "</article>") : NULL;
	const char *frag_end = in_frag ? strstr(in_frag, "</article>") : NULL;
	CHECK(page_end && frag_end && page_end - in_page > frag_end - in_frag - 80 &&
		      strstr(in_frag, "Beta <em>reply</em></p>") &&
		      !strncmp(strstr(in_page, "<div class=\"prose\">"),
			       strstr(in_frag, "<div class=\"prose\">"),
			       (size_t)(frag_end - strstr(in_frag, "<div class=\"prose\">"))),
	      "fragment differs from the page's rendering");
	reply_free(&page);
	reply_free(&frag);
	r = get(&mo, pathf("/threads/%lld/replies?after=%lld", (long long)t, (long long)b));
	CHECK(r.status == 200 && r.body_len == 0, "nothing newer: %zu bytes", r.body_len);
	reply_free(&r);
	r = get(&pat, pathf("/threads/%lld/replies", (long long)t));
	CHECK(r.status == 200, "a member of another community reads an open thread: %ld", r.status);
	reply_free(&r);
}

TEST(unread_markers_follow_what_the_member_has_seen)
{
	int64_t t = start_thread(&pia, "/communities/disc-a/board", "Unread check", "Hello", false);
	Reply r = get(&fay, "/communities/disc-a/board");
	CHECK(item_unread(r.body, "Unread check"), "a new thread is not unread for others");
	reply_free(&r);
	r = get(&pia, "/communities/disc-a/board");
	char *item = board_item(r.body, "Unread check");
	CHECK(item && !item_unread(r.body, "Unread check"), "the author sees their thread unread");
	free(item);
	reply_free(&r);
	CHECK(status_of(&fay, pathf("/threads/%lld", (long long)t)) == 200, "read it");
	CHECK(sql_int(&srv, "SELECT last_read_post_id FROM thread_reads WHERE user_id = %lld AND "
			    "thread_id = %lld", (long long)fay.id, (long long)t) == first_post(t),
	      "thread_reads not recorded");
	r = get(&fay, "/communities/disc-a/board");
	CHECK(!item_unread(r.body, "Unread check"), "still unread after reading");
	reply_free(&r);
	int64_t p = reply_to(&pia, t, "Something new");
	r = get(&fay, "/communities/disc-a/board");
	CHECK(item_unread(r.body, "Unread check"), "a new reply does not mark it unread");
	reply_free(&r);
	r = get(&fay, pathf("/threads/%lld", (long long)t));
	CHECK(body_has(&r, pathf("<article class=\"post unread\" id=\"post-%lld\"", (long long)p)),
	      "the new reply is not marked on the thread page");
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT last_read_post_id FROM thread_reads WHERE user_id = %lld AND "
			    "thread_id = %lld", (long long)fay.id, (long long)t) == p, "marker");
}

TEST(mentions_link_and_notify_those_who_may_read)
{
	int64_t before = sql_int(&srv, "SELECT count(*) FROM notifications WHERE user_id = %lld AND "
				       "kind = 'mention'", (long long)ana.id);
	int64_t t = start_thread(&pia, "/communities/disc-a/board", "Mentions",
				 "Thanks @Ana Ruiz, and again @ana ruiz. Not `@Ana Ruiz` in code; "
				 "not mail@Ana Ruiz. Ambiguous @Sam Lee. By email @otto. Name with "
				 "markup: @Bob & Co.", false);
	int64_t first = first_post(t);
	CHECK(sql_int(&srv, "SELECT count(*) FROM post_mentions WHERE post_id = %lld AND user_id = "
			    "%lld", (long long)first, (long long)ana.id) == 1, "Ana not recorded");
	CHECK(sql_int(&srv, "SELECT count(*) FROM post_mentions WHERE post_id = %lld AND user_id IN "
			    "(%lld, %lld)", (long long)first, (long long)sam1, (long long)sam2) == 0,
	      "an ambiguous name matched");
	CHECK(sql_int(&srv, "SELECT count(*) FROM post_mentions WHERE post_id = %lld",
		      (long long)first) == 3, "mentions: %lld", (long long)sql_int(&srv,
		      "SELECT count(*) FROM post_mentions WHERE post_id = %lld", (long long)first));
	CHECK(sql_int(&srv, "SELECT count(*) FROM notifications WHERE user_id = %lld AND kind = "
			    "'mention'", (long long)ana.id) == before + 1,
	      "Ana not notified exactly once");
	char *text = sql_text(&srv, "SELECT text || '|' || link FROM notifications WHERE user_id = "
				    "%lld AND kind = 'mention' ORDER BY id DESC LIMIT 1",
			      (long long)ana.id);
	char want[160];
	snprintf(want, sizeof want, "Pia Participant mentioned you in \u201cMentions\u201d|/posts/%lld",
		 (long long)first);
	CHECK_STR(text, want);
	free(text);
	Reply r = get(&mo, pathf("/threads/%lld", (long long)t));
	char link[128];
	snprintf(link, sizeof link, "<a class=\"mention\" href=\"/members/%lld\">@Ana Ruiz</a>",
		 (long long)ana.id);
	CHECK(body_has(&r, link), "no mention link");
	snprintf(link, sizeof link, "<a class=\"mention\" href=\"/members/%lld\">@ana ruiz</a>",
		 (long long)ana.id);
	CHECK(body_has(&r, link), "case-insensitive mention not linked as written");
	CHECK(body_has(&r, "<code>@Ana Ruiz</code>"), "a mention inside code was linked");
	CHECK(body_has(&r, "mail@Ana Ruiz"), "an address-like @ was linked");
	CHECK(body_has(&r, "Ambiguous @Sam Lee."), "an ambiguous name was linked");
	snprintf(link, sizeof link, "<a class=\"mention\" href=\"/members/%lld\">@otto</a>",
		 (long long)otto.id);
	CHECK(body_has(&r, link), "email local part mention");
	snprintf(link, sizeof link, "<a class=\"mention\" href=\"/members/%lld\">@Bob &amp; Co</a>",
		 (long long)bob);
	CHECK(body_has(&r, link), "a name with & not escaped in its link");
	reply_free(&r);
	/* The profile a mention links to. */
	r = get(&mo, pathf("/members/%lld", (long long)ana.id));
	CHECK(r.status == 200 && body_has(&r, "<h1>Ana Ruiz</h1>") && body_has(&r, SCHOOL),
	      "profile: %ld", r.status);
	CHECK(!body_has(&r, "ana.ruiz@northfield.org"), "the profile shows the email");
	reply_free(&r);
	CHECK(status_of(&mo, "/members/999999") == 404, "unknown member");
	/* An edit notifies only the newly mentioned. */
	int64_t otto_before = sql_int(&srv, "SELECT count(*) FROM notifications WHERE user_id = "
					    "%lld AND kind = 'mention'", (long long)otto.id);
	r = post_as(&pia, pathf("/posts/%lld/edit", (long long)first), "title", "Mentions",
		    "body", "Thanks @Ana Ruiz and @Fay Facilitator. @otto", NULL);
	CHECK(r.status == 303, "edit: %ld", r.status);
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM notifications WHERE user_id = %lld AND kind = "
			    "'mention'", (long long)ana.id) == before + 1, "Ana notified again");
	CHECK(sql_int(&srv, "SELECT count(*) FROM notifications WHERE user_id = %lld AND kind = "
			    "'mention'", (long long)otto.id) == otto_before, "Otto notified again");
	CHECK(sql_int(&srv, "SELECT count(*) FROM notifications WHERE user_id = %lld AND kind = "
			    "'mention' AND link = '/posts/%lld'", (long long)fay.id,
		      (long long)first) == 1, "Fay not notified of her new mention");
	/* Someone who may not read a private thread is not told about it. */
	int64_t pt = start_thread(&pat, "/communities/disc-p/board", "Private plans",
				  "@Mo Member should not hear of this", false);
	CHECK(pt > 0, "private thread");
	CHECK(sql_int(&srv, "SELECT count(*) FROM notifications WHERE user_id = %lld AND link = "
			    "'/posts/%lld'", (long long)mo.id, (long long)first_post(pt)) == 0,
	      "an outsider was notified of a private thread");
}

TEST(replies_notify_followers_except_the_author)
{
	int64_t t = start_thread(&fay, "/communities/disc-a/board", "Follow me", "Start", false);
	CHECK(sql_int(&srv, "SELECT following FROM thread_follows WHERE thread_id = %lld AND user_id "
			    "= %lld", (long long)t, (long long)fay.id) == 1, "author not following");
	int64_t p = reply_to(&pia, t, "First reply");
	CHECK(sql_int(&srv, "SELECT count(*) FROM notifications WHERE user_id = %lld AND kind = "
			    "'reply' AND link = '/posts/%lld'", (long long)fay.id, (long long)p) == 1,
	      "the follower was not notified");
	CHECK(sql_int(&srv, "SELECT count(*) FROM notifications WHERE user_id = %lld AND link = "
			    "'/posts/%lld'", (long long)pia.id, (long long)p) == 0,
	      "the author was notified of their own reply");
	CHECK(sql_int(&srv, "SELECT following FROM thread_follows WHERE thread_id = %lld AND user_id "
			    "= %lld", (long long)t, (long long)pia.id) == 1, "replier not following");
	Reply r = get(&pia, pathf("/threads/%lld", (long long)t));
	CHECK(body_has(&r, pathf("action=\"/threads/%lld/unfollow\"", (long long)t)),
	      "no unfollow button for a follower");
	reply_free(&r);
	r = get(&mo, pathf("/threads/%lld", (long long)t));
	CHECK(body_has(&r, pathf("action=\"/threads/%lld/follow\"", (long long)t)),
	      "no follow button for a reader");
	reply_free(&r);
}

TEST(private_community_threads_are_hidden_from_outsiders)
{
	int64_t t = start_thread(&pat, "/communities/disc-p/board", "Confidential budget",
				 "Numbers here", true);
	int64_t p = reply_to(&pat, t, "More numbers");
	const char *paths[] = {pathf("/threads/%lld", (long long)t),
			       pathf("/threads/%lld/replies", (long long)t),
			       pathf("/posts/%lld", (long long)p),
			       pathf("/posts/%lld/edit", (long long)p)};
	for (size_t i = 0; i < 4; i++) {
		Reply r = get(&mo, paths[i]);
		CHECK(r.status == 404 && !body_has(&r, "Confidential"), "%s for an outsider: %ld",
		      paths[i], r.status);
		reply_free(&r);
		CHECK(status_of(&fay, paths[i]) == 404, "%s for another facilitator", paths[i]);
	}
	CHECK(status_of(&pat, paths[0]) == 200 && status_of(&admin, paths[0]) == 200,
	      "members of it or admins cannot read");
	CHECK(post_status(&mo, pathf("/posts/%lld/delete", (long long)p)) == 404, "delete");
	Reply r = post_as(&mo, pathf("/threads/%lld/replies", (long long)t), "body", "x", NULL);
	CHECK(r.status == 404, "reply: %ld", r.status);
	reply_free(&r);
	r = get(&mo, "/communities/disc-p/board");
	CHECK(r.status == 403 && !body_has(&r, "Confidential"), "board: %ld", r.status);
	reply_free(&r);
	r = get(&mo, "/communities/disc-p");
	CHECK(r.status == 200 && !body_has(&r, "Confidential") && body_has(&r, "This community is "
									  "private"),
	      "community home: %ld", r.status);
	reply_free(&r);
	r = get(&mo, "/home");
	CHECK(r.status == 200 && !body_has(&r, "Confidential"), "member home lists it");
	reply_free(&r);
	r = get(&admin, "/home");
	CHECK(body_has(&r, "Confidential budget"), "admin home does not list it");
	reply_free(&r);
	r = get(&mo, pathf("/members/%lld", (long long)pat.id));
	CHECK(r.status == 200 && !body_has(&r, "Confidential"), "profile lists a private post");
	reply_free(&r);
	r = get(&pat, "/communities/disc-p/board");
	CHECK(r.status == 200 && body_has(&r, "Confidential budget"), "own board");
	reply_free(&r);
	/* Private threads are not shared out. */
	r = post_as(&pat, pathf("/threads/%lld/share", (long long)t), "community", "disc-a", NULL);
	CHECK(r.status == 409, "shared out of a private community: %ld", r.status);
	reply_free(&r);
}

TEST(facilitators_switch_visibility_and_it_takes_effect)
{
	int64_t t = start_thread(&fay, "/communities/disc-a/board", "Soon private", "Hi", false);
	Reply r = get(&fay, "/communities/disc-a/edit");
	CHECK(body_has(&r, "<label for=\"f-visibility\">"), "no visibility field");
	reply_free(&r);
	r = post_as(&fay, "/communities/disc-a/edit", "visibility", "secret", NULL);
	CHECK(r.status == 422, "bad value: %ld", r.status);
	reply_free(&r);
	r = post_as(&fay, "/communities/disc-a/edit", "visibility", "private", NULL);
	CHECK(r.status == 303, "save: %ld %s", r.status, r.body);
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT visibility = 'private' FROM communities WHERE id = %lld",
		      (long long)comm_a) == 1, "not private");
	CHECK(status_of(&mo, pathf("/threads/%lld", (long long)t)) == 404, "outsider still reads");
	CHECK(status_of(&pia, pathf("/threads/%lld", (long long)t)) == 200, "participant locked out");
	/* Saving without the field keeps it as it is. */
	r = post_as(&fay, "/communities/disc-a/edit", "audience", "Special educators", NULL);
	CHECK(r.status == 303, "save: %ld", r.status);
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT visibility = 'private' FROM communities WHERE id = %lld",
		      (long long)comm_a) == 1, "an edit without the field made it open");
	r = post_as(&fay, "/communities/disc-a/edit", "visibility", "open", NULL);
	reply_free(&r);
	CHECK(status_of(&mo, pathf("/threads/%lld", (long long)t)) == 200, "open again, still hidden");
}

TEST(hostile_markdown_never_reaches_the_page)
{
	const char *body =
		"<script>alert('x')</script>\n\n"
		"[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) "
		"[vb](vbscript:msgbox) <img src=x onerror=alert(2)> "
		"<a href=\"javascript:alert(3)\">raw</a>\n\n"
		"![img](javascript:alert(4))\n\n"
		"<iframe src=\"https://evil.example\"></iframe>\n\n"
		"<div onmouseover=\"alert(5)\">hover</div>\n";
	int64_t t = start_thread(&mo, "/board", "<script>alert('title')</script>", body, false);
	Reply r = get(&pia, pathf("/threads/%lld", (long long)t));
	CHECK(r.status == 200, "page: %ld", r.status);
	CHECK(!body_has(&r, "<script>alert") && !body_has(&r, "javascript:") &&
		      !body_has(&r, "vbscript:") && !body_has(&r, "data:text/html") &&
		      !body_has(&r, "onerror=") && !body_has(&r, "<iframe") &&
		      !body_has(&r, "onmouseover="),
	      "hostile markup on the page");
	CHECK(body_has(&r, "&lt;script&gt;alert('title')&lt;/script&gt;") ||
		      body_has(&r, "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;") ||
		      body_has(&r, "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;"),
	      "the title is not shown escaped");
	reply_free(&r);
	r = get(&pia, "/board");
	CHECK(!body_has(&r, "<script>alert"), "title unescaped on the board");
	reply_free(&r);
	/* A member whose name holds markup. */
	int64_t et = start_thread(&pia, "/board", "Names", "Hi @Eve", false);
	CHECK(sql_exec(&srv, "UPDATE posts SET author_id = %lld WHERE id = %lld", (long long)eve,
		       (long long)first_post(et)), "author");
	r = get(&pia, pathf("/threads/%lld", (long long)et));
	CHECK(!body_has(&r, "<b>Bold</b>") && body_has(&r, "Eve &lt;b&gt;Bold&lt;/b&gt;"),
	      "a name's markup reached the page");
	reply_free(&r);
	/* A flood of mentions costs a bounded number of look-ups and notifies once. */
	char *flood = malloc(19001);
	for (int i = 0; i < 1900; i++)
		memcpy(flood + 10 * i, "@Ana Ruiz ", 10);
	flood[19000] = '\0';
	int64_t notes = sql_int(&srv, "SELECT count(*) FROM notifications WHERE user_id = %lld",
				(long long)ana.id);
	int64_t ft = start_thread(&mo, "/board", "Flood", flood, false);
	free(flood);
	r = get(&pia, pathf("/threads/%lld", (long long)ft));
	int links = count_of(r.body, "class=\"mention\"");
	CHECK(r.status == 200 && links > 0 && links <= 60, "%d mention links", links);
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM notifications WHERE user_id = %lld",
		      (long long)ana.id) == notes + 1, "not notified exactly once");
	/* Deep nesting and pathological input: answered quickly, no error. */
	size_t n = 15000;
	char *deep = malloc(3 * n + 16);
	size_t o = 0;
	for (size_t i = 0; i < n / 2; i++)
		deep[o++] = '>';
	deep[o++] = ' ';
	for (size_t i = 0; i < n / 4; i++)
		deep[o++] = '[';
	for (size_t i = 0; i < n / 4; i++)
		deep[o++] = '*';
	deep[o++] = '\n';
	for (size_t i = 0; i < 900; i++)
		o += (size_t)sprintf(deep + o, "- ");
	strcpy(deep + o, "x\n");
	double t0 = now_seconds();
	int64_t dt = start_thread(&mo, "/board", "Deep", deep, false);
	r = get(&pia, pathf("/threads/%lld", (long long)dt));
	double took = now_seconds() - t0;
	CHECK(r.status == 200 && body_has(&r, "</html>"), "deep nesting: %ld", r.status);
	CHECK(took < 5.0, "deep nesting took %.1f s", took);
	reply_free(&r);
	free(deep);
}

TEST(board_stays_fast_at_50000_threads)
{
	CHECK(sql_exec(&srv, "INSERT INTO communities (slug, name, status, created_at) VALUES "
			     "('disc-big', 'Big', 'open', 0)"), "community");
	int64_t c = sql_int(&srv, "SELECT id FROM communities WHERE slug = 'disc-big'");
	CHECK(sql_exec(&srv, "WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE "
			     "n < 50000) INSERT INTO threads (community_id, author_id, title, "
			     "created_at, last_post_at) SELECT CASE WHEN n %% 2 THEN %lld END, %lld, "
			     "'Big-' || n, 3000000 - n, 3000000 - n FROM i",
		       (long long)c, (long long)fay.id),
	      "50,000 threads");
	CHECK(sql_exec(&srv, "ANALYZE"), "analyze");
	const char *pages[] = {"/communities/disc-big/board", "/communities/disc-big/board?page=833",
			       "/board", "/board?page=833", "/home"};
	for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
		double t0 = now_seconds();
		Reply r = get(&mo, pages[i]);
		double ms = (now_seconds() - t0) * 1000;
		CHECK(r.status == 200 && count_of(r.body, "<li class=\"thread-item") >= 5, "%s: %ld",
		      pages[i], r.status);
		CHECK(ms < 1000, "%s took %.0f ms", pages[i], ms);
		fprintf(stderr, "    %s: %.1f ms (ASan build)\n", pages[i], ms);
		reply_free(&r);
	}
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
	if (!(sam1 = add_user(&srv, "sam1@northfield.org", "Sam Lee", SCHOOL, MEMBER_PASSWORD)) ||
	    !(sam2 = add_user(&srv, "sam2@northfield.org", "Sam Lee", SCHOOL, MEMBER_PASSWORD)) ||
	    !(bob = add_user(&srv, "bob@northfield.org", "Bob & Co", SCHOOL, MEMBER_PASSWORD)) ||
	    !(eve = add_user(&srv, "eve@northfield.org", "Eve <b>Bold</b>", SCHOOL, MEMBER_PASSWORD)))
		return false;
	comm_a = add_community(&srv, "disc-a", "Special Education A", "open", "open");
	comm_b = add_community(&srv, "disc-b", "Nurses B", "open", "open");
	comm_p = add_community(&srv, "disc-p", "Superintendents P", "active", "private");
	return comm_a && comm_b && comm_p && add_facilitator(&srv, comm_a, fay.id) &&
	       add_facilitator(&srv, comm_b, otto.id) &&
	       add_membership(&srv, comm_a, pia.id, "participant") &&
	       add_membership(&srv, comm_b, pia.id, "participant") &&
	       add_membership(&srv, comm_p, pat.id, "participant") &&
	       add_membership(&srv, comm_a, ana.id, "participant") && server_start(&srv) &&
	       people_sign_in(&srv, people, COUNT_OF(people), "/board/new");
}

SUITE_MAIN(setup, &srv, people, any_member_posts_on_the_all_communities_board,
	community_board_posting_is_for_participants_reading_for_all,
	empty_and_oversized_posts_refused_without_rows,
	editing_shows_edited_and_only_the_author_may,
	deleting_leaves_a_trace_and_follows_the_rules,
	answers_marked_by_asker_or_facilitator_and_shown_first,
	cross_posting_lists_the_thread_on_another_board_without_copying,
	boards_paginate_newest_activity_first, long_threads_paginate_and_last_page_is_live,
	reply_fragment_renders_only_newer_posts_without_layout,
	unread_markers_follow_what_the_member_has_seen,
	mentions_link_and_notify_those_who_may_read, replies_notify_followers_except_the_author,
	private_community_threads_are_hidden_from_outsiders,
	facilitators_switch_visibility_and_it_takes_effect,
	hostile_markdown_never_reaches_the_page, board_stays_fast_at_50000_threads, stops_cleanly)
