// A forgotten password: ask for a link (the same answer whether the address is known
// or not), then choose a new password on /reset-password?token=.
import { useState } from 'preact/hooks'
import { Button, ErrorSummary, PageTitle } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { apiErrors, hasErrors, NO_ERRORS, type FormErrors } from '../shared/forms'
import { useT } from '../shared/i18n'
import { Link, navigate } from '../shared/router'
import { deadLink, LinkProblem, useLinkToken } from './activation'
import { EmailStep } from './email-step'
import { checkPasswordPair, PasswordFields, usePasswordPair } from './password'

export function ForgotPasswordPage() {
  const tt = useT()
  return (
    <>
      <PageTitle title={tt('forgot.title')}>{tt('forgot.title')}</PageTitle>
      <EmailStep intro="forgot.intro" send={endpoints.forgotPassword}
        sent={(email) => <p class="utrecht-paragraph">{tt('forgot.sent', { email })}</p>} />
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
      setLinkCode(deadLink(error))
      if (!deadLink(error)) setErrors(apiErrors(error, { password: 'password' }))
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
