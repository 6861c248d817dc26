/**
 * Shrinks decoded outlines for the offline base map: Douglas–Peucker
 * simplification, rounding to a fixed number of decimals, and dropping rings
 * (small islands) that collapse to nothing. A map wall at city zoom needs
 * outlines to ~100 m, not the survey-grade detail of the sources.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';

export interface CompactOptions {
  /** Largest deviation, in degrees, a removed point may have from the simplified line. */
  tolerance: number;
  /** Decimals kept in each coordinate (4 decimals ≈ 11 m). */
  decimals: number;
}

function perpendicularDistance(point: Position, lineStart: Position, lineEnd: Position): number {
  const [px = 0, py = 0] = point;
  const [ax = 0, ay = 0] = lineStart;
  const [bx = 0, by = 0] = lineEnd;
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  if (lengthSquared === 0) {
    return Math.hypot(px - ax, py - ay);
  }
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / lengthSquared));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Douglas–Peucker on an open polyline; keeps both end points. Iterative, so long coasts cannot overflow the stack. */
export function simplifyLine(points: readonly Position[], tolerance: number): Position[] {
  if (points.length <= 2) {
    return [...points];
  }
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length > 0) {
    const [first, last] = stack.pop() as [number, number];
    let farthest = -1;
    let farthestDistance = tolerance;
    for (let i = first + 1; i < last; i += 1) {
      const distance = perpendicularDistance(
        points[i] as Position,
        points[first] as Position,
        points[last] as Position,
      );
      if (distance > farthestDistance) {
        farthest = i;
        farthestDistance = distance;
      }
    }
    if (farthest > 0) {
      keep[farthest] = 1;
      stack.push([first, farthest], [farthest, last]);
    }
  }
  return points.filter((_, index) => keep[index] === 1);
}

const roundTo = (value: number, decimals: number): number => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};

const samePosition = (a: Position | undefined, b: Position | undefined): boolean =>
  a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1];

/**
 * Simplified, rounded and closed ring, or null when fewer than three distinct
 * corners survive (a GeoJSON ring needs four positions, first = last).
 */
export function compactRing(ring: readonly Position[], options: CompactOptions): Position[] | null {
  const open = samePosition(ring[0], ring[ring.length - 1]) ? ring.slice(0, -1) : ring;
  if (open.length < 3) {
    return null;
  }
  // Simplify as a path that returns to its start, so the closing edge is judged too.
  const simplified = simplifyLine([...open, open[0] as Position], options.tolerance);
  const rounded: Position[] = [];
  for (const [x = 0, y = 0] of simplified) {
    const point: Position = [roundTo(x, options.decimals), roundTo(y, options.decimals)];
    if (!samePosition(point, rounded[rounded.length - 1])) {
      rounded.push(point);
    }
  }
  if (!samePosition(rounded[0], rounded[rounded.length - 1])) {
    rounded.push(rounded[0] as Position);
  }
  return rounded.length >= 4 ? rounded : null;
}

/** Even–odd point-in-ring test. */
export function ringContains(ring: readonly Position[], point: Position): boolean {
  const [px = 0, py = 0] = point;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [xi = 0, yi = 0] = ring[i] as Position;
    const [xj = 0, yj = 0] = ring[j] as Position;
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) {
      inside = !inside;
    }
  }
  return inside;
}

/**
 * The ECharts sources store a coast with its islands as ONE polygon whose
 * "holes" are really islands outside the first ring (and the first ring may
 * itself be a tiny island). Rebuild the polygons from the rings alone: a ring
 * inside an odd number of others is a hole of the smallest ring around it,
 * every other ring is an outline of its own.
 */
export function regroupRings(rings: readonly Position[][]): Position[][][] {
  const containers = rings.map((ring, index) =>
    rings
      .map((other, otherIndex) => ({ other, otherIndex }))
      .filter(({ other, otherIndex }) => otherIndex !== index && ring[0] !== undefined && ringContains(other, ring[0]))
      .map(({ otherIndex }) => otherIndex),
  );
  const isHole = (index: number): boolean => (containers[index]?.length ?? 0) % 2 === 1;
  const polygons = new Map<number, Position[][]>();
  rings.forEach((ring, index) => {
    if (!isHole(index)) {
      polygons.set(index, [ring]);
    }
  });
  rings.forEach((ring, index) => {
    if (!isHole(index)) {
      return;
    }
    // The innermost outline around the hole is the container with the most containers itself.
    const owner = (containers[index] ?? [])
      .filter((candidate) => !isHole(candidate))
      .sort((a, b) => (containers[b]?.length ?? 0) - (containers[a]?.length ?? 0))[0];
    if (owner !== undefined) {
      polygons.get(owner)?.push(ring);
    }
  });
  return [...polygons.values()];
}

function compactPolygonRings(rings: readonly Position[][], options: CompactOptions): Position[][] | null {
  const [outer, ...holes] = rings;
  const compactOuter = outer === undefined ? null : compactRing(outer, options);
  if (compactOuter === null) {
    return null;
  }
  const compactHoles = holes
    .map((hole) => compactRing(hole, options))
    .filter((hole): hole is Position[] => hole !== null);
  return [compactOuter, ...compactHoles];
}

/**
 * Compacts a polygon or multipolygon, rebuilding its outlines and holes
 * first (see regroupRings); null when nothing of it is left at this tolerance.
 */
export function compactGeometry(
  geometry: Polygon | MultiPolygon,
  options: CompactOptions,
): Polygon | MultiPolygon | null {
  const allRings = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
  const polygons = regroupRings(allRings)
    .map((rings) => compactPolygonRings(rings, options))
    .filter((rings): rings is Position[][] => rings !== null);
  if (polygons.length === 0) {
    return null;
  }
  const [only] = polygons;
  return polygons.length === 1 && only !== undefined
    ? { type: 'Polygon', coordinates: only }
    : { type: 'MultiPolygon', coordinates: polygons };
}
