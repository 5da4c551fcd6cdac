// Every API call the portal makes, typed, in one place (paths as in docs/api.md; a test
// checks each against the OpenAPI document).
import { api, fetchFile, upload } from './api'
import type {
  Action, Attachment, AuditEntry, Consent, DocumentItem, DocumentRequest, Dossier,
  Evidence, ExtraAccount, Home, Limits, LoginResult, Me, Message, MortgageApplication, MyExport, Page,
  Preferences, Product, Questionnaire, SessionState, SessionToken, SigningRequest,
  ClientRecord, InvitationState, Task, Template, QuestionPage, StaffMember, RegistrationRequest,
  Office, LoginAttempt, ParkedMessage, LinkRequest, Webhook, WebhookCreated, WebhookDelivery, ApiKey, ApiKeyCreated,
  MyErasure, Retention,
} from './types'

const ALL = { limit: 200 }

// -- sign-in and sessions ----------------------------------------------------------------
export const login = (email: string, password: string) =>
  api<LoginResult>('POST', '/auth/login', { body: { email, password } })
export const loginSecondStep = (challengeId: string, code: { code?: string, recovery_code?: string }) =>
  api<SessionToken>('POST', '/auth/login/2fa', { body: { challenge_id: challengeId, ...code } })
export const sessionState = () => api<SessionState>('GET', '/auth/session')
export const extendSession = () => api<SessionState>('POST', '/auth/session/extend')
export const logout = () => api<void>('POST', '/auth/logout')
export const forgotPassword = (email: string) =>
  api<void>('POST', '/auth/password/forgot', { body: { email } })
export const resetPassword = (token: string, password: string) =>
  api<void>('POST', '/auth/password/reset', { body: { token, password } })
export interface StaffLinkConfirmed { office: { name: string, partner_id: string }, role: string }
export const confirmStaffLink = (token: string) =>
  api<StaffLinkConfirmed>('POST', '/staff-links/confirm', { body: { token } })
export const startActivation = (token: string, email: string) =>
  api<void>('POST', '/activation', { body: { token, email } })
export const completeActivation = (token: string, password: string, smsCode?: string) =>
  api<SessionToken>('POST', '/activation/complete',
    { body: smsCode ? { token, password, sms_code: smsCode } : { token, password } })
export const limits = () => api<Limits>('GET', '/limits', { anonymous: true })

// -- the client's own account --------------------------------------------------------------
export const me = () => api<Me>('GET', '/me')
export const updateMe = (changes: { language?: string, name?: string }) =>
  api<Me>('PATCH', '/me', { body: changes })
export const home = (background = false) => api<Home>('GET', '/home', { background })
export const actions = (background = false) =>
  api<Page<Action>>('GET', '/actions', { query: ALL, background })
export const consents = () => api<Page<Consent>>('GET', '/me/consents', { query: ALL })
export const setConsent = (officeId: string, shared: boolean) =>
  api<Consent>('PUT', `/me/consents/${encodeURIComponent(officeId)}`, { body: { shared } })
export const myErasure = () => api<MyErasure>('GET', '/me/erasure')
export const requestErasure = () => api<MyErasure>('POST', '/me/erasure')
export const preferences = () => api<Preferences>('GET', '/me/notification-preferences')
export const setPreferences = (value: Preferences) =>
  api<Preferences>('PUT', '/me/notification-preferences', { body: value })
export const myExport = (background = false) => api<MyExport>('GET', '/me/export', { background })
export const requestMyExport = () => api<MyExport>('POST', '/me/export')
export const myExportContent = () => fetchFile('/me/export/content')
export const startSmsSecondStep = (mobile: string) =>
  api<void>('POST', '/me/2fa/sms', { body: { mobile } })
export const confirmSmsSecondStep = (code: string) =>
  api<{ recovery_code: string }>('POST', '/me/2fa/sms/confirm', { body: { code } })
export const disableSecondStep = (password: string) =>
  api<void>('DELETE', '/me/2fa', { body: { password } })
export const myAuditFile = () => fetchFile('/me/audit/export')
export const myAudit = (cursor?: string | null) =>
  api<Page<AuditEntry>>('GET', '/me/audit', { query: { limit: 50, cursor } })
export const extraAccounts = (companyId: string) =>
  api<Page<ExtraAccount>>('GET', '/me/accounts', { query: { ...ALL, company_id: companyId } })
