/* SQLite connections, the per-connection statement cache, migrations and transactions. */
#include "db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arena.h"
#include "embedded.h"
#include "faults.h"
#include "migration_steps.h"

/* The page size our databases use (SQLite's default; nothing here changes it). */
#define DB_PAGE_SIZE 4096
/* Past this the reserved pool stops growing and further pages use the heap: 128 MB is more
 * than a server this size needs. */
#define PAGE_POOL_MAX_KIB (128 * 1024)
/* How long a statement waits for another process's lock (the CLI, a backup). */
#define BUSY_TIMEOUT_MS 5000
/* The WAL file is cut back to this after it starts again from its beginning. */
#define WAL_KEEP_BYTES 67108864
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

typedef struct {
	const char *sql; /* the literal's address is the key */
	sqlite3_stmt *st;
} CacheEntry;

struct Db {
	sqlite3 *handle;
	CacheEntry *cache;
	size_t cache_cap, cache_len;
	sqlite3_stmt **used; /* statements to reset at db_release() */
	size_t used_len, used_cap;
	bool writing; /* holds writer_lock for its open write transaction */
	bool wal;     /* in WAL mode: its transactions commit first and sync after (db_commit) */
	bool deferred; /* the open transaction runs with synchronous=NORMAL, synced by db_commit */
};

static const char *thread_db_path;
/* The first unexpected database error of the request running on this thread (0 if none):
 * http.c turns it into a 500/503 page so no handler can show a half-done result as success. */
static _Thread_local int thread_db_error;
/* The connection this thread last prepared a statement on, to find a statement's Db. */
static _Thread_local Db *thread_last_db;
/* Writers of this process queue here, in order, rather than in SQLite's busy handler, which
 * sleeps 1, 2, 5, 10... ms between tries: under many concurrent replies most of the time went
 * to those sleeps while the lock was free. The busy timeout still covers other processes
 * (the CLI, a backup). Counted per thread, so a thread with two connections cannot deadlock
 * itself. */
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local int writer_depth;
static pthread_key_t thread_db_key;
static pthread_once_t thread_db_once = PTHREAD_ONCE_INIT;
/* PRACTICA_LOG_QUERIES=FILE, read once by db_set_path(): every statement a connection
 * prepares is appended to FILE, one line each, for the query-plan test
 * (tests/http_queryplan.c), which runs EXPLAIN QUERY PLAN on what the hot pages really ran. */
static FILE *query_log;
static pthread_mutex_t query_log_lock = PTHREAD_MUTEX_INITIALIZER;
/* PRACTICA_QUERY_STATS=FILE, also read once: at the end of each request, one line per
 * statement it used: virtual-machine steps, full-scan steps, rows sorted, and the SQL. For
 * finding the statement that makes a page slow (docs/PERFORMANCE.md). */
static FILE *query_stats;
/* Group commit (docs/DECISIONS.md). A transaction begun with db_begin() commits with
 * synchronous=NORMAL, which writes its WAL frames without an fsync, and db_commit() then syncs
 * the WAL after releasing writer_lock and before returning: the caller still answers only
 * once its transaction is durable, but the next writer builds and commits its transaction
 * while this one's fsync runs, and concurrent fsyncs of the WAL are merged by the kernel and
 * the disk (measured: one at a time 275-290 syncs/s here, two threads 1,400-1,700). Commits of
 * this process are numbered in order (under writer_lock); a sync that began after commit N was
 * written covers N, so a commit already covered skips its own. Linux's fsync flushes the file,
 * whichever descriptor wrote it. */
static atomic_uint_fast64_t commits_written, commits_synced;
/* A failed fsync leaves it unknown what reached the disk (the kernel may drop the pages), and
 * the WAL is only good up to its first missing frame: from then on this process refuses new
 * transactions (503) rather than acknowledge writes a restart could not recover. */
static atomic_bool sync_failed;

int db_schema_version(void)
{
	int n = 0;
	while (migrations[n].name)
		n++;
	return n;
}

