// Journey 5: a facilitator uploads a meeting's material and writes its highlights; a member
// finds the document with the search box by a word that is only inside the file, and
// downloads it (the same bytes).
import fs from 'node:fs';
import path from 'node:path';
import { mainText, signIn } from '../lib/harness.js';
import { makePdf } from '../lib/pdf.js';

export const title = 'a facilitator shares a material and highlights; a member finds it by a word inside and downloads it';

export async function run(t) {
	const { facilitator, reader } = t.ctx.fixtures.members;
	const meeting = t.ctx.fixtures.meeting;
	const word = 'Elkonin';
	const pdf = makePdf(['Week 3 handout: hearing sounds', `${word} boxes help children hear each sound in a word.`]);
	const file = path.join(t.ctx.resultsDir, 'week-3-handout.pdf');
	fs.writeFileSync(file, pdf);

	const lee = await t.newPage('facilitator');
	await signIn(t, lee, facilitator.email, facilitator.password);
	await t.visit(lee, `/meetings/${meeting}`, 'meeting page (facilitator)');
	// Adding with no file first: the form says so.
	await lee.getByLabel(/^Title \(the file/).fill('Week 3 handout');
	await t.follow(lee, lee.getByRole('button', { name: 'Add material' }), 'material form with errors');
	t.check(await lee.locator('[aria-invalid="true"]').count() > 0, 'a material without a file marks no field invalid');
	await lee.getByLabel(/^Title \(the file/).fill('Week 3 handout');
	await lee.getByLabel(/^File \(PDF/).setInputFiles(file);
	await t.follow(lee, lee.getByRole('button', { name: 'Add material' }), 'material added');
	t.check(/The material was added/.test(await mainText(lee)), 'no confirmation after adding the material');
	if (!/\/meetings\//.test(lee.url()))
		await t.visit(lee, `/meetings/${meeting}`, 'meeting page with material (facilitator)');
	await lee.getByRole('textbox', { name: 'Highlights', exact: true }).fill('We practised **segmenting** with sound boxes.\n\n- next time: bring a running record');
	await t.follow(lee, lee.getByRole('button', { name: 'Save highlights' }), 'highlights saved');
	t.check(/The highlights were saved/.test(await mainText(lee)), 'no confirmation after saving highlights');

	const jo = await t.newPage('member');
	await signIn(t, jo, reader.email, reader.password);
	const search = async (q, label) => {
		await jo.getByRole('search', { name: 'Search the site' }).getByRole('searchbox').fill(q);
		await t.pressAndLoad(jo, 'Enter', label);
		return mainText(jo);
	};
	// The highlights are searchable...
	t.check(/Assessment that guides instruction/.test(await search('segmenting', 'search for a word in the highlights')),
		'searching a word of the highlights does not find the meeting');
	// ...and so is the file, by a word only inside it (not in its title, the meeting or the highlights).
	const results = await search(word, 'search for a word in the file');
	t.must(/Week 3 handout/.test(results), `searching "${word}", a word only inside the PDF, does not find it: ${results.slice(0, 300)}`);
	const hit = jo.getByRole('main').getByRole('link', { name: /Week 3 handout/ }).first();
	const href = await hit.getAttribute('href');
	let download;
	if (/^\/files\//.test(href || '')) {
		[download] = await Promise.all([jo.waitForEvent('download'), hit.click()]);
	} else {
		await t.follow(jo, hit, 'search hit');
		[download] = await Promise.all([jo.waitForEvent('download'),
			jo.getByRole('main').getByRole('link', { name: /Week 3 handout/ }).first().click()]);
	}
	const got = fs.readFileSync(await download.path());
	t.check(got.equals(pdf), `the download is ${got.length} bytes, not the ${pdf.length} uploaded`);
	await t.visit(jo, `/meetings/${meeting}`, 'meeting with materials and highlights');
	t.check(/segmenting/.test(await mainText(jo)), 'the member does not see the highlights');
	await t.checkUnchecked(lee);
	await t.checkUnchecked(jo);
}