export const addExtraAccount = (account: { name: string, email: string, mobile?: string | null,
  language: string, company_id: string }) => api<ExtraAccount>('POST', '/me/accounts', { body: account })
export const linkRequests = () => api<Page<LinkRequest>>('GET', '/me/link-requests', { query: ALL })
export const acceptLinkRequest = (id: string) =>
  api<{ id: string, status: string }>('POST', `/me/link-requests/${encodeURIComponent(id)}/accept`)
export const declineLinkRequest = (id: string) =>
  api<{ id: string, status: string }>('POST', `/me/link-requests/${encodeURIComponent(id)}/decline`)
export const removeExtraAccount = (id: string) =>
  api<void>('DELETE', `/me/accounts/${encodeURIComponent(id)}`)
export const myProducts = () => api<Page<Product>>('GET', '/me/products', { query: ALL })
export const myApplications = () => api<Page<MortgageApplication>>(
  'GET', '/mortgage-applications', { query: { ...ALL, status: 'all' } })

// -- dossiers and what is in them -----------------------------------------------------------
export const dossiers = (query: { q?: string, status?: string }, background = false) =>
  api<Page<Dossier>>('GET', '/dossiers', { query: { ...ALL, ...query }, background })
export const dossier = (id: string) => api<Dossier>('GET', `/dossiers/${encodeURIComponent(id)}`)
export const documents = (dossierId: string, category: string) =>
  api<Page<DocumentItem>>('GET', `/dossiers/${encodeURIComponent(dossierId)}/documents`,
    { query: { ...ALL, category } })
export const documentContent = (id: string) =>
  fetchFile(`/documents/${encodeURIComponent(id)}/content`)
export const requests = (dossierId: string) =>
  api<Page<DocumentRequest>>('GET', `/dossiers/${encodeURIComponent(dossierId)}/requests`,
    { query: ALL })
export const uploadForRequest = (requestId: string, file: File,
  progress: (sent: number, total: number) => void) =>
  upload<DocumentItem>(`/requests/${encodeURIComponent(requestId)}/uploads`, file, {}, progress)

// -- messages ---------------------------------------------------------------------------------
export const messages = (dossierId: string) =>
  api<Page<Message>>('GET', `/dossiers/${encodeURIComponent(dossierId)}/messages`, { query: ALL })
export const postMessage = (dossierId: string, subject: string, body: string,
  attachmentIds: string[]) =>
  api<Message>('POST', `/dossiers/${encodeURIComponent(dossierId)}/messages`,
    { body: { subject, body, attachment_ids: attachmentIds } })
export const replyToMessage = (messageId: string, body: string, attachmentIds: string[]) =>
  api<Message>('POST', `/messages/${encodeURIComponent(messageId)}/reply`,
    { body: { body, attachment_ids: attachmentIds } })
export const markRead = (messageId: string) =>
  api<void>('POST', `/messages/${encodeURIComponent(messageId)}/read`)
export const uploadAttachment = (dossierId: string, file: File,
  progress: (sent: number, total: number) => void) =>
  upload<Attachment>(`/dossiers/${encodeURIComponent(dossierId)}/attachments`, file, {}, progress)
export const removeAttachment = (id: string) =>
  api<void>('DELETE', `/attachments/${encodeURIComponent(id)}`)

// -- questionnaires ---------------------------------------------------------------------------
export const questionnaire = (id: string) =>
  api<Questionnaire>('GET', `/questionnaires/${encodeURIComponent(id)}`)
export const saveQuestionnairePage = (id: string, page: number,
  answers: Questionnaire['answers']) =>
  api<Questionnaire>('PUT', `/questionnaires/${encodeURIComponent(id)}/pages/${page}`,
    { body: { answers } })
export const completeQuestionnaire = (id: string) =>
  api<{ document_id: string }>('POST', `/questionnaires/${encodeURIComponent(id)}/complete`)

// -- signing ----------------------------------------------------------------------------------
export const signingRequests = (status?: string) =>
  api<Page<SigningRequest>>('GET', '/signing-requests', { query: { ...ALL, status } })
export const signingRequest = (id: string) =>
  api<SigningRequest>('GET', `/signing-requests/${encodeURIComponent(id)}`)
export const sign = (id: string, fullName: string, agree: boolean) =>
  api<{ status: string, signed_document_id: string }>(
    'POST', `/signing-requests/${encodeURIComponent(id)}/sign`,
    { body: { full_name: fullName, agree } })
