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

// The API's own answer to a canonical query (with its examples/<name>.variables.json, if any).
async function canonical(name) {
  const query = fs.readFileSync(path.join(root, 'examples', `${name}.graphql`), 'utf8');
  const vars = path.join(root, 'examples', `${name}.variables.json`);
  const variables = fs.existsSync(vars) ? JSON.parse(fs.readFileSync(vars, 'utf8')) : undefined;
  return ask(name, query, variables);
}

async function ask(name, query, variables) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (!res.ok || body.errors) throw new Error(`${name}: HTTP ${res.status} ${JSON.stringify(body.errors)}`);
  return body.data;
}

// The API's share (a fraction, "0.980276") as the page shows shares ("98.03%").
const percentOf = (fraction) => `${(Number(fraction) * 100).toFixed(2)}%`;

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
    // Whole government: the canonical aggregates (2023; departments ranked in 201).
    const byFunction = (await canonical('SpendingByFunction')).aggregate;
    const top = (await canonical('TopDepartments')).aggregate.cells.nodes;
    const cofog = (await canonical('Cofog')).aggregate.cells.nodes;
    const rules = (await ask('rules', `{ aggregate(scheme: FUNCTIONAL, groupBy: [COFOG, COFOG_RULE], filter: { years: [${YEAR}] }) {
      cells(first: 100) { nodes { cofog { code } cofogRule amount } } } }`)).aggregate.cells.nodes;
    const g201 = byFunction.cells.nodes.find((c) => c.year === YEAR && c.node.code === '201');
    const g04 = cofog.find((c) => c.year === YEAR && c.cofog && c.cofog.code === '04');
    return {
      revenueTotal: tree.revenueTotal, expenditureTotal: tree.expenditureTotal, unit: tree.unit,
      f201, f2013799, training,
      e302: economic.find((l) => l.code === '302'),
      assetAllocation: yoy.projects.find((p) => p.key === 'asset-allocation'),
      checks,
      gov: { total: byFunction.total, g201, top, g04, rules04: rules.filter((c) => c.cofog && c.cofog.code === '04') },
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

  // 8. Whole government: the functions over the years, the ranking of departments in 201 and
  // COFOG, each a chart with a table; figures as the API's canonical aggregates give them.
  const gov = expected.gov;
  const government = new URL(`?dept=${DEPT}&year=${YEAR}&view=government&lang=zh`, base).href;
  // A chart has drawn when its canvas has non-transparent pixels.
  const drawn = (id) => page.waitForFunction((sel) => {
    const canvas = document.querySelector(`${sel} canvas`);
    if (!canvas || !canvas.width || !canvas.height) return false;
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 3; i < data.length; i += 4) if (data[i]) return true;
    return false;
  }, { timeout: STEP_MS }, id);
  await step('whole government: open the view', async () => {
    await page.goto(government, { waitUntil: 'domcontentloaded', timeout: STEP_MS });
    await ready();
    expectEqual('active tab', await page.$eval('#views a[aria-current="page"]', (a) => a.dataset.view), 'government');
    expectEqual('tab label', await text('#views a[data-view="government"]'), '全区汇总');
    expectEqual('no "to come" marker', await page.$$eval('#views .todo', (els) => els.length), 0);
    for (const id of ['#gov-functions-chart', '#gov-ranking-chart', '#gov-cofog-chart']) await drawn(id);
    const total = await text('.gov-functions .total');
    if (!total.includes(`${gov.total.count} 个部门年度`)) throw new Error(`functions total says "${total}"`);
  });
  await step('whole government: spending by function', async () => {
    const row = `#gov-functions tr[data-code="201"]`;
    expectEqual('201 in 2023', await text(`${row} td.amount[data-year="${YEAR}"]`), grouped(gov.g201.amount));
    expectEqual('201 share of 2023', await text(`${row} td.share[data-year="${YEAR}"]`), percentOf(gov.g201.share));
    seen.gov201 = `${grouped(gov.g201.amount)} (${percentOf(gov.g201.share)})`;
  });
  await step('whole government: department ranking in 201', async () => {
    expectEqual('ranked function', await page.$eval('#gov-class', (s) => s.value), '201');
    const names = await page.$$eval('#gov-ranking tbody th a', (as) => as.map((a) => a.textContent.trim()));
    expectEqual('departments ranked', JSON.stringify(names), JSON.stringify(gov.top.map((c) => c.department.name)));
    if (!names.includes('深圳市坪山区政务服务数据管理局')) throw new Error(`ranking lists ${names.join(', ')}`);
    const first = `#gov-ranking tr[data-code="${gov.top[0].department.code}"]`;
    expectEqual('first amount', await text(`${first} td.amount`), grouped(gov.top[0].amount));
    expectEqual('first share', await text(`${first} td.share`), percentOf(gov.top[0].share));
    // No base year figure: "—", never 0.
    if (gov.top[0].change.base === null) expectEqual('null base', await text(`${first} td.base`), '—');
    seen.ranking = names.length;
  });
  await step('whole government: COFOG with the rules that placed the amounts', async () => {
    const row = '#gov-cofog tr.function[data-code="04"]';
    expectEqual('04 name', await text(`${row} th`), gov.g04.cofog.name);
    expectEqual('04 amount', await text(`${row} td.amount`), grouped(gov.g04.amount));
    const rules = await page.$$eval('#gov-cofog tr.rule[data-code="04"]', (trs) => trs.map((tr) =>
      [tr.dataset.rule, tr.querySelector('td.amount').textContent.trim()]));
    const want = gov.rules04.map((c) => [c.cofogRule, grouped(c.amount)]);
    const byRule = (a, b) => a[0].localeCompare(b[0]);
    expectEqual('04 rule rows', JSON.stringify([...rules].sort(byRule)), JSON.stringify([...want].sort(byRule)));
    if (!rules.length) throw new Error('no rule rows under 04');
    const note = await text('#cofog-note');
    if (!note.includes('seed/data/cofog/README.md')) throw new Error(`crosswalk note: ${note}`);
    seen.cofog = `04 ${grouped(gov.g04.amount)} (${rules.map((r) => r[0]).join(', ')})`;
  });
  await step('whole government: three queries shown', async () => {
    const queries = await page.$$eval('#query pre.graphql', (els) => els.map((e) => e.textContent.trim().split('(')[0]));
    expectEqual('queries', JSON.stringify(queries.slice(0, 3)), JSON.stringify([
      'query ExplorerGovernmentFunctions', 'query ExplorerGovernmentRanking', 'query ExplorerGovernmentCofog']));
  });
  await shot('explorer-11-government.png');
  await step('whole government in English, 款 and COFOG groups', async () => {
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en'
      && document.documentElement.dataset.state === 'ready', { timeout: STEP_MS });
    expectEqual('04 name in English', await text('#gov-cofog tr.function[data-code="04"] th'), gov.g04.cofog.nameEn);
    await page.click('[data-choice="level-2"]');
    await page.waitForFunction(() => new URLSearchParams(window.location.search).get('level') === '2'
      && document.documentElement.dataset.state === 'ready', { timeout: STEP_MS });
    await page.waitForSelector('#gov-functions tr[data-code="20137"]', { timeout: STEP_MS });
    await page.click('[data-choice="cofog-2"]');
    await page.waitForFunction(() => new URLSearchParams(window.location.search).get('cofog') === '2'
      && document.documentElement.dataset.state === 'ready', { timeout: STEP_MS });
    await page.waitForSelector('#gov-cofog tr.function[data-code^="04."]', { timeout: STEP_MS });
    for (const id of ['#gov-functions-chart', '#gov-ranking-chart', '#gov-cofog-chart']) await drawn(id);
    expectEqual('ranked function at 款 level', await page.$eval('#gov-class', (s) => s.value), '201');
  });
  await shot('explorer-12-government-en-groups.png');
  await step('whole government: a ranked department links to its own view', async () => {
    await page.click(`#gov-ranking tr[data-code="${gov.top[0].department.code}"] th a`);
    await atNode('201');
    expectEqual('view', await param('view'), 'functional');
    expectEqual('dept', await param('dept'), gov.top[0].department.code);
    await page.waitForSelector('#lines tr[data-code="20137"]', { timeout: STEP_MS });
  });

  // 9. Search: type a query, see the hits grouped by kind (as the API's examples/Search.graphql
  // finds them), open one.
  const found = (await canonical('Search')).search;
  const subItem = found.edges.map((e) => e.node).find((n) => n.kind === 'SUBPROJECT');
  if (!subItem) throw new Error(`Search finds no sub-item: ${JSON.stringify(found)}`);
  await step('search: type 视频 and see the hits grouped by kind', async () => {
    await page.goto(new URL(`?dept=${DEPT}&year=${YEAR}&view=functional&lang=zh`, base).href, { waitUntil: 'domcontentloaded', timeout: STEP_MS });
    await ready();
    await page.click('#search');
    await page.type('#search', '视频');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => new URLSearchParams(window.location.search).get('view') === 'search'
      && document.documentElement.dataset.state === 'ready', { timeout: STEP_MS });
    expectEqual('q in the URL', await param('q'), '视频');
    const title = await text('#search-title');
    if (!title.includes(`共 ${found.totalCount} 项`)) throw new Error(`search title says "${title}"`);
    const kinds = await page.$$eval('#search-results .search-kind', (els) => els.map((el) => el.dataset.kind));
    for (const kind of ['SUBPROJECT', 'INDICATOR']) if (!kinds.includes(kind)) throw new Error(`no ${kind} group: ${kinds.join(', ')}`);
    const marks = await page.$$eval('#search-results .search-kind[data-kind="SUBPROJECT"] mark', (els) => els.map((m) => m.textContent));
    if (!marks.length || !marks.every((m) => m === '视频')) throw new Error(`highlights: ${JSON.stringify(marks)}`);
    seen.search = `视频: ${found.totalCount} hits in ${kinds.length} groups`;
  });
  await shot('explorer-13-search.png');
  await step('search: a sub-item opens its department-year', async () => {
    const link = await page.waitForFunction((name) => [...document.querySelectorAll('#search-results .search-kind[data-kind="SUBPROJECT"] a.hit-link')]
      .find((a) => a.textContent.replace(/\s+/g, ' ').includes(name)), { timeout: STEP_MS }, subItem.name);
    await link.click();
    await page.waitForFunction(() => new URLSearchParams(window.location.search).get('view') === 'yoy'
      && document.documentElement.dataset.state === 'ready', { timeout: STEP_MS });
    expectEqual('dept', await param('dept'), DEPT);
    expectEqual('year', await param('year'), String(YEAR));
  });
}

await session.run(main, () => `explorer: first render ${firstContentMs ?? '?'} ms (figures) / ${firstRenderMs ?? '?'} ms (chart) with ${firstRenderRequests ?? '?'} GraphQL requests; `
  + `total ${seen.total ?? '?'}, 201 ${seen.f201 ?? '?'}, 2013799 ${seen.f2013799 ?? '?'}, 培训支出 ${seen.training ?? '?'}, `
  + `${seen.checks ?? '?'}; whole government: 201 ${seen.gov201 ?? '?'}, ${seen.ranking ?? '?'} ranked, COFOG ${seen.cofog ?? '?'}; search ${seen.search ?? '?'}; ${graphqlPosts.length} GraphQL requests in all, ${external.length} external requests, ${errors.length} errors`);
