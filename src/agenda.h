/* A meeting's agenda: ordered items (welcome, problem-of-practice sessions in their rooms,
 * wellness breaks...), the agenda section of the meeting page, the printable agenda and the
 * printable sign-in sheet. */
#ifndef PRACTICA_AGENDA_H
#define PRACTICA_AGENDA_H
#include "meetings.h"

/* The "Agenda" section of the meeting page (a MeetingSection). */
void agenda_section(Req *r, const Meeting *m);

#endif
