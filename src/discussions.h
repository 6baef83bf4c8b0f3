/* Discussion boards: each community's board, the association-wide "All communities" board,
 * threads with Markdown posts, replies, edits, deletions that leave a trace, accepted answers,
 * cross-posting, unread markers and @mentions. */
#ifndef PRACTICA_DISCUSSIONS_H
#define PRACTICA_DISCUSSIONS_H
#include <stdbool.h>
#include <stdint.h>

#include "http.h"

/* May the signed-in member read the thread? True when its home board is the association-wide
 * one or its home community is readable by r->user (community_readable). Sharing a thread
 * into another board never widens who may read it: threads of private communities cannot be
 * shared out, and a shared thread whose home turned private shows only to its readers.
 * False for a thread that does not exist. */
bool thread_readable(Req *r, int64_t thread_id);

/* The same check for any member, e.g. before notifying them of a thread. */
bool thread_readable_by(Db *db, int64_t user_id, bool is_admin, int64_t thread_id);

/* "Recent discussions": the newest threads of a community's board (community_id > 0) or, with
 * community_id 0, of every board the member may read; at most limit, as a <section>. */
void discussions_recent_section(Req *r, int64_t community_id, const char *board_url, int limit);

/* Shared by discussions.c and threads.c. */
/* May r->user start threads on the board of community_id (0: the association-wide board,
 * open to every member)? Participants, facilitators and admins. */
bool community_postable(Req *r, int64_t community_id);
/* Facilitators of community_id (0: nobody) and admins moderate its board. */
bool community_moderated_by(Req *r, int64_t community_id);
/* The form's "body" and "title" fields, checked; NULL when good, else the message. */
const char *post_body_check(Req *r, const char **body);
const char *thread_title_check(Req *r, const char **title);

#endif
