// Practica's browser test suite: starts a real `practica serve` on a fresh database, drives
// Debian's Chromium (headless, through playwright-core) through the journeys a person makes,
// checks every page on the way (accessibility, phones, page weight, third-party requests),
// writes screenshots and reports to the results folder, and ends with "N passed, N failed".
//
//   node run.js [JOURNEY...]      PRACTICA_BIN=path/to/practica (default build/release/practica)
//   PRACTICA_KEEP_TMP=1 keeps the temporary directory with the database and server log.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { Journey } from './lib/harness.js';
import { Server } from './lib/server.js';
import { setUp } from './lib/fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const bin = path.resolve(root, process.env.PRACTICA_BIN || 'build/release/practica');
const resultsDir = path.resolve(here, process.env.RESULTS_DIR || 'results');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

const journeyFiles = fs.readdirSync(path.join(here, 'journeys')).filter((f) => f.endsWith('.js')).sort();
const wanted = process.argv.slice(2);

async function main() {
	fs.rmSync(resultsDir, { recursive: true, force: true });
	fs.mkdirSync(resultsDir, { recursive: true });
	const server = new Server(bin);
	server.init();
	const fixtures = setUp(server);
	await server.start();
	const browser = await chromium.launch({ executablePath: chromiumPath, headless: true,
		// The sandbox needs user namespaces, which containers and CI runners as root lack.
		args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'] });
	const report = { axe: [], weight: [], journeys: [], notes: [] };
	let passed = 0, failed = 0;
	const started = Date.now();
	for (const file of journeyFiles) {
		const mod = await import(path.join(here, 'journeys', file));
		const name = file.replace(/\.js$/, '');
		if (wanted.length && !wanted.some((w) => name.includes(w)))
			continue;
		const t = new Journey(name, { server, browser, resultsDir, report, fixtures });
		const t0 = Date.now();
		let error = null;
		try {
			await mod.run(t);
		} catch (e) {
			error = e;
		}
		await t.close();
		const seconds = ((Date.now() - t0) / 1000).toFixed(1);
		if (error)
			t.fail(`stopped: ${error.message.split('\n')[0]}`);
		if (t.failures.length === 0) {
			passed++;
			console.log(`PASS ${name}: ${mod.title} (${seconds} s)`);
		} else {
			failed++;
			console.log(`FAIL ${name}: ${mod.title} (${seconds} s)`);
			for (const f of t.failures)
				console.log(`    ${f}`);
			if (error && process.env.VERBOSE)
				console.log(error.stack);
		}
		report.journeys.push({ name, title: mod.title, seconds: Number(seconds), failures: t.failures });
	}
	await browser.close();
	const clean = await server.stop();
	if (!clean) {
		failed++;
		console.log('FAIL server: it did not stop cleanly; its log:\n' + server.log());
	}
	writeReports(report);
	server.cleanup();
	console.log(`browser suite: ${((Date.now() - started) / 1000).toFixed(0)} s; screenshots and reports in ${path.relative(root, resultsDir)}/`);
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}

function writeReports(report) {
	fs.writeFileSync(path.join(resultsDir, 'axe.json'), JSON.stringify(report.axe, null, 1));
	fs.writeFileSync(path.join(resultsDir, 'weight.json'), JSON.stringify(report.weight, null, 1));
	const byImpact = {};
	for (const p of report.axe)
		for (const v of p.violations)
			byImpact[v.impact] = (byImpact[v.impact] || 0) + 1;
	const heaviest = [...report.weight].sort((a, b) => b.htmlCssJsBytes - a.htmlCssJsBytes)[0];
	const lines = [
		`pages checked: ${report.axe.length}`,
		`axe violations by impact (pages x rules): ${JSON.stringify(byImpact)}`,
		...report.notes.map((n) => `note: ${n}`),
		heaviest ? `heaviest page: ${heaviest.url} ${heaviest.htmlCssJsBytes} bytes HTML+CSS+JS, ${heaviest.compressedBytes} bytes on the wire, ${heaviest.requests} requests` : '',
	];
	fs.writeFileSync(path.join(resultsDir, 'summary.txt'), lines.join('\n') + '\n');
	for (const l of lines)
		if (l)
			console.log(l);
}

main().catch((e) => {
	console.log(`FAIL suite: ${e.stack || e}`);
	console.log('0 passed, 1 failed');
	process.exit(1);
});
