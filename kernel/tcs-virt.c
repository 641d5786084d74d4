// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg-virt: the virtual backend of tegra-csi-sg, a module of its
 * own (as vivid is): a sensor model per channel (tcs-virt-sensor.c) and a
 * Tegra210 VI-like DMA engine model (tcs-virt-engine.c) behind the same
 * backend interface as the hardware. It registers platform devices named
 * tegra-csi-sg-virt (and tegra-csi-sg-virt.1 with virtual_devices=2), binds
 * them with its own platform driver, and exercises every path of the
 * interface the Tegra210 backend needs: buffers pulled and programmed from
 * contexts that sleep and can fail, completion from a thread, resets that
 * give buffers back, two surfaces per NV16 frame, multi-planar formats
 * (virtual_mplane=1) and deferred channel creation (virtual_defer_ms).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/media-bus-format.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "tcs-virt.h"
#include "tcs-compat.h"

#define TCS_VIRT_DEVICE_NAME	"tegra-csi-sg-virt"
#define TCS_VIRT_MAX_DEVICES	2

/* QEMU's "edu" PCI device, the DMA master of IOMMU mode. */
#define TCS_VIRT_EDU_VENDOR	0x1234
#define TCS_VIRT_EDU_DEVICE	0x11e8

static unsigned int virtual_channels = 1;
module_param(virtual_channels, uint, 0444);
MODULE_PARM_DESC(virtual_channels,
		 "Number of virtual channels per device, 0 to 6 (0: no virtual device)");

static char *virtual_dma = "sg";
module_param(virtual_dma, charp, 0444);
MODULE_PARM_DESC(virtual_dma,
		 "DMA mode of the virtual engine: sg, iommu or contig");

static bool virtual_mplane;
module_param(virtual_mplane, bool, 0444);
MODULE_PARM_DESC(virtual_mplane,
		 "Use the multi-planar API (and offer NV16M); default no");

static unsigned int virtual_devices = 1;
module_param(virtual_devices, uint, 0444);
MODULE_PARM_DESC(virtual_devices,
		 "Number of virtual devices (driver instances), 1 or 2 (not with iommu)");

static unsigned int virtual_defer_ms;
module_param(virtual_defer_ms, uint, 0444);
MODULE_PARM_DESC(virtual_defer_ms,
		 "Create the channels this many ms after probe, 0 to 10000 (deferred creation)");

static unsigned int virtual_max_fps = 60;
module_param(virtual_max_fps, uint, 0444);
MODULE_PARM_DESC(virtual_max_fps,
		 "Fastest frame rate offered, 60 to 1000 (above 60: one more interval, 1/N)");

static unsigned int virtual_iova_bits = 32;
module_param(virtual_iova_bits, uint, 0444);
MODULE_PARM_DESC(virtual_iova_bits,
		 "iommu mode: width of the engine's IOVAs, 30 to 40 (Tegra210 VI: 32)");

static unsigned int virtual_iova_mb;
module_param(virtual_iova_mb, uint, 0444);
MODULE_PARM_DESC(virtual_iova_mb,
		 "iommu mode: IOVA space of the device in MiB, split between 6 channels (0: all)");

static unsigned int virtual_max_seg_size = SZ_1M;
module_param(virtual_max_seg_size, uint, 0444);
MODULE_PARM_DESC(virtual_max_seg_size,
		 "Longest descriptor of the engine in bytes (1 MiB; a bad value fails probe)");

#define TCS_VIRT_YUV(fcc, code) {					\
	.fourcc = fcc, .mbus_code = code,				\
	.colorspace = V4L2_COLORSPACE_REC709,				\
	.xfer_func = V4L2_XFER_FUNC_709,				\
	.ycbcr_enc = V4L2_YCBCR_ENC_709,				\
	.quantization = V4L2_QUANTIZATION_LIM_RANGE,			\
}

#define TCS_VIRT_RAW(fcc, code) {					\
	.fourcc = fcc, .mbus_code = code,				\
	.colorspace = V4L2_COLORSPACE_RAW,				\
	.xfer_func = V4L2_XFER_FUNC_NONE,				\
	.ycbcr_enc = V4L2_YCBCR_ENC_601,				\
	.quantization = V4L2_QUANTIZATION_FULL_RANGE,			\
}

/*
 * The memory formats Tegra210 VI writes (mainline tegra210.c's table):
 * Bayer RAW8, RAW10 and RAW12 (10 and 12 bits in 16-bit little-endian
 * containers), the four packed YUV 4:2:2 orders, NV16 (luma and chroma
 * surfaces), 32-bit RGB. NV16M, the same in two memory planes, needs the
 * multi-planar API.
 */
