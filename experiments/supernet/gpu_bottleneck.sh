#!/bin/bash
# Bottleneck training on a lent GPU machine (the `device` tool's run; PyTorch is there). The
# training set travels packed (pack_data.py -> .gpu/cifar10-jpeg, 25.6 MB; name it in the run's
# `carry`). The GPU recipe of ../shared/BOTTLENECK.md: batch 256, MINUTES of training time per
# position, positions one after another; 2x2-patch modules (bottleneck.py's default --patch 2),
# starting from their PCA. Resumable across sessions: the run starts from
# store/bottleneck-gpu.pt when it is committed (copy $OUT/bottleneck-gpu.pt there after a run),
# so a later session adds positions (POSITIONS=5,13,17) or extends finished ones (EXTEND=1).
# A SIGTERM (the timeout below, sized to fit the device budget) still leaves a checkpoint.
#   run (device): bash experiments/supernet/gpu_bottleneck.sh 1.5        carry: [".gpu"]
#   then here:    cp <files_at>/bottleneck-gpu.pt experiments/supernet/store/
#                 bottleneck_eval.py --checkpoint experiments/supernet/store/bottleneck-gpu.pt …
#                 export_bottleneck.py --checkpoint experiments/supernet/store/bottleneck-gpu.pt
# DEVICE=cpu with a tiny MINUTES checks the script on a machine without a GPU.
set -u
MIN=${1:-1.5}
POSITIONS=${POSITIONS:-1,9,10}  # the weakest after CPU training; 3 x 1.5 min fits one 600-s device call
DEVICE=${DEVICE:-cuda}
OUT=${OUT:?set OUT (the device tool sets it)}
DATA=${DATA:-.gpu/cifar10-jpeg}
PY=${PYTHON:-python3}  # here: PYTHON=/usr/bin/python3 (Debian's torch)
RESUME=experiments/supernet/store/bottleneck-gpu.pt
CK=$(mktemp -d)
mkdir -p "$CK/gpu"
[ -s "$RESUME" ] && cp "$RESUME" "$CK/gpu/checkpoint.pt" && echo "resuming from $RESUME"
if [ "$DEVICE" = cuda ]; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
fi
"$PY" -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())" || exit 1
n=$(echo "$POSITIONS" | tr ',' '\n' | wc -l)
# Training minutes per position plus ≈ 1 min of PCA start and loading per position.
limit=$("$PY" -c "print(int(($MIN + 1) * 60 * $n + 60))")
extend=()
[ "${EXTEND:-0}" = 1 ] && extend=(--extend)
PYTHONUNBUFFERED=1 timeout -s TERM "$limit" "$PY" experiments/supernet/bottleneck.py \
  --data-dir "$DATA" --run gpu --checkpoint-dir "$CK" --device "$DEVICE" --positions "$POSITIONS" \
  --minutes "$MIN" --batch "${BATCH:-256}" --threads "${THREADS:-8}" --ckpt-minutes 1 "${extend[@]}" \
  2>&1 | tee "$OUT/train.out"
if [ ! -s "$CK/gpu/checkpoint.pt" ]; then
  echo "gpu_bottleneck.sh: no checkpoint was written (see train.out)" >&2
  exit 1
fi
cp "$CK/gpu/checkpoint.pt" "$OUT/bottleneck-gpu.pt"
gzip -c "$CK/gpu/log.jsonl" > "$OUT/log.jsonl.gz"
cp "$CK/gpu/config.json" "$OUT/" 2>/dev/null
ls -la "$OUT"
