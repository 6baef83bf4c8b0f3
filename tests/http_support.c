/* The HTTP suites' support: server process, libcurl client, database and CLI helpers.
 * See http_support.h for the ownership rules.
 *
 * How it is built: the Makefile builds every tests/http_*.c as its own test program and links
 * only the other tests/ C files as support, so this file (matching http_*.c) is a program of
 * its own. Therefore each suite includes it directly:
 *     #define HTTP_SUPPORT_EMBEDDED
 *     #include "http_support.c"
 * and, built alone, it runs the self-tests at its end (the helpers' own checks). If the
 * Makefile ever links it as a support file instead, drop those includes and the self-tests'
 * main(). */
#include "http_support.h"
#include "test.h" /* CHECK, for check_stops_cleanly() */

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* A growable heap string. */
typedef struct {
	char *data;
	size_t len, cap;
} Str;

static void str_append(Str *s, const char *data, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 256;
		while (cap < s->len + n + 1)
			cap *= 2;
		char *p = realloc(s->data, cap);
		if (!p)
			abort();
		s->data = p;
		s->cap = cap;
	}
	memcpy(s->data + s->len, data, n);
	s->len += n;
	s->data[s->len] = '\0';
}

static char *str_take(Str *s)
{
	if (!s->data)
		str_append(s, "", 0);
	char *d = s->data;
	*s = (Str){0};
	return d;
}

/* ---- the practica binary ---- */

const char *practica_bin(void)
{
	const char *bin = getenv("PRACTICA_BIN");
	return bin && *bin ? bin : "build/asan/practica";
}

