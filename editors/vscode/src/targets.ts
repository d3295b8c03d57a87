// Targets as the server lists them, and the quick pick built from them.

export interface TargetInfo {
	/** Canonical target string, e.g. "linux/arm/v7". */
	target: string;
	/** Where it was configured: "settings", ".crossls.yaml", ".goreleaser.yaml", "default", ... */
	source: string;
	/** Absolute path of the configuring file, if any. */
	file?: string;
}

/**
 * Reads the result of the server's crossls.listTargets command:
 * {"targets": [{"target", "source", "file"}]}. It throws an Error saying what
 * is wrong, never a TypeError, when the result has another shape.
 */
export function parseTargetList(v: unknown): TargetInfo[] {
	if (typeof v !== 'object' || v === null || !Array.isArray((v as { targets?: unknown }).targets)) {
		throw new Error(`crossls.listTargets returned ${JSON.stringify(v) ?? 'nothing'}, not {"targets": [...]}`);
	}
	const out: TargetInfo[] = [];
	for (const e of (v as { targets: unknown[] }).targets) {
		if (typeof e === 'string') {
			out.push({ target: e, source: '' });
			continue;
		}
		if (typeof e !== 'object' || e === null) {
			continue;
		}
		const { target, source, file } = e as Record<string, unknown>;
		if (typeof target !== 'string' || target === '') {
			continue;
		}
		const info: TargetInfo = { target, source: typeof source === 'string' ? source : '' };
		if (typeof file === 'string' && file !== '') {
			info.file = file;
		}
		out.push(info);
	}
	return out;
}

export interface TargetPickItem {
	label: string;
	description?: string;
	detail?: string;
	target: string;
	file?: string;
}

/**
 * Quick pick items, one per target: the label is the target, the description
 * where it comes from, and the detail says whether the last check predicts
 * that it fails. relative makes file paths readable.
 */
export function targetPickItems(
	targets: TargetInfo[],
	failing: readonly string[],
	relative: (file: string) => string = (f) => f,
): TargetPickItem[] {
	return targets.map((t) => {
		const item: TargetPickItem = { label: t.target, target: t.target };
		const from = t.file ? relative(t.file) : t.source;
		if (from) {
			item.description = `from ${from}`;
		}
		if (t.file) {
			item.file = t.file;
		}
		if (failing.includes(t.target)) {
			item.detail = '$(warning) does not build: see Problems';
		}
		return item;
	});
}

/**
 * The targets to build when a multi-select pick is accepted: the ticked ones;
 * else the highlighted one; else the one the typed text names (exactly, or
 * as the only target containing it), so that typing a target and pressing
 * Enter builds it.
 */
export function chosenTargets(
	selected: readonly { target: string }[],
	active: readonly { target: string }[],
	typed = '',
	items: readonly { target: string }[] = [],
): string[] {
	if (selected.length > 0 || active.length > 0) {
		return [...new Set((selected.length > 0 ? selected : active).map((i) => i.target))];
	}
	const text = typed.trim().toLowerCase();
	if (text === '') {
		return [];
	}
	const exact = items.filter((i) => i.target.toLowerCase() === text);
	if (exact.length > 0) {
		return [exact[0].target];
	}
	const partial = items.filter((i) => i.target.toLowerCase().includes(text));
	return partial.length === 1 ? [partial[0].target] : [];
}

/**
 * Arguments of the server's crossls.build and crossls.buildAll commands;
 * empty lists are left out (= all). uri, the file the build is asked from,
 * makes the server build that file's module rather than every module.
 */
export function buildArguments(
	targets?: readonly string[],
	packages?: readonly string[],
	uri?: string,
): [{ targets?: string[]; packages?: string[]; uri?: string }] {
	const arg: { targets?: string[]; packages?: string[]; uri?: string } = {};
	if (targets && targets.length > 0) {
		arg.targets = [...targets];
	}
	if (packages && packages.length > 0) {
		arg.packages = [...packages];
	}
	if (uri) {
		arg.uri = uri;
	}
	return [arg];
}
