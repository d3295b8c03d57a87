import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PercentTracker, showsAsNotification } from '../../src/progress';

test('absolute percentages become increments', () => {
	const p = new PercentTracker();
	assert.deepEqual(p.step({ message: 'building', percentage: 0 }), { message: 'building' });
	assert.deepEqual(p.step({ message: 'linux/arm64 ok', percentage: 50 }), { message: 'linux/arm64 ok', increment: 50 });
	assert.deepEqual(p.step({ percentage: 40 }), {}, 'a percentage that goes back is ignored');
	assert.deepEqual(p.step({ percentage: 150 }), { increment: 50 }, 'capped at 100');
	assert.deepEqual(p.step({ percentage: 100 }), {});
});

test('messages without percentages', () => {
	const p = new PercentTracker();
	assert.deepEqual(p.step({ message: 'windows/amd64 failed' }), { message: 'windows/amd64 failed' });
	assert.deepEqual(p.step({ message: '' }), {});
	assert.deepEqual(p.step({ percentage: Number.NaN }), {});
});

test('builds show as notifications, other work in the status bar', () => {
	assert.equal(showsAsNotification('crossls: building 2 targets'), true);
	assert.equal(showsAsNotification('crossls: build'), true);
	assert.equal(showsAsNotification('crossls: checking 4 targets'), false);
	assert.equal(showsAsNotification('building'), false);
});
