// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg: a V4L2 capture driver for Tegra CSI/VI-style DMA engines.
 *
 * This file holds the module and the device life cycle that backends use:
 * tcs_device_create() sets up the V4L2 and media devices and the DMA side,
 * tcs_device_add_channel() adds a video node (at probe or later, when the
 * hardware is ready: deferred channel creation), tcs_device_destroy()
 * (a backend's remove) tears down every channel's streaming, buffers and
 * DMA mappings and the hardware side at once; file handles still open keep
 * only the memory of the structures until they are closed (the V4L2
 * device's release), and get ENODEV from then on.
 */

#include <linux/device.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "tcs.h"
#include "tcs-t210.h"
#include "tcs-compat.h"

static DEFINE_IDA(tcs_instances);

static void tcs_channel_free(struct tcs_channel *chan)
{
	v4l2_ctrl_handler_free(&chan->ctrl_handler);
	mutex_destroy(&chan->vlock);
	kfree(chan);
}

/* The last reference to the V4L2 device is gone: free the memory. */
static void tcs_release(struct v4l2_device *v4l2_dev)
{
	struct tcs_device *tcs = container_of(v4l2_dev, struct tcs_device,
					      v4l2_dev);
	unsigned int i;

	for (i = 0; i < TCS_MAX_CHANNELS; i++)
		if (tcs->chans[i])
			tcs_channel_free(tcs->chans[i]);
	v4l2_device_unregister(&tcs->v4l2_dev);
	media_device_cleanup(&tcs->mdev);
	mutex_destroy(&tcs->lock);
	put_device(tcs->dev);
	kfree(tcs);
}

/**
 * tcs_device_create() - create a driver instance for a backend's device
 * @dev: the backend's device (its name names the instance in debugfs and
 *	the media device's bus_info).
 * @backend: the backend; must outlive the instance.
 * @dma: the engine's DMA constraints (copied), see
 *	&struct tcs_dma_constraints.
 * @priv: backend state, returned by tcs_device_priv().
 *
 * Checks @dma, sets the DMA masks, creates the IOMMU domain in iommu mode,
 * registers the V4L2 and media devices (channels come with
 * tcs_device_add_channel()). Process context, may sleep.
 *
 * Return: the instance, or an ERR_PTR: -EINVAL for bad constraints (with a
 * message naming the field), -ENODEV/-EBUSY when the IOMMU master cannot
 * be attached, -ENOMEM.
 */
struct tcs_device *tcs_device_create(struct device *dev,
				     const struct tcs_backend *backend,
				     const struct tcs_dma_constraints *dma,
				     void *priv)
{
	struct tcs_device *tcs;
	int ret;

	if (WARN_ON(!dev || !backend || !backend->ops || !dma))
		return ERR_PTR(-EINVAL);

	tcs = kzalloc(sizeof(*tcs), GFP_KERNEL);
	if (!tcs)
		return ERR_PTR(-ENOMEM);
	tcs->instance = ida_alloc(&tcs_instances, GFP_KERNEL);
	if (tcs->instance < 0) {
		kfree(tcs);
		return ERR_PTR(-ENOMEM);
	}
	tcs->dev = get_device(dev);
	tcs->backend = backend;
	tcs->dma = *dma;
	tcs->priv = priv;
	mutex_init(&tcs->lock);

	ret = tcs_dma_check_constraints(tcs);
	if (ret)
		goto err_free;
	ret = tcs_dma_setup(tcs);
	if (ret)
		goto err_free;

	tcs->mdev.dev = dev;
	/* MEDIA_IOC_DEVICE_INFO's driver: ours, not the backend's driver. */
	strscpy(tcs->mdev.driver_name, TCS_DRIVER_NAME,
		sizeof(tcs->mdev.driver_name));
	snprintf(tcs->mdev.model, sizeof(tcs->mdev.model), "%s (%s)",
		 TCS_DRIVER_NAME, backend->name);
	snprintf(tcs->mdev.bus_info, sizeof(tcs->mdev.bus_info),
		 "platform:%s", dev_name(dev));
	media_device_init(&tcs->mdev);

	tcs->v4l2_dev.mdev = &tcs->mdev;
	tcs->v4l2_dev.release = tcs_release;
	ret = v4l2_device_register(dev, &tcs->v4l2_dev);
	if (ret)
		goto err_media;

	ret = media_device_register(&tcs->mdev);
	if (ret) {
		/* The release frees the rest. */
		tcs_dma_teardown(tcs);
		ida_free(&tcs_instances, tcs->instance);
		v4l2_device_put(&tcs->v4l2_dev);
		return ERR_PTR(ret);
	}
	tcs_debugfs_init(tcs);
	dev_info(dev, "%s backend, %s DMA\n", backend->name,
		 dma->mode == TCS_DMA_SG ? "sg" :
		 dma->mode == TCS_DMA_IOMMU ? "iommu" : "contig");
	return tcs;

err_media:
	media_device_cleanup(&tcs->mdev);
	tcs_dma_teardown(tcs);
err_free:
	mutex_destroy(&tcs->lock);
	ida_free(&tcs_instances, tcs->instance);
	put_device(tcs->dev);
	kfree(tcs);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(tcs_device_create);

/**
 * tcs_device_add_channel() - add a capture channel and its video node
 * @tcs: the instance.
 * @id: channel number, below TCS_MAX_CHANNELS, not yet added.
 *
 * Calls the backend's &tcs_backend_ops.channel_init, then registers the
 * video node. May be called at any time until tcs_device_destroy(), e.g.
 * once the hardware the channel needs has come up (deferred creation).
 * Process context, may sleep.
 *
 * Return: 0; -EINVAL for a bad @id or channel caps, -EEXIST when the
 * channel exists, -ENODEV after tcs_device_destroy(), or the error of
 * channel_init or of the registration.
 */
int tcs_device_add_channel(struct tcs_device *tcs, unsigned int id)
{
	const struct tcs_backend_ops *ops = tcs->backend->ops;
	struct tcs_channel *chan;
	int ret;

	if (id >= TCS_MAX_CHANNELS)
		return -EINVAL;

	mutex_lock(&tcs->lock);
	if (tcs->gone) {
		ret = -ENODEV;
		goto out_unlock;
	}
	if (tcs->chans[id]) {
		ret = -EEXIST;
		goto out_unlock;
	}

	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	if (!chan) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	chan->tcs = tcs;
	chan->id = id;
	mutex_init(&chan->vlock);
	spin_lock_init(&chan->lock);
	INIT_LIST_HEAD(&chan->queued);
	INIT_LIST_HEAD(&chan->active);
	v4l2_ctrl_handler_init(&chan->ctrl_handler, 10);

	ret = tcs_capture_ctrls_init(chan);
	if (ret)
		goto err_free;
	ret = ops->channel_init(chan);
	if (ret)
		goto err_free;
	ret = tcs_format_check_caps(chan);
	if (ret)
		goto err_cleanup;
	ret = tcs_dma_channel_init(chan);
	if (ret)
		goto err_cleanup;
	ret = tcs_capture_register(chan);
	if (ret)
		goto err_dma;

	/* From here on the V4L2 device's release frees the channel. */
	tcs->chans[id] = chan;
	tcs_debugfs_add_channel(chan);
	mutex_unlock(&tcs->lock);
	return 0;

err_dma:
	tcs_dma_channel_cleanup(chan);
err_cleanup:
	ops->channel_cleanup(chan);
err_free:
	dev_err(tcs->dev, "channel %u: %d\n", id, ret);
	tcs_channel_free(chan);
out_unlock:
	mutex_unlock(&tcs->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(tcs_device_add_channel);

/**
 * tcs_device_destroy() - tear the instance down (a backend's remove)
 * @tcs: the instance.
 *
 * For every channel: unregisters the video node (vb2 stops streaming, which
 * stops the backend, and frees every buffer: pins, attachments, IOVA and
 * DMA mappings), then the backend's channel_cleanup. MMAP buffers that a
 * process still maps or an exported dma-buf still holds lose their DMA
 * mapping now (the memory stays valid for them). Then the media device,
 * debugfs and the IOMMU domain go. When this returns nothing of the
 * hardware side is left, so the backend can remove its device, and bind
 * again, while old file handles are still open: those get ENODEV (ioctl,
 * mmap) or EPOLLERR (poll) until they are closed, which frees the memory.
 * Process context, may sleep.
 */
void tcs_device_destroy(struct tcs_device *tcs)
{
	const struct tcs_backend_ops *ops = tcs->backend->ops;
	unsigned int i;

	mutex_lock(&tcs->lock);
	tcs->gone = true;
	mutex_unlock(&tcs->lock);

	tcs_debugfs_cleanup(tcs);
	for (i = 0; i < TCS_MAX_CHANNELS; i++) {
		struct tcs_channel *chan = tcs->chans[i];

		if (!chan)
			continue;
		tcs_capture_unregister(chan);
		ops->channel_cleanup(chan);
		chan->backend_priv = NULL;
		tcs_dma_channel_cleanup(chan);
	}
	media_device_unregister(&tcs->mdev);
	tcs_mem_orphan_all(tcs);
	tcs_dma_teardown(tcs);
	/* The node names are free again: a new instance may take them. */
	ida_free(&tcs_instances, tcs->instance);
	v4l2_device_disconnect(&tcs->v4l2_dev);
	v4l2_device_put(&tcs->v4l2_dev);
}
EXPORT_SYMBOL_GPL(tcs_device_destroy);

/**
 * tcs_device_priv() - the backend state given to tcs_device_create()
 * @tcs: the instance.
 *
 * Return: the pointer.
 */
void *tcs_device_priv(struct tcs_device *tcs)
{
	return tcs->priv;
}
EXPORT_SYMBOL_GPL(tcs_device_priv);

/**
 * tcs_device_channel() - a channel of the instance
 * @tcs: the instance.
 * @id: channel number.
 *
 * Return: the channel, or NULL when it was not added (yet).
 */
struct tcs_channel *tcs_device_channel(struct tcs_device *tcs,
				       unsigned int id)
{
	struct tcs_channel *chan = NULL;

	mutex_lock(&tcs->lock);
	if (id < TCS_MAX_CHANNELS)
		chan = tcs->chans[id];
	mutex_unlock(&tcs->lock);
	return chan;
}
EXPORT_SYMBOL_GPL(tcs_device_channel);

static int __init tcs_init(void)
{
	int ret = 0;

	tcs_debugfs_module_init();
#if IS_ENABLED(CONFIG_TEGRA_HOST1X)
	/* the Tegra210 VI and CSI of the device tree */
	ret = tcs_t210_host1x_init();
	if (ret)
		tcs_debugfs_module_exit();
#endif
	return ret;
}

static void __exit tcs_exit(void)
{
#if IS_ENABLED(CONFIG_TEGRA_HOST1X)
	tcs_t210_host1x_exit();
#endif
	tcs_debugfs_module_exit();
}

module_init(tcs_init);
module_exit(tcs_exit);

MODULE_DESCRIPTION("Tegra CSI/VI-style scatter-gather capture driver");
MODULE_AUTHOR("The tegracsi project");
MODULE_LICENSE("GPL");
