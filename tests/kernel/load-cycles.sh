#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest side (runner started with --no-driver): load the module, stream a
# few frames from two channels, unload; COUNT times. The runner fails the
# test on any kernel warning.
set -u
stream=$1 count=${2:-50}
ko=${TEGRACSI_BUILD_DIR:?}/kernel/tegra-csi-sg.ko

for dep in $(modinfo -F depends "$ko" | tr , ' '); do
	modprobe "$dep" || { echo "FAIL: modprobe $dep"; exit 1; }
done
i=0
while [ $i -lt "$count" ]; do
	i=$((i + 1))
	insmod "$ko" virtual_channels=2 || { echo "FAIL: insmod, cycle $i"; exit 1; }
	"$stream" --channels 2 --frames 3 >/tmp/stream.log 2>&1 ||
		{ cat /tmp/stream.log; echo "FAIL: streaming, cycle $i"; exit 1; }
	rmmod tegra_csi_sg || { echo "FAIL: rmmod, cycle $i"; exit 1; }
done
echo "ok: $count load/stream/unload cycles"
