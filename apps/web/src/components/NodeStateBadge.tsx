import type { MapNode } from '@bsm/protocol';
import { useTranslation } from 'react-i18next';
import { alarmLevelOf, displayStateOf } from '../state/node-display-state';

/** The node's state as a coloured word: 在线 / 离线 / 报警. */
export function NodeStateBadge({ node }: { node: Pick<MapNode, 'state' | 'openAlarms' | 'topPriority'> }) {
  const { t } = useTranslation();
  const state = displayStateOf(node);
  const level = alarmLevelOf(node);
  return (
    <span className={`state-badge state-badge--${state}${level !== null ? ` state-badge--p${level}` : ''}`}>
      {t(`nodeState.${state}`)}
    </span>
  );
}
