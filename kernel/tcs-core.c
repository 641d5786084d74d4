// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg: a V4L2 capture driver for Tegra CSI/VI-style DMA engines.
 *
 * This file holds the module and the platform driver: probe creates the
 * V4L2 and media devices and one video node per channel of the backend.
 * The driver structure outlives an unbind while file handles stay open; the
 * V4L2 device's release frees it when the last one is closed.
 */

#include <linux/module.h>
#include <linux/mod_devicetable.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "tcs.h"

static struct platform_device *tcs_virt_pdev;

static void tcs_channel_free(struct tcs_device *tcs, struct tcs_channel *chan)
{
	tcs->backend->ops->channel_cleanup(chan);
	v4l2_ctrl_handler_free(&chan->ctrl_handler);
	mutex_destroy(&chan->vlock);
	kfree(chan);
}

/* Called when the last reference to the V4L2 device is dropped. */
static void tcs_release(struct v4l2_device *v4l2_dev)
{
	struct tcs_device *tcs = container_of(v4l2_dev, struct tcs_device,
					      v4l2_dev);
	unsigned int i;

	for (i = 0; i < TCS_MAX_CHANNELS; i++)
		if (tcs->chans[i])
			tcs_channel_free(tcs, tcs->chans[i]);
	tcs->backend->ops->remove(tcs);
	v4l2_device_unregister(&tcs->v4l2_dev);
	media_device_cleanup(&tcs->mdev);
	kfree(tcs);
}

static int tcs_channel_create(struct tcs_device *tcs, unsigned int id)
{
	struct tcs_channel *chan;
	int ret;

	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	if (!chan)
		return -ENOMEM;

	chan->tcs = tcs;
	chan->id = id;
	mutex_init(&chan->vlock);
	spin_lock_init(&chan->lock);
	INIT_LIST_HEAD(&chan->queued);
	INIT_LIST_HEAD(&chan->active);
	INIT_LIST_HEAD(&chan->iova_cache);
	v4l2_ctrl_handler_init(&chan->ctrl_handler, 8);
	/* From here on the release frees the channel. */
	tcs->chans[id] = chan;

	ret = tcs_capture_ctrls_init(chan);
	if (ret)
		return ret;
	ret = tcs->backend->ops->channel_init(chan);
	if (ret)
		return ret;

	return tcs_capture_register(chan);
}

static void tcs_unregister(struct tcs_device *tcs)
{
	unsigned int i;

	for (i = 0; i < tcs->num_channels; i++)
		if (tcs->chans[i] && video_is_registered(&tcs->chans[i]->vdev))
			tcs_capture_unregister(tcs->chans[i]);
}

static int tcs_probe(struct platform_device *pdev)
{
	const struct platform_device_id *id = platform_get_device_id(pdev);
	struct tcs_device *tcs;
	unsigned int i;
	int ret;

	tcs = kzalloc(sizeof(*tcs), GFP_KERNEL);
	if (!tcs)
		return -ENOMEM;
	tcs->dev = &pdev->dev;
	tcs->backend = (const struct tcs_backend *)id->driver_data;

	ret = tcs->backend->ops->probe(tcs);
	if (ret) {
		kfree(tcs);
		return ret;
	}

	tcs->mdev.dev = tcs->dev;
	snprintf(tcs->mdev.model, sizeof(tcs->mdev.model), "%s (%s)",
		 TCS_DRIVER_NAME, tcs->backend->name);
	snprintf(tcs->mdev.bus_info, sizeof(tcs->mdev.bus_info),
		 "platform:%s", dev_name(tcs->dev));
	media_device_init(&tcs->mdev);

	tcs->v4l2_dev.mdev = &tcs->mdev;
	tcs->v4l2_dev.release = tcs_release;
	ret = v4l2_device_register(tcs->dev, &tcs->v4l2_dev);
	if (ret) {
		media_device_cleanup(&tcs->mdev);
		tcs->backend->ops->remove(tcs);
		kfree(tcs);
		return ret;
	}

	for (i = 0; i < tcs->num_channels; i++) {
		ret = tcs_channel_create(tcs, i);
		if (ret) {
			dev_err(tcs->dev, "channel %u: %d\n", i, ret);
			goto err_unregister;
		}
	}

	ret = media_device_register(&tcs->mdev);
	if (ret)
		goto err_unregister;

	tcs_debugfs_init(tcs);
	platform_set_drvdata(pdev, tcs);
	dev_info(tcs->dev, "%u channel(s), %s backend, %s DMA\n",
		 tcs->num_channels, tcs->backend->name,
		 tcs->dma.mode == TCS_DMA_SG ? "sg" :
		 tcs->dma.mode == TCS_DMA_IOMMU ? "iommu" : "contig");
	return 0;

err_unregister:
	tcs_unregister(tcs);
	v4l2_device_put(&tcs->v4l2_dev);
	return ret;
}

static int tcs_remove(struct platform_device *pdev)
{
	struct tcs_device *tcs = platform_get_drvdata(pdev);

	tcs_debugfs_cleanup(tcs);
	media_device_unregister(&tcs->mdev);
	/* Stops streaming and frees the buffers of every channel. */
	tcs_unregister(tcs);
	v4l2_device_put(&tcs->v4l2_dev);
	return 0;
}

static const struct platform_device_id tcs_id_table[] = {
	{ TCS_VIRT_DEVICE_NAME, (kernel_ulong_t)&tcs_virt_backend },
	{ }
};
MODULE_DEVICE_TABLE(platform, tcs_id_table);

static struct platform_driver tcs_driver = {
	.probe = tcs_probe,
	.remove = tcs_remove,
	.id_table = tcs_id_table,
	.driver = {
		.name = TCS_DRIVER_NAME,
	},
};

static int __init tcs_init(void)
{
	int ret;

	ret = platform_driver_register(&tcs_driver);
	if (ret)
		return ret;

	tcs_virt_pdev = tcs_virt_device_register();
	if (IS_ERR(tcs_virt_pdev)) {
		platform_driver_unregister(&tcs_driver);
		return PTR_ERR(tcs_virt_pdev);
	}
	return 0;
}

static void __exit tcs_exit(void)
{
	if (tcs_virt_pdev)
		platform_device_unregister(tcs_virt_pdev);
	platform_driver_unregister(&tcs_driver);
}

module_init(tcs_init);
module_exit(tcs_exit);

MODULE_DESCRIPTION("Tegra CSI/VI-style scatter-gather capture driver");
MODULE_AUTHOR("The tegracsi project");
MODULE_LICENSE("GPL");
