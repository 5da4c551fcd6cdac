// The routes of the portal: the pages anyone may open (sign-in, activation, reset), and
// the client's area. One app holds every area; the area follows the account's kind.
import type { FunctionComponent } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { ActivatePage, SetPasswordPage } from './auth/activation'
import { AppLoginPage } from './auth/app-login'
import { LoginPage, LogoutPage, SecondStepPage } from './auth/login'
import { LookAlongPage } from './auth/look-along'
import { ForgotPasswordPage, ResetPasswordPage } from './auth/reset'
import { ActionsPage } from './client/actions'
import { AuditPage } from './client/audit'
import { DossierPage } from './client/dossier'
import { DossiersPage } from './client/dossiers'
import { HomePage } from './client/home'
import { NewMessagePage, ReplyPage } from './client/compose'
import { MyDetailsPage } from './client/my-details'
import { ProductsPage } from './client/products'
import { QuestionnairePage } from './client/questionnaire'
import { SignPage } from './client/sign'
import { LoadError, Loading, PageTitle } from './shared/components'
import { useT } from './shared/i18n'
import { match, navigate, useLocation } from './shared/router'
import { account, checkClock, end, loadAccount, signedIn } from './shared/session'
import { Shell, type NavItem } from './shared/shell'
import { useStore } from './shared/store'
import { StaffAppPage } from './staff-app/home'
import { AdminOfficePage, OfficesPage } from './admin/offices'
import { SecurityPage } from './admin/security'
import { DeliveriesPage, SystemPage } from './admin/system'
import { ApplicationsPage } from './office/applications'
import { ClientPage } from './office/client'
import { ClientsPage, NewClientPage } from './office/clients'
import { OfficeDossierPage } from './office/dossier'
import { OfficeHomePage } from './office/home'
import { IntegrationsPage } from './office/integrations'
import { activeOffice, OfficeName, ProfileMenu } from './office/office-bar'
import { StaffPage } from './office/staff'
import { ReviewPage, TasksPage } from './office/tasks'
import { NewTemplatePage } from './office/templates'
import type { Me } from './shared/types'
import { PcLoginPage } from './staff-app/pc-login'
import { RegisterPage } from './staff-app/register'
import { StaffLinkPage } from './auth/staff-link'

type Page = FunctionComponent<{ params: Record<string, string> }>

const PUBLIC: [string, Page][] = [
  ['/login', LoginPage],
  ['/login/app', AppLoginPage],
  ['/app', StaffAppPage],
  ['/app/register/:id', RegisterPage],
  ['/app/pc-login', PcLoginPage],
  ['/app/pc-login/:id', PcLoginPage],
  ['/login/code', SecondStepPage],
  ['/forgot-password', ForgotPasswordPage],
  ['/reset-password', ResetPasswordPage],
  ['/activate', ActivatePage],
  ['/set-password', SetPasswordPage],
  ['/look-along', LookAlongPage],
  ['/staff-link', StaffLinkPage],
]

const CLIENT: [string, Page][] = [
  ['/', HomePage],
  ['/dossiers', DossiersPage],
  ['/dossiers/:id', DossierPage],
  ['/dossiers/:id/messages/new', NewMessagePage],
  ['/dossiers/:id/messages/:messageId/reply', ReplyPage],
  ['/actions', ActionsPage],
  ['/products', ProductsPage],
  ['/my-details', MyDetailsPage],
  ['/my-details/audit', AuditPage],
  ['/questionnaires/:id', QuestionnairePage],
  ['/signing/:id', SignPage],
  ['/logout', LogoutPage],
]

const OFFICE: [string, Page][] = [
  ['/', OfficeHomePage],
  ['/clients', ClientsPage],
  ['/clients/new', NewClientPage],
  ['/clients/:id', ClientPage],
  ['/dossiers/:id', OfficeDossierPage],
  ['/dossiers/:id/messages/new', NewMessagePage],
  ['/dossiers/:id/messages/:messageId/reply', ReplyPage],
  ['/applications', ApplicationsPage],
  ['/tasks', TasksPage],
  ['/tasks/:id/review', ReviewPage],
  ['/staff', StaffPage],
  ['/settings/integrations', IntegrationsPage],
  ['/questionnaire-templates/new', NewTemplatePage],
  ['/logout', LogoutPage],
]

