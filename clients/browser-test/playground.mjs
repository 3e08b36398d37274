// Headless-Chromium test of the GraphiQL playground served at /graphql.
//
//   node playground.mjs <URL of /graphql> [SCREENSHOT_DIR]
//
// Every request whose host is not 127.0.0.1 / localhost / [::1] is aborted and fails the test, as
// do console errors, page errors, failed local requests, missing tabs or results and timeouts
// (30 s per step); see browser.mjs. Expected tabs: one per ../../examples/*.graphql.
import fs from 'node:fs';
import path from 'node:path';
import { STEP_MS, Session, cli, root, step } from './browser.mjs';

const { url, shots } = cli('node playground.mjs <URL of /graphql> [SCREENSHOT_DIR]', 'target/ci-screenshots');
const expected = fs.readdirSync(path.join(root, 'examples'))
  .filter((f) => f.endsWith('.graphql')).map((f) => f.slice(0, -'.graphql'.length)).sort();

// Text of a GraphiQL editor (CodeMirror 5 keeps the instance on its wrapper element; the DOM only
// holds the visible lines).
const editorText = (selector) => `(() => {
  const cm = document.querySelector(${JSON.stringify(selector + ' .CodeMirror')});
  return cm ? (cm.CodeMirror ? cm.CodeMirror.getValue() : cm.textContent) : '';
})()`;
const RESULT = editorText('.result-window');
const QUERY = editorText('.graphiql-query-editor');

const session = new Session('playground', { shots, viewport: { width: 1400, height: 900 } });
let page;
let queries = 0;
let tabCount = 0;

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
  await session.shot(shotName);
}

async function main() {
  page = await session.launch();
  await session.guard();

  await step(`open ${url}`, () => session.open(url, 'load'));

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
  await session.shot('playground-1-loaded.png');

  await step('check the page for external links', async () => {
    const bad = (await session.externalLinks()).filter((l) => !l.startsWith('javascript:'));
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

await session.run(main, () => `playground: ${tabCount} tabs, ${queries} queries run, `
  + `${session.external.length} external requests, ${session.errors.length} console errors`);
