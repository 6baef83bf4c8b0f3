/* The HTML writer escapes every interpolated value and formats integers. */
#include <stdlib.h>

#include "html.h"
#include "test.h"

TEST(escapes_markup_in_values)
{
	Buf b = {0};
	html(&b, "<p title=\"%s\">%s</p>", "a\"b'c", "<script>alert(1)</script>&");
	CHECK_STR(b.data, "<p title=\"a&quot;b&#39;c\">&lt;script&gt;alert(1)&lt;/script&gt;&amp;</p>");
	buf_free(&b);
}

TEST(null_string_prints_nothing)
{
	Buf b = {0};
	const char *volatile missing = NULL;
	html(&b, "[%s]", missing);
	CHECK_STR(b.data, "[]");
	buf_free(&b);
}

TEST(formats_integers_and_percent)
{
	Buf b = {0};
	html(&b, "%d %u %ld %lld %zu 100%%", -3, 4u, -5L, 6000000000LL, (size_t)7);
	CHECK_STR(b.data, "-3 4 -5 6000000000 7 100%");
	buf_free(&b);
}

TEST(raw_is_not_escaped)
{
	Buf b = {0};
	html_raw(&b, "<b>ok</b>");
	CHECK_STR(b.data, "<b>ok</b>");
	buf_free(&b);
}

TEST(url_encode_keeps_unreserved_only)
{
	Arena *a = arena_new();
	CHECK_STR(url_encode(a, "/home?x=1&y=é z"), "%2Fhome%3Fx%3D1%26y%3D%C3%A9%20z");
	CHECK_STR(url_encode(a, "AZaz09-_.~"), "AZaz09-_.~");
	arena_free(a);
}

TEST(text_is_clean_accepts_utf8_and_newlines)
{
	const char *ok = "Caf\xc3\xa9 \xe2\x80\x94 line\r\nnext\ttab \xf0\x9f\x98\x80";
	CHECK(text_is_clean(ok, strlen(ok)), "valid text refused");
}

TEST(text_is_clean_refuses_bad_bytes_negative)
{
	CHECK(!text_is_clean("\xff", 1), "0xff accepted");
	CHECK(!text_is_clean("\xc3", 1), "truncated sequence accepted");
	CHECK(!text_is_clean("\xc0\xaf", 2), "overlong encoding accepted");
	CHECK(!text_is_clean("\xed\xa0\x80", 3), "surrogate accepted");
	CHECK(!text_is_clean("a\0b", 3), "NUL accepted");
	CHECK(!text_is_clean("\x1b[31m", 5), "escape accepted");
}

int main(void)
{
	return RUN_TESTS(escapes_markup_in_values, null_string_prints_nothing,
			 formats_integers_and_percent, raw_is_not_escaped,
			 url_encode_keeps_unreserved_only, text_is_clean_accepts_utf8_and_newlines,
			 text_is_clean_refuses_bad_bytes_negative);
}