static const struct tcs_format tcs_virt_formats[] = {
	/* The first entry is the default format. */
	TCS_VIRT_YUV(V4L2_PIX_FMT_UYVY, MEDIA_BUS_FMT_UYVY8_1X16),
	TCS_VIRT_YUV(V4L2_PIX_FMT_YUYV, MEDIA_BUS_FMT_YUYV8_1X16),
	TCS_VIRT_YUV(V4L2_PIX_FMT_VYUY, MEDIA_BUS_FMT_VYUY8_1X16),
	TCS_VIRT_YUV(V4L2_PIX_FMT_YVYU, MEDIA_BUS_FMT_YVYU8_1X16),
	TCS_VIRT_YUV(V4L2_PIX_FMT_NV16, MEDIA_BUS_FMT_UYVY8_1X16),
	TCS_VIRT_YUV(V4L2_PIX_FMT_NV16M, MEDIA_BUS_FMT_UYVY8_1X16),
	{
		.fourcc = V4L2_PIX_FMT_XBGR32,
		.mbus_code = MEDIA_BUS_FMT_RGB888_1X32_PADHI,
		.colorspace = V4L2_COLORSPACE_SRGB,
		.xfer_func = V4L2_XFER_FUNC_SRGB,
		.ycbcr_enc = V4L2_YCBCR_ENC_601,
		.quantization = V4L2_QUANTIZATION_FULL_RANGE,
	},
	TCS_VIRT_RAW(V4L2_PIX_FMT_SRGGB8, MEDIA_BUS_FMT_SRGGB8_1X8),
	TCS_VIRT_RAW(V4L2_PIX_FMT_SGRBG8, MEDIA_BUS_FMT_SGRBG8_1X8),
	TCS_VIRT_RAW(V4L2_PIX_FMT_SGBRG8, MEDIA_BUS_FMT_SGBRG8_1X8),
	TCS_VIRT_RAW(V4L2_PIX_FMT_SBGGR8, MEDIA_BUS_FMT_SBGGR8_1X8),
	TCS_VIRT_RAW(V4L2_PIX_FMT_SRGGB10, MEDIA_BUS_FMT_SRGGB10_1X10),
	TCS_VIRT_RAW(V4L2_PIX_FMT_SGRBG10, MEDIA_BUS_FMT_SGRBG10_1X10),
	TCS_VIRT_RAW(V4L2_PIX_FMT_SGBRG10, MEDIA_BUS_FMT_SGBRG10_1X10),
	TCS_VIRT_RAW(V4L2_PIX_FMT_SBGGR10, MEDIA_BUS_FMT_SBGGR10_1X10),
	TCS_VIRT_RAW(V4L2_PIX_FMT_SRGGB12, MEDIA_BUS_FMT_SRGGB12_1X12),
	TCS_VIRT_RAW(V4L2_PIX_FMT_SGRBG12, MEDIA_BUS_FMT_SGRBG12_1X12),
	TCS_VIRT_RAW(V4L2_PIX_FMT_SGBRG12, MEDIA_BUS_FMT_SGBRG12_1X12),
	TCS_VIRT_RAW(V4L2_PIX_FMT_SBGGR12, MEDIA_BUS_FMT_SBGGR12_1X12),
};

/*
 * Frame intervals, shortest first: 1/60, 1/30 and 1/15 s, and 1/N before
 * them with virtual_max_fps=N (the soak test streams small frames fast).
 */
static struct v4l2_fract tcs_virt_intervals[] = {
	{ 1, 60 }, { 1, 60 }, { 1, 30 }, { 1, 15 },
};

/* Backend operations */

static int tcs_virt_start(struct tcs_channel *chan)
{
	return tcs_virt_sensor_start(chan->backend_priv);
}

static void tcs_virt_stop(struct tcs_channel *chan)
{
	tcs_virt_sensor_stop(chan->backend_priv);
}

/* A buffer was queued: program it now if the engine has a free slot. */
static void tcs_virt_buffer_queued(struct tcs_channel *chan)
{
	tcs_virt_engine_fill(chan->backend_priv);
}

