/* The route table's machinery: matching a path against the table, deciding access, and
 * running the handler. The table itself is in routes.c, the one place routes are declared. */
#ifndef PRACTICA_ROUTER_H
#define PRACTICA_ROUTER_H
#include <stdio.h>

#include "http.h"

extern const Route routes[]; /* routes.c; ends with a zeroed entry */

typedef enum { MATCH_NONE, MATCH_WRONG_METHOD, MATCH_OK } MatchResult;

/* Finds the route for method and path. On MATCH_OK *found is set and params are filled from
 * the path (pointing into arena copies). A parameter that does not have its type (:id must
 * be a positive integer, :slug lowercase letters, digits and dashes, :asset a file name)
 * makes the pattern not match. */
MatchResult route_match(const Route *table, const char *method, const char *path, Arena *arena,
			const Route **found, const char **params, int *nparams);

/* Checks the table once at start-up: known parameter names, a declared access rule, no
 * duplicate method+pattern. Prints what is wrong and returns false. */
bool routes_valid(const Route *table);

/* Writes the table, one route a line: METHOD PATTERN ACCESS SUMMARY. */
void routes_print(const Route *table, FILE *out);

/* Runs one request through matching, session, access, body and CSRF checks and the handler. */
void dispatch(Req *r, const Route *table);

#endif