export const evidence = (id: string) =>
  api<Evidence>('GET', `/signing-requests/${encodeURIComponent(id)}/evidence`)

// -- the staff app: registration, device sign-in, approving a PC's sign-in ------------------
const ANON = { anonymous: true }
export interface Registration {
  id: string
  status: 'started' | 'code_sent' | 'awaiting_approval' | 'approved' | 'rejected' | 'locked' | 'completed'
  display_name: string
  attempts_left: number
  challenge?: string
}
export const startRegistration = (device: { public_key: string, name: string, platform: string,
  os_version: string, app_version: string }) =>
  api<Registration>('POST', '/registrations', { ...ANON, body: { device } })
export const identifyRegistration = (id: string, partnerId: string,
  contact: { email: string } | { mobile: string }) =>
  api<{ status: string, channel: string }>('POST', `/registrations/${encodeURIComponent(id)}/identify`,
    { ...ANON, body: { partner_id: partnerId, ...contact } })
export const verifyRegistration = (id: string, code: string) =>
  api<{ status: string }>('POST', `/registrations/${encodeURIComponent(id)}/verify`,
    { ...ANON, body: { code } })
export const registration = (id: string, background = false) =>
  api<Registration>('GET', `/registrations/${encodeURIComponent(id)}`, { ...ANON, background })
export const deleteRegistration = (id: string) =>
  api<void>('DELETE', `/registrations/${encodeURIComponent(id)}`, ANON)
export const completeRegistration = (id: string, signature: string) =>
  api<SessionToken & { device_id: string }>('POST', `/registrations/${encodeURIComponent(id)}/complete`,
    { ...ANON, body: { signature } })
export const deviceChallenge = (deviceId: string) =>
  api<{ challenge: string }>('POST', '/auth/device/challenge', { ...ANON, body: { device_id: deviceId } })
export const deviceLogin = (deviceId: string, challenge: string, signature: string) =>
  api<SessionToken>('POST', '/auth/device/login',
    { ...ANON, body: { device_id: deviceId, challenge, signature } })
export interface PendingPcLogin {
  login_id: string
  pairing_code: string
  user_agent: string | null
  platform?: string | null
  source_ip: string | null
  source_network?: string | null
  same_network?: boolean
  started_at: string
  expires_at: string
}
export const findPcLogin = (pairingCode: string, deviceId: string, signature: string) =>
  api<PendingPcLogin>('POST', '/auth/app-login/lookup',
    { ...ANON, body: { pairing_code: pairingCode, device_id: deviceId, signature } })
export const approvePcLogin = (loginId: string, deviceId: string, signature: string) =>
  api<void>('POST', `/auth/app-login/${encodeURIComponent(loginId)}/approve`,
    { ...ANON, body: { device_id: deviceId, signature } })
export const refusePcLogin = (loginId: string, deviceId: string, signature: string) =>
  api<void>('POST', `/auth/app-login/${encodeURIComponent(loginId)}/refuse`,
    { ...ANON, body: { device_id: deviceId, signature } })
export const startPcLogin = () => api<{ login_id: string, pairing_code: string, expires_in: number,
  poll_secret: string }>('POST', '/auth/app-login', ANON)
/** Only this browser holds `pollSecret` (in memory): knowing the code is not enough. */
export const claimPcLogin = (loginId: string, pollSecret: string) =>
  api<SessionToken | { status: 'pending' }>('POST', `/auth/app-login/${encodeURIComponent(loginId)}/token`,
    { ...ANON, body: { poll_secret: pollSecret } })

// -- the office portal --------------------------------------------------------------------------
export const setActiveOffice = (officeId: string) =>
  api<Me>('PUT', '/me/active-office', { body: { office_id: officeId } })
export const clients = (q?: string) =>
  api<Page<ClientRecord>>('GET', '/clients', { query: { ...ALL, q } })
export const createClient = (officeId: string, body: {
  type: string, name: string, email: string, mobile?: string | null, language: string, shared: boolean
}) => api<ClientRecord>('POST', `/offices/${encodeURIComponent(officeId)}/clients`, { body })
export const client = (id: string) => api<ClientRecord>('GET', `/clients/${encodeURIComponent(id)}`)
export const updateClient = (id: string, changes: Partial<Pick<ClientRecord, 'name' | 'email' | 'mobile' | 'language'>>) =>
  api<ClientRecord>('PATCH', `/clients/${encodeURIComponent(id)}`, { body: changes })
