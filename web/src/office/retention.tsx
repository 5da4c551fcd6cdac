// A client's "Bewaren en wissen" as the office sees it (GET /clients/{id}/retention):
// whether the client asked for erasure, the end of the relationship and until when the
// law keeps the records, and why. `Verzoek tot wissen vastleggen` records a request that
// reached the office by letter, phone or e-mail (POST /clients/{id}/erasure-request),
// after a confirmation: once the relationship has ended, it erases at once what no law
// keeps (docs/privacy.md).
import { useState } from 'preact/hooks'
import { Alert, Button, ErrorSummary, LoadError, Loading, Notice, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { date } from '../shared/format'
import { t, useT } from '../shared/i18n'
import { Section, useSection } from '../client/my-details'

export function RetentionSection({ clientId }: { clientId: string }) {
  const tt = useT()
  const loaded = useLoad(() => endpoints.retention(clientId), [clientId])
  const [confirming, setConfirming] = useState(false)
  const section = useSection()
  const current = loaded.data ?? null
  async function record() {
    await section.run(async () => {
      loaded.set(await endpoints.recordErasureRequest(clientId))
      return t('office.retention.recorded')
    }, {}, {}, () => setConfirming(false))
  }
  return (
    <Section id="retention" title={tt('office.retention.title')}>
      {loaded.error ? <LoadError error={loaded.error} onRetry={loaded.reload} /> : !current ? <Loading /> : (
        <>
          <ErrorSummary errors={section.errors} onRetry={section.retry} />
          {section.saved && <Notice>{section.saved}</Notice>}
          <p class="utrecht-paragraph">
            {current.erasure_requested_at
              ? tt('office.retention.requested', { date: date(current.erasure_requested_at) })
              : tt('office.retention.not_requested')}
          </p>
          {current.erased && <p class="utrecht-paragraph">{tt('office.retention.erased', { date: date(current.erased_at) })}</p>}
          {!current.erased && current.ended_at && (
            <p class="utrecht-paragraph">
              {tt('office.retention.ended', { ended: date(current.ended_at), erase: date(current.erase_at) })}
            </p>
          )}
          <p class="utrecht-paragraph kluis-meta">{tt('office.retention.kept')} {current.legal_ground}</p>
          {!current.erasure_requested_at && !current.erased && !confirming && (
            <>
              <p class="utrecht-paragraph kluis-meta">{tt('office.retention.record_help')}</p>
              <Button onClick={() => { section.setSaved(null); setConfirming(true) }}>{tt('office.retention.record')}</Button>
            </>
          )}
          {confirming && (
            <Alert type="warning">
              <p class="utrecht-paragraph">{tt('office.retention.confirm')}</p>
              <div class="kluis-button-group">
                <Button variant="danger" busy={section.busy} onClick={() => { void record() }}>{tt('office.retention.record_yes')}</Button>
                <Button onClick={() => setConfirming(false)}>{tt('action.cancel')}</Button>
              </div>
            </Alert>
          )}
        </>
      )}
    </Section>
  )
}
