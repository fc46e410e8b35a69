// The root component. ?id=1101000001 (the default) picks the instance. The page's backend (tickets,
// /green-api) is on its own origin: `ng serve` proxies it to examples/backend.mjs (proxy.conf.json).
// #region component
import { ChangeDetectionStrategy, Component, CUSTOM_ELEMENTS_SCHEMA, signal, type OnInit } from '@angular/core';
import type { AccountLinkedEvent, ScanFailedEvent } from 'green-qr-scan';
import { apiUrl, getTicket } from './backend'; // your backend's ticket route, and its /green-api

@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA], // <green-qr-scan> is a custom element, not an Angular component
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <main>
      <h1>Link WhatsApp, Telegram or MAX</h1>
      <!-- [ticket] is a property binding: the ticket never becomes an attribute. messenger="auto" (the
           default) asks GetSettings; "whatsapp", "telegram" or "max" saves that request. -->
      <green-qr-scan
        [apiUrl]="apiUrl"
        [instanceId]="instanceId"
        messenger="auto"
        [ticket]="ticket()"
        (account-linked)="onLinked($event)"
        (scan-failed)="onFailed($event)"
      ></green-qr-scan>
      <p id="result" role="status">{{ result() }}</p>
    </main>
  `,
})
export class App implements OnInit {
  readonly apiUrl = apiUrl;
  readonly instanceId = new URLSearchParams(location.search).get('id') ?? '1101000001';
  readonly ticket = signal(''); // '' until it arrives: the element waits
  readonly result = signal('');

  ngOnInit(): void {
    void this.renewTicket();
  }

  /** A ticket is used up when linking ends: each attempt needs a fresh one (setting it starts over). */
  async renewTicket(): Promise<void> {
    this.ticket.set(await getTicket(this.instanceId));
  }

  onLinked(event: AccountLinkedEvent): void {
    this.result.set(`linked: ${event.detail.wid}`);
  }

  onFailed(event: ScanFailedEvent): void {
    this.result.set(`failed: ${event.detail.reason}`);
    if (event.detail.reason === 'timeoutExpired') void this.renewTicket();
  }
}
// #endregion component
