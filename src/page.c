/* The shared page layout, the error page and form helpers. */
#include "page.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "assets.h"
#include "auth.h"
#include "brand.h"
#include "config.h"
#include "html.h"
#include "membercache.h"
#include "notify.h"

/* The header's "My communities" (brand.c), kept per member under the community data's change
 * count (membercache.h): every signed-in page shows it, and building it is a sorted union of
 * the member's rosters (issue 8). On a community's own page one item is marked current, so
 * that page builds it afresh. */
static void my_communities_menu(Req *r)
{
	const char *p = r->path;
	bool marks_current = !strncmp(p, "/communities/", 13) && p[13] && !strchr(p + 13, '/');
	if (marks_current) {
		brand_my_communities(r);
		return;
	}
	char key[40];
	snprintf(key, sizeof key, "nav:%lld", (long long)r->user->id);
	ChangeCounts counts = {r->seen.communities, 0, 0};
	if (member_cache_emit(r, key, counts, 0))
		return;
	size_t from = r->out.len;
	brand_my_communities(r);
	member_cache_store(key, counts, INT64_MAX, r->out.data + from, r->out.len - from);
}

static void nav_link(Req *r, const char *href, const char *label)
{
	size_t n = strlen(href);
	bool current = !strcmp(r->path, href) ||
		       (n > 1 && !strncmp(r->path, href, n) && r->path[n] == '/');
	if (current)
		html(&r->out, "<li><a href=\"%s\" aria-current=\"page\">%s</a></li>", href, label);
	else
		html(&r->out, "<li><a href=\"%s\">%s</a></li>", href, label);
}

void page_begin(Req *r, const char *title)
{
	Buf *o = &r->out;
	r->content_type = "text/html; charset=utf-8";
	html(o,
	     "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	     "<title>%s · %s</title>\n<link rel=\"stylesheet\" href=\"%s\">\n",
	     title, brand_name(r), asset_url("practica.css"));
	brand_head_links(r);
	html_raw(o, "</head>\n<body>\n<a class=\"skip-link\" href=\"#main\">Skip to content</a>\n"
		    "<header class=\"site-header\"><div class=\"wrap\">\n");
	brand_header_link(r);
	html_raw(o, "<nav aria-label=\"Main\"><ul>");
	const User *u = r->user;
	if (u && u->is_member) {
		nav_link(r, "/home", "Home");
		nav_link(r, "/communities", "Communities");
		my_communities_menu(r);
		nav_link(r, "/board", "Discussions");
		nav_link(r, "/library", "Library");
		nav_link(r, "/calendar", "Calendar");
		nav_link(r, "/years", "Program year");
		nav_link(r, "/schools", "Member schools");
		if (u->is_admin)
			nav_link(r, "/admin", "Admin");
		nav_link(r, "/pd-hours", "PD hours");
		nav_link(r, "/account", "My account");
		int64_t unread = notifications_unread(r->db, u->id);
		if (unread > 0)
			html(o, "<li><a href=\"/notifications\"%s>Notifications <span class=\"count\">"
				"%s<span class=\"visually-hidden\"> unread</span></span></a></li>",
			     !strcmp(r->path, "/notifications") ? " aria-current=\"page\"" : "",
			     unread > NOTIFICATIONS_UNREAD_SHOWN
				     ? arena_printf(r->arena, "%d+", NOTIFICATIONS_UNREAD_SHOWN)
				     : arena_printf(r->arena, "%lld", (long long)unread));
		else
			nav_link(r, "/notifications", "Notifications");
	} else if (u) {
		nav_link(r, "/account/status", "Account status");
	} else {
		nav_link(r, "/login", "Sign in");
		nav_link(r, "/register", "Register");
	}
	html_raw(o, "</ul></nav>\n");
	if (u && u->is_member)
		html(o, "<form class=\"site-search\" role=\"search\" aria-label=\"Search the site\" "
			"method=\"get\" action=\"/search\">"
			"<label for=\"site-q\" class=\"visually-hidden\">Search</label>"
			"<input id=\"site-q\" type=\"search\" name=\"q\" placeholder=\"Search\" value=\"%s\">"
			"<button type=\"submit\">Search</button></form>\n",
		     !strcmp(r->path, "/search") && req_query(r, "q") ? req_query(r, "q") : "");
	if (u) {
		html(o,
		     "<form class=\"signout\" method=\"post\" action=\"/logout\">"
		     "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		     "<button type=\"submit\" class=\"link\">Sign out <span class=\"visually-hidden\">"
		     "%s</span></button></form>\n",
		     csrf_token(r), u->name);
	}
	html_raw(o, "</div></header>\n<main id=\"main\" class=\"wrap\" tabindex=\"-1\">\n");
	page_notice(r);
}

