// A look-along session arriving in a new tab. The office portal opens /look-along and
// hands the read-only token over with postMessage (never in a URL): this page says it
// is ready to its opener, takes the token from that window of this origin only, and
// opens the client's portal with the look-along banner.
import { useEffect, useState } from 'preact/hooks'
import { Alert, PageTitle } from '../shared/components'
import { setToken } from '../shared/api'
import { useT } from '../shared/i18n'
import { navigate } from '../shared/router'
import { begin } from '../shared/session'

export const LOOK_ALONG_READY = 'kluis:look-along-ready'
export const LOOK_ALONG_TOKEN = 'kluis:look-along-token'
const HANDOVER_MS = 10_000

/** Used by the office portal: opens the client's portal read-only in a new tab. The tab
 * opens at once, in the click (pop-up blockers allow that), and gets the token when both
 * the token and the tab are ready; should the token not come, the tab closes.
 * -> null when the browser blocked the tab; else the token's promise. */
export function openLookAlong(token: () => Promise<string>): Promise<string> | null {
  const opened = window.open('/look-along', '_blank')
  if (!opened) return null
  const given = token()
  function onMessage(event: MessageEvent) {
    if (event.origin !== location.origin || event.source !== opened ||
        event.data?.type !== LOOK_ALONG_READY) return
    stop()
    given.then((value) => opened!.postMessage({ type: LOOK_ALONG_TOKEN, token: value }, location.origin),
      () => opened!.close())
  }
  const giveUp = window.setTimeout(stop, HANDOVER_MS)
  function stop() {
    window.clearTimeout(giveUp)
    window.removeEventListener('message', onMessage)
  }
  window.addEventListener('message', onMessage)
  given.catch(() => { stop(); opened.close() })
  return given
}

export function LookAlongPage() {
  const tt = useT()
  // A tab opened by another starts with a copy of its sessionStorage: the opener's own
  // session must not live on here.
  const [failed, setFailed] = useState(() => {
    setToken(null)
    return !window.opener
  })
  useEffect(() => {
    const opener = window.opener as Window | null
    if (!opener) return
    async function onMessage(event: MessageEvent) {
      if (event.origin !== location.origin || event.source !== opener ||
          event.data?.type !== LOOK_ALONG_TOKEN || typeof event.data.token !== 'string') return
      window.removeEventListener('message', onMessage)
      window.clearTimeout(giveUp)
      try {
        await begin(event.data.token)
        navigate('/', { replace: true })
      } catch {
        setFailed(true)
      }
    }
    window.addEventListener('message', onMessage)
    opener.postMessage({ type: LOOK_ALONG_READY }, location.origin)
    const giveUp = window.setTimeout(() => setFailed(true), HANDOVER_MS) // no answer
    return () => {
      window.clearTimeout(giveUp)
      window.removeEventListener('message', onMessage)
    }
  }, [])
  return (
    <>
      <PageTitle title={tt('look_along.page_title')}>{tt('look_along.page_title')}</PageTitle>
      {failed
        ? <Alert type="warning" role="alert"><p class="utrecht-paragraph">{tt('look_along.failed')}</p></Alert>
        : <p class="utrecht-paragraph" role="status">{tt('state.loading')}</p>}
    </>
  )
}
