/* The benchmark database generator (`practica bench-data`), shared between benchdata.c
 * (people, communities, meetings) and benchdata_content.c (discussions, library, search). */
#ifndef PRACTICA_BENCHDATA_H
#define PRACTICA_BENCHDATA_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "buf.h"
#include "db.h"

/* The account the benchmark signs in as: a principal at school 1, participant in four
 * current communities and co-facilitator of one. Every generated account shares the
 * password, hashed once. */
#define BENCH_MEMBER_ID 1
#define BENCH_MEMBER_EMAIL "bench.member@example.org"
#define BENCH_PASSWORD "practica-bench"
#define BENCH_ADMINS 5 /* staff accounts, ids 2..6 */
#define BENCH_YEARS 3
#define BENCH_BATCH 5000 /* rows per transaction */
/* A phrase found in a handful of posts and documents: the benchmark's rare search. */
#define BENCH_RARE_PHRASE "restorative circle protocol"

typedef struct {
	uint64_t state;
} BenchRng;

typedef struct {
	int64_t id;
	int year; /* 0 .. BENCH_YEARS-1; the last is the current year */
	bool ongoing;
	int role; /* the job-alike role of an ongoing community, -1 for cohorts */
	int seats;
	int64_t *roster; /* participants' user ids */
	int n_roster, cap_roster;
} BenchCommunity;

typedef struct {
	Db *db;
	BenchRng rng;
	int64_t now;
	double started, scale;
	int n_schools, n_members, n_communities, n_meetings;
	int year_first[BENCH_YEARS]; /* 2024 for "2024-2025" */
	BenchCommunity *communities;
	int *user_role; /* by user id: index of the job-alike role, -1 for staff */
	char **user_handle; /* by user id: the email's local part, what "@..." mentions match */
	int in_batch;
	bool blobs; /* files keep their bytes in blobs (migration 006) */
	char password_hash[PASSWORD_HASH_MAX];
} BenchGen;

uint64_t bench_next(BenchRng *g);
int64_t bench_between(BenchRng *g, int64_t lo, int64_t hi); /* inclusive */
bool bench_chance(BenchRng *g, int percent);
const char *bench_pick(BenchRng *g, const char *const *list, size_t n);

/* Counts a written row; every BENCH_BATCH rows commits and begins the next transaction. */
void bench_batch_tick(BenchGen *b);
bool bench_table_exists(Db *db, const char *table);
/* Stores bytes in the file store as it is in this version; returns the files row id. */
int64_t bench_store_file(BenchGen *b, const char *name, const char *type, const char *data,
			 size_t size, int64_t by, int64_t at);
void bench_progress(BenchGen *b, const char *what, int64_t count);

/* benchdata_content.c: threads and posts, library documents, notifications, when their
 * tables exist. Runs its own transactions. */
void bench_content(BenchGen *b);
/* Rebuilds the search index from everything generated (a no-op while search has no index). */
void bench_reindex(BenchGen *b);

int cmd_bench_data(int argc, char **argv);

#endif
