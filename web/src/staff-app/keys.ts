// The people who can log in with this phone, each with a device key of their own: a
// WebCrypto Ed25519 key pair made with `extractable: false` and kept in IndexedDB (the
// CryptoKey object itself, which stays non-extractable: the private key never leaves
// the phone and no script can read it). Only the public key (raw, base64) is sent.

export type PersonState = 'registering' | 'registered'

export interface Person {
  id: string // local to this phone
  registrationId: string
  deviceId: string | null
  name: string
  state: PersonState
  keys: CryptoKeyPair
  publicKey: string
  createdAt: string
}

const DB = 'kluis-app'
const STORE = 'people'

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1)
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' })
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open()
  return new Promise((resolve, reject) => {
    const request = work(db.transaction(STORE, mode).objectStore(STORE))
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  }).finally(() => db.close()) as Promise<T>
}

export const listPeople = async () => (await run<Person[]>('readonly', (s) => s.getAll()))
  .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
export const getPerson = (id: string) => run<Person | undefined>('readonly', (s) => s.get(id))
export const savePerson = (person: Person) => run('readwrite', (s) => s.put(person))
export const deletePerson = (id: string) => run('readwrite', (s) => s.delete(id))

function base64(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
}

/** True where this browser makes Ed25519 keys (Chromium 137+, Safari 17+, Firefox 129+). */
export async function canMakeKeys(): Promise<boolean> {
  try {
    await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])
    return true
  } catch {
    return false
  }
}

export async function newKeys(): Promise<{ keys: CryptoKeyPair, publicKey: string }> {
  const keys = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']) as CryptoKeyPair
  return { keys, publicKey: base64(await crypto.subtle.exportKey('raw', keys.publicKey)) }
}

/** The device's signature (base64) over the UTF-8 bytes of `text` (docs/api.md). */
export async function sign(person: Person, text: string): Promise<string> {
  const signature = await crypto.subtle.sign({ name: 'Ed25519' }, person.keys.privateKey,
    new TextEncoder().encode(text))
  return base64(signature)
}
