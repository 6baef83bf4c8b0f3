/* The access decision, password hashing, random tokens, the site key and CSRF tokens, session
 * revocation and login throttling (with explicit clock values). */
#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "auth.h"
#include "test.h"

/* ---- a temporary directory for databases, removed at exit ---- */

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
		strcpy(tmpdir, "/tmp/practica-unit-auth-XXXXXX");
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

/* The shared database for throttling and sessions, created on first use. */
static Db *shared_db(void)
{
	static Db *db;
	if (!db) {
		db = db_open(tmp_path("shared.db"), true);
		if (!db) {
			fputs("cannot create the test database\n", stderr);
			exit(1);
		}
	}
	return db;
}

/* ---- access_decide ---- */

static const User pending = {.id = 2, .school_id = 1, .is_pending = true, .is_member = false};
static const User lapsed = {.id = 3, .school_id = 1, .school_lapsed = true, .is_member = false};
static const User member = {.id = 4, .school_id = 1, .is_member = true};
static const User admin = {.id = 5, .is_admin = true, .is_member = true};

static const char *decision_name(AccessDecision d)
{
	switch (d) {
	case ACCESS_ALLOW: return "ALLOW";
	case ACCESS_NEED_LOGIN: return "NEED_LOGIN";
	case ACCESS_NEED_APPROVAL: return "NEED_APPROVAL";
	case ACCESS_FORBIDDEN: return "FORBIDDEN";
	}
	return "?";
}

/* One row per rule: the decision for nobody, pending, lapsed, member, admin. */
static void check_rule(Access rule, const AccessDecision want[5])
{
	const User *who[5] = {NULL, &pending, &lapsed, &member, &admin};
	static const char *const names[5] = {"anonymous", "pending", "lapsed", "member", "admin"};
	for (int i = 0; i < 5; i++) {
		AccessDecision got = access_decide(rule, who[i]);
		CHECK(got == want[i], "rule %d, %s: got %s, want %s", (int)rule, names[i],
		      decision_name(got), decision_name(want[i]));
	}
}

TEST(access_undeclared_forbidden_for_everyone_refused)
{
	const AccessDecision f = ACCESS_FORBIDDEN;
	check_rule(ACCESS_UNDECLARED, (AccessDecision[5]){f, f, f, f, f});
	check_rule(ACCESS__COUNT, (AccessDecision[5]){f, f, f, f, f});
	check_rule((Access)99, (AccessDecision[5]){f, f, f, f, f});
}

TEST(access_public_allows_everyone)
{
	const AccessDecision a = ACCESS_ALLOW;
	check_rule(ACCESS_PUBLIC, (AccessDecision[5]){a, a, a, a, a});
}

TEST(access_signed_in)
{
	const AccessDecision a = ACCESS_ALLOW;
	check_rule(ACCESS_SIGNED_IN, (AccessDecision[5]){ACCESS_NEED_LOGIN, a, a, a, a});
}

TEST(access_member)
{
	check_rule(ACCESS_MEMBER,
		   (AccessDecision[5]){ACCESS_NEED_LOGIN, ACCESS_NEED_APPROVAL, ACCESS_NEED_APPROVAL,
				       ACCESS_ALLOW, ACCESS_ALLOW});
}

TEST(access_admin)
{
	check_rule(ACCESS_ADMIN,
		   (AccessDecision[5]){ACCESS_NEED_LOGIN, ACCESS_NEED_APPROVAL, ACCESS_NEED_APPROVAL,
				       ACCESS_FORBIDDEN, ACCESS_ALLOW});
}

TEST(access_facilitator_member_part)
{
	/* access_decide gives the member part; dispatch() then checks the community. */
	check_rule(ACCESS_FACILITATOR,
		   (AccessDecision[5]){ACCESS_NEED_LOGIN, ACCESS_NEED_APPROVAL, ACCESS_NEED_APPROVAL,
				       ACCESS_ALLOW, ACCESS_ALLOW});
}

TEST(access_pending_admin_needs_approval_refused)
{
	const User pending_admin = {.id = 6, .is_admin = true, .is_pending = true};
	CHECK(access_decide(ACCESS_ADMIN, &pending_admin) == ACCESS_NEED_APPROVAL, "admin rule");
	CHECK(access_decide(ACCESS_MEMBER, &pending_admin) == ACCESS_NEED_APPROVAL, "member rule");
}

/* ---- passwords ---- */