static int tcs_virt_channel_init(struct tcs_channel *chan)
{
	struct tcs_channel_caps *caps = &chan->caps;
	struct tcs_virt_chan *vc;
	int ret;

	vc = kzalloc(sizeof(*vc), GFP_KERNEL);
	if (!vc)
		return -ENOMEM;
	vc->chan = chan;
	mutex_init(&vc->hw_lock);
	chan->backend_priv = vc;

	caps->formats = tcs_virt_formats;
	caps->num_formats = ARRAY_SIZE(tcs_virt_formats);
	caps->sizes = (struct v4l2_frmsize_stepwise){
		.min_width = 32, .max_width = 3840, .step_width = 2,
		.min_height = 32, .max_height = 2160, .step_height = 2,
	};
	caps->def_width = 1920;
	caps->def_height = 1080;
	caps->intervals = tcs_virt_intervals;
	caps->num_intervals = ARRAY_SIZE(tcs_virt_intervals);
	caps->def_interval = 2;		/* 1/30 s */
	if (virtual_max_fps <= 60) {
		caps->intervals++;
		caps->num_intervals--;
		caps->def_interval--;
	}
	caps->bpl_align = 64;		/* Tegra210 VI: lines of 64 bytes */
	caps->mplane = virtual_mplane;

	ret = tcs_virt_sensor_init(vc);
	if (ret)
		goto err_free;
	ret = tcs_virt_ctrls_init(vc);
	if (ret)
		goto err_sensor;
	return 0;

err_sensor:
	tcs_virt_sensor_cleanup(vc);
err_free:
	chan->backend_priv = NULL;
	mutex_destroy(&vc->hw_lock);
	kfree(vc);
	return ret;
}

static void tcs_virt_channel_cleanup(struct tcs_channel *chan)
{
	struct tcs_virt_chan *vc = chan->backend_priv;

	if (!vc)
		return;
	tcs_virt_sensor_cleanup(vc);
	mutex_destroy(&vc->hw_lock);
	kfree(vc);
}

static const struct tcs_backend_ops tcs_virt_ops = {
	.channel_init = tcs_virt_channel_init,
	.channel_cleanup = tcs_virt_channel_cleanup,
	.start = tcs_virt_start,
	.stop = tcs_virt_stop,
	.buffer_queued = tcs_virt_buffer_queued,
};

static const struct tcs_backend tcs_virt_backend = {
	.name = "virtual",
	.ops = &tcs_virt_ops,
	/* The engine model stamps a frame when it has written it. */
	.timestamp_src = V4L2_BUF_FLAG_TSTAMP_SRC_EOF,
};

/* Parse the DMA mode; 0 or -EINVAL. */
static int tcs_virt_dma_mode(enum tcs_dma_mode *mode)
{
	if (sysfs_streq(virtual_dma, "sg"))
		*mode = TCS_DMA_SG;
	else if (sysfs_streq(virtual_dma, "iommu"))
		*mode = TCS_DMA_IOMMU;
	else if (sysfs_streq(virtual_dma, "contig"))
		*mode = TCS_DMA_CONTIG;
	else
		return -EINVAL;
	return 0;
}

/* Check the module parameters; 0 or -EINVAL with a message. */
static int tcs_virt_params(void)
{
	enum tcs_dma_mode mode;

	if (virtual_channels > TCS_MAX_CHANNELS) {
		pr_err("virtual_channels=%u: must be 0 to %u\n",
		       virtual_channels, TCS_MAX_CHANNELS);
		return -EINVAL;
	}
	if (tcs_virt_dma_mode(&mode)) {
		pr_err("virtual_dma=%s: must be sg, iommu or contig\n",
		       virtual_dma);
		return -EINVAL;
	}
	if (!virtual_devices || virtual_devices > TCS_VIRT_MAX_DEVICES ||
	    (virtual_devices > 1 && mode == TCS_DMA_IOMMU)) {
		pr_err("virtual_devices=%u: must be 1 or 2, and 1 with virtual_dma=iommu (one edu device)\n",
		       virtual_devices);
		return -EINVAL;
	}
	if (virtual_defer_ms > 10000) {
		pr_err("virtual_defer_ms=%u: must be 0 to 10000\n",
		       virtual_defer_ms);
		return -EINVAL;
	}
	if (virtual_max_fps < 60 || virtual_max_fps > 1000) {
		pr_err("virtual_max_fps=%u: must be 60 to 1000\n",
		       virtual_max_fps);
		return -EINVAL;
	}
	if (virtual_iova_bits < 30 || virtual_iova_bits > 40) {
		pr_err("virtual_iova_bits=%u: must be 30 to 40\n",
		       virtual_iova_bits);
		return -EINVAL;
	}
	tcs_virt_intervals[0].denominator = virtual_max_fps;
	return 0;
}

static void tcs_virt_add_channels(struct tcs_virt_dev *vd)
{
	unsigned int i;

	for (i = 0; i < vd->channels; i++)
		if (tcs_device_add_channel(vd->tcs, i))
			break;
}

static void tcs_virt_deferred(struct work_struct *work)
{
	struct tcs_virt_dev *vd = container_of(to_delayed_work(work),
					       struct tcs_virt_dev, defer);

	dev_info(&vd->pdev->dev, "creating %u channel(s), %u ms after probe\n",
		 vd->channels, virtual_defer_ms);
	tcs_virt_add_channels(vd);
}

