/* Crash safety (issue 7, "Nothing acknowledged is lost"): while several members post threads
 * and replies, delete replies, upload documents and new versions, rate documents, sign up
 * for and withdraw from communities with few seats, and visitors register, the server is
 * killed with SIGKILL at seeded random moments and started again on the same database, at
 * least 20 times.
 *
 * Every request that got its success answer (a 303 with the new row's address) is recorded
 * by the client that sent it. After each kill, with the server down and every client parked,
 * the database is read directly and must hold:
 *   - every acknowledged write, whole: a thread with its opening post, a reply in its
 *     thread (deleted once its deletion was acknowledged, and then out of the search index),
 *     a document with version 1 and its file, a new version, each file's bytes all present
 *     in blob_chunks and hashing to the SHA-256 and size of what was uploaded, a rating,
 *     each member's last acknowledged sign-up or withdrawal, each registration; and each post
 *     and document findable (its search entry);
 *   - PRAGMA integrity_check and foreign_key_check clean, and the FTS5 index in step with its
 *     external content (the 'integrity-check' command with rank 1);
 *   - no half-written record anywhere: no thread without its first post, no reply count,
 *     deleted-reply count or newest post out of step with the posts, no post without its
 *     rendered HTML, no rating count or average out of step with the ratings, no document
 *     without a version, no version without its file and every chunk of its bytes, no
 *     stored bytes nobody names, no community with more participants than seats, nobody
 *     waiting while a seat is free, and nobody promoted ahead of someone earlier on the
 *     waitlist.
 * A request whose answer never arrived may or may not have been saved: both are fine. After a
 * restart the members' session cookies and CSRF tokens keep working (sessions live in the
 * database); a member who is asked to sign in again is a failure.
 *
 * PRACTICA_CRASH_KILLS (default 24) and PRACTICA_CRASH_SEED (default: the clock; printed)
 * change the run. See docs/RELIABILITY.md, "Crash safety: SIGKILL during writes". */
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define PASSWORD "member-password-1"
#define SCHOOL "Riverside Charter"
#define WORKERS 4
#define COMMUNITIES 2
#define SEATS 2
#define CHUNK 65536 /* blob_chunks piece size (migrations/006_library.sql) */
#define FAILURES_SHOWN 25

typedef enum { K_THREAD, K_REPLY, K_DELETE, K_DOCUMENT, K_VERSION, K_RATING, K_SIGNUP,
	       K_WITHDRAW, K_REGISTER, KINDS } Kind;
static const char *const kind_names[KINDS] = {
	"threads", "replies", "reply deletions", "documents", "versions", "ratings", "sign-ups",
	"withdrawals", "registrations"};

/* A reply's life: deleting it is acknowledged, or was sent and never answered. */
typedef enum { ALIVE, DELETED, MAYBE_DELETED } Life;

/* One acknowledged write, as the client saw it. */
typedef struct {
	Kind kind;
	int64_t id;     /* thread, post or library item id from the Location */
	int64_t parent; /* a reply's thread */
	char token[48]; /* unique text in the title, body, file or email */
	unsigned char sha[32];
	int64_t size;   /* a file's bytes; a rating's stars */
	Life life;      /* replies */
} Ack;

typedef enum { OUT, IN } Seat;

typedef struct {
	int n;
	char email[64];
	int64_t user_id;
	Client *c;
	char *csrf;
	unsigned rng;
	/* Acknowledged writes, and the documents this member may add versions to. */
	Ack *acks;
	size_t nacks, cap;
	int64_t docs[512];
	size_t ndocs;
	size_t replies[2048]; /* indexes in acks of this member's replies */
	size_t nreplies;
	int64_t rated[512]; /* documents this member has rated (or tried to) */
	size_t nrated;
	/* Sign-up state per community: the last acknowledged one, unless a request after it got
	 * no answer (pending), in which case the database decides at the next check. */
	Seat seat[COMMUNITIES];
	bool pending[COMMUNITIES];
	/* Coordination with the killer (under ctl.lock). */
	int seen_epoch, parked_in;
	long unexpected[KINDS];
	char unexpected_note[256];
	int sessions_checked, sessions_lost;
	/* The write whose answer never came (the server died under it), if any: the next check
	 * looks whether it was saved anyway, for the figures. */
	Ack inflight;
	bool has_inflight;
	int seq;
} Worker;

static Server srv;
static bool started;
static Worker workers[WORKERS];
static int64_t community_ids[COMMUNITIES], school_id;
static char category[24]; /* a library category's id: documents need one */
static const char *const community_slugs[COMMUNITIES] = {"crash-seats-a", "crash-seats-b"};

/* The killer and the workers: the killer bumps epoch at each start; a worker whose request
 * found the server gone parks (parked_in = its epoch) until the next start. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int epoch;
	bool stop;
} ctl = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, false};

/* Documents anyone but their uploader may rate (acknowledged ones only). */
static pthread_mutex_t docs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int64_t id;
	int uploader; /* Worker.n */
} doc_pool[4096];
static size_t ndoc_pool;

/* Threads anyone may reply to (acknowledged ones only). */
static pthread_mutex_t threads_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t thread_pool[4096];
static size_t nthread_pool;

static unsigned next_rand(unsigned *x)
{
	*x ^= *x << 13, *x ^= *x >> 17, *x ^= *x << 5;
	return *x;
}

static void ack_add(Worker *w, const Ack *a)
{
	if (w->nacks == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 256;
		w->acks = realloc(w->acks, w->cap * sizeof *w->acks);
		if (!w->acks)
			abort();
	}
	w->acks[w->nacks++] = *a;
}

