// Who looked at, downloaded or looked along with the client's data (GET /me/audit).
import { useState } from 'preact/hooks'
import { Button, LoadError, Loading, PageTitle, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { dateTime } from '../shared/format'
import { hasText, useT } from '../shared/i18n'
import { Link } from '../shared/router'
import { account } from '../shared/session'
import { useStore } from '../shared/store'
import type { AuditEntry } from '../shared/types'

export function actorText(entry: AuditEntry, me: string | undefined, tt: ReturnType<typeof useT>) {
  const actor = typeof entry.actor === 'string' ? { id: entry.actor } : entry.actor
  if (actor.id && actor.id === me) return tt('audit.actor.you')
  const key = `audit.actor.${actor.kind ?? 'system'}`
  return hasText(key) ? tt(key) : tt('audit.actor.system')
}

export function actionText(action: string, tt: ReturnType<typeof useT>) {
  const lookAlong = action.endsWith(' (look-along)')
  const base = lookAlong ? action.slice(0, -' (look-along)'.length) : action
  const key = `audit.action.${base}`
  const text = hasText(key) ? tt(key) : base.replace(/_/g, ' ')
  return lookAlong ? `${text} ${tt('audit.during_look_along')}` : text
}

export function AuditPage() {
  const tt = useT()
  const who = useStore(account)
  const [cursor, setCursor] = useState<string | null>(null)
  const [earlier, setEarlier] = useState<AuditEntry[]>([])
  const page = useLoad(() => endpoints.myAudit(cursor), [cursor])
  const entries = [...earlier, ...(page.data?.items ?? [])]

  function more() {
    setEarlier(entries)
    setCursor(page.data?.next_cursor ?? null)
  }

  return (
    <>
      <p class="utrecht-paragraph kluis-back"><Link href="/my-details" class="utrecht-link">{tt('audit.back')}</Link></p>
      <PageTitle title={tt('audit.title')}>{tt('audit.title')}</PageTitle>
      <p class="utrecht-paragraph kluis-lead">{tt('audit.intro')}</p>
      {page.error ? <LoadError error={page.error} onRetry={page.reload} /> : !page.data && !earlier.length ? <Loading /> : (
        entries.length === 0 ? <p class="utrecht-paragraph">{tt('audit.empty')}</p> : (
          <>
            <ul class="kluis-list kluis-audit">
              {entries.map((entry, index) => (
                <li key={index} class="kluis-list__item">
                  <p class="utrecht-paragraph"><strong>{actionText(entry.action, tt)}</strong></p>
                  <p class="utrecht-paragraph kluis-meta">
                    {actorText(entry, who?.id, tt)} · <time dateTime={entry.at}>{dateTime(entry.at)}</time>
                  </p>
                </li>
              ))}
            </ul>
            {page.data?.next_cursor && <Button onClick={more} busy={page.loading}>{tt('audit.more')}</Button>}
          </>
        )
      )}
    </>
  )
}
