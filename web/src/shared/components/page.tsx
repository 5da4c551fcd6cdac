// What a page is made of: its one h1, buttons, alerts and the error summary, loading and
// load errors, small status texts.
import type { ButtonHTMLAttributes, ComponentChildren } from 'preact'
import { useEffect, useId, useRef } from 'preact/hooks'
import { ApiError } from '../api'
import type { FormErrors } from '../forms'
import { useT } from '../i18n'
import { useLocation } from '../router'

let pagesShown = 0

/** The one h1 of a page. It names the page in the tab's title and takes the focus when
 * the portal moves to another page (not on the first page of a visit, where the browser
 * starts at the top), so a screen reader hears where it arrived. */
export function PageTitle({ children, title }: { children: ComponentChildren, title: string }) {
  const ref = useRef<HTMLHeadingElement>(null)
  const { path } = useLocation()
  useEffect(() => {
    document.title = `${title} - Kluis`
  }, [title])
  useEffect(() => {
    if (pagesShown++ > 0) ref.current?.focus()
  }, [path])
  return <h1 ref={ref} tabIndex={-1} class="utrecht-heading-1 kluis-page-title">{children}</h1>
}

type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> & {
  variant?: 'primary' | 'secondary' | 'subtle' | 'danger'
  busy?: boolean
  type?: 'button' | 'submit'
  disabled?: boolean
}

const APPEARANCE = { primary: 'primary-action', secondary: 'secondary-action', subtle: 'subtle',
  danger: 'primary-action utrecht-button--danger' }

/** A button. While `busy` it keeps the focus (aria-disabled, clicks ignored), so a
 * keyboard user is not thrown back to the top of the page. */
export function Button({ variant = 'secondary', busy, type = 'button', children, disabled,
  class: className, onClick, ...rest }: ButtonProps) {
  return (
    <button type={type} class={`utrecht-button utrecht-button--${APPEARANCE[variant]} ${className ?? ''}`}
      aria-busy={busy ? 'true' : undefined} aria-disabled={busy ? 'true' : undefined}
      disabled={disabled}
      onClick={(event) => {
        if (busy) event.preventDefault()
        else onClick?.(event)
      }} {...rest}>
      {children}
    </button>
  )
}

export function Alert({ type = 'info', children, role }: {
  type?: 'info' | 'ok' | 'warning' | 'error', children: ComponentChildren, role?: 'alert' | 'status'
}) {
  return (
    <div class={`utrecht-alert utrecht-alert--${type}`} role={role}>
      <div class="utrecht-alert__content"><div class="utrecht-alert__message">{children}</div></div>
    </div>
  )
}

/** The errors of a form, at its top: a heading, each message as a link to its field, and
 * for a lost connection a button to try again. Takes the focus when it appears. */
export function ErrorSummary({ errors, onRetry }: { errors: FormErrors, onRetry?: () => void }) {
  const tt = useT()
  const ref = useRef<HTMLDivElement>(null)
  const titleId = useId()
  useEffect(() => {
    if (errors.summary.length) ref.current?.focus()
  }, [errors])
  if (!errors.summary.length) return null
  return (
    <div ref={ref} tabIndex={-1} class="utrecht-alert utrecht-alert--error kluis-error-summary"
      role="alert" aria-labelledby={titleId}>
      <div class="utrecht-alert__content">
        <h2 id={titleId} class="utrecht-heading-3">{tt('form.errors_title')}</h2>
        <ul class="utrecht-unordered-list">
          {errors.summary.map((item, index) => (
            <li key={index} class="utrecht-unordered-list__item">
              {item.field
                ? <a class="utrecht-link" href={`#${item.field}`} onClick={(event) => focusField(event, item.field!)}>{item.text}</a>
                : item.text}
            </li>
          ))}
        </ul>
        {errors.network && onRetry && <Button onClick={onRetry}>{tt('action.retry')}</Button>}
      </div>
    </div>
  )
}

function focusField(event: MouseEvent, id: string) {
  const control = document.getElementById(id)
  if (!control) return
  event.preventDefault()
  control.focus()
  control.scrollIntoView({ block: 'center' })
}

export function Loading() {
  const tt = useT()
  return <p class="utrecht-paragraph kluis-loading" role="status">{tt('state.loading')}</p>
}

/** A part that could not load: what went wrong, and a way to try again. */
export function LoadError({ error, onRetry }: { error: unknown, onRetry: () => void }) {
  const tt = useT()
  const message = error instanceof ApiError ? error.message : tt('error.unexpected')
  return (
    <Alert type="error" role="alert">
      <p class="utrecht-paragraph">{message}</p>
      <Button onClick={onRetry}>{tt('action.retry')}</Button>
    </Alert>
  )
}

/** A whole page that could not load: still one h1 that says so. */
export function PageLoadError({ error, onRetry }: { error: unknown, onRetry: () => void }) {
  const tt = useT()
  const title = tt(error instanceof ApiError && error.status === 404 ? 'not_found.title' : 'error.page_title')
  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      <LoadError error={error} onRetry={onRetry} />
    </>
  )
}

/** A short confirmation that something worked, read out when it appears. */
export function Notice({ children }: { children: ComponentChildren }) {
  return <div role="status" class="kluis-notice"><Alert type="ok">{children}</Alert></div>
}

export function Badge({ count, label }: { count: number, label: string }) {
  if (!count) return null
  return <span class="kluis-badge">{count} {label}</span>
}

export function StatusText({ tone, children }: {
  tone: 'neutral' | 'ok' | 'warning' | 'error' | 'info', children: ComponentChildren
}) {
  return <span class={`kluis-status kluis-status--${tone}`}>{children}</span>
}
