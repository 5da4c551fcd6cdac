// What every page shares: skip link, header with the navigation of the signed-in area,
// the look-along banner, the footer with the portal's version, the idle warning.
import type { ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { ApiError } from './api'
import { Alert, Button, Dialog } from './components'
import * as endpoints from './endpoints'
import { minutesSeconds } from './format'
import { setLanguage, useT, type MessageKey } from './i18n'
import { Link, useLocation } from './router'
import { account, end, extend, idleWarning } from './session'
import { store, useStore } from './store'

export interface NavItem {
  href: string
  label: MessageKey
  count?: number
}

/** The number of open actions in the navigation, refreshed in the background (such
 * reads do not keep the session alive). */
export const openActions = store<number | null>(null)
const REFRESH_MS = 60_000

export function refreshCounts(background = true) {
  endpoints.home(background).then((home) => openActions.set(home.actions), () => {})
}

function Navigation({ items }: { items: NavItem[] }) {
  const tt = useT()
  const { path } = useLocation()
  const actions = useStore(openActions)
  return (
    <nav class="kluis-nav" aria-label={tt('nav.label')}>
      <ul class="kluis-nav__list">
        {items.map((item) => {
          const current = item.href === '/' ? path === '/' : path.startsWith(item.href)
          const count = item.href === '/actions' ? actions : null
          return (
            <li key={item.href} class="kluis-nav__item">
              <Link href={item.href} class="kluis-nav__link" aria-current={current ? 'page' : undefined}>
                {tt(item.label)}
                {count ? <span class="kluis-badge kluis-badge--nav">{count}<span class="kluis-visually-hidden"> {tt('nav.open')}</span></span> : null}
              </Link>
            </li>
          )
        })}
        <li class="kluis-nav__item"><Link href="/logout" class="kluis-nav__link">{tt('nav.logout')}</Link></li>
      </ul>
    </nav>
  )
}

function LanguageSwitch() {
  const tt = useT()
  const other = tt('language.other_code') as 'nl' | 'en'
  return (
    <button type="button" class="kluis-language utrecht-button utrecht-button--subtle"
      lang={other} onClick={() => setLanguage(other)}>
      {tt('language.switch')}
    </button>
  )
}

function LookAlongBanner() {
  const tt = useT()
  const who = useStore(account)
  if (!who?.look_along) return null
  return (
    <div class="kluis-banner" role="note" aria-label={tt('look_along.label')}>
      <strong>{tt('look_along.title', { office: who.look_along.office_name })}</strong>{' '}
      {tt('look_along.text')}
    </div>
  )
}

function IdleDialog() {
  const tt = useT()
  const endsAt = useStore(idleWarning)
  const [now, setNow] = useState(Date.now())
  const [busy, setBusy] = useState(false)
  const [failed, setFailed] = useState<string | null>(null)
  useEffect(() => {
    setFailed(null)
    if (endsAt === null) return
    setNow(Date.now())
    const tick = window.setInterval(() => setNow(Date.now()), 1000)
    return () => window.clearInterval(tick)
  }, [endsAt])
  async function onExtend() {
    setBusy(true)
    try {
      await extend()
    } catch (error) {
      // A lost session ends through the API's 401; a lost connection says so here.
      setFailed(error instanceof ApiError ? error.message : tt('error.unexpected'))
    } finally {
      setBusy(false)
    }
  }
  const left = endsAt === null ? 0 : (endsAt - now) / 1000
  return (
    <Dialog open={endsAt !== null} title={tt('idle.title')} alert describedBy="idle-text"
      onClose={onExtend}>
      <p class="utrecht-paragraph" id="idle-text">
        {tt('idle.text', { time: minutesSeconds(left) })}
      </p>
      {failed && <Alert type="error" role="alert"><p class="utrecht-paragraph">{failed}</p></Alert>}
      <div class="kluis-button-group">
        <Button variant="primary" busy={busy} onClick={onExtend} autoFocus>{tt('idle.extend')}</Button>
        <Button onClick={() => end('logout')}>{tt('nav.logout')}</Button>
      </div>
    </Dialog>
  )
}

/** The footer's words for who is signed in (before sign-in: a client's, most visitors). */
const FOOTER = { client: 'app.footer', staff: 'app.footer_office', admin: 'app.footer_admin' } as const

/** `brand`: beside the logo (the office portal's active office); `tools`: before the
 * navigation (its profile menu). */
export function Shell({ nav, brand, tools, children }: {
  nav?: NavItem[], brand?: ComponentChildren, tools?: ComponentChildren, children: ComponentChildren
}) {
  const tt = useT()
  const who = useStore(account)
  const counting = Boolean(nav) && who?.kind === 'client' // open actions are a client's
  useEffect(() => {
    if (!counting) return
    refreshCounts(false)
    const timer = window.setInterval(() => refreshCounts(true), REFRESH_MS)
    return () => window.clearInterval(timer)
  }, [counting])
  return (
    <div class="kluis-page">
      <a class="kluis-skip-link" href="#main">{tt('nav.skip')}</a>
      <LookAlongBanner />
      <header class="kluis-header">
        <div class="kluis-header__inner">
          <div class="kluis-header__brand">
            <Link href="/" class="kluis-logo">
              <img src="/favicon.svg" alt="" width={28} height={28} /> <span>Kluis</span>
            </Link>
            {who && brand}
          </div>
          {who && tools}
          {nav && who ? <Navigation items={nav} /> : <LanguageSwitch />}
        </div>
      </header>
      <main id="main" class="kluis-main" tabIndex={-1}>{children}</main>
      <footer class="kluis-footer">
        <p class="utrecht-paragraph">{tt(FOOTER[who?.kind ?? 'client'], { version: __PORTAL_VERSION__ })}</p>
      </footer>
      {who && <IdleDialog />}
    </div>
  )
}