void page_end(Req *r)
{
	html(&r->out,
	     "</main>\n<footer class=\"site-footer\"><div class=\"wrap\"><p>%s: a members-only "
	     "knowledge center for Communities of Practice.</p></div></footer>\n</body>\n</html>\n",
	     brand_name(r));
}

static const char *status_title(int status)
{
	switch (status) {
	case 400: return "Something is wrong with that request";
	case 403: return "Not allowed";
	case 404: return "Page not found";
	case 405: return "Not allowed here";
	case 413: return "Too large";
	case 415: return "Unsupported content";
	case 429: return "Too many attempts";
	case 503: return "Temporarily unavailable";
	default: return status >= 500 ? "Something went wrong on our side" : "Request refused";
	}
}

void page_error(Req *r, int status, const char *message)
{
	page_begin(r, status_title(status));
	html(&r->out,
	     "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n"
	     "<p><a href=\"/\">Go to the start page</a></p>\n",
	     status_title(status), message);
	page_end(r);
}

static const struct {
	const char *key, *text;
} notices[] = {
	{"branding-saved", "The association's look was saved. Every page shows it now."},
	{"notifications-read", "All your notifications are marked as read."},
	{"thread-followed", "You follow this thread: new replies will appear in your notifications."},
	{"thread-unfollowed", "You no longer follow this thread. Posting in it again will not "
			      "change that; use Follow to hear of replies again."},
	{"agenda-added", "The agenda item was added."},
	{"agenda-deleted", "The agenda item was deleted."},
	{"agenda-moved", "The agenda item was moved."},
	{"attendance-saved", "The attendance was saved."},
	{"call-opened", "The call for proposals is open. Members see it under Calls."},
	{"comment-added", "Your review comment was added."},
	{"created", "The community was created. Add its facilitators below."},
	{"feed-reset", "Your old calendar address no longer works. Here is the new one: "
		       "subscribe with it in your calendar app."},
	{"highlights-saved", "The highlights were saved."},
	{"material-added", "The material was added."},
	{"material-deleted", "The material was deleted."},
	{"meeting-cancelled", "The meeting was cancelled. It stays listed, marked cancelled, and "
			      "its people were told."},
	{"meeting-restored", "The meeting is back on the schedule, and its people were told."},
	{"meeting-created", "The meeting was scheduled. Add its agenda below."},
	{"meeting-saved", "The meeting was saved; calendars will pick up the change."},
	{"meeting-signed-in", "You are signed in to this meeting. Thank you for coming!"},
	{"milestone-added", "The key date was added to the timeline."},
	{"milestone-deleted", "The key date was deleted."},
	{"proposal-accepted", "The proposal was accepted: this is its new community, with the "
			      "proposer as facilitator. Set its sign-up dates and seats with Edit."},
	{"proposal-declined", "The proposal was declined; the proposer sees your message."},
	{"proposal-saved", "Your proposal was saved."},
	{"proposal-submitted", "Your proposal was submitted. You can change it until the due date."},
	{"removed", "They were removed from the roster; the waitlist moved up."},
	{"rsvp-going", "Your answer is saved: you are going."},
	{"rsvp-not-going", "Your answer is saved: you are not going."},
	{"saved", "Your changes were saved."},
	{"series-created", "The series was scheduled. Each meeting can be edited on its own."},
	{"signed-up", "You are signed up. Welcome to the community!"},
	{"waitlisted", "The community is full, so you are on its waitlist. You will get a seat "
		       "automatically when one frees up."},
	{"withdrawn", "You have withdrawn."},
	{"year-created", "The program year was created. Add its key dates below."},
	{"approved", "The account was approved. They can sign in now."},
	{"declined", "The registration was declined and removed."},
	{"disabled", "The account was disabled and signed out everywhere."},
	{"enabled", "The account was enabled."},
	{"role", "The role was changed."},
	{"password", "Your password was changed. Other devices were signed out."},
	{"school-added", "The school was added."},
	{"school-saved", "The school was saved."},
	{"signed-out", "You are signed out."},
	{"welcome", "Welcome! You are signed in."},
	{"thread-posted", "Your discussion is posted. You will be notified of replies."},
	{"answer-marked", "The reply is marked as the answer; it is shown first under the question."},
	{"answer-cleared", "The answer is no longer marked."},
	{"thread-shared", "The discussion is shared: it is listed on that community's board too."},
	{"already-shared", "The discussion was already on that community's board."},
	{"share-removed", "The discussion is no longer listed on that board."},
	{"password-reset", "Your new password is set. Sign in with it."},
	{"member-deleted", "The member was deleted. What they contributed is kept as Former member."},
	{"document-added", "The document is in the library."},
	{"version-added", "The new version is uploaded; the earlier ones stay available below."},
	{"link-shared", "The link is in the library."},
	{"item-saved", "Your changes were saved."},
	{"item-deleted", "It was deleted from the library."},
	{"rating-saved", "Your rating was saved. Thank you!"},
	{"rating-removed", "Your rating was removed."},
	{"category-added", "The category was added."},
	{"category-renamed", "The category was saved."},
};

