#!/usr/bin/env python3
"""make security: Debian's sqlmap against every route that takes input, as a signed-in member.

Starts `practica serve` (the release build) on a fresh demo database, signs in as a demo
member who takes part in one community and co-facilitates another, and crawls the site as
that member from the pages every member sees. Each page it reaches is matched to its row of
the route table (`practica routes`); the links and forms on it give each route concrete
values: real ids and slugs in the path, the query strings members' links carry, and every
field of the forms members submit. Then, route by route, sqlmap tests every one of those
inputs (path parameters, query parameters, form fields, the fields of upload forms; the
session cookie once), each marked as an injection point; the CSRF token is sent but not
tested, so the requests reach the handlers.

After each route: the server must still answer, the member must still be signed in (a run
that signed the member out would test nothing after it: it is signed in again and noted),
and the access log must show no 5xx answer (bad input must get a 4xx).

Writes the summary (command lines, each route's inputs and result) as markdown to --out
and prints it. Exits 1 when sqlmap finds an injection, a route answered 5xx or the server
died; member routes no page linked to are listed, not hidden.
"""
import argparse
import hashlib
import html.parser
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

MEMBER = "maria.alvarez@example.org"
PASSWORD = "practica-demo"
SESSION_COOKIE = "practica_session"
START_PAGES = [
	"/home", "/communities", "/board", "/library", "/calendar", "/calendar/feed", "/calls",
	"/years", "/schools", "/account", "/pd-hours", "/notifications",
	"/search?q=budget", "/search?q=budget&kind=post", "/library?sort=rating",
]
# Pages a member reaches from outside a page of the site: a reset link from an e-mail, the
# certificate of a given year, the live-update fragment the page's script asks for.
EXTRA_PAGES = ["/pd-hours/certificate?year=1"]
# Forms only visitors see (a member going there is sent home): fetched without the session,
# submitted with the visitor cookie their CSRF token belongs to, and tested last, so that the
# sign-in throttle they trip cannot lock the member out of the tests before them. The reset
# link is a real one, issued to another demo member before the server starts.
RESET_TOKEN = "security-test-reset-link-0123456789"
RESET_FOR = "james.okafor@example.org"
VISITOR_PAGES = ["/login", "/register", "/reset?token=" + RESET_TOKEN]
MAX_PAGES = 1500
# Instances of one route crawled: enough to reach the pages only some instances link to (the
# meeting a member facilitates among all the meetings they can see).
PER_ROUTE = 12
# Runs whose every success removes what the path names (a second try answers 404): run after
# the other forms, with no baseline request of ours first.
DESTRUCTIVE = re.compile(r"/(delete|remove|cancel)$")
# Never submitted: signing out ends the session every later test needs; it takes no input
# besides the CSRF token.
NEVER_SUBMIT = {("POST", "/logout")}
# Server-Sent Event streams stay open by design, which sqlmap reads as a timeout on every
# request; their inputs (:id, :slug, ?after=) are integers and slugs the router and
# handlers parse, covered by tests/http_live.c and the fuzzed router.
STREAMS = re.compile(r"/events$")
SQLMAP_FLAGS = ["--batch", "--level=2", "--risk=1", "--flush-session", "--drop-set-cookie",
		"--skip-waf", "--timeout=10", "--retries=1", "--disable-coloring",
		# a wrong password (401), a thing a destructive run already removed (404) and the
		# sign-in throttle (429) are right answers, not reasons to stop testing
		"--ignore-code=401,404,429"]


def log(msg):
	print(f"security: {msg}", file=sys.stderr, flush=True)


# ---- the route table ----

def load_routes(binary):
	out = subprocess.run([binary, "routes"], check=True, capture_output=True, text=True).stdout
	routes = []
	for line in out.splitlines()[1:]:
		parts = line.split()
		if len(parts) >= 3:
			routes.append((parts[0], parts[1], parts[2]))
	return routes


def segment_matches(pattern_seg, seg):
	if pattern_seg == ":id":
		return seg.isdigit() and seg != "0"
	if pattern_seg == ":slug":
		return re.fullmatch(r"[a-z0-9-]+", seg) is not None
	if pattern_seg.startswith(":"):
		return seg != ""
	return pattern_seg == seg


