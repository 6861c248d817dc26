import { useEffect, useState } from 'react';

/** The current time in ms, re-rendering every `intervalMs`; `offsetMs` shifts it to the center's clock. */
export function useNow(intervalMs: number, offsetMs = 0): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now + offsetMs;
}
