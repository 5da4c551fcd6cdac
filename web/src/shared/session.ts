// The signed-in session in the portal: who is signed in (GET /me), and the idle clock.
//
// The clock follows the server: GET /auth/session (which does not extend the session)
// says when the warning starts and when the session ends. What the user does resets it
// (every request but background ones); at `warn_at` the portal asks the server again
// (another tab may have been busy) and only then shows the warning; at `expires_at`
// the session has ended and the portal says why on the login page.
import { getToken, hooks, setToken } from './api'
import * as endpoints from './endpoints'
import { setLanguage } from './i18n'
import { navigate } from './router'
import { store } from './store'
import type { Me, SessionState } from './types'

export const account = store<Me | null>(null)
/** While the idle warning is up: when the session ends (ms since the epoch, local). */
export const idleWarning = store<number | null>(null)

let timer: number | undefined
let sessionLengths = { idle: 600, warning: 120 }
let ending = false

export function signedIn(): boolean {
  return Boolean(getToken())
}

/** After a login or activation: keep the token, learn who this is, start the clock. */
export async function begin(token: string): Promise<Me> {
  setToken(token)
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

/** Ends the session in the portal (and on the server, unless it has ended there). */
export async function end(reason: 'logout' | 'idle' | 'expired') {
  if (ending) return
  ending = true
  window.clearTimeout(timer)
  idleWarning.set(null)
  if (reason === 'logout' && getToken()) {
    try {
      await endpoints.logout()
    } catch {
      // the token is dropped here either way
    }
  }
  setToken(null)
  account.set(null)
  navigate('/login', { replace: true, notice: reason === 'logout' ? 'logged_out' : 'session_idle' })
}

function schedule(at: number, then: () => void) {
  window.clearTimeout(timer)
  timer = window.setTimeout(then, Math.max(0, at - Date.now()))
}

/** The server's warn_at / expires_at in this browser's clock (corrected by the
 * server's `now`: a phone's clock may be minutes off). */
function localTimes(state: SessionState): { warnAt: number, expiresAt: number } {
  const skew = state.now ? Date.now() - Date.parse(state.now) : 0
  return { warnAt: Date.parse(state.warn_at) + skew, expiresAt: Date.parse(state.expires_at) + skew }
}

/** Asks the server where the clock stands and acts on it. */
export async function checkClock() {
  if (!getToken() || ending) return
  let state: SessionState
  try {
    state = await endpoints.sessionState()
  } catch (error) {
    if ((error as { status?: number }).status === 401) return // hooks.ended handles it
    schedule(Date.now() + 15_000, checkClock) // offline: try again soon
    return
  }
  sessionLengths = { idle: state.idle_timeout_s, warning: state.warning_s }
  const { warnAt, expiresAt } = localTimes(state)
  if (Date.now() >= expiresAt) {
    void end('idle')
  } else if (Date.now() >= warnAt) {
    idleWarning.set(expiresAt)
    schedule(expiresAt, checkClock)
  } else {
    idleWarning.set(null)
    schedule(warnAt, checkClock)
  }
}

/** What the user did reset the idle clock on the server: move the local one along. */
function touched() {
  if (ending) return
  if (idleWarning.get() !== null) idleWarning.set(null)
  const warnAt = Date.now() + (sessionLengths.idle - sessionLengths.warning) * 1000
  schedule(warnAt, checkClock)
}

export async function extend() {
  await endpoints.extendSession()
  await checkClock()
}

hooks.activity = touched
hooks.ended = (code: string) => {
  if (code === 'session_expired') void end('idle')
  else if (code === 'unauthenticated') void end('expired')
}
