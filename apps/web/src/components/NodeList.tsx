import { useDeferredValue, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { displayStateOf } from '../state/node-display-state';
import type { NodeIndex } from '../state/node-index';
import { listNodes } from '../state/node-list';
import { NodeStateBadge } from './NodeStateBadge';

interface NodeListProps {
  nodes: NodeIndex;
  selectedNodeId: string | null;
  onSelect: (nodeId: string) => void;
}

/** Every node with its state and open alarms, filterable by name: the way in when markers cluster. */
export function NodeList({ nodes, selectedNodeId, onSelect }: NodeListProps) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState('');
  // Typing stays responsive with thousands of nodes: the list follows a moment later.
  const deferredFilter = useDeferredValue(filter);
  const view = listNodes(nodes, deferredFilter);
  return (
    <>
      <input
        className="text-input node-list__filter"
        type="search"
        data-testid="node-filter"
        placeholder={t('nodes.filter')}
        aria-label={t('nodes.filter')}
        value={filter}
        onChange={(event) => setFilter(event.target.value)}
      />
      <p className="panel-count">
        {view.total > view.rows.length
          ? t('nodes.truncated', { shown: view.rows.length, total: view.total })
          : t('nodes.count', { count: view.total })}
      </p>
      {view.rows.length === 0 ? (
        <p className="panel-empty">{t('nodes.empty')}</p>
      ) : (
        <ul className="node-list">
          {view.rows.map((node) => (
            <li key={node.id}>
              <button
                type="button"
                className={`node-row${node.id === selectedNodeId ? ' node-row--selected' : ''}`}
                data-testid="node-row"
                data-node-id={node.id}
                data-state={displayStateOf(node)}
                onClick={() => onSelect(node.id)}
              >
                <span className={`node-row__kind node-row__kind--${node.kind}`}>
                  {node.kind === 'center' && node.tier !== undefined ? t(`tier.${node.tier}`) : t('nodeKind.branch')}
                </span>
                <span className="node-row__name">{node.name}</span>
                <NodeStateBadge node={node} />
                {node.openAlarms > 0 ? (
                  <span className="node-row__alarms">{t('nodes.openAlarms', { count: node.openAlarms })}</span>
                ) : null}
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
