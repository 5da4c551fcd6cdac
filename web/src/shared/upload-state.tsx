// Where one upload stands: its progress while it goes, failed with the reason and a
// retry (unless the same file cannot get past: too large, wrong type).
import { Alert, Button } from './components'
import { useT } from './i18n'
import type { UploadItem } from './upload-list'

export function UploadState<T>({ id, item, onRetry }: {
  id: string, item: UploadItem<T> | undefined, onRetry: (key: string) => void
}) {
  const tt = useT()
  if (item?.status === 'uploading') {
    return (
      <p class="utrecht-paragraph kluis-progress">
        <label for={id}>{tt('upload.progress_label', { name: item.file.name })}</label>{' '}
        <progress id={id} max={item.file.size} value={item.sent} />
      </p>
    )
  }
  if (item?.status === 'failed') {
    return (
      <Alert type="error" role="alert">
        <p class="utrecht-paragraph">{tt('upload.failed', { name: item.file.name })} {item.error}</p>
        {!item.final && <Button onClick={() => onRetry(item.key)}>{tt('action.retry')}</Button>}
      </Alert>
    )
  }
  return null
}
