// Dates, amounts and sizes as people in the chosen language write them.
import { language } from './i18n'

function locale(): string {
  return language.get() === 'en' ? 'en-GB' : 'nl-NL'
}

/** "3 december 2026" from an ISO date or time. */
export function date(value: string | null | undefined): string {
  if (!value) return ''
  const parsed = value.length === 10 ? new Date(`${value}T12:00:00`) : new Date(value)
  return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'long', year: 'numeric' })
    .format(parsed)
}

/** "3 december 2026, 14:05" in the browser's time zone. */
export function dateTime(value: string | null | undefined): string {
  if (!value) return ''
  return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'long', year: 'numeric',
    hour: '2-digit', minute: '2-digit' }).format(new Date(value))
}

export function money(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return ''
  return new Intl.NumberFormat(locale(), { style: 'currency', currency: 'EUR' }).format(cents / 100)
}

export function size(bytes: number): string {
  const units = language.get() === 'en' ? ['bytes', 'KB', 'MB', 'GB'] : ['bytes', 'kB', 'MB', 'GB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1
  return `${new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value)} ${units[unit]}`
}

/** "1:45" for 105 seconds. */
export function minutesSeconds(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds))
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`
}

/** An amount as typed ("250.000", "1.234,56", "250,000.50", "1500") -> a number, or NaN.
 * With both separators the last is the decimal one; with one, the language decides. */
export function parseAmount(typed: string): number {
  const text = typed.replace(/[\s€]/g, '')
  if (!/^[0-9.,]+$/.test(text)) return NaN
  const lastComma = text.lastIndexOf(',')
  const lastDot = text.lastIndexOf('.')
  let decimal = lastComma > lastDot ? ',' : '.'
  if (lastComma < 0 || lastDot < 0) {
    const only = lastComma >= 0 ? ',' : '.'
    const digitsAfter = text.length - 1 - text.lastIndexOf(only)
    // "250.000" in Dutch is a thousands point; "12,5" a decimal comma
    decimal = language.get() === 'en' ? '.' : ','
    if (only !== decimal && digitsAfter !== 3) decimal = only
  }
  const thousands = decimal === ',' ? '.' : ','
  return Number(text.split(thousands).join('').replace(decimal, '.'))
}
