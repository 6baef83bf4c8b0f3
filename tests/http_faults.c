/* Storage faults and backups against a real server.
 *
 * Disk full and read-only storage: writes get a clear 503 page, reads keep working, and the
 * server recovers by itself once the fault is gone. Two ways to make the fault:
 *   - a real, tiny tmpfs filled to the last byte (needs root with CAP_SYS_ADMIN; skipped with a
 *     note when the test cannot mount one, e.g. in an unprivileged container);
 *   - the hidden config key fault-injection-file: the server's SQLite connections then go
 *     through a pass-through VFS whose writes fail with SQLITE_FULL (as on ENOSPC) or
 *     SQLITE_IOERR_WRITE (as on EROFS) while the file says so (src/faults.c). Running as root,
 *     chmod cannot make a file read-only, so this is how read-only storage is tested.
 * Backup: `practica backup` while a client keeps writing gives a database that passes
 * integrity_check, that `practica serve` opens, and that holds every write acknowledged before
 * the backup began; restoring it (copy back, remove -wal/-shm) brings that data back. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define PASSWORD "member-password-1"
#define SCHOOL "Northfield Academy"

static Server srv; /* with fault injection */
static bool started;
static char fault_file[400];

static bool write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

static Reply add_school_form(Client *admin, const char *name)
{
	return client_submit(admin, "/admin/schools", "/admin/schools", "name", name, "kind",
			     "school", "city", "Springfield", "status", "active", NULL);
}

static long get_status(Client *c, const char *path)
{
	Reply r = client_get(c, path);
	long status = r.status;
	reply_free(&r);
	return status;
}

/* With storage refusing writes (however that was arranged): writes 503, reads 200. */
static void check_faulty(Server *s, Client *admin, const char *what)
{
	/* A CSRF token first: the form page is a read. */
	char *csrf = client_csrf(admin, "/admin/schools");
	CHECK(csrf != NULL, "%s: the form page did not load", what);
	char name[64];
	snprintf(name, sizeof name, "Refused %s School", what);
	char *body = form_encode("csrf", csrf ? csrf : "", "name", name, "kind", "school", "city",
				 "X", "status", "active", NULL);
	Reply r = client_post(admin, "/admin/schools", body);
	CHECK(r.status == 503, "%s: a write gave %ld", what, r.status);
	CHECK(body_has(&r, "cannot save changes") && reply_header(&r, "Retry-After"),
	      "%s: not the clear 503 page: %.200s", what, r.body);
	reply_free(&r);
	free(body), free(csrf);
	CHECK(sql_int(s, "SELECT count(*) FROM schools WHERE name = '%s'", name) == 0,
	      "%s: the refused school was saved", what);
	const char *reads[] = {"/home", "/admin", "/admin/users", "/admin/schools", "/communities",
			       "/schools", "/account", "/healthz"};
	for (size_t i = 0; i < sizeof reads / sizeof *reads; i++)
		CHECK(get_status(admin, reads[i]) == 200, "%s: GET %s failed", what, reads[i]);
	/* Signing in writes a session: refused clearly too. */
	Client *c = client_new(s);
	r = client_submit(c, "/login", "/login", "email", "member@northfield.org", "password",
			  PASSWORD, NULL);
	CHECK(r.status == 503, "%s: sign-in gave %ld", what, r.status);
	reply_free(&r);
	client_free(c);
}

static void check_recovered(Server *s, Client *admin, const char *what)
{
	char name[64];
	snprintf(name, sizeof name, "Recovered %s School", what);
	Reply r = add_school_form(admin, name);
	CHECK(r.status == 303, "%s: a write after recovery gave %ld", what, r.status);
	reply_free(&r);
	CHECK(sql_int(s, "SELECT count(*) FROM schools WHERE name = '%s'", name) == 1,
	      "%s: the school was not saved after recovery", what);
	Client *c = client_login_checked(s, "member@northfield.org", PASSWORD);
	client_free(c);
}

TEST(server_started)
{
	CHECK(started, "the server did not start");
}

static void injected_fault(const char *mode)
{
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	/* A session due for its sliding refresh: the refresh cannot be written, and must not
	 * turn the reads below into errors. */
	sql_exec(&srv, "UPDATE sessions SET expires_at = strftime('%%s','now') + 3600");
	CHECK(write_file(fault_file, mode), "cannot write the fault file");
	check_faulty(&srv, admin, mode);
	unlink(fault_file);
	check_recovered(&srv, admin, mode);
	client_free(admin);
}

TEST(full_storage_refuses_writes_keeps_reads_and_recovers)
{
	injected_fault("full");
}

