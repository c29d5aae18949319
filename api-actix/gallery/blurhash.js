// A BlurHash decoder written from the published algorithm (base 83 digits; a DC colour and
// AC components of a 2-D cosine transform in linear light). The page has no build step, so it
// carries its own: a placeholder is painted from the Image's `blurhash` while the thumbnail loads.

const DIGITS =
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

function decode83(text) {
  let value = 0;
  for (const char of text) {
    const digit = DIGITS.indexOf(char);
    if (digit < 0) throw new Error("not a blurhash digit");
    value = value * 83 + digit;
  }
  return value;
}

function srgbToLinear(byte) {
  const v = byte / 255;
  return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
}

function linearToSrgb(value) {
  const v = Math.max(0, Math.min(1, value));
  const encoded = v <= 0.0031308 ? v * 12.92 : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
  return Math.round(encoded * 255);
}

function signedSquare(value) {
  return Math.sign(value) * value * value;
}

/**
 * The colours of `hash` as RGBA pixels of a `width` × `height` image, or null when the hash is
 * malformed (a placeholder is decoration: a bad one is left out, not reported).
 */
export function decodeBlurhash(hash, width, height) {
  if (typeof hash !== "string" || hash.length < 6) return null;
  try {
    const sizeFlag = decode83(hash[0]);
    const componentsX = (sizeFlag % 9) + 1;
    const componentsY = Math.floor(sizeFlag / 9) + 1;
    if (hash.length !== 4 + 2 * componentsX * componentsY) return null;
    const maximum = (decode83(hash[1]) + 1) / 166;

    const colours = [];
    const dc = decode83(hash.slice(2, 6));
    colours.push([srgbToLinear(dc >> 16), srgbToLinear((dc >> 8) & 255), srgbToLinear(dc & 255)]);
    for (let i = 1; i < componentsX * componentsY; i++) {
      const ac = decode83(hash.slice(4 + i * 2, 6 + i * 2));
      colours.push([
        signedSquare((Math.floor(ac / (19 * 19)) - 9) / 9) * maximum,
        signedSquare(((Math.floor(ac / 19) % 19) - 9) / 9) * maximum,
        signedSquare(((ac % 19) - 9) / 9) * maximum,
      ]);
    }

    const pixels = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let j = 0; j < componentsY; j++) {
          const basisY = Math.cos((Math.PI * y * j) / height);
          for (let i = 0; i < componentsX; i++) {
            const basis = Math.cos((Math.PI * x * i) / width) * basisY;
            const colour = colours[i + j * componentsX];
            r += colour[0] * basis;
            g += colour[1] * basis;
            b += colour[2] * basis;
          }
        }
        const at = 4 * (x + y * width);
        pixels[at] = linearToSrgb(r);
        pixels[at + 1] = linearToSrgb(g);
        pixels[at + 2] = linearToSrgb(b);
        pixels[at + 3] = 255;
      }
    }
    return pixels;
  } catch {
    return null;
  }
}

/** Paints `hash` into `canvas` (a small one; CSS stretches it); false when it cannot. */
export function paintBlurhash(canvas, hash) {
  const pixels = decodeBlurhash(hash, canvas.width, canvas.height);
  if (!pixels) return false;
  const context = canvas.getContext("2d");
  if (!context) return false;
  context.putImageData(new ImageData(pixels, canvas.width, canvas.height), 0, 0);
  return true;
}
