declare const __PORTAL_VERSION__: string