TEST(read_only_storage_refuses_writes_keeps_reads_and_recovers)
{
	injected_fault("readonly");
}

/* A real filesystem of 8 MiB filled to the last block. */
TEST(real_full_filesystem_refuses_writes_keeps_reads_and_recovers)
{
	Server fs = {0};
	if (!server_init(&fs)) {
		CHECK(false, "server_init");
		return;
	}
	char mnt[300], filler[320];
	snprintf(mnt, sizeof mnt, "%.250s/small-disk", fs.dir);
	snprintf(filler, sizeof filler, "%.300s/filler", mnt);
	mkdir(mnt, 0700);
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=8m") != 0) {
		printf("     (skipped: cannot mount a tmpfs here: %s; the injected faults above "
		       "take the same path)\n", strerror(errno));
		server_cleanup(&fs);
		return;
	}
	/* The database moves onto the small disk. */
	char db[sizeof fs.db];
	snprintf(db, sizeof db, "%.290s/practica.db", mnt);
	RunResult rr;
	run_practica(&rr, NULL, "backup", "--db", fs.db, db, NULL);
	run_result_free(&rr);
	memcpy(fs.db, db, sizeof db);
	add_school(&fs, SCHOOL, "active");
	add_user(&fs, "member@northfield.org", "Mia Member", SCHOOL, PASSWORD);
	bool ok = server_start(&fs);
	CHECK(ok, "the server on the small disk did not start");
	if (ok) {
		Client *admin = client_login_checked(&fs, ADMIN_EMAIL, ADMIN_PASSWORD);
		/* An empty WAL, so the next write needs new blocks; then fill the disk. */
		sql_exec(&fs, "PRAGMA wal_checkpoint(TRUNCATE)");
		int fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		static char block[65536];
		memset(block, 'x', sizeof block);
		while (fd >= 0 && write(fd, block, sizeof block) > 0)
			;
		while (fd >= 0 && write(fd, block, 512) > 0)
			;
		CHECK(errno == ENOSPC, "filling the disk stopped with %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		check_faulty(&fs, admin, "disk-full");
		unlink(filler); /* space returns */
		check_recovered(&fs, admin, "disk-full");
		client_free(admin);
		CHECK(server_stop(&fs) == 0, "the server did not stop cleanly");
	}
	umount2(mnt, MNT_DETACH);
	server_cleanup(&fs);
}

/* ---- backup and restore ---- */

static atomic_int acknowledged; /* schools the writer saw saved (303) */
static atomic_bool writer_stop;

static void *writer(void *arg)
{
	Client *admin = client_new(&srv);
	if (!client_login(admin, ADMIN_EMAIL, ADMIN_PASSWORD)) {
		client_free(admin);
		return NULL;
	}
	char *csrf = client_csrf(admin, "/admin/schools");
	for (int i = 0; !atomic_load(&writer_stop) && i < 100000; i++) {
		char name[64];
		snprintf(name, sizeof name, "Load School %05d", i);
		char *body = form_encode("csrf", csrf ? csrf : "", "name", name, "kind", "school",
					 "city", "Load", "status", "active", NULL);
		Reply r = client_post(admin, "/admin/schools", body);
		if (r.status == 303)
			atomic_store(&acknowledged, i + 1);
		reply_free(&r);
		free(body);
	}
	free(csrf);
	client_free(admin);
	return NULL;
}

static char backup_path[400];
static int64_t schools_in_backup;

