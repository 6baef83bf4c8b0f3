/* Search (see search.h). PLACEHOLDER: being written. */
#include "search.h"

void search_put(Db *db, const SearchEntry *e) {}
void search_remove(Db *db, const char *kind, int64_t ref_id) {}
void search_restrict_community(Db *db, int64_t community_id, bool restricted) {}
const char *search_extract_text(Arena *a, FILE *f, const char *content_type) { return ""; }
