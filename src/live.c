/* Live updates by Server-Sent Events (see live.h): GET /threads/:id/events and the listeners it
 * registers. Each listener is a parked stream (resp_stream in http.c) on a topic, the thread it
 * watches; live_thread_changed() records the thread's newest post id and wakes the topic's
 * listeners, whose fill() writes one event each:
 *
 *     id: 42          (the newest post id: the browser sends it back as Last-Event-ID)
 *     data: 42
 *
 * A heartbeat thread wakes every listener every HEARTBEAT_SECONDS to send a comment line,
 * which keeps proxies from closing quiet connections and finds clients that went away.
 *
 * Boards are topics too (GET /board/events, /communities/:slug/board/events): their key is
 * negative (-1 - community id; -1 is the all-communities board) and their "newest" is the
 * newest thread id of the whole site, so a board page that shows fewer knows to refresh. */
#include "live.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "communities.h"
#include "discussions.h"
#include "handlers.h"
#include "validate.h"

#define HEARTBEAT_SECONDS 25
#define RETRY_MS 5000 /* how long a browser waits before reconnecting */
#define BUCKETS 256   /* topics by thread id */

typedef struct Listener Listener;

typedef struct Topic {
	struct Topic *next; /* in its bucket */
	int64_t thread_id;  /* the topic's key: a thread id, or a board's negative key */
	int64_t newest;     /* newest post id known (boards: newest thread id) */
	uint64_t changes;   /* live_thread_changed() calls so far */
	Listener *listeners;
} Topic;

struct Listener {
	Listener *prev, *next; /* in the topic */
	Topic *topic;
	Stream *stream;
	int64_t told;          /* the newest post id this client knows of */
	uint64_t seen_changes; /* the topic's changes when it was last told */
	bool heartbeat_due;
	char out[128];         /* written but not yet taken by fill() */
	size_t out_len, out_off;
};

/* Held briefly by handlers, live_thread_changed(), fill() on workers and the heartbeat. Never
 * held while calling into the database; stream_wake() only touches the stream. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Topic *topics[BUCKETS];
static pthread_once_t heartbeat_once = PTHREAD_ONCE_INIT;

static Topic **bucket(int64_t thread_id)
{
	return &topics[(uint64_t)thread_id % BUCKETS];
}

static Topic *find_topic(int64_t thread_id)
{
	for (Topic *t = *bucket(thread_id); t; t = t->next)
		if (t->thread_id == thread_id)
			return t;
	return NULL;
}

static void *heartbeat(void *unused)
{
	for (;;) {
		struct timespec ts = {HEARTBEAT_SECONDS, 0};
		while (nanosleep(&ts, &ts) != 0)
			;
		pthread_mutex_lock(&lock);
		for (int b = 0; b < BUCKETS; b++)
			for (Topic *t = topics[b]; t; t = t->next)
				for (Listener *l = t->listeners; l; l = l->next) {
					l->heartbeat_due = true;
					stream_wake(l->stream);
				}
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void start_heartbeat(void)
{
	pthread_t tid;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* It lives as long as the process; signals stay with the thread that sigwait()s. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&tid, &attr, heartbeat, NULL) != 0)
		fputs("practica: live: cannot start the heartbeat thread\n", stderr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
}

/* The listener's next output (one event or comment at a time: it always fits). */
static void say(Listener *l, int n)
{
	l->out_off = 0;
	l->out_len = n > 0 && (size_t)n < sizeof l->out ? (size_t)n : 0;
}

static size_t listener_fill(void *ctx, char *buf, size_t max)
{
	Listener *l = ctx;
	pthread_mutex_lock(&lock);
	if (l->out_off == l->out_len) {
		l->out_off = l->out_len = 0;
		Topic *t = l->topic;
		if (t->newest > l->told || t->changes != l->seen_changes) {
			l->told = t->newest > l->told ? t->newest : l->told;
			l->seen_changes = t->changes;
			say(l, snprintf(l->out, sizeof l->out, "id: %lld\ndata: %lld\n\n",
					(long long)l->told, (long long)l->told));
			l->heartbeat_due = false;
		} else if (l->heartbeat_due) {
			say(l, snprintf(l->out, sizeof l->out, ": keep-alive\n\n"));
			l->heartbeat_due = false;
		}
	}
	size_t n = l->out_len - l->out_off;
	if (n > max)
		n = max;
	memcpy(buf, l->out + l->out_off, n);
	l->out_off += n;
	pthread_mutex_unlock(&lock);
	return n;
}

