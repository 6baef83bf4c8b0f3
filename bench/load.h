/* The mixed-load test's shared state (bench/load.c sets up and starts the server,
 * bench/load_run.c sends the traffic, bench/load_verify.c checks the writes and reports). */
#ifndef PRACTICA_LOAD_H
#define PRACTICA_LOAD_H
#include <curl/curl.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define BENCH_PASSWORD "practica-bench"
#define MAX_CONNECTIONS 2000
#define MAX_MEMBERS 190
#define MAX_THREADS 200
/* Offerings (cohorts open for sign-up) and association-wide meetings with few seats, so
 * that members race for the last ones all the time. */
#define OFFERINGS 8
#define OFFERING_SEATS 6
#define MEETINGS 8
#define MEETING_SEATS 8

typedef enum {
	K_HOME,
	K_BOARD,
	K_THREAD,
	K_SEARCH,
	K_CALENDAR,
	K_LIBRARY,
	K_DOWNLOAD,
	K_NEW_THREAD,
	K_REPLY,
	K_SIGNUP,
	K_WITHDRAW,
	K_RSVP_GOING,
	K_RSVP_NOT_GOING,
	K_UPLOAD,
	K_SWEEP, /* the warm-up's first pass: every thread, document and member page once */
	K_COUNT
} Kind;

extern const char *const kind_names[K_COUNT];

typedef struct {
	int64_t id;
	char email[128];
	char csrf[128];
	CURLSH *share; /* the member's cookies, shared by all of its connections */
	char *login_page;
} Member;

/* What one offering or meeting looks like to the one connection that owns the pair
 * (member, offering): only that connection signs that member up or out, so the last
 * acknowledged answer is the state the database must hold. */
typedef enum { PAIR_NONE, PAIR_SIGNED_UP, PAIR_WITHDRAWN, PAIR_UNKNOWN } OfferingState;
typedef enum { RSVP_NONE, RSVP_GOING, RSVP_NOT_GOING, RSVP_UNKNOWN } RsvpState;

typedef struct {
	int n, cap;
	double *ms;
} Latencies;

typedef struct {
	long requests, measured, errors, expected_4xx, bytes;
	Latencies lat; /* measured requests only */
} KindStats;

/* An acknowledged write: its token number (posts, threads, uploads) and size (uploads). */
typedef struct {
	Kind kind;
	long token;
	long size;
	bool verified;
} Ack;

typedef struct Run {
	const char *bin;
	char db_path[128];
	char base[64];
	pid_t server;
	int connections, nmembers;
	double warmup, seconds, rss_growth_pct;
	unsigned run_tag;
	Member *members;

	char offering_slug[OFFERINGS][32];
	int64_t offering_id[OFFERINGS];
	int64_t meeting_id[MEETINGS];
	int64_t threads[MAX_THREADS];
	int nthreads;
	int64_t document_id, document_size, category_id;
	int64_t max_post_before, max_thread_before, max_item_before;
	char **sweep; /* paths the warm-up reads once, before the mix */
	int nsweep;

	/* results */
	KindStats stats[K_COUNT];
	long error_lines;
	Ack *acks;
	long nacks, cap_acks;
	long signups_seated, signups_waitlisted, rsvp_full;
	double measured_seconds, cpu_seconds;
	long rss_after_warmup_kb, rss_end_kb, rss_max_kb;
	long rss_samples[64];
	int nrss;
	long wal_max_kb; /* the largest the database's WAL file was at a sample */
	long wal_limit_kb;
	bool still_answers;
	int exit_status;
	/* per connection pair states, for the database check: [connection][k] */
	OfferingState (*offering_state)[OFFERINGS];
	RsvpState (*rsvp_state)[MEETINGS];
	int *member_of; /* connection -> member index */
} Run;

void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
long proc_rss_kb(pid_t pid);
double proc_cpu_s(pid_t pid);
int64_t sql_int(sqlite3 *db, const char *sql);

/* Does a connection own the pair (its member, offering or meeting k)? */
bool owns_pair(const Run *run, int connection, int k);
/* The bytes of uploaded document number token (deterministic, so they need not be kept). */
char *upload_content(const Run *run, long token, long size);
/* "loadtokXXXXXXnNNN": unique words the posts and uploads carry. */
void token_text(const Run *run, long token, char *out, size_t n);

int load_run(Run *run, CURLM *multi);
int verify_writes(Run *run);
int report(Run *run);

#endif
