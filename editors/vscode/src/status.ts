// The crossls/status notification and the status bar text made from it.

export type BuildState = 'idle' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface BuildStatus {
	state: BuildState;
	built: number;
	total: number;
	outputs: string[];
}

export interface Status {
	targets: string[];
	failing: string[];
	build: BuildStatus;
}

const BUILD_STATES: readonly string[] = ['idle', 'running', 'succeeded', 'failed', 'cancelled'];

/**
 * Checks the params of a crossls/status notification. It returns undefined
 * for anything that is not an object with a targets list, so a server of
 * another version can never break the status bar.
 */
export function parseStatus(v: unknown): Status | undefined {
	if (!isObject(v) || !Array.isArray(v.targets)) {
		return undefined;
	}
	const b = isObject(v.build) ? v.build : {};
	const state = typeof b.state === 'string' && BUILD_STATES.includes(b.state) ? (b.state as BuildState) : 'idle';
	return {
		targets: strings(v.targets),
		failing: strings(v.failing),
		build: {
			state,
			built: count(b.built),
			total: count(b.total),
			outputs: strings(b.outputs),
		},
	};
}

export interface StatusBarView {
	text: string;
	/** Markdown. */
	tooltip: string;
	/** Whether the item should use the warning colours. */
	warning: boolean;
}

/** The status bar item for a status; undefined means the server has not reported yet. */
export function statusBarView(s: Status | undefined): StatusBarView {
	if (!s) {
		return { text: '$(sync~spin) crossls', tooltip: 'crossls: checking targets…', warning: false };
	}
	const n = s.targets.length;
	const failing = s.failing.length;
	let text = failing > 0 ? `$(warning) crossls ${failing}/${n} failing` : `$(check) crossls ${plural(n, 'target')}`;
	const b = s.build;
	switch (b.state) {
		case 'running':
			text += ` $(sync~spin) building ${b.built}/${b.total}`;
			break;
		case 'succeeded':
			text += ` · built ${b.built}/${b.total}`;
			break;
		case 'failed':
			text += ` · build failed ${b.built}/${b.total}`;
			break;
		case 'cancelled':
			text += ' · build cancelled';
			break;
	}
	const lines = [`**crossls** checks ${plural(n, 'target')}: ${n > 0 ? s.targets.map(code).join(', ') : 'none'}`];
	if (failing > 0) {
		lines.push(`Will not build: ${s.failing.map(code).join(', ')} (see Problems)`);
	}
	if (b.state !== 'idle') {
		let line = `Last build: ${b.state}, ${b.built} of ${b.total} built`;
		if (b.outputs.length > 0) {
			line += ` (${b.outputs.map(code).join(', ')})`;
		}
		lines.push(line);
	}
	lines.push('Click to choose the targets.');
	return { text, tooltip: lines.join('\n\n'), warning: failing > 0 || b.state === 'failed' };
}

function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function code(s: string): string {
	return '`' + s.replace(/`/g, '') + '`';
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strings(v: unknown): string[] {
	return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function count(v: unknown): number {
	return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0;
}
