import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStatus, statusBarView } from '../../src/status';

test('parses the status notification', () => {
	const s = parseStatus({
		targets: ['linux/amd64', 'windows/amd64'],
		failing: ['windows/amd64'],
		build: { state: 'running', built: 1, total: 2, outputs: ['dist/app-linux-amd64'] },
	});
	assert.deepEqual(s, {
		targets: ['linux/amd64', 'windows/amd64'],
		failing: ['windows/amd64'],
		build: { state: 'running', built: 1, total: 2, outputs: ['dist/app-linux-amd64'] },
	});
});

test('bad input gives undefined or defaults, never an exception', () => {
	for (const v of [undefined, null, 42, 'x', [], {}, { targets: 'linux/amd64' }]) {
		assert.equal(parseStatus(v), undefined, JSON.stringify(v));
	}
	assert.deepEqual(parseStatus({ targets: ['a/b', 7], failing: 'a/b', build: { state: 'exploded', built: -1, total: 'x' } }), {
		targets: ['a/b'],
		failing: [],
		build: { state: 'idle', built: 0, total: 0, outputs: [] },
	});
});

test('status bar: all targets pass', () => {
	const v = statusBarView(parseStatus({ targets: ['linux/amd64', 'linux/arm64'], failing: [] }));
	assert.equal(v.text, '$(check) crossls 2 targets');
	assert.equal(v.warning, false);
	assert.match(v.tooltip, /`linux\/amd64`, `linux\/arm64`/);
	assert.doesNotMatch(v.tooltip, /Last build/);
});

test('status bar: failing targets and a running build', () => {
	const v = statusBarView(
		parseStatus({ targets: ['linux/amd64', 'windows/amd64'], failing: ['windows/amd64'], build: { state: 'running', built: 0, total: 1 } }),
	);
	assert.equal(v.text, '$(warning) crossls 1/2 failing $(sync~spin) building 0/1');
	assert.equal(v.warning, true);
	assert.match(v.tooltip, /Will not build: `windows\/amd64`/);
});

test('status bar: the last build result', () => {
	const ok = statusBarView(
		parseStatus({ targets: ['linux/arm64'], failing: [], build: { state: 'succeeded', built: 1, total: 1, outputs: ['dist/app-linux-arm64'] } }),
	);
	assert.equal(ok.text, '$(check) crossls 1 target · built 1/1');
	assert.match(ok.tooltip, /Last build: succeeded, 1 of 1 built \(`dist\/app-linux-arm64`\)/);
	const failed = statusBarView(parseStatus({ targets: ['a/b', 'c/d'], failing: [], build: { state: 'failed', built: 1, total: 2 } }));
	assert.equal(failed.text, '$(check) crossls 2 targets · build failed 1/2');
	assert.equal(failed.warning, true);
	const cancelled = statusBarView(parseStatus({ targets: ['a/b'], failing: [], build: { state: 'cancelled', built: 0, total: 1 } }));
	assert.equal(cancelled.text, '$(check) crossls 1 target · build cancelled');
});

test('status bar before the first report', () => {
	assert.equal(statusBarView(undefined).text, '$(sync~spin) crossls');
});
