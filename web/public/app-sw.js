// The staff app's service worker: it keeps the app shell (the page and its bundles) so
// the app opens without a network; it never keeps API answers or documents.
const CACHE = 'kluis-app-shell-v1'
const SHELL = '/app'

// At install the page and the bundles it names are kept together, so the app opens
// without a network from its first start (not only after a second visit).
async function keepShell() {
  const cache = await caches.open(CACHE)
  const response = await fetch(SHELL, { cache: 'no-cache' })
  if (!response.ok) throw new Error('the app shell did not load')
  const page = await response.clone().text()
  const bundles = [...new Set(page.match(/\/assets\/[A-Za-z0-9._-]+/g) || [])]
  await cache.addAll(bundles)
  await cache.put(SHELL, response)
}

self.addEventListener('install', (event) => {
  event.waitUntil(keepShell().then(() => self.skipWaiting()))
})

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
    .then(() => self.clients.claim()))
})

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url)
  if (event.request.method !== 'GET' || url.origin !== location.origin || url.pathname.startsWith('/api/')) {
    return // the network only: answers of the API are never cached
  }
  if (event.request.mode === 'navigate') {
    // The page: the network first (it may be newer), the kept shell when offline.
    event.respondWith(fetch(event.request).then((response) => {
      if (response.ok) caches.open(CACHE).then((cache) => cache.put(SHELL, response.clone()))
      return response
    }).catch(() => caches.match(SHELL)))
    return
  }
  if (url.pathname.startsWith('/assets/') || url.pathname.startsWith('/icons/')) {
    // Bundles are named by their content: once kept, always right.
    event.respondWith(caches.match(event.request).then((kept) => kept || fetch(event.request)
      .then((response) => {
        if (response.ok) caches.open(CACHE).then((cache) => cache.put(event.request, response.clone()))
        return response
      })))
  }
})
