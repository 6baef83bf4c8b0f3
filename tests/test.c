/* The harness behind test.h: runs each test, counts, prints the closing line. */
#include "test.h"

#include <stdlib.h>

int test_failures_in_current;

/* names is the stringified argument list "a, b, c": split it to name each test. */
int run_tests_(const char *names, void (*fns[])(void), int n)
{
	int passed = 0, failed = 0;
	const char *p = names;
	for (int i = 0; i < n; i++) {
		while (*p == ' ' || *p == ',' || *p == '\n' || *p == '\t')
			p++;
		size_t len = strcspn(p, ", \n\t");
		test_failures_in_current = 0;
		fns[i]();
		if (test_failures_in_current == 0) {
			passed++;
			printf("ok   %.*s\n", (int)len, p);
		} else {
			failed++;
			printf("FAIL %.*s\n", (int)len, p);
		}
		fflush(stdout);
		p += len;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
