/* Meetings of a community (or of the whole association): their data, loading them from a
 * route, and the meeting page, which other features extend with sections (agenda, RSVP and
 * attendance, materials and highlights) listed in meeting_sections[] in meetings.c. */
#ifndef PRACTICA_MEETINGS_H
#define PRACTICA_MEETINGS_H
#include <stdbool.h>
#include <stdint.h>

#include "http.h"

typedef struct {
	int64_t id;
	int64_t community_id; /* 0: association-wide */
	const char *community_slug, *community_name; /* "" when association-wide */
	int64_t series_id;    /* 0 when not part of a series */
	int64_t number;       /* "Meeting #3"; 0 when unnumbered */
	const char *title;
	int64_t starts_at, ends_at; /* Unix seconds */
	const char *format;   /* in_person, virtual, hybrid */
	const char *venue, *address, *video_url;
	bool mandatory;
	const char *purpose, *highlights; /* Markdown */
	bool cancelled;
	int64_t seat_limit;   /* 0: no limit */
	const char *signin_code;
	const char *uid;
	int64_t sequence;
} Meeting;

/* Loads a meeting by id; NULL when there is none. In the request arena. */
Meeting *meeting_load(Req *r, int64_t id);

/* For routes /communities/:slug/meetings/:id/...: loads meeting :id (parameter 1) and checks
 * it belongs to community :slug (parameter 0). On failure it has answered 404 and returns
 * NULL. For routes /meetings/:id/...: meeting_from_id_path() loads parameter 0. */
Meeting *meeting_from_path(Req *r);
Meeting *meeting_from_id_path(Req *r);

/* The meeting's page address, "/meetings/ID". */
const char *meeting_url(Req *r, const Meeting *m);
/* The base for its facilitator routes: "/communities/SLUG/meetings/ID", or for an
 * association-wide meeting "/admin/meetings/ID". */
const char *meeting_manage_url(Req *r, const Meeting *m);

/* May the signed-in user manage this meeting (facilitator of its community, or admin)? */
bool meeting_can_manage(Req *r, const Meeting *m);
/* May the signed-in user take part (RSVP, sign in): a participant or facilitator of its
 * community, an admin, or any member for an association-wide meeting? */
bool meeting_can_attend(Req *r, const Meeting *m);

/* A section of the meeting page, written into r->out after the meeting's details. */
typedef void (*MeetingSection)(Req *r, const Meeting *m);

/* Bumps the meeting's iCalendar SEQUENCE and updated_at: call on every change people's
 * calendars should pick up. */
void meeting_touch(Db *db, int64_t id);

/* For facilitator routes that exist twice, /communities/:slug/meetings/:id/... and
 * /admin/meetings/:id/...: meeting_from_path() for the first; for the second the meeting must
 * be association-wide (a community meeting there answers 404). NULL after answering 404. */
Meeting *meeting_managed_from_path(Req *r);

/* "In person", "Virtual", "Hybrid (in person and online)". */
const char *meeting_format_label(const char *format);
/* The meeting's details as a <dl>: when, format, where or video link, attendance, seats. */
void meeting_details(Req *r, const Meeting *m);

/* For a community's home: its upcoming meetings as a section (nothing when none and !manage).
 * For the directory: the next scheduled meeting's date ("Tuesday, October 14, 2026"), or NULL. */
void meetings_upcoming_section(Req *r, int64_t community_id, const char *slug, bool manage);
const char *meeting_next_date(Req *r, int64_t community_id);

#endif
