// The lender's Kantoren: the offices (search, `Nieuw kantoor` with `Distributiepartner ID`,
// `Naam`, `Plaats`); per office its main users (owners), their registration requests to
// approve, and clients the lender records (consent off by default, as the seed says).
import { useState } from 'preact/hooks'
import { Button, Checkbox, ErrorSummary, LoadError, Loading, Notice, PageLoadError, PageTitle, TextField, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { hasErrors, localErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import { ApiError } from '../shared/api'
import { Link } from '../shared/router'
import { Section, useSection } from '../client/my-details'
import { StaffPageFor } from './office-staff'

export function OfficesPage() {
  const tt = useT()
  const list = useLoad(() => endpoints.offices(), [])
  const [q, setQ] = useState('')
  const items = (list.data?.items ?? []).filter((o) =>
    !q.trim() || `${o.name} ${o.city} ${o.partner_id}`.toLowerCase().includes(q.trim().toLowerCase()))
  return (
    <>
      <PageTitle title={tt('admin.offices')}>{tt('admin.offices')}</PageTitle>
      <NewOffice onMade={list.reload} />
      <div class="kluis-search" role="search">
        <TextField id="office-search" type="search" label={tt('dossiers.search_label')} value={q} onValue={setQ}
          description={tt('admin.office_search_help')} />
      </div>
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : !list.data ? <Loading /> : (
        <ul class="kluis-list" aria-label={tt('admin.offices')}>
          {items.map((office) => (
            <li key={office.id} class="kluis-list__item">
              <h2 class="utrecht-heading-4 kluis-list__title">
                <Link href={`/offices/${office.id}`} class="utrecht-link">{office.name} ({office.city})</Link>
              </h2>
              <p class="utrecht-paragraph kluis-meta">{tt('admin.partner_id', { id: office.partner_id })}</p>
            </li>
          ))}
        </ul>
      )}
    </>
  )
}

function NewOffice({ onMade }: { onMade: () => void }) {
  const tt = useT()
  const [partnerId, setPartnerId] = useState('')
  const [name, setName] = useState('')
  const [city, setCity] = useState('')
  const section = useSection()
  async function submit(event: Event) {
    event.preventDefault()
    const local = localErrors({
      'partner-id': partnerId.trim() ? null : t('app.partner_id_required'),
      'office-name': name.trim() ? null : t('details.extra_name_required'),
      'office-city': city.trim() ? null : t('admin.city_required'),
    })
    section.setErrors(local)
    if (hasErrors(local)) return
    await section.run(async () => {
      await endpoints.createOffice({ partner_id: partnerId.trim(), name: name.trim(), city: city.trim() })
      const made = t('admin.office_made', { name: name.trim() })
      setPartnerId(''); setName(''); setCity('')
      onMade()
      return made
    }, { partner_id: 'partner-id', name: 'office-name', city: 'office-city' }, { partner_id_taken: 'partner-id' })
  }
  return (
    <Section id="new-office" title={tt('admin.new_office')}>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      <form class="kluis-form" onSubmit={submit} noValidate>
        <TextField id="partner-id" label={tt('app.partner_id')} value={partnerId} onValue={setPartnerId}
          error={section.errors.fields['partner-id']} autoComplete="off" required />
        <TextField id="office-name" label={tt('details.name')} value={name} onValue={setName}
          error={section.errors.fields['office-name']} autoComplete="off" required />
        <TextField id="office-city" label={tt('admin.city')} value={city} onValue={setCity}
          error={section.errors.fields['office-city']} autoComplete="off" required />
        <Button type="submit" variant="primary" busy={section.busy}>{tt('admin.new_office')}</Button>
      </form>
    </Section>
  )
}

export function AdminOfficePage({ params }: { params: Record<string, string> }) {
  const tt = useT()
  const office = useLoad(() => endpoints.offices().then((page) => {
    const found = page.items.find((o) => o.id === params.id)
    if (!found) throw new ApiError(404, 'not_found', t('not_found.title'))
    return found
  }), [params.id])
  if (office.error) return <PageLoadError error={office.error} onRetry={office.reload} />
  if (!office.data) return <Loading />
  return (
    <>
      <p class="utrecht-paragraph kluis-back"><Link href="/" class="utrecht-link">{tt('admin.back_to_offices')}</Link></p>
      <PageTitle title={`${office.data.name} (${office.data.city})`}>{office.data.name} ({office.data.city})</PageTitle>
      <p class="utrecht-paragraph kluis-meta">{tt('admin.partner_id', { id: office.data.partner_id })}</p>
      <StaffPageFor officeId={office.data.id} />
      <LenderClient officeId={office.data.id} />
    </>
  )
}

function LenderClient({ officeId }: { officeId: string }) {
  const tt = useT()
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [shared, setShared] = useState(false)
  const section = useSection()
  async function submit(event: Event) {
    event.preventDefault()
    const local = localErrors({
      'client-name': name.trim() ? null : t('details.extra_name_required'),
      'client-email': email.trim() ? null : t('login.email_required'),
    })
    section.setErrors(local)
    if (hasErrors(local)) return
    await section.run(async () => {
      await endpoints.createClient(officeId, { type: 'person', name: name.trim(), email: email.trim(),
        language: 'nl', shared })
      const made = t('admin.client_made', { name: name.trim() })
      setName(''); setEmail('')
      return made
    }, { name: 'client-name', email: 'client-email' }, { client_exists: 'client-email' })
  }
  return (
    <Section id="lender-client" title={tt('admin.new_client')}>
      <p class="utrecht-paragraph">{tt('admin.new_client_help')}</p>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      <form class="kluis-form" onSubmit={submit} noValidate>
        <TextField id="client-name" label={tt('details.name')} value={name} onValue={setName}
          error={section.errors.fields['client-name']} autoComplete="off" required />
        <TextField id="client-email" type="email" label={tt('login.email')} value={email} onValue={setEmail}
          error={section.errors.fields['client-email']} autoComplete="off" required />
        <Checkbox id="client-shared" label={tt('office.consent')} checked={shared} onChecked={setShared}
          description={tt('admin.consent_help')} />
        <Button type="submit" busy={section.busy}>{tt('admin.new_client')}</Button>
      </form>
    </Section>
  )
}