static int run_argv(RunResult *res, const char *stdin_text, const char *const *argv)
{
	*res = (RunResult){.status = -1};
	int in[2], out[2], err[2];
	if (pipe(in) || pipe(out) || pipe(err))
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(in[0]), close(in[1]), close(out[0]), close(out[1]), close(err[0]), close(err[1]);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]), close(out[1]), close(err[1]);
	if (stdin_text) {
		size_t n = strlen(stdin_text), off = 0;
		signal(SIGPIPE, SIG_IGN);
		while (off < n) {
			ssize_t w = write(in[1], stdin_text + off, n - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
	}
	close(in[1]);
	Str o = {0}, e = {0};
	struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
	int open_fds = 2;
	while (open_fds > 0) {
		if (poll(fds, 2, 30000) <= 0)
			break;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char buf[4096];
			ssize_t n = read(fds[i].fd, buf, sizeof buf);
			if (n <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			} else {
				str_append(i == 0 ? &o : &e, buf, (size_t)n);
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	int wstatus = 0;
	waitpid(pid, &wstatus, 0);
	res->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
	res->out = str_take(&o);
	res->err = str_take(&e);
	return res->status;
}

int run_practica(RunResult *res, const char *stdin_text, ...)
{
	const char *argv[64];
	int n = 0;
	argv[n++] = practica_bin();
	va_list ap;
	va_start(ap, stdin_text);
	const char *a;
	while ((a = va_arg(ap, const char *)) && n < 63)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	return run_argv(res, stdin_text, argv);
}

void run_result_free(RunResult *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
}

/* ---- the database ---- */

static sqlite3 *open_db(const Server *s)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(s->db, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fprintf(stderr, "    cannot open %s: %s\n", s->db, db ? sqlite3_errmsg(db) : "?");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 10000);
	return db;
}

static char *vformat_sql(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static char *vformat_sql(const char *fmt, va_list ap)
{
	return sqlite3_vmprintf(fmt, ap);
}

/* Runs sql and returns its first row's first column as a copy (text) or through *num. */
static bool sql_first(const Server *s, const char *sql, int64_t *num, char **text)
{
	sqlite3 *db = open_db(s);
	if (!db)
		return false;
	sqlite3_stmt *st = NULL;
	bool row = false;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "    SQL error in \"%s\": %s\n", sql, sqlite3_errmsg(db));
	} else {
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			row = true;
			if (num)
				*num = sqlite3_column_int64(st, 0);
			if (text) {
				const char *t = (const char *)sqlite3_column_text(st, 0);
				*text = t ? strdup(t) : NULL;
			}
		} else if (rc != SQLITE_DONE) {
			fprintf(stderr, "    SQL error in \"%s\": %s\n", sql, sqlite3_errmsg(db));
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return row;
}

bool sql_exec(const Server *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *sql = vformat_sql(fmt, ap);
	va_end(ap);
	sqlite3 *db = open_db(s);
	bool ok = false;
	if (db && sql) {
		char *err = NULL;
		ok = sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK;
		if (!ok)
			fprintf(stderr, "    SQL error in \"%s\": %s\n", sql, err ? err : "?");
		sqlite3_free(err);
	}
	sqlite3_close(db);
	sqlite3_free(sql);
	return ok;
}

int64_t sql_int(const Server *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *sql = vformat_sql(fmt, ap);
	va_end(ap);
	int64_t v = SQL_NO_ROW;
	if (sql && !sql_first(s, sql, &v, NULL))
		v = SQL_NO_ROW;
	sqlite3_free(sql);
	return v;
}

char *sql_text(const Server *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *sql = vformat_sql(fmt, ap);
	va_end(ap);
	char *t = NULL;
	if (sql)
		sql_first(s, sql, NULL, &t);
	sqlite3_free(sql);
	return t;
}

int64_t add_school(const Server *s, const char *name, const char *status)
{
	if (!sql_exec(s, "INSERT INTO schools (name, kind, city, status, created_at) "
			 "VALUES ('%s', 'school', 'Springfield', '%s', strftime('%%s', 'now'))",
		      name, status))
		return 0;
	int64_t id = sql_int(s, "SELECT id FROM schools WHERE name = '%s'", name);
	return id == SQL_NO_ROW ? 0 : id;
}

int64_t add_community(const Server *s, const char *slug, const char *name, const char *status,
		      const char *visibility)
{
	if (!sql_exec(s, "INSERT INTO communities (slug, name, status, visibility, created_at) "
			 "VALUES ('%s', '%s', '%s', '%s', 0)",
		      slug, name, status, visibility))
		return 0;
	int64_t id = sql_int(s, "SELECT id FROM communities WHERE slug = '%s'", slug);
	return id == SQL_NO_ROW ? 0 : id;
}

bool add_membership(const Server *s, int64_t community, int64_t user, const char *status)
{
	return sql_exec(s, "INSERT INTO memberships (community_id, user_id, status, signed_up_at) "
			   "VALUES (%lld, %lld, '%s', 0)",
			(long long)community, (long long)user, status);
}

bool add_facilitator(const Server *s, int64_t community, int64_t user)
{
	return sql_exec(s, "INSERT INTO facilitators (community_id, user_id) VALUES (%lld, %lld)",
			(long long)community, (long long)user);
}

int64_t add_user(const Server *s, const char *email, const char *name, const char *school,
		 const char *password)
{
	char line[256];
	snprintf(line, sizeof line, "%s\n", password);
	RunResult r;
	int rc = school ? run_practica(&r, line, "user", "add", "--db", s->db, "--email", email,
				       "--name", name, "--job-title", "Teacher", "--school", school,
				       "--password-stdin", NULL)
			: run_practica(&r, line, "user", "add", "--db", s->db, "--email", email,
				       "--name", name, "--job-title", "Association staff", "--admin",
				       "--password-stdin", NULL);
	if (rc != 0)
		fprintf(stderr, "    practica user add %s failed (%d): %s\n", email, rc, r.err);
	run_result_free(&r);
	if (rc != 0)
		return 0;
	int64_t id = sql_int(s, "SELECT id FROM users WHERE email = '%s'", email);
	return id == SQL_NO_ROW ? 0 : id;
}

/* ---- the server ---- */

bool server_init(Server *s)
{
	memset(s, 0, sizeof *s);
	/* The tests' own clock reads (localtime_r) agree with the server's time zone. */
	setenv("TZ", SERVER_TZ, 1);
	tzset();
	const char *tmp = getenv("TMPDIR");
	snprintf(s->dir, sizeof s->dir, "%s/practica-http-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(s->dir)) {
		fprintf(stderr, "    mkdtemp: %s\n", strerror(errno));
		return false;
	}
	snprintf(s->db, sizeof s->db, "%s/practica.db", s->dir);
	snprintf(s->port_file, sizeof s->port_file, "%s/port", s->dir);
	snprintf(s->log, sizeof s->log, "%s/server.log", s->dir);
	RunResult r;
	int rc = run_practica(&r, ADMIN_PASSWORD "\n", "init", "--db", s->db, "--admin-email",
			      ADMIN_EMAIL, "--admin-name", ADMIN_NAME, "--password-stdin", NULL);
	if (rc != 0)
		fprintf(stderr, "    practica init failed (%d): %s%s\n", rc, r.out, r.err);
	run_result_free(&r);
	return rc == 0;
}

static int read_port(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[32] = "";
	bool got = fgets(line, sizeof line, f) != NULL;
	fclose(f);
	/* Only a whole line counts: the server may be half-way through writing it. */
	if (!got || !strchr(line, '\n'))
		return 0;
	long port = strtol(line, NULL, 10);
	return port > 0 && port < 65536 ? (int)port : 0;
}

bool server_start(Server *s)
{
	unlink(s->port_file);
	s->port = 0;
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		int fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		const char *bin = practica_bin();
		if (s->config[0])
			execl(bin, bin, "serve", "--db", s->db, "--listen", "127.0.0.1:0", "--port-file",
			      s->port_file, "--access-log", "off", "--timezone", SERVER_TZ, "--config",
			      s->config, (char *)NULL);
		else
			execl(bin, bin, "serve", "--db", s->db, "--listen", "127.0.0.1:0", "--port-file",
			      s->port_file, "--access-log", "off", "--timezone", SERVER_TZ, (char *)NULL);
		fprintf(stderr, "cannot run %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	s->pid = pid;
	double deadline = now_seconds() + 15;
	while (now_seconds() < deadline) {
		int wstatus;
		if (waitpid(pid, &wstatus, WNOHANG) == pid) {
			s->pid = 0;
			char *log = server_log(s);
			fprintf(stderr, "    the server exited at start-up:\n%s\n", log ? log : "");
			free(log);
			return false;
		}
		if ((s->port = read_port(s->port_file)) > 0) {
			snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
			return true;
		}
		sleep_ms(10);
	}
	fprintf(stderr, "    the server did not write its port file within 15 s\n");
	server_stop(s);
	return false;
}

char *server_log(const Server *s)
{
	FILE *f = fopen(s->log, "r");
	if (!f)
		return NULL;
	Str o = {0};
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		str_append(&o, buf, n);
	fclose(f);
	return str_take(&o);
}

/* server_log_clean() with the phrases in a va_list, for check_stops_cleanly() too. */
static bool server_log_clean_v(const Server *s, va_list phrases)
{
	char *log = server_log(s);
	bool clean = log && !strstr(log, "AddressSanitizer") && !strstr(log, "runtime error");
	for (const char *phrase; clean && (phrase = va_arg(phrases, const char *));)
		clean = !strstr(log, phrase);
	if (!clean)
		fprintf(stderr, "    server log:\n%s\n", log ? log : "(none)");
	free(log);
	return clean;
}

bool server_log_clean(const Server *s, ...)
{
	va_list ap;
	va_start(ap, s);
	bool clean = server_log_clean_v(s, ap);
	va_end(ap);
	return clean;
}

int server_stop(Server *s)
{
	if (!s->pid)
		return -1;
	kill(s->pid, SIGTERM);
	int wstatus = 0, result = -1;
	double deadline = now_seconds() + 15;
	bool done = false;
	while (now_seconds() < deadline) {
		pid_t w = waitpid(s->pid, &wstatus, WNOHANG);
		if (w == s->pid) {
			done = true;
			break;
		}
		sleep_ms(10);
	}
	if (!done) {
		fprintf(stderr, "    the server did not stop within 15 s of SIGTERM; killing it\n");
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &wstatus, 0);
	} else if (WIFEXITED(wstatus)) {
		result = WEXITSTATUS(wstatus);
	} else if (WIFSIGNALED(wstatus)) {
		fprintf(stderr, "    the server died of signal %d\n", WTERMSIG(wstatus));
	}
	s->pid = 0;
	if (result != 0) {
		char *log = server_log(s);
		fprintf(stderr, "    server exit status %d; its log:\n%s\n", result, log ? log : "");
		free(log);
	}
	return result;
}

void server_kill(Server *s)
{
	if (!s->pid)
		return;
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	s->pid = 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

void server_cleanup(Server *s)
{
	if (s->pid)
		server_stop(s);
	if (!s->dir[0])
		return;
	if (getenv("PRACTICA_KEEP_TMP")) {
		fprintf(stderr, "kept %s\n", s->dir);
		return;
	}
	nftw(s->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* ---- the client ---- */

struct Client {
	CURL *curl;
	char base[64];
};

static bool curl_ready;

Client *client_new(const Server *s)
{
	if (!curl_ready) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		curl_ready = true;
	}
	Client *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	c->curl = curl_easy_init();
	snprintf(c->base, sizeof c->base, "%s", s->base);
	curl_easy_setopt(c->curl, CURLOPT_COOKIEFILE, ""); /* an in-memory jar */
	return c;
}

void client_free(Client *c)
{
	if (!c)
		return;
	curl_easy_cleanup(c->curl);
	free(c);
}

void client_rebase(Client *c, const Server *s)
{
	snprintf(c->base, sizeof c->base, "%s", s->base);
}

static size_t on_body(char *data, size_t size, size_t n, void *cls)
{
	str_append(cls, data, size * n);
	return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *cls)
{
	Str *h = cls;
	/* A new status line starts a new response (after a 100 Continue): keep only the last. */
	if (size * n >= 5 && !strncmp(data, "HTTP/", 5))
		h->len = 0;
	str_append(h, data, size * n);
	return size * n;
}

typedef struct {
	const char *data;
	size_t len, off;
	size_t repeats_left;
} Upload;

static size_t on_read(char *dest, size_t size, size_t n, void *cls)
{
	Upload *u = cls;
	if (u->off == u->len) {
		if (u->repeats_left == 0)
			return 0;
		u->repeats_left--;
		u->off = 0;
	}
	size_t want = size * n, left = u->len - u->off;
	if (want > left)
		want = left;
	memcpy(dest, u->data + u->off, want);
	u->off += want;
	return want;
}

static void parse_headers(Reply *r)
{
	r->hstore = strdup(r->headers);
	char *save = NULL;
	for (char *line = strtok_r(r->hstore, "\r\n", &save); line;
	     line = strtok_r(NULL, "\r\n", &save)) {
		char *colon = strchr(line, ':');
		if (!colon || r->nheaders == 64)
			continue;
		*colon = '\0';
		char *v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		r->hname[r->nheaders] = line;
		r->hvalue[r->nheaders] = v;
		r->nheaders++;
	}
}

Reply client_request(Client *c, const Request *rq)
{
	Reply r = {0};
	CURL *h = c->curl;
	char url[8192];
	snprintf(url, sizeof url, "%s%s", c->base, rq->path);
	Str body = {0}, headers = {0};
	struct curl_slist *list = NULL;
	Upload up = {0};

	/* Reset the per-request options; the cookie jar and the connection are kept. */
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &headers);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_NOBODY, 0L);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 0L);

	const char *method = rq->method ? rq->method : "GET";
	size_t blen = rq->body ? (rq->body_len ? rq->body_len : strlen(rq->body)) : 0;
	if (!strcmp(method, "HEAD")) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (rq->body || !strcmp(method, "POST")) {
		if (rq->chunked) {
			up = (Upload){rq->body ? rq->body : "", blen, 0,
				      rq->repeat_body ? rq->repeat_body - 1 : 0};
			curl_easy_setopt(h, CURLOPT_POST, 1L);
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
			curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
			curl_easy_setopt(h, CURLOPT_READDATA, &up);
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)-1);
			list = curl_slist_append(list, "Transfer-Encoding: chunked");
		} else {
			curl_easy_setopt(h, CURLOPT_POST, 1L);
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
		}
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
		const char *ct = rq->content_type ? rq->content_type
						  : "application/x-www-form-urlencoded";
		char ctline[256];
		if (*ct) {
			snprintf(ctline, sizeof ctline, "Content-Type: %s", ct);
			list = curl_slist_append(list, ctline);
		} else {
			list = curl_slist_append(list, "Content-Type:");
		}
	} else if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	}
	bool expect_given = false;
	for (const char *const *x = rq->headers; x && *x; x++) {
		list = curl_slist_append(list, *x);
		if (!strncasecmp(*x, "Expect:", 7))
			expect_given = true;
	}
	if (!expect_given)
		list = curl_slist_append(list, "Expect:"); /* no 100-continue round trip */
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);

	CURLcode rc = curl_easy_perform(h);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
	} else {
		snprintf(r.error, sizeof r.error, "%s", curl_easy_strerror(rc));
		/* A response may have arrived before the connection broke (e.g. a 413 while
		 * uploading): report it. */
		long code = 0;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		r.status = code;
	}
	curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &r.num_connects);
	curl_easy_getinfo(h, CURLINFO_LOCAL_PORT, &r.local_port);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(list);
	r.body_len = body.len;
	r.body = str_take(&body);
	r.headers = str_take(&headers);
	parse_headers(&r);
	return r;
}

