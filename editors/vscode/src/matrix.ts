// The server's matrix (crossls/matrix, crossls/matrixChanged) and the
// "Crossls Targets" tree made from it: targets as groups, their packages
// under them.

export interface Position {
	line: number;
	character: number;
}

export interface Location {
	uri: string;
	range: { start: Position; end: Position };
}

export interface Verdict {
	status: string; // ok, fail, unchecked
	class?: string;
	message?: string;
	pos?: string;
	location?: Location;
}

export interface MatrixPackage {
	path: string;
	dir: string;
	module: string;
	targets: Record<string, Verdict>;
}

export interface Finding {
	message: string;
	severity: string;
	targets: string[];
	package: string;
	location?: Location;
}

export interface Matrix {
	version: number;
	targets: string[];
	packages: MatrixPackage[];
	diagnostics: Finding[];
}

/**
 * Checks the server's matrix; undefined for anything without a targets
 * list, so that a server of another version cannot break the view.
 */
export function parseMatrix(v: unknown): Matrix | undefined {
	if (!isObject(v) || !Array.isArray(v.targets)) {
		return undefined;
	}
	const packages: MatrixPackage[] = [];
	for (const p of Array.isArray(v.packages) ? v.packages : []) {
		if (!isObject(p) || typeof p.path !== 'string') {
			continue;
		}
		const targets: Record<string, Verdict> = {};
		if (isObject(p.targets)) {
			for (const [t, verdict] of Object.entries(p.targets)) {
				if (isObject(verdict) && typeof verdict.status === 'string') {
					targets[t] = {
						status: verdict.status,
						class: str(verdict.class),
						message: str(verdict.message),
						pos: str(verdict.pos),
						location: location(verdict.location),
					};
				}
			}
		}
		packages.push({ path: p.path, dir: str(p.dir) ?? '', module: str(p.module) ?? '', targets });
	}
	const diagnostics: Finding[] = [];
	for (const d of Array.isArray(v.diagnostics) ? v.diagnostics : []) {
		if (isObject(d) && typeof d.message === 'string') {
			diagnostics.push({
				message: d.message,
				severity: str(d.severity) ?? 'error',
				targets: strings(d.targets),
				package: str(d.package) ?? '',
				location: location(d.location),
			});
		}
	}
	return {
		version: typeof v.version === 'number' ? v.version : 0,
		targets: strings(v.targets),
		packages,
		diagnostics,
	};
}

export type NodeState = 'ok' | 'fail' | 'unchecked' | 'none';

/** A row of the tree: a target, or a package under its target. */
export interface TreeNode {
	kind: 'target' | 'package';
	target: string;
	label: string;
	description: string;
	tooltip: string;
	state: NodeState;
	/** For a package: where its first error is, if it fails with one. */
	location?: Location;
	packagePath?: string;
}

/** The top-level rows: one per target, saying how many packages fail. */
export function targetNodes(m: Matrix): TreeNode[] {
	return m.targets.map((t) => {
		const verdicts = m.packages.map((p) => p.targets[t]).filter((v): v is Verdict => v !== undefined);
		const failing = verdicts.filter((v) => v.status === 'fail').length;
		const unchecked = verdicts.filter((v) => v.status === 'unchecked').length;
		const n = verdicts.length;
		let description = failing > 0 ? `${failing} of ${plural(n, 'package')} fail${failing === 1 ? 's' : ''}` : `${plural(n, 'package')} build`;
		if (unchecked > 0) {
			description += `, ${unchecked} not checked`;
		}
		const state: NodeState = failing > 0 ? 'fail' : unchecked > 0 ? 'unchecked' : 'ok';
		return { kind: 'target', target: t, label: t, description, tooltip: `${t}: ${description}`, state };
	});
}

/** The rows under a target: its packages, failing ones first. */
export function packageNodes(m: Matrix, target: string): TreeNode[] {
	const nodes: TreeNode[] = [];
	for (const p of m.packages) {
		const v = p.targets[target];
		if (!v) {
			continue;
		}
		const state: NodeState = v.status === 'ok' ? 'ok' : v.status === 'fail' ? 'fail' : 'unchecked';
		let description = '';
		let tooltip = `${p.path} builds for ${target}`;
		if (state !== 'ok') {
			description = v.class ? `${v.class}: ${v.message ?? ''}` : (v.message ?? v.status);
			tooltip = `${p.path} does not build for ${target}: ${v.message ?? v.status}${v.pos ? `\n${v.pos}` : ''}`;
		}
		nodes.push({
			kind: 'package',
			target,
			label: p.path,
			description,
			tooltip,
			state,
			location: state === 'fail' ? (v.location ?? firstFinding(m, p.path, target)) : undefined,
			packagePath: p.path,
		});
	}
	const rank = (n: TreeNode) => (n.state === 'fail' ? 0 : n.state === 'unchecked' ? 1 : 2);
	return nodes.sort((a, b) => rank(a) - rank(b) || a.label.localeCompare(b.label));
}

/** Where a failing package without a position of its own can be opened: its first error finding for the target. */
function firstFinding(m: Matrix, pkg: string, target: string): Location | undefined {
	return m.diagnostics.find((d) => d.package === pkg && d.severity === 'error' && d.targets.includes(target) && d.location)
		?.location;
}

function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function location(v: unknown): Location | undefined {
	if (!isObject(v) || typeof v.uri !== 'string' || !isObject(v.range)) {
		return undefined;
	}
	const pos = (p: unknown): Position | undefined =>
		isObject(p) && typeof p.line === 'number' && typeof p.character === 'number' ? { line: p.line, character: p.character } : undefined;
	const start = pos(v.range.start);
	const end = pos(v.range.end) ?? start;
	return start && end ? { uri: v.uri, range: { start, end } } : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
	return typeof v === 'string' ? v : undefined;
}

function strings(v: unknown): string[] {
	return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
