/* The board pages' kept data (board_cache.h): the community list, each member's own
 * communities, and the first threads of each board, shared by the server's threads under one
 * lock. Kept things are immutable once stored; a newer build replaces them, and the last
 * reference frees the old one, so a reader never holds the lock while writing its page. */
#include "board_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "html.h"

#define MEMBER_SLOTS 1024 /* members' own communities, by id: a bounded table */
#define BOARD_SLOTS 128   /* boards' lists, by community id */

struct BoardDirectory {
	int64_t version;
	BoardCommunity *list;
	size_t n;
	char *strings; /* every slug and name, one allocation */
	int refs;
};

typedef struct {
	int64_t user_id, version;
	int64_t *ids;
	size_t n;
} MemberEntry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static BoardDirectory *directory;
static MemberEntry members[MEMBER_SLOTS];
static BoardList *boards[BOARD_SLOTS];

/* ---- the community list ---- */

static void directory_release_locked(BoardDirectory *d)
{
	if (d && --d->refs == 0) {
		free(d->list);
		free(d->strings);
		free(d);
	}
}

static BoardDirectory *directory_build(Db *db, int64_t version)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id, slug, name, visibility = 'private', "
					  "status = 'archived' FROM communities ORDER BY name, id");
	Buf strings = {0};
	size_t n = 0, cap = 16;
	BoardCommunity *list = xmalloc(cap * sizeof *list);
	while (db_step(st) == SQLITE_ROW) {
		if (n == cap)
			list = xrealloc(list, (cap *= 2) * sizeof *list);
		BoardCommunity *c = &list[n++];
		c->id = db_col_int(st, 0);
		c->private_ = db_col_int(st, 3);
		c->archived = db_col_int(st, 4);
		/* offsets for now: the strings buffer may move while it grows */
		c->slug = (const char *)(uintptr_t)strings.len;
		buf_append(&strings, db_col_text(st, 1), strlen(db_col_text(st, 1)) + 1);
		c->name = (const char *)(uintptr_t)strings.len;
		buf_append(&strings, db_col_text(st, 2), strlen(db_col_text(st, 2)) + 1);
		c->link_open = (const char *)(uintptr_t)strings.len;
		html(&strings, "<li><a href=\"/communities/%s/board\"", db_col_text(st, 1));
		buf_putc(&strings, '\0');
		c->link_close = (const char *)(uintptr_t)strings.len;
		html(&strings, ">%s</a></li>\n", db_col_text(st, 2));
		buf_putc(&strings, '\0');
	}
	sqlite3_reset(st);
	BoardDirectory *d = xmalloc(sizeof *d);
	d->version = version;
	d->list = list;
	d->n = n;
	d->strings = buf_take(&strings, NULL);
	for (size_t i = 0; i < n; i++) {
		list[i].slug = d->strings + (uintptr_t)list[i].slug;
		list[i].name = d->strings + (uintptr_t)list[i].name;
		list[i].link_open = d->strings + (uintptr_t)list[i].link_open;
		list[i].link_close = d->strings + (uintptr_t)list[i].link_close;
	}
	d->refs = 1;
	return d;
}

static BoardDirectory *directory_get(Db *db, int64_t version)
{
	pthread_mutex_lock(&lock);
	BoardDirectory *d = directory && directory->version == version ? directory : NULL;
	if (d)
		d->refs++;
	pthread_mutex_unlock(&lock);
	if (d)
		return d;
	d = directory_build(db, version);
	pthread_mutex_lock(&lock);
	/* A slower request that read an older count must not replace a newer list. */
	if (!directory || directory->version <= version) {
		directory_release_locked(directory);
		directory = d;
		d->refs++;
	}
	pthread_mutex_unlock(&lock);
	return d;
}

/* ---- a member's own communities ---- */

static int64_t *member_build(Req *r, size_t *n)
{
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT community_id FROM facilitators WHERE user_id = :me UNION SELECT "
		       "community_id FROM memberships WHERE user_id = :me AND status = 'participant' "
		       "ORDER BY 1");
	db_bind_int(st, ":me", r->user->id);
	size_t cap = 8;
	int64_t *ids = arena_alloc(r->arena, cap * sizeof *ids);
	*n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			int64_t *more = arena_alloc(r->arena, (cap *= 2) * sizeof *more);
			memcpy(more, ids, *n * sizeof *ids);
			ids = more;
		}
		ids[(*n)++] = db_col_int(st, 0);
	}
	sqlite3_reset(st);
	return ids;
}

