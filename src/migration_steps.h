/* Schema work written in C by the features that own the tables, which the database layer
 * (db.c) runs by number without knowing the features: a migration's steps before and after
 * its SQL file, and repairs checked each time a database is opened to be served or
 * upgraded. */
#ifndef PRACTICA_MIGRATION_STEPS_H
#define PRACTICA_MIGRATION_STEPS_H
#include <stdbool.h>
#include <stddef.h>

#include "db.h"

typedef struct {
	int number;                        /* the migration file's number */
	bool (*before)(Db *db), (*after)(Db *db); /* either may be NULL */
} MigrationStep;

extern const MigrationStep migration_steps[];
extern const size_t migration_step_count;

/* Data written by other means than the features' code (bulk inserts) may lack what the code
 * keeps beside it: `needed` is a cheap probe, `repair` runs in its own transaction when it
 * says so. Both return false only on failure of the repair. */
typedef struct {
	bool (*needed)(Db *db);
	bool (*repair)(Db *db);
} OpenRepair;

extern const OpenRepair open_repairs[];
extern const size_t open_repair_count;

#endif
