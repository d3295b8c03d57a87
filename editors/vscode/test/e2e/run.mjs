// Drives code-server in headless Chromium and checks what a user sees.
// Started by test/e2e.sh, which sets the CROSSLS_E2E_* variables.

import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const env = (k) => {
	const v = process.env[k];
	if (!v) {
		throw new Error(`${k} is not set; run test/e2e.sh`);
	}
	return v;
};
const mode = env('CROSSLS_E2E_MODE'); // "trusted", "untrusted" or "gowork"
const url = env('CROSSLS_E2E_URL');
const workspace = env('CROSSLS_E2E_WORKSPACE');
const artifacts = env('CROSSLS_E2E_ARTIFACTS');
const { chromium } = createRequire(path.join(env('CROSSLS_E2E_TOOLS'), 'package.json'))('playwright-core');

const results = [];
let page;
let shot = 0;

function log(msg) {
	process.stderr.write(`[e2e ${new Date().toTimeString().slice(0, 8)}] ${msg}\n`);
}

async function screenshot(name) {
	const file = path.join(artifacts, `${mode}-${String(++shot).padStart(2, '0')}-${name}.png`);
	await page.screenshot({ path: file }).catch((e) => log(`screenshot ${name}: ${e.message}`));
	return file;
}

/** Runs one check; a failure is recorded with a screenshot and does not stop later checks. */
async function check(name, fn) {
	const start = Date.now();
	try {
		await fn();
		results.push({ name, ok: true });
		log(`PASS ${name} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
	} catch (err) {
		results.push({ name, ok: false });
		log(`FAIL ${name}: ${err.stack ?? err}`);
	}
	await screenshot(name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
}

async function waitFor(what, cond, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await cond();
		if (v) {
			return v;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		}
		await new Promise((r) => setTimeout(r, 250));
	}
}

/** Runs a palette command by typing its title, as a user would. */
async function palette(title) {
	await page.keyboard.press('Escape');
	await page.keyboard.press('Control+Shift+P');
	const input = page.locator('.quick-input-widget input');
	await input.waitFor({ state: 'visible', timeout: 10_000 });
	await input.fill(`>${title}`);
	await page
		.locator('.quick-input-widget .monaco-list-row', { hasText: title })
		.first()
		.waitFor({ state: 'visible', timeout: 10_000 });
	await page.keyboard.press('Enter');
}

/** Opens a file by its path in the workspace ("main.go", "tool/main.go") with Quick Open. */
async function openFile(name) {
	await page.keyboard.press('Escape');
	await page.keyboard.press('Control+P');
	const input = page.locator('.quick-input-widget input');
	await input.waitFor({ state: 'visible', timeout: 10_000 });
	await input.fill(name);
	// A row shows the file name, and its directory as the description.
	const base = path.posix.basename(name);
	const dir = path.posix.dirname(name);
	let row = page.locator('.quick-input-widget .monaco-list-row', { hasText: base });
	if (dir !== '.') {
		row = row.filter({ hasText: dir });
	}
	// The row whose name is base: "main.go" also matches other files' rows.
	row = row.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${base.replace(/[.]/g, '\\.')}$`) }) });
	await row.first().waitFor({ timeout: 10_000 });
	await row.first().click();
	await page.locator(`.tabs-container .tab.active`, { hasText: base }).waitFor({ timeout: 10_000 });
}

async function goToLine(line, column) {
	await page.keyboard.press('Control+G');
	const input = page.locator('.quick-input-widget input');
	await input.waitFor({ state: 'visible', timeout: 10_000 });
	await input.fill(`:${line}:${column}`);
	await page.keyboard.press('Enter');
}

const editorText = () =>
	page.evaluate(() => {
		const lines = [...document.querySelectorAll('.monaco-editor .view-lines .view-line')];
		return lines.map((l) => l.textContent.replace(/\u00a0/g, ' ')).join('\n');
	});

