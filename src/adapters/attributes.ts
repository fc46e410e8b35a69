/**
 * The element's attributes and events as templates write them, for framework type declarations.
 * Derived from the element class, so a type is written once (on the element).
 */
import type { AccountLinkedEvent, ModeChangeEvent, ScanFailedEvent, ScanStateChangeEvent } from '../core/events.js';
import type { GreenQrScan } from '../element/green-qr-scan.js';

/** Property name → attribute name, for every property that has an attribute. */
interface AttributeNames {
  instanceId: 'instance-id';
  /** Prefer binding the `token` property (it keeps the secret out of the DOM). */
  token: 'token';
  apiUrl: 'api-url';
  mode: 'mode';
  messenger: 'messenger';
  transport: 'transport';
  theme: 'theme';
  lang: 'lang';
  allowLogout: 'allow-logout';
  lazy: 'lazy';
}

/** The properties that have attributes, by property name (`instanceId`). */
export type GreenQrScanProperties = Partial<Pick<GreenQrScan, keyof AttributeNames>>;

/** The same, by attribute name (`instance-id`). */
export type GreenQrScanAttributes = { [K in keyof AttributeNames as AttributeNames[K]]?: GreenQrScan[K] };

/** The element's events by name. */
export interface GreenQrScanEventMap {
  'account-linked': AccountLinkedEvent;
  'scan-failed': ScanFailedEvent;
  'scan-state-change': ScanStateChangeEvent;
  'mode-change': ModeChangeEvent;
}

/** `onaccount-linked` etc. (React 19 and Preact listen to these names on custom elements). */
export type GreenQrScanEventHandlers = { [K in keyof GreenQrScanEventMap as `on${K}`]?: (event: GreenQrScanEventMap[K]) => void };

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

/** `onAccountLinked` etc. (Vue's and the React wrapper's names). */
export type GreenQrScanCamelEventHandlers = {
  [K in keyof GreenQrScanEventMap as `on${Capitalize<Camel<K>>}`]?: (event: GreenQrScanEventMap[K]) => void;
};
