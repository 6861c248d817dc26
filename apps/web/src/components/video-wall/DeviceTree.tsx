import type { CameraEntry, MapNode } from '@bsm/protocol';
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CenterApi } from '../../api/center-api';
import type { NodeIndex } from '../../state/node-index';
import type { CameraRef } from '../../video/camera-ref';
import { childrenByParent, filterNodes } from '../../video/device-tree';
import { NodeStateBadge } from '../NodeStateBadge';
import { startCameraDrag } from './drag-camera';

type CameraLoad =
  { status: 'loading' } | { status: 'ready'; cameras: CameraEntry[] } | { status: 'failed'; message: string };

interface DeviceTreeProps {
  api: Pick<CenterApi, 'node'>;
  nodes: NodeIndex;
  /** Camera ids ticked for a tour. */
  selection: ReadonlyMap<string, CameraRef>;
  onToggleSelect: (camera: CameraRef) => void;
  /** Double-click: play in the first free cell. */
  onPlace: (camera: CameraRef) => void;
}

const refOf = (camera: CameraEntry, node: MapNode): CameraRef => ({
  cameraId: camera.id,
  cameraName: camera.name,
  nodeId: node.id,
  nodeName: node.name,
  ptz: camera.ptz,
});

/** Centers → branches → cameras of the jurisdiction; cameras are fetched (GET /api/nodes/:id) when a node opens. */
export function DeviceTree({ api, nodes, selection, onToggleSelect, onPlace }: DeviceTreeProps) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState('');
  const deferredFilter = useDeferredValue(filter);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const [cameras, setCameras] = useState<ReadonlyMap<string, CameraLoad>>(() => new Map());
  const children = useMemo(() => childrenByParent(nodes), [nodes]);
  const matches = useMemo(() => filterNodes(nodes, deferredFilter), [nodes, deferredFilter]);

  const loadCameras = useCallback(
    (nodeId: string) => {
      setCameras((previous) => new Map(previous).set(nodeId, { status: 'loading' }));
      api.node(nodeId).then(
        (detail) =>
          setCameras((previous) => new Map(previous).set(nodeId, { status: 'ready', cameras: detail.cameras })),
        (error: unknown) =>
          setCameras((previous) =>
            new Map(previous).set(nodeId, {
              status: 'failed',
              message: error instanceof Error ? error.message : String(error),
            }),
          ),
      );
    },
    [api],
  );

  const toggle = (nodeId: string): void => {
    const opening = !expanded.has(nodeId);
    setExpanded((previous) => {
      const next = new Set(previous);
      if (opening) {
        next.add(nodeId);
      } else {
        next.delete(nodeId);
      }
      return next;
    });
    const load = cameras.get(nodeId);
    if (opening && (load === undefined || load.status === 'failed')) {
      loadCameras(nodeId);
    }
  };

  const renderCameras = (node: MapNode, depth: number) => {
    const load = cameras.get(node.id);
    const indent = { paddingLeft: `${(depth + 1) * 14 + 6}px` };
    if (load === undefined || load.status === 'loading') {
      return (
        <li className="tree-note muted" style={indent}>
          {t('video.treeLoading')}
        </li>
      );
    }
    if (load.status === 'failed') {
      return (
        <li className="tree-note notice--error" style={indent}>
          {t('video.treeLoadFailed', { message: load.message })}
        </li>
      );
    }
    if (load.cameras.length === 0) {
      return node.kind === 'branch' ? (
        <li className="tree-note muted" style={indent}>
          {t('video.treeNoCameras')}
        </li>
      ) : null;
    }
    return load.cameras.map((camera) => {
      const ref = refOf(camera, node);
      const ticked = selection.has(camera.id);
      return (
        <li
          key={camera.id}
          className={`tree-row tree-row--camera${ticked ? ' tree-row--ticked' : ''}`}
          style={indent}
          data-testid="tree-camera"
          data-camera-id={camera.id}
          draggable
          title={t('video.treeHint')}
          onDragStart={(event) => startCameraDrag(event, ref)}
          onDoubleClick={() => onPlace(ref)}
        >
          <input
            type="checkbox"
            className="tree-row__check"
            checked={ticked}
            aria-label={t('video.selectCamera', { name: camera.name })}
            onChange={() => onToggleSelect(ref)}
          />
          <span className="tree-row__icon" aria-hidden="true">
            {camera.ptz ? '◉' : '●'}
          </span>
          <span className="tree-row__name">{camera.name}</span>
          {camera.ptz ? <span className="tag">PTZ</span> : null}
        </li>
      );
    });
  };

  const renderNode = (node: MapNode, depth: number, recurse: boolean) => {
    const open = expanded.has(node.id);
    return (
      <li key={node.id} className="tree-branch">
        <button
          type="button"
          className="tree-row tree-row--node"
          style={{ paddingLeft: `${depth * 14 + 6}px` }}
          data-testid="tree-node"
          data-node-id={node.id}
          aria-expanded={open}
          onClick={() => toggle(node.id)}
        >
          <span className="tree-row__toggle" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>
          <span className="tree-row__name">{node.name}</span>
          <NodeStateBadge node={node} />
        </button>
        {open ? (
          <ul className="tree-list">
            {recurse ? (children.get(node.id) ?? []).map((child) => renderNode(child, depth + 1, true)) : null}
            {renderCameras(node, depth)}
          </ul>
        ) : null}
      </li>
    );
  };

  const filtering = deferredFilter.trim().length > 0;
  const top = filtering ? matches : (children.get('') ?? []);

  return (
    <section className="device-tree" data-testid="device-tree" aria-label={t('video.tree')}>
      <h2 className="wall-side__title">{t('video.tree')}</h2>
      <input
        className="text-input"
        type="search"
        data-testid="tree-filter"
        placeholder={t('video.treeFilter')}
        aria-label={t('video.treeFilter')}
        value={filter}
        onChange={(event) => setFilter(event.target.value)}
      />
      {selection.size > 0 ? <p className="panel-count">{t('video.selected', { count: selection.size })}</p> : null}
      <div className="device-tree__scroll">
        {top.length === 0 ? (
          <p className="panel-empty">{filtering ? t('video.treeEmpty') : t('app.loading')}</p>
        ) : (
          <ul className="tree-list">{top.map((node) => renderNode(node, 0, !filtering))}</ul>
        )}
      </div>
    </section>
  );
}
