// Bundles the extension (and, with --tests, the unit tests) with esbuild.
//
//   node scripts/build.mjs               development bundle with source maps
//   node scripts/build.mjs --production  minified bundle for the .vsix
//   node scripts/build.mjs --tests       also bundles test/unit/*.test.ts into out/test
//   node scripts/build.mjs --watch       rebuilds on change

import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const production = args.has('--production');

const common = {
	absWorkingDir: root,
	bundle: true,
	platform: 'node',
	format: 'cjs',
	target: 'node20',
	external: ['vscode'],
	sourcemap: production ? false : 'linked',
	minify: production,
	logLevel: 'warning',
};

const builds = [{ ...common, entryPoints: ['src/extension.ts'], outfile: 'out/extension.js' }];
if (args.has('--tests')) {
	const tests = readdirSync(join(root, 'test/unit'))
		.filter((f) => f.endsWith('.test.ts'))
		.map((f) => `test/unit/${f}`);
	builds.push({ ...common, entryPoints: tests, outdir: 'out/test', sourcemap: 'inline' });
}

if (args.has('--watch')) {
	for (const b of builds) {
		const ctx = await esbuild.context(b);
		await ctx.watch();
	}
	console.log('watching for changes');
} else {
	await Promise.all(builds.map((b) => esbuild.build(b)));
}
