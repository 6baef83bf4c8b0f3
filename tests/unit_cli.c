/* The command line, end to end: runs the real binary ($PRACTICA_BIN, default
 * build/asan/practica) in a temporary directory and checks exit codes, output and the
 * databases it leaves behind. Exit codes: 0 done, 1 failed, 2 usage error. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "test.h"

/* ---- running the binary ---- */

static char tmpdir[64];
static const char *bin;
static char out[65536], err[65536]; /* the last run's stdout and stderr */

static void remove_tmpdir(void)
{
	DIR *d = opendir(tmpdir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char p[512];
		snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(tmpdir);
}

/* A path in the temporary directory; eight are valid at a time. */
static const char *tmp(const char *name)
{
	static char path[8][256];
	static int next;
	char *p = path[next++ % 8];
	snprintf(p, 256, "%s/%s", tmpdir, name);
	return p;
}

static void slurp(const char *path, char *buf, size_t cap)
{
	buf[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	size_t n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Runs bin with the NULL-terminated arguments, stdin from stdin_text (NULL: /dev/null), in
 * the temporary directory. Fills out and err; returns the exit status, 128+N for a signal,
 * -1 when it could not run or took longer than 60 s. */
static int run_v(const char *stdin_text, const char *const *args)
{
	char inpath[300], outpath[300], errpath[300];
	snprintf(inpath, sizeof inpath, "%s/.stdin", tmpdir);
	snprintf(outpath, sizeof outpath, "%s/.stdout", tmpdir);
	snprintf(errpath, sizeof errpath, "%s/.stderr", tmpdir);
	FILE *in = fopen(inpath, "w");
	if (!in)
		return -1;
	if (stdin_text)
		fputs(stdin_text, in);
	fclose(in);
	const char *argv[32];
	int argc = 0;
	bool touches_db = false;
	argv[argc++] = bin;
	for (; *args && argc < 31; args++) {
		touches_db |= !strcmp(*args, "--db");
		argv[argc++] = *args;
	}
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int i = open(stdin_text ? inpath : "/dev/null", O_RDONLY);
		int o = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (i < 0 || o < 0 || e < 0 || chdir(tmpdir) != 0)
			_exit(126);
		dup2(i, 0), dup2(o, 1), dup2(e, 2);
		close(i), close(o), close(e);
		if (!touches_db) {
			/* Help and usage errors: LeakSanitizer's exit scan would double their run
			 * time under ASan, and they exit before doing any work. */
			const char *asan = getenv("ASAN_OPTIONS");
			char opts[1024];
			snprintf(opts, sizeof opts, "%s%sdetect_leaks=0", asan ? asan : "",
				 asan && *asan ? ":" : "");
			setenv("ASAN_OPTIONS", opts, 1);
		}
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	int status = 0;
	struct timespec tick = {0, 2 * 1000 * 1000};
	for (int waited = 0;; waited++) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -1;
		if (waited > 30000) { /* 60 s */
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			slurp(outpath, out, sizeof out);
			slurp(errpath, err, sizeof err);
			return -1;
		}
		nanosleep(&tick, NULL);
	}
	slurp(outpath, out, sizeof out);
	slurp(errpath, err, sizeof err);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

#define run(...) run_v(NULL, (const char *const[]){__VA_ARGS__, NULL})
#define run_in(text, ...) run_v(text, (const char *const[]){__VA_ARGS__, NULL})

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static int count_substr(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* ---- looking into databases directly ---- */

static int64_t sql_int(const char *path, const char *sql)
{
	sqlite3 *h;
	int64_t v = -1;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				v = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
		}
	}
	sqlite3_close(h);
	return v;
}

static const char *sql_text(const char *path, const char *sql)
{
	static char buf[1024];
	buf[0] = '\0';
	sqlite3 *h;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
				snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
			sqlite3_finalize(st);
		}
	}
	sqlite3_close(h);
	return buf;
}

static bool sql_exec(const char *path, const char *sql)
{
	sqlite3 *h;
	bool ok = false;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
		char *msg = NULL;
		ok = sqlite3_exec(h, sql, NULL, NULL, &msg) == SQLITE_OK;
		if (!ok)
			fprintf(stderr, "    sql: %s\n", msg ? msg : "?");
		sqlite3_free(msg);
	}
	sqlite3_close(h);
	return ok;
}