export const invitation = (id: string) =>
  api<InvitationState>('GET', `/clients/${encodeURIComponent(id)}/invitation`)
export const invite = (id: string) =>
  api<InvitationState>('POST', `/clients/${encodeURIComponent(id)}/invitation`)
export const resendInvitation = (id: string) =>
  api<InvitationState>('POST', `/clients/${encodeURIComponent(id)}/invitation/resend`)
export const lookAlong = (id: string) =>
  api<{ token: string }>('POST', `/clients/${encodeURIComponent(id)}/look-along`)
export const unlink = (id: string) => api<void>('POST', `/clients/${encodeURIComponent(id)}/unlink`)
export const retention = (id: string) =>
  api<Retention>('GET', `/clients/${encodeURIComponent(id)}/retention`)
export const recordErasureRequest = (id: string) =>
  api<Retention>('POST', `/clients/${encodeURIComponent(id)}/erasure-request`)
export const clientProducts = (id: string) =>
  api<Page<Product>>('GET', `/clients/${encodeURIComponent(id)}/products`, { query: ALL })
export const addProduct = (id: string, body: Record<string, unknown>) =>
  api<Product>('POST', `/clients/${encodeURIComponent(id)}/products`, { body })
export const applications = (status = 'all') => api<Page<MortgageApplication & { client_id: string, client_name: string }>>(
  'GET', '/mortgage-applications', { query: { ...ALL, status } })
export const openApplication = (clientId: string, body: { amount_cents: number, lender?: string }) =>
  api<MortgageApplication>('POST', `/clients/${encodeURIComponent(clientId)}/mortgage-applications`, { body })
export const setApplicationStatus = (id: string, status: string) =>
  api<MortgageApplication>('PATCH', `/mortgage-applications/${encodeURIComponent(id)}`, { body: { status } })
export const createDossier = (clientId: string, body: { number: string, description: string }) =>
  api<Dossier>('POST', `/clients/${encodeURIComponent(clientId)}/dossiers`, { body })
export const uploadDocument = (dossierId: string, file: File, fields: { category: string, title?: string, public: boolean },
  progress: (sent: number, total: number) => void) =>
  upload<DocumentItem>(`/dossiers/${encodeURIComponent(dossierId)}/documents`, file,
    { category: fields.category, public: fields.public ? 'true' : 'false', ...(fields.title ? { title: fields.title } : {}) },
    progress)
export const setDocumentPublic = (id: string, shown: boolean) =>
  api<DocumentItem>('PATCH', `/documents/${encodeURIComponent(id)}`, { body: { public: shown } })
export const createRequest = (dossierId: string, body: { title: string, description?: string | null,
  deliver_by: string, due_date?: string | null }) =>
  api<DocumentRequest>('POST', `/dossiers/${encodeURIComponent(dossierId)}/requests`, { body })
export const reviewRequest = (id: string, decision: 'approve' | 'reject', reason?: string) =>
  api<DocumentRequest>('POST', `/requests/${encodeURIComponent(id)}/review`, { body: { decision, reason: reason ?? null } })
export const tasks = (status = 'open') => api<Page<Task>>('GET', '/tasks', { query: { ...ALL, status } })
export const taskDone = (id: string) => api<Task>('POST', `/tasks/${encodeURIComponent(id)}/done`)
export const dossierAuditFile = (id: string) => fetchFile(`/dossiers/${encodeURIComponent(id)}/audit/export`)
export const dossierAudit = (id: string) =>
  api<Page<AuditEntry>>('GET', `/dossiers/${encodeURIComponent(id)}/audit`, { query: ALL })
export const offerForSigning = (documentId: string, signerId: string) =>
  api<SigningRequest>('POST', `/documents/${encodeURIComponent(documentId)}/signing-requests`, { body: { signer_id: signerId } })
export const withdrawSigning = (id: string) =>
  api<SigningRequest>('POST', `/signing-requests/${encodeURIComponent(id)}/withdraw`)
export const templates = () => api<Page<Template>>('GET', '/questionnaire-templates', { query: ALL })
export const createTemplate = (body: { office_id?: string | null, title: string, pages: QuestionPage[] }) =>
  api<Template>('POST', '/questionnaire-templates', { body })
