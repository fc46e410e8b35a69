// The React wrapper: typed props (set as properties, so the ticket never becomes an attribute), and the
// element's events as onX props.
import { useState } from 'react';
import { GreenQrScan, type AccountLinkedEvent, type ScanFailedEvent } from 'green-qr-scan/react';
import { apiUrl, useLinkTicket } from './backend';

export interface ScanProps {
  instanceId: string;
}

export function WrapperScan({ instanceId }: ScanProps) {
  const [ticket, renewTicket] = useLinkTicket(instanceId);
  const [result, setResult] = useState('');
  const onScanFailed = (event: ScanFailedEvent) => {
    setResult(`failed: ${event.detail.reason}`);
    if (event.detail.reason === 'timeoutExpired') renewTicket(); // the ticket is used up: a new QR code needs a fresh one
  };
  return (
    <main>
      <h1>Link WhatsApp, Telegram or MAX (wrapper)</h1>
      <GreenQrScan
        apiUrl={apiUrl}
        instanceId={instanceId}
        messenger="auto" // the default: GetSettings tells; 'whatsapp' | 'telegram' | 'max' saves that request
        ticket={ticket}
        onAccountLinked={(event: AccountLinkedEvent) => setResult(`linked: ${event.detail.wid}`)}
        onScanFailed={onScanFailed}
      />
      <p id="result" role="status">{result}</p>
    </main>
  );
}
