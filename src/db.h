/* The storage layer: one SQLite connection per thread (WAL, foreign keys, busy timeout), with
 * its prepared statements cached and reused; schema migrations; transactions.
 *
 * SQL is always a string literal and values are always bound by name, e.g.
 *     sqlite3_stmt *st = db_prepare(db, "SELECT name FROM users WHERE id = :id");
 *     db_bind_int(st, ":id", id);
 *     if (db_step(st) == SQLITE_ROW) ...
 * A prepared statement belongs to the connection's cache: callers never finalize it. It is
 * reset on the next db_prepare() of the same SQL and by db_release() at the end of a request. */
#ifndef PRACTICA_DB_H
#define PRACTICA_DB_H
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct Db Db;

/* Opens path (creating it when create is true), sets the pragmas, migrates the schema to the
 * level this binary knows. Returns NULL and prints why on failure (e.g. a database newer than
 * this binary). The caller owns the result (db_close). */
Db *db_open(const char *path, bool create);
void db_close(Db *db);

/* Registers an SQLite extension on every connection the process opens, ours and others',
 * now and after the library restarts (db_reserve_page_cache). */
void db_auto_extension(int (*entry)(sqlite3 *, char **, const sqlite3_api_routines *));

/* Each connection's page cache, in KiB (DECISIONS 71), unless set otherwise. */
#define DB_PAGE_CACHE_KIB 16384

/* Reserves kib of page caches (the sum of the connections' caches to come) as one pool,
 * before the first database is opened (later calls do nothing): the server's memory is then
 * what it will stay, and pages never mix with the heap. Without it pages come from the heap. */
void db_reserve_page_cache(int kib);
/* Sets db's page cache to kib instead of DB_PAGE_CACHE_KIB. */
void db_set_cache_kib(Db *db, int kib);

typedef struct {
	int slot_bytes;                    /* one page with SQLite's header for it */
	int slots;                         /* 0: no pool reserved */
	int64_t used, used_highest;        /* slots, now and the most since start */
	int64_t overflow_bytes;            /* pages that did not fit, now in the heap */
} PageCacheUsage;
void db_page_cache_usage(PageCacheUsage *u);

/* Sets the path the per-thread connections open; call once before serving. */
void db_set_path(const char *path);
/* This thread's connection, opened on first use and closed when the thread exits.
 * NULL if it cannot be opened (logged). */
Db *db_thread(void);

sqlite3 *db_handle(Db *db);
sqlite3_stmt *db_prepare(Db *db, const char *sql);
void db_bind_text(sqlite3_stmt *st, const char *name, const char *value); /* NULL binds NULL */
void db_bind_int(sqlite3_stmt *st, const char *name, int64_t value);
void db_bind_blob(sqlite3_stmt *st, const char *name, const void *data, int size);
/* sqlite3_step that logs unexpected errors. Returns SQLITE_ROW, SQLITE_DONE or an error. */
int db_step(sqlite3_stmt *st);
/* Steps a statement expected to finish (INSERT/UPDATE/DELETE). True on SQLITE_DONE. */
bool db_run(sqlite3_stmt *st);
const char *db_col_text(sqlite3_stmt *st, int col); /* "" for NULL */
int64_t db_col_int(sqlite3_stmt *st, int col);
/* Resets every statement used since the last call, ending implicit read transactions, and
 * rolls back a transaction left open. */
void db_release(Db *db);
/* Returns and clears the first unexpected error (not a constraint violation) seen by
 * db_step() or a transaction command on this thread; 0 when there was none. */
int db_take_error(void);

/* Write transactions are BEGIN IMMEDIATE, so a writer never fails half-way on a lock upgrade.
 * db_begin(), and db_run() of a write outside a transaction, first reset the statements this
 * request used (ending their read snapshot): never write inside a loop over a SELECT. */
bool db_begin(Db *db);
bool db_commit(Db *db);
void db_rollback(Db *db);
int64_t db_last_id(Db *db);
int db_changes(Db *db);

/* The schema level this binary migrates to (the number of migration files). */
int db_schema_version(void);

#endif
