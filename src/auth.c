/* Passwords, sessions, the access decision, CSRF tokens and login throttling. */
#include "auth.h"

#include <assert.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config.h"

static uint8_t site_key[crypto_generichash_KEYBYTES];
/* Verified against when an email is unknown, so both cases cost the same time. */
static char dummy_hash[PASSWORD_HASH_MAX];

bool auth_init(Db *db)
{
	if (sodium_init() < 0) {
		fputs("practica: libsodium failed to initialize\n", stderr);
		return false;
	}
	sqlite3_stmt *st = db_prepare(db, "SELECT value FROM settings WHERE key = 'site_key'");
	if (db_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == sizeof site_key) {
		memcpy(site_key, sqlite3_column_blob(st, 0), sizeof site_key);
	} else {
		randombytes_buf(site_key, sizeof site_key);
		st = db_prepare(db, "INSERT OR REPLACE INTO settings (key, value) "
				    "VALUES ('site_key', :key)");
		db_bind_blob(st, ":key", site_key, sizeof site_key);
		if (!db_run(st))
			return false;
	}
	db_release(db);
	return true;
}

/* The dummy hash costs one argon2id run: made on first need, not by every command. */
static void make_dummy_hash(void)
{
	char random_password[32];
	randombytes_buf(random_password, sizeof random_password - 1);
	for (size_t i = 0; i + 1 < sizeof random_password; i++)
		random_password[i] = (char)('a' + (unsigned char)random_password[i] % 26);
	random_password[sizeof random_password - 1] = '\0';
	if (!password_hash(random_password, dummy_hash))
		dummy_hash[0] = '\0';
}

AccessDecision access_decide(Access rule, const User *user)
{
	switch (rule) {
	case ACCESS_PUBLIC:
		return ACCESS_ALLOW;
	case ACCESS_SIGNED_IN:
		return user ? ACCESS_ALLOW : ACCESS_NEED_LOGIN;
	case ACCESS_MEMBER:
	case ACCESS_ADMIN:
	case ACCESS_FACILITATOR: /* the community check follows in dispatch() */
	case ACCESS_PARTICIPANT:
		if (!user)
			return ACCESS_NEED_LOGIN;
		if (!user->is_member)
			return ACCESS_NEED_APPROVAL;
		if (rule == ACCESS_ADMIN && !user->is_admin)
			return ACCESS_FORBIDDEN;
		return ACCESS_ALLOW;
	default:
		return ACCESS_FORBIDDEN; /* undeclared: never open by accident */
	}
}

bool password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
	_Static_assert(PASSWORD_HASH_MAX >= crypto_pwhash_STRBYTES, "hash buffer too small");
	return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

bool password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