async function main() {
	const browser = await chromium.launchPersistentContext(env('CROSSLS_E2E_PROFILE'), {
		executablePath: '/usr/bin/chromium',
		headless: true,
		viewport: { width: 1400, height: 900 },
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	page = browser.pages()[0] ?? (await browser.newPage());
	page.setDefaultTimeout(15_000);
	try {
		await run();
	} finally {
		await browser.close().catch(() => undefined);
	}
}

async function run() {
	if (mode === 'gowork') {
		await runGoWork();
		return;
	}
	await checkStartup();
	await checkDiagnostics();
	if (mode === 'untrusted') {
		await runUntrusted();
	} else {
		await runTrusted();
	}
}

async function checkStartup() {
	await check('workbench loads and the extension starts the server', async () => {
		await page.goto(url);
		await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
		// The status bar item appears on activation and shows the target count
		// once the server has reported.
		await waitFor(
			'the crossls status bar item to count 3 targets',
			async () => {
				const t = await page.locator('.statusbar-item', { hasText: 'crossls' }).allInnerTexts();
				return t.some((s) => /3 targets|\d+\/3 failing/.test(s));
			},
			60_000,
		);
	});

}

async function checkDiagnostics() {
	await check('main.go shows an error squiggle and a Problems entry naming windows/amd64', async () => {
		await openFile('main.go');
		await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
		await page.keyboard.press('Control+Shift+M');
		const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'windows/amd64' });
		await row.first().waitFor({ timeout: 20_000 });
		const text = (await row.first().innerText()).replace(/\s+/g, ' ');
		if (!/platformName/.test(text)) {
			throw new Error(`the Problems entry does not name platformName: ${text}`);
		}
		log(`Problems: ${text}`);
		const status = await page.locator('.statusbar-item', { hasText: 'crossls' }).first().innerText();
		if (!/1\/3 failing/.test(status)) {
			throw new Error(`status bar says "${status}", want 1/3 failing`);
		}
		// Hovering the squiggle shows the message with its targets.
		// The squiggle lies under the text layer: point at it by position.
		// (Re-publishing diagnostics re-renders it, so ask until it holds still.)
		const box = await waitFor(
			'the squiggle position',
			() => page.locator('.monaco-editor .squiggly-error').first().boundingBox().catch(() => null),
			10_000,
		);
		await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - 4);
		const hover = page.locator('.monaco-hover', { hasText: 'windows/amd64' });
		await hover.first().waitFor({ state: 'visible', timeout: 10_000 });
		await screenshot('hover');
		await page.mouse.move(0, 0);
	});
}

/** Adds a line gofmt would change to the end of main.go. */
async function typeUnformattedLine() {
	await openFile('main.go');
	await page.locator('.monaco-editor .view-lines').first().click();
	await page.keyboard.press('Control+End');
	await page.keyboard.type('\nvar   formatted=1\n');
	await waitFor('the typed line', async () => /var {3}formatted=1/.test(await editorText()), 10_000);
}

