/* Live thread updates: new replies appear without reloading. Progressive enhancement: the
 * thread page works fully without this script. It listens to the thread's Server-Sent Events
 * (#posts[data-events]); each event names the thread's newest post, and when that is newer
 * than the page's (data-after) it fetches the replies after it (data-fragment?after=N),
 * appends them and says "N new replies" in the polite live region (.live-status). */
(function () {
	"use strict";
	var posts = document.querySelector("#posts[data-events]");
	if (!posts || !window.EventSource || !window.fetch || !("content" in document.createElement("template")))
		return;
	var status = document.querySelector(".live-status");
	var loading = false, again = false;

	function shown() {
		return parseInt(posts.getAttribute("data-after"), 10) || 0;
	}

	function postId(el) {
		var m = /^post-(\d+)$/.exec(el.id || "");
		return m ? parseInt(m[1], 10) : 0;
	}

	function append(html) {
		var tpl = document.createElement("template");
		tpl.innerHTML = html;
		var added = 0, newest = shown();
		Array.prototype.slice.call(tpl.content.children).forEach(function (el) {
			var id = postId(el);
			if (id && document.getElementById(el.id))
				return; /* already on the page */
			posts.appendChild(el);
			if (id) {
				added++;
				if (id > newest)
					newest = id;
			}
		});
		posts.setAttribute("data-after", String(newest));
		if (added && status)
			status.textContent = added === 1 ? "1 new reply" : added + " new replies";
	}

	function load() {
		if (loading) {
			again = true;
			return;
		}
		loading = true;
		fetch(posts.getAttribute("data-fragment") + "?after=" + shown(),
		      {credentials: "same-origin", headers: {"Accept": "text/html"}})
			.then(function (res) {
				if (!res.ok)
					throw new Error("HTTP " + res.status);
				return res.text();
			})
			.then(append)
			.catch(function () { /* the next event, or a reload, catches up */ })
			.then(function () {
				loading = false;
				if (again) {
					again = false;
					load();
				}
			});
	}

	var source = new EventSource(posts.getAttribute("data-events") + "?after=" + shown());
	source.onmessage = function (e) {
		if ((parseInt(e.data, 10) || 0) > shown())
			load();
	};
})();

/* Live boards: a board's first page (#threads[data-events]) hears of new discussions and
 * redraws its list from the same page, keeping the reader's place; "New discussion" is said
 * in the polite live region. Without this script, a reload shows them. */
(function () {
	"use strict";
	var list = document.querySelector("#threads[data-events]");
	if (!list || !window.EventSource || !window.fetch || !window.DOMParser)
		return;
	var status = document.querySelector(".live-status");
	var loading = false;

	function newest() {
		return parseInt(list.getAttribute("data-after"), 10) || 0;
	}

	function refresh() {
		if (loading)
			return;
		loading = true;
		fetch(window.location.pathname, {credentials: "same-origin", headers: {"Accept": "text/html"}})
			.then(function (res) {
				if (!res.ok)
					throw new Error("HTTP " + res.status);
				return res.text();
			})
			.then(function (html) {
				var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("threads");
				if (!fresh)
					return;
				var before = newest();
				list.innerHTML = fresh.innerHTML;
				list.setAttribute("data-after", fresh.getAttribute("data-after") || String(before));
				if (status && newest() > before)
					status.textContent = "New discussion posted: the list is up to date.";
			})
			.catch(function () { /* the next event, or a reload, catches up */ })
			.then(function () { loading = false; });
	}

	var source = new EventSource(list.getAttribute("data-events") + "?after=" + newest());
	source.onmessage = function (e) {
		if ((parseInt(e.data, 10) || 0) > newest())
			refresh();
	};
})();
