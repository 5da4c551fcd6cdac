// A QR code drawn as SVG (qrcode-generator computes the modules; no HTML strings).
import qrcode from 'qrcode-generator'

export function QrCode({ text, label, size = 200 }: { text: string, label: string, size?: number }) {
  const code = qrcode(0, 'M')
  code.addData(text)
  code.make()
  const count = code.getModuleCount()
  const quiet = 4
  const cells: string[] = []
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (code.isDark(row, col)) cells.push(`M${col + quiet} ${row + quiet}h1v1h-1z`)
    }
  }
  const side = count + quiet * 2
  return (
    <svg role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${side} ${side}`}
      class="kluis-qr" shape-rendering="crispEdges">
      <rect width={side} height={side} fill="#fff" />
      <path d={cells.join('')} fill="#000" />
    </svg>
  )
}
