// Headless-Chromium test of the GraphiQL playground served at /graphql.
//
//   node test.mjs <URL of /graphql> [SCREENSHOT_DIR]
//
// Every request whose host is not 127.0.0.1 / localhost / [::1] is aborted and fails the test, as
// do console errors, page errors, failed local requests, missing tabs or results and timeouts
// (30 s per step). Expected tabs: one per ../../examples/*.graphql.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const STEP_MS = 30_000;
const here = path.dirname(fileURLToPath(import.meta.url));
const [url, shotsArg] = process.argv.slice(2);
if (!url) {
  console.error('usage: node test.mjs <URL of /graphql> [SCREENSHOT_DIR]');
  process.exit(2);
}
const shots = path.resolve(shotsArg || path.join(here, '../../target/ci-screenshots'));
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const expected = fs.readdirSync(path.join(here, '../../examples'))
  .filter((f) => f.endsWith('.graphql')).map((f) => f.slice(0, -'.graphql'.length)).sort();

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const external = []; // blocked non-local requests
const errors = []; // console errors, page errors, failed local requests

function isLocal(u) {
  let parsed;
  try { parsed = new URL(u); } catch { return false; }
  if (['data:', 'blob:', 'about:'].includes(parsed.protocol)) return true;
  return ['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol) && LOCAL_HOSTS.has(parsed.hostname);
}

class Failure extends Error {}

// Run one step with a bounded time; a timeout names the step.
async function step(name, fn) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Failure(`timed out after ${STEP_MS / 1000} s: ${name}`)), STEP_MS);
  });
  try {
    return await Promise.race([fn(), timeout]);
  } catch (e) {
    if (e instanceof Failure) throw e;
    throw new Failure(`${name}: ${e.message}`);
  } finally {
    clearTimeout(timer);
  }
}

// Text of a GraphiQL editor (CodeMirror 5 keeps the instance on its wrapper element; the DOM only
// holds the visible lines).
const editorText = (selector) => `(() => {
  const cm = document.querySelector(${JSON.stringify(selector + ' .CodeMirror')});
  return cm ? (cm.CodeMirror ? cm.CodeMirror.getValue() : cm.textContent) : '';
})()`;
const RESULT = editorText('.result-window');
const QUERY = editorText('.graphiql-query-editor');

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'playground-test-'));
let browser;
let page;
let queries = 0;
let tabCount = 0;

async function shot(name) {
  await page.screenshot({ path: path.join(shots, name) });
}

async function runTab(title, needle, shotName) {
  await step(`select tab ${title}`, async () => {
    const tab = await page.waitForFunction((t) => [...document.querySelectorAll('.graphiql-tab')]
      .find((el) => el.querySelector('.graphiql-tab-button')?.textContent.trim() === t), { timeout: STEP_MS }, title);
    const active = await tab.evaluate((el) => el.classList.contains('graphiql-tab-active'));
    if (!active) await (await tab.$('.graphiql-tab-button')).click();
    await page.waitForFunction((t) => document.querySelector('.graphiql-tab-active .graphiql-tab-button')?.textContent.trim() === t,
      { timeout: STEP_MS }, title);
    await page.waitForFunction(`${QUERY}.includes(${JSON.stringify(`query ${title}`)})`, { timeout: STEP_MS });
    // GraphiQL re-derives the operation name from the editor shortly after a tab switch; a run
    // before that would send the previous tab's operationName.
    await page.waitForFunction((t) => document.querySelector('.graphiql-query-editor .CodeMirror')?.CodeMirror?.operationName === t,
      { timeout: STEP_MS }, title);
  });
  await step(`run ${title}`, async () => {
    await page.click('.graphiql-execute-button');
    queries += 1;
    try {
      await page.waitForFunction(`${RESULT}.includes(${JSON.stringify(needle)})`, { timeout: STEP_MS - 2000 });
    } catch (e) {
      const got = await page.evaluate(RESULT).catch(() => '');
      throw new Error(`result pane never showed ${needle}; it shows: ${got.slice(0, 300) || '(nothing)'}`);
    }
  });
  await shot(shotName);
}

