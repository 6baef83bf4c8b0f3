/* The list of migration steps and open-time repairs written in C (migration_steps.h). */
#include "migration_steps.h"

#include "posts.h"

const MigrationStep migration_steps[] = {
	{12, posts_html_columns, posts_html_backfill},
};
const size_t migration_step_count = sizeof migration_steps / sizeof *migration_steps;

const OpenRepair open_repairs[] = {
	/* `practica bench-data` inserts posts without their rendered HTML. */
	{posts_html_missing, posts_html_backfill},
};
const size_t open_repair_count = sizeof open_repairs / sizeof *open_repairs;
