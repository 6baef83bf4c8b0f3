/* Search timing on a large database (make bench-search; numbers in docs/DECISIONS.md):
 *
 *     search_bench DB [--as EMAIL] [--runs N] QUERY...
 *
 * Runs each query through search_clean_query() and search_run() exactly as the search page
 * does (first page of 20, no filters), N times (default 20), as an admin and as EMAIL (a
 * member: the visibility filter applies), and prints the matches and the fastest, median and
 * slowest time. Then times search_put() and search_remove() of a reply-sized entry, each
 * committed on its own (pages read and written too; SEARCH_BENCH_WRITES=N for N of each, 50
 * by default). The database is migrated (and its index rebuilt if a migration asks); the
 * entries written are removed again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "search.h"

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void time_query(Db *db, const char *q, int64_t user, bool admin, int runs)
{
	Arena *a = arena_new();
	const char *clean = search_clean_query(a, q);
	if (!clean) {
		printf("  %-32s nothing to search for\n", q);
		arena_free(a);
		return;
	}
	double *t = malloc((size_t)runs * sizeof *t);
	SearchResults res = {0};
	for (int i = 0; i < runs; i++) {
		SearchQuery sq = {.query = clean, .user_id = user, .admin = admin, .limit = 20};
		double t0 = now_ms();
		search_run(db, a, &sq, &res);
		t[i] = now_ms() - t0;
		db_release(db);
	}
	qsort(t, (size_t)runs, sizeof *t, by_value);
	printf("  %-32s %-6s %5d%s results   %7.2f / %7.2f / %7.2f ms (min / median / max)\n", q,
	       admin ? "admin" : "member", res.total, res.truncated ? "+" : " ", t[0],
	       t[runs / 2], t[runs - 1]);
	free(t);
	arena_free(a);
}

/* Pages the connection read (from its cache or the file) and wrote (to the WAL, at commit). */
static void page_counts(Db *db, int *read, int *written)
{
	int hit = 0, miss = 0, write = 0, high;
	sqlite3_db_status(db_handle(db), SQLITE_DBSTATUS_CACHE_HIT, &hit, &high, 0);
	sqlite3_db_status(db_handle(db), SQLITE_DBSTATUS_CACHE_MISS, &miss, &high, 0);
	sqlite3_db_status(db_handle(db), SQLITE_DBSTATUS_CACHE_WRITE, &write, &high, 0);
	*read = hit + miss;
	*written = write;
}

/* Each put and remove in its own committed transaction, as a reply is written: FTS5 keeps a
 * transaction's new entries in memory and writes them (a new segment, and any merging it
 * triggers) at commit, so only committed writes show what a reply costs. The entries are
 * removed again; the index keeps their (merged away in time) traces. */
static void time_writes(Db *db)
{
	static const char body[] =
		"We moved our **budget** review to the second Tuesday so the finance committee "
		"can see the monthly cash flow statement first. Has anyone tried a rolling "
		"twelve-month forecast for enrollment-driven revenue? We use the template from "
		"the library, with a tab per campus, and it works well for the board.";
	/* SEARCH_BENCH_WRITES=N: more writes, to see merging reach its steady state. */
	const char *env = getenv("SEARCH_BENCH_WRITES");
	int N = env && atoi(env) > 0 ? atoi(env) : 50;
	int r0, w0, r1, w1;
	page_counts(db, &r0, &w0);
	double t0 = now_ms();
	for (int i = 0; i < N; i++) {
		db_begin(db);
		search_put(db, &(SearchEntry){.kind = "post", .ref_id = 900000000 + i,
					      .community_id = 1, .title = "Budget review",
					      .body = body, .url = "/posts/1", .updated_at = 1});
		db_commit(db);
	}
	double put = (now_ms() - t0) / N;
	page_counts(db, &r1, &w1);
	printf("  search_put of a reply, committed: %.3f ms, %.1f pages read, %.1f written (each)\n",
	       put, (double)(r1 - r0) / N, (double)(w1 - w0) / N);
	t0 = now_ms();
	for (int i = 0; i < N; i++) {
		db_begin(db);
		search_remove(db, "post", 900000000 + i);
		db_commit(db);
	}
	double removed = (now_ms() - t0) / N;
	page_counts(db, &r0, &w0);
	printf("  search_remove, committed: %.3f ms, %.1f pages read, %.1f written (each)\n",
	       removed, (double)(r0 - r1) / N, (double)(w0 - w1) / N);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: search_bench DB [--as EMAIL] [--runs N] QUERY...\n", stderr);
		return 2;
	}
	const char *path = argv[1], *email = "bench.member@example.org";
	int runs = 20, first = 2;
	while (first + 1 < argc && !strncmp(argv[first], "--", 2)) {
		if (!strcmp(argv[first], "--as"))
			email = argv[first + 1];
		else if (!strcmp(argv[first], "--runs"))
			runs = atoi(argv[first + 1]) > 0 ? atoi(argv[first + 1]) : 20;
		first += 2;
	}
	Db *db = db_open(path, false);
	if (!db || !search_rebuild_if_needed(db))
		return 1;
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM users WHERE email = :e");
	db_bind_text(st, ":e", email);
	int64_t member = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	st = db_prepare(db, "SELECT count(*), (SELECT count(*) FROM search_entries WHERE kind = "
			    "'post') FROM search_entries");
	if (db_step(st) == SQLITE_ROW)
		printf("%s: %lld entries, %lld of them replies; member %s (id %lld)\n", path,
		       (long long)db_col_int(st, 0), (long long)db_col_int(st, 1), email,
		       (long long)member);
	sqlite3_reset(st);
	for (int i = first; i < argc; i++) {
		time_query(db, argv[i], 0, true, runs);
		if (member)
			time_query(db, argv[i], member, false, runs);
	}
	time_writes(db);
	db_close(db);
	return 0;
}
