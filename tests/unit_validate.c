/* Validation of form values: each check returns NULL for a good value, a message otherwise. */
#include <stdlib.h>

#include "test.h"
#include "validate.h"

/* n copies of unit (a UTF-8 sequence) in a static buffer. */
static const char *repeat(const char *unit, size_t n)
{
	static char buf[4096];
	size_t u = strlen(unit), len = 0;
	for (size_t i = 0; i < n && len + u < sizeof buf; i++, len += u)
		memcpy(buf + len, unit, u);
	buf[len] = '\0';
	return buf;
}

TEST(email_good_forms)
{
	static const char *const good[] = {"name@school.org", "a@b.co", "first.last@sub.school.org",
					   "x+tag@example.com", "UPPER@EXAMPLE.ORG",
					   "o'brien@school.edu", NULL};
	for (const char *const *g = good; *g; g++)
		CHECK(check_email(*g) == NULL, "\"%s\" refused: %s", *g, check_email(*g));
}

TEST(email_bad_forms_refused)
{
	static const char *const bad[] = {"",           "plain",         "@school.org",
					  "name@",      "name@school",   "name@.org",
					  "name@school.", "name@school..org", "a b@school.org",
					  "name@sch ool.org", "name@school.org\n", "name@school.org\r\nBcc: x@y.z",
					  "a\t@b.org",  "<a@b.org>",     "a@b.org,c@d.org",
					  NULL};
	for (const char *const *b = bad; *b; b++)
		CHECK(check_email(*b) != NULL, "\"%s\" accepted", *b);
}

TEST(email_too_long_refused)
{
	char e[300];
	memset(e, 'a', 250);
	strcpy(e + 250, "@b.org"); /* 256 characters */
	CHECK(check_email(e) != NULL, "256-character email accepted");
	memset(e, 'a', 240);
	strcpy(e + 240, "@b.org"); /* 246 characters */
	CHECK(check_email(e) == NULL, "246-character email refused");
}

TEST(email_two_at_signs_refused)
{
	/* An unquoted local part cannot contain '@'; "a@evil.org@school.org" reads as an
	 * evil.org address to a person and must not be taken as a school.org one. */
	CHECK(check_email("a@b@school.org") != NULL, "a@b@school.org accepted");
	CHECK(check_email("x@evil.org@school.org") != NULL, "x@evil.org@school.org accepted");
}

TEST(person_name_good)
{
	CHECK(check_person_name("Maria Alvarez") == NULL, "plain name");
	CHECK(check_person_name("Zo\xc3\xab O'Neil-Smith") == NULL, "accents and punctuation");
	CHECK(check_person_name(repeat("a", 100)) == NULL, "100 ASCII characters");
	/* 100 characters of 2 bytes (200 bytes) and of 4 bytes (400 bytes) are 100 characters. */
	CHECK(check_person_name(repeat("\xc3\xa9", 100)) == NULL, "100 x e-acute refused");
	CHECK(check_person_name(repeat("\xf0\x9f\x98\x80", 100)) == NULL, "100 emoji refused");
}

TEST(person_name_bad_refused)
{
	CHECK(check_person_name("") != NULL, "empty accepted");
	CHECK(check_person_name(repeat("a", 101)) != NULL, "101 characters accepted");
	CHECK(check_person_name(repeat("\xc3\xa9", 101)) != NULL, "101 x e-acute accepted");
	CHECK(check_person_name("Maria\nAlvarez") != NULL, "LF accepted");
	CHECK(check_person_name("Maria\rAlvarez") != NULL, "CR accepted");
	CHECK(check_person_name("Maria\r\n") != NULL, "CRLF accepted");
}

TEST(job_title_good)
{
	CHECK(check_job_title("Special Education Director") == NULL, "plain title");
	CHECK(check_job_title("CFO/COO") == NULL, "slash");
	CHECK(check_job_title(repeat("x", 100)) == NULL, "100 characters");
	CHECK(check_job_title(repeat("\xe2\x80\x94", 100)) == NULL, "100 x em dash (300 bytes)");
}

TEST(job_title_bad_refused)
{
	CHECK(check_job_title("") != NULL, "empty accepted");
	CHECK(check_job_title(repeat("x", 101)) != NULL, "101 characters accepted");
	CHECK(check_job_title(repeat("\xe2\x80\x94", 101)) != NULL, "101 x em dash accepted");
	CHECK(check_job_title("Dean\nof Students") != NULL, "LF accepted");
	CHECK(check_job_title("Dean\rof Students") != NULL, "CR accepted");
}

TEST(password_length_bounds)
{
	CHECK(check_password("123456789") != NULL, "9 characters accepted");
	CHECK(check_password("1234567890") == NULL, "10 characters refused");
	CHECK(check_password(repeat("p", 200)) == NULL, "200 characters refused");
	CHECK(check_password(repeat("p", 201)) != NULL, "201 characters accepted");
	CHECK(check_password("") != NULL, "empty accepted");
}

