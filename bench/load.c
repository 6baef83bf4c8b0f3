/* The mixed-load test (make load; docs/RELIABILITY.md, "Mixed load"). It owns everything about
 * that run: a fresh bench-data database with a few seat-limited offerings and meetings added,
 * `practica serve` (the release build) started on it, members signed in, then a warm-up and a
 * measured run of reads, posts, sign-ups, RSVPs and uploads over many keep-alive connections
 * driven by libcurl's multi interface. Every response is recorded; every acknowledged write
 * is looked up in the database afterwards. Exits non-zero on any error, lost write, crash or
 * memory growth beyond the allowed share.
 *
 * Environment (all optional):
 *   LOAD_BIN=FILE          the practica binary (default build/release/practica)
 *   LOAD_CONNECTIONS=N     concurrent keep-alive connections (default 200)
 *   LOAD_MEMBERS=N         signed-in members the connections are spread over (default 50)
 *   LOAD_WARMUP=S          warm-up seconds, not measured (default 10)
 *   LOAD_SECONDS=S         measured seconds (default 60)
 *   LOAD_THREADS=N         server worker threads (default: the server's own, one per core)
 *   LOAD_SCALE=F           bench-data scale (default 0.02)
 *   LOAD_RSS_GROWTH=PCT    allowed RSS growth from after the warm-up to the end (default 10)
 *   LOAD_WAL_MAX_MB=N      largest the WAL file may be at a 5 s sample (default 128)
 *   LOAD_KEEP=1            keep the temporary directory (database, server log) */
#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "load.h"

/* ---- small helpers ---- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("load: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("load: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static long env_long(const char *name, long fallback)
{
	const char *v = getenv(name);
	return v && *v ? strtol(v, NULL, 10) : fallback;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		die("out of memory");
	return p;
}

/* Growable byte buffer for response bodies we read (sign-in pages). */
typedef struct {
	char *data;
	size_t len, cap;
	bool keep; /* false: only count the bytes */
} Body;

static size_t on_body(char *p, size_t size, size_t n, void *userdata)
{
	Body *b = userdata;
	size_t len = size * n;
	if (b->keep) {
		if (b->len + len + 1 > b->cap) {
			b->cap = (b->len + len + 1) * 2;
			b->data = realloc(b->data, b->cap);
			if (!b->data)
				die("out of memory");
		}
		memcpy(b->data + b->len, p, len);
		b->data[b->len + len] = '\0';
	}
	b->len += len;
	return len;
}

/* ---- the server process ---- */

static pid_t spawn(const char *log_path, char *const argv[])
{
	/* the child must not write our buffered output a second time */
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		FILE *log = freopen(log_path, "a", stdout);
		if (log)
			dup2(fileno(stdout), 2);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

static int wait_exit(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

static void print_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[1024];
	while (fgets(line, sizeof line, f))
		fputs(line, stderr);
	fclose(f);
}

/* VmRSS in KiB, or -1 when the process is gone. */
long proc_rss_kb(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	long kb = -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

/* utime + stime in seconds, or -1. */
double proc_cpu_s(pid_t pid)
{
	char path[64], buf[2048];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')'); /* the command name may hold spaces */
	if (!p)
		return -1;
	unsigned long long utime = 0, stime = 0;
	/* after ")": state(3) ... utime is field 14, stime 15 */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
		   &stime) != 2)
		return -1;
	return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* ---- preparing the database ---- */

static sqlite3 *open_db(const char *path)
{
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die("cannot open %s: %s", path, sqlite3_errmsg(db));
	sqlite3_busy_timeout(db, 10000);
	return db;
}

static void exec_sql(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		die("sql failed: %s\n  %s", err ? err : "?", sql);
}

int64_t sql_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die("sql failed: %s\n  %s", sqlite3_errmsg(db), sql);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return v;
}

/* Adds the seat-limited offerings (communities open for sign-up) and association-wide
 * meetings the run signs up for, and reads what the run needs from the database. */
