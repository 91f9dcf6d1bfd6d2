#!/usr/bin/python3
"""Times the peer implementations (OpenCV, scikit-image) on the same inputs as `npm run bench`.

Usage: /usr/bin/python3 scripts/bench_peer.py SIZE [SIZE ...]
Prints JSON {"<op>@<size>": median_ms}. Inputs are generated deterministically here with the
same shapes (RGB float32 in [0,1]); the operations do not depend on the pixel values' origin.
"""
import json
import sys
import time

import cv2
import numpy as np
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
    sizes = [int(s) for s in sys.argv[1:]] or [256, 512, 1024]
    rng = np.random.default_rng(1)
    out = {}
    for n in sizes:
        reps = 9 if n <= 512 else 5
        a = rng.random((n, n, 3), dtype=np.float32)
        b = np.clip(a + rng.normal(0, 0.1, a.shape).astype(np.float32), 0, 1)
        out[f"gaussianBlur@{n}"] = median_ms(lambda: cv2.GaussianBlur(a, (0, 0), 3, borderType=cv2.BORDER_REFLECT_101), reps)
        out[f"median@{n}"] = median_ms(lambda: cv2.medianBlur(a, 5), reps)
        out[f"ssim@{n}"] = median_ms(
            lambda: structural_similarity(a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1, channel_axis=-1),
            reps,
        )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
