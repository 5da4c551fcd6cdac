// Client-side routes over the History API: the gateway answers index.html for every
// path outside /api, and this picks the page.
import type { AnchorHTMLAttributes, ComponentChildren } from 'preact'
import { store, useStore } from './store'

export interface Location {
  path: string
  query: URLSearchParams
  /** What the page that sent us here wants the next page to say (e.g. "sent"). */
  notice: string | null
}

function read(): Location {
  const notice = (history.state as { notice?: string } | null)?.notice ?? null
  return { path: location.pathname, query: new URLSearchParams(location.search), notice }
}

export const currentLocation = store<Location>(read())

window.addEventListener('popstate', () => currentLocation.set(read()))

export function navigate(to: string, options: { replace?: boolean, notice?: string } = {}) {
  const state = options.notice ? { notice: options.notice } : null
  if (options.replace) history.replaceState(state, '', to)
  else history.pushState(state, '', to)
  currentLocation.set(read())
}

/** Replaces the address without a new page: a token read from a link is taken out of
 * the address bar (and history) at once. */
export function replaceAddress(to: string) {
  history.replaceState(history.state, '', to)
}

export function useLocation(): Location {
  return useStore(currentLocation)
}

/** `/dossiers/:id` against `/dossiers/42` -> {id: "42"}; null when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean)
  const got = path.split('/').filter(Boolean)
  if (want.length !== got.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i])
    else if (want[i] !== got[i]) return null
  }
  return params
}

type AnchorProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string, children: ComponentChildren }

/** A link inside the portal: a real <a href> that navigates without reloading. */
export function Link({ href, children, ...rest }: AnchorProps) {
  function onClick(event: MouseEvent) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) return
    event.preventDefault()
    navigate(href)
  }
  return <a href={href} onClick={onClick} {...rest}>{children}</a>
}