TEST(password_hash_round_trip)
{
	char hash[PASSWORD_HASH_MAX];
	CHECK(password_hash("correct horse battery", hash), "hashing failed");
	CHECK(!strncmp(hash, "$argon2id$", 10), "not argon2id: %s", hash);
	CHECK(strlen(hash) < PASSWORD_HASH_MAX, "hash too long");
	CHECK(password_verify(hash, "correct horse battery"), "right password refused");
	CHECK(!password_verify(hash, "correct horse battery "), "trailing space accepted");
	CHECK(!password_verify(hash, "Correct horse battery"), "wrong case accepted");
	CHECK(!password_verify(hash, ""), "empty password accepted");
	CHECK(!password_verify("not a hash", "correct horse battery"), "garbage hash accepted");
	CHECK(!password_verify("", ""), "empty hash accepted");
}

TEST(password_hash_is_salted)
{
	char a[PASSWORD_HASH_MAX], b[PASSWORD_HASH_MAX];
	CHECK(password_hash("caf\xc3\xa9-password", a) && password_hash("caf\xc3\xa9-password", b),
	      "hashing failed");
	CHECK(strcmp(a, b) != 0, "two hashes of one password are equal");
	CHECK(password_verify(b, "caf\xc3\xa9-password"), "UTF-8 password refused");
}

/* ---- random tokens ---- */

static bool url_safe(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

TEST(random_token_length_and_alphabet)
{
	Arena *a = arena_new();
	char *t32 = random_token(a, 32), *t16 = random_token(a, 16), *t15 = random_token(a, 15);
	CHECK(strlen(t32) == 43, "32 bytes: %zu characters", strlen(t32));
	CHECK(strlen(t16) == 22, "16 bytes: %zu characters", strlen(t16));
	CHECK(strlen(t15) == 20, "15 bytes: %zu characters", strlen(t15));
	for (int i = 0; i < 200; i++) {
		char *t = random_token(a, 32);
		CHECK(url_safe(t), "not URL-safe: %s", t);
	}
	arena_free(a);
}

TEST(random_token_unique)
{
	Arena *a = arena_new();
	enum { N = 2000 };
	char **all = arena_alloc(a, N * sizeof *all);
	for (int i = 0; i < N; i++)
		all[i] = random_token(a, 16);
	int dups = 0;
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			dups += !strcmp(all[i], all[j]);
	CHECK(dups == 0, "%d duplicate tokens in %d", dups, N);
	arena_free(a);
}

/* ---- site key and CSRF ---- */

/* The CSRF token for a session whose hash is all `fill`, under the current site key. */
static char *csrf_for_session(Arena *a, uint8_t fill)
{
	uint8_t *hash = arena_alloc(a, 32);
	memset(hash, fill, 32);
	Req r = {.arena = a, .session_hash = hash};
	const char *t = csrf_token(&r);
	CHECK(t && *t, "no token");
	CHECK(csrf_token(&r) == t, "token not cached on the request");
	return arena_strdup(a, t ? t : "");
}

TEST(auth_init_stores_site_key)
{
	Db *db = db_open(tmp_path("key.db"), true);
	CHECK(db != NULL, "db_open");
	if (!db)
		return;
	CHECK(auth_init(db), "auth_init");
	sqlite3_stmt *st = db_prepare(db, "SELECT length(value) FROM settings WHERE key = 'site_key'");
	CHECK(db_step(st) == SQLITE_ROW, "no site key stored");
	CHECK(db_col_int(st, 0) == crypto_generichash_KEYBYTES, "key of %lld bytes",
	      (long long)db_col_int(st, 0));
	db_release(db);
	db_close(db);
}

TEST(site_key_persists_across_auth_init)
{
	Arena *a = arena_new();
	Db *one = db_open(tmp_path("one.db"), true), *two = db_open(tmp_path("two.db"), true);
	CHECK(one && two, "db_open");
	if (!one || !two)
		goto out;
	CHECK(auth_init(one), "auth_init one");
	char *first = csrf_for_session(a, 7);
	CHECK(strcmp(first, csrf_for_session(a, 8)) != 0, "token not bound to the session");
	/* Reloading the same database's key gives the same tokens... */
	db_close(one);
	one = db_open(tmp_path("one.db"), false);
	CHECK(one && auth_init(one), "auth_init one again");
	CHECK_STR(csrf_for_session(a, 7), first);
	/* ...while another database has its own key. */
	CHECK(auth_init(two), "auth_init two");
	CHECK(strcmp(csrf_for_session(a, 7), first) != 0, "two sites share a key");
	CHECK(one && auth_init(one), "auth_init one, third time");
	CHECK_STR(csrf_for_session(a, 7), first);
out:
	db_close(one);
	db_close(two);
	arena_free(a);
}

TEST(csrf_valid_checks_the_field)
{
	Arena *a = arena_new();
	CHECK(auth_init(shared_db()), "auth_init");
	uint8_t hash[32];
	memset(hash, 1, 32);
	Req r = {.arena = a, .session_hash = hash};
	char *token = arena_strdup(a, csrf_token(&r));
	Field f = {"csrf", token};
	Req post = {.arena = a, .session_hash = hash, .form = &f, .nform = 1};
	CHECK(csrf_valid(&post), "own token refused");
	arena_free(a);
}

TEST(csrf_valid_wrong_token_refused)
{
	Arena *a = arena_new();
	CHECK(auth_init(shared_db()), "auth_init");
	uint8_t hash[32], other[32];
	memset(hash, 1, 32);
	memset(other, 2, 32);
	Req r = {.arena = a, .session_hash = other};
	char *foreign = arena_strdup(a, csrf_token(&r));
	Req mine = {.arena = a, .session_hash = hash};
	char *token = arena_strdup(a, csrf_token(&mine));
	char *truncated = arena_strndup(a, token, strlen(token) - 1);
	char *longer = arena_printf(a, "%sA", token);
	const char *bad[] = {foreign, truncated, longer, "", "x"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		Field f = {"csrf", bad[i]};
		Req post = {.arena = a, .session_hash = hash, .form = &f, .nform = 1};
		CHECK(!csrf_valid(&post), "token \"%s\" accepted", bad[i]);
	}
	Field other_name = {"token", token};
	Req post = {.arena = a, .session_hash = hash, .form = &other_name, .nform = 1};
	CHECK(!csrf_valid(&post), "missing csrf field accepted");
	arena_free(a);
}

/* ---- session revocation ---- */

static int64_t add_user(Db *db, const char *email)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO users (email, name, role, status, "
					  "password_hash, created_at) VALUES (:email, 'T', 'admin', "
					  "'active', 'x', 0)");
	db_bind_text(st, ":email", email);
	CHECK(db_run(st), "insert user %s", email);
	return db_last_id(db);
}

