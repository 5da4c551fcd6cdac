// Form fields: a label that says what to type, an optional description, the error next
// to the field, the control (NL Design System classes).
import type { ComponentChildren, PartialInputHTMLAttributes, Ref, TextareaHTMLAttributes } from 'preact'
import { useT } from '../i18n'

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
export function RadioGroup({ id, legend, options, value, onValue, error, optional, disabled }: {
  id: string, legend: ComponentChildren, options: Option[], value: string | null,
  onValue: (value: string) => void, error?: string, optional?: boolean, disabled?: boolean
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
            checked={value === option.value} disabled={disabled}
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

