// Headless-Chromium test of the budget explorer served at / (api/assets/explorer/).
//
//   node explorer.mjs <base URL of the server, e.g. http://127.0.0.1:8000/> [SCREENSHOT_DIR]
//
// The figures the page must show are asked of the API itself (the canonical queries in
// ../../examples/), never written here. Every request whose host is not 127.0.0.1 / localhost /
// [::1] is aborted and fails the test, as do console errors, page errors, CSP violations, local
// HTTP responses >= 400, failed local requests and timeouts (30 s per step); see browser.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { STEP_MS, Session, cli, root, step } from './browser.mjs';

const { url: baseArg, shots } = cli('node explorer.mjs <base URL of the server> [SCREENSHOT_DIR]', 'target/ci-screenshots/explorer');
const base = new URL(baseArg.endsWith('/') ? baseArg : `${baseArg}/`);
const endpoint = new URL('graphql', base);
const DEPT = 'pingshan-gsdmb';
const YEAR = 2023;

const graphqlPosts = []; // every POST to the endpoint: operation names

function expectEqual(what, got, want) {
  if (got !== want) throw new Error(`${what}: page shows ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}

// The API's own answer to a canonical query.
async function canonical(name) {
  const query = fs.readFileSync(path.join(root, 'examples', `${name}.graphql`), 'utf8');
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = await res.json();
  if (!res.ok || body.errors) throw new Error(`${name}: HTTP ${res.status} ${JSON.stringify(body.errors)}`);
  return body.data;
}

// "29173" → "29,173", as the page formats Decimal strings.
const grouped = (d) => d.replace(/^(-?)(\d+)/, (_, s, i) => s + i.replace(/\B(?=(\d{3})+(?!\d))/g, ','));

// Screenshots of the whole page, once chart transitions have finished.
const session = new Session('explorer', { shots, viewport: { width: 1280, height: 900 }, fullPage: true, settleMs: 500 });
const { external, errors } = session;
const shot = (name) => session.shot(name);
let page;
let firstContentMs = null; // figures on screen (performance mark of the page)
let firstRenderMs = null; // chart drawn too
let firstRenderRequests = null;
const seen = {};

const ready = () => page.waitForFunction(() => document.documentElement.dataset.state === 'ready',
  { timeout: STEP_MS, polling: 'mutation' });
const text = (selector) => page.$eval(selector, (el) => el.textContent.trim().replace(/\s+/g, ' '));
const param = (name) => page.evaluate((n) => new URLSearchParams(window.location.search).get(n), name);

// Wait until the URL's `node` is `code` and the view is rendered.
async function atNode(code) {
  await page.waitForFunction((c) => (new URLSearchParams(window.location.search).get('node') || '') === c
    && document.documentElement.dataset.state === 'ready', { timeout: STEP_MS }, code);
}

async function main() {
  const expected = await step('ask the API for the expected figures', async () => {
    const tree = (await canonical('FunctionalTree')).department.budget;
    const economic = (await canonical('EconomicTree')).department.budget.lines;
    const yoy = (await canonical('YearOverYear')).department.budget;
    const checks = (await canonical('Accountability')).department.budget.checks;
    const f201 = tree.lines.find((l) => l.code === '201');
    const f20137 = f201.children.find((l) => l.code === '20137');
    const f2013799 = f20137.children.find((l) => l.code === '2013799');
    const training = yoy.projects.find((p) => p.name === '培训支出');
    return {
      revenueTotal: tree.revenueTotal, expenditureTotal: tree.expenditureTotal, unit: tree.unit,
      f201, f2013799, training,
      e302: economic.find((l) => l.code === '302'),
      assetAllocation: yoy.projects.find((p) => p.key === 'asset-allocation'),
      checks,
    };
  });

  page = await session.launch();
  await page.bringToFront(); // focus events need a focused page
  await session.guard({
    onLocalRequest: (req) => {
      if (req.method() === 'POST' && req.url() === endpoint.href) {
        let op = '?';
        try { op = JSON.parse(req.postData()).operationName; } catch { /* reported as '?' */ }
        graphqlPosts.push(op);
      }
    },
  });

  // 1. The page with no state: defaults written into the URL, the summary and the functional tree.
  await step(`open ${base.href}`, async () => {
    await session.open(base.href, 'domcontentloaded');
    await ready();
    [firstContentMs, firstRenderMs] = await page.evaluate(() => ['explorer-content', 'explorer-ready']
      .map((m) => Math.round(performance.getEntriesByName(m)[0]?.startTime ?? performance.now())));
    firstRenderRequests = graphqlPosts.length;
    expectEqual('dept in the URL', await param('dept'), DEPT);
    expectEqual('year in the URL', await param('year'), String(YEAR));
    expectEqual('view in the URL', await param('view'), 'functional');
  });
  await step('summary shows the API totals with their unit', async () => {
    expectEqual('revenue total', await text('#summary [data-key="revenue_total"] .amount'), grouped(expected.revenueTotal));
    expectEqual('expenditure total', await text('#summary [data-key="expenditure_total"] .amount'), grouped(expected.expenditureTotal));
    expectEqual('unit', await text('#summary [data-key="expenditure_total"] .unit'), expected.unit);
    seen.total = grouped(expected.expenditureTotal);
  });
  await step('functional table shows 201', async () => {
    expectEqual('201 amount', await text('#lines tr[data-code="201"] td.amount'), grouped(expected.f201.amount));
    seen.f201 = grouped(expected.f201.amount);
  });
  await shot('explorer-1-functional.png');

  await step('check the page for external links', async () => {
    const bad = await session.externalLinks();
    if (bad.length) throw new Error(`external URLs in the page: ${bad.join(', ')}`);
  });

  // 2. Drill down 201 → 20137 with the keyboard in the chart, → 2013799 with the keyboard in
  // the table; up with Escape; back and forward.
  await step('drill into 201 and 20137 from the chart with the keyboard', async () => {
    await page.focus('#main .chart');
    await page.waitForFunction(() => document.getElementById('chart-focus')?.textContent.includes('201 '), { timeout: STEP_MS });
    await page.keyboard.press('Enter');
    await atNode('201');
    await page.waitForFunction(() => document.activeElement?.classList.contains('chart')
      && document.getElementById('chart-focus')?.textContent.includes('20137'), { timeout: STEP_MS });
    await page.keyboard.press('Enter');
    await atNode('20137');
  });
  await shot('explorer-2-drill-20137.png');
  await step('drill into 2013799 from the table with the keyboard', async () => {
    // Tab goes from the chart to the table's rows.
    await page.keyboard.press('Tab');
    await page.waitForFunction(() => document.activeElement?.matches('#lines tbody tr'), { timeout: STEP_MS });
    await page.focus('#lines tr[data-code="2013799"]');
    await page.keyboard.press('Enter');
    await atNode('2013799');
    const want = grouped(expected.f2013799.amount);
    const detail = await text('#detail');
    if (!detail.includes(want)) throw new Error(`detail shows "${detail}", expected ${want}`);
    const crumbs = await text('.crumbs [aria-current]');
    if (!crumbs.includes(want)) throw new Error(`breadcrumb shows "${crumbs}", expected ${want}`);
    seen.f2013799 = want;
  });
  await shot('explorer-3-drill-2013799.png');
  await step('up with Escape, back and forward, up with the button', async () => {
    await page.waitForFunction(() => document.activeElement?.matches('#lines tbody tr'), { timeout: STEP_MS });
    await page.keyboard.press('Escape');
    await atNode('20137');
    await page.goBack();
    await atNode('2013799');
    await page.goForward();
    await atNode('20137');
    await page.click('.crumbs button.up');
    await atNode('201');
  });
  await step('drill down with the mouse in the chart', async () => {
    await page.click('.crumbs ol li:first-child a');
    await atNode('');
    const box = await (await page.$('#main .chart')).boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(() => [...document.querySelectorAll('div')].some((d) =>
      d.style.position === 'absolute' && d.textContent.includes('%') && d.style.display !== 'none'), { timeout: STEP_MS });
    await shot('explorer-4-tooltip.png');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(() => (new URLSearchParams(window.location.search).get('node') || '').startsWith('201')
      && document.documentElement.dataset.state === 'ready', { timeout: STEP_MS });
  });

  // 3. Year over year: computed percent beside the stated one; null is "not stated".
  await step('year over year', async () => {
    await page.click('#views a[data-view="yoy"]');
    await page.waitForSelector('#yoy-projects', { timeout: STEP_MS });
    await ready();
    const row = '#yoy-projects tr[data-key="training"]';
    const t = expected.training.change;
    expectEqual('培训支出 name', (await text(`${row} th`)).startsWith('培训支出'), true);
    expectEqual('培训支出 computed %', await text(`${row} td.percent`), `${t.percent}%`);
    expectEqual('培训支出 stated %', await text(`${row} td.stated`), `${t.statedPercent}%`);
    expectEqual('培训支出 base', await text(`${row} td.base`), grouped(t.base));
    seen.training = `${t.percent}% computed vs ${t.statedPercent}% stated`;
    // A base the year does not state is "not stated", never 0.
    const nullBase = await text('#yoy-headlines-other tr[data-key="basic_expenditure"] td.base');
    expectEqual('a null base', nullBase, '未列明');
    // 资产配置预算 went 0 → 2: no computed percent, the stated one shown.
    const a = expected.assetAllocation.change;
    expectEqual('asset allocation stated %', await text('#yoy-projects tr[data-key="asset-allocation"] td.stated'), `${a.statedPercent}%`);
    if (a.percent !== null) throw new Error('asset allocation: the API now computes a percent');
    const computed = await text('#yoy-projects tr[data-key="asset-allocation"] td.percent');
    if (/^-?[\d,.]+%?$/.test(computed)) throw new Error(`asset allocation computed % shows "${computed}"`);
  });
  await shot('explorer-5-year-over-year.png');

  // 4. Consistency checks, with every check listed.
  await step('consistency checks', async () => {
    await page.click('#views a[data-view="checks"]');
    await page.waitForSelector('#checks', { timeout: STEP_MS });
    await ready();
    const rows = await page.$$eval('#checks tbody tr', (els) => els.length);
    expectEqual('checks listed', rows, expected.checks.length);
    const rounding = expected.checks.filter((c) => c.status === 'ROUNDING').length;
    await page.click('.filters a.status-ROUNDING');
    await page.waitForFunction((n) => new URLSearchParams(window.location.search).get('status') === 'ROUNDING'
      && document.querySelectorAll('#checks tbody tr').length === n, { timeout: STEP_MS }, rounding);
    seen.checks = `${expected.checks.length} checks (${rounding} ROUNDING)`;
  });
  await shot('explorer-6-checks.png');

  // 5. The language switch.
  await step('switch to English', async () => {
    await page.click('#views a[data-view="functional"]');
    await ready();
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en'
      && document.documentElement.dataset.state === 'ready', { timeout: STEP_MS });
    const name = await text('#lines tr[data-code="201"] th');
    if (!name.includes(expected.f201.nameEn)) throw new Error(`201 is labelled "${name}", expected ${expected.f201.nameEn}`);
    expectEqual('lang in the URL', await param('lang'), 'en');
  });
  await shot('explorer-7-english.png');

  // 6. A shared link: the economic view in English, opened afresh.
  const shared = new URL(`?dept=${DEPT}&year=${YEAR}&view=economic&lang=en`, base).href;
  await step('open a shared link', async () => {
    await page.goto(shared, { waitUntil: 'domcontentloaded', timeout: STEP_MS });
    await ready();
    expectEqual('active tab', await page.$eval('#views a[aria-current="page"]', (a) => a.dataset.view), 'economic');
    expectEqual('heading', await text('#main h2'), 'Economic classification');
    const row = '#lines tr[data-code="302"]';
    expectEqual('302 name', await text(`${row} th`), `${expected.e302.nameEn} ›`);
    expectEqual('302 amount', await text(`${row} td.amount`), grouped(expected.e302.amount));
  });
  await shot('explorer-8-shared-economic-en.png');

  // 7. "Show the GraphQL query", and its link into the playground.
  let link;
  await step('show the GraphQL query', async () => {
    await page.click('#query summary');
    await page.waitForSelector('#query pre.graphql', { visible: true, timeout: STEP_MS });
    const query = await text('#query pre.graphql');
    if (!query.startsWith('query ExplorerTree(')) throw new Error(`query shown: ${query.slice(0, 80)}`);
    const variables = JSON.parse(await page.$eval('#query pre.variables', (el) => el.textContent));
    expectEqual('variables', JSON.stringify(variables), JSON.stringify({ dept: DEPT, year: YEAR, scheme: 'ECONOMIC' }));
    link = await page.$eval('#query a.playground', (a) => a.href);
    if (!link.startsWith(new URL('graphql#query=', base).href)) throw new Error(`playground link ${link}`);
  });
  await shot('explorer-9-query.png');
  await step('the playground opens the query', async () => {
    await page.goto(link, { waitUntil: 'load', timeout: STEP_MS });
    await page.waitForFunction(() => document.querySelector('.graphiql-tab-active .graphiql-tab-button')?.textContent.trim() === 'ExplorerTree',
      { timeout: STEP_MS });
    const editor = (sel) => page.evaluate((s) => document.querySelector(`${s} .CodeMirror`)?.CodeMirror?.getValue() || '', sel);
    await page.waitForFunction(() => document.querySelector('.graphiql-query-editor .CodeMirror')?.CodeMirror?.operationName === 'ExplorerTree',
      { timeout: STEP_MS });
    if (!(await editor('.graphiql-query-editor')).startsWith('query ExplorerTree(')) throw new Error('query editor does not hold the query');
    const vars = await editor('.graphiql-editor-tool [aria-label="Variables"]') || await page.evaluate(() =>
      [...document.querySelectorAll('.CodeMirror')].map((c) => c.CodeMirror?.getValue() || '').find((v) => v.includes('"scheme"')) || '');
    if (!vars.includes('"ECONOMIC"')) throw new Error(`variables editor holds ${JSON.stringify(vars)}`);
    await page.click('.graphiql-execute-button');
    await page.waitForFunction((name) => document.querySelector('.result-window .CodeMirror')?.CodeMirror?.getValue().includes(name),
      { timeout: STEP_MS }, expected.e302.nameEn);
  });
  await shot('explorer-10-playground.png');

  // 8. The whole-government placeholder shows no figures.
  await step('whole-government placeholder', async () => {
    await page.goto(new URL(`?dept=${DEPT}&year=${YEAR}&view=government&lang=en`, base).href, { waitUntil: 'domcontentloaded', timeout: STEP_MS });
    await ready();
    const body = await text('#main .government');
    if (/\d/.test(body)) throw new Error(`placeholder shows figures: ${body}`);
  });
}

await session.run(main, () => `explorer: first render ${firstContentMs ?? '?'} ms (figures) / ${firstRenderMs ?? '?'} ms (chart) with ${firstRenderRequests ?? '?'} GraphQL requests; `
  + `total ${seen.total ?? '?'}, 201 ${seen.f201 ?? '?'}, 2013799 ${seen.f2013799 ?? '?'}, 培训支出 ${seen.training ?? '?'}, `
  + `${seen.checks ?? '?'}; ${graphqlPosts.length} GraphQL requests in all, ${external.length} external requests, ${errors.length} errors`);
