// The signed-in session in the portal: who is signed in (GET /me), and the idle clock.
//
// The clock follows the server: GET /auth/session (which does not extend the session)
// says when the warning starts, when the session ends, and when it ends however active
// it is (12 hours). What the user does resets it: every authenticated request but
// background ones, counted from when it was sent, as the server counts it. At the
// warning time the portal asks the server again (another tab may have been busy) and
// only then shows the warning; at the end the session is over, also when the server
// cannot be reached, and the login page says why. Tabs that share a session (a tab
// opened from another) tell each other of activity and of a logout.
import { getToken, hooks, setToken } from './api'
import * as endpoints from './endpoints'
import { setLanguage } from './i18n'
import { navigate } from './router'
import { store } from './store'
import type { Me, SessionState } from './types'

export const account = store<Me | null>(null)
/** While the idle warning is up: when the session ends (ms since the epoch, local). */
export const idleWarning = store<number | null>(null)

export type EndReason = 'logout' | 'idle' | 'expired' | 'elsewhere'
const NOTICES: Record<EndReason, string> = {
  logout: 'logged_out', idle: 'session_idle', expired: 'session_ended', elsewhere: 'logged_out',
}
const KEY = 'kluis.session-key'
const RETRY_OFFLINE_MS = 15_000

let timer: number | undefined
let lengths = { idle: 600, warning: 120 }
let expiresAt: number | null = null // local clock
let maxExpiresAt: number | null = null
let ending = false
const channel = 'BroadcastChannel' in window ? new BroadcastChannel('kluis-session') : null
/** Tabs of one session share its key (sessionStorage is copied to a tab opened from
 * another); the token itself never goes over the channel. */
const sessionKey = () => sessionStorage.getItem(KEY)

export function signedIn(): boolean {
  return Boolean(getToken())
}

/** After a login or activation: keep the token, learn who this is, start the clock. */
export async function begin(token: string): Promise<Me> {
  setToken(token)
  sessionStorage.setItem(KEY, crypto.randomUUID())
  ending = false
  const who = await loadAccount()
  await checkClock()
  return who
}

export async function loadAccount(): Promise<Me> {
  const who = await endpoints.me()
  account.set(who)
  setLanguage(who.language)
  return who
}

/** Ends the session in the portal (and on the server when the user logs out). */
export async function end(reason: EndReason) {
  if (ending) return
  ending = true
  window.clearTimeout(timer)
  idleWarning.set(null)
  if (reason === 'logout' && getToken()) {
    channel?.postMessage({ key: sessionKey(), type: 'ended' })
    try {
      await endpoints.logout()
    } catch {
      // the token is dropped here either way
    }
  }
  hooks.ending(reason)
  setToken(null)
  sessionStorage.removeItem(KEY)
  account.set(null)
  expiresAt = maxExpiresAt = null
  // After an end the user did not choose, signing in again comes back to this page.
  const here = location.pathname + location.search
  const next = reason === 'idle' || reason === 'expired' ? `?next=${encodeURIComponent(here)}` : ''
  navigate(`/login${next}`, { replace: true, notice: NOTICES[reason] })
}

function schedule(at: number, then: () => void) {
  window.clearTimeout(timer)
  timer = window.setTimeout(then, Math.max(0, at - Date.now()))
}

/** Reads the server's clock in this browser's time (corrected by the server's `now`:
 * a phone's clock may be minutes off). -> the local warning time. */
function learn(state: SessionState): number {
  const skew = state.now ? Date.now() - Date.parse(state.now) : 0
  lengths = { idle: state.idle_timeout_s, warning: state.warning_s }
  expiresAt = Date.parse(state.expires_at) + skew
  maxExpiresAt = state.max_expires_at ? Date.parse(state.max_expires_at) + skew : null
  return Date.parse(state.warn_at) + skew
}

/** Asks the server where the clock stands and acts on it. */
export async function checkClock() {
  if (!getToken() || ending) return
  let state: SessionState
  try {
    state = await endpoints.sessionState()
  } catch (error) {
    if ((error as { status?: number }).status === 401) return // hooks.ended handles it
    // Offline: the session still ends when its time is up, here as on the server.
    if (expiresAt !== null && Date.now() >= expiresAt) void end('idle')
    else schedule(Math.min(Date.now() + RETRY_OFFLINE_MS, expiresAt ?? Infinity), checkClock)
    return
  }
  const warnAt = learn(state)
  if (Date.now() >= expiresAt!) {
    void end('idle')
  } else if (Date.now() >= warnAt) {
    idleWarning.set(expiresAt)
    schedule(expiresAt!, checkClock)
  } else {
    idleWarning.set(null)
    schedule(warnAt, checkClock)
  }
}

/** The user did something at `startedAt` (the server reset its clock then): move the
 * local clock along, never past the session's 12-hour end. */
function touched(startedAt: number, tell = true) {
  if (ending) return
  if (idleWarning.get() !== null) idleWarning.set(null)
  expiresAt = Math.min(startedAt + lengths.idle * 1000, maxExpiresAt ?? Infinity)
  schedule(expiresAt - lengths.warning * 1000, checkClock)
  if (tell) channel?.postMessage({ key: sessionKey(), type: 'activity', at: startedAt })
}

export async function extend() {
  await endpoints.extendSession()
  await checkClock()
}

hooks.activity = (startedAt: number) => touched(startedAt)
hooks.ended = (code: string) => {
  if (code === 'session_expired') void end('idle')
  else if (code === 'unauthenticated') void end('expired')
}

channel?.addEventListener('message', (event: MessageEvent) => {
  if (!event.data || event.data.key !== sessionKey() || !getToken()) return
  if (event.data.type === 'activity') touched(Number(event.data.at), false)
  if (event.data.type === 'ended') void end('elsewhere')
})

// A tab that comes back into view (a laptop opened again) looks at the clock at once.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && getToken() && !ending) void checkClock()
})