def route_for(routes, method, path):
	"""The route a request would reach: the match with the most literal segments."""
	segs = path.strip("/").split("/") if path != "/" else []
	best = None
	for m, pattern, access in routes:
		if m != method:
			continue
		psegs = pattern.strip("/").split("/") if pattern != "/" else []
		if len(psegs) != len(segs) or not all(segment_matches(p, s) for p, s in zip(psegs, segs)):
			continue
		literal = sum(1 for p in psegs if not p.startswith(":"))
		if best is None or literal > best[0]:
			best = (literal, (m, pattern, access))
	return best[1] if best else None


# ---- pages, links and forms ----

class PageParser(html.parser.HTMLParser):
	def __init__(self):
		super().__init__(convert_charrefs=True)
		self.links, self.forms = [], []
		self.form = None
		self.select = None  # [name, [(value, selected)], the option being read]
		self.textarea = None

	def handle_starttag(self, tag, attrs):
		a = dict(attrs)
		if tag in ("a", "link") and a.get("href"):
			self.links.append(a["href"])
		elif tag == "script" and a.get("src"):
			self.links.append(a["src"])
		elif tag == "form":
			self.form = {"method": (a.get("method") or "get").upper(), "action": a.get("action") or "",
				     "enctype": a.get("enctype") or "", "fields": []}
			self.forms.append(self.form)
		elif self.form is None:
			return
		elif tag == "input":
			kind = (a.get("type") or "text").lower()
			name = a.get("name")
			if not name or kind in ("submit", "button", "reset", "image"):
				return
			if kind in ("checkbox", "radio"):
				# a radio group sends its checked choice (else its first)
				taken = [i for i, f in enumerate(self.form["fields"]) if f[0] == name]
				if kind == "radio" and taken:
					if "checked" in a:
						self.form["fields"][taken[0]] = (name, a.get("value") or "on", kind)
					return
				value = a.get("value") or "on"
			elif kind == "file":
				value = None
			else:
				value = a.get("value") or sample_value(name, kind)
			self.form["fields"].append((name, value, kind))
		elif tag == "textarea" and a.get("name"):
			self.textarea = [a["name"], ""]
		elif tag == "select" and a.get("name"):
			self.select = [a["name"], [], None]
		elif tag == "option" and self.select is not None:
			self.end_option()
			self.select[2] = [a.get("value"), "selected" in a, ""]

	def handle_data(self, data):
		if self.textarea is not None:
			self.textarea[1] += data
		if self.select is not None and self.select[2] is not None:
			self.select[2][2] += data

	def end_option(self):
		if self.select is not None and self.select[2] is not None:
			value, selected, text = self.select[2]
			self.select[1].append((value if value is not None else text.strip(), selected))
			self.select[2] = None

	def handle_endtag(self, tag):
		if tag == "form":
			self.form = None
		elif tag == "textarea" and self.textarea is not None and self.form is not None:
			name, value = self.textarea
			self.form["fields"].append((name, value or sample_value(name, "textarea"), "textarea"))
			self.textarea = None
		elif tag == "option":
			self.end_option()
		elif tag == "select" and self.select is not None and self.form is not None:
			self.end_option()
			options = self.select[1]
			# what a browser sends: the selected choice, else the first
			chosen = [v for v, sel in options if sel] + [v for v, _ in options]
			self.form["fields"].append((self.select[0], chosen[0] if chosen else "", "select"))
			self.select = None


def sample_value(name, kind):
	"""What a member would type: valid enough that the handler gets past its first check."""
	if kind == "email" or "email" in name:
		return "someone@example.org"
	if kind == "date":
		return "2027-03-04"
	if kind == "time":
		return "09:30"
	if kind == "number" or name in ("seats", "number", "limit", "hours", "rating", "stars", "minutes"):
		return "3"
	if kind == "url" or name == "url":
		return "https://example.org/a"
	if "password" in name or name in ("new", "confirm"):
		return "not-the-password-1"
	return "Planning for next year"


class NoRedirect(urllib.request.HTTPRedirectHandler):
	def redirect_request(self, *args, **kwargs):
		return None


