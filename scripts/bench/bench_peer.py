#!/usr/bin/python3
"""Times the peer implementations (OpenCV, scikit-image) on the same inputs as `npm run bench`.

Usage: /usr/bin/python3 scripts/bench/bench_peer.py SIZE [SIZE ...]
Prints JSON {"<op>@<size>": median_ms}. Inputs are generated deterministically here with the
same shapes (RGB float32 in [0,1]); the operations do not depend on the pixel values' origin.
"""
import json
import sys
import time

import cv2
import numpy as np
from skimage.filters import sobel
from skimage.metrics import structural_similarity

cv2.setNumThreads(1)


def median_ms(fn, reps):
    fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1000)
    ts.sort()
    return ts[len(ts) // 2]


def main():
    sizes = [int(s) for s in sys.argv[1:]] or [64, 256, 512, 1024]
    rng = np.random.default_rng(1)
    out = {}
    for n in sizes:
        reps = 3 if n >= 4096 else 9 if n <= 512 else 5
        a = rng.random((n, n, 3), dtype=np.float32)
        for s in (1, 3, 10):
            out[f"gauss \u03c3{s}@{n}"] = median_ms(lambda: cv2.GaussianBlur(a, (0, 0), s, borderType=cv2.BORDER_REFLECT_101), reps)
        if n >= 4096:
            continue
        a8 = np.round(a * 255).astype(np.uint8)
        b = np.clip(a + rng.normal(0, 0.1, a.shape).astype(np.float32), 0, 1)
        gray, gray_b = a.mean(axis=2), b.mean(axis=2)
        out[f"box 5@{n}"] = median_ms(lambda: cv2.blur(a, (5, 5), borderType=cv2.BORDER_REFLECT_101), reps)
        for k in (3, 5, 7, 9, 15):
            out[f"median {k} (8-bit valued)@{n}"] = median_ms(lambda: cv2.medianBlur(a8, k), reps)
        m = round(n * 1.5)
        out[f"resize \u00d71.5 bilinear@{n}"] = median_ms(lambda: cv2.resize(a, (m, m), interpolation=cv2.INTER_LINEAR), reps)
        out[f"resize \u00d70.5 bilinear@{n}"] = median_ms(lambda: cv2.resize(a, (round(n / 2), round(n / 2)), interpolation=cv2.INTER_LINEAR), reps)
        out[f"sobel@{n}"] = median_ms(lambda: [sobel(a[:, :, c]) for c in range(3)], reps)
        out[f"bilateral \u03c3c 0.1 \u03c3s 3@{n}"] = median_ms(lambda: cv2.bilateralFilter(b, 0, 0.1, 3, borderType=cv2.BORDER_REFLECT_101), reps)
        ssim = lambda x, y, ch: structural_similarity(x, y, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1, channel_axis=ch)
        out[f"ssim gray@{n}"] = median_ms(lambda: ssim(gray, gray_b, None), reps)
        out[f"ssim rgb@{n}"] = median_ms(lambda: ssim(a, b, -1), reps)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
