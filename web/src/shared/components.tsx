// The portal's building blocks: small functions with props, styled with the NL Design
// System's white-label CSS (utrecht-*) and Kluis's tokens (styles/tokens.css).
import type { ButtonHTMLAttributes, ComponentChildren, PartialInputHTMLAttributes, Ref, TextareaHTMLAttributes } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { ApiError } from './api'
import type { FormErrors } from './forms'
import { t, useT } from './i18n'

// -- page ----------------------------------------------------------------------------------
let pagesShown = 0

/** The one h1 of a page. It names the page in the tab's title and takes the focus when
 * the portal moves to it, so a screen reader hears where it arrived. */
export function PageTitle({ children, title }: { children: ComponentChildren, title: string }) {
  const ref = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    document.title = `${title} - Kluis`
    // Not on the first page of a visit: there the browser starts at the top (skip link).
    if (pagesShown++ > 0) ref.current?.focus()
  }, [title])
  return <h1 ref={ref} tabIndex={-1} class="utrecht-heading-1 kluis-page-title">{children}</h1>
}

// -- buttons -------------------------------------------------------------------------------
type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> & {
  variant?: 'primary' | 'secondary' | 'subtle' | 'danger'
  busy?: boolean
  type?: 'button' | 'submit'
  disabled?: boolean
}

export function Button({ variant = 'secondary', busy, type = 'button', children, disabled,
  class: className, ...rest }: ButtonProps) {
  const appearance: string = { primary: 'primary-action', secondary: 'secondary-action',
    subtle: 'subtle', danger: 'primary-action utrecht-button--danger' }[variant as 'primary']
  return (
    <button type={type} class={`utrecht-button utrecht-button--${appearance} ${className ?? ''}`}
      aria-busy={busy ? 'true' : undefined} disabled={disabled || busy} {...rest}>
      {children}
    </button>
  )
}

export function ButtonGroup({ children }: { children: ComponentChildren }) {
  return <div class="utrecht-button-group kluis-button-group">{children}</div>
}

// -- messages --------------------------------------------------------------------------------
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
  useEffect(() => {
    if (errors.summary.length) ref.current?.focus()
  }, [errors])
  if (!errors.summary.length) return null
  return (
    <div ref={ref} tabIndex={-1} class="utrecht-alert utrecht-alert--error kluis-error-summary"
      role="alert" aria-labelledby="error-summary-title">
      <div class="utrecht-alert__content">
        <h2 id="error-summary-title" class="utrecht-heading-3">{tt('form.errors_title')}</h2>
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

/** A page or part that could not load: what went wrong, and a way to try again. */
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

/** A short confirmation that something worked, read out when it appears. */
export function Notice({ children }: { children: ComponentChildren }) {
  return <div role="status" class="kluis-notice"><Alert type="ok">{children}</Alert></div>
}

// -- form fields -----------------------------------------------------------------------------
interface FieldShell {
  id: string
  label: ComponentChildren
  description?: ComponentChildren
  error?: string
  optional?: boolean
}

function Shell({ id, label, description, error, optional, children }: FieldShell & {
  children: ComponentChildren
}) {
  const tt = useT()
  return (
    <div class={`utrecht-form-field kluis-field ${error ? 'utrecht-form-field--invalid' : ''}`}>
      <div class="utrecht-form-field__label">
        <label class="utrecht-form-label" for={id}>
          {label}{optional && <span class="kluis-optional"> {tt('form.optional')}</span>}
        </label>
      </div>
      {description && <div class="utrecht-form-field-description" id={`${id}-description`}>{description}</div>}
      {error && <div class="utrecht-form-field-error-message" id={`${id}-error`}>{error}</div>}
      <div class="utrecht-form-field__input">{children}</div>
    </div>
  )
}

function describedBy(id: string, description: unknown, error: unknown, extra?: string) {
  const ids = [description ? `${id}-description` : '', error ? `${id}-error` : '', extra ?? '']
  return ids.filter(Boolean).join(' ') || undefined
}

type InputProps = FieldShell & Omit<PartialInputHTMLAttributes<HTMLInputElement>, 'label' | 'id' | 'value' | 'role' | 'type'> & {
  type?: 'text' | 'email' | 'password' | 'search' | 'tel' | 'date' | 'number'
  value: string
  onValue: (value: string) => void
  inputRef?: Ref<HTMLInputElement>
  describedById?: string
}

export function TextField({ id, label, description, error, optional, value, onValue, inputRef,
  describedById, type = 'text', class: className, required, ...rest }: InputProps) {
  return (
    <Shell id={id} label={label} description={description} error={error} optional={optional}>
      <input {...(rest as Record<string, unknown>)} id={id} name={id} ref={inputRef}
        type={type as 'text'} value={value}
        aria-required={required ? 'true' : undefined}
        class={`utrecht-textbox utrecht-textbox--html-input ${error ? 'utrecht-textbox--invalid' : ''} ${className ?? ''}`}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, description, error, describedById)}
        onInput={(event) => onValue((event.target as HTMLInputElement).value)} />
    </Shell>
  )
}

