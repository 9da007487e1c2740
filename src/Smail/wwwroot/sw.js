// @ts-check
/// <reference lib="webworker" />

/**
 * Smail's service worker: it keeps the page's shell (its HTML, scripts, styles and icons) so the page opens
 * without a network and can say it is offline. It never keeps an API answer: conversations, answers and health
 * always come from the server, so nothing stale or private sits in a cache. Same-origin files are fetched from the
 * network first (a new Smail's files win at once) and the copy is the fallback. Which files make the shell is
 * what the page itself loaded: it sends the list after each load (`cache-shell`), so no list is kept twice.
 */
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));
const CACHE = 'smail-shell-v1';

/** Never cached: the API, the metrics, the sign-in callbacks. @param {URL} url */
const isShell = (url) => url.origin === sw.location.origin
  && !['/api/', '/metrics', '/signin-oidc', '/signout-callback-oidc'].some((prefix) => url.pathname.startsWith(prefix));

sw.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(['/', '/manifest.webmanifest', '/favicon.svg'])).then(() => sw.skipWaiting()));
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
    .then(() => sw.clients.claim()));
});

sw.addEventListener('message', (event) => {
  if (event.data?.type !== 'cache-shell' || !Array.isArray(event.data.urls)) return;
  const urls = event.data.urls.map((/** @type {string} */ u) => new URL(u, sw.location.origin)).filter(isShell).map((/** @type {URL} */ u) => u.href);
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(urls.map((url) => cache.add(url).catch(() => {})))));
});

sw.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || !isShell(url)) return; // the browser's own handling, untouched
  event.respondWith((async () => {
    try {
      const response = await fetch(event.request);
      if (response.ok && response.type === 'basic') {
        const copy = response.clone();
        event.waitUntil(caches.open(CACHE).then((cache) => cache.put(event.request, copy)));
      }
      return response;
    } catch (offline) {
      // Vary is ignored: the copy was fetched with other headers than this request (a navigation's Accept, say).
      const cached = await caches.match(event.request, { ignoreSearch: event.request.mode === 'navigate', ignoreVary: true })
        ?? (event.request.mode === 'navigate' ? await caches.match('/', { ignoreVary: true }) : undefined);
      if (cached) return cached;
      throw offline;
    }
  })());
});
