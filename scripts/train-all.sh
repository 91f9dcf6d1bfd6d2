#!/bin/sh
# Rebuilds every shipped model from a fresh clone (fixed seeds and step counts; wasm backend).
# Two streams run side by side (2 cores): stream A = classifiers and GANs, stream B = VAEs.
# Logs go to tmp/train-*.log; loss curves to public/models/<name>/train-log.csv.
#   sh scripts/train-all.sh            # everything (data prep first)
#   sh scripts/train-all.sh A | B      # one stream only
set -e
cd "$(dirname "$0")/.."
T="npx tsx"
streamA() {
  $T scripts/train-classifier.ts --data mnist --steps 800 > tmp/train-classifier-mnist.log 2>&1
  $T scripts/train-gan.ts --data mnist --steps 1500 --width 32 > tmp/train-gan-mnist.log 2>&1
  $T scripts/train-classifier.ts --data fashion --steps 800 > tmp/train-classifier-fashion.log 2>&1
  $T scripts/train-gan.ts --data fashion --steps 1000 --width 32 > tmp/train-gan-fashion.log 2>&1
}
streamB() {
  $T scripts/train-vae.ts --data mnist --steps 4000 > tmp/train-vae-mnist.log 2>&1
  $T scripts/train-vae.ts --data fashion --steps 2000 > tmp/train-vae-fashion.log 2>&1
}
mkdir -p tmp
case "${1:-all}" in
  A) streamA ;;
  B) streamB ;;
  *) $T scripts/data/prepare.ts; streamA & streamB; wait ;;
esac
