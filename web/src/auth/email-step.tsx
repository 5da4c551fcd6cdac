// One step that asks for an e-mail address and sends it (activation, forgotten password):
// checked here first, the API's answer next to the field, then a confirmation.
import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { Alert, Button, ErrorSummary, TextField } from '../shared/components'
import { apiErrors, hasErrors, localErrors, NO_ERRORS, type FormErrors } from '../shared/forms'
import { t, useT, type MessageKey } from '../shared/i18n'

export function EmailStep({ intro, help, send, sent, handled }: {
  intro: MessageKey, help?: MessageKey, send: (email: string) => Promise<unknown>,
  sent: (email: string) => ComponentChildren,
  /** An error the page shows itself (a dead link); true when it did. */
  handled?: (error: unknown) => boolean
}) {
  const tt = useT()
  const [email, setEmail] = useState('')
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [done, setDone] = useState(false)
  const [busy, setBusy] = useState(false)

  async function submit(event?: Event) {
    event?.preventDefault()
    const local = localErrors({ email: email.trim() ? null : t('login.email_required') })
    setErrors(local)
    if (hasErrors(local)) return
    setBusy(true)
    try {
      await send(email.trim())
      setDone(true)
    } catch (error) {
      if (!handled?.(error)) setErrors(apiErrors(error, { email: 'email' }))
    } finally {
      setBusy(false)
    }
  }

  if (done) return <div role="status"><Alert type="ok">{sent(email.trim())}</Alert></div>
  return (
    <>
      <p class="utrecht-paragraph">{tt(intro)}</p>
      <ErrorSummary errors={errors} onRetry={() => submit()} />
      <form class="kluis-form" onSubmit={submit} noValidate>
        <TextField id="email" type="email" label={tt('login.email')} value={email}
          onValue={setEmail} error={errors.fields.email} autoComplete="email"
          inputMode="email" required description={help ? tt(help) : undefined} />
        <Button type="submit" variant="primary" busy={busy}>{tt('action.send')}</Button>
      </form>
    </>
  )
}
