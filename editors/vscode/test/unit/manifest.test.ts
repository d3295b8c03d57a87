// Checks that package.json and the code agree: a command in the palette that
// no code registers, or a setting the server never receives, is a bug that
// only shows up in a running editor.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ANALYZERS } from '../../src/settings';

const root = path.join(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const source = fs.readFileSync(path.join(root, 'src', 'extension.ts'), 'utf8');

// Commands the server registers through executeCommandProvider; the client
// library registers them in VS Code, so contributing one of these ids would
// fail with "command already exists".
const SERVER_COMMANDS = ['crossls.build', 'crossls.buildAll', 'crossls.cancelBuild', 'crossls.listTargets', 'crossls.recheck', 'crossls.listPlatforms'];

test('every contributed command is registered, in category Crossls, and no id clashes with a server command', () => {
	const commands: { command: string; title: string; category: string }[] = manifest.contributes.commands;
	const registered = [...source.matchAll(/command\('(crossls\.[A-Za-z]+)'/g)].map((m) => m[1]);
	assert.deepEqual(commands.map((c) => c.command).sort(), [...registered].sort());
	for (const c of commands) {
		assert.equal(c.category, 'Crossls', c.command);
		assert.ok(!SERVER_COMMANDS.includes(c.command), `${c.command} clashes with a server command`);
	}
	assert.deepEqual(
		commands.map((c) => c.title),
		[
			'Build for Target...',
			'Build All Targets',
			'Cancel Build',
			'Show Targets',
			'Recheck Workspace',
			'Restart Server',
			'Show Output',
			'Choose Targets...',
			'Show Target Matrix',
			'Build Selected Target',
			'Open the First Error',
			'Explain Which Targets Build This File',
		],
	);
	// Commands of rows and lenses are not for the palette.
	const hidden = manifest.contributes.menus.commandPalette.filter((m: { when: string }) => m.when === 'false').map((m: { command: string }) => m.command);
	assert.deepEqual(hidden.sort(), ['crossls.buildSelectedTarget', 'crossls.explainFile', 'crossls.openMatrixCell']);
});

test('the Crossls Targets view has a build action for the selected target', () => {
	assert.equal(manifest.contributes.views.explorer[0].id, 'crossls.targets');
	assert.ok(source.includes("createTreeView('crossls.targets'"));
	const title = manifest.contributes.menus['view/title'].map((m: { command: string }) => m.command);
	assert.ok(title.includes('crossls.buildSelectedTarget'));
});

test('settings: one toggle per analyzer, each with a default and a description', () => {
	const props: Record<string, { default?: unknown; description?: string; markdownDescription?: string }> =
		manifest.contributes.configuration.properties;
	for (const a of ANALYZERS) {
		assert.equal(props[`crossls.analyzers.${a}`]?.default, true, a);
	}
	for (const key of ['crossls.targets', 'crossls.build.outputDir', 'crossls.build.jobs', 'crossls.server.path', 'crossls.trace.server']) {
		assert.ok(key in props, key);
	}
	for (const [key, p] of Object.entries(props)) {
		assert.ok('default' in p, `${key} has no default`);
		assert.ok(p.description || p.markdownDescription, `${key} has no description`);
	}
});

test('the targets setting pattern accepts target strings and rejects others', () => {
	const re = new RegExp(manifest.contributes.configuration.properties['crossls.targets'].items.pattern);
	for (const ok of ['linux/amd64', 'linux/arm/v7', 'linux/amd64/v3+cgo', 'linux_arm_7', 'darwin_arm64', 'js/wasm', 'all', 'first-class']) {
		assert.ok(re.test(ok), ok);
	}
	for (const bad of ['linux', 'linux/', 'Linux/amd64', 'linux/amd64 ', 'linux/amd64+cgo+cgo', '../x/y', 'every', 'all+cgo']) {
		assert.ok(!re.test(bad), bad);
	}
});

test('untrusted workspaces are supported in a limited way and the server path is restricted', () => {
	const u = manifest.capabilities.untrustedWorkspaces;
	assert.equal(u.supported, 'limited');
	assert.ok(u.restrictedConfigurations.includes('crossls.server.path'));
	assert.match(u.description, /[Bb]uilds are disabled/);
});