/* A fresh database made by `init` with a known admin password; NULL on failure. */
static const char *init_db(const char *name)
{
	const char *path = tmp(name);
	int rc = run_in("first admin password\n", "init", "--db", path, "--admin-email",
			"root@example.org", "--admin-name", "Root Admin", "--password-stdin");
	CHECK(rc == 0, "init %s: exit %d: %s", name, rc, err);
	return rc == 0 ? path : NULL;
}

/* ---- top level ---- */

TEST(version_prints_name_and_version)
{
	CHECK(run("--version") == 0, "exit code");
	unsigned a, b, c;
	char nl;
	CHECK(sscanf(out, "practica %u.%u.%u%c", &a, &b, &c, &nl) == 4 && nl == '\n',
	      "got \"%s\"", out);
	CHECK(count_lines(out) == 1, "more than one line: %s", out);
	CHECK(err[0] == '\0', "stderr: %s", err);
}

TEST(help_lists_commands)
{
	CHECK(run("--help") == 0, "exit code");
	CHECK(!strncmp(out, "usage: practica", 15), "stdout: %s", out);
	static const char *const cmds[] = {"serve", "init", "demo", "user", "backup", "routes", NULL};
	for (const char *const *c = cmds; *c; c++)
		CHECK(strstr(out, *c) != NULL, "%s missing from help", *c);
	CHECK(run("help") == 0 && strstr(out, "usage: practica"), "help");
}

TEST(no_command_is_usage_error)
{
	const char *none[] = {NULL};
	CHECK(run_v(NULL, none) == 2, "exit code");
	CHECK(strstr(err, "usage: practica") != NULL, "stderr: %s", err);
	CHECK(out[0] == '\0', "stdout: %s", out);
}

TEST(unknown_command_refused)
{
	CHECK(run("frobnicate") == 2, "exit code");
	CHECK(!strncmp(err, "practica: unknown command 'frobnicate'\n", 39), "first line: %s", err);
	CHECK(strstr(err, "usage: practica") != NULL, "no usage: %s", err);
	CHECK(out[0] == '\0', "stdout: %s", out);
	CHECK(run("--frobnicate") == 2, "--frobnicate");
}

TEST(each_command_has_help)
{
	static const char *const cmds[] = {"serve",  "init",    "demo",    "user", "backup",
					   "routes", "reindex", "upgrade", NULL};
	for (const char *const *c = cmds; *c; c++) {
		int rc = run(*c, "--help");
		CHECK(rc == 0, "%s --help: exit %d", *c, rc);
		char want[64];
		snprintf(want, sizeof want, "usage: practica %s", *c);
		CHECK(strstr(out, want) != NULL, "%s --help printed: %s", *c, out);
	}
	CHECK(run("user", "add", "-h") == 0 && strstr(out, "usage: practica user"), "user add -h");
}

/* A usage error: exit 2, a one-line reason naming the problem, then the usage. */
static void check_usage_error(const char *what, int rc, const char *reason, const char *usage)
{
	CHECK(rc == 2, "%s: exit %d (stderr: %s)", what, rc, err);
	CHECK(strstr(err, reason) != NULL, "%s: want \"%s\" in: %s", what, reason, err);
	if (usage)
		CHECK(strstr(err, usage) != NULL, "%s: no usage in: %s", what, err);
}

TEST(bad_flags_refused)
{
	check_usage_error("serve --bogus", run("serve", "--bogus"), "unknown option '--bogus'",
			  "usage: practica serve");
	check_usage_error("init --db", run("init", "--db"), "--db needs a value",
			  "usage: practica init");
	check_usage_error("init without flags", run("init"), "--db and --admin-email are required",
			  "usage: practica init");
	check_usage_error("serve --trust-proxy=yes", run("serve", "--trust-proxy=yes"),
			  "takes no value", "usage: practica serve");
	check_usage_error("serve extra", run("serve", "extra"), "unexpected argument 'extra'",
			  "usage: practica serve");
	check_usage_error("routes extra", run("routes", "extra"), "unexpected argument",
			  "usage: practica routes");
	check_usage_error("demo without --db", run("demo"), "--db FILE is required",
			  "usage: practica demo");
	check_usage_error("backup without DEST", run("backup", "--db", tmp("x.db")),
			  "required", "usage: practica backup");
	check_usage_error("user", run("user"), "usage: practica user", NULL);
	check_usage_error("user frob", run("user", "frob", "--db", "x"), "unknown action 'frob'",
			  "usage: practica user");
	check_usage_error("user list without --db", run("user", "list"), "--db is required",
			  "usage: practica user");
	check_usage_error("user approve without email", run("user", "approve", "--db", "x"),
			  "wrong number of arguments", "usage: practica user");
}