class Site:
	def __init__(self, base):
		self.base = base
		self.session = ""
		self.opener = urllib.request.build_opener(NoRedirect)

	def request(self, method, path, data=None, cookie=None, follow=True, timeout=10):
		for _ in range(5):
			headers = {"Cookie": f"{SESSION_COOKIE}={self.session}" if cookie is None else cookie}
			body = urllib.parse.urlencode(data).encode() if data is not None else None
			req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
			try:
				resp = self.opener.open(req, timeout=timeout)
				return resp.status, resp.headers, resp.read()
			except urllib.error.HTTPError as e:
				if e.code in (301, 302, 303, 307) and follow:
					method, data = "GET", None
					path = urllib.parse.urlsplit(e.headers["Location"]).path or "/"
					continue
				return e.code, e.headers, e.read()
		return 0, {}, b""

	def sign_in(self):
		status, headers, body = self.request("GET", "/login", cookie="")
		visitor = re.search(r"practica_visitor=([^;]+)", headers.get("Set-Cookie", ""))
		token = re.search(rb'name="csrf" value="([^"]+)"', body).group(1).decode()
		status, headers, _ = self.request(
			"POST", "/login", {"csrf": token, "email": MEMBER, "password": PASSWORD},
			cookie=f"practica_visitor={visitor.group(1)}" if visitor else "", follow=False)
		m = re.search(SESSION_COOKIE + r"=([^;]+)", headers.get("Set-Cookie", ""))
		if status != 303 or not m:
			raise SystemExit(f"security: could not sign in as {MEMBER} (status {status})")
		self.session = m.group(1)
		_, _, home = self.request("GET", "/home")
		self.csrf = re.search(rb'name="csrf" value="([^"]+)"', home).group(1).decode()

	def signed_in(self):
		status, _, _ = self.request("GET", "/home", follow=False)
		return status == 200


def issue_reset_link(db):
	"""What an administrator's "Password reset link" stores (src/resets.c): the token's
	BLAKE2b-256 hash (libsodium's generichash), valid for a day."""
	con = sqlite3.connect(db)
	now = int(time.time())
	con.execute("INSERT OR REPLACE INTO password_resets (user_id, token_hash, created_at, expires_at) "
		    "SELECT id, ?, ?, ? FROM users WHERE email = ?",
		    (hashlib.blake2b(RESET_TOKEN.encode(), digest_size=32).digest(), now, now + 86400, RESET_FOR))
	con.commit()
	con.close()


def member_pages(db):
	"""The pages of the member's own communities, meetings and proposals, crawled first: a
	crawl from the home page alone spends its visits of a route on other communities' pages
	before it reaches the ones where this member has more to do (a facilitator's forms)."""
	con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
	me = con.execute("SELECT id FROM users WHERE email = ?", (MEMBER,)).fetchone()[0]
	pages = []
	for slug, cid, facilitates in con.execute(
			"SELECT c.slug, c.id, 1 FROM facilitators f JOIN communities c ON c.id = f.community_id "
			"WHERE f.user_id = ? UNION SELECT c.slug, c.id, 0 FROM memberships m "
			"JOIN communities c ON c.id = m.community_id WHERE m.user_id = ? AND m.status = 'participant'",
			(me, me)).fetchall():
		pages += [f"/communities/{slug}", f"/communities/{slug}/meetings", f"/communities/{slug}/board",
			  f"/communities/{slug}/library"]
		# the meetings with the most agenda items first: their pages carry the item forms
		for (mid,) in con.execute("SELECT id FROM meetings m WHERE community_id = ? ORDER BY "
					  "(SELECT count(*) FROM agenda_items a WHERE a.meeting_id = m.id) DESC, "
					  "starts_at DESC LIMIT 3", (cid,)).fetchall():
			pages.append(f"/meetings/{mid}")
			base = f"/communities/{slug}/meetings/{mid}"
			pages += [base + "/sign-in"] + ([base + "/edit", base + "/attendance", base + "/code",
							 base + "/sign-in-sheet"] if facilitates else [])
		if facilitates:
			pages += [f"/communities/{slug}/attendance", f"/communities/{slug}/meetings/new"]
	for (mid,) in con.execute("SELECT id FROM meetings WHERE community_id IS NULL LIMIT 2").fetchall():
		pages += [f"/meetings/{mid}", f"/meetings/{mid}/sign-in"]
	for (pid,) in con.execute("SELECT id FROM proposals WHERE user_id = ? LIMIT 2", (me,)).fetchall():
		pages.append(f"/proposals/{pid}")
	for (tid,) in con.execute("SELECT id FROM threads ORDER BY id LIMIT 1").fetchall():
		pages.append(f"/threads/{tid}/replies?after=0")
	con.close()
	return pages