static bool exec_plain(sqlite3 *h, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(h, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		if (!thread_db_error)
			thread_db_error = rc;
		fprintf(stderr, "practica: database: %s\n", err ? err : sqlite3_errmsg(h));
		sqlite3_free(err);
		return false;
	}
	return true;
}

static int user_version(sqlite3 *h)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

static bool migration_step(Db *db, int number, bool after)
{
	for (size_t k = 0; k < migration_step_count; k++) {
		bool (*step)(Db *) = after ? migration_steps[k].after : migration_steps[k].before;
		if (migration_steps[k].number == number && step && !step(db))
			return false;
	}
	return true;
}

/* Applies each migration newer than the database, each in its own transaction together with
 * the user_version bump, so a crash leaves the database at a whole level. */
static bool migrate(Db *db, const char *path)
{
	sqlite3 *h = db->handle;
	int have = user_version(h), want = db_schema_version();
	if (have < 0)
		return false;
	if (have > want) {
		fprintf(stderr,
			"practica: %s has schema version %d but this practica knows only up to %d; "
			"use a newer practica\n",
			path, have, want);
		return false;
	}
	for (int i = have; i < want; i++) {
		int number = atoi(migrations[i].name);
		if (number != i + 1) {
			fprintf(stderr, "practica: migration %s is out of sequence\n", migrations[i].name);
			return false;
		}
		char bump[64];
		snprintf(bump, sizeof bump, "PRAGMA user_version = %d;", i + 1);
		if (!exec_plain(h, "BEGIN IMMEDIATE;"))
			return false;
		bool ok = migration_step(db, number, false) &&
			  exec_plain(h, (const char *)migrations[i].data) &&
			  migration_step(db, number, true);
		if (ok) {
			for (size_t k = 0; k < db->used_len; k++)
				sqlite3_reset(db->used[k]);
			db->used_len = 0;
		}
		if (!ok || !exec_plain(h, bump)) {
			for (size_t k = 0; k < db->used_len; k++)
				sqlite3_reset(db->used[k]);
			db->used_len = 0;
			exec_plain(h, "ROLLBACK;");
			fprintf(stderr, "practica: migration %s failed\n", migrations[i].name);
			return false;
		}
		if (!exec_plain(h, "COMMIT;"))
			return false;
	}
	return true;
}

/* The features' repairs of data written without their code (migration_steps.h), each in
 * its own transaction when its probe says it is needed: normally none is. */
static bool run_open_repairs(Db *db)
{
	for (size_t i = 0; i < open_repair_count; i++) {
		bool needed = open_repairs[i].needed(db);
		bool ok = !needed || (exec_plain(db->handle, "BEGIN IMMEDIATE") &&
				      open_repairs[i].repair(db));
		for (size_t k = 0; k < db->used_len; k++)
			sqlite3_reset(db->used[k]);
		db->used_len = 0;
		if (needed && !(ok ? exec_plain(db->handle, "COMMIT")
				   : (exec_plain(db->handle, "ROLLBACK"), false)))
			return false;
	}
	return true;
}

/* SQLite's automatic checkpoint (PASSIVE, from 1,000 frames) copies the WAL's frames back
 * into the database but never waits for readers, and the WAL can only start again from its
 * beginning at a moment when no reader still uses it. With page views always holding
 * snapshots on the workers while the writer threads commit, that moment never came and the
 * WAL grew without end (15 → 584 MB in 240 s of make load). So past WAL_RESTART_FRAMES a
 * commit also asks for a RESTART checkpoint, which waits (briefly: readers are short, and
 * once every frame is copied new readers read the database file) until the next commit can
 * write from the WAL's start; journal_size_limit then trims a file that grew past it. */
#define WAL_AUTO_FRAMES 1000
#define WAL_RESTART_FRAMES 8192 /* 32 MB of 4 KiB pages */
#define WAL_RESTART_WAIT_MS 200

