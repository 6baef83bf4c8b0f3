/* What the board pages keep between requests (issue 8): the list of communities, each
 * member's own communities (those they take part in or facilitate), and the first pages of
 * each board's threads as HTML every reader sees alike. All are kept under the change counts
 * read in the page's own read snapshot: 'communities' (migration 013) and 'boards'
 * (migration 015), moved by triggers on every write to what they show, whoever writes.
 *
 * What differs between readers is never kept in shared text: the unread mark of a thread is
 * looked up on each view and written into the slots of a kept item, and a thread shared from
 * a private community is kept with that community's id, to be shown only to its readers.
 * A member's own communities are kept under the member's id and read only for that member. */
#ifndef PRACTICA_BOARD_CACHE_H
#define PRACTICA_BOARD_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"

/* One community as the board pages need it. link_open and link_close are its line in the
 * list of boards, escaped once: "<li><a href=\"/communities/SLUG/board\"" and
 * ">NAME</a></li>\n", with aria-current between them on its own board. */
typedef struct {
	int64_t id;
	const char *slug, *name;
	bool private_, archived;
	const char *link_open, *link_close;
} BoardCommunity;

typedef struct BoardDirectory BoardDirectory;

/* What the signed-in member may reach, for one request. Release it at the request's end. */
typedef struct {
	int64_t communities_v, boards_v; /* the counts read in this request's snapshot */
	bool admin;
	BoardDirectory *dir;       /* every community, by name (a counted reference) */
	const BoardCommunity *all; /* dir's entries and their number */
	size_t nall;
	int64_t *mine; /* communities the member takes part in or facilitates, ascending */
	size_t nmine;
} BoardAccess;

/* Takes the counts read with the session and loads the member's access (kept or built).
 * False when there are none (nobody signed in, or a database without the counts): the
 * caller then reads everything itself, as before. */
bool board_access_load(Req *r, BoardAccess *a);
void board_access_release(BoardAccess *a);

/* The community with this slug, or NULL. */
const BoardCommunity *board_community_by_slug(const BoardAccess *a, const char *slug);
/* Takes part in or facilitates community_id (admins are not counted here). */
bool board_member_of(const BoardAccess *a, int64_t community_id);
/* May read community_id's board: open, an admin, or a participant or facilitator. */
bool board_may_read(const BoardAccess *a, int64_t community_id);

/* One thread of a kept board list: its HTML is text[start, next item's start or len), with
 * the unread class going at mark_at and the New badge at badge_at. need_id is the private
 * community a shared thread comes from (0: every reader of the board may see it). */
typedef struct {
	size_t start, mark_at, badge_at;
	int64_t thread_id, last_post_id, need_id;
} BoardItem;

/* The first threads of one board, newest activity first, as every reader sees them. */
typedef struct {
	int64_t community_id, communities_v, boards_v;
	int64_t newest_thread; /* the highest thread id when it was built (live updates) */
	bool complete;         /* items are the whole board; else only its first ones */
	char *text;
	size_t len;
	BoardItem *items;
	size_t nitems;
	int refs; /* under the cache's lock */
} BoardList;

/* The kept list of community_id's board (0: the association-wide one) built under exactly
 * these counts, with a reference the caller releases; NULL when there is none. */
BoardList *board_list_get(int64_t community_id, int64_t communities_v, int64_t boards_v);
/* Keeps list (built by the caller with malloc'd text and items; the cache owns it from now
 * on) and returns it with a reference for the caller. */
BoardList *board_list_keep(BoardList *list);
void board_list_release(BoardList *list);

/* Forgets everything (tests of the cache itself; a server never needs it). */
void board_cache_forget_all(void);

#endif
