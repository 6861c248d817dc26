/**
 * Decoding of the compact map format that ECharts map packages ship
 * (`echarts.registerMap(name, json)` with `"UTF8Encoding": true`).
 *
 * Each ring is a string of character pairs; every pair is a zigzag-encoded
 * delta from the previous point, in units of 1/scale degree, starting at the
 * ring's encode offset. Pure functions only: the CLI in build-basemap.ts does
 * the file I/O.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';

/** Default quantisation of the ECharts encoder: 1024 steps per degree. */
export const ECHARTS_ENCODE_SCALE = 1024;

export type EncodeOffset = readonly [number, number];

export interface EchartsPolygon {
  type: 'Polygon';
  coordinates: string[] | Position[][];
  encodeOffsets?: EncodeOffset[];
}

export interface EchartsMultiPolygon {
  type: 'MultiPolygon';
  coordinates: string[][] | Position[][][];
  encodeOffsets?: EncodeOffset[][];
}

export type EchartsGeometry = EchartsPolygon | EchartsMultiPolygon;

export interface EchartsFeature {
  id?: string;
  properties: { name: string; cp?: [number, number] } & Record<string, unknown>;
  geometry: EchartsGeometry;
}

export interface EchartsMap {
  type: 'FeatureCollection';
  features: EchartsFeature[];
  UTF8Encoding?: boolean;
  UTF8Scale?: number;
}

const zigzagDecode = (value: number): number => (value >> 1) ^ -(value & 1);

/** Decodes one ring. Throws on an odd-length string, which would mean a truncated or foreign file. */
export function decodeRing(encoded: string, offset: EncodeOffset, scale = ECHARTS_ENCODE_SCALE): Position[] {
  if (encoded.length % 2 !== 0) {
    throw new Error(`encoded ring has odd length ${encoded.length}`);
  }
  const ring: Position[] = [];
  let prevX = offset[0];
  let prevY = offset[1];
  for (let i = 0; i < encoded.length; i += 2) {
    const x = zigzagDecode(encoded.charCodeAt(i) - 64) + prevX;
    const y = zigzagDecode(encoded.charCodeAt(i + 1) - 64) + prevY;
    prevX = x;
    prevY = y;
    ring.push([x / scale, y / scale]);
  }
  return ring;
}

function offsetAt<T>(offsets: readonly T[] | undefined, index: number, what: string): T {
  const offset = offsets?.[index];
  if (offset === undefined) {
    throw new Error(`missing encodeOffsets for ${what} ${index}`);
  }
  return offset;
}

function decodePolygonRings(
  rings: readonly string[],
  offsets: readonly EncodeOffset[] | undefined,
  scale: number,
): Position[][] {
  return rings.map((ring, index) => decodeRing(ring, offsetAt(offsets, index, 'ring'), scale));
}

/** Turns an encoded (or already plain) ECharts geometry into a GeoJSON geometry. */
export function decodeGeometry(
  geometry: EchartsGeometry,
  encoded: boolean,
  scale = ECHARTS_ENCODE_SCALE,
): Polygon | MultiPolygon {
  if (!encoded) {
    return geometry.type === 'Polygon'
      ? { type: 'Polygon', coordinates: geometry.coordinates as Position[][] }
      : { type: 'MultiPolygon', coordinates: geometry.coordinates as Position[][][] };
  }
  if (geometry.type === 'Polygon') {
    return {
      type: 'Polygon',
      coordinates: decodePolygonRings(geometry.coordinates as string[], geometry.encodeOffsets, scale),
    };
  }
  const polygons = geometry.coordinates as string[][];
  return {
    type: 'MultiPolygon',
    coordinates: polygons.map((rings, index) =>
      decodePolygonRings(rings, offsetAt(geometry.encodeOffsets, index, 'polygon'), scale),
    ),
  };
}

/**
 * Index just past the JSON value that starts at `start` (an object or array),
 * found by bracket matching that skips over string literals.
 */
function endOfJsonValue(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === '\\') {
        i += 1;
      } else if (char === '"') {
        inString = false;
      }
      continue;
    }
    if (char === '"') {
      inString = true;
    } else if (char === '{' || char === '[') {
      depth += 1;
    } else if (char === '}' || char === ']') {
      depth -= 1;
      if (depth === 0) {
        return i + 1;
      }
    }
  }
  throw new Error('unterminated JSON value');
}

/**
 * Pulls the map JSON out of an ECharts map script without executing it: the
 * second argument of `registerMap(...)` is a JSON literal.
 */
export function extractRegisteredMap(script: string): EchartsMap {
  const call = script.indexOf('registerMap(');
  if (call < 0) {
    throw new Error('no registerMap( call found');
  }
  const start = script.indexOf('{', call);
  if (start < 0) {
    throw new Error('registerMap( call has no JSON object');
  }
  const parsed = JSON.parse(script.slice(start, endOfJsonValue(script, start))) as EchartsMap;
  if (parsed.type !== 'FeatureCollection' || !Array.isArray(parsed.features)) {
    throw new Error('registered map is not a FeatureCollection');
  }
  return parsed;
}

/** Decodes every feature's geometry of a registered map. */
export function decodeMapGeometries(map: EchartsMap): { feature: EchartsFeature; geometry: Polygon | MultiPolygon }[] {
  const encoded = map.UTF8Encoding === true;
  const scale = map.UTF8Scale ?? ECHARTS_ENCODE_SCALE;
  return map.features.map((feature) => ({ feature, geometry: decodeGeometry(feature.geometry, encoded, scale) }));
}
