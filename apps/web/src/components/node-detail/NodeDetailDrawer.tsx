import type { MapNode } from '@bsm/protocol';
import { useTranslation } from 'react-i18next';
import type { CenterApi } from '../../api/center-api';
import type { CameraRef } from '../../video/camera-ref';
import { AlarmInputSection, CameraSection, DeviceSection } from './EquipmentSections';
import { NodeSummary } from './NodeSummary';
import { OpenConsoleButton } from './OpenConsoleButton';
import { ChildSection, RecentAlarmSection } from './RelatedSections';
import { useNodeDetail } from './use-node-detail';

interface NodeDetailDrawerProps {
  api: CenterApi;
  nodeId: string;
  /** The node as the wall knows it now (live state and counts), fresher than the fetched detail. */
  liveNode: MapNode | undefined;
  onClose: () => void;
  onSelectNode: (nodeId: string) => void;
  /** "Watch" on a camera: open the video wall with it. */
  onWatchCamera?: (camera: CameraRef) => void;
}

/** Details of one branch or center, over the right edge of the map. */
export function NodeDetailDrawer({
  api,
  nodeId,
  liveNode,
  onClose,
  onSelectNode,
  onWatchCamera,
}: NodeDetailDrawerProps) {
  const { t } = useTranslation();
  // Reload when the node's state or alarm count changes, so recent alarms include the one just flashed.
  const revision =
    liveNode === undefined ? '' : `${liveNode.state}|${liveNode.stateSince ?? ''}|${liveNode.openAlarms}`;
  const load = useNodeDetail(api, nodeId, revision);
  const detail = load.detail;
  const node = liveNode ?? detail?.node;

  return (
    <aside className="node-detail" data-testid="node-detail" data-node-id={nodeId} aria-label={node?.name}>
      <header className="node-detail__header">
        <div>
          <div className="node-detail__kind">
            {node?.kind === 'center' && node.tier !== undefined ? t(`tier.${node.tier}`) : t('nodeKind.branch')}
          </div>
          <h2 className="node-detail__name">{node?.name ?? nodeId}</h2>
        </div>
        <button type="button" className="button button--ghost" data-testid="node-detail-close" onClick={onClose}>
          {t('detail.close')}
        </button>
      </header>
      <div className="node-detail__body">
        {load.status === 'failed' ? (
          <p className="notice notice--error">{t('detail.loadFailed', { message: load.message })}</p>
        ) : null}
        {detail === null || node === undefined ? (
          load.status === 'loading' ? (
            <p className="muted">{t('detail.loading')}</p>
          ) : null
        ) : (
          <>
            <NodeSummary
              node={node}
              path={detail.path}
              lastPatrolAt={detail.lastPatrolAt}
              onSelectNode={onSelectNode}
            />
            {node.kind === 'center' && node.consoleUrl !== undefined && node.parentId !== null ? (
              <OpenConsoleButton api={api} centerId={node.id} />
            ) : null}
            {node.kind === 'center' ? <ChildSection nodes={detail.children} onSelectNode={onSelectNode} /> : null}
            <RecentAlarmSection alarms={detail.recentAlarms} />
            <AlarmInputSection inputs={detail.alarmInputs} cameras={detail.cameras} />
            <CameraSection
              cameras={detail.cameras}
              onWatch={
                onWatchCamera === undefined
                  ? undefined
                  : (camera) =>
                      onWatchCamera({
                        cameraId: camera.id,
                        cameraName: camera.name,
                        nodeId: node.id,
                        nodeName: node.name,
                        ptz: camera.ptz,
                      })
              }
            />
            <DeviceSection devices={detail.devices} />
          </>
        )}
      </div>
    </aside>
  );
}
