#!/usr/bin/python3
"""Peer outputs for scripts/restoration/score-restoration.ts: OpenCV and scikit-image on the same inputs.

    /usr/bin/python3 scripts/restoration/score_restoration_peer.py <work dir>

Reads <work dir>/cases.json (written by score-restoration.ts) and the float32 .npy files it names;
writes one .npy per peer output and <work dir>/peer.json with the output files and timings.
The TypeScript side computes every metric (ours and the peers') with the same code.

Peers
  inpainting  cv2.inpaint INPAINT_TELEA on the 8-bit image (OpenCV's Telea is only meaningful on
              8-bit data), INPAINT_NS on float32 (per channel), radius as given;
              skimage.restoration.inpaint_biharmonic (float64, channel_axis for colour)
  denoising   skimage.restoration.denoise_nl_means (patch 5, distance 6, h = 0.8·σ, sigma = σ, fast
              mode), given the true σ — a strong classical reference
  speed       cv2.inpaint TELEA on the 8-bit 512×512 image, median of the given number of runs
"""
import json
import os
import sys
import time

import numpy as np

try:
    import cv2
except ImportError:  # pragma: no cover
    cv2 = None
try:
    from skimage.restoration import denoise_nl_means, inpaint_biharmonic
except ImportError:  # pragma: no cover
    inpaint_biharmonic = None
    denoise_nl_means = None


def load(work, name):
    return np.load(os.path.join(work, name))


def save(work, name, arr):
    np.save(os.path.join(work, name), np.ascontiguousarray(arr, dtype=np.float32))
    return name


def to_u8(img):
    return np.clip(np.round(img * 255), 0, 255).astype(np.uint8)


def telea(img, mask, radius):
    u8 = to_u8(img)
    if u8.shape[2] == 1:
        out = cv2.inpaint(u8[..., 0], mask, radius, cv2.INPAINT_TELEA)[..., None]
    else:
        out = cv2.inpaint(u8, mask, radius, cv2.INPAINT_TELEA)
    return out.astype(np.float32) / 255


def ns(img, mask, radius):
    return np.stack([cv2.inpaint(np.ascontiguousarray(img[..., c]), mask, radius, cv2.INPAINT_NS) for c in range(img.shape[2])], axis=-1)


def main():
    work = sys.argv[1]
    with open(os.path.join(work, 'cases.json')) as fh:
        cases = json.load(fh)
    out = {'versions': {}, 'inpaint': {}, 'denoise': {}, 'speed': {}}
    if cv2 is not None:
        out['versions']['opencv'] = cv2.__version__
    try:
        import skimage
        out['versions']['skimage'] = skimage.__version__
    except ImportError:  # pragma: no cover
        pass

    for case in cases['inpaint']:
        img = load(work, case['image'])
        mask = (load(work, case['mask'])[..., 0] > 0.5).astype(np.uint8)
        res = {}
        if cv2 is not None:
            t = time.perf_counter()
            res['opencv telea'] = {'file': save(work, case['id'] + '.cv-telea.npy', telea(img, mask, case['radius']))}
            res['opencv telea']['ms'] = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            res['opencv ns'] = {'file': save(work, case['id'] + '.cv-ns.npy', ns(img, mask, case['radius']))}
            res['opencv ns']['ms'] = (time.perf_counter() - t) * 1000
        if inpaint_biharmonic is not None:
            t = time.perf_counter()
            bh = inpaint_biharmonic(img.astype(np.float64), mask.astype(bool), channel_axis=-1)
            ms = (time.perf_counter() - t) * 1000
            res['skimage biharmonic'] = {'file': save(work, case['id'] + '.sk-biharmonic.npy', bh), 'ms': ms}
        out['inpaint'][case['id']] = res

    for case in cases['denoise']:
        noisy = load(work, case['noisy'])
        res = {}
        if denoise_nl_means is not None:
            s = case['sigma']
            t = time.perf_counter()
            nl = denoise_nl_means(noisy.astype(np.float64), patch_size=5, patch_distance=6, h=0.8 * s, sigma=s, fast_mode=True, channel_axis=-1)
            ms = (time.perf_counter() - t) * 1000
            res['skimage nl-means'] = {'file': save(work, case['id'] + '.sk-nlmeans.npy', nl.reshape(noisy.shape)), 'ms': ms}
        out['denoise'][case['id']] = res

    if cv2 is not None:
        for case in cases['speed']:
            img = to_u8(load(work, case['image']))
            mask = (load(work, case['mask'])[..., 0] > 0.5).astype(np.uint8)
            src = img[..., 0] if img.shape[2] == 1 else img
            times = []
            for _ in range(case['runs']):
                t = time.perf_counter()
                cv2.inpaint(src, mask, case['radius'], cv2.INPAINT_TELEA)
                times.append((time.perf_counter() - t) * 1000)
            out['speed'][case['id']] = {'opencv telea ms': float(np.median(times)), 'runs': len(times)}

    with open(os.path.join(work, 'peer.json'), 'w') as fh:
        json.dump(out, fh, indent=1)


if __name__ == '__main__':
    main()
