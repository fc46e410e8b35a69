import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { WrapperScan } from './WrapperScan';
import { ElementScan } from './ElementScan';

// ?api=http://127.0.0.1:7070&id=1101000001 (defaults: `npm run mock` at the repository root);
// &view=element shows the bare <green-qr-scan> tag instead of the wrapper.
const params = new URLSearchParams(location.search);
const props = {
  apiUrl: params.get('api') ?? 'http://127.0.0.1:7070',
  instanceId: params.get('id') ?? '1101000001',
  token: 'example-token-0123456789', // in a real app: from your backend
};

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {params.get('view') === 'element' ? <ElementScan {...props} /> : <WrapperScan {...props} />}
  </StrictMode>,
);