Reply client_get(Client *c, const char *path)
{
	return client_request(c, &(Request){.method = "GET", .path = path});
}

Reply client_post(Client *c, const char *path, const char *body)
{
	return client_request(c, &(Request){.method = "POST", .path = path, .body = body ? body : ""});
}

void reply_free(Reply *r)
{
	free(r->body);
	free(r->headers);
	free(r->hstore);
	*r = (Reply){0};
}

const char *reply_header(const Reply *r, const char *name)
{
	for (int i = 0; i < r->nheaders; i++)
		if (!strcasecmp(r->hname[i], name))
			return r->hvalue[i];
	return NULL;
}

const char *reply_location(const Reply *r)
{
	const char *l = reply_header(r, "Location");
	return l ? l : "-";
}

bool reply_has_header_value(const Reply *r, const char *name, const char *value)
{
	for (int i = 0; i < r->nheaders; i++)
		if (!strcasecmp(r->hname[i], name) && !strcmp(r->hvalue[i], value))
			return true;
	return false;
}

const char *reply_set_cookie(const Reply *r, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < r->nheaders; i++)
		if (!strcasecmp(r->hname[i], "Set-Cookie") && !strncmp(r->hvalue[i], name, n) &&
		    r->hvalue[i][n] == '=')
			return r->hvalue[i];
	return NULL;
}

