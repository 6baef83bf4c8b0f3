/* Live thread updates (Server-Sent Events) against a real server with two worker threads: a
 * listener hears of a reply another member posts (the event names the new post), reconnects
 * with Last-Event-ID or ?after= catch up at once, 500 open listeners do not keep ordinary
 * pages from being served and all of them still hear the next reply (an idle listener holds
 * no worker: were it otherwise, with two workers the third listener would already hang),
 * unreadable or unknown threads answer 404 and visitors are sent to sign in, and the server
 * stops promptly with listeners open, ending each stream properly.
 *
 * Listeners are plain sockets speaking HTTP/1.1 (500 curl handles would cost more than the
 * server does); replies go through the discussions' reply route. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define SCHOOL "Northfield Academy"
#define CROWD 500
#define WAIT_MS 15000 /* generous: only a broken server takes this long */

static Server srv;
static Person reader = {"rae@northfield.org", "Rae Reader"};
static Person writer = {"wes@northfield.org", "Wes Writer"};
static Person outsider = {"oz@northfield.org", "Oz Outside"};
static Person *const people[] = {&reader, &writer, &outsider};
static int64_t community, private_community, thread;

/* ---- a raw SSE listener ---- */

typedef struct {
	int fd;
	char buf[8192];
	size_t len;
} Listener;

/* Connects and sends GET path with the person's session (NULL: none), read from their client's
 * cookie jar, and extra header lines (each ending in \r\n, or NULL). False when the connection
 * could not be made or the person has no session. */
static bool listen_open(Listener *l, const char *path, const Person *p, const char *extra)
{
	memset(l, 0, sizeof *l);
	l->fd = -1;
	char *session = p ? client_cookie(p->c, "practica_session") : NULL;
	if (p && !session)
		return false;
	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->fd < 0) {
		free(session);
		return false;
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(l->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(l->fd);
		l->fd = -1;
		free(session);
		return false;
	}
	char req[1024];
	int n = snprintf(req, sizeof req,
			 "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
			 "Accept-Encoding: gzip, deflate\r\n" /* as browsers send it */
			 "%s%s%s%s\r\n",
			 path, p ? "Cookie: practica_session=" : "", p ? session : "",
			 p ? "\r\n" : "", extra ? extra : "");
	free(session);
	return write(l->fd, req, (size_t)n) == n;
}

/* Reads until needle has arrived (true), the peer closes or timeout_ms passes (false). */
static bool listen_until(Listener *l, const char *needle, int timeout_ms)
{
	double end = now_seconds() + timeout_ms / 1000.0;
	for (;;) {
		l->buf[l->len] = '\0';
		if (strstr(l->buf, needle))
			return true;
		int left = (int)((end - now_seconds()) * 1000);
		if (left <= 0 || l->len + 1 >= sizeof l->buf)
			return false;
		struct pollfd pfd = {.fd = l->fd, .events = POLLIN};
		if (poll(&pfd, 1, left) <= 0)
			continue;
		ssize_t n = read(l->fd, l->buf + l->len, sizeof l->buf - 1 - l->len);
		if (n <= 0)
			return false;
		l->len += (size_t)n;
	}
}

/* Reads from every open listener of ls until each is closed by the peer, or timeout_ms passes
 * for all of them together; what arrives is kept while it fits. Returns how many closed. */
