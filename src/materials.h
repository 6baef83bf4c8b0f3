/* Meeting materials (files facilitators attach before or after a meeting, kept in the one
 * file store) and highlights (Markdown written after it), shown on the meeting page and in
 * the community's space; and the calendar's "Add to calendar" section of the meeting page. */
#ifndef PRACTICA_MATERIALS_H
#define PRACTICA_MATERIALS_H
#include <stdint.h>

#include "meetings.h"

/* The meeting page's "Materials" and "Highlights" sections, with the upload and highlights
 * forms for those who manage the meeting (a MeetingSection). */
void materials_section(Req *r, const Meeting *m);

/* The meeting page's "Add to calendar (.ics)" section (a MeetingSection; calendar.c). */
void calendar_section(Req *r, const Meeting *m);

/* For a community's home: "Materials and highlights", its recent meetings' materials and
 * highlights, newest first. */
void materials_recent_section(Req *r, int64_t community_id);

#endif
