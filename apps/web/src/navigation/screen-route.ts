/** The console's main screens; the choice lives in the URL hash (#/map, #/video) so a reload keeps it. */
export const SCREENS = ['map', 'video'] as const;
export type Screen = (typeof SCREENS)[number];

export function screenFromHash(hash: string): Screen {
  const path = hash.replace(/^#\/?/, '').split(/[?/]/)[0] ?? '';
  return path === 'video' ? 'video' : 'map';
}

export const hashOfScreen = (screen: Screen): string => `#/${screen}`;
