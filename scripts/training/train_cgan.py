#!/usr/bin/python3
"""Trains a class-conditional GAN on MNIST or Fashion-MNIST (train split only) with PyTorch on
the CPU, and exports the generator (with EMA weights) for tfjs.

    /usr/bin/python3 scripts/training/train_cgan.py --data mnist --steps 6000 [--batch 64] [--width 16]
        [--seed 1] [--out tmp/cgan/mnist]

Needs Debian's python3-torch and the data prepared by `npx tsx scripts/data/prepare.ts`
(tmp/data/<set>-train-*.u8). Writes to --out:
  weights.json   the generator's weights, named and laid out for tfjs (see export below)
  fixture.json   generator outputs for fixed inputs (weights rounded to float16 first, as
                 shipped), which the export test compares with the tfjs model within 1e-4
  train-log.csv  step, dLoss, gLoss, seconds
  train-info.json
Then `npx tsx scripts/training/export-torch.ts --kind cgan --data mnist --from tmp/cgan/mnist` writes the tfjs model to
public/models/<data>-gan/generator/.

What the literature recommends for a class-conditional GAN, kept small for a CPU:
- generator: the DCGAN of scripts/training/train-common.ts (ganGenerator, arch 2: dense 7·7·4w → BN/ReLU →
  up×2 → conv3×3(2w) → BN/ReLU → up×2 → conv3×3(w) → BN/ReLU → conv3×3(1, sigmoid)), conditioned
  by feeding the one-hot class next to the latent: input [z (64) ; one-hot (10)] — one input,
  so the tfjs model keeps the shape gan.sample loads; the dense layer on the one-hot is a class
  embedding (Mirza & Osindero 2014, conditional GAN);
- discriminator: spectral normalisation on every layer (Miyato et al. 2018) and a projection of
  the class embedding onto the features (Miyato & Koyama 2018, cGANs with projection
  discriminator);
- hinge loss, Adam (2e-4, β = 0, 0.9), one D and one G step per batch;
- an exponential moving average of the generator's weights and batch-norm statistics
  (Yazıcı et al. 2019), which is what is shipped;
- optionally (--ac W > 0) an auxiliary classifier on the discriminator's features (AC-GAN, Odena
  et al. 2017): the discriminator also learns the class of real images (cross-entropy, weight W),
  the generator is rewarded when its samples are classified as the class asked for (weight W).
  It makes classes that look alike (Fashion-MNIST's shirt, pullover, coat) distinct; trained
  on real labels only, so the discriminator's classifier never learns from generated images.
"""
import argparse
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_common import StepLog, as_tfjs, load_images, load_labels, round_to_float16

