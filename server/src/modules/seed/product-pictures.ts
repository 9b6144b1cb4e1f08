import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

/**
 * Product pictures for the demo catalog, drawn here without any network or image library: a soft
 * gradient backdrop and the silhouette of the category's package (a bottle, a can, a snack bag, a
 * sack, a paper pack, a wine bottle) in the product's colour, with a white label band, rendered
 * with anti-aliased signed-distance shapes and written as a PNG with node's zlib. Deterministic:
 * the same product always gets the same bytes.
 */
export type PictureShape = 'bottle' | 'can' | 'bag' | 'sack' | 'pack' | 'wine' | 'jug';

/** The package each demo category is drawn as. */
export const SHAPE_OF_CATEGORY: Record<string, PictureShape> = {
  WATER: 'bottle',
  SODA: 'can',
  JUICE: 'bottle',
  SNACK: 'bag',
  GRAIN: 'sack',
  WASH: 'jug',
  PAPER: 'pack',
  CLEAN: 'jug',
  BAIJIU: 'wine',
  BEER: 'can',
};

type Rgb = [number, number, number];

// Math's functions held once: looked up on the global object for every pixel they cost a
// microsecond each inside a test runner's sandbox (jest), where the seed also runs
const { abs, max, min, pow, round, sin, sqrt } = Math;

/** HSL (h in degrees, s and l in 0..1) to RGB 0..255. */
function hsl(h: number, s: number, l: number): Rgb {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * min(l, 1 - l);
  const f = (n: number) => l - a * max(-1, min(k(n) - 3, min(9 - k(n), 1)));
  return [round(f(0) * 255), round(f(8) * 255), round(f(4) * 255)];
}

/** length of (x, y) */
const len = (x: number, y: number) => sqrt(x * x + y * y);

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];

/** Signed distance to a rounded box centred at (cx, cy) with half sizes (hx, hy) and corner radius r. */
function box(x: number, y: number, cx: number, cy: number, hx: number, hy: number, r: number): number {
  const qx = abs(x - cx) - hx + r;
  const qy = abs(y - cy) - hy + r;
  return len(max(qx, 0), max(qy, 0)) + min(max(qx, qy), 0) - r;
}

/** Signed distance to an ellipse (approximate, good enough for soft edges). */
function ellipse(x: number, y: number, cx: number, cy: number, rx: number, ry: number): number {
  const k = len((x - cx) / rx, (y - cy) / ry);
  return (k - 1) * min(rx, ry);
}

const union = (a: number, b: number) => min(a, b);
/** coverage of a pixel by a shape at signed distance d (one-pixel soft edge) */
const cover = (d: number) => max(0, min(1, 0.5 - d));

interface Layer {
  /** signed distance of the pixel centre to the layer's shape */
  d: (x: number, y: number) => number;
  colour: (x: number, y: number) => Rgb;
}

