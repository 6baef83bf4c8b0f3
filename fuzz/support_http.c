/* The in-process server for the HTTP fuzz harnesses (see support_http.h). */
#include "support_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "assets.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "fuzz.h"

enum { ANSWER_SECONDS = 20 };

char fuzz_http_session[128];
char fuzz_http_session_csrf[128];
char fuzz_http_visitor_csrf[128];
const char *fuzz_http_sent;
size_t fuzz_http_sent_len;

static int port;
static char dir[256], db_path[300], port_file[300];

static void *serve(void *table)
{
	http_serve(table);
	return NULL;
}

static void setting(const char *key, const char *value)
{
	const char *why = NULL;
	FUZZ_ASSERT(config_set(key, value, &why), "config %s = %s: %s", key, value, why ? why : "?");
}

static void remove_files(void)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char path[320];
	for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
		snprintf(path, sizeof path, "%s%s", db_path, suffixes[i]);
		unlink(path);
	}
	unlink(port_file);
	rmdir(dir);
}

/* Starts from a copy of an existing database (SQLite's backup, safe for a WAL database). */
static void copy_database(const char *from, const char *to)
{
	sqlite3 *src = NULL, *dst = NULL;
	FUZZ_ASSERT(sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
			    sqlite3_open(to, &dst) == SQLITE_OK,
		    "cannot open %s or %s", from, to);
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	FUZZ_ASSERT(b && sqlite3_backup_step(b, -1) == SQLITE_DONE, "cannot copy %s: %s", from,
		    sqlite3_errmsg(dst));
	sqlite3_backup_finish(b);
	sqlite3_close(src);
	sqlite3_close(dst);
}

/* An administrator and a live session for them, made the way a sign-in makes one. */
static void sign_in_admin(Db *db)
{
	/* Written directly rather than with user_create(): hashing a password costs a second
	 * under the sanitizers, for every replayed input. "!" is no password hash: nobody can
	 * sign in as this admin, the session below is the only way in. */
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO users (email, name, job_title, role, status, "
					  "password_hash, created_at) VALUES ('fuzz-admin@example.org', "
					  "'Fuzz Admin', 'Association staff', 'admin', 'active', '!', "
					  "strftime('%s', 'now'))");
	FUZZ_ASSERT(db_run(st), "cannot create the admin");
	int64_t id = db_last_id(db);
	Req r = {.arena = arena_new(), .db = db};
	FUZZ_ASSERT(auth_start_session(&r, id), "cannot start a session");
	static const char prefix[] = SESSION_COOKIE "=";
	for (Header *h = r.headers; h; h = h->next)
		if (!strcasecmp(h->name, "Set-Cookie") && !strncmp(h->value, prefix, sizeof prefix - 1))
			snprintf(fuzz_http_session, sizeof fuzz_http_session, "%.*s",
				 (int)strcspn(h->value + sizeof prefix - 1, ";"),
				 h->value + sizeof prefix - 1);
	FUZZ_ASSERT(*fuzz_http_session, "no session cookie set");
	snprintf(fuzz_http_session_csrf, sizeof fuzz_http_session_csrf, "%s", csrf_token(&r));
	db_release(db);
	arena_free(r.arena);
}

/* The visitor CSRF token, as the sign-in page gives it to the visitor cookie. */
static void fetch_visitor_csrf(void)
{
	static const char request[] = "GET /login HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n"
				      "Cookie: " VISITOR_COOKIE "=" FUZZ_VISITOR "\r\n\r\n";
	Buf reply = {0};
	fuzz_http_exchange(request, sizeof request - 1, &reply);
	static const char field[] = "name=\"csrf\" value=\"";
	const char *at = reply.data ? strstr(reply.data, field) : NULL;
	FUZZ_ASSERT(at, "the sign-in page has no CSRF field");
	at += sizeof field - 1;
	snprintf(fuzz_http_visitor_csrf, sizeof fuzz_http_visitor_csrf, "%.*s",
		 (int)strcspn(at, "\""), at);
	buf_free(&reply);
}

