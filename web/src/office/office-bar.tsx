// The office portal's header parts: the active office as "Name (City)" at the top left,
// and the profile menu with the person's details and `Wissel van kantoor` (every office
// they work for; the choice is remembered across logins, seed 000).
import { useState } from 'preact/hooks'
import { ApiError } from '../shared/api'
import * as endpoints from '../shared/endpoints'
import { t, useT } from '../shared/i18n'
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
  if (!who) return null
  const current = activeOffice(who)

  async function switchTo(officeId: string) {
    setError(null)
    try {
      account.set(await endpoints.setActiveOffice(officeId))
      setOpen(false)
      navigate('/', { notice: 'office_switched' })
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : t('error.unexpected'))
    }
  }

  return (
    <div class="kluis-profile">
      <button type="button" class="kluis-profile__button" aria-expanded={open ? 'true' : 'false'}
        aria-controls="profile-menu" onClick={() => setOpen(!open)}>
        {tt('office.profile', { name: who.name })}
      </button>
      {open && (
        <div id="profile-menu" class="kluis-profile__panel">
          <p class="utrecht-paragraph"><strong>{who.name}</strong><br />{who.email}{who.mobile ? <><br />{who.mobile}</> : null}</p>
          {who.offices.length > 1 && (
            <>
              <h2 class="utrecht-heading-4">{tt('office.switch')}</h2>
              <ul class="kluis-profile__offices">
                {who.offices.map((office) => (
                  <li key={office.id}>
                    <button type="button" class="utrecht-button utrecht-button--subtle"
                      aria-current={office.id === current?.id ? 'true' : undefined}
                      onClick={() => switchTo(office.id)}>
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