void page_notice(Req *r)
{
	const char *key = req_query(r, "notice");
	if (!key)
		return;
	for (size_t i = 0; i < sizeof notices / sizeof *notices; i++)
		if (!strcmp(notices[i].key, key)) {
			html(&r->out, "<p class=\"notice\" role=\"status\">%s</p>\n", notices[i].text);
			return;
		}
}

void form_begin(Req *r, const char *action)
{
	html(&r->out,
	     "<form method=\"post\" action=\"%s\" novalidate>\n"
	     "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n",
	     action, csrf_token(r));
}

void form_end(Req *r)
{
	html_raw(&r->out, "</form>\n");
}

void form_input(Req *r, const char *name, const char *label, const char *type, const char *value,
		const char *error, const char *autocomplete)
{
	Buf *o = &r->out;
	html(o, "<div class=\"field%s\">\n<label for=\"f-%s\">%s</label>\n", error ? " has-error" : "",
	     name, label);
	if (error)
		html(o, "<p class=\"field-error\" id=\"f-%s-error\">%s</p>\n", name, error);
	html(o, "<input id=\"f-%s\" name=\"%s\" type=\"%s\"", name, name, type);
	if (value && strcmp(type, "password") != 0)
		html(o, " value=\"%s\"", value);
	if (autocomplete)
		html(o, " autocomplete=\"%s\"", autocomplete);
	if (error)
		html(o, " aria-invalid=\"true\" aria-describedby=\"f-%s-error\"", name);
	html_raw(o, ">\n</div>\n");
}

