import type { DragEvent } from 'react';
import { parseCameraRef, type CameraRef } from '../../video/camera-ref';

/** Drag payloads of the video wall: a camera from the tree, or a cell being moved to another cell. */
const CAMERA_TYPE = 'application/x-bsm-camera';
const CELL_TYPE = 'application/x-bsm-cell';

export function startCameraDrag(event: DragEvent, camera: CameraRef): void {
  event.dataTransfer.setData(CAMERA_TYPE, JSON.stringify(camera));
  event.dataTransfer.setData('text/plain', camera.cameraName);
  event.dataTransfer.effectAllowed = 'copyMove';
}

export function startCellDrag(event: DragEvent, cellIndex: number): void {
  event.dataTransfer.setData(CELL_TYPE, String(cellIndex));
  event.dataTransfer.effectAllowed = 'move';
}

/** True while something the wall accepts is dragged over (the data itself is readable only on drop). */
export const acceptsDrag = (event: DragEvent): boolean =>
  event.dataTransfer.types.includes(CAMERA_TYPE) || event.dataTransfer.types.includes(CELL_TYPE);

export type WallDrop = { kind: 'camera'; camera: CameraRef } | { kind: 'cell'; from: number } | null;

export function readDrop(event: DragEvent): WallDrop {
  const cell = event.dataTransfer.getData(CELL_TYPE);
  if (cell !== '') {
    const from = Number(cell);
    return Number.isInteger(from) ? { kind: 'cell', from } : null;
  }
  const text = event.dataTransfer.getData(CAMERA_TYPE);
  if (text === '') {
    return null;
  }
  try {
    const camera = parseCameraRef(JSON.parse(text) as unknown);
    return camera === null ? null : { kind: 'camera', camera };
  } catch {
    return null;
  }
}
