/* A minimal test harness: one behaviour per TEST, CHECK records a failure and goes on, the
 * runner prints "ok"/"FAIL" per test and ends with "N passed, N failed".
 *
 *     TEST(escapes_angle_brackets) { CHECK(strcmp(out, "&lt;") == 0, "got %s", out); }
 *     int main(void) { return RUN_TESTS(escapes_angle_brackets, ...); }
 */
#ifndef PRACTICA_TEST_H
#define PRACTICA_TEST_H
#include <stdio.h>
#include <string.h>

extern int test_failures_in_current; /* defined once by RUN_TESTS's expansion */

#define TEST(name) static void name(void)

#define CHECK(cond, ...)                                                                   \
	do {                                                                               \
		if (!(cond)) {                                                             \
			test_failures_in_current++;                                        \
			fprintf(stderr, "    %s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                      \
			fputc('\n', stderr);                                               \
		}                                                                          \
	} while (0)

#define CHECK_STR(got, want)                                                              \
	do {                                                                              \
		const char *got_ = (got), *want_ = (want);                                \
		CHECK(got_ && strcmp(got_, want_) == 0, "got \"%s\", want \"%s\"",         \
		      got_ ? got_ : "(null)", want_);                                     \
	} while (0)

#define RUN_TESTS(...) run_tests_(#__VA_ARGS__, (void (*[])(void)){__VA_ARGS__}, \
				  sizeof((void (*[])(void)){__VA_ARGS__}) / sizeof(void (*)(void)))
int run_tests_(const char *names, void (*fns[])(void), int n);

#endif
