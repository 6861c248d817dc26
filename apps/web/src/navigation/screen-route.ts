/** The console's main screens; the choice lives in the URL hash (#/map, #/video, #/alarms) so a reload keeps it. */
export const SCREENS = ['map', 'video', 'alarms'] as const;
export type Screen = (typeof SCREENS)[number];

const isScreen = (value: string): value is Screen => (SCREENS as readonly string[]).includes(value);

export function screenFromHash(hash: string): Screen {
  const path = hash.replace(/^#\/?/, '').split(/[?/]/)[0] ?? '';
  return isScreen(path) ? path : 'map';
}

export const hashOfScreen = (screen: Screen): string => `#/${screen}`;
