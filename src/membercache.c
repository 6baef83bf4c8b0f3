/* The per-member cache (membercache.h): a fixed table of texts, one lock. */
#include "membercache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"

/* 1,024 entries of a few KB at most: a few MB whatever the number of members. */
#define ENTRIES 1024
#define KEY_MAX 48

typedef struct {
	char key[KEY_MAX];
	ChangeCounts counts;
	int64_t valid_until;
	char *data; /* NULL when the entry is free */
	size_t len;
} Entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Entry entries[ENTRIES];

static Entry *entry_for(const char *key)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return &entries[h % ENTRIES];
}

static bool same_counts(ChangeCounts a, ChangeCounts b)
{
	return a.communities == b.communities && a.people == b.people &&
	       a.newest_user == b.newest_user && a.boards == b.boards;
}

/* A count below zero is never kept under (an error reading it). */
static bool usable(const char *key, ChangeCounts c)
{
	return strlen(key) < KEY_MAX && c.communities >= 0 && c.people >= 0 &&
	       c.newest_user >= 0 && c.boards >= 0 &&
	       (c.communities || c.people || c.newest_user || c.boards);
}

/* Under the lock: e holds key's text, stored under exactly these counts, still valid. */
static bool is_fresh(const Entry *e, const char *key, ChangeCounts counts, int64_t now)
{
	return e->data && !strcmp(e->key, key) && same_counts(e->counts, counts) &&
	       now < e->valid_until;
}

bool member_cache_emit(Req *r, const char *key, ChangeCounts counts, int64_t now)
{
	if (!usable(key, counts))
		return false;
	Entry *e = entry_for(key);
	pthread_mutex_lock(&lock);
	bool fresh = is_fresh(e, key, counts, now);
	if (fresh)
		buf_append(&r->out, e->data, e->len);
	pthread_mutex_unlock(&lock);
	return fresh;
}

bool member_cache_copy(Req *r, const char *key, ChangeCounts counts, int64_t now,
		       const char **data, size_t *len)
{
	if (!usable(key, counts))
		return false;
	Entry *e = entry_for(key);
	pthread_mutex_lock(&lock);
	bool fresh = is_fresh(e, key, counts, now);
	if (fresh) {
		char *copy = arena_alloc(r->arena, e->len ? e->len : 1);
		memcpy(copy, e->data, e->len);
		*data = copy;
		*len = e->len;
	}
	pthread_mutex_unlock(&lock);
	return fresh;
}

void member_cache_store(const char *key, ChangeCounts counts, int64_t valid_until,
			const char *data, size_t len)
{
	if (!usable(key, counts))
		return;
	char *copy = xmalloc(len ? len : 1);
	memcpy(copy, data, len);
	Entry *e = entry_for(key);
	pthread_mutex_lock(&lock);
	char *old = e->data;
	snprintf(e->key, sizeof e->key, "%s", key);
	e->counts = counts;
	e->valid_until = valid_until;
	e->data = copy;
	e->len = len;
	pthread_mutex_unlock(&lock);
	free(old);
}

void member_cache_forget_all(void)
{
	pthread_mutex_lock(&lock);
	for (int i = 0; i < ENTRIES; i++) {
		free(entries[i].data);
		memset(&entries[i], 0, sizeof entries[i]);
	}
	pthread_mutex_unlock(&lock);
}
