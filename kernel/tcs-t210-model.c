// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg-t210-model: the module. It registers a platform device named
 * tegra210-vi-model, binds it, and creates the Tegra210 backend of
 * tegra-csi-sg on it with the model's register file as its regmap, the
 * model's syncpoints as its host1x and a source per port of model_ports:
 * the CSI TPG (model_source=tpg) or a model sensor (model_source=sensor,
 * every format of the Tegra210 table, IMX219-like modes and pixel rate).
 * DMA is contiguous (model_dma=contig: bus addresses of the platform
 * device) or through the core's own IOMMU domain with QEMU's edu device as
 * the master (model_dma=iommu, the guest booted with --iommu), as the VI
 * behind Tegra210's SMMU.
 *
 * debugfs (root): /sys/kernel/debug/tegra_csi_sg_t210_model/
 *   violations            breaches of the programming contract (0)
 *   port<X>/drop_frame_start, lost_sync, crc_error, stall_mw_ack
 *                         faults to inject on CSI port X (write a count;
 *                         reads what is left), see struct t210m_faults
 *   port<X>/frames, captured
 *                         frames the source produced, frames captured
 *                         since it started
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/media-bus-format.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/regmap.h>
#include <linux/slab.h>

#include "tcs-t210-model.h"
#include "tcs-compat.h"

#define T210M_DEVICE_NAME	"tegra210-vi-model"
/* QEMU's "edu" PCI device, the DMA master of IOMMU mode. */
#define T210M_EDU_VENDOR	0x1234
#define T210M_EDU_DEVICE	0x11e8

static char *model_dma = "contig";
module_param(model_dma, charp, 0444);
MODULE_PARM_DESC(model_dma, "DMA of the modelled VI: contig or iommu");

static unsigned int model_ports = 0x1;
module_param(model_ports, uint, 0444);
MODULE_PARM_DESC(model_ports,
		 "CSI ports with a source, a bit mask of ports A..F (default 0x1: port A)");

static char *model_source = "tpg";
module_param(model_source, charp, 0444);
MODULE_PARM_DESC(model_source,
		 "What feeds each port: tpg (the CSI pattern generator) or sensor (a model sensor)");

static unsigned int model_lanes = 2;
module_param(model_lanes, uint, 0444);
MODULE_PARM_DESC(model_lanes,
		 "CSI-2 data lanes of the model sensor: 1, 2 or 4 (4 only on ports A, C and E)");

void t210m_violation(struct t210m *m, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	atomic_inc(&m->violations);
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("violation: %pV\n", &vaf);
	va_end(args);
}

/* Syncpoints (the host1x API the backend uses, tcs_t210_syncpt_ops) */

static DEFINE_SPINLOCK(t210m_syncpt_lock);

static void *t210m_sp_request(void *ctx, const char *name)
{
	struct t210m *m = ctx;
	struct t210m_syncpt *sp;
	unsigned int id;

	sp = kzalloc(sizeof(*sp), GFP_KERNEL);
	if (!sp)
		return NULL;
	init_waitqueue_head(&sp->wq);
	sp->m = m;
	/* As host1x: a random-looking start value tests the wrap handling. */
	atomic_set(&sp->value, 0xfffffff0);
	atomic_set(&sp->max, 0xfffffff0);
	spin_lock(&t210m_syncpt_lock);
	for (id = 1; id < T210M_SYNCPTS && m->syncpts[id]; id++)
		;
	if (id < T210M_SYNCPTS) {
		sp->id = id;
		m->syncpts[id] = sp;
	}
	spin_unlock(&t210m_syncpt_lock);
	if (id >= T210M_SYNCPTS) {
		kfree(sp);
		return NULL;
	}
	return sp;
}

static void t210m_sp_put(void *p)
{
	struct t210m_syncpt *sp = p;

	spin_lock(&t210m_syncpt_lock);
	sp->m->syncpts[sp->id] = NULL;
	spin_unlock(&t210m_syncpt_lock);
	kfree(sp);
}

static u32 t210m_sp_id(void *p)
{
	return ((struct t210m_syncpt *)p)->id;
}

static u32 t210m_sp_incr_max(void *p, u32 incrs)
{
	return atomic_add_return(incrs, &((struct t210m_syncpt *)p)->max);
}

