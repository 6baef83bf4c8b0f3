/* The reading pages' change count and fragment cache (readcache.h). */
#include "readcache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"

/* The migration that keeps the count (013_read_pages.sql). A binary built before it has no
 * count to read: its pages then build everything on each request, as before. */
#define CHANGE_COUNT_SCHEMA 13

int64_t community_changes(Db *db, int64_t *changed_at)
{
	if (changed_at)
		*changed_at = 0;
	if (db_schema_version() < CHANGE_COUNT_SCHEMA)
		return -1;
	sqlite3_stmt *st = db_prepare(db, "SELECT n, changed_at FROM change_counts "
					  "WHERE name = 'communities'");
	int64_t n = -1;
	if (db_step(st) == SQLITE_ROW) {
		n = db_col_int(st, 0);
		if (changed_at)
			*changed_at = db_col_int(st, 1);
	}
	sqlite3_reset(st);
	return n;
}

int64_t request_community_changes(Req *r)
{
	return r->seen.communities > 0 ? r->seen.communities : community_changes(r->db, NULL);
}

int64_t next_local_midnight(int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday++;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/* A handful of fragments: the directory, and the calendar's views in use. Least recently
 * used goes first. */
#define FRAGMENTS 16
#define KEY_MAX 160

typedef struct {
	char key[KEY_MAX];
	int64_t version, valid_until;
	uint64_t used; /* tick of the latest use, for eviction */
	char *data;
	size_t len;
	FragmentSlot *slots;
	size_t nslots;
} Fragment;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Fragment fragments[FRAGMENTS];
static uint64_t tick;

static Fragment *find(const char *key)
{
	for (int i = 0; i < FRAGMENTS; i++)
		if (fragments[i].data && !strcmp(fragments[i].key, key))
			return &fragments[i];
	return NULL;
}

void fragment_write(Req *r, const char *data, size_t len, const FragmentSlot *slots,
		    size_t nslots, SlotFill fill, void *ctx)
{
	size_t from = 0;
	for (size_t i = 0; i < nslots; i++) {
		buf_append(&r->out, data + from, slots[i].at - from);
		from = slots[i].at;
		if (fill)
			fill(r, slots[i].id, ctx);
	}
	buf_append(&r->out, data + from, len - from);
}

bool fragment_emit(Req *r, const char *key, int64_t version, int64_t now, SlotFill fill,
		   void *ctx)
{
	if (version < 0 || strlen(key) >= KEY_MAX)
		return false;
	pthread_mutex_lock(&lock);
	Fragment *f = find(key);
	bool fresh = f && f->version == version && now < f->valid_until;
	if (fresh) {
		f->used = ++tick;
		fragment_write(r, f->data, f->len, f->slots, f->nslots, fill, ctx);
	}
	pthread_mutex_unlock(&lock);
	return fresh;
}

static void clear(Fragment *f)
{
	free(f->data);
	free(f->slots);
	memset(f, 0, sizeof *f);
}

void fragment_store(const char *key, int64_t version, int64_t valid_until, const char *data,
		    size_t len, const FragmentSlot *slots, size_t nslots)
{
	if (version < 0 || strlen(key) >= KEY_MAX)
		return;
	char *copy = xmalloc(len + 1);
	memcpy(copy, data, len);
	copy[len] = '\0';
	FragmentSlot *slot_copy = NULL;
	if (nslots) {
		slot_copy = xmalloc(nslots * sizeof *slot_copy);
		memcpy(slot_copy, slots, nslots * sizeof *slot_copy);
	}
	pthread_mutex_lock(&lock);
	Fragment *f = find(key);
	if (!f) {
		f = &fragments[0];
		for (int i = 0; i < FRAGMENTS; i++) {
			if (!fragments[i].data) {
				f = &fragments[i];
				break;
			}
			if (fragments[i].used < f->used)
				f = &fragments[i];
		}
	}
	/* A slower request that read an older count must not replace a newer fragment. */
	if (f->data && !strcmp(f->key, key) && f->version > version) {
		pthread_mutex_unlock(&lock);
		free(copy);
		free(slot_copy);
		return;
	}
	clear(f);
	snprintf(f->key, sizeof f->key, "%s", key);
	f->version = version;
	f->valid_until = valid_until;
	f->used = ++tick;
	f->data = copy;
	f->len = len;
	f->slots = slot_copy;
	f->nslots = nslots;
	pthread_mutex_unlock(&lock);
}

void fragment_forget_all(void)
{
	pthread_mutex_lock(&lock);
	for (int i = 0; i < FRAGMENTS; i++)
		clear(&fragments[i]);
	pthread_mutex_unlock(&lock);
}
