// Loads the HTML report of `crossls check -format html` in headless
// Chromium and checks what a reader sees: the grid, a cell's link to its
// findings, the filters, and that the page fetches nothing. Started by
// test/e2e.sh, which writes the report of test/e2e/fixture-report.

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
const report = env('CROSSLS_E2E_REPORT');
const artifacts = env('CROSSLS_E2E_ARTIFACTS');
const { chromium } = createRequire(path.join(env('CROSSLS_E2E_TOOLS'), 'package.json'))('playwright-core');

const results = [];
let page;

function log(msg) {
	process.stderr.write(`[e2e ${new Date().toTimeString().slice(0, 8)}] ${msg}\n`);
}

async function check(name, shot, fn) {
	try {
		await fn();
		results.push(true);
		log(`PASS ${name}`);
	} catch (err) {
		results.push(false);
		log(`FAIL ${name}: ${err.stack ?? err}`);
	}
	await page.screenshot({ path: path.join(artifacts, `report-${shot}.png`), fullPage: false }).catch((e) => log(`screenshot: ${e.message}`));
}

function expect(cond, msg) {
	if (!cond) {
		throw new Error(msg);
	}
}

const visibleTexts = (selector) =>
	page.$$eval(selector, (els) => els.filter((e) => e.offsetParent !== null).map((e) => e.innerText.replace(/\s+/g, ' ').trim()));

async function main() {
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
	});
	page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
	const outside = [];
	page.on('request', (r) => {
		if (!r.url().startsWith('file://')) {
			outside.push(r.url());
		}
	});
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	try {
		await page.goto(`file://${report}`);

		await check('the grid shows every package x target with its status', 'grid', async () => {
			const targets = await page.$$eval('#grid thead th.target', (ths) => ths.map((t) => t.innerText.trim()));
			log(`targets: ${targets.join(' ')}`);
			expect(targets.length === 12 && targets[0] === 'linux/amd64', `targets ${targets}`);
			const packages = await page.$$eval('#grid tbody tr', (rows) => rows.map((r) => r.dataset.package));
			expect(
				JSON.stringify(packages) ===
					JSON.stringify(['example.com/shop', 'example.com/shop/cmd/tool', 'example.com/shop/internal/platform', 'example.com/shop/internal/store', 'example.com/shop/internal/version']),
				`packages ${packages}`,
			);
			const cell = (pkg, target) => page.locator(`#grid tr[data-package="${pkg}"] td[data-target="${target}"]`);
			expect((await cell('example.com/shop/internal/store', 'linux/386').getAttribute('data-status')) === 'fail', 'store on 386 does not fail');
			expect(/overflows/.test(await cell('example.com/shop/internal/store', 'linux/386').getAttribute('title')), 'the 386 cell does not say why');
			expect((await cell('example.com/shop/internal/platform', 'js/wasm').getAttribute('class')).includes('no-go-files'), 'platform on js/wasm is no no-go-files cell');
			expect((await cell('example.com/shop/internal/version', 'windows/arm64').innerText()).trim() === '✓', 'version on windows/arm64 does not build');
			const failing = await page.locator('#grid td.fail').count();
			expect(failing === 10, `${failing} failing cells, want 10`);
			const sticky = await page.$eval('#grid thead th.target', (th) => getComputedStyle(th).position);
			expect(sticky === 'sticky', `the header is ${sticky}, not sticky`);
			expect(/10 failing/.test(await page.locator('#failing-count').innerText()), 'the summary does not count 10 failing cells');
		});

		await check('a failing cell links to its finding', 'cell-link', async () => {
			await page.locator('#grid tr[data-package="example.com/shop/internal/store"] td[data-target="linux/386"] a').click();
			const picked = page.locator('li.picked');
			await picked.waitFor({ state: 'visible', timeout: 5_000 });
			const text = (await picked.innerText()).replace(/\s+/g, ' ');
			log(`picked: ${text}`);
			expect(/linux\/386/.test(text) && /overflows/.test(text), `the picked finding: ${text}`);
			expect(await picked.evaluate((li) => li.getBoundingClientRect().top >= 0 && li.getBoundingClientRect().top < innerHeight), 'the finding is not scrolled into view');
		});

		await check('filtering by target and status', 'filtered', async () => {
			await page.evaluate(() => scrollTo(0, 0));
			await page.selectOption('#target-filter', 'linux/386');
			const shownTargets = await visibleTexts('#grid thead th.target');
			expect(JSON.stringify(shownTargets) === '["linux/386"]', `columns shown: ${shownTargets}`);
			await page.selectOption('#status-filter', 'fail');
			const rows = await page.$$eval('#grid tbody tr', (trs) => trs.filter((r) => r.offsetParent !== null).map((r) => r.dataset.package));
			expect(JSON.stringify(rows) === '["example.com/shop","example.com/shop/internal/store"]', `rows shown: ${rows}`);
			const shown = await page.locator('#shown').innerText();
			expect(shown === '2 of 5 packages shown', shown);
			const findings = await visibleTexts('#findings li');
			log(`findings shown: ${JSON.stringify(findings)}`);
			expect(findings.length > 0 && findings.every((f) => f.includes('linux/386')), 'a finding of another target is shown');
			await page.fill('#package-filter', 'store');
			expect((await page.locator('#shown').innerText()) === '1 of 5 packages shown', 'the package filter does not filter');
		});

		await check('the page is self-contained and runs without errors', 'reset', async () => {
			await page.fill('#package-filter', '');
			await page.selectOption('#target-filter', '');
			await page.selectOption('#status-filter', '');
			expect(outside.length === 0, `the page fetched ${outside}`);
			expect(errors.length === 0, `page errors: ${errors}`);
		});

		const big = process.env.CROSSLS_E2E_BIG_REPORT;
		if (big) {
			await checkBigReport(browser, big);
		}
	} finally {
		await browser.close().catch(() => undefined);
	}
}

