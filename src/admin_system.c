/* The administrators' "System status" page: what is running (versions, since when, how many
 * workers), how large the database and its write-ahead log are, and where the server's memory
 * is (resident, and the page cache's reserved pool: in use, the most since start, and what did
 * not fit). What an installer checks after an upgrade, or when the machine seems short. */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "handlers.h"
#include "html.h"
#include "page.h"

/* VmRSS of this process in bytes, or -1. */
static int64_t resident_bytes(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	char line[256];
	long long kib = -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %lld kB", &kib) == 1)
			break;
	fclose(f);
	return kib < 0 ? -1 : (int64_t)kib * 1024;
}

static int64_t file_bytes(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* "48.9 MB": sizes as people read them (decimal units, as file managers show them). */
static const char *size_text(Req *r, int64_t bytes)
{
	if (bytes < 0)
		return "unknown";
	if (bytes < 1000)
		return arena_printf(r->arena, "%lld bytes", (long long)bytes);
	if (bytes < 1000 * 1000)
		return arena_printf(r->arena, "%.1f kB", (double)bytes / 1e3);
	if (bytes < (int64_t)1000 * 1000 * 1000)
		return arena_printf(r->arena, "%.1f MB", (double)bytes / 1e6);
	return arena_printf(r->arena, "%.2f GB", (double)bytes / 1e9);
}

/* One row: the figure for people, and the exact number in data-value for scripts and tests. */
static void row(Req *r, const char *id, const char *label, int64_t value, const char *shown)
{
	html(&r->out, "<dt>%s</dt><dd id=\"%s\" data-value=\"%lld\">%s</dd>\n", label, id,
	     (long long)value, shown);
}

void handle_admin_system(Req *r)
{
	page_begin(r, "System status");
	html_raw(&r->out, "<h1>System status</h1>\n<h2>Running</h2>\n<dl class=\"facts\">\n");
	int64_t started = http_started_at();
	html(&r->out,
	     "<dt>Practica</dt><dd>%s</dd>\n<dt>SQLite</dt><dd>%s</dd>\n"
	     "<dt>libmicrohttpd</dt><dd>%s</dd>\n<dt>Running since</dt><dd>%s, %s</dd>\n",
	     PRACTICA_VERSION, sqlite3_libversion(), MHD_get_version(), format_date(r, started),
	     format_time(r, started));
	unsigned workers = http_worker_count();
	row(r, "workers", "Worker threads", workers, arena_printf(r->arena, "%u", workers));
	html_raw(&r->out, "</dl>\n<h2>Database</h2>\n<dl class=\"facts\">\n");
	int64_t db_bytes = file_bytes(config.db_path);
	int64_t wal_bytes = file_bytes(arena_printf(r->arena, "%s-wal", config.db_path));
	row(r, "database-bytes", "Database file", db_bytes, size_text(r, db_bytes));
	/* The log is folded into the file as the server goes; a large one that never shrinks
	 * means something holds a read open for a long time. */
	row(r, "wal-bytes", "Write-ahead log", wal_bytes, size_text(r, wal_bytes));
	sqlite3_stmt *st = db_prepare(r->db, "PRAGMA user_version");
	int64_t schema = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	row(r, "schema", "Schema version", schema, arena_printf(r->arena, "%lld", (long long)schema));
	html_raw(&r->out, "</dl>\n<h2>Memory</h2>\n<dl class=\"facts\">\n");
	int64_t resident = resident_bytes();
	row(r, "resident-bytes", "In use by the server", resident, size_text(r, resident));
	PageCacheUsage pc;
	db_page_cache_usage(&pc);
	int64_t reserved = (int64_t)pc.slots * pc.slot_bytes;
	row(r, "page-pool-bytes", "Reserved for database pages", reserved,
	    pc.slots ? size_text(r, reserved) : "nothing (pages use the general memory)");
	row(r, "page-pool-used", "Pages held now", pc.used,
	    arena_printf(r->arena, "%lld of %d", (long long)pc.used, pc.slots));
	row(r, "page-pool-highest", "Most pages held since start", pc.used_highest,
	    arena_printf(r->arena, "%lld", (long long)pc.used_highest));
	row(r, "page-overflow-bytes", "Pages beyond the reserve, now", pc.overflow_bytes,
	    size_text(r, pc.overflow_bytes));
	html_raw(&r->out, "</dl>\n<p class=\"meta\">The reserve is set aside when the server starts "
			  "(16 MB for each worker thread and 4 MB for each of the two threads "
			  "that save what members post, 128 MB at most), so the memory in use "
			  "stays about the same however long the server runs.</p>\n");
	page_end(r);
}
