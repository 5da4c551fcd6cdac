// A signing request's status in words (and colour), and the dossier's list of them.
import { StatusText } from '../shared/components'
import { date } from '../shared/format'
import { useT } from '../shared/i18n'
import { Link } from '../shared/router'
import type { SigningRequest } from '../shared/types'

const SIGNING_TONE = { pending: 'warning', signed: 'ok', expired: 'neutral', withdrawn: 'neutral' } as const

export function SigningStatus({ item }: { item: SigningRequest }) {
  const tt = useT()
  const when = item.status === 'pending' ? date(item.expires_at) : date(item.signed_at)
  return <StatusText tone={SIGNING_TONE[item.status]}>{tt(`signing.status.${item.status}`, { date: when })}</StatusText>
}

export function SigningList({ items }: { items: SigningRequest[] }) {
  const tt = useT()
  return (
    <ul class="kluis-list">
      {items.map((item) => (
        <li key={item.id} class="kluis-list__item">
          <h3 class="utrecht-heading-4 kluis-list__title">{item.title}</h3>
          <p class="utrecht-paragraph kluis-meta"><SigningStatus item={item} /></p>
          {(item.status === 'pending' || item.status === 'signed') && (
            <Link href={`/signing/${item.id}`} class={`utrecht-button kluis-button-link utrecht-button--${item.status === 'pending' ? 'primary-action' : 'secondary-action'}`}>
              {tt(item.status === 'pending' ? 'signing.sign' : 'signing.view')}
              <span class="kluis-visually-hidden"> {item.title}</span>
            </Link>
          )}
        </li>
      ))}
    </ul>
  )
}
