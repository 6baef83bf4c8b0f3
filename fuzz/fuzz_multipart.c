/* Fuzzes multipart/form-data bodies (file uploads) through the real server: libmicrohttpd's
 * multipart parser and src/http.c's streaming of file parts into temporary files, its field
 * joining, limits and checks. The input's first byte picks the route (an upload route, or a
 * form that takes no files); the rest is the body after a valid CSRF part and the next
 * boundary "--fuzzboundary" (so the input goes on with CRLF and a part's headers, or "--" to
 * end). Properties:
 *   - the answer is 200 from the handler, 400 (malformed, not text, too many fields, a file
 *     sent to a form that takes none) or 413 (over the route's limit), never anything else;
 *   - the handler sees only clean UTF-8 text in field names, values and file names;
 *   - each file part's temporary file holds exactly its recorded size, the sizes stay within
 *     the upload limit, and every value and file content is a piece of what was sent, whole
 *     (chunks joined in order, none lost or repeated);
 *   - a form that takes no files never receives one. */
#include <string.h>

#include "auth.h"
#include "config.h"
#include "fuzz.h"
#include "handlers.h"
#include "html.h"
#include "support_http.h"

#define BOUNDARY "fuzzboundary"

static Buf body;
static bool handler_ran;

static bool sent(const void *piece, size_t n)
{
	return n == 0 || memmem(body.data, body.len, piece, n) != NULL;
}

static void check_fields(Req *r)
{
	FUZZ_ASSERT(r->nform <= config.max_fields, "%d fields", r->nform);
	for (int i = 0; i < r->nform; i++) {
		const Field *f = &r->form[i];
		FUZZ_ASSERT(text_is_clean(f->name, strlen(f->name)) &&
				    text_is_clean(f->value, strlen(f->value)),
			    "field %d is not clean text", i);
		FUZZ_ASSERT(sent(f->value, strlen(f->value)), "field %s: a value that was not sent",
			    f->name);
	}
}

static void handle_upload(Req *r)
{
	handler_ran = true;
	check_fields(r);
	int64_t total = 0;
	for (const Upload *u = r->uploads; u; u = u->next) {
		FUZZ_ASSERT(u->tmp && u->field && u->filename && u->content_type, "incomplete upload");
		FUZZ_ASSERT(text_is_clean(u->field, strlen(u->field)), "upload field name not clean");
		FUZZ_ASSERT(text_is_clean(u->filename, strlen(u->filename)),
			    "upload file name is not clean text");
		FUZZ_ASSERT(fseek(u->tmp, 0, SEEK_END) == 0 && ftell(u->tmp) == u->size,
			    "temporary file holds %ld bytes, recorded %lld", ftell(u->tmp),
			    (long long)u->size);
		total += u->size;
		char *content = malloc((size_t)u->size + 1);
		rewind(u->tmp);
		FUZZ_ASSERT(fread(content, 1, (size_t)u->size, u->tmp) == (size_t)u->size, "short read");
		FUZZ_ASSERT(sent(content, (size_t)u->size), "file %s: content that was not sent",
			    u->filename);
		free(content);
		rewind(u->tmp);
	}
	FUZZ_ASSERT(total <= (int64_t)config.max_upload, "%lld bytes of files accepted",
		    (long long)total);
	html(&r->out, "<p>%d fields</p>", r->nform);
}

static void handle_plain(Req *r)
{
	handler_ran = true;
	check_fields(r);
	FUZZ_ASSERT(!r->uploads, "a form that takes no files received one");
	html(&r->out, "<p>%d fields</p>", r->nform);
}

static const Route table[] = {
	{"POST", "/fuzz/upload", handle_upload, ACCESS_PUBLIC, "fuzz: files", true},
	{"POST", "/fuzz/plain", handle_plain, ACCESS_PUBLIC, "fuzz: no files", false},
	{"GET", "/login", handle_login_page, ACCESS_PUBLIC, "sign-in form (the visitor's CSRF)", false},
	{0},
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_http_start(table, false);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool upload = !(data[0] & 1);
	body.len = 0;
	buf_printf(&body,
		   "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
		   "--" BOUNDARY,
		   fuzz_http_visitor_csrf);
	buf_append(&body, data + 1, size - 1);
	Buf request = {0};
	buf_printf(&request,
		   "POST /fuzz/%s HTTP/1.1\r\nHost: fuzz\r\nCookie: %s=%s\r\n"
		   "Content-Type: multipart/form-data; boundary=" BOUNDARY "\r\n"
		   "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		   upload ? "upload" : "plain", VISITOR_COOKIE, FUZZ_VISITOR, body.len);
	buf_append(&request, body.data, body.len);

	handler_ran = false;
	Buf reply = {0};
	fuzz_http_exchange(request.data, request.len, &reply);
	FuzzResponse resp;
	size_t pos = 0;
	FUZZ_ASSERT(fuzz_http_next(&reply, &pos, &resp), "no answer");
	fuzz_http_check_reply(&reply);
	size_t limit = upload ? config.max_upload : config.max_body;
	if (body.len > limit)
		FUZZ_ASSERT(resp.status == 413, "%zu bytes over a %zu limit answered %d", body.len,
			    limit, resp.status);
	else
		FUZZ_ASSERT(resp.status == 200 || resp.status == 400, "answered %d", resp.status);
	FUZZ_ASSERT(handler_ran == (resp.status == 200), "the handler %s but the answer is %d",
		    handler_ran ? "ran" : "did not run", resp.status);
	buf_free(&reply);
	buf_free(&request);
	return 0;
}
