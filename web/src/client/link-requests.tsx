// An office that redeemed its invitation with the client's existing account sees
// nothing of it until the client accepts here (GET /me/link-requests); declining
// links nothing.
import { useState } from 'preact/hooks'
import { Alert, Button, ErrorSummary, Notice, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { useT } from '../shared/i18n'
import type { LinkRequest } from '../shared/types'
import { Section, useSection } from './my-details'

export function LinkRequests({ onAnswered }: { onAnswered: () => void }) {
  const tt = useT()
  const list = useLoad(() => endpoints.linkRequests(), [])
  const section = useSection()
  const [answering, setAnswering] = useState<string | null>(null)

  async function answer(request: LinkRequest, accept: boolean) {
    setAnswering(request.id)
    await section.run(async () => {
      await (accept ? endpoints.acceptLinkRequest : endpoints.declineLinkRequest)(request.id)
      list.reload()
      onAnswered()
      return tt(accept ? 'linkrequest.accepted' : 'linkrequest.declined', { office: request.office_name })
    }, {}, {}, () => setAnswering(null))
  }

  const items = list.data?.items ?? []
  if (!items.length && !section.saved && !section.errors.summary.length) return null
  return (
    <Section id="link-requests" title={tt('linkrequest.title')}>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      {items.map((request) => (
        <Alert key={request.id} type="warning">
          <p class="utrecht-paragraph"><strong>{tt('linkrequest.question', { office: request.office_name })}</strong></p>
          <p class="utrecht-paragraph">
            {request.company ? tt('linkrequest.as_extra', { company: request.company }) : tt('linkrequest.explain')}
          </p>
          <div class="kluis-button-group">
            <Button variant="primary" busy={section.busy && answering === request.id}
              onClick={() => answer(request, true)}>
              {tt('linkrequest.accept')}<span class="kluis-visually-hidden"> {request.office_name}</span>
            </Button>
            <Button busy={section.busy && answering === request.id} onClick={() => answer(request, false)}>
              {tt('linkrequest.decline')}<span class="kluis-visually-hidden"> {request.office_name}</span>
            </Button>
          </div>
        </Alert>
      ))}
    </Section>
  )
}
