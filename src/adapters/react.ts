/**
 * React wrapper (`green-qr-scan/react`), made with `@lit/react`: properties are set as properties
 * (so `token` never becomes an attribute) and the element's events map to typed `onX` props.
 *
 * ```tsx
 * import { GreenQrScan } from 'green-qr-scan/react';
 * <GreenQrScan instanceId="1101000001" token={token} onAccountLinked={(e) => save(e.detail)} />
 * ```
 */
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { GreenQrScan as GreenQrScanElement } from '../element/green-qr-scan.js';
import type { AccountLinkedEvent, ModeChangeEvent, ScanFailedEvent, ScanStateChangeEvent } from '../core/events.js';
import { defineGreenQrScan } from '../element/register.js';

defineGreenQrScan();

export const GreenQrScan = createComponent({
  tagName: 'green-qr-scan',
  elementClass: GreenQrScanElement,
  react: React,
  events: {
    onAccountLinked: 'account-linked' as EventName<AccountLinkedEvent>,
    onScanFailed: 'scan-failed' as EventName<ScanFailedEvent>,
    onScanStateChange: 'scan-state-change' as EventName<ScanStateChangeEvent>,
    onModeChange: 'mode-change' as EventName<ModeChangeEvent>,
  },
  displayName: 'GreenQrScan',
});

export type { AccountLinkedEvent, ModeChangeEvent, ScanFailedEvent, ScanStateChangeEvent };
export type { AccountData, ScanFailure, ScanState, ScanStateChange, FailureReason, ModeChange } from '../core/events.js';
