/* Communities of Practice: the directory, each community's home (its virtual meeting space),
 * editing, facilitators, and the per-community role check the route table relies on. */
#ifndef PRACTICA_COMMUNITIES_H
#define PRACTICA_COMMUNITIES_H
#include <stdbool.h>
#include <stdint.h>

#include "http.h"

typedef struct {
	int64_t id;
	const char *slug, *name, *audience, *kind, *description, *status, *commitment;
	int64_t year_id;
	const char *year_name;
	int64_t seat_limit; /* 0: no limit */
	const char *signup_opens, *soft_deadline, *signup_closes; /* "" when unset */
	int64_t participants, waitlisted;
	const char *visibility; /* "open" or "private" (who may read its board and space) */
} Community;

/* A member's standing in a community, ordered: each includes the rights of those before. */
typedef enum {
	COMMUNITY_NONE,        /* not signed up, waitlisted or withdrawn */
	COMMUNITY_PARTICIPANT, /* a participant */
	COMMUNITY_FACILITATOR, /* a facilitator or co-facilitator */
} CommunityRole;

/* user_id's standing in the community with this slug (COMMUNITY_NONE if there is none). */
CommunityRole community_role(Db *db, const char *slug, int64_t user_id);

/* May r->user read the community's board and space? Admins, its participants and
 * facilitators always; every member when its visibility is "open". False if it does not
 * exist. */
bool community_readable(Req *r, int64_t community_id);
/* The same for any member (e.g. before notifying them). */
bool community_readable_by(Db *db, int64_t user_id, bool is_admin, int64_t community_id);

/* Loads the community named by the route's :slug (parameter 0). On failure it has already
 * answered 404 and returns NULL. The result lives in the request arena. */
Community *community_from_path(Req *r);
/* The same without counting the roster (participants and waitlisted are 0): for pages that
 * do not show the counts, such as the board (issue 8: counting is most of the lookup). */
Community *community_from_path_uncounted(Req *r);

/* Where sign-up stands today for a community. */
typedef enum {
	SIGNUP_NOT_OFFERED, /* status is not "open" */
	SIGNUP_NOT_YET,     /* before signup_opens */
	SIGNUP_OPEN,
	SIGNUP_CLOSED,      /* after signup_closes */
} SignupWindow;
SignupWindow signup_window(const Community *c, const char *today);

#endif