TEST(serve_bad_values_refused)
{
	check_usage_error("--threads -1", run("serve", "--threads", "-1"), "--threads: threads",
			  "usage: practica serve");
	check_usage_error("--listen without port", run("serve", "--listen", "127.0.0.1"),
			  "--listen: listen", NULL);
	check_usage_error("--max-body 10", run("serve", "--max-body", "10"), "max-body", NULL);
	check_usage_error("--timeout 0", run("serve", "--timeout=0"), "timeout", NULL);
	const char *conf = tmp("bad.conf");
	FILE *f = fopen(conf, "w");
	CHECK(f != NULL, "write %s", conf);
	if (!f)
		return;
	fputs("# comment\nthreads = 2\ncolour = blue\n", f);
	fclose(f);
	char want[300];
	snprintf(want, sizeof want, "%s:3:", conf);
	check_usage_error("--config with an unknown key", run("serve", "--config", conf), want, NULL);
	check_usage_error("--config missing", run("serve", "--config", tmp("none.conf")),
			  "cannot read config file", NULL);
}

/* ---- init ---- */

TEST(init_with_password_stdin)
{
	const char *db = tmp("init.db");
	int rc = run_in("correct horse battery\n", "init", "--db", db, "--admin-email",
			"Staff@Example.org", "--password-stdin");
	CHECK(rc == 0, "exit %d: %s", rc, err);
	CHECK(strstr(out, "Administrator: Staff@Example.org") != NULL, "stdout: %s", out);
	CHECK(strstr(out, "Password:") == NULL, "printed a password it did not generate: %s", out);
	CHECK(exists(db), "no database");
	CHECK(sql_int(db, "SELECT count(*) FROM users WHERE role = 'admin' AND status = 'active' "
			  "AND school_id IS NULL AND name = 'Administrator'") == 1,
	      "no active admin");
	CHECK(password_verify(sql_text(db, "SELECT password_hash FROM users"),
			      "correct horse battery"),
	      "the stdin password does not verify (newline kept?)");
	CHECK(sql_int(db, "PRAGMA user_version") > 0, "not migrated");
	rc = run("user", "list", "--db", db);
	CHECK(rc == 0 && strstr(out, "Staff@Example.org") && strstr(out, "admin"),
	      "user list: exit %d: %s", rc, out);
}

/* `upgrade` brings a database at an older schema level (here the oldest: an empty SQLite file,
 * level 0) to this version's, leaves a current one alone, and never creates one. */
TEST(upgrade_migrates_an_older_database)
{
	const char *fresh = tmp("fresh.db");
	CHECK(run_in("correct horse battery\n", "init", "--db", fresh, "--admin-email",
		     "staff@example.org", "--password-stdin") == 0, "init: %s", err);
	int current = (int)sql_int(fresh, "PRAGMA user_version");
	const char *db = tmp("upgrade.db");
	sqlite3 *h;
	CHECK(sqlite3_open(db, &h) == SQLITE_OK, "could not create %s", db);
	sqlite3_close(h);
	CHECK(exists(db) && sql_int(db, "PRAGMA user_version") == 0, "not an empty database");
	int rc = run("upgrade", "--db", db);
	CHECK(rc == 0, "exit %d: %s", rc, err);
	char want[64];
	snprintf(want, sizeof want, "schema version %d", current);
	CHECK(strstr(out, want) != NULL, "stdout: %s", out);
	CHECK(sql_int(db, "PRAGMA user_version") == current, "not migrated to %d", current);
	CHECK(sql_int(db, "SELECT count(*) FROM sqlite_schema") ==
		      sql_int(fresh, "SELECT count(*) FROM sqlite_schema"),
	      "the upgraded schema differs from a new database's");
	CHECK(run("upgrade", "--db", db) == 0 && strstr(out, want), "second run: %s", out);
	CHECK(run("upgrade", "--db", tmp("missing.db")) == 1 && strstr(err, "no database"),
	      "missing database: %s", err);
	CHECK(!exists(tmp("missing.db")), "upgrade created a database");
}

