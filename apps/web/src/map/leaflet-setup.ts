/**
 * Leaflet with its CSS, default marker images and the marker-cluster plugin,
 * all bundled by Vite: the console never loads anything from the internet.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import markerIconRetinaUrl from 'leaflet/dist/images/marker-icon-2x.png';
import markerIconUrl from 'leaflet/dist/images/marker-icon.png';
import markerShadowUrl from 'leaflet/dist/images/marker-shadow.png';
// The plugin extends the global L that leaflet sets up on import, so it must come after it.
import 'leaflet.markercluster';
import 'leaflet.markercluster/dist/MarkerCluster.css';

// Leaflet guesses the default icon's URL from its CSS at run time, which fails once bundled.
delete (L.Icon.Default.prototype as unknown as { _getIconUrl?: unknown })._getIconUrl;
L.Icon.Default.mergeOptions({
  iconRetinaUrl: markerIconRetinaUrl,
  iconUrl: markerIconUrl,
  shadowUrl: markerShadowUrl,
});

export { L };
