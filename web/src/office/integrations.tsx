// Instellingen > Koppelingen (owners of the active office): the office's webhooks, each
// with its delivery log and a redelivery per delivery; removing one; adding one (an https
// address and the events it receives), whose secret is shown once (docs/integrations.md).
// The office's API keys are api-keys.tsx's section of the same page.
import { useState } from 'preact/hooks'
import {
  Alert, Button, Checkbox, ErrorSummary, LoadError, Loading, Notice, PageTitle, StatusText, TextField, useLoad,
} from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { dateTime } from '../shared/format'
import { hasErrors, localErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import type { MessageKey } from '../i18n/nl'
import { account } from '../shared/session'
import { useStore } from '../shared/store'
import type { Webhook, WebhookDelivery } from '../shared/types'
import { Section, useSection } from '../client/my-details'
import { activeOffice } from './office-bar'
import { ApiKeys } from './api-keys'

export const WEBHOOK_EVENTS = [
  'document_uploaded', 'request_reviewed', 'document_signed', 'message_posted',
  'questionnaire_completed', 'client_invited', 'invitation_accepted', 'consent_changed',
] as const
type WebhookEvent = typeof WEBHOOK_EVENTS[number]
const DELIVERY_TONE = { pending: 'warning', sending: 'info', delivered: 'ok', failed: 'error' } as const

/** An event's name in the caller's language (a name this portal does not know: as it is). */
function eventLabel(name: string): string {
  return (WEBHOOK_EVENTS as readonly string[]).includes(name) ? t(`integrations.event.${name as WebhookEvent}`) : name
}

export function IntegrationsPage() {
  const tt = useT()
  const who = useStore(account)
  const office = activeOffice(who)
  if (!office) return <Loading />
  return (
    <>
      <PageTitle title={tt('integrations.title')}>{tt('integrations.title')}</PageTitle>
      <p class="utrecht-paragraph kluis-lead">{tt('integrations.lead')}</p>
      <Webhooks officeId={office.id} />
      <ApiKeys officeId={office.id} />
    </>
  )
}

function Webhooks({ officeId }: { officeId: string }) {
  const tt = useT()
  const list = useLoad(() => endpoints.webhooks(officeId), [officeId])
  const section = useSection()
  return (
    <Section id="webhooks" title={tt('integrations.webhooks')}>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : !list.data ? <Loading /> : (
        list.data.items.length === 0 ? <p class="utrecht-paragraph">{tt('integrations.none')}</p> : (
          <ul class="kluis-list">
            {list.data.items.map((hook) => (
              <WebhookItem key={hook.id} hook={hook} busy={section.busy}
                onRedeliver={(delivery) => section.run(async () => {
                  await endpoints.redeliverWebhook(officeId, hook.id, delivery.id)
                  list.reload()
                  return t('integrations.redelivered')
                })}
                onRemove={() => section.run(async () => {
                  await endpoints.removeWebhook(officeId, hook.id)
                  list.reload()
                  return t('integrations.removed')
                })} />
            ))}
          </ul>
        )
      )}
      <AddWebhook officeId={officeId} onAdded={list.reload} />
    </Section>
  )
}

function WebhookItem({ hook, busy, onRedeliver, onRemove }: {
  hook: Webhook, busy: boolean, onRedeliver: (delivery: WebhookDelivery) => void, onRemove: () => void
}) {
  const tt = useT()
  const [removing, setRemoving] = useState(false)
  return (
    <li class="kluis-list__item">
      <h3 class="utrecht-heading-4 kluis-list__title kluis-break">{hook.url}</h3>
      <p class="utrecht-paragraph kluis-meta">
        <StatusText tone={hook.status === 'active' ? 'ok' : 'error'}>{tt(`integrations.status.${hook.status}`)}</StatusText>
        {' · '}{hook.events.map(eventLabel).join(', ')}
      </p>
      {hook.status === 'paused' && <Alert type="warning"><p class="utrecht-paragraph">{tt('integrations.paused_help')}</p></Alert>}
      <DeliveryLog deliveries={hook.deliveries} busy={busy} onRedeliver={onRedeliver} />
      <Button variant="subtle" onClick={() => setRemoving(true)}>
        {tt('integrations.remove')}<span class="kluis-visually-hidden"> {hook.url}</span>
      </Button>
      {removing && (
        <Alert type="warning" role="alert">
          <p class="utrecht-paragraph">{tt('integrations.remove_confirm', { url: hook.url })}</p>
          <div class="kluis-button-group">
            <Button variant="danger" busy={busy} onClick={() => { setRemoving(false); onRemove() }}>{tt('integrations.remove_yes')}</Button>
            <Button onClick={() => setRemoving(false)}>{tt('action.cancel')}</Button>
          </div>
        </Alert>
      )}
    </li>
  )
}

