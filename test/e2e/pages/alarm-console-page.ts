import type { Locator, Page } from 'playwright-core';

/** Statuses of the alarm workflow, as the detail pane's `data-status` shows them. */
export type AlarmStatusName =
  'new' | 'acknowledged' | 'verifying' | 'dispatched' | 'false_alarm' | 'test' | 'on_hold' | 'closed';

export type DispositionName = 'genuine' | 'false_alarm' | 'test' | 'equipment_fault' | 'duplicate';

/**
 * The alarm console (报警处置): the queue of open alarms and the selected
 * alarm's detail pane with its workflow buttons, procedure, note, history and
 * close dialog. Every action waits for what the center answered to show.
 */
export class AlarmConsolePage {
  constructor(readonly page: Page) {}

  /** Switches to the console from any screen and waits until its queue has loaded. */
  async open(): Promise<void> {
    await this.page.getByTestId('nav-alarm-console').click();
    await this.page.locator('[data-testid="alarm-console"][data-loaded="true"]').waitFor();
  }

  /** The queue's rows on the tab shown (this center's alarms by default). */
  rows(): Locator {
    return this.page.locator('[data-testid="queue-row"]');
  }

  row(alarmId: string): Locator {
    return this.page.locator(`[data-testid="queue-row"][data-alarm-id="${alarmId}"]`);
  }

  /** The live countdown of a row; `data-overdue="true"` once the deadline has passed. */
  countdown(alarmId: string): Locator {
    return this.row(alarmId).getByTestId('countdown');
  }

  badge(alarmId: string, badge: 'escalatedHere' | 'escalatedUp' | 'lateEscalation' | 'latched' | 'restored'): Locator {
    return this.row(alarmId).getByTestId(`badge-${badge}`);
  }

  /** Alarms another center is responsible for (visible here, handled there). */
  async showOthers(): Promise<void> {
    await this.page.getByTestId('queue-tab-others').click();
  }

  async showResponsible(): Promise<void> {
    await this.page.getByTestId('queue-tab-responsible').click();
  }

  /** Selects an alarm of the tab shown and waits for its detail pane. */
  async select(alarmId: string): Promise<void> {
    await this.row(alarmId).click();
    await this.page.locator(`[data-testid="alarm-detail"][data-alarm-id="${alarmId}"]`).waitFor();
  }

  detail(): Locator {
    return this.page.getByTestId('alarm-detail');
  }

  /** The selected alarm's status (`data-status` of the pane). */
  async status(): Promise<string | null> {
    return this.detail().getAttribute('data-status');
  }

  /** Waits until the selected alarm shows this status. */
  async waitForStatus(status: AlarmStatusName): Promise<void> {
    await this.page.locator(`[data-testid="alarm-detail"][data-status="${status}"]`).waitFor();
  }

  actionButton(
    action: 'acknowledge' | 'verify' | 'dispatch' | 'false_alarm' | 'test' | 'hold' | 'resume' | 'reset' | 'close',
  ): Locator {
    return this.page.getByTestId(`alarm-action-${action}`);
  }

  async acknowledge(): Promise<void> {
    await this.actionButton('acknowledge').click();
    await this.waitForStatus('acknowledged');
  }

  async verify(): Promise<void> {
    await this.actionButton('verify').click();
    await this.waitForStatus('verifying');
  }

  async dispatch(): Promise<void> {
    await this.actionButton('dispatch').click();
    await this.waitForStatus('dispatched');
  }

  async markFalseAlarm(): Promise<void> {
    await this.actionButton('false_alarm').click();
    await this.waitForStatus('false_alarm');
  }

  async markTest(): Promise<void> {
    await this.actionButton('test').click();
    await this.waitForStatus('test');
  }

  async hold(): Promise<void> {
    await this.actionButton('hold').click();
    await this.waitForStatus('on_hold');
  }

  async resume(): Promise<void> {
    await this.actionButton('resume').click();
    await this.page.locator('[data-testid="alarm-detail"]:not([data-status="on_hold"])').waitFor();
  }

  /** Resets a latched panic/duress alarm. */
  async reset(): Promise<void> {
    await this.actionButton('reset').click();
    await this.page.locator('[data-testid="alarm-detail"][data-latched="false"]').waitFor();
  }

  /** The selected alarm's procedure checkboxes. */
  steps(): Locator {
    return this.page.locator('[data-testid="procedure-step"]');
  }

  async tickStep(step: string): Promise<void> {
    await this.page.locator(`[data-testid="procedure-step"][data-step="${step}"]`).click();
    await this.page.locator(`[data-testid="procedure-step"][data-step="${step}"][data-done="true"]`).waitFor();
  }

  /** Ticks every step not done yet, one at a time, each waiting for the center's answer. */
  async tickAllSteps(): Promise<void> {
    // The names first: ticking one shifts the positions of the others among the pending boxes.
    const pending = await this.page.locator('[data-testid="procedure-step"][data-done="false"]').all();
    const steps = await Promise.all(pending.map((box) => box.getAttribute('data-step')));
    for (const step of steps) {
      if (step !== null) {
        await this.tickStep(step);
      }
    }
  }

  async addNote(text: string): Promise<void> {
    const events = this.page.locator('[data-testid="history-event"][data-action="note"]');
    const before = await events.count();
    await this.page.getByTestId('alarm-note').fill(text);
    await this.page.getByTestId('alarm-add-note').click();
    await events.nth(before).waitFor();
  }

  /** Opens the close dialog and fills it, without confirming. */
  async fillClose(disposition: DispositionName, note: string): Promise<void> {
    await this.actionButton('close').click();
    await this.page.getByTestId('close-dialog').waitFor();
    await this.page.getByTestId(`close-disposition-${disposition}`).check();
    await this.page.getByTestId('close-note').fill(note);
  }

  /** Why the close button is disabled at an alarm's outcome (e.g. still latched): a line under the buttons. */
  closeBlocked(): Locator {
    return this.page.getByTestId('close-blocked');
  }

  /** Why the dialog's confirm button is disabled (empty when it is enabled). */
  async closeRefusal(): Promise<string> {
    const refusal = this.page.getByTestId('close-refusal');
    return (await refusal.count()) === 0 ? '' : refusal.innerText();
  }

  async cancelClose(): Promise<void> {
    await this.page.getByTestId('close-cancel').click();
    await this.page.getByTestId('close-dialog').waitFor({ state: 'detached' });
  }

  /** Closes the selected alarm with a disposition and a note; waits until it shows closed. */
  async close(disposition: DispositionName, note: string): Promise<void> {
    await this.fillClose(disposition, note);
    await this.page.getByTestId('close-confirm').click();
    await this.waitForStatus('closed');
  }

  /** The history's entries, oldest first; `data-action` names each. */
  history(): Locator {
    return this.page.locator('[data-testid="history-event"]');
  }

  /** Puts the linked cameras on the video wall (verifying the alarm when it is acknowledged) and waits for the wall. */
  async verifyOnVideo(): Promise<void> {
    await this.page.getByTestId('alarm-verify-on-video').click();
    await this.page.getByTestId('video-wall').waitFor();
  }

  /** The header's count of this center's alarms awaiting acknowledgement. */
  awaitingCount(): Locator {
    return this.page.getByTestId('nav-alarm-console-count');
  }

  /** The tone wanted now: `urgent` (P1), `repeat` (P2) while this center has alarms to acknowledge, else `none`. */
  tone(): Promise<string | null> {
    return this.page.getByTestId('alarm-sound-toggle').getAttribute('data-tone');
  }

  async toggleSound(): Promise<void> {
    await this.page.getByTestId('alarm-sound-toggle').click();
  }
}
