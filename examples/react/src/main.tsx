import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { WrapperScan } from './WrapperScan';
import { ElementScan } from './ElementScan';

// ?id=1101000001 (the default) picks the instance; &view=element shows the bare <green-qr-scan> tag
// instead of the wrapper. The page's backend (tickets, /green-api) is on its own origin: the dev server
// proxies it to examples/backend.mjs (vite.config.ts).
const params = new URLSearchParams(location.search);
const instanceId = params.get('id') ?? '1101000001';

createRoot(document.getElementById('root')!).render(
  <StrictMode>{params.get('view') === 'element' ? <ElementScan instanceId={instanceId} /> : <WrapperScan instanceId={instanceId} />}</StrictMode>,
);