TEST(password_counts_characters_not_bytes)
{
	/* 9 two-byte characters are 18 bytes but still only 9 characters. */
	CHECK(check_password(repeat("\xc3\xa9", 9)) != NULL, "9 x e-acute (18 bytes) accepted");
	CHECK(check_password(repeat("\xc3\xa9", 10)) == NULL, "10 x e-acute refused");
	CHECK(check_password(repeat("\xf0\x9f\x94\x91", 10)) == NULL, "10 emoji refused");
	CHECK(check_password(repeat("\xf0\x9f\x94\x91", 200)) == NULL, "200 emoji refused");
	CHECK(check_password(repeat("\xf0\x9f\x94\x91", 201)) != NULL, "201 emoji accepted");
}

TEST(trimmed_strips_outer_whitespace)
{
	Arena *a = arena_new();
	CHECK_STR(trimmed(a, "  Maria  Alvarez \t\r\n"), "Maria  Alvarez");
	CHECK_STR(trimmed(a, "x"), "x");
	CHECK_STR(trimmed(a, ""), "");
	CHECK_STR(trimmed(a, " \t\n "), "");
	CHECK_STR(trimmed(a, NULL), "");
	CHECK_STR(trimmed(a, "\xc3\xa9 "), "\xc3\xa9");
	const char *orig = " keep ";
	char *t = trimmed(a, orig);
	CHECK(t != orig, "trimmed returned its input");
	CHECK_STR(orig, " keep ");
	arena_free(a);
}

TEST(one_of_choices)
{
	static const char *const roles[] = {"admin", "member", NULL};
	CHECK(one_of("admin", roles), "admin");
	CHECK(one_of("member", roles), "member");
	CHECK(!one_of("Admin", roles), "Admin accepted");
	CHECK(!one_of("adm", roles), "prefix accepted");
	CHECK(!one_of("admins", roles), "longer accepted");
	CHECK(!one_of("", roles), "empty accepted");
	CHECK(!one_of(NULL, roles), "NULL accepted");
	static const char *const none[] = {NULL};
	CHECK(!one_of("admin", none), "empty list matched");
}

TEST(parse_id_accepts_positive)
{
	CHECK(parse_id("1") == 1, "1");
	CHECK(parse_id("42") == 42, "42");
	CHECK(parse_id("999999999999999999") == 999999999999999999LL, "18 nines");
}

TEST(parse_id_refuses_non_ids_negative)
{
	static const char *const bad[] = {"0", "01", "-1", "+1", "abc", "1x", " 1", "1 ", "",
					  "1.5", "1234567890123456789", "9223372036854775808",
					  NULL};
	for (const char *const *b = bad; *b; b++)
		CHECK(parse_id(*b) == 0, "\"%s\" parsed as %lld", *b, (long long)parse_id(*b));
	CHECK(parse_id(NULL) == 0, "NULL");
}

TEST(local_path_accepted)
{
	CHECK(is_local_path("/"), "/");
	CHECK(is_local_path("/x"), "/x");
	CHECK(is_local_path("/admin/users?status=pending"), "with query");
	CHECK(is_local_path("/a/b/c#frag"), "with fragment");
}

TEST(local_path_refuses_other_sites_negative)
{
	static const char *const bad[] = {"//evil.example", "/\\evil.example", "http://x",
					  "https://evil.example/", "", "x", "javascript:alert(1)",
					  "/a\r\nb", "/a\nLocation: //evil", "/a\rb", " /x",
					  "\\\\evil.example", NULL};
	for (const char *const *b = bad; *b; b++)
		CHECK(!is_local_path(*b), "\"%s\" accepted", *b);
	CHECK(!is_local_path(NULL), "NULL accepted");
	CHECK(!is_local_path("/\xff"), "invalid UTF-8 accepted");
}

TEST(local_path_refuses_tab_tricks_negative)
{
	/* Browsers delete tabs (and CR/LF) from URLs before parsing them (WHATWG URL standard),
	 * so "/\t/evil.example" in a Location header goes to //evil.example: an open redirect. */
	CHECK(!is_local_path("/\t/evil.example"), "\"/<TAB>/evil.example\" accepted");
	CHECK(!is_local_path("/\t\\evil.example"), "\"/<TAB>\\\\evil.example\" accepted");
}

int main(void)
{
	return RUN_TESTS(email_good_forms, email_bad_forms_refused, email_too_long_refused,
			 email_two_at_signs_refused, person_name_good, person_name_bad_refused,
			 job_title_good, job_title_bad_refused, password_length_bounds,
			 password_counts_characters_not_bytes, trimmed_strips_outer_whitespace,
			 one_of_choices, parse_id_accepts_positive, parse_id_refuses_non_ids_negative,
			 local_path_accepted, local_path_refuses_other_sites_negative,
			 local_path_refuses_tab_tricks_negative);
}
