// The bare tag in React 19's JSX: React 19 sets known properties (token) as properties and
// listens to `onaccount-linked` as the `account-linked` event. The types come from 'green-qr-scan/jsx-react'.
import { useState } from 'react';
import 'green-qr-scan'; // registers <green-qr-scan>
import type {} from 'green-qr-scan/jsx-react';
import type { ScanProps } from './WrapperScan';

export function ElementScan({ apiUrl, instanceId, token }: ScanProps) {
  const [result, setResult] = useState('');
  return (
    <main>
      <h1>Link WhatsApp (element)</h1>
      <green-qr-scan
        api-url={apiUrl}
        instance-id={instanceId}
        token={token}
        onaccount-linked={(event) => setResult(`linked: ${event.detail.wid}`)}
        onscan-failed={(event) => setResult(`failed: ${event.detail.reason}`)}
      />
      <p id="result" role="status">{result}</p>
    </main>
  );
}
