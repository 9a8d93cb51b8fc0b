#!/usr/bin/env bash
# Installs the Debian packages nasc uses outside npm. Idempotent; needs root (or sudo).
#   base     librsvg2-bin (SVG → PNG for plots)                      — runs and tests
#   bench    python3-deap (peer timings for npm run bench:engine)
#   training python3-torch, python3-onnx, python3-numpy (supernet training and fixtures)
#   queue    redis-server (distributed evaluation: the tests start their own instance; the service
#            Debian enables on install is not used)
# Usage: experiments/setup/debian.sh [base] [bench] [training] [queue]   (default: base)
set -euo pipefail
want=("$@")
[ ${#want[@]} -eq 0 ] && want=(base)
pkgs=()
for w in "${want[@]}"; do
  case "$w" in
    base) pkgs+=(librsvg2-bin) ;;
    bench) pkgs+=(python3-deap) ;;
    training) pkgs+=(python3-torch python3-onnx python3-numpy) ;;
    queue) pkgs+=(redis-server) ;;
    *) echo "debian.sh: unknown component '$w' (base, bench, training, queue)" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
