// Typed Apollo Client 4 against the budget API: runs every query in ../../examples with a
// zero-configuration InMemoryCache and checks that each one stays complete in the cache.
//
//   node dist/run.js http://127.0.0.1:8000/graphql
//
// Exit 0: every query ran, every query run so far could be read back complete from the cache
// after each step, and Apollo printed no warning or error. Exit 1 otherwise, saying why.
import './dev-mode.js';

import assert from 'node:assert/strict';
import { format } from 'node:util';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import type { OperationVariables, TypedDocumentNode } from '@apollo/client';
import { loadDevMessages, loadErrorMessages } from '@apollo/client/dev';
import { __DEV__ } from '@apollo/client/utilities/environment';
import { tap } from 'rxjs';

import {
  AccountabilityDocument,
  CatalogueDocument,
  CofogDocument,
  EconomicTreeDocument,
  FunctionalTreeDocument,
  HistoryDocument,
  NodeDocument,
  PrintedTableDocument,
  RevenueDocument,
  SpendingByFunctionDocument,
  TopDepartmentsDocument,
  YearOverYearDocument,
} from './gql/graphql.js';
import type { FunctionalTreeQuery } from './gql/graphql.js';

// --- Compile-time proof that codegen maps the Decimal scalar to string. -------------------
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type FunctionalBudget = NonNullable<NonNullable<FunctionalTreeQuery['department']>['budget']>;
const decimalIsString: Equals<FunctionalBudget['expenditureTotal'], string | null> = true;
void decimalIsString;

// --- Capture every console.warn / console.error (Apollo reports cache problems there). ----
const warnings: string[] = [];
for (const level of ['warn', 'error'] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    warnings.push(`console.${level}: ${format(...args)}`);
    original(...args);
  };
}

const failures: string[] = [];
function fail(message: string): void {
  failures.push(message);
  console.log(`  FAIL ${message}`);
}

// --- The client: one ApolloClient, a default InMemoryCache, no typePolicies. --------------
const url = process.argv[2];
if (!url) {
  console.log('usage: node dist/run.js <URL of the /graphql endpoint>');
  process.exit(2);
}

// Full message text instead of "go.apollo.dev/c/err#…" links.
loadDevMessages();
loadErrorMessages();
if (!__DEV__) {
  console.log('FAIL: Apollo Client is not in development mode, its cache warnings would be silent');
  process.exit(1);
}

// Records the raw response of each operation as it came off the network, before the cache.
const networkData = new Map<string, unknown>();
const recordResponses = new ApolloLink((operation, forward) =>
  forward(operation).pipe(
    tap((result) => {
      networkData.set(operation.operationName ?? '', result.data);
    }),
  ),
);

const client = new ApolloClient({
  link: ApolloLink.from([recordResponses, new HttpLink({ uri: url })]),
  cache: new InMemoryCache(),
});

// --- Run the examples. -----------------------------------------------------------------------
interface Ran {
  name: string;
  query: TypedDocumentNode<unknown, OperationVariables>;
  variables: OperationVariables;
  network: unknown;
}
const ran: Ran[] = [];

