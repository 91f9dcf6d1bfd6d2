#!/bin/sh
# Rebuilds every shipped model from a fresh clone: the exact commands (fixed seeds and step
# counts; tfjs on the wasm backend; the conditional GANs, the MNIST VAE and the digit inpainter with
# PyTorch, exported to tfjs by export-torch.ts) that made the weights in
# public/models. Each run writes its loss
# curve to public/models/<name>/train-log.csv and its command and time to train-info.json.
# Two streams run side by side (the machine has 2 cores); logs go to tmp/train-*.log.
#   sh scripts/training/train-all.sh            # data preparation, then both streams
#   sh scripts/training/train-all.sh A | B      # one stream only
set -e
cd "$(dirname "$0")/../.."
T="npx tsx"
streamA() {
  $T scripts/training/train-classifier.ts --data mnist --steps 3000 > tmp/train-classifier-mnist.log 2>&1
  # the class-conditional MNIST GAN: PyTorch on the CPU (Debian python3-torch), exported to tfjs
  /usr/bin/python3 scripts/training/train_cgan.py --data mnist --steps 4000 --ac 1 --threads 1 > tmp/train-cgan-mnist.log 2>&1
  $T scripts/training/export-torch.ts --kind cgan --data mnist >> tmp/train-cgan-mnist.log 2>&1
  # the digit inpainter of inpaint method gan
  /usr/bin/python3 scripts/training/train_inpaint_gan.py --steps 4000 --threads 1 > tmp/train-inpaint-gan.log 2>&1
  $T scripts/training/export-torch.ts --kind inpaint --data mnist >> tmp/train-inpaint-gan.log 2>&1
  $T scripts/training/train-vae.ts --data fashion --steps 2500 > tmp/train-vae-fashion.log 2>&1
}
streamB() {
  /usr/bin/python3 scripts/training/train_vae.py --data mnist --steps 4000 --batch 128 --beta 0.25 --threads 1 > tmp/train-vae-mnist.log 2>&1
  $T scripts/training/export-torch.ts --kind vae --data mnist >> tmp/train-vae-mnist.log 2>&1
  $T scripts/training/train-classifier.ts --data fashion --steps 3000 > tmp/train-classifier-fashion.log 2>&1
  /usr/bin/python3 scripts/training/train_cgan.py --data fashion --steps 4000 --ac 1 --threads 1 > tmp/train-cgan-fashion.log 2>&1
  $T scripts/training/export-torch.ts --kind cgan --data fashion >> tmp/train-cgan-fashion.log 2>&1
}
mkdir -p tmp
case "${1:-all}" in
  A) streamA ;;
  B) streamB ;;
  *) $T scripts/data/prepare.ts; streamA & streamB; wait ;;
esac