void fuzz_http_start(const Route *table, bool signed_in)
{
	if (port)
		return;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/practica-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	FUZZ_ASSERT(mkdtemp(dir), "mkdtemp %s: %s", dir, strerror(errno));
	snprintf(db_path, sizeof db_path, "%s/fuzz.db", dir);
	snprintf(port_file, sizeof port_file, "%s/port", dir);
	atexit(remove_files);
	setting("db", db_path);
	setting("listen", "127.0.0.1:0");
	setting("port-file", port_file);
	setting("threads", "1");
	setting("access-log", "off");
	setting("max-body", "16384");
	setting("max-upload", "32768");
	setting("max-fields", "20");
	setting("trust-proxy", "yes"); /* so X-Forwarded-For and -Proto are parsed too */
	/* libmicrohttpd keeps a half-closed connection open after its last answer: a request
	 * that does not say "Connection: close" then waits for this timeout. */
	setting("timeout", "5");
	FUZZ_ASSERT(config_apply_timezone(), "unknown time zone");
	const char *template = getenv("FUZZ_HTTP_DB");
	if (template && *template)
		copy_database(template, db_path);
	Db *db = db_open(config.db_path, true);
	FUZZ_ASSERT(db && auth_init(db), "cannot create the database");
	if (signed_in)
		sign_in_admin(db);
	db_close(db);
	FUZZ_ASSERT(assets_init(), "cannot load the static assets");
	db_set_path(config.db_path);

	pthread_t thread;
	FUZZ_ASSERT(pthread_create(&thread, NULL, serve, (void *)table) == 0, "no server thread");
	pthread_detach(thread);
	for (int waited = 0; waited < 1000 && !port; waited++) {
		FILE *f = fopen(port_file, "r");
		if (f) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
		}
		if (!port)
			usleep(10 * 1000);
	}
	FUZZ_ASSERT(port > 0, "the server did not start");
	fetch_visitor_csrf();
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void fuzz_http_exchange(const char *request, size_t n, Buf *reply)
{
	fuzz_http_sent = request;
	fuzz_http_sent_len = n;
	/* Non-blocking throughout: libFuzzer's timer signal interrupts blocking calls. */
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	FUZZ_ASSERT(fd >= 0, "socket: %s", strerror(errno));
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int64_t deadline = now_ms() + ANSWER_SECONDS * 1000;
	if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
		FUZZ_ASSERT(errno == EINPROGRESS || errno == EINTR, "connect: %s", strerror(errno));
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int rc;
		while ((rc = poll(&p, 1, (int)(deadline - now_ms()))) < 0 && errno == EINTR)
			;
		int err = 0;
		socklen_t len = sizeof err;
		FUZZ_ASSERT(rc > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && !err,
			    "connect: %s", rc > 0 ? strerror(err) : "timed out");
	}
	size_t sent = 0;
	bool shut = false;
	for (;;) {
		if (!shut && sent == n) {
			shutdown(fd, SHUT_WR); /* the server reads end-of-input after the request */
			shut = true;
		}
		struct pollfd p = {.fd = fd, .events = POLLIN | (shut ? 0 : POLLOUT)};
		int64_t left = deadline - now_ms();
		FUZZ_ASSERT(left > 0, "the server did not finish answering within %d s", ANSWER_SECONDS);
		int rc = poll(&p, 1, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		FUZZ_ASSERT(rc > 0, "the server did not finish answering within %d s", ANSWER_SECONDS);
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			char chunk[16384];
			ssize_t got = recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
			if (got > 0) {
				buf_append(reply, chunk, (size_t)got);
				continue;
			}
			if (got == 0 || (errno != EINTR && errno != EAGAIN))
				break; /* closed (or reset after an early answer) */
		}
		if (!shut && (p.revents & POLLOUT)) {
			ssize_t put = send(fd, request + sent, n - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (put > 0)
				sent += (size_t)put;
			else if (put < 0 && errno != EINTR && errno != EAGAIN)
				shut = true; /* the server stopped reading: read its answer */
		}
	}
	close(fd);
}

/* ---- reading responses ---- */

char *fuzz_http_header(const FuzzResponse *resp, const char *name)
{
	size_t n = strlen(name);
	const char *end = resp->head + resp->head_len;
	for (const char *line = resp->head; line < end;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			eol = end;
		if ((size_t)(eol - line) > n && !strncasecmp(line, name, n) && line[n] == ':') {
			const char *v = line + n + 1;
			while (v < eol && *v == ' ')
				v++;
			size_t len = (size_t)(eol - v);
			if (len && v[len - 1] == '\r')
				len--;
			return strndup(v, len);
		}
		line = eol + 1;
	}
	return NULL;
}

/* The length of a chunked body at p (n bytes available), or 0 when it is not complete. */
static size_t chunked_length(const char *p, size_t n)
{
	size_t i = 0;
	for (;;) {
		char *after;
		char line[32];
		size_t len = 0;
		while (i + len < n && p[i + len] != '\n' && len < sizeof line - 1)
			len++;
		if (i + len >= n)
			return 0;
		memcpy(line, p + i, len);
		line[len] = '\0';
		unsigned long size = strtoul(line, &after, 16);
		i += len + 1;
		if (after == line)
			return 0;
		if (size == 0) {
			/* Trailers (none from us) end with a blank line. */
			return i + 2 <= n ? i + 2 : 0;
		}
		if (size > n || i + size + 2 > n)
			return 0;
		i += size + 2;
	}
}

