/* The thread page's kept articles (issue 8): the run of posts of one page of one thread, as
 * HTML every reader sees alike, kept between requests under the thread's change count and the
 * members' change count (migration 014, moved by triggers on every write that changes what
 * the articles show). What differs between readers (the New badge, one's own Edit and Delete
 * buttons, the answer buttons, CSRF tokens, the reply count's heading) is not kept: it is a
 * slot, filled in by the thread page each time the text is copied out. Who may read the
 * thread is decided before, on every request; the cache never decides it. */
#ifndef PRACTICA_THREAD_CACHE_H
#define PRACTICA_THREAD_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"

/* A place in the kept text where per-reader text goes: what (kind, the thread page's own
 * numbering) for which post and its author. */
typedef struct {
	size_t at;
	int kind;
	int64_t post_id, author_id;
} ThreadSlot;

/* Writes a slot's text to r->out. Runs under the cache's lock: no database access. */
typedef void (*ThreadSlotFill)(Req *r, const ThreadSlot *slot, void *ctx);

/* The versions a page was built from: both must still stand for it to be used. */
typedef struct {
	int64_t thread_changes, people_changes;
} ThreadVersion;

/* Appends page `page` of the thread as kept under version to r->out, fill called at each slot,
 * and sets *seen to the newest post it shows. False (nothing appended) when none is kept. */
bool thread_cache_emit(Req *r, int64_t thread_id, int64_t page, ThreadVersion version,
		       ThreadSlotFill fill, void *ctx, int64_t *seen);

/* Appends data to r->out with fill called at each slot: what emit does with kept text. */
void thread_cache_write(Req *r, const char *data, size_t len, const ThreadSlot *slots,
			size_t nslots, ThreadSlotFill fill, void *ctx);

/* Keeps a copy of the page as built from version (read in the same snapshot as its data).
 * A page built from older versions than the one kept does not replace it. */
void thread_cache_store(int64_t thread_id, int64_t page, ThreadVersion version,
			const char *data, size_t len, const ThreadSlot *slots, size_t nslots,
			int64_t seen);

/* Forgets every kept page (tests of the cache itself; a server never needs it). */
void thread_cache_forget_all(void);

#endif