void form_textarea(Req *r, const char *name, const char *label, const char *value,
		   const char *error, const char *hint)
{
	Buf *o = &r->out;
	html(o, "<div class=\"field%s\"><label for=\"f-%s\">%s</label>\n", error ? " has-error" : "",
	     name, label);
	if (hint)
		html(o, "<p class=\"hint\" id=\"f-%s-hint\">%s</p>\n", name, hint);
	if (error)
		html(o, "<p class=\"field-error\" id=\"f-%s-error\">%s</p>\n", name, error);
	html(o, "<textarea id=\"f-%s\" name=\"%s\" rows=\"6\"", name, name);
	/* The error first: it is what the person needs to hear when they come back to the field. */
	if (hint && error)
		html(o, " aria-invalid=\"true\" aria-describedby=\"f-%s-error f-%s-hint\"", name, name);
	else if (error)
		html(o, " aria-invalid=\"true\" aria-describedby=\"f-%s-error\"", name);
	else if (hint)
		html(o, " aria-describedby=\"f-%s-hint\"", name);
	html(o, ">%s</textarea></div>\n", value ? value : "");
}

void form_select(Req *r, const char *name, const char *label, const char *const *choices,
		 const char *value, const char *error)
{
	Buf *o = &r->out;
	html(o, "<div class=\"field%s\"><label for=\"f-%s\">%s</label>\n", error ? " has-error" : "",
	     name, label);
	if (error)
		html(o, "<p class=\"field-error\" id=\"f-%s-error\">%s</p>\n", name, error);
	html(o, "<select id=\"f-%s\" name=\"%s\"", name, name);
	if (error)
		html(o, " aria-invalid=\"true\" aria-describedby=\"f-%s-error\"", name);
	html_raw(o, ">");
	for (int i = 0; choices[i]; i++)
		if (value && !strcmp(value, choices[i]))
			html(o, "<option selected>%s</option>", choices[i]);
		else
			html(o, "<option>%s</option>", choices[i]);
	html_raw(o, "</select></div>\n");
}

void button_form(Req *r, const char *action, const char *label, const char *css_class)
{
	html(&r->out,
	     "<form class=\"inline\" method=\"post\" action=\"%s\">"
	     "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	     "<button type=\"submit\" class=\"%s\">%s</button></form>",
	     action, csrf_token(r), css_class ? css_class : "", label);
}

void form_error_summary(Req *r, int count)
{
	if (count <= 0)
		return;
	html(&r->out,
	     "<div class=\"error-summary\" role=\"alert\"><p>%s</p></div>\n",
	     count == 1 ? "Please correct the field marked below."
			: "Please correct the fields marked below.");
}

const char *format_date(Req *r, int64_t when)
{
	time_t t = (time_t)when;
	struct tm tm;
	localtime_r(&t, &tm);
	char s[64];
	strftime(s, sizeof s, "%B %-d, %Y", &tm);
	return arena_strdup(r->arena, s);
}

const char *format_day(Req *r, const char *iso)
{
	struct tm tm = {0};
	if (!iso || !strptime(iso, "%Y-%m-%d", &tm))
		return iso ? iso : "";
	tm.tm_hour = 12;
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm); /* fills in the weekday */
	char s[64];
	strftime(s, sizeof s, "%A, %B %-d, %Y", &tm);
	return arena_strdup(r->arena, s);
}

const char *format_time(Req *r, int64_t when)
{
	time_t t = (time_t)when;
	struct tm tm;
	localtime_r(&t, &tm);
	char s[32];
	strftime(s, sizeof s, "%-I:%M %p", &tm);
	return arena_strdup(r->arena, s);
}

const char *format_when(Req *r, int64_t starts, int64_t ends)
{
	time_t a = (time_t)starts, b = (time_t)ends;
	struct tm ta, tb;
	localtime_r(&a, &ta);
	localtime_r(&b, &tb);
	char day[64], zone[16], endday[64] = "";
	strftime(day, sizeof day, "%A, %B %-d, %Y", &ta);
	strftime(zone, sizeof zone, "%Z", &tb);
	if (ta.tm_yday != tb.tm_yday || ta.tm_year != tb.tm_year)
		strftime(endday, sizeof endday, "%A, %B %-d, ", &tb);
	return arena_printf(r->arena, "%s, %s - %s%s %s", day, format_time(r, starts), endday,
			    format_time(r, ends), zone);
}