async function runUntrusted() {
	await check('Restricted Mode: Build for Target... is refused with the reason', async () => {
		const banner = await page.locator('text=Restricted Mode').count();
		if (banner === 0) {
			throw new Error('the workspace is not in Restricted Mode');
		}
		await palette('Crossls: Build for Target...');
		const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'untrusted workspace' });
		await toast.first().waitFor({ timeout: 20_000 });
		const text = (await toast.first().innerText()).replace(/\s+/g, ' ');
		log(`notification: ${text}`);
		if (!/go build/.test(text) || !/Manage Workspace Trust/.test(text)) {
			throw new Error(`the notification does not explain why: ${text}`);
		}
		if (await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'linux/arm64' }).isVisible()) {
			throw new Error('the target pick opened in an untrusted workspace');
		}
		// Build All is refused too: the explanation comes back after the
		// first is cleared, and the server never reports a build.
		await palette('Notifications: Clear All Notifications');
		await waitFor('the notifications to clear', async () => (await toast.count()) === 0, 10_000);
		await palette('Crossls: Build All Targets');
		await toast.first().waitFor({ timeout: 20_000 });
		const status = await page.locator('.statusbar-item', { hasText: 'crossls' }).first().innerText();
		if (/build|built/.test(status) || fs.existsSync(path.join(workspace, 'dist'))) {
			throw new Error(`a build ran in an untrusted workspace (status bar: ${status})`);
		}
	});

	await check('with the Go extension installed, crossls leaves formatting to it', async () => {
		// The stand-in Go extension formats nothing, so VS Code finds no
		// formatter: crossls has withdrawn its own.
		await palette('Notifications: Clear All Notifications');
		await typeUnformattedLine();
		await palette('Format Document');
		// VS Code 1.100 says so in a dialog; other versions in a notification.
		const says = page.locator('.monaco-dialog-box, .notifications-toasts .notification-toast', {
			hasText: /no formatter|multiple formatters/i,
		});
		await says.first().waitFor({ timeout: 20_000 });
		const text = (await says.first().innerText()).replace(/\s+/g, ' ');
		log(`formatter message: ${text}`);
		await screenshot('no-formatter');
		await page.keyboard.press('Escape');
		if (!/no formatter/i.test(text)) {
			throw new Error(`want "no formatter": ${text}`);
		}
		if (!/var {3}formatted=1/.test(await editorText())) {
			throw new Error('main.go was formatted by someone');
		}
	});
}

