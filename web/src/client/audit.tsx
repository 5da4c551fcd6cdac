// Who looked at, downloaded or looked along with the client's data (GET /me/audit), and
// the trail as a signed file anyone can check (GET /me/audit/export; docs/privacy.md).
import { useState } from 'preact/hooks'
import { saveFile } from '../shared/api'
import { Button, ErrorSummary, LoadError, Loading, Notice, PageTitle, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { dateTime } from '../shared/format'
import { hasText, type MessageKey, useT } from '../shared/i18n'
import { Link } from '../shared/router'
import { account } from '../shared/session'
import { useStore } from '../shared/store'
import type { AuditEntry } from '../shared/types'
import { Section, useSection } from './my-details'

/** Whose eyes read the trail: the client's own words ("hidden from you", "your adviser")
 * or the office's, for a dossier's trail ("hidden from the client", "staff member"). */
export type AuditView = 'client' | 'office'

/** The text of `key` as `view` reads it: `audit.office.*` where the office's words
 * differ, the client's (`audit.*`) otherwise. */
function viewKey(key: MessageKey, view: AuditView): MessageKey {
  const office = key.replace(/^audit\./, 'audit.office.')
  return view === 'office' && hasText(office) ? office : key
}

export function actorText(entry: AuditEntry, me: string | undefined, tt: ReturnType<typeof useT>, view: AuditView = 'client') {
  const actor = typeof entry.actor === 'string' ? { id: entry.actor } : entry.actor
  if (actor.id && actor.id === me) return tt('audit.actor.you')
  const key = `audit.actor.${actor.kind ?? 'system'}`
  return tt(viewKey(hasText(key) ? key : 'audit.actor.system', view))
}

export function actionText(action: string, tt: ReturnType<typeof useT>, view: AuditView = 'client') {
  const lookAlong = action.endsWith(' (look-along)')
  const base = lookAlong ? action.slice(0, -' (look-along)'.length) : action
  const key = `audit.action.${base}`
  const text = hasText(key) ? tt(viewKey(key, view)) : base.replace(/_/g, ' ')
  return lookAlong ? `${text} ${tt('audit.during_look_along')}` : text
}

/** The trail as a file signed with Kluis's key: `make audit-verify` (or anyone with the
 * public key) can check that nothing in it was changed, left out or added. */
export function AuditFile({ id, load }: { id: string, load: () => Promise<{ blob: Blob, name: string }> }) {
  const tt = useT()
  const section = useSection()
  const download = () => section.run(async () => {
    const { blob, name } = await load()
    saveFile(blob, name)
    return tt('audit.file_saved')
  })
  return (
    <Section id={id} title={tt('audit.file_title')}>
      <p class="utrecht-paragraph">{tt('audit.file_intro')}</p>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      <Button busy={section.busy} onClick={download}>{tt('audit.file_download')}</Button>
    </Section>
  )
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
      {who && !who.read_only && <AuditFile id="audit-file" load={endpoints.myAuditFile} />}
    </>
  )
}
