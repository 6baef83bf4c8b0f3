/* The search query cleaner against hostile input (every result must be an FTS5 query that
 * SQLite accepts), and text extraction from txt, md, html, pdf (through pdftotext) and docx
 * (through unzip), with the file's position restored. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html.h"
#include "search.h"
#include "test.h"

/* ---- the cleaner ---- */

static sqlite3 *fts;

/* An FTS5 table shaped like the real index (its tokenizer, practica_pairs, registered by
 * src/search.c on every connection), to try cleaned queries on; and its twin `w` over
 * porter alone, which the index used before phrase pairs: both must find the same rows. */
static void open_fts(void)
{
	if (fts)
		return;
	sqlite3_open(":memory:", &fts);
	const char *rows = "VALUES ('Budget template', 'The cash flow forecast for the "
		     "school year', '\xee\x80\x80" "kdocument \xee\x80\x80" "c1'), ('Café résumé', "
		     "'after-school program, don''t panic', '\xee\x80\x80" "kthread \xee\x80\x80" "c2 "
		     "\xee\x80\x80" "r \xee\x80\x80" "r2'), ('Nurse', 'health office', "
		     "'\xee\x80\x80" "kpost \xee\x80\x80" "c0')";
	char *sql = sqlite3_mprintf(
		"CREATE VIRTUAL TABLE t USING fts5(title, body, facets, tokenize = "
		"'practica_pairs'); INSERT INTO t %s; CREATE VIRTUAL TABLE w USING fts5(title, body, "
		"facets, tokenize = 'porter unicode61 remove_diacritics 2'); INSERT INTO w %s;",
		rows, rows);
	CHECK(sqlite3_exec(fts, sql, NULL, NULL, NULL) == SQLITE_OK, "tables: %s",
	      sqlite3_errmsg(fts));
	sqlite3_free(sql);
}

/* Runs the cleaned query the way search_run() wraps it on table t (or its porter twin);
 * returns the number of matches, or -1 when SQLite refused the query. */
