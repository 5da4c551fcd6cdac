// The lender's own sign-in: an authenticator app as the second step (TOTP), enrolled
// with a QR code, confirmed with a code, then ten recovery codes shown once.
import { useState } from 'preact/hooks'
import { Alert, Button, ErrorSummary, PageTitle, TextField } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { apiErrors, hasErrors, localErrors, NO_ERRORS, type FormErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import { QrCode } from '../shared/qr'
import { account, loadAccount } from '../shared/session'
import { useStore } from '../shared/store'

export function SecurityPage() {
  const tt = useT()
  const who = useStore(account)
  const [enrolment, setEnrolment] = useState<{ secret: string, otpauth_uri: string } | null>(null)
  const [code, setCode] = useState('')
  const [recovery, setRecovery] = useState<string[] | null>(null)
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)

  async function start() {
    try {
      setEnrolment(await endpoints.startTotp())
    } catch (error) {
      setErrors(apiErrors(error))
    }
  }

  async function confirm(event: Event) {
    event.preventDefault()
    const local = localErrors({ 'totp-code': /^\d{6}$/.test(code.trim()) ? null : t('second_step.code_format') })
    setErrors(local)
    if (hasErrors(local)) return
    try {
      setRecovery((await endpoints.confirmTotp(code.trim())).recovery_codes)
      setEnrolment(null)
      await loadAccount()
    } catch (error) {
      setErrors(apiErrors(error, { code: 'totp-code' }, { invalid_code: 'totp-code' }))
    }
  }

  return (
    <>
      <PageTitle title={tt('admin.security')}>{tt('admin.security')}</PageTitle>
      <p class="utrecht-paragraph">{tt(who?.second_factor === 'totp' ? 'admin.totp_on' : 'admin.totp_off')}</p>
      <ErrorSummary errors={errors} />
      {recovery && (
        <Alert type="warning">
          <p class="utrecht-paragraph"><strong>{tt('admin.recovery_title')}</strong></p>
          <p class="utrecht-paragraph">{tt('details.recovery_text')}</p>
          <ul class="kluis-recovery-codes" aria-label={tt('admin.recovery_label')}>
            {recovery.map((item) => <li key={item} class="kluis-recovery-code">{item}</li>)}
          </ul>
          <Button onClick={() => setRecovery(null)}>{tt('details.recovery_kept')}</Button>
        </Alert>
      )}
      {!enrolment && !recovery && who?.second_factor !== 'totp' && (
        <Button variant="primary" onClick={start}>{tt('admin.totp_start')}</Button>
      )}
      {enrolment && (
        <>
          <p class="utrecht-paragraph">{tt('admin.totp_scan')}</p>
          <QrCode text={enrolment.otpauth_uri} label={tt('admin.totp_qr')} />
          <p class="utrecht-paragraph">{tt('admin.totp_secret')} <code class="kluis-break">{enrolment.secret}</code></p>
          <form class="kluis-form" onSubmit={confirm} noValidate>
            <TextField id="totp-code" label={tt('second_step.code')} value={code} onValue={setCode}
              error={errors.fields['totp-code']} inputMode="numeric" maxLength={6} autoComplete="one-time-code"
              class="kluis-input--short" required />
            <Button type="submit" variant="primary">{tt('action.confirm')}</Button>
          </form>
        </>
      )}
    </>
  )
}
