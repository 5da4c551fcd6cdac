// A questionnaire template, built page by page: each page a title and typed questions
// (text, number, date, yes/no, choice with its options). Saved for the active office.
import { useState } from 'preact/hooks'
import { Button, Checkbox, ErrorSummary, PageTitle, Select, TextArea, TextField } from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { apiErrors, hasErrors, localErrors, NO_ERRORS, type FormErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import { Link, navigate } from '../shared/router'
import { account } from '../shared/session'
import { useStore } from '../shared/store'
import type { QuestionType } from '../shared/types'
import { activeOffice } from './office-bar'

interface Draft { label: string, type: QuestionType, required: boolean, options: string }
interface PageDraft { title: string, questions: Draft[] }

const TYPES: QuestionType[] = ['text', 'number', 'date', 'yes_no', 'choice']
const blank = (): Draft => ({ label: '', type: 'text', required: true, options: '' })

/** A key from the label: a-z, 0-9 and _, unique in the template. */
function keyOf(label: string, used: Set<string>): string {
  const base = label.toLowerCase().normalize('NFD').replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 36) || 'vraag'
  let key = base
  for (let n = 2; used.has(key); n++) key = `${base}_${n}`
  used.add(key)
  return key
}

export function NewTemplatePage() {
  const tt = useT()
  const who = useStore(account)
  const [title, setTitle] = useState('')
  const [pages, setPages] = useState<PageDraft[]>([{ title: '', questions: [blank()] }])
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [busy, setBusy] = useState(false)
  const change = (p: number, q: number | null, patch: Partial<Draft> & { pageTitle?: string }) =>
    setPages(pages.map((page, i) => i !== p ? page : {
      title: patch.pageTitle ?? page.title,
      questions: q === null ? page.questions : page.questions.map((d, j) => (j === q ? { ...d, ...patch } : d)),
    }))

  async function save(event: Event) {
    event.preventDefault()
    const found: Record<string, string | null> = { 'template-title': title.trim() ? null : t('office.title_required') }
    pages.forEach((page, p) => {
      found[`page-${p}`] = page.title.trim() ? null : t('office.page_title_required')
      page.questions.forEach((q, j) => { found[`q-${p}-${j}`] = q.label.trim() ? null : t('office.question_required') })
    })
    const local = localErrors(found)
    setErrors(local)
    if (hasErrors(local)) return
    const used = new Set<string>()
    setBusy(true)
    try {
      await endpoints.createTemplate({ office_id: activeOffice(who)?.id, title: title.trim(), pages: pages.map((page) => ({
        title: page.title.trim(), questions: page.questions.map((q) => ({ key: keyOf(q.label, used), label: q.label.trim(),
          type: q.type, required: q.required,
          ...(q.type === 'choice' ? { options: q.options.split('\n').map((o) => o.trim()).filter(Boolean) } : {}) })) })) })
      navigate('/clients', { replace: true, notice: 'template_saved' })
    } catch (error) {
      setErrors(apiErrors(error, { title: 'template-title' }))
      setBusy(false)
    }
  }

  return (
    <>
      <p class="utrecht-paragraph kluis-back"><Link href="/clients" class="utrecht-link">{tt('office.back_to_clients')}</Link></p>
      <PageTitle title={tt('office.new_template')}>{tt('office.new_template')}</PageTitle>
      <ErrorSummary errors={errors} />
      <form class="kluis-form" onSubmit={save} noValidate>
        <TextField id="template-title" label={tt('office.template_title')} value={title} onValue={setTitle}
          error={errors.fields['template-title']} required />
        {pages.map((page, p) => (
          <fieldset key={p} class="kluis-field kluis-template-page">
            <legend class="utrecht-heading-3">{tt('questionnaire.step', { page: p + 1, total: pages.length })}</legend>
            <TextField id={`page-${p}`} label={tt('office.page_title')} value={page.title}
              onValue={(value) => change(p, null, { pageTitle: value })} error={errors.fields[`page-${p}`]} required />
            {page.questions.map((q, j) => (
              <div key={j} class="kluis-template-question">
                <TextField id={`q-${p}-${j}`} label={tt('office.question', { n: j + 1 })} value={q.label}
                  onValue={(value) => change(p, j, { label: value })} error={errors.fields[`q-${p}-${j}`]} required />
                <Select id={`q-${p}-${j}-type`} label={tt('office.question_type', { n: j + 1 })} value={q.type}
                  onValue={(value) => change(p, j, { type: value as QuestionType })}
                  options={TYPES.map((type) => ({ value: type, label: tt(`office.type.${type}`) }))} />
                {q.type === 'choice' && (
                  <TextArea id={`q-${p}-${j}-options`} label={tt('office.options', { n: j + 1 })} value={q.options}
                    onValue={(value) => change(p, j, { options: value })} rows={3} description={tt('office.options_help')} />
                )}
                <Checkbox id={`q-${p}-${j}-required`} label={tt('office.required', { n: j + 1 })} checked={q.required}
                  onChecked={(value) => change(p, j, { required: value })} />
              </div>
            ))}
            <Button onClick={() => setPages(pages.map((pg, i) => (i === p ? { ...pg, questions: [...pg.questions, blank()] } : pg)))}>
              {tt('office.add_question')}
            </Button>
          </fieldset>
        ))}
        <div class="kluis-button-group">
          <Button onClick={() => setPages([...pages, { title: '', questions: [blank()] }])}>{tt('office.add_page')}</Button>
          <Button type="submit" variant="primary" busy={busy}>{tt('action.save')}</Button>
        </div>
      </form>
    </>
  )
}