bool fuzz_http_next(const Buf *reply, size_t *pos, FuzzResponse *out)
{
	if (!reply->data)
		return false;
	const char *p = reply->data + *pos;
	size_t left = reply->len - *pos;
	if (left < 12 || (strncmp(p, "HTTP/1.1 ", 9) && strncmp(p, "HTTP/1.0 ", 9)))
		return false;
	const char *blank = memmem(p, left, "\r\n\r\n", 4);
	if (!blank)
		return false;
	out->status = atoi(p + 9);
	out->head = p;
	out->head_len = (size_t)(blank - p) + 2;
	out->body = blank + 4;
	size_t rest = left - (size_t)(out->body - p);
	char *length = fuzz_http_header(out, "Content-Length");
	char *te = fuzz_http_header(out, "Transfer-Encoding");
	if (length) {
		out->body_len = strtoul(length, NULL, 10);
		if (out->body_len > rest)
			out->body_len = rest; /* cut short, or a HEAD answer */
	} else if (te && !strcasecmp(te, "chunked")) {
		out->body_len = chunked_length(out->body, rest);
	} else {
		out->body_len = rest;
	}
	free(length);
	free(te);
	*pos = (size_t)(out->body + out->body_len - reply->data);
	return true;
}

/* libmicrohttpd answers malformed requests itself: an error status, no Content-Type, a body
 * like "<html><head><title>Request malformed..." (none for HEAD). Ours always have a type. */
static bool answered_by_library(const FuzzResponse *r)
{
	if (r->body_len >= 19 && !strncmp(r->body, "<html><head><title>", 19))
		return true;
	char *type = fuzz_http_header(r, "Content-Type");
	bool library = !type && r->status >= 400;
	free(type);
	return library;
}

static void check_response(const FuzzResponse *r)
{
	FUZZ_ASSERT(r->status >= 100 && r->status <= 599, "status %d", r->status);
	FUZZ_ASSERT(r->status != 500 && r->status != 503, "server error %d:\n%.*s", r->status,
		    (int)(r->head_len + (r->body_len < 2000 ? r->body_len : 2000)), r->head);
	if (answered_by_library(r))
		return;
	char *location = fuzz_http_header(r, "Location");
	if (r->status >= 300 && r->status < 400 && r->status != 304) {
		FUZZ_ASSERT(location, "redirect %d without a Location", r->status);
		FUZZ_ASSERT(location[0] == '/' && location[1] != '/' && location[1] != '\\',
			    "redirect off the site: %s", location);
		for (const char *c = location; *c; c++)
			FUZZ_ASSERT((unsigned char)*c > 0x20 && *c != 0x7f, "control byte in Location");
	}
	free(location);
	char *nosniff = fuzz_http_header(r, "X-Content-Type-Options");
	char *csp = fuzz_http_header(r, "Content-Security-Policy");
	FUZZ_ASSERT(nosniff && !strcasecmp(nosniff, "nosniff"), "a response without nosniff:\n%.*s",
		    (int)r->head_len, r->head);
	FUZZ_ASSERT(csp && (strstr(csp, "frame-ancestors 'none'") || strstr(csp, "sandbox")),
		    "a response that may be framed (CSP %s)", csp ? csp : "none");
	free(nosniff);
	free(csp);
	/* Every cookie flagged; scan all Set-Cookie lines. */
	const char *end = r->head + r->head_len;
	for (const char *line = r->head; line < end;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			eol = end;
		if (!strncasecmp(line, "Set-Cookie:", 11)) {
			char *c = strndup(line, (size_t)(eol - line));
			FUZZ_ASSERT(strstr(c, "HttpOnly") && strstr(c, "SameSite="), "cookie without flags: %s", c);
			free(c);
		}
		line = eol + 1;
	}
	char *type = fuzz_http_header(r, "Content-Type");
	if (type && !strncasecmp(type, "text/html", 9)) {
		FUZZ_ASSERT(fuzz_utf8_valid(r->body, r->body_len), "an HTML page that is not UTF-8");
		FUZZ_ASSERT(!memmem(r->body, r->body_len, "<fuzz", 5),
			    "markup from the request echoed unescaped");
		for (const char *s = r->body; (s = memmem(s, r->body_len - (size_t)(s - r->body),
							     "<script", 7));
		     s += 7) {
			const char *close = memchr(s, '>', r->body_len - (size_t)(s - r->body));
			FUZZ_ASSERT(close && memmem(s, (size_t)(close - s), " src=", 5),
				    "inline script in a page");
		}
	}
	free(type);
}

int fuzz_http_check_reply(const Buf *reply)
{
	size_t pos = 0;
	int n = 0;
	FuzzResponse r;
	static int verbose = -1;
	if (verbose < 0)
		verbose = getenv("FUZZ_HTTP_VERBOSE") != NULL;
	while (fuzz_http_next(reply, &pos, &r)) {
		if (verbose)
			fprintf(stderr, "fuzz: answered %.*s\n", (int)strcspn(r.head, "\r\n"), r.head);
		check_response(&r);
		n++;
	}
	FUZZ_ASSERT(n > 0 || reply->len == 0, "an answer that is not HTTP: %.*s",
		    (int)(reply->len < 200 ? reply->len : 200), reply->data);
	return n;
}