/* The number after prefix in r's Location (303 only), or 0. */
static int64_t location_id(const Reply *r, const char *prefix)
{
	const char *l = reply_header(r, "Location");
	size_t n = strlen(prefix);
	if (r->status != 303 || !l || strncmp(l, prefix, n) != 0)
		return 0;
	return strtoll(l + n, NULL, 10);
}

/* "#post-N" in a reply's Location, or 0. */
static int64_t post_anchor(const Reply *r)
{
	const char *l = reply_header(r, "Location");
	const char *a = l ? strstr(l, "#post-") : NULL;
	return r->status == 303 && a ? strtoll(a + 6, NULL, 10) : 0;
}

/* ---- the requests ---- */

static Reply post_form(Worker *w, const char *path, const char *n1, const char *v1,
		       const char *n2, const char *v2)
{
	char *body = form_encode("csrf", w->csrf ? w->csrf : "", n1, v1, n2, v2, NULL);
	Reply r = client_post(w->c, path, body);
	free(body);
	return r;
}

/* A multipart upload of a text file with the fields given (name, value pairs, NULL-ended). */
static Reply upload(Worker *w, const char *path, const char *filename, const char *data,
		    size_t n, const char *const *fields)
{
	return client_upload_pairs(w->c, w->csrf, path,
				   &(UploadFile){filename, "text/plain", data, n}, fields);
}

/* A text file of 1 to ~100 KB naming token on every line, so its bytes are unique. */
static char *file_text(Worker *w, const char *token, size_t *n)
{
	size_t want = 1000 + next_rand(&w->rng) % 100000;
	Str s = {0};
	for (int line = 0; s.len < want; line++) {
		char l[160];
		int k = snprintf(l, sizeof l, "%s line %d: the budget template, reviewed by the "
					      "finance committee.\n", token, line);
		str_append(&s, l, (size_t)k);
	}
	*n = s.len;
	return str_take(&s);
}

/* What one request's answer means: recorded, refused unexpectedly, or unknown (no answer). */
static bool answered(Worker *w, Kind k, const Reply *r, const Ack *sent)
{
	if (r->status == 0) {
		if (sent) {
			w->inflight = *sent;
			w->has_inflight = true;
		}
		return false;
	}
	if (r->status != 303) {
		w->unexpected[k]++;
		if (!w->unexpected_note[0]) {
			/* The page's own explanation when it has one. */
			const char *why = r->body ? strstr(r->body, "field-error") : NULL;
			if (!why && r->body)
				why = strstr(r->body, "<main");
			snprintf(w->unexpected_note, sizeof w->unexpected_note, "%s: %ld %.200s",
				 kind_names[k], r->status, why ? why : r->body ? r->body : "");
		}
	}
	return true;
}

static bool new_thread(Worker *w)
{
	Ack a = {.kind = K_THREAD};
	snprintf(a.token, sizeof a.token, "crashw%dt%d", w->n, ++w->seq);
	char title[96], body[160];
	snprintf(title, sizeof title, "Question %s", a.token);
	snprintf(body, sizeof body, "How do others schedule budget reviews? %s", a.token);
	Reply r = post_form(w, "/board", "title", title, "body", body);
	bool ok = answered(w, K_THREAD, &r, &a);
	if ((a.id = location_id(&r, "/threads/")) > 0) {
		ack_add(w, &a);
		pthread_mutex_lock(&threads_lock);
		if (nthread_pool < sizeof thread_pool / sizeof *thread_pool)
			thread_pool[nthread_pool++] = a.id;
		pthread_mutex_unlock(&threads_lock);
	}
	bool broke = r.error[0];
	reply_free(&r);
	return ok && !broke;
}

static bool new_reply(Worker *w)
{
	pthread_mutex_lock(&threads_lock);
	int64_t thread = nthread_pool ? thread_pool[next_rand(&w->rng) % nthread_pool] : 0;
	pthread_mutex_unlock(&threads_lock);
	if (!thread)
		return new_thread(w);
	Ack a = {.kind = K_REPLY, .parent = thread};
	snprintf(a.token, sizeof a.token, "crashw%dr%d", w->n, ++w->seq);
	char path[64], body[160];
	snprintf(path, sizeof path, "/threads/%lld/replies", (long long)thread);
	snprintf(body, sizeof body, "We review it every quarter. %s", a.token);
	Reply r = post_form(w, path, "body", body, NULL, NULL);
	bool ok = answered(w, K_REPLY, &r, &a);
	if (location_id(&r, "/threads/") == thread && (a.id = post_anchor(&r)) > 0) {
		if (w->nreplies < sizeof w->replies / sizeof *w->replies)
			w->replies[w->nreplies++] = w->nacks;
		ack_add(w, &a);
	}
	else if (r.status == 303)
		w->unexpected[K_REPLY]++; /* a success without the post's address */
	bool broke = r.error[0];
	reply_free(&r);
	return ok && !broke;
}