char *random_token(Arena *arena, size_t nbytes)
{
	uint8_t raw[64];
	assert(nbytes <= sizeof raw); /* callers ask for 16 or 32 */
	randombytes_buf(raw, nbytes);
	size_t len = sodium_base64_ENCODED_LEN(nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = arena_alloc(arena, len);
	sodium_bin2base64(out, len, raw, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

static void hash_token(const char *token, uint8_t out[32])
{
	crypto_generichash(out, 32, (const uint8_t *)token, strlen(token), site_key,
			   sizeof site_key);
}

void set_cookie(Req *r, const char *name, const char *value, int64_t max_age)
{
	const char *secure = (r->https || config.secure_cookies) ? "; Secure" : "";
	const char *cookie =
		max_age < 0
			? arena_printf(r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s", name,
				       value, secure)
			: arena_printf(r->arena, "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Lax%s",
				       name, value, (long long)max_age, secure);
	resp_header(r, "Set-Cookie", cookie);
}

/* The session, its member, and the change counts the per-member caches are kept under
 * (membercache.h), in one statement: every signed-in request runs it, so the counts cost no
 * statement of their own (issue 8). The token is found by its keyed hash through the
 * primary key, never compared as text. */
static const char *const session_sql =
	"SELECT u.id, u.email, u.name, u.job_title, coalesce(u.school_id, 0), "
	"       coalesce(s.name, ''), u.role = 'admin', u.status, "
	"       coalesce(s.status, 'active') = 'lapsed', x.expires_at, "
	"       coalesce((SELECT n FROM change_counts WHERE name = 'communities'), 0), "
	"       coalesce((SELECT n FROM change_counts WHERE name = 'people'), 0), "
	"       coalesce((SELECT max(id) FROM users), 0), "
	"       coalesce((SELECT n FROM change_counts WHERE name = 'boards'), 0) "
	"FROM sessions x JOIN users u ON u.id = x.user_id "
	"LEFT JOIN schools s ON s.id = u.school_id "
	"WHERE x.token_hash = :hash AND x.expires_at > :now AND u.status != 'disabled'";

bool auth_load_user(Req *r)
{
	const char *token = req_cookie(r, SESSION_COOKIE);
	if (!token || strlen(token) > 100)
		return false;
	uint8_t *hash = arena_alloc(r->arena, 32);
	hash_token(token, hash);
	int64_t now = time(NULL);
	sqlite3_stmt *st = db_prepare(r->db, session_sql);
	db_bind_blob(st, ":hash", hash, 32);
	db_bind_int(st, ":now", now);
	if (db_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return false;
	}
	User *u = arena_alloc(r->arena, sizeof *u);
	u->id = db_col_int(st, 0);
	u->email = arena_strdup(r->arena, db_col_text(st, 1));
	u->name = arena_strdup(r->arena, db_col_text(st, 2));
	u->job_title = arena_strdup(r->arena, db_col_text(st, 3));
	u->school_id = db_col_int(st, 4);
	u->school_name = arena_strdup(r->arena, db_col_text(st, 5));
	u->is_admin = db_col_int(st, 6) != 0;
	u->is_pending = !strcmp(db_col_text(st, 7), "pending");
	u->school_lapsed = db_col_int(st, 8) != 0;
	/* Admins are association staff: their school's membership does not gate them. */
	u->is_member = !u->is_pending && (u->is_admin || !u->school_lapsed);
	int64_t expires = db_col_int(st, 9);
	r->seen = (ChangeCounts){db_col_int(st, 10), db_col_int(st, 11), db_col_int(st, 12),
				 db_col_int(st, 13)};
	r->user = u;
	r->session_hash = hash;
	/* Sliding expiry, written at most about once a fortnight per session. */
	if (expires - now < SESSION_SECONDS / 2) {
		sqlite3_reset(st); /* end the read: the write needs a fresh snapshot */
		st = db_prepare(r->db, "UPDATE sessions SET expires_at = :exp WHERE token_hash = :hash");
		db_bind_int(st, ":exp", now + SESSION_SECONDS);
		db_bind_blob(st, ":hash", hash, 32);
		/* Stepped directly, not with db_run(): when storage is full or read-only the
		 * session keeps its old expiry, and this request, maybe a read, goes on rather
		 * than ending as an error page. */
		if (sqlite3_step(st) == SQLITE_DONE)
			set_cookie(r, SESSION_COOKIE, token, SESSION_SECONDS);
		sqlite3_reset(st);
		return false;
	}
	/* Left on its row, the statement keeps its read snapshot open: a GET reads the rest of
	 * its page in it (router.c), and the counts above then describe exactly what it reads.
	 * auth_end_read() ends it for requests that may write. */
	return true;
}

void auth_end_read(Req *r)
{
	sqlite3_reset(db_prepare(r->db, session_sql));
}

bool auth_start_session(Req *r, int64_t user_id)
{
	if (r->session_hash) { /* replaced, not ended: the new cookie overwrites the old */
		sqlite3_stmt *st = db_prepare(r->db, "DELETE FROM sessions WHERE token_hash = :hash");
		db_bind_blob(st, ":hash", r->session_hash, 32);
		db_run(st);
	}
	char *token = random_token(r->arena, 32);
	uint8_t *hash = arena_alloc(r->arena, 32);
	hash_token(token, hash);
	int64_t now = time(NULL);
	sqlite3_stmt *st = db_prepare(r->db, "INSERT INTO sessions (token_hash, user_id, created_at, "
					     "expires_at) VALUES (:hash, :user, :now, :exp)");
	db_bind_blob(st, ":hash", hash, 32);
	db_bind_int(st, ":user", user_id);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":exp", now + SESSION_SECONDS);
	if (!db_run(st))
		return false;
	set_cookie(r, SESSION_COOKIE, token, SESSION_SECONDS);
	r->session_hash = hash;
	r->csrf = NULL;
	return true;
}

void auth_end_session(Req *r)
{
	if (r->session_hash) {
		sqlite3_stmt *st = db_prepare(r->db, "DELETE FROM sessions WHERE token_hash = :hash");
		db_bind_blob(st, ":hash", r->session_hash, 32);
		db_run(st);
	}
	set_cookie(r, SESSION_COOKIE, "", 0);
	r->session_hash = NULL;
	r->user = NULL;
	r->csrf = NULL;
}

void auth_revoke_sessions(Db *db, int64_t user_id, const uint8_t *keep_hash)
{
	static const uint8_t none[32];
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM sessions WHERE user_id = :user "
					  "AND token_hash != :keep");
	db_bind_int(st, ":user", user_id);
	db_bind_blob(st, ":keep", keep_hash ? keep_hash : none, 32);
	db_run(st);
}

static char *csrf_for(Arena *arena, const void *binding, size_t n)
{
	uint8_t mac[32];
	crypto_generichash_state state;
	crypto_generichash_init(&state, site_key, sizeof site_key, sizeof mac);
	crypto_generichash_update(&state, (const uint8_t *)"csrf", 5);
	crypto_generichash_update(&state, binding, n);
	crypto_generichash_final(&state, mac, sizeof mac);
	size_t len = sodium_base64_ENCODED_LEN(sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = arena_alloc(arena, len);
	sodium_bin2base64(out, len, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

/* The expected token, or NULL for a visitor without a visitor cookie. */
static char *expected_csrf(Req *r)
{
	if (r->session_hash)
		return csrf_for(r->arena, r->session_hash, 32);
	const char *visitor = req_cookie(r, VISITOR_COOKIE);
	if (visitor && *visitor && strlen(visitor) <= 64)
		return csrf_for(r->arena, visitor, strlen(visitor));
	return NULL;
}

const char *csrf_token(Req *r)
{
	if (r->csrf)
		return r->csrf;
	char *token = expected_csrf(r);
	if (!token) {
		char *visitor = random_token(r->arena, 16);
		set_cookie(r, VISITOR_COOKIE, visitor, -1);
		token = csrf_for(r->arena, visitor, strlen(visitor));
	}
	return r->csrf = token;
}

bool csrf_valid(Req *r)
{
	const char *sent = req_form(r, "csrf");
	char *expected = expected_csrf(r);
	if (!sent || !expected)
		return false;
	size_t n = strlen(expected);
	return strlen(sent) == n && sodium_memcmp(sent, expected, n) == 0;
}

/* Failures for key in the window: how many, the latest, and when the count will drop
 * below lock (the time of the failure that must expire first), or 0 if it is below already. */
static void failure_stats(Db *db, const char *scope, const char *key, int64_t since,
			  int64_t lock, int64_t *count, int64_t *last, int64_t *lock_ends)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*), coalesce(max(at), 0) FROM login_failures "
					  "WHERE scope = :scope AND key = :key AND at > :since");
	db_bind_text(st, ":scope", scope);
	db_bind_text(st, ":key", key);
	db_bind_int(st, ":since", since);
	*count = *last = *lock_ends = 0;
	if (db_step(st) == SQLITE_ROW) {
		*count = db_col_int(st, 0);
		*last = db_col_int(st, 1);
	}
	sqlite3_reset(st);
	if (*count < lock)
		return;
	st = db_prepare(db, "SELECT at FROM login_failures WHERE scope = :scope AND key = :key "
			    "AND at > :since ORDER BY at LIMIT 1 OFFSET :skip");
	db_bind_text(st, ":scope", scope);
	db_bind_text(st, ":key", key);
	db_bind_int(st, ":since", since);
	db_bind_int(st, ":skip", *count - lock);
	if (db_step(st) == SQLITE_ROW)
		*lock_ends = db_col_int(st, 0) + THROTTLE_WINDOW;
	sqlite3_reset(st);
}

static int64_t wait_for(const char *scope, Db *db, const char *key, int64_t now, int64_t slow,
			int64_t lock)
{
	int64_t count, last, lock_ends;
	failure_stats(db, scope, key, now - THROTTLE_WINDOW, lock, &count, &last, &lock_ends);
	if (count >= lock)
		return lock_ends - now;
	if (count >= slow) {
		/* Doubling from 1 s, never beyond the window the failures are counted in. */
		int64_t shift = count - slow;
		int64_t delay = shift >= 10 ? THROTTLE_WINDOW : (int64_t)1 << shift;
		if (delay > THROTTLE_WINDOW)
			delay = THROTTLE_WINDOW;
		return last + delay - now;
	}
	return 0;
}

int64_t login_wait_seconds(Db *db, const char *email, const char *address, int64_t now)
{
	int64_t by_email = wait_for("email", db, email, now, THROTTLE_SLOW, THROTTLE_LOCK);
	int64_t by_address = wait_for("address", db, address, now,
				      THROTTLE_SLOW * THROTTLE_ADDRESS_FACTOR,
				      THROTTLE_LOCK * THROTTLE_ADDRESS_FACTOR);
	int64_t wait = by_email > by_address ? by_email : by_address;
	return wait > 0 ? wait : 0;
}

void login_failed(Db *db, const char *email, const char *address, int64_t now)
{
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM login_failures WHERE at <= :old");
	db_bind_int(st, ":old", now - THROTTLE_WINDOW);
	db_run(st);
	st = db_prepare(db, "INSERT INTO login_failures (scope, key, at) VALUES "
			    "('email', :email, :now), ('address', :address, :now)");
	db_bind_text(st, ":email", email);
	db_bind_text(st, ":address", address);
	db_bind_int(st, ":now", now);
	db_run(st);
}

void login_succeeded(Db *db, const char *email)
{
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM login_failures WHERE scope = 'email' AND "
					  "key = :email");
	db_bind_text(st, ":email", email);
	db_run(st);
}


void password_verify_dummy(const char *password)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, make_dummy_hash);
	(void)password_verify(dummy_hash, password);
}