bool reply_is(const Reply *r, long want, const char *location)
{
	if (r->status != want)
		return false;
	if (!location)
		return true;
	const char *got = reply_header(r, "Location");
	return got && !strcmp(got, location);
}

bool body_has(const Reply *r, const char *text)
{
	return r->body && strstr(r->body, text) != NULL;
}

char *client_cookie(Client *c, const char *name)
{
	struct curl_slist *cookies = NULL;
	char *value = NULL;
	if (curl_easy_getinfo(c->curl, CURLINFO_COOKIELIST, &cookies) != CURLE_OK)
		return NULL;
	for (struct curl_slist *x = cookies; x; x = x->next) {
		/* Netscape format: domain, flag, path, secure, expiry, name, value (tabs). */
		char *line = strdup(x->data), *save = NULL, *f[7] = {0};
		int nf = 0;
		for (char *t = strtok_r(line, "\t", &save); t && nf < 7; t = strtok_r(NULL, "\t", &save))
			f[nf++] = t;
		if (nf >= 6 && !strcmp(f[5], name)) {
			free(value);
			value = strdup(nf == 7 ? f[6] : "");
		}
		free(line);
	}
	curl_slist_free_all(cookies);
	return value;
}

void client_set_cookie(Client *c, const char *name, const char *value)
{
	char line[1024];
	snprintf(line, sizeof line, "Set-Cookie: %s=%s; domain=127.0.0.1; path=/", name, value);
	curl_easy_setopt(c->curl, CURLOPT_COOKIELIST, line);
}

