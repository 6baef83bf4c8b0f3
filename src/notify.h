/* Notifications and thread follows: the inbox every member has (mentions, replies to followed
 * threads, new materials and meetings in their communities, waitlist promotion) and its unread
 * count in the header. Writers call these inside their own write transaction, so a
 * notification exists exactly when the thing it announces does. */
#ifndef PRACTICA_NOTIFY_H
#define PRACTICA_NOTIFY_H
#include <stdint.h>

#include "db.h"

/* kind is one of "mention", "reply", "material", "meeting", "promotion"; text is plain text
 * ("Ana Ruiz replied to “IEP caseloads”"); link is a local path. */
void notify_user(Db *db, int64_t user_id, const char *kind, const char *text, const char *link);
/* Every participant and facilitator of the community except except_user_id (0: nobody). */
void notify_community(Db *db, int64_t community_id, int64_t except_user_id, const char *kind,
		      const char *text, const char *link);
/* Follows: members follow threads they post in automatically and can unfollow. */
void thread_follow(Db *db, int64_t user_id, int64_t thread_id);
bool thread_is_followed(Db *db, int64_t user_id, int64_t thread_id);
/* A "reply" notification to every follower of the thread except except_user_id. */
void notify_thread_followers(Db *db, int64_t thread_id, int64_t except_user_id, const char *text,
			     const char *link);
/* For the header: how many unread notifications the user has. */
int64_t notifications_unread(Db *db, int64_t user_id);

#endif