async function runTrusted() {
	await check('the palette lists the Crossls commands', async () => {
		await page.keyboard.press('Escape');
		await page.keyboard.press('Control+Shift+P');
		const input = page.locator('.quick-input-widget input');
		await input.waitFor({ state: 'visible' });
		await input.fill('>Crossls: ');
		const want = [
			'Build for Target...',
			'Build All Targets',
			'Cancel Build',
			'Show Targets',
			'Recheck Workspace',
			'Restart Server',
			'Show Output',
			'Choose Targets...',
			'Show Target Matrix',
		];
		const rows = page.locator('.quick-input-widget .monaco-list-row');
		await waitFor(
			'all Crossls commands in the palette',
			async () => {
				const texts = (await rows.allInnerTexts()).join('\n');
				return want.every((t) => texts.includes(`Crossls: ${t}`));
			},
			10_000,
		);
		await screenshot('palette');
		await page.keyboard.press('Escape');
	});

	await checkTargetsView();
	await checkFileTargets();

	await check('"Crossls: Build for Target..." from the palette builds linux/arm64', async () => {
		const binary = path.join(workspace, 'dist', 'app-linux-arm64');
		await palette('Crossls: Build for Target...');
		const pick = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'linux/arm64' });
		await pick.first().waitFor({ timeout: 20_000 });
		const rows = await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts();
		log(`target pick: ${JSON.stringify(rows.map((r) => r.replace(/\s+/g, ' ')))}`);
		if (!rows.some((r) => /linux\/arm64[\s\S]*\.crossls\.yaml/.test(r))) {
			throw new Error('the target pick does not say where linux/arm64 comes from');
		}
		// A fast build's notification may be gone before it is looked at:
		// record every toast the workbench shows from here on.
		await page.evaluate(() => {
			window.__toasts = [];
			const record = () => {
				for (const t of document.querySelectorAll('.notifications-toasts .notification-toast')) {
					const text = t.innerText.replace(/\s+/g, ' ').trim();
					const buttons = [...t.querySelectorAll('.monaco-button')].map((b) => b.innerText.trim()).filter(Boolean);
					if (text && !window.__toasts.some((x) => x.text === text && x.buttons.join() === buttons.join())) {
						window.__toasts.push({ text, buttons });
					}
				}
			};
			new MutationObserver(record).observe(document.body, { childList: true, subtree: true, characterData: true });
		});
		await page.keyboard.type('linux/arm64');
		await screenshot('target-pick');
		await page.keyboard.press('Enter');
		const toasts = await waitFor(
			'a build progress notification',
			async () => {
				const all = await page.evaluate(() => window.__toasts);
				return all.some((t) => /crossls: building 1 target/.test(t.text)) && all;
			},
			30_000,
		);
		await screenshot('build-progress');
		log(`notifications: ${JSON.stringify(toasts)}`);
		if (!toasts.some((t) => /crossls: building/.test(t.text) && t.buttons.includes('Cancel'))) {
			throw new Error('the build progress notification has no Cancel button');
		}
		await waitFor(`${binary}`, () => fs.existsSync(binary), 180_000);
		await waitFor(
			'the status bar to report the build',
			async () => /built 1\/1/.test((await page.locator('.statusbar-item', { hasText: 'crossls' }).allInnerTexts()).join(' ')),
			30_000,
		);
		const head = fs.readFileSync(binary).subarray(0, 20);
		// ELF, 64-bit, machine 0xB7 (AArch64).
		if (head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2 || head.readUInt16LE(18) !== 0xb7) {
			throw new Error(`${binary} is not a linux/arm64 ELF binary`);
		}
	});

	await check('a quick fix from the lightbulb creates the windows stub', async () => {
		const stub = path.join(workspace, 'name_windows.go');
		await page.keyboard.press('Escape');
		await openFile('main.go');
		// Line 7, on the call to platformName.
		const applyFromLightbulb = async () => {
			await goToLine(7, 33);
			// The lightbulb sits in the glyph margin of the cursor's line.
			const bulb = page.locator('.monaco-editor [class*="codicon-light-bulb"], .monaco-editor [class*="codicon-lightbulb"]');
			await bulb.first().waitFor({ state: 'visible', timeout: 20_000 });
			await screenshot('lightbulb');
			await bulb.first().click();
			const action = page.locator('.action-widget .monaco-list-row', { hasText: /stubs? for platformName/ });
			await action.first().waitFor({ timeout: 20_000 });
			await screenshot('quick-fix-menu');
			// The menu takes keys (a pointer shield covers it): move to the action, Enter.
			const focused = page.locator('.action-widget .monaco-list-row.focused');
			for (let i = 0; i < 10 && !/stubs? for platformName/.test(await focused.innerText().catch(() => '')); i++) {
				await page.keyboard.press('ArrowDown');
			}
			await page.keyboard.press('Enter');
		};
		await applyFromLightbulb();
		// The edit creates the file and fills its (unsaved) buffer; save it
		// like a user. The menu sometimes drops the Enter under load (the
		// menu closes and nothing is applied): a user would pick it again.
		if (!(await waitFor('name_windows.go to be created', () => fs.existsSync(stub), 10_000).then(() => true, () => false))) {
			log('the quick fix menu closed without applying the action; picking it again');
			await page.keyboard.press('Escape');
			await applyFromLightbulb();
			await waitFor('name_windows.go to be created', () => fs.existsSync(stub), 20_000);
		}
		await palette('File: Save All Files');
		const content = await waitFor(
			'name_windows.go with a platformName stub on disk',
			() => fs.existsSync(stub) && /func platformName\(\)/.test(fs.readFileSync(stub, 'utf8')) && fs.readFileSync(stub, 'utf8'),
			30_000,
		);
		log(`name_windows.go:\n${content}`);
		// The windows/amd64 error goes away once the server sees the new file.
		await openFile('main.go');
		await waitFor(
			'the windows/amd64 error to disappear',
			async () => (await page.locator('.monaco-editor .squiggly-error').count()) === 0,
			60_000,
		);
		log(`main.go now:\n${await editorText()}`);
	});

	await checkTargetPicker();

	await check('the crossls.targets setting reaches the server', async () => {
		// Written on disk as a user editing .vscode/settings.json would; VS Code
		// reloads it, the extension notifies the server, the server re-pulls.
		fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
		fs.writeFileSync(
			path.join(workspace, '.vscode', 'settings.json'),
			JSON.stringify({ 'crossls.targets': ['linux/amd64', 'darwin/arm64'] }, null, 2),
		);
		await waitFor(
			'the status bar to show 1/2 failing',
			async () => /1\/2 failing/.test((await page.locator('.statusbar-item', { hasText: 'crossls' }).allInnerTexts()).join(' ')),
			60_000,
		);
		await page.keyboard.press('Control+Shift+M');
		await page.locator('.markers-panel .monaco-list-row', { hasText: 'darwin/arm64' }).first().waitFor({ timeout: 20_000 });
		await palette('Crossls: Show Targets');
		const rows = page.locator('.quick-input-widget .monaco-list-row');
		await rows.first().waitFor();
		const texts = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
		log(`Show Targets: ${JSON.stringify(texts)}`);
		if (texts.length !== 2 || !texts.every((t) => /from settings/.test(t))) {
			throw new Error(`Show Targets lists ${JSON.stringify(texts)}, want the two targets from settings`);
		}
		await screenshot('show-targets');
		await page.keyboard.press('Escape');
	});

	await check('Cancel on the build notification cancels the build', async () => {
		// A file that takes the compiler seconds, different on every run so
		// that the build cache cannot answer.
		const seed = Math.floor(Math.random() * 1e9);
		let src = '// Code generated for the cancellation test. DO NOT EDIT.\n\npackage main\n\n';
		for (let i = 0; i < 20000; i++) {
			src += `func slow${i}() int { x := ${seed} + ${i}; for j := 0; j < x%7; j++ { x = x*31 + j }; return x }\n`;
		}
		fs.writeFileSync(path.join(workspace, 'slow.go'), src);
		const binary = path.join(workspace, 'dist', 'app-linux-amd64');
		await palette('Crossls: Build for Target...');
		await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'linux/amd64' }).first().waitFor({ timeout: 20_000 });
		await page.keyboard.type('linux/amd64');
		await page.keyboard.press('Enter');
		const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'crossls: building' });
		const cancel = toast.first().locator('.monaco-button', { hasText: 'Cancel' });
		await cancel.waitFor({ timeout: 30_000 });
		await screenshot('build-to-cancel');
		await cancel.click();
		await waitFor(
			'the status bar to report the build cancelled',
			async () => /build cancelled/.test((await page.locator('.statusbar-item', { hasText: 'crossls' }).allInnerTexts()).join(' ')),
			60_000,
		);
		if (fs.existsSync(binary)) {
			throw new Error(`${binary} exists after the build was cancelled`);
		}
		fs.rmSync(path.join(workspace, 'slow.go'));
	});
	await checkBuildSelectedTarget();

	await check('without the Go extension, Format Document formats with crossls', async () => {
		await typeUnformattedLine();
		await palette('Format Document');
		await waitFor('main.go to be formatted', async () => /^var formatted = 1$/m.test(await editorText()), 20_000);
	});
}

