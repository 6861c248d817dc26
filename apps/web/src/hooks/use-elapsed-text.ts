import { useTranslation } from 'react-i18next';
import { elapsedParts } from '../format/elapsed';

/** "12 秒前" / "12 s ago" for a timestamp, given the current (center-corrected) time. */
export function useElapsedText(): (iso: string, nowMs: number) => string {
  const { t } = useTranslation();
  return (iso, nowMs) => {
    const { unit, count } = elapsedParts(nowMs - Date.parse(iso));
    return unit === 'justNow' ? t('elapsed.justNow') : t(`elapsed.${unit}`, { count });
  };
}
