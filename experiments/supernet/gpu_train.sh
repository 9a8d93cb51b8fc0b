#!/bin/bash
# Supernet training on a lent GPU machine (the `device` tool's run; PyTorch is there, the data
# travels packed by pack_data.py in .gpu/cifar10-jpeg, git-ignored: the run carries [".gpu"]). Warm-starts from INIT (default: the
# committed weights-only checkpoint of the last GPU run; the shipped store came from
# INIT=store/resume-main.pt of commit bf24333, the session-1 CPU run), trains MINUTES of training time with the sandwich rule + in-place distillation
# (bf16 autocast, batch 256, images augmented on the GPU) and leaves in $OUT a weights-only fp16
# checkpoint (rewritten every minute, so a killed run still returns weights) and the logs.
#   run: bash experiments/supernet/gpu_train.sh 7
set -u
MIN=${1:-7}
INIT=${INIT:-experiments/supernet/store/resume-gpu.pt}
CK=$(mktemp -d)  # full checkpoints stay on the machine; only the slim copy comes back
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c "import torch, numpy; print('torch', torch.__version__, 'numpy', numpy.__version__, 'cuda', torch.cuda.is_available())"
train() {
  PYTHONUNBUFFERED=1 timeout -s TERM $((MIN * 60 + 60)) python3 experiments/supernet/train.py \
    --data-dir .gpu/cifar10-jpeg --run gpu --checkpoint-dir "$CK" --fresh --device cuda \
    --init-from "$INIT" --recipe sandwich --sandwich-random 2 \
    --widen-start 0 --widen-end 0 --batch 256 --lr 0.1 --warmup 0.03 --minutes "$1" \
    --ckpt-minutes 1 --val-every 1000 --val-images 1000 --log-every 200 --threads 8 \
    --slim-copy "$OUT/slim.pt" "${@:2}" 2>&1 | tee -a "$OUT/train.out"
}
train "$MIN" --amp
if [ ! -s "$OUT/slim.pt" ]; then  # bf16 path failed before its first checkpoint: plain fp32
  echo "retrying without --amp" | tee -a "$OUT/train.out"
  train $((MIN - 1))
fi
gzip -c "$CK"/gpu/log.jsonl > "$OUT/log.jsonl.gz"
cp "$CK"/gpu/val.jsonl "$CK"/gpu/config.json "$OUT/" 2>/dev/null
ls -la "$OUT"
