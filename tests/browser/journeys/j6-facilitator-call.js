// Journey 6: an admin opens a call for facilitator proposals; a member submits a proposal; the
// admin accepts it and the new community appears, with the proposer as its facilitator.
import { isoDay } from '../lib/fixtures.js';
import { mainText, signIn } from '../lib/harness.js';
import { ADMIN } from '../lib/server.js';

export const title = 'an admin opens a call, a member proposes, the admin accepts: a new community';

export async function run(t) {
	const { proposer } = t.ctx.fixtures.members;
	const callTitle = 'Facilitator call for next spring';
	const communityName = 'Restorative Practices Circle';

	const admin = await t.newPage('admin');
	await signIn(t, admin, ADMIN.email, ADMIN.password);
	await t.visit(admin, '/admin', 'admin dashboard');
	await t.follow(admin, admin.getByRole('link', { name: 'Calls for facilitator proposals' }), 'calls admin');
	// Submitting the empty form first: every required field says what it needs.
	await t.follow(admin, admin.getByRole('button', { name: 'Open the call' }), 'call form with errors');
	t.check(await admin.locator('.error-summary').isVisible(), 'the empty call form shows no error summary');
	t.check(await admin.locator('[aria-invalid="true"]').count() > 0, 'the empty call form marks no field invalid');
	await admin.getByLabel('Program year').selectOption({ label: t.ctx.fixtures.yearName });
	await admin.getByLabel(/^Title/).fill(callTitle);
	await admin.getByLabel('Description', { exact: true }).fill('We invite members to propose a **Community of Practice** for the spring.');
	await admin.getByLabel('What facilitators commit to').fill('- attend the orientation\n- facilitate five meetings');
	await admin.getByLabel(/^Stipend/).fill('$7,000');
	await admin.getByLabel(/^Proposals due by/).fill(isoDay(20));
	await t.follow(admin, admin.getByRole('button', { name: 'Open the call' }), 'call opened');
	t.check(/The call for proposals is open/.test(await mainText(admin)), 'no confirmation after opening the call');
	const callPath = new URL(admin.url()).pathname;

	const member = await t.newPage('proposer');
	await signIn(t, member, proposer.email, proposer.password);
	await t.follow(member, member.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Program year' }), 'program year');
	await t.follow(member, member.getByRole('link', { name: callTitle }), 'call page');
	t.check(/\$7,000/.test(await mainText(member)), 'the call page does not show the stipend');
	await member.getByLabel('Title of your Community of Practice').fill(communityName);
	await member.getByLabel('Summary').fill('Circles for staff who lead restorative conversations.');
	await member.getByLabel(/^Who it is for/).fill('Deans of students');
	await member.getByLabel('Objectives').fill('- practise circle facilitation\n- share scripts');
	await member.getByLabel('Format and proposed schedule').fill('Five monthly in-person sessions.');
	await member.getByLabel('Planned final product').fill('A shared handbook of circle scripts.');
	await t.follow(member, member.getByRole('button', { name: 'Submit proposal' }), 'proposal submitted');
	t.check(/Your proposal was submitted/.test(await mainText(member)), 'no confirmation after submitting the proposal');

	await t.visit(admin, callPath, 'call with proposals');
	await t.follow(admin, admin.getByRole('link', { name: communityName }), 'proposal review');
	await admin.getByLabel('Accept').check();
	await admin.getByLabel('Message to the proposer').fill('Welcome aboard: we will be in touch about the orientation.');
	await t.follow(admin, admin.getByRole('button', { name: 'Record the decision' }), 'proposal accepted');
	t.check(/The proposal was accepted/.test(await mainText(admin)), 'no confirmation after accepting');
	t.check(await admin.getByRole('heading', { level: 1, name: communityName }).isVisible(),
		'accepting did not lead to the new community');

	await t.follow(member, member.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Communities' }), 'directory with the new community');
	await t.follow(member, member.getByRole('link', { name: communityName }), 'new community page');
	t.check((await mainText(member)).includes(proposer.name), 'the new community does not name the proposer as facilitator');
	await t.checkUnchecked(admin);
	await t.checkUnchecked(member);
}