/** The layers of one package, drawn bottom first, in a 256 x 256 picture. */
function layers(shape: PictureShape, body: Rgb, accent: Rgb): Layer[] {
  const white: Rgb = [255, 255, 255];
  const cap = mix(body, [30, 30, 40], 0.45);
  const shade = (x: number, left: number, right: number): Rgb => {
    // a cylinder's light: a highlight left of centre, darker towards both edges
    const t = max(0, min(1, (x - left) / (right - left)));
    const highlight = max(0, 1 - abs(t - 0.3) * 6);
    const dark = pow(abs(t - 0.45) * 2, 3) * 0.35;
    return mix(mix(body, [0, 0, 0], dark), [255, 255, 255], highlight * 0.35);
  };
  const shadow: Layer = { d: (x, y) => ellipse(x, y, 128, 228, 70, 10) - 4, colour: () => [0, 0, 0] };
  switch (shape) {
    case 'bottle':
      return [
        shadow,
        { d: (x, y) => union(box(x, y, 128, 150, 44, 78, 22), box(x, y, 128, 70, 20, 22, 8)), colour: (x) => shade(x, 84, 172) },
        { d: (x, y) => box(x, y, 128, 44, 18, 12, 4), colour: () => cap },
        { d: (x, y) => box(x, y, 128, 156, 45, 26, 2), colour: () => white },
        { d: (x, y) => box(x, y, 128, 156, 30, 9, 9), colour: () => accent },
      ];
    case 'wine':
      return [
        shadow,
        { d: (x, y) => union(box(x, y, 128, 160, 40, 66, 18), box(x, y, 128, 78, 13, 30, 6)), colour: (x) => shade(x, 88, 168) },
        { d: (x, y) => box(x, y, 128, 50, 15, 12, 3), colour: () => accent },
        { d: (x, y) => box(x, y, 128, 165, 41, 30, 2), colour: () => [250, 244, 228] },
        { d: (x, y) => ellipse(x, y, 128, 165, 16, 16), colour: () => accent },
      ];
    case 'can':
      return [
        shadow,
        { d: (x, y) => box(x, y, 128, 138, 48, 82, 14), colour: (x) => shade(x, 80, 176) },
        { d: (x, y) => box(x, y, 128, 60, 44, 5, 5), colour: () => [205, 208, 214] },
        { d: (x, y) => box(x, y, 128, 216, 44, 5, 5), colour: () => [190, 193, 200] },
        { d: (x, y) => box(x, y, 128, 140, 49, 22, 0), colour: () => white },
        { d: (x, y) => ellipse(x, y, 128, 140, 22, 13), colour: () => accent },
      ];
    case 'bag':
      return [
        shadow,
        {
          // a pillow bag with crimped top and bottom edges
          d: (x, y) => {
            const crimp = abs(sin((x - 70) / 6)) * 4;
            return max(box(x, y, 128, 136, 62, 88, 16), -min(y - (48 + crimp), 224 - crimp - y));
          },
          colour: (x) => shade(x, 66, 190),
        },
        { d: (x, y) => ellipse(x, y, 128, 140, 40, 40), colour: () => white },
        { d: (x, y) => ellipse(x, y, 128, 140, 28, 28), colour: () => accent },
        { d: (x, y) => box(x, y, 128, 200, 40, 6, 6), colour: () => mix(body, [255, 255, 255], 0.55) },
      ];
    case 'sack':
      return [
        shadow,
        { d: (x, y) => union(box(x, y, 128, 146, 66, 76, 26), box(x, y, 128, 64, 46, 16, 8)), colour: (x) => shade(x, 62, 194) },
        { d: (x, y) => box(x, y, 128, 52, 34, 5, 3), colour: () => cap },
        { d: (x, y) => box(x, y, 128, 150, 50, 34, 10), colour: () => [252, 248, 236] },
        { d: (x, y) => box(x, y, 128, 150, 32, 10, 10), colour: () => accent },
      ];
    case 'jug':
      return [
        shadow,
        { d: (x, y) => union(box(x, y, 124, 148, 50, 78, 26), box(x, y, 108, 70, 16, 16, 6)), colour: (x) => shade(x, 74, 174) },
        { d: (x, y) => box(x, y, 108, 48, 18, 10, 4), colour: () => cap },
        // the handle: a ring on the right shoulder
        { d: (x, y) => abs(ellipse(x, y, 160, 104, 22, 26)) - 5, colour: () => mix(body, [0, 0, 0], 0.15) },
        { d: (x, y) => box(x, y, 124, 156, 38, 32, 10), colour: () => white },
        { d: (x, y) => ellipse(x, y, 124, 156, 18, 18), colour: () => accent },
      ];
    case 'pack':
      return [
        shadow,
        { d: (x, y) => box(x, y, 128, 144, 76, 70, 18), colour: () => mix(body, [255, 255, 255], 0.7) },
        // three rolls seen through the wrap
        ...[84, 128, 172].map((cx): Layer => ({ d: (x, y) => box(x, y, cx, 144, 20, 60, 14), colour: (x) => mix(shade(x, cx - 20, cx + 20), [255, 255, 255], 0.55) })),
        { d: (x, y) => box(x, y, 128, 144, 77, 16, 0), colour: () => body },
        { d: (x, y) => ellipse(x, y, 128, 144, 12, 12), colour: () => accent },
      ];
  }
}

/** Colours of one product: its own hue (from its name) within the category's feel. */
function palette(seed: string): { body: Rgb; accent: Rgb; backTop: Rgb; backBottom: Rgb } {
  const h = createHash('sha1').update(seed).digest();
  const hue = (h[0] * 360) / 256;
  return {
    body: hsl(hue, 0.62, 0.5),
    accent: hsl((hue + 150 + (h[1] % 60)) % 360, 0.7, 0.52),
    backTop: hsl(hue, 0.55, 0.96),
    backBottom: hsl((hue + 20) % 360, 0.5, 0.86),
  };
}

/** The RGB pixels of a picture (size x size), the package centred on a soft backdrop. */
export function drawPicture(shape: PictureShape, seed: string, size = 256): Buffer {
  const { body, accent, backTop, backBottom } = palette(seed);
  const stack = layers(shape, body, accent);
  const scale = 256 / size;
  const px = Buffer.alloc(size * size * 3);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const x = (i + 0.5) * scale;
      const y = (j + 0.5) * scale;
      // backdrop: a vertical gradient with a light spot behind the package
      let c = mix(backTop, backBottom, y / 256);
      const glow = max(0, 1 - len(x - 128, y - 120) / 120);
      c = mix(c, [255, 255, 255], glow * glow * 0.6);
      // every package lies within this frame: outside it only the backdrop shows
      if (x > 44 && x < 212 && y > 28 && y < 244) {
        for (let k = 0; k < stack.length; k++) {
          const a = cover(stack[k].d(x, y) / scale);
          if (a <= 0) continue;
          // the first layer is the floor shadow: a light touch
          c = mix(c, stack[k].colour(x, y), k === 0 ? a * 0.12 : a);
        }
      }
      const o = (j * size + i) * 3;
      px[o] = round(c[0]);
      px[o + 1] = round(c[1]);
      px[o + 2] = round(c[2]);
    }
  }
  return px;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An 8-bit RGB PNG of `pixels` (width x height x 3), each row filtered with "Up" (smooth gradients pack small). */
export function encodePng(pixels: Buffer, width: number, height: number): Buffer {
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const out = y * (stride + 1);
    raw[out] = y === 0 ? 0 : 2;
    for (let i = 0; i < stride; i++) {
      const v = pixels[y * stride + i];
      raw[out + 1 + i] = y === 0 ? v : (v - pixels[(y - 1) * stride + i]) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The PNG picture of one product. */
export function productPicture(shape: PictureShape, seed: string, size = 256): Buffer {
  return encodePng(drawPicture(shape, seed, size), size, size);
}
