// A dossier in the office portal: the tabs the client sees, with the office's work in
// them (adding and publishing documents, requests, questionnaires, signing), and the
// dossier's audit trail.
import { useState } from 'preact/hooks'
import { Loading, PageLoadError, PageTitle, Tabs, useLoad, type TabDef } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { date } from '../shared/format'
import { useT } from '../shared/i18n'
import { Link, navigate, useLocation } from '../shared/router'
import { DossierStatusText } from '../client/dossiers'
import { MessageList } from '../client/messages'
import { OfficeDocuments } from './documents'
import { AuditList, OfficeRequests, OfficeSigning, QuestionnaireList } from './dossier-parts'

export function OfficeDossierPage({ params }: { params: Record<string, string> }) {
  const tt = useT()
  const { query } = useLocation()
  const id = params.id
  const dossier = useLoad(() => endpoints.dossier(id), [id])
  const [round, setRound] = useState(0)
  // A document tab's count as its own list last showed it (see OfficeDocuments); after a
  // change the dossier's counts again, until a list shows its own.
  const [listed, setListed] = useState<{ id: string, counts: Record<string, number> }>({ id, counts: {} })
  const changed = () => {
    setRound((n) => n + 1)
    setListed({ id, counts: {} })
    dossier.reload()
  }
  const counted = (category: string) => (count: number) =>
    setListed((known) => ({ id, counts: { ...(known.id === id ? known.counts : {}), [category]: count } }))
  if (dossier.error) return <PageLoadError error={dossier.error} onRetry={dossier.reload} />
  if (!dossier.data) return <Loading />
  const data = dossier.data
  const tabs = data.tabs!
  const documents = (category: 'correspondence' | 'document' | 'delivered_by_me') =>
    <OfficeDocuments dossierId={id} category={category} clientId={data.client_id} onChange={changed}
      onCount={counted(category)} />
  const total = (category: string, fallback: number) =>
    (listed.id === id ? listed.counts[category] : undefined) ?? fallback
  const defs: TabDef[] = [
    { id: 'correspondence', label: `${tt('dossier.tab.correspondence')} (${total('correspondence', tabs.correspondence.total)})`, panel: () => documents('correspondence') },
    { id: 'documents', label: `${tt('dossier.tab.documents')} (${total('document', tabs.documents.total)})`, panel: () => documents('document') },
    { id: 'delivered', label: `${tt('office.tab.delivered')} (${total('delivered_by_me', tabs.delivered_by_me.total)})`, panel: () => documents('delivered_by_me') },
    { id: 'messages', label: `${tt('dossier.tab.messages')} (${tabs.messages.total})`, panel: () => <MessageList dossierId={id} onRead={() => {}} /> },
    { id: 'requests', label: tt('dossier.tab.requests'), panel: () => <OfficeRequests dossierId={id} /> },
    { id: 'questionnaires', label: tt('office.tab.questionnaires'), panel: () => <QuestionnaireList dossierId={id} /> },
    { id: 'signing', label: tt('dossier.tab.signing'), panel: () => <OfficeSigning key={round} dossierId={id} /> },
    { id: 'audit', label: tt('office.tab.audit'), panel: () => <AuditList dossierId={id} /> },
  ]
  const wanted = query.get('tab')
  const selected = defs.some((d) => d.id === wanted) ? wanted! : 'documents'
  return (
    <>
      <p class="utrecht-paragraph kluis-back">
        <Link href={`/clients/${data.client_id}`} class="utrecht-link">{tt('office.back_to_client', { name: data.client_name })}</Link>
      </p>
      <PageTitle title={tt('dossier.title', { number: data.number })}>{tt('dossier.title', { number: data.number })}</PageTitle>
      <p class="utrecht-paragraph kluis-lead">{data.description} · {data.client_name}</p>
      <p class="utrecht-paragraph kluis-meta"><DossierStatusText status={data.status} /> · {tt('dossiers.since', { date: date(data.created_at) })}</p>
      <Tabs tabs={defs} selected={selected} label={tt('dossier.tabs_label')}
        onSelect={(tab) => navigate(`/dossiers/${id}?tab=${tab}`, { replace: true })} />
    </>
  )
}
