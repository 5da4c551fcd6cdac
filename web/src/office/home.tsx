// The office portal's start page (seed 000): where to go, with the open tasks.
import { LoadError, Loading, Notice, PageTitle, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { useT } from '../shared/i18n'
import { Link, useLocation } from '../shared/router'
import { account } from '../shared/session'
import { useStore } from '../shared/store'
import { activeOffice } from './office-bar'

export function OfficeHomePage() {
  const tt = useT()
  const who = useStore(account)
  const { notice } = useLocation()
  const open = useLoad(() => endpoints.tasks('open'), [])
  const office = activeOffice(who)
  const manages = office?.role === 'owner' || office?.role === 'staff_manager'
  return (
    <>
      <PageTitle title={tt('office.home')}>{tt('office.home')}</PageTitle>
      {notice === 'office_switched' && office && <Notice>{tt('office.switched', { office: `${office.name} (${office.city})` })}</Notice>}
      <p class="utrecht-paragraph kluis-lead">{tt('office.welcome', { name: who?.name ?? '' })}</p>
      <ul class="kluis-cards">
        <li class="kluis-card">
          <h2 class="utrecht-heading-2"><Link href="/clients" class="utrecht-link">{tt('office.clients')}</Link></h2>
          <p class="utrecht-paragraph">{tt('office.clients_text')}</p>
        </li>
        <li class="kluis-card">
          <h2 class="utrecht-heading-2"><Link href="/tasks" class="utrecht-link">{tt('office.tasks')}</Link></h2>
          {open.data ? <p class="utrecht-paragraph">{tt('office.tasks_open', { count: open.data.items.length })}</p>
            : open.error ? <LoadError error={open.error} onRetry={open.reload} /> : <Loading />}
        </li>
        <li class="kluis-card">
          <h2 class="utrecht-heading-2"><Link href="/applications" class="utrecht-link">{tt('office.applications')}</Link></h2>
          <p class="utrecht-paragraph">{tt('office.applications_text')}</p>
        </li>
        {manages && (
          <li class="kluis-card">
            <h2 class="utrecht-heading-2"><Link href="/staff" class="utrecht-link">{tt('office.staff')}</Link></h2>
            <p class="utrecht-paragraph">{tt('office.staff_text')}</p>
          </li>
        )}
      </ul>
    </>
  )
}
