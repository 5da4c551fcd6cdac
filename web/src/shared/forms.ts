// Turning an API error into what a form shows: a summary at the top and a message next
// to each field that caused it (GOV.UK / NL Design System error pattern).
import { ApiError } from './api'
import { hasText, t } from './i18n'

export interface FormErrors {
  /** In the order of the form; `field` is the id of the control the message is about. */
  summary: { field?: string, text: string }[]
  fields: Record<string, string>
  /** The request never reached Kluis: offer to try again (nothing typed is lost). */
  network: boolean
}

export const NO_ERRORS: FormErrors = { summary: [], fields: {}, network: false }

export function hasErrors(errors: FormErrors): boolean {
  return errors.summary.length > 0
}

/** Errors found in the browser before sending: {control id: text}, in form order. */
export function localErrors(found: Record<string, string | null | undefined>): FormErrors {
  const fields: Record<string, string> = {}
  for (const [field, text] of Object.entries(found)) if (text) fields[field] = text
  return { summary: Object.entries(fields).map(([field, text]) => ({ field, text })), fields,
    network: false }
}

function firstText(value: unknown): string | null {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return value.map(firstText).find(Boolean) ?? null
  return null
}

/**
 * `controls` maps the API's field names (and nested `answers.key` paths) to control ids;
 * `codes` maps error codes that are about one control (invalid_code -> the code field).
 */
export function apiErrors(error: unknown, controls: Record<string, string> = {},
  codes: Record<string, string> = {}): FormErrors {
  if (!(error instanceof ApiError)) {
    return { summary: [{ text: t('error.unexpected') }], fields: {}, network: false }
  }
  if (error.network) return { summary: [{ text: error.message }], fields: {}, network: true }
  const fields: Record<string, string> = {}
  const summary: FormErrors['summary'] = []
  if (error.code === 'weak_password' && controls.password) {
    const rules = (error.details.rules as string[] | undefined) ?? []
    const text = rules.map((rule) => {
      const key = `password.rule.${rule}`
      return hasText(key) ? t(key) : rule
    }).join(' ')
    fields[controls.password] = `${error.message} ${text}`.trim()
    summary.push({ field: controls.password, text: fields[controls.password] })
    return { summary, fields, network: false }
  }
  if (error.code === 'validation_error') {
    collect(error.details, '', controls, fields, summary)
  }
  if (codes[error.code]) {
    fields[codes[error.code]] = error.message
    summary.push({ field: codes[error.code], text: error.message })
  }
  if (summary.length === 0) {
    const retry = error.retryAfter ? ` ${t('error.retry_after', { seconds: error.retryAfter })}` : ''
    summary.push({ text: error.message + retry })
  }
  return { summary, fields, network: false }
}

function collect(details: Record<string, unknown>, prefix: string,
  controls: Record<string, string>, fields: Record<string, string>,
  summary: FormErrors['summary']) {
  for (const [name, value] of Object.entries(details)) {
    const path = prefix ? `${prefix}.${name}` : name
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      collect(value as Record<string, unknown>, path, controls, fields, summary)
      continue
    }
    const text = firstText(value)
    if (!text) continue
    const control = controls[path]
    if (control) fields[control] = text
    summary.push({ field: control, text })
  }
}
