import type { CameraEntry } from '@bsm/protocol';
import { describe, expect, it } from 'vitest';
import { linkedCameraRefs } from './linked-cameras';
import { actorName, nodeLabel } from './node-label';
import { alarmView, fuzhouTree } from '../test-support/fixtures';
import { indexNodes } from '../state/node-index';

const entry = (id: string, nodeId: string, name: string, ptz = false): CameraEntry => ({
  id,
  nodeId,
  name,
  ptz,
  important: false,
  streams: [],
});

describe('linked cameras', () => {
  it('names them from the branch catalog and marks them as alarm video', () => {
    const alarm = alarmView({ origin: 'fz-01', originName: '福州分行营业部', linkedCameras: ['fz-01.hall', 'x.cam'] });
    const refs = linkedCameraRefs(alarm, [entry('fz-01.hall', 'fz-01', '营业厅', true)], () => undefined);
    expect(refs).toEqual([
      {
        cameraId: 'fz-01.hall',
        cameraName: '营业厅',
        nodeId: 'fz-01',
        nodeName: '福州分行营业部',
        ptz: true,
        purpose: 'alarm',
      },
      {
        cameraId: 'x.cam',
        cameraName: 'x.cam',
        nodeId: 'fz-01',
        nodeName: '福州分行营业部',
        ptz: false,
        purpose: 'alarm',
      },
    ]);
  });
});

describe('node labels in the history', () => {
  const center = { id: 'fz', name: '福州市分行监控中心', tier: 2 as const };
  const context = {
    center,
    nodes: indexNodes(fuzhouTree()),
    alarm: alarmView({ origin: 'fz-9', originName: '新网点' }),
  };

  it('names this center, the centers and branches below it with their tier, and the alarm’s branch', () => {
    expect(nodeLabel('fz', context)).toEqual({ name: '福州市分行监控中心', tier: 2 });
    expect(nodeLabel('fz-gl', context)).toEqual({ name: '鼓楼支行监控中心', tier: 3 });
    expect(nodeLabel('fz-01', context)).toEqual({ name: '福州分行营业部', tier: null });
    expect(nodeLabel('fz-9', context)).toEqual({ name: '新网点', tier: null });
  });

  it('shows the id of a center above this one', () => {
    expect(nodeLabel('fj', context)).toEqual({ name: 'fj', tier: null });
  });

  it('prefers the display name of whoever acted', () => {
    expect(actorName({ by: 'fz-op@fz', byName: '张伟' })).toBe('张伟');
    expect(actorName({ by: 'system' })).toBe('system');
  });
});
