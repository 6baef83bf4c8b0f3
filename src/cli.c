/* Subcommands other than demo: serve, init, user, backup, routes; and flag parsing. */
#include "cli.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "assets.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "router.h"
#include "search.h"
#include "users.h"
#include "validate.h"
#include "writers.h"

bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

int parse_flags(const char *command, const char *usage, int argc, char **argv, const Flag *flags,
		const char **positional, int max_positional)
{
	int npos = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
			if (npos == max_positional) {
				fprintf(stderr, "practica %s: unexpected argument '%s'\n", command, arg);
				fputs(usage, stderr);
				return -1;
			}
			positional[npos++] = arg;
			continue;
		}
		const char *name = arg + 2, *eq = strchr(name, '=');
		size_t n = eq ? (size_t)(eq - name) : strlen(name);
		const Flag *f = flags;
		while (f->name && (strlen(f->name) != n || strncmp(f->name, name, n) != 0))
			f++;
		if (!f->name) {
			fprintf(stderr, "practica %s: unknown option '--%.*s'\n", command, (int)n, name);
			fputs(usage, stderr);
			return -1;
		}
		if (!f->takes_value) {
			if (eq) {
				fprintf(stderr, "practica %s: --%s takes no value\n", command, f->name);
				fputs(usage, stderr);
				return -1;
			}
			*f->value = "yes";
		} else if (eq) {
			*f->value = eq + 1;
		} else if (i + 1 < argc) {
			*f->value = argv[++i];
		} else {
			fprintf(stderr, "practica %s: --%s needs a value\n", command, f->name);
			fputs(usage, stderr);
			return -1;
		}
	}
	return npos;
}

Db *cli_open_db(bool create)
{
	if (!create && access(config.db_path, F_OK) != 0) {
		fprintf(stderr, "practica: no database at %s (create one with `practica init`)\n",
			config.db_path);
		return NULL;
	}
	Db *db = db_open(config.db_path, create);
	if (db && !auth_init(db)) {
		db_close(db);
		return NULL;
	}
	/* A migration that adds something to search asks for a rebuild; it happens here, once,
	 * before the server starts or a command runs. */
	if (db && !search_rebuild_if_needed(db)) {
		fputs("practica: could not build the search index (try `practica reindex`)\n", stderr);
		db_close(db);
		return NULL;
	}
	return db;
}

char *cli_password(bool from_stdin, bool *generated)
{
	*generated = !from_stdin;
	if (from_stdin) {
		char line[512];
		if (!fgets(line, sizeof line, stdin))
			line[0] = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		return xstrdup(line);
	}
	Arena *a = arena_new();
	char *p = xstrdup(random_token(a, 15));
	arena_free(a);
	return p;
}

/* ---- serve ---- */

static const char serve_usage[] =
	"usage: practica serve [--db FILE] [--listen ADDR:PORT] [--threads N] [--config FILE]\n"
	"                      [--access-log FILE|-|off] [--port-file FILE] [--trust-proxy]\n"
	"                      [--secure-cookies] [--max-body BYTES] [--max-upload BYTES]\n"
	"                      [--timeout SECONDS] [--site-name NAME] [--timezone ZONE]\n"
	"                      [--max-connections N] [--max-connections-per-address N]\n"
	"Serves the knowledge center. Defaults: --db practica.db --listen 127.0.0.1:8080,\n"
	"one thread per core. A config file holds the same settings as `key = value` lines;\n"
	"flags override it. SIGINT or SIGTERM stops after requests in flight finish.\n";

int cmd_serve(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return fputs(serve_usage, stdout), 0;
	static const char *const keys[] = {"db",          "listen",        "threads",
					   "access-log",  "port-file",     "max-body",
					   "max-upload",  "timeout",       "site-name",
					   "timezone",    "max-connections",
					   "max-connections-per-address",
					   "trust-proxy", "secure-cookies"};
	enum { NKEYS = sizeof keys / sizeof *keys };
	const char *values[NKEYS] = {0}, *config_file = NULL;
	Flag flags[NKEYS + 2];
	for (int i = 0; i < NKEYS; i++)
		flags[i] = (Flag){keys[i], i < NKEYS - 2, &values[i]};
	flags[NKEYS] = (Flag){"config", true, &config_file};
	flags[NKEYS + 1] = (Flag){0};
	const char *pos[1];
	if (parse_flags("serve", serve_usage, argc, argv, flags, pos, 0) < 0)
		return 2;
	if (config_file && !config_load_file(config_file))
		return 2;
	for (int i = 0; i < NKEYS; i++) {
		const char *why;
		if (values[i] && !config_set(keys[i], values[i], &why)) {
			fprintf(stderr, "practica serve: --%s: %s\n", keys[i], why);
			fputs(serve_usage, stderr);
			return 2;
		}
	}
	if (!config_apply_timezone())
		return 2;
	/* one connection per worker and per writer thread */
	db_reserve_page_cache((int)http_worker_count() * DB_PAGE_CACHE_KIB +
			      WRITER_THREADS * WRITER_CACHE_KIB);
	Db *db = cli_open_db(false);
	if (!db)
		return 1;
	db_close(db); /* migrations are done; workers open their own connections */
	if (!assets_init())
		return 1;
	db_set_path(config.db_path);
	int rc = http_serve(routes);
	assets_free();
	return rc;
}

