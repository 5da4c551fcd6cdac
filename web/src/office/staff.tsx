// Medewerkers (owners and staff managers of the active office): the staff with their role
// and registration state, adding a person (a personal e-mail address only: shared
// mailboxes are refused, as the seed explains), changing a role, unlinking; and
// Registratieverzoeken to approve or reject.
import { useState } from 'preact/hooks'
import {
  Alert, Button, ErrorSummary, LoadError, Loading, Notice, PageTitle, Select, StatusText, TextField, useLoad,
} from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { dateTime } from '../shared/format'
import { hasErrors, localErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import { account } from '../shared/session'
import { useStore } from '../shared/store'
import type { Role, StaffMember } from '../shared/types'
import { Section, useSection } from '../client/my-details'
import { activeOffice } from './office-bar'

const ROLES: Role[] = ['owner', 'staff_manager', 'staff']
const REGISTRATION_TONE = { not_registered: 'neutral', pending: 'warning', registered: 'ok' } as const

export function roleOptions(upTo: Role | undefined) {
  const allowed = upTo === 'owner' ? ROLES : upTo === 'staff_manager' ? ROLES.slice(1) : []
  return allowed.map((role) => ({ value: role, label: t(`office.role.${role}`) }))
}

export function StaffPage() {
  const tt = useT()
  const who = useStore(account)
  const office = activeOffice(who)
  if (!office) return <Loading />
  return (
    <>
      <PageTitle title={tt('office.staff')}>{tt('office.staff')}</PageTitle>
      <p class="utrecht-paragraph kluis-lead">{office.name} ({office.city})</p>
      <RegistrationRequests officeId={office.id} />
      <StaffList officeId={office.id} options={roleOptions(office.role as Role)} />
    </>
  )
}

export function RegistrationRequests({ officeId }: { officeId: string }) {
  const tt = useT()
  const list = useLoad(() => endpoints.registrationRequests(officeId), [officeId])
  const section = useSection()
  const [rejecting, setRejecting] = useState<string | null>(null)
  const [reason, setReason] = useState('')
  async function decide(id: string, approve: boolean, name: string) {
    if (!approve && !reason.trim()) {
      section.setErrors(localErrors({ [`reason-${id}`]: t('office.reason_required') }))
      return
    }
    await section.run(async () => {
      if (approve) await endpoints.approveRegistration(id)
      else await endpoints.rejectRegistration(id, reason.trim())
      setRejecting(null); setReason('')
      list.reload()
      return t(approve ? 'office.registration_approved' : 'office.registration_rejected', { name })
    }, { reason: `reason-${id}` })
  }
  return (
    <Section id="registration-requests" title={tt('office.registration_requests')}>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : !list.data ? <Loading /> : (
        list.data.items.length === 0 ? <p class="utrecht-paragraph">{tt('office.no_registration_requests')}</p> : (
          <ul class="kluis-list">
            {list.data.items.map((item) => (
              <li key={item.id} class="kluis-list__item">
                <h3 class="utrecht-heading-4 kluis-list__title">{item.name}</h3>
                <p class="utrecht-paragraph kluis-meta kluis-break">
                  {item.email} · {tt(`office.role.${item.role}`)} · {item.device.name} · {dateTime(item.created_at)}
                </p>
                <div class="kluis-button-group">
                  <Button variant="primary" busy={section.busy} onClick={() => decide(item.id, true, item.name)}>
                    {tt('app.approve')}<span class="kluis-visually-hidden"> {item.name}</span>
                  </Button>
                  <Button variant="danger" onClick={() => { setRejecting(item.id); setReason('') }}>
                    {tt('office.reject')}<span class="kluis-visually-hidden"> {item.name}</span>
                  </Button>
                </div>
                {rejecting === item.id && (
                  <div class="kluis-form">
                    <TextField id={`reason-${item.id}`} label={tt('office.reason')} value={reason} onValue={setReason}
                      error={section.errors.fields[`reason-${item.id}`]} required />
                    <Button variant="danger" busy={section.busy} onClick={() => decide(item.id, false, item.name)}>
                      {tt('office.reject_confirm')}
                    </Button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        )
      )}
    </Section>
  )
}

/** `options`: the roles the caller may give (the lender: owners only). */
export function StaffList({ officeId, options }: { officeId: string, options: { value: string, label: string }[] }) {
  const tt = useT()
  const list = useLoad(() => endpoints.staffOf(officeId), [officeId])
  const section = useSection()
  const [removing, setRemoving] = useState<StaffMember | null>(null)
  return (
    <Section id="staff-list" title={tt('office.staff_list')}>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : !list.data ? <Loading /> : (
        <ul class="kluis-list">
          {list.data.items.map((member) => (
            <li key={member.person_id} class="kluis-list__item">
              <h3 class="utrecht-heading-4 kluis-list__title">{member.name}</h3>
              <p class="utrecht-paragraph kluis-meta kluis-break">
                {member.email}{member.mobile ? ` · ${member.mobile}` : ''} · <StatusText tone={REGISTRATION_TONE[member.registration]}>
                  {tt(`office.registration.${member.registration}`)}</StatusText>
              </p>
              <p class="utrecht-paragraph">{tt('office.role')}: {tt(`office.role.${member.role}`)}</p>
              {options.some((o) => o.value === member.role) && options.length > 1 && (
                <RoleChange member={member} options={options} busy={section.busy}
                  onSave={(role) => section.run(async () => {
                    await endpoints.changeRole(officeId, member.person_id, role)
                    list.reload()
                    return t('office.role_changed', { name: member.name })
                  })} />
              )}
              <Button variant="subtle" onClick={() => setRemoving(member)}>
                {tt('office.unlink_staff')}<span class="kluis-visually-hidden"> {member.name}</span>
              </Button>
              {removing?.person_id === member.person_id && (
                <Alert type="warning" role="alert">
                  <p class="utrecht-paragraph">{tt('office.unlink_staff_confirm', { name: member.name })}</p>
                  <div class="kluis-button-group">
                    <Button variant="danger" busy={section.busy} onClick={() => section.run(async () => {
                      await endpoints.removeStaff(officeId, member.person_id)
                      setRemoving(null)
                      list.reload()
                      return t('office.staff_unlinked', { name: member.name })
                    })}>{tt('office.unlink_yes')}</Button>
                    <Button onClick={() => setRemoving(null)}>{tt('action.cancel')}</Button>
                  </div>
                </Alert>
              )}
            </li>
          ))}
        </ul>
      )}
      {options.length > 0 && <AddStaff officeId={officeId} options={options} onAdded={list.reload} />}
    </Section>
  )
}

function AddStaff({ officeId, options, onAdded }: {
  officeId: string, options: { value: string, label: string }[], onAdded: () => void
}) {
  const tt = useT()
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [mobile, setMobile] = useState('')
  const [role, setRole] = useState(options[options.length - 1].value)
  const section = useSection()
  async function submit(event: Event) {
    event.preventDefault()
    const local = localErrors({
      'staff-name': name.trim() ? null : t('details.extra_name_required'),
      'staff-email': email.trim() ? null : t('login.email_required'),
    })
    section.setErrors(local)
    if (hasErrors(local)) return
    await section.run(async () => {
      await endpoints.addStaff(officeId, { name: name.trim(), email: email.trim(), mobile: mobile.trim() || null, role })
      const added = t('office.staff_added', { name: name.trim() })
      setName(''); setEmail(''); setMobile('')
      onAdded()
      return added
    }, { name: 'staff-name', email: 'staff-email', mobile: 'staff-mobile' },
    { role_address_not_allowed: 'staff-email', email_in_use: 'staff-email', already_member: 'staff-email',
      invalid_mobile: 'staff-mobile' })
  }
  return (
    <>
      <h3 class="utrecht-heading-3">{tt('office.add_staff')}</h3>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      <form class="kluis-form" onSubmit={submit} noValidate>
        <TextField id="staff-name" label={tt('details.name')} value={name} onValue={setName}
          error={section.errors.fields['staff-name']} autoComplete="off" required />
        <TextField id="staff-email" type="email" label={tt('login.email')} value={email} onValue={setEmail}
          error={section.errors.fields['staff-email']} autoComplete="off" inputMode="email" required
          description={tt('office.personal_email')} />
        <TextField id="staff-mobile" type="tel" label={tt('details.mobile')} value={mobile} onValue={setMobile}
          error={section.errors.fields['staff-mobile']} autoComplete="off" inputMode="tel" optional />
        <Select id="staff-role" label={tt('office.role')} value={role} onValue={setRole} options={options} />
        <Button type="submit" variant="primary" busy={section.busy}>{tt('office.add_staff')}</Button>
      </form>
    </>
  )
}

/** A role chosen, then saved with its own button (nothing happens while choosing). */
function RoleChange({ member, options, busy, onSave }: {
  member: StaffMember, options: { value: string, label: string }[], busy: boolean,
  onSave: (role: string) => void
}) {
  const tt = useT()
  const [chosen, setChosen] = useState<string>(member.role)
  return (
    <div class="kluis-inline-form">
      <Select id={`role-${member.person_id}`} label={tt('office.role_of', { name: member.name })} value={chosen}
        onValue={setChosen} options={options} />
      <Button busy={busy} disabled={chosen === member.role} onClick={() => onSave(chosen)}>
        {tt('office.save_role')}<span class="kluis-visually-hidden"> {member.name}</span>
      </Button>
    </div>
  )
}
