// What every page a journey visits must satisfy, checked in the real browser:
//   - axe-core finds no violation of impact "serious" or "critical" (WCAG 2.1 AA and best
//     practice rules);
//   - at 375 px nothing scrolls sideways, the base text is at least 16 px, and the viewport
//     lets people zoom;
//   - HTML + CSS + JS together stay under the page budget, the HTML and its CSS/JS come
//     compressed when the browser asks for it, and no request leaves the test server;
//   - screenshots at 1280 px and 375 px go to the results folder for a person to look at.
// A Journey is one test: its pages are checked as it goes (visit, click, submit), failures
// are collected with the page they happened on, and the journey fails if any were found.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const PAGE_BUDGET_BYTES = 60 * 1024; // HTML + CSS + JS, uncompressed
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 740 };

export class Journey {
	constructor(name, ctx) {
		this.name = name;
		this.ctx = ctx; // { server, browser, resultsDir, report }
		this.failures = [];
		this.shot = 0;
		this.contexts = [];
	}

	fail(message) {
		this.failures.push(message);
	}

	// Something a person should know that does not fail the journey (shown in the summary).
	note(message) {
		this.ctx.report.notes.push(`${this.name}: ${message}`);
	}

	check(condition, message) {
		if (!condition)
			this.fail(message);
		return !!condition;
	}

	// A hard assertion: the journey cannot go on without it.
	must(condition, message) {
		if (!condition)
			throw new Error(message);
	}

	// A new browser window of its own (cookies apart), e.g. a second member. Every request it
	// makes is watched: anything not sent to the test server is a failure.
	async newPage(who) {
		const context = await this.ctx.browser.newContext({ viewport: DESKTOP, locale: 'en-US',
			timezoneId: 'America/New_York', acceptDownloads: true });
		const base = new URL(this.ctx.server.base);
		const watch = { who, documents: new Map(), visited: new Set(), checked: new Set() };
		context.on('request', (req) => {
			const url = req.url();
			if (url.startsWith('data:') || url.startsWith('blob:'))
				return;
			if (new URL(url).origin !== base.origin)
				this.fail(`${who}: a request left the site: ${url}`);
		});
		context.on('response', (res) => {
			if (res.request().resourceType() === 'document')
				watch.documents.set(res.url(), res);
		});
		const page = await context.newPage();
		page.on('framenavigated', (frame) => {
			if (frame === page.mainFrame())
				watch.visited.add(stripQuery(frame.url()));
		});
		page.on('pageerror', (err) => this.fail(`${who}: a script failed on ${page.url()}: ${err.message}`));
		page.on('console', (msg) => {
			if (msg.type() === 'error' && /Content Security Policy/.test(msg.text()))
				this.fail(`${who}: CSP refused something on ${page.url()}: ${msg.text()}`);
		});
		page.watch = watch;
		page.who = who;
		this.contexts.push(context);
		return page;
	}

	async close() {
		for (const c of this.contexts)
			await c.close().catch(() => {});
		this.contexts = [];
	}

	url(p) {
		return this.ctx.server.base + p;
	}

	// Goes to a path and checks the page it lands on.
	async visit(page, p, label) {
		const res = await page.goto(this.url(p));
		this.must(res, `${page.who}: no response for ${p}`);
		await this.checkPage(page, label);
		return res;
	}

	// Clicks something that loads a new page (a link or a submit button) and checks it.
	async follow(page, locator, label) {
		await Promise.all([page.waitForEvent('load'), locator.click()]);
		await this.checkPage(page, label);
	}

	// The same with a key press on what has focus (keyboard-only journeys).
	async pressAndLoad(page, key, label) {
		await Promise.all([page.waitForEvent('load'), page.keyboard.press(key)]);
		await this.checkPage(page, label);
	}

	async checkPage(page, label) {
		await page.waitForLoadState('load');
		const where = `${page.who} on ${label} (${stripQuery(page.url()).replace(this.ctx.server.base, '')})`;
		page.watch.checked.add(stripQuery(page.url()));
		await this.checkAxe(page, where, label);
		await this.checkWeight(page, where, label);
		await this.screenshots(page, where, label);
	}