static int tcs_virt_probe(struct platform_device *pdev)
{
	struct tcs_dma_constraints c = {
		.dma_dev = &pdev->dev,
		/* Tegra210 VI-like: 32-bit bus addresses, 8-byte aligned. */
		.dma_bits = 32,
		.start_align = 8,
		.max_seg_size = virtual_max_seg_size,
		.max_descs = 16384,
		/* contiguous user memory streams (tests/kernel/tcs-frames) */
		.contig_userptr = true,
	};
	struct tcs_virt_dev *vd;
	int ret;

	ret = tcs_virt_dma_mode(&c.mode);
	if (ret)
		return ret;
#ifdef TCS_BREAK_CONTIG_PROBE
	/* deliberate breakage (tests/breakage/): probe fails in contig mode */
	if (c.mode == TCS_DMA_CONTIG)
		return -ENOMEM;
#endif

	vd = devm_kzalloc(&pdev->dev, sizeof(*vd), GFP_KERNEL);
	if (!vd)
		return -ENOMEM;
	vd->pdev = pdev;
	vd->channels = virtual_channels;
	INIT_DELAYED_WORK(&vd->defer, tcs_virt_deferred);

	if (c.mode == TCS_DMA_IOMMU) {
		vd->edu = pci_get_device(TCS_VIRT_EDU_VENDOR,
					 TCS_VIRT_EDU_DEVICE, NULL);
		if (!vd->edu) {
			dev_err(&pdev->dev,
				"virtual_dma=iommu needs QEMU's edu device (1234:11e8) behind an IOMMU\n");
			return -ENODEV;
		}
		c.iommu_master = &vd->edu->dev;
		c.iova_bits = virtual_iova_bits;
		c.iova_size = (u64)virtual_iova_mb << 20;
	}

	vd->tcs = tcs_device_create(&pdev->dev, &tcs_virt_backend, &c, vd);
	if (IS_ERR(vd->tcs)) {
		ret = PTR_ERR(vd->tcs);
		goto err_put;
	}
	platform_set_drvdata(pdev, vd);

	if (virtual_defer_ms)
		schedule_delayed_work(&vd->defer,
				      msecs_to_jiffies(virtual_defer_ms));
	else
		tcs_virt_add_channels(vd);
	return 0;

err_put:
	pci_dev_put(vd->edu);
	return ret;
}

static void tcs_virt_remove(struct platform_device *pdev)
{
	struct tcs_virt_dev *vd = platform_get_drvdata(pdev);

	cancel_delayed_work_sync(&vd->defer);
	tcs_device_destroy(vd->tcs);
	pci_dev_put(vd->edu);
}

static struct platform_driver tcs_virt_driver = {
	.probe = tcs_virt_probe,
	.TCS_PLATFORM_REMOVE = tcs_virt_remove,
	.driver = {
		.name = TCS_VIRT_DEVICE_NAME,
	},
};

static struct platform_device *tcs_virt_pdevs[TCS_VIRT_MAX_DEVICES];

static void tcs_virt_unregister_devices(void)
{
	unsigned int i;

	for (i = 0; i < TCS_VIRT_MAX_DEVICES; i++) {
		if (tcs_virt_pdevs[i])
			platform_device_unregister(tcs_virt_pdevs[i]);
		tcs_virt_pdevs[i] = NULL;
	}
}

static int __init tcs_virt_init(void)
{
	unsigned int i;
	int ret;

	/* Bad parameters fail the module load, not just the probe. */
	ret = tcs_virt_params();
	if (ret)
		return ret;

	ret = platform_driver_register(&tcs_virt_driver);
	if (ret)
		return ret;
	if (!virtual_channels)
		return 0;

	/* The first device keeps the plain name; more are .1 */
	for (i = 0; i < virtual_devices; i++) {
		struct platform_device *pdev =
			platform_device_register_simple(TCS_VIRT_DEVICE_NAME,
							i ? i : PLATFORM_DEVID_NONE,
							NULL, 0);

		if (IS_ERR(pdev)) {
			tcs_virt_unregister_devices();
			platform_driver_unregister(&tcs_virt_driver);
			return PTR_ERR(pdev);
		}
		tcs_virt_pdevs[i] = pdev;
	}
	return 0;
}

static void __exit tcs_virt_exit(void)
{
	tcs_virt_unregister_devices();
	platform_driver_unregister(&tcs_virt_driver);
}

module_init(tcs_virt_init);
module_exit(tcs_virt_exit);

MODULE_DESCRIPTION("Virtual sensor and DMA engine backend of tegra-csi-sg, for tests");
MODULE_AUTHOR("The tegracsi project");
MODULE_LICENSE("GPL");
