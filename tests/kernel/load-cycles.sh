#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest side (runner started with --no-driver): load the core and the
# virtual backend, stream a few frames from two channels, unload both;
# COUNT times. The runner fails the test on any kernel warning.
set -u
stream=$1 count=${2:-50}
core=${TEGRACSI_CORE_KO:?} virt=${TEGRACSI_VIRT_KO:?}

# the stock modules both depend on (v4l2-tpg, videobuf2, ...)
for dep in $(modinfo -F depends "$core" "$virt" | tr ', ' '\n\n' | grep -vx 'tegra-csi-sg\|'); do
	modprobe "$dep" || { echo "FAIL: modprobe $dep"; exit 1; }
done
i=0
while [ $i -lt "$count" ]; do
	i=$((i + 1))
	insmod "$core" || { echo "FAIL: insmod core, cycle $i"; exit 1; }
	insmod "$virt" virtual_channels=2 || { echo "FAIL: insmod virt, cycle $i"; exit 1; }
	"$stream" --channels 2 --frames 3 >/tmp/stream.log 2>&1 ||
		{ cat /tmp/stream.log; echo "FAIL: streaming, cycle $i"; exit 1; }
	rmmod tegra_csi_sg_virt || { echo "FAIL: rmmod virt, cycle $i"; exit 1; }
	rmmod tegra_csi_sg || { echo "FAIL: rmmod core, cycle $i"; exit 1; }
done
echo "ok: $count load/stream/unload cycles"
