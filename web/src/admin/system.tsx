// The lender's operational views: what the lender must deliver for offices' requests,
// the login attempts, and messages whose handling kept failing (parked) with a replay.
import { useRef, useState } from 'preact/hooks'
import { ApiError } from '../shared/api'
import { Alert, Button, ErrorSummary, LoadError, Loading, Notice, PageTitle, Select, StatusText, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { dateTime } from '../shared/format'
import { hasText, t, useT } from '../shared/i18n'
import type { DocumentRequest } from '../shared/types'
import { useUploadList } from '../shared/upload-list'
import { UploadState } from '../shared/upload-state'
import { Section, useSection } from '../client/my-details'
import { RequestStatus } from '../client/requests'

const SERVICES = ['identity', 'dossier', 'documents', 'notify', 'signing']

export function DeliveriesPage() {
  const tt = useT()
  const list = useLoad(() => endpoints.lenderRequests(), [])
  return (
    <>
      <PageTitle title={tt('admin.deliveries')}>{tt('admin.deliveries')}</PageTitle>
      <p class="utrecht-paragraph kluis-lead">{tt('admin.deliveries_intro')}</p>
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : !list.data ? <Loading /> : (
        list.data.items.length === 0 ? <p class="utrecht-paragraph">{tt('admin.no_deliveries')}</p> : (
          <ul class="kluis-list">
            {list.data.items.map((item) => <Delivery key={item.id} item={item} onDone={list.reload} />)}
          </ul>
        )
      )}
    </>
  )
}

function Delivery({ item, onDone }: { item: DocumentRequest, onDone: () => void }) {
  const tt = useT()
  const input = useRef<HTMLInputElement>(null)
  const uploads = useUploadList((file, progress) => {
    const upload = endpoints.uploadForRequest(item.id, file, (sent) => progress(sent))
    upload.done.then(onDone, () => {})
    return upload
  }, 1)
  const current = uploads.items[uploads.items.length - 1]
  return (
    <li class="kluis-list__item">
      <h2 class="utrecht-heading-4 kluis-list__title">{item.title}</h2>
      <p class="utrecht-paragraph kluis-meta"><RequestStatus item={item} /></p>
      {item.status !== 'approved' && (
        <>
          <input ref={input} type="file" class="kluis-visually-hidden" tabIndex={-1} aria-hidden="true"
            onChange={() => { const f = input.current?.files?.[0]; input.current!.value = ''; if (f) { uploads.clear(); void uploads.add([f]) } }} />
          <Button busy={current?.status === 'uploading'} onClick={() => input.current?.click()}>
            {tt('requests.upload')}<span class="kluis-visually-hidden"> {item.title}</span>
          </Button>
        </>
      )}
      {current?.status === 'done' && <Notice>{tt('requests.delivered', { name: current.file.name })}</Notice>}
      <UploadState id={`delivery-${item.id}`} item={current} onRetry={uploads.retry} />
    </li>
  )
}

export function SystemPage() {
  const tt = useT()
  const attempts = useLoad(() => endpoints.loginAttempts(), [])
  const [service, setService] = useState('notify')
  const parked = useLoad(() => endpoints.parkedMessages(service), [service])
  const [replayed, setReplayed] = useState<string | null>(null)
  const [failed, setFailed] = useState<string | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  async function replay(id: string) {
    setBusy(id)
    setFailed(null)
    try {
      await endpoints.replayParked(service, id)
      setReplayed(t('admin.replayed'))
      parked.reload()
    } catch (error) {
      setFailed(error instanceof ApiError ? error.message : t('error.unexpected'))
    } finally {
      setBusy(null)
    }
  }
  return (
    <>
      <PageTitle title={tt('admin.system')}>{tt('admin.system')}</PageTitle>
      <h2 class="utrecht-heading-2">{tt('admin.parked')}</h2>
      <Select id="service" label={tt('admin.service')} value={service} onValue={setService}
        options={SERVICES.map((name) => ({ value: name, label: name }))} />
      {replayed && <Notice>{replayed}</Notice>}
      {failed && <Alert type="error" role="alert"><p class="utrecht-paragraph">{failed}</p></Alert>}
      {parked.error ? <LoadError error={parked.error} onRetry={parked.reload} /> : !parked.data ? <Loading /> : (
        parked.data.items.length === 0 ? <p class="utrecht-paragraph">{tt('admin.no_parked')}</p> : (
          <ul class="kluis-list">
            {parked.data.items.map((message) => (
              <li key={message.message_id} class="kluis-list__item">
                <p class="utrecht-paragraph"><strong>{message.source}</strong> · {dateTime(message.received_at)} · {tt('admin.attempts', { n: message.attempts })}</p>
                <p class="utrecht-paragraph kluis-meta kluis-break">{message.last_error}</p>
                <Button busy={busy === message.message_id} onClick={() => replay(message.message_id)}>{tt('admin.replay')}</Button>
              </li>
            ))}
          </ul>
        )
      )}
      <AuditCheckpoints />
      <h2 class="utrecht-heading-2">{tt('admin.login_attempts')}</h2>
      {attempts.error ? <LoadError error={attempts.error} onRetry={attempts.reload} /> : !attempts.data ? <Loading /> : (
        <ul class="kluis-list">
          {attempts.data.items.slice(0, 50).map((attempt, index) => (
            <li key={index} class="kluis-list__item kluis-break">
              <StatusText tone={attempt.success ? 'ok' : 'error'}>{tt(attempt.success ? 'admin.success' : 'admin.failure')}</StatusText>
              {' '}{attempt.email ?? tt('admin.unknown_address')} · {dateTime(attempt.at)} · {attempt.source_ip}{attemptReason(attempt.reason)}
            </li>
          ))}
        </ul>
      )}
    </>
  )
}

/** Sign the audit trail's checkpoints now, as the hourly rounds do (docs/privacy.md). */
function AuditCheckpoints() {
  const tt = useT()
  const section = useSection()
  const sign = () => section.run(async () => {
    const { signed } = await endpoints.signAuditCheckpoints()
    // One number for the admin: which services keep which trails is not theirs to know.
    const count = Object.values(signed).reduce((sum, n) => sum + (n ?? 0), 0)
    if (count === 0) return t('admin.checkpoints_none')
    return t(count === 1 ? 'admin.checkpoints_signed_one' : 'admin.checkpoints_signed', { count })
  })
  return (
    <Section id="checkpoints" title={tt('admin.checkpoints')}>
      <p class="utrecht-paragraph">{tt('admin.checkpoints_intro')}</p>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      <Button busy={section.busy} onClick={sign}>{tt('admin.checkpoints_sign')}</Button>
    </Section>
  )
}

/** ' · ' and the reason in words ('ok' says nothing beyond "Gelukt"); a code the portal
 * does not know yet is shown as it came. */
function attemptReason(reason: string | null | undefined): string {
  if (!reason || reason === 'ok') return ''
  const key = `admin.reason.${reason}`
  return ` · ${hasText(key) ? t(key) : reason}`
}
