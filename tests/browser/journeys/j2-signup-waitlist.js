// Journey 2: a member finds a community in the directory, accepts the commitment and signs up;
// a second member is waitlisted when the seats run out, and promoted when the first withdraws.
import { mainText, signIn } from '../lib/harness.js';

export const title = 'sign up with the commitment; the next member is waitlisted, then promoted';

export async function run(t) {
	const { nurse1, nurse2 } = t.ctx.fixtures.members;
	const maria = await t.newPage('first member');
	await signIn(t, maria, nurse1.email, nurse1.password);
	await t.follow(maria, maria.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Communities' }), 'directory');
	await t.follow(maria, maria.getByRole('link', { name: 'School Nurses Network' }), 'community page');
	const signup = maria.getByRole('region', { name: 'Sign-up' });
	t.check(/1 seat/.test(await signup.innerText()), 'the sign-up box does not say how many seats there are');
	const commit = signup.getByLabel(/I commit to/);
	t.must(await commit.isVisible(), 'no commitment checkbox on an open community');
	await commit.check();
	await t.follow(maria, signup.getByRole('button', { name: 'Sign up' }), 'signed up');
	t.check(/You are signed up/.test(await mainText(maria)), 'no confirmation after signing up');
	t.check(/You are a participant/.test(await maria.getByRole('region', { name: 'Sign-up' }).innerText()),
		'the community page does not say the member is a participant');

	const sam = await t.newPage('second member');
	await signIn(t, sam, nurse2.email, nurse2.password);
	await t.visit(sam, '/communities/school-nurses', 'full community');
	const full = sam.getByRole('region', { name: 'Sign-up' });
	t.check(/Full/.test(await full.innerText()), 'a full community does not say it is full');
	await full.getByLabel(/I commit to/).check();
	await t.follow(sam, full.getByRole('button', { name: 'Join the waitlist' }), 'waitlisted');
	t.check(/on its waitlist/.test(await mainText(sam)), 'no waitlist notice');
	t.check(/number 1 on the waitlist/.test(await sam.getByRole('region', { name: 'Sign-up' }).innerText()),
		'the waitlisted member does not see their place');

	await t.follow(maria, maria.getByRole('region', { name: 'Sign-up' }).getByRole('button', { name: 'Withdraw' }), 'withdrawn');
	t.check(/You have withdrawn/.test(await mainText(maria)), 'no confirmation after withdrawing');

	await t.visit(sam, '/communities/school-nurses', 'promoted');
	t.check(/You are a participant/.test(await sam.getByRole('region', { name: 'Sign-up' }).innerText()),
		'the waitlisted member was not promoted when the seat freed up');
	await t.visit(sam, '/home', 'home after promotion');
	t.check(/School Nurses Network/.test(await mainText(sam)), 'the member home does not list the new community');
	// The header's "My communities" lists it too, on every page.
	const mine = sam.getByRole('navigation', { name: 'Main' }).locator('.my-communities');
	await mine.getByText('My communities').click();
	await sam.screenshot({ path: `${t.ctx.resultsDir}/${t.name}-header-menu-open-1280.png` });
	await sam.setViewportSize({ width: 375, height: 740 });
	await sam.screenshot({ path: `${t.ctx.resultsDir}/${t.name}-header-menu-open-375.png` });
	await sam.setViewportSize({ width: 1280, height: 800 });
	await t.follow(sam, mine.getByRole('link', { name: 'School Nurses Network' }), 'community from the header');
	t.check(new URL(sam.url()).pathname === '/communities/school-nurses', 'the header link did not lead to the community');
	await t.checkUnchecked(maria);
	await t.checkUnchecked(sam);
}
