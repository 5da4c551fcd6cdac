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
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/app-sw.js', { scope: '/app' }).catch(() => {
      // without it the app works the same, online
    })
  }
}
