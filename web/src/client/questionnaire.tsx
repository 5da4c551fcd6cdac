// Filling in a questionnaire, page by page. "Volgende" saves the page (so a reload or a
// new login resumes there); "Voltooien" saves the last page and completes it; then the
// answers are shown, printable, and their PDF is under "Door mij aangeleverd".
import { useEffect, useRef, useState } from 'preact/hooks'
import { ApiError } from '../shared/api'
import {
  Alert, Button, ErrorSummary, Loading, Notice, PageLoadError, PageTitle, RadioGroup, Select,
  TextField, useLoad, type Option,
} from '../shared/components'
import * as endpoints from '../shared/endpoints'
import { date, dateTime } from '../shared/format'
import { apiErrors, hasErrors, localErrors, NO_ERRORS, type FormErrors } from '../shared/forms'
import { t, useT } from '../shared/i18n'
import { Link } from '../shared/router'
import { account } from '../shared/session'
import { refreshCounts } from '../shared/shell'
import { useStore } from '../shared/store'
import type { Answer, Question, Questionnaire } from '../shared/types'

type Values = Record<string, string>

/** Where to carry on: the page after the furthest one saved, or an earlier page with a
 * required question still open, whichever comes first. */
export function resumePage(questionnaire: Questionnaire): number {
  const { pages, answers } = questionnaire
  const missing = pages.findIndex((page) =>
    page.questions.some((q) => q.required && !(q.key in answers)))
  const candidates = [(questionnaire.last_saved_page ?? 0) + 1, missing < 0 ? pages.length : missing + 1]
  return Math.max(1, Math.min(pages.length, ...candidates))
}

function toValues(answers: Record<string, Answer>): Values {
  const values: Values = {}
  for (const [key, value] of Object.entries(answers)) {
    values[key] = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value ?? '')
  }
  return values
}

function toAnswer(question: Question, raw: string | undefined): Answer {
  const value = (raw ?? '').trim()
  if (!value) return null
  if (question.type === 'number') return Number(value.replace(',', '.'))
  if (question.type === 'yes_no') return value === 'yes'
  return value
}

function fieldId(key: string) {
  return `q-${key}`
}

function localCheck(questions: Question[], values: Values): FormErrors {
  const found: Record<string, string | null> = {}
  for (const question of questions) {
    const value = (values[question.key] ?? '').trim()
    if (question.required && !value) found[fieldId(question.key)] = t('questionnaire.required', { label: question.label })
    else if (question.type === 'number' && value && !Number.isFinite(Number(value.replace(',', '.')))) {
      found[fieldId(question.key)] = t('questionnaire.not_a_number', { label: question.label })
    }
  }
  return localErrors(found)
}

export function QuestionnairePage({ params }: { params: Record<string, string> }) {
  const tt = useT()
  const who = useStore(account)
  const loaded = useLoad(() => endpoints.questionnaire(params.id), [params.id])
  const [page, setPage] = useState(0)
  const [values, setValues] = useState<Values>({})
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [busy, setBusy] = useState(false)
  const [justCompleted, setJustCompleted] = useState(false)
  const heading = useRef<HTMLHeadingElement>(null)
  const shown = useRef(0)
  useEffect(() => {
    // A new page of questions: take the reader to its heading (not on arrival).
    if (shown.current && page !== shown.current) heading.current?.focus()
    shown.current = page
  }, [page])

  useEffect(() => {
    if (!loaded.data || page) return
    setPage(resumePage(loaded.data))
    setValues(toValues(loaded.data.answers))
  }, [loaded.data])

  if (loaded.error) return <PageLoadError error={loaded.error} onRetry={loaded.reload} />
  if (!loaded.data || !page) return <Loading />
  const questionnaire = loaded.data
  if (questionnaire.status === 'completed' || who?.read_only) {
    return <Result questionnaire={questionnaire} justCompleted={justCompleted} />
  }
  const current = questionnaire.pages[page - 1]
  const last = page === questionnaire.pages.length
  const controls = Object.fromEntries(current.questions.map((q) => [`answers.${q.key}`, fieldId(q.key)]))

  async function save(): Promise<boolean> {
    const local = localCheck(current.questions, values)
    setErrors(local)
    if (hasErrors(local)) return false
    const answers = Object.fromEntries(current.questions.map((q) => [q.key, toAnswer(q, values[q.key])]))
    const saved = await endpoints.saveQuestionnairePage(questionnaire.id, page, answers)
    loaded.set(saved)
    return true
  }

  async function next(event?: Event) {
    event?.preventDefault()
    setBusy(true)
    try {
      if (!(await save())) return
      if (!last) {
        setPage(page + 1)
        setErrors(NO_ERRORS)
        return
      }
      await endpoints.completeQuestionnaire(questionnaire.id)
      setJustCompleted(true)
      loaded.set(await endpoints.questionnaire(questionnaire.id))
      refreshCounts(false)
    } catch (error) {
      if (error instanceof ApiError && error.code === 'questionnaire_incomplete') {
        const missing = (error.details.missing ?? {}) as Record<string, string[]>
        const first = Math.min(...Object.keys(missing).map(Number))
        if (Number.isFinite(first)) {
          setPage(first)
          setErrors(localCheck(questionnaire.pages[first - 1].questions, values))
          return
        }
      }
      setErrors(apiErrors(error, controls))
    } finally {
      setBusy(false)
    }
  }

  function previous() {
    setErrors(NO_ERRORS)
    setPage(page - 1)
  }

  return (
    <>
      <PageTitle title={questionnaire.title}>{questionnaire.title}</PageTitle>
      <p class="utrecht-paragraph kluis-meta">
        {tt('questionnaire.step', { page, total: questionnaire.pages.length })}
      </p>
      <ErrorSummary errors={errors} onRetry={() => next()} />
      <form class="kluis-form" onSubmit={next} noValidate key={page}>
        <h2 class="utrecht-heading-2" ref={heading} tabIndex={-1}>{current.title}</h2>
        {current.questions.map((question) => (
          <QuestionField key={question.key} question={question} value={values[question.key] ?? ''}
            error={errors.fields[fieldId(question.key)]}
            onValue={(value) => setValues({ ...values, [question.key]: value })} />
        ))}
        <div class="kluis-button-group">
          {page > 1 && <Button onClick={previous}>{tt('questionnaire.previous')}</Button>}
          <Button type="submit" variant="primary" busy={busy}>
            {tt(last ? 'questionnaire.complete' : 'questionnaire.next')}
          </Button>
        </div>
      </form>
    </>
  )
}

