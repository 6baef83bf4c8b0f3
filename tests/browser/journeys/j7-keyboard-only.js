// Journey 3 again, with the keyboard only: Tab, Shift+Tab, Enter, Space and typing, no mouse.
// On the way: the "Skip to content" link is the first stop and moves focus to the page's
// content, and every element that takes focus shows it visibly.
import { mainText } from '../lib/harness.js';

export const title = 'keyboard only: skip link, sign in, RSVP, meeting sign-in with the code, PD hours';

// What has focus, as a person would name it, and whether the focus is visible.
async function focused(page) {
	return page.evaluate(() => {
		const el = document.activeElement;
		if (!el || el === document.body)
			return { name: '', visible: true, tag: 'body' };
		const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
		const name = (el.getAttribute('aria-label') || label || el.innerText || el.value || '').trim().replace(/\s+/g, ' ');
		const cs = getComputedStyle(el);
		const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
		const r = el.getBoundingClientRect();
		return { name, tag: el.tagName.toLowerCase(), id: el.id,
			visible: (outline || cs.boxShadow !== 'none') && r.width > 0 && r.height > 0 };
	});
}

// Presses Tab until what has focus matches; fails the journey if it never does.
async function tabTo(t, page, pattern, limit = 40) {
	for (let i = 0; i < limit; i++) {
		await page.keyboard.press('Tab');
		const f = await focused(page);
		t.check(f.visible, `${page.who}: focus on ${f.tag} "${f.name}" (${page.url()}) is not visible`);
		if (pattern.test(f.name))
			return f;
	}
	throw new Error(`${limit} Tab presses on ${page.url()} never reached ${pattern}`);
}

// From the top of a page: Tab to the skip link, Enter, and focus is on <main>.
async function skipToContent(t, page) {
	await page.evaluate(() => document.activeElement && document.activeElement.blur());
	await page.keyboard.press('Tab');
	const first = await focused(page);
	t.check(first.name === 'Skip to content', `the first Tab stop on ${page.url()} is "${first.name}", not the skip link`);
	const onScreen = await page.evaluate(() => {
		const r = document.activeElement.getBoundingClientRect();
		return r.left >= 0 && r.top >= 0 && r.width > 0;
	});
	t.check(onScreen, 'the skip link does not appear on screen when it has focus');
	await page.keyboard.press('Enter');
	const f = await focused(page);
	t.check(f.id === 'main', `after the skip link, focus is on ${f.tag} "${f.name}", not the content`);
}

export async function run(t) {
	const { keyboard } = t.ctx.fixtures.members;
	const code = t.ctx.server.sqlValue(`SELECT signin_code FROM meetings WHERE id = ${t.ctx.fixtures.meeting}`);
	const page = await t.newPage('keyboard user');
	await t.visit(page, '/login', 'sign in (keyboard)');
	await skipToContent(t, page);
	await tabTo(t, page, /^Email address$/);
	await page.keyboard.type(keyboard.email);
	await tabTo(t, page, /^Password$/);
	await page.keyboard.type('wrong password!');
	await t.pressAndLoad(page, 'Enter', 'sign in refused (keyboard)');
	t.check(/do not match/.test(await mainText(page)), 'a wrong password gives no message');
	await skipToContent(t, page);
	await tabTo(t, page, /^Password$/);
	await page.keyboard.type(keyboard.password);
	await t.pressAndLoad(page, 'Enter', 'home (keyboard)');
	t.must(new URL(page.url()).pathname === '/home', `keyboard sign-in landed on ${page.url()}`);

	await skipToContent(t, page);
	await tabTo(t, page, /^Literacy Deep Dive$/);
	await t.pressAndLoad(page, 'Enter', 'community (keyboard)');
	await skipToContent(t, page);
	await tabTo(t, page, /Assessment that guides instruction/);
	await t.pressAndLoad(page, 'Enter', 'meeting (keyboard)');
	await skipToContent(t, page);
	await tabTo(t, page, /^I'm going$/);
	await t.pressAndLoad(page, ' ', 'after RSVP (keyboard)');
	t.check(/you are going/.test(await mainText(page)), 'the RSVP made with Space was not saved');
	await skipToContent(t, page);
	await tabTo(t, page, /^Sign in to this meeting$/);
	await t.pressAndLoad(page, 'Enter', 'meeting sign-in (keyboard)');
	await skipToContent(t, page);
	await tabTo(t, page, /^Meeting code/);
	await page.keyboard.type(code);
	await t.pressAndLoad(page, 'Enter', 'signed in to the meeting (keyboard)');
	t.check(/You are signed in to this meeting/.test(await mainText(page)), 'the code typed on the keyboard did not sign in');

	await page.evaluate(() => document.activeElement && document.activeElement.blur());
	await tabTo(t, page, /^PD hours$/);
	await t.pressAndLoad(page, 'Enter', 'PD hours (keyboard)');
	t.check((await mainText(page)).includes('Assessment that guides instruction'), 'PD hours do not list the meeting');
	// The sign-out button in the header works with Enter too.
	await page.evaluate(() => document.activeElement && document.activeElement.blur());
	await tabTo(t, page, /^Sign out/);
	await t.pressAndLoad(page, 'Enter', 'signed out (keyboard)');
	t.check(/You are signed out/.test(await mainText(page)), 'Sign out by keyboard did not sign out');
	await t.checkUnchecked(page);
}
