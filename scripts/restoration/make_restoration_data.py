#!/usr/bin/python3
"""Images for the restoration work (inpainting, denoising): the scored test set shipped in the repo
and the training images of the learned models, all from CC0 / public-domain sample images bundled
with Debian's scikit-image (python3-skimage 0.19.3, skimage/data/) plus one generated image.

    /usr/bin/python3 scripts/restoration/make_restoration_data.py

Writes
  scripts/restoration/set/*.png   the test set scored by scripts/restoration/score-restoration.ts (committed;
                                  see its LICENSES.md). Never used for training.
  tmp/restoration-train/          training images for scripts/training/train-denoiser.ts: one raw 8-bit
                                  gray file per image (<name>.u8, row-major) and index.json with
                                  their sizes. Not committed; this script recreates it exactly.

The training images are disjoint from the test set: different photographs and textures.
"""
import json
import os

import cv2
import numpy as np
from skimage import data

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
SET = os.path.join(ROOT, 'scripts', 'restoration', 'set')
TRAIN = os.path.join(ROOT, 'tmp', 'restoration-train')


def area(img, h, w):
    return cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)


def centre_crop(img, side, dy=0, dx=0):
    h, w = img.shape[:2]
    y = (h - side) // 2 + dy
    x = (w - side) // 2 + dx
    return img[y:y + side, x:x + side]


def gray(img):
    if img.ndim == 2:
        return img
    return cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)


def generated(side=192):
    """Smooth gradients, discs, a soft ring and stripes: structure a restoration method must continue."""
    y, x = np.mgrid[0:side, 0:side].astype(np.float64) / side
    r = 0.35 + 0.4 * x
    g = 0.25 + 0.5 * y
    b = 0.6 - 0.3 * x * y
    img = np.stack([r, g, b], -1)
    for cx, cy, rad, col in ((0.3, 0.35, 0.16, (0.9, 0.2, 0.15)), (0.72, 0.6, 0.2, (0.15, 0.3, 0.85)), (0.5, 0.8, 0.1, (0.95, 0.9, 0.3))):
        d = np.hypot(x - cx, y - cy)
        a = np.clip((rad - d) * side / 1.5, 0, 1)[..., None]
        img = img * (1 - a) + np.array(col) * a
    ring = np.exp(-((np.hypot(x - 0.55, y - 0.3) - 0.12) ** 2) / (2 * 0.012 ** 2))[..., None]
    img = img * (1 - 0.6 * ring) + 0.6 * ring
    stripes = (np.sin((x + 0.5 * y) * 2 * np.pi * 9) > 0).astype(np.float64)
    band = ((y > 0.05) & (y < 0.2))[..., None]
    img = np.where(band, 0.25 + 0.5 * stripes[..., None], img)
    return np.clip(np.round(img * 255), 0, 255).astype(np.uint8)


def write_png(path, img):
    out = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    cv2.imwrite(path, out, [cv2.IMWRITE_PNG_COMPRESSION, 9])


def test_set():
    os.makedirs(SET, exist_ok=True)
    items = {
        'camera': centre_crop(area(data.camera(), 256, 256), 192, dy=-20),
        'astronaut': centre_crop(area(data.astronaut(), 256, 256), 192, dy=-20),
        'coffee': centre_crop(area(data.coffee(), 200, 300), 192),
        'brick': centre_crop(area(data.brick(), 256, 256), 192),
        'shapes': generated(192),
    }
    for name, img in items.items():
        write_png(os.path.join(SET, f'{name}.png'), img)
        print('test', name, img.shape)


TRAIN_SOURCES = {
    # name: (loader, scales)
    'chelsea': (data.chelsea, (1.0, 0.5)),
    'rocket': (data.rocket, (1.0, 0.5)),
    'grass': (data.grass, (1.0, 0.5)),
    'gravel': (data.gravel, (1.0, 0.5)),
    'coins': (data.coins, (1.0,)),
    'text': (data.text, (1.0,)),
    'retina': (data.retina, (0.5, 0.25)),
    'hubble': (data.hubble_deep_field, (0.5, 0.25)),
    'horse': (lambda: (data.horse() == 0).astype(np.uint8) * 255, (0.5,)),
    'clock': (data.clock, (1.0,)),
    'microaneurysms': (data.microaneurysms, (1.0,)),
    'cell': (data.cell, (0.5,)),
}


def training_images():
    os.makedirs(TRAIN, exist_ok=True)
    index = []
    for name, (load, scales) in TRAIN_SOURCES.items():
        g = gray(np.asarray(load()))
        for s in scales:
            img = g if s == 1.0 else area(g, max(48, round(g.shape[0] * s)), max(48, round(g.shape[1] * s)))
            fname = f'{name}-{int(s * 100)}.u8'
            np.ascontiguousarray(img, np.uint8).tofile(os.path.join(TRAIN, fname))
            index.append({'file': fname, 'height': int(img.shape[0]), 'width': int(img.shape[1])})
            print('train', fname, img.shape)
    with open(os.path.join(TRAIN, 'index.json'), 'w') as fh:
        json.dump({'images': index}, fh, indent=1)


if __name__ == '__main__':
    test_set()
    training_images()