static bool new_document(Worker *w, int64_t item)
{
	Ack a = {.kind = item ? K_VERSION : K_DOCUMENT, .parent = item};
	snprintf(a.token, sizeof a.token, "crashw%dd%d", w->n, ++w->seq);
	size_t n;
	char *data = file_text(w, a.token, &n);
	crypto_hash_sha256(a.sha, (const unsigned char *)data, n);
	a.size = (int64_t)n;
	char filename[80], title[80], path[64];
	snprintf(filename, sizeof filename, "%s.txt", a.token);
	snprintf(title, sizeof title, "Template %s", a.token);
	Reply r;
	if (item) {
		snprintf(path, sizeof path, "/library/%lld/versions", (long long)item);
		const char *fields[] = {"note", a.token, NULL};
		r = upload(w, path, filename, data, n, fields);
	} else {
		const char *fields[] = {"title", title, "description", "A model document.", "category",
					category, "tags", "budget", NULL};
		r = upload(w, "/library", filename, data, n, fields);
	}
	free(data);
	bool ok = answered(w, a.kind, &r, &a);
	if ((a.id = location_id(&r, "/library/")) > 0 && (!item || a.id == item)) {
		ack_add(w, &a);
		if (!item && w->ndocs < sizeof w->docs / sizeof *w->docs) {
			w->docs[w->ndocs++] = a.id;
			pthread_mutex_lock(&docs_lock);
			if (ndoc_pool < sizeof doc_pool / sizeof *doc_pool)
				doc_pool[ndoc_pool].id = a.id, doc_pool[ndoc_pool++].uploader = w->n;
			pthread_mutex_unlock(&docs_lock);
		}
	} else if (r.status == 303) {
		w->unexpected[a.kind]++;
	}
	bool broke = r.error[0];
	reply_free(&r);
	return ok && !broke;
}

/* Deletes one of this member's replies that is not known to be deleted (deleting a deleted
 * post answers 303 too, so an unanswered deletion may simply be sent again). */
static bool delete_reply(Worker *w)
{
	size_t candidates[2048], n = 0;
	for (size_t i = 0; i < w->nreplies; i++)
		if (w->acks[w->replies[i]].life != DELETED)
			candidates[n++] = w->replies[i];
	if (!n)
		return new_reply(w);
	Ack *reply = &w->acks[candidates[next_rand(&w->rng) % n]];
	char path[64];
	snprintf(path, sizeof path, "/posts/%lld/delete", (long long)reply->id);
	Reply r = post_form(w, path, NULL, NULL, NULL, NULL);
	Ack sent = {.kind = K_DELETE, .id = reply->id};
	bool ok = answered(w, K_DELETE, &r, &sent);
	if (location_id(&r, "/threads/") == reply->parent) {
		reply->life = DELETED;
		ack_add(w, &sent); /* may move w->acks: reply is not used after this */
	} else if (r.status == 0) {
		reply->life = MAYBE_DELETED;
	} else if (r.status == 303) {
		w->unexpected[K_DELETE]++;
	}
	bool broke = r.error[0];
	reply_free(&r);
	return ok && !broke;
}

/* Rates a document someone else uploaded, once (a rating changes nothing else). */
static bool rate_document(Worker *w)
{
	int64_t item = 0;
	pthread_mutex_lock(&docs_lock);
	for (size_t tries = 0; tries < 8 && ndoc_pool && !item; tries++) {
		size_t i = next_rand(&w->rng) % ndoc_pool;
		item = doc_pool[i].uploader == w->n ? 0 : doc_pool[i].id;
		for (size_t k = 0; item && k < w->nrated; k++)
			if (w->rated[k] == item)
				item = 0;
	}
	pthread_mutex_unlock(&docs_lock);
	if (!item || w->nrated == sizeof w->rated / sizeof *w->rated)
		return new_document(w, 0);
	w->rated[w->nrated++] = item;
	Ack a = {.kind = K_RATING, .id = item, .size = 1 + next_rand(&w->rng) % 5};
	snprintf(a.token, sizeof a.token, "crashw%dq%d", w->n, ++w->seq);
	char path[64], stars[4];
	snprintf(path, sizeof path, "/library/%lld/rating", (long long)item);
	snprintf(stars, sizeof stars, "%lld", (long long)a.size);
	Reply r = post_form(w, path, "stars", stars, "review", a.token);
	bool ok = answered(w, K_RATING, &r, &a);
	if (location_id(&r, "/library/") == item)
		ack_add(w, &a);
	else if (r.status == 303)
		w->unexpected[K_RATING]++;
	bool broke = r.error[0];
	reply_free(&r);
	return ok && !broke;
}

static bool toggle_seat(Worker *w)
{
	int c = (int)(next_rand(&w->rng) % COMMUNITIES);
	bool joining = w->seat[c] == OUT;
	char path[96];
	snprintf(path, sizeof path, "/communities/%s/%s", community_slugs[c],
		 joining ? "signup" : "withdraw");
	Kind k = joining ? K_SIGNUP : K_WITHDRAW;
	Reply r = post_form(w, path, "commitment", "yes", NULL, NULL);
	bool ok = answered(w, k, &r, NULL);
	if (r.status == 303) {
		w->seat[c] = joining ? IN : OUT;
		w->pending[c] = false;
		ack_add(w, &(Ack){.kind = k, .id = community_ids[c]});
	} else if (r.status == 0) {
		w->pending[c] = true;
	}
	bool broke = r.error[0];
	reply_free(&r);
	return ok && !broke;
}

static bool registration(Worker *w)
{
	Client *visitor = client_new(&srv);
	Ack a = {.kind = K_REGISTER};
	snprintf(a.token, sizeof a.token, "crashw%dm%d@riverside.org", w->n, ++w->seq);
	Reply page = client_get(visitor, "/register");
	char *csrf = extract_csrf(page.body);
	reply_free(&page);
	bool ok = false;
	if (csrf) {
		char school[24];
		snprintf(school, sizeof school, "%lld", (long long)school_id);
		char *body = form_encode("csrf", csrf, "name", "Nia Newcomer", "email", a.token,
					 "job_title", "Principal", "school", school, "password",
					 "newcomer-password-1", NULL);
		Reply r = client_post(visitor, "/register", body);
		ok = answered(w, K_REGISTER, &r, &a) && !r.error[0];
		if (r.status == 303)
			ack_add(w, &a);
		reply_free(&r);
		free(body);
	}
	free(csrf);
	client_free(visitor);
	return ok;
}

