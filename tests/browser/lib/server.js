// A real `practica serve` for the browser tests: a fresh temporary directory and database
// (practica init), a free port (the server writes it to a port file), and direct database
// access through the sqlite3 command-line tool, for setting up and checking state.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ADMIN = { email: 'admin@practica.test', name: 'Ada Admin', password: 'admin-password-1' };
export const TIMEZONE = 'America/New_York';

export class Server {
	constructor(bin) {
		this.bin = bin;
		this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'practica-browser-'));
		this.db = path.join(this.dir, 'practica.db');
		this.portFile = path.join(this.dir, 'port');
		this.logFile = path.join(this.dir, 'server.log');
		this.proc = null;
		this.base = null;
	}

	practica(args, input) {
		return execFileSync(this.bin, args, { input: input ?? '', encoding: 'utf8',
			env: { ...process.env, TZ: TIMEZONE } });
	}

	init() {
		this.practica(['init', '--db', this.db, '--admin-email', ADMIN.email, '--admin-name', ADMIN.name,
			'--password-stdin'], ADMIN.password + '\n');
	}

	// An approved member of the named school, added with the command-line tool.
	addMember(email, name, school, password) {
		this.practica(['user', 'add', '--db', this.db, '--email', email, '--name', name,
			'--job-title', 'Principal', '--school', school, '--password-stdin'], password + '\n');
	}

	// Runs SQL (bound values are written as SQL literals by the caller's lit()) and returns
	// the rows as arrays of strings.
	sql(statement) {
		const out = execFileSync('sqlite3', ['-batch', '-separator', '\t', '-cmd', '.timeout 5000',
			this.db, statement], { encoding: 'utf8' });
		return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
	}

	sqlValue(statement) {
		const rows = this.sql(statement);
		return rows.length ? rows[0][0] : null;
	}

	async start() {
		const log = fs.openSync(this.logFile, 'a');
		this.proc = spawn(this.bin, ['serve', '--db', this.db, '--listen', '127.0.0.1:0', '--port-file',
			this.portFile, '--access-log', 'off', '--timezone', TIMEZONE],
		{ stdio: ['ignore', log, log], env: { ...process.env, TZ: TIMEZONE } });
		this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
		const deadline = Date.now() + 15000;
		while (Date.now() < deadline) {
			if (this.proc.exitCode !== null)
				throw new Error('the server exited at start-up:\n' + this.log());
			const text = fs.existsSync(this.portFile) ? fs.readFileSync(this.portFile, 'utf8') : '';
			if (text.endsWith('\n')) {
				this.base = `http://127.0.0.1:${parseInt(text, 10)}`;
				return;
			}
			await new Promise((r) => setTimeout(r, 50));
		}
		throw new Error('the server did not write its port file within 15 s');
	}

	log() {
		return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '';
	}

	// SIGTERM and wait; resolves to true when it stopped cleanly.
	async stop() {
		if (!this.proc || this.proc.exitCode !== null)
			return this.proc ? this.proc.exitCode === 0 : true;
		this.proc.kill('SIGTERM');
		const timer = setTimeout(() => this.proc.kill('SIGKILL'), 15000);
		const { code } = await this.exited;
		clearTimeout(timer);
		return code === 0;
	}

	cleanup() {
		if (!process.env.PRACTICA_KEEP_TMP)
			fs.rmSync(this.dir, { recursive: true, force: true });
	}
}

// A SQL literal for a string or number (the tests' own fixed values only).
export function lit(v) {
	if (typeof v === 'number')
		return String(v);
	return "'" + String(v).replaceAll("'", "''") + "'";
}
