/* Participant sign-up: seats, the waitlist in sign-up order, withdrawal with automatic
 * promotion, and the roster CSV. Every change runs in one write transaction, so two members
 * racing for the last seat cannot both get it. */
#ifndef PRACTICA_SIGNUP_H
#define PRACTICA_SIGNUP_H
#include <stdint.h>

#include "communities.h"

typedef enum {
	SIGNED_UP_PARTICIPANT,
	SIGNED_UP_WAITLISTED,
	SIGNUP_ALREADY,   /* already a participant or on the waitlist */
	SIGNUP_REFUSED,   /* not open now */
	SIGNUP_FAILED,    /* database trouble (logged) */
} SignupResult;

SignupResult signup_member(Db *db, const Community *c, int64_t user_id, const char *today);
/* Withdraws user_id (participant or waitlisted) and promotes the first on the waitlist into
 * a freed seat. False if the member was not signed up. */
bool signup_withdraw(Db *db, int64_t community_id, int64_t user_id);
/* Fills free seats from the waitlist, in order. Call inside a write transaction. */
void signup_promote(Db *db, int64_t community_id);
/* The member's status in the community: "participant", "waitlisted" or NULL; *place gets the
 * 1-based waitlist position. The string is static. */
const char *signup_status(Db *db, int64_t community_id, int64_t user_id, int64_t *place);

#endif