/* After a restart: the session cookie from before the crash still signs the member in. */
static bool session_survived(Worker *w)
{
	Reply r = client_get(w->c, "/home");
	bool ok = r.status != 0;
	if (ok) {
		w->sessions_checked++;
		if (r.status != 200)
			w->sessions_lost++;
	}
	reply_free(&r);
	return ok;
}

static void *worker_main(void *arg)
{
	Worker *w = arg;
	bool server_gone = false;
	for (;;) {
		pthread_mutex_lock(&ctl.lock);
		if (server_gone) {
			w->parked_in = w->seen_epoch;
			pthread_cond_broadcast(&ctl.changed);
			while (!ctl.stop && ctl.epoch == w->parked_in)
				pthread_cond_wait(&ctl.changed, &ctl.lock);
			server_gone = false;
		}
		if (ctl.stop) {
			pthread_mutex_unlock(&ctl.lock);
			break;
		}
		bool restarted = w->seen_epoch != ctl.epoch;
		if (restarted) {
			client_rebase(w->c, &srv);
			w->seen_epoch = ctl.epoch;
		}
		pthread_mutex_unlock(&ctl.lock);
		if (restarted && !session_survived(w)) {
			server_gone = true;
			continue;
		}
		unsigned pick = next_rand(&w->rng) % 100;
		bool ok;
		if (pick < 25)
			ok = new_thread(w);
		else if (pick < 48)
			ok = new_reply(w);
		else if (pick < 54)
			ok = delete_reply(w);
		else if (pick < 67)
			ok = new_document(w, 0);
		else if (pick < 74 && w->ndocs)
			ok = new_document(w, w->docs[next_rand(&w->rng) % w->ndocs]);
		else if (pick < 78)
			ok = rate_document(w);
		else if (pick < 96)
			ok = toggle_seat(w);
		else
			ok = registration(w);
		server_gone = !ok;
	}
	return NULL;
}

/* ---- the checks, with the server down ---- */

static int failures_shown;

#define FAIL(...)                                                                          \
	do {                                                                               \
		test_failures_in_current++;                                                \
		if (failures_shown++ < FAILURES_SHOWN) {                                   \
			fprintf(stderr, "    check %d: ", kill_no);                     \
			fprintf(stderr, __VA_ARGS__);                                      \
			fputc('\n', stderr);                                               \
		}                                                                          \
	} while (0)

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "    SQL error in \"%s\": %s\n", sql, sqlite3_errmsg(db));
		abort();
	}
	return st;
}

/* The first column of sql's first row as an integer (-1 when no row). */
static int64_t one_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = prep(db, sql);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return v;
}

static bool text_is(sqlite3_stmt *st, int col, const char *want)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	return t && !strcmp(t, want);
}

/* The blob named by sha is whole: size bytes in pieces 0..n-1 of CHUNK bytes (the last
 * shorter) that hash back to sha. */
static bool blob_whole(sqlite3 *db, const unsigned char sha[32], int64_t size, char *why,
		       size_t whylen)
{
	sqlite3_stmt *st = prep(db, "SELECT id, size FROM blobs WHERE sha256 = ?");
	sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
	int64_t blob = 0, stored = -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		blob = sqlite3_column_int64(st, 0);
		stored = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (!blob || stored != size) {
		snprintf(why, whylen, blob ? "blob size %lld, uploaded %lld" : "no blob",
			 (long long)stored, (long long)size);
		return false;
	}
	st = prep(db, "SELECT seq, data FROM blob_chunks WHERE blob_id = ? ORDER BY seq");
	sqlite3_bind_int64(st, 1, blob);
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	int64_t seq = 0, total = 0;
	bool ok = true;
	while (ok && sqlite3_step(st) == SQLITE_ROW) {
		int n = sqlite3_column_bytes(st, 1);
		ok = sqlite3_column_int64(st, 0) == seq++ && (n == CHUNK || total + n == size);
		crypto_hash_sha256_update(&h, sqlite3_column_blob(st, 1), (unsigned long long)n);
		total += n;
	}
	sqlite3_finalize(st);
	unsigned char got[32];
	crypto_hash_sha256_final(&h, got);
	if (!ok || total != size || memcmp(got, sha, 32) != 0) {
		snprintf(why, whylen, "chunks: %lld pieces, %lld of %lld bytes, %s", (long long)seq,
			 (long long)total, (long long)size,
			 memcmp(got, sha, 32) ? "SHA-256 differs" : "pieces out of order");
		return false;
	}
	return true;
}

static bool search_entry(sqlite3 *db, const char *kind, int64_t ref)
{
	sqlite3_stmt *st = prep(db, "SELECT 1 FROM search_entries WHERE kind = ? AND ref_id = ?");
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ref);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

static long checked[KINDS];
static long inflight_total, inflight_saved;