static int matches_in(const char *table, const char *clean)
{
	open_fts();
	char *sql = sqlite3_mprintf("SELECT count(*) FROM %s WHERE %s MATCH '(' || ?1 || ') NOT "
				    "(\"\xee\x80\x80" "r\" NOT \"\xee\x80\x80" "r2\")'",
				    table, table);
	sqlite3_stmt *st = NULL;
	int n = -1;
	if (sqlite3_prepare_v2(fts, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, clean, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	sqlite3_free(sql);
	return n;
}

static int matches(const char *clean)
{
	int n = matches_in("t", clean), porter = matches_in("w", clean);
	CHECK(n == porter, "%s: %d matches, %d over porter alone", clean, n, porter);
	return n;
}

static Arena *arena; /* for everything the tests keep; freed at the end */

static const char *clean(const char *input)
{
	return search_clean_query(arena, input);
}

#define CLEANS_TO(input, want) CHECK_STR(clean(input), want)
#define UNUSABLE(input)                                                                      \
	do {                                                                                 \
		const char *got_ = clean(input);                                             \
		CHECK(got_ == NULL, "%s: want NULL, got %s", #input, got_);                 \
	} while (0)

TEST(words_are_anded_and_quoted)
{
	CLEANS_TO("budget", "\"budget\"");
	CLEANS_TO("  budget   template ", "\"budget\" AND \"template\"");
	CHECK(matches(clean("budget template")) == 1, "budget template");
}

/* The index's filter tokens start with U+E000: a query can never reach one. */
TEST(filter_tokens_cannot_be_typed)
{
	CLEANS_TO("\xee\x80\x80" "kpost", "\"kpost\"");
	CLEANS_TO("a\xef\xa3\xbf" "b", "\"a\" AND \"b\"");
	CHECK(matches(clean("\xee\x80\x80" "kpost")) == 0, "kpost");
	CHECK(matches(clean("\"\xee\x80\x80" "r2\"")) == 0, "r2");
	CHECK(matches(clean("nurse")) == 1, "nurse");
}

TEST(phrases_are_kept)
{
	CLEANS_TO("\"cash flow\" forecast", "\"cash flow\" AND \"forecast\"");
	CLEANS_TO("“cash   flow”", "\"cash flow\"");
	CHECK(matches(clean("\"cash flow\"")) == 1, "phrase");
	CHECK(matches(clean("\"flow cash\"")) == 0, "a phrase is in order");
}

TEST(unbalanced_quote_runs_to_the_end)
{
	CLEANS_TO("\"cash flow", "\"cash flow\"");
	CLEANS_TO("budget \"", "\"budget\"");
	CLEANS_TO("ab\"cd\"ef", "\"ab\" AND \"cd\" AND \"ef\"");
}

TEST(prefix_needs_three_letters)
{
	CLEANS_TO("budg*", "\"budg\"*");
	CLEANS_TO("bu*", "\"bu\"");
	CLEANS_TO("a-b*", "\"a-b\"");
	UNUSABLE("***");
	CHECK(matches(clean("budg*")) == 1, "prefix");
}

TEST(or_groups_bind_tighter_than_and)
{
	CLEANS_TO("nurse OR health", "(\"nurse\" OR \"health\")");
	CLEANS_TO("a OR b OR c d", "(\"a\" OR \"b\" OR \"c\") AND \"d\"");
	CLEANS_TO("OR budget OR", "\"budget\"");
	CLEANS_TO("budget or template", "\"budget\" AND \"or\" AND \"template\"");
	CHECK(matches(clean("nurse OR budget")) == 2, "either");
}

TEST(exclusions)
{
	CLEANS_TO("budget -template", "(\"budget\") NOT (\"template\")");
	CLEANS_TO("budget NOT template -\"cash flow\"",
		  "(\"budget\") NOT (\"template\" OR \"cash flow\")");
	CLEANS_TO("a OR -b c", "(\"a\" AND \"c\") NOT (\"b\")");
	CHECK(matches(clean("school -budget")) == 1, "exclusion");
	CHECK(matches(clean("school -panic")) == 1, "exclusion keeps the other");
	UNUSABLE("-budget");
	UNUSABLE("NOT budget -template");
}

TEST(operators_and_syntax_are_words_or_nothing)
{
	const char *hostile[] = {
		"title:budget", "{title body}: x", "NEAR(budget template, 2)", "budget^2",
		"(budget", "budget)", "((((budget", "AND", "budget AND", "* budget", "- -",
		"\"\"\"\"", "\" \"", "col:*", "body : \"x\"", "budget NOT", "OR OR OR",
		"+budget", "'budget'", "budget;DROP TABLE t;--", "\\\"budget\\\"", "%22budget%22",
	};
	for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
		const char *q = clean(hostile[i]);
		if (q)
			CHECK(matches(q) >= 0, "%s -> %s refused by FTS5", hostile[i], q);
	}
	UNUSABLE("AND");
	UNUSABLE("OR OR OR");
	UNUSABLE("- -");
	UNUSABLE("\"\"\"\"");
	CHECK(matches(clean("title:budget")) == 0, "a column filter is just words here");
}

TEST(punctuation_and_symbols_only_is_unusable)
{
	UNUSABLE("");
	UNUSABLE("   \t\n ");
	UNUSABLE("((((");
	UNUSABLE("?!.,;:");
	UNUSABLE("😀 🎉");
	UNUSABLE("— … «»");
	UNUSABLE("\x01\x02\x7f");
	CHECK(search_clean_query(arena, NULL) == NULL, "NULL input");
}

TEST(invalid_utf8_never_reaches_the_query)
{
	const char *q = clean("\xff\xfe" "budget\xc3 \xed\xa0\x80x \xf4\x90\x80\x80");
	CHECK(q && text_is_clean(q, strlen(q)), "not clean: %s", q ? q : "(null)");
	CHECK(q && strstr(q, "\"budget\""), "lost the word: %s", q ? q : "(null)");
	CHECK(matches(q) >= 0, "refused: %s", q);
}

TEST(letters_beyond_ascii)
{
	CLEANS_TO("café", "\"café\"");
	CHECK(matches(clean("cafe resume")) == 1, "diacritics folded");
	CHECK(matches(clean("don't")) == 1, "apostrophe inside a word");
	CHECK(matches(clean("after-school")) == 1, "hyphenated word");
	CHECK(matches(clean("学校")) >= 0, "CJK accepted");
}

TEST(very_long_input_is_bounded)
{
	size_t n = 10000;
	char *s = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = "budget (OR) \"x -y* "[i % 19];
	s[n] = '\0';
	const char *q = clean(s);
	CHECK(q && strlen(q) < 16 * 300, "length %zu", q ? strlen(q) : 0);
	CHECK(matches(q) >= 0, "refused");
	memset(s, 'a', n); /* one 10,000-letter word */
	q = clean(s);
	CHECK(q && strlen(q) <= 260, "long word: %zu", q ? strlen(q) : 0);
	CHECK(matches(q) >= 0, "refused");
	free(s);
}

/* Random input (a fixed seed, so failures repeat): every cleaned query is valid FTS5. */
TEST(random_input_always_valid)
{
	static const char alphabet[] = "ab \"*-()ORNTAD:{}^+.\\'\x01\xff\xc3\xa9";
	uint32_t seed = 12345;
	char s[64];
	int refused = 0;
	for (int round = 0; round < 3000; round++) {
		size_t n = 0;
		for (; n < sizeof s - 1; n++) {
			seed = seed * 1103515245 + 12345;
			if ((seed >> 16) % 20 == 0)
				break;
			s[n] = alphabet[(seed >> 8) % (sizeof alphabet - 1)];
		}
		s[n] = '\0';
		const char *q = clean(s);
		if (q && (matches(q) < 0 || !text_is_clean(q, strlen(q)))) {
			if (refused++ < 5)
				CHECK(0, "input [%s] gave [%s]", s, q);
		}
	}
	CHECK(refused == 0, "%d refused", refused);
}

/* Every match of q in table, in rowid order, with its highlighted title and body and a short
 * snippet: what the search page shows of it. */
static char *shown(const char *table, const char *q)
{
	char *sql = sqlite3_mprintf("SELECT rowid, highlight(%s, 0, '[', ']'), highlight(%s, 1, "
				    "'[', ']'), snippet(%s, 1, '[', ']', '…', 6) FROM %s WHERE %s "
				    "MATCH ?1 ORDER BY rowid",
				    table, table, table, table, table);
	sqlite3_stmt *st = NULL;
	Buf out = {0};
	if (sqlite3_prepare_v2(fts, sql, -1, &st, NULL) != SQLITE_OK) {
		buf_printf(&out, "refused: %s", sqlite3_errmsg(fts));
	} else {
		sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW)
			buf_printf(&out, "%lld %s / %s / %s\n", (long long)sqlite3_column_int64(st, 0),
				   sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
				   sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	sqlite3_free(sql);
	char *s = strdup(out.data ? out.data : "");
	buf_free(&out);
	return s;
}

/* The index's tokenizer adds, at each word, the pair it starts (src/search_pairs.c): a phrase
 * is found through its pairs. It must find exactly what word positions find (repeated words,
 * overlapping phrases, a phrase that ends in a prefix, words split by punctuation, stems and
 * folded accents) and mark and cut the text exactly as before. */
TEST(phrase_pairs_find_what_positions_find)
{
	open_fts();
	const char *rows =
		"VALUES (1, 'School board policy', 'The board board policy: a b x b c. Restorative "
		"circle protocol for the school budgets.'), (2, 'Circle time', 'a b c and then "
		"restorative circles, protocols. Café résumé reviewed by the board.'), (3, '', "
		"'policy board school. the the the the. Budget budgeting budgets cash-flow'), (4, "
		"'Résumé tips', 'x y z x y z x y. after-school program restorative circle.')";
	char *sql = sqlite3_mprintf("CREATE VIRTUAL TABLE pp USING fts5(title, body, tokenize = "
				    "'practica_pairs'); INSERT INTO pp (rowid, title, body) %s; "
				    "CREATE VIRTUAL TABLE pw USING fts5(title, body, tokenize = "
				    "'porter unicode61 remove_diacritics 2'); INSERT INTO pw (rowid, "
				    "title, body) %s;",
				    rows, rows);
	CHECK(sqlite3_exec(fts, sql, NULL, NULL, NULL) == SQLITE_OK, "tables: %s",
	      sqlite3_errmsg(fts));
	sqlite3_free(sql);
	static const struct {
		const char *typed, *rows;
	} cases[] = {
		{"\"a b c\"", "2"}, /* row 1 has "a b" and "b c", not "a b c" */
		{"\"board policy\"", "1"},
		{"\"board board policy\"", "1"},
		{"\"the the the\"", "3"},
		{"\"x y z x y\"", "4"},
		{"\"restorative circle protocol\"", "1 2"}, /* stems: circles, protocols */
		/* The cleaner makes no prefix phrases, but the tokenizer serves any FTS5 query: */
		{"=\"restorative circ\"*", "1 2 4"},
		{"=\"school budg\"*", "1"},
		{"=\"board board\"* \"a b\"*", "1"},
		{"\"circle protocol\" school", "1"},
		{"\"cash flow\"", "3"},
		{"\"after school program\"", "4"},
		{"\"cafe resume\"", "2"},
		{"\"budget budgeting budgets\"", "3"},
		{"board -\"board policy\"", "2 3"},
		{"\"b c\" OR \"school policy\"", "1 2"},
		{"\"policy board\"", "3"},
		{"circ*", "1 2 4"},
		{"\"time\"", "2"},
		{"\"tips x\"", ""}, /* no phrase across columns */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		/* "=...": an FTS5 query as it is, not through the cleaner */
		const char *q = cases[i].typed[0] == '=' ? cases[i].typed + 1 : clean(cases[i].typed);
		char *pairs = shown("pp", q), *words = shown("pw", q);
		CHECK_STR(pairs, words);
		Buf ids = {0};
		for (const char *line = pairs; *line; line = strchr(line, '\n') + 1)
			buf_printf(&ids, "%s%.*s", ids.len ? " " : "", (int)strcspn(line, " "), line);
		CHECK(!strcmp(ids.data ? ids.data : "", cases[i].rows), "%s: rows [%s], want [%s]",
		      cases[i].typed, ids.data ? ids.data : "", cases[i].rows);
		buf_free(&ids);
		free(pairs);
		free(words);
	}
	/* The FTS5 index checks itself against the text it was given. */
	CHECK(sqlite3_exec(fts, "INSERT INTO pp (pp, rank) VALUES ('integrity-check', 0)", NULL,
			   NULL, NULL) == SQLITE_OK,
	      "integrity-check: %s", sqlite3_errmsg(fts));
}

/* practica_rank() takes each row's length from its %_docsize blob when the query joins it
 * (src/search.c): the same scores as asking FTS5 for it row by row, and a blob that is not
 * one varint per column falls back to asking. */
TEST(rank_reads_lengths_from_docsize)
{
	open_fts();
	sqlite3_stmt *st = NULL;
	CHECK(sqlite3_prepare_v2(fts, "SELECT t.rowid, practica_rank(t, 3, 0, 3), practica_rank(t, "
				      "3, 0, 3, d.sz), practica_rank(t, 3, 0, 3, x'ff'), "
				      "practica_rank(t, 3, 0, 3, 'text') FROM t LEFT JOIN t_docsize d "
				      "ON d.id = t.rowid WHERE t MATCH 'school OR health OR budget'",
				 -1, &st, NULL) == SQLITE_OK,
	      "prepare: %s", sqlite3_errmsg(fts));
	int rows = 0;
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		rows++;
		double asked = sqlite3_column_double(st, 1);
		CHECK(asked < 0, "row %lld: score %f", (long long)sqlite3_column_int64(st, 0), asked);
		for (int k = 2; k <= 4; k++)
			CHECK(sqlite3_column_double(st, k) == asked, "row %lld, column %d: %f != %f",
			      (long long)sqlite3_column_int64(st, 0), k, sqlite3_column_double(st, k),
			      asked);
	}
	sqlite3_finalize(st);
	CHECK(rows == 3, "%d rows", rows);
}

/* ---- extraction ---- */

static FILE *file_with(const void *data, size_t n)
{
	FILE *f = tmpfile();
	fwrite(data, 1, n, f);
	fflush(f);
	return f;
}

static const char *extract(const void *data, size_t n, const char *type, long *pos_after)
{
	FILE *f = file_with(data, n);
	fseek(f, 3, SEEK_SET);
	const char *text = search_extract_text(arena, f, type);
	*pos_after = ftell(f);
	fclose(f);
	return text;
}

TEST(plain_text_and_markdown)
{
	long pos;
	const char *t = extract("Board policy\nOn budgets", 23, "text/plain; charset=utf-8", &pos);
	CHECK_STR(t, "Board policy\nOn budgets");
	CHECK(pos == 3, "position %ld", pos);
	t = extract("# Title\r\n\r\n*Cash* flow\r\n", 24, "text/markdown", &pos);
	CHECK_STR(t, "# Title\n\n*Cash* flow\n");
	/* Windows-1252, as Word saves text: the accents survive. */
	t = extract("Caf\xe9 \x93quoted\x94", 13, "text/plain", &pos);
	CHECK_STR(t, "Café “quoted”");
	t = extract("a\x01" "b\x02" "c", 5, "text/plain", &pos);
	CHECK_STR(t, "a b c");
}

TEST(html_without_tags)
{
	static const char page[] =
		"<!doctype html><html><head><title>Fees</title><style>p{color:red}</style>"
		"<script>var budget = 1 < 2;</script></head><body><!-- secret comment -->"
		"<h1>Fee <b>sched</b>ule</h1><p>Tuition &amp; fees &lt;2025&gt; &#233;t&eacute; "
		"&#x2014; &unknown; a < b</p><SCRIPT type=x>alert(1)</SCRIPT>end</body></html>";
	long pos;
	const char *t = extract(page, sizeof page - 1, "text/html", &pos);
	CHECK(strstr(t, "Fee schedule"), "inline tags joined: %s", t);
	CHECK(strstr(t, "Tuition & fees <2025> été — &unknown; a < b"), "entities: %s", t);
	CHECK(strstr(t, "Fees"), "title kept: %s", t);
	CHECK(!strstr(t, "budget") && !strstr(t, "alert") && !strstr(t, "color") &&
		      !strstr(t, "secret") && !strstr(t, "<p>"),
	      "script, style, comments or tags left: %s", t);
	CHECK(strstr(t, "end"), "text after a script: %s", t);
	CHECK(pos == 3, "position %ld", pos);
}

/* A one-page PDF showing text, with a correct cross-reference table. */
static char *make_pdf(const char *text, size_t *len)
{
	char stream[256], body[2048];
	int sn = snprintf(stream, sizeof stream, "BT /F1 24 Tf 72 700 Td (%s) Tj ET", text);
	const char *objs[5] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
		"/Resources << /Font << /F1 5 0 R >> >> >>",
		NULL,
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	};
	char content[400];
	snprintf(content, sizeof content, "<< /Length %d >>\nstream\n%s\nendstream", sn, stream);
	objs[3] = content;
	size_t off[5], n = 0;
	n += (size_t)snprintf(body + n, sizeof body - n, "%%PDF-1.4\n");
	for (int i = 0; i < 5; i++) {
		off[i] = n;
		n += (size_t)snprintf(body + n, sizeof body - n, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	size_t xref = n;
	n += (size_t)snprintf(body + n, sizeof body - n, "xref\n0 6\n0000000000 65535 f \n");
	for (int i = 0; i < 5; i++)
		n += (size_t)snprintf(body + n, sizeof body - n, "%010zu 00000 n \n", off[i]);
	n += (size_t)snprintf(body + n, sizeof body - n,
			      "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
	*len = n;
	return strdup(body);
}

TEST(pdf_through_pdftotext)
{
	size_t n;
	char *pdf = make_pdf("Quarterly cash flow forecast", &n);
	long pos;
	const char *t = extract(pdf, n, "application/pdf", &pos);
	CHECK(strstr(t, "Quarterly cash flow forecast"), "pdftotext gave: [%s]", t);
	CHECK(pos == 3, "position %ld", pos);
	free(pdf);
	/* Not a PDF at all: no text, no hang. */
	t = extract("%PDF-1.4\ngarbage", 16, "application/pdf", &pos);
	CHECK(!strstr(t, "garbage"), "garbage: %s", t);
	CHECK(pos == 3, "position %ld", pos);
}

static uint32_t crc32_of(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint32_t c = 0xffffffff;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320 : c >> 1;
	}
	return ~c;
}

static void le16(unsigned char *p, unsigned v) { p[0] = v & 255, p[1] = (v >> 8) & 255; }
static void le32(unsigned char *p, uint32_t v) { le16(p, v & 0xffff), le16(p + 2, v >> 16); }

/* A zip holding one stored (uncompressed) file. */
static unsigned char *make_zip(const char *name, const char *data, size_t *len)
{
	size_t nl = strlen(name), dl = strlen(data);
	unsigned char *z = calloc(1, 30 + nl + dl + 46 + nl + 22), *p = z;
	uint32_t crc = crc32_of(data, dl);
	le32(p, 0x04034b50), le16(p + 4, 20), le32(p + 14, crc), le32(p + 18, (uint32_t)dl);
	le32(p + 22, (uint32_t)dl), le16(p + 26, (unsigned)nl);
	memcpy(p + 30, name, nl), memcpy(p + 30 + nl, data, dl);
	p += 30 + nl + dl;
	unsigned char *central = p;
	le32(p, 0x02014b50), le16(p + 4, 20), le16(p + 6, 20), le32(p + 16, crc);
	le32(p + 20, (uint32_t)dl), le32(p + 24, (uint32_t)dl), le16(p + 28, (unsigned)nl);
	memcpy(p + 46, name, nl);
	p += 46 + nl;
	le32(p, 0x06054b50), le16(p + 8, 1), le16(p + 10, 1);
	le32(p + 12, (uint32_t)(p - central)), le32(p + 16, (uint32_t)(central - z));
	p += 22;
	*len = (size_t)(p - z);
	return z;
}

TEST(docx_through_unzip)
{
	static const char xml[] =
		"<?xml version=\"1.0\"?><w:document><w:body><w:p><w:r><w:t>Gover</w:t></w:r>"
		"<w:r><w:t>nance &amp; board</w:t></w:r></w:p><w:p><w:r><w:t>bylaws</w:t>"
		"<w:tab/><w:t>2025</w:t></w:r></w:p></w:body></w:document>";
	size_t n;
	unsigned char *zip = make_zip("word/document.xml", xml, &n);
	long pos;
	const char *t = extract(zip, n, "application/vnd.openxmlformats-officedocument."
					"wordprocessingml.document", &pos);
	CHECK(strstr(t, "Governance & board\nbylaws\t2025"), "unzip gave: [%s]", t);
	CHECK(pos == 3, "position %ld", pos);
	free(zip);
}

TEST(other_types_have_no_text)
{
	long pos;
	CHECK_STR(extract("PK\x03\x04", 4, "application/zip", &pos), "");
	CHECK_STR(extract("\x89PNG", 4, "image/png", &pos), "");
	CHECK(search_extract_text(arena, NULL, "text/plain")[0] == '\0', "NULL file");
}

int main(void)
{
	arena = arena_new();
	int rc = RUN_TESTS(words_are_anded_and_quoted, filter_tokens_cannot_be_typed,
			   phrases_are_kept,
			   unbalanced_quote_runs_to_the_end, prefix_needs_three_letters,
			   or_groups_bind_tighter_than_and, exclusions,
			   operators_and_syntax_are_words_or_nothing,
			   punctuation_and_symbols_only_is_unusable, invalid_utf8_never_reaches_the_query,
			   letters_beyond_ascii, very_long_input_is_bounded, random_input_always_valid,
			   phrase_pairs_find_what_positions_find, rank_reads_lengths_from_docsize,
			   plain_text_and_markdown, html_without_tags, pdf_through_pdftotext,
			   docx_through_unzip, other_types_have_no_text);
	sqlite3_close(fts);
	arena_free(arena);
	return rc;
}
