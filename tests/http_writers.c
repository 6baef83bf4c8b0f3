/* State-changing requests run on writer threads (src/writers.c): a POST's commit waits for the
 * disk, and page views must not wait with it. The server runs with one worker thread, so
 * before writer threads a reply being synced held up every other connection; the fault file's
 * "slow-sync" (src/faults.c) makes each sync take 1.5 s longer, long enough to tell. Also: the
 * POST is still answered, saved and durable; many POSTs at once are all saved; a server asked
 * to stop with a POST in its writer thread finishes it first. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define SCHOOL "Hillcrest Charter"

static Server srv;
static Person ana = {"ana@hillcrest.org", "Ana Writer"};
static Person ben = {"ben@hillcrest.org", "Ben Reader"};
static Person *const people[] = {&ana, &ben};
static char fault_file[400];
static int64_t thread_id;

static bool write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	bool ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok;
}

/* A reply posted from a thread of the test: its status and when it came back. */
typedef struct {
	Person *p;
	const char *body;
	long status;
	double done_at;
} Posting;

static void *post_reply(void *arg)
{
	Posting *w = arg;
	char path[64];
	snprintf(path, sizeof path, "/threads/%lld/replies", (long long)thread_id);
	Reply r = post_as(w->p, path, "body", w->body, NULL);
	w->status = r.status;
	w->done_at = now_seconds();
	reply_free(&r);
	return NULL;
}

TEST(a_page_view_does_not_wait_for_a_slow_sync)
{
	CHECK(write_text(fault_file, "slow-sync"), "cannot write the fault file");
	Posting w = {&ana, "Reply written while the disk is slow", 0, 0};
	pthread_t t;
	double start = now_seconds();
	pthread_create(&t, NULL, post_reply, &w);
	usleep(300 * 1000); /* the reply is in its commit's sync by now */
	Reply r = client_get(ben.c, "/home");
	double viewed_at = now_seconds();
	CHECK(r.status == 200, "GET /home during the slow sync: %ld", r.status);
	reply_free(&r);
	pthread_join(t, NULL);
	unlink(fault_file);
	CHECK(w.status == 303, "the reply: %ld", w.status);
	CHECK(w.done_at - start >= 1.5, "the reply took %.2f s: the slow sync did not happen",
	      w.done_at - start);
	CHECK(viewed_at < w.done_at, "the page view came back %.2f s after the start, the reply "
				     "at %.2f s: the view waited for the reply's sync",
	      viewed_at - start, w.done_at - start);
	CHECK(sql_int(&srv, "SELECT count(*) FROM posts WHERE body = "
			    "'Reply written while the disk is slow'") == 1,
	      "the reply is not saved");
}

TEST(many_replies_at_once_are_all_saved)
{
	enum { N = 12 };
	Posting w[N];
	pthread_t t[N];
	char bodies[N][64];
	for (int i = 0; i < N; i++) {
		snprintf(bodies[i], sizeof bodies[i], "Concurrent reply number %d", i);
		w[i] = (Posting){i % 2 ? &ana : &ben, bodies[i], 0, 0};
	}
	/* Each Person's client is used by one thread at a time: two waves. */
	for (int wave = 0; wave < N / 2; wave++) {
		for (int j = 0; j < 2; j++)
			pthread_create(&t[wave * 2 + j], NULL, post_reply, &w[wave * 2 + j]);
		for (int j = 0; j < 2; j++)
			pthread_join(t[wave * 2 + j], NULL);
	}
	for (int i = 0; i < N; i++)
		CHECK(w[i].status == 303, "reply %d: %ld", i, w[i].status);
	CHECK(sql_int(&srv, "SELECT count(*) FROM posts WHERE body LIKE 'Concurrent reply number %%'") ==
		      N,
	      "not every reply was saved");
}

TEST(a_refused_post_is_still_answered)
{
	char path[64];
	snprintf(path, sizeof path, "/threads/%lld/replies", (long long)thread_id);
	Reply r = client_post_fields(ana.c, "not-the-token", path, "body", "No token", NULL);
	CHECK(r.status == 403, "a POST with a wrong CSRF token: %ld", r.status);
	reply_free(&r);
	r = post_as(&ana, path, "body", "", NULL);
	CHECK(r.status == 422 || r.status == 400, "an empty reply: %ld", r.status);
	reply_free(&r);
}

typedef struct {
	Server *s;
	int status;
} Stop;

static void *stop_server(void *arg)
{
	Stop *stop = arg;
	stop->status = server_stop(stop->s);
	return NULL;
}

TEST(stopping_finishes_the_post_in_its_writer_thread)
{
	CHECK(write_text(fault_file, "slow-sync"), "cannot write the fault file");
	Posting w = {&ana, "Reply in flight at the stop", 0, 0};
	pthread_t t;
	pthread_create(&t, NULL, post_reply, &w);
	usleep(300 * 1000);
	people_free(&people[1], 1); /* Ben's connection closed: only Ana's reply keeps one open */
	/* The client posting keeps its connection until its answer; the stop waits for it. */
	Stop stop = {&srv, -2};
	pthread_t stopper;
	pthread_create(&stopper, NULL, stop_server, &stop);
	pthread_join(t, NULL);
	pthread_join(stopper, NULL);
	unlink(fault_file);
	CHECK(w.status == 303, "the reply in flight: %ld", w.status);
	CHECK(stop.status == 0, "the server's exit status: %d", stop.status);
	CHECK(sql_int(&srv, "SELECT count(*) FROM posts WHERE body = 'Reply in flight at the stop'") ==
		      1,
	      "the reply in flight is not saved");
	CHECK(server_log_clean(&srv, "database error", NULL), "the server log shows a problem");
}

static bool setup(void)
{
	snprintf(fault_file, sizeof fault_file, "%s/fault", srv.dir);
	snprintf(srv.config, sizeof srv.config, "%s/practica.conf", srv.dir);
	char conf[600];
	snprintf(conf, sizeof conf, "threads = 1\nfault-injection-file = %s\n", fault_file);
	if (!(write_text(srv.config, conf) && add_school(&srv, SCHOOL, "active") &&
	      people_add(&srv, people, COUNT_OF(people), SCHOOL) && server_start(&srv) &&
	      people_sign_in(&srv, people, COUNT_OF(people), "/home")))
		return false;
	thread_id = start_thread(&ana, "/board", "Writers and readers", "A thread to reply to.",
				 false);
	return thread_id > 0;
}

static bool init_then_setup(void)
{
	return server_init(&srv) && setup();
}

SUITE_MAIN(init_then_setup, &srv, people, a_page_view_does_not_wait_for_a_slow_sync,
	   many_replies_at_once_are_all_saved, a_refused_post_is_still_answered,
	   stopping_finishes_the_post_in_its_writer_thread)
