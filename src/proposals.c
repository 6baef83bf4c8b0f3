/* The facilitator call for proposals, as members meet it: the list of calls, each call with
 * its proposal form while it is open, the member's own proposals and their editing until the
 * due date; and the admin's review: internal comments and the decision. Accepting a proposal
 * creates its community offering (cohort, status proposed) with the proposer as facilitator,
 * all in one transaction. The list of calls, and the admin's page to open one, are in
 * years.c with the program year they belong to. */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "handlers.h"
#include "html.h"
#include "markdown.h"
#include "page.h"
#include "search.h"
#include "validate.h"

typedef struct {
	int64_t id, year_id;
	const char *title, *description, *expectations, *stipend, *due_on, *year_name;
	bool open; /* today <= due_on */
} Call;

static Call *read_call(Req *r, sqlite3_stmt *st)
{
	char today[11];
	today_iso(today);
	Call *c = arena_alloc(r->arena, sizeof *c);
	c->id = db_col_int(st, 0);
	c->year_id = db_col_int(st, 1);
	const char **text[] = {&c->title, &c->description, &c->expectations, &c->stipend,
			       &c->due_on, &c->year_name};
	for (int i = 0; i < 6; i++)
		*text[i] = arena_strdup(r->arena, db_col_text(st, i + 2));
	c->open = strcmp(today, c->due_on) <= 0;
	return c;
}

#define CALL_COLUMNS                                                                        \
	"c.id, c.year_id, c.title, c.description, c.expectations, c.stipend, c.due_on, y.name " \
	"FROM calls c JOIN program_years y ON y.id = c.year_id "

static Call *call_by_id(Req *r, int64_t id)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT " CALL_COLUMNS "WHERE c.id = :id");
	db_bind_int(st, ":id", id);
	Call *c = db_step(st) == SQLITE_ROW ? read_call(r, st) : NULL;
	sqlite3_reset(st);
	return c;
}

/* The call named by :id; answers 404 and returns NULL when there is none. */
static Call *call_from_path(Req *r)
{
	Call *c = call_by_id(r, req_param_id(r, 0));
	if (!c)
		resp_error(r, 404, "There is no call for proposals at this address.");
	return c;
}

static const char *closed_message(Req *r, const Call *c)
{
	return arena_printf(r->arena, "This call closed: proposals were due by %s. It no longer "
				      "accepts new proposals or changes.",
			    format_day(r, c->due_on));
}

static const char *status_label(const char *status)
{
	return !strcmp(status, "accepted")   ? "Accepted"
	       : !strcmp(status, "declined") ? "Declined"
					     : "Submitted, awaiting a decision";
}

/* ---- the proposal form ---- */

typedef struct {
	const char *title, *summary, *audience, *objectives, *format, *final_product;
	const char *e_title, *e_summary, *e_audience, *e_objectives, *e_format, *e_final_product;
	int errors;
} ProposalForm;

static void read_proposal_form(Req *r, ProposalForm *f)
{
	f->title = trimmed(r->arena, req_form(r, "title"));
	f->summary = trimmed(r->arena, req_form(r, "summary"));
	f->audience = trimmed(r->arena, req_form(r, "audience"));
	f->objectives = trimmed(r->arena, req_form(r, "objectives"));
	f->format = trimmed(r->arena, req_form(r, "format"));
	f->final_product = trimmed(r->arena, req_form(r, "final_product"));
	f->e_title = check_text(r->arena, f->title, true, 150);
	f->e_summary = check_text(r->arena, f->summary, true, 10000);
	f->e_audience = check_text(r->arena, f->audience, false, 150);
	f->e_objectives = check_text(r->arena, f->objectives, false, 10000);
	f->e_format = check_text(r->arena, f->format, false, 10000);
	f->e_final_product = check_text(r->arena, f->final_product, false, 10000);
	f->errors = !!f->e_title + !!f->e_summary + !!f->e_audience + !!f->e_objectives +
		    !!f->e_format + !!f->e_final_product;
}

