// Compile-time checks only (`npm run typecheck`; not part of the app): the package's types reject mistakes.
import { GreenQrScan } from 'green-qr-scan/react';
import type {} from 'green-qr-scan/jsx-react';

export const wrapper = (
  <>
    {/* @ts-expect-error mode is 'qr' | 'phone' */}
    <GreenQrScan mode="bogus" />
    {/* @ts-expect-error the event's detail has no such field */}
    <GreenQrScan onAccountLinked={(event) => event.detail.nope} />
    {/* @ts-expect-error messenger is 'auto' | 'whatsapp' | 'telegram' | 'max' */}
    <GreenQrScan messenger="icq" />
    <GreenQrScan onScanStateChange={(event) => event.detail.state satisfies 'idle' | 'connecting' | 'qr' | 'code' | 'password' | 'linked' | 'failed'} />
    <GreenQrScan onAccountLinked={(event) => event.detail.messenger satisfies 'whatsapp' | 'telegram' | 'max' | undefined} />
  </>
);

export const element = (
  <>
    {/* @ts-expect-error theme is 'auto' | 'light' | 'dark' */}
    <green-qr-scan theme="sepia" />
    {/* @ts-expect-error messenger is 'auto' | 'whatsapp' | 'telegram' | 'max' */}
    <green-qr-scan messenger="icq" />
    {/* @ts-expect-error the event's detail has no such field */}
    <green-qr-scan onaccount-linked={(event) => event.detail.nope} />
    <green-qr-scan onscan-failed={(event) => event.detail.reason satisfies string} />
  </>
);
