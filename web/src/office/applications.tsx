// Hypotheekaanvragen across the offices (seed 000), by status.
import { LoadError, Loading, PageTitle, Select, StatusText, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { dateTime, money } from '../shared/format'
import { useT } from '../shared/i18n'
import { Link, navigate, useLocation } from '../shared/router'

const TONE = { running: 'info', approved: 'ok', rejected: 'error', withdrawn: 'neutral' } as const

export function ApplicationsPage() {
  const tt = useT()
  const { query } = useLocation()
  const status = query.get('status') ?? 'running'
  const list = useLoad(() => endpoints.applications(status), [status])
  return (
    <>
      <PageTitle title={tt('office.applications')}>{tt('office.applications')}</PageTitle>
      <Select id="status" label={tt('dossiers.status_label')} value={status}
        onValue={(value) => navigate(`/applications?status=${value}`, { replace: true })}
        options={['running', 'approved', 'rejected', 'withdrawn', 'all'].map((value) => ({
          value, label: tt(value === 'all' ? 'dossiers.status.all' : `products.status.${value}` as 'products.status.running') }))} />
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : !list.data ? <Loading /> : (
        list.data.items.length === 0 ? <p class="utrecht-paragraph">{tt('products.no_applications')}</p> : (
          <ul class="kluis-list">
            {list.data.items.map((item) => (
              <li key={item.id} class="kluis-list__item">
                <h2 class="utrecht-heading-4 kluis-list__title">
                  <Link href={`/clients/${item.client_id}`} class="utrecht-link">{item.client_name}</Link>
                </h2>
                <p class="utrecht-paragraph kluis-meta">
                  {money(item.amount_cents)}{item.lender ? ` · ${item.lender}` : ''} · <StatusText tone={TONE[item.status]}>{tt(`products.status.${item.status}`)}</StatusText>
                  {' '}· {tt('products.changed', { date: dateTime(item.updated_at) })} · {item.office_name}
                </p>
              </li>
            ))}
          </ul>
        )
      )}
    </>
  )
}
