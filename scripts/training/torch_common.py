"""What the PyTorch training scripts share (train_cgan.py, train_vae.py, train_inpaint_gan.py):
the prepared data (tmp/data, `npx tsx scripts/data/prepare.ts`), the loss log they write every
100 steps, float16 rounding of the shipped weights and the tensor layout export-torch.ts reads.
"""
import os
import time

import numpy as np
import torch


def load_images(data, split):
    """The 28×28 images of a prepared split as a float tensor [n, 1, 28, 28] in [0, 1]."""
    images = np.fromfile(f"tmp/data/{data}-{split}-images.u8", dtype=np.uint8).reshape(-1, 1, 28, 28)
    return torch.from_numpy(images.astype(np.float32) / 255.0)


def load_labels(data, split):
    return torch.from_numpy(np.fromfile(f"tmp/data/{data}-{split}-labels.u8", dtype=np.uint8).astype(np.int64))


class StepLog:
    """Means of the step losses over each 100 steps (and the last, shorter stretch), written to
    train-log.csv as `step,<columns>,seconds` with `digits` decimals."""

    def __init__(self, out, columns, digits):
        self.file = open(os.path.join(out, "train-log.csv"), "w")
        self.file.write(",".join(["step", *columns, "seconds"]) + "\n")
        self.digits = digits
        self.acc = np.zeros(len(columns))
        self.t0 = time.time()

    def add(self, step, steps, values):
        """Adds one step's values; at each 100th and the last step writes the row and returns
        (means, seconds since the start), else None."""
        self.acc += values
        if step % 100 != 0 and step != steps:
            return None
        k = 100 if step % 100 == 0 else step % 100
        means = self.acc / k
        sec = self.seconds()
        self.file.write(f"{step}," + ",".join(f"{v:.{self.digits}f}" for v in means) + f",{sec:.1f}\n")
        self.file.flush()
        self.acc[:] = 0
        return means, sec

    def seconds(self):
        return time.time() - self.t0


def round_to_float16(tensors):
    """Shipped weights are float16: round them in place, so fixtures are what the tfjs model computes."""
    with torch.no_grad():
        for t in tensors:
            t.copy_(t.half().float())


def as_tfjs(arrays):
    """{name: numpy array laid out as tfjs-layers holds it} → the weights.json export-torch.ts reads."""
    return {k: {"shape": list(v.shape), "values": v.flatten().tolist()} for k, v in arrays.items()}
