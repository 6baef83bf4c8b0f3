// Journey 1: a newcomer registers, sees the waiting page; an admin approves them; they log in.
import { mainText, signIn, signOut } from '../lib/harness.js';
import { ADMIN } from '../lib/server.js';

export const title = 'a newcomer registers, waits, is approved by an admin and signs in';

export async function run(t) {
	const newcomer = { name: 'Rosa Delgado', email: 'rosa.delgado@hillcrest.test', password: 'rosa-password-22' };
	const page = await t.newPage('newcomer');
	await t.visit(page, '/', 'start page');
	await t.follow(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Register' }), 'register form');

	// A first try with mistakes: the form says what is wrong, field by field.
	await page.getByLabel('Your name').fill(newcomer.name);
	await page.getByLabel('Email address').fill('not-an-email');
	await t.follow(page, page.getByRole('main').getByRole('button', { name: 'Register' }), 'register form with errors');
	const summary = page.locator('.error-summary');
	t.check(await summary.isVisible(), 'the register form shows no error summary');
	t.check((await summary.getAttribute('role')) === 'alert', 'the error summary is not role="alert"');
	const email = page.getByLabel('Email address');
	t.check((await email.getAttribute('aria-invalid')) === 'true', 'the bad email field is not aria-invalid');
	const described = await email.getAttribute('aria-describedby');
	t.check(described && (await page.locator('#' + described).innerText()).length > 0,
		'the bad email field is not described by its error message');
	t.check((await page.getByLabel('Your name').inputValue()) === newcomer.name, 'the form forgot the name typed');

	await email.fill(newcomer.email);
	await page.getByLabel('Job title').fill('Assistant Principal');
	await page.getByLabel('Your school').selectOption({ label: 'Hillcrest Elementary, Springfield' });
	await page.getByLabel(/Choose a password/).fill(newcomer.password);
	await t.follow(page, page.getByRole('main').getByRole('button', { name: 'Register' }), 'waiting for approval');
	t.must(/Waiting for approval/.test(await mainText(page)), 'after registering the waiting page is not shown');
	t.check((await mainText(page)).includes(newcomer.email), 'the waiting page does not repeat the email registered');
	// While waiting, member pages send them back to the waiting page.
	await t.visit(page, '/communities', 'communities while pending');
	t.check(/Waiting for approval/.test(await mainText(page)), 'a pending account reached the directory');
	await signOut(t, page);

	const admin = await t.newPage('admin');
	await signIn(t, admin, ADMIN.email, ADMIN.password);
	await t.visit(admin, '/admin', 'admin dashboard');
	await t.follow(admin, admin.getByRole('link', { name: /waiting for approval/ }), 'approval queue');
	const row = admin.getByRole('row', { name: new RegExp(newcomer.name) });
	t.must(await row.count() === 1, 'the registration is not in the approval queue');
	t.check(/Hillcrest Elementary/.test(await row.innerText()), 'the queue does not show the school');
	await t.follow(admin, row.getByRole('button', { name: 'Approve' }), 'approved');
	t.check(/approved/.test(await mainText(admin)), 'no confirmation after approving');
	t.check(/No one is waiting/.test(await mainText(admin)), 'the queue still lists the approved registration');

	await signIn(t, page, newcomer.email, newcomer.password, 'sign in after approval');
	t.must(new URL(page.url()).pathname === '/home', `after approval, sign-in lands on ${page.url()}, not the member home`);
	t.check(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Communities' }).isVisible(),
		'the approved member does not see the Communities link');
	await t.checkUnchecked(page);
	await t.checkUnchecked(admin);
}
