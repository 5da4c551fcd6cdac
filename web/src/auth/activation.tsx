// Activating a portal account from the invitation e-mails: /activate?token= (e-mail 1)
// asks for the e-mail address; /set-password?token= (e-mail 2) for the password, and the
// texted code when one was sent. Each page takes its token out of the address at once.
import { useState } from 'preact/hooks'
import { Alert, Button, ErrorSummary, PageTitle, TextField } from '../shared/components'
import { ApiError } from '../shared/api'
import * as endpoints from '../shared/endpoints'
import { apiErrors, hasErrors, NO_ERRORS, type FormErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import { Link, replaceAddress } from '../shared/router'
import { EmailStep } from './email-step'
import { finishLogin } from './login'
import { checkPasswordPair, PasswordFields, usePasswordPair } from './password'

/** The link's token, read once; the address bar (and history) keep the path only. */
export function useLinkToken(path: string): [string | null, URLSearchParams] {
  const [found] = useState(() => {
    const query = new URLSearchParams(location.search)
    const token = query.get('token')
    query.delete('token')
    replaceAddress(path + (query.toString() ? `?${query}` : ''))
    return [token && /^[A-Za-z0-9_-]{10,200}$/.test(token) ? token : null, query] as
      [string | null, URLSearchParams]
  })
  return found
}

/** A link that is broken, expired or used up: say so, and what to do. */
export function LinkProblem({ code, kind }: { code: string | null, kind: 'invitation' | 'password' | 'reset' | 'staff_link' }) {
  const tt = useT()
  const what = code === 'token_expired' ? 'expired' : code === 'token_used' ? 'used' : 'invalid'
  return (
    <Alert type="warning" role="alert">
      <p class="utrecht-paragraph"><strong>{tt(`link.${what}`)}</strong></p>
      <p class="utrecht-paragraph">{tt(`link.${kind}_help`)}</p>
    </Alert>
  )
}

const LINK_CODES = ['invalid_token', 'token_expired', 'token_used']

/** The code of an answer that says the link itself is dead (broken, expired, used). */
export function deadLink(error: unknown): string | null {
  return error instanceof ApiError && LINK_CODES.includes(error.code) ? error.code : null
}

export function ActivatePage() {
  const tt = useT()
  const [token] = useLinkToken('/activate')
  const [linkCode, setLinkCode] = useState<string | null>(token ? null : 'invalid_token')

  function handled(error: unknown) {
    setLinkCode(deadLink(error))
    return Boolean(deadLink(error))
  }

  return (
    <>
      <PageTitle title={tt('activate.title')}>{tt('activate.title')}</PageTitle>
      {linkCode ? <LinkProblem code={linkCode} kind="invitation" /> : (
        <EmailStep intro="activate.intro" help="activate.email_help" handled={handled}
          send={(email) => endpoints.startActivation(token!, email)}
          sent={(email) => (
            <>
              <p class="utrecht-paragraph"><strong>{tt('activate.sent_title')}</strong></p>
              <p class="utrecht-paragraph">{tt('activate.sent_text', { email })}</p>
            </>
          )} />
      )}
    </>
  )
}

export function SetPasswordPage() {
  const tt = useT()
  const [token, query] = useLinkToken('/set-password')
  // The link says when a code was texted; should it not (an older link), the server's
  // `invalid_code` brings the field.
  const [withSms, setWithSms] = useState(query.get('sms') === '1')
  const pair = usePasswordPair()
  const [smsCode, setSmsCode] = useState('')
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [linkCode, setLinkCode] = useState<string | null>(token ? null : 'invalid_token')
  const [busy, setBusy] = useState(false)

  async function submit(event?: Event) {
    event?.preventDefault()
    const local = checkPasswordPair(pair.password, pair.repeat)
    if (withSms && !/^\d{6}$/.test(smsCode.trim())) {
      const text = smsCode.trim() ? t('second_step.code_format') : t('set_password.sms_required')
      local.fields['sms-code'] = text
      local.summary.push({ field: 'sms-code', text })
    }
    setErrors(local)
    if (hasErrors(local) || !token) return
    setBusy(true)
    try {
      const session = await endpoints.completeActivation(token, pair.password,
        withSms ? smsCode.trim() : undefined)
      await finishLogin(session.token)
    } catch (error) {
      setLinkCode(deadLink(error))
      if (error instanceof ApiError && error.code === 'invalid_code') setWithSms(true)
      if (!deadLink(error)) {
        setErrors(apiErrors(error, { password: 'password', sms_code: 'sms-code' },
          { invalid_code: 'sms-code' }))
      }
      setBusy(false)
    }
  }

  return (
    <>
      <PageTitle title={tt('set_password.title')}>{tt('set_password.title')}</PageTitle>
      {linkCode ? <LinkProblem code={linkCode} kind="password" /> : (
        <>
          <p class="utrecht-paragraph">{tt('set_password.intro')}</p>
          <ErrorSummary errors={errors} onRetry={() => submit()} />
          <form class="kluis-form" onSubmit={submit} noValidate>
            <PasswordFields pair={pair} errors={errors} />
            {withSms && (
              <TextField id="sms-code" label={tt('set_password.sms_code')} value={smsCode}
                onValue={setSmsCode} error={errors.fields['sms-code']} autoComplete="one-time-code"
                inputMode="numeric" maxLength={6} class="kluis-input--short" required
                description={tt('set_password.sms_help')} />
            )}
            <Button type="submit" variant="primary" busy={busy}>{tt('set_password.submit')}</Button>
          </form>
        </>
      )}
      <p class="utrecht-paragraph"><Link href="/login" class="utrecht-link">{tt('link.to_login')}</Link></p>
    </>
  )
}