char *extract_csrf(const char *html)
{
	if (!html)
		return NULL;
	const char *p = strstr(html, "name=\"csrf\" value=\"");
	if (!p)
		return NULL;
	p += strlen("name=\"csrf\" value=\"");
	const char *e = strchr(p, '"');
	return e ? strndup(p, (size_t)(e - p)) : NULL;
}

char *extract_stylesheet(const char *html)
{
	if (!html)
		return NULL;
	const char *p = strstr(html, "<link rel=\"stylesheet\" href=\"");
	if (!p)
		return NULL;
	p += strlen("<link rel=\"stylesheet\" href=\"");
	const char *e = strchr(p, '"');
	return e ? strndup(p, (size_t)(e - p)) : NULL;
}

char *client_csrf(Client *c, const char *path)
{
	Reply r = client_get(c, path);
	char *token = extract_csrf(r.body);
	if (!token)
		fprintf(stderr, "    no csrf field on %s (status %ld)\n", path, r.status);
	reply_free(&r);
	return token;
}

char *form_encode_v(const char *const *pairs, int npairs)
{
	Str o = {0};
	for (int i = 0; i < npairs; i++) {
		char *k = curl_easy_escape(NULL, pairs[2 * i], 0);
		char *v = curl_easy_escape(NULL, pairs[2 * i + 1] ? pairs[2 * i + 1] : "", 0);
		if (i)
			str_append(&o, "&", 1);
		str_append(&o, k, strlen(k));
		str_append(&o, "=", 1);
		str_append(&o, v, strlen(v));
		curl_free(k);
		curl_free(v);
	}
	return str_take(&o);
}

