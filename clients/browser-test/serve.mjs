// Development server for the budget explorer, in front of a running API that does not serve the
// explorer's files (yet):
//
//   node serve.mjs <API base URL, e.g. http://127.0.0.1:8000/> [PORT]
//
// Serves the page at `/` and `/x/` (a path prefix, as behind a reverse proxy), the files of
// api/assets/explorer/ at `[/x]/explorer/<file>`, the working copy of
// api/assets/playground/playground.js, and proxies everything else (`/graphql`, the playground's
// other files) to the API with the prefix removed. The page gets the strict Content-Security-Policy
// the explorer is meant to work under (EXPLORER_CSP overrides it). Prints "serving explorer at
// http://127.0.0.1:PORT/".
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const assets = path.join(here, '../../api/assets/explorer');
const playgroundJs = path.join(here, '../../api/assets/playground/playground.js');
const [apiArg, portArg] = process.argv.slice(2);
if (!apiArg) {
  console.error('usage: node serve.mjs <API base URL> [PORT]');
  process.exit(2);
}
const api = new URL('/', apiArg);
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
  + "img-src 'self' data:; connect-src 'self'";
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

function sendFile(res, file, headers = {}) {
  fs.readFile(file, (err, body) => {
    if (err) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] || 'text/plain; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      ...headers,
    }).end(body);
  });
}

function proxy(req, res, pathAndQuery) {
  const headers = { ...req.headers, host: api.host };
  const upstream = http.request(new URL(pathAndQuery, api), { method: req.method, headers }, (up) => {
    res.writeHead(up.statusCode, up.headers);
    up.pipe(res);
  });
  upstream.on('error', (e) => res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${e.message}`));
  req.pipe(upstream);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const rest = url.pathname.startsWith('/x/') ? url.pathname.slice(2) : url.pathname;
  if (rest === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
    sendFile(res, path.join(assets, 'index.html'), { 'content-security-policy': process.env.EXPLORER_CSP || CSP });
  } else if (rest.startsWith('/explorer/') && /^[\w.-]+$/.test(rest.slice('/explorer/'.length))) {
    sendFile(res, path.join(assets, rest.slice('/explorer/'.length)));
  } else if (rest === '/playground/playground.js') {
    sendFile(res, playgroundJs);
  } else {
    proxy(req, res, rest + url.search);
  }
});
server.listen(Number(portArg || 0), '127.0.0.1', () => {
  console.log(`serving explorer at http://127.0.0.1:${server.address().port}/ (also under /x/), API ${api.href}`);
});
