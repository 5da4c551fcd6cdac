// Instellingen > Koppelingen > API-sleutels (owners of the active office): the office's keys
// with their rights, expiry and last use; revoking one (after a confirmation), which counts at
// once; creating one (a name and its rights), whose key is shown once (docs/integrations.md).
import { useState } from 'preact/hooks'
import {
  Alert, Button, Checkbox, ErrorSummary, LoadError, Loading, Notice, StatusText, TextField, useLoad,
} from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { date, dateTime } from '../shared/format'
import { hasErrors, localErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import type { ApiKey } from '../shared/types'
import { Section, useSection } from '../client/my-details'

export const API_KEY_SCOPES = [
  'clients:read', 'dossiers:read', 'documents:write', 'requests:write', 'webhooks:manage',
] as const
type Scope = typeof API_KEY_SCOPES[number]

function scopeLabel(name: string): string {
  return (API_KEY_SCOPES as readonly string[]).includes(name) ? t(`keys.scope.${name as Scope}`) : name
}

export function ApiKeys({ officeId }: { officeId: string }) {
  const tt = useT()
  const list = useLoad(() => endpoints.apiKeys(officeId), [officeId])
  const section = useSection()
  return (
    <Section id="api-keys" title={tt('keys.title')}>
      <p class="utrecht-paragraph">{tt('keys.lead')}</p>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : !list.data ? <Loading /> : (
        list.data.items.length === 0 ? <p class="utrecht-paragraph">{tt('keys.none')}</p> : (
          <ul class="kluis-list">
            {list.data.items.map((key) => (
              <ApiKeyItem key={key.id} apiKey={key} busy={section.busy}
                onRevoke={() => section.run(async () => {
                  await endpoints.revokeApiKey(officeId, key.id)
                  list.reload()
                  return t('keys.revoked_done')
                })} />
            ))}
          </ul>
        )
      )}
      <AddApiKey officeId={officeId} onAdded={list.reload} />
    </Section>
  )
}

function ApiKeyItem({ apiKey, busy, onRevoke }: { apiKey: ApiKey, busy: boolean, onRevoke: () => void }) {
  const tt = useT()
  const [revoking, setRevoking] = useState(false)
  return (
    <li class="kluis-list__item">
      <h3 class="utrecht-heading-4 kluis-list__title kluis-break">{apiKey.name}</h3>
      <p class="utrecht-paragraph kluis-meta">{apiKey.scopes.map(scopeLabel).join(', ')}</p>
      <p class="utrecht-paragraph kluis-meta">
        {apiKey.revoked_at
          ? <StatusText tone="error">{tt('keys.revoked', { date: dateTime(apiKey.revoked_at) })}</StatusText>
          : tt('keys.expires', { date: date(apiKey.expires_at) })}
        {' · '}
        {apiKey.last_used_at ? tt('keys.last_used', { date: dateTime(apiKey.last_used_at) }) : tt('keys.never_used')}
      </p>
      {!apiKey.revoked_at && (
        <Button variant="subtle" onClick={() => setRevoking(true)}>
          {tt('keys.revoke')}<span class="kluis-visually-hidden"> {apiKey.name}</span>
        </Button>
      )}
      {revoking && (
        <Alert type="warning" role="alert">
          <p class="utrecht-paragraph">{tt('keys.revoke_confirm', { name: apiKey.name })}</p>
          <div class="kluis-button-group">
            <Button variant="danger" busy={busy} onClick={() => { setRevoking(false); onRevoke() }}>{tt('keys.revoke_yes')}</Button>
            <Button onClick={() => setRevoking(false)}>{tt('action.cancel')}</Button>
          </div>
        </Alert>
      )}
    </li>
  )
}

function AddApiKey({ officeId, onAdded }: { officeId: string, onAdded: () => void }) {
  const tt = useT()
  const [name, setName] = useState('')
  const [scopes, setScopes] = useState<string[]>([])
  const [created, setCreated] = useState<string | null>(null)
  const section = useSection()
  async function submit(event: Event) {
    event.preventDefault()
    const local = localErrors({
      'api-key-name': name.trim() ? null : t('keys.name_required'),
      'api-key-scopes': scopes.length ? null : t('keys.scopes_required'),
    })
    section.setErrors(local)
    if (hasErrors(local)) return
    await section.run(async () => {
      const answer = await endpoints.createApiKey(officeId, { name: name.trim(), scopes })
      setCreated(answer.key)
      setName(''); setScopes([])
      onAdded()
      return t('keys.added')
    }, { name: 'api-key-name', scopes: 'api-key-scopes' }, { unknown_scope: 'api-key-scopes' })
  }
  const toggle = (scope: string, on: boolean) =>
    setScopes(on ? API_KEY_SCOPES.filter((s) => s === scope || scopes.includes(s)) : scopes.filter((s) => s !== scope))
  return (
    <>
      <h3 class="utrecht-heading-3">{tt('keys.add')}</h3>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      {created && (
        <Alert type="info" role="status">
          <p class="utrecht-paragraph">{tt('keys.key_once')}</p>
          <p class="utrecht-paragraph"><code class="kluis-break" id="api-key-value">{created}</code></p>
        </Alert>
      )}
      <form class="kluis-form" onSubmit={submit} noValidate>
        <TextField id="api-key-name" label={tt('keys.name')} value={name} onValue={setName}
          error={section.errors.fields['api-key-name']} autoComplete="off" required
          description={tt('keys.name_help')} />
        <fieldset id="api-key-scopes" class="kluis-field">
          <legend class="utrecht-form-label">{tt('keys.scopes')}</legend>
          {section.errors.fields['api-key-scopes'] && (
            <div class="utrecht-form-field-error-message">{section.errors.fields['api-key-scopes']}</div>
          )}
          {API_KEY_SCOPES.map((scope) => (
            <Checkbox key={scope} id={`api-key-scope-${scope.replace(':', '-')}`} label={tt(`keys.scope.${scope}`)}
              checked={scopes.includes(scope)} onChecked={(on) => toggle(scope, on)} />
          ))}
        </fieldset>
        <Button type="submit" variant="primary" busy={section.busy}>{tt('keys.add')}</Button>
      </form>
    </>
  )
}
