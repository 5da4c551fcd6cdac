// Mijn gegevens downloaden (AVG art. 15 and 20): ask for an export of everything the
// client can see, follow it while it is prepared, download it once (docs/privacy.md).
import { useEffect, useState } from 'preact/hooks'
import { ApiError, saveFile } from '../shared/api'
import { Button, ErrorSummary, LoadError, Loading, Notice } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { date } from '../shared/format'
import { t, useT } from '../shared/i18n'
import type { MyExport } from '../shared/types'
import { Section, useSection } from './my-details'

const POLL_MS = 3000

/** The latest export (null: none yet), refreshed while it is being prepared. */
function useMyExport() {
  const [current, setCurrent] = useState<MyExport | null | undefined>(undefined)
  const [error, setError] = useState<unknown>(null)
  async function load(background = false) {
    try {
      setCurrent(await endpoints.myExport(background))
      setError(null)
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 404) setCurrent(null)
      else setError(failure)
    }
  }
  useEffect(() => { void load() }, [])
  useEffect(() => {
    if (current?.status !== 'preparing') return
    const timer = setInterval(() => { void load(true) }, POLL_MS)
    return () => clearInterval(timer)
  }, [current?.status])
  return { current, setCurrent, error, reload: () => load() }
}

export function ExportSection({ readOnly }: { readOnly: boolean }) {
  const tt = useT()
  if (readOnly) {
    return (
      <Section id="export" title={tt('export.title')}>
        <p class="utrecht-paragraph">{tt('export.read_only')}</p>
      </Section>
    )
  }
  return <ExportControls />
}

function ExportControls() {
  const tt = useT()
  const state = useMyExport()
  const section = useSection()
  const current = state.current
  const ask = () => section.run(async () => {
    state.setCurrent(await endpoints.requestMyExport())
    return t('export.asked')
  })
  const download = () => section.run(async () => {
    const { blob, name } = await endpoints.myExportContent()
    saveFile(blob, name)
    await state.reload()
  })
  const canAsk = current === null || (current && ['downloaded', 'expired', 'failed'].includes(current.status))
  return (
    <Section id="export" title={tt('export.title')}>
      <p class="utrecht-paragraph">{tt('export.intro')}</p>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      {state.error ? <LoadError error={state.error} onRetry={state.reload} /> : current === undefined ? <Loading /> : (
        <>
          {current && <p class="utrecht-paragraph" role="status">{statusText(current)}</p>}
          {current?.status === 'ready' && (
            <Button variant="primary" busy={section.busy} onClick={download}>{tt('export.download')}</Button>
          )}
          {canAsk && <Button busy={section.busy} onClick={ask}>{tt('export.ask')}</Button>}
        </>
      )}
    </Section>
  )
}

function statusText(current: MyExport): string {
  if (current.status === 'ready') return t('export.ready', { date: date(current.expires_at) })
  return t(`export.${current.status}`)
}