export const assignQuestionnaire = (dossierId: string, templateId: string) =>
  api<Questionnaire>('POST', `/dossiers/${encodeURIComponent(dossierId)}/questionnaires`, { body: { template_id: templateId } })
export const dossierQuestionnaires = (dossierId: string) =>
  api<Page<Questionnaire>>('GET', `/dossiers/${encodeURIComponent(dossierId)}/questionnaires`, { query: ALL })
export const staffOf = (officeId: string) =>
  api<Page<StaffMember>>('GET', `/offices/${encodeURIComponent(officeId)}/staff`, { query: ALL })
export const addStaff = (officeId: string, body: { name: string, email: string, mobile?: string | null, role: string }) =>
  api<StaffMember>('POST', `/offices/${encodeURIComponent(officeId)}/staff`, { body })
export const changeRole = (officeId: string, personId: string, role: string) =>
  api<StaffMember>('PATCH', `/offices/${encodeURIComponent(officeId)}/staff/${encodeURIComponent(personId)}`, { body: { role } })
export const removeStaff = (officeId: string, personId: string) =>
  api<void>('DELETE', `/offices/${encodeURIComponent(officeId)}/staff/${encodeURIComponent(personId)}`)
export const registrationRequests = (officeId: string) =>
  api<Page<RegistrationRequest>>('GET', `/offices/${encodeURIComponent(officeId)}/registration-requests`, { query: ALL })
export const approveRegistration = (id: string) =>
  api<void>('POST', `/registrations/${encodeURIComponent(id)}/approve`)
export const rejectRegistration = (id: string, reason: string) =>
  api<void>('POST', `/registrations/${encodeURIComponent(id)}/reject`, { body: { reason } })

// -- Instellingen > Koppelingen: the office's API keys (owners) ----------------------------------
export const apiKeys = (officeId: string) =>
  api<{ items: ApiKey[] }>('GET', `/offices/${encodeURIComponent(officeId)}/api-keys`)
export const createApiKey = (officeId: string, body: { name: string, scopes: string[] }) =>
  api<ApiKeyCreated>('POST', `/offices/${encodeURIComponent(officeId)}/api-keys`, { body })
export const revokeApiKey = (officeId: string, keyId: string) =>
  api<void>('DELETE', `/offices/${encodeURIComponent(officeId)}/api-keys/${encodeURIComponent(keyId)}`)

// -- Instellingen > Koppelingen: the office's webhooks (owners) ----------------------------------
export const webhooks = (officeId: string) =>
  api<Page<Webhook>>('GET', `/offices/${encodeURIComponent(officeId)}/webhooks`)
export const createWebhook = (officeId: string, body: { url: string, events: string[] }) =>
  api<WebhookCreated>('POST', `/offices/${encodeURIComponent(officeId)}/webhooks`, { body })
export const removeWebhook = (officeId: string, webhookId: string) =>
  api<void>('DELETE', `/offices/${encodeURIComponent(officeId)}/webhooks/${encodeURIComponent(webhookId)}`)
export const redeliverWebhook = (officeId: string, webhookId: string, deliveryId: string) =>
  api<WebhookDelivery>('POST',
    `/offices/${encodeURIComponent(officeId)}/webhooks/${encodeURIComponent(webhookId)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`)

// -- the lender's admin pages -------------------------------------------------------------------
export const offices = () => api<Page<Office>>('GET', '/offices', { query: ALL })
export const createOffice = (body: { partner_id: string, name: string, city: string }) =>
  api<Office>('POST', '/offices', { body })
export const lenderRequests = () => api<Page<DocumentRequest>>('GET', '/lender-requests', { query: ALL })
export const signAuditCheckpoints = () =>
  api<{ signed: Record<string, number> }>('POST', '/audit/checkpoints')
export const loginAttempts = () => api<Page<LoginAttempt>>('GET', '/admin/login-attempts', { query: ALL })
export const parkedMessages = (service: string) =>
  api<Page<ParkedMessage>>('GET', `/admin/parked-messages/${encodeURIComponent(service)}`, { query: ALL })
export const replayParked = (service: string, id: string) =>
  api<void>('POST', `/admin/parked-messages/${encodeURIComponent(service)}/${encodeURIComponent(id)}/replay`)
export const startTotp = () => api<{ secret: string, otpauth_uri: string }>('POST', '/me/2fa/totp')
export const confirmTotp = (code: string) =>
  api<{ recovery_codes: string[] }>('POST', '/me/2fa/totp/confirm', { body: { code } })