def crawl(site, routes, seeds):
	"""Pages as the member sees them: per route, the first concrete GET URL (per set of query
	keys) and every distinct form posted to it."""
	gets, forms = {}, {}
	queue = list(seeds) + list(START_PAGES) + list(EXTRA_PAGES)
	seen, fetched, per_route = set(queue), 0, {}
	queue = list(dict.fromkeys(queue))
	while queue and fetched < MAX_PAGES:
		path = queue.pop(0)
		split = urllib.parse.urlsplit(path)
		route = route_for(routes, "GET", split.path)
		if route is None or STREAMS.search(split.path):
			continue
		keys = tuple(sorted(k for k, _ in urllib.parse.parse_qsl(split.query, keep_blank_values=True)))
		gets.setdefault((route, keys), path)
		# a few instances of each route are enough to find the links and forms it has
		per_route[route] = per_route.get(route, 0) + 1
		if per_route[route] > PER_ROUTE:
			continue
		status, headers, body = site.request("GET", path, follow=False)
		fetched += 1
		if status != 200 or "text/html" not in headers.get("Content-Type", ""):
			continue
		parser = PageParser()
		parser.feed(body.decode("utf-8", "replace"))
		for href in parser.links:
			u = urllib.parse.urlsplit(urllib.parse.urljoin(site.base + split.path, href))
			if u.netloc != urllib.parse.urlsplit(site.base).netloc:
				continue
			target = u.path + ("?" + u.query if u.query else "")
			if target not in seen:
				seen.add(target)
				queue.append(target)
		for form in parser.forms:
			action = urllib.parse.urlsplit(urllib.parse.urljoin(site.base + split.path, form["action"] or path))
			if form["method"] == "GET":
				query = urllib.parse.urlencode([(n, v or "") for n, v, _ in form["fields"]])
				target = action.path + ("?" + query if query else "")
				if target not in seen:
					seen.add(target)
					queue.append(target)
				continue
			route = route_for(routes, "POST", action.path)
			if route is None:
				continue
			names = tuple(sorted(n for n, _, _ in form["fields"]))
			forms.setdefault((route, names), (action.path, form))
	for path in VISITOR_PAGES:
		status, headers, body = site.request("GET", path, cookie="", follow=False)
		fetched += 1
		visitor = re.search(r"practica_visitor=([^;]+)", headers.get("Set-Cookie", ""))
		if status != 200 or not visitor:
			continue
		split = urllib.parse.urlsplit(path)
		if split.query:
			keys = tuple(sorted(k for k, _ in urllib.parse.parse_qsl(split.query)))
			gets.setdefault((route_for(routes, "GET", split.path), keys), path)
		parser = PageParser()
		parser.feed(body.decode("utf-8", "replace"))
		for form in parser.forms:
			action = urllib.parse.urlsplit(urllib.parse.urljoin(site.base + path, form["action"] or path))
			route = route_for(routes, form["method"], action.path)
			if form["method"] == "POST" and route is not None:
				form["cookie"] = "practica_visitor=" + visitor.group(1)
				names = tuple(sorted(n for n, _, _ in form["fields"]))
				forms.setdefault((route, names), (action.path, form))
	return gets, forms, fetched


# ---- sqlmap ----

def mark(value):
	return f"{value}*"


def marked_path(pattern, path):
	"""The path with each parameter segment marked as an injection point."""
	psegs, segs = pattern.strip("/").split("/"), path.strip("/").split("/")
	out = [mark(s) if p.startswith(":") else s for p, s in zip(psegs, segs)]
	return "/" + "/".join(out), sum(1 for p in psegs if p.startswith(":"))


def plan_get(route, path):
	split = urllib.parse.urlsplit(path)
	mpath, n = marked_path(route[1], split.path)
	q = urllib.parse.parse_qsl(split.query, keep_blank_values=True)
	names = [f":{p[1:]}" for p in route[1].split("/") if p.startswith(":")] + [k for k, _ in q]
	if not names:
		return None
	query = "&".join(f"{urllib.parse.quote(k)}={urllib.parse.quote(v)}*" for k, v in q)
	return {"url": mpath + ("?" + query if query else ""), "data": None, "inputs": names,
		"baseline": ("GET", path, None, None)}