static void listener_closed(void *ctx)
{
	Listener *l = ctx;
	pthread_mutex_lock(&lock);
	Topic *t = l->topic;
	if (t) {
		if (l->prev)
			l->prev->next = l->next;
		else
			t->listeners = l->next;
		if (l->next)
			l->next->prev = l->prev;
		if (!t->listeners) {
			Topic **p = bucket(t->thread_id);
			while (*p != t)
				p = &(*p)->next;
			*p = t->next;
			free(t);
		}
	}
	pthread_mutex_unlock(&lock);
	free(l);
}

static int64_t newest_post(Db *db, int64_t thread_id)
{
	if (thread_id < 0) { /* a board: max(rowid) is one step down the table's b-tree */
		sqlite3_stmt *st = db_prepare(db, "SELECT coalesce(max(id), 0) FROM threads");
		int64_t id = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
		sqlite3_reset(st);
		return id;
	}
	sqlite3_stmt *st = db_prepare(db, "SELECT coalesce(max(id), 0) FROM posts "
					  "WHERE thread_id = :t");
	db_bind_int(st, ":t", thread_id);
	int64_t id = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

static int64_t board_key(int64_t community_id)
{
	return -1 - community_id;
}

void live_board_changed(int64_t community_id)
{
	live_thread_changed(board_key(community_id));
}

void live_thread_changed(int64_t thread_id)
{
	pthread_mutex_lock(&lock);
	bool listened = find_topic(thread_id) != NULL;
	pthread_mutex_unlock(&lock);
	if (!listened)
		return; /* the common case: nobody has the thread open */
	Db *db = db_thread();
	int64_t newest = db ? newest_post(db, thread_id) : 0;
	pthread_mutex_lock(&lock);
	Topic *t = find_topic(thread_id);
	if (t) {
		if (newest > t->newest)
			t->newest = newest;
		t->changes++;
		for (Listener *l = t->listeners; l; l = l->next)
			stream_wake(l->stream);
	}
	pthread_mutex_unlock(&lock);
}

/* What the client already has: Last-Event-ID on a reconnect, else ?after= (the page's newest
 * post when it was rendered), else everything up to now. */
static int64_t client_knows(Req *r, int64_t newest)
{
	const char *last = req_header(r, "Last-Event-ID");
	int64_t id = last ? parse_id(last) : 0;
	if (!id) {
		const char *after = req_query(r, "after");
		id = after ? parse_id(after) : 0;
	}
	return id > 0 ? id : newest;
}

static void listen_to(Req *r, int64_t thread);

void handle_thread_events(Req *r)
{
	int64_t thread = req_param_id(r, 0);
	if (!thread_readable(r, thread)) {
		resp_error(r, 404, "There is no such thread, or it is in a community you cannot see.");
		return;
	}
	listen_to(r, thread);
}

/* A board's stream needs ?after= (the newest thread id when the page was drawn): without it
 * the stream could not tell the page anything useful, so it is not opened. */
static bool board_after_given(Req *r)
{
	const char *after = req_query(r, "after");
	if (!after || !*after || (parse_id(after) <= 0 && strcmp(after, "0"))) {
		resp_error(r, 400, "This address is for a board page's live updates: it needs "
				   "?after=, the newest discussion the page shows.");
		return false;
	}
	return true;
}

void handle_board_events(Req *r)
{
	if (board_after_given(r))
		listen_to(r, board_key(0));
}

void handle_community_board_events(Req *r)
{
	Community *c = community_from_path(r);
	if (!c)
		return;
	if (!community_readable(r, c->id)) {
		resp_error(r, 404, "There is no such board you can read.");
		return;
	}
	if (board_after_given(r))
		listen_to(r, board_key(c->id));
}

static void listen_to(Req *r, int64_t thread)
{
	pthread_once(&heartbeat_once, start_heartbeat);
	int64_t newest = newest_post(r->db, thread);
	Listener *l = xmalloc(sizeof *l);
	memset(l, 0, sizeof *l);
	l->told = client_knows(r, newest);
	say(l, snprintf(l->out, sizeof l->out, "retry: %d\n\n", RETRY_MS));
	Stream *s = resp_stream(r, "text/event-stream; charset=utf-8", listener_fill,
				listener_closed, l);
	pthread_mutex_lock(&lock);
	Topic *t = find_topic(thread);
	if (!t) {
		t = xmalloc(sizeof *t);
		memset(t, 0, sizeof *t);
		t->thread_id = thread;
		t->next = *bucket(thread);
		*bucket(thread) = t;
	}
	if (newest > t->newest)
		t->newest = newest;
	l->topic = t;
	l->stream = s;
	l->seen_changes = t->changes;
	l->next = t->listeners;
	if (t->listeners)
		t->listeners->prev = l;
	t->listeners = l;
	pthread_mutex_unlock(&lock);
}