static int t210m_sp_incr(void *p)
{
	struct t210m_syncpt *sp = p;

	atomic_inc(&sp->value);
	wake_up_all(&sp->wq);
	return 0;
}

static u32 t210m_sp_read(void *p)
{
	return atomic_read(&((struct t210m_syncpt *)p)->value);
}

static bool t210m_sp_reached(struct t210m_syncpt *sp, u32 thresh)
{
	return (s32)(atomic_read(&sp->value) - thresh) >= 0;
}

/* host1x_syncpt_wait(): 0, or -EAGAIN after @timeout jiffies. */
static int t210m_sp_wait(void *p, u32 thresh, long timeout, u32 *value)
{
	struct t210m_syncpt *sp = p;
	long left;

	left = wait_event_timeout(sp->wq, t210m_sp_reached(sp, thresh), timeout);
	if (value)
		*value = atomic_read(&sp->value);
	return left ? 0 : -EAGAIN;
}

static const struct tcs_t210_syncpt_ops t210m_sp_ops = {
	.request = t210m_sp_request,
	.put = t210m_sp_put,
	.id = t210m_sp_id,
	.incr_max = t210m_sp_incr_max,
	.incr = t210m_sp_incr,
	.read = t210m_sp_read,
	.wait = t210m_sp_wait,
};

/**
 * t210m_syncpt_valid() - was syncpoint @id requested?
 * @m: the model.
 * @id: the INDX of an INCR_SYNCPT write.
 *
 * Return: true if it exists.
 */
bool t210m_syncpt_valid(struct t210m *m, u32 id)
{
	bool ok;

	spin_lock(&t210m_syncpt_lock);
	ok = id < T210M_SYNCPTS && m->syncpts[id];
	spin_unlock(&t210m_syncpt_lock);
	return ok;
}

/**
 * t210m_syncpt_fire() - a condition fired: the hardware increments @id
 * @m: the model.
 * @id: the syncpoint.
 */
void t210m_syncpt_fire(struct t210m *m, u32 id)
{
	struct t210m_syncpt *sp;

	spin_lock(&t210m_syncpt_lock);
	sp = id < T210M_SYNCPTS ? m->syncpts[id] : NULL;
	if (sp) {
		atomic_inc(&sp->value);
		wake_up_all(&sp->wq);
	}
	spin_unlock(&t210m_syncpt_lock);
	if (!sp)
		t210m_violation(m, "a condition fired for syncpoint %u, which was put", id);
}

/* The model sensor */

/* IMX219-like modes, and two small ones for the tests */
static const struct v4l2_frmsize_discrete t210m_sensor_modes[] = {
	{ 1920, 1080 }, { 1280, 720 }, { 648, 482 }, { 324, 240 },
};

static const struct v4l2_fract t210m_sensor_intervals[] = {
	{ 1, 60 }, { 1, 30 }, { 1, 15 },
};

static int t210m_sensor_set_format(void *ctx, const struct t210_format *fmt,
				   u32 width, u32 height)
{
	struct t210m_port *mp = ctx;

	mutex_lock(&mp->m->lock);
	mp->sensor_fmt = fmt;
	mp->sensor_width = width;
	mp->sensor_height = height;
	mutex_unlock(&mp->m->lock);
	return 0;
}

static int t210m_sensor_s_stream(void *ctx, bool on,
				 const struct v4l2_fract *interval)
{
	struct t210m_port *mp = ctx;

	mutex_lock(&mp->m->lock);
	if (on && !t210m_phy_on(mp->m, mp->port))
		t210m_violation(mp->m, "CSI %c: the sensor starts before the CSI port's PHY (csi.c: the receiver must see the first LP-11 to HS transition)",
				'A' + mp->port);
	if (on) {
		mp->interval_us = div_u64((u64)interval->numerator * USEC_PER_SEC,
					  interval->denominator);
		mp->captured = 0;
	}
	mp->sensor_on = on;
	mutex_unlock(&mp->m->lock);
	t210m_frames_wake(mp);
	return 0;
}

static void t210m_sensor_source(struct t210m_port *mp,
				struct tcs_t210_source *src)
{
	unsigned int i;

