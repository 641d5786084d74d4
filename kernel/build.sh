#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Usage: SRCDIR OUTDIR KDIR. Builds tegra-csi-sg.ko out of tree.
# Kbuild writes its objects next to the sources (M=), so the sources are
# copied to OUTDIR/src first; the module ends up as OUTDIR/tegra-csi-sg.ko.
set -eu
src=$1 out=$2 kdir=$3

mkdir -p "$out/src/include/uapi/linux"
for f in "$src"/Kbuild "$src"/*.c "$src"/*.h; do
	cmp -s "$f" "$out/src/${f##*/}" || cp "$f" "$out/src/"
done
f=$src/include/uapi/linux/tegra-csi-sg.h
cmp -s "$f" "$out/src/include/uapi/linux/tegra-csi-sg.h" ||
	cp "$f" "$out/src/include/uapi/linux/"

# No vmlinux in the headers package, so no BTF for the module.
make -s -C "$kdir" M="$out/src" W=1 CONFIG_DEBUG_INFO_BTF_MODULES= modules
cp "$out/src/tegra-csi-sg.ko" "$out/tegra-csi-sg.ko.tmp"
mv "$out/tegra-csi-sg.ko.tmp" "$out/tegra-csi-sg.ko"
