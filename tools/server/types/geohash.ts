/**
 * Geohash math as Redis does it (geohash.c, geohash_helper.c): a geo set is a sorted set whose
 * scores are 52-bit interleaved geohashes (26 steps; latitude range ±85.05112878, the Web
 * Mercator limit), so every computation here follows Redis's order of floating point
 * operations to give the same scores, distances and search boxes.
 *
 *   encodeWGS84(13.361389, 38.115556) -> 3479099956230698 (Palermo)
 */

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

const D_R = Math.PI / 180.0;
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;

const TWO32 = 4294967296;

export interface GeoHashBits {
  bits: number;
  step: number;
}

export interface GeoHashArea {
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

function spread16(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

function compact16(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x >>> 0;
}

/** interleave64(x, y): x bits at even positions, y bits at odd positions (x, y < 2^32). */
export function interleave(x: number, y: number): number {
  const lo = (spread16(x) | (spread16(y) << 1)) >>> 0;
  const xh = Math.floor(x / 65536);
  const yh = Math.floor(y / 65536);
  // Bits 32..63: the high halves (only up to bit 53 matter: x, y <= 2^26).
  const hi = (spread16(xh) | (spread16(yh) << 1)) >>> 0;
  return hi * TWO32 + lo;
}

/** deinterleave64: [even bits (x), odd bits (y)]. */
export function deinterleave(h: number): [number, number] {
  const lo = h % TWO32;
  const hi = Math.floor(h / TWO32);
  const x = compact16(lo) + compact16(hi) * 65536;
  const y = compact16(lo >>> 1) + compact16(hi >>> 1) * 65536;
  return [x, y];
}

/** geohashEncode with the given ranges; null outside the valid ranges. */
export function geohashEncode(
  lonMin: number,
  lonMax: number,
  latMin: number,
  latMax: number,
  longitude: number,
  latitude: number,
  step: number,
): GeoHashBits | null {
  if (step > 32 || step === 0) return null;
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return null;
  if (latitude < latMin || latitude > latMax || longitude < lonMin || longitude > lonMax) return null;
  let latOffset = (latitude - latMin) / (latMax - latMin);
  let longOffset = (longitude - lonMin) / (lonMax - lonMin);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  // Conversion to uint32_t truncates.
  return { bits: interleave(Math.trunc(latOffset) >>> 0, Math.trunc(longOffset) >>> 0), step };
}

export function encodeWGS84(longitude: number, latitude: number, step = GEO_STEP_MAX): GeoHashBits | null {
  return geohashEncode(GEO_LONG_MIN, GEO_LONG_MAX, GEO_LAT_MIN, GEO_LAT_MAX, longitude, latitude, step);
}

/** geohashAlign52Bits: the score stored in the sorted set. */
export function align52(h: GeoHashBits): number {
  return h.bits * 2 ** (52 - h.step * 2);
}

export function geohashDecode(h: GeoHashBits): GeoHashArea | null {
  if (h.bits === 0 && h.step === 0) return null;
  const [ilato, ilono] = deinterleave(h.bits);
  const latScale = GEO_LAT_MAX - GEO_LAT_MIN;
  const longScale = GEO_LONG_MAX - GEO_LONG_MIN;
  const div = 2 ** h.step;
  return {
    latMin: GEO_LAT_MIN + ((ilato * 1.0) / div) * latScale,
    latMax: GEO_LAT_MIN + (((ilato + 1) * 1.0) / div) * latScale,
    lonMin: GEO_LONG_MIN + ((ilono * 1.0) / div) * longScale,
    lonMax: GEO_LONG_MIN + (((ilono + 1) * 1.0) / div) * longScale,
  };
}

/** decodeGeohash(score): [longitude, latitude] of the cell centre, clamped. */
export function decodeScore(score: number): [number, number] | null {
  const bits = score < 0 ? 0 : Math.trunc(score);
  const area = geohashDecode({ bits, step: GEO_STEP_MAX });
  if (!area) return null;
  let x = (area.lonMin + area.lonMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (area.latMin + area.latMax) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  return [x, y];
}

// Neighbours use 64-bit masks: BigInt keeps them exact (8 calls per search).
const MASK_X = 0xaaaaaaaaaaaaaaaan;
const MASK_Y = 0x5555555555555555n;
const U64 = 0xffffffffffffffffn;

function moveX(h: GeoHashBits, d: number): GeoHashBits {
  if (d === 0) return h;
  const bits = BigInt(h.bits);
  let x = bits & MASK_X;
  const y = bits & MASK_Y;
  const shift = BigInt(64 - h.step * 2);
  const zz = MASK_Y >> shift;
  if (d > 0) x = (x + (zz + 1n)) & U64;
  else {
    x = x | zz;
    x = (x - (zz + 1n)) & U64;
  }
  x &= MASK_X >> shift;
  return { bits: Number(x | y), step: h.step };
}

function moveY(h: GeoHashBits, d: number): GeoHashBits {
  if (d === 0) return h;
  const bits = BigInt(h.bits);
  const x = bits & MASK_X;
  let y = bits & MASK_Y;
  const shift = BigInt(64 - h.step * 2);
  const zz = MASK_X >> shift;
  if (d > 0) y = (y + (zz + 1n)) & U64;
  else {
    y = y | zz;
    y = (y - (zz + 1n)) & U64;
  }
  y &= MASK_Y >> shift;
  return { bits: Number(x | y), step: h.step };
}

export interface Neighbors {
  north: GeoHashBits;
  south: GeoHashBits;
  east: GeoHashBits;
  west: GeoHashBits;
  northEast: GeoHashBits;
  northWest: GeoHashBits;
  southEast: GeoHashBits;
  southWest: GeoHashBits;
}

export function neighbors(h: GeoHashBits): Neighbors {
  return {
    east: moveY(moveX(h, 1), 0),
    west: moveY(moveX(h, -1), 0),
    south: moveY(moveX(h, 0), -1),
    north: moveY(moveX(h, 0), 1),
    northWest: moveY(moveX(h, -1), 1),
    northEast: moveY(moveX(h, 1), 1),
    southEast: moveY(moveX(h, 1), -1),
    southWest: moveY(moveX(h, -1), -1),
  };
}

export function estimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

export type GeoShape =
  | { type: 'circle'; lon: number; lat: number; radius: number; conversion: number }
  | { type: 'box'; lon: number; lat: number; width: number; height: number; conversion: number };

const degRad = (a: number): number => a * D_R;
const radDeg = (a: number): number => a / D_R;

/** geohashBoundingBox: [minLon, minLat, maxLon, maxLat]. */
export function boundingBox(s: GeoShape): [number, number, number, number] {
  const height = s.conversion * (s.type === 'circle' ? s.radius : s.height / 2);
  const width = s.conversion * (s.type === 'circle' ? s.radius : s.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat - latDelta)));
  const southern = s.lat < 0;
  return [
    southern ? s.lon - longDeltaBottom : s.lon - longDeltaTop,
    s.lat - latDelta,
    southern ? s.lon + longDeltaBottom : s.lon + longDeltaTop,
    s.lat + latDelta,
  ];
}

const ZERO: GeoHashBits = { bits: 0, step: 0 };

/** geohashCalculateAreasByShapeWGS84: the centre cell and its (pruned) neighbours, in search order. */
export function searchAreas(s: GeoShape): GeoHashBits[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(s);
  let radiusMeters = s.type === 'circle' ? s.radius : Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2));
  radiusMeters *= s.conversion;
  let steps = estimateStepsByRadius(radiusMeters, s.lat);
  let hash = encodeWGS84(s.lon, s.lat, steps)!;
  let nb = neighbors(hash);
  let area = geohashDecode(hash)!;
  let decrease = false;
  {
    const north = geohashDecode(nb.north)!;
    const south = geohashDecode(nb.south)!;
    const east = geohashDecode(nb.east)!;
    const west = geohashDecode(nb.west)!;
    if (north.latMax < maxLat) decrease = true;
    if (south.latMin > minLat) decrease = true;
    if (east.lonMax < maxLon) decrease = true;
    if (west.lonMin > minLon) decrease = true;
  }
  if (steps > 1 && decrease) {
    steps--;
    hash = encodeWGS84(s.lon, s.lat, steps)!;
    nb = neighbors(hash);
    area = geohashDecode(hash)!;
  }
  if (steps >= 2) {
    if (area.latMin < minLat) {
      nb.south = ZERO;
      nb.southWest = ZERO;
      nb.southEast = ZERO;
    }
    if (area.latMax > maxLat) {
      nb.north = ZERO;
      nb.northEast = ZERO;
      nb.northWest = ZERO;
    }
    if (area.lonMin < minLon) {
      nb.west = ZERO;
      nb.southWest = ZERO;
      nb.northWest = ZERO;
    }
    if (area.lonMax > maxLon) {
      nb.east = ZERO;
      nb.southEast = ZERO;
      nb.northEast = ZERO;
    }
  }
  return [hash, nb.north, nb.south, nb.east, nb.west, nb.northEast, nb.northWest, nb.southEast, nb.southWest];
}

export function latDistance(lat1d: number, lat2d: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
}

/** Haversine distance in meters (geohashGetDistance). */
export function distance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/** geoWithinShape: the distance (meters) when the point is inside, else null. */
export function withinShape(s: GeoShape, lon: number, lat: number): number | null {
  if (s.type === 'circle') {
    const d = distance(s.lon, s.lat, lon, lat);
    return d > s.radius * s.conversion ? null : d;
  }
  const widthM = s.width * s.conversion;
  const heightM = s.height * s.conversion;
  if (latDistance(lat, s.lat) > heightM / 2) return null;
  if (distance(lon, lat, s.lon, lat) > widthM / 2) return null;
  return distance(s.lon, s.lat, lon, lat);
}

/** The 11-character standard geohash string (GEOHASH command). */
export function geohashString(score: number): string | null {
  const xy = decodeScore(score);
  if (!xy) return null;
  const h = geohashEncode(-180, 180, -90, 90, xy[0], xy[1], 26);
  if (!h) return null;
  const alphabet = '0123456789bcdefghjkmnpqrstuvwxyz';
  let out = '';
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Math.floor(h.bits / 2 ** (52 - (i + 1) * 5)) & 0x1f;
    out += alphabet[idx];
  }
  return out;
}
