/**
 * The demo page (demo/index.html + demo/main.ts) against a local stand-in, as `npm run demo` serves
 * it: its stand-in controls switch the instance's fault profile and messenger, set the cloud
 * password, and read the Telegram code and the request rates through the control endpoints.
 * The page's markup is the real demo/index.html; main.ts finds the stand-in through the same
 * `__GREEN_QR_MOCK_URL__` constant demo/serve.mjs defines.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { startMock, type Mock } from './helpers/mock.js';

const INSTANCE = '1101000001'; // demo/main.ts MOCK_INSTANCE_ID

let mock: Mock;
const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const logText = () => $('#log').textContent ?? '';

async function choose(select: HTMLSelectElement, value: string) {
  select.value = value;
  select.dispatchEvent(new Event('change'));
}

describe('demo page: the stand-in controls', () => {
  before(async () => {
    mock = await startMock();
    (globalThis as { __GREEN_QR_MOCK_URL__?: string }).__GREEN_QR_MOCK_URL__ = mock.url;
    const html = await (await fetch('/demo/index.html')).text();
    const page = new DOMParser().parseFromString(html, 'text/html');
    document.body.replaceChildren(...[...page.body.childNodes].map((node) => document.importNode(node, true)));
    await import('../demo/main.js');
  });
  after(() => mock.stop());

  it('lists every profile of the stand-in and shows the instance\'s', async () => {
    const select = $<HTMLSelectElement>('#mock-profile');
    const { profiles } = await (await fetch(`${mock.url}/mock/profiles`)).json();
    await waitUntil(() => select.options.length === Object.keys(profiles).length, 'profiles not loaded');
    expect([...select.options].map((o) => o.value)).to.deep.equal(Object.keys(profiles));
    expect(select.value).to.equal('happy');
    await waitUntil(() => $('#profile-hint').textContent !== '', 'no profile hint');
    expect($('#profile-hint').textContent).to.equal(`profile happy: ${profiles.happy.description}`);
    expect($('#mock-url').textContent).to.equal(mock.url);
  });

  it('the profile select switches the instance\'s profile through POST /mock/{id}/profile', async () => {
    await choose($<HTMLSelectElement>('#mock-profile'), 'quota');
    await waitUntil(async () => (await mock.state(INSTANCE)).profile === 'quota', 'profile not switched');
    await waitUntil(() => logText().includes('mock: profile quota'), 'not logged');
    expect(new URL(location.href).searchParams.get('profile')).to.equal('quota');
    await choose($<HTMLSelectElement>('#mock-profile'), 'happy');
    await waitUntil(async () => (await mock.state(INSTANCE)).profile === 'happy', 'profile not switched back');
  });

  it('the messenger select makes the instance a Telegram or MAX one', async () => {
    await choose($<HTMLSelectElement>('#mock-messenger'), 'v3');
    await waitUntil(async () => (await mock.state(INSTANCE)).messenger === 'v3', 'messenger not switched');
    expect(new URL(location.href).searchParams.get('messenger')).to.equal('v3');
    await choose($<HTMLSelectElement>('#mock-messenger'), 'telegram');
    await waitUntil(async () => (await mock.state(INSTANCE)).messenger === 'telegram', 'messenger not switched');
  });

  it('the password is set and removed, and never written to the log', async () => {
    const input = $<HTMLInputElement>('#mock-password');
    input.value = 'demo-cloud-pw-42';
    $<HTMLButtonElement>('#mock-password-set').click();
    await waitUntil(async () => (await mock.state(INSTANCE)).hasPassword, 'password not set');
    await waitUntil(() => logText().includes('mock: cloud password set'), 'not logged');
    input.value = '';
    $<HTMLButtonElement>('#mock-password-set').click();
    await waitUntil(async () => !(await mock.state(INSTANCE)).hasPassword, 'password not removed');
    expect(document.body.innerHTML).to.not.contain('demo-cloud-pw-42');
  });

  it('the Telegram code and the request rates are read into the log', async () => {
    $<HTMLButtonElement>('#mock-auth-code').click();
    await waitUntil(() => logText().includes('Telegram system chat: no code yet'), 'no auth-code entry');
    $<HTMLButtonElement>('#mock-stats').click();
    await waitUntil(() => logText().includes('request rates (telegram)'), 'no stats entry');
  });
});
