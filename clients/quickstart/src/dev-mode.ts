// Apollo Client 4 runs its development checks (the cache's "Cache data may be lost when
// replacing …" warning among them) only when `__DEV__` is true. Bundlers set it through the
// "development" export condition; plain `node` does not, so turn it on here. This module must
// be imported before anything from @apollo/client: ES modules evaluate in import order.
(globalThis as { __DEV__?: boolean }).__DEV__ = true;

export {};