static void prepare(Run *run)
{
	sqlite3 *db = open_db(run->db_path);
	char sql[1024];
	exec_sql(db, "BEGIN");
	for (int k = 0; k < OFFERINGS; k++) {
		snprintf(run->offering_slug[k], sizeof run->offering_slug[k], "load-cohort-%d", k + 1);
		snprintf(sql, sizeof sql,
			 "INSERT INTO communities (slug, name, kind, description, status, seat_limit, "
			 "signup_opens, signup_closes, commitment, created_at) VALUES ('%s', "
			 "'Load cohort %d', 'cohort', 'A cohort with few seats, for the load test.', "
			 "'open', %d, date('now', '-2 days'), date('now', '+30 days'), '', "
			 "strftime('%%s', 'now'))",
			 run->offering_slug[k], k + 1, OFFERING_SEATS);
		exec_sql(db, sql);
		run->offering_id[k] = sqlite3_last_insert_rowid(db);
	}
	for (int k = 0; k < MEETINGS; k++) {
		snprintf(sql, sizeof sql,
			 "INSERT INTO meetings (community_id, title, starts_at, ends_at, format, "
			 "purpose, seat_limit, signin_code, uid, created_at, updated_at) VALUES (NULL, "
			 "'Load workshop %d', strftime('%%s', 'now') + 86400 * %d, strftime('%%s', "
			 "'now') + 86400 * %d + 5400, 'in_person', 'Seats are few.', %d, 'LOAD%02d', "
			 "'load-%d@practica.test', strftime('%%s', 'now'), strftime('%%s', 'now'))",
			 k + 1, k + 3, k + 3, MEETING_SEATS, k, k);
		exec_sql(db, sql);
		run->meeting_id[k] = sqlite3_last_insert_rowid(db);
	}
	exec_sql(db, "COMMIT");

	/* Members to sign in: bench-data gives every account the same password. */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT id, email FROM users WHERE status = 'active' AND role = "
				   "'member' ORDER BY id LIMIT ?", -1, &st, NULL) != SQLITE_OK)
		die("%s", sqlite3_errmsg(db));
	sqlite3_bind_int(st, 1, run->nmembers);
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW && n < run->nmembers) {
		run->members[n].id = sqlite3_column_int64(st, 0);
		snprintf(run->members[n].email, sizeof run->members[n].email, "%s",
			 (const char *)sqlite3_column_text(st, 1));
		n++;
	}
	sqlite3_finalize(st);
	if (n < run->nmembers)
		die("the database has only %d active members (LOAD_MEMBERS=%d)", n, run->nmembers);

	/* Threads of the all-communities board: every member may read them and reply. */
	if (sqlite3_prepare_v2(db, "SELECT id FROM threads WHERE community_id IS NULL ORDER BY "
				   "reply_count DESC, id LIMIT ?", -1, &st, NULL) != SQLITE_OK)
		die("%s", sqlite3_errmsg(db));
	sqlite3_bind_int(st, 1, MAX_THREADS);
	while (sqlite3_step(st) == SQLITE_ROW)
		run->threads[run->nthreads++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (run->nthreads < 2)
		die("no threads on the all-communities board");

	/* A typical document every member may download: the median size. */
	run->document_id = sql_int(db, "SELECT i.id FROM library_items i JOIN library_versions v ON "
				       "v.item_id = i.id JOIN files f ON f.id = v.file_id WHERE "
				       "i.kind = 'document' AND i.community_id IS NULL ORDER BY f.size "
				       "LIMIT 1 OFFSET (SELECT count(*) / 2 FROM library_items WHERE "
				       "kind = 'document' AND community_id IS NULL)");
	snprintf(sql, sizeof sql, "SELECT f.size FROM library_versions v JOIN files f ON f.id = "
				  "v.file_id WHERE v.item_id = %lld ORDER BY v.number DESC LIMIT 1",
		 (long long)run->document_id);
	run->document_size = sql_int(db, sql);
	run->category_id = sql_int(db, "SELECT min(id) FROM library_categories");
	if (!run->document_id || !run->category_id)
		die("no library document or category to use");

	/* The warm-up's first pass reads every page a member may see once, so that SQLite's page
	 * caches (16 MB per connection, DECISIONS 71) are as full as they get before memory is
	 * first measured: their filling is not growth. */
	if (sqlite3_prepare_v2(db, "SELECT '/threads/' || t.id FROM threads t LEFT JOIN communities "
				   "c ON c.id = t.community_id WHERE c.id IS NULL OR c.visibility = "
				   "'open' UNION ALL SELECT '/library/' || i.id || x.suffix FROM "
				   "library_items i, (SELECT '' AS suffix UNION ALL SELECT '/file') x "
				   "WHERE i.community_id IS NULL AND (i.kind = 'document' OR x.suffix "
				   "= '') UNION ALL SELECT '/members/' || id FROM users WHERE status = "
				   "'active' UNION ALL SELECT '/communities/' || slug || '/board' FROM "
				   "communities WHERE visibility = 'open'",
			       -1, &st, NULL) != SQLITE_OK)
		die("%s", sqlite3_errmsg(db));
	int cap = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (run->nsweep == cap) {
			cap = cap ? cap * 2 : 1024;
			run->sweep = realloc(run->sweep, (size_t)cap * sizeof *run->sweep);
			if (!run->sweep)
				die("out of memory");
		}
		run->sweep[run->nsweep++] = strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);

	run->max_post_before = sql_int(db, "SELECT coalesce(max(id), 0) FROM posts");
	run->max_thread_before = sql_int(db, "SELECT coalesce(max(id), 0) FROM threads");
	run->max_item_before = sql_int(db, "SELECT coalesce(max(id), 0) FROM library_items");
	sqlite3_close(db);
}