async function run<TData, TVariables extends OperationVariables>(
  name: string,
  query: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<TData> {
  const { data } = await client.query<TData, TVariables>({
    query,
    variables,
    fetchPolicy: 'network-only',
  } as ApolloClient.QueryOptions<TData, TVariables>);
  const network = networkData.get(name);
  assert.ok(network !== undefined, `${name}: no response recorded from the network`);
  ran.push({ name, query: query as TypedDocumentNode<unknown, OperationVariables>, variables, network });
  const before = failures.length;
  checkCache(name);
  console.log(failures.length === before ? `  ok   ${name}` : `  ran  ${name}, then the cache check failed`);
  return data as TData;
}

// Every query run so far must still be readable, complete, from the cache.
function checkCache(after: string): void {
  for (const r of ran) {
    const cached = client.readQuery({ query: r.query, variables: r.variables, returnPartialData: false });
    if (cached === null) {
      const diff = client.cache.diff({
        query: r.query,
        variables: r.variables,
        returnPartialData: true,
        optimistic: false,
      });
      const missing = diff.missing ? flattenMissing(diff.missing.missing, r.name).join('; ') : '(no detail)';
      fail(`after ${after}: ${r.name} is incomplete in the cache; missing ${missing}`);
      continue;
    }
    try {
      assert.deepStrictEqual(JSON.parse(JSON.stringify(cached)), JSON.parse(JSON.stringify(r.network)));
    } catch {
      const paths = differences(cached, r.network, r.name).slice(0, 10);
      fail(`after ${after}: ${r.name} reads back from the cache different from the network at ${paths.join(', ')}`);
    }
  }
}

// Apollo's MissingTree ({ department: { budget: { lines: "Can't find field 'lines' on …" } } })
// as "Name.department.budget.lines (Can't find field 'lines' on Budget:… object)".
function flattenMissing(tree: unknown, path: string): string[] {
  if (typeof tree === 'string') {
    const firstLine = tree.split('\n')[0] ?? tree;
    return [`${path} (${firstLine.replace(/ on object \{$/, ' on an unnormalised object')})`];
  }
  if (typeof tree !== 'object' || tree === null) return [path];
  return Object.entries(tree).flatMap(([k, v]) => flattenMissing(v, `${path}.${k}`));
}

function differences(a: unknown, b: unknown, path: string): string[] {
  if (a === b) return [];
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return [path];
  if (Array.isArray(a) !== Array.isArray(b)) return [path];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const out: string[] = [];
  for (const k of keys) {
    out.push(...differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return out;
}

async function main(): Promise<void> {
  console.log(`apollo: running examples against ${url}`);

  const catalogue = await run('Catalogue', CatalogueDocument, {});
  assert.ok(catalogue.departments.totalCount >= 1, 'Catalogue: no departments');
  const first = catalogue.departments.edges[0]?.node;
  assert.ok(first, 'Catalogue: no department in the first page');

  const functional = await run('FunctionalTree', FunctionalTreeDocument, {});
  const budget = functional.department?.budget;
  assert.ok(budget, 'FunctionalTree: no 2023 budget for pingshan-gsdmb');
  // Decimal is a string: exact, never a float.
  const expenditure: string | null = budget.expenditureTotal;
  assert.equal(expenditure, '29760', 'FunctionalTree: expenditureTotal');
  assert.equal(budget.revenueTotal, '29760', 'FunctionalTree: revenueTotal');
  assert.equal(budget.unit, '万元', 'FunctionalTree: unit');
  assert.ok(budget.lines.length > 0, 'FunctionalTree: no lines');

  await run('EconomicTree', EconomicTreeDocument, {});
  await run('Revenue', RevenueDocument, {});
  await run('YearOverYear', YearOverYearDocument, {});

  const history = await run('History', HistoryDocument, {});
  const years = history.department?.budgets.map((b) => b.fiscalYear.year) ?? [];
  assert.ok(years.includes(2023), `History: no 2023 budget (years: ${years.join(', ')})`);

  const node = await run('Node', NodeDocument, { id: first.id });
  assert.ok(node.node, `Node: node(id: ${first.id}) is null`);
  assert.equal(node.node.id, first.id, 'Node: id');
  assert.ok('code' in node.node && node.node.code === first.code, 'Node: not the Catalogue department');

  await run('Accountability', AccountabilityDocument, {});

  // The variables of examples/PrintedTable.variables.json.
  const printed = await run('PrintedTable', PrintedTableDocument, { number: 5 });
  assert.equal(printed.department?.budget?.table?.tableNumber, 5, 'PrintedTable: table 5');

  // Aggregates across departments (Decimal fields are strings, as codegen maps them).
  const byFunction = await run('SpendingByFunction', SpendingByFunctionDocument, {});
  const amount: string | null | undefined = byFunction.aggregate.total.amount;
  assert.equal(typeof amount, 'string', 'SpendingByFunction: total amount is a Decimal string');
  // The variables of examples/TopDepartments.variables.json.
  const top = await run('TopDepartments', TopDepartmentsDocument, { code: '201' });
  assert.ok(top.aggregate.cells.nodes.length > 0, 'TopDepartments: no department');
  await run('Cofog', CofogDocument, {});
}

try {
  await main();
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}

const ok = failures.length === 0 && warnings.length === 0;
console.log(
  `apollo: ${ran.length} queries, ${
    failures.length === 0 ? 'all complete in the cache' : `${failures.length} failure(s)`
  }, ${warnings.length} warnings`,
);
if (!ok) {
  // Full text was printed as it happened; repeat the headline of each here.
  for (const w of warnings) console.log(`  WARNING ${w.split('\n')[0]}`);
  console.log('apollo: FAILED');
}
process.exit(ok ? 0 : 1);