static void proposal_form(Req *r, const char *action, const ProposalForm *f, const char *button)
{
	static const char md[] = "Markdown: **bold**, *italic*, lists with -.";
	form_error_summary(r, f->errors);
	form_begin(r, action);
	form_input(r, "title", "Title of your Community of Practice", "text", f->title, f->e_title,
		   "off");
	form_textarea(r, "summary", "Summary", f->summary, f->e_summary, md);
	form_input(r, "audience", "Who it is for (job-alike role, e.g. School Nurses)", "text",
		   f->audience, f->e_audience, "off");
	form_textarea(r, "objectives", "Objectives", f->objectives, f->e_objectives, md);
	form_textarea(r, "format", "Format and proposed schedule", f->format, f->e_format,
		       "e.g. monthly virtual sessions in the fall, an in-person session in January.");
	form_textarea(r, "final_product", "Planned final product", f->final_product,
		       f->e_final_product, "e.g. a toolkit, lessons learned, best practices.");
	html(&r->out, "<button type=\"submit\">%s</button>\n", button);
	form_end(r);
}

/* ---- a call ---- */

static void own_proposals(Req *r, const Call *c)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT id, title, status FROM proposals WHERE "
					     "call_id = :c AND user_id = :u ORDER BY id");
	db_bind_int(st, ":c", c->id);
	db_bind_int(st, ":u", r->user->id);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(&r->out, "<section aria-labelledby=\"h-mine\">\n<h2 id=\"h-mine\">"
					  "Your proposals</h2>\n<ul>\n");
		html(&r->out, "<li><a href=\"/proposals/%lld\">%s</a>: <span class=\"status\">%s"
			      "</span></li>\n",
		     (long long)db_col_int(st, 0), db_col_text(st, 1),
		     status_label(db_col_text(st, 2)));
	}
	if (n)
		html_raw(&r->out, "</ul>\n</section>\n");
}

static void all_proposals(Req *r, const Call *c)
{
	Buf *o = &r->out;
	html_raw(o, "<section aria-labelledby=\"h-all\">\n<h2 id=\"h-all\">Proposals received</h2>\n");
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT p.id, p.title, u.name, coalesce(s.name, ''), p.status FROM proposals p "
		       "JOIN users u ON u.id = p.user_id LEFT JOIN schools s ON s.id = u.school_id "
		       "WHERE p.call_id = :c ORDER BY p.status != 'submitted', p.id");
	db_bind_int(st, ":c", c->id);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(o, "<table>\n<caption>Every proposal for this call (visible to staff "
				    "only)</caption>\n<thead><tr><th scope=\"col\">Proposal</th>"
				    "<th scope=\"col\">Proposer</th><th scope=\"col\">School</th>"
				    "<th scope=\"col\">Status</th></tr></thead>\n<tbody>\n");
		html(o, "<tr><th scope=\"row\"><a href=\"/proposals/%lld\">%s</a></th><td>%s</td>"
			"<td>%s</td><td>%s</td></tr>\n",
		     (long long)db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2),
		     db_col_text(st, 3), status_label(db_col_text(st, 4)));
	}
	if (n)
		html_raw(o, "</tbody>\n</table>\n");
	else
		html_raw(o, "<p>No proposals yet.</p>\n");
	html_raw(o, "</section>\n");
}

static void call_page(Req *r, const Call *c, const ProposalForm *f)
{
	Buf *o = &r->out;
	page_begin(r, c->title);
	html(o, "<p class=\"meta\"><a href=\"/calls\">Calls for proposals</a></p>\n<h1>%s</h1>\n"
		"<dl class=\"facts\"><dt>Program year</dt><dd><a href=\"/years/%lld\">%s</a></dd>\n"
		"<dt>Proposals due by</dt><dd><time datetime=\"%s\">%s</time>%s</dd>\n",
	     c->title, (long long)c->year_id, c->year_name, c->due_on, format_day(r, c->due_on),
	     c->open ? "" : " (closed)");
	if (*c->stipend)
		html(o, "<dt>Stipend</dt><dd>%s</dd>\n", c->stipend);
	html_raw(o, "</dl>\n");
	markdown_html(o, c->description);
	if (*c->expectations) {
		html_raw(o, "<h2>What facilitators commit to</h2>\n");
		markdown_html(o, c->expectations);
	}
	own_proposals(r, c);
	html_raw(o, "<section aria-labelledby=\"h-propose\">\n<h2 id=\"h-propose\">Submit a "
		    "proposal</h2>\n");
	if (c->open) {
		html(o, "<p>You can change your proposal until %s, while it awaits a decision.</p>\n",
		     format_day(r, c->due_on));
		proposal_form(r, arena_printf(r->arena, "/calls/%lld/proposals", (long long)c->id), f,
			      "Submit proposal");
	} else {
		html(o, "<p>%s</p>\n", closed_message(r, c));
	}
	html_raw(o, "</section>\n");
	if (r->user->is_admin)
		all_proposals(r, c);
	page_end(r);
}

