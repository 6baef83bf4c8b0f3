/* The page layout shared by every HTML page: document head, header with navigation, main
 * landmark, footer; the error page; and form helpers that give every field a label, show its
 * error beside it and keep what the user typed. */
#ifndef PRACTICA_PAGE_H
#define PRACTICA_PAGE_H
#include "http.h"

/* Opens the document and <main>. title is plain text. */
void page_begin(Req *r, const char *title);
/* Closes <main> and the document. */
void page_end(Req *r);
/* A whole error page for status with a human message (no internals). */
void page_error(Req *r, int status, const char *message);

/* A status message shown at the top of a page after a redirect ("?notice=KEY"). Only keys in
 * the table in page.c are shown, so a URL cannot put arbitrary text on the page. */
void page_notice(Req *r);

/* <form method="post" action="..."> with its CSRF field. */
void form_begin(Req *r, const char *action);
void form_end(Req *r);
/* A labelled <input>. value is what to show again; error (or NULL) is shown beside it and
 * marks the field invalid for assistive technology. autocomplete may be NULL. */
void form_input(Req *r, const char *name, const char *label, const char *type, const char *value,
		const char *error, const char *autocomplete);
/* A labelled <textarea>; hint (or NULL) is shown above it and described-by. */
void form_textarea(Req *r, const char *name, const char *label, const char *value,
		   const char *error, const char *hint);
/* A labelled <select> of the NULL-terminated choices (value and text alike). */
void form_select(Req *r, const char *name, const char *label, const char *const *choices,
		 const char *value, const char *error);
/* A one-button form, e.g. "Approve". css_class may be NULL. */
void button_form(Req *r, const char *action, const char *label, const char *css_class);
/* A summary of errors at the top of a form, linking to each field. */
void form_error_summary(Req *r, int count);

/* "March 3, 2026" for a Unix time, in the association's time zone. */
const char *format_date(Req *r, int64_t when);
/* "Thursday, January 30, 2020" for a YYYY-MM-DD date; the input itself if it is not one. */
const char *format_day(Req *r, const char *iso);
/* Times are shown in the association's time zone (config_apply_timezone):
 * format_time "3:00 PM"; format_when "Tuesday, October 14, 2026, 3:00 PM - 4:30 PM EDT"
 * (the end's date too when it is another day). */
const char *format_time(Req *r, int64_t when);
const char *format_when(Req *r, int64_t starts, int64_t ends);

#endif