	async checkAxe(page, where, label) {
		if (!(await page.evaluate(() => typeof window.axe !== 'undefined')))
			await page.evaluate(AXE_SOURCE); // through the debugging protocol: CSP stays on
		const result = await page.evaluate(async () => {
			const r = await window.axe.run(document, { resultTypes: ['violations'] });
			return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
				nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })) }));
		});
		this.ctx.report.axe.push({ journey: this.name, page: label, url: stripQuery(page.url()), violations: result });
		for (const v of result) {
			if (v.impact === 'serious' || v.impact === 'critical')
				this.fail(`${where}: axe ${v.impact} "${v.id}" (${v.help}) at ` +
					v.nodes.slice(0, 3).map((n) => `${n.target}: ${n.summary}`).join(' | '));
		}
	}

	async checkWeight(page, where, label) {
		const sizes = await page.evaluate(() => {
			const nav = performance.getEntriesByType('navigation')[0];
			const parts = [{ url: location.href, kind: 'html', bytes: nav ? nav.decodedBodySize : 0,
				transfer: nav ? nav.encodedBodySize : 0 }];
			for (const e of performance.getEntriesByType('resource')) {
				const kind = /\.css(\?|$)/.test(e.name) ? 'css' : /\.js(\?|$)/.test(e.name) ? 'js' : 'other';
				parts.push({ url: e.name, kind, bytes: e.decodedBodySize, transfer: e.encodedBodySize });
			}
			return parts;
		});
		const counted = sizes.filter((s) => s.kind !== 'other');
		const total = counted.reduce((n, s) => n + s.bytes, 0);
		const wire = sizes.reduce((n, s) => n + s.transfer, 0);
		this.ctx.report.weight.push({ journey: this.name, page: label, url: stripQuery(page.url()),
			htmlCssJsBytes: total, compressedBytes: wire, requests: sizes.length });
		this.check(total < PAGE_BUDGET_BYTES,
			`${where}: HTML + CSS + JS is ${total} bytes, over the ${PAGE_BUDGET_BYTES}-byte budget`);
		const doc = page.watch.documents.get(page.url());
		if (doc) {
			const bytes = sizes[0].bytes;
			const enc = (await doc.allHeaders())['content-encoding'] || '';
			if (bytes > 1024)
				this.check(/gzip|br|deflate/.test(enc),
					`${where}: the page (${bytes} bytes) was not sent compressed`);
		}
	}

	async screenshots(page, where, label) {
		const n = String(++this.shot).padStart(2, '0');
		const stem = path.join(this.ctx.resultsDir, `${this.name}-${n}-${slug(page.who)}-${slug(label)}`);
		await page.screenshot({ path: `${stem}-1280.png`, fullPage: true });
		await page.setViewportSize(PHONE);
		const phone = await page.evaluate(() => {
			const root = document.documentElement;
			const meta = document.querySelector('meta[name="viewport"]');
			const small = [];
			const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
			for (let t = walker.nextNode(); t && small.length < 3; t = walker.nextNode()) {
				const el = t.parentElement;
				if (!t.textContent.trim() || !el || el.closest('.visually-hidden'))
					continue;
				const size = parseFloat(getComputedStyle(el).fontSize);
				if (size < 13 && el.getClientRects().length)
					small.push(`${el.tagName.toLowerCase()} "${t.textContent.trim().slice(0, 30)}" ${size}px`);
			}
			const wide = [];
			if (root.scrollWidth > root.clientWidth)
				for (const el of document.body.querySelectorAll('*')) {
					const r = el.getBoundingClientRect();
					if (r.right > root.clientWidth + 1 && wide.length < 3 && getComputedStyle(el).position !== 'absolute')
						wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).split(' ')[0] : ''} (right edge ${Math.round(r.right)})`);
				}
			return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide,
				base: parseFloat(getComputedStyle(document.body).fontSize), small,
				viewport: meta ? meta.content : '' };
		});
		this.check(phone.scrollWidth <= phone.clientWidth,
			`${where}: at 375 px the page scrolls sideways (${phone.scrollWidth} > ${phone.clientWidth}): ${phone.wide.join(', ')}`);
		this.check(phone.base >= 16, `${where}: body text is ${phone.base}px, under 16px`);
		this.check(phone.small.length === 0, `${where}: text under 13px: ${phone.small.join(', ')}`);
		this.check(/width=device-width/.test(phone.viewport) && !/user-scalable=no|maximum-scale=1(\.0)?\b/.test(phone.viewport),
			`${where}: the viewport meta tag is "${phone.viewport}" (needs width=device-width, zoom allowed)`);
		await page.screenshot({ path: `${stem}-375.png`, fullPage: true });
		await page.setViewportSize(DESKTOP);
	}

	// Pages reached without a check (e.g. a redirect's target the journey did not stop at) are
	// revisited and checked, so every page a journey visits is checked.
	async checkUnchecked(page) {
		const missed = [...page.watch.visited].filter((u) => !page.watch.checked.has(u) &&
			u.startsWith(this.ctx.server.base) && !/\.(ics|csv)$|\/files\/|\/feed\//.test(u));
		for (const u of missed) {
			const res = await page.goto(u);
			if (res && /text\/html/.test(res.headers()['content-type'] || ''))
				await this.checkPage(page, 'revisit ' + u.replace(this.ctx.server.base, ''));
		}
	}
}

function stripQuery(u) {
	const i = u.search(/[?#]/);
	return i < 0 ? u : u.slice(0, i);
}

function slug(s) {
	return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50);
}

// Signs in through the form, as a person would.
export async function signIn(t, page, email, password, label = 'sign in') {
	await t.visit(page, '/login', label);
	await page.getByLabel('Email address').fill(email);
	await page.getByLabel('Password').fill(password);
	await t.follow(page, page.getByRole('main').getByRole('button', { name: 'Sign in' }), 'after sign in');
}

export async function signOut(t, page) {
	await t.follow(page, page.getByRole('button', { name: /Sign out/ }), 'signed out');
}

// The text of <main>, whitespace squeezed: what a person reads on the page.
export async function mainText(page) {
	return (await page.locator('main').innerText()).replace(/\s+/g, ' ');
}