async function main() {
  fs.mkdirSync(shots, { recursive: true });
  browser = await step('launch chromium', () => puppeteer.launch({
    executablePath: chromium,
    headless: false, // the flag is passed explicitly below
    pipe: true,
    timeout: STEP_MS,
    protocolTimeout: STEP_MS,
    defaultViewport: { width: 1400, height: 900 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--user-data-dir=${userDataDir}`,
    ],
  }));
  page = (await browser.pages())[0] || await browser.newPage();

  await page.setRequestInterception(true);
  page.on('request', (req) => {
    if (req.isInterceptResolutionHandled()) return;
    if (isLocal(req.url())) {
      req.continue();
    } else {
      external.push(req.url());
      req.abort('blockedbyclient');
    }
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && isLocal(res.url())) errors.push(`HTTP ${res.status()} ${res.url()}`);
  });
  page.on('requestfailed', (req) => {
    if (isLocal(req.url())) errors.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console error: ${msg.text()}`);
    else if (msg.type() === 'warn') console.log(`(console warning: ${msg.text()})`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  cdp.on('Network.webSocketCreated', ({ url: ws }) => { if (!isLocal(ws)) external.push(ws); });
  // CSP violations also reach the console, but make sure they count.
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });

  await step(`open ${url}`, async () => {
    const res = await page.goto(url, { waitUntil: 'load', timeout: STEP_MS });
    if (!res || !res.ok()) throw new Error(`HTTP ${res ? res.status() : 'no response'}`);
    const type = res.headers()['content-type'] || '';
    if (!type.startsWith('text/html')) throw new Error(`content-type ${type}, expected text/html`);
  });

  await step('wait for GraphiQL tabs', async () => {
    try {
      await page.waitForFunction((n) => document.querySelectorAll('.graphiql-tab').length >= n
        && document.querySelector('.graphiql-execute-button'), { timeout: STEP_MS }, expected.length);
    } catch {
      const n = await page.evaluate(() => document.querySelectorAll('.graphiql-tab').length).catch(() => 0);
      throw new Error(`expected ${expected.length} tabs (${expected.join(', ')}), found ${n}`);
    }
    const titles = await page.$$eval('.graphiql-tab .graphiql-tab-button', (els) => els.map((el) => el.textContent.trim()));
    tabCount = titles.length;
    const missing = expected.filter((t) => !titles.includes(t));
    const extra = titles.filter((t) => !expected.includes(t));
    if (missing.length || extra.length) {
      throw new Error(`tabs ${titles.join(', ')}; missing: ${missing.join(', ') || '-'}; unexpected: ${extra.join(', ') || '-'}`);
    }
    const active = await page.$eval('.graphiql-tab-active .graphiql-tab-button', (el) => el.textContent.trim());
    if (active !== 'FunctionalTree') throw new Error(`active tab is ${active}, expected FunctionalTree`);
    if (await page.title() !== 'Open budget data API — GraphQL playground') throw new Error(`title is ${await page.title()}`);
  });
  await shot('playground-1-loaded.png');

  await step('check the page for external links', async () => {
    const links = await page.$$eval('[href], [src], [action]', (els) => els.flatMap((el) =>
      ['href', 'src', 'action'].map((a) => el.getAttribute(a) && new URL(el.getAttribute(a), document.baseURI).href).filter(Boolean)));
    const bad = links.filter((l) => !isLocal(l) && !l.startsWith('javascript:'));
    if (bad.length) throw new Error(`external URLs in the page: ${bad.join(', ')}`);
  });

  // Dialogs inject inline <style> (scroll lock): catches a Content-Security-Policy that is too strict.
  await step('open and close the settings dialog', async () => {
    await page.click('[aria-label="Open settings dialog"]');
    await page.waitForSelector('[role="dialog"]', { visible: true, timeout: STEP_MS });
    await page.keyboard.press('Escape');
    await page.waitForSelector('[role="dialog"]', { hidden: true, timeout: STEP_MS });
  });

  await runTab('FunctionalTree', '"expenditureTotal": "29760"', 'playground-2-functionaltree.png');
  await runTab('Catalogue', 'pingshan-gsbdc', 'playground-3-catalogue.png');
}

let failure = null;
try {
  await main();
} catch (e) {
  failure = e instanceof Failure ? e.message : (e.stack || String(e));
  if (page) await shot('playground-failure.png').catch(() => {});
}
if (browser) await browser.close().catch(() => {});
fs.rmSync(userDataDir, { recursive: true, force: true });

const summary = `playground: ${tabCount} tabs, ${queries} queries run, ${external.length} external requests, ${errors.length} console errors`;
const problems = [
  ...(failure ? [failure] : []),
  ...external.map((u) => `blocked non-local request: ${u}`),
  ...errors,
];
if (problems.length) {
  console.error(`FAIL ${summary}`);
  for (const p of problems) console.error(`  - ${p}`);
  console.error(`  screenshots: ${shots}`);
  process.exit(1);
}
console.log(summary);
console.log(`screenshots: ${shots}`);