TEST(init_existing_file_refused)
{
	const char *db = tmp("existing.db");
	FILE *f = fopen(db, "w");
	CHECK(f != NULL, "create");
	if (!f)
		return;
	fputs("precious", f);
	fclose(f);
	int rc = run_in("correct horse battery\n", "init", "--db", db, "--admin-email",
			"a@example.org", "--password-stdin");
	CHECK(rc == 1, "exit %d", rc);
	CHECK(strstr(err, "already exists") != NULL, "stderr: %s", err);
	struct stat sb;
	CHECK(stat(db, &sb) == 0 && sb.st_size == 8, "the file was changed");
}

TEST(init_generates_password_once)
{
	const char *db = tmp("generated.db");
	int rc = run("init", "--db", db, "--admin-email", "gen@example.org", "--admin-name",
		     "Janet Garagliano");
	CHECK(rc == 0, "exit %d: %s", rc, err);
	CHECK(count_substr(out, "Password: ") == 1, "want one Password line: %s", out);
	CHECK(strstr(err, "Password") == NULL, "password on stderr: %s", err);
	const char *p = strstr(out, "Password: ");
	char password[128] = "";
	if (p)
		sscanf(p + 10, "%127s", password);
	CHECK(strlen(password) >= PASSWORD_MIN, "short generated password \"%s\"", password);
	CHECK(password_verify(sql_text(db, "SELECT password_hash FROM users"), password),
	      "the printed password does not verify");
	CHECK_STR(sql_text(db, "SELECT name FROM users"), "Janet Garagliano");
}

TEST(init_bad_input_refused)
{
	const char *db = tmp("bad-init.db");
	int rc = run_in("short\n", "init", "--db", db, "--admin-email", "a@example.org",
			"--password-stdin");
	CHECK(rc == 2, "short password: exit %d", rc);
	CHECK(strstr(err, "at least 10 characters") != NULL, "stderr: %s", err);
	CHECK(!exists(db), "a database was created for a refused password");
	rc = run_in("correct horse battery\n", "init", "--db", db, "--admin-email", "not-an-email",
		    "--password-stdin");
	CHECK(rc == 2, "bad email: exit %d", rc);
	CHECK(!exists(db), "a database was created for a refused email");
	rc = run_in("", "init", "--db", db, "--admin-email", "a@example.org", "--password-stdin");
	CHECK(rc == 2, "empty stdin: exit %d", rc);
	CHECK(!exists(db), "a database was created without a password");
}

/* ---- user ---- */

/* One database for the user tests, with an admin and a member school: each test uses its own
 * emails. */
static const char *users_db(void)
{
	static const char *path;
	static bool tried;
	if (!tried) {
		tried = true;
		path = init_db("users.db");
		if (path && !sql_exec(path, "INSERT INTO schools (id, name, created_at) VALUES "
					    "(1, 'E.L. Haynes Public Charter School', 0)"))
			path = NULL;
		if (path) {
			static char keep[256];
			snprintf(keep, sizeof keep, "%s", path);
			path = keep;
		}
	}
	return path;
}