char *form_encode(const char *name, ...)
{
	const char *pairs[128];
	int n = 0;
	va_list ap;
	va_start(ap, name);
	for (const char *k = name; k && n < 63; k = va_arg(ap, const char *)) {
		pairs[2 * n] = k;
		pairs[2 * n + 1] = va_arg(ap, const char *);
		n++;
	}
	va_end(ap);
	return form_encode_v(pairs, n);
}

Reply client_post_fields_v(Client *c, const char *csrf, const char *path, va_list ap)
{
	const char *pairs[128] = {"csrf", csrf ? csrf : ""};
	int n = 1;
	for (const char *k; n < 63 && (k = va_arg(ap, const char *));) {
		pairs[2 * n] = k;
		pairs[2 * n + 1] = va_arg(ap, const char *);
		n++;
	}
	char *body = form_encode_v(pairs, n);
	Reply r = client_post(c, path, body);
	free(body);
	return r;
}

Reply client_post_fields(Client *c, const char *csrf, const char *path, ...)
{
	va_list ap;
	va_start(ap, path);
	Reply r = client_post_fields_v(c, csrf, path, ap);
	va_end(ap);
	return r;
}

#define UPLOAD_BOUNDARY "----practica-test-upload-boundary"

static void multipart_field(Str *s, const char *name, const char *value)
{
	char head[256];
	int n = snprintf(head, sizeof head, "--" UPLOAD_BOUNDARY "\r\nContent-Disposition: "
					    "form-data; name=\"%s\"\r\n\r\n", name);
	str_append(s, head, (size_t)n);
	str_append(s, value, strlen(value));
	str_append(s, "\r\n", 2);
}

Reply client_upload_pairs(Client *c, const char *csrf, const char *path,
			  const UploadFile *file, const char *const *pairs)
{
	Str s = {0};
	multipart_field(&s, "csrf", csrf ? csrf : "");
	for (const char *const *p = pairs; p && *p; p += 2)
		multipart_field(&s, p[0], p[1]);
	if (file) {
		char head[512];
		int n = snprintf(head, sizeof head, "--" UPLOAD_BOUNDARY "\r\nContent-Disposition: "
						    "form-data; name=\"file\"; filename=\"%s\"\r\n"
						    "Content-Type: %s\r\n\r\n", file->name,
				 file->type ? file->type : "application/octet-stream");
		str_append(&s, head, (size_t)n);
		str_append(&s, file->data, file->len);
		str_append(&s, "\r\n", 2);
	}
	str_append(&s, "--" UPLOAD_BOUNDARY "--\r\n", strlen("--" UPLOAD_BOUNDARY "--\r\n"));
	size_t len = s.len;
	char *body = str_take(&s);
	Reply r = client_request(c, &(Request){
		.method = "POST", .path = path, .body = body, .body_len = len,
		.content_type = "multipart/form-data; boundary=" UPLOAD_BOUNDARY});
	free(body);
	return r;
}

Reply client_upload_v(Client *c, const char *csrf, const char *path, const UploadFile *file,
		      va_list ap)
{
	const char *pairs[129];
	int n = 0;
	for (const char *k; n < 126 && (k = va_arg(ap, const char *));) {
		pairs[n++] = k;
		pairs[n++] = va_arg(ap, const char *);
	}
	pairs[n] = NULL;
	return client_upload_pairs(c, csrf, path, file, pairs);
}

Reply client_upload(Client *c, const char *csrf, const char *path, const UploadFile *file, ...)
{
	va_list ap;
	va_start(ap, file);
	Reply r = client_upload_v(c, csrf, path, file, ap);
	va_end(ap);
	return r;
}

