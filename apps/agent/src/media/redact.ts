/** `rtsp://admin:12345@cam/…` → `rtsp://admin:***@cam/…` anywhere in a text (ffmpeg echoes its input URL in errors). */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]*@/gi, '$1:***@');
}
