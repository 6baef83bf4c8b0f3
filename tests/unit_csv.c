/* CSV export (src/csv.c): RFC 4180 quoting, and formulas neutralised so that a name such as
 * =HYPERLINK(...) stays text in a spreadsheet. The HTTP exports are tested with such a member
 * in tests/http_communities.c (roster) and a meeting so named in tests/http_attendance.c;
 * fuzz/fuzz_csv.c checks the round trip on any input. */
#include <stdlib.h>

#include "csv.h"
#include "test.h"

static char *cell(const char *value)
{
	Buf b = {0};
	csv_cell(&b, value);
	return b.data;
}

TEST(formula_cells_are_prefixed)
{
	static const char *const cases[][2] = {
		{"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
		{"+1+1", "\"'+1+1\""},
		{"-2+3", "\"'-2+3\""},
		{"@SUM(A1:A2)", "\"'@SUM(A1:A2)\""},
		{"\t=1", "\"'\t=1\""},
		{"\r=1", "\"'\r=1\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *got = cell(cases[i][0]);
		CHECK_STR(got, cases[i][1]);
		free(got);
	}
}

TEST(plain_cells_are_quoted_not_prefixed_negative)
{
	static const char *const cases[][2] = {
		{"Mia One", "\"Mia One\""},
		{"a=b", "\"a=b\""},          /* only the first character counts */
		{"say \"hi\"", "\"say \"\"hi\"\"\""},
		{"line\r\nbreak, comma", "\"line\r\nbreak, comma\""},
		{"'quoted already", "\"'quoted already\""},
		{"", "\"\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *got = cell(cases[i][0]);
		CHECK_STR(got, cases[i][1]);
		free(got);
	}
	char *null_cell = cell(NULL);
	CHECK_STR(null_cell, "\"\"");
	free(null_cell);
}

TEST(rows_end_in_crlf)
{
	Buf b = {0};
	csv_row(&b, 3, "name", "=1", NULL);
	csv_row(&b, 1, "x");
	CHECK_STR(b.data, "\"name\",\"'=1\",\"\"\r\n\"x\"\r\n");
	buf_free(&b);
}

int main(void)
{
	return RUN_TESTS(formula_cells_are_prefixed, plain_cells_are_quoted_not_prefixed_negative,
			 rows_end_in_crlf);
}
