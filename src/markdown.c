/* Markdown rendering through cmark, always in safe mode. */
#include "markdown.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

void markdown_html(Buf *out, const char *markdown)
{
	if (!markdown || !*markdown)
		return;
	/* CMARK_OPT_SAFE is the default since cmark 0.29; we say it anyway, and never pass
	 * CMARK_OPT_UNSAFE, so an older library cannot let raw HTML through. */
	char *rendered = cmark_markdown_to_html(markdown, strlen(markdown),
						CMARK_OPT_SAFE | CMARK_OPT_SMART | CMARK_OPT_VALIDATE_UTF8);
	html_raw(out, "<div class=\"prose\">\n");
	html_raw(out, rendered); /* safe: cmark escaped text and dropped raw HTML */
	html_raw(out, "</div>\n");
	free(rendered);
}
