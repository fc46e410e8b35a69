// The two-factor password step (PasswordStep) on its own: each submit sends the password once with
// the real SendAuthorizationPassword to a scripted GREEN-API HTTP server on 127.0.0.1, on a virtual
// clock; the verdict, the form's state (problem, busy, retryAt, reason) and its `changed` calls are
// what the session (and so the person) sees.
import { expect } from '@open-wc/testing';
import { resolveConfig, type Endpoints } from '../../src/core/config.js';
import { sendAuthorizationPassword } from '../../src/core/chat-api.js';
import { PasswordStep, type SendPassword } from '../../src/core/password-step.js';
import { VirtualClock } from '../helpers/clock.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { INSTANCE_ID, TOKEN } from '../helpers/ws-server.js';

const SECRET = 'correct horse battery staple';
/** SendAuthorizationPassword: 1 request a second (and the rate gate's margin). */
const SLOT_MS = 1_200;

describe('core/password-step (virtual clock)', () => {
  let http: HttpServer;
  let clock: VirtualClock;
  let endpoints: Endpoints;
  let run: AbortController;
  let changes: Array<Pick<PasswordStep, 'problem' | 'busy' | 'reason'>>;
  const path = `/waInstance${INSTANCE_ID}/sendAuthorizationPassword/${TOKEN}`;
  const answer = (reason?: string) => ({ body: reason ? { status: false, data: { status: 'fail', reason } } : { status: true, data: { status: 'success' } } });
  const send: SendPassword = (password, signal) => sendAuthorizationPassword(endpoints, password, signal);
  const sent = async () => (await http.requests({ method: 'POST', path })).map((r) => JSON.parse(r.body).password as string);

  beforeEach(async () => {
    http = await startHttpServer();
    clock = new VirtualClock().install();
    const resolved = resolveConfig({ instanceId: INSTANCE_ID, token: TOKEN, apiUrl: http.url });
    if (!resolved.ok) throw new Error(resolved.message);
    endpoints = resolved.endpoints;
    run = new AbortController();
    changes = [];
  });
  afterEach(async () => {
    clock.uninstall();
    await http.stop();
  });

  /** Submits through `step`, recording what the form showed at each `changed` call. */
  const submit = (step: PasswordStep, password: string, how: SendPassword = send, signal = run.signal) =>
    step.submit(password, how, signal, () => changes.push({ problem: step.problem, busy: step.busy, reason: step.reason }));

  it('an empty password is refused in place: "empty", no request', async () => {
    const step = new PasswordStep();
    expect(await submit(step, '')).to.deep.equal({ next: 'again' });
    expect([step.problem, step.busy, step.locked]).to.deep.equal(['empty', false, false]);
    expect(changes).to.deep.equal([{ problem: 'empty', busy: false, reason: undefined }]);
    expect(await http.requests()).to.deep.equal([]);
  });

  it('accepted: "confirm"; busy (with the last problem cleared) while it is on its way; sent once', async () => {
    await http.script('POST', path, [answer('invalid_password'), { ...answer(), delayMs: 50 }]);
    const step = new PasswordStep();
    expect(await submit(step, 'wrong')).to.deep.equal({ next: 'again' });
    expect([step.problem, step.reason]).to.deep.equal(['invalid', 'invalid_password']);
    await clock.tick(SLOT_MS);
    changes = [];
    const pending = submit(step, SECRET);
    expect([step.busy, step.locked, step.problem, step.reason]).to.deep.equal([true, true, undefined, undefined]);
    expect(changes).to.deep.equal([{ problem: undefined, busy: true, reason: undefined }]);
    // A second submit while the first is on its way: nothing sent, nothing changed.
    expect(await submit(step, 'again')).to.equal(undefined);
    expect(await pending).to.deep.equal({ next: 'confirm' });
    expect([step.busy, step.locked, step.problem, step.reason]).to.deep.equal([false, false, undefined, undefined]);
    expect(changes, 'accepted: the session moves on, the form does not change').to.have.length(1);
    expect(await sent()).to.deep.equal(['wrong', SECRET]);
  });

  it('already_registered is accepted too; authorization_not_started restarts; timeout fails with timeoutExpired', async () => {
    await http.script('POST', path, [answer('already_registered'), answer('authorization_not_started'), answer('timeout')]);
    const step = new PasswordStep();
    expect(await submit(step, 'a')).to.deep.equal({ next: 'confirm' });
    expect([step.reason, step.problem]).to.deep.equal(['already_registered', undefined]);
    await clock.tick(SLOT_MS);
    expect(await submit(step, 'b')).to.deep.equal({ next: 'restart' });
    expect([step.reason, step.problem, step.busy]).to.deep.equal(['authorization_not_started', undefined, false]);
    await clock.tick(SLOT_MS);
    expect(await submit(step, 'c')).to.deep.equal({
      next: 'fail',
      failure: { reason: 'timeoutExpired', message: 'The password was not entered in time (GREEN-API: timeout).' },
    });
    expect([step.reason, step.problem, step.busy]).to.deep.equal(['timeout', undefined, false]);
    // Only the `busy` change of each submit: the verdicts leave the form to the session.
    expect(changes.map((c) => c.busy)).to.deep.equal([true, true, true]);
    expect(await sent()).to.deep.equal(['a', 'b', 'c']);
  });

  it('invalid_password → "invalid"; an unknown reason → "failed"; the form changes after each', async () => {
    await http.script('POST', path, [answer('invalid_password'), answer('flood_wait')]);
    const step = new PasswordStep();
    expect(await submit(step, 'a')).to.deep.equal({ next: 'again' });
    expect([step.problem, step.reason, step.busy, step.retryAt]).to.deep.equal(['invalid', 'invalid_password', false, undefined]);
    expect(changes.at(-1)).to.deep.equal({ problem: 'invalid', busy: false, reason: 'invalid_password' });
    await clock.tick(SLOT_MS);
    expect(await submit(step, 'b')).to.deep.equal({ next: 'again' });
    expect([step.problem, step.reason, step.locked]).to.deep.equal(['failed', 'flood_wait', false]);
    expect(changes).to.have.length(4);
    expect(changes.at(-1)).to.deep.equal({ problem: 'failed', busy: false, reason: 'flood_wait' });
  });

  it('rate_limit_exceeded locks the form for rateLimitWaitMs (default 60 s): no request until then', async () => {
    await http.script('POST', path, [answer('rate_limit_exceeded'), answer()]);
    const step = new PasswordStep();
    expect(step.rateLimitWaitMs).to.equal(60_000);
    expect(await submit(step, 'a')).to.deep.equal({ next: 'again' });
    expect([step.problem, step.reason, step.retryAt, step.locked, step.busy]).to.deep.equal(['rateLimited', 'rate_limit_exceeded', clock.now + 60_000, true, false]);
    expect(changes.at(-1)).to.deep.include({ problem: 'rateLimited', busy: false });
    const before = changes.length;
    await clock.tick(59_999);
    expect(step.locked).to.equal(true);
    expect(await submit(step, 'b')).to.equal(undefined);
    expect(changes).to.have.length(before);
    expect(step.problem).to.equal('rateLimited');
    await clock.tick(1);
    expect(step.locked).to.equal(false);
    expect(await submit(step, 'c')).to.deep.equal({ next: 'confirm' });
    expect(await sent()).to.deep.equal(['a', 'c']);
  });

  it('rate_limit_exceeded with a shorter wait: unlocked exactly then', async () => {
    await http.script('POST', path, [answer('rate_limit_exceeded')]);
    const step = new PasswordStep(5_000);
    await submit(step, 'a');
    expect(step.retryAt).to.equal(clock.now + 5_000);
    await clock.tick(4_999);
    expect(step.locked).to.equal(true);
    await clock.tick(1);
    expect(step.locked).to.equal(false);
  });

  it('a failed request (5xx, network) stays on the form as "failed"; a refused token fails with unauthorized', async () => {
    await http.script('POST', path, [{ status: 500, body: 'boom' }, { status: 401, body: 'Unauthorized' }]);
    const step = new PasswordStep();
    expect(await submit(step, 'a')).to.deep.equal({ next: 'again' });
    expect([step.problem, step.busy, step.reason]).to.deep.equal(['failed', false, undefined]);
    expect(changes.at(-1)).to.deep.equal({ problem: 'failed', busy: false, reason: undefined });
    await clock.tick(SLOT_MS);
    const verdict = await submit(step, SECRET);
    expect(verdict).to.deep.include({ next: 'fail' });
    const failure = (verdict as { failure: { reason: string; status?: number; message: string } }).failure;
    expect([failure.reason, failure.status]).to.deep.equal(['unauthorized', 401]);
    expect(failure.message).to.not.contain(SECRET).and.not.contain(TOKEN);
    expect(step.busy).to.equal(false);
    // Nothing answers at all (the server is gone): "failed", try again.
    await http.stop();
    await clock.tick(SLOT_MS);
    expect(await submit(step, 'b')).to.deep.equal({ next: 'again' });
    expect([step.problem, step.busy]).to.deep.equal(['failed', false]);
  });

  it('something other than a GreenApiError thrown by the sender counts as a failed request', async () => {
    const step = new PasswordStep();
    const broken: SendPassword = () => Promise.reject(new TypeError('boom'));
    expect(await submit(step, 'a', broken)).to.deep.equal({ next: 'again' });
    expect([step.problem, step.busy]).to.deep.equal(['failed', false]);
  });

  it('the run ends while the password is on its way: no verdict, the form is left alone', async () => {
    await http.script('POST', path, [{ ...answer('invalid_password'), delayMs: 200 }]);
    const step = new PasswordStep();
    const pending = submit(step, 'a');
    await http.waitForRequests(1, { method: 'POST', path });
    run.abort();
    expect(await pending).to.equal(undefined);
    expect([step.problem, step.reason]).to.deep.equal([undefined, undefined]);
    expect(changes).to.have.length(1);
  });

  it('the run ends just as the answer arrives: no verdict either', async () => {
    await http.script('POST', path, [answer('invalid_password'), { status: 500, body: 'boom' }]);
    const step = new PasswordStep();
    // The answer is read in full, then the run ends before the step looks at it.
    const late: SendPassword = async (password) => {
      try {
        return await sendAuthorizationPassword(endpoints, password);
      } finally {
        run.abort();
      }
    };
    expect(await submit(step, 'a', late)).to.equal(undefined);
    expect([step.problem, step.reason]).to.deep.equal([undefined, undefined]);
    run = new AbortController();
    step.busy = false;
    await clock.tick(SLOT_MS);
    expect(await submit(step, 'b', late)).to.equal(undefined);
    expect(step.problem).to.equal(undefined);
    expect(changes).to.have.length(2);
  });
});
