/* Markdown that members write (descriptions, posts), rendered by cmark in safe mode: raw HTML
 * is dropped and javascript:/vbscript:/file:/data: links are emptied. The only producer of
 * raw HTML in pages besides our own literals. */
#ifndef PRACTICA_MARKDOWN_H
#define PRACTICA_MARKDOWN_H
#include "buf.h"

/* Appends the HTML for markdown to out, inside <div class="prose">. */
void markdown_html(Buf *out, const char *markdown);

#endif