type AreaProps = FieldShell & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'label' | 'id' | 'value'> & {
  value: string
  onValue: (value: string) => void
  describedById?: string
}

export function TextArea({ id, label, description, error, optional, value, onValue,
  describedById, required, ...rest }: AreaProps) {
  return (
    <Shell id={id} label={label} description={description} error={error} optional={optional}>
      <textarea id={id} name={id} value={value} aria-required={required ? 'true' : undefined}
        class={`utrecht-textarea utrecht-textarea--html-textarea ${error ? 'utrecht-textarea--invalid' : ''}`}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, description, error, describedById)}
        onInput={(event) => onValue((event.target as HTMLTextAreaElement).value)} {...rest} />
    </Shell>
  )
}

export function Checkbox({ id, label, checked, onChecked, error, description, disabled }: {
  id: string, label: ComponentChildren, checked: boolean, onChecked: (value: boolean) => void,
  error?: string, description?: ComponentChildren, disabled?: boolean
}) {
  return (
    <div class={`utrecht-form-field kluis-check ${error ? 'utrecht-form-field--invalid' : ''}`}>
      {error && <div class="utrecht-form-field-error-message" id={`${id}-error`}>{error}</div>}
      <div class="kluis-check__row">
        <input id={id} name={id} type="checkbox" checked={checked} disabled={disabled}
          class="utrecht-checkbox utrecht-checkbox--html-input kluis-check__box"
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy(id, description, error)}
          onChange={(event) => onChecked((event.target as HTMLInputElement).checked)} />
        <label class="utrecht-form-label utrecht-form-label--checkbox" for={id}>{label}</label>
      </div>
      {description && <div class="utrecht-form-field-description" id={`${id}-description`}>{description}</div>}
    </div>
  )
}

export interface Option {
  value: string
  label: string
}

/** A radio group: a fieldset whose legend is the question. */
export function RadioGroup({ id, legend, options, value, onValue, error, optional }: {
  id: string, legend: ComponentChildren, options: Option[], value: string | null,
  onValue: (value: string) => void, error?: string, optional?: boolean
}) {
  const tt = useT()
  return (
    <fieldset class={`utrecht-form-fieldset kluis-field ${error ? 'utrecht-form-fieldset--invalid' : ''}`}
      aria-describedby={error ? `${id}-error` : undefined} role="radiogroup"
      aria-labelledby={`${id}-legend`} aria-invalid={error ? 'true' : undefined}>
      <legend id={`${id}-legend`} class="utrecht-form-fieldset__legend utrecht-form-label">
        {legend}{optional && <span class="kluis-optional"> {tt('form.optional')}</span>}
      </legend>
      {error && <div class="utrecht-form-field-error-message" id={`${id}-error`}>{error}</div>}
      {options.map((option, index) => (
        <div class="kluis-check__row" key={option.value}>
          <input type="radio" name={id} id={index === 0 ? id : `${id}-${index}`} value={option.value}
            checked={value === option.value}
            class="utrecht-radio-button utrecht-radio-button--html-input kluis-check__box"
            onChange={() => onValue(option.value)} />
          <label class="utrecht-form-label utrecht-form-label--radio"
            for={index === 0 ? id : `${id}-${index}`}>{option.label}</label>
        </div>
      ))}
    </fieldset>
  )
}

