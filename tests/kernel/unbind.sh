#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest side: unbind the device through sysfs while a process streams from
# it. The process must see an error, the kernel must not complain (the
# runner checks the log), and a rebound device must stream again.
set -u
stream=$1
drv=/sys/bus/platform/drivers/tegra-csi-sg-virt
dev=tegra-csi-sg-virt

"$stream" --seconds 60 --expect-error &
pid=$!
sleep 3
echo "# unbinding $dev"
echo "$dev" > "$drv/unbind" || { echo "FAIL: unbind"; exit 1; }
wait $pid
rc=$?
[ $rc -eq 0 ] || { echo "FAIL: the streaming process did not get an error ($rc)"; exit 1; }

echo "$dev" > "$drv/bind" || { echo "FAIL: bind"; exit 1; }
udevadm settle 2>/dev/null || sleep 1
"$stream" --frames 10 || { echo "FAIL: no streaming after rebinding"; exit 1; }
echo "ok: unbind while streaming gave the process an error; rebinding works"
