// Checks on a file before it is sent, with the server's own limits (GET /limits): the
// size, and the type by extension (the server decides by content in the end).
import * as endpoints from './endpoints'
import { size } from './format'
import { t } from './i18n'
import type { Limits } from './types'

let cached: Promise<Limits> | null = null

export function limits(): Promise<Limits> {
  if (!cached) cached = endpoints.limits().catch((error) => { cached = null; throw error })
  return cached
}

function extension(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot < 0 ? '' : name.slice(dot).toLowerCase()
}

/** What is wrong with `file` for an upload, or null. */
export function fileProblem(file: File, known: Limits): string | null {
  if (file.size > known.max_upload_bytes) {
    return t('upload.too_large', { max: size(known.max_upload_bytes) })
  }
  if (file.size === 0) return t('upload.empty')
  if (!known.upload_extensions.includes(extension(file.name))) {
    return t('upload.wrong_type', { types: typesText(known) })
  }
  return null
}

export function typesText(known: Limits): string {
  const names = known.upload_extensions.filter((e) => !['.jpeg', '.heif'].includes(e))
  return names.map((e) => e.slice(1).toUpperCase()).join(', ')
}