export function Select({ id, label, options, value, onValue, error, optional, description }: {
  id: string, label: ComponentChildren, options: Option[], value: string,
  onValue: (value: string) => void, error?: string, optional?: boolean,
  description?: ComponentChildren
}) {
  return (
    <Shell id={id} label={label} error={error} optional={optional} description={description}>
      <select id={id} name={id} value={value}
        class={`utrecht-select utrecht-select--html-select ${error ? 'utrecht-select--invalid' : ''}`}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, description, error)}
        onChange={(event) => onValue((event.target as HTMLSelectElement).value)}>
        {options.map((option) => <option key={option.value} value={option.value}>{option.label}</option>)}
      </select>
    </Shell>
  )
}

// -- dialog ------------------------------------------------------------------------------------
/** A modal dialog (the browser's own <dialog>: focus stays inside; Escape closes it unless
 * `onCancel` says otherwise). The title names it; the first control gets the focus. */
export function Dialog({ open, title, onClose, children, alert, describedBy: description }: {
  open: boolean, title: string, onClose: () => void, children: ComponentChildren,
  alert?: boolean, describedBy?: string
}) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (open && !dialog.open) {
      const opener = document.activeElement as HTMLElement | null
      dialog.showModal()
      return () => opener?.focus?.()
    }
    if (!open && dialog.open) dialog.close()
  }, [open])
  return (
    <dialog ref={ref} class="kluis-dialog utrecht-alert-dialog" role={alert ? 'alertdialog' : 'dialog'}
      aria-labelledby="dialog-title" aria-describedby={description}
      onCancel={(event) => { event.preventDefault(); onClose() }}>
      {open && (
        <div class="kluis-dialog__body">
          <h2 id="dialog-title" class="utrecht-heading-2">{title}</h2>
          {children}
        </div>
      )}
    </dialog>
  )
}

// -- tabs ----------------------------------------------------------------------------------------
export interface TabDef {
  id: string
  label: ComponentChildren
}

/** Tabs (WAI-ARIA: role=tablist/tab/tabpanel; arrow keys move between tabs). */
export function Tabs({ tabs, selected, onSelect, label, children }: {
  tabs: TabDef[], selected: string, onSelect: (id: string) => void, label: string,
  children: ComponentChildren
}) {
  function onKeyDown(event: KeyboardEvent) {
    const index = tabs.findIndex((tab) => tab.id === selected)
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 0, ArrowUp: 0, Home: -index,
      End: tabs.length - 1 - index }[event.key]
    if (step === undefined || step === 0) return
    event.preventDefault()
    const next = tabs[(index + step + tabs.length) % tabs.length]
    onSelect(next.id)
    document.getElementById(`tab-${next.id}`)?.focus()
  }
  return (
    <div class="kluis-tabs">
      <div role="tablist" aria-label={label} class="kluis-tabs__list" onKeyDown={onKeyDown}>
        {tabs.map((tab) => (
          <button key={tab.id} type="button" role="tab" id={`tab-${tab.id}`}
            aria-selected={tab.id === selected ? 'true' : 'false'} aria-controls={`panel-${tab.id}`}
            tabIndex={tab.id === selected ? 0 : -1} class="kluis-tabs__tab"
            onClick={() => onSelect(tab.id)}>
            {tab.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${selected}`} aria-labelledby={`tab-${selected}`}
        class="kluis-tabs__panel" tabIndex={0}>
        {children}
      </div>
    </div>
  )
}

// -- small things -------------------------------------------------------------------------------
export function Badge({ count, label }: { count: number, label: string }) {
  if (!count) return null
  return <span class="kluis-badge">{count} {label}</span>
}

export function StatusText({ tone, children }: {
  tone: 'neutral' | 'ok' | 'warning' | 'error' | 'info', children: ComponentChildren
}) {
  return <span class={`kluis-status kluis-status--${tone}`}>{children}</span>
}

/** Loads something when the component appears (and again on `reload`). */
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

export const visuallyHidden = 'kluis-visually-hidden'
export { t }