static void add_session(Db *db, int64_t user, uint8_t fill)
{
	uint8_t hash[32];
	memset(hash, fill, 32);
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO sessions (token_hash, user_id, created_at, "
					  "expires_at) VALUES (:hash, :user, 0, 9999999999)");
	db_bind_blob(st, ":hash", hash, 32);
	db_bind_int(st, ":user", user);
	CHECK(db_run(st), "insert session");
}

static int64_t sessions_of(Db *db, int64_t user)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM sessions WHERE user_id = :user");
	db_bind_int(st, ":user", user);
	int64_t n = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}

TEST(revoke_sessions_keeps_current_only)
{
	Db *db = shared_db();
	int64_t u = add_user(db, "revoke@example.org"), v = add_user(db, "bystander@example.org");
	add_session(db, u, 0x10);
	add_session(db, u, 0x11);
	add_session(db, u, 0x12);
	add_session(db, v, 0x13);
	uint8_t keep[32];
	memset(keep, 0x11, 32);
	auth_revoke_sessions(db, u, keep);
	CHECK(sessions_of(db, u) == 1, "%lld sessions left, want the current one",
	      (long long)sessions_of(db, u));
	auth_revoke_sessions(db, u, NULL);
	CHECK(sessions_of(db, u) == 0, "%lld sessions left", (long long)sessions_of(db, u));
	CHECK(sessions_of(db, v) == 1, "another user's session was revoked");
}

/* ---- login throttling ---- */

#define T0 1700000000LL

static void fail_n(const char *email, const char *address, int n, int64_t at)
{
	for (int i = 0; i < n; i++)
		login_failed(shared_db(), email, address, at);
}

static int64_t wait_of(const char *email, const char *address, int64_t now)
{
	return login_wait_seconds(shared_db(), email, address, now);
}

TEST(throttle_none_before_three_failures)
{
	CHECK(wait_of("t1@example.org", "10.0.0.1", T0) == 0, "no failures");
	fail_n("t1@example.org", "10.0.0.1", 1, T0);
	CHECK(wait_of("t1@example.org", "10.0.0.1", T0) == 0, "1 failure");
	fail_n("t1@example.org", "10.0.0.1", 1, T0);
	CHECK(wait_of("t1@example.org", "10.0.0.1", T0) == 0, "2 failures: %lld",
	      (long long)wait_of("t1@example.org", "10.0.0.1", T0));
}

