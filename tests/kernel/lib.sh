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

# compliance_ok LABEL LOG: check a v4l2-compliance log for 0 failures and
# 0 warnings, print its totals line prefixed with LABEL
compliance_ok() {
	total=$(grep -E "^(Grand )?Total for" "$2" | tail -n 1)
	echo "$1: $total"
	grep -E "fail:|warn:" "$2" | sort | uniq -c | head -n 20
	case $total in
	*"Failed: 0, Warnings: 0"*) return 0 ;;
	esac
	return 1
}
