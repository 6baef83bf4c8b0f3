/* The storage layer (open, pragmas, migrations, the statement cache, transactions) and the
 * account operations of users.c on temporary database files. */
#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "auth.h"
#include "db.h"
#include "test.h"
#include "users.h"

/* ---- temporary files ---- */

static char tmpdir[64];

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

static const char *tmp_path(const char *name)
{
	static char path[8][256];
	static int next;
	if (!tmpdir[0]) {
		strcpy(tmpdir, "/tmp/practica-unit-db-XXXXXX");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(1);
		}
		atexit(remove_tmpdir);
	}
	char *p = path[next++ % 8];
	snprintf(p, 256, "%s/%s", tmpdir, name);
	return p;
}

/* Runs db_open with stderr captured into err. */
static Db *open_capturing(const char *path, bool create, char *err, size_t errcap)
{
	const char *errpath = tmp_path("stderr.txt");
	fflush(stderr);
	int saved = dup(2), fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
	Db *db = db_open(path, create);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	err[0] = '\0';
	FILE *f = fopen(errpath, "r");
	if (f) {
		size_t n = fread(err, 1, errcap - 1, f);
		err[n] = '\0';
		fclose(f);
	}
	return db;
}

/* One integer from a query without parameters, through the raw handle; -1 on error. */
static int64_t query_int(Db *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *query_text(Db *db, const char *sql, char *out, size_t cap)
{
	sqlite3_stmt *st;
	out[0] = '\0';
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
		return out;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

static bool exec(Db *db, const char *sql)
{
	return sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* ---- opening and migrating ---- */

TEST(open_new_file_migrates)
{
	Db *db = db_open(tmp_path("new.db"), true);
	CHECK(db != NULL, "db_open");
	if (!db)
		return;
	CHECK(db_schema_version() >= 1, "schema version %d", db_schema_version());
	CHECK(query_int(db, "PRAGMA user_version") == db_schema_version(), "user_version %lld",
	      (long long)query_int(db, "PRAGMA user_version"));
	char mode[32];
	CHECK_STR(query_text(db, "PRAGMA journal_mode", mode, sizeof mode), "wal");
	CHECK(query_int(db, "PRAGMA foreign_keys") == 1, "foreign keys off");
	static const char *const tables[] = {"settings", "schools", "users", "sessions",
					     "login_failures", NULL};
	for (const char *const *t = tables; *t; t++) {
		sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM sqlite_schema WHERE "
						  "type = 'table' AND name = :name");
		db_bind_text(st, ":name", *t);
		CHECK(db_step(st) == SQLITE_ROW && db_col_int(st, 0) == 1, "no table %s", *t);
	}
	db_release(db);
	db_close(db);
}

TEST(open_missing_without_create_refused)
{
	char err[1024];
	const char *path = tmp_path("absent.db");
	Db *db = open_capturing(path, false, err, sizeof err);
	CHECK(db == NULL, "opened a file that does not exist");
	db_close(db);
	CHECK(access(path, F_OK) != 0, "db_open(create=false) created the file");
	CHECK(err[0] != '\0', "no message");
}

TEST(reopen_is_idempotent)
{
	const char *path = tmp_path("reopen.db");
	Db *db = db_open(path, true);
	CHECK(db && exec(db, "INSERT INTO schools (name, created_at) VALUES ('Kept', 1)"), "setup");
	db_close(db);
	for (int i = 0; i < 2; i++) {
		db = db_open(path, false);
		CHECK(db != NULL, "reopen %d", i);
		if (!db)
			return;
		CHECK(query_int(db, "PRAGMA user_version") == db_schema_version(), "version");
		CHECK(query_int(db, "SELECT count(*) FROM schools WHERE name = 'Kept'") == 1,
		      "data lost on reopen");
		CHECK(query_int(db, "PRAGMA foreign_keys") == 1, "foreign keys off on reopen");
		db_close(db);
	}
}

TEST(newer_schema_refused)
{
	const char *path = tmp_path("newer.db");
	Db *db = db_open(path, true);
	CHECK(db != NULL, "setup");
	if (!db)
		return;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", db_schema_version() + 1);
	CHECK(exec(db, sql), "set user_version");
	db_close(db);
	char err[1024];
	db = open_capturing(path, false, err, sizeof err);
	CHECK(db == NULL, "a database newer than this binary was opened");
	db_close(db);
	CHECK(strstr(err, "schema version") && strstr(err, path), "message: %s", err);
}

TEST(foreign_keys_enforced_refused)
{
	Db *db = db_open(tmp_path("fk.db"), true);
	CHECK(db != NULL, "db_open");
	if (!db)
		return;
	CHECK(!exec(db, "INSERT INTO users (email, name, school_id, password_hash, created_at) "
			"VALUES ('fk@example.org', 'F', 999, 'x', 0)"),
	      "a user of a school that does not exist was inserted");
	CHECK(!exec(db, "INSERT INTO users (email, name, role, password_hash, created_at) "
			"VALUES ('noschool@example.org', 'N', 'member', 'x', 0)"),
	      "a member without a school was inserted");
	db_close(db);
}

/* ---- statements and transactions ---- */

static Db *cache_db(void)
{
	static Db *db;
	if (!db)
		db = db_open(tmp_path("cache.db"), true);
	return db;
}

TEST(prepare_caches_by_literal)
{
	Db *db = cache_db();
	static const char sql[] = "SELECT :x + 1";
	sqlite3_stmt *a = db_prepare(db, sql);
	sqlite3_stmt *b = db_prepare(db, sql);
	CHECK(a == b, "same literal, two statements");
	char copy[sizeof sql];
	memcpy(copy, sql, sizeof sql);
	sqlite3_stmt *c = db_prepare(db, copy);
	CHECK(c != a, "the cache key is the address, not the text");
	db_release(db);
}

TEST(prepare_resets_and_clears_bindings)
{
	Db *db = cache_db();
	static const char sql[] = "SELECT value FROM (SELECT 1 AS value UNION ALL SELECT 2) "
				  "WHERE :unused IS NULL ORDER BY value";
	sqlite3_stmt *st = db_prepare(db, sql);
	db_bind_int(st, ":unused", 5);
	CHECK(db_step(st) == SQLITE_DONE, "bound value ignored");
	st = db_prepare(db, sql);
	CHECK(db_step(st) == SQLITE_ROW && db_col_int(st, 0) == 1, "binding survived re-prepare");
	CHECK(db_step(st) == SQLITE_ROW && db_col_int(st, 0) == 2, "second row");
	st = db_prepare(db, sql);
	CHECK(db_step(st) == SQLITE_ROW && db_col_int(st, 0) == 1, "not reset: started at row 2");
	CHECK(sqlite3_stmt_busy(st), "statement not busy mid-iteration");
	db_release(db);
	CHECK(!sqlite3_stmt_busy(st), "db_release did not reset the statement");
}

TEST(cache_survives_growth)
{
	Db *db = cache_db();
	enum { N = 300 };
	static char sqls[N][32];
	static sqlite3_stmt *first[N];
	for (int i = 0; i < N; i++) {
		snprintf(sqls[i], sizeof sqls[i], "SELECT %d", i);
		first[i] = db_prepare(db, sqls[i]);
		db_release(db);
	}
	for (int i = 0; i < N; i++) {
		sqlite3_stmt *st = db_prepare(db, sqls[i]);
		CHECK(st == first[i], "statement %d re-prepared after the cache grew", i);
		CHECK(db_step(st) == SQLITE_ROW && db_col_int(st, 0) == i, "statement %d answers %lld",
		      i, (long long)db_col_int(st, 0));
		db_release(db);
	}
}

TEST(text_and_null_columns)
{
	Db *db = cache_db();
	sqlite3_stmt *st = db_prepare(db, "SELECT :t, :n, :i");
	db_bind_text(st, ":t", "caf\xc3\xa9");
	db_bind_text(st, ":n", NULL);
	db_bind_int(st, ":i", 9007199254740993LL);
	CHECK(db_step(st) == SQLITE_ROW, "step");
	CHECK_STR(db_col_text(st, 0), "caf\xc3\xa9");
	CHECK_STR(db_col_text(st, 1), "");
	CHECK(sqlite3_column_type(st, 1) == SQLITE_NULL, "NULL not bound");
	CHECK(db_col_int(st, 2) == 9007199254740993LL, "64-bit integer");
	db_release(db);
}

TEST(rollback_leaves_no_change)
{
	Db *db = cache_db();
	int64_t before = query_int(db, "SELECT count(*) FROM schools");
	CHECK(db_begin(db), "begin");
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO schools (name, created_at) VALUES (:n, 1)");
	db_bind_text(st, ":n", "Rolled Back School");
	CHECK(db_run(st), "insert");
	CHECK(query_int(db, "SELECT count(*) FROM schools") == before + 1, "insert not visible");
	db_rollback(db);
	CHECK(query_int(db, "SELECT count(*) FROM schools") == before, "rollback kept the row");
	CHECK(sqlite3_get_autocommit(db_handle(db)), "still in a transaction");
	db_rollback(db); /* harmless outside a transaction */
	db_release(db);
}

TEST(commit_keeps_change)
{
	Db *db = cache_db();
	int64_t before = query_int(db, "SELECT count(*) FROM schools");
	CHECK(db_begin(db), "begin");
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO schools (name, created_at) VALUES (:n, 1)");
	db_bind_text(st, ":n", "Committed School");
	CHECK(db_run(st), "insert");
	CHECK(db_last_id(db) > 0 && db_changes(db) == 1, "last id / changes");
	CHECK(db_commit(db), "commit");
	CHECK(query_int(db, "SELECT count(*) FROM schools") == before + 1, "commit lost the row");
	db_release(db);
}

TEST(constraint_violation_is_not_done_refused)
{
	Db *db = cache_db();
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO schools (name, created_at) VALUES (:n, 1)");
	db_bind_text(st, ":n", "committed school"); /* NOCASE duplicate of the one above */
	CHECK(!db_run(st), "duplicate school name inserted");
	db_release(db);
}

/* ---- users.c ---- */

static Db *users_db(void)
{
	static Db *db;
	if (!db) {
		db = db_open(tmp_path("users.db"), true);
		if (!db || !exec(db, "INSERT INTO schools (id, name, status, created_at) VALUES "
				     "(1, 'Active School', 'active', 1), "
				     "(2, 'Lapsed School', 'lapsed', 1)")) {
			fputs("cannot set up users.db\n", stderr);
			exit(1);
		}
	}
	return db;
}

static int64_t make_user(const char *email, int64_t school, bool admin, bool approved)
{
	NewUser nu = {.email = email, .name = "Test Person", .job_title = "Teacher",
		      .password = "long enough password", .school_id = school, .admin = admin,
		      .approved = approved};
	int64_t id = 0;
	UserResult r = user_create(users_db(), &nu, &id);
	CHECK(r == USER_OK && id > 0, "user_create %s: result %d", email, (int)r);
	return id;
}

static void user_text(int64_t id, const char *column_sql, char *out, size_t cap)
{
	sqlite3_stmt *st = db_prepare(users_db(), column_sql);
	db_bind_int(st, ":id", id);
	out[0] = '\0';
	if (db_step(st) == SQLITE_ROW)
		snprintf(out, cap, "%s", db_col_text(st, 0));
	db_release(users_db());
}

static const char *status_of(int64_t id)
{
	static char s[32];
	user_text(id, "SELECT status FROM users WHERE id = :id", s, sizeof s);
	return s;
}

static const char *role_of(int64_t id)
{
	static char s[32];
	user_text(id, "SELECT role FROM users WHERE id = :id", s, sizeof s);
	return s;
}

TEST(user_create_pending_and_approved)
{
	int64_t p = make_user("pending.one@example.org", 1, false, false);
	int64_t a = make_user("active.one@example.org", 1, false, true);
	CHECK_STR(status_of(p), "pending");
	CHECK_STR(status_of(a), "active");
	CHECK_STR(role_of(a), "member");
	CHECK(user_id_by_email(users_db(), "ACTIVE.ONE@example.org") == a,
	      "email lookup is not case-insensitive");
	CHECK(user_id_by_email(users_db(), "nobody@example.org") == 0, "unknown email");
	char hash[PASSWORD_HASH_MAX];
	user_text(a, "SELECT password_hash FROM users WHERE id = :id", hash, sizeof hash);
	CHECK(password_verify(hash, "long enough password"), "stored hash does not verify");
}

TEST(user_create_duplicate_email_refused)
{
	make_user("dup@example.org", 1, false, true);
	NewUser nu = {.email = "DUP@Example.org", .name = "Other", .password = "long enough password",
		      .school_id = 1};
	int64_t id = -7;
	CHECK(user_create(users_db(), &nu, &id) == USER_DUPLICATE_EMAIL, "duplicate accepted");
	CHECK(id == -7, "id_out written on failure");
}

TEST(user_create_unknown_or_lapsed_school_refused)
{
	NewUser nu = {.email = "noschool@example.org", .name = "N", .password = "long enough password"};
	nu.school_id = 99;
	CHECK(user_create(users_db(), &nu, NULL) == USER_NO_SUCH_SCHOOL, "unknown school");
	nu.school_id = 2;
	CHECK(user_create(users_db(), &nu, NULL) == USER_NO_SUCH_SCHOOL, "lapsed school");
	nu.school_id = 0;
	CHECK(user_create(users_db(), &nu, NULL) == USER_NO_SUCH_SCHOOL, "member without school");
	CHECK(user_id_by_email(users_db(), "noschool@example.org") == 0, "an account was created");
	db_release(users_db());
}

TEST(user_create_admin_without_school)
{
	int64_t id = make_user("staff@example.org", 0, true, true);
	CHECK_STR(role_of(id), "admin");
	char school[32];
	user_text(id, "SELECT coalesce(school_id, 'none') FROM users WHERE id = :id", school,
		  sizeof school);
	CHECK_STR(school, "none");
}

TEST(user_approve_only_from_pending)
{
	int64_t admin = user_id_by_email(users_db(), "staff@example.org");
	int64_t p = make_user("approve.me@example.org", 1, false, false);
	CHECK(user_approve(users_db(), p, admin), "pending not approved");
	CHECK_STR(status_of(p), "active");
	char by[32];
	user_text(p, "SELECT approved_by FROM users WHERE id = :id", by, sizeof by);
	CHECK(atoll(by) == admin, "approved_by %s", by);
	CHECK(!user_approve(users_db(), p, admin), "approved twice");
	CHECK(!user_approve(users_db(), 424242, admin), "unknown id approved");
}

TEST(user_approve_disabled_refused)
{
	int64_t a = make_user("disabled.approve@example.org", 1, false, true);
	CHECK(user_set_disabled(users_db(), a, true), "disable");
	CHECK(!user_approve(users_db(), a, 0), "a disabled account was approved");
	CHECK_STR(status_of(a), "disabled");
}

TEST(user_decline_only_pending)
{
	int64_t p = make_user("decline.me@example.org", 1, false, false);
	int64_t a = user_id_by_email(users_db(), "active.one@example.org");
	CHECK(!user_decline(users_db(), a), "an active account was declined");
	CHECK_STR(status_of(a), "active");
	CHECK(user_decline(users_db(), p), "pending not declined");
	CHECK(user_id_by_email(users_db(), "decline.me@example.org") == 0, "still there");
	CHECK(!user_decline(users_db(), p), "declined twice");
}

static void add_session(int64_t user, uint8_t fill)
{
	uint8_t hash[32];
	memset(hash, fill, 32);
	sqlite3_stmt *st = db_prepare(users_db(), "INSERT INTO sessions (token_hash, user_id, "
						  "created_at, expires_at) VALUES (:h, :u, 0, "
						  "9999999999)");
	db_bind_blob(st, ":h", hash, 32);
	db_bind_int(st, ":u", user);
	CHECK(db_run(st), "insert session");
}

static int64_t session_count(int64_t user)
{
	sqlite3_stmt *st = db_prepare(users_db(), "SELECT count(*) FROM sessions WHERE user_id = :u");
	db_bind_int(st, ":u", user);
	int64_t n = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : -1;
	db_release(users_db());
	return n;
}

TEST(user_disable_revokes_sessions)
{
	int64_t a = make_user("disable.me@example.org", 1, false, true);
	int64_t b = user_id_by_email(users_db(), "active.one@example.org");
	add_session(a, 0xa1);
	add_session(a, 0xa2);
	add_session(b, 0xb1);
	CHECK(user_set_disabled(users_db(), a, true), "disable");
	CHECK_STR(status_of(a), "disabled");
	CHECK(session_count(a) == 0, "%lld sessions left", (long long)session_count(a));
	CHECK(session_count(b) == 1, "another account's session revoked");
	CHECK(sqlite3_get_autocommit(db_handle(users_db())), "left a transaction open");
	CHECK(user_set_disabled(users_db(), a, false), "enable");
	CHECK_STR(status_of(a), "active");
	CHECK(!user_set_disabled(users_db(), a, false), "enabled an account that was not disabled");
	CHECK(!user_set_disabled(users_db(), 424242, true), "disabled an unknown id");
	CHECK(sqlite3_get_autocommit(db_handle(users_db())), "left a transaction open");
}

TEST(user_disable_enable_does_not_approve_pending_refused)
{
	/* Disabling then enabling an account that was never approved must not make it active:
	 * that would skip approval. Invariant: active accounts have approved_at. */
	int64_t p = make_user("never.approved@example.org", 1, false, false);
	user_set_disabled(users_db(), p, true);
	user_set_disabled(users_db(), p, false);
	char approved[32];
	user_text(p, "SELECT coalesce(approved_at, 'null') FROM users WHERE id = :id", approved,
		  sizeof approved);
	CHECK(strcmp(status_of(p), "active") != 0 || strcmp(approved, "null") != 0,
	      "a pending account became active (approved_at %s) by disable + enable", approved);
}

TEST(user_set_admin_roles)
{
	int64_t m = make_user("promote.me@example.org", 1, false, true);
	CHECK(user_set_admin(users_db(), m, true), "promote");
	CHECK_STR(role_of(m), "admin");
	CHECK(user_set_admin(users_db(), m, false), "demote an admin who has a school");
	CHECK_STR(role_of(m), "member");
	CHECK(!user_set_admin(users_db(), 424242, true), "unknown id");
}

TEST(user_set_admin_schoolless_member_refused)
{
	int64_t s = user_id_by_email(users_db(), "staff@example.org");
	CHECK(s > 0, "staff account missing");
	CHECK(!user_set_admin(users_db(), s, false), "a school-less admin became a member");
	CHECK_STR(role_of(s), "admin");
}

TEST(user_set_password_changes_hash)
{
	int64_t id = user_id_by_email(users_db(), "promote.me@example.org");
	CHECK(user_set_password(users_db(), id, "a brand new password"), "set password");
	char hash[PASSWORD_HASH_MAX];
	user_text(id, "SELECT password_hash FROM users WHERE id = :id", hash, sizeof hash);
	CHECK(password_verify(hash, "a brand new password"), "new password refused");
	CHECK(!password_verify(hash, "long enough password"), "old password still works");
	CHECK(!user_set_password(users_db(), 424242, "a brand new password"), "unknown id");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	int rc = RUN_TESTS(open_new_file_migrates, open_missing_without_create_refused,
			   reopen_is_idempotent, newer_schema_refused, foreign_keys_enforced_refused,
			   prepare_caches_by_literal, prepare_resets_and_clears_bindings,
			   cache_survives_growth, text_and_null_columns, rollback_leaves_no_change,
			   commit_keeps_change, constraint_violation_is_not_done_refused,
			   user_create_pending_and_approved, user_create_duplicate_email_refused,
			   user_create_unknown_or_lapsed_school_refused,
			   user_create_admin_without_school, user_approve_only_from_pending,
			   user_approve_disabled_refused, user_decline_only_pending,
			   user_disable_revokes_sessions,
			   user_disable_enable_does_not_approve_pending_refused,
			   user_set_admin_roles, user_set_admin_schoolless_member_refused,
			   user_set_password_changes_hash);
	db_close(cache_db());
	db_close(users_db());
	return rc;
}
