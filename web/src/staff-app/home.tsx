// The staff app (Mijn Kantoor on the phone): the people who can log in with this phone,
// `Registreren` for one more, and per person `Inloggen` (the office portal here, by the
// device key) and `Inloggen op PC`. An unfinished registration shows as `adviseur1` with
// a bin button that removes it.
import { useEffect, useState } from 'preact/hooks'
import { ApiError } from '../shared/api'
import { Alert, Button, LoadError, Loading, Notice, PageTitle, useLoad } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { t, useT } from '../shared/i18n'
import { Link, navigate, useLocation } from '../shared/router'
import { begin } from '../shared/session'
import { describeThisDevice } from './device'
import { installApp } from './install'
import { canMakeKeys, deletePerson, listPeople, newKeys, savePerson, sign, type Person } from './keys'

/** Signs in with the device key (a fresh challenge, signed) and opens the portal. */
export async function deviceLogin(person: Person) {
  const { challenge } = await endpoints.deviceChallenge(person.deviceId!)
  const session = await endpoints.deviceLogin(person.deviceId!, challenge, await sign(person, challenge))
  await begin(session.token)
  navigate('/', { replace: true })
}

export function StaffAppPage() {
  const tt = useT()
  const { notice } = useLocation()
  const people = useLoad(listPeople, [])
  const [supported, setSupported] = useState<boolean | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  useEffect(() => {
    installApp()
    canMakeKeys().then(setSupported)
  }, [])

  async function register() {
    setError(null)
    const device = await describeThisDevice()
    if (!device) {
      setError(t('app.not_a_phone'))
      return
    }
    setBusy('register')
    try {
      const { keys, publicKey } = await newKeys()
      const started = await endpoints.startRegistration({ public_key: publicKey, ...device })
      const person: Person = { id: crypto.randomUUID(), registrationId: started.id, deviceId: null,
        name: started.display_name, state: 'registering', keys, publicKey,
        createdAt: new Date().toISOString() }
      await savePerson(person)
      navigate(`/app/register/${person.id}`)
    } catch (failure) {
      setError(failure instanceof ApiError && failure.code === 'client_version_unsupported'
        ? t('app.too_old') : failure instanceof ApiError ? failure.message : t('error.unexpected'))
    } finally {
      setBusy(null)
    }
  }

  async function remove(person: Person) {
    setBusy(person.id)
    try {
      await endpoints.deleteRegistration(person.registrationId).catch(() => {})
      await deletePerson(person.id)
      people.reload()
    } finally {
      setBusy(null)
    }
  }

  async function logIn(person: Person) {
    setBusy(person.id)
    setError(null)
    try {
      await deviceLogin(person)
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : t('error.unexpected'))
      setBusy(null)
    }
  }

  return (
    <>
      <PageTitle title={tt('app.title')}>{tt('app.title')}</PageTitle>
      {notice === 'registered' && <Notice>{tt('app.registered')}</Notice>}
      {supported === false && (
        <Alert type="warning" role="alert"><p class="utrecht-paragraph">{tt('app.no_ed25519')}</p></Alert>
      )}
      {error && <Alert type="error" role="alert"><p class="utrecht-paragraph">{error}</p></Alert>}
      <h2 class="utrecht-heading-2">{tt('app.people')}</h2>
      {people.error ? <LoadError error={people.error} onRetry={people.reload} /> : !people.data ? <Loading /> : (
        people.data.length === 0 ? <p class="utrecht-paragraph">{tt('app.nobody')}</p> : (
          <ul class="kluis-list" aria-label={tt('app.people')}>
            {people.data.map((person) => (
              <li key={person.id} class="kluis-list__item kluis-person">
                <h3 class="utrecht-heading-4 kluis-list__title">{person.name}</h3>
                {person.state === 'registered' ? (
                  <div class="kluis-button-group">
                    <Button variant="primary" busy={busy === person.id} onClick={() => logIn(person)}>
                      {tt('app.log_in')}<span class="kluis-visually-hidden"> {person.name}</span>
                    </Button>
                    <Link href={`/app/pc-login/${person.id}`} class="utrecht-button utrecht-button--secondary-action kluis-button-link">
                      {tt('app.pc_login')}<span class="kluis-visually-hidden"> {person.name}</span>
                    </Link>
                  </div>
                ) : (
                  <div class="kluis-button-group">
                    <Link href={`/app/register/${person.id}`} class="utrecht-button utrecht-button--secondary-action kluis-button-link">
                      {tt('app.continue')}<span class="kluis-visually-hidden"> {person.name}</span>
                    </Link>
                    <Button variant="subtle" busy={busy === person.id} onClick={() => remove(person)}>
                      <span aria-hidden="true">🗑 </span>{tt('app.remove')}<span class="kluis-visually-hidden"> {person.name}</span>
                    </Button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        )
      )}
      <div class="kluis-button-group">
        <Button variant="primary" busy={busy === 'register'} disabled={supported === false}
          onClick={register}>{tt('app.register')}</Button>
      </div>
    </>
  )
}
