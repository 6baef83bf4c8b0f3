// Journey 4: a member asks a question on the board; another member, in a second browser,
// sees it appear live on the board page they have open and answers; the answer appears live on the asker's open thread page (Server-Sent
// Events, no reload), and the asker marks it as the answer.
import { mainText, signIn } from '../lib/harness.js';

export const title = 'ask on the board, another member answers, the reply appears live, the asker marks it';

export async function run(t) {
	const { asker, answerer } = t.ctx.fixtures.members;
	const question = 'How do you schedule running records for a whole grade?';
	const answerText = 'We rotate five students a day during centres, so each child is seen every two weeks.';

	const pat = await t.newPage('answerer');
	await signIn(t, pat, answerer.email, answerer.password);
	await t.follow(pat, pat.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Discussions' }), 'board');

	const kim = await t.newPage('asker');
	await signIn(t, kim, asker.email, asker.password);
	await t.follow(kim, kim.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Discussions' }), 'board (asker)');
	await t.follow(kim, kim.getByRole('main').getByRole('link', { name: /Start a discussion/ }).first(), 'new discussion form');
	// Posting with no message first: the form says what is missing.
	await kim.getByLabel('Title').fill(question);
	await t.follow(kim, kim.getByRole('button', { name: 'Post' }), 'new discussion with errors');
	t.check((await kim.getByLabel('Message').getAttribute('aria-invalid')) === 'true', 'the empty message is not marked invalid');
	await kim.getByLabel('Message').fill('Our grade 2 team has 80 children and one reading specialist. **How** do you fit them in?');
	await kim.getByLabel(/This is a question/).check();
	await t.follow(kim, kim.getByRole('button', { name: 'Post' }), 'question posted');
	t.must(await kim.getByRole('heading', { level: 1, name: question }).isVisible(), 'posting did not show the question');
	const threadPath = new URL(kim.url()).pathname;

	// The board Pat has open all along: the question appears without a reload, and is announced.
	const live = await pat.getByRole('link', { name: question }).waitFor({ timeout: 10000 }).then(() => true, () => false);
	t.must(live, 'the question did not appear live on the board the answerer has open');
	t.check(/New discussion/.test(await pat.locator('.live-status').innerText()), 'the live region does not announce the new discussion');
	await t.checkPage(pat, 'board with the question, live');
	await t.follow(pat, pat.getByRole('link', { name: question }), 'question (answerer)');
	await pat.getByLabel('Reply', { exact: true }).fill(answerText);
	await t.follow(pat, pat.getByRole('button', { name: 'Post reply' }), 'answer posted');

	// Kim's page, open all along, shows the reply without a reload and says so politely.
	t.check(new URL(kim.url()).pathname === threadPath, 'the asker left the thread page');
	const appeared = await kim.getByText(answerText).waitFor({ timeout: 10000 }).then(() => true, () => false);
	t.must(appeared, 'the answer did not appear live on the asker\'s open thread page');
	t.check(/1 new reply/.test(await kim.locator('.live-status').innerText()), 'the live region does not announce the new reply');
	await t.checkPage(kim, 'question with the live answer');
	const reply = kim.locator('article', { hasText: answerText });
	await t.follow(kim, reply.getByRole('button', { name: 'Mark as the answer' }), 'answer marked');
	const accepted = kim.getByRole('region', { name: 'Accepted answer' });
	t.check(await accepted.isVisible() && (await accepted.innerText()).includes(answerText),
		'the accepted answer is not shown first');

	await t.visit(pat, threadPath, 'answered question (answerer)');
	t.check(/Accepted answer/.test(await mainText(pat)), 'the answerer does not see the answer accepted');
	await t.visit(pat, '/board', 'board with the answered question');
	t.check(/Answered/.test(await pat.locator('li', { hasText: question }).first().innerText()),
		'the board does not show the question as answered');
	await t.checkUnchecked(kim);
	await t.checkUnchecked(pat);
}
