#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest side (virtual_devices=2 virtual_channels=2): two instances of the
# driver side by side, each with its own debugfs folder (named after its
# device) and its own node names; both stream, and each one's counters
# count only its own frames.
set -u
. "$(dirname "$0")/lib.sh"
rc=0
d0=/sys/kernel/debug/tegra-csi-sg/tegra-csi-sg-virt
d1=/sys/kernel/debug/tegra-csi-sg/tegra-csi-sg-virt.1
for d in $d0/0 $d0/1 $d1/0 $d1/1; do
	[ -r "$d/stats" ] || { echo "FAIL: no $d/stats"; rc=1; }
done
n0=$(dev_by_name "tegra-csi-sg ch0") || rc=1
n1=$(dev_by_name "tegra-csi-sg.1 ch0") || rc=1
[ $rc -eq 0 ] || exit 1
before0=$(awk '$1 == "frames_produced" { print $2 }' $d0/0/stats)
before1=$(awk '$1 == "frames_produced" { print $2 }' $d1/0/stats)
v4l2-ctl -d "$n1" -v width=320,height=240 --stream-mmap --stream-count=8 >/dev/null 2>&1 ||
	{ echo "FAIL: streaming from $n1"; rc=1; }
after0=$(awk '$1 == "frames_produced" { print $2 }' $d0/0/stats)
after1=$(awk '$1 == "frames_produced" { print $2 }' $d1/0/stats)
echo "instance 1 channel 0: $before1 -> $after1 frames; instance 0 channel 0: $before0 -> $after0"
[ "$((after1 - before1))" -ge 8 ] || { echo "FAIL: instance 1 counted $((after1 - before1)) frames"; rc=1; }
[ "$after0" = "$before0" ] || { echo "FAIL: instance 0 counted frames it did not produce"; rc=1; }
v4l2-ctl -d "$n0" -v width=320,height=240 --stream-mmap --stream-count=4 >/dev/null 2>&1 ||
	{ echo "FAIL: streaming from $n0"; rc=1; }
[ $rc -eq 0 ] && echo "ok: two instances, own debugfs folders and node names, both stream"
exit $rc
