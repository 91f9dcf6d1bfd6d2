#!/usr/bin/python3
"""Trains the inpainting generator of `inpaint` method "gan" (model mnist) on 28×28 digits
(MNIST train split only) with PyTorch on the CPU: a context encoder (Pathak et al. 2016) —
an encoder-decoder that sees the damaged digit and its mask and is trained with a
reconstruction loss on the hole plus an adversarial loss from a discriminator that judges the
restored digit.

    /usr/bin/python3 scripts/training/train_inpaint_gan.py --steps 3000 [--batch 64] [--width 16]
        [--seed 1] [--threads 1] [--out tmp/inpaint-gan/mnist]
    npx tsx scripts/training/export-torch.ts --kind inpaint --data mnist --from tmp/inpaint-gan/mnist

Generator (the tfjs model of scripts/training/train-common.ts inpaintGenerator, layer for layer), input
[28, 28, 2] = (digit with the hole set to 0, mask), output [28, 28, 1] in [0, 1]:
  e0 conv3×3(w) → d1 conv4×4/2(2w) → d2 conv4×4/2(4w) → b1, b2 conv3×3(4w) → up×2 → u1 conv3×3(2w)
  → concat d1 → u1b conv3×3(2w) → up×2 → u2 conv3×3(w) → concat e0 → u2b conv3×3(w) → conv3×3(1,
  sigmoid); ReLU after every other layer. (4×4 stride-2 "same" pads one pixel on each side in
  tfjs and PyTorch alike, so the two frameworks compute the same thing.)
Discriminator: spectral normalisation (Miyato et al. 2018) on 4×4/2 convolutions of the restored
digit and the mask, hinge loss. Generator loss: mean (G − x)² over the hole pixels + adv · hinge
generator loss (adv 0.003; the context encoder's L2 + small adversarial split). Not L1: most hole
pixels of a digit are black background, so L1 (median-seeking) drives the fill to 0 everywhere.
Masks: half squares (side 6–16 px, anywhere on the digit), half random brush strokes (1–4
strokes, 10–30 px long, 2–5 px wide; the stroke model of mask.strokes). Adam (G 5e-4, D 2e-4,
β 0.5/0.9).
Only the hole comes from the generator: the node keeps every other pixel.

Writes to --out: weights.json (named and laid out as tfjs-layers holds them), fixture.json
(outputs for fixed inputs, weights rounded to float16 as shipped), train-log.csv, train-info.json.
"""
import argparse
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_common import StepLog, as_tfjs, load_images, round_to_float16


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="mnist", choices=["mnist", "fashion"])
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--width", type=int, default=16)
    p.add_argument("--dwidth", type=int, default=32)
    p.add_argument("--adv", type=float, default=0.003)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", default=None)
    return p.parse_args()


class Generator(nn.Module):
    def __init__(self, w):
        super().__init__()
        c = lambda i, o, k=3, s=1: nn.Conv2d(i, o, k, s, padding=1)
        self.e0 = c(2, w)
        self.d1 = c(w, 2 * w, 4, 2)
        self.d2 = c(2 * w, 4 * w, 4, 2)
        self.b1 = c(4 * w, 4 * w)
        self.b2 = c(4 * w, 4 * w)
        self.u1 = c(4 * w, 2 * w)
        self.u1b = c(4 * w, 2 * w)
        self.u2 = c(2 * w, w)
        self.u2b = c(2 * w, w)
        self.fill = c(w, 1)

    def forward(self, x):
        e0 = F.relu(self.e0(x))
        d1 = F.relu(self.d1(e0))
        h = F.relu(self.d2(d1))
        h = F.relu(self.b1(h))
        h = F.relu(self.b2(h))
        h = F.relu(self.u1(F.interpolate(h, scale_factor=2, mode="nearest")))
        h = F.relu(self.u1b(torch.cat([h, d1], 1)))
        h = F.relu(self.u2(F.interpolate(h, scale_factor=2, mode="nearest")))
        h = F.relu(self.u2b(torch.cat([h, e0], 1)))
        return torch.sigmoid(self.fill(h))


class Discriminator(nn.Module):
    def __init__(self, w):
        super().__init__()
        sn = nn.utils.spectral_norm
        self.c1 = sn(nn.Conv2d(2, w, 4, 2, 1))
        self.c2 = sn(nn.Conv2d(w, 2 * w, 4, 2, 1))
        self.c3 = sn(nn.Conv2d(2 * w, 4 * w, 3, 1, 1))
        self.out = sn(nn.Linear(4 * w * 7 * 7, 1))

    def forward(self, x, m):
        h = F.leaky_relu(self.c1(torch.cat([x * 2 - 1, m], 1)), 0.2)
        h = F.leaky_relu(self.c2(h), 0.2)
        h = F.leaky_relu(self.c3(h), 0.2)
        return self.out(h.flatten(1)).squeeze(1)


YY, XX = np.mgrid[0:28, 0:28] + 0.5