TEST(throttle_one_second_at_three_two_at_four)
{
	fail_n("t2@example.org", "10.0.0.2", 3, T0);
	CHECK(wait_of("t2@example.org", "10.0.0.2", T0) == 1, "3 failures: %lld",
	      (long long)wait_of("t2@example.org", "10.0.0.2", T0));
	CHECK(wait_of("t2@example.org", "10.0.0.2", T0 + 1) == 0, "3 failures, 1 s later");
	fail_n("t2@example.org", "10.0.0.2", 1, T0 + 1);
	CHECK(wait_of("t2@example.org", "10.0.0.2", T0 + 1) == 2, "4 failures: %lld",
	      (long long)wait_of("t2@example.org", "10.0.0.2", T0 + 1));
	CHECK(wait_of("t2@example.org", "10.0.0.2", T0 + 2) == 1, "4 failures, 1 s later");
	CHECK(wait_of("t2@example.org", "10.0.0.2", T0 + 3) == 0, "4 failures, 2 s later");
	/* The email is throttled from any address. */
	CHECK(wait_of("t2@example.org", "10.9.9.9", T0 + 1) == 2, "other address");
	CHECK(wait_of("T2@Example.ORG", "10.9.9.9", T0 + 1) == 2, "email case not ignored");
}

TEST(throttle_locks_for_the_window_at_ten_refused)
{
	fail_n("t3@example.org", "10.0.0.3", 9, T0);
	int64_t w9 = wait_of("t3@example.org", "10.0.0.3", T0);
	CHECK(w9 > 0 && w9 < THROTTLE_WINDOW, "9 failures: %lld", (long long)w9);
	fail_n("t3@example.org", "10.0.0.3", 1, T0);
	CHECK(wait_of("t3@example.org", "10.0.0.3", T0) == THROTTLE_WINDOW, "10 failures: %lld",
	      (long long)wait_of("t3@example.org", "10.0.0.3", T0));
	CHECK(wait_of("t3@example.org", "10.0.0.3", T0 + THROTTLE_WINDOW - 1) == 1,
	      "1 s before the window ends: %lld",
	      (long long)wait_of("t3@example.org", "10.0.0.3", T0 + THROTTLE_WINDOW - 1));
	CHECK(wait_of("t3@example.org", "10.0.0.3", T0 + THROTTLE_WINDOW) == 0,
	      "window passed: %lld",
	      (long long)wait_of("t3@example.org", "10.0.0.3", T0 + THROTTLE_WINDOW));
}

TEST(throttle_address_allows_three_times_more)
{
	/* Failures for many accounts from one address (e.g. a school's shared address). */
	char email[64];
	int slow = THROTTLE_SLOW * THROTTLE_ADDRESS_FACTOR;
	for (int i = 0; i < slow - 1; i++) {
		snprintf(email, sizeof email, "a%d@example.org", i);
		fail_n(email, "10.0.0.4", 1, T0);
	}
	CHECK(wait_of("fresh@example.org", "10.0.0.4", T0) == 0, "%d address failures: %lld",
	      slow - 1, (long long)wait_of("fresh@example.org", "10.0.0.4", T0));
	fail_n("another@example.org", "10.0.0.4", 1, T0);
	CHECK(wait_of("fresh@example.org", "10.0.0.4", T0) == 1, "%d address failures: %lld", slow,
	      (long long)wait_of("fresh@example.org", "10.0.0.4", T0));
	CHECK(wait_of("fresh@example.org", "10.0.0.5", T0) == 0, "another address is throttled");
	for (int i = slow; i < THROTTLE_LOCK * THROTTLE_ADDRESS_FACTOR; i++) {
		snprintf(email, sizeof email, "b%d@example.org", i);
		fail_n(email, "10.0.0.4", 1, T0);
	}
	CHECK(wait_of("fresh@example.org", "10.0.0.4", T0) == THROTTLE_WINDOW,
	      "%d address failures: %lld", THROTTLE_LOCK * THROTTLE_ADDRESS_FACTOR,
	      (long long)wait_of("fresh@example.org", "10.0.0.4", T0));
}