static int64_t *member_get(Req *r, int64_t version, size_t *n)
{
	int64_t user = r->user->id;
	MemberEntry *e = &members[(uint64_t)user % MEMBER_SLOTS];
	int64_t *ids = NULL;
	pthread_mutex_lock(&lock);
	if (e->ids && e->user_id == user && e->version == version) {
		*n = e->n;
		ids = arena_alloc(r->arena, (e->n ? e->n : 1) * sizeof *ids);
		memcpy(ids, e->ids, e->n * sizeof *ids);
	}
	pthread_mutex_unlock(&lock);
	if (ids)
		return ids;
	ids = member_build(r, n);
	int64_t *copy = xmalloc((*n ? *n : 1) * sizeof *copy);
	memcpy(copy, ids, *n * sizeof *ids);
	pthread_mutex_lock(&lock);
	if (e->ids && e->user_id == user && e->version > version) {
		free(copy); /* a newer build is already there */
	} else {
		free(e->ids);
		*e = (MemberEntry){user, version, copy, *n};
	}
	pthread_mutex_unlock(&lock);
	return ids;
}

/* ---- access ---- */

bool board_access_load(Req *r, BoardAccess *a)
{
	memset(a, 0, sizeof *a);
	if (!r->user)
		return false;
	/* Read with the session (auth.c), in the snapshot the page reads; every signed-in
	 * request has them, and they are 0 only when the database lacks the counts. */
	a->communities_v = r->seen.communities;
	a->boards_v = r->seen.boards;
	if (a->communities_v <= 0 || a->boards_v <= 0)
		return false;
	a->admin = r->user->is_admin;
	a->dir = directory_get(r->db, a->communities_v);
	a->all = a->dir->list;
	a->nall = a->dir->n;
	a->mine = member_get(r, a->communities_v, &a->nmine);
	return true;
}

void board_access_release(BoardAccess *a)
{
	if (!a->dir)
		return;
	pthread_mutex_lock(&lock);
	directory_release_locked(a->dir);
	pthread_mutex_unlock(&lock);
	a->dir = NULL;
}

const BoardCommunity *board_community_by_slug(const BoardAccess *a, const char *slug)
{
	for (size_t i = 0; i < a->nall; i++)
		if (!strcmp(a->all[i].slug, slug))
			return &a->all[i];
	return NULL;
}

bool board_member_of(const BoardAccess *a, int64_t community_id)
{
	size_t lo = 0, hi = a->nmine;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a->mine[mid] == community_id)
			return true;
		if (a->mine[mid] < community_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

bool board_may_read(const BoardAccess *a, int64_t community_id)
{
	if (a->admin || board_member_of(a, community_id))
		return true;
	for (size_t i = 0; i < a->nall; i++)
		if (a->all[i].id == community_id)
			return !a->all[i].private_;
	return false;
}

/* ---- boards' lists ---- */

static void list_free(BoardList *l)
{
	free(l->text);
	free(l->items);
	free(l);
}

static void list_release_locked(BoardList *l)
{
	if (l && --l->refs == 0)
		list_free(l);
}

BoardList *board_list_get(int64_t community_id, int64_t communities_v, int64_t boards_v)
{
	pthread_mutex_lock(&lock);
	BoardList *l = boards[(uint64_t)community_id % BOARD_SLOTS];
	if (l && l->community_id == community_id && l->communities_v == communities_v &&
	    l->boards_v == boards_v)
		l->refs++;
	else
		l = NULL;
	pthread_mutex_unlock(&lock);
	return l;
}

BoardList *board_list_keep(BoardList *list)
{
	list->refs = 2; /* the cache's and the caller's */
	pthread_mutex_lock(&lock);
	BoardList **slot = &boards[(uint64_t)list->community_id % BOARD_SLOTS];
	BoardList *old = *slot;
	/* A slower request that read older counts must not replace a newer list. */
	if (old && old->community_id == list->community_id &&
	    (old->communities_v > list->communities_v || old->boards_v > list->boards_v)) {
		list->refs = 1;
	} else {
		list_release_locked(old);
		*slot = list;
	}
	pthread_mutex_unlock(&lock);
	return list;
}

void board_list_release(BoardList *list)
{
	if (!list)
		return;
	pthread_mutex_lock(&lock);
	list_release_locked(list);
	pthread_mutex_unlock(&lock);
}

void board_cache_forget_all(void)
{
	pthread_mutex_lock(&lock);
	directory_release_locked(directory);
	directory = NULL;
	for (int i = 0; i < MEMBER_SLOTS; i++) {
		free(members[i].ids);
		members[i] = (MemberEntry){0};
	}
	for (int i = 0; i < BOARD_SLOTS; i++) {
		list_release_locked(boards[i]);
		boards[i] = NULL;
	}
	pthread_mutex_unlock(&lock);
}