/** The rows of the Crossls Targets view, as "label description" texts. */
const targetsView = () => page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Crossls Targets' }) });
const targetsViewRows = () =>
	targetsView()
		.locator('.monaco-list-row')
		.evaluateAll((rows) =>
			rows.map((r) =>
				[r.querySelector('.label-name'), r.querySelector('.label-description')]
					.map((e) => (e ? e.textContent.trim() : ''))
					.filter(Boolean)
					.join(' '),
			),
		);

/** waitFor, logging what the view shows if it times out. */
async function waitForView(what, cond, timeoutMs) {
	try {
		return await waitFor(what, cond, timeoutMs);
	} catch (err) {
		log(`Crossls Targets shows: ${JSON.stringify(await targetsViewRows().catch((e) => e.message))}`);
		throw err;
	}
}

async function checkTargetsView() {
	await check('the Crossls Targets view shows each target and its packages; a failing one opens its error', async () => {
		await palette('Crossls: Show Target Matrix');
		const rows = await waitForView(
			'the view to list the three targets and the failing package',
			async () => {
				const r = await targetsViewRows();
				return r.some((t) => /^windows\/amd64 1 of 1 package fails$/.test(t)) &&
					r.some((t) => /^example\.com\/app undefined-symbol: undefined: platformName$/.test(t)) &&
					r.some((t) => /^linux\/amd64 1 package build$/.test(t)) &&
					r;
			},
			60_000,
		);
		log(`Crossls Targets: ${JSON.stringify(rows)}`);
		const want = ['linux/amd64 1 package build', 'linux/arm64 1 package build', 'windows/amd64 1 of 1 package fails', 'example.com/app undefined-symbol: undefined: platformName'];
		if (JSON.stringify(rows) !== JSON.stringify(want)) {
			throw new Error(`rows ${JSON.stringify(rows)}, want ${JSON.stringify(want)}`);
		}
		const failing = targetsView().locator('.monaco-list-row', { hasText: 'example.com/app' });
		if ((await failing.locator('.codicon-error').count()) !== 1 || (await targetsView().locator('.monaco-list-row', { hasText: 'linux/amd64' }).locator('.codicon-pass').count()) !== 1) {
			throw new Error('the rows lack their status icons');
		}
		await screenshot('targets-view');
		await failing.first().click();
		await page.locator('.tabs-container .tab.active', { hasText: 'main.go' }).waitFor({ timeout: 10_000 });
		await waitFor(
			'the cursor on the error, line 7',
			async () => /Ln 7, Col/.test((await page.locator('.statusbar-item').allInnerTexts()).join(' ')),
			10_000,
		);
		// The title action builds the selected target: select linux/amd64's row.
		const title = await targetsView().locator('.pane-header .action-label').evaluateAll((as) => as.map((a) => a.getAttribute('aria-label')));
		log(`view title actions: ${JSON.stringify(title)}`);
		if (!title.includes('Build Selected Target') || !title.includes('Choose Targets...')) {
			throw new Error(`the view's title has no build and choose actions: ${JSON.stringify(title)}`);
		}
	});
}

