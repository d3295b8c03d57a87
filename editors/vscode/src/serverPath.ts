// Finding the crossls binary.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const INSTALL_COMMAND = 'go install github.com/crossls/crossls/cmd/crossls@latest';

export interface LookupEnv {
	/** Value of the crossls.server.path setting ("" when unset). */
	configured: string;
	env: Record<string, string | undefined>;
	platform: NodeJS.Platform;
	homedir: string;
	/** Reports whether p is an executable file; defaults to a file-system check. */
	isExecutable?: (p: string) => boolean;
}

export type Lookup = { path: string } | { error: string };

/**
 * Finds the server: the configured path, else crossls on PATH, else in
 * $GOBIN, $GOPATH/bin and ~/go/bin, where `go install` puts it. Editors
 * started from a desktop often lack the shell's PATH, so the Go directories
 * matter in practice.
 */
export function findServer(l: LookupEnv): Lookup {
	const isExec = l.isExecutable ?? ((p: string) => isExecutableFile(p, l.platform));
	const pathApi = l.platform === 'win32' ? path.win32 : path.posix;
	const configured = l.configured.trim();
	if (configured !== '') {
		const p = expandHome(configured, l.homedir, pathApi);
		if (!pathApi.isAbsolute(p)) {
			return { error: `crossls.server.path must be an absolute path, not "${configured}".` };
		}
		if (!isExec(p)) {
			return { error: `crossls.server.path is "${configured}", but there is no executable file there.` };
		}
		return { path: p };
	}
	const exe = l.platform === 'win32' ? 'crossls.exe' : 'crossls';
	for (const dir of searchDirs(l.env, l.homedir, pathApi)) {
		const p = pathApi.join(dir, exe);
		if (isExec(p)) {
			return { path: p };
		}
	}
	return {
		error: `The crossls language server was not found on PATH or in the Go bin directories. Install it with \`${INSTALL_COMMAND}\`, or set crossls.server.path.`,
	};
}

function searchDirs(env: LookupEnv['env'], home: string, pathApi: path.PlatformPath): string[] {
	const dirs: string[] = [];
	const add = (d: string | undefined) => {
		if (d && pathApi.isAbsolute(d) && !dirs.includes(d)) {
			dirs.push(d);
		}
	};
	// Windows spells it Path; environment keys there are case-insensitive.
	const pathVar = env.PATH ?? env.Path ?? '';
	for (const d of pathVar.split(pathApi.delimiter)) {
		add(d);
	}
	add(env.GOBIN);
	for (const d of (env.GOPATH ?? '').split(pathApi.delimiter)) {
		if (d) {
			add(pathApi.join(d, 'bin'));
		}
	}
	if (home) {
		add(pathApi.join(home, 'go', 'bin'));
	}
	return dirs;
}

function expandHome(p: string, home: string, pathApi: path.PlatformPath): string {
	if (p === '~') {
		return home;
	}
	if (p.startsWith('~/') || p.startsWith('~\\')) {
		return pathApi.join(home, p.slice(2));
	}
	return p;
}

function isExecutableFile(p: string, platform: NodeJS.Platform): boolean {
	try {
		if (!fs.statSync(p).isFile()) {
			return false;
		}
		if (platform !== 'win32') {
			fs.accessSync(p, fs.constants.X_OK);
		}
		return true;
	} catch {
		return false;
	}
}

/** The lookup for the running process. */
export function findServerHere(configured: string): Lookup {
	return findServer({ configured, env: process.env, platform: process.platform, homedir: os.homedir() });
}
