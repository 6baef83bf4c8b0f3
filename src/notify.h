/* Notifications and thread follows: the inbox every member has (mentions, replies to followed
 * threads, new materials and meetings in their communities, waitlist promotion) and its unread
 * count in the header. Writers call these inside their own write transaction, so a
 * notification exists exactly when the thing it announces does. */
#ifndef PRACTICA_NOTIFY_H
#define PRACTICA_NOTIFY_H
#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "http.h"

/* kind is one of "mention", "reply", "material", "meeting", "promotion"; text is plain text
 * ("Ana Ruiz replied to “IEP caseloads”"); link is a local path. The caller leaves out the
 * member who caused it (nobody is notified of their own action). */
void notify_user(Db *db, int64_t user_id, const char *kind, const char *text, const char *link);
/* Every participant and facilitator of the community except except_user_id (0: nobody).
 * community_id 0 (an association-wide meeting) means every member who may sign in. */
void notify_community(Db *db, int64_t community_id, int64_t except_user_id, const char *kind,
		      const char *text, const char *link);
/* Follows: members follow threads they post in automatically and can unfollow. thread_follow()
 * is the automatic follow: it does not override an earlier "Unfollow". */
void thread_follow(Db *db, int64_t user_id, int64_t thread_id);
bool thread_is_followed(Db *db, int64_t user_id, int64_t thread_id);
/* A "reply" notification to every follower of the thread except except_user_id, who may still
 * read it. A follower who already has an unread notification with the same link (e.g. a
 * mention in the same post, written first) is not notified twice. */
void notify_thread_followers(Db *db, int64_t thread_id, int64_t except_user_id, const char *text,
			     const char *link);
/* For the header: how many unread notifications the user has, counted from the partial index
 * up to NOTIFICATIONS_UNREAD_SHOWN + 1 (then shown as "99+"): a member who never opens the
 * inbox piles up thousands, and every page they view counts them. */
#define NOTIFICATIONS_UNREAD_SHOWN 99
int64_t notifications_unread(Db *db, int64_t user_id);

/* Waitlist promotion: tells user_id they now have a seat in the community. */
void notify_promotion(Db *db, int64_t community_id, int64_t user_id);

#endif
