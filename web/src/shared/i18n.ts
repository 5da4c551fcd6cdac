// The portal's language (nl, en) and its texts. Strings live in src/i18n/nl.ts and
// en.ts, never inline; the English catalogue must have exactly the Dutch keys.
import { en } from '../i18n/en'
import { nl, type MessageKey } from '../i18n/nl'
import { store, useStore } from './store'

export type Language = 'nl' | 'en'
export type { MessageKey }

const CATALOGUES: Record<Language, Record<MessageKey, string>> = { nl, en }
const STORAGE_KEY = 'kluis.language'

function initialLanguage(): Language {
  const saved = sessionStorage.getItem(STORAGE_KEY)
  if (saved === 'nl' || saved === 'en') return saved
  const preferred = (navigator.languages ?? [navigator.language]).map((l) => l.slice(0, 2))
  const first = preferred.find((l) => l === 'nl' || l === 'en')
  return (first as Language) ?? 'nl'
}

export const language = store<Language>(initialLanguage())

export function setLanguage(value: Language) {
  sessionStorage.setItem(STORAGE_KEY, value)
  language.set(value)
}

function apply(value: Language) {
  document.documentElement.lang = value
}
apply(language.get())
language.subscribe(apply)

export type Vars = Record<string, string | number>

/** The text for `key` in the current language, with `{name}` filled in from `vars`. */
export function t(key: MessageKey, vars?: Vars): string {
  const text = CATALOGUES[language.get()][key] ?? nl[key] ?? key
  return vars ? text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? `{${name}}`)) : text
}

/** Re-renders the component when the language changes; returns `t`. */
export function useT(): typeof t {
  useStore(language)
  return t
}

/** A text in either catalogue, when a key is only known at run time (an API's code). */
export function hasText(key: string): key is MessageKey {
  return key in nl
}