def plan_post(site, route, action, form):
	mpath, _ = marked_path(route[1], action)
	names = [f":{p[1:]}" for p in route[1].split("/") if p.startswith(":")]
	visitor = form.get("cookie")
	cookie = visitor or f"{SESSION_COOKIE}={site.session}"
	fields = []
	for name, value, kind in form["fields"]:
		if name == "csrf":
			# a visitor's token is the one on their page; a member's follows their session
			fields.append((name, value if visitor else site.csrf, False))
		else:
			fields.append((name, value, kind != "file"))
			names.append(name)
	if not names:
		return None
	base = {n: (v if v is not None else "x") for n, v, _ in fields}
	if any(kind == "file" for _, _, kind in form["fields"]):
		# an upload: a multipart body with sqlmap's marks inside (given with -u and --data, as
		# sqlmap's -r reads the targets from a piped standard input instead)
		boundary = "----practicasecurity"
		parts = []
		for name, value, test in fields:
			if value is None:
				parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
					     f'filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\n'
					     f'Minutes of the planning meeting.\r\n')
			else:
				parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
					     f'{mark(value) if test else value}\r\n')
		body = "".join(parts) + f"--{boundary}--\r\n"
		return {"url": mpath, "data": body, "inputs": names + ["(file part)"], "baseline": None,
			"cookie": cookie, "visitor": bool(visitor), "upload": True,
			"headers": f"Content-Type: multipart/form-data; boundary={boundary}"}
	data = "&".join(f"{urllib.parse.quote(n)}={urllib.parse.quote(v if v is not None else '')}"
			+ ("*" if test else "") for n, v, test in fields)
	baseline = None if DESTRUCTIVE.search(route[1]) else ("POST", action, base, cookie)
	return {"url": mpath, "data": data, "inputs": names, "baseline": baseline,
		"cookie": cookie, "visitor": bool(visitor)}


