// The shapes of the API's answers that the portal reads (docs/api.md, /api/v1/openapi.json).

export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

export interface SessionToken {
  token: string
  idle_timeout_s: number
  warning_s: number
}

export interface LoginResult extends Partial<SessionToken> {
  two_factor_required?: boolean
  challenge_id?: string
  method?: 'sms' | 'totp'
  code_sent?: boolean // false: too many texts lately, none was sent now
  retry_after_s?: number
}

export interface SessionState {
  expires_at: string
  warn_at: string
  now?: string
  max_expires_at?: string
  idle_timeout_s: number
  warning_s: number
}

export interface Company {
  id: string
  name: string
  office_id: string
  office_name: string
}

export interface Me {
  id: string
  kind: 'admin' | 'staff' | 'client'
  name: string
  email: string
  mobile: string | null
  language: 'nl' | 'en'
  first_login: boolean
  second_factor: 'sms' | 'totp' | null
  offices: { id: string, name: string, city: string, role: string }[]
  active_office_id: string | null
  companies?: Company[]
  read_only: boolean
  look_along: { office_id: string, office_name: string } | null
}

export interface Limits {
  max_upload_bytes: number
  upload_content_types: string[]
  upload_extensions: string[]
  uploads_in_flight: number
  message_subject_max: number
  message_body_max: number
}

export interface Home {
  dossiers: { in_progress: number, total: number }
  actions: number
}

export type DossierStatus = 'in_progress' | 'closed'

export interface TabCount {
  total: number
  unread?: number
}

export interface Dossier {
  id: string
  number: string
  description: string
  status: DossierStatus
  client_id: string
  client_name: string
  office_id: string
  created_at: string
  updated_at: string
  unread?: { documents: number, correspondence: number, messages: number }
  tabs?: {
    documents: TabCount
    correspondence: TabCount
    delivered_by_me: TabCount
    messages: TabCount
  }
}

export type Category = 'document' | 'correspondence' | 'delivered_by_me'

export interface DocumentItem {
  id: string
  dossier_id: string
  name: string
  title: string
  size: number
  content_type: string
  category: Category
  public: boolean
  request_id: string | null
  created_at: string
  downloaded: boolean
}

export interface Attachment {
  id: string
  name: string
  size: number
  content_type: string
}

export interface Message {
  id: string
  dossier_id: string
  thread_id: string
  reply_to: string | null
  subject: string
  body: string
  direction: 'incoming' | 'outgoing'
  read: boolean
  read_at: string | null
  sender: { id: string, kind: 'client' | 'staff', name?: string }
  attachments: Attachment[]
  created_at: string
}

// provisional, lapsed: the lender's word on an HDN item (docs/integrations.md)
export type RequestStatus = 'open' | 'uploaded' | 'approved' | 'rejected' | 'provisional' | 'lapsed'

export interface DocumentRequest {
  id: string
  dossier_id: string
  title: string
  description: string | null
  deliver_by: 'client' | 'lender' | 'source' // source: fetched by the lender, for information
  due_date: string | null
  status: RequestStatus
  reason: string | null
  document_ids: string[]
  document_type: string | null
  valid_until: string | null // what was delivered goes stale then
  lender_status: string | null
  hdn_code: string | null
  created_at: string
  updated_at: string
}

export type SigningStatus = 'pending' | 'signed' | 'expired' | 'withdrawn'

export interface SigningRequest {
  id: string
  document_id: string
  dossier_id: string
  title: string
  status: SigningStatus
  signer: { client_id: string, name: string }
  created_at: string
  expires_at: string
  signed_at: string | null
  signed_document_id: string | null
}

export interface Evidence {
  document_sha256: string
  signed_document_sha256: string
  signer: { name: string, email?: string } | string
  signed_at: string
  ip: string
  user_agent: string
  auth: string
  seal: string
}

export type Action =
  | { type: 'questionnaire', id: string, dossier_id: string, title: string }
  | { type: 'document_request', id: string, dossier_id: string, title: string,
      status: RequestStatus, due_date: string | null, reason: string | null }
  | { type: 'signature', id: string, dossier_id: string, title: string }

export type QuestionType = 'text' | 'number' | 'date' | 'yes_no' | 'choice'

export interface Question {
  key: string
  label: string
  type: QuestionType
  required: boolean
  options?: string[]
}

export interface QuestionPage {
  title: string
  questions: Question[]
}

export type Answer = string | number | boolean | null

export interface Questionnaire {
  id: string
  dossier_id: string
  title: string
  status: 'open' | 'completed'
  pages: QuestionPage[]
  answers: Record<string, Answer>
  last_saved_page: number
  document_id: string | null
  completed_at: string | null
}

