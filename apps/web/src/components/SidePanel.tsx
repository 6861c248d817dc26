import type { AlarmView } from '@bsm/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NodeIndex } from '../state/node-index';
import { AlarmPanel } from './AlarmPanel';
import { NodeList } from './NodeList';

type Tab = 'alarms' | 'nodes';

interface SidePanelProps {
  alarms: readonly AlarmView[];
  nodes: NodeIndex;
  selectedNodeId: string | null;
  clockOffsetMs: number;
  flashing: boolean;
  onSelectAlarm: (alarm: AlarmView) => void;
  onSelectNode: (nodeId: string) => void;
}

/** Right-hand column: live alarms, or the list of branches. */
export function SidePanel({
  alarms,
  nodes,
  selectedNodeId,
  clockOffsetMs,
  flashing,
  onSelectAlarm,
  onSelectNode,
}: SidePanelProps) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('alarms');
  const tabButton = (id: Tab, label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={tab === id}
      className={`side-panel__tab${tab === id ? ' side-panel__tab--active' : ''}`}
      data-testid={`tab-${id}`}
      onClick={() => setTab(id)}
    >
      {label}
    </button>
  );
  return (
    <aside className={`side-panel${flashing ? ' side-panel--flash' : ''}`} data-testid="alarm-panel">
      <div className="side-panel__tabs" role="tablist">
        {tabButton('alarms', t('panel.alarms'))}
        {tabButton('nodes', t('panel.nodes'))}
      </div>
      <div className="side-panel__body" role="tabpanel">
        {tab === 'alarms' ? (
          <AlarmPanel alarms={alarms} clockOffsetMs={clockOffsetMs} onSelect={onSelectAlarm} />
        ) : (
          <NodeList nodes={nodes} selectedNodeId={selectedNodeId} onSelect={onSelectNode} />
        )}
      </div>
    </aside>
  );
}
