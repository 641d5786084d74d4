#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest side of the compliance tests: v4l2-compliance streaming in all io
# modes (DMABUF imported from vivid) on channel 0, then the media device.
# Usage: compliance.sh LABEL   (needs vivid loaded: tests/vm/run --with vivid)
set -u
. "$(dirname "$0")/lib.sh"
label=${1:-compliance}
logs=${TEGRACSI_BUILD_DIR:-/tmp}/kernel-test-logs
mkdir -p "$logs"

node=$(tcs_node 0) || exit 1
media=$(tcs_media) || exit 1
vivid=$(dev_by_name vivid-000-vid-cap) || exit 1
# The exporter's buffers must be at least as large as ours (1920x1080 UYVY).
v4l2-ctl -d "$vivid" -v width=1920,height=1080,pixelformat=YUYV || exit 1

rc=0
# Frames lost because v4l2-compliance had no buffer queued (it streams with
# one or two buffers, and the guest is slow) take sequence numbers, so
# v4l2-compliance warns about the gap; compliance_ok accepts such warnings
# when this counter accounts for every missing frame.
dropped=$(tcs_stat 0 frames_dropped)
v4l2-compliance -d "$node" -s 50 -e "$vivid" >"$logs/$label-stream.log" 2>&1
dropped=$(($(tcs_stat 0 frames_dropped) - dropped))
echo "$label: $dropped frame(s) lost for lack of a queued buffer"
compliance_ok "$label streaming $node (-s 50 -e $vivid)" \
	"$logs/$label-stream.log" "$dropped" || rc=1
v4l2-compliance -m "$media" >"$logs/$label-media.log" 2>&1
compliance_ok "$label media $media (-m)" "$logs/$label-media.log" || rc=1
exit $rc