export interface Product {
  id: string
  kind: 'mortgage' | 'life_insurance'
  provider: string | null
  number: string | null
  amount_cents: number | null
  start_date: string | null
  office_name: string
}

export type ApplicationStatus = 'running' | 'approved' | 'rejected' | 'withdrawn'

export interface MortgageApplication {
  id: string
  amount_cents: number
  lender: string | null
  status: ApplicationStatus
  office_name: string
  created_at: string
  updated_at: string
}

export interface Consent {
  office_id: string
  office_name: string
  shared: boolean
}

/** GET /me/export: the client's latest export of their own data. */
export interface MyExport {
  status: 'preparing' | 'ready' | 'downloaded' | 'expired' | 'failed'
  requested_at: string
  expires_at: string | null
}

/** GET /clients/{id}/retention, POST /clients/{id}/erasure-request: the client's request
 * for erasure, what the office keeps, until when, and why. */
export interface Retention {
  client_id: string
  erasure_requested_at: string | null
  ended_at: string | null
  erase_at: string | null
  erased: boolean
  erased_at: string | null
  requested_erased_at: string | null
  legal_ground: string
}

/** GET/POST /me/erasure: the client's request per office, and what the law keeps. */
export interface MyErasure {
  items: { office_id: string, office_name: string, requested_at: string | null }[]
  legal_ground: string
}

export interface Preferences {
  new_documents: boolean
  questionnaires: boolean
  messages: boolean
}

export interface ExtraAccount {
  id: string
  name: string
  email: string
  mobile: string | null
  company_id: string
  invitation: 'not_invited' | 'sent' | 'accepted'
}

/** An office that asks to link its record to the caller's existing account. */
export interface LinkRequest {
  id: string
  office_id: string
  office_name: string
  name: string
  type: 'person' | 'company'
  company: string | null
  sent_at: string
}

export interface AuditEntry {
  at: string
  actor: string | { id?: string, kind?: string, name?: string }
  action: string
  object: string | { type?: string, id?: string }
}

// -- the office portal and the lender's pages ------------------------------------------------
export interface ClientRecord {
  id: string
  office_id: string
  type: 'person' | 'company'
  parent_id: string | null
  name: string
  email: string
  mobile: string | null
  language: 'nl' | 'en'
  shared: boolean
  created_at: string
}

export interface InvitationState {
  status: 'not_invited' | 'sent' | 'accepted'
  sent_at: string | null
  accepted_at: string | null
  confirmation_pending?: boolean
}

export interface Task {
  id: string
  type: 'review_upload' | 'answer_message'
  office_id: string
  dossier_id: string
  client_id: string
  request_id: string | null
  message_id: string | null
  status: 'open' | 'done'
  created_at: string
}

export interface Template {
  id: string
  office_id: string
  title: string
  pages: QuestionPage[]
  created_at: string
}

export type Role = 'owner' | 'staff_manager' | 'staff'

export interface StaffMember {
  person_id: string
  name: string
  email: string
  mobile: string | null
  role: Role
  registration: 'not_registered' | 'pending' | 'registered'
}

export interface RegistrationRequest {
  id: string
  person_id: string
  name: string
  email: string
  role: Role
  device: { name: string, platform: string }
  created_at: string
}

export interface Office {
  id: string
  partner_id: string
  name: string
  city: string
  role?: Role
}

export interface LoginAttempt {
  at: string
  email: string | null  // null: an address without an account (only its blind index is kept)
  success: boolean
  reason: string | null
  source_ip: string | null
  user_agent: string | null
}

export interface ParkedMessage {
  message_id: string
  source: string
  attempts: number
  last_error: string | null
  received_at: string
}

// -- Instellingen > Koppelingen ------------------------------------------------------------------
export interface WebhookDelivery {
  id: string
  event_id: string
  event_type: string
  status: 'pending' | 'sending' | 'delivered' | 'failed'
  attempts: number
  last_status_code: number | null
  last_error: string | null
  last_attempt_at: string | null
  next_attempt_at: string | null
  delivered_at: string | null
  created_at: string
}

export interface Webhook {
  id: string
  url: string
  events: string[]
  status: 'active' | 'paused'
  created_at: string
  paused_at: string | null
  deliveries: WebhookDelivery[]
}

export interface WebhookCreated extends Omit<Webhook, 'deliveries'> {
  secret: string
}

export interface ApiKey {
  id: string
  name: string
  scopes: string[]
  expires_at: string
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
}

export interface ApiKeyCreated extends ApiKey {
  key: string
}
