// A modal dialog: the browser's own <dialog> (focus stays inside, the page behind is
// inert). The title names it; Escape calls `onClose`.
import type { ComponentChildren } from 'preact'
import { useEffect, useId, useRef } from 'preact/hooks'

export function Dialog({ open, title, onClose, children, alert, describedBy }: {
  open: boolean, title: string, onClose: () => void, children: ComponentChildren,
  alert?: boolean, describedBy?: string
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const dialog = ref.current
    if (open && dialog && !dialog.open) dialog.showModal()
    if (!open && dialog?.open) dialog.close() // the browser gives the focus back
  }, [open])
  return (
    <dialog ref={ref} class="kluis-dialog" role={alert ? 'alertdialog' : 'dialog'}
      aria-labelledby={titleId} aria-describedby={describedBy}
      onCancel={(event) => { event.preventDefault(); onClose() }}>
      {open && (
        <div class="kluis-dialog__body">
          <h2 id={titleId} class="utrecht-heading-2">{title}</h2>
          {children}
        </div>
      )}
    </dialog>
  )
}