/* Whether a write that got no answer was saved anyway (either is fine). */
static bool saved_anyway(sqlite3 *db, const Ack *a)
{
	static const char *const sql[KINDS] = {
		[K_THREAD] = "SELECT 1 FROM threads WHERE title = 'Question ' || ?",
		[K_REPLY] = "SELECT 1 FROM posts WHERE body = 'We review it every quarter. ' || ?",
		[K_DOCUMENT] = "SELECT 1 FROM files WHERE name = ? || '.txt'",
		[K_VERSION] = "SELECT 1 FROM files WHERE name = ? || '.txt'",
		[K_REGISTER] = "SELECT 1 FROM users WHERE email = ?",
		[K_RATING] = "SELECT 1 FROM library_ratings WHERE review = ?",
	};
	if (!sql[a->kind])
		return false;
	sqlite3_stmt *st = prep(db, sql[a->kind]);
	sqlite3_bind_text(st, 1, a->token, -1, SQLITE_STATIC);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

static void check_ack(sqlite3 *db, const Worker *w, const Ack *a, int kill_no)
{
	char want[200], why[160];
	sqlite3_stmt *st;
	switch (a->kind) {
	case K_THREAD:
		st = prep(db, "SELECT t.title, p.body, p.author_id, instr(p.html, ?) > 0 FROM threads "
			      "t JOIN posts p ON p.id = (SELECT min(id) FROM posts WHERE thread_id = "
			      "t.id) WHERE t.id = ?");
		sqlite3_bind_text(st, 1, a->token, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, a->id);
		snprintf(want, sizeof want, "How do others schedule budget reviews? %s", a->token);
		if (sqlite3_step(st) != SQLITE_ROW)
			FAIL("acknowledged thread %lld (%s) is missing or has no first post",
			     (long long)a->id, a->token);
		else if (!text_is(st, 1, want) || sqlite3_column_int64(st, 2) != w->user_id ||
			 !sqlite3_column_int(st, 3))
			FAIL("thread %lld: its first post is not the one posted (%s)", (long long)a->id,
			     a->token);
		else if (!search_entry(db, "thread", a->id))
			FAIL("thread %lld is not in the search index", (long long)a->id);
		sqlite3_finalize(st);
		break;
	case K_REPLY: {
		st = prep(db, "SELECT thread_id, body, author_id, deleted_by, instr(html, ?) > 0 FROM "
			      "posts WHERE id = ?");
		sqlite3_bind_text(st, 1, a->token, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, a->id);
		snprintf(want, sizeof want, "We review it every quarter. %s", a->token);
		bool found = sqlite3_step(st) == SQLITE_ROW;
		bool deleted = found && sqlite3_column_type(st, 3) != SQLITE_NULL;
		if (!found)
			FAIL("acknowledged reply %lld (%s) is missing", (long long)a->id, a->token);
		else if (sqlite3_column_int64(st, 0) != a->parent ||
			 sqlite3_column_int64(st, 2) != w->user_id)
			FAIL("post %lld is not the reply %s in thread %lld", (long long)a->id, a->token,
			     (long long)a->parent);
		else if (a->life == DELETED && !deleted)
			FAIL("reply %lld (%s): its acknowledged deletion is lost", (long long)a->id,
			     a->token);
		else if (a->life == ALIVE && deleted)
			FAIL("reply %lld (%s) was deleted, but nobody asked", (long long)a->id, a->token);
		else if (!deleted && (!text_is(st, 1, want) || !sqlite3_column_int(st, 4)))
			FAIL("reply %lld: its body or its HTML is not what was posted (%s)",
			     (long long)a->id, a->token);
		else if (deleted && sqlite3_column_int64(st, 3) != w->user_id)
			FAIL("reply %lld: deleted by someone else", (long long)a->id);
		else if (search_entry(db, "post", a->id) == deleted)
			FAIL("reply %lld (%s, %s) is %s the search index", (long long)a->id, a->token,
			     deleted ? "deleted" : "not deleted", deleted ? "still in" : "not in");
		sqlite3_finalize(st);
		if (deleted)
			checked[K_DELETE]++;
		break;
	}
	case K_RATING:
		st = prep(db, "SELECT stars, review FROM library_ratings WHERE item_id = ? AND "
			      "user_id = ?");
		sqlite3_bind_int64(st, 1, a->id);
		sqlite3_bind_int64(st, 2, w->user_id);
		if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int64(st, 0) != a->size ||
		    !text_is(st, 1, a->token))
			FAIL("acknowledged rating %s of document %lld is missing or changed", a->token,
			     (long long)a->id);
		sqlite3_finalize(st);
		break;
	case K_DOCUMENT:
	case K_VERSION:
		st = prep(db, "SELECT v.number, f.size, i.title FROM library_items i JOIN "
			      "library_versions v ON v.item_id = i.id JOIN files f ON f.id = v.file_id "
			      "WHERE i.id = ? AND i.kind = 'document' AND f.sha256 = ?");
		sqlite3_bind_int64(st, 1, a->id);
		sqlite3_bind_blob(st, 2, a->sha, 32, SQLITE_STATIC);
		snprintf(want, sizeof want, "Template %s", a->token);
		if (sqlite3_step(st) != SQLITE_ROW)
			FAIL("acknowledged %s %s of document %lld is missing (no version with its "
			     "file)", a->kind == K_DOCUMENT ? "upload" : "new version", a->token,
			     (long long)a->id);
		else if (a->kind == K_DOCUMENT &&
			 (sqlite3_column_int64(st, 0) != 1 || !text_is(st, 2, want)))
			FAIL("document %lld: version 1 or its title is not what was uploaded (%s)",
			     (long long)a->id, a->token);
		else if (sqlite3_column_int64(st, 1) != a->size)
			FAIL("document %lld (%s): the file's size is %lld, uploaded %lld",
			     (long long)a->id, a->token, (long long)sqlite3_column_int64(st, 1),
			     (long long)a->size);
		else if (!blob_whole(db, a->sha, a->size, why, sizeof why))
			FAIL("document %lld (%s): its bytes are not whole: %s", (long long)a->id,
			     a->token, why);
		else if (a->kind == K_DOCUMENT && !search_entry(db, "document", a->id))
			FAIL("document %lld is not in the search index", (long long)a->id);
		sqlite3_finalize(st);
		break;
	case K_REGISTER:
		st = prep(db, "SELECT status FROM users WHERE email = ?");
		sqlite3_bind_text(st, 1, a->token, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW || !text_is(st, 0, "pending"))
			FAIL("acknowledged registration of %s is missing", a->token);
		sqlite3_finalize(st);
		break;
	case K_DELETE: /* checked with its reply */
	case K_SIGNUP:
	case K_WITHDRAW:
	case KINDS:
		return; /* the latest state per community is checked in check_seats() */
	}
	checked[a->kind]++;
}

