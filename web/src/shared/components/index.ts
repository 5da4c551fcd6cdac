// The portal's building blocks: small functions with props, styled with the NL Design
// System's white-label CSS (utrecht-*) and Kluis's tokens (styles/tokens.css).
export { Dialog } from './dialog'
export { Checkbox, RadioGroup, Select, TextArea, TextField, type Option } from './fields'
export { useLoad } from './load'
export {
  Alert, Badge, Button, ErrorSummary, LoadError, Loading, Notice, PageLoadError, PageTitle,
  StatusText,
} from './page'
export { Tabs, type TabDef } from './tabs'
