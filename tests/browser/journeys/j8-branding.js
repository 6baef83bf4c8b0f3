// The association's look: an admin sets its name, logo and accent colour; a colour that would
// make text hard to read is refused with the contrast found; every page, the public sign-in
// page included, then shows the name and logo and uses the colour.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { mainText, signIn } from '../lib/harness.js';
import { ADMIN } from '../lib/server.js';

export const title = 'an admin sets the name, logo and accent colour (too-light colours refused); every page shows them';

// A small PNG logo drawn here: a burgundy badge with a white bar, 120 x 40 pixels.
function logoPng() {
	const w = 120, h = 40;
	const raw = Buffer.alloc((w * 4 + 1) * h);
	for (let y = 0; y < h; y++) {
		raw[y * (w * 4 + 1)] = 0; // no filter
		for (let x = 0; x < w; x++) {
			const o = y * (w * 4 + 1) + 1 + x * 4;
			const bar = y > 16 && y < 24 && x > 20 && x < 100;
			raw[o] = bar ? 255 : 122; raw[o + 1] = bar ? 255 : 32; raw[o + 2] = bar ? 255 : 72; raw[o + 3] = 255;
		}
	}
	const chunk = (type, data) => {
		const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
		const td = Buffer.concat([Buffer.from(type), data]);
		const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(td));
		return Buffer.concat([len, td, crc]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 6;
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
		chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

async function looksBranded(t, page, name, where) {
	const brand = page.locator('header .brand');
	t.check((await brand.innerText()).trim() === name, `${where}: the header says "${await brand.innerText()}", not "${name}"`);
	t.check((await page.title()).endsWith(name), `${where}: the title "${await page.title()}" does not end with the name`);
	const logo = brand.locator('img');
	t.check(await logo.count() === 1 && await logo.evaluate((img) => img.complete && img.naturalWidth === 120),
		`${where}: the logo is not shown`);
	const colours = await page.evaluate(() => ({
		header: getComputedStyle(document.querySelector('.site-header')).backgroundColor,
		accent: getComputedStyle(document.documentElement).getPropertyValue('--accent').trim(),
	}));
	t.check(colours.accent === '#7a2048', `${where}: the accent is ${colours.accent}, not #7a2048`);
	t.check(colours.header === 'rgb(91, 24, 54)', `${where}: the header is ${colours.header}, not the darker accent`);
}

export async function run(t) {
	const name = 'Capital Schools Collaborative';
	const logoFile = path.join(t.ctx.resultsDir, 'test-logo.png');
	fs.writeFileSync(logoFile, logoPng());

	const admin = await t.newPage('admin');
	await signIn(t, admin, ADMIN.email, ADMIN.password);
	await t.visit(admin, '/admin', 'admin dashboard');
	await t.follow(admin, admin.getByRole('link', { name: 'Name, logo and accent colour' }), 'branding form');

	// A yellow that white text cannot be read on: refused, with the contrast it has.
	await admin.getByLabel("The association's name").fill(name);
	await admin.getByLabel(/^Accent colour/).fill('#f2b600');
	await t.follow(admin, admin.getByRole('button', { name: 'Save' }), 'branding refused');
	const accent = admin.getByLabel(/^Accent colour/);
	t.check((await accent.getAttribute('aria-invalid')) === 'true', 'the too-light colour is not marked invalid');
	t.check(/contrast of only [0-9.]+:1/.test(await mainText(admin)), 'the refusal does not give the contrast found');
	t.check(await admin.locator('.error-summary').isVisible(), 'no error summary for the refused colour');
	t.check((await admin.getByLabel("The association's name").inputValue()) === name, 'the form forgot the name');
	t.check(!(await admin.locator('header .brand').innerText()).includes(name), 'a refused form still changed the name');

	await accent.fill('#7a2048');
	await admin.getByLabel(/^Logo/).setInputFiles(logoFile);
	await t.follow(admin, admin.getByRole('button', { name: 'Save' }), 'branding saved');
	t.check(/look was saved/.test(await mainText(admin)), 'no confirmation after saving the look');
	await looksBranded(t, admin, name, 'admin after saving');

	// Everyone sees it, signed in or not.
	const visitor = await t.newPage('visitor');
	await t.visit(visitor, '/login', 'sign-in page, branded');
	await looksBranded(t, visitor, name, 'the public sign-in page');
	const { reader } = t.ctx.fixtures.members;
	await signIn(t, visitor, reader.email, reader.password, 'member sign in, branded');
	await looksBranded(t, visitor, name, 'the member home');
	await t.visit(visitor, '/pd-hours', 'PD hours, branded');
	await t.visit(visitor, `/pd-hours/certificate?year=${t.ctx.fixtures.year}`, 'certificate, branded');
	t.check((await visitor.locator('.certificate').innerText()).includes(name), 'the certificate does not name the association');
	await t.checkUnchecked(admin);
	await t.checkUnchecked(visitor);
}
