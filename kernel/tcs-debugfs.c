// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg: debugfs counters, /sys/kernel/debug/tegra-csi-sg/<ch>/stats.
 *
 * The file format is ABI, described in the uapi header: one "name value"
 * pair per line, readable by root only.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "tcs.h"

#define TCS_STAT(field) { #field, offsetof(struct tcs_stats, field) }

/* In the order of the uapi header. */
static const struct {
	const char *name;
	size_t offset;
} tcs_stat_fields[] = {
	TCS_STAT(frames_produced),
	TCS_STAT(frames_dropped),
	TCS_STAT(frames_injected_drop),
	TCS_STAT(descriptors_written),
	TCS_STAT(iommu_map),
	TCS_STAT(iommu_unmap),
	TCS_STAT(userptr_pins),
	TCS_STAT(dmabuf_attach),
	TCS_STAT(dmabuf_map),
	TCS_STAT(userptr_unpins),
	TCS_STAT(dmabuf_detach),
	TCS_STAT(dmabuf_unmap),
	TCS_STAT(iova_ranges_mapped),
	TCS_STAT(iova_ranges_unmapped),
};

static int tcs_stats_show(struct seq_file *s, void *unused)
{
	struct tcs_channel *chan = s->private;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tcs_stat_fields); i++) {
		atomic64_t *v = (void *)&chan->stats +
				tcs_stat_fields[i].offset;

		seq_printf(s, "%s %lld\n", tcs_stat_fields[i].name,
			   (long long)atomic64_read(v));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tcs_stats);

/**
 * tcs_debugfs_init() - create the debugfs files of all channels
 * @tcs: the device.
 *
 * Failures are not errors: debugfs is optional.
 */
void tcs_debugfs_init(struct tcs_device *tcs)
{
	unsigned int i;
	char name[8];

	tcs->debugfs = debugfs_create_dir(TCS_DRIVER_NAME, NULL);
	for (i = 0; i < tcs->num_channels; i++) {
		struct tcs_channel *chan = tcs->chans[i];

		snprintf(name, sizeof(name), "%u", chan->id);
		chan->debugfs = debugfs_create_dir(name, tcs->debugfs);
		debugfs_create_file("stats", 0400, chan->debugfs, chan,
				    &tcs_stats_fops);
	}
}

/**
 * tcs_debugfs_cleanup() - remove the files; waits for readers to finish
 * @tcs: the device.
 */
void tcs_debugfs_cleanup(struct tcs_device *tcs)
{
	debugfs_remove_recursive(tcs->debugfs);
	tcs->debugfs = NULL;
}
