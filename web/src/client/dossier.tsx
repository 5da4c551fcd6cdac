// One dossier, in tabs: Correspondentie, Documenten, Door mij aangeleverd, Berichten, and
// Verzoeken / Digitaal ondertekenen where the dossier has any. Each tab's name carries its
// count and what is new in it.
import { useEffect, useState } from 'preact/hooks'
import { Badge, LoadError, Loading, Notice, PageTitle, StatusText, Tabs, useLoad, type TabDef } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { date } from '../shared/format'
import { useT, type MessageKey } from '../shared/i18n'
import { Link, navigate, useLocation } from '../shared/router'
import { account } from '../shared/session'
import { refreshCounts } from '../shared/shell'
import { useStore } from '../shared/store'
import type { Dossier, SigningRequest } from '../shared/types'
import { DocumentList } from './documents'
import { DossierStatusText } from './dossiers'
import { MessageList } from './messages'
import { RequestList } from './requests'

type TabId = 'correspondence' | 'documents' | 'delivered' | 'messages' | 'requests' | 'signing'

export function DossierPage({ params }: { params: Record<string, string> }) {
  const tt = useT()
  const { query, notice } = useLocation()
  const who = useStore(account)
  const id = params.id
  const dossier = useLoad(() => endpoints.dossier(id), [id])
  const requests = useLoad(() => endpoints.requests(id), [id])
  const signing = useLoad(() => endpoints.signingRequests().then(
    (page) => page.items.filter((item) => item.dossier_id === id)), [id])
  const [tabs, setTabs] = useState<Dossier['tabs']>()
  useEffect(() => setTabs(dossier.data?.tabs), [dossier.data])

  if (dossier.error) return <LoadError error={dossier.error} onRetry={dossier.reload} />
  if (!dossier.data || !tabs) return <Loading />
  const data = dossier.data

  const requestItems = requests.data?.items ?? []
  const signingItems = signing.data ?? []
  const defs: (TabDef & { id: TabId })[] = [
    { id: 'correspondence', label: <TabLabel name="dossier.tab.correspondence" total={tabs.correspondence.total} news={tabs.correspondence.unread ?? 0} /> },
    { id: 'documents', label: <TabLabel name="dossier.tab.documents" total={tabs.documents.total} news={tabs.documents.unread ?? 0} /> },
    { id: 'delivered', label: <TabLabel name="dossier.tab.delivered" total={tabs.delivered_by_me.total} news={0} /> },
    { id: 'messages', label: <TabLabel name="dossier.tab.messages" total={tabs.messages.total} news={tabs.messages.unread ?? 0} /> },
  ]
  if (requestItems.length) {
    const open = requestItems.filter((r) => r.status === 'open' || r.status === 'rejected').length
    defs.push({ id: 'requests', label: <TabLabel name="dossier.tab.requests" total={requestItems.length} news={open} newsLabel="dossier.to_do" /> })
  }
  if (signingItems.length) {
    const pending = signingItems.filter((s) => s.status === 'pending').length
    defs.push({ id: 'signing', label: <TabLabel name="dossier.tab.signing" total={signingItems.length} news={pending} newsLabel="dossier.to_do" /> })
  }
  const wanted = query.get('tab') as TabId | null
  const selected: TabId = defs.some((d) => d.id === wanted) ? wanted! : 'correspondence'

  function select(tab: string) {
    navigate(`/dossiers/${id}?tab=${tab}`, { replace: true })
  }

  function setUnread(key: 'documents' | 'correspondence' | 'messages', unread: number) {
    setTabs((current) => current && { ...current, [key]: { ...current[key], unread } })
  }

  return (
    <>
      <p class="utrecht-paragraph kluis-back"><Link href="/dossiers" class="utrecht-link">{tt('dossier.back')}</Link></p>
      <PageTitle title={tt('dossier.title', { number: data.number })}>{tt('dossier.title', { number: data.number })}</PageTitle>
      <p class="utrecht-paragraph kluis-lead">{data.description}</p>
      <p class="utrecht-paragraph kluis-meta"><DossierStatusText status={data.status} /> · {tt('dossiers.since', { date: date(data.created_at) })}</p>
      {notice === 'message_sent' && <Notice>{tt('messages.sent')}</Notice>}
      <Tabs tabs={defs} selected={selected} onSelect={select} label={tt('dossier.tabs_label')}>
        {selected === 'correspondence' && <DocumentList dossierId={id} category="correspondence" onRead={(n) => { setUnread('correspondence', n); refreshCounts() }} />}
        {selected === 'documents' && <DocumentList dossierId={id} category="document" onRead={(n) => { setUnread('documents', n); refreshCounts() }} />}
        {selected === 'delivered' && <DocumentList dossierId={id} category="delivered_by_me" onRead={() => {}} />}
        {selected === 'messages' && <MessageList dossierId={id} onRead={(n) => setUnread('messages', n)} />}
        {selected === 'requests' && <RequestList data={requests.data} error={requests.error} reload={requests.reload} readOnly={Boolean(who?.read_only)} />}
        {selected === 'signing' && <SigningList items={signingItems} />}
      </Tabs>
    </>
  )
}

function TabLabel({ name, total, news, newsLabel = 'dossier.new' }: {
  name: MessageKey, total: number, news: number, newsLabel?: MessageKey
}) {
  const tt = useT()
  return (
    <>
      {tt(name)} <span class="kluis-tabs__count">({total})</span>
      {news > 0 && <> <Badge count={news} label={tt(newsLabel)} /></>}
    </>
  )
}

const SIGNING_TONE = { pending: 'warning', signed: 'ok', expired: 'neutral', withdrawn: 'neutral' } as const

export function SigningStatus({ item }: { item: SigningRequest }) {
  const tt = useT()
  const when = item.status === 'pending' ? date(item.expires_at) : date(item.signed_at)
  return <StatusText tone={SIGNING_TONE[item.status]}>{tt(`signing.status.${item.status}`, { date: when })}</StatusText>
}

function SigningList({ items }: { items: SigningRequest[] }) {
  const tt = useT()
  return (
    <ul class="kluis-list">
      {items.map((item) => (
        <li key={item.id} class="kluis-list__item">
          <h3 class="utrecht-heading-4 kluis-list__title">{item.title}</h3>
          <p class="utrecht-paragraph kluis-meta"><SigningStatus item={item} /></p>
          {(item.status === 'pending' || item.status === 'signed') && (
            <Link href={`/signing/${item.id}`} class={`utrecht-button kluis-button-link utrecht-button--${item.status === 'pending' ? 'primary-action' : 'secondary-action'}`}>
              {tt(item.status === 'pending' ? 'signing.sign' : 'signing.view')}
              <span class="kluis-visually-hidden"> {item.title}</span>
            </Link>
          )}
        </li>
      ))}
    </ul>
  )
}
