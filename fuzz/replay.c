/* The driver `make check` links into each harness instead of libFuzzer: it runs every kept
 * input of the harness, fuzz/regressions/NAME/ (inputs that once broke something) and then
 * fuzz/corpus/NAME/ (seeds), each in a child process so that a crash or a broken property
 * fails that input alone. Prints "ok"/"FAIL" per input and ends with "N passed, N failed",
 * like every test program. With arguments, runs those files or directories instead (to
 * reproduce one input: build-x/asan/fuzz/replay_NAME path/to/input). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#error "FUZZ_NAME (the harness's name) must be defined"
#endif

/* Optional in a harness: weak, so a harness without set-up links too. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

enum { INPUT_SECONDS = 60 }; /* a kept input that runs longer than this has hung */

static int passed, failed;

static unsigned char *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	unsigned char *data = malloc(cap);
	size_t got;
	while ((got = fread(data + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			data = realloc(data, cap *= 2);
	}
	fclose(f);
	*size = n;
	return data;
}

static void run_input(const char *path, int argc, char **argv)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		printf("FAIL %s: fork: %s\n", path, strerror(errno));
		failed++;
		return;
	}
	if (pid == 0) {
		alarm(INPUT_SECONDS);
		size_t size = 0;
		unsigned char *data = read_file(path, &size);
		if (!data) {
			fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
			_exit(3);
		}
		if (LLVMFuzzerInitialize)
			LLVMFuzzerInitialize(&argc, &argv);
		LLVMFuzzerTestOneInput(data, size);
		free(data);
		exit(0);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("ok   %s\n", path);
		passed++;
	} else if (WIFSIGNALED(status)) {
		printf("FAIL %s: %s%s\n", path, strsignal(WTERMSIG(status)),
		       WTERMSIG(status) == SIGALRM ? " (hung)" : "");
		failed++;
	} else {
		printf("FAIL %s: exit %d\n", path, WEXITSTATUS(status));
		failed++;
	}
	fflush(stdout);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void run_path(const char *path, int argc, char **argv)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return; /* a harness without regressions yet */
	if (!S_ISDIR(st.st_mode)) {
		run_input(path, argc, argv);
		return;
	}
	struct dirent **names;
	int n = scandir(path, &names, NULL, by_name);
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			char file[4096];
			snprintf(file, sizeof file, "%s/%s", path, names[i]->d_name);
			run_input(file, argc, argv);
		}
		free(names[i]);
	}
	free(n >= 0 ? names : NULL);
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			run_path(argv[i], 1, argv);
	} else {
		run_path("fuzz/regressions/" FUZZ_NAME, argc, argv);
		run_path("fuzz/corpus/" FUZZ_NAME, argc, argv);
	}
	if (passed + failed == 0) {
		printf("FAIL %s: no inputs found (run from the source tree's top directory)\n",
		       FUZZ_NAME);
		failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