/* ---- init ---- */

static const char init_usage[] =
	"usage: practica init --db FILE --admin-email EMAIL [--admin-name NAME] [--password-stdin]\n"
	"Creates a new database and its first administrator. The password is read from the\n"
	"first line of standard input with --password-stdin, otherwise generated and printed once.\n";

int cmd_init(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return fputs(init_usage, stdout), 0;
	const char *db_path = NULL, *email = NULL, *name = "Administrator", *from_stdin = NULL;
	Flag flags[] = {{"db", true, &db_path},
			{"admin-email", true, &email},
			{"admin-name", true, &name},
			{"password-stdin", false, &from_stdin},
			{0}};
	const char *pos[1];
	if (parse_flags("init", init_usage, argc, argv, flags, pos, 0) < 0)
		return 2;
	if (!db_path || !email) {
		fputs("practica init: --db and --admin-email are required\n", stderr);
		fputs(init_usage, stderr);
		return 2;
	}
	const char *why = check_email(email);
	if (!why)
		why = check_person_name(name);
	if (why) {
		fprintf(stderr, "practica init: %s\n", why);
		return 2;
	}
	if (access(db_path, F_OK) == 0) {
		fprintf(stderr, "practica init: %s already exists; refusing to overwrite it\n", db_path);
		return 1;
	}
	config.db_path = db_path;
	bool generated;
	char *password = cli_password(from_stdin != NULL, &generated);
	if ((why = check_password(password))) {
		fprintf(stderr, "practica init: %s\n", why);
		free(password);
		return 2;
	}
	Db *db = cli_open_db(true);
	int rc = 1;
	if (db) {
		NewUser nu = {.email = email, .name = name, .job_title = "Association staff",
			      .password = password, .admin = true, .approved = true};
		if (user_create(db, &nu, NULL) == USER_OK) {
			printf("Created %s.\nAdministrator: %s\n", db_path, email);
			if (generated)
				printf("Password: %s\n(shown once: keep it somewhere safe)\n", password);
			rc = 0;
		}
		db_close(db);
	}
	sodium_memzero(password, strlen(password));
	free(password);
	return rc;
}

/* ---- user ---- */

static const char user_usage[] =
	"usage: practica user add --db FILE --email EMAIL --name NAME [--job-title TITLE]\n"
	"                         (--school NAME | --admin) [--password-stdin]\n"
	"       practica user list --db FILE\n"
	"       practica user role --db FILE EMAIL admin|member\n"
	"       practica user approve --db FILE EMAIL\n"
	"       practica user disable --db FILE EMAIL\n"
	"       practica user enable --db FILE EMAIL\n"
	"Accounts added here are approved at once. Without --password-stdin a password is\n"
	"generated and printed once.\n";

static int user_add(Db *db, const char *email, const char *name, const char *title,
		    const char *school, bool admin, bool from_stdin)
{
	const char *why = email ? check_email(email) : "--email is required";
	if (!why)
		why = name ? check_person_name(name) : "--name is required";
	if (!why && !admin && !school)
		why = "give --school NAME, or --admin for association staff";
	if (why) {
		fprintf(stderr, "practica user add: %s\n", why);
		return 2;
	}
	int64_t school_id = 0;
	if (school) {
		sqlite3_stmt *st = db_prepare(db, "SELECT id FROM schools WHERE name = :name");
		db_bind_text(st, ":name", school);
		if (db_step(st) == SQLITE_ROW)
			school_id = db_col_int(st, 0);
		db_release(db);
		if (!school_id) {
			fprintf(stderr, "practica user add: no school named '%s'\n", school);
			return 1;
		}
	}
	bool generated;
	char *password = cli_password(from_stdin, &generated);
	if ((why = check_password(password))) {
		fprintf(stderr, "practica user add: %s\n", why);
		free(password);
		return 2;
	}
	NewUser nu = {.email = email, .name = name, .job_title = title ? title : "",
		      .password = password, .school_id = school_id, .admin = admin, .approved = true};
	int rc = 1;
	switch (user_create(db, &nu, NULL)) {
	case USER_OK:
		printf("Added %s.\n", email);
		if (generated)
			printf("Password: %s\n(shown once)\n", password);
		rc = 0;
		break;
	case USER_DUPLICATE_EMAIL:
		fprintf(stderr, "practica user add: %s already has an account\n", email);
		break;
	case USER_NO_SUCH_SCHOOL:
		fprintf(stderr, "practica user add: %s is not an active member school\n", school);
		break;
	case USER_FAILED:
		fputs("practica user add: could not save the account\n", stderr);
		break;
	}
	free(password);
	return rc;
}

