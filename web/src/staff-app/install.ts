// The staff app as an installable web app: its manifest, and a service worker that caches
// the app shell only (public/app-sw.js; never API answers or documents).
let installed = false

export function installApp() {
  if (installed) return
  installed = true
  if (!document.querySelector('link[rel="manifest"]')) {
    const link = document.createElement('link')
    link.rel = 'manifest'
    link.href = '/app.webmanifest'
    document.head.append(link)
  }
  // Ask the browser to keep this origin's storage (the device keys) under pressure.
  navigator.storage?.persist?.().catch(() => {})
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/app-sw.js', { scope: '/app' }).catch(() => {
      // without it the app works the same, online
    })
  }
}
