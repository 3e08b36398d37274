// GraphiQL set-up for the open budget data API playground (loaded by index.html after the
// vendored React, ReactDOM and GraphiQL UMD builds, which define those three globals).
(function () {
  'use strict';

  // The canonical queries, injected by the server into <script id="examples">:
  // [{ "name": "FunctionalTree", "query": "query FunctionalTree { … }", "variables": null | "<JSON text>" }]
  var examples = [];
  try {
    var block = document.getElementById('examples');
    var parsed = block ? JSON.parse(block.textContent) : [];
    if (Array.isArray(parsed)) {
      examples = parsed.filter(function (e) { return e && typeof e.query === 'string'; });
    }
  } catch (err) {
    console.warn('playground: no usable examples block', err);
  }

  // GraphiQL restores tabs (and the last query) from localStorage and then ignores defaultTabs;
  // drop them so every visit opens the examples, the first one active. History, favourites and
  // theme are kept.
  try {
    ['tabState', 'query', 'variables', 'headers'].forEach(function (key) {
      window.localStorage.removeItem('graphiql:' + key);
    });
  } catch (err) { /* storage disabled: nothing to clear */ }

  var body = document.body.style;
  body.margin = '0';
  body.height = '100vh';
  body.overflow = 'hidden';
  var root = document.getElementById('graphiql');
  root.style.height = '100vh';
  root.textContent = '';

  var props = {
    // The page is served at the GraphQL endpoint itself (also behind a path prefix).
    fetcher: GraphiQL.createFetcher({ url: window.location.pathname }),
    defaultEditorToolsVisibility: true
  };
  if (examples.length > 0) {
    props.defaultTabs = examples.map(function (e) {
      return { query: e.query, variables: typeof e.variables === 'string' ? e.variables : null };
    });
  }

  // A link may carry a query to open: #query=<urlencoded>&variables=<urlencoded JSON> (the
  // budget explorer's "open in the playground"). It becomes the first tab, the active one. A
  // hash, not a query string: GET /graphql?query=… is a GraphQL request, not this page.
  var linked = null;
  try {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
    if (params.get('query')) {
      linked = { query: params.get('query'), variables: params.get('variables') || null };
    }
  } catch (err) {
    console.warn('playground: unreadable #query link', err);
  }
  if (linked) {
    props.defaultTabs = [linked].concat(props.defaultTabs || []);
    // GraphiQL fills the variables editor of the first tab from this prop, not from defaultTabs.
    if (linked.variables !== null) props.variables = linked.variables;
  }

  ReactDOM.createRoot(root).render(
    // A logo without GraphiQL's default link to github.com: no external URL in the page.
    React.createElement(GraphiQL, props, React.createElement(GraphiQL.Logo, null, 'Open budget data API'))
  );
})();