	src->name = "model-sensor";
	src->lanes = model_lanes;
	for (i = 0; i < t210_num_formats && i < T210_MAX_FORMATS; i++)
		src->formats[i] = &t210_formats[i];
	src->num_formats = i;
	src->modes = t210m_sensor_modes;
	src->num_modes = ARRAY_SIZE(t210m_sensor_modes);
	src->def_width = 1280;
	src->def_height = 720;
	src->intervals = t210m_sensor_intervals;
	src->num_intervals = ARRAY_SIZE(t210m_sensor_intervals);
	src->def_interval = 1;
	/* IMX219, 2 lanes (imx219.c: 456 MHz link, 182.4 Mpixel/s) */
	src->pixel_rate = 182400000;
	src->set_format = t210m_sensor_set_format;
	src->s_stream = t210m_sensor_s_stream;
	src->ctx = mp;
	/* The first format at the default mode until S_FMT */
	mp->sensor_fmt = src->formats[0];
	mp->sensor_width = src->def_width;
	mp->sensor_height = src->def_height;
}

/* debugfs */

static int t210m_fault_get(void *data, u64 *val)
{
	*val = max(atomic_read(data), 0);
	return 0;
}

static int t210m_fault_set(void *data, u64 val)
{
	if (val > 100000)
		return -EINVAL;
	atomic_set(data, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(t210m_fault_fops, t210m_fault_get, t210m_fault_set,
			 "%llu\n");

static int t210m_violations_get(void *data, u64 *val)
{
	*val = atomic_read(data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(t210m_violations_fops, t210m_violations_get, NULL,
			 "%llu\n");

static void t210m_debugfs_init(struct t210m *m)
{
	unsigned int p;

	m->dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("violations", 0400, m->dir, &m->violations,
			    &t210m_violations_fops);
	for (p = 0; p < T210_PORTS; p++) {
		struct t210m_port *mp = &m->ports[p];
		char name[8];

		if (!mp->src)
			continue;
		snprintf(name, sizeof(name), "port%c", 'A' + p);
		mp->dir = debugfs_create_dir(name, m->dir);
		debugfs_create_file("drop_frame_start", 0600, mp->dir,
				    &mp->faults.drop_frame_start,
				    &t210m_fault_fops);
		debugfs_create_file("lost_sync", 0600, mp->dir,
				    &mp->faults.lost_sync, &t210m_fault_fops);
		debugfs_create_file("crc_error", 0600, mp->dir,
				    &mp->faults.crc_error, &t210m_fault_fops);
		debugfs_create_file("stall_mw_ack", 0600, mp->dir,
				    &mp->faults.stall_mw_ack, &t210m_fault_fops);
		debugfs_create_u64("frames", 0400, mp->dir, &mp->frames);
		debugfs_create_u32("captured", 0400, mp->dir, &mp->captured);
	}
}

/* The device */

static int t210m_params(bool *iommu, bool *sensor)
{
	if (sysfs_streq(model_dma, "contig"))
		*iommu = false;
	else if (sysfs_streq(model_dma, "iommu"))
		*iommu = true;
	else
		goto bad;
	if (sysfs_streq(model_source, "tpg"))
		*sensor = false;
	else if (sysfs_streq(model_source, "sensor"))
		*sensor = true;
	else
		goto bad;
	if (!model_ports || model_ports >= BIT(T210_PORTS))
		goto bad;
	if (model_lanes != 1 && model_lanes != 2 && model_lanes != 4)
		goto bad;
	/* x4 takes both CILs of a brick: ports B, D and F are not free */
	if (*sensor && model_lanes == 4 && (model_ports & 0x2a))
		goto bad;
	return 0;
bad:
	pr_err("bad parameters: model_dma=%s (contig, iommu), model_source=%s (tpg, sensor), model_ports=0x%x (1..0x3f), model_lanes=%u (1, 2, 4; 4 only on ports A, C, E)\n",
	       model_dma, model_source, model_ports, model_lanes);
	return -EINVAL;
}

static int t210m_probe(struct platform_device *pdev)
{
	struct tcs_t210_hw *hw;
	bool iommu, sensor;
	struct t210m *m;
	unsigned int p;
	int ret;

	ret = t210m_params(&iommu, &sensor);
	if (ret)
		return ret;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->dev = &pdev->dev;
	m->iommu = iommu;
	mutex_init(&m->lock);
	t210m_regs_init(m);
	m->regs = t210m_regmap(m);
	if (IS_ERR(m->regs)) {
		ret = PTR_ERR(m->regs);
		goto err_free;
	}

	hw = &m->hw;
	hw->dev = &pdev->dev;
	hw->regs = m->regs;
	hw->sp_ops = &t210m_sp_ops;
	hw->sp_ctx = m;
	hw->cil_clk_hz = 102000000;	/* tegra210.dtsi: cilab/cilcd/cile */
	tcs_t210_dma_constraints(&hw->dma, iommu);
	hw->dma.dma_dev = &pdev->dev;
	if (iommu) {
		m->edu = pci_get_device(T210M_EDU_VENDOR, T210M_EDU_DEVICE, NULL);
		if (!m->edu) {
			dev_err(&pdev->dev,
				"model_dma=iommu needs QEMU's edu device (1234:11e8) behind an IOMMU\n");
			ret = -ENODEV;
			goto err_free;
		}
		hw->dma.iommu_master = &m->edu->dev;
	}

	for (p = 0; p < T210_PORTS; p++) {
		struct t210m_port *mp = &m->ports[p];

		mp->m = m;
		mp->port = p;
		mutex_init(&mp->write_lock);
		init_waitqueue_head(&mp->wq);
		if (!(model_ports & BIT(p)))
			continue;
		mp->src = kzalloc(sizeof(*mp->src), GFP_KERNEL);
		if (!mp->src) {
			ret = -ENOMEM;
			goto err_sources;
		}
		if (sensor)
			t210m_sensor_source(mp, mp->src);
		else
			tcs_t210_tpg_source(mp->src);
		hw->sources[p] = mp->src;
	}

	ret = t210m_frames_start(m);
	if (ret)
		goto err_sources;
	m->tcs = tcs_t210_create(hw);
	if (IS_ERR(m->tcs)) {
		ret = PTR_ERR(m->tcs);
		goto err_frames;
	}
	t210m_debugfs_init(m);
	platform_set_drvdata(pdev, m);
	/* As the host1x client's init would: now syncpoints can be had. */
	ret = tcs_t210_add_channels(m->tcs);
	if (ret)
		dev_err(&pdev->dev, "channels not all created: %d\n", ret);
	return 0;

err_frames:
	t210m_frames_stop(m);
err_sources:
	for (p = 0; p < T210_PORTS; p++)
		kfree(m->ports[p].src);
	pci_dev_put(m->edu);
err_free:
	kfree(m);
	return ret;
}

static void t210m_remove(struct platform_device *pdev)
{
	struct t210m *m = platform_get_drvdata(pdev);
	unsigned int p;

	tcs_t210_destroy(m->tcs);
	t210m_frames_stop(m);
	debugfs_remove_recursive(m->dir);
	for (p = 0; p < T210M_SYNCPTS; p++)
		if (m->syncpts[p])
			t210m_violation(m, "syncpoint %u was never put", p);
	if (atomic_read(&m->violations))
		dev_err(&pdev->dev, "%d violation(s) of the programming contract\n",
			atomic_read(&m->violations));
	for (p = 0; p < T210_PORTS; p++) {
		mutex_destroy(&m->ports[p].write_lock);
		kfree(m->ports[p].src);
	}
	pci_dev_put(m->edu);
	mutex_destroy(&m->lock);
	kfree(m);
}

static struct platform_driver t210m_driver = {
	.probe = t210m_probe,
	.TCS_PLATFORM_REMOVE = t210m_remove,
	.driver = {
		.name = T210M_DEVICE_NAME,
	},
};

static struct platform_device *t210m_pdev;

static int __init t210m_init(void)
{
	bool iommu, sensor;
	int ret;

	/* Bad parameters fail the module load, not just the probe. */
	ret = t210m_params(&iommu, &sensor);
	if (ret)
		return ret;
	ret = platform_driver_register(&t210m_driver);
	if (ret)
		return ret;
	t210m_pdev = platform_device_register_simple(T210M_DEVICE_NAME,
						     PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(t210m_pdev)) {
		platform_driver_unregister(&t210m_driver);
		return PTR_ERR(t210m_pdev);
	}
	return 0;
}

static void __exit t210m_exit(void)
{
	platform_device_unregister(t210m_pdev);
	platform_driver_unregister(&t210m_driver);
}

module_init(t210m_init);
module_exit(t210m_exit);

MODULE_DESCRIPTION("Register-level model of Tegra210 VI/CSI for the tegra-csi-sg backend, for tests");
MODULE_AUTHOR("The tegracsi project");
MODULE_LICENSE("GPL");