static int user_list(Db *db)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT u.email, u.name, u.role, u.status, "
					  "coalesce(s.name, '-') FROM users u LEFT JOIN schools s "
					  "ON s.id = u.school_id ORDER BY u.email");
	printf("%-36s %-28s %-7s %-9s %s\n", "EMAIL", "NAME", "ROLE", "STATUS", "SCHOOL");
	while (db_step(st) == SQLITE_ROW)
		printf("%-36s %-28s %-7s %-9s %s\n", db_col_text(st, 0), db_col_text(st, 1),
		       db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4));
	db_release(db);
	return 0;
}

int cmd_user(int argc, char **argv)
{
	if (argc < 2 || wants_help(argc, argv)) {
		fputs(user_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *action = argv[1];
	const char *db_path = NULL, *email = NULL, *name = NULL, *title = NULL, *school = NULL,
		   *admin = NULL, *from_stdin = NULL;
	Flag flags[] = {{"db", true, &db_path},          {"email", true, &email},
			{"name", true, &name},           {"job-title", true, &title},
			{"school", true, &school},       {"admin", false, &admin},
			{"password-stdin", false, &from_stdin}, {0}};
	const char *pos[2] = {0};
	static const char *const actions[] = {"add", "list", "role", "approve", "disable", "enable",
					      NULL};
	if (!one_of(action, actions)) {
		fprintf(stderr, "practica user: unknown action '%s'\n", action);
		fputs(user_usage, stderr);
		return 2;
	}
	int npos = parse_flags("user", user_usage, argc - 1, argv + 1, flags, pos, 2);
	if (npos < 0)
		return 2;
	bool needs_email = strcmp(action, "add") && strcmp(action, "list");
	int want_pos = !strcmp(action, "role") ? 2 : needs_email ? 1 : 0;
	if (npos != want_pos || !db_path) {
		fprintf(stderr, "practica user %s: %s\n", action,
			!db_path ? "--db is required" : "wrong number of arguments");
		fputs(user_usage, stderr);
		return 2;
	}
	static const char *const roles[] = {"admin", "member", NULL};
	if (!strcmp(action, "role") && !one_of(pos[1], roles)) {
		fprintf(stderr, "practica user role: the role must be admin or member\n");
		return 2;
	}
	config.db_path = db_path;
	Db *db = cli_open_db(false);
	if (!db)
		return 1;
	int rc = 0;
	if (!strcmp(action, "add")) {
		rc = user_add(db, email, name, title, school, admin != NULL, from_stdin != NULL);
	} else if (!strcmp(action, "list")) {
		rc = user_list(db);
	} else {
		int64_t id = user_id_by_email(db, pos[0]);
		bool ok = false;
		if (!id)
			fprintf(stderr, "practica user %s: no account with email %s\n", action, pos[0]);
		else if (!strcmp(action, "approve"))
			ok = user_approve(db, id, 0);
		else if (!strcmp(action, "disable"))
			ok = user_set_disabled(db, id, true);
		else if (!strcmp(action, "enable"))
			ok = user_set_disabled(db, id, false);
		else
			ok = user_set_admin(db, id, !strcmp(pos[1], "admin"));
		if (id && !ok)
			fprintf(stderr, "practica user %s: %s was not changed (already so, or not "
					"allowed)\n", action, pos[0]);
		if (ok)
			printf("%s: done.\n", pos[0]);
		rc = ok ? 0 : 1;
	}
	db_close(db);
	return rc;
}

/* ---- backup ---- */

static const char backup_usage[] =
	"usage: practica backup --db FILE DEST\n"
	"Copies the database to DEST with SQLite's online backup API: a consistent snapshot,\n"
	"safe while the server runs. DEST is written beside as DEST.tmp, checked, then renamed.\n";

int cmd_backup(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return fputs(backup_usage, stdout), 0;
	const char *db_path = NULL;
	Flag flags[] = {{"db", true, &db_path}, {0}};
	const char *pos[1] = {0};
	int npos = parse_flags("backup", backup_usage, argc, argv, flags, pos, 1);
	if (npos < 0)
		return 2;
	if (npos != 1 || !db_path) {
		fputs("practica backup: --db FILE and DEST are required\n", stderr);
		fputs(backup_usage, stderr);
		return 2;
	}
	config.db_path = db_path;
	Db *db = cli_open_db(false);
	if (!db)
		return 1;
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", pos[0]);
	unlink(tmp);
	sqlite3 *dest = NULL;
	int rc = sqlite3_open(tmp, &dest);
	sqlite3_backup *b = rc == SQLITE_OK ? sqlite3_backup_init(dest, "main", db_handle(db), "main")
					    : NULL;
	if (b) {
		/* One step copies everything within a single read transaction: a true snapshot,
		 * while writers go on appending to the WAL. */
		rc = sqlite3_backup_step(b, -1);
		sqlite3_backup_finish(b);
	}
	bool ok = b && rc == SQLITE_DONE;
	if (ok) {
		sqlite3_stmt *st;
		ok = sqlite3_prepare_v2(dest, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
		     sqlite3_step(st) == SQLITE_ROW &&
		     !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
		sqlite3_finalize(st);
	}
	if (!ok)
		fprintf(stderr, "practica backup: failed: %s\n", dest ? sqlite3_errmsg(dest) : "");
	sqlite3_close(dest);
	db_close(db);
	if (ok && rename(tmp, pos[0]) != 0) {
		perror("practica backup: rename");
		ok = false;
	}
	if (!ok)
		unlink(tmp);
	else
		printf("Backed up %s to %s.\n", db_path, pos[0]);
	return ok ? 0 : 1;
}

/* ---- routes ---- */

int cmd_routes(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		puts("usage: practica routes\nPrints every route: method, path, who may call it, what "
		     "it does.");
		return 0;
	}
	const char *pos[1];
	Flag flags[] = {{0}};
	if (parse_flags("routes", "usage: practica routes\n", argc, argv, flags, pos, 0) < 0)
		return 2;
	routes_print(routes, stdout);
	return routes_valid(routes) ? 0 : 1;
}

/* ---- reindex ---- */

static const char reindex_usage[] =
	"usage: practica reindex --db FILE\n"
	"Rebuilds the search index from the database: every discussion, document, shared link,\n"
	"meeting and community, in one transaction (searches keep working on the old index\n"
	"until it commits). Safe while the server runs, but changes made meanwhile wait for\n"
	"it and, on a large database, may time out: run it at a quiet time.\n";

int cmd_reindex(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return fputs(reindex_usage, stdout), 0;
	const char *db_path = NULL;
	Flag flags[] = {{"db", true, &db_path}, {0}};
	const char *pos[1];
	if (parse_flags("reindex", reindex_usage, argc, argv, flags, pos, 0) < 0)
		return 2;
	if (!db_path) {
		fputs("practica reindex: --db FILE is required\n", stderr);
		fputs(reindex_usage, stderr);
		return 2;
	}
	config.db_path = db_path;
	Db *db = cli_open_db(false);
	if (!db)
		return 1;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int64_t n = search_reindex(db);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	db_close(db);
	if (n < 0) {
		fputs("practica reindex: failed; the old index is unchanged\n", stderr);
		return 1;
	}
	printf("Indexed %lld entries in %.1f s.\n", (long long)n,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}

/* ---- upgrade ---- */

static const char upgrade_usage[] =
	"usage: practica upgrade --db FILE\n"
	"Brings a database up to this version's schema (the migrations `practica serve` would run\n"
	"on start, and any search rebuild they ask for), then exits. Use it to upgrade ahead of a\n"
	"restart, so the server starts at once; take a `practica backup` first.\n";

int cmd_upgrade(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return fputs(upgrade_usage, stdout), 0;
	const char *db_path = NULL;
	Flag flags[] = {{"db", true, &db_path}, {0}};
	const char *pos[1];
	if (parse_flags("upgrade", upgrade_usage, argc, argv, flags, pos, 0) < 0)
		return 2;
	if (!db_path) {
		fputs("practica upgrade: --db FILE is required\n", stderr);
		fputs(upgrade_usage, stderr);
		return 2;
	}
	config.db_path = db_path;
	Db *db = cli_open_db(false);
	if (!db)
		return 1;
	db_close(db);
	printf("%s is at schema version %d.\n", db_path, db_schema_version());
	return 0;
}
