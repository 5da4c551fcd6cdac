// Tabs (WAI-ARIA: role=tablist/tab/tabpanel; arrow keys, Home and End move between
// tabs). A panel is made when its tab is first chosen and then kept (hidden when another
// is shown), so what happens in it, an upload say, goes on while another tab is open.
import type { ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'

export interface TabDef {
  id: string
  label: ComponentChildren
  panel: () => ComponentChildren
}

export function Tabs({ tabs, selected, onSelect, label }: {
  tabs: TabDef[], selected: string, onSelect: (id: string) => void, label: string
}) {
  const [opened, setOpened] = useState<string[]>([selected])
  useEffect(() => setOpened((ids) => (ids.includes(selected) ? ids : [...ids, selected])), [selected])
  const shown = opened.includes(selected) ? opened : [...opened, selected]

  function onKeyDown(event: KeyboardEvent) {
    const index = tabs.findIndex((tab) => tab.id === selected)
    const step = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: tabs.length - 1 - index }[event.key]
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
      {tabs.filter((tab) => shown.includes(tab.id)).map((tab) => (
        <div key={tab.id} role="tabpanel" id={`panel-${tab.id}`} aria-labelledby={`tab-${tab.id}`}
          class="kluis-tabs__panel" tabIndex={0} hidden={tab.id !== selected}>
          {tab.panel()}
        </div>
      ))}
    </div>
  )
}
