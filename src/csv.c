/* CSV writing with formula neutralisation. */
#include "csv.h"

#include <stdarg.h>
#include <string.h>

void csv_cell(Buf *out, const char *value)
{
	if (!value)
		value = "";
	buf_putc(out, '"');
	if (strchr("=+-@\t\r", value[0]) && value[0])
		buf_putc(out, '\'');
	for (const char *p = value; *p; p++) {
		if (*p == '"')
			buf_putc(out, '"');
		buf_putc(out, *p);
	}
	buf_putc(out, '"');
}

void csv_row(Buf *out, int n, ...)
{
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		if (i)
			buf_putc(out, ',');
		csv_cell(out, va_arg(ap, const char *));
	}
	va_end(ap);
	buf_puts(out, "\r\n");
}
