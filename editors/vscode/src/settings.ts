// The "crossls" settings as the server receives them.
//
// The server pulls the section "crossls" with workspace/configuration. VS Code
// would answer with everything under that prefix, including client-only keys
// (server.path, trace.server); serverSettings sends only what the server reads,
// with each value checked, so a hand-edited settings.json with the wrong
// types cannot confuse the server.

/** Analyzer names the server knows; each has a crossls.analyzers.<name> toggle. */
export const ANALYZERS = ['cgo', 'buildgap', 'taghygiene', 'format'] as const;

export interface ServerSettings {
	/** Target strings; empty means the project's config file or the defaults. */
	targets: string[];
	analyzers: Record<string, boolean>;
	/** Check test files for every target too. */
	tests: boolean;
	build: { outputDir: string; jobs: number };
}

/** Reads one setting below "crossls"; the shape of WorkspaceConfiguration.get. */
export type SettingGetter = (key: string) => unknown;

export function serverSettings(get: SettingGetter): ServerSettings {
	const analyzers: Record<string, boolean> = {};
	for (const name of ANALYZERS) {
		const v = get(`analyzers.${name}`);
		analyzers[name] = typeof v === 'boolean' ? v : true;
	}
	const outputDir = get('build.outputDir');
	const jobs = get('build.jobs');
	const tests = get('tests');
	return {
		targets: targetList(get('targets')),
		analyzers,
		tests: typeof tests === 'boolean' ? tests : true,
		build: {
			outputDir: typeof outputDir === 'string' && outputDir.trim() !== '' ? outputDir.trim() : 'dist',
			jobs: typeof jobs === 'number' && Number.isInteger(jobs) && jobs > 0 ? jobs : 0,
		},
	};
}

/** Keeps the non-empty strings of a targets setting, trimmed and deduplicated. */
function targetList(v: unknown): string[] {
	if (!Array.isArray(v)) {
		return [];
	}
	const seen = new Set<string>();
	for (const t of v) {
		if (typeof t === 'string' && t.trim() !== '') {
			seen.add(t.trim());
		}
	}
	return [...seen];
}
