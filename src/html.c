/* The HTML writer: escaping by default, raw output only on request. */
#include "html.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void html_escape(Buf *out, const char *s, size_t n)
{
	buf_reserve(out, n);
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_append(out, s + run, i - run);
		buf_puts(out, rep);
		run = i + 1;
	}
	buf_append(out, s + run, n - run);
}

void html_raw(Buf *out, const char *markup)
{
	if (markup)
		buf_puts(out, markup);
}

/* Reads an integer conversion after '%' at *p, with length modifiers l, ll, z. */
static void put_integer(Buf *out, const char **p, va_list *ap)
{
	const char *f = *p;
	int longs = 0, size = 0;
	while (*f == 'l')
		longs++, f++;
	if (*f == 'z')
		size = 1, f++;
	char conv = *f;
	char tmp[32];
	bool is_unsigned = conv == 'u';
	if (conv != 'd' && conv != 'i' && conv != 'u') {
		fprintf(stderr, "html(): unsupported conversion near '%s'\n", *p);
		abort(); /* a programmer error in a literal format; tests catch it */
	}
	if (size)
		snprintf(tmp, sizeof tmp, "%zu", va_arg(*ap, size_t));
	else if (longs >= 2)
		is_unsigned ? snprintf(tmp, sizeof tmp, "%llu", va_arg(*ap, unsigned long long))
			    : snprintf(tmp, sizeof tmp, "%lld", va_arg(*ap, long long));
	else if (longs == 1)
		is_unsigned ? snprintf(tmp, sizeof tmp, "%lu", va_arg(*ap, unsigned long))
			    : snprintf(tmp, sizeof tmp, "%ld", va_arg(*ap, long));
	else
		is_unsigned ? snprintf(tmp, sizeof tmp, "%u", va_arg(*ap, unsigned))
			    : snprintf(tmp, sizeof tmp, "%d", va_arg(*ap, int));
	buf_puts(out, tmp);
	*p = f;
}

void html(Buf *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *run = fmt, *p = fmt;
	for (; *p; p++) {
		if (*p != '%')
			continue;
		buf_append(out, run, (size_t)(p - run));
		p++;
		if (*p == '%') {
			buf_putc(out, '%');
		} else if (*p == 's') {
			const char *s = va_arg(ap, const char *);
			if (s)
				html_escape(out, s, strlen(s));
		} else {
			put_integer(out, &p, &ap);
		}
		run = p + 1;
	}
	buf_append(out, run, (size_t)(p - run));
	va_end(ap);
}

char *url_encode(Arena *arena, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = arena_alloc(arena, n * 3 + 1), *o = out;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		    *c == '-' || *c == '_' || *c == '.' || *c == '~') {
			*o++ = (char)*c;
		} else {
			*o++ = '%';
			*o++ = hex[*c >> 4];
			*o++ = hex[*c & 15];
		}
	}
	*o = '\0';
	return out;
}

bool text_is_clean(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned c = u[i];
		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				return false;
			if (c == 0x7f)
				return false;
			i++;
			continue;
		}
		size_t len;
		uint32_t cp, min;
		if ((c & 0xe0) == 0xc0)
			len = 2, cp = c & 0x1f, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			len = 3, cp = c & 0x0f, min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			len = 4, cp = c & 0x07, min = 0x10000;
		else
			return false;
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (u[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}
