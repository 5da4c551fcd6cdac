// An office asked to add a person who already works in Kluis for another office: the
// person confirms here, from the link in the e-mail (/staff-link?token=). Until then the
// office sees nothing of them; closing this page changes nothing.
import { useState } from 'preact/hooks'
import { Button, ErrorSummary, Notice, PageTitle } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { apiErrors, NO_ERRORS, type FormErrors } from '../shared/forms'
import { useT } from '../shared/i18n'
import { deadLink, LinkProblem, useLinkToken } from './activation'

export function StaffLinkPage() {
  const tt = useT()
  const [token] = useLinkToken('/staff-link')
  const [linkCode, setLinkCode] = useState<string | null>(token ? null : 'invalid_token')
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState<endpoints.StaffLinkConfirmed | null>(null)

  async function confirm() {
    if (!token) return
    setBusy(true)
    try {
      setDone(await endpoints.confirmStaffLink(token))
    } catch (error) {
      setLinkCode(deadLink(error))
      if (!deadLink(error)) setErrors(apiErrors(error, {}))
    }
    setBusy(false)
  }

  return (
    <>
      <PageTitle title={tt('staff_link.title')}>{tt('staff_link.title')}</PageTitle>
      {done ? (
        <Notice>{tt('staff_link.done', { office: done.office.name, partner_id: done.office.partner_id })}</Notice>
      ) : linkCode ? <LinkProblem code={linkCode} kind="staff_link" /> : (
        <>
          <ErrorSummary errors={errors} onRetry={confirm} />
          <p class="utrecht-paragraph">{tt('staff_link.intro')}</p>
          <Button variant="primary" busy={busy} onClick={confirm}>{tt('staff_link.confirm')}</Button>
        </>
      )}
    </>
  )
}
