import { useCallback, useEffect, useState } from 'react';
import { hashOfScreen, screenFromHash, type Screen } from './screen-route';

/** The screen named by the URL hash, and a way to switch (a history entry each, so Back returns). */
export function useScreen(): [Screen, (screen: Screen) => void] {
  const [screen, setScreen] = useState<Screen>(() => screenFromHash(window.location.hash));
  useEffect(() => {
    const onHashChange = (): void => setScreen(screenFromHash(window.location.hash));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  const navigate = useCallback((next: Screen) => {
    if (screenFromHash(window.location.hash) !== next) {
      window.location.hash = hashOfScreen(next);
    }
    setScreen(next);
  }, []);
  return [screen, navigate];
}
