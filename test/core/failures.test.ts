// What a failed GREEN-API request means for linking (GREEN-API's common errors page).
import { expect } from '@open-wc/testing';
import { classify } from '../../src/core/failures.js';
import { GreenApiError } from '../../src/core/green-api.js';

const http = (status: number, description?: string) => new GreenApiError('http', `qr failed: HTTP ${status}`, status, description);

describe('core/failures', () => {
  it('401 and 403: unauthorized, saying which credential to check, with the status', () => {
    expect(classify(http(401))).to.deep.equal({ fail: { reason: 'unauthorized', message: 'qr failed: HTTP 401: check the token (apiTokenInstance)', status: 401 } });
    expect(classify(http(403))).to.deep.equal({ fail: { reason: 'unauthorized', message: 'qr failed: HTTP 403: check the instance id (idInstance)', status: 403 } });
  });

  it('466: quotaExceeded; 400 expired or deleted: instanceBlocked', () => {
    expect(classify(http(466, 'Monthly quota has been exceeded.'))).to.deep.include({ fail: { reason: 'quotaExceeded', message: 'qr failed: HTTP 466', status: 466 } });
    expect(classify(http(400, 'Instance account is expired. Renew your instance from personal area'))).to.have.nested.property('fail.reason', 'instanceBlocked');
    expect(classify(http(400, 'Instance is deleted'))).to.deep.equal({ fail: { reason: 'instanceBlocked', message: 'qr failed: HTTP 400', status: 400 } });
  });

  it('400 "instance in starting process try later": starting (wait); 429, 5xx, other 400s and network failures: retry', () => {
    expect(classify(http(400, 'instance in starting process try later'))).to.deep.equal({ starting: true });
    for (const error of [http(429), http(500), http(502), http(400, 'bad request data'), new GreenApiError('network', 'qr: could not reach x'), new GreenApiError('invalidResponse', 'qr: unexpected response')]) {
      expect(classify(error), error.message).to.deep.equal({ retry: true });
    }
  });
});
