// What a user is typing (a message), kept in this tab's sessionStorage while it is
// being written: when the session ends for inactivity and the user signs in again as
// the same account, it is back. A logout, or sending it, throws it away.
import { useState } from 'preact/hooks'
import { hooks } from './api'
import { account } from './session'

const PREFIX = 'kluis.draft.'

function keyOf(name: string): string {
  return `${PREFIX}${account.get()?.id ?? 'anonymous'}:${location.pathname}:${name}`
}

/** -> [value, set, forget] for the field `name` of this page. */
export function useDraft(name: string): [string, (value: string) => void, () => void] {
  const key = keyOf(name)
  const [value, setValue] = useState(() => sessionStorage.getItem(key) ?? '')
  function set(next: string) {
    setValue(next)
    if (next) sessionStorage.setItem(key, next)
    else sessionStorage.removeItem(key)
  }
  return [value, set, () => sessionStorage.removeItem(key)]
}

function forgetAll() {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith(PREFIX)) sessionStorage.removeItem(key)
}

hooks.ending = (reason: string) => {
  if (reason === 'logout' || reason === 'elsewhere') forgetAll()
}
