#!/usr/bin/env bash
# Installs the Debian packages some nasc tasks use outside npm; running nasc needs none of them
# (plots are rendered in-process by @resvg/resvg-js). Idempotent; needs root (or sudo).
#   browser  chromium (headless browser test of report.html; CI installs it)
#   bench    python3-deap (peer timings for npm run bench:engine)
#   training python3-torch, python3-onnx, python3-numpy, python3-pil (supernet training, fixtures,
#            the packed training set of pack_data.py for a lent GPU)
#   queue    redis-server (distributed evaluation: the tests start their own instance; the service
#            Debian enables on install is not used)
# Usage: experiments/setup/debian.sh COMPONENT...
set -euo pipefail
want=("$@")
if [ ${#want[@]} -eq 0 ]; then
  echo "debian.sh: name what to install: browser, bench, training, queue (nasc itself needs none)" >&2
  exit 2
fi
pkgs=()
for w in "${want[@]}"; do
  case "$w" in
    browser) pkgs+=(chromium) ;;
    bench) pkgs+=(python3-deap) ;;
    training) pkgs+=(python3-torch python3-onnx python3-numpy python3-pil) ;;
    queue) pkgs+=(redis-server) ;;
    *) echo "debian.sh: unknown component '$w' (browser, bench, training, queue)" >&2; exit 2 ;;
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
