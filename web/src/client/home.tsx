// Home (seed 001): the client's three places to go, with their counts.
import { LoadError, Loading, PageTitle, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { useT } from '../shared/i18n'
import { Link } from '../shared/router'
import { account } from '../shared/session'
import { openActions } from '../shared/shell'
import { useStore } from '../shared/store'
import { LinkRequests } from './link-requests'

export function HomePage() {
  const tt = useT()
  const who = useStore(account)
  const home = useLoad(async () => {
    const found = await endpoints.home()
    openActions.set(found.actions)
    return found
  }, [])
  return (
    <>
      <PageTitle title={tt('home.title')}>{tt('home.title')}</PageTitle>
      <p class="utrecht-paragraph kluis-lead">{tt('home.welcome', { name: who?.name ?? '' })}</p>
      {who && !who.read_only && <LinkRequests onAnswered={home.reload} />}
      {home.error ? <LoadError error={home.error} onRetry={home.reload} /> : !home.data ? <Loading /> : (
        <ul class="kluis-cards">
          <li class="kluis-card">
            <h2 class="utrecht-heading-2"><Link href="/dossiers" class="utrecht-link">{tt('nav.dossiers')}</Link></h2>
            <p class="utrecht-paragraph">
              {tt('home.dossiers_count', { in_progress: home.data.dossiers.in_progress,
                total: home.data.dossiers.total })}
            </p>
          </li>
          <li class="kluis-card">
            <h2 class="utrecht-heading-2"><Link href="/actions" class="utrecht-link">{tt('nav.actions')}</Link></h2>
            <p class="utrecht-paragraph">
              <span class="kluis-card__number">{home.data.actions}</span>{' '}
              {tt(home.data.actions === 0 ? 'home.actions_none' : home.data.actions === 1
                ? 'home.actions_one' : 'home.actions_many')}
            </p>
          </li>
          <li class="kluis-card">
            <h2 class="utrecht-heading-2"><Link href="/products" class="utrecht-link">{tt('products.title')}</Link></h2>
            <p class="utrecht-paragraph">{tt('home.products_text')}</p>
          </li>
        </ul>
      )}
    </>
  )
}
