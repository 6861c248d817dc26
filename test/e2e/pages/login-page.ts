import type { Page } from 'playwright-core';

/** The console's login form. */
export class LoginPage {
  constructor(readonly page: Page) {}

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(baseUrl);
    await this.page.getByTestId('login-username').waitFor();
  }

  async logIn(username: string, password: string): Promise<void> {
    await this.page.getByTestId('login-username').fill(username);
    await this.page.getByTestId('login-password').fill(password);
    await this.page.getByTestId('login-submit').click();
  }

  error(): Promise<string> {
    return this.page.getByTestId('login-error').innerText();
  }
}