async function checkBuildSelectedTarget() {
	await check("the Crossls Targets view's title action builds the selected target", async () => {
		const binary = path.join(workspace, 'dist', 'app-linux-amd64');
		fs.rmSync(binary, { force: true });
		await palette('Crossls: Show Target Matrix');
		const row = targetsView().locator('.monaco-list-row', { hasText: 'linux/amd64' }).first();
		await row.waitFor({ timeout: 20_000 });
		await row.click();
		await waitFor('linux/amd64 selected in the view', async () => (await row.getAttribute('aria-selected')) === 'true', 10_000);
		await targetsView().locator('.pane-header .action-label[aria-label="Build Selected Target"]').click();
		await waitFor(`${binary}`, () => fs.existsSync(binary), 180_000);
		await waitFor(
			'the status bar to report the build',
			async () => /built 1\/1/.test((await page.locator('.statusbar-item', { hasText: 'crossls' }).allInnerTexts()).join(' ')),
			30_000,
		);
		await screenshot('build-selected-target');
		const head = fs.readFileSync(binary).subarray(0, 20);
		// ELF, 64-bit, machine 0x3E (x86-64).
		if (head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2 || head.readUInt16LE(18) !== 0x3e) {
			throw new Error(`${binary} is not a linux/amd64 ELF binary`);
		}
		fs.rmSync(binary);
	});
}

async function checkFileTargets() {
	await check('name_linux.go: a code lens and a hover on the package clause say which targets build it', async () => {
		await openFile('name_linux.go');
		const lens = page.locator('.monaco-editor .codelens-decoration', { hasText: 'builds for 2 of 3 targets' });
		await lens.first().waitFor({ timeout: 30_000 });
		const lensText = (await lens.first().innerText()).trim();
		log(`code lens: ${lensText}`);
		if (lensText !== 'builds for 2 of 3 targets — not windows/amd64') {
			throw new Error(`code lens says "${lensText}"`);
		}
		await page.mouse.move(0, 0);
		const word = page.locator('.monaco-editor .view-line span', { hasText: /^package$/ }).first();
		await word.hover();
		const hover = page.locator('.monaco-hover', { hasText: 'builds for 2 of 3 targets' });
		await hover.first().waitFor({ state: 'visible', timeout: 15_000 });
		const text = (await hover.first().innerText()).replace(/\s+/g, ' ');
		log(`hover: ${text}`);
		for (const want of ['name_linux.go builds for 2 of 3 targets', 'builds for linux/amd64, linux/arm64', 'not for windows/amd64: file name suffix _linux', 'Package example.com/app builds for 2 of 3 targets', 'windows/amd64: undefined: platformName (undefined-symbol)']) {
			if (!text.includes(want)) {
				throw new Error(`the hover lacks "${want}": ${text}`);
			}
		}
		await screenshot('hover-package-clause');
		// The lens opens the same explanation, at the package clause.
		await page.mouse.move(0, 0);
		await page.locator('.monaco-editor .view-line', { hasText: 'return "linux"' }).first().click();
		await page.keyboard.press('Escape');
		await waitFor('the hover to close', async () => !(await hover.first().isVisible().catch(() => false)), 10_000);
		await lens.first().locator('a').first().click();
		await hover.first().waitFor({ state: 'visible', timeout: 15_000 });
		await waitFor('the cursor on the package clause', async () => /Ln 1, Col 1\b/.test((await page.locator('.statusbar-item').allInnerTexts()).join(' ')), 10_000);
		await screenshot('code-lens-explains');
		await page.keyboard.press('Escape');
		await page.mouse.move(0, 0);
	});
}

