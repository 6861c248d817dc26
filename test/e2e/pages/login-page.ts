import { freshTotpCode } from '@bsm/launcher';
import { demoTotpSecret } from '@bsm/runtime';
import type { Page } from 'playwright-core';

/** The console's sign-in: password, then the authenticator's code (or its enrolment the first time). */
export class LoginPage {
  private baseUrl = '';

  constructor(readonly page: Page) {}

  async open(baseUrl: string): Promise<void> {
    this.baseUrl = baseUrl;
    await this.page.goto(baseUrl);
    await this.page.getByTestId('login-username').waitFor();
  }

  /** The first step only; the page then asks for a code, or shows an error. */
  async submitPassword(username: string, password: string): Promise<void> {
    await this.page.getByTestId('login-username').fill(username);
    await this.page.getByTestId('login-password').fill(password);
    await this.page.getByTestId('login-submit').click();
  }

  /** The code step, with a code of this secret for a time step not used before. */
  async submitCode(username: string, secret: string): Promise<void> {
    await this.page.getByTestId('login-code').fill(await freshTotpCode(`${this.baseUrl} ${username}`, secret));
    await this.page.getByTestId('login-submit').click();
  }

  /** Signs a demo user in: password, then a code of their authenticator (secret from the demo password). */
  async logIn(username: string, password: string): Promise<void> {
    await this.submitPassword(username, password);
    await this.page.locator('[data-testid="login-page"][data-stage="code"]').waitFor();
    await this.submitCode(username, demoTotpSecret(password, username));
    await this.page.getByTestId('login-page').waitFor({ state: 'detached' });
  }

  /** The stage the page shows: `password`, `code`, `enroll`, `recovery`. */
  stage(): Promise<string | null> {
    return this.page.getByTestId('login-page').getAttribute('data-stage');
  }

  error(): Promise<string> {
    return this.page.getByTestId('login-error').innerText();
  }
}
