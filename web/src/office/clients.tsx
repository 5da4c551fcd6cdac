// Klanten: the clients of every office the staff member works for (seed: a filter per
// office, the office on each row), a search, and `Nieuwe klant`.
import { useEffect, useState } from 'preact/hooks'
import {
  Button, Checkbox, ErrorSummary, LoadError, Loading, PageTitle, RadioGroup, Select, TextField, useLoad,
} from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { apiErrors, hasErrors, localErrors, NO_ERRORS, type FormErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import { Link, navigate, useLocation } from '../shared/router'
import { account } from '../shared/session'
import { useStore } from '../shared/store'
import { LANGUAGE_OPTIONS } from '../client/my-details'
import { activeOffice } from './office-bar'

export function officeLabel(offices: { id: string, name: string, city: string }[], id: string) {
  const office = offices.find((o) => o.id === id)
  return office ? `${office.name} (${office.city})` : ''
}

export function ClientsPage() {
  const tt = useT()
  const who = useStore(account)
  const { query } = useLocation()
  const q = query.get('q') ?? ''
  const [typed, setTyped] = useState(q)
  const [office, setOffice] = useState(query.get('office') ?? '')
  useEffect(() => setTyped(q), [q])
  const list = useLoad(() => endpoints.clients(q || undefined), [q])
  const offices = who?.offices ?? []

  function search(event: Event) {
    event.preventDefault()
    const params = new URLSearchParams()
    if (typed.trim()) params.set('q', typed.trim())
    if (office) params.set('office', office)
    navigate(`/clients${params.toString() ? `?${params}` : ''}`, { replace: true })
  }

  const items = (list.data?.items ?? []).filter((c) => !office || c.office_id === office)
  return (
    <>
      <PageTitle title={tt('office.clients')}>{tt('office.clients')}</PageTitle>
      <p class="utrecht-paragraph">
        <Link href="/clients/new" class="utrecht-button utrecht-button--primary-action kluis-button-link">{tt('office.new_client')}</Link>
      </p>
      <form class="kluis-search" role="search" onSubmit={search}>
        <TextField id="search" type="search" label={tt('dossiers.search_label')} value={typed}
          onValue={setTyped} description={tt('office.search_help')} />
        {offices.length > 1 && (
          <Select id="office" label={tt('office.office')} value={office} onValue={setOffice}
            options={[{ value: '', label: tt('office.all_offices') },
              ...offices.map((o) => ({ value: o.id, label: `${o.name} (${o.city})` }))]} />
        )}
        <Button type="submit" variant="primary">{tt('dossiers.search')}</Button>
      </form>
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : !list.data ? <Loading /> : (
        <>
          <p class="utrecht-paragraph" role="status">{tt('office.clients_found', { count: items.length })}</p>
          <ul class="kluis-list">
            {items.map((item) => (
              <li key={item.id} class="kluis-list__item">
                <h2 class="utrecht-heading-3 kluis-list__title">
                  <Link href={`/clients/${item.id}`} class="utrecht-link">{item.name}</Link>
                </h2>
                <p class="utrecht-paragraph kluis-meta kluis-break">
                  {item.email} · {tt(item.type === 'company' ? 'office.company' : 'office.person')} · {officeLabel(offices, item.office_id)}
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  )
}

export function NewClientPage() {
  const tt = useT()
  const who = useStore(account)
  const offices = who?.offices ?? []
  const [officeId, setOfficeId] = useState(activeOffice(who)?.id ?? '')
  const [type, setType] = useState('person')
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [mobile, setMobile] = useState('')
  const [language, setLanguage] = useState('nl')
  const [shared, setShared] = useState(true)
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [busy, setBusy] = useState(false)

  async function submit(event?: Event) {
    event?.preventDefault()
    const local = localErrors({
      name: name.trim() ? null : t('details.extra_name_required'),
      email: email.trim() ? null : t('login.email_required'),
    })
    setErrors(local)
    if (hasErrors(local)) return
    setBusy(true)
    try {
      const made = await endpoints.createClient(officeId, { type, name: name.trim(), email: email.trim(),
        mobile: mobile.trim() || null, language, shared })
      navigate(`/clients/${made.id}`, { replace: true, notice: 'client_created' })
    } catch (error) {
      setErrors(apiErrors(error, { name: 'name', email: 'email', mobile: 'mobile' },
        { client_exists: 'email', invalid_mobile: 'mobile' }))
      setBusy(false)
    }
  }

  return (
    <>
      <p class="utrecht-paragraph kluis-back"><Link href="/clients" class="utrecht-link">{tt('office.back_to_clients')}</Link></p>
      <PageTitle title={tt('office.new_client')}>{tt('office.new_client')}</PageTitle>
      <ErrorSummary errors={errors} onRetry={() => submit()} />
      <form class="kluis-form" onSubmit={submit} noValidate>
        {offices.length > 1 && (
          <Select id="office" label={tt('office.office')} value={officeId} onValue={setOfficeId}
            options={offices.map((o) => ({ value: o.id, label: `${o.name} (${o.city})` }))} />
        )}
        <RadioGroup id="type" legend={tt('office.client_type')} value={type} onValue={setType}
          options={[{ value: 'person', label: tt('office.person') }, { value: 'company', label: tt('office.company') }]} />
        <TextField id="name" label={tt('details.name')} value={name} onValue={setName} error={errors.fields.name}
          autoComplete="off" required />
        <TextField id="email" type="email" label={tt('login.email')} value={email} onValue={setEmail}
          error={errors.fields.email} autoComplete="off" inputMode="email" required />
        <TextField id="mobile" type="tel" label={tt('details.mobile')} value={mobile} onValue={setMobile}
          error={errors.fields.mobile} autoComplete="off" inputMode="tel" optional
          description={tt('office.mobile_help')} />
        <RadioGroup id="language" legend={tt('details.language')} value={language} onValue={setLanguage}
          options={LANGUAGE_OPTIONS()} />
        <Checkbox id="shared" label={tt('office.consent')} checked={shared} onChecked={setShared}
          description={tt('office.consent_help')} />
        <Button type="submit" variant="primary" busy={busy}>{tt('action.save')}</Button>
      </form>
    </>
  )
}
