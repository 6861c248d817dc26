import type { NodeDetailResponse } from '@bsm/protocol';
import { useEffect, useState } from 'react';
import type { CenterApi } from '../../api/center-api';

export type NodeDetailLoad =
  | { status: 'loading'; detail: NodeDetailResponse | null }
  | { status: 'ready'; detail: NodeDetailResponse }
  | { status: 'failed'; detail: NodeDetailResponse | null; message: string };

/**
 * GET /api/nodes/:id, again whenever `revision` changes (a new alarm or state
 * of the node). While reloading the same node, the previous answer stays on
 * screen instead of flashing a spinner.
 */
export function useNodeDetail(api: CenterApi, nodeId: string, revision: string): NodeDetailLoad {
  const [load, setLoad] = useState<NodeDetailLoad>({ status: 'loading', detail: null });
  useEffect(() => {
    const controller = new AbortController();
    setLoad((previous) => ({
      status: 'loading',
      detail: previous.detail?.node.id === nodeId ? previous.detail : null,
    }));
    api
      .node(nodeId, controller.signal)
      .then((detail) => {
        if (!controller.signal.aborted) {
          setLoad({ status: 'ready', detail });
        }
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) {
          setLoad((previous) => ({
            status: 'failed',
            detail: previous.detail,
            message: error instanceof Error ? error.message : String(error),
          }));
        }
      });
    return () => controller.abort();
  }, [api, nodeId, revision]);
  return load;
}