const ADMIN: [string, Page][] = [
  ['/', OfficesPage],
  ['/offices/:id', AdminOfficePage],
  ['/deliveries', DeliveriesPage],
  ['/system', SystemPage],
  ['/security', SecurityPage],
  ['/logout', LogoutPage],
]

function officeNav(who: Me): NavItem[] {
  const role = activeOffice(who)?.role
  return [
    { href: '/', label: 'office.home' },
    { href: '/clients', label: 'office.clients' },
    { href: '/applications', label: 'office.applications' },
    { href: '/tasks', label: 'office.tasks' },
    ...(role === 'owner' || role === 'staff_manager' ? [{ href: '/staff', label: 'office.staff' } as NavItem] : []),
    ...(role === 'owner' ? [{ href: '/settings/integrations', label: 'office.settings' } as NavItem] : []),
  ]
}

const ADMIN_NAV: NavItem[] = [
  { href: '/', label: 'admin.offices' },
  { href: '/deliveries', label: 'admin.deliveries' },
  { href: '/system', label: 'admin.system' },
  { href: '/security', label: 'admin.security' },
]

const CLIENT_NAV: NavItem[] = [
  { href: '/', label: 'nav.home' },
  { href: '/dossiers', label: 'nav.dossiers' },
  { href: '/actions', label: 'nav.actions' },
  { href: '/my-details', label: 'nav.my_details' },
]

function find(routes: [string, Page][], path: string) {
  for (const [pattern, page] of routes) {
    const params = match(pattern, path)
    if (params) return { page, params }
  }
  return null
}

function NotFoundPage() {
  const tt = useT()
  return (
    <>
      <PageTitle title={tt('not_found.title')}>{tt('not_found.title')}</PageTitle>
      <p class="utrecht-paragraph">{tt('not_found.text')}</p>
    </>
  )
}

/** The account of a session kept in this tab (a reload): learn who it is first. */
function useAccount(enabled: boolean) {
  const who = useStore(account)
  const [state, setState] = useState<{ loading: boolean, error?: unknown }>(
    { loading: enabled && signedIn() && !who })
  const [round, setRound] = useState(0)
  useEffect(() => {
    if (!enabled || !signedIn() || account.get()) return
    setState({ loading: true })
    loadAccount().then(() => { setState({ loading: false }); void checkClock() },
      (error) => {
        if ((error as { status?: number }).status === 401) void end('expired')
        else setState({ loading: false, error })
      })
  }, [round, enabled])
  return { who, ...state, retry: () => setRound((n) => n + 1) }
}

export function App() {
  const { path } = useLocation()
  const publicPage = find(PUBLIC, path)
  const { who, loading, error, retry } = useAccount(!publicPage)
  if (publicPage) {
    const { page: PageComponent, params } = publicPage
    return <Shell><PageComponent params={params} /></Shell>
  }
  if (!signedIn()) {
    const next = path === '/' || path === '/logout' ? '' : `?next=${encodeURIComponent(path + location.search)}`
    queueMicrotask(() => navigate(`/login${next}`, { replace: true }))
    return null
  }
  if (loading || error || !who) {
    return <Shell>{error ? <LoadError error={error} onRetry={retry} /> : <Loading />}</Shell>
  }
  if (who.kind === 'staff') {
    const found = find(OFFICE, path)
    return (
      <Shell nav={officeNav(who)} brand={<OfficeName />} tools={<ProfileMenu />}>
        {found ? <found.page params={found.params} /> : <NotFoundPage />}
      </Shell>
    )
  }
  const [routes, nav] = who.kind === 'admin' ? [ADMIN, ADMIN_NAV] : [CLIENT, CLIENT_NAV]
  const found = find(routes, path)
  return (
    <Shell nav={nav}>
      {found ? <found.page params={found.params} /> : <NotFoundPage />}
    </Shell>
  )
}
