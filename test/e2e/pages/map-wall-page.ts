import type { Locator, Page } from 'playwright-core';

/** The map wall: header, map, live alarm list and branch list. */
export class MapWallPage {
  constructor(readonly page: Page) {}

  async waitUntilLive(): Promise<void> {
    await this.page.getByTestId('map-wall').waitFor();
    await this.page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: 30_000 });
  }

  centerName(): Promise<string> {
    return this.page.getByTestId('center-name').innerText();
  }

  alarmRow(alarmId: string): Locator {
    return this.page.locator(`[data-testid="alarm-row"][data-alarm-id="${alarmId}"]`);
  }

  async showNodeList(): Promise<void> {
    await this.page.getByTestId('tab-nodes').click();
  }

  /** Back to the live alarm list (the side panel's first tab). */
  async showAlarmList(): Promise<void> {
    await this.page.getByTestId('tab-alarms').click();
  }

  nodeRows(state?: 'online' | 'offline' | 'alarm'): Locator {
    return this.page.locator(state ? `[data-testid="node-row"][data-state="${state}"]` : '[data-testid="node-row"]');
  }

  nodeRow(nodeId: string): Locator {
    return this.page.locator(`[data-testid="node-row"][data-node-id="${nodeId}"]`);
  }

  marker(nodeId: string): Locator {
    return this.page.locator(`.bsm-marker[data-node-id="${nodeId}"]`);
  }
}