def run_sqlmap(site, plan, outdir, cookie_marked=False):
	cmd = ["sqlmap", "-u", site.base + plan["url"]]
	if plan["data"] is not None:
		cmd += ["--data", plan["data"]]
	if plan.get("headers"):
		cmd += ["--headers", plan["headers"]]
	cookie = plan.get("cookie") or f"{SESSION_COOKIE}={site.session}"
	cmd += ["--cookie", cookie + ("*" if cookie_marked else "")]
	cmd += SQLMAP_FLAGS + ["--output-dir", outdir]
	res = subprocess.run(cmd, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
	out = res.stdout + res.stderr
	if "identified the following injection point" in out:
		verdict = "INJECTABLE"
	elif "do not appear to be injectable" in out or "does not seem to be injectable" in out:
		verdict = "not injectable"
	else:
		last = [l for l in out.splitlines() if "[CRITICAL]" in l or "[ERROR]" in l]
		verdict = "sqlmap error: " + (last[-1].split("] ", 2)[-1] if last else "no verdict")
	tested = len(set(re.findall(r"testing for SQL injection on (.+?) '", out)))
	return cmd, verdict, tested, out


def first_message(body):
	"""The page's first error message (the summary or a field's), to say why it refused."""
	m = (re.search(rb'class="field-error" id="f-([^"]+)-error">([^<]+)', body) or
	     re.search(rb'class="error-summary"[^>]*>(?:<p>)?()([^<]+)', body))
	if not m:
		return ""
	field, text = (g.decode("utf-8", "replace").strip() for g in m.groups())
	return f"{field}: {text}" if field else text


def access_lines(path):
	try:
		with open(path) as f:
			return f.readlines()
	except FileNotFoundError:
		return []


def five_hundreds(lines):
	return [l for l in lines if re.search(r'" 5\d\d ', l)]


def run_target(site, server, accesslog, work, route, plan, rows, no_input, failures):
	"""One sqlmap run and the checks after it; False when the server died."""
	if plan is None:
		no_input.add((route[0], route[1]))
		return True
	n = len(rows)
	before = len(access_lines(accesslog))
	baseline = ""
	refusal = ""
	if plan.get("baseline"):
		method, path, data, cookie = plan["baseline"]
		status, _, body = site.request(method, path, data, cookie=cookie, follow=False)
		baseline = str(status)
		refusal = first_message(body)
	outdir = os.path.join(work, f"sqlmap-{n}")
	cmd, verdict, tested, out = run_sqlmap(site, plan, outdir, cookie_marked=plan.get("cookie_marked", False))
	lines = access_lines(accesslog)[before:]
	errors = five_hundreds(lines)
	alive = server.poll() is None and site.request("GET", "/healthz", cookie="")[0] == 200
	note = ""
	if baseline and not baseline.startswith(("2", "3")):
		# the member's ordinary request was refused: the handler stops early
		note = f"ordinary request answered {baseline}" + (f" ({refusal})" if refusal else "")
	if not alive:
		failures.append(f"{route[0]} {route[1]}: the server stopped answering")
		rows.append((route, plan, baseline, verdict, tested, len(lines), "server died", cmd))
		return False
	if not plan.get("visitor") and not site.signed_in():
		site.sign_in()
		note = (note + "; " if note else "") + "signed out by the run; signed in again"
	if verdict != "not injectable":
		failures.append(f"{route[0]} {route[1]}: {verdict}")
	if errors:
		failures.append(f"{route[0]} {route[1]}: {len(errors)} answers 5xx, e.g. {errors[0].strip()}")
		note = (note + "; " if note else "") + f"{len(errors)} × 5xx"
	rows.append((route, plan, baseline, verdict, tested, len(lines), note, cmd))
	log(f"{route[0]} {route[1]}: {verdict}, {len(lines)} requests{', ' + note if note else ''}")
	return True


def main():
	ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	ap.add_argument("--bin", required=True)
	ap.add_argument("--out", required=True, help="markdown summary to write")
	ap.add_argument("--only", help="test only routes whose pattern matches this regular expression")
	args = ap.parse_args()
	if not shutil.which("sqlmap"):
		raise SystemExit("security: sqlmap is missing (sh scripts/deps.sh security)")
	binary = os.path.abspath(args.bin)
	work = tempfile.mkdtemp(prefix="practica-security.")
	db = os.path.join(work, "demo.db")
	subprocess.run([binary, "demo", "--db", db], check=True, capture_output=True)
	issue_reset_link(db)
	routes = load_routes(binary)
	portfile, accesslog = os.path.join(work, "port"), os.path.join(work, "access.log")
	server = subprocess.Popen([binary, "serve", "--db", db, "--listen", "127.0.0.1:0",
				   "--port-file", portfile, "--access-log", accesslog],
				  stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "serve.log"), "w"))
	failures = []
	try:
		for _ in range(100):
			if os.path.exists(portfile) and open(portfile).read().strip():
				break
			time.sleep(0.05)
		site = Site("http://127.0.0.1:" + open(portfile).read().strip())
		site.sign_in()
		rows, no_input, tested, fetched = [], set(), set(), 0
		# Two passes: the forms of the first create what some pages need (the member's own
		# proposal, say), which a second crawl then finds.
		for crawl_pass in (1, 2):
			gets, forms, pages = crawl(site, routes, member_pages(db))
			fetched += pages
			log(f"pass {crawl_pass}: crawled {pages} pages as {MEMBER}: {len(gets)} GET targets, {len(forms)} forms")
			targets = []
			if crawl_pass == 1:
				# the session cookie itself, once: every member page looks it up
				cookie_plan = {"url": "/home", "data": None, "inputs": [SESSION_COOKIE + " cookie"],
					       "baseline": None, "cookie_marked": True}
				targets.append((("GET", "/home", "member"), lambda: cookie_plan))
			for (route, keys), path in sorted(gets.items(), key=lambda kv: kv[0][0][1]):
				if crawl_pass == 1 or (route[0], route[1]) not in tested:
					targets.append((route, lambda route=route, path=path: plan_get(route, path)))
			member_forms, destructive_forms, visitor_forms = [], [], []
			for (route, names), (action, form) in sorted(forms.items(), key=lambda kv: kv[0][0][1]):
				if (route[0], route[1]) in NEVER_SUBMIT or (crawl_pass == 2 and (route[0], route[1]) in tested):
					continue
				group = (visitor_forms if form.get("cookie") else
					 destructive_forms if DESTRUCTIVE.search(route[1]) else member_forms)
				group.append((route, lambda route=route, action=action, form=form:
					      plan_post(site, route, action, form)))
			targets += member_forms + destructive_forms + visitor_forms
			if args.only:
				targets = [(r, p) for r, p in targets if re.search(args.only, r[1])]
			for route, make_plan in targets:
				if not run_target(site, server, accesslog, work, route, make_plan(), rows, no_input, failures):
					break
				tested.add((route[0], route[1]))
			if server.poll() is not None:
				break

		tested_routes = {(r[0], r[1]) for r, *_ in rows}
		untested = [r for r in routes if r[2] != "admin" and (r[0], r[1]) not in tested_routes
			    and (not args.only or re.search(args.only, r[1]))]
		write_report(args.out, site, rows, untested, no_input, fetched, failures)
	finally:
		server.terminate()
		try:
			server.wait(timeout=10)
		except subprocess.TimeoutExpired:
			server.kill()
	if failures:
		print("\n".join("FAIL " + f for f in failures), file=sys.stderr)
		sys.exit(1)
	shutil.rmtree(work, ignore_errors=True)


