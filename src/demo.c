/* `practica demo`: a database filled with the seeds' real schools and partners and example
 * people, so a newcomer sees a living site. Every demo account has the password DEMO_PASSWORD. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "db.h"
#include "users.h"

#define DEMO_PASSWORD "practica-demo"
#define DEMO_ADMIN "admin@example.org"

static const struct {
	const char *name, *kind, *city, *status;
} demo_schools[] = {
	{"E.L. Haynes Public Charter School", "school", "Washington, DC", "active"},
	{"Montessori For All", "network", "Austin, TX", "active"},
	{"Crossroads", "partner", "", "active"},
	{"Roots ConnectED", "partner", "", "active"},
	{"EdInquiry", "partner", "", "active"},
	{"Great Schools Partnership", "partner", "Portland, ME", "active"},
	{"Connecticut Association of Schools", "partner", "Cheshire, CT", "active"},
};

/* The facilitators named in the seeds, and staff in the job-alike roles the seeds list. */
static const struct {
	const char *name, *email, *title, *school, *status;
} demo_people[] = {
	{"Kelly Wickham Hurst", "kelly.hurst@example.org", "CoP facilitator", "Crossroads", "active"},
	{"Sahba Rohani", "sahba.rohani@example.org", "CoP facilitator", "Roots ConnectED", "active"},
	{"Tyrone Mowatt", "tyrone.mowatt@example.org", "CoP facilitator", "EdInquiry", "active"},
	{"Sara Cotner", "sara.cotner@example.org", "CoP facilitator", "Montessori For All", "active"},
	{"Nicole Evans", "nicole.evans@example.org", "CoP facilitator", "Montessori For All",
	 "active"},
	{"David Ruff", "david.ruff@example.org", "CoP facilitator", "Great Schools Partnership",
	 "active"},
	{"Steve Sell", "steve.sell@example.org", "CoP facilitator", "Great Schools Partnership",
	 "active"},
	{"Maria Alvarez", "maria.alvarez@example.org", "Principal",
	 "E.L. Haynes Public Charter School", "active"},
	{"James Okafor", "james.okafor@example.org", "CFO/COO", "E.L. Haynes Public Charter School",
	 "active"},
	{"Priya Raman", "priya.raman@example.org", "Special Education Director",
	 "E.L. Haynes Public Charter School", "active"},
	{"Grace Liu", "grace.liu@example.org", "School Nurse", "Montessori For All", "active"},
	{"Daniel Brooks", "daniel.brooks@example.org", "ELL Coordinator", "Montessori For All",
	 "active"},
	{"Jordan Reyes", "jordan.reyes@example.org", "Dean of Students",
	 "E.L. Haynes Public Charter School", "pending"},
};

static const char demo_usage[] =
	"usage: practica demo --db FILE\n"
	"Creates FILE (which must not exist) filled with example schools and people.\n"
	"Every demo account's password is " DEMO_PASSWORD "; the administrator is " DEMO_ADMIN ".\n";

static int64_t school_id(Db *db, const char *name)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM schools WHERE name = :name");
	db_bind_text(st, ":name", name);
	int64_t id = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

static bool fill(Db *db)
{
	int64_t now = time(NULL);
	for (size_t i = 0; i < sizeof demo_schools / sizeof *demo_schools; i++) {
		sqlite3_stmt *st = db_prepare(db, "INSERT INTO schools (name, kind, city, status, "
						  "created_at) VALUES (:name, :kind, :city, :status, "
						  ":now)");
		db_bind_text(st, ":name", demo_schools[i].name);
		db_bind_text(st, ":kind", demo_schools[i].kind);
		db_bind_text(st, ":city", demo_schools[i].city);
		db_bind_text(st, ":status", demo_schools[i].status);
		db_bind_int(st, ":now", now);
		if (!db_run(st))
			return false;
	}
	NewUser admin = {.email = DEMO_ADMIN, .name = "Janet Garagliano",
			 .job_title = "Leadership development", .password = DEMO_PASSWORD,
			 .admin = true, .approved = true};
	if (user_create(db, &admin, NULL) != USER_OK)
		return false;
	for (size_t i = 0; i < sizeof demo_people / sizeof *demo_people; i++) {
		NewUser nu = {.email = demo_people[i].email, .name = demo_people[i].name,
			      .job_title = demo_people[i].title, .password = DEMO_PASSWORD,
			      .school_id = school_id(db, demo_people[i].school),
			      .approved = !strcmp(demo_people[i].status, "active")};
		if (user_create(db, &nu, NULL) != USER_OK)
			return false;
	}
	return true;
}

int cmd_demo(int argc, char **argv)
{
	if (wants_help(argc, argv))
		return fputs(demo_usage, stdout), 0;
	const char *db_path = NULL;
	Flag flags[] = {{"db", true, &db_path}, {0}};
	const char *pos[1];
	if (parse_flags("demo", demo_usage, argc, argv, flags, pos, 0) < 0)
		return 2;
	if (!db_path) {
		fputs("practica demo: --db FILE is required\n", stderr);
		fputs(demo_usage, stderr);
		return 2;
	}
	if (access(db_path, F_OK) == 0) {
		fprintf(stderr, "practica demo: %s already exists; refusing to overwrite it\n",
			db_path);
		return 1;
	}
	config.db_path = db_path;
	Db *db = cli_open_db(true);
	if (!db)
		return 1;
	bool ok = db_begin(db) && fill(db) && db_commit(db);
	if (!ok) {
		db_rollback(db);
		fputs("practica demo: could not fill the demo database\n", stderr);
	}
	db_close(db);
	if (!ok) {
		unlink(db_path);
		return 1;
	}
	printf("Created the demo database %s.\n"
	       "Sign in as the demo administrator: %s / %s\n"
	       "(every demo member, e.g. maria.alvarez@example.org, has the same password)\n",
	       db_path, DEMO_ADMIN, DEMO_PASSWORD);
	return 0;
}