void handle_call(Req *r)
{
	Call *c = call_from_path(r);
	if (!c)
		return;
	ProposalForm f = {0};
	call_page(r, c, &f);
}

void handle_proposal_create(Req *r)
{
	Call *c = call_from_path(r);
	if (!c)
		return;
	if (!c->open) {
		resp_error(r, 409, closed_message(r, c));
		return;
	}
	ProposalForm f = {0};
	read_proposal_form(r, &f);
	if (f.errors) {
		r->status = 422;
		call_page(r, c, &f);
		return;
	}
	sqlite3_stmt *st = db_prepare(
		r->db, "INSERT INTO proposals (call_id, user_id, title, summary, audience, objectives, "
		       "format, final_product, created_at, updated_at) VALUES (:c, :u, :title, "
		       ":summary, :audience, :objectives, :format, :final_product, :now, :now)");
	db_bind_int(st, ":c", c->id);
	db_bind_int(st, ":u", r->user->id);
	db_bind_text(st, ":title", f.title);
	db_bind_text(st, ":summary", f.summary);
	db_bind_text(st, ":audience", f.audience);
	db_bind_text(st, ":objectives", f.objectives);
	db_bind_text(st, ":format", f.format);
	db_bind_text(st, ":final_product", f.final_product);
	db_bind_int(st, ":now", time(NULL));
	if (!db_run(st)) {
		resp_error(r, 503, "Your proposal could not be saved just now. Please try again.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/proposals/%lld?notice=proposal-submitted",
				      (long long)db_last_id(r->db)));
}

/* ---- one proposal ---- */

typedef struct {
	int64_t id, user_id, community_id, decided_at;
	const char *title, *summary, *audience, *objectives, *format, *final_product, *status,
		*decision_message, *proposer, *school, *decided_by, *community_slug;
	Call *call;
} Proposal;

/* Loads the proposal named by :id for its proposer or an admin. Anyone else gets the same
 * 404 as for a proposal that does not exist, so ids say nothing. */
static Proposal *proposal_from_path(Req *r)
{
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT p.id, p.user_id, coalesce(p.community_id, 0), coalesce(p.decided_at, 0), "
		       "p.title, p.summary, p.audience, p.objectives, p.format, p.final_product, "
		       "p.status, p.decision_message, u.name, coalesce(s.name, ''), "
		       "coalesce(d.name, ''), coalesce(c.slug, ''), p.call_id FROM proposals p "
		       "JOIN users u ON u.id = p.user_id LEFT JOIN schools s ON s.id = u.school_id "
		       "LEFT JOIN users d ON d.id = p.decided_by LEFT JOIN communities c ON "
		       "c.id = p.community_id WHERE p.id = :id AND (p.user_id = :me OR :admin)");
	db_bind_int(st, ":id", req_param_id(r, 0));
	db_bind_int(st, ":me", r->user->id);
	db_bind_int(st, ":admin", r->user->is_admin);
	if (db_step(st) != SQLITE_ROW) {
		resp_error(r, 404, "There is no proposal at this address.");
		return NULL;
	}
	Proposal *p = arena_alloc(r->arena, sizeof *p);
	p->id = db_col_int(st, 0);
	p->user_id = db_col_int(st, 1);
	p->community_id = db_col_int(st, 2);
	p->decided_at = db_col_int(st, 3);
	const char **text[] = {&p->title,	 &p->summary, &p->audience,
			       &p->objectives,	 &p->format,  &p->final_product,
			       &p->status,	 &p->decision_message, &p->proposer,
			       &p->school,	 &p->decided_by, &p->community_slug};
	for (int i = 0; i < 12; i++)
		*text[i] = arena_strdup(r->arena, db_col_text(st, i + 4));
	int64_t call_id = db_col_int(st, 16);
	sqlite3_reset(st);
	p->call = call_by_id(r, call_id);
	if (!p->call) { /* cannot happen: the foreign key cascades */
		resp_error(r, 404, "There is no proposal at this address.");
		return NULL;
	}
	return p;
}

