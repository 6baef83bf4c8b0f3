#!/usr/bin/env bash
# The benchmark: `make bench` (large database) and `make bench-quick` (small one, a few
# seconds per page, checks nothing about speed). See docs/PERFORMANCE.md.
#
# It generates (or reuses) a database with `practica bench-data`, starts `practica serve`
# (the release build) pinned to one core, signs in as the bench member, and measures each
# hot page with wrk pinned to the other core: fixed connections, a discarded warm-up, then
# interleaved rounds of every page, medians reported. For each page: requests/s, p50/p99
# latency and the server's CPU time per request (utime+stime from /proc/PID/stat over the
# run, divided by the requests served). As the reference, nginx serves the very same page
# bytes as static files, measured the same way. Writes bench/results/<date>.md and
# bench/results/latest.md, and prints the table.
#
# Environment (all optional):
#   BENCH_QUICK=1         small database, short runs (make bench-quick)
#   BENCH_DB=FILE         the database to reuse or create (default var/bench-large.db,
#                         var/bench-small.db when quick); the run works on a copy
#   BENCH_SCALE=F         bench-data scale when creating it (default 1, 0.02 when quick)
#   BENCH_SECONDS=N       seconds per page per round (default 5, 1 when quick)
#   BENCH_ROUNDS=N        measured rounds (default 3, 1 when quick)
#   BENCH_CONNECTIONS=N   wrk connections (default 32); the "one at a time" search rows always
#                         use one (DECISIONS: the search target is one member's wait)
#   BENCH_THREADS=N       server worker threads (default 0: the server's own default, one per
#                         core it may run on, so 1 on the one core it is pinned to)
#   BENCH_LONG=1          also the memory-growth run: 1,000,000 requests, RSS before/after
#   BENCH_ONLY=REGEX      measure only the pages whose name matches (e.g. 'thread|board')
#   BENCH_BIN=FILE        the practica binary (default build/release/practica)
#   BENCH_OUT=DIR         where results go (default bench/results; var/bench-results when quick)
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=${BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then
	DB_SRC=${BENCH_DB:-var/bench-small.db}; SCALE=${BENCH_SCALE:-0.02}
	SECONDS_PER=${BENCH_SECONDS:-1}; ROUNDS=${BENCH_ROUNDS:-1}; WARMUP=1
else
	DB_SRC=${BENCH_DB:-var/bench-large.db}; SCALE=${BENCH_SCALE:-1}
	SECONDS_PER=${BENCH_SECONDS:-5}; ROUNDS=${BENCH_ROUNDS:-3}; WARMUP=2
fi
CONNS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-0}
BIN=${BENCH_BIN:-build/release/practica}
# Quick runs (CI, anyone checking the benchmark still works) keep their tables out of the
# tree: bench/results holds the real runs.
if [ "$QUICK" = 1 ]; then OUT=${BENCH_OUT:-var/bench-results}; else OUT=${BENCH_OUT:-bench/results}; fi
LONG=${BENCH_LONG:-0}
EMAIL=bench.member@example.org
PASSWORD=practica-bench
RARE="restorative circle protocol"
COMMON="attendance"
TICKS=$(getconf CLK_TCK)
NCPU=$(nproc)
if [ "$NCPU" -ge 2 ]; then WRK_CPU=0; SERVER_CPU=1; else WRK_CPU=0; SERVER_CPU=0; fi

for tool in wrk nginx curl sqlite3 taskset; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
	command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is missing (scripts/deps.sh bench)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "bench: no $BIN (make first)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/practica-bench.XXXXXX)
SERVER_PID=""; NGINX_PID=""
cleanup() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf 'bench: %s\n' "$*" >&2; }