static int after_commit(void *unused, sqlite3 *h, const char *schema, int frames)
{
	(void)unused;
	if (frames >= WAL_RESTART_FRAMES) {
		sqlite3_busy_timeout(h, WAL_RESTART_WAIT_MS); /* a try, not a stall */
		sqlite3_wal_checkpoint_v2(h, schema, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
		sqlite3_busy_timeout(h, BUSY_TIMEOUT_MS);
	} else if (frames >= WAL_AUTO_FRAMES) {
		sqlite3_wal_checkpoint_v2(h, schema, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	}
	return SQLITE_OK;
}

static Db *open_connection(const char *path, bool create, bool run_migrations)
{
	sqlite3 *h = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &h, flags, faults_vfs_name()) != SQLITE_OK) {
		fprintf(stderr, "practica: cannot open database %s: %s\n", path,
			h ? sqlite3_errmsg(h) : "out of memory");
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_timeout(h, BUSY_TIMEOUT_MS);
	/* synchronous=FULL: a reply we acknowledged survives power loss, not only a crash. */
	if (!exec_plain(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
			   "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
			   "PRAGMA journal_size_limit=" STRINGIFY(WAL_KEEP_BYTES) "; "
			   "PRAGMA cache_size=-" STRINGIFY(DB_PAGE_CACHE_KIB) ";")) {
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_wal_hook(h, after_commit, NULL);
	Db *db = xmalloc(sizeof *db);
	memset(db, 0, sizeof *db);
	db->handle = h;
	db->cache_cap = 128;
	db->cache = xmalloc(db->cache_cap * sizeof *db->cache);
	memset(db->cache, 0, db->cache_cap * sizeof *db->cache);
	sqlite3_stmt *mode;
	if (sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &mode, NULL) == SQLITE_OK) {
		db->wal = sqlite3_step(mode) == SQLITE_ROW &&
			  !strcmp((const char *)sqlite3_column_text(mode, 0), "wal");
		sqlite3_finalize(mode);
	}
	if (run_migrations ? !migrate(db, path) || !run_open_repairs(db)
			   : user_version(h) != db_schema_version()) {
		if (!run_migrations)
			fprintf(stderr, "practica: %s is not at schema version %d\n", path,
				db_schema_version());
		db_close(db);
		return NULL;
	}
	return db;
}

/* SQLite's memory statistics take a global mutex on every allocation, for figures nothing
 * here reads (a tenth of the SQLite time of a thread page went to mutexes). A setting only
 * taken before the library starts, and registering an extension (search_rank.c, from a
 * constructor) starts it, so this runs first. */
__attribute__((constructor(101))) static void configure_sqlite(void)
{
	if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
		fputs("practica: SQLite started before it could be configured\n", stderr);
}

/* Every extension registered, to be registered again when the library restarts. */
static void (*extensions[4])(void);
static int nextensions;

void db_auto_extension(int (*entry)(sqlite3 *, char **, const sqlite3_api_routines *))
{
	if (nextensions < (int)(sizeof extensions / sizeof *extensions))
		extensions[nextensions++] = (void (*)(void))entry;
	else
		fputs("practica: too many SQLite extensions\n", stderr);
	sqlite3_auto_extension((void (*)(void))entry);
}

/* The page caches' own memory (db_reserve_page_cache). */
static void *page_pool;
static int page_pool_slot, page_pool_slots;

/* SQLite threads its pool's free list through every slot, so the pool is resident from the
 * start and pages never come from, or go back to, the heap: the page caches filling and
 * emptying (each write by one connection empties the others' caches) cannot fragment it, and
 * the server's memory stays where it started however long it runs. Pages beyond the pool use
 * the heap. The pool is only taken when the library starts, hence the restart: nothing is
 * open yet (serve calls this first), and the restart forgets the extensions. */
void db_reserve_page_cache(int kib)
{
	if (page_pool || kib <= 0)
		return;
	if (kib > PAGE_POOL_MAX_KIB)
		kib = PAGE_POOL_MAX_KIB;
	int header = 0;
	sqlite3_shutdown();
	if (sqlite3_config(SQLITE_CONFIG_PCACHE_HDRSZ, &header) == SQLITE_OK && header > 0) {
		/* A slot holds one page and SQLite's header for it. The extra 1,024 slots are for
		 * the temporary tables of sorts and unions. */
		int slot = (DB_PAGE_SIZE + header + 7) & ~7;
		int slots = kib / (DB_PAGE_SIZE / 1024) + 1024;
		size_t bytes = (size_t)slot * (size_t)slots;
		/* Populated by the kernel in one go: SQLite would touch every page anyway, and a
		 * page fault each costs three times as much (on a virtual machine, 250 against 80
		 * ms for 53 MB). */
		void *pool = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (pool != MAP_FAILED &&
		    sqlite3_config(SQLITE_CONFIG_PAGECACHE, pool, slot, slots) == SQLITE_OK) {
			page_pool = pool;
			page_pool_slot = slot;
			page_pool_slots = slots;
		} else if (pool != MAP_FAILED) {
			munmap(pool, bytes);
		}
	}
	configure_sqlite();
	sqlite3_initialize();
	for (int i = 0; i < nextensions; i++)
		sqlite3_auto_extension(extensions[i]);
}

void db_set_cache_kib(Db *db, int kib)
{
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d", kib);
	exec_plain(db->handle, sql);
}

void db_page_cache_usage(PageCacheUsage *u)
{
	memset(u, 0, sizeof *u);
	u->slot_bytes = page_pool_slot;
	u->slots = page_pool_slots;
	sqlite3_int64 cur = 0, high = 0;
	if (sqlite3_status64(SQLITE_STATUS_PAGECACHE_USED, &cur, &high, 0) == SQLITE_OK) {
		u->used = cur;
		u->used_highest = high;
	}
	if (sqlite3_status64(SQLITE_STATUS_PAGECACHE_OVERFLOW, &cur, &high, 0) == SQLITE_OK)
		u->overflow_bytes = cur;
}

Db *db_open(const char *path, bool create)
{
	return open_connection(path, create, true);
}

static void release_writer(Db *db);

void db_close(Db *db)
{
	if (!db)
		return;
	release_writer(db); /* closing rolls back a transaction left open */
	for (size_t i = 0; i < db->cache_cap; i++)
		if (db->cache[i].st)
			sqlite3_finalize(db->cache[i].st);
	free(db->cache);
	free(db->used);
	sqlite3_close(db->handle);
	free(db);
}

static void close_thread_db(void *db)
{
	db_close(db);
}

static void make_thread_key(void)
{
	pthread_key_create(&thread_db_key, close_thread_db);
}

void db_set_path(const char *path)
{
	thread_db_path = path;
	const char *log = getenv("PRACTICA_LOG_QUERIES");
	if (log && *log && !query_log) {
		query_log = fopen(log, "a");
		if (!query_log)
			fprintf(stderr, "practica: cannot open the query log %s\n", log);
	}
	const char *stats = getenv("PRACTICA_QUERY_STATS");
	if (stats && *stats && !query_stats)
		query_stats = fopen(stats, "a");
	pthread_once(&thread_db_once, make_thread_key);
}

Db *db_thread(void)
{
	Db *db = pthread_getspecific(thread_db_key);
	if (!db && thread_db_path) {
		db = open_connection(thread_db_path, false, false);
		pthread_setspecific(thread_db_key, db);
	}
	return db;
}

sqlite3 *db_handle(Db *db)
{
	return db->handle;
}

static size_t slot_for(const CacheEntry *cache, size_t cap, const char *sql)
{
	size_t i = ((uintptr_t)sql >> 3) * 0x9E3779B97F4A7C15ull % cap;
	while (cache[i].sql && cache[i].sql != sql)
		i = (i + 1) % cap;
	return i;
}

static void grow_cache(Db *db)
{
	size_t cap = db->cache_cap * 2;
	CacheEntry *fresh = xmalloc(cap * sizeof *fresh);
	memset(fresh, 0, cap * sizeof *fresh);
	for (size_t i = 0; i < db->cache_cap; i++)
		if (db->cache[i].sql)
			fresh[slot_for(fresh, cap, db->cache[i].sql)] = db->cache[i];
	free(db->cache);
	db->cache = fresh;
	db->cache_cap = cap;
}

static void mark_used(Db *db, sqlite3_stmt *st)
{
	if (db->used_len == db->used_cap) {
		db->used_cap = db->used_cap ? db->used_cap * 2 : 16;
		db->used = xrealloc(db->used, db->used_cap * sizeof *db->used);
	}
	db->used[db->used_len++] = st;
}

static void log_query(const char *sql)
{
	pthread_mutex_lock(&query_log_lock);
	for (const char *p = sql; *p; p++)
		fputc(*p == '\n' ? ' ' : *p, query_log);
	fputc('\n', query_log);
	fflush(query_log);
	pthread_mutex_unlock(&query_log_lock);
}

sqlite3_stmt *db_prepare(Db *db, const char *sql)
{
	size_t i = slot_for(db->cache, db->cache_cap, sql);
	sqlite3_stmt *st = db->cache[i].st;
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else {
		if (sqlite3_prepare_v3(db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
		    SQLITE_OK) {
			/* Our SQL is literal: failing to prepare it is a programmer error. */
			fprintf(stderr, "practica: cannot prepare [%s]: %s\n", sql,
				sqlite3_errmsg(db->handle));
			abort();
		}
		if (query_log)
			log_query(sql);
		db->cache[i].sql = sql;
		db->cache[i].st = st;
		if (++db->cache_len * 2 > db->cache_cap)
			grow_cache(db);
	}
	mark_used(db, st);
	thread_last_db = db;
	return st;
}

/* A read left unfinished (a statement stepped to a row and not reset) holds a WAL snapshot;
 * a write on the same connection must then upgrade it, which fails at once with SQLITE_BUSY
 * when another connection wrote meanwhile, bypassing the busy timeout. So a write starts by
 * ending the reads in flight. Consequence: never write inside a loop over a SELECT. */
static void end_reads(Db *db, sqlite3_stmt *except)
{
	for (size_t i = 0; i < db->used_len; i++)
		if (db->used[i] != except)
			sqlite3_reset(db->used[i]);
}

static int param_index(sqlite3_stmt *st, const char *name)
{
	int idx = sqlite3_bind_parameter_index(st, name);
	if (idx == 0) {
		fprintf(stderr, "practica: no parameter %s in [%s]\n", name, sqlite3_sql(st));
		abort();
	}
	return idx;
}

void db_bind_text(sqlite3_stmt *st, const char *name, const char *value)
{
	int idx = param_index(st, name);
	if (value)
		sqlite3_bind_text(st, idx, value, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

void db_bind_int(sqlite3_stmt *st, const char *name, int64_t value)
{
	sqlite3_bind_int64(st, param_index(st, name), value);
}

void db_bind_blob(sqlite3_stmt *st, const char *name, const void *data, int size)
{
	sqlite3_bind_blob(st, param_index(st, name), data, size, SQLITE_TRANSIENT);
}

int db_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE && (rc & 0xff) != SQLITE_CONSTRAINT) {
		fprintf(stderr, "practica: database error %d (%s) in [%s]\n", rc, sqlite3_errstr(rc),
			sqlite3_sql(st));
		if (!thread_db_error)
			thread_db_error = rc;
	}
	return rc;
}

/* Syncs the WAL so this process's commit number `mine` is durable (see commits_written). */
static bool wal_sync(Db *db, uint_fast64_t mine)
{
	if (atomic_load(&commits_synced) >= mine)
		return true; /* a sync that began after our commit was written has finished */
	uint_fast64_t covers = atomic_load(&commits_written);
	sqlite3_file *wal = NULL;
	int rc = sqlite3_file_control(db->handle, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal);
	if (rc == SQLITE_OK && (!wal || !wal->pMethods))
		rc = SQLITE_IOERR_FSYNC;
	if (rc == SQLITE_OK)
		rc = wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);
	if (rc != SQLITE_OK) {
		atomic_store(&sync_failed, true);
		if (!thread_db_error)
			thread_db_error = rc;
		fprintf(stderr, "practica: database: syncing the write-ahead log failed (%s); no "
				"more writes are accepted until a restart\n", sqlite3_errstr(rc));
		return false;
	}
	uint_fast64_t seen = atomic_load(&commits_synced);
	while (seen < covers && !atomic_compare_exchange_weak(&commits_synced, &seen, covers))
		;
	return true;
}

static void writer_enter(void)
{
	if (writer_depth++ == 0)
		pthread_mutex_lock(&writer_lock);
}

static void writer_leave(void)
{
	if (--writer_depth == 0)
		pthread_mutex_unlock(&writer_lock);
}

bool db_run(sqlite3_stmt *st)
{
	Db *db = thread_last_db;
	bool lone_write = db && db->handle == sqlite3_db_handle(st) &&
			  sqlite3_get_autocommit(db->handle) && !sqlite3_stmt_readonly(st);
	if (lone_write) {
		end_reads(db, st);
		writer_enter(); /* a write outside a transaction is a transaction of its own */
	}
	if (lone_write && atomic_load(&sync_failed)) {
		writer_leave();
		return false;
	}
	int rc = db_step(st);
	sqlite3_reset(st);
	if (lone_write)
		writer_leave();
	return rc == SQLITE_DONE;
}

const char *db_col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}

