// Mijn gegevens, "Gegevens laten wissen": the client asks every office they are a
// client of to erase their data (POST /me/erasure) and sees, per office, when they
// asked and what the law makes the office keep (Wwft art. 33), in words.
import { useState } from 'preact/hooks'
import { Alert, Button, ErrorSummary, LoadError, Loading, Notice, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { date } from '../shared/format'
import { t, useT } from '../shared/i18n'
import type { MyErasure } from '../shared/types'
import { Section, useSection } from './my-details'

export function ErasureSection({ readOnly }: { readOnly: boolean }) {
  const tt = useT()
  const loaded = useLoad(() => endpoints.myErasure(), [])
  const [answer, setAnswer] = useState<MyErasure | null>(null)
  const [confirming, setConfirming] = useState(false)
  const section = useSection()
  const current = answer ?? loaded.data ?? null
  const open = current?.items.some((item) => !item.requested_at) ?? false
  async function ask() {
    await section.run(async () => {
      setAnswer(await endpoints.requestErasure())
      return t('erasure.asked')
    }, {}, {}, () => setConfirming(false))
  }
  return (
    <Section id="erasure" title={tt('erasure.title')}>
      <p class="utrecht-paragraph">{tt('erasure.intro')}</p>
      {loaded.error ? <LoadError error={loaded.error} onRetry={loaded.reload} /> : !current ? <Loading /> : (
        <>
          <ErrorSummary errors={section.errors} onRetry={section.retry} />
          {section.saved && <Notice>{section.saved}</Notice>}
          {current.items.length > 0 && (
            <ul class="utrecht-unordered-list">
              {current.items.map((item) => (
                <li key={item.office_id}>
                  {item.requested_at
                    ? tt('erasure.requested', { office: item.office_name, date: date(item.requested_at) })
                    : tt('erasure.not_requested', { office: item.office_name })}
                </li>
              ))}
            </ul>
          )}
          <p class="utrecht-paragraph kluis-meta">{tt('erasure.kept')} {current.legal_ground}</p>
          {!readOnly && open && !confirming && (
            <Button onClick={() => { section.setSaved(null); setConfirming(true) }}>{tt('erasure.ask')}</Button>
          )}
          {!readOnly && confirming && (
            <Alert type="warning">
              <p class="utrecht-paragraph">{tt('erasure.confirm')}</p>
              <div class="kluis-button-group">
                <Button variant="danger" busy={section.busy} onClick={() => { void ask() }}>{tt('erasure.ask_yes')}</Button>
                <Button onClick={() => setConfirming(false)}>{tt('action.cancel')}</Button>
              </div>
            </Alert>
          )}
        </>
      )}
    </Section>
  )
}
