#!/usr/bin/env bash
# Idle Server-Sent Events listeners against ordinary pages: does an open thread page (an
# EventSource kept open) cost other members anything? Starts `practica serve` with two worker
# threads on a small fresh database, then measures with wrk:
#   1. GET /home (a signed-in member's page) with no listeners;
#   2. the same with N idle listeners on a thread's /threads/:id/events (default 500);
# and with the listeners open: the server's CPU time over 10 idle seconds (a parked listener
# must cost nothing, so this should be ~0), its memory (RSS) before and after opening them,
# and how long a reply takes to reach every listener (POST to the last listener's event).
# Prints a Markdown table; the numbers go into docs/PERFORMANCE.md by hand.
#
# Environment (all optional):
#   SSE_LISTENERS=N   listeners to open (default 500)
#   SSE_SECONDS=N     wrk seconds per measurement (default 10)
#   SSE_CONNECTIONS=N wrk connections (default 8)
#   BENCH_BIN=FILE    the practica binary (default build/release/practica)
set -euo pipefail
cd "$(dirname "$0")/.."

LISTENERS=${SSE_LISTENERS:-500}
SECS=${SSE_SECONDS:-10}
CONNS=${SSE_CONNECTIONS:-8}
BIN=${BENCH_BIN:-build/release/practica}
EMAIL=sse.member@example.org
PASSWORD=practica-sse-bench
TICKS=$(getconf CLK_TCK)
for tool in wrk curl sqlite3 python3; do
	command -v "$tool" >/dev/null 2>&1 || { echo "sse bench: $tool is missing" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "sse bench: no $BIN (make first)" >&2; exit 1; }
PIN_SERVER=""; PIN_CLIENT=""
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
	PIN_SERVER="taskset -c 1"; PIN_CLIENT="taskset -c 0"
fi

WORK=$(mktemp -d /tmp/practica-sse.XXXXXX)
SERVER_PID=""; HOLDER_PID=""
cleanup() {
	[ -n "$HOLDER_PID" ] && kill "$HOLDER_PID" 2>/dev/null && wait "$HOLDER_PID" 2>/dev/null
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf 'sse bench: %s\n' "$*" >&2; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---- a small database: one member, one community, one thread ----
DB="$WORK/sse.db"
printf 'admin-password-1\n' | "$BIN" init --db "$DB" --admin-email admin@example.org \
	--admin-name Admin --password-stdin >/dev/null
sqlite3 "$DB" "INSERT INTO schools (name, created_at) VALUES ('Bench School', 0)"
printf '%s\n' "$PASSWORD" | "$BIN" user add --db "$DB" --email "$EMAIL" --name "Sam Member" \
	--job-title Teacher --school "Bench School" --password-stdin >/dev/null
sqlite3 "$DB" <<EOF
INSERT INTO communities (slug, name, status, created_at) VALUES ('bench', 'Bench Community', 'active', 0);
INSERT INTO memberships (community_id, user_id, status, signed_up_at)
	SELECT c.id, u.id, 'participant', 0 FROM communities c, users u WHERE u.email = '$EMAIL';
INSERT INTO threads (community_id, author_id, title, created_at, last_post_at)
	SELECT c.id, u.id, 'Live thread', 0, 0 FROM communities c, users u WHERE u.email = '$EMAIL';
INSERT INTO posts (thread_id, author_id, body, created_at)
	SELECT t.id, u.id, 'Opening post', 0 FROM threads t, users u WHERE u.email = '$EMAIL';
UPDATE threads SET last_post_id = (SELECT max(id) FROM posts);
EOF
THREAD=$(sqlite3 "$DB" "SELECT id FROM threads LIMIT 1")

# ---- the server ----
$PIN_SERVER "$BIN" serve --db "$DB" --listen 127.0.0.1:0 --port-file "$WORK/port" --threads 2 \
	--access-log off >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 500); do [ -s "$WORK/port" ] && break; sleep 0.02; done
[ -s "$WORK/port" ] || { cat "$WORK/server.log" >&2; exit 1; }
PORT=$(cat "$WORK/port")
BASE="http://127.0.0.1:$PORT"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }

JAR="$WORK/cookies"
csrf_of() { grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//'; }
login_csrf=$(curl -s -c "$JAR" -b "$JAR" "$BASE/login" | csrf_of)
status=$(curl -s -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" \
	--data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" \
	--data-urlencode "csrf=$login_csrf" "$BASE/login")
[ "$status" = 303 ] || { log "sign-in failed ($status)"; exit 1; }
SESSION=$(awk '$6 == "practica_session" {print $7}' "$JAR")
CSRF=$(curl -s -b "$JAR" "$BASE/account" | csrf_of)

# ---- wrk ----
cat >"$WORK/report.lua" <<'EOF'
done = function(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("RESULT %d %d %d %.2f %.2f\n", summary.requests, summary.duration,
		e.connect + e.read + e.write + e.status + e.timeout,
		latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
EOF
# measure -> "requests/s p50_ms p99_ms errors"
measure() {
	$PIN_CLIENT wrk -t1 -c"$CONNS" -d"${SECS}s" --timeout 10s -s "$WORK/report.lua" \
		-H "Cookie: practica_session=$SESSION" "$BASE/home" |
		awk '/^RESULT/ {printf "%.0f %.2f %.2f %d\n", $2 / ($3 / 1e6), $5, $6, $4}'
}
$PIN_CLIENT wrk -t1 -c"$CONNS" -d2s -H "Cookie: practica_session=$SESSION" "$BASE/home" >/dev/null
log "GET /home with no listeners"
read -r rps0 p50_0 p99_0 err0 <<<"$(measure)"
rss0=$(rss_kb)

# ---- the listeners: a helper holds them open and reports ----
cat >"$WORK/holder.py" <<'EOF'
import os, select, socket, sys, time
port, session, path, n, work = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
req = ("GET %s HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n"
       "Cookie: practica_session=%s\r\n\r\n" % (path, session)).encode()
socks, bufs = [], {}
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(req)
    socks.append(s)
    bufs[s] = b""
def wait_all(needle, limit):
    pending, end = set(s for s in socks if needle not in bufs[s]), time.time() + limit
    while pending and time.time() < end:
        ready, _, _ = select.select(list(pending)[:1000], [], [], 0.5)
        for s in ready:
            data = s.recv(65536)
            if not data:
                pending.discard(s); continue
            bufs[s] += data
            if needle in bufs[s]:
                pending.discard(s)
    return n - len(pending)
answered = wait_all(b"retry: ", 60)
open(os.path.join(work, "ready"), "w").write("%d\n" % answered)
while not os.path.exists(os.path.join(work, "go")):
    time.sleep(0.01)
t0 = time.time()
for s in socks:
    bufs[s] = b""
heard = wait_all(b"data: ", 60)
open(os.path.join(work, "heard"), "w").write("%d %.1f\n" % (heard, (time.time() - t0) * 1000))
while True:
    time.sleep(3600)
EOF
log "opening $LISTENERS listeners on /threads/$THREAD/events"
python3 "$WORK/holder.py" "$PORT" "$SESSION" "/threads/$THREAD/events" "$LISTENERS" "$WORK" &
HOLDER_PID=$!
for _ in $(seq 1 6000); do [ -s "$WORK/ready" ] && break; sleep 0.01; done
answered=$(cat "$WORK/ready" 2>/dev/null || echo 0)
[ "$answered" = "$LISTENERS" ] || log "only $answered of $LISTENERS listeners were answered"
rss1=$(rss_kb)
log "server CPU over 10 idle seconds with $answered listeners"
t_before=$(cpu_ticks); sleep 10; t_after=$(cpu_ticks)
idle_cpu_ms=$(awk -v a="$t_before" -v b="$t_after" -v t="$TICKS" 'BEGIN{printf "%.0f", (b-a)/t*1000}')
log "GET /home with $answered listeners"
read -r rps1 p50_1 p99_1 err1 <<<"$(measure)"

# ---- a reply reaches every listener ----
touch "$WORK/go"
status=$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" --data-urlencode "csrf=$CSRF" \
	--data-urlencode "body=A reply for everyone listening" "$BASE/threads/$THREAD/replies")
[ "$status" = 303 ] || log "reply failed ($status)"
for _ in $(seq 1 6000); do [ -s "$WORK/heard" ] && break; sleep 0.01; done
read -r heard fanout_ms <"$WORK/heard" || { heard=0; fanout_ms=-; }

cat <<EOF

| GET /home, $CONNS connections, ${SECS} s, 2 worker threads | requests/s | p50 ms | p99 ms | errors |
|---|---:|---:|---:|---:|
| no listeners | $rps0 | $p50_0 | $p99_0 | $err0 |
| $answered idle listeners | $rps1 | $p50_1 | $p99_1 | $err1 |

- Server CPU over 10 idle seconds with $answered listeners: ${idle_cpu_ms} ms
- Server memory: ${rss0} KB before the listeners, ${rss1} KB with them ($(( (rss1 - rss0) / (answered > 0 ? answered : 1) )) KB each)
- A reply reached $heard of $answered listeners ${fanout_ms} ms after it was posted
EOF
