/* Connection limits and slow clients, on loopback (127.0.0.0/8: each test client binds its own
 * source address, so "another client address" is real to the server).
 *   - 2,000 idle or trickling (slowloris-style) connections from four addresses: a normal
 *     client still signs in and gets its pages. Functional only: how fast is bench/slowloris.sh.
 *   - The default per-address limit admits 600 long-lived connections from one address (event
 *     streams from one school's NAT, or a test's 500 listeners).
 *   - A lower per-address limit refuses one address's excess and nobody else.
 *   - An idle connection is closed once the timeout passes. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define FLOOD 2000

static Server srv;       /* defaults */
static Server strict;    /* max-connections-per-address = 20, timeout = 2 */
static bool started;

/* A non-blocking TCP connection from src (an address in 127/8) to the server; -1 on failure. */
static int connect_from(const char *src, int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = {.sin_family = AF_INET};
	inet_pton(AF_INET, src, &a.sin_addr);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	if (connect(fd, (struct sockaddr *)&to, sizeof to) != 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool send_all(int fd, const char *s)
{
	size_t n = strlen(s);
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	if (poll(&p, 1, 2000) != 1)
		return false;
	return send(fd, s, n, MSG_NOSIGNAL) == (ssize_t)n;
}

/* Reads what arrives within ms; returns bytes read, 0 when the peer closed, -1 on nothing. */
static ssize_t read_some(int fd, char *buf, size_t n, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (poll(&p, 1, ms) != 1)
		return -1;
	ssize_t got = recv(fd, buf, n - 1, 0);
	if (got < 0)
		return errno == ECONNRESET ? 0 : -1;
	buf[got] = '\0';
	return got;
}

/* Still open from our side and not closed by the server. */
static bool still_open(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);
	return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

static void normal_client_served(Server *s, const char *what)
{
	Client *c = client_new(s);
	Reply r = client_get(c, "/login");
	CHECK(r.status == 200, "%s: GET /login: %ld %s", what, r.status, r.error);
	reply_free(&r);
	CHECK(client_login(c, ADMIN_EMAIL, ADMIN_PASSWORD), "%s: could not sign in", what);
	const char *pages[] = {"/home", "/admin", "/admin/users", "/communities", "/healthz"};
	for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
		r = client_get(c, pages[i]);
		CHECK(r.status == 200, "%s: GET %s: %ld %s", what, pages[i], r.status, r.error);
		reply_free(&r);
	}
	client_free(c);
}

TEST(servers_started)
{
	CHECK(started, "the servers did not start");
}

TEST(flood_of_idle_and_trickling_connections_does_not_starve_a_normal_client)
{
	static int fds[FLOOD];
	int opened = 0;
	const char *sources[] = {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"};
	for (int i = 0; i < FLOOD; i++) {
		fds[i] = connect_from(sources[i % 4], srv.port);
		opened += fds[i] >= 0;
	}
	CHECK(opened == FLOOD, "only %d of %d connections opened", opened, FLOOD);
	/* Half of them start a request and never finish it: a header line now and then. */
	int trickling = 0;
	for (int i = 1; i < FLOOD; i += 2)
		trickling += fds[i] >= 0 && send_all(fds[i], "GET /login HTTP/1.1\r\nHost: x\r\n");
	for (int round = 0; round < 3; round++) {
		for (int i = 1; i < FLOOD; i += 2)
			if (fds[i] >= 0)
				send_all(fds[i], "X-Slow: yes\r\n");
		normal_client_served(&srv, "during the flood");
	}
	int alive = 0;
	for (int i = 0; i < FLOOD; i++)
		alive += fds[i] >= 0 && still_open(fds[i]);
	CHECK(alive == FLOOD, "the server dropped %d of the flood's connections (it need not, "
			      "under its limits)", FLOOD - alive);
	printf("     (%d connections open, %d of them trickling headers)\n", alive, trickling);
	for (int i = 0; i < FLOOD; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	normal_client_served(&srv, "after the flood");
}

/* Event streams are long-lived connections: the default per-address limit admits 600 from one
 * address, each answered while all stay open. */
TEST(default_limit_admits_six_hundred_connections_from_one_address)
{
	enum { N = 600 };
	static int fds[N];
	int answered = 0;
	for (int i = 0; i < N; i++) {
		fds[i] = connect_from("127.0.0.6", srv.port);
		if (fds[i] >= 0)
			send_all(fds[i], "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
	}
	for (int i = 0; i < N; i++) {
		char buf[512];
		answered += fds[i] >= 0 && read_some(fds[i], buf, sizeof buf, 5000) > 0 &&
			    !strncmp(buf, "HTTP/1.1 200", 12);
	}
	CHECK(answered == N, "%d of %d connections from one address answered", answered, N);
	for (int i = 0; i < N; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

TEST(per_address_limit_refuses_excess_from_one_address_only)
{
	enum { N = 30, LIMIT = 20 };
	int fds[N], answered = 0, refused = 0;
	for (int i = 0; i < N; i++) {
		fds[i] = connect_from("127.0.0.9", strict.port);
		/* One by one, so the server has counted each before the next arrives. */
		char buf[512];
		if (fds[i] >= 0 && send_all(fds[i], "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")) {
			ssize_t n = read_some(fds[i], buf, sizeof buf, 5000);
			if (n > 0 && !strncmp(buf, "HTTP/1.1 200", 12))
				answered++;
			else if (n == 0)
				refused++;
		} else {
			refused++;
		}
	}
	CHECK(answered == LIMIT && refused == N - LIMIT, "answered %d, refused %d", answered,
	      refused);
	/* Another address is not affected. */
	normal_client_served(&strict, "beside a full address");
	for (int i = 0; i < N; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	/* Once they close, the address may connect again. */
	usleep(200 * 1000);
	int fd = connect_from("127.0.0.9", strict.port);
	char buf[512];
	CHECK(fd >= 0 && send_all(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") &&
		      read_some(fd, buf, sizeof buf, 5000) > 0 && !strncmp(buf, "HTTP/1.1 200", 12),
	      "the address stayed locked out");
	if (fd >= 0)
		close(fd);
}

TEST(idle_connection_closed_after_timeout)
{
	int fd = connect_from("127.0.0.10", strict.port);
	CHECK(fd >= 0, "no connection");
	if (fd < 0)
		return;
	send_all(fd, "GET /healthz HTTP/1.1\r\n"); /* a request begun and never finished */
	char buf[64];
	/* timeout = 2 s; allow plenty more before calling it a failure. */
	ssize_t n = read_some(fd, buf, sizeof buf, 20000);
	CHECK(n == 0, "the server kept a stalled connection open (read gave %zd)", n);
	close(fd);
}

TEST(stops_cleanly_on_sigterm)
{
	CHECK(server_stop(&srv) == 0, "the server did not stop cleanly");
	CHECK(server_stop(&strict) == 0, "the strict server did not stop cleanly");
}

static bool setup(void)
{
	/* Room for the flood on our side (the server raises its own limit). */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < FLOOD + 800) {
		fprintf(stderr, "    the open-file limit (%llu) is too low for this test\n",
			(unsigned long long)rl.rlim_cur);
		return false;
	}
	if (!server_init(&srv) || !server_start(&srv) || !server_init(&strict))
		return false;
	snprintf(strict.config, sizeof strict.config, "%s/practica.conf", strict.dir);
	FILE *f = fopen(strict.config, "w");
	if (!f)
		return false;
	fputs("max-connections-per-address = 20\ntimeout = 2\n", f);
	fclose(f);
	return server_start(&strict);
}

int main(void)
{
	started = setup();
	int rc = RUN_TESTS(servers_started,
			   flood_of_idle_and_trickling_connections_does_not_starve_a_normal_client,
			   default_limit_admits_six_hundred_connections_from_one_address,
			   per_address_limit_refuses_excess_from_one_address_only,
			   idle_connection_closed_after_timeout, stops_cleanly_on_sigterm);
	server_cleanup(&srv);
	server_cleanup(&strict);
	return rc;
}
