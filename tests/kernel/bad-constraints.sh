#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest side (runner started with --no-driver and the two --expect-log
# patterns of the meson test): a backend whose DMA constraints cannot work
# (the virtual one with virtual_max_seg_size=0, which once divided by
# zero) fails its probe with a message naming the field, creates no node,
# and unloads cleanly.
set -u
core=${TEGRACSI_CORE_KO:?} virt=${TEGRACSI_VIRT_KO:?}
for dep in $(modinfo -F depends "$core" "$virt" | tr ', ' '\n\n' | grep -vx 'tegra-csi-sg\|'); do
	modprobe "$dep" || { echo "FAIL: modprobe $dep"; exit 1; }
done
insmod "$core" || { echo "FAIL: insmod core"; exit 1; }
insmod "$virt" virtual_max_seg_size=0 || { echo "FAIL: insmod virt"; exit 1; }
rc=0
if [ -e /sys/bus/platform/devices/tegra-csi-sg-virt/driver ]; then
	echo "FAIL: the device bound with max_seg_size 0"; rc=1
fi
if grep -q '^tegra-csi-sg' /sys/class/video4linux/*/name 2>/dev/null; then
	echo "FAIL: a video node exists"; rc=1
fi
dmesg | grep -q 'DMA constraints are invalid: max_seg_size' ||
	{ echo "FAIL: no message naming max_seg_size"; rc=1; }
rmmod tegra_csi_sg_virt && rmmod tegra_csi_sg || { echo "FAIL: rmmod"; rc=1; }
[ $rc -eq 0 ] && echo "ok: max_seg_size 0 fails probe with its name, no node, clean unload"
exit $rc