/* ---- signing in ---- */

/* value of the first name="csrf" field on a page, or "" */
static void find_csrf(const char *page, char *out, size_t n)
{
	out[0] = '\0';
	const char *p = page ? strstr(page, "name=\"csrf\" value=\"") : NULL;
	if (!p)
		return;
	p += strlen("name=\"csrf\" value=\"");
	const char *e = strchr(p, '"');
	if (e && (size_t)(e - p) < n) {
		memcpy(out, p, (size_t)(e - p));
		out[e - p] = '\0';
	}
}

/* Runs every handle to completion in the multi handle; returns the number that failed at
 * the transport level. */
static int perform_all(CURLM *multi, CURL **handles, int n)
{
	for (int i = 0; i < n; i++)
		curl_multi_add_handle(multi, handles[i]);
	int running = n, failed = 0;
	while (running) {
		curl_multi_perform(multi, &running);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(multi, &left)))
			if (msg->msg == CURLMSG_DONE && msg->data.result != CURLE_OK) {
				say("sign-in request failed: %s", curl_easy_strerror(msg->data.result));
				failed++;
			}
		if (running)
			curl_multi_poll(multi, NULL, 0, 200, NULL);
	}
	for (int i = 0; i < n; i++)
		curl_multi_remove_handle(multi, handles[i]);
	return failed;
}

