// A dossier's documents as the office sees them: `Document toevoegen` (category, title,
// a `Publiek` switch, drag and drop or choose, with progress), a `Publiek` switch on every
// document that takes effect at once, and `Ter ondertekening aanbieden` for a PDF.
import { useEffect, useRef, useState } from 'preact/hooks'
import { ApiError } from '../shared/api'
import { Alert, Button, LoadError, Loading, Notice, Select, StatusText, TextField, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { date, size } from '../shared/format'
import { t, useT } from '../shared/i18n'
import type { Category, DocumentItem } from '../shared/types'
import { useUploadList } from '../shared/upload-list'
import { UploadState } from '../shared/upload-state'
import { useDownload } from '../client/documents'

export function OfficeDocuments({ dossierId, category, clientId, onChange, onCount }: {
  dossierId: string, category: Category, clientId: string, onChange: () => void,
  onCount: (count: number) => void
}) {
  const tt = useT()
  const list = useLoad(() => endpoints.documents(dossierId, category), [dossierId, category])
  // The tab's count from the list itself, which is current the moment an upload is in it
  // (the dossier's counts follow the documents' events a moment later).
  useEffect(() => {
    if (list.data && !list.data.next_cursor) onCount(list.data.items.length)
  }, [list.data])
  const { busy, failure, download } = useDownload()
  const [notice, setNotice] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [working, setWorking] = useState<string | null>(null)

  function show(item: DocumentItem, shown: boolean) {
    list.set({ ...list.data!, items: list.data!.items.map((d) => (d.id === item.id ? { ...d, public: shown } : d)) })
  }

  async function toggle(item: DocumentItem, shown: boolean) {
    setError(null)
    setWorking(item.id)
    show(item, shown) // as the person set it, while the server is asked
    try {
      await endpoints.setDocumentPublic(item.id, shown)
      setNotice(t(shown ? 'office.now_public' : 'office.now_hidden', { title: item.title || item.name }))
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : t('error.unexpected'))
      show(item, !shown) // the switch shows the server's state again
    } finally {
      setWorking(null)
    }
  }

  async function offer(item: DocumentItem) {
    setError(null)
    setWorking(`offer-${item.id}`)
    try {
      await endpoints.offerForSigning(item.id, clientId)
      setNotice(t('office.offered', { title: item.title || item.name }))
      onChange()
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : t('error.unexpected'))
    } finally {
      setWorking(null)
    }
  }

  return (
    <>
      {category !== 'delivered_by_me' && <AddDocument dossierId={dossierId} category={category} onAdded={() => { list.reload(); onChange() }} />}
      {notice && <Notice>{notice}</Notice>}
      {error && <Alert type="error" role="alert"><p class="utrecht-paragraph">{error}</p></Alert>}
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : !list.data ? <Loading /> : (
        list.data.items.length === 0 ? <p class="utrecht-paragraph">{tt('office.no_documents')}</p> : (
          <ul class="kluis-list">
            {list.data.items.map((item) => (
              <li key={item.id} class="kluis-list__item kluis-document">
                <div class="kluis-document__text">
                  <h3 class="utrecht-heading-4 kluis-list__title">{item.title || item.name}</h3>
                  <p class="utrecht-paragraph kluis-meta">{item.name} · {size(item.size)} · {date(item.created_at)}</p>
                  <p class="utrecht-paragraph kluis-meta">
                    <StatusText tone={item.public ? 'ok' : 'neutral'}>{tt(item.public ? 'office.public' : 'office.hidden')}</StatusText>
                  </p>
                  {category !== 'delivered_by_me' && (
                    <label class="kluis-switch">
                      <input type="checkbox" role="switch" checked={item.public} disabled={working === item.id}
                        onChange={(event) => toggle(item, (event.target as HTMLInputElement).checked)} />
                      {tt('office.public_switch')}<span class="kluis-visually-hidden"> {item.title || item.name}</span>
                    </label>
                  )}
                  {failure?.id === item.id && <Alert type="error" role="alert">{failure.text}</Alert>}
                </div>
                <div class="kluis-button-group">
                  <Button busy={busy === item.id} onClick={() => download(item.id)}>
                    {tt('documents.download')}<span class="kluis-visually-hidden"> {item.title || item.name}</span>
                  </Button>
                  {item.content_type === 'application/pdf' && category !== 'delivered_by_me' && (
                    <Button variant="subtle" busy={working === `offer-${item.id}`} onClick={() => offer(item)}>
                      {tt('office.offer')}<span class="kluis-visually-hidden"> {item.title || item.name}</span>
                    </Button>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )
      )}
    </>
  )
}

function AddDocument({ dossierId, category, onAdded }: {
  dossierId: string, category: Category, onAdded: () => void
}) {
  const tt = useT()
  const input = useRef<HTMLInputElement>(null)
  const [title, setTitle] = useState('')
  const [kind, setKind] = useState<string>(category)
  const [shown, setShown] = useState(false)
  const [over, setOver] = useState(false)
  const uploads = useUploadList((file, progress) => {
    const upload = endpoints.uploadDocument(dossierId, file, { category: kind, title: title.trim() || undefined,
      public: shown }, (sent) => progress(sent))
    upload.done.then(() => { setTitle(''); onAdded() }, () => {})
    return upload
  }, 1)
  const current = uploads.items[uploads.items.length - 1]

  function take(files: FileList | null | undefined) {
    if (!files?.length) return
    uploads.clear()
    void uploads.add([files[0]])
  }

  return (
    <details class="kluis-add">
      <summary class="utrecht-button utrecht-button--primary-action">{tt('office.add_document')}</summary>
      <div class="kluis-form">
        <Select id={`add-category-${category}`} label={tt('office.category')} value={kind} onValue={setKind}
          options={[{ value: 'document', label: tt('dossier.tab.documents') },
            { value: 'correspondence', label: tt('dossier.tab.correspondence') }]} />
        <TextField id={`add-title-${category}`} label={tt('office.document_title')} value={title} onValue={setTitle} optional />
        <label class="kluis-switch">
          <input type="checkbox" role="switch" checked={shown} onChange={(e) => setShown((e.target as HTMLInputElement).checked)} />
          {tt('office.public_switch')}
        </label>
        <p class="utrecht-paragraph kluis-meta">{tt('office.public_help')}</p>
        <div class={`kluis-dropzone ${over ? 'kluis-dropzone--over' : ''}`}
          onDragOver={(e) => { e.preventDefault(); setOver(true) }} onDragLeave={() => setOver(false)}
          onDrop={(e) => { e.preventDefault(); setOver(false); take(e.dataTransfer?.files) }}>
          <p class="utrecht-paragraph">{tt('office.drop_document')}</p>
          <input ref={input} type="file" class="kluis-visually-hidden" tabIndex={-1} aria-hidden="true"
            onChange={() => { take(input.current?.files); input.current!.value = '' }} />
          <Button variant="primary" onClick={() => input.current?.click()}>{tt('office.choose_document')}</Button>
        </div>
        <UploadState id={`add-progress-${category}`} item={current} onRetry={uploads.retry} />
        {current?.status === 'done' && <Notice>{tt('office.document_added', { name: current.file.name })}</Notice>}
      </div>
    </details>
  )
}
