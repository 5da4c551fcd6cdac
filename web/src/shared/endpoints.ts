// Every API call the portal makes, typed, in one place (paths as in API.md; a test
// checks each against the OpenAPI document).
import { api, fetchFile, upload } from './api'
import type {
  Action, Attachment, AuditEntry, Consent, DocumentItem, DocumentRequest, Dossier,
  Evidence, ExtraAccount, Home, Limits, LoginResult, Me, Message, MortgageApplication, Page,
  Preferences, Product, Questionnaire, SessionState, SessionToken, SigningRequest,
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
export const preferences = () => api<Preferences>('GET', '/me/notification-preferences')
export const setPreferences = (value: Preferences) =>
  api<Preferences>('PUT', '/me/notification-preferences', { body: value })
export const startSmsSecondStep = (mobile: string) =>
  api<void>('POST', '/me/2fa/sms', { body: { mobile } })
export const confirmSmsSecondStep = (code: string) =>
  api<{ recovery_code: string }>('POST', '/me/2fa/sms/confirm', { body: { code } })
export const disableSecondStep = () => api<void>('DELETE', '/me/2fa')
export const myAudit = (cursor?: string | null) =>
  api<Page<AuditEntry>>('GET', '/me/audit', { query: { limit: 50, cursor } })
export const extraAccounts = () => api<Page<ExtraAccount>>('GET', '/me/accounts', { query: ALL })
export const addExtraAccount = (account: { name: string, email: string, mobile?: string | null,
  language: string }) => api<ExtraAccount>('POST', '/me/accounts', { body: account })
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
  source_ip: string | null
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
export const startPcLogin = () =>
  api<{ login_id: string, pairing_code: string, expires_in: number }>('POST', '/auth/app-login', ANON)
export const claimPcLogin = (loginId: string) =>
  api<SessionToken | { status: 'pending' }>('POST', `/auth/app-login/${encodeURIComponent(loginId)}/token`, ANON)
