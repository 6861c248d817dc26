import type { Download, Locator, Page } from 'playwright-core';

export interface AuditRowView {
  seq: number;
  action: string;
  outcome: string;
  actor: string;
  target: string;
}

/** The auditor's screen: filters, the table of entries, paging and exports. */
export class AuditLogPage {
  constructor(readonly page: Page) {}

  /** Waits until the table shows the answer to the last search. */
  async waitLoaded(): Promise<void> {
    await this.page.locator('[data-testid="audit-page"][data-load="ready"]').waitFor();
  }

  rows(): Locator {
    return this.page.getByTestId('audit-row');
  }

  async rowViews(): Promise<AuditRowView[]> {
    type El = { getAttribute(name: string): string | null };
    return this.rows().evaluateAll((els: El[]) =>
      els.map((el) => ({
        seq: Number(el.getAttribute('data-seq')),
        action: el.getAttribute('data-action') ?? '',
        outcome: el.getAttribute('data-outcome') ?? '',
        actor: el.getAttribute('data-actor') ?? '',
        target: el.getAttribute('data-target') ?? '',
      })),
    );
  }

  async chooseSource(source: string): Promise<void> {
    await this.page.getByTestId('audit-source').selectOption(source);
    await this.page.locator(`[data-testid="audit-page"][data-source="${source}"][data-load="ready"]`).waitFor();
  }

  /** Fills the filters given (the others left as they are) and searches. */
  async search(filter: { actor?: string; action?: string; target?: string; outcome?: '' | 'success' | 'failure' }) {
    if (filter.actor !== undefined) {
      await this.page.getByTestId('audit-actor').fill(filter.actor);
    }
    if (filter.action !== undefined) {
      await this.page.getByTestId('audit-action').selectOption(filter.action);
    }
    if (filter.target !== undefined) {
      await this.page.getByTestId('audit-target').fill(filter.target);
    }
    if (filter.outcome !== undefined) {
      await this.page.getByTestId('audit-outcome').selectOption(filter.outcome);
    }
    await this.page.getByTestId('audit-search').click();
    await this.waitLoaded();
  }

  async reset(): Promise<void> {
    await this.page.getByTestId('audit-reset').click();
    await this.waitLoaded();
  }

  async older(): Promise<void> {
    await this.page.getByTestId('audit-older').click();
    await this.waitLoaded();
  }

  async newer(): Promise<void> {
    await this.page.getByTestId('audit-newer').click();
    await this.waitLoaded();
  }

  pageNumber(): Promise<string> {
    return this.page.getByTestId('audit-page-number').innerText();
  }

  olderButton(): Locator {
    return this.page.getByTestId('audit-older');
  }

  /** Clicks an export button and answers the file the browser downloads. */
  async export(format: 'csv' | 'ndjson'): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId(`audit-export-${format}`).click();
    return download;
  }
}