function DeliveryLog({ deliveries, busy, onRedeliver }: {
  deliveries: WebhookDelivery[], busy: boolean, onRedeliver: (delivery: WebhookDelivery) => void
}) {
  const tt = useT()
  if (!deliveries.length) return <p class="utrecht-paragraph">{tt('integrations.no_deliveries')}</p>
  const head = (key: MessageKey) => <th class="utrecht-table__header-cell" scope="col">{tt(key)}</th>
  return (
    <div class="kluis-table-wrap">
      <table class="utrecht-table kluis-table">
        <caption class="kluis-visually-hidden">{tt('integrations.log')}</caption>
        <thead class="utrecht-table__header">
          <tr class="utrecht-table__row">
            {head('integrations.col.event')}{head('integrations.col.time')}{head('integrations.col.status')}
            {head('integrations.col.attempts')}{head('integrations.col.answer')}{head('integrations.col.action')}
          </tr>
        </thead>
        <tbody class="utrecht-table__body">
          {deliveries.map((d) => (
            <tr key={d.id} class="utrecht-table__row">
              <th class="utrecht-table__header-cell" scope="row" data-label={tt('integrations.col.event')}>{eventLabel(d.event_type)}</th>
              <td class="utrecht-table__cell" data-label={tt('integrations.col.time')}>{dateTime(d.last_attempt_at || d.created_at)}</td>
              <td class="utrecht-table__cell" data-label={tt('integrations.col.status')}>
                <StatusText tone={DELIVERY_TONE[d.status]}>{tt(`integrations.delivery.${d.status}`)}</StatusText>
              </td>
              <td class="utrecht-table__cell" data-label={tt('integrations.col.attempts')}>{d.attempts}</td>
              <td class="utrecht-table__cell kluis-break" data-label={tt('integrations.col.answer')}>
                {[d.last_status_code, d.last_error].filter((part) => part !== null && part !== '').join(' · ') || '-'}
              </td>
              <td class="utrecht-table__cell" data-label={tt('integrations.col.action')}>
                {d.status !== 'sending' && (
                  <Button variant="subtle" busy={busy} onClick={() => onRedeliver(d)}>
                    {tt('integrations.redeliver')}<span class="kluis-visually-hidden"> {d.event_id}</span>
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function AddWebhook({ officeId, onAdded }: { officeId: string, onAdded: () => void }) {
  const tt = useT()
  const [url, setUrl] = useState('https://')
  const [events, setEvents] = useState<string[]>([])
  const [secret, setSecret] = useState<string | null>(null)
  const section = useSection()
  async function submit(event: Event) {
    event.preventDefault()
    const local = localErrors({
      'webhook-url': url.trim().startsWith('https://') && url.trim().length > 8 ? null : t('integrations.url_required'),
      'webhook-events': events.length ? null : t('integrations.events_required'),
    })
    section.setErrors(local)
    if (hasErrors(local)) return
    await section.run(async () => {
      const created = await endpoints.createWebhook(officeId, { url: url.trim(), events })
      setSecret(created.secret)
      setUrl('https://'); setEvents([])
      onAdded()
      return t('integrations.added')
    }, { url: 'webhook-url', events: 'webhook-events' },
    { webhook_url_not_https: 'webhook-url', webhook_address_forbidden: 'webhook-url', unknown_webhook_event: 'webhook-events' })
  }
  const toggle = (name: string, on: boolean) =>
    setEvents(on ? WEBHOOK_EVENTS.filter((e) => e === name || events.includes(e)) : events.filter((e) => e !== name))
  return (
    <>
      <h3 class="utrecht-heading-3">{tt('integrations.add')}</h3>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      {secret && (
        <Alert type="info" role="status">
          <p class="utrecht-paragraph">{tt('integrations.secret_once')}</p>
          <p class="utrecht-paragraph"><code class="kluis-break" id="webhook-secret">{secret}</code></p>
        </Alert>
      )}
      <form class="kluis-form" onSubmit={submit} noValidate>
        <TextField id="webhook-url" label={tt('integrations.url')} value={url} onValue={setUrl}
          error={section.errors.fields['webhook-url']} autoComplete="off" inputMode="url" required
          description={tt('integrations.url_help')} />
        <fieldset id="webhook-events" class="kluis-field">
          <legend class="utrecht-form-label">{tt('integrations.events')}</legend>
          {section.errors.fields['webhook-events'] && (
            <div class="utrecht-form-field-error-message">{section.errors.fields['webhook-events']}</div>
          )}
          {WEBHOOK_EVENTS.map((name) => (
            <Checkbox key={name} id={`webhook-event-${name}`} label={tt(`integrations.event.${name}`)}
              checked={events.includes(name)} onChecked={(on) => toggle(name, on)} />
          ))}
        </fieldset>
        <Button type="submit" variant="primary" busy={section.busy}>{tt('integrations.add')}</Button>
      </form>
    </>
  )
}