TEST(user_add_list_role)
{
	const char *db = users_db();
	if (!db)
		return;
	int rc = run_in("member password 1\n", "user", "add", "--db", db, "--email",
			"maria@example.org", "--name", "Maria Alvarez", "--job-title", "Principal",
			"--school", "E.L. Haynes Public Charter School", "--password-stdin");
	CHECK(rc == 0, "user add: exit %d: %s", rc, err);
	CHECK(strstr(out, "Added maria@example.org") != NULL, "stdout: %s", out);
	CHECK_STR(sql_text(db, "SELECT status || ' ' || role || ' ' || job_title FROM users "
			       "WHERE email = 'maria@example.org'"),
		  "active member Principal");
	rc = run("user", "list", "--db", db);
	CHECK(rc == 0, "user list: exit %d", rc);
	CHECK(strstr(out, "maria@example.org") && strstr(out, "Maria Alvarez") &&
		      strstr(out, "E.L. Haynes Public Charter School"),
	      "user list: %s", out);
	rc = run("user", "role", "--db", db, "maria@example.org", "admin");
	CHECK(rc == 0, "role admin: exit %d: %s", rc, err);
	CHECK_STR(sql_text(db, "SELECT role FROM users WHERE email = 'maria@example.org'"), "admin");
	rc = run("user", "role", "--db", db, "MARIA@example.org", "member");
	CHECK(rc == 0, "role member (email in other case): exit %d: %s", rc, err);
	CHECK_STR(sql_text(db, "SELECT role FROM users WHERE email = 'maria@example.org'"),
		  "member");
}

TEST(user_add_generates_password)
{
	const char *db = users_db();
	if (!db)
		return;
	int rc = run("user", "add", "--db", db, "--email", "staff2@example.org", "--name",
		     "Second Staff", "--admin");
	CHECK(rc == 0, "exit %d: %s", rc, err);
	CHECK(count_substr(out, "Password: ") == 1, "stdout: %s", out);
	CHECK_STR(sql_text(db, "SELECT role || ' ' || status FROM users WHERE email = "
			       "'staff2@example.org'"),
		  "admin active");
}

TEST(user_add_refused)
{
	const char *db = users_db();
	if (!db)
		return;
	int rc = run_in("member password 1\n", "user", "add", "--db", db, "--email",
			"x@example.org", "--name", "X", "--school", "No Such School",
			"--password-stdin");
	CHECK(rc == 1, "unknown school: exit %d", rc);
	CHECK(strstr(err, "no school named 'No Such School'") != NULL, "stderr: %s", err);
	rc = run_in("member password 1\n", "user", "add", "--db", db, "--email", "x@example.org",
		    "--name", "X", "--password-stdin");
	CHECK(rc == 2, "neither --school nor --admin: exit %d", rc);
	rc = run_in("member password 1\n", "user", "add", "--db", db, "--email", "ROOT@example.org",
		    "--name", "Dup", "--admin", "--password-stdin");
	CHECK(rc == 1, "duplicate email: exit %d", rc);
	CHECK(strstr(err, "already has an account") != NULL, "stderr: %s", err);
	rc = run_in("member password 1\n", "user", "add", "--db", db, "--email", "bad", "--name",
		    "X", "--admin", "--password-stdin");
	CHECK(rc == 2, "bad email: exit %d", rc);
	CHECK(sql_int(db, "SELECT count(*) FROM users WHERE email IN ('x@example.org', 'bad')") == 0,
	      "an account was added");
}

TEST(user_approve_disable_enable)
{
	const char *db = users_db();
	if (!db)
		return;
	CHECK(sql_exec(db, "INSERT INTO users (email, name, school_id, status, password_hash, "
			   "created_at) VALUES ('pending@example.org', 'Pat Pending', 1, 'pending', "
			   "'x', 0)"),
	      "insert pending user");
	int rc = run("user", "approve", "--db", db, "pending@example.org");
	CHECK(rc == 0, "approve: exit %d: %s", rc, err);
	CHECK_STR(sql_text(db, "SELECT status FROM users WHERE email = 'pending@example.org'"),
		  "active");
	CHECK(sql_int(db, "SELECT approved_at IS NOT NULL FROM users WHERE email = "
			  "'pending@example.org'") == 1,
	      "approved_at not set");
	rc = run("user", "approve", "--db", db, "pending@example.org");
	CHECK(rc == 1, "approving twice: exit %d", rc);
	CHECK(strstr(err, "not changed") != NULL, "stderr: %s", err);

	CHECK(sql_exec(db, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
			   "SELECT randomblob(32), id, 0, 9999999999 FROM users WHERE email = "
			   "'pending@example.org'"),
	      "insert session");
	rc = run("user", "disable", "--db", db, "pending@example.org");
	CHECK(rc == 0, "disable: exit %d: %s", rc, err);
	CHECK_STR(sql_text(db, "SELECT status FROM users WHERE email = 'pending@example.org'"),
		  "disabled");
	CHECK(sql_int(db, "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE "
			  "u.email = 'pending@example.org'") == 0,
	      "sessions kept after disable");
	rc = run("user", "enable", "--db", db, "pending@example.org");
	CHECK(rc == 0, "enable: exit %d: %s", rc, err);
	CHECK_STR(sql_text(db, "SELECT status FROM users WHERE email = 'pending@example.org'"),
		  "active");
	rc = run("user", "enable", "--db", db, "pending@example.org");
	CHECK(rc == 1, "enabling an active account: exit %d", rc);
}