/* Each member's sign-up state is the last one acknowledged; one whose last request got no
 * answer takes whatever the database says. */
static void check_seats(sqlite3 *db, Worker *w, int kill_no)
{
	for (int c = 0; c < COMMUNITIES; c++) {
		sqlite3_stmt *st = prep(db, "SELECT status FROM memberships WHERE community_id = ? "
					    "AND user_id = ?");
		sqlite3_bind_int64(st, 1, community_ids[c]);
		sqlite3_bind_int64(st, 2, w->user_id);
		Seat in_db = OUT;
		if (sqlite3_step(st) == SQLITE_ROW && !text_is(st, 0, "withdrawn"))
			in_db = IN;
		sqlite3_finalize(st);
		if (w->pending[c]) {
			w->seat[c] = in_db;
			w->pending[c] = false;
		} else if (in_db != w->seat[c]) {
			FAIL("%s: acknowledged %s in %s, but the database says %s", w->email,
			     w->seat[c] == IN ? "sign-up" : "withdrawal", community_slugs[c],
			     in_db == IN ? "signed up" : "not signed up");
		} else {
			checked[w->seat[c] == IN ? K_SIGNUP : K_WITHDRAW]++;
		}
	}
}

/* Whole-database invariants: each query counts rows that must not exist. */
static const struct {
	const char *what, *sql;
} invariants[] = {
	{"threads without their first post",
	 "SELECT count(*) FROM threads t WHERE NOT EXISTS (SELECT 1 FROM posts WHERE thread_id = "
	 "t.id)"},
	{"threads whose reply count or newest post disagrees with their posts",
	 "SELECT count(*) FROM threads t WHERE reply_count != (SELECT count(*) FROM posts p WHERE "
	 "p.thread_id = t.id AND p.deleted_at IS NULL AND p.id > (SELECT min(id) FROM posts WHERE "
	 "thread_id = t.id)) OR last_post_id != (SELECT max(id) FROM posts WHERE thread_id = t.id "
	 "AND deleted_at IS NULL)"},
	{"threads whose deleted-reply count disagrees with their posts",
	 "SELECT count(*) FROM threads t WHERE deleted_replies IS NOT NULL AND deleted_replies != "
	 "(SELECT count(*) FROM posts p WHERE p.thread_id = t.id AND p.deleted_at IS NOT NULL AND "
	 "p.id > (SELECT min(id) FROM posts WHERE thread_id = t.id))"},
	{"posts saved without their rendered HTML",
	 "SELECT count(*) FROM posts WHERE deleted_at IS NULL AND html IS NULL"},
	{"posts missing from the search index",
	 "SELECT count(*) FROM posts p WHERE NOT EXISTS (SELECT 1 FROM search_entries e WHERE "
	 "(e.kind = 'post' AND e.ref_id = p.id AND p.deleted_at IS NULL) OR (e.kind = 'thread' "
	 "AND e.ref_id = p.thread_id AND p.id = (SELECT min(id) FROM posts WHERE thread_id = "
	 "p.thread_id))) AND (p.deleted_at IS NULL OR p.id = (SELECT min(id) FROM posts WHERE "
	 "thread_id = p.thread_id))"},
	{"deleted replies still in the search index",
	 "SELECT count(*) FROM search_entries e JOIN posts p ON p.id = e.ref_id WHERE e.kind = "
	 "'post' AND p.deleted_at IS NOT NULL"},
	{"documents whose rating count or average disagrees with their ratings",
	 "SELECT count(*) FROM library_items i WHERE rating_count != (SELECT count(*) FROM "
	 "library_ratings WHERE item_id = i.id) OR abs(rating_avg - coalesce((SELECT avg(stars) "
	 "FROM library_ratings WHERE item_id = i.id), 0)) > 1e-9"},
	{"search entries for posts that do not exist",
	 "SELECT count(*) FROM search_entries e WHERE (e.kind = 'post' AND NOT EXISTS (SELECT 1 "
	 "FROM posts WHERE id = e.ref_id)) OR (e.kind = 'thread' AND NOT EXISTS (SELECT 1 FROM "
	 "threads WHERE id = e.ref_id)) OR (e.kind = 'document' AND NOT EXISTS (SELECT 1 FROM "
	 "library_items WHERE id = e.ref_id))"},
	{"documents without a version",
	 "SELECT count(*) FROM library_items i WHERE kind = 'document' AND NOT EXISTS (SELECT 1 "
	 "FROM library_versions WHERE item_id = i.id)"},
	{"documents whose version numbers are not 1..n",
	 "SELECT count(*) FROM (SELECT count(*) AS n, min(number) AS lo, max(number) AS hi FROM "
	 "library_versions GROUP BY item_id) WHERE lo != 1 OR hi != n"},
	{"versions without their file or without all of its bytes",
	 "SELECT count(*) FROM library_versions v LEFT JOIN files f ON f.id = v.file_id LEFT JOIN "
	 "blobs b ON b.sha256 = f.sha256 WHERE b.id IS NULL OR b.size != f.size OR (SELECT "
	 "count(*) FROM blob_chunks c WHERE c.blob_id = b.id) != (b.size + 65535) / 65536 OR "
	 "(SELECT coalesce(sum(length(data)), 0) FROM blob_chunks c WHERE c.blob_id = b.id) != "
	 "b.size"},
	{"files no version or material names",
	 "SELECT count(*) FROM files f WHERE NOT EXISTS (SELECT 1 FROM library_versions WHERE "
	 "file_id = f.id) AND NOT EXISTS (SELECT 1 FROM meeting_materials WHERE file_id = f.id)"},
	{"stored bytes no file names", "SELECT count(*) FROM blobs b WHERE NOT EXISTS (SELECT 1 "
				       "FROM files WHERE sha256 = b.sha256)"},
	{"pieces of bytes without their blob",
	 "SELECT count(*) FROM blob_chunks c WHERE NOT EXISTS (SELECT 1 FROM blobs WHERE id = "
	 "c.blob_id)"},
	{"communities with more participants than seats, or a waitlist beside a free seat",
	 "SELECT count(*) FROM (SELECT c.seat_limit AS seats, (SELECT count(*) FROM memberships m "
	 "WHERE m.community_id = c.id AND m.status = 'participant') AS taken, (SELECT count(*) FROM "
	 "memberships m WHERE m.community_id = c.id AND m.status = 'waitlisted') AS waiting FROM "
	 "communities c WHERE c.seat_limit IS NOT NULL) WHERE taken > seats OR (waiting > 0 AND "
	 "taken < seats)"},
	{"members promoted ahead of someone earlier on the waitlist, or a waitlist out of order",
	 "SELECT count(*) FROM memberships p JOIN memberships w ON w.community_id = p.community_id "
	 "AND w.status = 'waitlisted' WHERE (p.status = 'participant' AND p.promoted_at IS NOT NULL "
	 "AND w.id < p.id) OR (p.status = 'waitlisted' AND p.id < w.id AND p.signed_up_at > "
	 "w.signed_up_at)"},
};

