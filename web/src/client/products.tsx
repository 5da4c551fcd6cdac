// Mijn producten (seed 002): the running mortgages and life insurances, and each
// mortgage application with its status in words and when it last changed.
import { LoadError, Loading, PageTitle, StatusText, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { date, dateTime, money } from '../shared/format'
import { useT } from '../shared/i18n'
import type { MortgageApplication, Product } from '../shared/types'

const APPLICATION_TONE = { running: 'info', approved: 'ok', rejected: 'error', withdrawn: 'neutral' } as const

export function ProductsPage() {
  const tt = useT()
  const data = useLoad(() => Promise.all([endpoints.myProducts(), endpoints.myApplications()]), [])
  return (
    <>
      <PageTitle title={tt('products.title')}>{tt('products.title')}</PageTitle>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : !data.data ? <Loading /> : (
        <>
          <section aria-labelledby="applications-title">
            <h2 id="applications-title" class="utrecht-heading-2">{tt('products.applications')}</h2>
            <Applications items={data.data[1].items} />
          </section>
          <section aria-labelledby="products-title">
            <h2 id="products-title" class="utrecht-heading-2">{tt('products.running')}</h2>
            <Products items={data.data[0].items} />
          </section>
        </>
      )}
    </>
  )
}

function Applications({ items }: { items: MortgageApplication[] }) {
  const tt = useT()
  if (!items.length) return <p class="utrecht-paragraph">{tt('products.no_applications')}</p>
  return (
    <ul class="kluis-list">
      {items.map((item) => (
        <li key={item.id} class="kluis-list__item">
          <h3 class="utrecht-heading-4 kluis-list__title">
            {tt('products.application_title', { amount: money(item.amount_cents) })}
          </h3>
          <p class="utrecht-paragraph">
            <StatusText tone={APPLICATION_TONE[item.status]}>{tt(`products.status.${item.status}`)}</StatusText>
          </p>
          <p class="utrecht-paragraph kluis-meta">
            {item.lender && <>{tt('products.lender', { lender: item.lender })} · </>}
            {tt('products.office', { office: item.office_name })} · {tt('products.changed', { date: dateTime(item.updated_at) })}
          </p>
        </li>
      ))}
    </ul>
  )
}

function Products({ items }: { items: Product[] }) {
  const tt = useT()
  if (!items.length) return <p class="utrecht-paragraph">{tt('products.no_products')}</p>
  return (
    <div class="kluis-table-wrap">
      <table class="utrecht-table kluis-table">
        <caption class="kluis-visually-hidden">{tt('products.running')}</caption>
        <thead class="utrecht-table__header">
          <tr class="utrecht-table__row">
            <th class="utrecht-table__header-cell" scope="col">{tt('products.kind')}</th>
            <th class="utrecht-table__header-cell" scope="col">{tt('products.provider')}</th>
            <th class="utrecht-table__header-cell" scope="col">{tt('products.number')}</th>
            <th class="utrecht-table__header-cell" scope="col">{tt('products.amount')}</th>
            <th class="utrecht-table__header-cell" scope="col">{tt('products.start_date')}</th>
          </tr>
        </thead>
        <tbody class="utrecht-table__body">
          {items.map((item) => (
            <tr key={item.id} class="utrecht-table__row">
              <th class="utrecht-table__header-cell" scope="row" data-label={tt('products.kind')}>{tt(`products.kind.${item.kind}`)}</th>
              <td class="utrecht-table__cell" data-label={tt('products.provider')}>{item.provider ?? '-'}</td>
              <td class="utrecht-table__cell" data-label={tt('products.number')}>{item.number ?? '-'}</td>
              <td class="utrecht-table__cell" data-label={tt('products.amount')}>{money(item.amount_cents) || '-'}</td>
              <td class="utrecht-table__cell" data-label={tt('products.start_date')}>{date(item.start_date) || '-'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