static int listen_all_closed(Listener *ls, int n, int timeout_ms)
{
	static struct pollfd pfd[CROWD];
	static int which[CROWD];
	double end = now_seconds() + timeout_ms / 1000.0;
	int closed = 0;
	for (;;) {
		int waiting = 0;
		for (int i = 0; i < n; i++)
			if (ls[i].fd >= 0) {
				pfd[waiting] = (struct pollfd){.fd = ls[i].fd, .events = POLLIN};
				which[waiting++] = i;
			}
		int left = (int)((end - now_seconds()) * 1000);
		if (!waiting || left <= 0)
			return closed;
		if (poll(pfd, (nfds_t)waiting, left) <= 0)
			continue;
		for (int k = 0; k < waiting; k++) {
			if (!pfd[k].revents)
				continue;
			Listener *l = &ls[which[k]];
			char scratch[4096];
			bool room = l->len + 1 < sizeof l->buf;
			ssize_t got = read(l->fd, room ? l->buf + l->len : scratch,
					   room ? sizeof l->buf - 1 - l->len : sizeof scratch);
			if (got > 0 && room) {
				l->len += (size_t)got;
				l->buf[l->len] = '\0';
			} else if (got == 0 || (got < 0 && errno != EINTR)) {
				close(l->fd);
				l->fd = -2; /* closed by the peer, buf kept */
				closed++;
			}
		}
	}
}

static void listen_close(Listener *l);

/* Reads from every open listener of ls until each has needle, or timeout_ms passes for all
 * of them together. Returns how many have it. */
static int listen_all_until(Listener *ls, int n, const char *needle, int timeout_ms)
{
	static struct pollfd pfd[CROWD];
	static int which[CROWD];
	double end = now_seconds() + timeout_ms / 1000.0;
	for (;;) {
		int waiting = 0, have = 0;
		for (int i = 0; i < n; i++) {
			Listener *l = &ls[i];
			if (l->fd < 0)
				continue;
			l->buf[l->len] = '\0';
			if (strstr(l->buf, needle)) {
				have++;
			} else if (l->len + 1 < sizeof l->buf) {
				pfd[waiting] = (struct pollfd){.fd = l->fd, .events = POLLIN};
				which[waiting++] = i;
			}
		}
		int left = (int)((end - now_seconds()) * 1000);
		if (!waiting || left <= 0)
			return have;
		if (poll(pfd, (nfds_t)waiting, left) <= 0)
			continue;
		for (int k = 0; k < waiting; k++) {
			if (!pfd[k].revents)
				continue;
			Listener *l = &ls[which[k]];
			ssize_t got = read(l->fd, l->buf + l->len, sizeof l->buf - 1 - l->len);
			if (got > 0)
				l->len += (size_t)got;
			else if (got == 0 || errno != EINTR)
				listen_close(l); /* closed: it will never have the needle */
		}
	}
}

