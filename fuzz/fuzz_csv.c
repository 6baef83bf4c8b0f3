/* Fuzzes CSV export (src/csv.c). The input is a table: its first byte sets the columns (1-8),
 * then cells separated by NUL bytes. Written with csv_row()/csv_cell() and read back by an
 * independent RFC 4180 reader, the table must come back cell for cell, except that a cell a
 * spreadsheet would run as a formula (starting with = + - @, tab or CR) comes back with a
 * leading ' and no cell read back starts with a formula character. */
#include <string.h>

#include "csv.h"
#include "fuzz.h"

enum { MAX_CELLS = 4096 };

typedef struct {
	char *text[MAX_CELLS];
	size_t len[MAX_CELLS];
	bool row_end[MAX_CELLS]; /* the cell ends its row */
	int n;
} Table;

/* Reads RFC 4180 CSV where every cell is quoted (as csv_cell writes) and rows end in CRLF.
 * False on anything else. */
static bool read_csv(const char *s, size_t n, Table *t)
{
	size_t i = 0;
	t->n = 0;
	while (i < n) {
		FUZZ_ASSERT(t->n < MAX_CELLS, "too many cells read back");
		if (s[i] != '"')
			return false;
		i++;
		Buf cell = {0};
		for (;;) {
			if (i >= n)
				return false;
			if (s[i] == '"') {
				if (i + 1 < n && s[i + 1] == '"') {
					buf_putc(&cell, '"');
					i += 2;
					continue;
				}
				i++;
				break;
			}
			buf_putc(&cell, s[i++]);
		}
		int k = t->n++;
		t->len[k] = cell.len;
		t->text[k] = cell.data ? cell.data : calloc(1, 1);
		if (i < n && s[i] == ',') {
			t->row_end[k] = false;
			i++;
		} else if (i + 1 < n && s[i] == '\r' && s[i + 1] == '\n') {
			t->row_end[k] = true;
			i += 2;
		} else {
			return false;
		}
	}
	return true;
}

static bool is_formula_start(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput in;
	fuzz_begin(&in, data, size);
	int columns = fuzz_byte(&in) % 8 + 1;
	const char *cells[MAX_CELLS];
	int ncells = 0;
	while (in.left && ncells < MAX_CELLS)
		cells[ncells++] = fuzz_string(&in);
	int rows = (ncells + columns - 1) / columns;

	Buf out = {0};
	for (int r = 0; r < rows; r++) {
		const char *const *c = &cells[r * columns];
		int here = ncells - r * columns < columns ? ncells - r * columns : columns;
		if (here == 6) { /* the exports' shape goes through csv_row() itself */
			csv_row(&out, 6, c[0], c[1], c[2], c[3], c[4], c[5]);
			continue;
		}
		for (int k = 0; k < here; k++) {
			if (k)
				buf_putc(&out, ',');
			csv_cell(&out, c[k]);
		}
		buf_puts(&out, "\r\n");
	}
	if (ncells == 0) { /* a NULL cell is written empty */
		csv_cell(&out, NULL);
		FUZZ_ASSERT(out.len == 2 && !strcmp(out.data, "\"\""), "NULL cell written as %s", out.data);
		buf_free(&out);
		fuzz_done(&in);
		return 0;
	}

	static Table t;
	FUZZ_ASSERT(read_csv(out.data, out.len, &t), "output is not well-formed CSV");
	FUZZ_ASSERT(t.n == ncells, "%d cells written, %d read back", ncells, t.n);
	for (int k = 0; k < ncells; k++) {
		const char *want = cells[k];
		const char *got = t.text[k];
		FUZZ_ASSERT(!is_formula_start(got[0]), "cell %d starts with a formula character", k);
		if (is_formula_start(want[0]))
			FUZZ_ASSERT(got[0] == '\'' && !strcmp(got + 1, want),
				    "cell %d: formula not neutralised by a leading '", k);
		else
			FUZZ_ASSERT(t.len[k] == strlen(want) && !strcmp(got, want),
				    "cell %d does not read back as written", k);
		bool last_in_row = k % columns == columns - 1 || k == ncells - 1;
		FUZZ_ASSERT(t.row_end[k] == last_in_row, "cell %d ends its row in the wrong place", k);
		free(t.text[k]);
	}
	buf_free(&out);
	fuzz_done(&in);
	return 0;
}
