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
} Community;

/* True when user_id facilitates or co-facilitates the community with this slug. */
bool community_is_facilitator(Db *db, const char *slug, int64_t user_id);

/* Loads the community named by the route's :slug (parameter 0). On failure it has already
 * answered 404 and returns NULL. The result lives in the request arena. */
Community *community_from_path(Req *r);

/* Where sign-up stands today for a community. */
typedef enum {
	SIGNUP_NOT_OFFERED, /* status is not "open" */
	SIGNUP_NOT_YET,     /* before signup_opens */
	SIGNUP_OPEN,
	SIGNUP_CLOSED,      /* after signup_closes */
} SignupWindow;
SignupWindow signup_window(const Community *c, const char *today);

#endif
