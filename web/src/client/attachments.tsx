// Attachments for a message: a dialog with a drop zone and a "choose files" button;
// each file is checked against the server's limits, uploaded with its own progress,
// ends done or failed (with a retry), and can be removed before the message is sent.
import { useRef, useState } from 'preact/hooks'
import { Button, Dialog } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { size } from '../shared/format'
import { useT } from '../shared/i18n'
import type { Attachment } from '../shared/types'
import { useUploadList, type UploadItem } from '../shared/upload-list'

export function useAttachments(dossierId: string) {
  const uploads = useUploadList<Attachment>((file, progress) =>
    endpoints.uploadAttachment(dossierId, file, (sent) => progress(sent)))
  function remove(key: string) {
    const item = uploads.remove(key)
    // Already stored: take it away on the server too (a pending attachment is the sender's).
    if (item?.result) endpoints.removeAttachment(item.result.id).catch(() => {})
  }
  const ready = uploads.items.filter((item) => item.status === 'done' && item.result)
  const busy = uploads.items.some((item) => item.status === 'uploading' || item.status === 'waiting')
  return { ...uploads, remove, ids: ready.map((item) => item.result!.id), busy }
}

type Attachments = ReturnType<typeof useAttachments>

export function AttachmentList({ attachments, compact }: { attachments: Attachments, compact?: boolean }) {
  const tt = useT()
  if (!attachments.items.length) return null
  return (
    <ul class="kluis-files" aria-label={tt('attachments.list_label')}>
      {attachments.items.map((item) => <FileRow key={item.key} item={item} compact={compact}
        onRetry={() => attachments.retry(item.key)} onRemove={() => attachments.remove(item.key)} />)}
    </ul>
  )
}

function FileRow({ item, onRetry, onRemove, compact }: {
  item: UploadItem<Attachment>, onRetry: () => void, onRemove: () => void, compact?: boolean
}) {
  const tt = useT()
  const percent = item.file.size ? Math.min(100, Math.round((item.sent / item.file.size) * 100)) : 100
  return (
    <li class={`kluis-files__item kluis-files__item--${item.status}`}>
      <span class="kluis-files__name">{item.file.name}</span>{' '}
      <span class="kluis-meta">({size(item.file.size)})</span>
      <div class="kluis-files__state">
        {item.status === 'waiting' && <span>{tt('upload.waiting')}</span>}
        {item.status === 'uploading' && (
          <>
            <progress max={100} value={percent} aria-label={tt('upload.progress_label', { name: item.file.name })} />
            <span> {percent}%</span>
          </>
        )}
        {item.status === 'done' && <span class="kluis-status kluis-status--ok">{tt('upload.done')}</span>}
        {item.status === 'failed' && (
          <span class="kluis-status kluis-status--error" role="alert">{tt('upload.failed', { name: item.file.name })} {item.error}</span>
        )}
      </div>
      <div class="kluis-files__actions">
        {item.status === 'failed' && !item.final && !compact && (
          <Button variant="subtle" onClick={onRetry}>{tt('action.retry')}<span class="kluis-visually-hidden"> {item.file.name}</span></Button>
        )}
        <Button variant="subtle" onClick={onRemove}>{tt('attachments.remove')}<span class="kluis-visually-hidden"> {item.file.name}</span></Button>
      </div>
    </li>
  )
}

export function AttachmentsDialog({ open, onClose, attachments }: {
  open: boolean, onClose: () => void, attachments: Attachments
}) {
  const tt = useT()
  const input = useRef<HTMLInputElement>(null)
  const [over, setOver] = useState(false)

  function take(files: FileList | null | undefined) {
    if (files?.length) void attachments.add(Array.from(files))
  }

  return (
    <Dialog open={open} title={tt('attachments.title')} onClose={onClose}>
      <div class={`kluis-dropzone ${over ? 'kluis-dropzone--over' : ''}`}
        onDragOver={(event) => { event.preventDefault(); setOver(true) }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => { event.preventDefault(); setOver(false); take(event.dataTransfer?.files) }}>
        <p class="utrecht-paragraph">{tt('attachments.drop')}</p>
        <input ref={input} type="file" multiple class="kluis-visually-hidden" tabIndex={-1}
          aria-hidden="true" onChange={() => { take(input.current?.files); input.current!.value = '' }} />
        <Button variant="primary" onClick={() => input.current?.click()}>{tt('attachments.choose')}</Button>
        <p class="utrecht-paragraph kluis-meta" id="attachments-limits">{tt('attachments.limits')}</p>
      </div>
      <AttachmentList attachments={attachments} />
      <div class="kluis-button-group">
        <Button variant="secondary" onClick={onClose}>{tt('attachments.close')}</Button>
      </div>
    </Dialog>
  )
}