int64_t db_col_int(sqlite3_stmt *st, int col)
{
	return sqlite3_column_int64(st, col);
}

static void write_query_stats(Db *db)
{
	pthread_mutex_lock(&query_log_lock);
	for (size_t i = 0; i < db->used_len; i++) {
		sqlite3_stmt *st = db->used[i];
		int steps = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 1);
		int scan = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 1);
		int sort = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_SORT, 1);
		if (steps || scan || sort)
			fprintf(query_stats, "%d\t%d\t%d\t%s\n", steps, scan, sort, sqlite3_sql(st));
	}
	fputs("--\n", query_stats);
	fflush(query_stats);
	pthread_mutex_unlock(&query_log_lock);
}

void db_release(Db *db)
{
	if (query_stats)
		write_query_stats(db);
	for (size_t i = 0; i < db->used_len; i++)
		sqlite3_reset(db->used[i]);
	db->used_len = 0;
	/* A handler that returned inside a transaction (an early error path) must not leave
	 * the connection holding the write lock. */
	db_rollback(db);
}

int db_take_error(void)
{
	int rc = thread_db_error;
	thread_db_error = 0;
	return rc;
}

static void release_writer(Db *db)
{
	if (db->writing) {
		db->writing = false;
		writer_leave();
	}
}

/* Back to synchronous=FULL, which every write outside db_begin()/db_commit() commits with. */
static void end_deferred(Db *db)
{
	if (db->deferred && sqlite3_get_autocommit(db->handle)) {
		db->deferred = false;
		exec_plain(db->handle, "PRAGMA synchronous=FULL");
	}
}

