# SPDX-License-Identifier: GPL-2.0-only
# Helpers for the kernel tests; sourced by scripts that run in the guest.

# dev_by_name NAME: /dev/videoN of the video node called NAME
dev_by_name() {
	for n in /sys/class/video4linux/video*; do
		[ "$(cat "$n/name" 2>/dev/null)" = "$1" ] || continue
		echo "/dev/${n##*/}"
		return 0
	done
	echo "no video node named '$1'" >&2
	return 1
}

# tcs_node CHANNEL: the tegra-csi-sg video node of CHANNEL
tcs_node() {
	dev_by_name "tegra-csi-sg ch$1"
}

# tcs_media: the tegra-csi-sg media device
tcs_media() {
	for m in /dev/media*; do
		if media-ctl -d "$m" -p 2>/dev/null |
		   grep -q "^driver  *tegra-csi-sg$"; then
			echo "$m"
			return 0
		fi
	done
	echo "no tegra-csi-sg media device" >&2
	return 1
}

# seq_gaps LOG: frames missing according to v4l2-compliance's warnings
# "got sequence number N, expected M" (N - M each), summed
seq_gaps() {
	tr '\r' '\n' <"$1" |
		sed -n 's/.*warn:.*got sequence number \([0-9]*\), expected \([0-9]*\).*/\1 \2/p' |
		awk '{ n += $1 - $2 } END { print n + 0 }'
}

# compliance_ok LABEL LOG [DROPPED]: check a v4l2-compliance log for
# 0 failures and 0 warnings, print its totals line prefixed with LABEL.
#
# Two failures are the tool's, not the driver's, and vivid has them too:
# v4l2-compliance 1.22.1 (Debian 12's) expects the NV16/NV12 family to be
# described "Y/CbCr 4:2:x", which the 6.1 kernel core renamed "Y/UV 4:2:x"
# after the tool was released (../shared/TESTWORLD.md); and on kernels from
# 6.10 on (6.12 here) it finds VIDIOC_CREATE_BUFS's reserved bytes set,
# where those kernels report the new max_num_buffers field. With that tool
# version exactly these lines are not counted; the count is printed.
#
# With TCS_EXPECTED_FAILS set (an extended regular expression), failure
# lines it matches are the caller's documented expectation and not counted
# either; there must be exactly TCS_EXPECTED_COUNT of them, and they stand
# for TCS_EXPECTED_TESTS failed tests in the totals.
#
# With DROPPED (the growth of the channel's frames_dropped during the run),
# warnings that the sequence jumped are accepted when they are the only
# warnings and their gaps add up to at most DROPPED frames: every such gap
# is then a frame the driver counted as lost because v4l2-compliance, slow
# under TCG, had no buffer queued (see docs/driver.md).
compliance_ok() {
	total=$(grep -E "^(Grand )?Total for" "$2" | tail -n 1)
	echo "$1: $total"
	grep -oE "(fail|warn):.*" "$2" | sort | uniq -c | head -n 20
	case $total in *"Failed: "*", Warnings: "*) ;; *) return 1 ;; esac
	failed=${total##*Failed: }; failed=${failed%%,*}
	warnings=${total##*Warnings: }
	artifacts=0
	if v4l2-compliance --version 2>/dev/null | grep -q '^v4l2-compliance 1\.22\.'; then
		known="fail: v4l2-test-formats.cpp\([0-9]+\): fmtdesc.description mismatch: was 'Y/UV 4:2:[0-9]', expected 'Y/CbCr 4:2:[0-9]'"
		case $(uname -r) in
		6.[0-9].*|6.[0-9]-*) ;;
		*) known="$known|fail: v4l2-test-buffers.cpp\([0-9]+\): check_0\(crbufs.reserved, sizeof\(crbufs.reserved\)\)" ;;
		esac
		artifacts=$(tr '\r' '\n' <"$2" | grep -cE "$known")
		[ "$artifacts" -gt 0 ] &&
			echo "$1: $artifacts failure(s) of v4l2-compliance 1.22's age (format descriptions, CREATE_BUFS reserved bytes) not counted"
	fi
	if [ -n "${TCS_EXPECTED_FAILS:-}" ]; then
		n=$(tr '\r' '\n' <"$2" | grep -cE "$TCS_EXPECTED_FAILS")
		echo "$1: $n expected failure(s) not counted (see the caller)"
		[ "$n" -eq "${TCS_EXPECTED_COUNT:?}" ] ||
			{ echo "$1: $TCS_EXPECTED_COUNT expected failure lines, not $n"; return 1; }
		artifacts=$((artifacts + ${TCS_EXPECTED_TESTS:?}))
	fi
	[ "$((failed - artifacts))" -eq 0 ] || return 1
	[ "$warnings" -eq 0 ] && return 0
	[ -n "${3:-}" ] || return 1
	jumps=$(tr '\r' '\n' <"$2" | grep -c "warn:.*got sequence number")
	gaps=$(seq_gaps "$2")
	echo "$1: $jumps warning(s) of sequence gaps, $gaps frame(s) missing," \
		"$3 counted in frames_dropped"
	[ "$warnings" = "$jumps" ] && [ "$gaps" -le "$3" ]
}

# tcs_stat CHANNEL NAME: a debugfs counter of CHANNEL of the device under
# test ($TEGRACSI_TEST_DEVICE, set by tests/vm/run; see the uapi header)
tcs_stat() {
	awk -v n="$2" '$1 == n { print $2 }' \
		"/sys/kernel/debug/tegra-csi-sg/${TEGRACSI_TEST_DEVICE:-tegra-csi-sg-virt}/$1/stats"
}