static void check_database(int kill_no)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(srv.db, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		FAIL("cannot open the database: %s", db ? sqlite3_errmsg(db) : "?");
		sqlite3_close(db);
		return;
	}
	sqlite3_busy_timeout(db, 10000);
	/* Closing the last connection would checkpoint the WAL into the database and delete it:
	 * the restarted server must find (and recover from) the WAL exactly as the kill left it. */
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_stmt *st = prep(db, "PRAGMA integrity_check");
	if (sqlite3_step(st) != SQLITE_ROW || !text_is(st, 0, "ok"))
		FAIL("integrity_check: %s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	st = prep(db, "PRAGMA foreign_key_check");
	if (sqlite3_step(st) == SQLITE_ROW)
		FAIL("foreign_key_check: a row of %s names a missing row",
		     sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	/* FTS5's own check, rank 1: the index against its external content (search_entries).
	 * It is a write statement, so it runs in a transaction rolled back at once. */
	char *err = NULL;
	if (sqlite3_exec(db, "BEGIN; INSERT INTO search_index(search_index, rank) "
			     "VALUES ('integrity-check', 1);", NULL, NULL, &err) != SQLITE_OK)
		FAIL("the FTS5 integrity-check failed: %s", err ? err : "?");
	sqlite3_free(err);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);

	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL); /* one snapshot for everything below */
	for (size_t i = 0; i < sizeof invariants / sizeof *invariants; i++) {
		int64_t n = one_int(db, invariants[i].sql);
		if (n != 0)
			FAIL("%lld %s", (long long)n, invariants[i].what);
	}
	for (int i = 0; i < WORKERS; i++) {
		Worker *w = &workers[i];
		for (size_t k = 0; k < w->nacks; k++)
			check_ack(db, w, &w->acks[k], kill_no);
		check_seats(db, w, kill_no);
		if (w->has_inflight) {
			inflight_total++;
			inflight_saved += saved_anyway(db, &w->inflight);
			w->has_inflight = false;
		}
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
}

/* ---- the run ---- */

static int env_int(const char *name, int fallback)
{
	const char *v = getenv(name);
	return v && *v ? atoi(v) : fallback;
}

static void sleep_for_ms(int ms)
{
	usleep((useconds_t)ms * 1000);
}

/* Waits until every worker has found the server gone (parked in this epoch). */
static bool all_parked(void)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 60; /* longer than any request's own timeout (30 s) */
	pthread_mutex_lock(&ctl.lock);
	bool ok = true;
	for (;;) {
		int parked = 0;
		for (int i = 0; i < WORKERS; i++)
			parked += workers[i].parked_in == ctl.epoch;
		if (parked == WORKERS)
			break;
		if (pthread_cond_timedwait(&ctl.changed, &ctl.lock, &until) != 0) {
			ok = false;
			break;
		}
	}
	pthread_mutex_unlock(&ctl.lock);
	return ok;
}

TEST(server_started)
{
	CHECK(started, "the server did not start");
}

