// The office's tabs of a dossier: requests (`Nieuw verzoek`), questionnaires (assign a
// template), signing (status in words and colour, evidence, withdraw) and the audit trail.
import { useState } from 'preact/hooks'
import {
  Button, ErrorSummary, LoadError, Loading, Notice, RadioGroup, Select, StatusText, TextArea, TextField, useLoad,
} from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { dateTime } from '../shared/format'
import { hasErrors, localErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import { Link } from '../shared/router'
import { account } from '../shared/session'
import { useStore } from '../shared/store'
import { actionText, actorText, AuditFile } from '../client/audit'
import { useSection } from '../client/my-details'
import { RequestStatus } from '../client/requests'
import { SigningStatus } from '../client/signing-status'

// Who delivers an item; `source`: an HDN item the lender fetched from a data source.
const BY = { client: 'office.by_client', lender: 'office.by_lender', source: 'office.by_source' } as const

export function OfficeRequests({ dossierId }: { dossierId: string }) {
  const tt = useT()
  const list = useLoad(() => endpoints.requests(dossierId), [dossierId])
  const [title, setTitle] = useState('')
  const [description, setDescription] = useState('')
  const [deliverBy, setDeliverBy] = useState('client')
  const [due, setDue] = useState('')
  const section = useSection()

  async function submit(event: Event) {
    event.preventDefault()
    const local = localErrors({ 'request-title': title.trim() ? null : t('office.title_required') })
    section.setErrors(local)
    if (hasErrors(local)) return
    await section.run(async () => {
      await endpoints.createRequest(dossierId, { title: title.trim(), description: description.trim() || null,
        deliver_by: deliverBy, due_date: due || null })
      setTitle(''); setDescription(''); setDue('')
      list.reload()
      return t('office.request_created')
    }, { title: 'request-title', description: 'request-description', due_date: 'request-due' })
  }

  return (
    <>
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : !list.data ? <Loading /> : (
        list.data.items.length === 0 ? <p class="utrecht-paragraph">{tt('office.no_requests')}</p> : (
          <ul class="kluis-list">
            {list.data.items.map((item) => (
              <li key={item.id} class="kluis-list__item">
                <h3 class="utrecht-heading-4 kluis-list__title">{item.title}</h3>
                <p class="utrecht-paragraph kluis-meta">
                  <RequestStatus item={item} /> · {tt(BY[item.deliver_by])}
                </p>
              </li>
            ))}
          </ul>
        )
      )}
      <h3 class="utrecht-heading-3">{tt('office.new_request')}</h3>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      <form class="kluis-form" onSubmit={submit} noValidate>
        <TextField id="request-title" label={tt('office.request_title')} value={title} onValue={setTitle}
          error={section.errors.fields['request-title']} required />
        <TextArea id="request-description" label={tt('office.request_description')} value={description}
          onValue={setDescription} rows={3} optional />
        <RadioGroup id="request-by" legend={tt('office.deliver_by')} value={deliverBy} onValue={setDeliverBy}
          options={[{ value: 'client', label: tt('office.by_client') }, { value: 'lender', label: tt('office.by_lender') }]} />
        <TextField id="request-due" type="date" label={tt('office.due_date')} value={due} onValue={setDue}
          error={section.errors.fields['request-due']} class="kluis-input--medium" optional />
        <Button type="submit" busy={section.busy}>{tt('office.new_request')}</Button>
      </form>
    </>
  )
}

