import type { MapNode, NodeDetailResponse } from '@bsm/protocol';
import { useTranslation } from 'react-i18next';
import { formatTimestamp } from '../../format/date-time';
import { NodeStateBadge } from '../NodeStateBadge';

interface NodeSummaryProps {
  node: MapNode;
  path: NodeDetailResponse['path'];
  lastPatrolAt: string | null;
  onSelectNode: (nodeId: string) => void;
}

/** Who and where the node is: breadcrumb of centers, address, state since when, risk class, last patrol. */
export function NodeSummary({ node, path, lastPatrolAt, onSelectNode }: NodeSummaryProps) {
  const { t, i18n } = useTranslation();
  // The path may or may not end with the node itself; the breadcrumb shows only what is above it.
  const above = path.filter((step) => step.id !== node.id);
  return (
    <dl className="detail-summary">
      {above.length > 0 ? (
        <>
          <dt>{t('detail.path')}</dt>
          <dd>
            <nav className="breadcrumb" data-testid="node-path">
              {above.map((step, index) => (
                <span key={step.id}>
                  {index > 0 ? <span className="breadcrumb__sep"> › </span> : null}
                  <button type="button" className="link-button" onClick={() => onSelectNode(step.id)}>
                    {step.name}
                  </button>
                </span>
              ))}
            </nav>
          </dd>
        </>
      ) : null}
      <dt>{t('detail.address')}</dt>
      <dd>{node.address ?? t('detail.none')}</dd>
      <dt>{t('detail.state')}</dt>
      <dd data-testid="node-detail-state">
        <NodeStateBadge node={node} />
        {node.openAlarms > 0 ? (
          <span className="detail-summary__alarms">{t('nodes.openAlarms', { count: node.openAlarms })}</span>
        ) : null}
        {node.stateSince !== null ? (
          <span className="detail-summary__since">
            {t('detail.since', { time: formatTimestamp(node.stateSince, i18n.language) })}
          </span>
        ) : null}
      </dd>
      {node.kind === 'branch' ? (
        <>
          <dt>{t('detail.risk')}</dt>
          <dd className={`risk risk--${node.importance}`}>{t(`importance.${node.importance}`)}</dd>
        </>
      ) : null}
      <dt>{t('detail.lastPatrol')}</dt>
      <dd>{lastPatrolAt !== null ? formatTimestamp(lastPatrolAt, i18n.language) : t('detail.never')}</dd>
    </dl>
  );
}