TEST(throttle_wait_never_exceeds_window)
{
	/* Below the lock the wait grows exponentially; it must stay under the lock itself (the
	 * failures leave the window after THROTTLE_WINDOW anyway, and the wait is shown to people
	 * and sent as Retry-After). */
	char email[64];
	int64_t worst = 0;
	int worst_at = 0, first_over = 0;
	for (int i = 1; i <= THROTTLE_LOCK * THROTTLE_ADDRESS_FACTOR + 2; i++) {
		snprintf(email, sizeof email, "w%d@example.org", i);
		fail_n(email, "10.0.0.6", 1, T0);
		int64_t w = wait_of("fresh@example.org", "10.0.0.6", T0);
		if (w > worst)
			worst = w, worst_at = i;
		if (w > THROTTLE_WINDOW && !first_over)
			first_over = i;
	}
	CHECK(worst <= THROTTLE_WINDOW,
	      "from %d address failures the wait exceeds %d s; after %d it is %lld s", first_over,
	      THROTTLE_WINDOW, worst_at, (long long)worst);
	int64_t worst_email = 0;
	for (int i = 1; i <= THROTTLE_LOCK + 2; i++) {
		fail_n("w-email@example.org", "10.0.1.1", 1, T0);
		int64_t w = wait_of("w-email@example.org", "10.0.1.2", T0);
		if (w > worst_email)
			worst_email = w;
	}
	CHECK(worst_email <= THROTTLE_WINDOW, "email wait %lld", (long long)worst_email);
}

TEST(throttle_success_clears_email_failures)
{
	fail_n("t5@example.org", "10.0.0.7", 4, T0);
	CHECK(wait_of("t5@example.org", "10.0.0.8", T0) == 2, "4 failures: %lld",
	      (long long)wait_of("t5@example.org", "10.0.0.8", T0));
	login_succeeded(shared_db(), "T5@example.org");
	CHECK(wait_of("t5@example.org", "10.0.0.8", T0) == 0, "failures not cleared: %lld",
	      (long long)wait_of("t5@example.org", "10.0.0.8", T0));
	/* The address keeps its count: success on one account does not reset an address. */
	sqlite3_stmt *st = db_prepare(shared_db(), "SELECT count(*) FROM login_failures WHERE "
						   "scope = 'address' AND key = '10.0.0.7'");
	CHECK(db_step(st) == SQLITE_ROW && db_col_int(st, 0) == 4, "address failures changed");
	db_release(shared_db());
}

TEST(throttle_old_failures_do_not_count)
{
	int64_t t = T0 + 100000;
	fail_n("t6@example.org", "10.0.0.9", 10, t);
	CHECK(wait_of("t6@example.org", "10.0.0.9", t) == THROTTLE_WINDOW, "not locked");
	int64_t later = t + THROTTLE_WINDOW + 1;
	CHECK(wait_of("t6@example.org", "10.0.0.9", later) == 0, "old failures still count");
	fail_n("t6@example.org", "10.0.0.9", 2, later);
	CHECK(wait_of("t6@example.org", "10.0.0.9", later) == 0, "2 new + 10 old: %lld",
	      (long long)wait_of("t6@example.org", "10.0.0.9", later));
	/* login_failed also deletes failures older than the window. */
	sqlite3_stmt *st = db_prepare(shared_db(), "SELECT count(*) FROM login_failures WHERE "
						   "at <= :old");
	db_bind_int(st, ":old", later - THROTTLE_WINDOW);
	CHECK(db_step(st) == SQLITE_ROW && db_col_int(st, 0) == 0, "%lld old rows kept",
	      (long long)db_col_int(st, 0));
	db_release(shared_db());
}

int main(void)
{
	if (sodium_init() < 0) {
		fputs("sodium_init failed\n", stderr);
		return 1;
	}
	int rc = RUN_TESTS(access_undeclared_forbidden_for_everyone_refused,
			   access_public_allows_everyone, access_signed_in, access_member,
			   access_admin, access_facilitator_member_part, access_pending_admin_needs_approval_refused,
			   password_hash_round_trip, password_hash_is_salted,
			   random_token_length_and_alphabet, random_token_unique,
			   auth_init_stores_site_key, site_key_persists_across_auth_init,
			   csrf_valid_checks_the_field, csrf_valid_wrong_token_refused,
			   revoke_sessions_keeps_current_only, throttle_none_before_three_failures,
			   throttle_one_second_at_three_two_at_four,
			   throttle_locks_for_the_window_at_ten_refused,
			   throttle_address_allows_three_times_more,
			   throttle_wait_never_exceeds_window, throttle_success_clears_email_failures,
			   throttle_old_failures_do_not_count);
	db_close(shared_db());
	return rc;
}
