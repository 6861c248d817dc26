import type { Locator, Page } from 'playwright-core';

/** The video wall: device tree, layouts, cells and the PTZ panel. */
export class VideoWallPage {
  constructor(readonly page: Page) {}

  async open(layout: 1 | 4 | 9 | 16): Promise<void> {
    await this.page.getByTestId('nav-video-wall').click();
    await this.page.getByTestId('device-tree').waitFor();
    await this.page.getByTestId(`layout-${layout}`).click();
  }

  async expand(nodeId: string): Promise<void> {
    await this.page.locator(`[data-testid="tree-node"][data-node-id="${nodeId}"]`).first().click();
  }

  async place(cameraId: string): Promise<void> {
    await this.page.locator(`[data-testid="tree-camera"][data-camera-id="${cameraId}"]`).dblclick();
  }

  cell(cameraId: string): Locator {
    return this.page.locator(`[data-testid="video-cell"][data-camera-id="${cameraId}"]`);
  }

  /** Seconds of video the cell's player has presented. */
  currentTime(cameraId: string): Promise<number> {
    return this.cell(cameraId)
      .locator('video')
      .evaluate((v) => (v as unknown as { currentTime: number }).currentTime);
  }

  /** Press and hold a PTZ button, as an officer does. */
  async holdPtz(action: string, ms: number): Promise<void> {
    const button = this.page.getByTestId(`ptz-${action}`);
    await button.hover();
    await this.page.mouse.down();
    await new Promise((r) => setTimeout(r, ms));
    await this.page.mouse.up();
  }
}