/* The edit form as the proposal stands. */
static ProposalForm form_from(const Proposal *p)
{
	return (ProposalForm){.title = p->title, .summary = p->summary, .audience = p->audience,
			      .objectives = p->objectives, .format = p->format,
			      .final_product = p->final_product};
}

static void section(Req *r, const char *heading, const char *markdown)
{
	if (!*markdown)
		return;
	html(&r->out, "<h3>%s</h3>\n", heading);
	markdown_html(&r->out, markdown);
}

typedef struct {
	const char *comment, *decision, *message;
	const char *e_comment, *e_decision, *e_message;
} ReviewForm;

static void review(Req *r, const Proposal *p, const ReviewForm *rf)
{
	Buf *o = &r->out;
	const char *base = arena_printf(r->arena, "/proposals/%lld", (long long)p->id);
	html_raw(o, "<section aria-labelledby=\"h-review\" class=\"review\">\n<h2 id=\"h-review\">"
		    "Review (staff only)</h2>\n<p class=\"hint\">Comments are internal: the proposer "
		    "does not see them.</p>\n");
	sqlite3_stmt *st = db_prepare(r->db, "SELECT u.name, c.created_at, c.body FROM "
					     "proposal_comments c JOIN users u ON u.id = c.user_id "
					     "WHERE c.proposal_id = :p ORDER BY c.id");
	db_bind_int(st, ":p", p->id);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(o, "<ul class=\"comments\">\n");
		html(o, "<li><p class=\"meta\">%s, %s</p>\n", db_col_text(st, 0),
		     format_date(r, db_col_int(st, 1)));
		markdown_html(o, db_col_text(st, 2));
		html_raw(o, "</li>\n");
	}
	if (n)
		html_raw(o, "</ul>\n");
	form_begin(r, arena_printf(r->arena, "%s/comments", base));
	form_textarea(r, "comment", "Add a review comment", rf->comment, rf->e_comment, NULL);
	html_raw(o, "<button type=\"submit\" class=\"secondary\">Add comment</button>\n");
	form_end(r);
	if (strcmp(p->status, "submitted") != 0) {
		html_raw(o, "</section>\n");
		return;
	}
	html_raw(o, "<h3>Decision</h3>\n<p class=\"hint\">Accepting creates the community "
		    "offering (a cohort with status proposed) with the proposer as its "
		    "facilitator.</p>\n");
	form_begin(r, arena_printf(r->arena, "%s/decision", base));
	html(o, "<fieldset class=\"field%s\"><legend>Decision</legend>\n",
	     rf->e_decision ? " has-error" : "");
	if (rf->e_decision)
		html(o, "<p class=\"field-error\">%s</p>\n", rf->e_decision);
	static const char *const choices[][2] = {{"accept", "Accept"}, {"decline", "Decline"}};
	for (int i = 0; i < 2; i++) {
		html(o, "<div class=\"choice\"><input type=\"radio\" id=\"f-decision-%s\" "
			"name=\"decision\" value=\"%s\"", choices[i][0], choices[i][0]);
		if (rf->decision && !strcmp(rf->decision, choices[i][0]))
			html_raw(o, " checked");
		html(o, "> <label for=\"f-decision-%s\">%s</label></div>\n", choices[i][0],
		     choices[i][1]);
	}
	html_raw(o, "</fieldset>\n");
	form_textarea(r, "message", "Message to the proposer", rf->message, rf->e_message,
		       "Shown to the proposer with the decision. Required when declining.");
	html_raw(o, "<button type=\"submit\">Record the decision</button>\n");
	form_end(r);
	html_raw(o, "</section>\n");
}

