// Acties: what the client still has to do, from every service that owns some: open
// questionnaires, documents asked for (rejected ones with the reason), documents to sign.
import { LoadError, Loading, PageTitle, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { date } from '../shared/format'
import { useT, type MessageKey } from '../shared/i18n'
import { Link } from '../shared/router'
import { account } from '../shared/session'
import { openActions } from '../shared/shell'
import { useStore } from '../shared/store'
import type { Action } from '../shared/types'
import { RequestStatus } from './requests'

export function ActionsPage() {
  const tt = useT()
  const who = useStore(account)
  const data = useLoad(async () => {
    const [actions, dossiers] = await Promise.all([endpoints.actions(),
      endpoints.dossiers({ status: 'all' })])
    openActions.set(actions.items.length)
    const numbers = Object.fromEntries(dossiers.items.map((d) => [d.id, d.number]))
    return { items: actions.items, numbers }
  }, [])
  const groups: [Action['type'], MessageKey][] = [
    ['questionnaire', 'actions.questionnaires'],
    ['document_request', 'actions.requests'],
    ['signature', 'actions.signatures'],
  ]
  return (
    <>
      <PageTitle title={tt('actions.title')}>{tt('actions.title')}</PageTitle>
      {data.error ? <LoadError error={data.error} onRetry={data.reload} /> : !data.data ? <Loading /> :
        data.data.items.length === 0 ? <p class="utrecht-paragraph kluis-lead">{tt('actions.none')}</p> : (
          <>
            <p class="utrecht-paragraph kluis-lead">
              {tt(data.data.items.length === 1 ? 'actions.count_one' : 'actions.count', { count: data.data.items.length })}
            </p>
            {groups.map(([type, heading]) => {
              const items = data.data!.items.filter((item) => item.type === type)
              if (!items.length) return null
              return (
                <section key={type} aria-labelledby={`actions-${type}`}>
                  <h2 id={`actions-${type}`} class="utrecht-heading-2">{tt(heading)}</h2>
                  <ul class="kluis-list">
                    {items.map((item) => (
                      <ActionItem key={item.id} item={item} number={data.data!.numbers[item.dossier_id]}
                        readOnly={Boolean(who?.read_only)} />
                    ))}
                  </ul>
                </section>
              )
            })}
          </>
        )}
    </>
  )
}

function ActionItem({ item, number, readOnly }: { item: Action, number?: string, readOnly: boolean }) {
  const tt = useT()
  return (
    <li class="kluis-list__item">
      <h3 class="utrecht-heading-4 kluis-list__title">{item.title}</h3>
      <p class="utrecht-paragraph kluis-meta">
        {number && <>{tt('dossier.title', { number })}</>}
        {item.type === 'document_request' && <> · <RequestStatus item={item} /></>}
        {item.type === 'document_request' && item.due_date && <> · {tt('requests.due', { date: date(item.due_date) })}</>}
      </p>
      {!readOnly && item.type === 'questionnaire' && (
        <Link href={`/questionnaires/${item.id}`} class="utrecht-button utrecht-button--primary-action kluis-button-link">
          {tt('actions.fill_in')}<span class="kluis-visually-hidden"> {item.title}</span>
        </Link>
      )}
      {!readOnly && item.type === 'document_request' && (
        <Link href={`/dossiers/${item.dossier_id}?tab=requests#request-${item.id}`} class="utrecht-button utrecht-button--primary-action kluis-button-link">
          {tt('actions.deliver')}<span class="kluis-visually-hidden"> {item.title}</span>
        </Link>
      )}
      {!readOnly && item.type === 'signature' && (
        <Link href={`/signing/${item.id}`} class="utrecht-button utrecht-button--primary-action kluis-button-link">
          {tt('signing.sign')}<span class="kluis-visually-hidden"> {item.title}</span>
        </Link>
      )}
    </li>
  )
}
