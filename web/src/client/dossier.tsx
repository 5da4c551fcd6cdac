// One dossier, in tabs: Correspondentie, Documenten, Door mij aangeleverd, Berichten, and
// Verzoeken / Digitaal ondertekenen where the dossier has any. Each tab's name carries its
// count and what is new in it.
import { useEffect, useState } from 'preact/hooks'
import { Badge, Loading, Notice, PageLoadError, PageTitle, Tabs, useLoad, type TabDef } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { date } from '../shared/format'
import { useT, type MessageKey } from '../shared/i18n'
import { Link, navigate, useLocation } from '../shared/router'
import { account } from '../shared/session'
import { refreshCounts } from '../shared/shell'
import { useStore } from '../shared/store'
import type { Dossier } from '../shared/types'
import { DocumentList } from './documents'
import { DossierStatusText } from './dossiers'
import { MessageList } from './messages'
import { RequestList } from './requests'
import { SigningList } from './signing-status'

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

  if (dossier.error) return <PageLoadError error={dossier.error} onRetry={dossier.reload} />
  if (!dossier.data || !tabs) return <Loading />
  const data = dossier.data

  const requestItems = requests.data?.items ?? []
  const signingItems = signing.data ?? []

  function setUnread(key: 'documents' | 'correspondence' | 'messages', unread: number) {
    setTabs((current) => current && { ...current, [key]: { ...current[key], unread } })
    refreshCounts()
  }

  function delivered() {
    requests.reload()
    setTabs((current) => current && { ...current, delivered_by_me: {
      total: current.delivered_by_me.total + 1 } })
  }

  const defs: (TabDef & { id: TabId })[] = [
    { id: 'correspondence',
      label: <TabLabel name="dossier.tab.correspondence" total={tabs.correspondence.total} news={tabs.correspondence.unread ?? 0} />,
      panel: () => <DocumentList dossierId={id} category="correspondence" onRead={(n) => setUnread('correspondence', n)} /> },
    { id: 'documents',
      label: <TabLabel name="dossier.tab.documents" total={tabs.documents.total} news={tabs.documents.unread ?? 0} />,
      panel: () => <DocumentList dossierId={id} category="document" onRead={(n) => setUnread('documents', n)} /> },
    { id: 'delivered',
      label: <TabLabel name="dossier.tab.delivered" total={tabs.delivered_by_me.total} news={0} />,
      panel: () => <DocumentList dossierId={id} category="delivered_by_me" onRead={() => {}} /> },
    { id: 'messages',
      label: <TabLabel name="dossier.tab.messages" total={tabs.messages.total} news={tabs.messages.unread ?? 0} />,
      panel: () => <MessageList dossierId={id} onRead={(n) => setUnread('messages', n)} /> },
  ]
  if (requestItems.length) {
    const open = requestItems.filter((r) => r.status === 'open' || r.status === 'rejected').length
    defs.push({ id: 'requests',
      label: <TabLabel name="dossier.tab.requests" total={requestItems.length} news={open} newsLabel="dossier.to_do" />,
      panel: () => <RequestList data={requests.data} error={requests.error} reload={delivered}
        readOnly={Boolean(who?.read_only)} /> })
  }
  if (signingItems.length) {
    const pending = signingItems.filter((s) => s.status === 'pending').length
    defs.push({ id: 'signing',
      label: <TabLabel name="dossier.tab.signing" total={signingItems.length} news={pending} newsLabel="dossier.to_do" />,
      panel: () => <SigningList items={signingItems} /> })
  }
  const wanted = query.get('tab') as TabId | null
  const selected: TabId = defs.some((d) => d.id === wanted) ? wanted! : 'correspondence'

  return (
    <>
      <p class="utrecht-paragraph kluis-back"><Link href="/dossiers" class="utrecht-link">{tt('dossier.back')}</Link></p>
      <PageTitle title={tt('dossier.title', { number: data.number })}>{tt('dossier.title', { number: data.number })}</PageTitle>
      <p class="utrecht-paragraph kluis-lead">{data.description}</p>
      <p class="utrecht-paragraph kluis-meta"><DossierStatusText status={data.status} /> · {tt('dossiers.since', { date: date(data.created_at) })}</p>
      {notice === 'message_sent' && <Notice>{tt('messages.sent')}</Notice>}
      <Tabs tabs={defs} selected={selected} label={tt('dossier.tabs_label')}
        onSelect={(tab) => navigate(`/dossiers/${id}?tab=${tab}`, { replace: true })} />
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
