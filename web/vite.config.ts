// The portal: TypeScript + Preact, built by Vite (no Babel: oxc compiles the JSX).
import { execSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { defineConfig } from 'vite'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))

function commit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString().trim()
  } catch {
    return ''
  }
}

const version = commit() ? `${pkg.version}+${commit()}` : pkg.version

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  define: { __PORTAL_VERSION__: JSON.stringify(version) },
  build: {
    target: 'es2022',
    // Nothing inline: the Content-Security-Policy allows files of this origin only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // Two pages: the portal, and the API reference that the gateway serves at /api/v1/docs
    // (Swagger UI whole: 1.5 MB, 430 kB gzip, loaded by that page only).
    rollupOptions: { input: { index: 'index.html', reference: 'api-docs.html' } },
    chunkSizeWarningLimit: 1600,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
})