bool db_begin(Db *db)
{
	end_reads(db, NULL);
	if (atomic_load(&sync_failed)) {
		if (!thread_db_error)
			thread_db_error = SQLITE_IOERR_FSYNC;
		return false;
	}
	if (!db->writing) {
		writer_enter();
		db->writing = true;
	}
	if (db->wal && sqlite3_get_autocommit(db->handle) && !db->deferred &&
	    exec_plain(db->handle, "PRAGMA synchronous=NORMAL"))
		db->deferred = true;
	if (exec_plain(db->handle, "BEGIN IMMEDIATE"))
		return true;
	end_deferred(db);
	release_writer(db);
	return false;
}

bool db_commit(Db *db)
{
	bool deferred = db->deferred;
	if (exec_plain(db->handle, "COMMIT")) {
		/* Numbered while writer_lock is held, so numbers follow the WAL's order. */
		uint_fast64_t mine = deferred ? atomic_fetch_add(&commits_written, 1) + 1 : 0;
		end_deferred(db);
		release_writer(db);
		return !deferred || wal_sync(db, mine);
	}
	db_rollback(db);
	return false;
}

void db_rollback(Db *db)
{
	if (!sqlite3_get_autocommit(db->handle))
		exec_plain(db->handle, "ROLLBACK");
	end_deferred(db);
	release_writer(db);
}

int64_t db_last_id(Db *db)
{
	return sqlite3_last_insert_rowid(db->handle);
}

int db_changes(Db *db)
{
	return sqlite3_changes(db->handle);
}
