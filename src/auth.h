/* Authentication and request integrity: password hashing (argon2id), sessions, the access
 * decision for a route's rule, CSRF tokens and login throttling. Cryptography is libsodium's. */
#ifndef PRACTICA_AUTH_H
#define PRACTICA_AUTH_H
#include <stdbool.h>
#include <stdint.h>

#include "http.h"

#define SESSION_COOKIE "practica_session"
#define VISITOR_COOKIE "practica_visitor"
#define SESSION_SECONDS (30 * 24 * 3600)
#define PASSWORD_MIN 10
#define PASSWORD_MAX 200
#define PASSWORD_HASH_MAX 128

typedef enum {
	ACCESS_ALLOW,
	ACCESS_NEED_LOGIN,    /* nobody signed in: go to the login page */
	ACCESS_NEED_APPROVAL, /* signed in, but pending, or their school has lapsed */
	ACCESS_FORBIDDEN,     /* signed in member, but the rule needs more */
} AccessDecision;

/* Initializes libsodium and loads (or creates) the site's secret key. False on failure. */
bool auth_init(Db *db);

/* The pure decision: may this user (NULL = anonymous) call a route with this rule? For
 * the per-community rules this is the member part; dispatch() then checks the community. */
AccessDecision access_decide(Access rule, const User *user);

/* argon2id via crypto_pwhash_str; out must hold PASSWORD_HASH_MAX bytes. */
bool password_hash(const char *password, char out[PASSWORD_HASH_MAX]);
bool password_verify(const char *hash, const char *password);
/* Spends the time of one verification, for an unknown email (no timing oracle). */
void password_verify_dummy(const char *password);

/* nbytes (at most 64) random bytes as unpadded base64url, allocated in arena. */
char *random_token(Arena *arena, size_t nbytes);

/* Fills r->user, r->session_hash and r->seen from the session cookie, if it names a live
 * session. True when it left the session's statement on its row, holding this request's read
 * snapshot (a GET reads its page in it); auth_end_read() ends it before a request that may
 * write. False when nothing is held (no session, or its expiry was just extended). */
bool auth_load_user(Req *r);
void auth_end_read(Req *r);
/* Creates a new session for user_id (a fresh token: no fixation) and sets its cookie. */
bool auth_start_session(Req *r, int64_t user_id);
/* Deletes the current session and clears the cookie. */
void auth_end_session(Req *r);
/* Deletes every session of user_id except the current request's (if any). */
void auth_revoke_sessions(Db *db, int64_t user_id, const uint8_t *keep_hash);

/* The CSRF token for forms on this page, bound to the session, or for visitors to a
 * random visitor cookie that this call sets when missing. */
const char *csrf_token(Req *r);
/* True when the POST's "csrf" field matches (constant-time comparison). */
bool csrf_valid(Req *r);

/* Login throttling. Failures are counted per account email and per client address over
 * THROTTLE_WINDOW seconds. From THROTTLE_SLOW failures on, each attempt must wait an
 * exponentially growing delay after the last failure; from THROTTLE_LOCK failures, sign-in is
 * refused until the window has passed. Returns the seconds to wait, 0 when allowed. */
#define THROTTLE_WINDOW (15 * 60)
#define THROTTLE_SLOW 3
#define THROTTLE_LOCK 10
#define THROTTLE_ADDRESS_FACTOR 3 /* an address may fail this many times more than an email */
int64_t login_wait_seconds(Db *db, const char *email, const char *address, int64_t now);
void login_failed(Db *db, const char *email, const char *address, int64_t now);
void login_succeeded(Db *db, const char *email);

/* Sets a cookie with Path=/, HttpOnly, SameSite=Lax, and Secure when served over TLS.
 * max_age < 0 makes a session cookie; 0 deletes it. */
void set_cookie(Req *r, const char *name, const char *value, int64_t max_age);

#endif