Reply client_submit(Client *c, const char *form_page, const char *action, ...)
{
	char *token = client_csrf(c, form_page);
	va_list ap;
	va_start(ap, action);
	Reply r = client_post_fields_v(c, token, action, ap);
	va_end(ap);
	free(token);
	return r;
}

bool client_login(Client *c, const char *email, const char *password)
{
	Reply r = client_submit(c, "/login", "/login", "email", email, "password", password, NULL);
	bool ok = r.status == 303;
	if (!ok)
		fprintf(stderr, "    login as %s: status %ld %s\n", email, r.status, r.error);
	reply_free(&r);
	return ok;
}

Client *client_login_checked(const Server *s, const char *email, const char *password)
{
	Client *c = client_new(s);
	CHECK(client_login(c, email, password), "could not sign in as %s", email);
	return c;
}

Client *client_signed_in(const Server *s, const char *email, const char *password,
			 const char *form_page, char **csrf)
{
	Client *c = client_new(s);
	if (client_login(c, email, password) && (*csrf = client_csrf(c, form_page)))
		return c;
	client_free(c);
	return NULL;
}

/* ---- a suite's people and skeleton ---- */

static bool is_admin(const Person *p)
{
	return !strcmp(p->email, ADMIN_EMAIL);
}

bool people_add(const Server *s, Person *const *people, size_t n, const char *school)
{
	for (size_t i = 0; i < n; i++) {
		Person *p = people[i];
		if (is_admin(p))
			p->id = sql_int(s, "SELECT id FROM users WHERE email = '%s'", ADMIN_EMAIL);
		else
			p->id = add_user(s, p->email, p->name, p->school ? p->school : school,
					 MEMBER_PASSWORD);
		if (p->id <= 0)
			return false;
	}
	return true;
}

bool people_sign_in(const Server *s, Person *const *people, size_t n, const char *form_page)
{
	for (size_t i = 0; i < n; i++) {
		Person *p = people[i];
		const char *password = is_admin(p) ? ADMIN_PASSWORD : MEMBER_PASSWORD;
		if (!(p->c = client_signed_in(s, p->email, password, form_page, &p->csrf)))
			return false;
	}
	return true;
}

void people_free(Person *const *people, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		client_free(people[i]->c);
		people[i]->c = NULL;
		free(people[i]->csrf);
		people[i]->csrf = NULL;
	}
}

Reply post_as(Person *p, const char *path, ...)
{
	va_list ap;
	va_start(ap, path);
	Reply r = client_post_fields_v(p->c, p->csrf, path, ap);
	va_end(ap);
	return r;
}

int64_t start_thread(Person *p, const char *board, const char *title, const char *body,
		     bool question)
{
	Reply r = post_as(p, board, "title", title, "body", body, "question",
			  question ? "yes" : "", NULL);
	const char *l = reply_header(&r, "Location");
	int64_t id = r.status == 303 && l && !strncmp(l, "/threads/", 9) ? atoll(l + 9) : 0;
	CHECK(id > 0 && strstr(l, "?notice=thread-posted"), "start %s on %s as %s: %ld %s: %.300s",
	      title, board, p->name, r.status, reply_location(&r), r.body);
	reply_free(&r);
	return id;
}

int64_t reply_to_located(Person *p, int64_t thread, const char *body, char **location)
{
	Reply r = post_as(p, pathf("/threads/%lld/replies", (long long)thread), "body", body,
			  NULL);
	const char *l = reply_header(&r, "Location");
	const char *anchor = l ? strstr(l, "#post-") : NULL;
	int64_t id = r.status == 303 && anchor ? atoll(anchor + 6) : 0;
	CHECK(id > 0, "reply to %lld as %s: %ld %s: %.300s", (long long)thread, p->name, r.status,
	      reply_location(&r), r.body);
	if (location)
		*location = l ? strdup(l) : NULL;
	reply_free(&r);
	return id;
}

int64_t reply_to(Person *p, int64_t thread, const char *body)
{
	return reply_to_located(p, thread, body, NULL);
}

const char *pathf(const char *fmt, ...)
{
	static char buf[8][256];
	static int next;
	char *b = buf[next++ % 8];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b, sizeof buf[0], fmt, ap);
	va_end(ap);
	return b;
}