static void proposal_page(Req *r, const Proposal *p, const ProposalForm *f, const ReviewForm *rf)
{
	Buf *o = &r->out;
	const Call *c = p->call;
	page_begin(r, p->title);
	html(o, "<p class=\"meta\"><a href=\"/calls/%lld\">%s</a></p>\n<h1>%s</h1>\n"
		"<dl class=\"facts\"><dt>Proposed by</dt><dd>%s%s%s</dd>\n"
		"<dt>Status</dt><dd><strong class=\"status status-%s\">%s</strong></dd>\n",
	     (long long)c->id, c->title, p->title, p->proposer, *p->school ? ", " : "", p->school,
	     p->status, status_label(p->status));
	if (p->decided_at)
		html(o, "<dt>Decided</dt><dd>%s%s%s</dd>\n", format_date(r, p->decided_at),
		     *p->decided_by ? " by " : "", p->decided_by);
	if (*p->community_slug)
		html(o, "<dt>Community</dt><dd><a href=\"/communities/%s\">%s</a></dd>\n",
		     p->community_slug, p->title);
	if (*p->audience)
		html(o, "<dt>For</dt><dd>%s</dd>\n", p->audience);
	html_raw(o, "</dl>\n");
	if (*p->decision_message) {
		html_raw(o, "<section class=\"decision\" aria-labelledby=\"h-decision\">\n"
			    "<h2 id=\"h-decision\">Message from the association</h2>\n");
		markdown_html(o, p->decision_message);
		html_raw(o, "</section>\n");
	}
	html_raw(o, "<section aria-labelledby=\"h-proposal\">\n<h2 id=\"h-proposal\">The "
		    "proposal</h2>\n");
	section(r, "Summary", p->summary);
	section(r, "Objectives", p->objectives);
	section(r, "Format and proposed schedule", p->format);
	section(r, "Planned final product", p->final_product);
	html_raw(o, "</section>\n");
	if (p->user_id == r->user->id && !strcmp(p->status, "submitted")) {
		html_raw(o, "<section aria-labelledby=\"h-edit\">\n<h2 id=\"h-edit\">Edit your "
			    "proposal</h2>\n");
		if (c->open) {
			html(o, "<p>You can change it until %s.</p>\n", format_day(r, c->due_on));
			proposal_form(r, arena_printf(r->arena, "/proposals/%lld", (long long)p->id),
				      f, "Save changes");
		} else {
			html(o, "<p>%s</p>\n", closed_message(r, c));
		}
		html_raw(o, "</section>\n");
	}
	if (r->user->is_admin)
		review(r, p, rf);
	page_end(r);
}

void handle_proposal(Req *r)
{
	Proposal *p = proposal_from_path(r);
	if (!p)
		return;
	ProposalForm f = form_from(p);
	ReviewForm rf = {0};
	proposal_page(r, p, &f, &rf);
}

void handle_proposal_update(Req *r)
{
	Proposal *p = proposal_from_path(r);
	if (!p)
		return;
	if (p->user_id != r->user->id) {
		resp_error(r, 403, "Only the proposer can change a proposal.");
		return;
	}
	if (strcmp(p->status, "submitted") != 0) {
		resp_error(r, 409, "A decision was made on this proposal, so it can no longer be "
				   "changed.");
		return;
	}
	if (!p->call->open) {
		resp_error(r, 409, closed_message(r, p->call));
		return;
	}
	ProposalForm f = {0};
	read_proposal_form(r, &f);
	ReviewForm rf = {0};
	if (f.errors) {
		r->status = 422;
		proposal_page(r, p, &f, &rf);
		return;
	}
	sqlite3_stmt *st = db_prepare(
		r->db, "UPDATE proposals SET title = :title, summary = :summary, audience = "
		       ":audience, objectives = :objectives, format = :format, final_product = "
		       ":final_product, updated_at = :now WHERE id = :id AND status = 'submitted'");
	db_bind_text(st, ":title", f.title);
	db_bind_text(st, ":summary", f.summary);
	db_bind_text(st, ":audience", f.audience);
	db_bind_text(st, ":objectives", f.objectives);
	db_bind_text(st, ":format", f.format);
	db_bind_text(st, ":final_product", f.final_product);
	db_bind_int(st, ":now", time(NULL));
	db_bind_int(st, ":id", p->id);
	if (!db_run(st)) {
		resp_error(r, 503, "Your proposal could not be saved just now. Please try again.");
		return;
	}
	if (db_changes(r->db) != 1) { /* decided between our read and this write */
		resp_error(r, 409, "A decision was made on this proposal, so it can no longer be "
				   "changed.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/proposals/%lld?notice=proposal-saved",
				      (long long)p->id));
}

