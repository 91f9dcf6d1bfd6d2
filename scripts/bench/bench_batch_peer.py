#!/usr/bin/python3
"""The peer of `npm run bench:batch`: the same denoise-and-score work as
its graph (load → Gaussian noise σ 0.1 → 3×3 median → SSIM and PSNR against the
original, save the denoised image), written as the short OpenCV + scikit-image script a user
would otherwise write, over a folder with a pool of worker processes.

Usage: /usr/bin/python3 scripts/bench/bench_batch_peer.py IMAGES_DIR OUT_DIR PROCESSES
Prints JSON {"jobs": n, "seconds": s, "jobs_per_second": r}.
"""
import json
import os
import sys
import time
from multiprocessing import Pool

import cv2
import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

cv2.setNumThreads(1)


def job(args):
    path, out_dir, seed = args
    img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB).astype(np.float32) / 255.0
    rng = np.random.default_rng(seed)
    noisy = np.clip(img + rng.normal(0.0, 0.1, img.shape).astype(np.float32), 0.0, 1.0)
    denoised = cv2.medianBlur(noisy, 3)
    ssim = structural_similarity(img, denoised, channel_axis=2, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1.0)
    psnr = peak_signal_noise_ratio(img, denoised, data_range=1.0)
    name = os.path.splitext(os.path.basename(path))[0]
    os.makedirs(os.path.join(out_dir, name), exist_ok=True)
    out8 = np.round(np.clip(denoised, 0, 1) * 255).astype(np.uint8)
    cv2.imwrite(os.path.join(out_dir, name, 'denoised.png'), cv2.cvtColor(out8, cv2.COLOR_RGB2BGR))
    with open(os.path.join(out_dir, name, 'result.json'), 'w') as f:
        json.dump({'ssim': float(ssim), 'psnr': float(psnr)}, f)
    return name


def main():
    images_dir, out_dir, processes = sys.argv[1], sys.argv[2], int(sys.argv[3])
    files = sorted(os.path.join(images_dir, f) for f in os.listdir(images_dir) if f.endswith('.png'))
    t0 = time.perf_counter()
    with Pool(processes) as pool:
        done = pool.map(job, [(f, out_dir, i) for i, f in enumerate(files)])
    seconds = time.perf_counter() - t0
    print(json.dumps({'jobs': len(done), 'seconds': seconds, 'jobs_per_second': len(done) / seconds}))


if __name__ == '__main__':
    main()