# ---- the database ----
if [ ! -f "$DB_SRC" ]; then
	mkdir -p "$(dirname "$DB_SRC")"
	log "generating $DB_SRC (scale $SCALE)"
	gen_start=$EPOCHREALTIME
	"$BIN" bench-data --db "$DB_SRC.tmp" --scale "$SCALE" >/dev/null 2>"$WORK/gen.log" ||
		{ cat "$WORK/gen.log" >&2; rm -f "$DB_SRC.tmp"; exit 1; }
	mv "$DB_SRC.tmp" "$DB_SRC"
	GEN_SECONDS=$(awk -v a="$gen_start" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.0f", b-a}')
else
	log "reusing $DB_SRC (delete it for a fresh one)"
	GEN_SECONDS=""
fi
# Migrations this binary adds (and any backfill they do) run once on the kept database, not
# inside the timed start-up of every run.
"$BIN" upgrade --db "$DB_SRC" >/dev/null
# A copy of the main file alone is whole only when the WAL holds nothing: fold it in first.
sqlite3 "$DB_SRC" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
DB="$WORK/bench.db"
cp "$DB_SRC" "$DB"
sq() { sqlite3 -batch -noheader "$DB" "$@"; }

# ---- the server ----
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

start_server() {
	rm -f "$WORK/port"
	local t0=$EPOCHREALTIME
	taskset -c "$SERVER_CPU" "$BIN" serve --db "$DB" --listen 127.0.0.1:0 --port-file "$WORK/port" \
		--threads "$THREADS" --access-log off >"$WORK/server.log" 2>&1 &
	SERVER_PID=$!
	local i=0
	while [ ! -s "$WORK/port" ]; do
		i=$((i + 1)); [ $i -gt 20000 ] && { cat "$WORK/server.log" >&2; exit 1; }
		kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
	done
	PORT=$(cat "$WORK/port")
	BASE="http://127.0.0.1:$PORT"
	until curl -sf -o /dev/null "$BASE/healthz"; do :; done
	STARTUP_MS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.0f", (b-a)*1000}')
	STARTUP_CPU_MS=$(awk -v t="$TICKS" '{printf "%.0f", ($14 + $15) * 1000 / t}' "/proc/$SERVER_PID/stat")
}
start_server
log "server pid $SERVER_PID on $BASE, started in ${STARTUP_MS} ms"

# ---- signing in ----
JAR="$WORK/cookies"
csrf_of() { grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//'; }
login_csrf=$(curl -s -c "$JAR" -b "$JAR" "$BASE/login" | csrf_of)
status=$(curl -s -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" \
	--data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" \
	--data-urlencode "csrf=$login_csrf" "$BASE/login")
[ "$status" = 303 ] || { log "sign-in failed ($status)"; exit 1; }
COOKIE=$(awk '$0 !~ /^#/ || /^#HttpOnly_/ {if (NF >= 7) printf "%s%s=%s", (n++ ? "; " : ""), $6, $7}' "$JAR")
CSRF=$(curl -s -b "$JAR" "$BASE/account" | csrf_of)
[ -n "$CSRF" ] || { log "no csrf token on /account"; exit 1; }

# ---- the pages ----
ROUTES=$("$BIN" routes | awk 'NR > 1 {print $1, $2}')
has_route() { printf '%s\n' "$ROUTES" | grep -qx "$1 $2"; }
me=$(sq "SELECT id FROM users WHERE email = '$EMAIL'")
board_slug=$(sq "SELECT c.slug FROM memberships m JOIN communities c ON c.id = m.community_id
	WHERE m.user_id = $me AND m.status = 'participant' ORDER BY c.id LIMIT 1")
thread50=$(sq "SELECT id FROM threads WHERE reply_count = 50 ORDER BY id LIMIT 1" 2>/dev/null || true)
# Replies go round 200 threads of the member's communities, as a day's replies would,
# rather than piling thousands onto one thread.
reply_threads=$(sq "SELECT group_concat(id) FROM (SELECT t.id FROM threads t JOIN memberships m
	ON m.community_id = t.community_id WHERE m.user_id = $me AND m.status = 'participant'
	AND t.id != '${thread50:-0}' ORDER BY t.last_post_at DESC LIMIT 200)" 2>/dev/null || true)
reply_thread=${reply_threads%%,*}
file_id=$(sq "SELECT file_id FROM meeting_materials ORDER BY file_id LIMIT 1")
doc_path=""
if has_route GET /library/:id/file; then
	# a typical document: the median size of those every member may read
	doc=$(sq "SELECT i.id FROM library_items i JOIN library_versions v ON v.item_id = i.id
		JOIN files f ON f.id = v.file_id WHERE i.kind = 'document' AND i.community_id IS NULL
		ORDER BY f.size LIMIT 1 OFFSET (SELECT count(*) / 2 FROM library_items
		WHERE kind = 'document' AND community_id IS NULL)" 2>/dev/null || true)
	[ -n "$doc" ] && doc_path="/library/$doc/file"
fi
[ -z "$doc_path" ] && [ -n "$file_id" ] && doc_path="/files/$file_id"
feed_path=$(curl -s -b "$JAR" "$BASE/calendar/feed" | grep -o '/feed/[A-Za-z0-9_-]*\.ics' | head -n 1 || true)
if [ -z "$feed_path" ]; then
	curl -s -o /dev/null -b "$JAR" --data-urlencode "csrf=$CSRF" "$BASE/calendar/feed/reset"
	feed_path=$(curl -s -b "$JAR" "$BASE/calendar/feed" | grep -o '/feed/[A-Za-z0-9_-]*\.ics' | head -n 1 || true)
fi
urlq() { printf '%s' "$1" | sed 's/ /+/g'; }

# name|method|path|route pattern that must exist (or -)|connections (default $CONNS)
# Search is measured twice: at $CONNS connections like every page (p50 there is mostly
# queueing for the one core), and one request at a time, which is what one member waits for
# (issue 8's target "p50 under 5 ms"); nginx's reference is measured the same way.
PAGES=(
	"member home|GET|/home|/home"
	"community directory|GET|/communities|/communities"
	"community board|GET|/communities/$board_slug/board|/communities/:slug/board"
	"thread, 50 replies|GET|/threads/$thread50|/threads/:id"
	"search: common word|GET|/search?q=$COMMON|/search"
	"search: rare phrase|GET|/search?q=%22$(urlq "$RARE")%22|/search"
	"search: common word, one at a time|GET|/search?q=$COMMON|/search|1"
	"search: rare phrase, one at a time|GET|/search?q=%22$(urlq "$RARE")%22|/search|1"
	"calendar|GET|/calendar|/calendar"
	"document download|GET|$doc_path|-"
	"iCalendar feed|GET|$feed_path|/feed/:asset"
	"post a reply|POST|/threads/$reply_thread/replies|/threads/:id/replies"
)

# ---- wrk ----
cat >"$WORK/report.lua" <<'EOF'
done = function(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("RESULT %d %d %d %.1f %.1f\n", summary.requests, summary.duration,
		e.connect + e.read + e.write + e.status + e.timeout,
		latency:percentile(50), latency:percentile(99)))
end
EOF
cat >"$WORK/post.lua" <<'EOF'
local n = 0
local body_base = os.getenv("BENCH_POST_BODY")
local threads = {}
for id in string.gmatch(os.getenv("BENCH_REPLY_THREADS"), "%d+") do threads[#threads + 1] = id end
request = function()
	n = n + 1
	local body = body_base .. "+%28reply+" .. n .. "%29"
	local path = "/threads/" .. threads[n % #threads + 1] .. "/replies"
	return wrk.format("POST", path, nil, body)
end
EOF
cat "$WORK/report.lua" >>"$WORK/post.lua"

# run_wrk PID URL SECONDS [lua] -> "requests rps p50_ms p99_ms cpu_us_per_req errors"
# (wrk's connections: $WRK_CONNS when set, else $CONNS)
run_wrk() {
	local pid=$1 url=$2 secs=$3 script=${4:-$WORK/report.lua}
	shift 4 || true
	local before after out
	before=$(cpu_ticks "$pid")
	out=$(taskset -c "$WRK_CPU" wrk -t1 -c"${WRK_CONNS:-$CONNS}" -d"${secs}s" --timeout 10s -s "$script" "$@" "$url" 2>&1) ||
		{ log "wrk failed: $out"; echo "0 0 0 0 0 0"; return; }
	after=$(cpu_ticks "$pid")
	printf '%s\n' "$out" | awk -v b="$before" -v a="$after" -v t="$TICKS" '
		/^RESULT/ { n = $2; us = $3; err = $4; p50 = $5 / 1000; p99 = $6 / 1000
			printf "%d %.0f %.2f %.2f %.1f %d\n", n, n / (us / 1e6), p50, p99,
				n ? (a - b) / t * 1e6 / n : 0, err }'
}

# ---- nginx, the reference ----
STATIC="$WORK/static"
mkdir -p "$STATIC" "$WORK/nginx"
chmod 755 "$WORK" "$STATIC"
nginx_conf() { # port
	cat >"$WORK/nginx/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
user root;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_timeout 60s;
	keepalive_requests 100000000;
	open_file_cache max=1000 inactive=60s;
	open_file_cache_valid 60s;
	client_body_temp_path $WORK/nginx/body;
	proxy_temp_path $WORK/nginx/proxy;
	fastcgi_temp_path $WORK/nginx/fastcgi;
	uwsgi_temp_path $WORK/nginx/uwsgi;
	scgi_temp_path $WORK/nginx/scgi;
	default_type application/octet-stream;
	server {
		listen 127.0.0.1:$1;
		root $STATIC;
	}
}
EOF
}

declare -A P_METHOD P_PATH P_AVAIL P_BYTES P_WHY P_CONNS
NAMES=()
for entry in "${PAGES[@]}"; do
	IFS='|' read -r name method path pattern conns <<<"$entry"
	if [ -n "${BENCH_ONLY:-}" ] && ! [[ "$name" =~ $BENCH_ONLY ]]; then continue; fi
	idx=${#NAMES[@]}
	NAMES+=("$name")
	P_METHOD[$name]=$method; P_PATH[$name]=$path; P_AVAIL[$name]=0; P_BYTES[$name]=""
	P_CONNS[$name]=${conns:-$CONNS}
	if [ "$pattern" != - ] && ! has_route "$method" "$pattern"; then
		P_WHY[$name]="not available: no $method $pattern route yet"; continue
	fi
	if [ -z "$path" ] || [[ "$path" == *//* ]] || [[ "$path" =~ /$ ]]; then
		P_WHY[$name]="not available: no data for it in this database"; continue
	fi
	if [ "$method" = GET ]; then
		# the exact bytes, for nginx to serve as /pageN
		code=$(curl -s -o "$STATIC/page$idx" -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$path")
		if [ "$code" != 200 ]; then P_WHY[$name]="not available: GET answered $code"; continue; fi
		P_BYTES[$name]=$(stat -c %s "$STATIC/page$idx")
	else
		code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" \
			--data "csrf=$CSRF&body=Bench+reply" "$BASE$path")
		if [ "$code" != 303 ] && [ "$code" != 200 ]; then P_WHY[$name]="not available: POST answered $code"; continue; fi
		P_BYTES[$name]=0
	fi
	P_AVAIL[$name]=1
done
chmod -R a+r "$STATIC"

# nginx on a port near the server's: the next one if that is taken
NGINX_PORT=$((PORT + 1))
for _ in $(seq 1 20); do
	[ "$NGINX_PORT" -gt 65000 ] && NGINX_PORT=18081
	# a port something already answers on would fool the readiness check below
	if (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null; then
		NGINX_PORT=$((NGINX_PORT + 1))
		continue
	fi
	nginx_conf "$NGINX_PORT"
	taskset -c "$SERVER_CPU" nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" 2>"$WORK/nginx/start.log" &
	NGINX_PID=$!
	for _ in $(seq 1 100); do
		kill -0 "$NGINX_PID" 2>/dev/null || break
		curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/" && break
		sleep 0.05
	done
	kill -0 "$NGINX_PID" 2>/dev/null && break
	wait "$NGINX_PID" 2>/dev/null || true
	NGINX_PID=""; NGINX_PORT=$((NGINX_PORT + 1))
done
[ -n "$NGINX_PID" ] || { cat "$WORK/nginx/start.log" "$WORK/nginx/error.log" >&2; exit 1; }

measure_page() { # name secs idx -> appends to $WORK/r.p.<idx> (practica), r.n.<idx> (nginx)
	local name=$1 secs=$2 idx=$3
	local WRK_CONNS=${P_CONNS[$name]}
	if [ "${P_METHOD[$name]}" = POST ]; then
		BENCH_POST_BODY="csrf=$CSRF&body=A+bench+reply%3A+we+tried+this+in+our+school" \
		BENCH_REPLY_THREADS="$reply_threads" \
			run_wrk "$SERVER_PID" "$BASE${P_PATH[$name]}" "$secs" "$WORK/post.lua" \
			-H "Cookie: $COOKIE" -H "Content-Type: application/x-www-form-urlencoded" \
			>>"$WORK/r.p.$idx"
	else
		run_wrk "$SERVER_PID" "$BASE${P_PATH[$name]}" "$secs" "$WORK/report.lua" \
			-H "Cookie: $COOKIE" >>"$WORK/r.p.$idx"
		run_wrk "$NGINX_PID" "http://127.0.0.1:$NGINX_PORT/page$idx" "$secs" \
			"$WORK/report.lua" >>"$WORK/r.n.$idx"
	fi
}

log "warm-up (${WARMUP}s per page, discarded)"
for idx in "${!NAMES[@]}"; do
	n=${NAMES[$idx]}
	[ "${P_AVAIL[$n]}" = 1 ] || continue
	measure_page "$n" "$WARMUP" "$idx"
	rm -f "$WORK/r.p.$idx" "$WORK/r.n.$idx"
done
for round in $(seq 1 "$ROUNDS"); do
	log "round $round of $ROUNDS (${SECONDS_PER}s per page, $CONNS connections)"
	for idx in "${!NAMES[@]}"; do
		n=${NAMES[$idx]}
		[ "${P_AVAIL[$n]}" = 1 ] || continue
		measure_page "$n" "$SECONDS_PER" "$idx"
	done
done
RSS_AFTER_KB=$(rss_kb "$SERVER_PID")

median_col() { # file column
	[ -s "$1" ] || { echo ""; return; }
	awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
LONG_LINE=""
if [ "$LONG" = 1 ]; then
	# Every measured GET page but search in turn, for about BENCH_LONG_REQUESTS requests.
	want=${BENCH_LONG_REQUESTS:-1000000}
	paths=""; rates=""
	for idx in "${!NAMES[@]}"; do
		n=${NAMES[$idx]}
		[ "${P_AVAIL[$n]}" = 1 ] && [ "${P_METHOD[$n]}" = GET ] && [[ "$n" != search* ]] || continue
		paths="$paths ${P_PATH[$n]}"
		rates="$rates $(median_col "$WORK/r.p.$idx" 2)"
	done
	cat >"$WORK/mix.lua" <<'LUA'
local paths = {}
for p in string.gmatch(os.getenv("BENCH_MIX"), "%S+") do paths[#paths + 1] = p end
local n = 0
request = function()
	n = n + 1
	return wrk.format("GET", paths[n % #paths + 1])
end
LUA
	cat "$WORK/report.lua" >>"$WORK/mix.lua"
	# pages in turn run at about count / sum(1/rps)
	secs=$(awk -v w="$want" -v r="$rates" 'BEGIN{c = split(r, a, " "); for (i = 1; i <= c; i++) if (a[i] > 0) t += 1 / a[i];
		s = c ? w * t / c * 1.1 : 10; printf "%d", s < 10 ? 10 : s}')
	log "memory-growth run: the pages in turn for ${secs}s (about $want requests)"
	rss_before=$(rss_kb "$SERVER_PID")
	res=$(BENCH_MIX="$paths" run_wrk "$SERVER_PID" "$BASE/" "$secs" "$WORK/mix.lua" -H "Cookie: $COOKIE")
	rss_after=$(rss_kb "$SERVER_PID")
	LONG_LINE=$(awk -v r="$res" -v a="$rss_before" -v b="$rss_after" 'BEGIN{split(r, f, " ");
		printf "Memory growth: %d requests over the measured pages in turn (%d errors); resident memory %.1f MB before, %.1f MB after (%+.1f MB).", f[1], f[6], a/1024, b/1024, (b-a)/1024}')
	RSS_AFTER_KB=$rss_after
fi

# ---- the report ----
DATE=$(date -u +%Y-%m-%dT%H%M%SZ)
mkdir -p "$OUT"
REPORT="$WORK/report.md"
{
	echo "# Practica benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	counts=$(sq "SELECT (SELECT count(*) FROM schools) || ' schools, ' ||
		(SELECT count(*) FROM users) || ' members, ' || (SELECT count(*) FROM communities) ||
		' communities, ' || (SELECT count(*) FROM meetings) || ' meetings'")
	more=$(sq "SELECT ', ' || (SELECT count(*) FROM threads) || ' threads, ' ||
		(SELECT count(*) FROM posts) || ' posts'" 2>/dev/null || true)
	docs=$(sq "SELECT ', ' || count(*) || ' library documents' FROM library_items WHERE kind = 'document'" 2>/dev/null || true)
	echo "Database: $counts$more$docs ($(du -m "$DB" | cut -f1) MB)${GEN_SECONDS:+, generated in ${GEN_SECONDS} s}."
	echo "Machine: $NCPU cores ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), load before the run $(cut -d' ' -f1-3 /proc/loadavg)."
	echo "Method: wrk -t1 -c$CONNS (-c1 for the rows \"one at a time\", nginx's reference too) pinned to core $WRK_CPU; practica serve --threads $THREADS (release build; 0: one worker per core it may run on, here 1) and nginx (1 worker, open_file_cache, access_log off) pinned to core $SERVER_CPU; ${WARMUP}s warm-up discarded, then $ROUNDS interleaved round(s) of ${SECONDS_PER}s per page; medians. CPU/request = the server process's utime+stime over the run / requests served."
	echo
	echo "| Page | Bytes | Req/s | p50 ms | p99 ms | CPU µs/req | nginx req/s | nginx CPU µs/req | CPU ratio to nginx | Errors |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for idx in "${!NAMES[@]}"; do
		n=${NAMES[$idx]}
		if [ "${P_AVAIL[$n]}" != 1 ]; then
			echo "| $n | | | | | | | | | ${P_WHY[$n]} |"
			continue
		fi
		rps=$(median_col "$WORK/r.p.$idx" 2); p50=$(median_col "$WORK/r.p.$idx" 3)
		p99=$(median_col "$WORK/r.p.$idx" 4); cpu=$(median_col "$WORK/r.p.$idx" 5)
		err=$(awk '{s += $6} END {print s + 0}' "$WORK/r.p.$idx")
		if [ "${P_METHOD[$n]}" = GET ]; then
			nrps=$(median_col "$WORK/r.n.$idx" 2); ncpu=$(median_col "$WORK/r.n.$idx" 5)
			ratio=$(awk -v a="$cpu" -v b="$ncpu" 'BEGIN{ if (b > 0) printf "%.1f×", a / b; else print "-" }')
		else
			nrps="-"; ncpu="-"; ratio="- (a write)"
		fi
		echo "| $n | ${P_BYTES[$n]} | $rps | $p50 | $p99 | $cpu | $nrps | $ncpu | $ratio | $err |"
	done
	echo
	echo "Start-up on this database: ${STARTUP_MS} ms from exec to the first answered request, ${STARTUP_CPU_MS} ms of it the server's CPU time (the rest is waiting for a core on a busy machine)."
	echo "Resident memory of the server after the run: $(awk -v k="$RSS_AFTER_KB" 'BEGIN{printf "%.1f", k/1024}') MB."
	[ -n "$LONG_LINE" ] && echo "$LONG_LINE"
	[ "$QUICK" = 1 ] && echo "(bench-quick: a small database and short runs; these numbers say nothing about speed.)"
} >"$REPORT"
cp "$REPORT" "$OUT/$DATE.md"
cp "$REPORT" "$OUT/latest.md"
cat "$REPORT"