LATENT = 64
CLASSES = 10


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="mnist", choices=["mnist", "fashion"])
    p.add_argument("--steps", type=int, default=6000)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--width", type=int, default=16)
    p.add_argument("--dwidth", type=int, default=32)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--ema", type=float, default=0.999)
    p.add_argument("--ac", type=float, default=0.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", default=None)
    return p.parse_args()


class Generator(nn.Module):
    """ganGenerator(74, width, arch 2) of scripts/training/train-common.ts, layer for layer."""

    def __init__(self, w):
        super().__init__()
        self.w = w
        self.g_dense = nn.Linear(LATENT + CLASSES, 7 * 7 * 4 * w, bias=False)
        # tfjs BatchNormalization: epsilon 1e-3
        self.g_bn0 = nn.BatchNorm1d(7 * 7 * 4 * w, eps=1e-3)
        self.g_conv1 = nn.Conv2d(4 * w, 2 * w, 3, padding=1, bias=False)
        self.g_bn1 = nn.BatchNorm2d(2 * w, eps=1e-3)
        self.g_conv2 = nn.Conv2d(2 * w, w, 3, padding=1, bias=False)
        self.g_bn2 = nn.BatchNorm2d(w, eps=1e-3)
        self.image = nn.Conv2d(w, 1, 3, padding=1)

    def forward(self, zy):
        h = F.relu(self.g_bn0(self.g_dense(zy)))
        # tfjs reshapes the dense output to [7, 7, C] (channels last): do the same, then NCHW
        h = h.view(-1, 7, 7, 4 * self.w).permute(0, 3, 1, 2)
        h = F.interpolate(h, scale_factor=2, mode="nearest")
        h = F.relu(self.g_bn1(self.g_conv1(h)))
        h = F.interpolate(h, scale_factor=2, mode="nearest")
        h = F.relu(self.g_bn2(self.g_conv2(h)))
        return torch.sigmoid(self.image(h))  # [n, 1, 28, 28]


class Discriminator(nn.Module):
    def __init__(self, w, aux=False):
        super().__init__()
        sn = nn.utils.spectral_norm
        self.c1 = sn(nn.Conv2d(1, w, 4, 2, 1))
        self.c2 = sn(nn.Conv2d(w, 2 * w, 4, 2, 1))
        self.c3 = sn(nn.Conv2d(2 * w, 4 * w, 3, 1, 1))
        self.fc = sn(nn.Linear(4 * w * 7 * 7, 256))
        self.out = sn(nn.Linear(256, 1))
        self.embed = sn(nn.Embedding(CLASSES, 256))
        # created only when used, so runs without it draw the same random numbers as before
        self.aux = sn(nn.Linear(256, CLASSES)) if aux else None

    def forward(self, x, y, with_class=False):
        h = F.leaky_relu(self.c1(x * 2 - 1), 0.2)
        h = F.leaky_relu(self.c2(h), 0.2)
        h = F.leaky_relu(self.c3(h), 0.2)
        h = F.leaky_relu(self.fc(h.flatten(1)), 0.2)
        d = self.out(h).squeeze(1) + (self.embed(y) * h).sum(1)
        if not with_class:
            return d
        return d, (self.aux(h) if self.aux is not None else None)


def onehot(y):
    return F.one_hot(y, CLASSES).float()


def export(g):
    """The generator's tensors named and laid out as tfjs-layers holds them (channels last)."""
    sd = {k: v.detach().cpu().numpy().astype(np.float32) for k, v in g.state_dict().items()}
    out = {}
    out["g_dense/kernel"] = sd["g_dense.weight"].T  # [in, out]
    for bn in ["g_bn0", "g_bn1", "g_bn2"]:
        out[f"{bn}/gamma"] = sd[f"{bn}.weight"]
        out[f"{bn}/beta"] = sd[f"{bn}.bias"]
        out[f"{bn}/moving_mean"] = sd[f"{bn}.running_mean"]
        out[f"{bn}/moving_variance"] = sd[f"{bn}.running_var"]
    for conv in ["g_conv1", "g_conv2", "image"]:
        out[f"{conv}/kernel"] = sd[f"{conv}.weight"].transpose(2, 3, 1, 0)  # [kh, kw, in, out]
    out["image/bias"] = sd["image.bias"]
    return as_tfjs(out)


def main():
    a = parse()
    out = a.out or f"tmp/cgan/{a.data}"
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    torch.set_num_threads(a.threads)
    x_all, y_all = load_images(a.data, "train"), load_labels(a.data, "train")
    n = len(y_all)
    G, D = Generator(a.width), Discriminator(a.dwidth, a.ac > 0)
    E = Generator(a.width)
    E.load_state_dict(G.state_dict())
    E.eval()
    gopt = torch.optim.Adam(G.parameters(), lr=a.lr, betas=(0.0, 0.9))
    dopt = torch.optim.Adam(D.parameters(), lr=a.lr, betas=(0.0, 0.9))
    log = StepLog(out, ["dLoss", "gLoss"], 5)
    for step in range(1, a.steps + 1):
        idx = torch.randint(0, n, (a.batch,))
        x, y = x_all[idx], y_all[idx]
        z = torch.randn(a.batch, LATENT)
        yf = torch.randint(0, CLASSES, (a.batch,))
        with torch.no_grad():
            fake = G(torch.cat([z, onehot(yf)], 1))
        d_real, c_real = D(x, y, True)
        d_loss = F.relu(1 - d_real).mean() + F.relu(1 + D(fake, yf)).mean()
        if a.ac > 0:
            d_loss = d_loss + a.ac * F.cross_entropy(c_real, y)
        dopt.zero_grad()
        d_loss.backward()
        dopt.step()
        z = torch.randn(a.batch, LATENT)
        yf = torch.randint(0, CLASSES, (a.batch,))
        d_fake, c_fake = D(G(torch.cat([z, onehot(yf)], 1)), yf, True)
        g_loss = -d_fake.mean()
        if a.ac > 0:
            g_loss = g_loss + a.ac * F.cross_entropy(c_fake, yf)
        gopt.zero_grad()
        g_loss.backward()
        gopt.step()
        with torch.no_grad():
            for pe, pg in zip(E.parameters(), G.parameters()):
                pe.mul_(a.ema).add_(pg, alpha=1 - a.ema)
            for be, bg in zip(E.buffers(), G.buffers()):
                if be.dtype.is_floating_point:
                    be.mul_(a.ema).add_(bg, alpha=1 - a.ema)
                else:
                    be.copy_(bg)
        row = log.add(step, a.steps, [d_loss.item(), g_loss.item()])
        if row is not None and (step % 500 == 0 or step == a.steps):
            (dl, gl), sec = row
            print(f"step {step}/{a.steps} d {dl:.3f} g {gl:.3f} {sec:.0f} s", flush=True)
    seconds = log.seconds()
    # shipped weights are float16: round them so the fixture is what the tfjs model computes
    round_to_float16(list(E.parameters()) + [b for b in E.buffers() if b.dtype.is_floating_point])
    json.dump(export(E), open(os.path.join(out, "weights.json"), "w"))
    g = torch.Generator().manual_seed(123)
    zf = torch.randn(20, LATENT, generator=g)
    yf = torch.arange(20) % CLASSES
    with torch.no_grad():
        img = E(torch.cat([zf, onehot(yf)], 1)).permute(0, 2, 3, 1)  # NHWC
    json.dump({"inputs": torch.cat([zf, onehot(yf)], 1).tolist(), "outputs": img.flatten(1).tolist()}, open(os.path.join(out, "fixture.json"), "w"))
    info = {
        "command": f"/usr/bin/python3 scripts/training/train_cgan.py --data {a.data} --steps {a.steps} --batch {a.batch} --width {a.width} --dwidth {a.dwidth} --seed {a.seed} --lr {a.lr} --ema {a.ema}" + (f" --ac {a.ac}" if a.ac > 0 else ""),
        "steps": a.steps, "batch": a.batch, "width": a.width, "dwidth": a.dwidth, "seed": a.seed, "lr": a.lr, "ema": a.ema, "ac": a.ac,
        "seconds": round(seconds), "backend": f"PyTorch {torch.__version__} (CPU, {a.threads} threads)",
        "loss": "hinge; D: spectral norm + class projection" + (f" + auxiliary classifier (AC-GAN, weight {a.ac}, real labels only)" if a.ac > 0 else "") + "; G: one-hot class concatenated to the latent; EMA generator shipped",
    }
    json.dump(info, open(os.path.join(out, "train-info.json"), "w"), indent=2)
    print(f"done: {a.steps} steps in {seconds:.0f} s → {out}")


if __name__ == "__main__":
    main()
