#!/usr/bin/python3
"""Makes the example inputs in graphs/assets/ from scikit-image's bundled sample data.

Run with Debian's Python (python3-skimage, python3-opencv, python3-pil):
    /usr/bin/python3 scripts/examples/make_assets.py

Sources (see graphs/assets/LICENSES.md): skimage.data.camera() (CC0, Lav Varshney) and
skimage.data.astronaut() (NASA, public domain). Downscaled with area averaging (OpenCV
INTER_AREA) in float64 before quantizing, so the 16-bit file holds real 16-bit detail.
"""
import os

import cv2
import numpy as np
from PIL import Image
from skimage import data

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'graphs', 'assets')
os.makedirs(OUT, exist_ok=True)


def area(img, side):
    return cv2.resize(img.astype(np.float64) / 255.0, (side, side), interpolation=cv2.INTER_AREA)


def q8(x):
    return np.clip(np.round(x * 255), 0, 255).astype(np.uint8)


def q16(x):
    return np.clip(np.round(x * 65535), 0, 65535).astype(np.uint16)


camera = data.camera()        # 512×512 gray uint8
astronaut = data.astronaut()  # 512×512×3 RGB uint8

# 8-bit gray PNG, 256×256
Image.fromarray(q8(area(camera, 256)), 'L').save(os.path.join(OUT, 'camera.png'), optimize=True)
# 16-bit gray PNG, 128×128 (area-averaged from 8-bit, so it uses the in-between levels)
cv2.imwrite(os.path.join(OUT, 'camera16.png'), q16(area(camera, 128)))
# 8-bit RGB PNG, 256×256
Image.fromarray(q8(area(astronaut, 256)), 'RGB').save(os.path.join(OUT, 'astronaut.png'), optimize=True)
# baseline JPEG, 128×128, quality 92, 4:4:4 (no chroma subsampling: decoders agree within a
# few levels; 4:2:0 upsampling differs between jpeg-js and libjpeg)
Image.fromarray(q8(area(astronaut, 128)), 'RGB').save(os.path.join(OUT, 'astronaut.jpg'), quality=92, subsampling=0)

for f in sorted(os.listdir(OUT)):
    if f.endswith(('.png', '.jpg')):
        p = os.path.join(OUT, f)
        im = Image.open(p)
        print(f'{f:16s} {im.mode:5s} {im.size[0]}×{im.size[1]}  {os.path.getsize(p)} bytes')
