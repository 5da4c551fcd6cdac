// The messages of a dossier, both ways. A message opens on click, which marks an
// incoming one read; it can be answered, and its attachments downloaded.
import { useState } from 'preact/hooks'
import { Alert, Button, LoadError, Loading, StatusText, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { dateTime, size } from '../shared/format'
import { useT } from '../shared/i18n'
import { Link } from '../shared/router'
import { account } from '../shared/session'
import { useStore } from '../shared/store'
import type { Message } from '../shared/types'
import { useDownload } from './documents'

export function MessageList({ dossierId, onRead }: {
  dossierId: string, onRead: (unread: number) => void
}) {
  const tt = useT()
  const who = useStore(account)
  const list = useLoad(() => endpoints.messages(dossierId), [dossierId])
  const [open, setOpen] = useState<string | null>(null)

  async function toggle(message: Message) {
    const opening = open !== message.id
    setOpen(opening ? message.id : null)
    if (!opening || message.direction !== 'incoming' || message.read || who?.read_only) return
    try {
      await endpoints.markRead(message.id)
    } catch {
      return // stays unread; the next visit tries again
    }
    const items = list.data!.items.map((m) => (m.id === message.id ? { ...m, read: true } : m))
    list.set({ ...list.data!, items })
    onRead(items.filter((m) => m.direction === 'incoming' && !m.read).length)
  }

  if (list.error) return <LoadError error={list.error} onRetry={list.reload} />
  if (!list.data) return <Loading />
  return (
    <>
      {!who?.read_only && (
        <p class="utrecht-paragraph">
          <Link href={`/dossiers/${dossierId}/messages/new`} class="utrecht-button utrecht-button--primary-action kluis-button-link">
            {tt('messages.new')}
          </Link>
        </p>
      )}
      {list.data.items.length === 0 ? <p class="utrecht-paragraph">{tt('messages.empty')}</p> : (
        <ul class="kluis-list">
          {list.data.items.map((message) => (
            <MessageItem key={message.id} message={message} open={open === message.id}
              onToggle={() => toggle(message)} dossierId={dossierId} readOnly={Boolean(who?.read_only)} />
          ))}
        </ul>
      )}
    </>
  )
}

function MessageItem({ message, open, onToggle, dossierId, readOnly }: {
  message: Message, open: boolean, onToggle: () => void, dossierId: string, readOnly: boolean
}) {
  const tt = useT()
  const { busy, failure, download } = useDownload()
  const incoming = message.direction === 'incoming'
  const unread = incoming && !message.read
  const staffSide = useStore(account)?.kind === 'staff'
  return (
    <li class={`kluis-list__item kluis-message ${unread ? 'kluis-message--unread' : ''}`}>
      <h3 class="utrecht-heading-4 kluis-list__title">
        <button type="button" class="kluis-disclosure" aria-expanded={open ? 'true' : 'false'}
          aria-controls={`message-${message.id}`} onClick={onToggle}>
          {message.subject}
        </button>
      </h3>
      <p class="utrecht-paragraph kluis-meta">
        <StatusText tone={incoming ? 'info' : 'neutral'}>
          {tt(incoming ? 'messages.incoming' : 'messages.outgoing')}
        </StatusText>{' '}
        {dateTime(message.created_at)}
        {unread && <> · <strong>{tt('messages.unread')}</strong></>}
        {!incoming && message.read && <> · {tt(staffSide ? 'messages.read_by_client' : 'messages.read_by_office')}</>}
        {message.attachments.length > 0 && <> · {tt('messages.attachment_count', { count: message.attachments.length })}</>}
      </p>
      {open && (
        <div id={`message-${message.id}`} class="kluis-message__body">
          <p class="utrecht-paragraph kluis-pre">{message.body}</p>
          {message.attachments.length > 0 && (
            <>
              <h4 class="utrecht-heading-5">{tt('messages.attachments')}</h4>
              <ul class="kluis-attachments">
                {message.attachments.map((file) => (
                  <li key={file.id}>
                    <Button variant="subtle" busy={busy === file.id} onClick={() => download(file.id)}>
                      {tt('documents.download')}<span class="kluis-visually-hidden"> {file.name}</span>
                    </Button>{' '}
                    {file.name} ({size(file.size)})
                    {failure?.id === file.id && <Alert type="error" role="alert">{failure.text}</Alert>}
                  </li>
                ))}
              </ul>
            </>
          )}
          {!readOnly && (
            <Link href={`/dossiers/${dossierId}/messages/${message.id}/reply`} class="utrecht-button utrecht-button--secondary-action kluis-button-link">
              {tt('messages.reply')}
            </Link>
          )}
        </div>
      )}
    </li>
  )
}