static void listen_close(Listener *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

/* Forgets what was read so far (the next wait looks only at new bytes). */
static void listen_forget(Listener *l)
{
	l->len = 0;
	l->buf[0] = '\0';
}

/* ---- helpers ---- */

static int64_t newest_post(int64_t t)
{
	return sql_int(&srv, "SELECT max(id) FROM posts WHERE thread_id = %lld", (long long)t);
}

/* Posts a reply as p through the discussions' route; returns the new post's id (0: failed). */
static int64_t reply(Person *p, int64_t t, const char *text)
{
	char *body = form_encode("csrf", p->csrf, "body", text, NULL);
	Reply r = client_post(p->c, pathf("/threads/%lld/replies", (long long)t), body);
	free(body);
	long status = r.status;
	CHECK(status == 303, "reply: %ld %.300s", status, r.body);
	reply_free(&r);
	return status == 303 ? newest_post(t) : 0;
}

static int64_t add_thread(int64_t c, const Person *author, const char *title)
{
	CHECK(sql_exec(&srv, "INSERT INTO threads (community_id, author_id, title, created_at, "
			     "last_post_at) VALUES (%lld, %lld, '%s', 1, 1)",
		       (long long)c, (long long)author->id, title), "insert thread");
	int64_t t = sql_int(&srv, "SELECT id FROM threads WHERE title = '%s'", title);
	CHECK(sql_exec(&srv, "INSERT INTO posts (thread_id, author_id, body, created_at) VALUES "
			     "(%lld, %lld, 'Opening post', 1)", (long long)t, (long long)author->id),
	      "insert post");
	CHECK(sql_exec(&srv, "UPDATE threads SET last_post_id = (SELECT max(id) FROM posts WHERE "
			     "thread_id = %lld) WHERE id = %lld", (long long)t, (long long)t),
	      "set last_post_id");
	return t;
}

static const char *events_path(void)
{
	return pathf("/threads/%lld/events", (long long)thread);
}

/* ---- tests ---- */

TEST(listener_hears_a_reply)
{
	Listener l;
	CHECK(listen_open(&l, events_path(), &reader, NULL), "connect");
	CHECK(listen_until(&l, "retry: ", WAIT_MS), "no retry hint: %s", l.buf);
	CHECK(strstr(l.buf, "HTTP/1.1 200"), "status line: %.200s", l.buf);
	CHECK(strstr(l.buf, "Content-Type: text/event-stream"), "content type: %.400s", l.buf);
	CHECK(strstr(l.buf, "Cache-Control: no-store"), "cacheable: %.400s", l.buf);
	/* Nothing new yet: no event. */
	CHECK(!strstr(l.buf, "data: "), "an event before any reply: %s", l.buf);
	listen_forget(&l);
	int64_t before = newest_post(thread);
	int64_t post = reply(&writer, thread, "Live reply one");
	CHECK(post > before, "no new post");
	char want[64];
	snprintf(want, sizeof want, "id: %lld\ndata: %lld\n\n", (long long)post, (long long)post);
	CHECK(listen_until(&l, want, WAIT_MS), "no event naming post %lld: %s", (long long)post,
	      l.buf);
	listen_close(&l);
	/* What the page then fetches: the replies after the one it had. */
	Reply r = client_get(reader.c, pathf("/threads/%lld/replies?after=%lld", (long long)thread,
					     (long long)before));
	CHECK(r.status == 200 && body_has(&r, "Live reply one"), "fragment: %ld %.300s", r.status,
	      r.body);
	reply_free(&r);
}

TEST(reconnect_catches_up)
{
	int64_t newest = newest_post(thread);
	char want[64];
	snprintf(want, sizeof want, "data: %lld\n", (long long)newest);
	/* A browser reconnecting sends the last event id it saw. */
	Listener l;
	char header[64];
	snprintf(header, sizeof header, "Last-Event-ID: %lld\r\n", (long long)newest - 1);
	CHECK(listen_open(&l, events_path(), &reader, header), "connect");
	CHECK(listen_until(&l, want, WAIT_MS), "Last-Event-ID behind: no catch-up event: %s", l.buf);
	listen_close(&l);
	/* A page rendered before the last reply asks with ?after=. */
	CHECK(listen_open(&l, pathf("%s?after=%lld", events_path(), (long long)newest - 1), &reader,
			  NULL), "connect");
	CHECK(listen_until(&l, want, WAIT_MS), "?after= behind: no catch-up event: %s", l.buf);
	listen_close(&l);
	/* Up to date: the retry hint and nothing else. */
	snprintf(header, sizeof header, "Last-Event-ID: %lld\r\n", (long long)newest);
	CHECK(listen_open(&l, events_path(), &reader, header), "connect");
	CHECK(listen_until(&l, "retry: ", WAIT_MS), "no retry hint");
	CHECK(!listen_until(&l, "data: ", 300), "an event for nothing new: %s", l.buf);
	listen_close(&l);
}

TEST(who_may_listen)
{
	int64_t hidden = add_thread(private_community, &writer, "Behind closed doors");
	Listener l;
	CHECK(listen_open(&l, pathf("/threads/%lld/events", (long long)hidden), &outsider, NULL),
	      "connect");
	CHECK(listen_until(&l, "\r\n\r\n", WAIT_MS) && strstr(l.buf, "HTTP/1.1 404"),
	      "a private community's thread to an outsider: %.200s", l.buf);
	listen_close(&l);
	CHECK(listen_open(&l, "/threads/999999/events", &reader, NULL), "connect");
	CHECK(listen_until(&l, "\r\n\r\n", WAIT_MS) && strstr(l.buf, "HTTP/1.1 404"),
	      "an unknown thread: %.200s", l.buf);
	listen_close(&l);
	CHECK(listen_open(&l, events_path(), NULL, NULL), "connect");
	CHECK(listen_until(&l, "\r\n\r\n", WAIT_MS) && strstr(l.buf, "HTTP/1.1 303") &&
		      strstr(l.buf, "Location: /login"),
	      "a visitor: %.300s", l.buf);
	listen_close(&l);
	/* A participant of the private community may listen. */
	CHECK(listen_open(&l, pathf("/threads/%lld/events", (long long)hidden), &writer, NULL),
	      "connect");
	CHECK(listen_until(&l, "retry: ", WAIT_MS) && strstr(l.buf, "HTTP/1.1 200"),
	      "a participant: %.200s", l.buf);
	listen_close(&l);
}

/* A board's open page hears of a new discussion on that board (and only that board), and
 * its page carries what static/live.js listens by. */
TEST(board_listener_hears_a_new_discussion)
{
	Reply page = client_get(reader.c, "/communities/live/board");
	CHECK(page.status == 200 && body_has(&page, "id=\"threads\" data-events=\"/communities/"
						     "live/board/events\""),
	      "board page without live attributes: %ld %.400s", page.status, page.body);
	reply_free(&page);
	int64_t newest = sql_int(&srv, "SELECT coalesce(max(id), 0) FROM threads");
	Listener board, other;
	CHECK(listen_open(&board, pathf("/communities/live/board/events?after=%lld",
					(long long)newest), &reader, NULL), "connect");
	CHECK(listen_open(&other, pathf("/board/events?after=%lld", (long long)newest), &reader,
			  NULL), "connect");
	CHECK(listen_until(&board, "retry: ", WAIT_MS), "no retry hint: %s", board.buf);
	CHECK(listen_until(&other, "retry: ", WAIT_MS), "no retry hint: %s", other.buf);
	listen_forget(&board);
	listen_forget(&other);
	char *body = form_encode("csrf", writer.csrf, "title", "Live new question", "body",
				 "Has anyone seen this?", NULL);
	Reply r = client_post(writer.c, "/communities/live/board", body);
	free(body);
	CHECK(r.status == 303, "new thread: %ld %.300s", r.status, r.body);
	reply_free(&r);
	int64_t id = sql_int(&srv, "SELECT id FROM threads WHERE title = 'Live new question'");
	char want[64];
	snprintf(want, sizeof want, "data: %lld\n", (long long)id);
	CHECK(listen_until(&board, want, WAIT_MS), "the board heard nothing of thread %lld: %s",
	      (long long)id, board.buf);
	CHECK(!listen_until(&other, "data: ", 300), "another board was told: %s", other.buf);
	listen_close(&board);
	listen_close(&other);
	/* Without ?after= the stream is not opened; a private board is not for outsiders. */
	Listener l;
	CHECK(listen_open(&l, "/board/events", &reader, NULL), "connect");
	CHECK(listen_until(&l, "\r\n\r\n", WAIT_MS) && strstr(l.buf, "HTTP/1.1 400"),
	      "no ?after=: %.200s", l.buf);
	listen_close(&l);
	CHECK(listen_open(&l, "/communities/hidden/board/events?after=0", &outsider, NULL),
	      "connect");
	CHECK(listen_until(&l, "\r\n\r\n", WAIT_MS) && strstr(l.buf, "HTTP/1.1 404"),
	      "a private board to an outsider: %.200s", l.buf);
	listen_close(&l);
}

static Listener crowd[CROWD];

TEST(five_hundred_listeners_do_not_hold_workers)
{
	int open = 0;
	for (int i = 0; i < CROWD; i++) {
		if (!listen_open(&crowd[i], events_path(), i % 2 ? &reader : &outsider, NULL))
			break;
		open++;
	}
	CHECK(open == CROWD, "only %d listeners could connect", open);
	/* Each was answered, so each went through a worker and let go of it. */
	int answered = listen_all_until(crowd, open, "retry: ", 2 * WAIT_MS);
	CHECK(answered == open, "%d of %d listeners were answered", answered, open);
	/* Ordinary pages, on fresh connections and on kept-alive ones, are still served. */
	for (int i = 0, failed = 0; i < 5 && !failed; i++) {
		Reply r = client_get(reader.c, "/home");
		failed += r.status != 200;
		CHECK(r.status == 200, "GET /home with %d listeners: %ld %s", open, r.status, r.error);
		reply_free(&r);
		Client *fresh = client_new(&srv);
		r = client_get(fresh, "/login");
		failed += r.status != 200;
		CHECK(r.status == 200, "GET /login on a new connection: %ld %s", r.status, r.error);
		reply_free(&r);
		client_free(fresh);
	}
	Reply r = client_get(reader.c, pathf("/threads/%lld", (long long)thread));
	CHECK(r.status == 200, "the thread page: %ld", r.status);
	reply_free(&r);
	/* And all of them hear the next reply. */
	for (int i = 0; i < open; i++)
		listen_forget(&crowd[i]);
	int64_t post = reply(&writer, thread, "A reply for the crowd");
	char want[64];
	snprintf(want, sizeof want, "data: %lld\n", (long long)post);
	int heard = listen_all_until(crowd, open, want, 2 * WAIT_MS);
	CHECK(heard == open, "%d of %d listeners heard the reply", heard, open);
	/* The crowd stays open for the stop below. */
}

TEST(stops_promptly_with_listeners_open)
{
	people_free(people, COUNT_OF(people));
	double t0 = now_seconds();
	CHECK(server_stop(&srv) == 0, "the server did not stop cleanly (see its log above)");
	double took = now_seconds() - t0;
	/* The drain waits up to 10 s for requests in flight: streams must not be among them. */
	CHECK(took < 8.0, "stopping took %.1f s", took);
	/* Each stream was ended (the chunked body's last chunk), not cut off. */
	for (int i = 0; i < CROWD; i++)
		if (crowd[i].fd >= 0)
			listen_forget(&crowd[i]);
	int closed = listen_all_closed(crowd, CROWD, WAIT_MS), ended = 0;
	for (int i = 0; i < CROWD; i++) {
		ended += crowd[i].fd == -2 && strstr(crowd[i].buf, "0\r\n\r\n") != NULL;
		listen_close(&crowd[i]);
	}
	CHECK(closed == CROWD, "%d of %d streams were closed", closed, CROWD);
	CHECK(ended == CROWD, "%d of %d streams were ended properly", ended, CROWD);
	CHECK(server_log_clean(&srv, NULL), "a sanitizer report in the server log");
}

static bool setup(void)
{
	/* 500 sockets here and as many in the server. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096 && rl.rlim_max > rl.rlim_cur) {
		rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (int i = 0; i < CROWD; i++)
		crowd[i].fd = -1;
	if (!server_init(&srv) || !add_school(&srv, SCHOOL, "active") ||
	    !people_add(&srv, people, COUNT_OF(people), SCHOOL))
		return false;
	community = add_community(&srv, "live", "Live Community", "active", "open");
	private_community = add_community(&srv, "hidden", "Hidden Community", "active", "private");
	if (!community || !private_community ||
	    !add_membership(&srv, community, reader.id, "participant") ||
	    !add_membership(&srv, community, writer.id, "participant") ||
	    !add_membership(&srv, private_community, writer.id, "participant"))
		return false;
	thread = add_thread(community, &writer, "Live thread");
	/* Two workers: with a worker per listener, the third listener would already hang. */
	snprintf(srv.config, sizeof srv.config, "%s/practica.conf", srv.dir);
	FILE *f = fopen(srv.config, "w");
	if (!f)
		return false;
	fputs("threads = 2\n", f);
	fclose(f);
	return server_start(&srv) && people_sign_in(&srv, people, COUNT_OF(people), "/home");
}

SUITE_MAIN(setup, &srv, people, listener_hears_a_reply, reconnect_catches_up, who_may_listen,
	board_listener_hears_a_new_discussion, five_hundred_listeners_do_not_hold_workers,
	stops_promptly_with_listeners_open)
