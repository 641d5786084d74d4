#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Usage: SRCDIR OUTDIR KDIR [BREAKAGE]. Builds tegra-csi-sg.ko, tegra-csi-sg-virt.ko
# and tegra-csi-sg-t210-model.ko
# out of tree. Kbuild writes its objects next to the sources (M=), so the
# sources are copied to OUTDIR/src first; the modules end up in OUTDIR.
# BREAKAGE (meson's -Dbreakage, tests/breakage/ only) compiles in one
# deliberate bug: TCS_BREAK_<NAME>.
set -eu
src=$1 out=$2 kdir=$3 breakage=${4:-none}
flags=""
case $breakage in
none) ;;
contig-probe|dead-channel|leak-iova|t210-no-stall|t210-endless-retry) flags="-DTCS_BREAK_$(echo "$breakage" | tr a-z- A-Z_)" ;;
*) ;;	# a breakage of the element: nothing here
esac

mkdir -p "$out/src/include/uapi/linux"
for f in "$src"/Kbuild "$src"/*.c "$src"/*.h; do
	cmp -s "$f" "$out/src/${f##*/}" || cp "$f" "$out/src/"
done
f=$src/include/uapi/linux/tegra-csi-sg.h
cmp -s "$f" "$out/src/include/uapi/linux/tegra-csi-sg.h" ||
	cp "$f" "$out/src/include/uapi/linux/"

# No vmlinux in the headers package, so no BTF for the module.
# A change of BREAKAGE must rebuild everything.
if [ "$(cat "$out/breakage" 2>/dev/null)" != "$breakage" ]; then
	make -s -C "$kdir" M="$out/src" clean
	echo "$breakage" >"$out/breakage"
fi
make -s -C "$kdir" M="$out/src" W=1 CONFIG_DEBUG_INFO_BTF_MODULES= \
	TCS_BREAK_FLAGS="$flags" modules
for m in tegra-csi-sg tegra-csi-sg-virt tegra-csi-sg-t210-model; do
	cp "$out/src/$m.ko" "$out/$m.ko.tmp"
	mv "$out/$m.ko.tmp" "$out/$m.ko"
done
