// The client's dossiers: search by number or description, filtered by status (in
// progress by default), each with what is new in it.
import { useEffect, useState } from 'preact/hooks'
import { Badge, Button, LoadError, Loading, PageTitle, Select, TextField, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { date } from '../shared/format'
import { useT } from '../shared/i18n'
import { Link, navigate, useLocation } from '../shared/router'
import type { Dossier } from '../shared/types'

export function DossierStatusText({ status }: { status: Dossier['status'] }) {
  const tt = useT()
  return <span class={`kluis-status kluis-status--${status === 'closed' ? 'neutral' : 'info'}`}>
    {tt(status === 'closed' ? 'dossiers.status.closed' : 'dossiers.status.in_progress')}
  </span>
}

export function DossiersPage() {
  const tt = useT()
  const { query } = useLocation()
  const q = query.get('q') ?? ''
  const status = query.get('status') ?? 'in_progress'
  const [typed, setTyped] = useState(q)
  const [chosen, setChosen] = useState(status)
  useEffect(() => { setTyped(q); setChosen(status) }, [q, status]) // the menu link resets them
  const list = useLoad(() => endpoints.dossiers({ q: q || undefined, status }), [q, status])

  function search(event: Event) {
    event.preventDefault()
    const params = new URLSearchParams()
    if (typed.trim()) params.set('q', typed.trim())
    if (chosen !== 'in_progress') params.set('status', chosen)
    navigate(`/dossiers${params.toString() ? `?${params}` : ''}`, { replace: true })
  }

  const items = list.data?.items ?? []
  return (
    <>
      <PageTitle title={tt('dossiers.title')}>{tt('dossiers.title')}</PageTitle>
      <form class="kluis-search" role="search" onSubmit={search}>
        <TextField id="search" type="search" label={tt('dossiers.search_label')} value={typed}
          onValue={setTyped} description={tt('dossiers.search_help')} />
        <Select id="status" label={tt('dossiers.status_label')} value={chosen} onValue={setChosen}
          options={[
            { value: 'in_progress', label: tt('dossiers.status.in_progress') },
            { value: 'closed', label: tt('dossiers.status.closed') },
            { value: 'all', label: tt('dossiers.status.all') },
          ]} />
        <Button type="submit" variant="primary">{tt('dossiers.search')}</Button>
      </form>
      {list.error ? <LoadError error={list.error} onRetry={list.reload} />
        : list.loading && !list.data ? <Loading /> : (
          <>
            <p class="utrecht-paragraph" role="status">
              {tt(items.length === 1 ? 'dossiers.found_one' : 'dossiers.found', { count: items.length })}
            </p>
            <ul class="kluis-list">
              {items.map((item) => <DossierRow key={item.id} dossier={item} />)}
            </ul>
          </>
        )}
    </>
  )
}

function DossierRow({ dossier }: { dossier: Dossier }) {
  const tt = useT()
  const unread = dossier.unread ?? { documents: 0, correspondence: 0, messages: 0 }
  const news = unread.documents + unread.correspondence + unread.messages
  return (
    <li class="kluis-list__item">
      <h2 class="utrecht-heading-3 kluis-list__title">
        <Link href={`/dossiers/${dossier.id}`} class="utrecht-link">
          {tt('dossier.title', { number: dossier.number })}
        </Link>
      </h2>
      <p class="utrecht-paragraph">{dossier.description}</p>
      <p class="utrecht-paragraph kluis-meta">
        <DossierStatusText status={dossier.status} />{' '}
        {tt('dossiers.since', { date: date(dossier.created_at) })}{' '}
        {news > 0 && <Badge count={news} label={tt('dossiers.unread')} />}
      </p>
    </li>
  )
}
