// Budget explorer: a static page over the public GraphQL API, and the API's reference browser
// client. No framework, no build step: the query strings below are exactly what the page sends
// (POST to `graphql`, relative to the page, so a path prefix carries over), and every view shows
// its query with a link that opens it in the playground.
//
// State lives in the query string (?dept=…&year=…&view=…&node=…&status=…&level=…&cofog=…&lang=…),
// so every view is a link and back/forward work. Amounts are shown exactly as the API sends them
// (Decimal strings, with thousands separators added); the page's only arithmetic is the shares it
// displays, labelled as shares, and, in the whole-government view, sums of Decimal strings done
// exactly (BigInt, never floats). null is "not stated" (未列明 / —), never 0.
(function () {
  'use strict';

  // ── Queries ───────────────────────────────────────────────────────────────────────────────

  // Departments (pages of 50, followed to the end) and the years with data. The page size is
  // what the rate limit charges for (about 10 points per department asked for: ~500 a page).
  const CATALOGUE = `query ExplorerCatalogue($after: String) {
  fiscalYears { year }
  departments(first: 50, after: $after) {
    edges { node { code name nameEn parent { code } government { code name nameEn } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

  // Every view asks for the department, the years it has budgets for and the budget's totals.
  const TOTALS = `fragment Totals on Budget {
  unit
  totals: headlines(keys: ["revenue_total", "expenditure_total", "basic_expenditure", "project_expenditure"]) {
    key name nameEn amount unit source { citation }
  }
}`;

  // A query of one department's budget in a year (each view's but the whole government's): the
  // department, the years it has budgets for, the budget's totals and `selection` (lines at the
  // budget's depth), then `fragments` and Totals.
  const budgetQuery = (signature, selection, fragments = '') => `query ${signature} {
  department(code: $dept) {
    code name nameEn
    budgets { fiscalYear { year } }
    budget(year: $year) {
      ...Totals
${selection}
    }
  }
}

${fragments}${TOTALS}`;

  // A classification tree: 类 → 款 → 项 (functional), 类 → 款 (economic), revenue sources.
  const TREE = budgetQuery(
    'ExplorerTree($dept: String!, $year: Int!, $scheme: Scheme!)',
    `      lines(scheme: $scheme) {
        ...Line
        children { ...Line children { ...Line children { ...Line } } }
      }`,
    `fragment Line on BudgetLine {
  code name nameEn amount basic project source { citation }
}

`,
  );

  // Year over year, as in examples/YearOverYear.graphql, with the computed percent beside the
  // disclosure's stated one.
  const YEAR_OVER_YEAR = budgetQuery(
    'ExplorerYearOverYear($dept: String!, $year: Int!, $baseYear: Int!)',
    `      headlines { key name nameEn amount unit source { citation } change(baseYear: $baseYear) { ...Change } }
      projects {
        key name nameEn amount source { citation }
        change(baseYear: $baseYear) { ...Change }
        subprojects { name nameEn amount }
      }
      threePublicExpenses {
        key parentKey name nameEn amount source { citation }
        change(baseYear: $baseYear) { ...Change }
      }`,
    `fragment Change on Change {
  base current difference percent statedPercent
}

`,
  );

  // The identities the disclosure should satisfy, and the tables it prints.
  const CHECKS = budgetQuery(
    'ExplorerChecks($dept: String!, $year: Int!)',
    `      checks { key name expected actual difference status }
      tables { key citation isEmpty }`,
  );

  // Whole government: sums across every department of one government (`aggregate`, as in
  // examples/SpendingByFunction.graphql, TopDepartments.graphql and Cofog.graphql; $government is
  // the picked government, by default the department's). Cells come in pages of 100, followed
  // to the end ($after); the ranking asks for the top 10 only.
  const GOV_FUNCTIONS = `query ExplorerGovernmentFunctions($level: Int!, $government: String, $after: String) {
  aggregate(scheme: FUNCTIONAL, level: $level, groupBy: [YEAR, NODE], government: $government) {
    unit
    total { amount count }
    cells(first: 100, after: $after) {
      totalCount
      nodes { year node { code name nameEn parent { code name nameEn } } amount count }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

  const GOV_RANKING = `query ExplorerGovernmentRanking($year: Int!, $baseYear: Int!, $code: String!, $government: String) {
  aggregate(scheme: FUNCTIONAL, level: 1, groupBy: [DEPARTMENT], filter: { years: [$year], codes: [$code] }, government: $government) {
    unit
    total { amount count }
    cells(first: 10) {
      totalCount
      nodes {
        department { code name nameEn }
        amount share count
        change(baseYear: $baseYear) { base difference percent }
      }
    }
  }
}`;

  const GOV_COFOG = `query ExplorerGovernmentCofog($year: Int!, $cofogLevel: Int!, $government: String, $after: String) {
  aggregate(scheme: FUNCTIONAL, cofogLevel: $cofogLevel, groupBy: [YEAR, COFOG, COFOG_RULE], filter: { years: [$year] }, government: $government) {
    unit
    total { amount count }
    cells(first: 100, after: $after) {
      totalCount
      nodes { year cofog { code name nameEn } cofogRule amount share count }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

  const VIEWS = ['functional', 'economic', 'revenue', 'yoy', 'checks', 'government'];
  const SCHEMES = { functional: 'FUNCTIONAL', economic: 'ECONOMIC', revenue: 'REVENUE' };
  const STATUSES = ['ROUNDING', 'MISMATCH', 'OK'];
  const COFOG_RULES = ['CLASS', 'SUBCLASS', 'UNIT_FUNCTION', 'UNMAPPED'];

  // The request a view sends (the first pages of the whole-government view's two independent
  // queries: its ranking waits for the functions).
  // The government the whole-government view sums: the one picked (`gov`), else the
  // department's; null before the catalogue is read or for data without governments.
  function governmentOf(s) {
    if (s.gov) return s.gov;
    const dept = catalogue && catalogue.departments.find((d) => d.code === s.dept);
    return (dept && dept.government && dept.government.code) || null;
  }

  // Every government of the catalogue, by code.
  function governments() {
    const all = new Map();
    for (const d of (catalogue ? catalogue.departments : [])) if (d.government) all.set(d.government.code, d.government);
    return [...all.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
  }

  function viewRequest(s) {
    if (s.view === 'government') {
      // Not before the catalogue names the department's government.
      if (!s.gov && !catalogue) return null;
      return [
        { query: GOV_FUNCTIONS, variables: { level: s.level, government: governmentOf(s), after: null } },
        { query: GOV_COFOG, variables: { year: s.year, cofogLevel: s.cofog, government: governmentOf(s), after: null } },
      ];
    }
    const base = { dept: s.dept, year: s.year };
    if (SCHEMES[s.view]) return { query: TREE, variables: { ...base, scheme: SCHEMES[s.view] } };
    if (s.view === 'yoy') return { query: YEAR_OVER_YEAR, variables: { ...base, baseYear: s.year - 1 } };
    if (s.view === 'checks') return { query: CHECKS, variables: base };
    return null;
  }

  // ── GraphQL over HTTP ─────────────────────────────────────────────────────────────────────

  const ENDPOINT = new URL('graphql', window.location.href).href;
  const responses = new Map(); // JSON [query, variables] → Promise of data

  // One POST per distinct (query, variables), kept for the page's lifetime (the data is
  // read-only); a failed request is forgotten so that it is retried.
  function gql(query, variables) {
    const key = JSON.stringify([query, variables]);
    if (!responses.has(key)) {
      const pending = post(query, variables);
      pending.catch(() => responses.delete(key));
      responses.set(key, pending);
    }
    return responses.get(key);
  }

  async function post(query, variables) {
    const res = await fetch(ENDPOINT, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json;q=0.9',
      },
      body: JSON.stringify({ query, variables, operationName: operationName(query) }),
    });
    let body = null;
    try { body = await res.json(); } catch (e) { /* not JSON: reported below */ }
    if (body && Array.isArray(body.errors) && body.errors.length) {
      throw new Error(body.errors.map((e) => {
        const code = e.extensions && e.extensions.code;
        return code ? `${e.message} (${code})` : e.message;
      }).join('; '));
    }
    if (!res.ok || !body || !body.data) throw new Error(`HTTP ${res.status}`);
    return body.data;
  }

  function operationName(query) {
    const m = /^\s*query\s+(\w+)/.exec(query);
    return m ? m[1] : null;
  }

  // Every cell of an aggregate, following pages of 100 (`$after`) when the query asks for
  // `pageInfo`. The first page's request is what the view shows as its query.
  async function loadAggregate(query, variables) {
    const cells = [];
    let after = null;
    let first = null;
    do {
      const data = await gql(query, { ...variables, after });
      const aggregate = data.aggregate;
      if (!first) first = aggregate;
      cells.push(...aggregate.cells.nodes);
      const page = aggregate.cells.pageInfo; // not asked for by the ranking (its top 10 only)
      after = page && page.hasNextPage ? page.endCursor : null;
    } while (after);
    return { unit: first.unit, total: first.total, totalCount: first.cells.totalCount, cells,
      request: { query, variables: { ...variables, after: null } } };
  }

  // Every department, following pages.
  async function loadCatalogue() {
    const departments = [];
    let after = null;
    let years = [];
    do {
      const data = await gql(CATALOGUE, { after });
      years = data.fiscalYears.map((y) => y.year);
      departments.push(...data.departments.edges.map((e) => e.node));
      const page = data.departments.pageInfo;
      after = page.hasNextPage ? page.endCursor : null;
    } while (after);
    return { years, departments };
  }

  // ── Interface strings ─────────────────────────────────────────────────────────────────────

  // Each string in both languages: [Chinese, English]; STRINGS.zh and STRINGS.en are picked
  // from it, so a string cannot be missing in one of them.
  const BOTH = {
    htmlLang: ['zh-CN', 'en'],
    appName: ['部门预算浏览器', 'Budget explorer'],
    subtitle: ['数据来自开放预算数据 GraphQL API；金额为公开文本所列数字。', 'Data from the open budget data GraphQL API; amounts as the disclosure prints them.'],
    skip: ['跳到正文', 'Skip to content'],
    department: ['部门', 'Department'],
    year: ['年度', 'Year'],
    noBudget: ['（无数据）', ' (no data)'],
    otherLanguage: ['English', '中文'],
    otherLanguageCode: ['en', 'zh-CN'],
    otherLanguageTitle: ['Switch to English', '切换到中文'],
    views: { functional: ['支出功能分类', 'Functional classification'], economic: ['支出经济分类', 'Economic classification'], revenue: ['收入来源', 'Revenue sources'], yoy: ['年度对比', 'Year over year'], checks: ['一致性校验', 'Consistency checks'], government: ['全区汇总', 'Whole government'], },
    viewsLabel: ['视图', 'Views'],
    summaryTitle: [(year, unit) => `${year} 年预算总览（单位：${unit}）`, (year, unit) => `${year} budget at a glance (amounts in ${unit}, i.e. CNY 10,000)`],
    // Labels of the four totals for a budget that does not state them (else the API's names).
    totals: { revenue_total: ['部门预算收入', 'Budget revenue'], expenditure_total: ['部门预算支出', 'Budget expenditure'], basic_expenditure: ['基本支出', 'Basic expenditure'], project_expenditure: ['项目支出', 'Project expenditure'], },
    basicVsProject: ['基本支出与项目支出', 'Basic vs project expenditure'],
    notStated: ['未列明', 'not stated'],
    noRows: ['无。', 'None.'],
    notComputable: ['无法计算（基数为 0）', 'not computable (base is 0)'],
    source: ['来源', 'Source'],
    error: ['无法加载数据：', 'Could not load the data: '],
    noDepartment: ['没有这个部门。', 'There is no such department.'],
    noBudgetYear: [(year) => `该部门没有 ${year} 年的预算数据。`, (year) => `This department has no budget figures for ${year}.`],
    treeHelp: ['方向键在图中各区块间移动，回车进入下级，Backspace 或 Esc 返回上级。表格各行同样可用 Tab 选中。', 'In the chart, arrow keys move between regions, Enter drills down, Backspace or Escape goes up. Table rows can be reached with Tab and work the same way.'],
    treeIntro: { functional: ['支出按功能分类：类 → 款 → 项。', 'Expenditure by function: class (类) → section (款) → item (项).'], economic: ['支出按经济分类：类 → 款。', 'Expenditure by economic nature: class (类) → section (款).'], revenue: ['收入按来源分类。', 'Revenue by source.'], },
    treeEmpty: ['该年度没有列出这一分类的数据。', 'This year states no figures in this classification.'],
    root: { functional: ['支出合计', 'Total expenditure'], economic: ['支出合计', 'Total expenditure'], revenue: ['收入合计', 'Total revenue'], },
    up: ['↑ 返回上级', '↑ Up one level'],
    breadcrumb: ['当前位置', 'You are here'],
    chartLabel: [(name) => `树图：${name}的组成。`, (name) => `Treemap: what ${name} is made of.`],
    focused: ['已选中', 'Selected'],
    code: ['编码', 'Code'],
    name: ['名称', 'Name'],
    amount: ['金额', 'Amount'],
    basic: ['基本支出', 'Basic'],
    project: ['项目支出', 'Project'],
    shareParent: ['占上级', 'Share of parent'],
    shareTotal: ['占合计', 'Share of total'],
    tableCaption: [(name) => `${name}：下级科目`, (name) => `${name}: sub-lines`],
    tableCaptionLeaf: [(name) => `${name}（无下级科目）`, (name) => `${name} (no sub-lines)`],
    yoyIntro: [(year, base) => `${year} 年与 ${base} 年比较。“计算增减率”由 API 按两年数字算出，“公开文本所列”为公开文本自身所列的百分比。`, (year, base) => `${year} compared with ${base}. "Computed %" is computed by the API from the two years' figures; "stated %" is the percentage the disclosure itself prints.`],
    yoyNoBase: [(base) => `该部门没有 ${base} 年的数据可供比较。`, (base) => `This department has no ${base} figures to compare with.`],
    headlines: ['主要数字', 'Headline figures'],
    uncompared: [(n, base) => `其余 ${n} 项没有 ${base} 年数字`, (n, base) => `${n} more ${n === 1 ? 'figure' : 'figures'} with no ${base} figure`],
    projects: ['项目支出', 'Projects'],
    threePublic: ['“三公”经费', 'Three public expenses (三公)'],
    item: ['项目', 'Item'],
    unit: ['单位', 'Unit'],
    difference: ['增减', 'Difference'],
    percent: ['计算增减率', 'Computed %'],
    statedPercent: ['公开文本所列增减率', 'Stated %'],
    subprojects: ['其中', 'Including'],
    checksIntro: ['载入数据时验证的恒等关系：下级之和等于上级、各表之间相互一致等。OK 为完全相符；ROUNDING 为不超过 1 万元的尾数误差；MISMATCH 为抄录错误（不会被载入）。', 'Identities checked when the data was loaded: parts sum to their totals, tables agree with each other, and so on. OK holds exactly; ROUNDING is a tail error of at most 1 万元; MISMATCH is a transcription error (never loaded).'],
    checksAll: ['全部', 'All'],
    check: ['校验', 'Check'],
    expected: ['所列数', 'Printed'],
    actual: ['计算数', 'Computed'],
    status: ['结果', 'Status'],
    tablesTitle: ['公开文本中的表格', 'Tables of the disclosure'],
    tableEmpty: ['本表本年无发生额', 'printed empty (no figures this year)'],
    checkNamesNote: ['校验说明只有中文。', 'Check descriptions are in Chinese only.'],
    govIntro: ['全部部门的预算合计（API 的 aggregate 查询）。下级单位的预算已并入上级部门的，只计一次。“—”表示未列明（不是 0）。', 'The budgets of all departments added up (the API\'s aggregate query; amounts in 万元, i.e. CNY 10,000). A unit whose budget its parent department\'s budget already includes is counted once. "—" means not stated (not 0).'],
    units: { WAN_YUAN: ['万元', '万元'], YUAN: ['元', 'yuan'], },
    govTotal: [(amount, unit, count) => `合计 ${amount} ${unit}，覆盖 ${count} 个部门年度（一个部门一年的预算为一个部门年度）。`, (amount, unit, count) => `Total ${amount} ${unit}, over ${count} department-${count === 1 ? 'year' : 'years'} (one department's budget for one year).`],
    govFunctionsTitle: ['历年支出（按功能分类）', 'Spending by function over the years'],
    govPicker: ['政府', 'Government'],
    govLevel: ['分类级次', 'Level'],
    govLevels: { 1: ['类', 'class (类)'], 2: ['款', 'section (款)'], },
    govFunctionsChart: [(level) => `堆叠柱状图：各年度支出按功能分类（${level}）的构成。数字见下表。`, (level) => `Stacked bar chart: each year's expenditure by function, by ${level}. The figures are in the table below.`],
    govFunctionsCaption: [(level) => `各年度支出按功能分类（${level}）及占当年合计的比重`, (level) => `Expenditure by function, by ${level}, each year, and its share of the year's total`],
    govYearTotal: ['当年合计', 'Year total'],
    share: ['占比', 'Share'],
    govRankingTitle: ['部门排名', 'Department ranking'],
    govRankingClass: ['功能分类（类）', 'Function (class, 类)'],
    govRankingIntro: [(year, base) => `${year} 年该类支出最多的 10 个部门；“占比”为占全部部门该类支出的比重，增减与 ${base} 年比较。部门名称链接到该部门自己的视图。`, (year, base) => `The 10 departments spending most on this function in ${year}; "share" is the share of all departments' spending on it, the difference is against ${base}. Department names link to the department's own view.`],
    govRankingTotal: [(amount, unit, count, departments) => `该类合计 ${amount} ${unit}，${departments} 个部门，覆盖 ${count} 个部门年度。`, (amount, unit, count, departments) => `This function in total: ${amount} ${unit}, ${departments} ${departments === 1 ? 'department' : 'departments'}, over ${count} department-${count === 1 ? 'year' : 'years'}.`],
    govRankingChart: [(name) => `条形图：“${name}”支出最多的部门。数字见下表。`, (name) => `Bar chart: the departments spending most on ${name}. The figures are in the table below.`],
    govRankingCaption: [(name, year) => `${year} 年“${name}”支出最多的部门`, (name, year) => `Departments spending most on ${name}, ${year}`],
    rank: ['名次', 'Rank'],
    govNoClass: ['该年度没有功能分类数据。', 'There are no functional figures for this year.'],
    govCofogTitle: ['按联合国政府职能分类（COFOG）', 'By UN function of government (COFOG)'],
    govCofogLevel: ['COFOG 级次', 'COFOG level'],
    govCofogLevels: { 1: ['大类（division）', 'division'], 2: ['中类（group）', 'group'], },
    govCofogIntro: [(year) => `${year} 年全部部门的支出，按 COFOG（1999）职能归类。每个职能下列出把金额归入该职能的规则。`, (year) => `All departments' expenditure in ${year}, placed in the functions of COFOG (1999). Under each function, the rules that placed amounts in it.`],
    govCofogChart: [(year) => `饼图：${year} 年支出按 COFOG 职能的构成。数字见下表。`, (year) => `Pie chart: ${year} expenditure by COFOG function. The figures are in the table below.`],
    govCofogCaption: [(year) => `${year} 年支出按 COFOG 职能`, (year) => `Expenditure by COFOG function, ${year}`],
    cofogFunction: ['COFOG 职能', 'COFOG function'],
    cofogRule: ['归类规则', 'Rule'],
    unmapped: ['未归类', 'Not mapped'],
    rules: { CLASS: ['按类', 'by class'], SUBCLASS: ['按款或项', 'by section or item'], UNIT_FUNCTION: ['按单位职能', 'by the unit\'s function'], UNMAPPED: ['未归类', 'not mapped'], },
    ruleText: { CLASS: ['按“类”整体归入一个职能。', 'The class (类) maps to one function as a whole.'], SUBCLASS: ['按“款”或“项”单独归入，与其所属的类不同（例如网信事务、基础研究）。', 'A section (款) or item (项) mapped apart from its class (e.g. internet affairs, basic research).'], UNIT_FUNCTION: ['本单位人员的费用（养老保险缴费、职工医疗保险、住房公积金和住房补贴、干部培训）归入付款单位自身的职能，即该单位当年最大的其他“款”所属的职能。', 'Costs of the paying unit\'s own staff (pension contributions, staff medical insurance, housing provident fund and subsidies, staff training) go to the unit\'s own function: that of its largest other section that year.'], UNMAPPED: ['对照表没有覆盖的编码：没有 COFOG 职能。', 'No crosswalk row covers the code: the amount has no COFOG function.'], },
    cofogNote: ['功能分类与 COFOG 的对照表由本项目编制（见代码库 seed/data/cofog/README.md），不是官方对照，其中有若干判断：20137 网信事务归入 04.6 通信（因而首个数据集整体归入 04 经济事务）；201 一般公共服务按款拆分（党政机关归 01.1，发展改革、统计、档案归 01.3，商贸、市场监管归 04.1，民主党派和群众团体归 08.4）；本单位人员的社保、医保、住房和培训费用按付款单位的职能归类；未覆盖的编码不强行归类。', 'The crosswalk from the Chinese functional classification to COFOG is this project\'s own (see seed/data/cofog/README.md in the repository), not an official one, and it makes judgement calls: 20137 internet affairs (网信事务) → 04.6 Communication (which puts the whole first dataset in 04 Economic affairs); class 201 general public services is split by section (Party and government organs 01.1; planning, statistics, archives 01.3; commerce and market regulation 04.1; democratic parties and mass organisations 08.4); staff pension, medical, housing and training costs follow the paying unit\'s function; codes it does not cover are left unmapped rather than guessed.'],
    showQuery: ['显示本视图的 GraphQL 查询', 'Show the GraphQL query of this view'],
    queryIntro: ['本视图发送的查询（POST 至 graphql）：', 'The query this view sends (POST to graphql):'],
    variables: ['变量：', 'Variables:'],
    openPlayground: ['在 GraphQL Playground 中打开', 'Open in the GraphQL playground'],
    catalogueQuery: ['部门列表的查询：', 'The department list query:'],
    noQuery: ['本视图不发送查询。', 'This view sends no query.'],
    queriesIntro: [(n) => `本视图发送的 ${n} 个查询（POST 至 graphql；有下一页时以 after 继续）：`, (n) => `The ${n} queries this view sends (POST to graphql; further pages with after):`],
    footer: ['数据：开放预算数据 API（GraphQL）。图表：Apache ECharts（Apache-2.0 许可证）。', 'Data: the open budget data API (GraphQL). Charts: Apache ECharts (Apache License 2.0).'],
    api: ['GraphQL Playground', 'GraphQL playground'],
    licence: ['ECharts 许可证', 'ECharts licence'],
  };
  const pick = (strings, i) => Object.fromEntries(Object.entries(strings).map(([key, value]) =>
    [key, Array.isArray(value) ? value[i] : pick(value, i)]));
  const STRINGS = { zh: pick(BOTH, 0), en: pick(BOTH, 1) };

  let state = null; // the rendered state (see readState)
  let T = STRINGS.zh; // strings of state.lang

  const nameOf = (o) => (state.lang === 'en' && o.nameEn ? o.nameEn : o.name);
  const otherNameOf = (o) => (state.lang === 'en' ? o.name : o.nameEn);

  // ── State in the URL ──────────────────────────────────────────────────────────────────────

  function readState() {
    const p = new URLSearchParams(window.location.search);
    const year = Number.parseInt(p.get('year') || '', 10);
    const status = p.get('status');
    return {
      dept: p.get('dept') || '',
      year: Number.isInteger(year) ? year : null,
      view: VIEWS.includes(p.get('view')) ? p.get('view') : 'functional',
      node: p.get('node') || '',
      status: STATUSES.includes(status) ? status : '',
      level: p.get('level') === '2' ? 2 : 1, // whole government: 类 or 款
      cofog: p.get('cofog') === '2' ? 2 : 1, // whole government: COFOG division or group
      gov: p.get('gov') || '', // whole government: the government picked (else the department's)
      lang: p.get('lang') === 'en' ? 'en' : 'zh',
    };
  }

  // The link of a state: the current one with `changes`. Changing the department, year or view
  // leaves the drill-down and the filter. `level` and `cofog` are only written for the
  // whole-government view (which uses `node` for the function it ranks departments in).
  function linkTo(changes) {
    const s = { ...state, ...changes };
    // (The whole-government view keeps its `node` across departments and years.)
    if ('view' in changes || (('dept' in changes || 'year' in changes) && s.view !== 'government')) {
      if (!('node' in changes)) s.node = '';
      if (!('status' in changes)) s.status = '';
    }
    const p = new URLSearchParams();
    if (s.dept) p.set('dept', s.dept);
    if (s.year) p.set('year', String(s.year));
    p.set('view', s.view);
    if (s.node) p.set('node', s.node);
    if (s.status) p.set('status', s.status);
    if (s.view === 'government' && s.level === 2) p.set('level', '2');
    if (s.view === 'government' && s.cofog === 2) p.set('cofog', '2');
    if (s.view === 'government' && s.gov) p.set('gov', s.gov);
    p.set('lang', s.lang);
    return `?${p}`;
  }

  // Go to a state: a new history entry (unless the URL stays the same), then render.
  function go(changes) {
    const url = linkTo(changes);
    if (url === window.location.search) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
    render();
  }

  // A link that changes state without reloading (a modified click opens a new tab as usual).
  function stateLink(changes, props, ...children) {
    return h('a', {
      ...props,
      href: linkTo(changes),
      onclick: (e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        go(changes);
      },
    }, ...children);
  }

  // ── DOM and formatting helpers ────────────────────────────────────────────────────────────

  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c != null && c !== false) el.append(c instanceof Node ? c : String(c));
    }
    return el;
  }

  const $ = (id) => document.getElementById(id);

  // Append children to `el`, skipping null and false.
  function add(el, ...children) {
    el.append(...children.flat(Infinity).filter((c) => c != null && c !== false));
    return el;
  }

  // A Decimal string with thousands separators ("29173" → "29,173"); unchanged otherwise.
  function fmt(decimal) {
    const m = /^(-?)(\d+)(\.\d+)?$/.exec(decimal);
    return m ? m[1] + m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (m[3] || '') : decimal;
  }

  // An amount cell's content: the number, or "not stated" for null.
  function amount(decimal) {
    return decimal == null ? h('span', { class: 'null' }, T.notStated) : fmt(decimal);
  }

  function percent(decimal) {
    return decimal == null ? h('span', { class: 'null' }, T.notStated) : `${fmt(decimal)}%`;
  }

  // A share for display (the page's own arithmetic); '—' when either side is missing or 0.
  function share(part, whole) {
    const p = Number(part);
    const w = Number(whole);
    if (part == null || whole == null || !w) return '—';
    return `${((p / w) * 100).toFixed(2)}%`;
  }

  function citation(o) {
    return o && o.source ? o.source.citation : '—';
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  }

  // A table, or "none" when there are no rows.
  function table(caption, head, rows, props) {
    if (!rows.length) return h('p', { class: 'status', id: props && props.id }, T.noRows);
    return h('table', props,
      caption && h('caption', null, caption),
      h('thead', null, h('tr', null, head.map((c) => h('th', { scope: 'col', class: c.cls }, c.label)))),
      h('tbody', null, rows));
  }

  // ── Page ──────────────────────────────────────────────────────────────────────────────────

  let catalogue = null; // { years, departments }
  let renderCount = 0;
  let queryOpen = false; // keeps "show the query" open across views
  let renderedKey = '';

  async function render() {
    const next = readState();
    const key = JSON.stringify(next);
    if (key === renderedKey) return; // e.g. the skip link's #main
    state = next;
    T = STRINGS[state.lang];
    const token = ++renderCount;
    document.documentElement.lang = T.htmlLang;
    document.documentElement.dataset.state = 'loading';
    renderStatic();

    // Both requests at once when the URL names the department and year.
    let request = state.dept && state.year ? viewRequest(state) : null;
    for (const r of [request || []].flat()) gql(r.query, r.variables).catch(() => {});
    try {
      if (!catalogue) catalogue = await loadCatalogue();
    } catch (e) {
      return renderError(e, token);
    }
    if (token !== renderCount) return;
    if (!state.dept || !state.year) {
      // Defaults: the first top-level department, the latest year; written into the URL.
      const top = catalogue.departments.find((d) => !d.parent) || catalogue.departments[0];
      const changes = {};
      if (!state.dept && top) changes.dept = top.code;
      if (!state.year && catalogue.years.length) changes.year = catalogue.years[catalogue.years.length - 1];
      window.history.replaceState(null, '', linkTo({ ...changes, node: state.node, status: state.status }));
      return render();
    }
    renderedKey = key;
    renderControls(null);
    renderTabs();
    if (state.view === 'government') return renderGovernment(token);
    request = viewRequest(state);
    const main = $('main');
    main.setAttribute('aria-busy', 'true');
    let data;
    try {
      data = await gql(request.query, request.variables);
    } catch (e) {
      return renderError(e, token);
    }
    if (token !== renderCount) return;
    main.removeAttribute('aria-busy');
    const dept = data.department;
    renderControls(dept);
    if (!dept || !dept.budget) {
      $('summary').replaceChildren();
      main.replaceChildren(h('p', { class: 'status' }, dept ? T.noBudgetYear(state.year) : T.noDepartment),
        queryBox(request));
      return ready(token);
    }
    document.title = `${nameOf(dept)} ${state.year} · ${T.views[state.view]} · ${T.appName}`;
    renderSummary(dept.budget);
    let view;
    if (SCHEMES[state.view]) view = treeView(dept.budget);
    else if (state.view === 'yoy') view = yearOverYearView(dept.budget);
    else view = checksView(dept.budget);
    disposeGovCharts();
    main.replaceChildren(view, queryBox(request));
    markOnce('explorer-content');
    if (SCHEMES[state.view] && tree) {
      await documentReady; // ECharts is loaded (the figures are on screen already)
      if (token !== renderCount) return;
      drawTree();
    }
    return ready(token);
  }

  // data-state="ready" once a view is complete (the browser test waits for it).
  function ready(token) {
    if (token !== renderCount) return;
    document.documentElement.dataset.state = 'ready';
    markOnce('explorer-ready');
  }

  // Performance marks of the first render: figures on screen, then chart drawn too.
  function markOnce(name) {
    if (!performance.getEntriesByName(name).length) performance.mark(name);
  }

  function renderError(e, token) {
    if (token !== renderCount) return;
    renderedKey = '';
    console.warn('explorer:', e);
    disposeGovCharts();
    $('main').removeAttribute('aria-busy');
    $('main').replaceChildren(h('p', { class: 'status error', role: 'alert' }, T.error, e.message));
    document.documentElement.dataset.state = 'error';
  }

  // Strings that do not depend on data.
  function renderStatic() {
    $('title').textContent = T.appName;
    $('subtitle').textContent = T.subtitle;
    $('skip').textContent = T.skip;
    document.title = T.appName;
    $('footer').replaceChildren(h('p', null, T.footer, ' ',
      h('a', { href: 'graphql' }, T.api), ' · ',
      h('a', { href: 'explorer/LICENSE.echarts' }, T.licence)));
  }

  // Department and year pickers and the language switch. `dept` (from the view's query) says
  // which years the department has budgets for; null while it is not known.
  function renderControls(dept) {
    const years = dept ? dept.budgets.map((b) => b.fiscalYear.year) : null;
    const tops = catalogue.departments.filter((d) => !d.parent);
    const unitsOf = (code) => catalogue.departments.filter((d) => d.parent && d.parent.code === code);
    const orphans = catalogue.departments.filter((d) => d.parent && !catalogue.departments.some((p) => p.code === d.parent.code));
    const option = (d, depth) => h('option', { value: d.code, selected: d.code === state.dept }, `${'\u2003'.repeat(depth)}${nameOf(d)}`);
    const options = [];
    for (const d of tops) options.push(option(d, 0), unitsOf(d.code).map((u) => option(u, 1)));
    options.push(orphans.map((d) => option(d, 0)));
    if (!catalogue.departments.some((d) => d.code === state.dept)) {
      options.unshift(h('option', { value: state.dept, selected: true }, state.dept));
    }
    const deptSelect = h('select', { id: 'dept', onchange: (e) => go({ dept: e.target.value }) }, options);
    const allYears = [...new Set([...catalogue.years, state.year])].sort();
    const yearSelect = h('select', { id: 'year', onchange: (e) => go({ year: Number(e.target.value) }) },
      allYears.map((y) => h('option', { value: y, selected: y === state.year },
        years && !years.includes(y) ? `${y}${T.noBudget}` : String(y))));
    const other = state.lang === 'en' ? 'zh' : 'en';
    $('controls').replaceChildren(
      h('label', null, h('span', null, T.department), deptSelect),
      h('label', null, h('span', null, T.year), yearSelect),
      stateLink({ lang: other }, { id: 'lang', class: 'button', lang: T.otherLanguageCode, hreflang: T.otherLanguageCode, title: T.otherLanguageTitle }, T.otherLanguage));
  }

  function renderTabs() {
    $('views').setAttribute('aria-label', T.viewsLabel);
    $('views').replaceChildren(h('ul', null, VIEWS.map((v) => h('li', null,
      stateLink({ view: v }, { 'aria-current': v === state.view ? 'page' : null, 'data-view': v }, T.views[v])))));
  }

  function totalsByKey(budget) {
    return Object.fromEntries(budget.totals.map((f) => [f.key, f]));
  }

  // Revenue and expenditure totals, basic vs project.
  function renderSummary(budget) {
    const totals = totalsByKey(budget);
    $('summary').replaceChildren();
    const item = (key) => {
      const f = totals[key];
      return h('div', { class: 'figure', 'data-key': key },
        h('dt', null, f ? nameOf(f) : T.totals[key]),
        h('dd', null,
          h('span', { class: 'amount' }, f ? amount(f.amount) : amount(null)), ' ',
          h('span', { class: 'unit' }, f ? f.unit : budget.unit),
          h('small', { class: 'source' }, `${T.source}: ${citation(f)}`)));
    };
    // Basic vs project as shares of expenditure: a bar with a legend that says the same.
    const whole = totals.expenditure_total && totals.expenditure_total.amount;
    const parts = ['basic_expenditure', 'project_expenditure'].map((key) => totals[key]);
    let bar = null;
    if (whole && parts.every((f) => f && f.amount != null)) {
      const labels = parts.map((f) => `${nameOf(f)} ${share(f.amount, whole)}`);
      const segments = parts.map((f, i) => {
        const segment = h('span', { class: i ? 'project' : 'basic', title: labels[i] });
        segment.style.width = share(f.amount, whole);
        return segment;
      });
      bar = h('div', { class: 'split' },
        h('div', { class: 'bar', role: 'img', 'aria-label': `${T.basicVsProject}: ${labels.join(', ')}` }, segments),
        h('p', { class: 'legend' }, labels.map((label, i) => [h('span', { class: `key ${i ? 'project' : 'basic'}` }), label, ' '])));
    }
    add($('summary'), h('h2', { id: 'summary-title' }, T.summaryTitle(state.year, budget.unit)),
      h('dl', null, Object.keys(T.totals).map(item)), bar);
  }

  // "Show the GraphQL query": the view's query (or queries) and variables, and a link to the playground
  // (GraphiQL at `graphql`, which opens a tab from #query=…&variables=…).
  function queryBox(request) {
    const requests = request == null ? [] : [request].flat();
    const block = (req) => {
      const variables = JSON.stringify(req.variables, null, 2);
      const link = `graphql#${new URLSearchParams({ query: req.query, variables })}`;
      return [
        h('pre', { class: 'graphql' }, h('code', null, req.query)),
        h('p', null, T.variables),
        h('pre', { class: 'variables' }, h('code', null, variables)),
        h('p', null, h('a', { href: link, class: 'playground', target: '_blank', rel: 'noopener' }, T.openPlayground)),
      ];
    };
    const box = h('details', { class: 'query', id: 'query', open: queryOpen },
      h('summary', null, T.showQuery),
      requests.length === 1 ? [h('p', null, T.queryIntro), block(requests[0])]
        : requests.length ? [h('p', null, T.queriesIntro(requests.length)), requests.map(block)]
          : h('p', null, T.noQuery),
      h('p', null, T.catalogueQuery),
      block({ query: CATALOGUE, variables: { after: null } }));
    box.addEventListener('toggle', () => { queryOpen = box.open; });
    return box;
  }

  // ── Whole government ──────────────────────────────────────────────────────────────────────
  // Three sections over `aggregate`: spending by function over the years (stacked bars), the
  // departments spending most on one 类 in the year (bars), and the year by COFOG function (pie).
  // Each chart has a table with the same figures next to it. Amounts are the API's Decimal
  // strings; the only sums made here (a year's total over its functions, a COFOG function's total
  // over its rules) are exact (decimalSum), and shares are display arithmetic (share).

  let govCharts = []; // [{ chart, observer }] of the rendered whole-government view

  function disposeGovCharts() {
    for (const c of govCharts) {
      c.observer.disconnect();
      c.chart.dispose();
    }
    govCharts = [];
  }

  // Exact sum of Decimal strings (BigInt on the digits, the largest scale kept); null when every
  // term is null: nothing stated is not 0.
  function decimalSum(values) {
    const terms = values.filter((v) => v != null).map((v) => {
      const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(v);
      if (!m) throw new Error(`not a decimal: ${v}`);
      return { sign: m[1], digits: m[2] + (m[3] || ''), scale: (m[3] || '').length };
    });
    if (!terms.length) return null;
    const scale = Math.max(...terms.map((t) => t.scale));
    let sum = 0n;
    for (const t of terms) {
      const n = BigInt(t.digits + '0'.repeat(scale - t.scale));
      sum += t.sign ? -n : n;
    }
    const negative = sum < 0n;
    const digits = (negative ? -sum : sum).toString().padStart(scale + 1, '0');
    const int = digits.slice(0, digits.length - scale);
    return (negative ? '-' : '') + int + (scale ? `.${digits.slice(digits.length - scale)}` : '');
  }

  // The API's `share` (a fraction, "0.980276") as a percentage with 2 places ("98.03%"), rounded
  // half up on the digits; '—' for null.
  function fractionPercent(fraction) {
    const m = fraction == null ? null : /^(-?)(\d+)(?:\.(\d+))?$/.exec(fraction);
    if (!m) return '—';
    const scale = (m[3] || '').length;
    const n = BigInt(m[2] + (m[3] || '')) * 10000n; // hundredths of a percent, times 10^scale
    const d = 10n ** BigInt(scale);
    const q = (2n * n + d) / (2n * d);
    return `${m[1] && q ? '-' : ''}${q / 100n}.${String(q % 100n).padStart(2, '0')}%`;
  }

  // An amount with "—" for null (not stated), never 0.
  const dash = (decimal) => (decimal == null ? h('span', { class: 'null', title: T.notStated }, '—') : fmt(decimal));
  const unitName = (unit) => T.units[unit] || unit;
  const withUnit = (label, unit) => (state.lang === 'en' ? `${label} (${unitName(unit)})` : `${label}（${unitName(unit)}）`);

  // Pills that switch a setting of the view through the URL.
  function choice(label, key, options) {
    return h('ul', { class: 'filters', 'aria-label': label }, Object.entries(options).map(([value, text]) =>
      h('li', null, stateLink({ [key]: Number(value) }, {
        'aria-current': state[key] === Number(value) ? 'true' : null, 'data-choice': `${key}-${value}`,
      }, text))));
  }

  async function renderGovernment(token) {
    const main = $('main');
    $('summary').replaceChildren();
    document.title = `${T.views.government} · ${T.appName}`;
    main.setAttribute('aria-busy', 'true');
    let functions;
    let cofog;
    let ranking = null;
    let code = state.node;
    const government = governmentOf(state);
    try {
      [functions, cofog] = await Promise.all([
        loadAggregate(GOV_FUNCTIONS, { level: state.level, government }),
        loadAggregate(GOV_COFOG, { year: state.year, cofogLevel: state.cofog, government }),
      ]);
      if (token !== renderCount) return;
      // Default function to rank by: the largest 类 of the year (cells come largest first).
      if (!code) {
        const top = functions.cells.find((c) => c.year === state.year) || functions.cells[0];
        code = top ? classOf(top.node).code : '';
      }
      if (code) ranking = await loadAggregate(GOV_RANKING, { year: state.year, baseYear: state.year - 1, code, government });
    } catch (e) {
      return renderError(e, token);
    }
    if (token !== renderCount) return;
    main.removeAttribute('aria-busy');
    const charts = [];
    const section = h('section', { class: 'view government', 'data-view': 'government' },
      h('h2', null, T.views.government), governmentPicker(government), h('p', null, T.govIntro),
      functionsSection(functions, charts),
      rankingSection(functions, ranking, code, charts),
      cofogSection(cofog, charts));
    disposeGovCharts();
    main.replaceChildren(section, queryBox([functions.request, ranking && ranking.request, cofog.request].filter(Boolean)));
    markOnce('explorer-content');
    await documentReady; // ECharts is loaded
    if (token !== renderCount) return;
    drawGovCharts(charts);
    return ready(token);
  }

  // Pills that pick the government summed, when the data holds more than one (none otherwise).
  function governmentPicker(current) {
    const all = governments();
    if (all.length < 2) return null;
    return h('ul', { class: 'filters governments', 'aria-label': T.govPicker }, all.map((g) =>
      h('li', null, stateLink({ gov: g.code, node: '' }, {
        'aria-current': g.code === current ? 'true' : null, 'data-choice': `gov-${g.code}`,
      }, state.lang === 'en' ? g.nameEn : g.name))));
  }

  // The 类 of a node: itself at level 1, its parent at level 2.
  const classOf = (node) => node.parent || node;

  function totalLine(aggregate) {
    return h('p', { class: 'total' }, T.govTotal(aggregate.total.amount == null ? '—' : fmt(aggregate.total.amount),
      unitName(aggregate.unit), aggregate.total.count));
  }

  function chartBoxFor(id, label) {
    return h('div', { class: 'chart gov-chart', id, role: 'img', 'aria-label': label });
  }

  const palette = ['#3558c4', '#2e7d32', '#8e3b9c', '#b3541e', '#00707a', '#7a6300', '#b0245b', '#4a5a6a'];

  // 1. Spending by function over the years: x = year, one stacked series per node.
  function functionsSection(agg, charts) {
    const level = T.govLevels[state.level];
    const years = [...new Set(agg.cells.map((c) => c.year))].sort((a, b) => a - b);
    const nodes = new Map(); // code → { node, byYear: Map(year → cell) }, largest of the latest year first
    const latest = years[years.length - 1];
    const ordered = [...agg.cells].sort((a, b) => (b.year === latest) - (a.year === latest));
    for (const c of ordered) {
      if (!nodes.has(c.node.code)) nodes.set(c.node.code, { node: c.node, byYear: new Map() });
      nodes.get(c.node.code).byYear.set(c.year, c);
    }
    const yearTotal = new Map(years.map((y) => [y, decimalSum(agg.cells.filter((c) => c.year === y).map((c) => c.amount))]));
    const section = h('section', { class: 'gov-functions', 'aria-labelledby': 'gov-functions-title' },
      h('h3', { id: 'gov-functions-title' }, T.govFunctionsTitle),
      choice(T.govLevel, 'level', T.govLevels),
      totalLine(agg));
    if (!agg.cells.length) return add(section, h('p', { class: 'status' }, T.noRows));
    const box = chartBoxFor('gov-functions-chart', T.govFunctionsChart(level));
    const series = [...nodes.values()].map(({ node, byYear }) => ({
      type: 'bar', stack: 'total', name: `${node.code} ${nameOf(node)}`,
      emphasis: { focus: 'series' },
      data: years.map((y) => {
        const c = byYear.get(y);
        return { value: c && c.amount != null ? Number(c.amount) : null, amount: c ? c.amount : null }; // height only
      }),
    }));
    charts.push({
      box,
      option: {
        legend: { type: 'scroll', bottom: 0 },
        grid: { left: 8, right: 16, top: 16, bottom: 48, containLabel: true },
        tooltip: {
          trigger: 'item', confine: true,
          formatter: (p) => `${escapeHtml(p.seriesName)}<br>${p.name}: <strong>${escapeHtml(p.data.amount == null ? '—' : fmt(p.data.amount))}</strong> ${escapeHtml(unitName(agg.unit))}` +
            `<br>${escapeHtml(T.share)}: ${share(p.data.amount, yearTotal.get(Number(p.name)))}`,
        },
        xAxis: { type: 'category', data: years.map(String) },
        yAxis: { type: 'value', name: unitName(agg.unit) },
        series,
      },
    });
    const head = [{ label: T.code }, { label: T.name },
      years.map((y) => [{ label: withUnit(String(y), agg.unit), cls: 'num' }, { label: `${T.share} ${y}`, cls: 'num' }])].flat(2);
    const rows = [...nodes.values()].map(({ node, byYear }) => h('tr', { 'data-code': node.code },
      h('td', { class: 'code' }, node.code),
      h('th', { scope: 'row', title: otherNameOf(node) }, nameOf(node)),
      years.map((y) => {
        const c = byYear.get(y);
        return [h('td', { class: 'num amount', 'data-year': y }, dash(c ? c.amount : null)),
          h('td', { class: 'num share', 'data-year': y }, c ? share(c.amount, yearTotal.get(y)) : '—')];
      })));
    const totals = h('tr', { class: 'total', 'data-code': '' }, h('td', null), h('th', { scope: 'row' }, T.govYearTotal),
      years.map((y) => [h('td', { class: 'num amount', 'data-year': y }, dash(yearTotal.get(y))),
        h('td', { class: 'num share', 'data-year': y }, share(yearTotal.get(y), yearTotal.get(y)))]));
    const t = table(T.govFunctionsCaption(level), head, rows, { class: 'gov', id: 'gov-functions' });
    add(t, h('tfoot', null, totals));
    return add(section, box, t);
  }

  // 2. The departments spending most on one 类 in the year, with the change on the year before.
  function rankingSection(functions, agg, code, charts) {
    const base = state.year - 1;
    const classes = new Map();
    for (const c of functions.cells) classes.set(classOf(c.node).code, classOf(c.node));
    if (code && !classes.has(code)) classes.set(code, { code, name: code, nameEn: code });
    const options = [...classes.values()].sort((a, b) => a.code.localeCompare(b.code));
    const section = h('section', { class: 'gov-ranking', 'aria-labelledby': 'gov-ranking-title' },
      h('h3', { id: 'gov-ranking-title' }, T.govRankingTitle));
    if (!code || !agg) return add(section, h('p', { class: 'status' }, T.govNoClass));
    const current = classes.get(code);
    const label = `${code} ${nameOf(current)}`;
    add(section,
      h('p', { class: 'pick' }, h('label', null, `${T.govRankingClass} `,
        h('select', { id: 'gov-class', onchange: (e) => go({ node: e.target.value }) },
          options.map((o) => h('option', { value: o.code, selected: o.code === code }, `${o.code} ${nameOf(o)}`))))),
      h('p', null, T.govRankingIntro(state.year, base)),
      h('p', { class: 'total' }, T.govRankingTotal(agg.total.amount == null ? '—' : fmt(agg.total.amount),
        unitName(agg.unit), agg.total.count, agg.totalCount)));
    if (!agg.cells.length) return add(section, h('p', { class: 'status', id: 'gov-ranking' }, T.noRows));
    const box = chartBoxFor('gov-ranking-chart', T.govRankingChart(label));
    const shown = [...agg.cells].reverse(); // the largest at the top
    charts.push({
      box,
      option: {
        grid: { left: 250, right: 90, top: 8, bottom: 28 },
        tooltip: {
          trigger: 'item', confine: true,
          formatter: (p) => {
            const c = shown[p.dataIndex];
            return `${escapeHtml(nameOf(c.department))}<br><strong>${escapeHtml(c.amount == null ? '—' : fmt(c.amount))}</strong> ${escapeHtml(unitName(agg.unit))}` +
              `<br>${escapeHtml(T.share)}: ${fractionPercent(c.share)}`;
          },
        },
        xAxis: { type: 'value' },
        yAxis: { type: 'category', data: shown.map((c) => nameOf(c.department)), axisLabel: { width: 235, overflow: 'truncate' } },
        series: [{
          type: 'bar', name: label,
          data: shown.map((c) => (c.amount == null ? null : Number(c.amount))), // length only
          label: { show: true, position: 'right', formatter: (p) => fmt(shown[p.dataIndex].amount == null ? '—' : shown[p.dataIndex].amount) },
        }],
      },
      height: Math.max(160, 40 * shown.length + 40),
    });
    const rows = agg.cells.map((c, i) => h('tr', { 'data-code': c.department.code },
      h('td', { class: 'num' }, String(i + 1)),
      h('th', { scope: 'row', title: otherNameOf(c.department) },
        stateLink({ dept: c.department.code, view: 'functional', node: code }, { class: 'department' }, nameOf(c.department))),
      h('td', { class: 'num amount' }, dash(c.amount)),
      h('td', { class: 'num share' }, fractionPercent(c.share)),
      h('td', { class: 'num base' }, dash(c.change.base)),
      h('td', { class: 'num difference' }, dash(c.change.difference)),
      h('td', { class: 'num percent' }, c.change.percent == null ? dash(null) : `${fmt(c.change.percent)}%`)));
    return add(section, box, table(T.govRankingCaption(label, state.year), [
      { label: T.rank, cls: 'num' }, { label: T.department },
      { label: withUnit(String(state.year), agg.unit), cls: 'num' }, { label: T.share, cls: 'num' },
      { label: withUnit(String(base), agg.unit), cls: 'num' }, { label: T.difference, cls: 'num' }, { label: T.percent, cls: 'num' },
    ], rows, { class: 'gov', id: 'gov-ranking' }));
  }

  // 3. The year by COFOG function, each function with the rules that placed amounts in it.
  function cofogSection(agg, charts) {
    const functions = new Map(); // COFOG code ('' = unmapped) → { cofog, cells }
    for (const c of agg.cells) {
      const key = c.cofog ? c.cofog.code : '';
      if (!functions.has(key)) functions.set(key, { cofog: c.cofog, cells: [] });
      functions.get(key).cells.push(c);
    }
    const list = [...functions.entries()]
      .sort(([a], [b]) => (a === '') - (b === '') || a.localeCompare(b))
      .map(([key, f]) => ({
        key, cofog: f.cofog, amount: decimalSum(f.cells.map((c) => c.amount)),
        cells: f.cells.sort((a, b) => COFOG_RULES.indexOf(a.cofogRule) - COFOG_RULES.indexOf(b.cofogRule)),
      }));
    const name = (f) => (f.cofog ? nameOf(f.cofog) : T.unmapped);
    const section = h('section', { class: 'gov-cofog', 'aria-labelledby': 'gov-cofog-title' },
      h('h3', { id: 'gov-cofog-title' }, T.govCofogTitle),
      choice(T.govCofogLevel, 'cofog', T.govCofogLevels),
      h('p', null, T.govCofogIntro(state.year)),
      totalLine(agg));
    if (list.length) {
      const box = chartBoxFor('gov-cofog-chart', T.govCofogChart(state.year));
      charts.push({
        box,
        option: {
          tooltip: {
            trigger: 'item', confine: true,
            formatter: (p) => `${escapeHtml(p.name)}<br><strong>${escapeHtml(p.data.amount == null ? '—' : fmt(p.data.amount))}</strong> ${escapeHtml(unitName(agg.unit))}` +
              `<br>${escapeHtml(T.share)}: ${share(p.data.amount, agg.total.amount)}`,
          },
          legend: { type: 'scroll', bottom: 0 },
          series: [{
            type: 'pie', radius: ['30%', '65%'], top: 0, bottom: 32,
            label: { formatter: (p) => `${p.name}\n${share(p.data.amount, agg.total.amount)}` },
            data: list.map((f) => ({
              name: `${f.key || '—'} ${name(f)}`, amount: f.amount,
              value: f.amount == null ? 0 : Number(f.amount), // angle only
            })),
          }],
        },
      });
      add(section, box);
    }
    const rows = list.map((f) => [
      h('tr', { class: 'function', 'data-code': f.key },
        h('td', { class: 'code' }, f.key || '—'),
        h('th', { scope: 'row', title: f.cofog ? otherNameOf(f.cofog) : null }, name(f)),
        h('td', null),
        h('td', { class: 'num amount' }, dash(f.amount)),
        h('td', { class: 'num share' }, share(f.amount, agg.total.amount))),
      f.cells.map((c) => h('tr', { class: 'rule depth-1', 'data-code': f.key, 'data-rule': c.cofogRule },
        h('td', null),
        h('th', { scope: 'row' }, T.rules[c.cofogRule] || c.cofogRule),
        h('td', { class: 'rule' }, h('code', null, c.cofogRule)),
        h('td', { class: 'num amount' }, dash(c.amount)),
        h('td', { class: 'num share' }, fractionPercent(c.share)))),
    ]).flat();
    add(section, table(T.govCofogCaption(state.year), [
      { label: T.code }, { label: T.cofogFunction }, { label: T.cofogRule },
      { label: withUnit(T.amount, agg.unit), cls: 'num' }, { label: T.share, cls: 'num' },
    ], rows, { class: 'gov', id: 'gov-cofog' }));
    add(section,
      h('dl', { class: 'rules' }, COFOG_RULES.map((r) => [
        h('dt', null, h('code', null, r), ' ', T.rules[r]), h('dd', null, T.ruleText[r])])),
      h('p', { class: 'note', id: 'cofog-note' }, T.cofogNote));
    return section;
  }

  function drawGovCharts(charts) {
    disposeGovCharts();
    const font = window.getComputedStyle(document.body).fontFamily;
    for (const spec of charts) {
      if (!spec.box.isConnected) continue;
      if (spec.height) spec.box.style.height = `${spec.height}px`;
      const chart = window.echarts.init(spec.box, null, { renderer: 'canvas' });
      chart.setOption({ color: palette, textStyle: { fontFamily: font }, animation: false, ...spec.option });
      const observer = new ResizeObserver(() => { if (spec.box.isConnected) chart.resize(); });
      observer.observe(spec.box);
      govCharts.push({ chart, observer });
    }
  }

  // ── Classification trees (functional, economic, revenue) ──────────────────────────────────

  let tree = null; // { root, byCode, parent } of the rendered view
  let chart = null; // the ECharts instance, kept across renders
  let chartBox = null; // its element, moved into each tree view
  let chartFocus = ''; // code of the region the keyboard is on
  let pendingFocus = ''; // where focus goes after a drill: 'chart', 'table', 'up' (the button)
  let viewUnit = ''; // budget.unit of the rendered view

  // Index a tree by code (codes are unique within a scheme); `root` stands for the total.
  function indexTree(root) {
    const byCode = new Map();
    const parent = new Map();
    (function walk(node) {
      for (const child of node.children) {
        byCode.set(child.code, child);
        parent.set(child.code, node);
        walk(child);
      }
    }(root));
    return { root, byCode, parent };
  }

  function pathTo(code) {
    const path = [];
    for (let n = tree.byCode.get(code); n && n !== tree.root; n = tree.parent.get(n.code)) path.unshift(n);
    return path;
  }

  const current = () => tree.byCode.get(state.node) || tree.root;
  const parentOf = (node) => tree.parent.get(node.code) || null;

  function drill(code, focus) {
    pendingFocus = focus || '';
    if (code !== state.node) go({ node: code });
    else restoreFocus();
  }

  function up(focus) {
    const node = current();
    if (node === tree.root) return;
    const parent = parentOf(node);
    drill(parent === tree.root ? '' : parent.code, focus);
  }

  function treeView(budget) {
    const totals = totalsByKey(budget);
    const rootTotal = totals[state.view === 'revenue' ? 'revenue_total' : 'expenditure_total'];
    // The root is the budget's total as the API states it (not a sum made here).
    tree = indexTree({
      code: '', name: T.root[state.view], nameEn: T.root[state.view],
      amount: rootTotal ? rootTotal.amount : null, source: rootTotal && rootTotal.source,
      children: budget.lines,
    });
    viewUnit = budget.unit;
    const section = h('section', { class: 'view tree', 'data-view': state.view });
    add(section, h('h2', null, T.views[state.view]), h('p', null, T.treeIntro[state.view]));
    if (!budget.lines.length) {
      add(section, h('p', { class: 'status' }, T.treeEmpty));
      tree = null;
      return section;
    }
    const node = current();
    const path = pathTo(node.code);
    const parent = node === tree.root ? null : parentOf(node);

    // Breadcrumb with amounts and shares; the last entry is where we are.
    const crumbs = [tree.root, ...path].map((n, i, all) => {
      const text = [nameOf(n), ' ', h('span', { class: 'num' }, amount(n.amount)),
        i > 0 ? h('span', { class: 'share' }, ` (${share(n.amount, all[i - 1].amount)})`) : null];
      return h('li', null, i === all.length - 1
        ? h('span', { 'aria-current': 'location' }, text)
        : stateLink({ node: n.code }, null, text));
    });
    add(section, h('nav', { class: 'crumbs', 'aria-label': T.breadcrumb },
      h('button', { type: 'button', class: 'up', disabled: node === tree.root, onclick: () => up('up') }, T.up),
      h('ol', null, crumbs)));

    // The current node.
    add(section, h('p', { class: 'detail', id: 'detail' },
      h('strong', null, node.code ? `${node.code} ` : '', nameOf(node)), ': ',
      h('span', { class: 'num' }, amount(node.amount)), ` ${budget.unit}`,
      node !== tree.root && (node.basic != null || node.project != null)
        ? [' · ', T.basic, ' ', amount(node.basic), ' · ', T.project, ' ', amount(node.project)] : null,
      parent ? [' · ', T.shareParent, ' ', share(node.amount, parent.amount)] : null,
      node !== tree.root ? [' · ', T.shareTotal, ' ', share(node.amount, tree.root.amount)] : null,
      ' · ', T.source, ': ', citation(node)));

    // The chart: one tab stop; arrows move between regions, Enter drills, Backspace/Escape up.
    if (!chartBox) {
      chartBox = h('div', { class: 'chart', tabindex: '0', role: 'application', 'aria-describedby': 'chart-help chart-focus' });
      chartBox.addEventListener('keydown', chartKey);
      chartBox.addEventListener('focus', () => showChartFocus(true));
      chartBox.addEventListener('blur', () => showChartFocus(false));
    }
    chartBox.setAttribute('aria-label', T.chartLabel(nameOf(node)));
    const kids = regions();
    if (!kids.some((k) => k.code === chartFocus)) chartFocus = chartOrder()[0].code;
    add(section, h('p', { class: 'help', id: 'chart-help' }, T.treeHelp), chartBox,
      h('p', { class: 'focus', id: 'chart-focus', 'aria-live': 'polite' }));

    // The same data as a table: one row per region, keyboard and click to drill down. Basic and
    // project columns only where the classification prints them (not for revenue).
    const split = [...tree.byCode.values()].some((n) => n.basic != null || n.project != null);
    const rows = kids.map((n) => h('tr', {
      tabindex: '0',
      'data-code': n.code,
      class: n.children.length ? 'branch' : 'leaf',
      title: otherNameOf(n),
      onclick: () => drill(n.code, ''),
      onkeydown: (e) => rowKey(e, n),
    },
    h('td', { class: 'code' }, n.code),
    h('th', { scope: 'row' }, nameOf(n), n.children.length ? h('span', { class: 'more', 'aria-hidden': 'true' }, ' ›') : null),
    h('td', { class: 'num amount' }, amount(n.amount)),
    split && h('td', { class: 'num' }, amount(n.basic)),
    split && h('td', { class: 'num' }, amount(n.project)),
    h('td', { class: 'num' }, share(n.amount, node === n ? parentOf(n).amount : node.amount)),
    h('td', { class: 'num' }, share(n.amount, tree.root.amount)),
    h('td', { class: 'source' }, citation(n))));
    const unitHead = (label) => ({ label: state.lang === 'en' ? `${label} (${budget.unit})` : `${label}（${budget.unit}）`, cls: 'num' });
    add(section, table(node.children.length ? T.tableCaption(nameOf(node)) : T.tableCaptionLeaf(nameOf(node)), [
      { label: T.code }, { label: T.name }, unitHead(T.amount), ...(split ? [unitHead(T.basic), unitHead(T.project)] : []),
      { label: T.shareParent, cls: 'num' }, { label: T.shareTotal, cls: 'num' }, { label: T.source, cls: 'source' },
    ], rows, { class: 'lines', id: 'lines' }));
    return section;
  }

  // What the chart and the table show: the current node's children, or the node itself for a
  // leaf.
  function regions() {
    const node = current();
    return node.children.length ? node.children : [node];
  }

  // The regions in the order the treemap draws them (largest first), for the arrow keys.
  function chartOrder() {
    return regions().map((n, i) => ({ n, i, v: Number(n.amount) || 0 }))
      .sort((a, b) => b.v - a.v || a.i - b.i).map((x) => x.n);
  }

  function rowKey(e, n) {
    const row = e.currentTarget;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      drill(n.code, 'table');
    } else if (e.key === 'Escape' || e.key === 'Backspace') {
      e.preventDefault();
      up('table');
    } else if (e.key === 'ArrowDown' && row.nextElementSibling) {
      e.preventDefault();
      row.nextElementSibling.focus();
    } else if (e.key === 'ArrowUp' && row.previousElementSibling) {
      e.preventDefault();
      row.previousElementSibling.focus();
    }
  }

  function chartKey(e) {
    const kids = chartOrder();
    const i = Math.max(0, kids.findIndex((k) => k.code === chartFocus));
    let next = null;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = kids[(i + 1) % kids.length];
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = kids[(i - 1 + kids.length) % kids.length];
    else if (e.key === 'Home') next = kids[0];
    else if (e.key === 'End') next = kids[kids.length - 1];
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      if (kids[i]) drill(kids[i].code, 'chart');
      return;
    } else if (e.key === 'Escape' || e.key === 'Backspace') {
      e.preventDefault();
      up('chart');
      return;
    } else return;
    e.preventDefault();
    chartFocus = next.code;
    showChartFocus(true);
  }

  // The keyboard's region: outlined in the chart and announced.
  function showChartFocus(on) {
    if (!tree || !chart) return;
    const n = tree.byCode.get(chartFocus);
    const text = on && n ? `${T.focused}: ${describe(n)}` : '';
    const out = $('chart-focus');
    if (out) out.textContent = text;
    chart.setOption({ series: [{ data: seriesData(on ? chartFocus : '') }] });
  }

  function describe(n) {
    const parent = parentOf(n);
    return `${n.code} ${nameOf(n)} ${fmt(n.amount == null ? T.notStated : n.amount)} ${viewUnit}` +
      (parent ? `, ${T.shareParent} ${share(n.amount, parent.amount)}` : '') +
      `, ${T.shareTotal} ${share(n.amount, tree.root.amount)}`;
  }

  function seriesData(focusCode) {
    const item = (n) => ({
      name: nameOf(n),
      value: n.amount == null ? 0 : Number(n.amount), // area only; labels show the string
      code: n.code,
      amount: n.amount,
      children: n.children.length ? n.children.map(item) : undefined,
      itemStyle: n.code === focusCode ? { borderColor: '#111', borderWidth: 4 } : undefined,
    });
    return regions().map(item);
  }

  function drawTree() {
    if (!tree) return;
    const fresh = !chart;
    if (fresh) {
      chart = window.echarts.init(chartBox, null, { renderer: 'canvas' });
      chart.on('click', (p) => { if (p.data && p.data.code) drill(p.data.code, ''); });
      new ResizeObserver(() => { if (chartBox.isConnected) chart.resize(); }).observe(chartBox);
    } else {
      chart.resize();
    }
    const font = window.getComputedStyle(document.body).fontFamily;
    chart.setOption({
      // Dark enough for white labels (WCAG AA at 12 px on the top-level colours).
      color: ['#3558c4', '#2e7d32', '#8e3b9c', '#b3541e', '#00707a', '#7a6300', '#b0245b', '#4a5a6a'],
      textStyle: { fontFamily: font },
      tooltip: {
        confine: true,
        formatter: (p) => {
          const n = p.data && tree.byCode.get(p.data.code);
          if (!n) return '';
          const path = pathTo(n.code).map((x) => escapeHtml(nameOf(x))).join(' › ');
          const parent = parentOf(n);
          return `${path}<br><strong>${escapeHtml(fmt(n.amount == null ? T.notStated : n.amount))} ${escapeHtml(viewUnit)}</strong>` +
            `<br>${escapeHtml(T.shareParent)}: ${share(n.amount, parent && parent.amount)}` +
            `<br>${escapeHtml(T.shareTotal)}: ${share(n.amount, tree.root.amount)}` +
            `<br>${escapeHtml(T.source)}: ${escapeHtml(citation(n))}`;
        },
      },
      series: [{
        type: 'treemap',
        left: 0, right: 0, top: 0, bottom: 0,
        roam: false,
        nodeClick: false, // drilling is ours: it goes through the URL
        breadcrumb: { show: false },
        // Largest first (ECharts' default sort), the order of the arrow keys (chartOrder).
        animationDurationUpdate: 300,
        label: { formatter: (p) => `${p.name}\n${p.data.amount == null ? T.notStated : fmt(p.data.amount)}`, overflow: 'truncate', lineHeight: 16 },
        upperLabel: { show: true, height: 22, color: '#fff', overflow: 'truncate',
          formatter: (p) => `${p.name}  ${p.data.amount == null ? T.notStated : fmt(p.data.amount)}` },
        emphasis: { upperLabel: { show: true }, itemStyle: { borderColor: '#f0a500' } },
        levels: [
          // levels[0] is the (hidden) root; then the regions drawn, and their sub-regions.
          { itemStyle: { borderWidth: 0, gapWidth: 4 }, upperLabel: { show: false } },
          { itemStyle: { borderWidth: 2, gapWidth: 1, borderColorSaturation: 0.55 } },
          { colorAlpha: [0.65, 0.9], itemStyle: { borderWidth: 2, gapWidth: 1, borderColorSaturation: 0.45 } },
          { colorAlpha: [0.5, 0.75], itemStyle: { borderWidth: 1, gapWidth: 1 } },
        ],
        data: seriesData(''),
      }],
    }, { replaceMerge: ['series'] });
    restoreFocus();
  }

  function restoreFocus() {
    const focus = pendingFocus;
    pendingFocus = '';
    const button = document.querySelector('.crumbs button.up:not([disabled])');
    const row = document.querySelector('#lines tbody tr');
    if (focus === 'chart' && chartBox) chartBox.focus();
    else if (focus === 'table' && row) row.focus();
    else if (focus === 'up') (button || row || chartBox).focus();
  }

  // ── Year over year ─────────────────────────────────────────────────────────────────────────

  function yearOverYearView(budget) {
    const base = state.year - 1;
    const section = h('section', { class: 'view yoy', 'data-view': 'yoy' },
      h('h2', null, T.views.yoy), h('p', null, T.yoyIntro(state.year, base)));
    const hasChange = (f) => ['base', 'difference', 'percent', 'statedPercent'].some((k) => f.change[k] != null);
    const compared = budget.headlines.filter(hasChange);
    const uncompared = budget.headlines.filter((f) => !hasChange(f));
    if (![...budget.headlines, ...budget.projects, ...budget.threePublicExpenses].some(hasChange)) {
      add(section, h('p', { class: 'status' }, T.yoyNoBase(base)));
    }
    const head = [
      { label: T.item }, { label: T.unit },
      { label: String(base), cls: 'num' }, { label: String(state.year), cls: 'num' },
      { label: T.difference, cls: 'num' }, { label: T.percent, cls: 'num' }, { label: T.statedPercent, cls: 'num' },
      { label: T.source, cls: 'source' },
    ];
    const row = (f, unit, extra, depth) => {
      const c = f.change;
      const computed = c.percent == null && c.base === '0'
        ? h('span', { class: 'null' }, T.notComputable) : percent(c.percent);
      return h('tr', { 'data-key': f.key, class: depth ? `depth-${depth}` : null },
        h('th', { scope: 'row', title: otherNameOf(f) }, nameOf(f), extra),
        h('td', null, unit),
        h('td', { class: 'num base' }, amount(c.base)),
        h('td', { class: 'num current' }, amount(f.amount)),
        h('td', { class: 'num difference' }, amount(c.difference)),
        h('td', { class: 'num percent' }, computed),
        h('td', { class: 'num stated' }, percent(c.statedPercent)),
        h('td', { class: 'source' }, citation(f)));
    };
    const depthOf = (item, all) => {
      let d = 0;
      for (let p = item.parentKey; p; p = (all.find((x) => x.key === p) || {}).parentKey) d += 1;
      return d;
    };
    add(section,
      h('h3', null, T.projects),
      table(null, head, budget.projects.map((p) => row(p, budget.unit,
        p.subprojects.length ? h('ul', { class: 'sub' }, p.subprojects.map((s) => h('li', null,
          `${T.subprojects}: ${nameOf(s)} `, h('span', { class: 'num' }, amount(s.amount))))) : null)),
      { class: 'yoy', id: 'yoy-projects' }),
      h('h3', null, T.threePublic),
      table(null, head, budget.threePublicExpenses.map((t) => row(t, budget.unit, null, depthOf(t, budget.threePublicExpenses))),
        { class: 'yoy', id: 'yoy-three-public' }),
      h('h3', null, T.headlines),
      table(null, head, compared.map((f) => row(f, f.unit, null)), { class: 'yoy', id: 'yoy-headlines' }),
      // Figures the base year does not state: listed too, folded away.
      uncompared.length ? h('details', { class: 'uncompared' },
        h('summary', null, T.uncompared(uncompared.length, base)),
        table(null, head, uncompared.map((f) => row(f, f.unit, null)), { class: 'yoy', id: 'yoy-headlines-other' })) : null);
    return section;
  }

  // ── Consistency checks ────────────────────────────────────────────────────────────────────

  function checksView(budget) {
    const section = h('section', { class: 'view checks', 'data-view': 'checks' },
      h('h2', null, T.views.checks), h('p', null, T.checksIntro));
    const count = (s) => budget.checks.filter((c) => c.status === s).length;
    add(section, h('ul', { class: 'filters', 'aria-label': T.status },
      h('li', null, stateLink({ status: '' }, { 'aria-current': state.status ? null : 'true' }, `${T.checksAll} (${budget.checks.length})`)),
      STATUSES.map((s) => h('li', null,
        stateLink({ status: s }, { 'aria-current': state.status === s ? 'true' : null, class: `status-${s}` }, `${s} (${count(s)})`)))));
    const shown = budget.checks
      .filter((c) => !state.status || c.status === state.status)
      .sort((a, b) => STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status));
    if (state.lang === 'en') add(section, h('p', { class: 'note' }, T.checkNamesNote));
    add(section, table(null, [
      { label: T.status }, { label: T.check },
      { label: T.expected, cls: 'num' }, { label: T.actual, cls: 'num' }, { label: T.difference, cls: 'num' },
    ], shown.map((c) => h('tr', { 'data-key': c.key, class: `status-${c.status}` },
      h('td', null, h('span', { class: `badge status-${c.status}` }, c.status)),
      h('th', { scope: 'row' }, c.name, h('br'), h('small', { class: 'key' }, c.key)),
      h('td', { class: 'num' }, fmt(c.expected)),
      h('td', { class: 'num' }, fmt(c.actual)),
      h('td', { class: 'num' }, fmt(c.difference)))), { class: 'checks', id: 'checks' }));
    add(section, h('h3', null, T.tablesTitle), h('ul', { class: 'tables' }, budget.tables.map((t) =>
      h('li', { 'data-key': t.key }, t.citation, t.isEmpty ? h('small', null, ` — ${T.tableEmpty}`) : null))));
    return section;
  }

  // ── Start ─────────────────────────────────────────────────────────────────────────────────

  const documentReady = new Promise((resolve) => {
    if (document.readyState === 'complete') resolve();
    else window.addEventListener('DOMContentLoaded', () => resolve(), { once: true });
  });

  window.addEventListener('popstate', () => render());
  render();
}());
