import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ANALYZERS, serverSettings } from '../../src/settings';

function getter(values: Record<string, unknown>) {
	return (key: string) => values[key];
}

test('defaults when nothing is set', () => {
	assert.deepEqual(serverSettings(getter({})), {
		targets: [],
		analyzers: { cgo: true, buildgap: true, taghygiene: true, format: true },
		tests: true,
		build: { outputDir: 'dist', jobs: 0 },
	});
});

test('passes the values the server reads', () => {
	const s = serverSettings(
		getter({
			targets: ['linux/amd64', ' linux/arm/v7 ', 'linux/amd64', ''],
			'analyzers.cgo': false,
			'analyzers.format': true,
			tests: false,
			'build.outputDir': 'bin',
			'build.jobs': 3,
			'server.path': '/opt/crossls',
			'trace.server': 'verbose',
		}),
	);
	assert.deepEqual(s.targets, ['linux/amd64', 'linux/arm/v7']);
	assert.equal(s.analyzers.cgo, false);
	assert.equal(s.analyzers.format, true);
	assert.deepEqual(s.build, { outputDir: 'bin', jobs: 3 });
	assert.equal(s.tests, false);
	assert.deepEqual(Object.keys(s).sort(), ['analyzers', 'build', 'targets', 'tests'], 'client-only settings must not reach the server');
});

test('values of the wrong type fall back to defaults', () => {
	const s = serverSettings(
		getter({
			targets: 'linux/amd64',
			'analyzers.buildgap': 'no',
			'build.outputDir': 42,
			'build.jobs': -2,
			tests: 'off',
		}),
	);
	assert.deepEqual(s.targets, []);
	assert.equal(s.tests, true);
	assert.equal(s.analyzers.buildgap, true);
	assert.deepEqual(s.build, { outputDir: 'dist', jobs: 0 });
	assert.equal(serverSettings(getter({ 'build.jobs': 1.5 })).build.jobs, 0);
	assert.deepEqual(serverSettings(getter({ targets: [1, null, 'darwin/arm64'] })).targets, ['darwin/arm64']);
});

test('every analyzer has a toggle', () => {
	assert.deepEqual([...ANALYZERS], ['cgo', 'buildgap', 'taghygiene', 'format']);
});