static void sign_in_all(Run *run, CURLM *multi)
{
	int n = run->nmembers;
	CURL **h = xcalloc((size_t)n, sizeof *h);
	Body *bodies = xcalloc((size_t)n, sizeof *bodies);
	char url[256];
	char **posts = xcalloc((size_t)n, sizeof *posts);
	for (int step = 0; step < 3; step++) {
		for (int i = 0; i < n; i++) {
			Member *m = &run->members[i];
			if (!m->share) {
				m->share = curl_share_init();
				curl_share_setopt(m->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
			}
			h[i] = curl_easy_init();
			free(bodies[i].data);
			bodies[i] = (Body){.keep = true};
			curl_easy_setopt(h[i], CURLOPT_SHARE, m->share);
			curl_easy_setopt(h[i], CURLOPT_COOKIEFILE, "");
			curl_easy_setopt(h[i], CURLOPT_WRITEFUNCTION, on_body);
			curl_easy_setopt(h[i], CURLOPT_WRITEDATA, &bodies[i]);
			curl_easy_setopt(h[i], CURLOPT_TIMEOUT, 120L);
			if (step == 1) {
				char csrf[128];
				find_csrf(m->login_page, csrf, sizeof csrf);
				char *email = curl_easy_escape(h[i], m->email, 0);
				char *token = curl_easy_escape(h[i], csrf, 0);
				size_t len = strlen(email) + strlen(token) + 64;
				posts[i] = xcalloc(len, 1);
				snprintf(posts[i], len, "email=%s&password=%s&csrf=%s", email,
					 BENCH_PASSWORD, token);
				curl_free(email);
				curl_free(token);
				curl_easy_setopt(h[i], CURLOPT_POSTFIELDS, posts[i]);
			}
			snprintf(url, sizeof url, "%s%s", run->base,
				 step == 2 ? "/account" : "/login");
			curl_easy_setopt(h[i], CURLOPT_URL, url);
		}
		if (perform_all(multi, h, n))
			die("signing in failed");
		for (int i = 0; i < n; i++) {
			Member *m = &run->members[i];
			long status = 0;
			curl_easy_getinfo(h[i], CURLINFO_RESPONSE_CODE, &status);
			long want = step == 1 ? 303 : 200;
			if (status != want)
				die("signing in %s: step %d answered %ld", m->email, step, status);
			if (step == 0) {
				m->login_page = bodies[i].data;
				bodies[i].data = NULL;
			} else if (step == 2) {
				find_csrf(bodies[i].data, m->csrf, sizeof m->csrf);
				if (!m->csrf[0])
					die("no CSRF token on /account for %s", m->email);
			}
			curl_easy_cleanup(h[i]);
			free(posts[i]);
			posts[i] = NULL;
		}
	}
	for (int i = 0; i < n; i++) {
		free(bodies[i].data);
		free(run->members[i].login_page);
		run->members[i].login_page = NULL;
	}
	free(bodies);
	free(posts);
	free(h);
}

/* ---- the run ---- */

static const char *usage_env =
	"LOAD_BIN LOAD_CONNECTIONS LOAD_MEMBERS LOAD_WARMUP LOAD_SECONDS LOAD_THREADS LOAD_SCALE "
	"LOAD_RSS_GROWTH LOAD_WAL_MAX_MB LOAD_KEEP";

int main(int argc, char **argv)
{
	if (argc > 1) {
		fprintf(stderr, "usage: %s (settings come from the environment: %s)\n", argv[0],
			usage_env);
		return 2;
	}
	static Run run;
	run.bin = getenv("LOAD_BIN") && *getenv("LOAD_BIN") ? getenv("LOAD_BIN")
							    : "build/release/practica";
	run.connections = (int)env_long("LOAD_CONNECTIONS", 200);
	run.nmembers = (int)env_long("LOAD_MEMBERS", 50);
	run.warmup = (double)env_long("LOAD_WARMUP", 10);
	run.seconds = (double)env_long("LOAD_SECONDS", 60);
	run.rss_growth_pct = (double)env_long("LOAD_RSS_GROWTH", 10);
	run.wal_limit_kb = env_long("LOAD_WAL_MAX_MB", 128) * 1024;
	long threads = env_long("LOAD_THREADS", 0);
	const char *scale = getenv("LOAD_SCALE") && *getenv("LOAD_SCALE") ? getenv("LOAD_SCALE")
									    : "0.02";
	if (run.connections < 1 || run.connections > MAX_CONNECTIONS || run.nmembers < 1 ||
	    run.nmembers > MAX_MEMBERS || run.nmembers > run.connections || run.seconds < 1 ||
	    run.warmup < 0)
		die("LOAD_CONNECTIONS must be 1-%d, LOAD_MEMBERS 1-%d and at most the connections",
		    MAX_CONNECTIONS, MAX_MEMBERS);
	if (access(run.bin, X_OK) != 0)
		die("no %s (make it first)", run.bin);
	run.members = xcalloc((size_t)run.nmembers, sizeof *run.members);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	run.run_tag = (unsigned)rand() & 0xffffff;

	char dir[] = "/tmp/practica-load.XXXXXX";
	if (!mkdtemp(dir))
		die("mkdtemp: %s", strerror(errno));
	snprintf(run.db_path, sizeof run.db_path, "%s/load.db", dir);
	char log_path[128], port_path[128];
	snprintf(log_path, sizeof log_path, "%s/server.log", dir);
	snprintf(port_path, sizeof port_path, "%s/port", dir);

	/* The database: fresh bench data, then our offerings and meetings. */
	double t0 = now_s();
	char *gen[] = {(char *)run.bin, "bench-data", "--db", run.db_path, "--scale", (char *)scale,
		       NULL};
	char gen_log[128];
	snprintf(gen_log, sizeof gen_log, "%s/bench-data.log", dir);
	if (wait_exit(spawn(gen_log, gen)) != 0) {
		print_file(gen_log);
		die("practica bench-data failed");
	}
	prepare(&run);
	say("database ready in %.1f s (bench-data scale %s, %d offerings of %d seats, %d meetings "
	    "of %d seats)", now_s() - t0, scale, OFFERINGS, OFFERING_SEATS, MEETINGS, MEETING_SEATS);

	/* The server: the release build with its default connection limits (1000 per address,
	 * so 200 connections from 127.0.0.1 need no setting). */
	char threads_text[16];
	snprintf(threads_text, sizeof threads_text, "%ld", threads);
	char *serve[16] = {(char *)run.bin, "serve", "--db", run.db_path, "--listen",
			   "127.0.0.1:0", "--port-file", port_path, "--access-log", "off", NULL};
	if (threads > 0) {
		serve[10] = "--threads";
		serve[11] = threads_text;
		serve[12] = NULL;
	}
	run.server = spawn(log_path, serve);
	for (int i = 0; i < 3000; i++) {
		struct stat sb;
		if (stat(port_path, &sb) == 0 && sb.st_size > 0)
			break;
		if (waitpid(run.server, NULL, WNOHANG) == run.server) {
			print_file(log_path);
			die("the server did not start");
		}
		usleep(10000);
	}
	FILE *pf = fopen(port_path, "r");
	int port = 0;
	if (!pf || fscanf(pf, "%d", &port) != 1)
		die("the server wrote no port");
	fclose(pf);
	snprintf(run.base, sizeof run.base, "http://127.0.0.1:%d", port);
	say("server pid %d on %s", (int)run.server, run.base);

	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURLM *multi = curl_multi_init();
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)run.connections + 16);
	curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)run.connections);
	t0 = now_s();
	sign_in_all(&run, multi);
	say("%d members signed in in %.1f s", run.nmembers, now_s() - t0);

	int failures = load_run(&run, multi);

	/* Still answering? Then a clean stop: a crash during the run shows here too. */
	bool alive = waitpid(run.server, NULL, WNOHANG) == 0;
	if (alive) {
		CURL *h = curl_easy_init();
		char url[128];
		snprintf(url, sizeof url, "%s/healthz", run.base);
		Body b = {.keep = false};
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
		curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
		long status = 0;
		if (curl_easy_perform(h) == CURLE_OK)
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_cleanup(h);
		run.still_answers = status == 200;
		kill(run.server, SIGTERM);
		run.exit_status = wait_exit(run.server);
	} else {
		run.exit_status = -1;
	}
	if (!run.still_answers || run.exit_status != 0) {
		say("the server %s (exit status %d); its log:", alive ? "misbehaved at the end"
								       : "died during the run",
		    run.exit_status);
		print_file(log_path);
		failures++;
	}

	/* The writes, checked after the server stopped: what it acknowledged must be on disk. */
	failures += verify_writes(&run);
	failures += report(&run);

	curl_multi_cleanup(multi);
	for (int i = 0; i < run.nmembers; i++)
		curl_share_cleanup(run.members[i].share);
	curl_global_cleanup();
	if (getenv("LOAD_KEEP") && *getenv("LOAD_KEEP")) {
		say("kept %s", dir);
	} else {
		char *rm[] = {"/bin/rm", "-rf", dir, NULL};
		wait_exit(spawn("/dev/null", rm));
	}
	if (failures) {
		say("FAILED (%d problem%s)", failures, failures == 1 ? "" : "s");
		return 1;
	}
	say("passed");
	return 0;
}