void handle_proposal_comment(Req *r)
{
	Proposal *p = proposal_from_path(r);
	if (!p)
		return;
	ReviewForm rf = {.comment = trimmed(r->arena, req_form(r, "comment"))};
	rf.e_comment = check_text(r->arena, rf.comment, true, 5000);
	if (rf.e_comment) {
		ProposalForm f = form_from(p);
		r->status = 422;
		proposal_page(r, p, &f, &rf);
		return;
	}
	sqlite3_stmt *st = db_prepare(r->db, "INSERT INTO proposal_comments (proposal_id, user_id, "
					     "body, created_at) VALUES (:p, :u, :body, :now)");
	db_bind_int(st, ":p", p->id);
	db_bind_int(st, ":u", r->user->id);
	db_bind_text(st, ":body", rf.comment);
	db_bind_int(st, ":now", time(NULL));
	if (!db_run(st)) {
		resp_error(r, 503, "The comment could not be saved just now. Please try again.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/proposals/%lld?notice=comment-added",
				      (long long)p->id));
}

/* "Using Data to Close Gaps!" -> "using-data-to-close-gaps" (at most 56 characters, so
 * that a "-NN" suffix still fits the 64 a slug may have). */
static char *slug_base(Req *r, const char *title)
{
	char *s = arena_alloc(r->arena, 57), *o = s;
	for (const char *c = title; *c && o - s < 56; c++)
		if (isalnum((unsigned char)*c) && !((unsigned char)*c & 0x80))
			*o++ = (char)tolower((unsigned char)*c);
		else if (o > s && o[-1] != '-')
			*o++ = '-';
	while (o > s && o[-1] == '-')
		o--;
	*o = '\0';
	return *s ? s : arena_strdup(r->arena, "community");
}

/* A slug no community uses yet: base, base-2, base-3... Call inside the write transaction. */
static const char *free_slug(Req *r, const char *base)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT 1 FROM communities WHERE slug = :slug");
	for (int n = 1; n < 1000; n++) {
		const char *slug = n == 1 ? base : arena_printf(r->arena, "%s-%d", base, n);
		db_bind_text(st, ":slug", slug);
		bool taken = db_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
		if (!taken)
			return slug;
	}
	return NULL;
}

static const char *community_description(Req *r, const Proposal *p)
{
	Buf b = {0};
	const char *parts[][2] = {{"Summary", p->summary},
				  {"Objectives", p->objectives},
				  {"Format and schedule", p->format},
				  {"Planned final product", p->final_product}};
	for (int i = 0; i < 4; i++)
		if (*parts[i][1])
			buf_printf(&b, "%s## %s\n\n%s\n", b.len ? "\n" : "", parts[i][0], parts[i][1]);
	const char *s = arena_strdup(r->arena, b.data ? b.data : "");
	buf_free(&b);
	return s;
}

/* Inside the transaction: creates the community and its facilitator, links the proposal.
 * Returns the new community's slug, or NULL on failure. */
