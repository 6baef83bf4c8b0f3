/* iCalendar (RFC 5545) for meetings, written with libical: one VEVENT per meeting with its
 * stable UID and SEQUENCE, DTSTART/DTEND in UTC, STATUS CONFIRMED or CANCELLED, SUMMARY with
 * the community's name, LOCATION (venue and address, or "Online") and the video link in URL
 * and DESCRIPTION. Used by the single-meeting download and the private subscription feed. */
#ifndef PRACTICA_ICS_H
#define PRACTICA_ICS_H
#include <stddef.h>

#include "buf.h"
#include "meetings.h"

/* Appends a whole VCALENDAR holding the n meetings to out. calname (or NULL) names the
 * calendar for subscribing apps (X-WR-CALNAME). */
void ics_write(Buf *out, const Meeting *const *meetings, size_t n, const char *calname);

#endif
