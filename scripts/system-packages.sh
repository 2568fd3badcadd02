#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages BackCare needs, only those that are missing.
#   scripts/system-packages.sh app    what the app needs (Qt's libraries, a font, sound)
#   scripts/system-packages.sh test   that, plus what the tests use (Xvfb, xdotool, a tray host,
#                                     PulseAudio, poppler-utils)
# As root it installs them with apt; otherwise it prints the exact command to run and stops.
set -euo pipefail
what=${1:-app}
app=(libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libxkbcommon0 libdbus-1-3
     fonts-dejavu-core libpulse0 libxrandr2 libx11-xcb1 libxcb-cursor0 libxcb-icccm4
     libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxcb-randr0
     libxkbcommon-x11-0 libxss1)
test=(xvfb xauth xdotool x11-utils trayer pulseaudio pulseaudio-utils poppler-utils)
wanted=("${app[@]}")
[ "$what" = test ] && wanted+=("${test[@]}")
command -v dpkg >/dev/null || { echo "system-packages: not a Debian-like system; install Qt 6's runtime libraries yourself" >&2; exit 0; }
# Debian's own python3 has no venv module until python3-venv is installed
python3 -c 'import ensurepip, venv' 2>/dev/null || wanted+=(python3-venv)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "BackCare needs these system packages first:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "system-packages: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
