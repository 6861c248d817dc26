/** File name of a snapshot: camera name and local time, safe on every file system, e.g. 营业厅_20250101-080102.png */
export function snapshotFileName(cameraName: string, at: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp =
    `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-` +
    `${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
  const safeName = cameraName.replace(/[\\/:*?"<>|\s]+/g, '_').replace(/^_+|_+$/g, '') || 'camera';
  return `${safeName}_${stamp}.png`;
}

/** Draws the frame the video shows now to a canvas and downloads it as PNG. False when there is no frame yet. */
export function downloadSnapshot(video: HTMLVideoElement, cameraName: string, at = new Date()): boolean {
  if (video.videoWidth === 0 || video.videoHeight === 0) {
    return false;
  }
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const context = canvas.getContext('2d');
  if (context === null) {
    return false;
  }
  context.drawImage(video, 0, 0);
  canvas.toBlob((blob) => {
    if (blob === null) {
      return;
    }
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = snapshotFileName(cameraName, at);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }, 'image/png');
  return true;
}
