// Digitaal ondertekenen (after Documenso: the action at the top, nothing competing):
// open the PDF, type the full name, tick the agreement, "Ondertekenen". Afterwards the
// signed PDF and the sealed evidence.
import { useState } from 'preact/hooks'
import { ApiError, openFile, saveFile } from '../shared/api'
import {
  Alert, Button, Checkbox, ErrorSummary, LoadError, Loading, Notice, PageLoadError, PageTitle,
  TextField, useLoad,
} from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { dateTime } from '../shared/format'
import { apiErrors, hasErrors, localErrors, NO_ERRORS, type FormErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import { Link } from '../shared/router'
import { account } from '../shared/session'
import { refreshCounts } from '../shared/shell'
import { useStore } from '../shared/store'
import type { Evidence } from '../shared/types'
import { SigningStatus } from './signing-status'

export function SignPage({ params }: { params: Record<string, string> }) {
  const tt = useT()
  const who = useStore(account)
  const request = useLoad(() => endpoints.signingRequest(params.id), [params.id])
  const [name, setName] = useState('')
  const [agree, setAgree] = useState(false)
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [busy, setBusy] = useState(false)
  const [opening, setOpening] = useState<string | null>(null)
  const [openError, setOpenError] = useState<string | null>(null)
  const [justSigned, setJustSigned] = useState(false)

  if (request.error) return <PageLoadError error={request.error} onRetry={request.reload} />
  if (!request.data) return <Loading />
  const item = request.data

  async function open(documentId: string, download: boolean) {
    setOpening(documentId)
    setOpenError(null)
    try {
      const { blob, name: fileName } = await endpoints.documentContent(documentId)
      if (download || !openFile(blob)) saveFile(blob, fileName)
    } catch (error) {
      setOpenError(error instanceof ApiError ? error.message : t('error.unexpected'))
    } finally {
      setOpening(null)
    }
  }

  async function submit(event?: Event) {
    event?.preventDefault()
    const local = localErrors({
      'full-name': name.trim() ? null : t('signing.name_required'),
      agree: agree ? null : t('signing.agree_required'),
    })
    setErrors(local)
    if (hasErrors(local)) return
    setBusy(true)
    try {
      await endpoints.sign(item.id, name.trim(), agree)
      setJustSigned(true)
      request.set(await endpoints.signingRequest(item.id))
      refreshCounts(false)
    } catch (error) {
      setErrors(apiErrors(error, { full_name: 'full-name', agree: 'agree' },
        { name_mismatch: 'full-name', agreement_required: 'agree' }))
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <p class="utrecht-paragraph kluis-back">
        <Link href={`/dossiers/${item.dossier_id}?tab=signing`} class="utrecht-link">{tt('signing.back')}</Link>
      </p>
      <PageTitle title={tt('signing.title')}>{tt('signing.title')}</PageTitle>
      <p class="utrecht-paragraph kluis-lead">{item.title}</p>
      <p class="utrecht-paragraph kluis-meta"><SigningStatus item={item} /></p>
      {openError && <Alert type="error" role="alert">{openError}</Alert>}
      {justSigned && <Notice>{tt('signing.done')}</Notice>}
      {item.status === 'pending' && !who?.read_only && (
        <>
          <div class="kluis-button-group">
            <Button busy={opening === item.document_id} onClick={() => open(item.document_id, false)}>
              {tt('signing.open_document')}
            </Button>
          </div>
          <ErrorSummary errors={errors} onRetry={() => submit()} />
          <form class="kluis-form kluis-sign" onSubmit={submit} noValidate>
            <TextField id="full-name" label={tt('signing.full_name')} value={name} onValue={setName}
              error={errors.fields['full-name']} autoComplete="name" required
              description={tt('signing.full_name_help', { name: item.signer.name })} />
            <Checkbox id="agree" label={tt('signing.agree')} checked={agree} onChecked={setAgree}
              error={errors.fields.agree} />
            <Button type="submit" variant="primary" busy={busy}>{tt('signing.sign')}</Button>
          </form>
        </>
      )}
      {item.status === 'signed' && item.signed_document_id && (
        <>
          <div class="kluis-button-group">
            <Button variant="primary" busy={opening === item.signed_document_id}
              onClick={() => open(item.signed_document_id!, true)}>{tt('signing.download_signed')}</Button>
          </div>
          <EvidenceView id={item.id} />
        </>
      )}
    </>
  )
}

function EvidenceView({ id }: { id: string }) {
  const tt = useT()
  const evidence = useLoad(() => endpoints.evidence(id), [id])
  if (evidence.error) return <LoadError error={evidence.error} onRetry={evidence.reload} />
  if (!evidence.data) return <Loading />
  const data: Evidence = evidence.data
  const signer = typeof data.signer === 'string' ? data.signer : data.signer.name
  const rows: [string, string][] = [
    [tt('evidence.signer'), signer],
    [tt('evidence.signed_at'), dateTime(data.signed_at)],
    [tt('evidence.auth'), data.auth],
    [tt('evidence.ip'), data.ip],
    [tt('evidence.user_agent'), data.user_agent],
    [tt('evidence.document_sha256'), data.document_sha256],
    [tt('evidence.signed_document_sha256'), data.signed_document_sha256],
  ]
  return (
    <section aria-labelledby="evidence-title">
      <h2 id="evidence-title" class="utrecht-heading-2">{tt('evidence.title')}</h2>
      <p class="utrecht-paragraph">{tt('evidence.intro')}</p>
      <dl class="kluis-data-list">
        {rows.map(([label, value]) => (
          <div class="kluis-data-list__row" key={label}>
            <dt>{label}</dt><dd class="kluis-break">{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  )
}
