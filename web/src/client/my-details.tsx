// Mijn gegevens: who the client is, the language of the portal and of every message,
// the second sign-in step, news by e-mail, consent per office, a company's extra
// accounts, who looked at the client's data, and asking for erasure (erasure.tsx).
import type { ComponentChildren } from 'preact'
import { useRef, useState } from 'preact/hooks'
import {
  Alert, Button, Checkbox, ErrorSummary, LoadError, Loading, Notice, PageTitle, RadioGroup,
  TextField, useLoad,
} from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { apiErrors, hasErrors, localErrors, NO_ERRORS, type FormErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import { Link } from '../shared/router'
import { account, loadAccount } from '../shared/session'
import { useStore } from '../shared/store'
import type { Me, Preferences } from '../shared/types'
import { ErasureSection } from './erasure'
import { ExtraAccounts } from './extra-accounts'
import { ExportSection } from './my-export'

/** The languages, each in its own words. */
export const LANGUAGE_OPTIONS = () => [{ value: 'nl', label: t('language.name.nl') },
  { value: 'en', label: t('language.name.en') }]

/** One section of the page: its own heading, form, errors and confirmation. */
export function useSection() {
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [busy, setBusy] = useState(false)
  const [saved, setSaved] = useState<string | null>(null)
  const last = useRef<(() => Promise<boolean>) | null>(null)
  async function run(action: () => Promise<string | null | void>, controls: Record<string, string> = {},
    codes: Record<string, string> = {}, then?: () => void): Promise<boolean> {
    last.current = () => run(action, controls, codes, then)
    setBusy(true)
    setSaved(null)
    setErrors(NO_ERRORS)
    try {
      setSaved((await action()) || null)
      then?.()
      return true
    } catch (error) {
      setErrors(apiErrors(error, controls, codes))
      return false
    } finally {
      setBusy(false)
    }
  }
  /** After a lost connection: the same action again (nothing typed is lost). */
  const retry = () => { void last.current?.() }
  return { errors, setErrors, busy, saved, setSaved, run, retry }
}

export function Section({ id, title, children }: { id: string, title: string, children: ComponentChildren }) {
  return (
    <section class="kluis-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} class="utrecht-heading-2">{title}</h2>
      {children}
    </section>
  )
}

export function MyDetailsPage() {
  const tt = useT()
  const who = useStore(account)
  if (!who) return <Loading />
  const readOnly = who.read_only
  return (
    <>
      <PageTitle title={tt('details.title')}>{tt('details.title')}</PageTitle>
      {who.first_login && !readOnly && <Alert type="info"><p class="utrecht-paragraph">{tt('details.first_login')}</p></Alert>}
      <Section id="profile" title={tt('details.profile')}>
        <dl class="kluis-data-list">
          <div class="kluis-data-list__row"><dt>{tt('details.name')}</dt><dd>{who.name}</dd></div>
          <div class="kluis-data-list__row"><dt>{tt('login.email')}</dt><dd class="kluis-break">{who.email}</dd></div>
          <div class="kluis-data-list__row"><dt>{tt('details.mobile')}</dt><dd>{who.mobile || tt('details.none')}</dd></div>
        </dl>
        <p class="utrecht-paragraph kluis-meta">{tt('details.profile_help')}</p>
      </Section>
      <LanguageSection who={who} readOnly={readOnly} />
      <SecondStepSection who={who} readOnly={readOnly} />
      <PreferencesSection readOnly={readOnly} />
      <ConsentSection readOnly={readOnly} />
      {(who.companies?.length ?? 0) > 0 && <ExtraAccounts companies={who.companies!} readOnly={readOnly} />}
      <Section id="audit" title={tt('audit.title')}>
        <p class="utrecht-paragraph">{tt('audit.intro')}</p>
        <p class="utrecht-paragraph"><Link href="/my-details/audit" class="utrecht-link">{tt('audit.link')}</Link></p>
      </Section>
      <ExportSection readOnly={readOnly} />
      <ErasureSection readOnly={readOnly} />
    </>
  )
}

function LanguageSection({ who, readOnly }: { who: Me, readOnly: boolean }) {
  const tt = useT()
  const [choice, setChoice] = useState<string>(who.language)
  const section = useSection()
  async function submit(event: Event) {
    event.preventDefault()
    await section.run(async () => {
      await endpoints.updateMe({ language: choice })
      await loadAccount() // the portal switches at once; e-mails and SMS follow
      return t('details.language_saved')
    }, { language: 'language' })
  }
  return (
    <Section id="language" title={tt('details.language')}>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      <form class="kluis-form" onSubmit={submit} noValidate>
        <RadioGroup id="language" legend={tt('details.language_legend')} value={choice}
          onValue={setChoice} options={LANGUAGE_OPTIONS()} disabled={readOnly} />
        {!readOnly && <Button type="submit" busy={section.busy}>{tt('details.language_save')}</Button>}
      </form>
    </Section>
  )
}

function SecondStepSection({ who, readOnly }: { who: Me, readOnly: boolean }) {
  const tt = useT()
  const [step, setStep] = useState<'idle' | 'mobile' | 'code' | 'recovery' | 'confirm-off'>('idle')
  const [mobile, setMobile] = useState(who.mobile ?? '')
  const [code, setCode] = useState('')
  const [recovery, setRecovery] = useState('')
  const [password, setPassword] = useState('')
  const section = useSection()
  const on = Boolean(who.second_factor)

  async function sendCode(event?: Event) {
    event?.preventDefault()
    const local = localErrors({ mobile: mobile.trim() ? null : t('details.mobile_required') })
    section.setErrors(local)
    if (hasErrors(local)) return
    await section.run(() => endpoints.startSmsSecondStep(mobile.trim()), { mobile: 'mobile' },
      { invalid_mobile: 'mobile' }, () => setStep('code'))
  }

  async function confirm(event?: Event) {
    event?.preventDefault()
    const local = localErrors({ 'sms-code': /^\d{6}$/.test(code.trim()) ? null : t('second_step.code_format') })
    section.setErrors(local)
    if (hasErrors(local)) return
    await section.run(async () => {
      const result = await endpoints.confirmSmsSecondStep(code.trim())
      setRecovery(result.recovery_code)
      await loadAccount()
    }, { code: 'sms-code' }, { invalid_code: 'sms-code' }, () => setStep('recovery'))
  }

  async function turnOff(event?: Event) {
    event?.preventDefault()
    const local = localErrors({ 'off-password': password ? null : t('details.off_password_required') })
    section.setErrors(local)
    if (hasErrors(local)) return
    await section.run(async () => {
      await endpoints.disableSecondStep(password)
      setPassword('')
      await loadAccount()
      return t('details.second_step_off_done')
    }, { password: 'off-password' }, { wrong_password: 'off-password' }, () => setStep('idle'))
  }

  return (
    <Section id="second-step" title={tt('details.second_step')}>
      <p class="utrecht-paragraph">{tt('details.second_step_intro')}</p>
      <p class="utrecht-paragraph">
        <strong>{tt(on ? 'details.second_step_on' : 'details.second_step_off')}</strong>
      </p>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      {!readOnly && !on && step === 'idle' && <Button onClick={() => { section.setSaved(null); setStep('mobile') }}>{tt('details.second_step_turn_on')}</Button>}
      {!readOnly && step === 'mobile' && (
        <form class="kluis-form" onSubmit={sendCode} noValidate>
          <TextField id="mobile" type="tel" label={tt('details.mobile')} value={mobile} onValue={setMobile}
            error={section.errors.fields.mobile} autoComplete="tel" inputMode="tel"
            description={tt('details.mobile_help')} />
          <div class="kluis-button-group">
            <Button type="submit" variant="primary" busy={section.busy}>{tt('details.send_code')}</Button>
            <Button onClick={() => setStep('idle')}>{tt('action.cancel')}</Button>
          </div>
        </form>
      )}
      {!readOnly && step === 'code' && (
        <form class="kluis-form" onSubmit={confirm} noValidate>
          <TextField id="sms-code" label={tt('set_password.sms_code')} value={code} onValue={setCode}
            error={section.errors.fields['sms-code']} autoComplete="one-time-code" inputMode="numeric"
            maxLength={6} class="kluis-input--short" description={tt('details.code_sent', { mobile: mobile.trim() })} />
          <div class="kluis-button-group">
            <Button type="submit" variant="primary" busy={section.busy}>{tt('action.confirm')}</Button>
            <Button onClick={() => setStep('idle')}>{tt('action.cancel')}</Button>
          </div>
        </form>
      )}
      {step === 'recovery' && (
        <Alert type="warning">
          <p class="utrecht-paragraph"><strong>{tt('details.recovery_title')}</strong></p>
          <p class="utrecht-paragraph">{tt('details.recovery_text')}</p>
          <p class="kluis-recovery-code" aria-label={tt('details.recovery_label')}>{recovery}</p>
          <Button onClick={() => { setRecovery(''); setStep('idle') }}>{tt('details.recovery_kept')}</Button>
        </Alert>
      )}
      {!readOnly && on && step === 'idle' && (
        <Button onClick={() => { section.setSaved(null); setStep('confirm-off') }}>{tt('details.second_step_turn_off')}</Button>
      )}
      {!readOnly && step === 'confirm-off' && (
        <Alert type="warning">
          <p class="utrecht-paragraph">{tt('details.second_step_off_confirm')}</p>
          <form class="kluis-form" onSubmit={turnOff} noValidate>
            <TextField id="off-password" type="password" label={tt('details.off_password')} value={password}
              onValue={setPassword} error={section.errors.fields['off-password']} autoComplete="current-password"
              description={tt('details.off_password_help')} />
            <div class="kluis-button-group">
              <Button type="submit" variant="danger" busy={section.busy}>{tt('details.second_step_off_yes')}</Button>
              <Button onClick={() => { setPassword(''); setStep('idle') }}>{tt('action.cancel')}</Button>
            </div>
          </form>
        </Alert>
      )}
    </Section>
  )
}

const TOPICS: (keyof Preferences)[] = ['new_documents', 'questionnaires', 'messages']

function PreferencesSection({ readOnly }: { readOnly: boolean }) {
  const tt = useT()
  const loaded = useLoad(() => endpoints.preferences(), [])
  const [value, setValue] = useState<Preferences | null>(null)
  const section = useSection()
  const current = value ?? loaded.data ?? null
  async function submit(event: Event) {
    event.preventDefault()
    await section.run(async () => {
      setValue(await endpoints.setPreferences(current!))
      return t('details.notifications_saved')
    })
  }
  return (
    <Section id="notifications" title={tt('details.notifications')}>
      {loaded.error ? <LoadError error={loaded.error} onRetry={loaded.reload} /> : !current ? <Loading /> : (
        <form class="kluis-form" onSubmit={submit} noValidate>
          <ErrorSummary errors={section.errors} onRetry={section.retry} />
          {section.saved && <Notice>{section.saved}</Notice>}
          <fieldset class="utrecht-form-fieldset kluis-field">
            <legend class="utrecht-form-fieldset__legend utrecht-form-label">{tt('details.notifications_legend')}</legend>
            {TOPICS.map((topic) => (
              <Checkbox key={topic} id={`topic-${topic}`} label={tt(`details.topic.${topic}`)}
                checked={current[topic]} disabled={readOnly}
                onChecked={(checked) => setValue({ ...current, [topic]: checked })} />
            ))}
          </fieldset>
          <p class="utrecht-paragraph kluis-meta">{tt('details.notifications_help')}</p>
          {!readOnly && <Button type="submit" busy={section.busy}>{tt('action.save')}</Button>}
        </form>
      )}
    </Section>
  )
}

function ConsentSection({ readOnly }: { readOnly: boolean }) {
  const tt = useT()
  const loaded = useLoad(() => endpoints.consents(), [])
  const section = useSection()
  const [changed, setChanged] = useState<Record<string, boolean>>({})
  async function submit(event: Event) {
    event.preventDefault()
    await section.run(async () => {
      for (const [officeId, shared] of Object.entries(changed)) await endpoints.setConsent(officeId, shared)
      setChanged({})
      loaded.reload()
      return t('details.consent_saved')
    })
  }
  return (
    <Section id="consent" title={tt('details.consent')}>
      <p class="utrecht-paragraph">{tt('details.consent_intro')}</p>
      {loaded.error ? <LoadError error={loaded.error} onRetry={loaded.reload} /> : !loaded.data ? <Loading /> : (
        <form class="kluis-form" onSubmit={submit} noValidate>
          <ErrorSummary errors={section.errors} onRetry={section.retry} />
          {section.saved && <Notice>{section.saved}</Notice>}
          {loaded.data.items.length === 0 ? <p class="utrecht-paragraph">{tt('details.consent_none')}</p> :
            loaded.data.items.map((item) => {
              const shared = changed[item.office_id] ?? item.shared
              return (
                <Checkbox key={item.office_id} id={`consent-${item.office_id}`} disabled={readOnly}
                  label={tt('details.consent_office', { office: item.office_name })} checked={shared}
                  description={tt(shared ? 'details.consent_on_help' : 'details.consent_off_help', { office: item.office_name })}
                  onChecked={(value) => setChanged({ ...changed, [item.office_id]: value })} />
              )
            })}
          {!readOnly && loaded.data.items.length > 0 && <Button type="submit" busy={section.busy}>{tt('action.save')}</Button>}
        </form>
      )}
    </Section>
  )
}

