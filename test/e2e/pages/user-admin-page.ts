import type { Locator, Page } from 'playwright-core';

/** 用户管理, the security administrator's screen. */
export class UserAdminPage {
  constructor(readonly page: Page) {}

  async waitLoaded(): Promise<void> {
    await this.page.locator('[data-testid="user-admin"][data-loaded="true"]').waitFor();
  }

  row(username: string): Locator {
    return this.page.locator(`[data-testid="user-row"][data-username="${username}"]`);
  }

  /** Creates a user with the role's default permissions; waits for their row. */
  async create(user: { username: string; displayName: string; role: string; password: string }): Promise<void> {
    await this.page.getByTestId('user-create').click();
    await this.page.getByTestId('user-dialog').waitFor();
    await this.page.getByTestId('user-username').fill(user.username);
    await this.page.getByTestId('user-display-name').fill(user.displayName);
    await this.page.getByTestId('user-role').selectOption(user.role);
    await this.page.getByTestId('user-password').fill(user.password);
    await this.page.getByTestId('user-save').click();
    await this.page.getByTestId('user-dialog').waitFor({ state: 'detached' });
    await this.row(user.username).waitFor();
  }
}