TEST(user_errors_refused)
{
	const char *db = users_db();
	if (!db)
		return;
	int rc = run("user", "disable", "--db", db, "nobody@example.org");
	CHECK(rc == 1, "unknown email: exit %d", rc);
	CHECK(strstr(err, "no account with email nobody@example.org") != NULL, "stderr: %s", err);
	rc = run("user", "role", "--db", db, "root@example.org", "boss");
	CHECK(rc == 2, "bad role: exit %d", rc);
	CHECK(strstr(err, "admin or member") != NULL, "stderr: %s", err);
	rc = run("user", "role", "--db", db, "root@example.org", "member");
	CHECK(rc == 1, "a school-less admin made a member: exit %d", rc);
	CHECK_STR(sql_text(db, "SELECT role FROM users WHERE email = 'root@example.org'"), "admin");
	rc = run("user", "list", "--db", tmp("missing.db"));
	CHECK(rc == 1, "missing database: exit %d", rc);
	CHECK(strstr(err, "no database at") != NULL, "stderr: %s", err);
	CHECK(!exists(tmp("missing.db")), "user list created a database");
}

/* ---- demo, backup, routes, serve ---- */

static char demo_out[4096]; /* what `demo` printed */

static const char *demo_db(void)
{
	static const char *path;
	static bool tried;
	if (!tried) {
		tried = true;
		const char *p = tmp("demo.db");
		int rc = run("demo", "--db", p);
		CHECK(rc == 0, "demo: exit %d: %s", rc, err);
		memcpy(demo_out, out, sizeof demo_out - 1);
		static char keep[256];
		snprintf(keep, sizeof keep, "%s", p);
		path = rc == 0 ? keep : NULL;
	}
	return path;
}

TEST(demo_creates_seeded_database)
{
	const char *db = demo_db();
	if (!db)
		return;
	int rc = run("demo", "--db", db);
	CHECK(rc == 1 && strstr(err, "already exists"), "second demo: exit %d: %s", rc, err);
	CHECK(sql_int(db, "SELECT count(*) FROM schools WHERE name = "
			  "'E.L. Haynes Public Charter School'") == 1,
	      "seed school missing");
	CHECK(sql_int(db, "SELECT count(*) FROM schools") >= 5, "few schools");
	CHECK(sql_int(db, "SELECT count(*) FROM users WHERE email = 'admin@example.org' AND "
			  "role = 'admin' AND status = 'active'") == 1,
	      "demo admin missing");
	CHECK(sql_int(db, "SELECT count(*) FROM users WHERE status = 'pending'") >= 1,
	      "no pending registration to approve");
	CHECK(password_verify(sql_text(db, "SELECT password_hash FROM users WHERE email = "
					   "'admin@example.org'"),
			      "practica-demo"),
	      "the printed demo password does not verify");
}

TEST(demo_prints_admin_login)
{
	if (!demo_db())
		return;
	CHECK(strstr(demo_out, "admin@example.org") && strstr(demo_out, "practica-demo"),
	      "no admin login in: %s", demo_out);
}

