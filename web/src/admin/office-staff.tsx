// An office's main users as the lender sees them: the owners, adding one, and their
// registration requests to approve (the lender approves owners, docs/api.md).
import { t } from '../shared/i18n'
import { RegistrationRequests, StaffList } from '../office/staff'

export function StaffPageFor({ officeId }: { officeId: string }) {
  return (
    <>
      <RegistrationRequests officeId={officeId} />
      <StaffList officeId={officeId} options={[{ value: 'owner', label: t('office.role.owner') }]} />
    </>
  )
}