async function checkTargetPicker() {
	await check('the status bar opens the target picker; ticking linux/386 shows the finding only 386 has', async () => {
		await page.keyboard.press('Escape');
		await page.locator('.statusbar-item', { hasText: 'crossls' }).first().click();
		const rows = page.locator('.quick-input-widget .monaco-list-row');
		await rows.filter({ hasText: 'linux/386' }).first().waitFor({ timeout: 20_000 });
		const title = await page.locator('.quick-input-widget .quick-input-title').innerText();
		const listed = await rows.evaluateAll((rs) =>
			rs.map((r) => ({ text: r.innerText.replace(/\s+/g, ' ').trim(), checked: r.getAttribute('aria-checked') === 'true' || !!r.querySelector('input[type=checkbox]:checked, .monaco-checkbox.checked, .monaco-custom-toggle.checked') })),
		);
		log(`picker "${title}": ${JSON.stringify(listed.slice(0, 8))}`);
		const checked = listed.filter((r) => r.checked).map((r) => r.text.split(' ')[0]);
		if (JSON.stringify(checked.sort()) !== JSON.stringify(['linux/amd64', 'linux/arm64', 'windows/amd64'])) {
			throw new Error(`ticked: ${JSON.stringify(checked)}, want the three configured targets`);
		}
		if (!listed.some((r) => /^linux\/386 .*first-class port/.test(r.text))) {
			throw new Error('linux/386 is not marked as a first-class port');
		}
		await screenshot('target-picker-open');
		await page.keyboard.type('linux/386');
		const row386 = rows.filter({ hasText: 'linux/386' }).first();
		await row386.locator('.quick-input-list-checkbox, .monaco-checkbox, input[type=checkbox]').first().click();
		await screenshot('target-picker');
		await page.keyboard.press('Enter');
		const settingsFile = path.join(workspace, '.vscode', 'settings.json');
		const written = await waitFor(
			'crossls.targets in .vscode/settings.json',
			() => fs.existsSync(settingsFile) && /linux\/386/.test(fs.readFileSync(settingsFile, 'utf8')) && fs.readFileSync(settingsFile, 'utf8'),
			20_000,
		);
		log(`settings.json: ${written}`);
		const targets = JSON.parse(written)['crossls.targets'];
		if (JSON.stringify([...targets].sort()) !== JSON.stringify(['linux/386', 'linux/amd64', 'linux/arm64', 'windows/amd64'])) {
			throw new Error(`crossls.targets is ${JSON.stringify(targets)}`);
		}
		const text = await problemsRow('linux/386', 'overflows');
		log(`Problems: ${text}`);
		if (!/\[linux\/386\]/.test(text) || /amd64|arm64/.test(text.replace(/.*\] /, '').split(' (')[0])) {
			throw new Error(`the overflow is not reported for linux/386 alone: ${text}`);
		}
		await waitFor(
			'the status bar to count 4 targets',
			async () => /\/4 failing|4 targets/.test((await page.locator('.statusbar-item', { hasText: 'crossls' }).allInnerTexts()).join(' ')),
			30_000,
		);
		await palette('Crossls: Show Target Matrix');
		await waitForView('linux/386 in the Crossls Targets view', async () => (await targetsViewRows()).some((t) => /^linux\/386 1 of 1 package fails$/.test(t)), 30_000);
		await screenshot('targets-view-386');
	});
}

