// ScanSessionOptions.decodeImage may resolve with its own copy of the image (the element passes the
// browser's, so a page keeps each code once): qrImage then returns that copy, and only a copy of the
// same image can stand in for it.
import { expect, waitUntil } from '@open-wc/testing';
import { ScanSession, type ScanSessionOptions } from '../../src/core/scan-session.js';
import { INSTANCE_ID, TOKEN, pngBase64, startWsServer, type WsServer } from '../helpers/ws-server.js';

describe('core/scan-session: decodeImage', () => {
  let ws: WsServer;
  beforeEach(async () => (ws = await startWsServer()));
  afterEach(() => ws.stop());

  const session = (decodeImage: ScanSessionOptions['decodeImage']) =>
    new ScanSession({ instanceId: INSTANCE_ID, token: TOKEN, apiUrl: ws.url }, { transport: 'websocket', debug: () => {}, decodeImage });
  const png = pngBase64(1);
  const dataUrl = `data:image/png;base64,${png}`;

  async function shown(s: ScanSession): Promise<string | undefined> {
    s.start();
    await ws.waitForConnection(1);
    await ws.send({ type: 'qrCode', message: png });
    await waitUntil(() => s.state === 'qr', 'the code was not shown');
    const image = s.qrImage;
    s.close();
    return image;
  }

  it('a decoder that resolves its copy of the image: that copy is shown', async () => {
    const seen: string[] = [];
    const image = await shown(session(async (image) => (seen.push(image), [...image].join(''))));
    expect(seen).to.deep.equal([dataUrl]);
    expect(image).to.equal(dataUrl);
  });

  it('a decoder that resolves some other text: the frame\'s own image is shown, never that text', async () => {
    expect(await shown(session(async () => 'data:image/png;base64,AAAA'))).to.equal(dataUrl);
  });

  it('a decoder that resolves true: the frame\'s image is shown', async () => {
    expect(await shown(session(async () => true))).to.equal(dataUrl);
  });
});
