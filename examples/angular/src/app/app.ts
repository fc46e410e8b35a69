import { ChangeDetectionStrategy, Component, CUSTOM_ELEMENTS_SCHEMA, signal } from '@angular/core';
import type { AccountLinkedEvent, ScanFailedEvent } from 'green-qr-scan';

// ?api=http://127.0.0.1:7070&id=1101000001 (defaults: `npm run mock` at the repository root).
const params = new URLSearchParams(location.search);

@Component({
  selector: 'app-root',
  // <green-qr-scan> is a custom element, not an Angular component.
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <main>
      <h1>Link WhatsApp</h1>
      <!-- [token] is a property binding: the secret never becomes an attribute -->
      <green-qr-scan
        [apiUrl]="apiUrl"
        [instanceId]="instanceId"
        [token]="token"
        (account-linked)="onLinked($event)"
        (scan-failed)="onFailed($event)"
      ></green-qr-scan>
      <p id="result" role="status">{{ result() }}</p>
    </main>
  `,
})
export class App {
  readonly apiUrl = params.get('api') ?? 'http://127.0.0.1:7070';
  readonly instanceId = params.get('id') ?? '1101000001';
  readonly token = 'example-token-0123456789'; // in a real app: from your backend
  readonly result = signal('');

  onLinked(event: AccountLinkedEvent): void {
    this.result.set(`linked: ${event.detail.wid}`);
  }

  onFailed(event: ScanFailedEvent): void {
    this.result.set(`failed: ${event.detail.reason}`);
  }
}
