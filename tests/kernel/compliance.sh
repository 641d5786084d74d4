#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest side of the compliance tests: v4l2-compliance streaming in all io
# modes (DMABUF imported from vivid) on channel 0, then the media device.
# Usage: compliance.sh LABEL [contig-exporter]
# (needs vivid loaded: tests/vm/run --with vivid). contig-exporter reloads
# vivid with its dma-contig allocator, for a driver in contig DMA mode: it
# takes only dma-bufs that are one contiguous bus address range, and
# vivid's default vmalloc buffers are scattered.
set -u
. "$(dirname "$0")/lib.sh"
label=${1:-compliance}
logs=${TEGRACSI_BUILD_DIR:-/tmp}/kernel-test-logs
mkdir -p "$logs"

if [ "${2:-}" = contig-exporter ]; then
	rmmod vivid && modprobe vivid allocators=1 || exit 1
fi
node=$(tcs_node 0) || exit 1
media=$(tcs_media) || exit 1
vivid=$(dev_by_name vivid-000-vid-cap) || exit 1
# The exporter's buffers must be at least as large as ours (1920x1080 UYVY).
v4l2-ctl -d "$vivid" -v width=1920,height=1080,pixelformat=YUYV || exit 1

# v4l2-compliance queues one USERPTR buffer at page offset 0xff8, 8-byte
# aligned. An engine that needs more (Tegra210's VI: 64 bytes, see
# docs/driver.md) refuses it with EINVAL at VIDIOC_PREPARE_BUF, which the
# tool reports as two lines for each of its two USERPTR runs (its
# setupUserPtr() and the caller): those exact lines are expected then, provided the driver logged
# that very refusal. Every other USERPTR result still counts, and
# tcs-frames streams USERPTR memory of the right alignment on such engines.
align=$(v4l2-ctl -d "$node" -C dma_start_alignment 2>/dev/null | sed -n 's/.*: *//p')
expected=
if [ "${align:-0}" -gt 8 ]; then
	# the refusal is a debug message
	echo 'file tcs-dma.c +p' >/sys/kernel/debug/dynamic_debug/control || exit 1
	expected="fail: v4l2-test-buffers.cpp\([0-9]+\): (ret && ret != ENOTTY \(got 22\)|setupUserPtr\(node, q\))"
	echo "$label: DMA start alignment $align: v4l2-compliance's 8-byte aligned USERPTR buffer must be refused"
fi

rc=0
# Frames lost because v4l2-compliance had no buffer queued (it streams with
# one or two buffers, and the guest is slow) take sequence numbers, so
# v4l2-compliance warns about the gap; compliance_ok accepts such warnings
# when this counter accounts for every missing frame.
dropped=$(tcs_stat 0 frames_dropped)
v4l2-compliance -d "$node" -s 50 -e "$vivid" >"$logs/$label-stream.log" 2>&1
dropped=$(($(tcs_stat 0 frames_dropped) - dropped))
echo "$label: $dropped frame(s) lost for lack of a queued buffer"
# a driver that offers no USERPTR (contig mode on Tegra210) has nothing
# to refuse
if tr '\r' '\n' <"$logs/$label-stream.log" | grep -q "test USERPTR (no poll): OK (Not Supported)"; then
	[ -n "$expected" ] && echo "$label: USERPTR is not offered"
	expected=
fi
if [ -n "$expected" ]; then
	# the refusal logged for a plane start off the alignment
	if ! dmesg | grep -qE "ch0: plane 0 starts at 0x[0-9a-f]*, the engine needs $align-byte alignment"; then
		echo "$label: the driver logged no refusal of a misaligned USERPTR plane"
		rc=1
	fi
fi
TCS_EXPECTED_FAILS=$expected TCS_EXPECTED_COUNT=4 TCS_EXPECTED_TESTS=2 \
	compliance_ok "$label streaming $node (-s 50 -e $vivid)" \
	"$logs/$label-stream.log" "$dropped" || rc=1
v4l2-compliance -m "$media" >"$logs/$label-media.log" 2>&1
compliance_ok "$label media $media (-m)" "$logs/$label-media.log" || rc=1
exit $rc
