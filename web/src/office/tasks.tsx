// Taken: uploads to review and client messages to answer, across the offices. A review
// shows the file (opened in the browser) with `Goedkeuren` and `Afkeuren` (a `Reden` is
// required to reject); the client is told of a rejection.
import { useState } from 'preact/hooks'
import { ApiError, openFile } from '../shared/api'
import {
  Alert, Button, ErrorSummary, Loading, Notice, PageLoadError, PageTitle, StatusText, TextArea, useLoad,
} from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { dateTime } from '../shared/format'
import { apiErrors, hasErrors, localErrors, NO_ERRORS, type FormErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import { Link, navigate, useLocation } from '../shared/router'
import { RequestStatus } from '../client/requests'

export function TasksPage() {
  const tt = useT()
  const { notice } = useLocation()
  const list = useLoad(() => Promise.all([endpoints.tasks('open'), endpoints.dossiers({ status: 'all' })]), [])
  const [error, setError] = useState<string | null>(null)
  async function done(id: string) {
    try {
      await endpoints.taskDone(id)
      list.reload()
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : t('error.unexpected'))
    }
  }
  if (list.error) return <PageLoadError error={list.error} onRetry={list.reload} />
  const [tasks, dossiers] = list.data ?? [null, null]
  const about = (id: string) => dossiers?.items.find((d) => d.id === id)
  return (
    <>
      <PageTitle title={tt('office.tasks')}>{tt('office.tasks')}</PageTitle>
      {notice === 'reviewed' && <Notice>{tt('office.reviewed')}</Notice>}
      {error && <Alert type="error" role="alert"><p class="utrecht-paragraph">{error}</p></Alert>}
      {!tasks ? <Loading /> : tasks.items.length === 0 ? <p class="utrecht-paragraph kluis-lead">{tt('office.no_tasks')}</p> : (
        <ul class="kluis-list">
          {tasks.items.map((task) => {
            const dossier = about(task.dossier_id)
            return (
              <li key={task.id} class="kluis-list__item">
                <h2 class="utrecht-heading-4 kluis-list__title">{tt(`office.task.${task.type}`)}</h2>
                <p class="utrecht-paragraph kluis-meta">
                  {dossier ? `${dossier.client_name} · ${tt('dossier.title', { number: dossier.number })}` : ''} · {dateTime(task.created_at)}
                </p>
                <div class="kluis-button-group">
                  {task.type === 'review_upload' && task.request_id && (
                    <Link href={`/tasks/${task.id}/review?request=${task.request_id}&dossier=${task.dossier_id}`}
                      class="utrecht-button utrecht-button--primary-action kluis-button-link">{tt('office.review')}</Link>
                  )}
                  {task.type === 'answer_message' && (
                    <Link href={`/dossiers/${task.dossier_id}?tab=messages`}
                      class="utrecht-button utrecht-button--primary-action kluis-button-link">{tt('office.answer')}</Link>
                  )}
                  <Button variant="subtle" onClick={() => done(task.id)}>{tt('office.task_done')}</Button>
                </div>
              </li>
            )
          })}
        </ul>
      )}
    </>
  )
}

export function ReviewPage() {
  const tt = useT()
  const { query } = useLocation()
  const requestId = query.get('request') ?? ''
  const dossierId = query.get('dossier') ?? ''
  const item = useLoad(() => endpoints.requests(dossierId).then((page) => {
    const found = page.items.find((r) => r.id === requestId)
    if (!found) throw new ApiError(404, 'not_found', t('not_found.title'))
    return found
  }), [requestId, dossierId])
  const [reason, setReason] = useState('')
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [busy, setBusy] = useState<string | null>(null)

  async function show(documentId: string) {
    try {
      const { blob } = await endpoints.documentContent(documentId)
      openFile(blob)
    } catch (error) {
      setErrors(apiErrors(error))
    }
  }

  async function decide(decision: 'approve' | 'reject') {
    const local = decision === 'reject' ? localErrors({ reason: reason.trim() ? null : t('office.reason_required') }) : NO_ERRORS
    setErrors(local)
    if (hasErrors(local)) return
    setBusy(decision)
    try {
      await endpoints.reviewRequest(requestId, decision, decision === 'reject' ? reason.trim() : undefined)
      navigate('/tasks', { replace: true, notice: 'reviewed' })
    } catch (error) {
      setErrors(apiErrors(error, { reason: 'reason' }))
      setBusy(null)
    }
  }

  if (item.error) return <PageLoadError error={item.error} onRetry={item.reload} />
  if (!item.data) return <Loading />
  const request = item.data
  return (
    <>
      <p class="utrecht-paragraph kluis-back"><Link href="/tasks" class="utrecht-link">{tt('office.back_to_tasks')}</Link></p>
      <PageTitle title={tt('office.review_title', { title: request.title })}>{tt('office.review_title', { title: request.title })}</PageTitle>
      <p class="utrecht-paragraph"><RequestStatus item={request} /></p>
      <ErrorSummary errors={errors} />
      <h2 class="utrecht-heading-3">{tt('office.delivered_files')}</h2>
      {request.document_ids.length === 0 ? <p class="utrecht-paragraph">{tt('office.no_documents')}</p> : (
        <div class="kluis-button-group">
          {request.document_ids.map((id, index) => (
            <Button key={id} onClick={() => show(id)}>{tt('office.open_file', { n: index + 1 })}</Button>
          ))}
        </div>
      )}
      <div class="kluis-form">
        <TextArea id="reason" label={tt('office.reason')} value={reason} onValue={setReason} rows={3}
          error={errors.fields.reason} description={tt('office.reason_help')} />
        <div class="kluis-button-group">
          <Button variant="primary" busy={busy === 'approve'} onClick={() => decide('approve')}>{tt('app.approve')}</Button>
          <Button variant="danger" busy={busy === 'reject'} onClick={() => decide('reject')}>{tt('office.reject')}</Button>
        </div>
      </div>
      <p class="utrecht-paragraph"><StatusText tone="info">{tt('office.client_told')}</StatusText></p>
    </>
  )
}
