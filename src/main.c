/* practica: the entry point. Dispatches to a subcommand; see cli.h and `practica --help`. */
#include <stdio.h>
#include <string.h>

#include "benchdata.h"
#include "cli.h"

static const char usage[] =
	"usage: practica COMMAND [OPTIONS]\n"
	"\n"
	"Commands:\n"
	"  serve     serve the knowledge center over HTTP\n"
	"  init      create a new database and its first administrator\n"
	"  demo      create a demo database filled with example communities\n"
	"  user      add, list, approve, disable accounts and change roles\n"
	"  backup    copy the database safely while the server runs\n"
	"  routes    print the route table and who may call each route\n"
	"  reindex   rebuild the search index from the database\n"
	"  upgrade   bring a database up to this version's schema, then exit\n"
	"  bench-data  create a large realistic database for benchmarks\n"
	"\n"
	"Run `practica COMMAND --help` for a command's options; `man practica` for more.\n"
	"  --version   print the version\n";

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{"serve", cmd_serve}, {"init", cmd_init},     {"demo", cmd_demo},
	{"user", cmd_user},   {"backup", cmd_backup}, {"routes", cmd_routes},
	{"reindex", cmd_reindex}, {"upgrade", cmd_upgrade},
	{"bench-data", cmd_bench_data},
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("practica %s\n", PRACTICA_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "practica: unknown command '%s'\n", argv[1]);
	fputs(usage, stderr);
	return 2;
}
