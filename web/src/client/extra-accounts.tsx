// A company's main account adds extra accounts (each invited like any client), sees
// them and removes them. The main account of several companies chooses the company
// first: the API acts for the company it is told (`company_id`), never one of its own.
import { useState } from 'preact/hooks'
import { Alert, Button, ErrorSummary, LoadError, Loading, Notice, RadioGroup, TextField, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { hasErrors, localErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import type { Company, ExtraAccount } from '../shared/types'
import { LANGUAGE_OPTIONS, Section, useSection } from './my-details'

const INVITATION = { not_invited: 'details.invitation.not_invited', sent: 'details.invitation.sent',
  accepted: 'details.invitation.accepted' } as const

export function ExtraAccounts({ companies, readOnly }: { companies: Company[], readOnly: boolean }) {
  const tt = useT()
  const [companyId, setCompanyId] = useState(companies[0].id)
  const company = companies.find((c) => c.id === companyId) ?? companies[0]
  const list = useLoad(() => endpoints.extraAccounts(company.id), [company.id])
  const section = useSection()
  const [adding, setAdding] = useState(false)
  const [removing, setRemoving] = useState<ExtraAccount | null>(null)
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [mobile, setMobile] = useState('')
  const [language, setLanguage] = useState('nl')

  async function add(event?: Event) {
    event?.preventDefault()
    const local = localErrors({
      'extra-name': name.trim() ? null : t('details.extra_name_required'),
      'extra-email': email.trim() ? null : t('login.email_required'),
    })
    section.setErrors(local)
    if (hasErrors(local)) return
    await section.run(async () => {
      await endpoints.addExtraAccount({ name: name.trim(), email: email.trim(),
        mobile: mobile.trim() || null, language, company_id: company.id })
      list.reload()
      const added = t('details.extra_added', { name: name.trim(), email: email.trim() })
      setName(''); setEmail(''); setMobile('')
      return added
    }, { name: 'extra-name', email: 'extra-email', mobile: 'extra-mobile' },
    { invalid_mobile: 'extra-mobile', client_exists: 'extra-email' }, () => setAdding(false))
  }

  async function remove(account: ExtraAccount) {
    await section.run(async () => {
      await endpoints.removeExtraAccount(account.id)
      list.reload()
      return t('details.extra_removed', { name: account.name })
    }, {}, {}, () => setRemoving(null))
  }

  return (
    <Section id="extra-accounts" title={tt('details.extra_accounts')}>
      {companies.length > 1 && (
        <RadioGroup id="extra-company" legend={tt('details.company')} value={company.id}
          onValue={(id) => { setCompanyId(id); setAdding(false); setRemoving(null); section.setSaved(null) }}
          options={companies.map((c) => ({ value: c.id, label: `${c.name} (${c.office_name})` }))} />
      )}
      <p class="utrecht-paragraph">{tt('details.extra_intro', { company: company.name })}</p>
      <ErrorSummary errors={section.errors} onRetry={section.retry} />
      {section.saved && <Notice>{section.saved}</Notice>}
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : !list.data ? <Loading /> : (
        list.data.items.length === 0 ? <p class="utrecht-paragraph">{tt('details.extra_none')}</p> : (
          <ul class="kluis-list">
            {list.data.items.map((item) => (
              <li key={item.id} class="kluis-list__item">
                <h3 class="utrecht-heading-4 kluis-list__title">{item.name}</h3>
                <p class="utrecht-paragraph kluis-meta kluis-break">
                  {item.email}{item.mobile ? ` · ${item.mobile}` : ''} · {tt(INVITATION[item.invitation] ?? INVITATION.not_invited)}
                </p>
                {!readOnly && removing?.id !== item.id && (
                  <Button variant="subtle" onClick={() => setRemoving(item)}>
                    {tt('details.extra_remove')}<span class="kluis-visually-hidden"> {item.name}</span>
                  </Button>
                )}
                {removing?.id === item.id && (
                  <Alert type="warning">
                    <p class="utrecht-paragraph">{tt('details.extra_remove_confirm', { name: item.name })}</p>
                    <div class="kluis-button-group">
                      <Button variant="danger" busy={section.busy} onClick={() => remove(item)}>{tt('details.extra_remove_yes')}</Button>
                      <Button onClick={() => setRemoving(null)}>{tt('action.cancel')}</Button>
                    </div>
                  </Alert>
                )}
              </li>
            ))}
          </ul>
        )
      )}
      {!readOnly && !adding && <Button onClick={() => { section.setSaved(null); setAdding(true) }}>{tt('details.extra_add')}</Button>}
      {!readOnly && adding && (
        <form class="kluis-form" onSubmit={add} noValidate>
          <h3 class="utrecht-heading-3">{tt('details.extra_add')}</h3>
          <TextField id="extra-name" label={tt('details.name')} value={name} onValue={setName}
            error={section.errors.fields['extra-name']} autoComplete="off" required />
          <TextField id="extra-email" type="email" label={tt('login.email')} value={email} onValue={setEmail}
            error={section.errors.fields['extra-email']} autoComplete="off" inputMode="email" required />
          <TextField id="extra-mobile" type="tel" label={tt('details.mobile')} value={mobile} onValue={setMobile}
            error={section.errors.fields['extra-mobile']} autoComplete="off" inputMode="tel" optional />
          <RadioGroup id="extra-language" legend={tt('details.language')} value={language}
            onValue={setLanguage} options={LANGUAGE_OPTIONS()} />
          <div class="kluis-button-group">
            <Button type="submit" variant="primary" busy={section.busy}>{tt('details.extra_invite')}</Button>
            <Button onClick={() => setAdding(false)}>{tt('action.cancel')}</Button>
          </div>
        </form>
      )}
    </Section>
  )
}
