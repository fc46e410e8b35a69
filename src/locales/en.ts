/** English strings: every text the element shows. Other locales provide the same keys. */
export const en = {
  connecting: 'Preparing your QR code…',
  reconnecting: 'Connection lost. Reconnecting…',
  qrReady: 'Scan this QR code with WhatsApp',
  qrAlt: 'QR code to link WhatsApp to this GREEN-API instance',
  stepOpen: 'Open WhatsApp on your phone',
  stepDevices: 'Tap Menu or Settings, then Linked devices',
  stepLink: 'Tap Link a device',
  stepScan: 'Point your phone at this screen to scan the code',
  linked: 'WhatsApp is linked',
  failedAlreadyLogged: 'This instance is already linked to a WhatsApp account',
  failedAlreadyLoggedHint: 'Log out of the instance first (GREEN-API console or the Logout method) to link another phone.',
  failedTimeoutExpired: 'The QR code expired',
  failedTimeoutExpiredHint: 'The code was not scanned within 100 seconds.',
  failedError: 'GREEN-API could not start linking',
  failedConnection: 'Could not reach GREEN-API',
  failedConnectionHint: 'Check your network connection and try again.',
  failedInvalidConfig: 'This widget is not set up correctly',
  retry: 'Get a new QR code',
  idle: 'Waiting for instance details…',
};

export type Strings = typeof en;
