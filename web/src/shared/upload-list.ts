// Files on their way up, each with its own progress and outcome: done, or failed with
// the reason and a retry. At most `parallel` at once (the server allows four uploads
// per account and answers 429 beyond that).
import { useEffect, useRef, useState } from 'preact/hooks'
import { ApiError, type Upload } from './api'
import { fileProblem, limits } from './files'
import { t } from './i18n'

export type UploadStatus = 'waiting' | 'uploading' | 'done' | 'failed'

export interface UploadItem<T> {
  key: string
  file: File
  status: UploadStatus
  sent: number
  error?: string
  /** A failure the same file cannot get past (too large, wrong type): no retry. */
  final?: boolean
  result?: T
}

let counter = 0

export function useUploadList<T>(start: (file: File, progress: (sent: number) => void) => Upload<T>,
  parallel = 2) {
  const [items, setItems] = useState<UploadItem<T>[]>([])
  const running = useRef(new Map<string, () => void>())
  const latest = useRef(items)
  latest.current = items

  function update(key: string, change: Partial<UploadItem<T>>) {
    setItems((list) => list.map((item) => (item.key === key ? { ...item, ...change } : item)))
  }

  // Start waiting files while there is room.
  useEffect(() => {
    const room = parallel - running.current.size
    const waiting = items.filter((item) => item.status === 'waiting' && !running.current.has(item.key))
    for (const item of waiting.slice(0, Math.max(0, room))) begin(item)
  }, [items])

  // Leaving the page stops what is still on its way.
  useEffect(() => () => { for (const abort of running.current.values()) abort() }, [])

  function begin(item: UploadItem<T>) {
    const upload = start(item.file, (sent) => update(item.key, { sent }))
    running.current.set(item.key, upload.abort)
    update(item.key, { status: 'uploading', sent: 0, error: undefined })
    upload.done.then(
      (result) => update(item.key, { status: 'done', sent: item.file.size, result }),
      (error: unknown) => {
        if (error instanceof ApiError && error.code === 'aborted') return
        const text = error instanceof ApiError ? error.message : t('error.unexpected')
        const final = error instanceof ApiError && [413, 415, 422].includes(error.status)
        update(item.key, { status: 'failed', error: text, final })
      },
    ).finally(() => {
      running.current.delete(item.key)
      setItems((list) => [...list]) // let the next waiting file start
    })
  }

  /** Checks each file against the server's limits; those that pass wait their turn. */
  async function add(files: File[]) {
    let known
    try {
      known = await limits()
    } catch (error) {
      known = null
    }
    const added = files.map((file): UploadItem<T> => {
      const problem = known ? fileProblem(file, known) : null
      return { key: `upload-${++counter}`, file, sent: 0,
        status: problem ? 'failed' : 'waiting', error: problem ?? undefined, final: Boolean(problem) }
    })
    setItems((list) => [...list, ...added])
    return added
  }

  function retry(key: string) {
    update(key, { status: 'waiting', error: undefined, sent: 0 })
  }

  /** Forgets a file (stopping it when on its way); -> the item, to undo on the server. */
  function remove(key: string): UploadItem<T> | undefined {
    running.current.get(key)?.()
    running.current.delete(key)
    const item = latest.current.find((candidate) => candidate.key === key)
    setItems((list) => list.filter((candidate) => candidate.key !== key))
    return item
  }

  function clear() {
    setItems([])
  }

  return { items, add, retry, remove, clear }
}
