// On a client's page: their dossiers (`Nieuw dossier`), products and mortgage
// applications (with their status, which the office changes).
import { useState } from 'preact/hooks'
import { Button, ErrorSummary, LoadError, Loading, Notice, Select, StatusText, TextField, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { date, money, parseAmount } from '../shared/format'
import { hasErrors, localErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import { Link } from '../shared/router'
import type { ApplicationStatus, ClientRecord } from '../shared/types'
import { Section, useSection } from '../client/my-details'
import { DossierStatusText } from '../client/dossiers'

const STATUSES: ApplicationStatus[] = ['running', 'approved', 'rejected', 'withdrawn']
const TONE = { running: 'info', approved: 'ok', rejected: 'error', withdrawn: 'neutral' } as const

export function ClientDossiers({ client }: { client: ClientRecord }) {
  const tt = useT()
  const list = useLoad(() => endpoints.dossiers({ status: 'all' }).then(
    (page) => page.items.filter((d) => d.client_id === client.id)), [client.id])
  const [number, setNumber] = useState('')
  const [description, setDescription] = useState('')
  const section = useSection()

  async function submit(event: Event) {
    event.preventDefault()
    const local = localErrors({
      'dossier-number': number.trim() ? null : t('office.number_required'),
      'dossier-description': description.trim() ? null : t('office.description_required'),
    })
    section.setErrors(local)
    if (hasErrors(local)) return
    await section.run(async () => {
      await endpoints.createDossier(client.id, { number: number.trim(), description: description.trim() })
      setNumber(''); setDescription('')
      list.reload()
      return t('office.dossier_created')
    }, { number: 'dossier-number', description: 'dossier-description' }, { dossier_number_taken: 'dossier-number' })
  }

  return (
    <Section id="dossiers" title={tt('nav.dossiers')}>
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : !list.data ? <Loading /> : (
        list.data.length === 0 ? <p class="utrecht-paragraph">{tt('office.no_dossiers')}</p> : (
          <ul class="kluis-list">
            {list.data.map((dossier) => (
              <li key={dossier.id} class="kluis-list__item">
                <h3 class="utrecht-heading-4 kluis-list__title">
                  <Link href={`/dossiers/${dossier.id}`} class="utrecht-link">{tt('dossier.title', { number: dossier.number })}</Link>
                </h3>
                <p class="utrecht-paragraph kluis-meta">{dossier.description} · <DossierStatusText status={dossier.status} /></p>
              </li>
            ))}
          </ul>
        )
      )}
      <h3 class="utrecht-heading-3">{tt('office.new_dossier')}</h3>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      <form class="kluis-form" onSubmit={submit} noValidate>
        <TextField id="dossier-number" label={tt('office.dossier_number')} value={number} onValue={setNumber}
          error={section.errors.fields['dossier-number']} autoComplete="off" required />
        <TextField id="dossier-description" label={tt('office.dossier_description')} value={description}
          onValue={setDescription} error={section.errors.fields['dossier-description']} autoComplete="off" required />
        <Button type="submit" busy={section.busy}>{tt('office.new_dossier')}</Button>
      </form>
    </Section>
  )
}

export function ClientProducts({ client }: { client: ClientRecord }) {
  const tt = useT()
  const products = useLoad(() => endpoints.clientProducts(client.id), [client.id])
  const applications = useLoad(() => endpoints.applications('all').then(
    (page) => page.items.filter((a) => a.client_id === client.id)), [client.id])
  const [amount, setAmount] = useState('')
  const [lender, setLender] = useState('')
  const section = useSection()

  async function openApplication(event: Event) {
    event.preventDefault()
    const euros = parseAmount(amount)
    const local = localErrors({ amount: euros > 0 ? null : t('office.amount_required') })
    section.setErrors(local)
    if (hasErrors(local)) return
    await section.run(async () => {
      await endpoints.openApplication(client.id, { amount_cents: Math.round(euros * 100),
        ...(lender.trim() ? { lender: lender.trim() } : {}) })
      setAmount(''); setLender('')
      applications.reload()
      return t('office.application_opened')
    }, { amount_cents: 'amount', lender: 'lender' })
  }

  async function setStatus(id: string, status: string) {
    await section.run(async () => {
      await endpoints.setApplicationStatus(id, status)
      applications.reload()
      return t('office.application_changed')
    })
  }

  return (
    <Section id="products" title={tt('office.products')}>
      {products.error ? <LoadError error={products.error} onRetry={products.reload} /> : !products.data ? <Loading /> : (
        products.data.items.length === 0 ? <p class="utrecht-paragraph">{tt('products.no_products')}</p> : (
          <ul class="kluis-list">
            {products.data.items.map((p) => (
              <li key={p.id} class="kluis-list__item">
                {tt(`products.kind.${p.kind}`)} · {p.provider ?? '-'} · {p.number ?? '-'} · {money(p.amount_cents)} · {date(p.start_date)}
              </li>
            ))}
          </ul>
        )
      )}
      <h3 class="utrecht-heading-3">{tt('products.applications')}</h3>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      {applications.error ? <LoadError error={applications.error} onRetry={applications.reload} /> : !applications.data ? <Loading /> : (
        <ul class="kluis-list">
          {applications.data.map((a) => (
            <li key={a.id} class="kluis-list__item">
              <p class="utrecht-paragraph">{money(a.amount_cents)}{a.lender ? ` · ${a.lender}` : ''} · <StatusText tone={TONE[a.status]}>{tt(`products.status.${a.status}`)}</StatusText></p>
              <StatusChange id={a.id} current={a.status} label={tt('office.application_status', { amount: money(a.amount_cents) })}
                busy={section.busy} onSave={(value) => setStatus(a.id, value)} />
            </li>
          ))}
        </ul>
      )}
      <form class="kluis-form" onSubmit={openApplication} noValidate>
        <TextField id="amount" label={tt('office.amount')} value={amount} onValue={setAmount}
          error={section.errors.fields.amount} inputMode="decimal" class="kluis-input--medium" required />
        <TextField id="lender" label={tt('office.lender')} value={lender} onValue={setLender} optional />
        <Button type="submit" busy={section.busy}>{tt('office.new_application')}</Button>
      </form>
    </Section>
  )
}

/** A status chosen, then saved with its own button (nothing happens while choosing). */
function StatusChange({ id, current, label, busy, onSave }: {
  id: string, current: ApplicationStatus, label: string, busy: boolean, onSave: (status: string) => void
}) {
  const tt = useT()
  const [chosen, setChosen] = useState<string>(current)
  return (
    <div class="kluis-inline-form">
      <Select id={`status-${id}`} label={label} value={chosen} onValue={setChosen}
        options={STATUSES.map((status) => ({ value: status, label: tt(`products.status.${status}`) }))} />
      <Button busy={busy} disabled={chosen === current} onClick={() => onSave(chosen)}>{tt('office.save_status')}</Button>
    </div>
  )
}
