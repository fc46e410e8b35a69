/** What a registration frame tells the test (read from the frame's window). */
export interface RegistrationReport {
  /** The frame's own copy of the class. */
  GreenQrScan: CustomElementConstructor;
  /** What the registering entry threw, if anything. */
  error?: string;
}

export function report(result: RegistrationReport): void {
  (window as unknown as { registration: RegistrationReport }).registration = result;
  window.dispatchEvent(new Event('registration-done'));
}
