/* What the reading pages keep between requests (issue 8): the count of changes to the
 * community data (migration 013: triggers move it on every write to communities, rosters,
 * facilitators, meetings, program years, members' names and standing, schools, the brand),
 * and a small cache of page fragments built from that data, shared by the server's threads.
 *
 * A fragment is stored under the count read BEFORE its data was read, so a write that lands
 * while it is being built makes it stale at once rather than kept. It also has a time after
 * which it is stale (a meeting ended, a new day began), since some of what pages say depends
 * on the clock. Fragments hold only what every member sees alike; per-member parts are filled
 * in as "slots" when a fragment is copied out. */
#ifndef PRACTICA_READCACHE_H
#define PRACTICA_READCACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"

/* The change count of the community data, and when it last moved (Unix time, 0 if unknown). */
int64_t community_changes(Db *db, int64_t *changed_at);

/* The same count for a request: the one its session's statement read (Req.seen, in the
 * snapshot the page reads), or read now when nobody is signed in. */
int64_t request_community_changes(Req *r);

/* The next local midnight after now: when what pages say by date changes. */
int64_t next_local_midnight(int64_t now);

/* A place in a fragment where per-member text goes, named by an id (e.g. a community's). */
typedef struct {
	size_t at;
	int64_t id;
} FragmentSlot;

/* Writes the text for slot id to r->out. Runs under the cache's lock: no database access. */
typedef void (*SlotFill)(Req *r, int64_t id, void *ctx);

/* Appends the fragment stored under key to r->out, with fill (may be NULL) called at each
 * slot, when it was stored under version and now is before its valid_until. False when
 * there is no such fresh fragment (nothing is appended). */
bool fragment_emit(Req *r, const char *key, int64_t version, int64_t now, SlotFill fill,
		   void *ctx);

/* Appends data to r->out with fill called at each slot: what fragment_emit() does with a
 * stored fragment, for one just built (or not kept). */
void fragment_write(Req *r, const char *data, size_t len, const FragmentSlot *slots,
		    size_t nslots, SlotFill fill, void *ctx);

/* Keeps len bytes of data (copied) under key, replacing what was there. */
void fragment_store(const char *key, int64_t version, int64_t valid_until, const char *data,
		    size_t len, const FragmentSlot *slots, size_t nslots);

/* Forgets every fragment (tests of the cache itself; a server never needs it). */
void fragment_forget_all(void);

#endif
