// The one way the portal talks to Kluis: the documented JSON API under /api/v1, with
// the bearer token kept in memory and in this tab's sessionStorage (never in a URL,
// never in localStorage). Every path used here is checked against the OpenAPI
// document by tests/unit/test_web_client_paths.py.
import { language, t } from './i18n'

export const API_BASE = '/api/v1'
const TOKEN_KEY = 'kluis.token'

export interface ErrorBody {
  error: string
  message: string
  details?: Record<string, unknown>
  request_id?: string
}

/** An answer other than 2xx, or no answer at all (`network`). */
export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public details: Record<string, unknown> = {},
    public retryAfter: number | null = null,
  ) {
    super(message)
  }

  get network(): boolean {
    return this.status === 0
  }
}

let token: string | null = sessionStorage.getItem(TOKEN_KEY)

export function getToken(): string | null {
  return token
}

export function setToken(value: string | null) {
  token = value
  if (value) sessionStorage.setItem(TOKEN_KEY, value)
  else sessionStorage.removeItem(TOKEN_KEY)
}

/** Hooks for the session (session.ts, drafts.ts): what the user did counts as activity
 * from when it was sent; an answer saying the session is gone ends it in the portal
 * too; `ending` is told why a session ends. */
export const hooks = {
  activity: (_startedAt: number) => {},
  ended: (_code: string) => {},
  ending: (_reason: string) => {},
}

export interface RequestOptions {
  body?: unknown
  query?: Record<string, string | number | undefined | null>
  /** A read the portal makes on its own: it does not keep the session alive. */
  background?: boolean
  /** A route that needs no sign-in: no token is sent, and it is no activity. */
  anonymous?: boolean
}

function url(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  const search = params.toString()
  return API_BASE + path + (search ? `?${search}` : '')
}

function headers(extra: Record<string, string> = {}, anonymous = false): Record<string, string> {
  const result: Record<string, string> = { 'Accept-Language': language.get(), ...extra }
  if (token && !anonymous) result.Authorization = `Bearer ${token}`
  return result
}

function networkError(): ApiError {
  return new ApiError(0, 'network_error', t('error.network'))
}

async function failure(response: Response): Promise<ApiError> {
  let body: Partial<ErrorBody> = {}
  try {
    body = await response.json()
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  const retryAfter = Number(response.headers.get('Retry-After')) || null
  return new ApiError(response.status, body.error ?? 'http_error',
    body.message ?? t('error.unexpected'), body.details ?? {}, retryAfter)
}

function noticed(error: ApiError, hadToken: boolean): ApiError {
  if (hadToken && error.status === 401) hooks.ended(error.code)
  return error
}

/** A JSON call. Resolves with the answer's body (undefined for 204). */
export async function api<T>(method: string, path: string,
  options: RequestOptions = {}): Promise<T> {
  const hadToken = Boolean(token) && !options.anonymous
  const extra: Record<string, string> = {}
  if (options.body !== undefined) extra['Content-Type'] = 'application/json'
  if (options.background) extra['X-Kluis-Background'] = '1'
  const startedAt = Date.now()
  let response: Response
  try {
    response = await fetch(url(path, options.query), {
      method,
      headers: headers(extra, options.anonymous),
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'omit',
      cache: 'no-store',
    })
  } catch {
    throw networkError()
  }
  if (!options.background && hadToken && path !== '/auth/session') hooks.activity(startedAt)
  if (!response.ok) throw noticed(await failure(response), hadToken)
  if (response.status === 204 || response.status === 202) {
    const text = await response.text()
    return (text ? JSON.parse(text) : undefined) as T
  }
  return (await response.json()) as T
}

export interface Upload<T> {
  done: Promise<T>
  abort: () => void
}

/** A multipart upload (`file` plus `fields`) with progress, through XMLHttpRequest:
 * fetch cannot report how much of a body was sent. */
export function upload<T>(path: string, file: File, fields: Record<string, string>,
  onProgress: (sent: number, total: number) => void): Upload<T> {
  const xhr = new XMLHttpRequest()
  const hadToken = Boolean(token)
  const done = new Promise<T>((resolve, reject) => {
    xhr.open('POST', url(path))
    for (const [name, value] of Object.entries(headers())) xhr.setRequestHeader(name, value)
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.total || file.size)
    xhr.onerror = () => reject(networkError())
    xhr.onabort = () => reject(new ApiError(0, 'aborted', t('upload.cancelled')))
    xhr.onload = () => {
      hooks.activity(startedAt)
      let body: Record<string, unknown> = {}
      try {
        body = JSON.parse(xhr.responseText || '{}')
      } catch {
        // not JSON: the status says enough
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body as T)
        return
      }
      const retryAfter = Number(xhr.getResponseHeader('Retry-After')) || null
      reject(noticed(new ApiError(xhr.status, String(body.error ?? 'http_error'),
        String(body.message ?? t('error.unexpected')),
        (body.details as Record<string, unknown>) ?? {}, retryAfter), hadToken))
    }
    const form = new FormData()
    for (const [name, value] of Object.entries(fields)) form.append(name, value)
    form.append('file', file, file.name)
    const startedAt = Date.now()
    xhr.send(form)
  })
  return { done, abort: () => xhr.abort() }
}

/** A file's bytes through an authenticated fetch -> {blob, name}. */
export async function fetchFile(path: string): Promise<{ blob: Blob, name: string }> {
  const hadToken = Boolean(token)
  const startedAt = Date.now()
  let response: Response
  try {
    response = await fetch(url(path), { headers: headers(), credentials: 'omit', cache: 'no-store' })
  } catch {
    throw networkError()
  }
  hooks.activity(startedAt)
  if (!response.ok) throw noticed(await failure(response), hadToken)
  return { blob: await response.blob(), name: fileName(response.headers.get('Content-Disposition')) }
}

function fileName(disposition: string | null): string {
  const utf8 = disposition?.match(/filename\*=UTF-8''([^;]+)/i)
  if (utf8) return decodeURIComponent(utf8[1])
  const plain = disposition?.match(/filename="([^"]+)"/i)
  return plain ? plain[1] : t('documents.file_name')
}

/** Hands a fetched file to the browser as a download. */
export function saveFile(blob: Blob, name: string) {
  const href = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = href
  link.download = name
  link.hidden = true
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(href), 60_000)
}

/** Opens a fetched file (a PDF to read before signing) in a new tab. */
export function openFile(blob: Blob): Window | null {
  const href = URL.createObjectURL(blob)
  const opened = window.open(href, '_blank')
  setTimeout(() => URL.revokeObjectURL(href), 5 * 60_000)
  return opened
}
