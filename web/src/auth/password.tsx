// Choosing a password: the rules (docs/api.md: at least 8 characters, a capital, a digit)
// are shown before typing and checked as the user types; the server has the last word
// (it also refuses common passwords) and its 422 is shown next to the field.
import { useState } from 'preact/hooks'
import { TextField } from '../shared/components'
import { localErrors, type FormErrors } from '../shared/forms'
import { t, useT, type MessageKey } from '../shared/i18n'

const RULES: [MessageKey, (password: string) => boolean][] = [
  ['password.rule.min_length', (p) => p.length >= 8],
  ['password.rule.uppercase', (p) => /\p{Lu}/u.test(p)],
  ['password.rule.digit', (p) => /\p{Nd}/u.test(p)],
]

export function PasswordRules({ password }: { password: string }) {
  const tt = useT()
  return (
    <ul class="kluis-rules" id="password-rules" aria-label={tt('password.rules_label')}>
      {RULES.map(([key, test]) => {
        const met = test(password)
        return (
          <li key={key} class={`kluis-rules__item ${met ? 'kluis-rules__item--met' : ''}`}>
            <span aria-hidden="true" class="kluis-rules__mark">{met ? '✓' : '•'}</span>
            {tt(key)}
            <span class="kluis-visually-hidden"> ({tt(met ? 'password.met' : 'password.not_met')})</span>
          </li>
        )
      })}
    </ul>
  )
}

export function usePasswordPair() {
  const [password, setPassword] = useState('')
  const [repeat, setRepeat] = useState('')
  return { password, setPassword, repeat, setRepeat }
}

/** The browser's own checks before anything is sent. */
export function checkPasswordPair(password: string, repeat: string): FormErrors {
  const broken = RULES.filter(([, test]) => !test(password)).map(([key]) => t(key))
  return localErrors({
    password: !password ? t('password.required')
      : broken.length ? `${t('password.weak')} ${broken.join(' ')}` : null,
    'password-repeat': password && repeat !== password ? t('password.mismatch') : null,
  })
}

export function PasswordFields({ pair, errors }: {
  pair: ReturnType<typeof usePasswordPair>, errors: FormErrors
}) {
  const tt = useT()
  return (
    <>
      <TextField id="password" type="password" label={tt('password.label')} value={pair.password}
        onValue={pair.setPassword} error={errors.fields.password} autoComplete="new-password"
        describedById="password-rules" required
        description={<PasswordRules password={pair.password} />} />
      <TextField id="password-repeat" type="password" label={tt('password.repeat')}
        value={pair.repeat} onValue={pair.setRepeat} error={errors.fields['password-repeat']}
        autoComplete="new-password" required />
    </>
  )
}
