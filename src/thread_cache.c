/* The thread page's kept articles (thread_cache.h): a small table of pages shared by the
 * server's threads, least recently used evicted first, bounded in entries and in bytes. */
#include "thread_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"

/* A page of 50 replies is ~45 KB; most threads are shorter. The bound keeps the server's
 * memory flat however many threads are read. */
#define ENTRIES 256
#define BYTES_MAX ((size_t)4 << 20)

typedef struct {
	int64_t thread_id, page, seen;
	ThreadVersion version;
	uint64_t used; /* tick of the latest use, for eviction (written under the read lock) */
	char *data;    /* NULL: a free entry */
	size_t len;
	ThreadSlot *slots;
	size_t nslots;
} Entry;

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static Entry entries[ENTRIES];
static size_t bytes_kept;
static uint64_t tick;

static Entry *find(int64_t thread_id, int64_t page)
{
	for (int i = 0; i < ENTRIES; i++)
		if (entries[i].data && entries[i].thread_id == thread_id && entries[i].page == page)
			return &entries[i];
	return NULL;
}

static size_t entry_bytes(const Entry *e)
{
	return e->len + e->nslots * sizeof *e->slots;
}

static void clear(Entry *e)
{
	bytes_kept -= entry_bytes(e);
	free(e->data);
	free(e->slots);
	memset(e, 0, sizeof *e);
}

void thread_cache_write(Req *r, const char *data, size_t len, const ThreadSlot *slots,
			size_t nslots, ThreadSlotFill fill, void *ctx)
{
	buf_reserve(&r->out, len + 2048); /* one growth for the copy and the slots' text */
	size_t from = 0;
	for (size_t i = 0; i < nslots; i++) {
		buf_append(&r->out, data + from, slots[i].at - from);
		from = slots[i].at;
		fill(r, &slots[i], ctx);
	}
	buf_append(&r->out, data + from, len - from);
}

bool thread_cache_emit(Req *r, int64_t thread_id, int64_t page, ThreadVersion version,
		       ThreadSlotFill fill, void *ctx, int64_t *seen)
{
	pthread_rwlock_rdlock(&lock);
	Entry *e = find(thread_id, page);
	bool fresh = e && e->version.thread_changes == version.thread_changes &&
		     e->version.people_changes == version.people_changes;
	if (fresh) {
		__atomic_store_n(&e->used, __atomic_add_fetch(&tick, 1, __ATOMIC_RELAXED),
				 __ATOMIC_RELAXED);
		*seen = e->seen;
		thread_cache_write(r, e->data, e->len, e->slots, e->nslots, fill, ctx);
	}
	pthread_rwlock_unlock(&lock);
	return fresh;
}

static bool older(ThreadVersion a, ThreadVersion b)
{
	return a.thread_changes < b.thread_changes || a.people_changes < b.people_changes;
}

void thread_cache_store(int64_t thread_id, int64_t page, ThreadVersion version,
			const char *data, size_t len, const ThreadSlot *slots, size_t nslots,
			int64_t seen)
{
	size_t need = len + nslots * sizeof *slots;
	if (need > BYTES_MAX / 4)
		return;
	char *copy = xmalloc(len + 1);
	memcpy(copy, data, len);
	copy[len] = '\0';
	ThreadSlot *slot_copy = NULL;
	if (nslots) {
		slot_copy = xmalloc(nslots * sizeof *slot_copy);
		memcpy(slot_copy, slots, nslots * sizeof *slot_copy);
	}
	pthread_rwlock_wrlock(&lock);
	Entry *e = find(thread_id, page);
	/* A slower request that read older counts must not replace a newer page. */
	if (e && older(version, e->version)) {
		pthread_rwlock_unlock(&lock);
		free(copy);
		free(slot_copy);
		return;
	}
	if (e)
		clear(e);
	/* Room: a free entry, and the bytes, evicting the least recently used. */
	for (;;) {
		Entry *victim = NULL, *free_entry = NULL;
		for (int i = 0; i < ENTRIES; i++) {
			if (!entries[i].data) {
				if (!free_entry)
					free_entry = &entries[i];
			} else if (!victim || entries[i].used < victim->used) {
				victim = &entries[i];
			}
		}
		if (free_entry && bytes_kept + need <= BYTES_MAX) {
			e = free_entry;
			break;
		}
		clear(victim); /* never NULL here: no free entry or bytes over means some are kept */
	}
	e->thread_id = thread_id;
	e->page = page;
	e->seen = seen;
	e->version = version;
	e->used = ++tick;
	e->data = copy;
	e->len = len;
	e->slots = slot_copy;
	e->nslots = nslots;
	bytes_kept += need;
	pthread_rwlock_unlock(&lock);
}

void thread_cache_forget_all(void)
{
	pthread_rwlock_wrlock(&lock);
	for (int i = 0; i < ENTRIES; i++)
		if (entries[i].data)
			clear(&entries[i]);
	pthread_rwlock_unlock(&lock);
}