export function QuestionnaireList({ dossierId }: { dossierId: string }) {
  const tt = useT()
  const list = useLoad(() => endpoints.dossierQuestionnaires(dossierId), [dossierId])
  const templates = useLoad(() => endpoints.templates(), [])
  const [chosen, setChosen] = useState('')
  const section = useSection()

  async function assign(event: Event) {
    event.preventDefault()
    const local = localErrors({ template: chosen ? null : t('office.template_required') })
    section.setErrors(local)
    if (hasErrors(local)) return
    await section.run(async () => {
      await endpoints.assignQuestionnaire(dossierId, chosen)
      list.reload()
      return t('office.assigned')
    })
  }

  return (
    <>
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : !list.data ? <Loading /> : (
        list.data.items.length === 0 ? <p class="utrecht-paragraph">{tt('office.no_questionnaires')}</p> : (
          <ul class="kluis-list">
            {list.data.items.map((item) => (
              <li key={item.id} class="kluis-list__item">
                <h3 class="utrecht-heading-4 kluis-list__title">{item.title}</h3>
                <StatusText tone={item.status === 'completed' ? 'ok' : 'warning'}>
                  {tt(item.status === 'completed' ? 'office.questionnaire_completed' : 'office.questionnaire_open')}
                </StatusText>
              </li>
            ))}
          </ul>
        )
      )}
      <h3 class="utrecht-heading-3">{tt('office.assign')}</h3>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      {templates.data && (
        <form class="kluis-form" onSubmit={assign} noValidate>
          <Select id="template" label={tt('office.template')} value={chosen} onValue={setChosen}
            error={section.errors.fields.template}
            options={[{ value: '', label: tt('questionnaire.choose') },
              ...templates.data.items.map((item) => ({ value: item.id, label: item.title }))]} />
          <Button type="submit" busy={section.busy}>{tt('office.assign')}</Button>
        </form>
      )}
      <p class="utrecht-paragraph"><Link href="/questionnaire-templates/new" class="utrecht-link">{tt('office.new_template')}</Link></p>
    </>
  )
}

export function OfficeSigning({ dossierId }: { dossierId: string }) {
  const tt = useT()
  const list = useLoad(() => endpoints.signingRequests().then((page) => page.items.filter((i) => i.dossier_id === dossierId)), [dossierId])
  const [evidenceOf, setEvidenceOf] = useState<string | null>(null)
  const evidence = useLoad(() => (evidenceOf ? endpoints.evidence(evidenceOf) : Promise.resolve(null)), [evidenceOf])
  const section = useSection()
  if (list.error) return <LoadError error={list.error} onRetry={list.reload} />
  if (!list.data) return <Loading />
  if (list.data.length === 0) return <p class="utrecht-paragraph">{tt('office.no_signing')}</p>
  return (
    <>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      <ul class="kluis-list">
        {list.data.map((item) => (
          <li key={item.id} class="kluis-list__item">
            <h3 class="utrecht-heading-4 kluis-list__title">{item.title}</h3>
            <p class="utrecht-paragraph kluis-meta"><SigningStatus item={item} /> · {item.signer.name}</p>
            <div class="kluis-button-group">
              {item.status === 'signed' && <Button onClick={() => setEvidenceOf(item.id)}>{tt('office.show_evidence')}</Button>}
              {item.status === 'pending' && <Button variant="danger" onClick={() => section.run(async () => {
                await endpoints.withdrawSigning(item.id)
                list.reload()
                return t('office.withdrawn')
              })}>{tt('office.withdraw')}</Button>}
            </div>
            {evidenceOf === item.id && evidence.data && (
              <dl class="kluis-data-list" aria-label={tt('evidence.title')}>
                <div class="kluis-data-list__row"><dt>{tt('evidence.signed_at')}</dt><dd>{dateTime(evidence.data.signed_at)}</dd></div>
                <div class="kluis-data-list__row"><dt>{tt('evidence.auth')}</dt><dd>{evidence.data.auth}</dd></div>
                <div class="kluis-data-list__row"><dt>{tt('evidence.ip')}</dt><dd>{evidence.data.ip}</dd></div>
                <div class="kluis-data-list__row"><dt>{tt('evidence.signed_document_sha256')}</dt><dd class="kluis-break">{evidence.data.signed_document_sha256}</dd></div>
              </dl>
            )}
          </li>
        ))}
      </ul>
    </>
  )
}

export function AuditList({ dossierId }: { dossierId: string }) {
  const tt = useT()
  const who = useStore(account)
  const list = useLoad(() => endpoints.dossierAudit(dossierId), [dossierId])
  if (list.error) return <LoadError error={list.error} onRetry={list.reload} />
  if (!list.data) return <Loading />
  return (
    <>
      <ul class="kluis-list" aria-label={tt('office.tab.audit')}>
        {list.data.items.map((entry, index) => (
          <li key={index} class="kluis-list__item">
            <strong>{actionText(entry.action, tt, 'office')}</strong>
            <span class="kluis-meta"> · {actorText(entry, who?.id, tt, 'office')} · {dateTime(entry.at)}</span>
          </li>
        ))}
      </ul>
      <AuditFile id="dossier-audit-file" load={() => endpoints.dossierAuditFile(dossierId)} />
    </>
  )
}
