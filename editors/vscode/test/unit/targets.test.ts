import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildArguments, chosenTargets, parseTargetList, targetPickItems } from '../../src/targets';

test('parses crossls.listTargets', () => {
	const list = parseTargetList({
		targets: [
			{ target: 'linux/amd64', source: '.crossls.yaml', file: '/w/.crossls.yaml' },
			{ target: 'windows/amd64', source: 'default' },
			'darwin/arm64',
			{ target: '' },
			{ source: 'x' },
			null,
		],
	});
	assert.deepEqual(list, [
		{ target: 'linux/amd64', source: '.crossls.yaml', file: '/w/.crossls.yaml' },
		{ target: 'windows/amd64', source: 'default' },
		{ target: 'darwin/arm64', source: '' },
	]);
});

test('a result of another shape is a clear error', () => {
	for (const v of [null, undefined, [], { targets: 'linux/amd64' }, 'x']) {
		assert.throws(() => parseTargetList(v), /crossls\.listTargets returned .*, not \{"targets": \[\.\.\.\]\}/);
	}
});

test('pick items say where a target comes from and whether it fails', () => {
	const items = targetPickItems(
		[
			{ target: 'linux/arm64', source: '.crossls.yaml', file: '/w/.crossls.yaml' },
			{ target: 'windows/amd64', source: 'settings' },
			{ target: 'plan9/386', source: '' },
		],
		['windows/amd64'],
		(f) => f.replace('/w/', ''),
	);
	assert.deepEqual(items, [
		{ label: 'linux/arm64', target: 'linux/arm64', description: 'from .crossls.yaml', file: '/w/.crossls.yaml' },
		{ label: 'windows/amd64', target: 'windows/amd64', description: 'from settings', detail: '$(warning) does not build: see Problems' },
		{ label: 'plan9/386', target: 'plan9/386' },
	]);
});

test('accepting builds the ticked targets, else the highlighted one', () => {
	const a = { target: 'linux/amd64' };
	const b = { target: 'linux/arm64' };
	assert.deepEqual(chosenTargets([a, b], [a]), ['linux/amd64', 'linux/arm64']);
	assert.deepEqual(chosenTargets([], [b]), ['linux/arm64']);
	assert.deepEqual(chosenTargets([], []), []);
	assert.deepEqual(chosenTargets([a, a], []), ['linux/amd64']);
});

test('accepting with nothing ticked or highlighted builds the target typed', () => {
	const items = [{ target: 'linux/arm' }, { target: 'linux/arm64' }, { target: 'windows/amd64' }];
	assert.deepEqual(chosenTargets([], [], 'linux/arm', items), ['linux/arm'], 'an exact name wins over longer ones');
	assert.deepEqual(chosenTargets([], [], ' Linux/ARM64 ', items), ['linux/arm64']);
	assert.deepEqual(chosenTargets([], [], 'windows', items), ['windows/amd64'], 'the only target containing the text');
	assert.deepEqual(chosenTargets([], [], 'linux', items), [], 'ambiguous text builds nothing');
	assert.deepEqual(chosenTargets([], [], 'plan9', items), []);
	assert.deepEqual(chosenTargets([], [], '', items), []);
	assert.deepEqual(chosenTargets([{ target: 'linux/arm' }], [], 'windows', items), ['linux/arm'], 'ticks win over text');
});

test('build arguments leave out empty lists', () => {
	assert.deepEqual(buildArguments(), [{}]);
	assert.deepEqual(buildArguments([], []), [{}]);
	assert.deepEqual(buildArguments(['linux/arm64'], ['./cmd/x']), [{ targets: ['linux/arm64'], packages: ['./cmd/x'] }]);
	assert.deepEqual(buildArguments([], [], 'file:///w/tool/main.go'), [{ uri: 'file:///w/tool/main.go' }], 'the file whose module to build');
	assert.deepEqual(buildArguments([], [], undefined), [{}]);
});