static const char *accept_proposal(Req *r, const Proposal *p, const char *message)
{
	const char *slug = free_slug(r, slug_base(r, p->title));
	if (!slug)
		return NULL;
	sqlite3_stmt *st = db_prepare(r->db, "INSERT INTO communities (slug, name, audience, kind, "
					     "description, status, year_id, created_at) VALUES "
					     "(:slug, :name, :audience, 'cohort', :description, "
					     "'proposed', :year, :now)");
	db_bind_text(st, ":slug", slug);
	db_bind_text(st, ":name", p->title);
	db_bind_text(st, ":audience", p->audience);
	db_bind_text(st, ":description", community_description(r, p));
	db_bind_int(st, ":year", p->call->year_id);
	db_bind_int(st, ":now", time(NULL));
	if (!db_run(st))
		return NULL;
	int64_t community = db_last_id(r->db);
	search_index_community(r->db, community);
	st = db_prepare(r->db, "INSERT INTO facilitators (community_id, user_id, role) VALUES "
			       "(:c, :u, 'facilitator')");
	db_bind_int(st, ":c", community);
	db_bind_int(st, ":u", p->user_id);
	if (!db_run(st))
		return NULL;
	st = db_prepare(r->db, "UPDATE proposals SET status = 'accepted', decision_message = "
			       ":message, decided_by = :by, decided_at = :now, community_id = :c "
			       "WHERE id = :id AND status = 'submitted'");
	db_bind_text(st, ":message", message);
	db_bind_int(st, ":by", r->user->id);
	db_bind_int(st, ":now", time(NULL));
	db_bind_int(st, ":c", community);
	db_bind_int(st, ":id", p->id);
	if (!db_run(st) || db_changes(r->db) != 1)
		return NULL;
	return slug;
}

static void already_decided(Req *r, const char *status)
{
	resp_error(r, 409, arena_printf(r->arena, "This proposal was already %s; a decision cannot "
						  "be changed.",
					!strcmp(status, "accepted") ? "accepted" : "declined"));
}

void handle_proposal_decision(Req *r)
{
	Proposal *p = proposal_from_path(r);
	if (!p)
		return;
	if (strcmp(p->status, "submitted") != 0) {
		already_decided(r, p->status);
		return;
	}
	ReviewForm rf = {.decision = req_form_or(r, "decision", ""),
			 .message = trimmed(r->arena, req_form(r, "message"))};
	static const char *const decisions[] = {"accept", "decline", NULL};
	bool accept = !strcmp(rf.decision, "accept");
	if (!one_of(rf.decision, decisions))
		rf.e_decision = "Choose accept or decline.";
	rf.e_message = !accept && !rf.e_decision && !*rf.message
			       ? "Tell the proposer why their proposal was declined."
			       : check_text(r->arena, rf.message, false, 5000);
	if (rf.e_decision || rf.e_message) {
		ProposalForm f = form_from(p);
		r->status = 422;
		proposal_page(r, p, &f, &rf);
		return;
	}
	if (!db_begin(r->db)) {
		resp_error(r, 503, "The decision could not be saved just now. Please try again.");
		return;
	}
	/* Inside the write lock: nobody else can decide it under us. */
	sqlite3_stmt *st = db_prepare(r->db, "SELECT status FROM proposals WHERE id = :id");
	db_bind_int(st, ":id", p->id);
	const char *status = db_step(st) == SQLITE_ROW ? arena_strdup(r->arena, db_col_text(st, 0))
						       : "";
	sqlite3_reset(st);
	if (strcmp(status, "submitted") != 0) {
		db_rollback(r->db);
		already_decided(r, status);
		return;
	}
	const char *slug = NULL;
	bool ok;
	if (accept) {
		ok = (slug = accept_proposal(r, p, rf.message)) != NULL;
	} else {
		st = db_prepare(r->db, "UPDATE proposals SET status = 'declined', decision_message = "
				       ":message, decided_by = :by, decided_at = :now WHERE id = :id");
		db_bind_text(st, ":message", rf.message);
		db_bind_int(st, ":by", r->user->id);
		db_bind_int(st, ":now", time(NULL));
		db_bind_int(st, ":id", p->id);
		ok = db_run(st);
	}
	if (!ok || !db_commit(r->db)) {
		db_rollback(r->db);
		resp_error(r, 503, "The decision could not be saved just now. Please try again.");
		return;
	}
	audit_user(r, accept ? "proposal.accept" : "proposal.decline", p->user_id, "proposal #%lld %s%s", (long long)p->id, p->title, accept ? ", new community" : "");
	if (accept)
		resp_redirect(r, arena_printf(r->arena, "/communities/%s?notice=proposal-accepted",
					      slug));
	else
		resp_redirect(r, arena_printf(r->arena, "/proposals/%lld?notice=proposal-declined",
					      (long long)p->id));
}