/**
 * The report of a module of 301 packages for every port of Go (47): it
 * loads in a few seconds, and while the grid scrolls its header row and
 * package column stay in view.
 */
async function checkBigReport(browser, file) {
	page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
	await check('a report of 301 packages x every port loads fast and keeps its headers in view', 'big', async () => {
		const start = Date.now();
		await page.goto(`file://${file}`);
		const loaded = Date.now() - start;
		const targets = await page.locator('#grid thead th.target').count();
		const rows = await page.locator('#grid tbody tr').count();
		log(`big report: ${rows} packages x ${targets} targets, ${(fs.statSync(file).size / 1e6).toFixed(1)} MB, loaded in ${loaded} ms`);
		expect(targets >= 40 && rows === 301, `${rows} packages x ${targets} targets`);
		expect(loaded < 10_000, `loading took ${loaded} ms`);
		const wrap = page.locator('.grid-wrap');
		await wrap.evaluate((w) => w.scrollTo(600, 3000));
		const at = await page.evaluate(() => {
			const w = document.querySelector('.grid-wrap').getBoundingClientRect();
			const th = document.querySelector('#grid thead th.target:last-child').getBoundingClientRect();
			// The package cell of the first row shown below the header.
			const rows = [...document.querySelectorAll('#grid tbody tr')];
			const row = rows.find((r) => r.getBoundingClientRect().top >= th.bottom - 1);
			const pkg = row.querySelector('th.pkg').getBoundingClientRect();
			return { wrapTop: w.top, wrapLeft: w.left, headTop: th.top, pkgLeft: pkg.left, scrolled: document.querySelector('.grid-wrap').scrollTop, row: row.dataset.package };
		});
		log(`scrolled: ${JSON.stringify(at)}`);
		expect(at.scrolled > 1000, `the grid did not scroll: ${at.scrolled}`);
		expect(Math.abs(at.headTop - at.wrapTop) <= 2, `the header row is at ${at.headTop}, the grid's top at ${at.wrapTop}`);
		expect(Math.abs(at.pkgLeft - at.wrapLeft) <= 2, `the package column is at ${at.pkgLeft}, the grid's left at ${at.wrapLeft}`);
		await page.selectOption('#status-filter', 'fail');
		const shown = await page.locator('#shown').innerText();
		expect(shown === '1 of 301 packages shown', `failing filter: ${shown}`);
		await page.selectOption('#status-filter', '');
		await wrap.evaluate((w) => w.scrollTo(600, 3000));
	});
}

try {
	expect(fs.existsSync(report), `${report} does not exist`);
	await main();
} catch (err) {
	results.push(false);
	log(`harness error: ${err.stack ?? err}`);
}
const passed = results.filter(Boolean).length;
const failed = results.length - passed;
log(`report: ${passed} passed, ${failed} failed`);
fs.writeFileSync(env('CROSSLS_E2E_RESULT'), `${passed} ${failed}\n`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
