// A forgotten password: ask for a link (the same answer whether the address is known
// or not), then choose a new password on /reset-password?token=.
import { useState } from 'preact/hooks'
import { ApiError } from '../shared/api'
import { Alert, Button, ErrorSummary, PageTitle, TextField } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { apiErrors, hasErrors, localErrors, NO_ERRORS, type FormErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import { Link, navigate } from '../shared/router'
import { LinkProblem, useLinkToken } from './activation'
import { checkPasswordPair, PasswordFields, usePasswordPair } from './password'

export function ForgotPasswordPage() {
  const tt = useT()
  const [email, setEmail] = useState('')
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [sent, setSent] = useState(false)
  const [busy, setBusy] = useState(false)

  async function submit(event?: Event) {
    event?.preventDefault()
    const local = localErrors({ email: email.trim() ? null : t('login.email_required') })
    setErrors(local)
    if (hasErrors(local)) return
    setBusy(true)
    try {
      await endpoints.forgotPassword(email.trim())
      setSent(true)
    } catch (error) {
      setErrors(apiErrors(error, { email: 'email' }))
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <PageTitle title={tt('forgot.title')}>{tt('forgot.title')}</PageTitle>
      {sent ? (
        <div role="status">
          <Alert type="ok"><p class="utrecht-paragraph">{tt('forgot.sent', { email: email.trim() })}</p></Alert>
        </div>
      ) : (
        <>
          <p class="utrecht-paragraph">{tt('forgot.intro')}</p>
          <ErrorSummary errors={errors} onRetry={() => submit()} />
          <form class="kluis-form" onSubmit={submit} noValidate>
            <TextField id="email" type="email" label={tt('login.email')} value={email}
              onValue={setEmail} error={errors.fields.email} autoComplete="email"
              inputMode="email" required />
            <Button type="submit" variant="primary" busy={busy}>{tt('action.send')}</Button>
          </form>
        </>
      )}
      <p class="utrecht-paragraph"><Link href="/login" class="utrecht-link">{tt('link.to_login')}</Link></p>
    </>
  )
}

export function ResetPasswordPage() {
  const tt = useT()
  const [token] = useLinkToken('/reset-password')
  const pair = usePasswordPair()
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [linkCode, setLinkCode] = useState<string | null>(token ? null : 'invalid_token')
  const [busy, setBusy] = useState(false)

  async function submit(event?: Event) {
    event?.preventDefault()
    const local = checkPasswordPair(pair.password, pair.repeat)
    setErrors(local)
    if (hasErrors(local) || !token) return
    setBusy(true)
    try {
      await endpoints.resetPassword(token, pair.password)
      navigate('/login', { replace: true, notice: 'password_reset' })
    } catch (error) {
      if (error instanceof ApiError && ['invalid_token', 'token_expired', 'token_used'].includes(error.code)) {
        setLinkCode(error.code)
      } else {
        setErrors(apiErrors(error, { password: 'password' }))
      }
      setBusy(false)
    }
  }

  return (
    <>
      <PageTitle title={tt('reset.title')}>{tt('reset.title')}</PageTitle>
      {linkCode ? <LinkProblem code={linkCode} kind="reset" /> : (
        <>
          <ErrorSummary errors={errors} onRetry={() => submit()} />
          <form class="kluis-form" onSubmit={submit} noValidate>
            <PasswordFields pair={pair} errors={errors} />
            <Button type="submit" variant="primary" busy={busy}>{tt('reset.submit')}</Button>
          </form>
        </>
      )}
      <p class="utrecht-paragraph"><Link href="/login" class="utrecht-link">{tt('link.to_login')}</Link></p>
    </>
  )
}
