// Journey 3: a member RSVPs to a meeting, adds it to their calendar (the .ics file), signs in
// with the code the facilitator shows during the meeting, and later sees their PD hours.
import fs from 'node:fs';
import { mainText, signIn } from '../lib/harness.js';

export const title = 'RSVP, .ics, sign in with the meeting code, PD hours and certificate';

// The page as printed: a screenshot in print media, without the header and navigation.
async function printed(t, page, what) {
	await page.emulateMedia({ media: 'print' });
	await page.screenshot({ path: `${t.ctx.resultsDir}/${t.name}-${what}-print.png`, fullPage: true });
	t.check(!(await page.locator('.site-header').isVisible()), `the printed ${what} shows the site header`);
	t.check(!(await page.locator('.site-footer').isVisible()), `the printed ${what} shows the site footer`);
	await page.emulateMedia({ media: 'screen' });
}

export async function run(t) {
	const { reader, facilitator } = t.ctx.fixtures.members;
	const meetingTitle = 'Assessment that guides instruction';
	const page = await t.newPage('member');
	await signIn(t, page, reader.email, reader.password);
	t.check(/Literacy Deep Dive/.test(await mainText(page)), 'the member home does not list the member\'s community');
	await t.follow(page, page.getByRole('main').getByRole('link', { name: 'Literacy Deep Dive' }).first(), 'community page');
	await t.follow(page, page.getByRole('link', { name: meetingTitle }).first(), 'meeting page');
	const attendance = page.getByRole('region', { name: 'Attendance' });
	await t.follow(page, attendance.getByRole('button', { name: "I'm going" }), 'after RSVP');
	t.check(/you are going/.test(await mainText(page)), 'no confirmation of the RSVP');
	t.check((await page.getByRole('region', { name: 'Attendance' }).getByRole('button', { name: "I'm going" })
		.getAttribute('aria-pressed')) === 'true', 'the chosen answer is not marked pressed');

	// Add to calendar: the .ics file is a real calendar event for this meeting.
	const [download] = await Promise.all([page.waitForEvent('download'),
		page.getByRole('link', { name: /Add to calendar/ }).click()]);
	const ics = fs.readFileSync(await download.path(), 'utf8');
	t.check(/^BEGIN:VCALENDAR/.test(ics) && /BEGIN:VEVENT/.test(ics), 'the .ics download is not a calendar');
	t.check(ics.includes(`SUMMARY:${meetingTitle}`) || ics.replace(/\r\n[ \t]/g, '').includes(meetingTitle),
		'the .ics event does not carry the meeting title');
	t.check(/\.ics$/.test(download.suggestedFilename()), `the download is named ${download.suggestedFilename()}`);

	// The facilitator puts the code on the screen.
	const screen = await t.newPage('facilitator');
	await signIn(t, screen, facilitator.email, facilitator.password);
	await t.visit(screen, new URL(page.url()).pathname, 'meeting page (facilitator)');
	await t.follow(screen, screen.getByRole('link', { name: /Show the sign-in code/ }), 'sign-in code screen');
	const code = (await screen.locator('.signin-code').innerText()).trim();
	t.must(/^[A-Z0-9]{6}$/.test(code), `the code screen shows "${code}", not a code`);
	t.check(await screen.locator('svg, img').first().isVisible(), 'the code screen has no QR code');

	// Printed pages: the sign-in sheet and the agenda print without the site's header.
	await t.visit(screen, new URL(page.url()).pathname, 'meeting page (facilitator, again)');
	await t.follow(screen, screen.getByRole('link', { name: 'Printable sign-in sheet' }), 'sign-in sheet');
	await printed(t, screen, 'sign-in-sheet');
	await t.follow(page, page.getByRole('link', { name: 'Printable agenda' }), 'printable agenda');
	await printed(t, page, 'agenda');
	await page.goBack();

	await t.follow(page, page.getByRole('link', { name: 'Sign in to this meeting' }), 'meeting sign-in form');
	await page.getByLabel(/Meeting code/).fill('WRONG1');
	await t.follow(page, page.getByRole('main').getByRole('button', { name: 'Sign in' }), 'sign-in with a wrong code');
	const field = page.getByLabel(/Meeting code/);
	t.check((await field.getAttribute('aria-invalid')) === 'true', 'a wrong code does not mark the field invalid');
	t.check(await page.locator('.error-summary[role="alert"]').isVisible(), 'a wrong code shows no error summary');
	await field.fill(code.toLowerCase());
	await t.follow(page, page.getByRole('main').getByRole('button', { name: 'Sign in' }), 'signed in to the meeting');
	t.check(/You are signed in to this meeting/.test(await mainText(page)), 'no confirmation of the meeting sign-in');
	t.check(/You attended this meeting/.test(await mainText(page)), 'the meeting page does not show attendance');

	await t.follow(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'PD hours' }), 'PD hours');
	const pd = await mainText(page);
	t.check(pd.includes(meetingTitle), 'the PD hours page does not list the attended meeting');
	t.check(/\b1(\.0+)? hours?\b/.test(pd), `the PD hours page does not count the hour: ${pd.slice(0, 300)}`);
	await t.follow(page, page.getByRole('link', { name: /Certificate for/ }).first(), 'PD certificate');
	t.check((await mainText(page)).includes(reader.name), 'the certificate does not name the member');
	await printed(t, page, 'certificate');
	await t.checkUnchecked(page);
	await t.checkUnchecked(screen);
}
