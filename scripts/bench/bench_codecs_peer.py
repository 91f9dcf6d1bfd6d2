#!/usr/bin/python3
"""Peer figures for scripts/bench/bench-codecs.ts: libjpeg-turbo through PIL and OpenCV, OpenCV's PNG
writer (its default level), one thread (cv2.setNumThreads(1)). Makes the 12-megapixel test photo
first when it is missing. Prints JSON. Usage: bench_codecs_peer.py PHOTO.jpg WORKDIR"""
import json
import os
import subprocess
import sys
import time

import cv2
import numpy as np
from PIL import Image

photo, work = sys.argv[1], sys.argv[2]
cv2.setNumThreads(1)
if not os.path.exists(photo):
    h, w = 3000, 4000
    r = np.random.default_rng(5)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.stack([128 + 90 * np.sin(xx / 70.0) * np.cos(yy / 50.0), 128 + 80 * np.sin((xx + yy) / 90.0),
                    128 + 70 * np.cos(xx / 40.0 - yy / 120.0)], -1)
    img += r.normal(0, 6, img.shape).astype(np.float32)
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(photo, quality=90)  # 4:2:0, like a camera's


def median(f, n):
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        ts.append((time.perf_counter() - t) * 1000)
    return sorted(ts)[n // 2]


out = {}
out['pil_decode'] = median(lambda: Image.open(photo).load(), 5)  # decode only, into PIL's own buffer
out['cv_imread'] = median(lambda: cv2.imread(photo), 5)
img = cv2.imread(photo)
png = os.path.join(work, 'opencv.png')
out['cv_imwrite'] = median(lambda: cv2.imwrite(png, img), 3)
out['cv_png_bytes'] = os.path.getsize(png)
out['cv_read_write'] = median(lambda: cv2.imwrite(png, cv2.imread(photo)), 3)
# The script a user would write, as a process: start, import, read, write.
script = f"import cv2; cv2.setNumThreads(1); cv2.imwrite({png!r}, cv2.imread({photo!r}))"
walls, rss = [], []
for _ in range(3):
    r = subprocess.run(['/usr/bin/time', '-f', '%e %M', sys.executable, '-c', script], capture_output=True, text=True, check=True)
    e, m = r.stderr.strip().split('\n')[-1].split()
    walls.append(float(e) * 1000)
    rss.append(int(m) * 1024)
out['cv_script_wall'] = sorted(walls)[1]
out['cv_script_rss'] = sorted(rss)[1]
print(json.dumps(out))
