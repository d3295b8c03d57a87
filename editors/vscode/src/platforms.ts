// The target picker: every platform of the user's Go (the server's
// crossls.listPlatforms), the targets checked now ticked.

export interface Platform {
	target: string;
	firstClass: boolean;
	cgoSupported: boolean;
}

export interface PlatformList {
	goVersion: string;
	platforms: Platform[];
	current: string[];
}

/** Reads crossls.listPlatforms' result; throws an Error saying what is wrong. */
export function parsePlatformList(v: unknown): PlatformList {
	if (typeof v !== 'object' || v === null || !Array.isArray((v as { platforms?: unknown }).platforms)) {
		throw new Error(`crossls.listPlatforms returned ${JSON.stringify(v) ?? 'nothing'}, not {"platforms": [...]}`);
	}
	const r = v as { goVersion?: unknown; platforms: unknown[]; current?: unknown };
	const platforms: Platform[] = [];
	for (const p of r.platforms) {
		if (typeof p === 'object' && p !== null && typeof (p as Platform).target === 'string') {
			const q = p as Record<string, unknown>;
			platforms.push({ target: q.target as string, firstClass: q.firstClass === true, cgoSupported: q.cgoSupported === true });
		}
	}
	const current = Array.isArray(r.current) ? r.current.filter((t): t is string => typeof t === 'string') : [];
	return { goVersion: typeof r.goVersion === 'string' ? r.goVersion : '', platforms, current };
}

export interface PlatformPickItem {
	label: string;
	description?: string;
	picked: boolean;
	target: string;
}

/**
 * One item per platform, and one per current target that is no plain
 * platform (linux/arm/v7, linux/amd64+cgo). Current targets come first,
 * then the first-class ports (marked), then the others, each group sorted.
 */
export function platformPickItems(list: PlatformList): PlatformPickItem[] {
	const first = new Map(list.platforms.map((p) => [p.target, p.firstClass]));
	const items: PlatformPickItem[] = [];
	const describe = (t: string): string | undefined => {
		const base = t.replace(/\+cgo$/, '').split('/').slice(0, 2).join('/');
		return first.get(base) ? '$(star-full) first-class port' : undefined;
	};
	for (const t of list.current) {
		items.push({ label: t, description: describe(t), picked: true, target: t });
	}
	const rest = list.platforms.filter((p) => !list.current.includes(p.target));
	const byName = (a: Platform, b: Platform) => a.target.localeCompare(b.target);
	for (const p of [...rest.filter((p) => p.firstClass).sort(byName), ...rest.filter((p) => !p.firstClass).sort(byName)]) {
		items.push({ label: p.target, description: describe(p.target), picked: false, target: p.target });
	}
	return items;
}

/** The crossls.targets setting for the ticked items, in the order shown; undefined (the project's configuration) for none. */
export function targetsSetting(selected: readonly { target: string }[]): string[] | undefined {
	const out = [...new Set(selected.map((s) => s.target))];
	return out.length > 0 ? out : undefined;
}
