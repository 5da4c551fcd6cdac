// The documents of one tab of a dossier: each says in words whether the client has
// downloaded it, and downloads through an authenticated fetch.
import { useState } from 'preact/hooks'
import { ApiError, saveFile } from '../shared/api'
import { Alert, Button, LoadError, Loading, StatusText, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { date, size } from '../shared/format'
import { t, useT } from '../shared/i18n'
import type { Category, DocumentItem } from '../shared/types'

export function useDownload() {
  const [busy, setBusy] = useState<string | null>(null)
  const [failure, setFailure] = useState<{ id: string, text: string } | null>(null)
  async function download(id: string): Promise<boolean> {
    setBusy(id)
    setFailure(null)
    try {
      const { blob, name } = await endpoints.documentContent(id)
      saveFile(blob, name)
      return true
    } catch (error) {
      setFailure({ id, text: error instanceof ApiError ? error.message : t('error.unexpected') })
      return false
    } finally {
      setBusy(null)
    }
  }
  return { busy, failure, download }
}

export function DocumentList({ dossierId, category, onRead }: {
  dossierId: string, category: Category, onRead: (unread: number) => void
}) {
  const tt = useT()
  const list = useLoad(() => endpoints.documents(dossierId, category), [dossierId, category])
  const { busy, failure, download } = useDownload()

  async function onDownload(item: DocumentItem) {
    if (!(await download(item.id))) return
    // The mark is the server's: ask again, and let the tab's count follow.
    const fresh = await endpoints.documents(dossierId, category).catch(() => null)
    if (fresh) {
      list.set(fresh)
      onRead(fresh.items.filter((doc) => !doc.downloaded).length)
    }
  }

  if (list.error) return <LoadError error={list.error} onRetry={list.reload} />
  if (!list.data) return <Loading />
  if (list.data.items.length === 0) {
    return <p class="utrecht-paragraph">{tt(`documents.empty.${category}`)}</p>
  }
  return (
    <ul class="kluis-list">
      {list.data.items.map((item) => (
        <li key={item.id} class="kluis-list__item kluis-document">
          <div class="kluis-document__text">
            <h3 class="utrecht-heading-4 kluis-list__title">{item.title || item.name}</h3>
            <p class="utrecht-paragraph kluis-meta">
              {item.name} · {size(item.size)} · {date(item.created_at)}
            </p>
            {category !== 'delivered_by_me' && (
              <p class="utrecht-paragraph kluis-meta">
                <StatusText tone={item.downloaded ? 'neutral' : 'info'}>
                  {tt(item.downloaded ? 'documents.downloaded' : 'documents.not_downloaded')}
                </StatusText>
              </p>
            )}
            {failure?.id === item.id && <Alert type="error" role="alert">{failure.text}</Alert>}
          </div>
          <Button busy={busy === item.id} onClick={() => onDownload(item)}>
            {tt('documents.download')}
            <span class="kluis-visually-hidden"> {item.title || item.name}</span>
          </Button>
        </li>
      ))}
    </ul>
  )
}