int count_of(const char *haystack, const char *needle)
{
	int n = 0;
	for (const char *at = haystack; at && (at = strstr(at, needle)); at += strlen(needle))
		n++;
	return n;
}

void check_stops_cleanly(Server *s, Person *const *people, size_t n, ...)
{
	people_free(people, n);
	int status = server_stop(s);
	CHECK(status == 0, "the server did not stop cleanly: exit status %d (its log is above)",
	      status);
	va_list ap;
	va_start(ap, n);
	bool clean = server_log_clean_v(s, ap);
	va_end(ap);
	CHECK(clean, "a sanitizer report, or a phrase the suite forbids, in the server log");
}

int suite_end(const char *argv0, double t0, int rc, Server *s, Person *const *people, size_t n)
{
	people_free(people, n);
	server_cleanup(s);
	const char *name = strrchr(argv0, '/');
	fprintf(stderr, "%s: %.1f s\n", name ? name + 1 : argv0, now_seconds() - t0);
	return rc;
}

/* ---- self-tests, when built as its own program (see the top of this file) ---- */
#ifndef HTTP_SUPPORT_EMBEDDED
#include "test.h"

TEST(extract_csrf_takes_first_token)
{
	char *t = extract_csrf("<form><input type=\"hidden\" name=\"csrf\" value=\"abc-_1\">"
			       "<input name=\"csrf\" value=\"second\"></form>");
	CHECK_STR(t, "abc-_1");
	free(t);
}

TEST(extract_csrf_without_form_negative)
{
	CHECK(extract_csrf("<p>no form</p>") == NULL, "found a token in a page without one");
	CHECK(extract_csrf(NULL) == NULL, "found a token in nothing");
	CHECK(extract_csrf("name=\"csrf\" value=\"unterminated") == NULL, "took a cut token");
}

TEST(form_encode_escapes_values)
{
	char *b = form_encode("name", "A&B =c", "email", "x@y.org", "empty", "", NULL);
	CHECK_STR(b, "name=A%26B%20%3Dc&email=x%40y.org&empty=");
	free(b);
}

TEST(run_practica_captures_output)
{
	RunResult r;
	int rc = run_practica(&r, NULL, "routes", NULL);
	CHECK(rc == 0, "practica routes: exit %d", rc);
	CHECK(r.out && !strncmp(r.out, "METHOD", 6), "stdout: %.80s", r.out);
	run_result_free(&r);
	rc = run_practica(&r, "", "no-such-command", NULL);
	CHECK(rc != 0, "an unknown command succeeded");
	CHECK(r.err && *r.err, "nothing on stderr");
	run_result_free(&r);
}

TEST(server_serves_and_stops)
{
	Server s;
	bool ok = server_init(&s) && server_start(&s);
	CHECK(ok, "the server did not start");
	if (ok) {
		CHECK(sql_int(&s, "SELECT count(*) FROM users WHERE role = 'admin'") == 1,
		      "no admin in the new database");
		CHECK(sql_int(&s, "SELECT id FROM users WHERE email = 'nobody'") == SQL_NO_ROW,
		      "a row for nobody");
		char *email = sql_text(&s, "SELECT email FROM users");
		CHECK_STR(email, ADMIN_EMAIL);
		free(email);
		Client *c = client_new(&s);
		Reply r = client_get(c, "/login");
		CHECK(r.status == 200, "GET /login: %ld", r.status);
		CHECK(reply_header(&r, "content-type") != NULL, "header lookup is case-sensitive");
		CHECK(reply_set_cookie(&r, "practica_visitor") != NULL, "no visitor cookie");
		reply_free(&r);
		char *visitor = client_cookie(c, "practica_visitor");
		CHECK(visitor && *visitor, "the jar did not keep the visitor cookie");
		free(visitor);
		CHECK(client_login(c, ADMIN_EMAIL, ADMIN_PASSWORD), "admin login failed");
		r = client_get(c, "/admin");
		CHECK(r.status == 200, "GET /admin as admin: %ld", r.status);
		reply_free(&r);
		client_free(c);
		CHECK(server_stop(&s) == 0, "the server did not stop cleanly");
	}
	server_cleanup(&s);
}

int main(void)
{
	return RUN_TESTS(extract_csrf_takes_first_token, extract_csrf_without_form_negative,
			 form_encode_escapes_values, run_practica_captures_output,
			 server_serves_and_stops);
}
#endif