TEST(backup_copies_consistently)
{
	const char *db = demo_db();
	if (!db)
		return;
	const char *dest = tmp("backup.db");
	int rc = run("backup", "--db", db, dest);
	CHECK(rc == 0, "backup: exit %d: %s", rc, err);
	CHECK_STR(sql_text(dest, "PRAGMA integrity_check"), "ok");
	int64_t users = sql_int(db, "SELECT count(*) FROM users");
	CHECK(users > 1 && sql_int(dest, "SELECT count(*) FROM users") == users,
	      "user count %lld vs %lld", (long long)sql_int(dest, "SELECT count(*) FROM users"),
	      (long long)users);
	CHECK(sql_int(dest, "PRAGMA user_version") == sql_int(db, "PRAGMA user_version"),
	      "schema version differs");
	char tmpname[300];
	snprintf(tmpname, sizeof tmpname, "%s.tmp", dest);
	CHECK(!exists(tmpname), "left %s behind", tmpname);
	/* The copy is a working database: the CLI opens it. */
	rc = run("user", "list", "--db", dest);
	CHECK(rc == 0 && strstr(out, "admin@example.org"), "user list on the backup: exit %d", rc);
	/* Backing up over an existing copy replaces it. */
	rc = run("backup", "--db", db, dest);
	CHECK(rc == 0, "second backup: exit %d: %s", rc, err);
}

TEST(backup_missing_source_refused)
{
	int rc = run("backup", "--db", tmp("no-such.db"), tmp("copy.db"));
	CHECK(rc == 1, "exit %d", rc);
	CHECK(!exists(tmp("copy.db")), "a copy appeared");
}

TEST(routes_prints_table)
{
	int rc = run("routes");
	CHECK(rc == 0, "exit %d: %s", rc, err);
	CHECK(!strncmp(out, "METHOD", 6), "no header: %s", out);
	CHECK(strstr(out, "/healthz") && strstr(out, "/admin/users/:id/approve"), "routes: %s", out);
	CHECK(strstr(out, "UNDECLARED") == NULL, "an undeclared route: %s", out);
	CHECK(count_lines(out) > 10, "%d lines", count_lines(out));
}

TEST(serve_newer_database_refused)
{
	/* Any SQLite file claiming a schema from the future will do. */
	const char *db = tmp("newer.db");
	sqlite3 *h = NULL;
	CHECK(sqlite3_open(db, &h) == SQLITE_OK &&
		      sqlite3_exec(h, "CREATE TABLE t (x); PRAGMA user_version = 999", NULL, NULL,
				   NULL) == SQLITE_OK,
	      "create %s", db);
	sqlite3_close(h);
	int rc = run("serve", "--db", db, "--listen", "127.0.0.1:0", "--access-log", "off");
	CHECK(rc != 0 && rc != -1, "exit %d", rc);
	CHECK(strstr(err, "schema version 999") && strstr(err, "newer practica"),
	      "unclear message: %s", err);
	CHECK(sql_int(db, "PRAGMA user_version") == 999, "the database was changed");
}

TEST(serve_missing_database_refused)
{
	int rc = run("serve", "--db", tmp("absent.db"), "--listen", "127.0.0.1:0");
	CHECK(rc == 1, "exit %d", rc);
	CHECK(strstr(err, "no database at") && strstr(err, "practica init"), "stderr: %s", err);
	CHECK(!exists(tmp("absent.db")), "serve created a database");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	bin = getenv("PRACTICA_BIN");
	if (!bin || !*bin)
		bin = "build/asan/practica";
	static char absolute[4096];
	if (bin[0] != '/' && realpath(bin, absolute))
		bin = absolute;
	if (access(bin, X_OK) != 0) {
		fprintf(stderr, "unit_cli: cannot run %s (set PRACTICA_BIN)\n", bin);
		return 1;
	}
	strcpy(tmpdir, "/tmp/practica-unit-cli-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	atexit(remove_tmpdir);
	return RUN_TESTS(version_prints_name_and_version, help_lists_commands,
			 no_command_is_usage_error, unknown_command_refused, each_command_has_help,
			 bad_flags_refused, serve_bad_values_refused, init_with_password_stdin,
			 upgrade_migrates_an_older_database,
			 init_existing_file_refused, init_generates_password_once,
			 init_bad_input_refused, user_add_list_role, user_add_generates_password,
			 user_add_refused, user_approve_disable_enable, user_errors_refused,
			 demo_creates_seeded_database, demo_prints_admin_login,
			 backup_copies_consistently, backup_missing_source_refused,
			 routes_prints_table, serve_newer_database_refused,
			 serve_missing_database_refused);
}