static int64_t count_schools(const char *path, char *integrity, size_t n)
{
	sqlite3 *db = NULL;
	int64_t count = -1;
	snprintf(integrity, n, "cannot open");
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			snprintf(integrity, n, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (sqlite3_prepare_v2(db, "SELECT count(*) FROM schools WHERE city = 'Load'", -1, &st,
				       NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			count = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return count;
}

TEST(backup_under_write_load_is_consistent_and_complete)
{
	snprintf(backup_path, sizeof backup_path, "%s/backup.db", srv.dir);
	atomic_store(&writer_stop, false);
	pthread_t t;
	pthread_create(&t, NULL, writer, NULL);
	for (int i = 0; i < 200 && atomic_load(&acknowledged) < 20; i++)
		usleep(50 * 1000);
	int before = atomic_load(&acknowledged);
	RunResult rr;
	int rc = run_practica(&rr, NULL, "backup", "--db", srv.db, backup_path, NULL);
	CHECK(rc == 0, "backup: exit %d: %s", rc, rr.err);
	run_result_free(&rr);
	int during = atomic_load(&acknowledged);
	usleep(300 * 1000); /* writes after the backup, which it must not need */
	atomic_store(&writer_stop, true);
	pthread_join(t, NULL);
	int after = atomic_load(&acknowledged);
	CHECK(before >= 20 && after > during, "the writer was not busy: %d before, %d after", before,
	      after);
	char integrity[128];
	schools_in_backup = count_schools(backup_path, integrity, sizeof integrity);
	CHECK_STR(integrity, "ok");
	/* Everything acknowledged before the backup started is in it; nothing beyond what was
	 * acknowledged by the time it ended (plus the one in flight). */
	CHECK(schools_in_backup >= before && schools_in_backup <= during + 1,
	      "backup holds %lld schools; %d acknowledged before, %d when it ended",
	      (long long)schools_in_backup, before, during);
	printf("     (writer: %d schools acknowledged before the backup, %d after it; backup "
	       "holds %lld)\n", before, after, (long long)schools_in_backup);
}

TEST(backup_opens_with_serve)
{
	Server b = {0};
	bool ok = server_init(&b);
	if (ok) {
		/* Serve the backup in place of the new database. */
		char cmd[2048];
		snprintf(cmd, sizeof cmd, "cp '%s' '%s' && rm -f '%s-wal' '%s-shm'", backup_path, b.db,
			 b.db, b.db);
		ok = system(cmd) == 0 && server_start(&b);
	}
	CHECK(ok, "practica serve did not start on the backup");
	if (ok) {
		Client *admin = client_login_checked(&b, ADMIN_EMAIL, ADMIN_PASSWORD);
		Reply r = client_get(admin, "/admin/schools");
		CHECK(r.status == 200 && body_has(&r, "Load School 00000"),
		      "the backup's schools are not listed: %ld", r.status);
		reply_free(&r);
		client_free(admin);
		CHECK(server_stop(&b) == 0, "the backup server did not stop cleanly");
	}
	server_cleanup(&b);
}

TEST(restore_by_copying_back_brings_the_data_back)
{
	int64_t live = sql_int(&srv, "SELECT count(*) FROM schools WHERE city = 'Load'");
	CHECK(server_stop(&srv) == 0, "the server did not stop cleanly");
	/* The README's restore: server stopped, backup copied over, -wal and -shm removed. */
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s' && rm -f '%s-wal' '%s-shm'", backup_path, srv.db,
		 srv.db, srv.db);
	CHECK(system(cmd) == 0, "copying the backup back failed");
	started = server_start(&srv);
	CHECK(started, "the server did not start on the restored database");
	int64_t restored = sql_int(&srv, "SELECT count(*) FROM schools WHERE city = 'Load'");
	CHECK(restored == schools_in_backup && restored < live,
	      "restored %lld schools; backup had %lld, the live database %lld", (long long)restored,
	      (long long)schools_in_backup, (long long)live);
	Client *admin = client_login_checked(&srv, ADMIN_EMAIL, ADMIN_PASSWORD);
	Reply r = client_get(admin, "/admin/schools");
	CHECK(r.status == 200 && body_has(&r, "Load School 00000"), "schools page: %ld", r.status);
	reply_free(&r);
	r = add_school_form(admin, "After Restore School");
	CHECK(r.status == 303, "writing after the restore: %ld", r.status);
	reply_free(&r);
	client_free(admin);
}

TEST(stops_cleanly_on_sigterm)
{
	CHECK(server_stop(&srv) == 0, "the server did not stop cleanly");
}

static bool setup(void)
{
	if (!server_init(&srv))
		return false;
	snprintf(fault_file, sizeof fault_file, "%s/fault", srv.dir);
	snprintf(srv.config, sizeof srv.config, "%s/practica.conf", srv.dir);
	char conf[600];
	snprintf(conf, sizeof conf, "fault-injection-file = %s\n", fault_file);
	return write_file(srv.config, conf) && add_school(&srv, SCHOOL, "active") &&
	       add_user(&srv, "member@northfield.org", "Mia Member", SCHOOL, PASSWORD) &&
	       server_start(&srv);
}

int main(void)
{
	started = setup();
	int rc = RUN_TESTS(server_started, full_storage_refuses_writes_keeps_reads_and_recovers,
			   read_only_storage_refuses_writes_keeps_reads_and_recovers,
			   real_full_filesystem_refuses_writes_keeps_reads_and_recovers,
			   backup_under_write_load_is_consistent_and_complete, backup_opens_with_serve,
			   restore_by_copying_back_brings_the_data_back, stops_cleanly_on_sigterm);
	server_cleanup(&srv);
	return rc;
}
