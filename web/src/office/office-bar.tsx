// The office portal's header parts: the active office as "Name (City)" at the top left,
// and the profile menu with the person's details and `Wissel van kantoor` (every office
// they work for; the choice is remembered across logins, seed 000).
import { useRef, useState } from 'preact/hooks'
import { ApiError } from '../shared/api'
import * as endpoints from '../shared/endpoints'
import { setLanguage, t, useT } from '../shared/i18n'
import { navigate } from '../shared/router'
import { account } from '../shared/session'
import { useStore } from '../shared/store'
import type { Me } from '../shared/types'

/** The office the staff member works in now (the first one when none was chosen). */
export function activeOffice(who: Me | null) {
  if (!who?.offices.length) return null
  return who.offices.find((o) => o.id === who.active_office_id) ?? who.offices[0]
}

export function OfficeName() {
  const who = useStore(account)
  const office = activeOffice(who)
  if (!office) return null
  return <span class="kluis-office-name">{office.name} ({office.city})</span>
}

export function ProfileMenu() {
  const tt = useT()
  const who = useStore(account)
  const [open, setOpen] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const button = useRef<HTMLButtonElement>(null)
  if (!who) return null
  const current = activeOffice(who)

  function close() {
    setOpen(false)
    button.current?.focus()
  }

  async function act(change: () => Promise<Me>, then?: () => void) {
    setError(null)
    try {
      account.set(await change())
      setOpen(false)
      then?.()
      // The page stays; its heading takes the focus (the menu's button is gone).
      window.setTimeout(() => (document.querySelector('main h1') as HTMLElement | null)?.focus())
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : t('error.unexpected'))
    }
  }

  const other = tt('language.other_code') as 'nl' | 'en'
  return (
    <div class="kluis-profile" onKeyDown={(event) => { if (event.key === 'Escape' && open) close() }}
      onFocusOut={(event) => {
        if (open && !(event.currentTarget as HTMLElement).contains(event.relatedTarget as Node)) setOpen(false)
      }}>
      <button ref={button} type="button" class="kluis-profile__button" aria-expanded={open ? 'true' : 'false'}
        aria-controls="profile-menu" onClick={() => setOpen(!open)}>
        {tt('office.profile', { name: who.name })}
      </button>
      {open && (
        <div id="profile-menu" class="kluis-profile__panel">
          <p class="utrecht-paragraph"><strong>{who.name}</strong><br />{who.email}{who.mobile ? <><br />{who.mobile}</> : null}</p>
          <p class="utrecht-paragraph">
            <button type="button" class="utrecht-button utrecht-button--subtle" lang={other}
              onClick={() => act(() => endpoints.updateMe({ language: other }), () => setLanguage(other))}>
              {tt('language.switch')}
            </button>
          </p>
          {who.offices.length > 1 && (
            <>
              <p class="utrecht-paragraph" id="switch-office"><strong>{tt('office.switch')}</strong></p>
              <ul class="kluis-profile__offices" aria-labelledby="switch-office">
                {who.offices.map((office) => (
                  <li key={office.id}>
                    <button type="button" class="utrecht-button utrecht-button--subtle"
                      aria-current={office.id === current?.id ? 'true' : undefined}
                      onClick={() => act(() => endpoints.setActiveOffice(office.id),
                        () => navigate('/', { notice: 'office_switched' }))}>
                      {office.name} ({office.city}){office.id === current?.id ? ` · ${tt('office.current')}` : ''}
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
          {error && <p class="utrecht-form-field-error-message" role="alert">{error}</p>}
        </div>
      )}
    </div>
  )
}
