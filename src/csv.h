/* CSV for spreadsheets (RFC 4180 quoting). Cells that a spreadsheet would run as a formula
 * (starting with = + - @, tab or carriage return) are prefixed with ' to be shown as text. */
#ifndef PRACTICA_CSV_H
#define PRACTICA_CSV_H
#include "buf.h"

void csv_cell(Buf *out, const char *value);
/* Appends n cells (const char *) and CRLF. */
void csv_row(Buf *out, int n, ...);

#endif
