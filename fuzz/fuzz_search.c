/* Fuzzes the search-query cleaner (search_clean_query in src/search.h), which turns whatever
 * a member types into an FTS5 query. Properties:
 *   - the answer is NULL (nothing to search) or a query FTS5 accepts: it runs against a table
 *     with the search index's tokenizer without a syntax error;
 *   - outside its quoted strings the query holds only what the cleaner writes itself (AND,
 *     OR, NOT, parentheses, a * after a string, spaces): no input reaches FTS5 unquoted;
 *   - quoted strings hold UTF-8 without control characters, quotes only doubled;
 *   - the same input always gives the same query, of bounded size. */
#include <sqlite3.h>
#include <string.h>

#include "fuzz.h"
#include "search.h"

static sqlite3 *db;
static sqlite3_stmt *match;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FUZZ_ASSERT(sqlite3_open(":memory:", &db) == SQLITE_OK, "sqlite");
	char *err = NULL;
	int rc = sqlite3_exec(
		db,
		"CREATE VIRTUAL TABLE t USING fts5(title, body, facets, "
		"tokenize = 'porter unicode61 remove_diacritics 2');"
		"INSERT INTO t VALUES ('Budget deep-dive', 'Cash flow and enrollment for charter "
		"schools', 'community:cfo'), ('Résumé writing', 'Special education directors \"IEP\" "
		"plans', ''), ('Board policy', 'budget template, NOT final; OR maybe', '');",
		NULL, NULL, &err);
	FUZZ_ASSERT(rc == SQLITE_OK, "fts5 table: %s", err ? err : "?");
	FUZZ_ASSERT(sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?", -1, &match, NULL) ==
			    SQLITE_OK,
		    "prepare: %s", sqlite3_errmsg(db));
	return 0;
}

static void check_shape(const char *q)
{
	size_t n = strlen(q);
	FUZZ_ASSERT(n > 0 && n <= 16 * 1024, "a query of %zu bytes", n);
	FUZZ_ASSERT(fuzz_utf8_valid(q, n), "a query that is not UTF-8: %s", q);
	bool after_string = false;
	for (const char *p = q; *p;) {
		if (*p == '"') {
			p++;
			for (;;) {
				FUZZ_ASSERT(*p, "a quoted string left open: %s", q);
				if (*p == '"' && p[1] == '"') {
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					FUZZ_ASSERT((unsigned char)*p >= 0x20 && *p != 0x7f,
						    "a control byte inside a string: %s", q);
					p++;
				}
			}
			after_string = true;
			continue;
		}
		if (*p == '*') {
			FUZZ_ASSERT(after_string, "a * not after a string: %s", q);
			p++;
			after_string = false;
			continue;
		}
		if (!strncmp(p, "AND", 3) || !strncmp(p, "NOT", 3)) {
			p += 3;
		} else if (!strncmp(p, "OR", 2)) {
			p += 2;
		} else {
			FUZZ_ASSERT(*p == ' ' || *p == '(' || *p == ')',
				    "input outside a quoted string: ...%s (in %s)", p, q);
			p++;
		}
		after_string = false;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *input = strndup((const char *)data, size);
	Arena *a = arena_new();
	const char *q = search_clean_query(a, input);
	const char *again = search_clean_query(a, input);
	FUZZ_ASSERT(!q == !again && (!q || !strcmp(q, again)), "two answers for one input");
	if (q) {
		check_shape(q);
		sqlite3_reset(match);
		sqlite3_bind_text(match, 1, q, -1, SQLITE_STATIC);
		int rc;
		while ((rc = sqlite3_step(match)) == SQLITE_ROW)
			;
		FUZZ_ASSERT(rc == SQLITE_DONE, "FTS5 refuses %s: %s", q, sqlite3_errmsg(db));
		sqlite3_reset(match);
	}
	arena_free(a);
	free(input);
	return 0;
}
