// `Inloggen met de app` on a PC: the portal asks for a pairing code, shows it in large
// type and as a QR code (which opens the app's approval page with the code), and waits
// until the staff member approves it in the app; the code expires visibly.
import { useEffect, useState } from 'preact/hooks'
import { ApiError } from '../shared/api'
import { Alert, Button, PageTitle } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { minutesSeconds } from '../shared/format'
import { t, useT } from '../shared/i18n'
import { QrCode } from '../shared/qr'
import { Link } from '../shared/router'
import { finishLogin, safeNext } from './login'

const POLL_MS = 2000

type Attempt = { loginId: string, code: string, secret: string, endsAt: number }

export function AppLoginPage() {
  const tt = useT()
  const [attempt, setAttempt] = useState<Attempt | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [now, setNow] = useState(Date.now())

  async function start() {
    setProblem(null)
    try {
      const started = await endpoints.startPcLogin()
      setAttempt({ loginId: started.login_id, code: started.pairing_code, secret: started.poll_secret,
        endsAt: Date.now() + started.expires_in * 1000 })
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : t('error.unexpected'))
    }
  }
  useEffect(() => { void start() }, [])

  useEffect(() => {
    if (!attempt) return
    const tick = window.setInterval(() => setNow(Date.now()), 1000)
    let poll: number | undefined
    let stopped = false
    // One poll at a time; a lost connection or a busy server is tried again, only the
    // server's "expired / used / refused" (410) ends the attempt.
    async function look() {
      try {
        const answer = await endpoints.claimPcLogin(attempt!.loginId, attempt!.secret)
        if ('token' in answer) {
          if (!stopped) await finishLogin(answer.token, safeNext(new URLSearchParams(location.search).get('next')))
          return
        }
      } catch (error) {
        if (error instanceof ApiError && (error.status === 410 || error.status === 404)) {
          if (!stopped) {
            setAttempt(null)
            setProblem(t(error.code === 'login_refused' ? 'app_login.refused' : 'app_login.expired'))
          }
          return
        }
      }
      if (!stopped) poll = window.setTimeout(look, POLL_MS)
    }
    poll = window.setTimeout(look, POLL_MS)
    return () => { stopped = true; window.clearInterval(tick); window.clearTimeout(poll) }
  }, [attempt?.loginId])

  const left = attempt ? (attempt.endsAt - now) / 1000 : 0
  const spaced = attempt ? `${attempt.code.slice(0, 4)} ${attempt.code.slice(4)}` : ''
  return (
    <>
      <PageTitle title={tt('app_login.title')}>{tt('app_login.title')}</PageTitle>
      {problem && <Alert type="warning" role="alert"><p class="utrecht-paragraph">{problem}</p></Alert>}
      {attempt && left > 0 ? (
        <>
          <ol class="utrecht-ordered-list kluis-steps">
            <li>{tt('app_login.step_open')}</li>
            <li>{tt('app_login.step_type')}</li>
            <li>{tt('app_login.step_check')}</li>
          </ol>
          <p class="kluis-pairing-code" aria-label={tt('app_login.code_label', { code: attempt.code.split('').join(' ') })}>
            {spaced}
          </p>
          <QrCode text={`${location.origin}/app/pc-login#code=${attempt.code}`} label={tt('app_login.qr_label')} />
          <p class="utrecht-paragraph kluis-meta" role="timer" aria-live="off">
            {tt('app_login.expires', { time: minutesSeconds(left) })}
          </p>
        </>
      ) : (
        <>
          {attempt && <Alert type="warning" role="alert"><p class="utrecht-paragraph">{tt('app_login.expired')}</p></Alert>}
          <Button variant="primary" onClick={start}>{tt('app_login.new_code')}</Button>
        </>
      )}
      <p class="utrecht-paragraph"><Link href="/login" class="utrecht-link">{tt('app_login.password_instead')}</Link></p>
    </>
  )
}
