/* The command line: subcommands, their flags and help. main.c dispatches; each command is a
 * function here or in its own file (demo.c). Exit codes: 0 done, 1 failed, 2 usage error. */
#ifndef PRACTICA_CLI_H
#define PRACTICA_CLI_H
#include <stdbool.h>

typedef struct {
	const char *name;   /* without the leading "--" */
	bool takes_value;
	const char **value; /* where the value (or "yes" for a switch) is stored */
} Flag;

/* Parses argv[1..] for flags, collecting the rest as positional arguments. Prints a one-line
 * error and the usage on failure. Returns the count of positionals, or -1 on error. */
int parse_flags(const char *command, const char *usage, int argc, char **argv, const Flag *flags,
		const char **positional, int max_positional);
/* True when the argument list asks for help. */
bool wants_help(int argc, char **argv);

int cmd_serve(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_reindex(int argc, char **argv);
int cmd_upgrade(int argc, char **argv);

/* Opens (creating if asked) and migrates the database named by config.db_path, and
 * initializes auth. NULL after printing why. */
struct Db *cli_open_db(bool create);
/* Reads a password: from stdin when from_stdin, else generates one. Returns a heap string. */
char *cli_password(bool from_stdin, bool *generated);

#endif