def stroke_mask(rng):
    """1–4 strokes of 1–4 segments turning by up to ±90° (mask.strokes' model), round brush."""
    m = np.zeros((28, 28), dtype=bool)
    width = rng.uniform(2, 5)
    r2 = (width / 2) ** 2
    for _ in range(rng.integers(1, 5)):
        x, y = rng.uniform(4, 24, 2)
        angle = rng.uniform(0, 2 * math.pi)
        segments = int(rng.integers(1, 5))
        step = rng.uniform(10, 30) / segments
        for k in range(segments):
            if k > 0:
                angle += (rng.random() - 0.5) * math.pi
            x1, y1 = x + step * math.cos(angle), y + step * math.sin(angle)
            dx, dy = x1 - x, y1 - y
            t = np.clip(((XX - x) * dx + (YY - y) * dy) / max(dx * dx + dy * dy, 1e-9), 0, 1)
            m |= (XX - x - t * dx) ** 2 + (YY - y - t * dy) ** 2 <= r2
            x, y = x1, y1
    return m


def square_mask(rng):
    m = np.zeros((28, 28), dtype=bool)
    s = int(rng.integers(6, 17))
    y0, x0 = rng.integers(2, 27 - s, 2)
    m[y0 : y0 + s, x0 : x0 + s] = True
    return m


def mask_bank(n, seed):
    rng = np.random.default_rng(seed)
    bank = np.zeros((n, 1, 28, 28), dtype=np.float32)
    for i in range(n):
        m = square_mask(rng) if i % 2 == 0 else stroke_mask(rng)
        if not m.any():
            m[12:16, 12:16] = True
        bank[i, 0] = m
    return torch.from_numpy(bank)


def gen_input(x, m):
    return torch.cat([x * (1 - m), m], 1)


def export(g):
    out = {}
    for name, layer in g.named_children():
        out[f"{name}/kernel"] = layer.weight.detach().numpy().astype(np.float32).transpose(2, 3, 1, 0)
        out[f"{name}/bias"] = layer.bias.detach().numpy().astype(np.float32)
    return as_tfjs(out)


def main():
    a = parse()
    out = a.out or f"tmp/inpaint-gan/{a.data}"
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    x_all = load_images(a.data, "train")
    n = len(x_all)
    masks = mask_bank(20000, a.seed)
    x_test = load_images(a.data, "test")[:1000]
    m_test = mask_bank(1000, a.seed + 1000)
    G, D = Generator(a.width), Discriminator(a.dwidth)
    gopt = torch.optim.Adam(G.parameters(), lr=a.lr, betas=(0.5, 0.9))
    dopt = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.9))
    log = StepLog(out, ["dLoss", "gAdv", "holeMse"], 5)
    for step in range(1, a.steps + 1):
        x = x_all[torch.randint(0, n, (a.batch,))]
        m = masks[torch.randint(0, len(masks), (a.batch,))]
        g = G(gen_input(x, m))
        fake = x * (1 - m) + g * m
        d_loss = F.relu(1 - D(x, m)).mean() + F.relu(1 + D(fake.detach(), m)).mean()
        dopt.zero_grad()
        d_loss.backward()
        dopt.step()
        hole = ((g - x) ** 2 * m).sum() / m.sum().clamp_min(1)
        adv = -D(fake, m).mean()
        g_loss = hole + a.adv * adv
        gopt.zero_grad()
        g_loss.backward()
        gopt.step()
        row = log.add(step, a.steps, [d_loss.item(), adv.item(), hole.item()])
        if row is not None:
            (dl, ad, ho), sec = row
            if step % 500 == 0 or step == a.steps:
                with torch.no_grad():
                    gt = G(gen_input(x_test, m_test))
                    tl1 = (((gt - x_test) ** 2 * m_test).sum() / m_test.sum()).item()
                print(f"step {step}/{a.steps} d {dl:.3f} adv {ad:.3f} hole MSE {ho:.4f} (test {tl1:.4f}) {sec:.0f} s", flush=True)
    seconds = log.seconds()
    G.eval()
    round_to_float16(G.parameters())
    json.dump(export(G), open(os.path.join(out, "weights.json"), "w"))
    xi = gen_input(x_test[:8], m_test[:8])
    with torch.no_grad():
        y = G(xi)
    json.dump({"inputs": xi.permute(0, 2, 3, 1).flatten(1).tolist(), "outputs": y.permute(0, 2, 3, 1).flatten(1).tolist()}, open(os.path.join(out, "fixture.json"), "w"))
    info = {
        "command": f"/usr/bin/python3 scripts/training/train_inpaint_gan.py --data {a.data} --steps {a.steps} --batch {a.batch} --width {a.width} --dwidth {a.dwidth} --adv {a.adv} --seed {a.seed} --lr {a.lr}",
        "steps": a.steps, "batch": a.batch, "width": a.width, "dwidth": a.dwidth, "adv": a.adv, "seed": a.seed, "lr": a.lr,
        "seconds": round(seconds), "backend": f"PyTorch {torch.__version__} (CPU, {a.threads} threads)",
        "loss": "mean (G − x)² over the hole + adv × hinge generator loss; D: spectral norm on (restored digit, mask)",
    }
    json.dump(info, open(os.path.join(out, "train-info.json"), "w"), indent=2)
    print(f"done: {a.steps} steps in {seconds:.0f} s → {out}")


if __name__ == "__main__":
    main()
