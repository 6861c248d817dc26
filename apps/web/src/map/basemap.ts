import type { BasemapConfig } from '@bsm/protocol';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { L } from './leaflet-setup';
import { escapeHtml } from './escape-html';

interface OutlineProperties {
  name: string;
  city?: string;
  labelAt: [number, number] | null;
}

type Outlines = FeatureCollection<Polygon | MultiPolygon, OutlineProperties>;

/** Served from public/geo/ with the console itself. */
const CITY_OUTLINES_URL = `${import.meta.env.BASE_URL}geo/fujian-cities.geojson`;
const DISTRICT_OUTLINES_URL = `${import.meta.env.BASE_URL}geo/fujian-districts.geojson`;

/** Zoom from which city names show (the province fills a wall at about 7) and district names (a city at about 10). */
const CITY_LABEL_MIN_ZOOM = 7;
const DISTRICT_LABEL_MIN_ZOOM = 10;

/** Palette of the offline map, matched to the dark control-room theme in styles. */
const LAND_STYLE: L.PathOptions = {
  stroke: false,
  fill: true,
  fillColor: '#2b4a66',
  fillOpacity: 1,
  interactive: false,
};
const DISTRICT_STYLE: L.PathOptions = { color: '#5b7f9f', weight: 0.7, opacity: 0.55, fill: false, interactive: false };
const CITY_STYLE: L.PathOptions = { color: '#9cc6e8', weight: 1.6, opacity: 0.9, fill: false, interactive: false };

async function fetchOutlines(url: string, signal: AbortSignal): Promise<Outlines> {
  const response = await fetch(url, { credentials: 'same-origin', signal });
  if (!response.ok) {
    throw new Error(`${url}: HTTP ${response.status}`);
  }
  return (await response.json()) as Outlines;
}

function labelLayer(outlines: Outlines, className: string, pane: string): L.LayerGroup {
  const group = L.layerGroup();
  for (const feature of outlines.features) {
    const at = feature.properties.labelAt;
    if (at !== null) {
      L.marker([at[1], at[0]], {
        pane,
        interactive: false,
        keyboard: false,
        // A zero-size anchor with the name centred on it by CSS (Leaflet's own transform positions the anchor).
        icon: L.divIcon({ className, html: `<span>${escapeHtml(feature.properties.name)}</span>`, iconSize: [0, 0] }),
      }).addTo(group);
    }
  }
  return group;
}

/** Shows a label layer only from a zoom on, so names do not crowd the province view. */
function showFromZoom(map: L.Map, layer: L.Layer, minZoom: number): void {
  const update = (): void => {
    if (map.getZoom() >= minZoom) {
      layer.addTo(map);
    } else {
      layer.remove();
    }
  };
  map.on('zoomend', update);
  update();
}

/**
 * The bundled outlines on a sea-blue background: land, faint district
 * borders, stronger city borders, names from a suitable zoom. Rejects if the
 * files cannot be loaded (the markers still work on the plain background).
 */
export async function addOfflineBasemap(map: L.Map, signal: AbortSignal): Promise<void> {
  const paneOf = (name: string, zIndex: number): string => {
    const pane = map.getPane(name) ?? map.createPane(name);
    pane.style.zIndex = String(zIndex);
    pane.style.pointerEvents = 'none';
    return name;
  };
  // Below Leaflet's overlay pane (400) and marker pane (600): outlines and names never cover a branch.
  const landPane = paneOf('bsm-land', 250);
  const labelPane = paneOf('bsm-labels', 450);
  const renderer = L.canvas({ pane: landPane, padding: 0.5 });

  const [cities, districts] = await Promise.all([
    fetchOutlines(CITY_OUTLINES_URL, signal),
    fetchOutlines(DISTRICT_OUTLINES_URL, signal),
  ]);
  if (signal.aborted) {
    return;
  }
  // GeoJSON passes its options on to each polygon, so the renderer applies (its type just does not say so).
  const drawn = (style: L.PathOptions): L.GeoJSONOptions & L.PathOptions => ({ style, renderer, pane: landPane });
  L.geoJSON(cities, drawn(LAND_STYLE)).addTo(map);
  L.geoJSON(districts, drawn(DISTRICT_STYLE)).addTo(map);
  L.geoJSON(cities, drawn(CITY_STYLE)).addTo(map);
  showFromZoom(map, labelLayer(cities, 'bsm-map-label bsm-map-label--city', labelPane), CITY_LABEL_MIN_ZOOM);
  showFromZoom(map, labelLayer(districts, 'bsm-map-label bsm-map-label--district', labelPane), DISTRICT_LABEL_MIN_ZOOM);
}

/** The base map a center configured: its intranet tile server, or the bundled outlines. */
export function addBasemap(
  map: L.Map,
  basemap: BasemapConfig,
  signal: AbortSignal,
  onError: (error: unknown) => void,
): void {
  if (basemap.tileUrl !== null) {
    L.tileLayer(basemap.tileUrl, { maxZoom: 18, attribution: '' }).addTo(map);
    return;
  }
  addOfflineBasemap(map, signal).catch((error: unknown) => {
    if (!signal.aborted) {
      onError(error);
    }
  });
}