/** The Problems panel row naming target and symbol, after opening the panel. */
async function problemsRow(target, symbol) {
	await page.keyboard.press('Escape');
	// Ctrl+Shift+M toggles: it would close a Problems panel already open.
	if (!(await page.locator('.markers-panel').isVisible())) {
		await page.keyboard.press('Control+Shift+M');
	}
	const row = page.locator('.markers-panel .monaco-list-row', { hasText: target }).filter({ hasText: symbol });
	await row.first().waitFor({ timeout: 60_000 });
	return (await row.first().innerText()).replace(/\s+/g, ' ');
}

const problemsTexts = async () => (await page.locator('.markers-panel .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));

// The workspace is a go.work root that is no module: app uses the
// workspace's targets (linux/amd64, windows/amd64), tool its own
// (linux/amd64, linux/arm64).
async function runGoWork() {
	await check('go.work workspace: the workbench loads', async () => {
		await page.goto(url);
		await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
		await page.locator('.statusbar-item', { hasText: 'crossls' }).first().waitFor({ timeout: 60_000 });
	});

	await check('go.work workspace: app/main.go shows its windows/amd64 error', async () => {
		await openFile('app/main.go');
		await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
		const text = await problemsRow('windows/amd64', 'platformName');
		log(`Problems: ${text}`);
	});

	await check('go.work workspace: tool/main.go is checked for its own targets', async () => {
		await openFile('tool/main.go');
		const text = await problemsRow('linux/arm64', 'archName');
		log(`Problems: ${text}`);
		const all = await problemsTexts();
		log(`all Problems: ${JSON.stringify(all)}`);
		if (all.some((t) => /archName/.test(t) && /windows/.test(t)) || all.some((t) => /platformName/.test(t) && /arm64/.test(t))) {
			throw new Error('a module was checked for the other module\'s targets');
		}
		if (await page.locator('.notifications-toasts .notification-toast', { hasText: 'not in a Go module' }).count()) {
			throw new Error('crossls says a file of the workspace is not in a module');
		}
	});

	await check('go.work workspace: Build for Target from tool/main.go builds tool', async () => {
		// crossls.build.outputDir (default dist) is relative to the workspace folder.
		const binary = path.join(workspace, 'dist', 'tool-linux-amd64');
		await openFile('tool/main.go');
		await palette('Crossls: Build for Target...');
		await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'linux/arm64' }).first().waitFor({ timeout: 20_000 });
		const rows = await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts();
		log(`target pick: ${JSON.stringify(rows.map((r) => r.replace(/\s+/g, ' ')))}`);
		await page.keyboard.type('linux/amd64');
		await page.keyboard.press('Enter');
		await waitFor(`${binary}`, () => fs.existsSync(binary), 180_000);
		await waitFor(
			'the status bar to report the build',
			async () => /built 1\/1/.test((await page.locator('.statusbar-item', { hasText: 'crossls' }).allInnerTexts()).join(' ')),
			30_000,
		);
		if (fs.readdirSync(path.join(workspace, 'dist')).some((f) => f.startsWith('app-'))) {
			throw new Error('a build from tool/main.go built more than tool');
		}
	});
}

try {
	await main();
} catch (err) {
	results.push({ name: 'harness', ok: false });
	log(`harness error: ${err.stack ?? err}`);
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
log(`${mode}: ${passed} passed, ${failed} failed`);
if (process.env.CROSSLS_E2E_RESULT) {
	fs.writeFileSync(process.env.CROSSLS_E2E_RESULT, `${passed} ${failed}\n`);
}
process.exit(failed === 0 && passed > 0 ? 0 : 1);
