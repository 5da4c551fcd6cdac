// What the office asked the client to deliver: each item's status in words, an upload
// with progress from the item itself, a new upload after a rejection; approved items
// under "Afgerond" (seed 002).
import { useEffect, useRef, useState } from 'preact/hooks'
import { Button, LoadError, Loading, Notice, StatusText } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { date } from '../shared/format'
import { useT } from '../shared/i18n'
import { refreshCounts } from '../shared/shell'
import { useUploadList } from '../shared/upload-list'
import { UploadState } from '../shared/upload-state'
import type { DocumentRequest, Page } from '../shared/types'

const TONE = {
  open: 'warning', uploaded: 'info', approved: 'ok', rejected: 'error', provisional: 'ok', lapsed: 'info',
} as const
const FINISHED = ['approved', 'provisional', 'lapsed']

/** Nothing left for the client: decided, or fetched by the lender from a data source. */
function finished(item: DocumentRequest) {
  return FINISHED.includes(item.status) || item.deliver_by === 'source'
}

export function RequestStatus({ item }: { item: Pick<DocumentRequest, 'status' | 'reason'> }) {
  const tt = useT()
  return (
    <StatusText tone={TONE[item.status]}>
      {tt(`requests.status.${item.status}`)}
      {item.status === 'rejected' && item.reason ? `: ${item.reason}` : ''}
    </StatusText>
  )
}

export function RequestList({ data, error, reload, readOnly }: {
  data?: Page<DocumentRequest>, error?: unknown, reload: () => void, readOnly: boolean
}) {
  const tt = useT()
  if (error) return <LoadError error={error} onRetry={reload} />
  if (!data) return <Loading />
  const open = data.items.filter((item) => !finished(item))
  const done = data.items.filter(finished)
  return (
    <>
      <h3 class="utrecht-heading-3">{tt('requests.open_heading')}</h3>
      {open.length === 0 ? <p class="utrecht-paragraph">{tt('requests.none_open')}</p> : (
        <ul class="kluis-list">
          {open.map((item) => <RequestItem key={item.id} item={item} onDone={reload} readOnly={readOnly} />)}
        </ul>
      )}
      {done.length > 0 && (
        <>
          <h3 class="utrecht-heading-3">{tt('requests.done_heading')}</h3>
          <ul class="kluis-list">
            {done.map((item) => <RequestItem key={item.id} item={item} onDone={reload} readOnly />)}
          </ul>
        </>
      )}
    </>
  )
}

function RequestItem({ item, onDone, readOnly }: {
  item: DocumentRequest, onDone: () => void, readOnly: boolean
}) {
  const tt = useT()
  const input = useRef<HTMLInputElement>(null)
  const uploads = useUploadList((file, progress) => endpoints.uploadForRequest(item.id, file,
    (sent) => progress(sent)), 1)
  const current = uploads.items[uploads.items.length - 1]
  const canUpload = !readOnly && item.deliver_by !== 'source' && (item.status === 'open' ||
    item.status === 'rejected' || item.status === 'uploaded')

  async function choose() {
    const files = Array.from(input.current?.files ?? [])
    if (input.current) input.current.value = ''
    if (!files.length) return
    uploads.clear()
    await uploads.add(files.slice(0, 1))
  }

  const [delivered, setDelivered] = useState<string | null>(null)
  const self = useRef<HTMLLIElement>(null)
  useEffect(() => {
    // Acties links to one item (#request-<id>): bring it into view, with the focus.
    if (location.hash === `#request-${item.id}`) {
      self.current?.scrollIntoView({ block: 'center' })
      self.current?.focus()
    }
  }, [])
  useEffect(() => {
    if (current?.status !== 'done') return
    setDelivered(current.file.name)
    uploads.clear()
    onDone() // the item's new status comes from the server
    refreshCounts(false)
  }, [current?.status])

  return (
    <li class="kluis-list__item" id={`request-${item.id}`} ref={self} tabIndex={-1}>
      <h4 class="utrecht-heading-4 kluis-list__title">{item.title}</h4>
      {item.description && <p class="utrecht-paragraph">{item.description}</p>}
      <p class="utrecht-paragraph kluis-meta">
        <RequestStatus item={item} />
        {item.due_date && <> · {tt('requests.due', { date: date(item.due_date) })}</>}
        {item.valid_until && item.status === 'uploaded' &&
          <> · {tt('requests.valid_until', { date: date(item.valid_until) })}</>}
        {item.deliver_by === 'source' && <> · {tt('requests.from_source')}</>}
      </p>
      {canUpload && (
        <div class="kluis-upload">
          <input ref={input} type="file" class="kluis-visually-hidden" tabIndex={-1} aria-hidden="true"
            onChange={choose} />
          <Button variant={item.status === 'uploaded' ? 'secondary' : 'primary'}
            busy={current?.status === 'uploading'} onClick={() => input.current?.click()}>
            {tt(item.status === 'open' ? 'requests.upload' : 'requests.upload_again')}
            <span class="kluis-visually-hidden"> {item.title}</span>
          </Button>
          <UploadState id={`progress-${item.id}`} item={current} onRetry={uploads.retry} />
          {delivered && !current && <Notice>{tt('requests.delivered', { name: delivered })}</Notice>}
        </div>
      )}
    </li>
  )
}
