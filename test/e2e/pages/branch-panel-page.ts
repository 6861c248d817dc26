import type { Locator, Page } from 'playwright-core';

export type BranchAlarmStageName = 'sending' | 'received' | 'handling' | 'dispatched' | 'resolved' | 'closed';

/**
 * The branch panel a branch's staff see after signing in: panic and duress
 * buttons, their branch's alarms with how the center handles them, and the
 * zones they arm or disarm with the branch's code.
 */
export class BranchPanelPage {
  constructor(readonly page: Page) {}

  /** Waits until the panel has loaded from the center. */
  async waitLoaded(): Promise<void> {
    await this.page.locator('[data-testid="branch-panel"][data-load="ready"]').waitFor();
  }

  /** Presses panic or duress and confirms; answers the id of the alarm raised at the branch. */
  async raise(type: 'panic' | 'duress'): Promise<string> {
    const before = new Set(await this.alarmIds());
    await this.page.getByTestId(`raise-${type}`).click();
    await this.page.locator(`[data-testid="raise-dialog"][data-type="${type}"]`).waitFor();
    await this.page.getByTestId('raise-confirm').click();
    await this.page.getByTestId('raise-dialog').waitFor({ state: 'detached' });
    // The card of the new alarm shows as soon as the branch answers (on its way), then as the center reports it.
    const found = await this.page.waitForFunction(
      (known) => {
        type El = { getAttribute(name: string): string | null };
        const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<El> } }).document;
        const ids = [...doc.querySelectorAll('[data-testid="branch-alarm"]')].map((el) =>
          el.getAttribute('data-alarm-id'),
        );
        return ids.find((id) => id !== null && !known.includes(id)) ?? null;
      },
      [...before],
    );
    return (await found.jsonValue()) as string;
  }

  async alarmIds(): Promise<string[]> {
    const cards = await this.page.locator('[data-testid="branch-alarm"]').all();
    const ids = await Promise.all(cards.map((card) => card.getAttribute('data-alarm-id')));
    return ids.filter((id): id is string => id !== null);
  }

  alarm(alarmId: string): Locator {
    return this.page.locator(`[data-testid="branch-alarm"][data-alarm-id="${alarmId}"]`);
  }

  /** Waits until the alarm's card shows this stage of the center's handling. */
  async waitForStage(alarmId: string, stage: BranchAlarmStageName, timeout = 15_000): Promise<void> {
    await this.page
      .locator(`[data-testid="branch-alarm"][data-alarm-id="${alarmId}"][data-stage="${stage}"]`)
      .waitFor({ timeout });
  }

  /** The sentence under an alarm's progress ("officer X is handling it"). */
  line(alarmId: string): Promise<string> {
    return this.alarm(alarmId).getByTestId('branch-alarm-line').innerText();
  }

  zone(zone: string): Locator {
    return this.page.locator(`[data-testid="zone-row"][data-zone="${zone}"]`);
  }

  /** Arms or disarms a zone with a code; leaves the dialog open when the branch refuses the code. */
  async toggleZone(zone: string, code: string): Promise<void> {
    await this.zone(zone).getByTestId('zone-toggle').click();
    await this.page.getByTestId('arm-code').fill(code);
    await this.page.getByTestId('arm-confirm').click();
  }
}
