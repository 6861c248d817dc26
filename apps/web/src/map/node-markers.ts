import type { MapNode } from '@bsm/protocol';
import { L } from './leaflet-setup';
import { escapeHtml } from './escape-html';
import { clusterIcon, nodeIcon } from './marker-icons';
import { markerVisualKey, markerVisualOf, summarizeCluster, type MarkerVisual } from './marker-visual';

interface Entry {
  marker: L.Marker;
  visual: MarkerVisual;
  key: string;
  name: string;
  lat: number;
  lon: number;
}

/** Zoom at which clustering stops: a county's branches are apart by then. */
const DISABLE_CLUSTERING_AT_ZOOM = 15;
/** Zoom a branch is shown at when the map flies to it. */
const FOCUS_ZOOM = 14;

/**
 * The markers of every node on the map, kept in step with the node index:
 * branches in a cluster group, centers on top and never clustered (they are
 * few and mark the hierarchy). Only markers whose look changed are rebuilt.
 */
export class NodeMarkers {
  private readonly entries = new Map<string, Entry>();
  private readonly visuals = new WeakMap<L.Marker, MarkerVisual>();
  private readonly branches: L.MarkerClusterGroup;
  private readonly centers = L.layerGroup();
  private selectedId: string | null = null;
  private pendingReveal: (() => void) | null = null;

  constructor(
    private readonly map: L.Map,
    private readonly onSelect: (nodeId: string) => void,
  ) {
    this.branches = L.markerClusterGroup({
      maxClusterRadius: 48,
      disableClusteringAtZoom: DISABLE_CLUSTERING_AT_ZOOM,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      chunkedLoading: true,
      iconCreateFunction: (cluster) =>
        clusterIcon(
          summarizeCluster(
            cluster
              .getAllChildMarkers()
              .map((marker) => this.visuals.get(marker))
              .filter((visual): visual is MarkerVisual => visual !== undefined),
          ),
        ),
    });
    this.branches.addTo(map);
    this.centers.addTo(map);
  }

  /** Brings the markers in line with `nodes`: adds, removes, moves and restyles. */
  sync(nodes: Iterable<MapNode>): void {
    const seen = new Set<string>();
    const restyled: L.Marker[] = [];
    const added: L.Marker[] = [];
    for (const node of nodes) {
      seen.add(node.id);
      const visual = markerVisualOf(node, node.id === this.selectedId);
      const key = markerVisualKey(visual);
      const existing = this.entries.get(node.id);
      if (existing !== undefined && existing.visual.kind !== node.kind) {
        this.remove(node.id);
      }
      const entry = this.entries.get(node.id);
      if (entry === undefined) {
        const marker = this.createMarker(node, visual);
        this.entries.set(node.id, { marker, visual, key, name: node.name, lat: node.lat, lon: node.lon });
        if (node.kind === 'center') {
          this.centers.addLayer(marker);
        } else {
          added.push(marker);
        }
        continue;
      }
      if (entry.lat !== node.lat || entry.lon !== node.lon) {
        entry.marker.setLatLng([node.lat, node.lon]);
        entry.lat = node.lat;
        entry.lon = node.lon;
      }
      if (entry.name !== node.name) {
        entry.marker.setTooltipContent(escapeHtml(node.name));
        entry.name = node.name;
      }
      if (entry.key !== key) {
        this.restyle(entry, visual, key);
        if (node.kind === 'branch') {
          restyled.push(entry.marker);
        }
      }
    }
    for (const id of [...this.entries.keys()]) {
      if (!seen.has(id)) {
        this.remove(id);
      }
    }
    if (added.length > 0) {
      this.branches.addLayers(added);
    }
    if (restyled.length > 0) {
      // Cluster icons summarise their members; redraw the clusters these belong to.
      this.branches.refreshClusters(restyled);
    }
  }

  /** Highlights one node (or none) without waiting for a node change. */
  select(nodeId: string | null): void {
    const previous = this.selectedId;
    this.selectedId = nodeId;
    for (const id of [previous, nodeId]) {
      const entry = id === null ? undefined : this.entries.get(id);
      if (entry !== undefined) {
        const visual = { ...entry.visual, selected: id === nodeId };
        this.restyle(entry, visual, markerVisualKey(visual));
        if (visual.kind === 'branch') {
          this.branches.refreshClusters([entry.marker]);
        }
      }
    }
  }

  /** Flies to a node and, for a clustered branch, opens its cluster so the marker itself shows. */
  focus(nodeId: string): void {
    const entry = this.entries.get(nodeId);
    if (entry === undefined) {
      return;
    }
    const target = L.latLng(entry.lat, entry.lon);
    const zoom = Math.max(this.map.getZoom(), entry.visual.kind === 'center' ? 11 : FOCUS_ZOOM);
    // A newer focus replaces an older one still flying, so a stale cluster never opens afterwards.
    if (this.pendingReveal !== null) {
      this.map.off('moveend', this.pendingReveal);
      this.pendingReveal = null;
    }
    if (entry.visual.kind === 'branch') {
      const reveal = (): void => {
        this.pendingReveal = null;
        this.branches.zoomToShowLayer(entry.marker, () => undefined);
      };
      this.pendingReveal = reveal;
      this.map.once('moveend', reveal);
    }
    this.map.flyTo(target, zoom, { duration: 0.8 });
  }

  destroy(): void {
    if (this.pendingReveal !== null) {
      this.map.off('moveend', this.pendingReveal);
    }
    this.branches.remove();
    this.centers.remove();
    this.entries.clear();
  }

  private createMarker(node: MapNode, visual: MarkerVisual): L.Marker {
    const marker = L.marker([node.lat, node.lon], {
      icon: nodeIcon(visual),
      keyboard: false,
      // Centers and alarmed branches above quiet ones where they overlap.
      zIndexOffset: zIndexOf(visual),
      riseOnHover: true,
    });
    marker.bindTooltip(escapeHtml(node.name), { direction: 'top', className: 'bsm-marker-tooltip' });
    marker.on('click', () => this.onSelect(node.id));
    this.visuals.set(marker, visual);
    return marker;
  }

  private restyle(entry: Entry, visual: MarkerVisual, key: string): void {
    entry.visual = visual;
    entry.key = key;
    this.visuals.set(entry.marker, visual);
    entry.marker.setIcon(nodeIcon(visual));
    entry.marker.setZIndexOffset(zIndexOf(visual));
  }

  private remove(nodeId: string): void {
    const entry = this.entries.get(nodeId);
    if (entry === undefined) {
      return;
    }
    if (entry.visual.kind === 'center') {
      this.centers.removeLayer(entry.marker);
    } else {
      this.branches.removeLayer(entry.marker);
    }
    this.entries.delete(nodeId);
  }
}

function zIndexOf(visual: MarkerVisual): number {
  if (visual.selected) {
    return 3000;
  }
  if (visual.kind === 'center') {
    return 2000;
  }
  return visual.state === 'alarm' ? 1000 + (5 - (visual.alarmLevel ?? 1)) * 100 : 0;
}