TEST(acknowledged_writes_survive_sigkill)
{
	if (!started)
		return;
	int kills = env_int("PRACTICA_CRASH_KILLS", 24);
	unsigned seed = (unsigned)env_int("PRACTICA_CRASH_SEED", (int)(time(NULL) & 0x7fffffff));
	unsigned rng = seed | 1;
	printf("     (seed %u: PRACTICA_CRASH_SEED=%u repeats the kill timings)\n", seed, seed);
	for (int i = 0; i < WORKERS; i++) {
		Worker *w = &workers[i];
		w->rng = (seed + 7919u * (unsigned)(i + 1)) | 1;
		w->parked_in = -1;
		pthread_mutex_lock(&ctl.lock);
		w->seen_epoch = ctl.epoch;
		pthread_mutex_unlock(&ctl.lock);
	}
	pthread_t threads[WORKERS];
	for (int i = 0; i < WORKERS; i++)
		pthread_create(&threads[i], NULL, worker_main, &workers[i]);
	double begun = now_seconds();
	int done = 0;
	for (int kill_no = 1; kill_no <= kills; kill_no++) {
		/* Writes in flight for a while, then the crash; every sixth time straight after the
		 * start, as in a crash loop, while the clients' first requests arrive. */
		sleep_for_ms(kill_no % 6 == 0 ? (int)(next_rand(&rng) % 40)
					      : 100 + (int)(next_rand(&rng) % 1000));
		server_kill(&srv);
		if (!all_parked()) {
			CHECK(false, "kill %d: the clients did not notice the server was gone", kill_no);
			break;
		}
		check_database(kill_no);
		done = kill_no;
		bool up = server_start(&srv);
		CHECK(up, "kill %d: the server did not start again", kill_no);
		if (!up)
			break;
		pthread_mutex_lock(&ctl.lock);
		ctl.epoch++;
		pthread_cond_broadcast(&ctl.changed);
		pthread_mutex_unlock(&ctl.lock);
	}
	/* A last stretch of writes, then a clean stop and the checks once more. */
	sleep_for_ms(300);
	pthread_mutex_lock(&ctl.lock);
	ctl.stop = true;
	pthread_cond_broadcast(&ctl.changed);
	pthread_mutex_unlock(&ctl.lock);
	for (int i = 0; i < WORKERS; i++)
		pthread_join(threads[i], NULL);
	if (srv.pid)
		CHECK(server_stop(&srv) == 0, "the server did not stop cleanly after the crashes");
	int kill_no = done + 1; /* for FAIL's message: the final check */
	check_database(kill_no);

	long total = 0, unexpected = 0, sessions = 0, lost = 0;
	for (int k = 0; k < KINDS; k++)
		total += checked[k];
	for (int i = 0; i < WORKERS; i++) {
		for (int k = 0; k < KINDS; k++)
			unexpected += workers[i].unexpected[k];
		sessions += workers[i].sessions_checked;
		lost += workers[i].sessions_lost;
		if (workers[i].unexpected_note[0])
			fprintf(stderr, "    %s: an unexpected answer: %s\n", workers[i].email,
				workers[i].unexpected_note);
	}
	/* The server said nothing of trouble in any of its lives (a busy or failed write is
	 * logged as "database error"; sanitizer reports land here too). */
	char *log = server_log(&srv);
	const char *trouble = log ? strstr(log, "database error") : NULL;
	if (!trouble && log)
		trouble = strstr(log, "Sanitizer");
	CHECK(!trouble, "the server log reports trouble: %.300s", trouble);
	free(log);
	CHECK(done >= kills, "only %d of %d kills done", done, kills);
	CHECK(unexpected == 0, "%ld requests got an answer other than success", unexpected);
	CHECK(lost == 0, "%ld of %ld sessions did not survive a restart", lost, sessions);
	long acked[KINDS] = {0};
	for (int i = 0; i < WORKERS; i++)
		for (size_t k = 0; k < workers[i].nacks; k++)
			acked[workers[i].acks[k].kind]++;
	CHECK(acked[K_THREAD] > 0 && acked[K_REPLY] > 0 && acked[K_DOCUMENT] > 0 &&
	      acked[K_SIGNUP] > 0 && acked[K_WITHDRAW] > 0,
	      "some kind of write was never acknowledged: the clients were not busy");
	long writes = 0;
	for (int k = 0; k < KINDS; k++)
		writes += acked[k];
	printf("     crash: %d kills in %.0f s; %ld acknowledged writes, each checked after every "
	       "later kill (%ld checks passed):", done, now_seconds() - begun, writes, total);
	for (int k = 0; k < KINDS; k++)
		printf("%s %ld %s", k ? "," : "", acked[k], kind_names[k]);
	printf("; %ld writes cut off by a kill (%ld of them saved anyway); %ld sessions kept "
	       "across restarts\n", inflight_total, inflight_saved, sessions - lost);
}

static bool setup(void)
{
	if (!server_init(&srv) || !(school_id = add_school(&srv, SCHOOL, "active")))
		return false;
	for (int i = 0; i < COMMUNITIES; i++) {
		if (!sql_exec(&srv, "INSERT INTO communities (slug, name, status, seat_limit, "
				    "created_at) VALUES ('%s', 'Crash Community %d', 'open', %d, "
				    "strftime('%%s', 'now'))",
			      community_slugs[i], i + 1, SEATS))
			return false;
		community_ids[i] = sql_int(&srv, "SELECT id FROM communities WHERE slug = '%s'",
					   community_slugs[i]);
	}
	snprintf(category, sizeof category, "%lld",
		 (long long)sql_int(&srv, "SELECT min(id) FROM library_categories"));
	for (int i = 0; i < WORKERS; i++) {
		Worker *w = &workers[i];
		w->n = i + 1;
		snprintf(w->email, sizeof w->email, "writer%d@riverside.org", i + 1);
		char name[32];
		snprintf(name, sizeof name, "Writer Number%d", i + 1);
		if (!(w->user_id = add_user(&srv, w->email, name, SCHOOL, PASSWORD)))
			return false;
	}
	if (!server_start(&srv))
		return false;
	for (int i = 0; i < WORKERS; i++) {
		Worker *w = &workers[i];
		if (!(w->c = client_signed_in(&srv, w->email, PASSWORD, "/board/new", &w->csrf)))
			return false;
	}
	return true;
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	started = setup();
	int rc = RUN_TESTS(server_started, acknowledged_writes_survive_sigkill);
	for (int i = 0; i < WORKERS; i++) {
		client_free(workers[i].c);
		free(workers[i].csrf);
		free(workers[i].acks);
	}
	server_cleanup(&srv);
	return rc;
}
