// Registering this phone for a person, step by step as the server says where the
// registration stands: partner ID with e-mail or mobile, the security code, waiting for
// the approver (the app looks again every few seconds), then `Registratie afronden`
// signs the challenge and the person's name replaces `adviseur1`.
import { useEffect, useState } from 'preact/hooks'
import { ApiError } from '../shared/api'
import {
  Alert, Button, ErrorSummary, Loading, PageLoadError, PageTitle, RadioGroup, TextField, useLoad,
} from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { apiErrors, hasErrors, localErrors, NO_ERRORS, type FormErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import { Link, navigate } from '../shared/router'
import { deletePerson, getPerson, savePerson, sign, type Person } from './keys'

const LOOK_AGAIN_MS = 4000

async function load(id: string) {
  const person = await getPerson(id)
  if (!person) throw new ApiError(404, 'not_found', t('not_found.title'))
  return { person, registration: await endpoints.registration(person.registrationId) }
}

export function RegisterPage({ params }: { params: Record<string, string> }) {
  const tt = useT()
  const state = useLoad(() => load(params.id), [params.id])
  const status = state.data?.registration.status
  useEffect(() => {
    if (status !== 'awaiting_approval') return
    const timer = window.setInterval(async () => {
      const registration = await endpoints.registration(state.data!.person.registrationId, true)
        .catch(() => null)
      if (registration && registration.status !== 'awaiting_approval') {
        state.set({ ...state.data!, registration })
      }
    }, LOOK_AGAIN_MS)
    return () => window.clearInterval(timer)
  }, [status])
  if (state.error) return <PageLoadError error={state.error} onRetry={state.reload} />
  if (!state.data) return <Loading />
  const { person, registration } = state.data
  const next = () => state.reload()
  return (
    <>
      <p class="utrecht-paragraph kluis-back"><Link href="/app" class="utrecht-link">{tt('app.back')}</Link></p>
      <PageTitle title={tt('app.register_title')}>{tt('app.register_title')}</PageTitle>
      {registration.status === 'started' && <Identify person={person} onDone={next} />}
      {registration.status === 'code_sent' && <Verify person={person} onDone={next} />}
      {registration.status === 'awaiting_approval' && (
        <div role="status">
          <Alert type="info">
            <p class="utrecht-paragraph"><strong>{tt('app.waiting_title')}</strong></p>
            <p class="utrecht-paragraph">{tt('app.waiting_text')}</p>
          </Alert>
        </div>
      )}
      {registration.status === 'approved' && <Finish person={person} challenge={registration.challenge!} />}
      {registration.status === 'locked' && <Failed person={person} text={tt('app.locked_text')} />}
      {registration.status === 'rejected' && <Failed person={person} text={tt('app.rejected_text')} />}
      {registration.status === 'completed' && (
        <Alert type="ok"><p class="utrecht-paragraph">{tt('app.done', { name: person.name })}</p></Alert>
      )}
    </>
  )
}

function Identify({ person, onDone }: { person: Person, onDone: () => void }) {
  const tt = useT()
  const [partnerId, setPartnerId] = useState('')
  const [by, setBy] = useState('email')
  const [contact, setContact] = useState('')
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [busy, setBusy] = useState(false)

  async function submit(event?: Event) {
    event?.preventDefault()
    const local = localErrors({
      'partner-id': partnerId.trim() ? null : t('app.partner_id_required'),
      contact: contact.trim() ? null : t(by === 'email' ? 'login.email_required' : 'details.mobile_required'),
    })
    setErrors(local)
    if (hasErrors(local)) return
    setBusy(true)
    try {
      await endpoints.identifyRegistration(person.registrationId, partnerId.trim(),
        by === 'email' ? { email: contact.trim() } : { mobile: contact.trim() })
      onDone()
    } catch (error) {
      if (error instanceof ApiError && error.code === 'registration_locked') onDone()
      else if (error instanceof ApiError && error.code === 'unknown_combination') {
        const left = Number(error.details.attempts_left ?? 0)
        setErrors(localErrors({ 'partner-id': t('app.unknown_combination', { left }) }))
      } else {
        setErrors(apiErrors(error, { partner_id: 'partner-id', email: 'contact', mobile: 'contact' }))
      }
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <p class="utrecht-paragraph">{tt('app.identify_intro')}</p>
      <ErrorSummary errors={errors} onRetry={() => submit()} />
      <form class="kluis-form" onSubmit={submit} noValidate>
        <TextField id="partner-id" label={tt('app.partner_id')} value={partnerId} onValue={setPartnerId}
          error={errors.fields['partner-id']} autoComplete="off" autoCapitalize="characters" required />
        <RadioGroup id="by" legend={tt('app.identify_by')} value={by} onValue={(value) => { setBy(value); setContact('') }}
          options={[{ value: 'email', label: tt('app.by_email') }, { value: 'mobile', label: tt('app.by_mobile') }]} />
        <TextField key={by} id="contact" type={by === 'email' ? 'email' : 'tel'}
          label={tt(by === 'email' ? 'login.email' : 'details.mobile')} value={contact} onValue={setContact}
          error={errors.fields.contact} autoComplete={by === 'email' ? 'email' : 'tel'}
          inputMode={by === 'email' ? 'email' : 'tel'} required />
        <Button type="submit" variant="primary" busy={busy}>{tt('questionnaire.next')}</Button>
      </form>
    </>
  )
}

function Verify({ person, onDone }: { person: Person, onDone: () => void }) {
  const tt = useT()
  const [code, setCode] = useState('')
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [busy, setBusy] = useState(false)

  async function submit(event?: Event) {
    event?.preventDefault()
    const local = localErrors({ 'security-code': /^\d{6}$/.test(code.trim()) ? null : t('second_step.code_format') })
    setErrors(local)
    if (hasErrors(local)) return
    setBusy(true)
    try {
      await endpoints.verifyRegistration(person.registrationId, code.trim())
      onDone()
    } catch (error) {
      if (error instanceof ApiError && error.code === 'registration_locked') onDone()
      else setErrors(apiErrors(error, { code: 'security-code' }, { invalid_code: 'security-code' }))
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <p class="utrecht-paragraph">{tt('app.code_intro')}</p>
      <ErrorSummary errors={errors} onRetry={() => submit()} />
      <form class="kluis-form" onSubmit={submit} noValidate>
        <TextField id="security-code" label={tt('app.security_code')} value={code} onValue={setCode}
          error={errors.fields['security-code']} autoComplete="one-time-code" inputMode="numeric"
          maxLength={6} class="kluis-input--short" required />
        <Button type="submit" variant="primary" busy={busy}>{tt('action.confirm')}</Button>
      </form>
    </>
  )
}

function Finish({ person, challenge }: { person: Person, challenge: string }) {
  const tt = useT()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function finish() {
    setBusy(true)
    setError(null)
    try {
      const done = await endpoints.completeRegistration(person.registrationId, await sign(person, challenge))
      // The device is bound now: keep that first, the name is a nicety.
      await savePerson({ ...person, deviceId: done.device_id, state: 'registered' })
      const name = await endpoints.registration(person.registrationId).then((r) => r.display_name, () => person.name)
      await savePerson({ ...person, deviceId: done.device_id, name, state: 'registered' })
      navigate('/app', { replace: true, notice: 'registered' })
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : t('error.unexpected'))
      setBusy(false)
    }
  }

  return (
    <>
      <div role="status"><Alert type="ok"><p class="utrecht-paragraph">{tt('app.approved_text')}</p></Alert></div>
      {error && <Alert type="error" role="alert"><p class="utrecht-paragraph">{error}</p></Alert>}
      <Button variant="primary" busy={busy} onClick={finish}>{tt('app.finish')}</Button>
    </>
  )
}

function Failed({ person, text }: { person: Person, text: string }) {
  const tt = useT()
  async function remove() {
    await endpoints.deleteRegistration(person.registrationId).catch(() => {})
    await deletePerson(person.id)
    navigate('/app', { replace: true })
  }
  return (
    <Alert type="error" role="alert">
      <p class="utrecht-paragraph"><strong>{tt('app.failed_title')}</strong></p>
      <p class="utrecht-paragraph">{text}</p>
      <Button onClick={remove}>{tt('app.remove')}<span class="kluis-visually-hidden"> {person.name}</span></Button>
    </Alert>
  )
}
