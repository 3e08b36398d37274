// What the headless-Chromium tests of the two pages share (playground.mjs, explorer.mjs):
// Chromium's launch, the guard on the page (every request whose host is not 127.0.0.1 /
// localhost / [::1] is aborted and recorded; console errors, page errors, CSP violations, local
// HTTP responses >= 400 and failed local requests are recorded), screenshots, steps bounded in
// time (30 s each) and the summary at the end: any of these fails the test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

export const STEP_MS = 30_000;
/** The repository's root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLocal(u) {
  let parsed;
  try { parsed = new URL(u); } catch { return false; }
  if (['data:', 'blob:', 'about:'].includes(parsed.protocol)) return true;
  return ['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol) && LOCAL_HOSTS.has(parsed.hostname);
}

export class Failure extends Error {}

// Run one step with a bounded time; a timeout names the step.
export async function step(name, fn) {
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

// `node <test>.mjs <URL> [SCREENSHOT_DIR]`: the URL and the screenshot directory (default
// `defaultShots` below the repository's root).
export function cli(usage, defaultShots) {
  const [url, shotsArg] = process.argv.slice(2);
  if (!url) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  return { url, shots: path.resolve(shotsArg || path.join(root, defaultShots)) };
}

// One test's browser: `name` prefixes the failure screenshot and the temporary profile.
export class Session {
  constructor(name, { shots, viewport, fullPage = false, settleMs = 0 }) {
    this.name = name;
    this.shots = shots;
    this.viewport = viewport;
    this.fullPage = fullPage; // screenshots of the whole page
    this.settleMs = settleMs; // wait before a screenshot (transitions)
    this.external = []; // blocked non-local requests
    this.errors = []; // console errors, page errors, failed local requests
    this.userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-test-`));
    this.browser = null;
    this.page = null;
  }

  async launch() {
    this.browser = await step('launch chromium', () => puppeteer.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      headless: false, // the flag is passed explicitly below
      pipe: true,
      timeout: STEP_MS,
      protocolTimeout: STEP_MS,
      defaultViewport: this.viewport,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        `--user-data-dir=${this.userDataDir}`,
      ],
    }));
    this.page = (await this.browser.pages())[0] || await this.browser.newPage();
    return this.page;
  }

  // Abort and record non-local requests (`onLocalRequest(req)` sees each local one before it
  // goes on), record errors, count CSP violations.
  async guard({ onLocalRequest } = {}) {
    const { page, external, errors } = this;
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      if (req.isInterceptResolutionHandled()) return;
      if (isLocal(req.url())) {
        if (onLocalRequest) onLocalRequest(req);
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
  }

  async shot(file) {
    if (this.settleMs) await new Promise((r) => setTimeout(r, this.settleMs));
    await this.page.screenshot({ path: path.join(this.shots, file), ...(this.fullPage ? { fullPage: true } : {}) });
  }

  // Go to `url`, which must answer 2xx with an HTML page.
  async open(url, waitUntil) {
    const res = await this.page.goto(url, { waitUntil, timeout: STEP_MS });
    if (!res || !res.ok()) throw new Error(`HTTP ${res ? res.status() : 'no response'}`);
    const type = res.headers()['content-type'] || '';
    if (!type.startsWith('text/html')) throw new Error(`content-type ${type}, expected text/html`);
    return res;
  }

  // The non-local URLs in the page's href, src and action attributes.
  async externalLinks() {
    const links = await this.page.$$eval('[href], [src], [action]', (els) => els.flatMap((el) =>
      ['href', 'src', 'action'].map((a) => el.getAttribute(a) && new URL(el.getAttribute(a), document.baseURI).href).filter(Boolean)));
    return links.filter((l) => !isLocal(l));
  }

  // Run the test's steps, then print `summary()` (prefixed by FAIL and followed by every problem
  // if anything failed) and exit.
  async run(main, summary) {
    let failure = null;
    try {
      fs.mkdirSync(this.shots, { recursive: true });
      await main();
    } catch (e) {
      failure = e instanceof Failure ? e.message : (e.stack || String(e));
      if (this.page) await this.shot(`${this.name}-failure.png`).catch(() => {});
    }
    if (this.browser) await this.browser.close().catch(() => {});
    fs.rmSync(this.userDataDir, { recursive: true, force: true });

    const line = summary();
    const problems = [
      ...(failure ? [failure] : []),
      ...this.external.map((u) => `blocked non-local request: ${u}`),
      ...this.errors,
    ];
    if (problems.length) {
      console.error(`FAIL ${line}`);
      for (const p of problems) console.error(`  - ${p}`);
      console.error(`  screenshots: ${this.shots}`);
      process.exit(1);
    }
    console.log(line);
    console.log(`screenshots: ${this.shots}`);
  }
}
