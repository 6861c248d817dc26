import { L } from './leaflet-setup';
import { escapeHtml } from './escape-html';
import { markerClasses, type ClusterSummary, type MarkerVisual } from './marker-visual';

/** Pixel size of a branch dot by risk class: the riskiest branches stand out a little. */
const BRANCH_SIZE: Record<1 | 2 | 3, number> = { 1: 22, 2: 18, 3: 15 };
const CENTER_SIZE = 30;

/** The icon of one node. The inner element carries the state class and data-node-id (test hooks). */
export function nodeIcon(visual: MarkerVisual): L.DivIcon {
  const size = visual.kind === 'center' ? CENTER_SIZE : BRANCH_SIZE[visual.importance];
  const badge = visual.kind === 'center' && visual.tier !== undefined ? String(visual.tier) : '';
  return L.divIcon({
    className: 'bsm-marker-host',
    iconSize: [size, size],
    iconAnchor: [size / 2, size / 2],
    tooltipAnchor: [size / 2, 0],
    html: `<div class="${markerClasses(visual).join(' ')}" data-node-id="${escapeHtml(visual.nodeId)}" data-state="${visual.state}">${badge}</div>`,
  });
}

/** The icon of a cluster: member count, red (flashing) if any member is in alarm, grey if all are offline. */
export function clusterIcon(summary: ClusterSummary): L.DivIcon {
  const size = summary.count < 10 ? 34 : summary.count < 100 ? 42 : 50;
  const classes = ['bsm-cluster', `bsm-cluster--${summary.state}`];
  if (summary.alarmLevel !== null) {
    classes.push(`bsm-cluster--p${summary.alarmLevel}`);
  }
  const alarmBadge = summary.alarmCount > 0 ? `<span class="bsm-cluster__alarms">${summary.alarmCount}</span>` : '';
  return L.divIcon({
    className: 'bsm-marker-host',
    iconSize: [size, size],
    iconAnchor: [size / 2, size / 2],
    html: `<div class="${classes.join(' ')}" data-state="${summary.state}"><span class="bsm-cluster__count">${summary.count}</span>${alarmBadge}</div>`,
  });
}
