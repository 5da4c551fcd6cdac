// `Inloggen op PC`: the staff member types the pairing code the PC shows (or scans its
// QR code, which opens this page with the code), the app shows which browser and system
// ask, from which address and since when, and only then offers `Goedkeuren` / `Weigeren`.
// Both sign the code with the device key.
import { useState } from 'preact/hooks'
import { ApiError } from '../shared/api'
import { Alert, Button, ErrorSummary, Loading, PageLoadError, PageTitle, RadioGroup, TextField, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { dateTime } from '../shared/format'
import { apiErrors, hasErrors, localErrors, NO_ERRORS, type FormErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import { Link, replaceAddress } from '../shared/router'
import { browserAndSystem } from './device'
import { listPeople, sign, type Person } from './keys'

/** As printed on the PC: letters and digits, upper case. */
export const normalCode = (typed: string) => typed.toUpperCase().replace(/[^A-Z0-9]/g, '')

export function PcLoginPage({ params }: { params: Record<string, string> }) {
  const tt = useT()
  const [fromQr] = useState(() => {
    // The PC's QR code opens /app/pc-login#code=...: a fragment never reaches a server.
    const code = new URLSearchParams(location.hash.slice(1)).get('code') ?? ''
    if (code) replaceAddress(location.pathname) // out of the address bar
    return normalCode(code)
  })
  const people = useLoad(() => listPeople().then((all) => all.filter((p) => p.state === 'registered')), [])
  const [chosen, setChosen] = useState<string | null>(params.id ?? null)
  if (people.error) return <PageLoadError error={people.error} onRetry={people.reload} />
  if (!people.data) return <Loading />
  const person = people.data.find((p) => p.id === (chosen ?? (people.data!.length === 1 ? people.data![0].id : '')))
  return (
    <>
      <p class="utrecht-paragraph kluis-back"><Link href="/app" class="utrecht-link">{tt('app.back')}</Link></p>
      <PageTitle title={tt('app.pc_login')}>{tt('app.pc_login')}</PageTitle>
      {people.data.length === 0 ? <p class="utrecht-paragraph">{tt('app.nobody')}</p> : !person ? (
        <RadioGroup id="person" legend={tt('app.who')} value={chosen} onValue={setChosen}
          options={people.data.map((p) => ({ value: p.id, label: p.name }))} />
      ) : <Approve person={person} initialCode={fromQr} />}
    </>
  )
}

function Approve({ person, initialCode }: { person: Person, initialCode: string }) {
  const tt = useT()
  const [code, setCode] = useState(initialCode)
  const [pending, setPending] = useState<endpoints.PendingPcLogin | null>(null)
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [busy, setBusy] = useState<string | null>(null)
  const [outcome, setOutcome] = useState<'approved' | 'refused' | null>(null)

  async function look(event?: Event) {
    event?.preventDefault()
    const typed = normalCode(code)
    const local = localErrors({ 'pairing-code': typed ? null : t('app.pairing_code_required') })
    setErrors(local)
    if (hasErrors(local)) return
    setBusy('look')
    try {
      setPending(await endpoints.findPcLogin(typed, person.deviceId!, await sign(person, typed)))
    } catch (error) {
      const text = error instanceof ApiError && error.status === 404 ? t('app.pairing_code_unknown') : null
      setErrors(text ? localErrors({ 'pairing-code': text }) : apiErrors(error, { pairing_code: 'pairing-code' }))
    } finally {
      setBusy(null)
    }
  }

  async function decide(approve: boolean) {
    setBusy(approve ? 'approve' : 'refuse')
    try {
      const signature = await sign(person, pending!.pairing_code)
      await (approve ? endpoints.approvePcLogin : endpoints.refusePcLogin)(pending!.login_id, person.deviceId!, signature)
      setOutcome(approve ? 'approved' : 'refused')
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 410)) {
        setPending(null) // gone meanwhile (expired, or answered elsewhere): ask for a code again
        setErrors(localErrors({ 'pairing-code': t('app.pairing_code_unknown') }))
      } else {
        setErrors(apiErrors(error))
      }
    } finally {
      setBusy(null)
    }
  }

  if (outcome) {
    return <div role="status"><Alert type={outcome === 'approved' ? 'ok' : 'info'}>
      <p class="utrecht-paragraph">{tt(outcome === 'approved' ? 'app.pc_approved' : 'app.pc_refused')}</p>
    </Alert></div>
  }
  if (pending) {
    const { browser, system } = browserAndSystem(pending.user_agent)
    return (
      <>
        <ErrorSummary errors={errors} />
        <p class="utrecht-paragraph kluis-lead">{tt('app.pc_asks', { name: person.name })}</p>
        <dl class="kluis-data-list" aria-label={tt('app.pc_details')}>
          <div class="kluis-data-list__row"><dt>{tt('app.pc_browser')}</dt><dd>{browser || tt('details.none')}</dd></div>
          <div class="kluis-data-list__row"><dt>{tt('app.pc_system')}</dt><dd>{system || tt('details.none')}</dd></div>
          <div class="kluis-data-list__row"><dt>{tt('evidence.ip')}</dt><dd>{pending.source_ip}</dd></div>
          <div class="kluis-data-list__row"><dt>{tt('app.pc_network')}</dt><dd>{tt(pending.same_network ? 'app.pc_same_network' : 'app.pc_other_network')}</dd></div>
          <div class="kluis-data-list__row"><dt>{tt('app.pc_when')}</dt><dd>{dateTime(pending.started_at)}</dd></div>
        </dl>
        <p class="utrecht-paragraph">{tt('app.pc_only_yours')}</p>
        <div class="kluis-button-group">
          <Button variant="primary" busy={busy === 'approve'} onClick={() => decide(true)}>{tt('app.approve')}</Button>
          <Button variant="danger" busy={busy === 'refuse'} onClick={() => decide(false)}>{tt('app.refuse')}</Button>
        </div>
      </>
    )
  }
  return (
    <>
      <p class="utrecht-paragraph">{tt('app.pc_intro', { name: person.name })}</p>
      <ErrorSummary errors={errors} onRetry={() => look()} />
      <form class="kluis-form" onSubmit={look} noValidate>
        <TextField id="pairing-code" label={tt('app.pairing_code')} value={code} onValue={setCode}
          error={errors.fields['pairing-code']} autoComplete="off" autoCapitalize="characters"
          spellcheck={false} class="kluis-input--medium" required />
        <Button type="submit" variant="primary" busy={busy === 'look'}>{tt('questionnaire.next')}</Button>
      </form>
    </>
  )
}
