// The bare tag in React 19's JSX, typed by 'green-qr-scan/jsx-react'. React 19 listens to
// `onaccount-linked` as the `account-linked` event. The ticket is set on the element from an effect,
// never as a JSX prop: server rendering would write a JSX prop into the HTML as an attribute.
import { useEffect, useRef, useState } from 'react';
import 'green-qr-scan'; // registers <green-qr-scan>
import type {} from 'green-qr-scan/jsx-react';
import { apiUrl, useLinkTicket } from './backend';
import type { ScanProps } from './WrapperScan';

export function ElementScan({ instanceId }: ScanProps) {
  const ref = useRef<HTMLElementTagNameMap['green-qr-scan']>(null);
  const [ticket, renewTicket] = useLinkTicket(instanceId);
  const [result, setResult] = useState('');
  useEffect(() => {
    if (ref.current) ref.current.ticket = ticket; // a property: never in the HTML
  }, [ticket]);
  return (
    <main>
      <h1>Link WhatsApp, Telegram or MAX (element)</h1>
      <green-qr-scan
        ref={ref}
        api-url={apiUrl}
        instance-id={instanceId}
        messenger="auto" // the default: GetSettings tells; 'whatsapp' | 'telegram' | 'max' saves that request
        onaccount-linked={(event) => setResult(`linked: ${event.detail.wid}`)}
        onscan-failed={(event) => {
          setResult(`failed: ${event.detail.reason}`);
          if (event.detail.reason === 'timeoutExpired') renewTicket(); // the ticket is used up: a new QR code needs a fresh one
        }}
      />
      <p id="result" role="status">{result}</p>
    </main>
  );
}
