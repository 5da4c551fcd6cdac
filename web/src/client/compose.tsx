// Writing a message to the office: a new one (subject and message) or a reply, with
// attachments. The message has a live counter that stops at the server's limit.
import { useEffect, useState } from 'preact/hooks'
import { Alert, Button, ErrorSummary, Loading, PageLoadError, PageTitle, TextArea, TextField, useLoad } from '../shared/components'
import { useDraft } from '../shared/drafts'
import * as endpoints from '../shared/endpoints'
import { limits } from '../shared/files'
import { apiErrors, hasErrors, localErrors, NO_ERRORS, type FormErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import { Link, navigate } from '../shared/router'
import { account } from '../shared/session'
import { useStore } from '../shared/store'
import { AttachmentList, AttachmentsDialog, useAttachments } from './attachments'

const BODY_MAX = 500
const SUBJECT_MAX = 200

function useBodyLimit() {
  const [max, setMax] = useState({ body: BODY_MAX, subject: SUBJECT_MAX })
  useEffect(() => {
    limits().then((known) => setMax({ body: known.message_body_max, subject: known.message_subject_max }),
      () => {})
  }, [])
  return max
}

const SPEAK_WITHIN = 20 // characters left when the counter starts being read out

function Counter({ length, max }: { length: number, max: number }) {
  const tt = useT()
  const text = length >= max ? tt('compose.counter_full', { max }) : tt('compose.counter', { length, max })
  return (
    <>
      <p id="body-counter" class={`kluis-counter ${length >= max ? 'kluis-counter--full' : ''}`}>{text}</p>
      {/* Read out near the limit only, not at every key. */}
      <p class="kluis-visually-hidden" aria-live="polite">
        {max - length <= SPEAK_WITHIN ? tt('compose.counter_left', { left: Math.max(0, max - length) }) : ''}
      </p>
    </>
  )
}

function Compose({ dossierId, subjectField, title, intro, send }: {
  dossierId: string, subjectField: boolean, title: string, intro?: string,
  send: (subject: string, body: string, attachmentIds: string[]) => Promise<unknown>
}) {
  const tt = useT()
  const max = useBodyLimit()
  const who = useStore(account)
  const [subject, setSubject, forgetSubject] = useDraft('subject')
  const [body, setBody, forgetBody] = useDraft('body')
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [busy, setBusy] = useState(false)
  const [dialog, setDialog] = useState(false)
  const attachments = useAttachments(dossierId)

  async function submit(event?: Event) {
    event?.preventDefault()
    const local = localErrors({
      subject: subjectField && !subject.trim() ? t('compose.subject_required') : null,
      body: !body.trim() ? t('compose.body_required')
        : body.trim().length > max.body ? t('compose.body_too_long', { max: max.body }) : null,
      attachments: attachments.busy ? t('compose.wait_for_uploads') : null,
    })
    setErrors(local)
    if (hasErrors(local)) return
    setBusy(true)
    try {
      await send(subject.trim(), body.trim(), attachments.ids)
      forgetSubject()
      forgetBody()
      attachments.clear()
      navigate(`/dossiers/${dossierId}?tab=messages`, { replace: true, notice: 'message_sent' })
    } catch (error) {
      setErrors(apiErrors(error, { subject: 'subject', body: 'body', attachment_ids: 'attachments' }))
      setBusy(false)
    }
  }

  const back = (
    <p class="utrecht-paragraph kluis-back">
      <Link href={`/dossiers/${dossierId}?tab=messages`} class="utrecht-link">{tt('compose.back')}</Link>
    </p>
  )
  if (who?.read_only) {
    return <>{back}<PageTitle title={title}>{title}</PageTitle><Alert type="info"><p class="utrecht-paragraph">{tt('compose.read_only')}</p></Alert></>
  }
  return (
    <>
      {back}
      <PageTitle title={title}>{title}</PageTitle>
      {intro && <p class="utrecht-paragraph kluis-lead">{intro}</p>}
      <ErrorSummary errors={errors} onRetry={() => submit()} />
      <form class="kluis-form" onSubmit={submit} noValidate>
        {subjectField && (
          <TextField id="subject" label={tt('compose.subject')} value={subject} onValue={setSubject}
            error={errors.fields.subject} maxLength={max.subject} required />
        )}
        <TextArea id="body" label={tt('compose.body')} value={body} onValue={setBody}
          error={errors.fields.body} maxLength={max.body} rows={8} required
          describedById="body-counter" />
        <Counter length={body.length} max={max.body} />
        <div class="kluis-field" id="attachments" tabIndex={-1}>
          <h2 class="utrecht-heading-3">{tt('attachments.title')}</h2>
          {errors.fields.attachments && <p class="utrecht-form-field-error-message">{errors.fields.attachments}</p>}
          <AttachmentList attachments={attachments} compact />
          <Button onClick={() => setDialog(true)}>{tt('attachments.add')}</Button>
        </div>
        <div class="kluis-button-group">
          <Button type="submit" variant="primary" busy={busy}>{tt('compose.send')}</Button>
        </div>
      </form>
      <AttachmentsDialog open={dialog} onClose={() => setDialog(false)} attachments={attachments} />
    </>
  )
}

export function NewMessagePage({ params }: { params: Record<string, string> }) {
  const tt = useT()
  return <Compose dossierId={params.id} subjectField title={tt('compose.new_title')}
    send={(subject, body, ids) => endpoints.postMessage(params.id, subject, body, ids)} />
}

export function ReplyPage({ params }: { params: Record<string, string> }) {
  const tt = useT()
  const original = useLoad(() => endpoints.messages(params.id).then(
    (page) => page.items.find((m) => m.id === params.messageId) ?? null), [params.id, params.messageId])
  if (original.error) return <PageLoadError error={original.error} onRetry={original.reload} />
  if (original.loading || original.data === undefined) return <Loading />
  return <Compose dossierId={params.id} subjectField={false}
    title={tt('compose.reply_title')}
    intro={original.data ? tt('compose.reply_to', { subject: original.data.subject }) : undefined}
    send={(_subject, body, ids) => endpoints.replyToMessage(params.messageId, body, ids)} />
}
