// A client as the office sees them: contact details (locked once the invitation was
// accepted, with the reason), the portal invitation in words with `Uitnodigen` /
// `Opnieuw uitnodigen`, `Meekijken` (the client's portal read-only in a new tab, and
// the client sees it), `Ontkoppelen` with what it removes and what the office keeps;
// then dossiers, products and mortgage applications (client-parts.tsx), and retention
// and erasure (retention.tsx).
import { useState } from 'preact/hooks'
import { ApiError } from '../shared/api'
import {
  Alert, Button, ErrorSummary, Loading, Notice, PageLoadError, PageTitle, StatusText, TextField, useLoad,
} from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { dateTime } from '../shared/format'
import { apiErrors, NO_ERRORS, type FormErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import { Link, useLocation } from '../shared/router'
import { account } from '../shared/session'
import { useStore } from '../shared/store'
import type { ClientRecord, InvitationState } from '../shared/types'
import { openLookAlong } from '../auth/look-along'
import { Section, useSection } from '../client/my-details'
import { ClientDossiers, ClientProducts } from './client-parts'
import { RetentionSection } from './retention'
import { officeLabel } from './clients'

const INVITATION_TONE = { not_invited: 'neutral', sent: 'info', accepted: 'ok' } as const

export function ClientPage({ params }: { params: Record<string, string> }) {
  const tt = useT()
  const who = useStore(account)
  const { notice } = useLocation()
  const data = useLoad(() => Promise.all([endpoints.client(params.id), endpoints.invitation(params.id)]), [params.id])
  if (data.error) return <PageLoadError error={data.error} onRetry={data.reload} />
  if (!data.data) return <Loading />
  const [record, invitation] = data.data
  return (
    <>
      <p class="utrecht-paragraph kluis-back"><Link href="/clients" class="utrecht-link">{tt('office.back_to_clients')}</Link></p>
      <PageTitle title={record.name}>{record.name}</PageTitle>
      <p class="utrecht-paragraph kluis-meta">
        {tt(record.type === 'company' ? 'office.company' : 'office.person')} · {officeLabel(who?.offices ?? [], record.office_id)}
      </p>
      {notice === 'client_created' && <Notice>{tt('office.client_created')}</Notice>}
      <Contact record={record} locked={invitation.status === 'accepted'}
        onSaved={(changed) => { data.set([changed, invitation]); data.reload() }} />
      <Portal record={record} invitation={invitation}
        onChanged={(state) => data.set([record, state])} />
      <ClientDossiers client={record} />
      <ClientProducts client={record} />
      <RetentionSection clientId={record.id} />
    </>
  )
}

function Contact({ record, locked, onSaved }: {
  record: ClientRecord, locked: boolean, onSaved: (record: ClientRecord) => void
}) {
  const tt = useT()
  const [email, setEmail] = useState(record.email)
  const [mobile, setMobile] = useState(record.mobile ?? '')
  const section = useSection()
  async function submit(event: Event) {
    event.preventDefault()
    await section.run(async () => {
      onSaved(await endpoints.updateClient(record.id, { email: email.trim(), mobile: mobile.trim() || null }))
      return t('office.contact_saved')
    }, { email: 'client-email', mobile: 'client-mobile' },
    { contact_locked: 'client-email', client_exists: 'client-email', invalid_mobile: 'client-mobile' })
  }
  return (
    <Section id="contact" title={tt('office.contact')}>
      {locked && <Alert type="info"><p class="utrecht-paragraph">{tt('office.contact_locked')}</p></Alert>}
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      <form class="kluis-form" onSubmit={submit} noValidate>
        <TextField id="client-email" type="email" label={tt('login.email')} value={email} onValue={setEmail}
          error={section.errors.fields['client-email']} readOnly={locked} autoComplete="off" />
        <TextField id="client-mobile" type="tel" label={tt('details.mobile')} value={mobile} onValue={setMobile}
          error={section.errors.fields['client-mobile']} readOnly={locked} autoComplete="off" optional />
        {!locked && <Button type="submit" busy={section.busy}>{tt('action.save')}</Button>}
      </form>
    </Section>
  )
}

function Portal({ record, invitation, onChanged }: {
  record: ClientRecord, invitation: InvitationState, onChanged: (state: InvitationState) => void
}) {
  const tt = useT()
  const section = useSection()
  const [unlinking, setUnlinking] = useState(false)
  const [lookError, setLookError] = useState<FormErrors>(NO_ERRORS)

  async function lookAlong() {
    setLookError(NO_ERRORS)
    const given = openLookAlong(() => endpoints.lookAlong(record.id).then((answer) => answer.token))
    if (!given) {
      setLookError(apiErrors(new ApiError(0, 'popup', t('office.popup_blocked'))))
      return
    }
    try {
      await given
    } catch (error) {
      setLookError(apiErrors(error))
    }
  }

  async function doUnlink() {
    await section.run(async () => {
      await endpoints.unlink(record.id)
      setUnlinking(false)
      onChanged(await endpoints.invitation(record.id))
      return t('office.unlinked')
    })
  }

  return (
    <Section id="portal" title={tt('office.portal')}>
      <p class="utrecht-paragraph">
        <StatusText tone={INVITATION_TONE[invitation.status]}>{tt(invitation.confirmation_pending ? 'office.invitation.pending' : `office.invitation.${invitation.status}`)}</StatusText>
        {invitation.sent_at && <> · {tt('office.invited_at', { date: dateTime(invitation.sent_at) })}</>}
      </p>
      <ErrorSummary errors={section.errors.summary.length ? section.errors : lookError} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      <div class="kluis-button-group">
        {invitation.status !== 'accepted' && (
          <Button variant="primary" busy={section.busy} onClick={() => section.run(async () => {
            onChanged(await (invitation.status === 'sent' ? endpoints.resendInvitation : endpoints.invite)(record.id))
            return t('office.invitation_sent', { email: record.email })
          })}>{tt(invitation.status === 'sent' ? 'office.invite_again' : 'office.invite')}</Button>
        )}
        {invitation.status === 'accepted' && (
          <>
            <Button onClick={lookAlong}>{tt('office.look_along')}</Button>
            <Button variant="danger" onClick={() => setUnlinking(true)}>{tt('office.unlink')}</Button>
          </>
        )}
      </div>
      {invitation.status === 'accepted' && <p class="utrecht-paragraph kluis-meta">{tt('office.look_along_help')}</p>}
      {unlinking && (
        <Alert type="warning" role="alert">
          <p class="utrecht-paragraph"><strong>{tt('office.unlink_confirm_title', { name: record.name })}</strong></p>
          <p class="utrecht-paragraph">{tt('office.unlink_confirm_text')}</p>
          <div class="kluis-button-group">
            <Button variant="danger" busy={section.busy} onClick={doUnlink}>{tt('office.unlink_yes')}</Button>
            <Button onClick={() => setUnlinking(false)}>{tt('action.cancel')}</Button>
          </div>
        </Alert>
      )}
    </Section>
  )
}
