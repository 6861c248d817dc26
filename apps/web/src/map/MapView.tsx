import type { BasemapConfig } from '@bsm/protocol';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NodeIndex } from '../state/node-index';
import { addBasemap } from './basemap';
import { L } from './leaflet-setup';
import { NodeMarkers } from './node-markers';

export interface FocusRequest {
  nodeId: string;
  /** Changes on every request, so clicking the same alarm twice flies there twice. */
  serial: number;
}

interface MapViewProps {
  basemap: BasemapConfig;
  nodes: NodeIndex;
  selectedNodeId: string | null;
  focus: FocusRequest | null;
  onSelectNode: (nodeId: string) => void;
}

/** The Leaflet map: created once per base map, markers kept in step with the node index. */
export function MapView({ basemap, nodes, selectedNodeId, focus, onSelectNode }: MapViewProps) {
  const { t } = useTranslation();
  const containerRef = useRef<HTMLDivElement>(null);
  const markersRef = useRef<NodeMarkers | null>(null);
  const mapRef = useRef<L.Map | null>(null);
  /** Fit the view to the jurisdiction once, on the first nodes; after that the officer owns the view. */
  const fittedRef = useRef(false);
  const onSelectRef = useRef(onSelectNode);
  const [basemapFailed, setBasemapFailed] = useState(false);
  onSelectRef.current = onSelectNode;

  const { tileUrl, zoom } = basemap;
  const [centerLat, centerLon] = basemap.center;

  useEffect(() => {
    const container = containerRef.current;
    if (container === null) {
      return undefined;
    }
    const map = L.map(container, {
      center: [centerLat, centerLon],
      zoom,
      minZoom: 5,
      maxZoom: 18,
      attributionControl: false,
      zoomSnap: 0.5,
      preferCanvas: false,
    });
    const aborter = new AbortController();
    setBasemapFailed(false);
    addBasemap(map, { tileUrl, center: [centerLat, centerLon], zoom }, aborter.signal, () => setBasemapFailed(true));
    const markers = new NodeMarkers(map, (nodeId) => onSelectRef.current(nodeId));
    markersRef.current = markers;
    mapRef.current = map;
    fittedRef.current = false;
    // The map is laid out by CSS grid; tell Leaflet when its box changes (panels, window).
    const resizeObserver = new ResizeObserver(() => map.invalidateSize());
    resizeObserver.observe(container);
    return () => {
      aborter.abort();
      resizeObserver.disconnect();
      markers.destroy();
      markersRef.current = null;
      mapRef.current = null;
      map.remove();
    };
  }, [tileUrl, centerLat, centerLon, zoom]);

  useEffect(() => {
    markersRef.current?.sync(nodes.values());
    const map = mapRef.current;
    if (map !== null && !fittedRef.current && nodes.size > 1) {
      fittedRef.current = true;
      const bounds = L.latLngBounds([...nodes.values()].map((n) => L.latLng(n.lat, n.lon)));
      map.fitBounds(bounds, { padding: [80, 80], maxZoom: 12 });
    }
  }, [nodes, tileUrl, centerLat, centerLon, zoom]);

  useEffect(() => {
    markersRef.current?.select(selectedNodeId);
  }, [selectedNodeId]);

  useEffect(() => {
    if (focus !== null) {
      markersRef.current?.focus(focus.nodeId);
    }
  }, [focus]);

  return (
    <div className="map-view">
      <div ref={containerRef} className="map-view__map bsm-map" />
      {basemapFailed ? <div className="map-view__notice">{t('map.basemapFailed')}</div> : null}
    </div>
  );
}
