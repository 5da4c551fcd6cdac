// What the app tells the server about this phone: platform and system version from the
// browser's user agent, the app's version (the portal's).

export interface DeviceInfo {
  platform: 'ios' | 'android'
  os_version: string
  app_version: string
  name: string
}

/** -> the phone's description, or null on a browser that is not a phone's. */
export function describeDevice(userAgent = navigator.userAgent, touchPoints = navigator.maxTouchPoints): DeviceInfo | null {
  const appVersion = __PORTAL_VERSION__.split('+')[0]
  const android = userAgent.match(/Android (\d+(?:\.\d+){0,2})/)
  if (android) {
    return { platform: 'android', os_version: android[1], app_version: appVersion, name: 'Android' }
  }
  const ios = userAgent.match(/(iPhone|iPad)[^)]*? OS (\d+)_(\d+)(?:_(\d+))?/)
  if (ios) {
    const version = [ios[2], ios[3], ios[4]].filter(Boolean).join('.')
    return { platform: 'ios', os_version: version, app_version: appVersion, name: ios[1] }
  }
  // iPadOS shows a Mac's user agent; its touch screen and Safari's version give it away.
  const ipad = /Macintosh/.test(userAgent) && touchPoints > 1 ? userAgent.match(/Version\/(\d+(?:\.\d+){0,2})/) : null
  if (ipad) return { platform: 'ios', os_version: ipad[1], app_version: appVersion, name: 'iPad' }
  return null
}

/** Chrome on Android freezes the version in its user agent ("Android 10"): ask the
 * browser for the real one where it can tell. */
export async function describeThisDevice(): Promise<DeviceInfo | null> {
  const device = describeDevice()
  const hints = (navigator as Navigator & { userAgentData?: { getHighEntropyValues?: (h: string[]) =>
    Promise<{ platform?: string, platformVersion?: string }> } }).userAgentData
  if (device?.platform === 'android' && hints?.getHighEntropyValues) {
    try {
      const { platform, platformVersion } = await hints.getHighEntropyValues(['platform', 'platformVersion'])
      if (platform === 'Android' && platformVersion && /^\d+(\.\d+){0,3}$/.test(platformVersion)) {
        return { ...device, os_version: platformVersion }
      }
    } catch {
      // the user agent's version, then
    }
  }
  return device
}

/** "Firefox op Windows" from a user agent, for the approval screen. */
export function browserAndSystem(userAgent: string | null): { browser: string, system: string } {
  const ua = userAgent ?? ''
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox'
    : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : ''
  const system = /Windows/.test(ua) ? 'Windows' : /Android/.test(ua) ? 'Android'
    : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : ''
  return { browser, system }
}
