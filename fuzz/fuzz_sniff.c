/* Fuzzes upload type sniffing (file_sniff_type in src/files.c). The input is a file name, a
 * NUL, then the file's first bytes. Properties:
 *   - the answer is one of the accepted types, or NULL (refused);
 *   - an image type is given only when the bytes really start with that image format's
 *     signature (images are the one kind served inline), PDF only with "%PDF-";
 *   - a text type only for bytes that are UTF-8 without NUL or stray controls, where only a
 *     multibyte character cut by the end of the sample may be incomplete;
 *   - web pages and other markup (<html, <script, <svg ... at the start) are never accepted
 *     as text, whatever the name. */
#include <string.h>
#include <strings.h>

#include "files.h"
#include "fuzz.h"
#include "html.h"

static const char *const accepted[] = {
	"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
	"application/vnd.oasis.opendocument.presentation",
	"application/zip", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
	"application/msword", "text/csv; charset=utf-8", "text/markdown; charset=utf-8",
	"text/plain; charset=utf-8", NULL,
};

static bool starts(const unsigned char *b, size_t n, const char *magic, size_t m)
{
	return n >= m && !memcmp(b, magic, m);
}

/* True when b[0..n) is the start of one UTF-8 character that needs more bytes. */
static bool incomplete_character(const unsigned char *b, size_t n)
{
	if (n == 0)
		return true;
	size_t need = b[0] >= 0xc2 && b[0] <= 0xdf   ? 2
		      : b[0] >= 0xe0 && b[0] <= 0xef ? 3
		      : b[0] >= 0xf0 && b[0] <= 0xf4 ? 4
						     : 0;
	if (!need || n >= need)
		return false;
	/* A complete character padded with continuation bytes would be valid: check the
	 * prefix against the full ranges by completing it with the smallest allowed bytes. */
	unsigned char full[4];
	memcpy(full, b, n);
	for (size_t i = n; i < need; i++)
		full[i] = 0x80;
	if (b[0] == 0xe0 && n == 1)
		full[1] = 0xa0;
	if (b[0] == 0xf0 && n == 1)
		full[1] = 0x90;
	return fuzz_utf8_valid((const char *)full, need);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	if (!nul)
		return 0;
	char *name = strndup((const char *)data, (size_t)(nul - data));
	const unsigned char *head = nul + 1;
	size_t n = size - (size_t)(head - data);
	if (n > 8192) /* file_store() looks at 8 KiB */
		n = 8192;

	const char *type = file_sniff_type(head, n, name);
	if (!type) {
		free(name);
		return 0;
	}
	bool known = false;
	for (const char *const *t = accepted; *t; t++)
		known |= !strcmp(*t, type);
	FUZZ_ASSERT(known, "unexpected type %s", type);
	if (!strcmp(type, "image/png"))
		FUZZ_ASSERT(starts(head, n, "\x89PNG\r\n\x1a\n", 8), "PNG without its signature");
	if (!strcmp(type, "image/gif"))
		FUZZ_ASSERT(starts(head, n, "GIF87a", 6) || starts(head, n, "GIF89a", 6),
			    "GIF without its signature");
	if (!strcmp(type, "image/jpeg"))
		FUZZ_ASSERT(starts(head, n, "\xff\xd8\xff", 3), "JPEG without its signature");
	if (!strcmp(type, "image/webp"))
		FUZZ_ASSERT(starts(head, n, "RIFF", 4) && n >= 12 && !memcmp(head + 8, "WEBP", 4),
			    "WebP without its signature");
	if (!strcmp(type, "application/pdf"))
		FUZZ_ASSERT(starts(head, n, "%PDF-", 5), "PDF without its signature");
	if (!strncmp(type, "text/", 5)) {
		/* Some split of the sample into clean text and a cut-off character. */
		bool ok = false;
		for (size_t cut = 0; cut <= 3 && cut <= n && !ok; cut++)
			ok = text_is_clean((const char *)head, n - cut) &&
			     (cut == 0 || incomplete_character(head + n - cut, cut));
		FUZZ_ASSERT(ok, "%zu bytes that are not text accepted as %s", n, type);
		static const char *const markup[] = {"<html", "<script", "<svg", "<!doctype",
						     "<iframe", "<?xml", NULL};
		size_t i = n >= 3 && !memcmp(head, "\xef\xbb\xbf", 3) ? 3 : 0;
		while (i < n && head[i] && strchr(" \t\r\n\f\v", head[i]))
			i++;
		for (const char *const *m = markup; *m; m++) {
			size_t len = strlen(*m);
			FUZZ_ASSERT(!(n - i > len && !strncasecmp((const char *)head + i, *m, len) &&
				      strchr(" \t\r\n>/", head[i + len])),
				    "markup accepted as %s", type);
		}
	}
	free(name);
	return 0;
}
