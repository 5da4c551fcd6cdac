// Signing in: e-mail and password, then the second step when the account has one.
import { useEffect, useState } from 'preact/hooks'
import { Button, ErrorSummary, Notice, PageTitle, TextField } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { apiErrors, hasErrors, localErrors, NO_ERRORS, type FormErrors } from '../shared/forms'
import { t, useT, type MessageKey } from '../shared/i18n'
import { Link, navigate, useLocation } from '../shared/router'
import { begin, end } from '../shared/session'
import { store } from '../shared/store'

/** The pending second step: kept in memory only (a reload starts the login again). */
// The challenge of the second step, and whether a text went out for it (none when too
// many were sent lately: then the recovery code is the way in, or waiting).
const secondStep = store<{ challengeId: string, next: string, noText?: { minutes: number } } | null>(null)

const NOT_NEXT = ['/login', '/logout', '/look-along']

/** Where to go after signing in: a page of the portal's own origin, never a sign-in
 * page, the logout or the look-along handover. */
export function safeNext(value: string | null): string {
  if (!value || !value.startsWith('/')) return '/'
  let target: URL
  try {
    target = new URL(value, location.origin)
  } catch {
    return '/'
  }
  if (target.origin !== location.origin) return '/'
  if (NOT_NEXT.some((path) => target.pathname === path || target.pathname.startsWith(`${path}/`))) return '/'
  return target.pathname + target.search
}

export async function finishLogin(token: string, next = '/') {
  const who = await begin(token)
  navigate(who.kind === 'client' && who.first_login ? '/my-details' : next, { replace: true })
}

const NOTICES: Record<string, MessageKey> = {
  logged_out: 'login.notice.logged_out',
  session_idle: 'login.notice.session_idle',
  session_ended: 'login.notice.session_ended',
  password_reset: 'login.notice.password_reset',
  second_step_lost: 'login.notice.second_step_lost',
}

export function LoginPage() {
  const tt = useT()
  const { notice, query } = useLocation()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [busy, setBusy] = useState(false)

  async function submit(event?: Event) {
    event?.preventDefault()
    const local = localErrors({
      email: email.trim() ? null : t('login.email_required'),
      password: password ? null : t('login.password_required'),
    })
    setErrors(local)
    if (hasErrors(local)) return
    setBusy(true)
    try {
      const result = await endpoints.login(email.trim(), password)
      const next = safeNext(query.get('next'))
      if (result.two_factor_required && result.challenge_id) {
        const noText = result.code_sent === false
          ? { minutes: Math.max(1, Math.ceil((result.retry_after_s ?? 60) / 60)) } : undefined
        secondStep.set({ challengeId: result.challenge_id, next, noText })
        navigate('/login/code')
      } else if (result.token) {
        await finishLogin(result.token, next)
      }
    } catch (error) {
      setErrors(apiErrors(error, { email: 'email', password: 'password' }))
      setBusy(false)
    }
  }

  return (
    <>
      <PageTitle title={tt('login.title')}>{tt('login.title')}</PageTitle>
      {notice && NOTICES[notice] && <Notice>{tt(NOTICES[notice])}</Notice>}
      <ErrorSummary errors={errors} onRetry={() => submit()} />
      <form class="kluis-form" onSubmit={submit} noValidate>
        <TextField id="email" type="email" label={tt('login.email')} value={email} onValue={setEmail}
          error={errors.fields.email} autoComplete="username" inputMode="email" required />
        <TextField id="password" type="password" label={tt('login.password')} value={password}
          onValue={setPassword} error={errors.fields.password} autoComplete="current-password" required />
        <Button type="submit" variant="primary" busy={busy}>{tt('login.submit')}</Button>
      </form>
      <p class="utrecht-paragraph">
        <Link href="/forgot-password" class="utrecht-link">{tt('login.forgot')}</Link>
      </p>
      <h2 class="utrecht-heading-2">{tt('login.staff_title')}</h2>
      <p class="utrecht-paragraph">{tt('login.staff_text')}</p>
      <p class="utrecht-paragraph">
        <Link href="/login/app" class="utrecht-button utrecht-button--secondary-action kluis-button-link">
          {tt('login.with_app')}
        </Link>
      </p>
    </>
  )
}

export function SecondStepPage() {
  const tt = useT()
  const pending = secondStep.get()
  const [useRecovery, setUseRecovery] = useState(Boolean(pending?.noText))
  const [code, setCode] = useState('')
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    if (!pending) navigate('/login', { replace: true, notice: 'second_step_lost' })
  }, [])
  if (!pending) return null
  const field = useRecovery ? 'recovery-code' : 'code'

  async function submit(event?: Event) {
    event?.preventDefault()
    const value = code.trim()
    const local = localErrors({
      [field]: !value ? t(useRecovery ? 'second_step.recovery_required' : 'second_step.code_required')
        : !useRecovery && !/^\d{6}$/.test(value) ? t('second_step.code_format') : null,
    })
    setErrors(local)
    if (hasErrors(local)) return
    setBusy(true)
    try {
      const result = await endpoints.loginSecondStep(pending!.challengeId,
        useRecovery ? { recovery_code: value } : { code: value })
      secondStep.set(null)
      await finishLogin(result.token, pending!.next)
    } catch (error) {
      setErrors(apiErrors(error, { code: field, recovery_code: field }, { invalid_code: field }))
      setBusy(false)
    }
  }

  function toggle() {
    setUseRecovery(!useRecovery)
    setCode('')
    setErrors(NO_ERRORS)
  }

  return (
    <>
      <PageTitle title={tt('second_step.title')}>{tt('second_step.title')}</PageTitle>
      {pending.noText && <Notice>{tt('second_step.no_text', { minutes: pending.noText.minutes })}</Notice>}
      <p class="utrecht-paragraph">
        {tt(useRecovery ? 'second_step.recovery_intro' : 'second_step.intro')}
      </p>
      <ErrorSummary errors={errors} onRetry={() => submit()} />
      <form class="kluis-form" onSubmit={submit} noValidate>
        {useRecovery
          ? <TextField key="recovery" id="recovery-code" label={tt('second_step.recovery_code')} value={code}
              onValue={setCode} error={errors.fields['recovery-code']} autoComplete="off"
              spellcheck={false} required />
          : <TextField key="code" id="code" label={tt('second_step.code')} value={code} onValue={setCode}
              error={errors.fields.code} autoComplete="one-time-code" inputMode="numeric"
              maxLength={6} class="kluis-input--short" required />}
        <Button type="submit" variant="primary" busy={busy}>{tt('action.confirm')}</Button>
      </form>
      <p class="utrecht-paragraph">
        <Button variant="subtle" onClick={toggle}>
          {tt(useRecovery ? 'second_step.use_code' : 'second_step.use_recovery')}
        </Button>
      </p>
    </>
  )
}

export function LogoutPage() {
  useEffect(() => { void end('logout') }, [])
  return null
}
