import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { findServer, INSTALL_COMMAND } from '../../src/serverPath';

/** A temporary directory with an executable crossls and a non-executable one. */
function fixture(t: { after(fn: () => void): void }) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crossls-path-'));
	t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
	const mk = (rel: string, mode: number) => {
		const p = path.join(dir, rel);
		fs.mkdirSync(path.dirname(p), { recursive: true });
		fs.writeFileSync(p, '#!/bin/sh\n');
		fs.chmodSync(p, mode);
		return p;
	};
	return { dir, mk };
}

test('the configured path wins over PATH', (t) => {
	const { dir, mk } = fixture(t);
	const configured = mk('custom/crossls-dev', 0o755);
	mk('bin/crossls', 0o755);
	const r = findServer({ configured, env: { PATH: path.join(dir, 'bin') }, platform: 'linux', homedir: dir });
	assert.deepEqual(r, { path: configured });
});

test('a configured path that is not executable is an error naming it', (t) => {
	const { mk } = fixture(t);
	const p = mk('crossls', 0o644);
	const r = findServer({ configured: p, env: {}, platform: 'linux', homedir: '/nonexistent' });
	assert.ok('error' in r);
	assert.match(r.error, /no executable file/);
	assert.ok(r.error.includes(p));
});

test('a relative configured path is refused', () => {
	const r = findServer({ configured: 'bin/crossls', env: {}, platform: 'linux', homedir: '/h', isExecutable: () => true });
	assert.ok('error' in r);
	assert.match(r.error, /absolute path/);
});

test('~ expands to the home directory', () => {
	const r = findServer({ configured: '~/tools/crossls', env: {}, platform: 'linux', homedir: '/home/u', isExecutable: (p) => p === '/home/u/tools/crossls' });
	assert.deepEqual(r, { path: '/home/u/tools/crossls' });
});

test('PATH is searched in order, skipping non-executables and directories', (t) => {
	const { dir, mk } = fixture(t);
	mk('a/crossls', 0o644);
	fs.mkdirSync(path.join(dir, 'b/crossls'), { recursive: true });
	const want = mk('c/crossls', 0o755);
	mk('d/crossls', 0o755);
	const PATH = ['a', 'b', 'c', 'd'].map((d) => path.join(dir, d)).join(':');
	assert.deepEqual(findServer({ configured: '', env: { PATH }, platform: 'linux', homedir: '/nonexistent' }), { path: want });
});

test('falls back to GOBIN, GOPATH/bin and ~/go/bin', () => {
	const base = { configured: '', platform: 'linux' as const, homedir: '/home/u' };
	const only = (want: string) => (p: string) => p === want;
	assert.deepEqual(
		findServer({ ...base, env: { PATH: '/usr/bin', GOBIN: '/gobin' }, isExecutable: only('/gobin/crossls') }),
		{ path: '/gobin/crossls' },
	);
	assert.deepEqual(
		findServer({ ...base, env: { GOPATH: '/gp1:/gp2' }, isExecutable: only('/gp2/bin/crossls') }),
		{ path: '/gp2/bin/crossls' },
	);
	assert.deepEqual(findServer({ ...base, env: {}, isExecutable: only('/home/u/go/bin/crossls') }), { path: '/home/u/go/bin/crossls' });
});

test('relative PATH entries are ignored', () => {
	const r = findServer({ configured: '', env: { PATH: '.:bin' }, platform: 'linux', homedir: '', isExecutable: () => true });
	assert.ok('error' in r);
});

test('Windows looks for crossls.exe in Path', () => {
	const seen: string[] = [];
	const r = findServer({
		configured: '',
		env: { Path: 'C:\\Go\\bin;C:\\tools' },
		platform: 'win32',
		homedir: 'C:\\Users\\u',
		isExecutable: (p) => {
			seen.push(p);
			return p === 'C:\\tools\\crossls.exe';
		},
	});
	assert.deepEqual(r, { path: 'C:\\tools\\crossls.exe' });
	assert.deepEqual(seen, ['C:\\Go\\bin\\crossls.exe', 'C:\\tools\\crossls.exe']);
});

test('not found: the error says how to install it', () => {
	const r = findServer({ configured: '', env: { PATH: '/usr/bin' }, platform: 'linux', homedir: '/home/u', isExecutable: () => false });
	assert.ok('error' in r);
	assert.ok(r.error.includes(INSTALL_COMMAND));
	assert.match(r.error, /crossls\.server\.path/);
});
