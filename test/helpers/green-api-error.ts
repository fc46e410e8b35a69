// What a failed GREEN-API call threw, for the core tests of the HTTP methods (green-api, chat-api).
import { expect } from '@open-wc/testing';
import { GreenApiError } from '../../src/core/green-api.js';

/** Runs `run`, expects a GreenApiError whose message does not contain `token`, and returns it. */
export async function greenApiFailure(run: () => Promise<unknown>, token: string): Promise<GreenApiError> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a GreenApiError').to.be.instanceOf(GreenApiError);
  const error = caught as GreenApiError;
  expect(error.message).to.not.contain(token);
  return error;
}
