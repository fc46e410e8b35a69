/**
 * What the view's buttons and forms do. The element hands in its state; the handlers read the forms.
 *
 * @internal
 */
import type { PhoneLinkSession } from '../core/phone-link-session.js';
import { isChatSession, type AnySession } from './link-controller.js';
import type { ViewActions } from './views.js';

/** The element's side of the actions. */
export interface ActionsHost extends Pick<ViewActions, 'retry' | 'logout' | 'toggleMode'> {
  session(): AnySession | undefined;
  /** The phone-path code on screen. */
  code(): string | undefined;
  phoneInput(): string;
  setPhoneInput(value: string): void;
  setCopied(copied: boolean): void;
}

export function viewActions(host: ActionsHost): ViewActions {
  const { retry, logout, toggleMode } = host;
  return {
    retry,
    logout,
    toggleMode,
    submitPhone: (event: SubmitEvent) => {
      event.preventDefault();
      host.setCopied(false);
      // WhatsApp's phone session (its class loads on demand) and Telegram's both take `submit(number)`.
      (host.session() as Partial<PhoneLinkSession> | undefined)?.submit?.(host.phoneInput());
    },
    inputPhone: (event: InputEvent) => host.setPhoneInput((event.target as HTMLInputElement).value),
    // The password is read from the field on submit, handed to the session, and the field cleared:
    // it is never kept in a property, reflected, logged or put in an event.
    submitPassword: (event: SubmitEvent) => {
      event.preventDefault();
      const input = (event.target as HTMLFormElement).querySelector<HTMLInputElement>('input[type="password"]');
      const session = host.session();
      if (!input || !isChatSession(session) || session.password.locked) return;
      const password = input.value;
      input.value = '';
      session.submitPassword(password);
    },
    submitCode: (event: SubmitEvent) => {
      event.preventDefault();
      const input = (event.target as HTMLFormElement).querySelector<HTMLInputElement>('input');
      const session = host.session();
      if (input && session && 'submitCode' in session) (session as { submitCode(code: string): void }).submitCode(input.value);
    },
    copy: async () => {
      try {
        await navigator.clipboard.writeText((host.code() ?? '').replace(/-/g, ''));
        host.setCopied(true);
      } catch {
        // No clipboard permission: the code stays visible to type by hand.
      }
    },
  };
}
