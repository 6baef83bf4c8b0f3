/* Linked into every test binary (each file of tests/ that is not a suite is): test processes open
 * the database themselves (sql helpers, FTS5 integrity checks, EXPLAIN QUERY PLAN), and
 * search_index's tokenizer, practica_pairs, exists only on connections opened in a process
 * that has src/search.c in it, which registers it on every connection SQLite opens.
 * Referring to one of its functions links it in. */
#include "search.h"

void (*const search_support_linked)(Db *db, const SearchEntry *e) = search_put;
