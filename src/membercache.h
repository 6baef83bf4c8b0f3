/* What a signed-in member's pages keep between requests (issue 8): parts built for one member,
 * such as the header's "My communities" and the member home's sections, kept under the change
 * counts read with the session (Req.seen, auth_load_user), so that a write anywhere, by this
 * server or another process (the counts are moved by triggers), makes them stale at once.
 *
 * Every key must name the member it was built for ("nav:42"): an entry is only ever shown to
 * the member whose key it is. Entries are bounded (a fixed table; a newer key takes the place
 * of an older one with the same hash), so memory does not grow with the number of members. */
#ifndef PRACTICA_MEMBERCACHE_H
#define PRACTICA_MEMBERCACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"

/* Appends the text kept under key to r->out when it was stored under exactly these counts
 * and now is before its valid_until. False (nothing appended) otherwise, or when a count
 * that matters is unknown: callers pass only the counts their text depends on, the rest 0. */
bool member_cache_emit(Req *r, const char *key, ChangeCounts counts, int64_t now);

/* The same, but the text is copied into r's arena (*data, *len) for the caller to check
 * before using it. */
bool member_cache_copy(Req *r, const char *key, ChangeCounts counts, int64_t now,
		       const char **data, size_t *len);

/* Keeps a copy of len bytes under key, replacing what was there. */
void member_cache_store(const char *key, ChangeCounts counts, int64_t valid_until,
			const char *data, size_t len);

/* Forgets everything (tests of the cache itself; a server never needs it). */
void member_cache_forget_all(void);

#endif
