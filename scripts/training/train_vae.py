#!/usr/bin/python3
"""Trains the convolutional VAE of vae.encode / vae.decode (latent 16) on MNIST or Fashion-MNIST
(train split only) with PyTorch on the CPU, layer for layer the tfjs model of
scripts/training/train-common.ts (vaeEncoder / vaeDecoder), and exports it for tfjs.

    /usr/bin/python3 scripts/training/train_vae.py --data mnist --steps 20000 [--batch 128] [--seed 1]
        [--lr 1e-3] [--threads 1] [--out tmp/vae/mnist]
    npx tsx scripts/training/export-torch.ts --kind vae --data mnist --from tmp/vae/mnist

Needs Debian's python3-torch and the data prepared by `npx tsx scripts/data/prepare.ts`.
Loss per image: binary cross-entropy summed over pixels + β·KL(q(z|x) ‖ N(0, I)) — with β = 1
(the default) the objective of scripts/training/train-vae.ts (tfjs), which is 20–50× slower here; β < 1
(a β-VAE, Higgins et al. 2017, here below 1) lets the latent carry more of the digit, for
sharper round trips at the price of a looser fit of the prior. Adam, the learning rate
divided by 10 for the last 20 % of the steps.

tfjs "same" padding of a stride-2 3×3 convolution on an even size pads one row and column at the
bottom and right only (PyTorch's padding=1 would pad both sides and shift the grid); the
transposed convolution is its adjoint: the full output cropped at the bottom and right. Both are
written out below so the exported model computes exactly what was trained (checked by the
export within 1e-4).

Writes to --out: weights.json (tensors named and laid out as tfjs-layers holds them),
fixture.json (decoder and encoder outputs for fixed inputs, weights rounded to float16 as
shipped), train-log.csv (step, loss, recon, kl, seconds), train-info.json.
"""
import argparse
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_common import StepLog, as_tfjs, load_images, round_to_float16

LATENT = 16


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="mnist", choices=["mnist", "fashion"])
    p.add_argument("--steps", type=int, default=20000)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--beta", type=float, default=1.0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", default=None)
    return p.parse_args()


def same_s2(x):
    """tfjs 'same' padding of a 3×3 stride-2 convolution on an even size: bottom/right only."""
    return F.pad(x, (0, 1, 0, 1))


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc_conv1 = nn.Conv2d(1, 32, 3, 2)
        self.enc_conv2 = nn.Conv2d(32, 64, 3, 2)
        self.enc_dense = nn.Linear(7 * 7 * 64, 128)
        self.mean = nn.Linear(128, LATENT)
        self.logVar = nn.Linear(128, LATENT)
        nn.init.zeros_(self.logVar.weight)
        nn.init.zeros_(self.logVar.bias)

    def forward(self, x):
        h = F.relu(self.enc_conv1(same_s2(x)))
        h = F.relu(self.enc_conv2(same_s2(h)))
        h = h.permute(0, 2, 3, 1).flatten(1)  # tfjs flattens channels last
        h = F.relu(self.enc_dense(h))
        return self.mean(h), self.logVar(h)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.dec_dense = nn.Linear(LATENT, 7 * 7 * 64)
        self.dec_deconv1 = nn.ConvTranspose2d(64, 64, 3, 2)
        self.dec_deconv2 = nn.ConvTranspose2d(64, 32, 3, 2)
        self.image = nn.Conv2d(32, 1, 3, padding=1)

    def forward(self, z):
        h = F.relu(self.dec_dense(z)).view(-1, 7, 7, 64).permute(0, 3, 1, 2)
        h = F.relu(self.dec_deconv1(h)[:, :, :14, :14])
        h = F.relu(self.dec_deconv2(h)[:, :, :28, :28])
        return torch.sigmoid(self.image(h))


def export(modules):
    out = {}
    for m in modules:
        for name, layer in m.named_children():
            w = layer.weight.detach().numpy().astype(np.float32)
            if isinstance(layer, nn.Linear):
                out[f"{name}/kernel"] = w.T
            else:  # Conv2d [out, in, kh, kw] / ConvTranspose2d [in, out, kh, kw] → [kh, kw, ·, ·]
                out[f"{name}/kernel"] = w.transpose(2, 3, 1, 0)
            out[f"{name}/bias"] = layer.bias.detach().numpy().astype(np.float32)
    return as_tfjs(out)


def main():
    a = parse()
    out = a.out or f"tmp/vae/{a.data}"
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    x_all = load_images(a.data, "train")
    x_test = load_images(a.data, "test")[:2000]
    n = len(x_all)
    enc, dec = Encoder(), Decoder()
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params, lr=a.lr)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, [int(a.steps * 0.8)], 0.1)
    log = StepLog(out, ["loss", "recon", "kl"], 4)
    for step in range(1, a.steps + 1):
        x = x_all[torch.randint(0, n, (a.batch,))]
        m, lv = enc(x)
        z = m + torch.exp(0.5 * lv) * torch.randn_like(m)
        p = dec(z).clamp(1e-6, 1 - 1e-6)
        recon = -(x * torch.log(p) + (1 - x) * torch.log(1 - p)).flatten(1).sum(1).mean()
        kl = (-0.5 * (1 + lv - m * m - torch.exp(lv)).sum(1)).mean()
        loss = recon + a.beta * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        row = log.add(step, a.steps, [loss.item(), recon.item(), kl.item()])
        if row is not None:
            (l, r, kk), sec = row
            if step % 1000 == 0 or step == a.steps:
                with torch.no_grad():
                    mt, _ = enc(x_test)
                    mse = ((dec(mt) - x_test) ** 2).flatten(1).mean(1)
                    psnr = (-10 * torch.log10(mse.clamp_min(1e-10))).mean().item()
                print(f"step {step}/{a.steps} loss {l:.2f} recon {r:.2f} kl {kk:.2f} test PSNR {psnr:.2f} dB {sec:.0f} s", flush=True)
    seconds = log.seconds()
    enc.eval()
    dec.eval()
    round_to_float16(params)
    json.dump(export([enc, dec]), open(os.path.join(out, "weights.json"), "w"))
    g = torch.Generator().manual_seed(123)
    z = torch.randn(8, LATENT, generator=g)
    x = x_test[:8]
    with torch.no_grad():
        img = dec(z).permute(0, 2, 3, 1)
        m, lv = enc(x)
    json.dump(
        {
            "latents": z.tolist(),
            "decoded": img.flatten(1).tolist(),
            "images": x.permute(0, 2, 3, 1).flatten(1).tolist(),
            "mean": m.tolist(),
            "logVar": lv.tolist(),
        },
        open(os.path.join(out, "fixture.json"), "w"),
    )
    info = {
        "command": f"/usr/bin/python3 scripts/training/train_vae.py --data {a.data} --steps {a.steps} --batch {a.batch} --seed {a.seed} --lr {a.lr}" + (f" --beta {a.beta}" if a.beta != 1 else ""),
        "steps": a.steps, "batch": a.batch, "seed": a.seed, "lr": a.lr, "beta": a.beta,
        "seconds": round(seconds), "backend": f"PyTorch {torch.__version__} (CPU, {a.threads} threads)",
        "loss": "binary cross-entropy summed over pixels + " + (f"{a.beta} × " if a.beta != 1 else "") + "KL; Adam, lr ÷10 for the last 20 % of the steps",
    }
    json.dump(info, open(os.path.join(out, "train-info.json"), "w"), indent=2)
    print(f"done: {a.steps} steps in {seconds:.0f} s → {out}")


if __name__ == "__main__":
    main()
