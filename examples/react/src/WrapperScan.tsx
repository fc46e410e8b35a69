// The React wrapper: typed props, and the element's events as onX props.
import { useState } from 'react';
import { GreenQrScan, type AccountLinkedEvent, type ScanFailedEvent } from 'green-qr-scan/react';

export interface ScanProps {
  apiUrl: string;
  instanceId: string;
  token: string;
}

export function WrapperScan({ apiUrl, instanceId, token }: ScanProps) {
  const [result, setResult] = useState('');
  return (
    <main>
      <h1>Link WhatsApp (wrapper)</h1>
      <GreenQrScan
        apiUrl={apiUrl}
        instanceId={instanceId}
        token={token}
        onAccountLinked={(event: AccountLinkedEvent) => setResult(`linked: ${event.detail.wid}`)}
        onScanFailed={(event: ScanFailedEvent) => setResult(`failed: ${event.detail.reason}`)}
      />
      <p id="result" role="status">{result}</p>
    </main>
  );
}