function QuestionField({ question, value, error, onValue }: {
  question: Question, value: string, error?: string, onValue: (value: string) => void
}) {
  const tt = useT()
  const id = fieldId(question.key)
  const optional = !question.required
  switch (question.type) {
    case 'yes_no':
      return <RadioGroup id={id} legend={question.label} value={value || null} onValue={onValue}
        error={error} optional={optional}
        options={[{ value: 'yes', label: tt('answer.yes') }, { value: 'no', label: tt('answer.no') }]} />
    case 'choice': {
      const options: Option[] = (question.options ?? []).map((o) => ({ value: o, label: o }))
      return options.length <= 5
        ? <RadioGroup id={id} legend={question.label} value={value || null} onValue={onValue}
            error={error} optional={optional} options={options} />
        : <Select id={id} label={question.label} value={value} onValue={onValue} error={error}
            optional={optional} options={[{ value: '', label: tt('questionnaire.choose') }, ...options]} />
    }
    case 'date':
      return <TextField id={id} type="date" label={question.label} value={value} onValue={onValue}
        error={error} optional={optional} class="kluis-input--medium" />
    case 'number':
      return <TextField id={id} type="number" label={question.label} value={value} onValue={onValue}
        error={error} optional={optional} inputMode="decimal" step="any" class="kluis-input--medium" />
    default:
      return <TextField id={id} label={question.label} value={value} onValue={onValue} error={error}
        optional={optional} maxLength={2000} />
  }
}

function answerText(question: Question, value: Answer | undefined): string {
  if (value === undefined || value === null || value === '') return t('questionnaire.unanswered')
  if (question.type === 'yes_no') return t(value ? 'answer.yes' : 'answer.no')
  if (question.type === 'date') return date(String(value))
  if (question.type === 'number') return new Intl.NumberFormat(document.documentElement.lang).format(Number(value))
  return String(value)
}

function Result({ questionnaire, justCompleted }: { questionnaire: Questionnaire, justCompleted: boolean }) {
  const tt = useT()
  return (
    <>
      <PageTitle title={questionnaire.title}>{questionnaire.title}</PageTitle>
      {justCompleted ? <Notice>{tt('questionnaire.completed')}</Notice>
        : questionnaire.status === 'completed'
          ? <Alert type="ok"><p class="utrecht-paragraph">{tt('questionnaire.completed_on', { date: dateTime(questionnaire.completed_at) })}</p></Alert>
          : <Alert type="info"><p class="utrecht-paragraph">{tt('questionnaire.open_read_only')}</p></Alert>}
      <p class="utrecht-paragraph kluis-no-print">
        {tt('questionnaire.pdf_where')}{' '}
        <Link href={`/dossiers/${questionnaire.dossier_id}?tab=delivered`} class="utrecht-link">{tt('dossier.tab.delivered')}</Link>
      </p>
      <div class="kluis-button-group kluis-no-print">
        <Button variant="primary" onClick={() => window.print()}>{tt('questionnaire.print')}</Button>
      </div>
      {questionnaire.pages.map((page, index) => (
        <section key={index} class="kluis-answers" aria-labelledby={`answers-page-${index}`}>
          <h2 id={`answers-page-${index}`} class="utrecht-heading-2">{page.title}</h2>
          <dl class="kluis-data-list">
            {page.questions.map((question) => (
              <div key={question.key} class="kluis-data-list__row">
                <dt>{question.label}</dt>
                <dd>{answerText(question, questionnaire.answers[question.key])}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </>
  )
}
