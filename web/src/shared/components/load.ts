// Loading what a page shows when it appears, and again on `reload`.
import { useEffect, useState } from 'preact/hooks'

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T, error?: unknown, loading: boolean }>({ loading: true })
  const [round, setRound] = useState(0)
  useEffect(() => {
    let live = true
    setState((previous) => ({ data: previous.data, loading: true }))
    load().then((data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }))
    return () => { live = false }
  }, [...deps, round])
  return { ...state, reload: () => setRound((n) => n + 1),
    set: (data: T) => setState({ data, loading: false }) }
}
