/* Meeting attendance: RSVPs within a meeting's seat limit, attendance marked by facilitators
 * on a checklist or by members signing themselves in with the meeting's code (typed, or read
 * from a QR code shown on screen), the attendance reports, and the meeting page's attendance
 * section. Professional-development hours built from attendance are in pdhours.c. */
#ifndef PRACTICA_ATTENDANCE_H
#define PRACTICA_ATTENDANCE_H
#include <stdbool.h>
#include <stdint.h>

#include "meetings.h"

/* Members may sign themselves in from this long before a meeting starts until it ends. */
#define SIGNIN_EARLY_SECONDS (30 * 60)

/* True when members may sign in to m at time now (not cancelled, inside the window). */
bool attendance_window_open(const Meeting *m, int64_t now);

/* The meeting page's section (a MeetingSection): RSVP buttons and the going count for
 * members who may attend, the sign-in link during the window, and for managers the links to
 * the checklist, the code page and the sign-in sheet. */
void attendance_section(Req *r, const Meeting *m);

/* "October 14, 2026": the local (association time zone) date of a Unix time. */
const char *attendance_date(Req *r, int64_t when);

#endif
