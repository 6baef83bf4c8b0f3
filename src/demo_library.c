/* The demo's document library: model documents and templates in each category, as the
 * seeds' associations describe them (a board governance policy, a board meeting agenda, an
 * HR hiring checklist, an onboarding plan, an accountability plan, a budget workbook and a
 * cash-flow template), several with versions that say what changed; tags and ratings with
 * short reviews; shared links; and documents in the CFO/COO and special education folders.
 * The files are real: Markdown, CSV and text, a PDF written byte by byte, and minimal Word and
 * Excel files (zip containers written here with stored entries), so downloads open. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "demo.h"
#include "files.h"
#include "library.h"
#include "search.h"

#define DAY 86400

/* ---- files ---- */

/* A one-page PDF showing lines of text in Helvetica (title first), with a correct xref. */
static void make_pdf(Buf *b, const char *const *lines)
{
	Buf content = {0};
	buf_puts(&content, "BT\n/F1 18 Tf\n72 720 Td\n");
	for (int i = 0; lines[i]; i++) {
		if (i == 1)
			buf_puts(&content, "/F1 11 Tf\n0 -30 Td\n");
		else if (i > 1)
			buf_puts(&content, "0 -16 Td\n");
		buf_putc(&content, '(');
		for (const char *p = lines[i]; *p; p++) {
			if (*p == '(' || *p == ')' || *p == '\\')
				buf_putc(&content, '\\');
			buf_putc(&content, *p);
		}
		buf_puts(&content, ") Tj\n");
	}
	buf_puts(&content, "ET\n");
	size_t offsets[6];
	buf_puts(b, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
	offsets[1] = b->len;
	buf_puts(b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	offsets[2] = b->len;
	buf_puts(b, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
	offsets[3] = b->len;
	buf_puts(b, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
		    "<< /Font << /F1 4 0 R >> >> /Contents 5 0 R >>\nendobj\n");
	offsets[4] = b->len;
	buf_puts(b, "4 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
		    "/Encoding /WinAnsiEncoding >>\nendobj\n");
	offsets[5] = b->len;
	buf_printf(b, "5 0 obj\n<< /Length %zu >>\nstream\n", content.len);
	buf_append(b, content.data, content.len);
	buf_puts(b, "endstream\nendobj\n");
	size_t xref = b->len;
	buf_puts(b, "xref\n0 6\n0000000000 65535 f \n");
	for (int i = 1; i <= 5; i++)
		buf_printf(b, "%010zu 00000 n \n", offsets[i]);
	buf_printf(b, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
	buf_free(&content);
}

static uint32_t crc32_of(const char *s, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= (unsigned char)s[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return ~c;
}

static void put16(Buf *b, unsigned v)
{
	buf_putc(b, (char)(v & 0xff));
	buf_putc(b, (char)((v >> 8) & 0xff));
}

static void put32(Buf *b, uint32_t v)
{
	put16(b, v & 0xffff);
	put16(b, v >> 16);
}

/* A zip of stored (uncompressed) entries: name, content, name, content, ..., NULL. Office
 * programs open these like any other. */
static void make_zip(Buf *b, const char *const *entries)
{
	Buf cd = {0};
	int n = 0;
	const unsigned dos_time = 9 << 11, dos_date = (44u << 9) | (9 << 5) | 1; /* 2024-09-01 */
	for (int i = 0; entries[i]; i += 2, n++) {
		const char *name = entries[i], *data = entries[i + 1];
		size_t nl = strlen(name), dl = strlen(data);
		uint32_t crc = crc32_of(data, dl), at = (uint32_t)b->len;
		buf_append(b, "PK\x03\x04", 4);
		put16(b, 20), put16(b, 0), put16(b, 0), put16(b, dos_time), put16(b, dos_date);
		put32(b, crc), put32(b, (uint32_t)dl), put32(b, (uint32_t)dl);
		put16(b, (unsigned)nl), put16(b, 0);
		buf_append(b, name, nl);
		buf_append(b, data, dl);
		buf_append(&cd, "PK\x01\x02", 4);
		put16(&cd, 20), put16(&cd, 20), put16(&cd, 0), put16(&cd, 0);
		put16(&cd, dos_time), put16(&cd, dos_date);
		put32(&cd, crc), put32(&cd, (uint32_t)dl), put32(&cd, (uint32_t)dl);
		put16(&cd, (unsigned)nl), put16(&cd, 0), put16(&cd, 0), put16(&cd, 0), put16(&cd, 0);
		put32(&cd, 0), put32(&cd, at);
		buf_append(&cd, name, nl);
	}
	uint32_t cd_at = (uint32_t)b->len;
	buf_append(b, cd.data, cd.len);
	buf_append(b, "PK\x05\x06", 4);
	put16(b, 0), put16(b, 0), put16(b, (unsigned)n), put16(b, (unsigned)n);
	put32(b, (uint32_t)cd.len), put32(b, cd_at), put16(b, 0);
	buf_free(&cd);
}

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define RELS_NS "http://schemas.openxmlformats.org/package/2006/relationships"
#define DOC_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

/* A Word document: a bold title, then one paragraph per line. */
static void make_docx(Buf *b, const char *const *lines)
{
	Buf body = {0};
	buf_puts(&body, XML_HEAD "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
			"wordprocessingml/2006/main\"><w:body>");
	for (int i = 0; lines[i]; i++)
		buf_printf(&body, "<w:p><w:r>%s<w:t xml:space=\"preserve\">%s</w:t></w:r></w:p>",
			   i == 0 ? "<w:rPr><w:b/><w:sz w:val=\"32\"/></w:rPr>" : "", lines[i]);
	buf_puts(&body, "<w:sectPr/></w:body></w:document>");
	const char *entries[] = {
		"[Content_Types].xml",
		XML_HEAD "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package."
		"relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
		"<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd."
		"openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>",
		"_rels/.rels",
		XML_HEAD "<Relationships xmlns=\"" RELS_NS "\"><Relationship Id=\"rId1\" Type=\"" DOC_REL
		"/officeDocument\" Target=\"word/document.xml\"/></Relationships>",
		"word/document.xml", body.data, NULL};
	make_zip(b, entries);
	buf_free(&body);
}

/* An Excel workbook with one sheet: rows of cells, "=..." a formula, digits a number, anything
 * else text. Rows are NULL-separated; the list ends with two NULLs. */
static void make_xlsx(Buf *b, const char *sheet_name, const char *const *cells, int columns)
{
	Buf sheet = {0};
	buf_puts(&sheet, XML_HEAD "<worksheet xmlns=\"http://schemas.openxmlformats.org/"
			 "spreadsheetml/2006/main\"><sheetData>");
	for (int row = 0; cells[row * columns]; row++) {
		buf_printf(&sheet, "<row r=\"%d\">", row + 1);
		for (int c = 0; c < columns; c++) {
			const char *v = cells[row * columns + c];
			char ref[16];
			snprintf(ref, sizeof ref, "%c%d", 'A' + c, row + 1);
			if (!*v)
				continue;
			if (v[0] == '=')
				buf_printf(&sheet, "<c r=\"%s\"><f>%s</f></c>", ref, v + 1);
			else if (strspn(v, "0123456789.-") == strlen(v))
				buf_printf(&sheet, "<c r=\"%s\"><v>%s</v></c>", ref, v);
			else
				buf_printf(&sheet, "<c r=\"%s\" t=\"inlineStr\"><is><t>%s</t></is></c>", ref,
					   v);
		}
		buf_puts(&sheet, "</row>");
	}
	buf_puts(&sheet, "</sheetData></worksheet>");
	Buf workbook = {0};
	buf_printf(&workbook, XML_HEAD "<workbook xmlns=\"http://schemas.openxmlformats.org/"
			      "spreadsheetml/2006/main\" xmlns:r=\"" DOC_REL "\"><sheets><sheet "
			      "name=\"%s\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
		   sheet_name);
	const char *entries[] = {
		"[Content_Types].xml",
		XML_HEAD "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package."
		"relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
		"<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-"
		"officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/"
		"sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument."
		"spreadsheetml.worksheet+xml\"/></Types>",
		"_rels/.rels",
		XML_HEAD "<Relationships xmlns=\"" RELS_NS "\"><Relationship Id=\"rId1\" Type=\"" DOC_REL
		"/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>",
		"xl/workbook.xml", workbook.data,
		"xl/_rels/workbook.xml.rels",
		XML_HEAD "<Relationships xmlns=\"" RELS_NS "\"><Relationship Id=\"rId1\" Type=\"" DOC_REL
		"/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>",
		"xl/worksheets/sheet1.xml", sheet.data, NULL};
	make_zip(b, entries);
	buf_free(&sheet);
	buf_free(&workbook);
}

/* ---- rows ---- */

static int64_t user_by_email(Db *db, const char *email)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM users WHERE email = :e");
	db_bind_text(st, ":e", email);
	int64_t id = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

static int64_t id_by_name(Db *db, const char *sql, const char *name)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	db_bind_text(st, ":n", name);
	int64_t id = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

/* A document or link; its tags as "a, b". Returns its id, 0 on failure. */
static int64_t add_item(Db *db, const char *url, const char *title, const char *description,
			const char *category, const char *community, const char *by, int64_t at,
			const char *tags)
{
	sqlite3_stmt *st = db_prepare(
		db, "INSERT INTO library_items (kind, title, description, url, category_id, "
		    "community_id, created_by, created_at, updated_at) VALUES (:kind, :title, :d, :url, "
		    "nullif(:cat, 0), nullif(:com, 0), :by, :at, :at)");
	db_bind_text(st, ":kind", url ? "resource" : "document");
	db_bind_text(st, ":title", title);
	db_bind_text(st, ":d", description);
	db_bind_text(st, ":url", url);
	db_bind_int(st, ":cat", category ? id_by_name(db, "SELECT id FROM library_categories "
							  "WHERE name = :n", category) : 0);
	db_bind_int(st, ":com", community ? id_by_name(db, "SELECT id FROM communities WHERE "
							   "slug = :n", community) : 0);
	db_bind_int(st, ":by", user_by_email(db, by));
	db_bind_int(st, ":at", at);
	if (!db_run(st))
		return 0;
	int64_t id = db_last_id(db);
	for (const char *p = tags; *p;) {
		size_t n = strcspn(p, ",");
		char tag[64];
		snprintf(tag, sizeof tag, "%.*s", (int)n, p);
		st = db_prepare(db, "INSERT OR IGNORE INTO library_tags (item_id, tag) VALUES (:i, :t)");
		db_bind_int(st, ":i", id);
		db_bind_text(st, ":t", tag);
		if (!db_run(st))
			return 0;
		p += n;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return id;
}

/* Version number n of document item, uploaded by `by` at `at` with its note. */
static bool add_version(Db *db, int64_t item, int n, const char *filename, const Buf *bytes,
			const char *note, const char *by, int64_t at)
{
	Upload u = {.field = "file", .filename = filename, .content_type = "", .tmp = tmpfile(),
		    .size = (int64_t)bytes->len};
	if (!u.tmp)
		return false;
	const char *why;
	int64_t user = user_by_email(db, by);
	bool ok = fwrite(bytes->data, 1, bytes->len, u.tmp) == bytes->len;
	const char *type = ok ? file_upload_type(&u, &why) : NULL;
	int64_t file = type ? file_store(db, &u, user, &why) : 0;
	Arena *a = arena_new();
	const char *text = file ? search_extract_text(a, u.tmp, type) : "";
	fclose(u.tmp);
	if (!file) {
		fprintf(stderr, "practica demo: %s: %s\n", filename, type ? "not stored" : why);
		arena_free(a);
		return false;
	}
	sqlite3_stmt *st = db_prepare(db, "UPDATE files SET created_at = :at WHERE id = :f");
	db_bind_int(st, ":at", at);
	db_bind_int(st, ":f", file);
	ok = db_run(st);
	st = db_prepare(db, "INSERT INTO library_versions (item_id, number, file_id, note, text, "
			    "uploaded_by, created_at) VALUES (:i, :n, :f, :note, :text, :by, :at)");
	db_bind_int(st, ":i", item);
	db_bind_int(st, ":n", n);
	db_bind_int(st, ":f", file);
	db_bind_text(st, ":note", note);
	db_bind_text(st, ":text", text);
	db_bind_int(st, ":by", user);
	db_bind_int(st, ":at", at);
	ok = ok && db_run(st);
	arena_free(a);
	st = db_prepare(db, "UPDATE library_items SET updated_at = :at WHERE id = :i");
	db_bind_int(st, ":at", at);
	db_bind_int(st, ":i", item);
	return ok && db_run(st);
}

static bool rate(Db *db, int64_t item, const char *by, int stars, const char *review, int64_t at)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO library_ratings (item_id, user_id, stars, "
					  "review, created_at, updated_at) VALUES (:i, :u, :s, :r, "
					  ":at, :at)");
	db_bind_int(st, ":i", item);
	db_bind_int(st, ":u", user_by_email(db, by));
	db_bind_int(st, ":s", stars);
	db_bind_text(st, ":r", review);
	db_bind_int(st, ":at", at);
	return db_run(st);
}

/* ---- the documents ---- */

#define TOMAS "tomas.herrera@example.org"
#define HANNAH "hannah.schultz@example.org"
#define MARIA "maria.alvarez@example.org"
#define JAMES "james.okafor@example.org"
#define MARCUS "marcus.reed@example.org"
#define PRIYA "priya.raman@example.org"
#define LENA "lena.petrova@example.org"
#define RUTH "ruth.feldman@example.org"
#define JANET "janet.moore@example.org"
#define ADMIN "admin@example.org"

static const char governance_v1[] =
	"# Sample board governance policy\n\n"
	"*A model policy for a charter school board. Adapt the bracketed parts.*\n\n"
	"## 1. Role of the board\n\n"
	"The board of [School] holds the charter and is accountable to the authorizer for "
	"academic results, financial health and compliance. The board sets policy and hires, "
	"supports and evaluates the head of school; it does not manage daily operations.\n\n"
	"## 2. Meetings\n\n"
	"- The board meets at least ten times a year, in public, with notice posted 7 days ahead.\n"
	"- A quorum is a majority of seated members.\n"
	"- Minutes are approved at the next meeting and posted within 30 days.\n\n"
	"## 3. Committees\n\n"
	"Standing committees: Finance and Audit, Academic Excellence, Governance and Nominating. "
	"Each has a written charter reviewed every year.\n\n"
	"## 4. Evaluation\n\n"
	"The board evaluates the head of school each spring against goals set the previous "
	"summer, and completes a board self-assessment every year.\n";

static const char governance_v2_extra[] =
	"\n## 5. Conflicts of interest\n\n"
	"Every member signs an annual disclosure. A member with an interest in a matter "
	"discloses it, leaves the discussion and does not vote; the minutes record it.\n";

static const char hiring_v1[] =
	"# Hiring checklist template\n\n"
	"For every teaching and staff position. Tick each step and keep the checklist in the "
	"personnel file.\n\n"
	"## Before posting\n- [ ] Position approved in the budget\n- [ ] Job description current "
	"(duties, qualifications, salary range)\n- [ ] Hiring committee named\n\n"
	"## Recruiting\n- [ ] Posted on the school site and two job boards\n- [ ] Shared with "
	"member schools through the association\n\n"
	"## Selection\n- [ ] Screening questions agreed before the first interview\n- [ ] Sample "
	"lesson or work task\n- [ ] Two reference checks\n\n"
	"## Offer and onboarding\n- [ ] Background check and fingerprinting cleared\n- [ ] "
	"Certification verified\n- [ ] Offer letter signed\n- [ ] First-week plan sent\n";

static const char hiring_v2_extra[] =
	"\n## Reference-check script\n\n1. How long and in what role did you work with the "
	"candidate?\n2. Describe a time they handled a difficult conversation with a family.\n"
	"3. Would you hire them again? Why?\n";

static const char onboarding[] =
	"NEW STAFF ONBOARDING PLAN (30 / 60 / 90 DAYS)\n\n"
	"Before day one\n  - Laptop, badge and accounts ready\n  - Mentor assigned\n"
	"  - Welcome letter with the first-week schedule\n\n"
	"First 30 days\n  - Mission, values and school-wide routines\n  - Student support "
	"systems: IEPs, 504s, ELL services\n  - Weekly check-in with the mentor\n\n"
	"By 60 days\n  - First formal observation with written feedback\n  - Family "
	"communication norms practiced\n\n"
	"By 90 days\n  - Goal-setting meeting with the supervisor\n  - Onboarding survey "
	"(what we should change)\n";

static const char budget_v1[] =
	"Line item,Category,FY26 actual,FY27 budget,Notes\n"
	"Per-pupil revenue,Revenue,6125000,6380000,420 students\n"
	"Federal grants (Title I / IDEA),Revenue,412000,405000,\n"
	"Teacher salaries,Personnel,2950000,3080000,3% step increase\n"
	"Benefits and payroll taxes,Personnel,826000,862000,28% of salaries\n"
	"Facilities (lease and maintenance),Operations,910000,935000,\n"
	"Curriculum and materials,Instruction,164000,172000,\n"
	"Special education contracted services,Instruction,238000,251000,\n"
	"Technology,Operations,96000,104000,device refresh\n"
	"Contingency,Reserve,0,120000,about 2% of expenses\n";

static const char budget_v2_extra[] =
	"Food service,Operations,185000,192000,net of reimbursements\n";

static const char budget_v3_extra[] =
	"Audit and legal,Operations,58000,61000,\n";

static const char caseload[] =
	"Case manager,Students on IEPs,Annual reviews due this quarter,Re-evaluations due,Notes\n"
	"Case manager A,14,4,1,\n"
	"Case manager B,12,3,2,one transfer in\n"
	"Case manager C,15,5,0,over target: share next hire\n";

/* The accountability plan template as a PDF. */
static const char *const accountability_lines[] = {
	"Accountability Plan Template",
	"School: ______________________      Charter term: ________ to ________",
	"",
	"1. Mission-specific goals",
	"   Goal, measure, baseline, annual target, who reports and when.",
	"2. Academic performance",
	"   State assessment proficiency and growth, by subgroup (ELL, special education).",
	"3. Attendance and re-enrollment",
	"   Average daily attendance target 95%; chronic absence below 10%.",
	"4. Financial and organizational health",
	"   Days of cash on hand, debt ratio, audit findings, board compliance.",
	"5. Reporting calendar",
	"   Quarterly board dashboard; annual report to the authorizer by September 30.",
	NULL,
};

static const char *const agenda_lines[] = {
	"Board Meeting Agenda Template",
	"[School] Board of Trustees - [date], [time], [place or video link]",
	"1. Call to order and roll call (quorum check)",
	"2. Public comment (3 minutes per speaker)",
	"3. Consent agenda: minutes of the last meeting, financial statements",
	"4. Head of school report: enrollment, academics, staffing",
	"5. Committee reports: Finance and Audit; Academic Excellence; Governance",
	"6. Action items (motion, second, discussion, vote)",
	"7. Executive session (if needed; state the reason)",
	"8. Adjournment",
	NULL,
};

static const char *const cashflow_cells[] = {
	"Month", "Receipts", "Disbursements", "Net", "Ending cash",
	"July", "512000", "498000", "=B2-C2", "=850000+D2",
	"August", "498000", "541000", "=B3-C3", "=E2+D3",
	"September", "530000", "522000", "=B4-C4", "=E3+D4",
	"October", "530000", "519000", "=B5-C5", "=E4+D5",
	"November", "530000", "527000", "=B6-C6", "=E5+D6",
	"December", "545000", "560000", "=B7-C7", "=E6+D7",
	NULL, NULL, NULL, NULL, NULL,
};

static const char audit_timeline[] =
	"# Audit preparation timeline (CFO/COO community)\n\n"
	"Shared within our community: what each of us does, and when, so the June close is calm.\n\n"
	"| When | What |\n|---|---|\n"
	"| April | Engagement letter signed; prior-year findings reviewed |\n"
	"| May | Fixed-asset and grant schedules reconciled |\n"
	"| June 30 | Fiscal year closes; accruals listed |\n"
	"| August | Fieldwork; PBC list due two weeks before |\n"
	"| October | Draft statements to the finance committee |\n";

static bool text_buf(Buf *b, const char *a, const char *more, const char *more2)
{
	b->len = 0;
	buf_puts(b, a);
	if (more)
		buf_puts(b, more);
	if (more2)
		buf_puts(b, more2);
	return true;
}

bool demo_add_library(Db *db, int64_t now)
{
	Buf b = {0};
	bool ok = true;
	int64_t id;

	/* Governance */
	id = add_item(db, NULL, "Sample board governance policy",
		      "A model governance policy for a charter school board: the board's role, "
		      "meetings, committees and evaluation. Version 2 adds conflicts of interest.",
		      "Governance", NULL, TOMAS, now - 120 * DAY, "board,policy,template");
	ok = ok && id && text_buf(&b, governance_v1, NULL, NULL) &&
	     add_version(db, id, 1, "board-governance-policy.md", &b, "First version", TOMAS,
			 now - 120 * DAY) &&
	     text_buf(&b, governance_v1, governance_v2_extra, NULL) &&
	     add_version(db, id, 2, "board-governance-policy.md", &b,
			 "Added a conflicts-of-interest section with the annual disclosure", TOMAS,
			 now - 40 * DAY) &&
	     rate(db, id, HANNAH, 5, "We adopted sections 1-3 almost as is. The committee list "
				     "saved our governance chair a month.", now - 35 * DAY) &&
	     rate(db, id, MARIA, 4, "Clear and short. We added a section on board member "
				    "onboarding.", now - 20 * DAY) &&
	     rate(db, id, JANET, 4, "", now - 10 * DAY);

	b.len = 0;
	make_docx(&b, agenda_lines);
	id = add_item(db, NULL, "Board meeting agenda template",
		      "A Word template for a public board meeting: consent agenda, reports, action "
		      "items and executive session.",
		      "Governance", NULL, HANNAH, now - 90 * DAY, "board,meetings,template");
	ok = ok && id && add_version(db, id, 1, "board-meeting-agenda.docx", &b, "First version",
				     HANNAH, now - 90 * DAY) &&
	     rate(db, id, TOMAS, 4, "Good structure; we moved public comment after reports.",
		  now - 60 * DAY);

	/* Human resources */
	id = add_item(db, NULL, "Hiring checklist template",
		      "Every step from an approved position to the first week, for teaching and "
		      "staff hires. Version 2 adds a reference-check script.",
		      "Human resources", NULL, MARCUS, now - 100 * DAY, "hiring,checklist,template");
	ok = ok && id && text_buf(&b, hiring_v1, NULL, NULL) &&
	     add_version(db, id, 1, "hiring-checklist.md", &b, "First version", MARCUS,
			 now - 100 * DAY) &&
	     text_buf(&b, hiring_v1, hiring_v2_extra, NULL) &&
	     add_version(db, id, 2, "hiring-checklist.md", &b,
			 "Added the reference-check script the CFO/COO group asked for", MARCUS,
			 now - 30 * DAY) &&
	     rate(db, id, JAMES, 5, "Exactly what our HR generalist needed.", now - 25 * DAY) &&
	     rate(db, id, RUTH, 4, "", now - 12 * DAY);

	id = add_item(db, NULL, "New staff onboarding plan (30/60/90 days)",
		      "A plain-text plan for the first three months of a new teacher or staff "
		      "member.",
		      "Human resources", NULL, MARIA, now - 70 * DAY, "onboarding,new staff");
	ok = ok && id && text_buf(&b, onboarding, NULL, NULL) &&
	     add_version(db, id, 1, "onboarding-plan.txt", &b, "First version", MARIA,
			 now - 70 * DAY) &&
	     rate(db, id, HANNAH, 3, "A good outline; we needed more on special education "
				     "onboarding.", now - 50 * DAY);

	/* Accountability */
	b.len = 0;
	make_pdf(&b, accountability_lines);
	id = add_item(db, NULL, "Accountability plan template",
		      "A one-page template for an accountability plan an authorizer will accept: "
		      "mission-specific goals, academics, attendance, financial and organizational "
		      "health, and the reporting calendar.",
		      "Accountability", NULL, MARIA, now - 80 * DAY, "accountability,goals,template");
	ok = ok && id && add_version(db, id, 1, "accountability-plan-template.pdf", &b,
				     "First version", MARIA, now - 80 * DAY) &&
	     rate(db, id, TOMAS, 5, "Our authorizer liked the reporting calendar.", now - 45 * DAY) &&
	     rate(db, id, PRIYA, 4, "Add students with disabilities to every goal, not only "
				    "section 2.", now - 15 * DAY);

	/* Financial management */
	id = add_item(db, NULL, "Annual budget workbook",
		      "A budget workbook (CSV, opens in any spreadsheet) with last year's actuals "
		      "beside next year's budget, by line item.",
		      "Financial management", NULL, JAMES, now - 150 * DAY, "budget,workbook,finance");
	ok = ok && id && text_buf(&b, budget_v1, NULL, NULL) &&
	     add_version(db, id, 1, "budget-workbook.csv", &b, "First version", JAMES,
			 now - 150 * DAY) &&
	     text_buf(&b, budget_v1, budget_v2_extra, NULL) &&
	     add_version(db, id, 2, "budget-workbook.csv", &b, "Added food service", JAMES,
			 now - 95 * DAY) &&
	     text_buf(&b, budget_v1, budget_v2_extra, budget_v3_extra) &&
	     add_version(db, id, 3, "budget-workbook.csv", &b,
			 "Added audit and legal; FY27 figures updated", JAMES, now - 14 * DAY) &&
	     rate(db, id, MARCUS, 5, "", now - 90 * DAY) &&
	     rate(db, id, TOMAS, 4, "Handy for board finance committee prep.", now - 13 * DAY);

	b.len = 0;
	make_xlsx(&b, "Cash flow", cashflow_cells, 5);
	id = add_item(db, NULL, "Cash-flow projection template",
		      "An Excel template: monthly receipts and disbursements with net and ending "
		      "cash calculated.",
		      "Financial management", NULL, JAMES, now - 60 * DAY, "cash flow,finance,template");
	ok = ok && id && add_version(db, id, 1, "cash-flow-projection.xlsx", &b, "First version",
				     JAMES, now - 60 * DAY);

	/* Community folders: visible to each community's own people. */
	id = add_item(db, NULL, "Audit preparation timeline",
		      "When each of us does what before the June close.", "Financial management",
		      "cfo-coo", JAMES, now - 25 * DAY, "audit,timeline");
	ok = ok && id && text_buf(&b, audit_timeline, NULL, NULL) &&
	     add_version(db, id, 1, "audit-timeline.md", &b, "First version", JAMES,
			 now - 25 * DAY) &&
	     rate(db, id, MARCUS, 5, "Printed and pinned above my desk.", now - 20 * DAY);
	id = add_item(db, NULL, "Caseload tracker",
		      "A CSV to track IEP caseloads, annual reviews and re-evaluations by case "
		      "manager.",
		      "Human resources", "special-education", PRIYA, now - 18 * DAY,
		      "special education,caseload,iep");
	ok = ok && id && text_buf(&b, caseload, NULL, NULL) &&
	     add_version(db, id, 1, "caseload-tracker.csv", &b, "First version", PRIYA,
			 now - 18 * DAY) &&
	     rate(db, id, LENA, 4, "We added a column for related services.", now - 9 * DAY);

	/* Shared links */
	static const struct {
		const char *url, *title, *description, *category, *by, *tags;
		int days;
	} links[] = {
		{"https://www.publiccharters.org/", "National Alliance for Public Charter Schools",
		 "Research, state policy and model legislation for charter schools.", "Governance",
		 TOMAS, "policy,research", 110},
		{"https://boardsource.org/", "BoardSource: resources for nonprofit boards",
		 "Board roles, self-assessment and recruitment; much of it applies to charter "
		 "boards.", "Governance", HANNAH, "board,self-assessment", 75},
		{"https://www.gfoa.org/best-practices", "GFOA best practices",
		 "The Government Finance Officers Association's best practices on budgeting, "
		 "reserves and internal controls.", "Financial management", JAMES,
		 "budget,internal controls", 55},
		{"https://nces.ed.gov/", "National Center for Education Statistics",
		 "National data to compare enrollment, staffing and outcomes.", "Accountability",
		 ADMIN, "data,research", 30},
	};
	for (size_t i = 0; ok && i < sizeof links / sizeof *links; i++) {
		id = add_item(db, links[i].url, links[i].title, links[i].description,
			      links[i].category, NULL, links[i].by, now - links[i].days * DAY,
			      links[i].tags);
		ok = id != 0;
	}
	ok = ok && rate(db, id, MARIA, 4, "Useful for the accountability plan baselines.",
			now - 5 * DAY);
	buf_free(&b);
	return ok;
}