def why_untested(route, no_input):
	method, pattern, _ = route
	if (method, pattern) in no_input and method == "POST":
		return "takes no input: its form holds only the CSRF token"
	if (method, pattern) in NEVER_SUBMIT:
		return "never submitted: signing out would end the session the other tests use; its only input is the CSRF token"
	if STREAMS.search(pattern):
		return "an event stream that stays open (sqlmap would time out); :id/:slug/?after= are parsed by the router and tests/http_live.c"
	if ":" not in pattern and method == "GET":
		return "takes no input (no path or query parameters on any link to it)"
	return "no page the member can see links to it or has its form"


def write_report(path, site, rows, untested, no_input, fetched, failures):
	total = sum(r[5] for r in rows)
	with open(path, "w") as f:
		f.write("# sqlmap against every route that takes input\n\n")
		f.write(f"Generated by `make security` (tests/security/sqlmap_routes.py) on "
			f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with "
			f"{subprocess.run(['sqlmap', '--version'], capture_output=True, text=True).stdout.split()[0]} "
			f"(Debian's package).\n\n")
		f.write(f"Signed in as the demo member {MEMBER} (a participant in one community, "
			f"co-facilitator of another); {fetched} pages crawled; {len(rows)} sqlmap runs; "
			f"{total} requests in all.\n\n")
		f.write(f"**Result: {'nothing found' if not failures else str(len(failures)) + ' problem(s)'}.**\n\n")
		for fl in failures:
			f.write(f"- {fl}\n")
		f.write("\nEach run's command line is the template below with its URL, its data (for "
			"uploads the multipart body, with `--headers 'Content-Type: multipart/form-data; "
			"boundary=...'`) and the session cookie (a visitor cookie for the sign-in, "
			"registration and reset forms); `*` marks each tested input. \"Baseline\" is the "
			"answer to the same request with ordinary values, sent first.\n\n")
		f.write("    sqlmap -u 'http://127.0.0.1:PORT/PATH' [--data 'FIELDS'] --cookie 'practica_session=TOKEN' \\\n")
		f.write("      " + " ".join(SQLMAP_FLAGS) + " --output-dir DIR\n\n")
		f.write("| Method | Route | Inputs tested | Baseline | Requests | Result | Note | sqlmap target |\n")
		f.write("|---|---|---|---:|---:|---|---|---|\n")
		for route, plan, baseline, verdict, tested, nreq, note, cmd in rows:
			target = plan["url"]
			if plan.get("upload"):
				target += " (multipart upload: every field but the CSRF token and the file)"
			elif plan.get("data"):
				target += " data: " + plan["data"].replace(site.csrf, "CSRF")
			target = target.replace("|", "\\|")
			f.write(f"| {route[0]} | `{route[1]}` | {', '.join(plan['inputs'])} | {baseline or '-'} | "
				f"{nreq} | {verdict} | {note} | `{target}` |\n")
		if untested:
			f.write("\nMember routes not run through sqlmap, and why:\n\n")
			for r in untested:
				f.write(f"- {r[0]} `{r[1]}` ({r[2]}): {why_untested(r, no_input)}\n")
	with open(path) as f:
		print(f.read())


if __name__ == "__main__":
	main()
