// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg: debugfs counters,
 * /sys/kernel/debug/tegra-csi-sg/<device>/<channel>/stats, one folder per
 * driver instance, named after its device (tegra-csi-sg-virt,
 * tegra-csi-sg-virt.1, 54080000.vi).
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
	TCS_STAT(userptr_pages),
	TCS_STAT(buffers_returned),
	TCS_STAT(program_failures),
	TCS_STAT(timeouts),
	TCS_STAT(engine_resets),
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

static struct dentry *tcs_debugfs_root;

/* The module-wide counters of application memory exported as dma-bufs. */
static int tcs_exports_show(struct seq_file *s, void *unused)
{
	seq_printf(s, "exports %lld\nreleases %lld\npinned_pages %lld\n",
		   (long long)atomic64_read(&tcs_exports_made),
		   (long long)atomic64_read(&tcs_exports_released),
		   (long long)atomic64_read(&tcs_exports_pinned_pages));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tcs_exports);

/**
 * tcs_debugfs_module_init() - create the driver's debugfs root
 *
 * Failures are not errors: debugfs is optional.
 */
void tcs_debugfs_module_init(void)
{
	tcs_debugfs_root = debugfs_create_dir(TCS_DRIVER_NAME, NULL);
	debugfs_create_file("exports", 0400, tcs_debugfs_root, NULL, &tcs_exports_fops);
}

/**
 * tcs_debugfs_module_exit() - remove the root; every device is gone
 */
void tcs_debugfs_module_exit(void)
{
	debugfs_remove_recursive(tcs_debugfs_root);
}

/**
 * tcs_debugfs_init() - create a device's debugfs folder
 * @tcs: the device.
 */
void tcs_debugfs_init(struct tcs_device *tcs)
{
	tcs->debugfs = debugfs_create_dir(dev_name(tcs->dev), tcs_debugfs_root);
}

/**
 * tcs_debugfs_add_channel() - create a channel's counters file
 * @chan: the channel, of a device with its folder.
 */
void tcs_debugfs_add_channel(struct tcs_channel *chan)
{
	char name[8];

	snprintf(name, sizeof(name), "%u", chan->id);
	chan->debugfs = debugfs_create_dir(name, chan->tcs->debugfs);
	debugfs_create_file("stats", 0400, chan->debugfs, chan,
			    &tcs_stats_fops);
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
