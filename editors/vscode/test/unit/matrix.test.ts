import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packageNodes, parseMatrix, targetNodes } from '../../src/matrix';
import { parsePlatformList, platformPickItems, targetsSetting } from '../../src/platforms';

const loc = (line: number) => ({ uri: 'file:///src/app/main.go', range: { start: { line, character: 1 }, end: { line, character: 5 } } });

const sample = {
	version: 3,
	targets: ['linux/amd64', 'windows/amd64'],
	packages: [
		{
			path: 'example.com/app',
			dir: '/src/app',
			module: '/src/app',
			targets: {
				'linux/amd64': { status: 'ok' },
				'windows/amd64': { status: 'fail', class: 'undefined-symbol', message: 'undefined: platformName', pos: '/src/app/main.go:7:2', location: loc(6) },
			},
		},
		{
			path: 'example.com/app/unix',
			dir: '/src/app/unix',
			module: '/src/app',
			targets: { 'linux/amd64': { status: 'ok' }, 'windows/amd64': { status: 'fail', class: 'no-go-files', message: 'build constraints exclude all Go files' } },
		},
	],
	diagnostics: [{ message: '[windows/amd64] x', severity: 'error', targets: ['windows/amd64'], package: 'example.com/app/unix', location: loc(2) }],
};

test('parses the matrix; bad input gives undefined or is skipped, never an exception', () => {
	const m = parseMatrix(sample);
	assert.equal(m?.version, 3);
	assert.equal(m?.packages.length, 2);
	assert.deepEqual(m?.packages[0].targets['windows/amd64'].location, loc(6));
	for (const v of [undefined, null, 4, 'x', [], {}, { targets: 'a' }]) {
		assert.equal(parseMatrix(v), undefined, JSON.stringify(v));
	}
	assert.deepEqual(parseMatrix({ targets: ['a/b'], packages: [null, { path: 7 }, { path: 'p', targets: { 'a/b': { status: 3 } } }] })?.packages, [
		{ path: 'p', dir: '', module: '', targets: {} },
	]);
});

test('target rows count failing packages; package rows open the first error', () => {
	const m = parseMatrix(sample)!;
	const targets = targetNodes(m);
	assert.deepEqual(
		targets.map((t) => [t.label, t.state, t.description]),
		[
			['linux/amd64', 'ok', '2 packages build'],
			['windows/amd64', 'fail', '2 of 2 packages fail'],
		],
	);
	const pkgs = packageNodes(m, 'windows/amd64');
	assert.deepEqual(
		pkgs.map((p) => [p.label, p.state, p.description]),
		[
			['example.com/app', 'fail', 'undefined-symbol: undefined: platformName'],
			['example.com/app/unix', 'fail', 'no-go-files: build constraints exclude all Go files'],
		],
	);
	assert.deepEqual(pkgs[0].location, loc(6));
	// Without a position of its own, a package opens its first error finding.
	assert.deepEqual(pkgs[1].location, loc(2));
	assert.equal(packageNodes(m, 'linux/amd64')[0].location, undefined);
});

test('the target picker ticks the current targets and marks first-class ports', () => {
	const list = parsePlatformList({
		goVersion: 'go1.26.8',
		platforms: [
			{ target: 'linux/386', firstClass: true, cgoSupported: true },
			{ target: 'aix/ppc64', firstClass: false, cgoSupported: true },
			{ target: 'linux/amd64', firstClass: true, cgoSupported: true },
			{ target: 'darwin/arm64', firstClass: true, cgoSupported: true },
			{ target: 'linux/arm', firstClass: true, cgoSupported: true },
		],
		current: ['linux/amd64', 'linux/arm/v7'],
	});
	const items = platformPickItems(list);
	assert.deepEqual(
		items.map((i) => [i.label, i.picked, i.description ?? '']),
		[
			['linux/amd64', true, '$(star-full) first-class port'],
			['linux/arm/v7', true, '$(star-full) first-class port'],
			['darwin/arm64', false, '$(star-full) first-class port'],
			['linux/386', false, '$(star-full) first-class port'],
			['linux/arm', false, '$(star-full) first-class port'],
			['aix/ppc64', false, ''],
		],
	);
	assert.deepEqual(targetsSetting([items[0], items[3]]), ['linux/amd64', 'linux/386']);
	assert.equal(targetsSetting([]), undefined);
	assert.throws(() => parsePlatformList({ platforms: 'x' }), /not \{"platforms"/);
});
