// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg: the platform glue of the Tegra210 backend, built on kernels
 * with host1x (arm64 Tegra). It binds the device tree's VI and CSI nodes
 * (tegra210.dtsi: vi@54080000 "nvidia,tegra210-vi" under host1x, its child
 * csi@838 "nvidia,tegra210-csi", the compatibles of mainline's staging
 * tegra-video, which must not be bound at the same time) and fills in
 * &struct tcs_t210_hw:
 *
 * - registers: one regmap over the VI window (reg of vi) and the CSI window
 *   (reg of csi), at the offsets the backend uses (VI+0x000.., VI+0x838..);
 * - syncpoints: the VI is a host1x client of a host1x driver of its own
 *   (subdevice "nvidia,tegra210-vi"); the capture device is created in the
 *   client's init, when host1x_syncpt_request() can work, and destroyed in
 *   its exit (mainline video.c and vi.c do the same);
 * - power: runtime PM of VI (the avdd-dsi-csi supply, the VI clock) and CSI
 *   (clocks csi, cilab, cilcd, cile, csi_tpg), each in its power domain
 *   (venc, sor), taken while any channel streams;
 * - DMA: the SMMU through the core's own IOMMU domain when the vi node has
 *   an iommus property (the CSI device, which has none, then serves the DMA
 *   API for cache maintenance), contiguous DMA for the VI otherwise;
 * - sources: per CSI port the sensor linked through the graph (vi ports ->
 *   csi channel@N port@1; channel@N port@0 -> sensor, as mainline vi.c and
 *   csi.c parse it; docs/bindings/tegra-csi-sg.md), bound through
 *   v4l2-async, its formats from its media bus codes and sizes, its MIPI
 *   pads calibrated at stream on (nvidia,mipi-calibrate); or, for ports in
 *   the tpg_ports parameter, the CSI pattern generator.
 *
 * A sensor's own controls are on its subdevice node (/dev/v4l-subdevN),
 * not borrowed into the video node, so that a sensor driver that unbinds
 * leaves nothing dangling; the video node then fails S_FMT and STREAMON
 * with ENODEV for its port.
 *
 * None of this has run on silicon (docs/jetson.md); it is built against
 * Debian's arm64 6.1 and 6.12 kernels (tests/arm64).
 */
#include <linux/clk.h>
#include <linux/host1x.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_graph.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/pm_runtime.h>
#include <linux/regmap.h>
#include <linux/regulator/consumer.h>
#include <media/v4l2-async.h>
#include <media/v4l2-ctrls.h>
#include <media/v4l2-fwnode.h>
#include <media/v4l2-subdev.h>

#include "tcs-t210.h"
#include "tcs-t210-regs.h"
#include "tcs-compat.h"

static unsigned int tpg_ports;
module_param(tpg_ports, uint, 0444);
MODULE_PARM_DESC(tpg_ports,
		 "Tegra210: CSI ports without a sensor that capture the CSI test pattern generator, a bit mask (bit 0 = CSI A ... bit 5 = CSI F; default 0)");

/* The VI window of the register file (tegra210.dtsi: reg of vi). */
#define H1X_VI_SIZE		0x700
/* VI clock rate (mainline tegra210.c's vi_max_clk_hz; its TPG builds 499.2 MHz) */
#define H1X_VI_CLK_HZ		998400000
#define H1X_VI_CLK_TPG_HZ	499200000
/* Sizes and intervals taken from a sensor */
#define H1X_MAX_MODES		16
#define H1X_MAX_INTERVALS	8

static const char * const h1x_csi_clocks[] = {
	"csi", "cilab", "cilcd", "cile", "csi_tpg",
};

/**
 * struct h1x_csi - the CSI device (csi@838)
 * @dev: it.
 * @base: its registers.
 * @size: bytes of @base.
 * @clks: its clocks, by the names of tegra210.dtsi (csi_tpg optional).
 */
struct h1x_csi {
	struct device *dev;
	void __iomem *base;
	resource_size_t size;
	struct clk_bulk_data clks[ARRAY_SIZE(h1x_csi_clocks)];
};

struct h1x_vi;

/**
 * struct h1x_port - one CSI port
 * @vi: the VI.
 * @port: 0..5.
 * @src: its source description, given to the backend.
 * @sensor_np: the sensor's node (linked in the graph), or NULL.
 * @lanes: data lanes of the CSI channel's endpoint.
 * @mipi: its MIPI pad calibration, or NULL (no nvidia,mipi-calibrate).
 * @sd: the bound sensor, NULL before bound and after unbind; under
 *	&h1x_vi.lock.
 * @modes: the sensor's frame sizes for its first format.
 * @intervals: its frame intervals.
 */
struct h1x_port {
	struct h1x_vi *vi;
	unsigned int port;
	struct tcs_t210_source src;
	struct device_node *sensor_np;
	u32 lanes;
	struct tegra_mipi_device *mipi;
	struct v4l2_subdev *sd;
	struct v4l2_frmsize_discrete modes[H1X_MAX_MODES];
	struct v4l2_fract intervals[H1X_MAX_INTERVALS];
};

/**
 * struct h1x_async - a sensor to wait for
 * @asc: v4l2-async's part (first: the framework allocates the whole).
 * @port: the port it feeds.
 */
struct h1x_async {
	struct TCS_ASYNC_CONN asc;
	struct h1x_port *port;
};

/**
 * struct h1x_vi - the VI device and everything of the glue
 * @dev: the VI.
 * @base: the VI's registers.
 * @csi: the CSI device's part.
 * @csi_dev: the CSI device (a reference held).
 * @clk: the VI clock.
 * @avdd: the avdd-dsi-csi supply.
 * @client: the host1x client.
 * @hw: what the backend gets.
 * @ports: the CSI ports.
 * @nf: the notifier of the sensors.
 * @nf_used: @nf is registered.
 * @num_sensors: sensors in the graph.
 * @tcs: the capture device, between client init and exit.
 * @lock: protects every &h1x_port.sd.
 */
struct h1x_vi {
	struct device *dev;
	void __iomem *base;
	struct h1x_csi *csi;
	struct device *csi_dev;
	struct clk *clk;
	struct regulator *avdd;
	struct host1x_client client;
	struct tcs_t210_hw hw;
	struct h1x_port ports[T210_PORTS];
	struct v4l2_async_notifier nf;
	bool nf_used;
	unsigned int num_sensors;
	struct tcs_device *tcs;
	struct mutex lock;
};

/* Registers: two windows at the offsets of tegra210.c */

static void __iomem *h1x_reg(struct h1x_vi *vi, unsigned int reg)
{
	if (reg < H1X_VI_SIZE)
		return vi->base + reg;
	if (reg >= T210_CSI_BASE && reg - T210_CSI_BASE < vi->csi->size)
		return vi->csi->base + (reg - T210_CSI_BASE);
	return NULL;
}

static int h1x_reg_read(void *ctx, unsigned int reg, unsigned int *val)
{
	void __iomem *addr = h1x_reg(ctx, reg);

	if (!addr)
		return -EINVAL;
	*val = readl(addr);
	return 0;
}

static int h1x_reg_write(void *ctx, unsigned int reg, unsigned int val)
{
	void __iomem *addr = h1x_reg(ctx, reg);

	if (!addr)
		return -EINVAL;
	writel(val, addr);
	return 0;
}

static const struct regmap_config h1x_regmap_config = {
	.reg_bits = 32,
	.val_bits = 32,
	.reg_stride = 4,
	.max_register = T210_MAX_REGISTER,
	.reg_read = h1x_reg_read,
	.reg_write = h1x_reg_write,
	.fast_io = true,
	.cache_type = REGCACHE_NONE,
};

/* Syncpoints of host1x */

static void *h1x_sp_request(void *ctx, const char *name)
{
	struct h1x_vi *vi = ctx;

	return host1x_syncpt_request(&vi->client,
				     HOST1X_SYNCPT_CLIENT_MANAGED);
}

static void h1x_sp_put(void *sp)
{
	host1x_syncpt_put(sp);
}

static u32 h1x_sp_id(void *sp)
{
	return host1x_syncpt_id(sp);
}

static u32 h1x_sp_incr_max(void *sp, u32 incrs)
{
	return host1x_syncpt_incr_max(sp, incrs);
}

static int h1x_sp_incr(void *sp)
{
	return host1x_syncpt_incr(sp);
}

static u32 h1x_sp_read(void *sp)
{
	return host1x_syncpt_read(sp);
}

static int h1x_sp_wait(void *sp, u32 thresh, long timeout, u32 *value)
{
	return host1x_syncpt_wait(sp, thresh, timeout, value);
}

static const struct tcs_t210_syncpt_ops h1x_sp_ops = {
	.request = h1x_sp_request,
	.put = h1x_sp_put,
	.id = h1x_sp_id,
	.incr_max = h1x_sp_incr_max,
	.incr = h1x_sp_incr,
	.read = h1x_sp_read,
	.wait = h1x_sp_wait,
};

/* Power: the backend's hook and runtime PM */

static int h1x_power(struct device *dev, bool on)
{
	struct h1x_vi *vi = dev_get_drvdata(dev);
	int ret;

	if (!on) {
		pm_runtime_put(vi->dev);
		pm_runtime_put(vi->csi_dev);
		return 0;
	}
	ret = pm_runtime_resume_and_get(vi->csi_dev);
	if (ret)
		return ret;
	ret = pm_runtime_resume_and_get(vi->dev);
	if (ret)
		pm_runtime_put(vi->csi_dev);
	return ret;
}

static int __maybe_unused h1x_vi_runtime_resume(struct device *dev)
{
	struct h1x_vi *vi = dev_get_drvdata(dev);
	int ret;

	ret = regulator_enable(vi->avdd);
	if (ret)
		return ret;
	ret = clk_set_rate(vi->clk, tpg_ports ? H1X_VI_CLK_TPG_HZ :
						H1X_VI_CLK_HZ);
	if (!ret)
		ret = clk_prepare_enable(vi->clk);
	if (ret) {
		dev_err(dev, "VI clock: %d\n", ret);
		regulator_disable(vi->avdd);
	}
	return ret;
}

static int __maybe_unused h1x_vi_runtime_suspend(struct device *dev)
{
	struct h1x_vi *vi = dev_get_drvdata(dev);

	clk_disable_unprepare(vi->clk);
	regulator_disable(vi->avdd);
	return 0;
}

static int __maybe_unused h1x_csi_runtime_resume(struct device *dev)
{
	struct h1x_csi *csi = dev_get_drvdata(dev);

	return clk_bulk_prepare_enable(ARRAY_SIZE(csi->clks), csi->clks);
}

static int __maybe_unused h1x_csi_runtime_suspend(struct device *dev)
{
	struct h1x_csi *csi = dev_get_drvdata(dev);

	clk_bulk_disable_unprepare(ARRAY_SIZE(csi->clks), csi->clks);
	return 0;
}

/* A sensor as a source */

static int h1x_sensor_set_format(void *ctx, const struct t210_format *f,
				 u32 width, u32 height)
{
	struct h1x_port *p = ctx;
	struct v4l2_subdev_format fmt = {
		.which = V4L2_SUBDEV_FORMAT_ACTIVE,
		.format = {
			.code = f->mbus_code, .width = width,
			.height = height, .field = V4L2_FIELD_NONE,
		},
	};
	int ret = -ENODEV;

	mutex_lock(&p->vi->lock);
	if (p->sd)
		ret = v4l2_subdev_call_state_active(p->sd, pad, set_fmt, &fmt);
	mutex_unlock(&p->vi->lock);
	if (ret)
		return ret;
	if (fmt.format.code != f->mbus_code || fmt.format.width != width ||
	    fmt.format.height != height) {
		dev_err(p->vi->dev,
			"CSI %c: %s took 0x%04x %ux%u for 0x%04x %ux%u\n",
			'A' + p->port, p->src.name, fmt.format.code,
			fmt.format.width, fmt.format.height, f->mbus_code,
			width, height);
		return -EINVAL;
	}
	return 0;
}

/*
 * Stream on: calibrate the port's pads around the sensor's first LP-11
 * (mainline csi.c's order: the results latch as the lanes leave reset);
 * the CSI port was started just before.
 */
static int h1x_sensor_s_stream(void *ctx, bool on,
			       const struct v4l2_fract *interval)
{
	struct h1x_port *p = ctx;
	int ret = -ENODEV, cal = -ENODEV;

	mutex_lock(&p->vi->lock);
	if (!p->sd)
		goto out;
	if (!on) {
		ret = v4l2_subdev_call(p->sd, video, s_stream, 0);
		if (p->mipi)
			tegra_mipi_disable(p->mipi);
		goto out;
	}
	if (p->mipi) {
		ret = tegra_mipi_enable(p->mipi);
		if (ret)
			goto out;
		cal = tegra_mipi_start_calibration(p->mipi);
		if (cal)
			dev_warn(p->vi->dev, "CSI %c: MIPI calibration does not start: %d\n",
				 'A' + p->port, cal);
	}
	ret = v4l2_subdev_call(p->sd, video, s_stream, 1);
	if (p->mipi && !cal) {
		cal = tegra_mipi_finish_calibration(p->mipi);
		if (cal)
			dev_warn(p->vi->dev, "CSI %c: MIPI calibration failed: %d\n",
				 'A' + p->port, cal);
	}
	if (ret && p->mipi)
		tegra_mipi_disable(p->mipi);
out:
	mutex_unlock(&p->vi->lock);
	return ret;
}

/* The sensor's sizes for @code: its discrete frame sizes, at most 16. */
static void h1x_sensor_modes(struct h1x_port *p, u32 code)
{
	unsigned int i;

	p->src.num_modes = 0;
	for (i = 0; i < H1X_MAX_MODES; i++) {
		struct v4l2_subdev_frame_size_enum fse = {
			.index = i, .code = code,
			.which = V4L2_SUBDEV_FORMAT_ACTIVE,
		};

		if (v4l2_subdev_call_state_active(p->sd, pad, enum_frame_size,
						  &fse))
			break;
		p->modes[p->src.num_modes].width = fse.max_width;
		p->modes[p->src.num_modes].height = fse.max_height;
		p->src.num_modes++;
	}
	p->src.modes = p->modes;
}

/*
 * Frame intervals: the sensor's, for its default size; a sensor that
 * enumerates none (imx219 sets its rate by its blanking controls) gets
 * one nominal 1/30 s, which S_PARM then reports (docs/jetson.md).
 */
static void h1x_sensor_intervals(struct h1x_port *p, u32 code)
{
	unsigned int i, n = 0;

	for (i = 0; i < H1X_MAX_INTERVALS; i++) {
		struct v4l2_subdev_frame_interval_enum fie = {
			.index = i, .code = code,
			.width = p->src.def_width, .height = p->src.def_height,
			.which = V4L2_SUBDEV_FORMAT_ACTIVE,
		};

		if (v4l2_subdev_call_state_active(p->sd, pad,
						  enum_frame_interval, &fie))
			break;
		p->intervals[n++] = fie.interval;
	}
	if (!n) {
		p->intervals[0].numerator = 1;
		p->intervals[0].denominator = 30;
		n = 1;
	}
	p->src.intervals = p->intervals;
	p->src.num_intervals = n;
	p->src.def_interval = 0;
}

/* Describe the bound sensor of @p to the backend. */
static int h1x_sensor_source(struct h1x_port *p)
{
	struct tcs_t210_source *src = &p->src;
	struct v4l2_ctrl *rate;
	unsigned int i, j;

	src->name = p->sd->name;
	src->tpg = false;
	src->lanes = p->lanes;
	src->num_formats = 0;
	for (i = 0; src->num_formats < T210_MAX_FORMATS; i++) {
		struct v4l2_subdev_mbus_code_enum mce = {
			.index = i, .which = V4L2_SUBDEV_FORMAT_ACTIVE,
		};

		if (v4l2_subdev_call_state_active(p->sd, pad, enum_mbus_code,
						  &mce))
			break;
		for (j = 0; j < t210_num_formats; j++)
			if (t210_formats[j].mbus_code == mce.code)
				src->formats[src->num_formats++] =
					&t210_formats[j];
	}
	if (!src->num_formats) {
		dev_err(p->vi->dev,
			"CSI %c: %s sends no media bus format Tegra210 captures\n",
			'A' + p->port, src->name);
		return -EINVAL;
	}
	h1x_sensor_modes(p, src->formats[0]->mbus_code);
	if (!src->num_modes) {
		dev_err(p->vi->dev, "CSI %c: %s lists no frame size\n",
			'A' + p->port, src->name);
		return -EINVAL;
	}
	src->def_width = p->modes[0].width;
	src->def_height = p->modes[0].height;
	h1x_sensor_intervals(p, src->formats[0]->mbus_code);
	rate = v4l2_ctrl_find(p->sd->ctrl_handler, V4L2_CID_PIXEL_RATE);
	src->pixel_rate = rate ? v4l2_ctrl_g_ctrl_int64(rate) : 0;
	src->ctrl_handler = NULL;	/* on the subdevice node */
	src->set_format = h1x_sensor_set_format;
	src->s_stream = h1x_sensor_s_stream;
	src->ctx = p;
	return 0;
}

/* v4l2-async */

static int h1x_nf_bound(struct v4l2_async_notifier *nf,
			struct v4l2_subdev *sd, struct TCS_ASYNC_CONN *asc)
{
	struct h1x_async *a = container_of(asc, struct h1x_async, asc);
	struct h1x_vi *vi = a->port->vi;

	mutex_lock(&vi->lock);
	a->port->sd = sd;
	mutex_unlock(&vi->lock);
	dev_info(vi->dev, "CSI %c: sensor %s\n", 'A' + a->port->port,
		 sd->name);
	return 0;
}

static void h1x_nf_unbind(struct v4l2_async_notifier *nf,
			  struct v4l2_subdev *sd, struct TCS_ASYNC_CONN *asc)
{
	struct h1x_async *a = container_of(asc, struct h1x_async, asc);
	struct h1x_vi *vi = a->port->vi;

	mutex_lock(&vi->lock);
	a->port->sd = NULL;
	mutex_unlock(&vi->lock);
	dev_warn(vi->dev, "CSI %c: sensor %s is gone: the port's node fails with ENODEV\n",
		 'A' + a->port->port, sd->name);
}

/* Every sensor is bound: describe them, then the nodes. */
static int h1x_nf_complete(struct v4l2_async_notifier *nf)
{
	struct h1x_vi *vi = container_of(nf, struct h1x_vi, nf);
	unsigned int p;
	int ret;

	for (p = 0; p < T210_PORTS; p++) {
		struct h1x_port *port = &vi->ports[p];

		if (!port->sensor_np)
			continue;
		mutex_lock(&vi->lock);
		ret = port->sd ? h1x_sensor_source(port) : -ENODEV;
		mutex_unlock(&vi->lock);
		if (!ret)
			ret = tcs_t210_set_source(vi->tcs, p, &port->src);
		if (ret)
			return ret;
	}
	ret = v4l2_device_register_subdev_nodes(&vi->tcs->v4l2_dev);
	if (ret)
		return ret;
	return tcs_t210_add_channels(vi->tcs);
}

static const struct v4l2_async_notifier_operations h1x_nf_ops = {
	.bound = h1x_nf_bound,
	.unbind = h1x_nf_unbind,
	.complete = h1x_nf_complete,
};

/* host1x client: the capture device lives between init and exit */

static int h1x_client_init(struct host1x_client *client)
{
	struct h1x_vi *vi = container_of(client, struct h1x_vi, client);
	unsigned int p;
	int ret;

	vi->tcs = tcs_t210_create(&vi->hw);
	if (IS_ERR(vi->tcs)) {
		ret = PTR_ERR(vi->tcs);
		vi->tcs = NULL;
		return ret;
	}
	if (!vi->num_sensors) {
		ret = tcs_t210_add_channels(vi->tcs);
		if (ret)
			goto err;
		return 0;
	}

	tcs_async_nf_init(&vi->nf, &vi->tcs->v4l2_dev);
	vi->nf.ops = &h1x_nf_ops;
	for (p = 0; p < T210_PORTS; p++) {
		struct h1x_async *a;

		if (!vi->ports[p].sensor_np)
			continue;
		a = v4l2_async_nf_add_fwnode(&vi->nf,
					     of_fwnode_handle(vi->ports[p].sensor_np),
					     struct h1x_async);
		if (IS_ERR(a)) {
			ret = PTR_ERR(a);
			goto err_nf;
		}
		a->port = &vi->ports[p];
	}
	ret = tcs_async_nf_register(&vi->nf, &vi->tcs->v4l2_dev);
	if (ret)
		goto err_nf;
	vi->nf_used = true;
	return 0;

err_nf:
	v4l2_async_nf_cleanup(&vi->nf);
err:
	tcs_t210_destroy(vi->tcs);
	vi->tcs = NULL;
	return ret;
}

static int h1x_client_exit(struct host1x_client *client)
{
	struct h1x_vi *vi = container_of(client, struct h1x_vi, client);

	if (vi->nf_used) {
		v4l2_async_nf_unregister(&vi->nf);
		v4l2_async_nf_cleanup(&vi->nf);
		vi->nf_used = false;
	}
	if (vi->tcs)
		tcs_t210_destroy(vi->tcs);
	vi->tcs = NULL;
	return 0;
}

static const struct host1x_client_ops h1x_client_ops = {
	.init = h1x_client_init,
	.exit = h1x_client_exit,
};

/* Device tree */

/*
 * Port @p's CSI channel (the csi node's channel@p, reached from the vi
 * node's port@p endpoint), its lanes, calibration and sensor.
 */
static int h1x_parse_port(struct h1x_vi *vi, struct device_node *vi_ep,
			  unsigned int p)
{
	struct v4l2_fwnode_endpoint vep = { .bus_type = V4L2_MBUS_CSI2_DPHY };
	struct h1x_port *port = &vi->ports[p];
	struct device_node *chan, *sink_ep;
	int ret;

	chan = of_graph_get_remote_port_parent(vi_ep);
	if (!chan)
		return dev_err_probe(vi->dev, -EINVAL,
				     "VI port %u: no CSI channel linked\n", p);
	/* ports { port@1 } puts the channel one level up */
	if (of_node_name_eq(chan, "ports")) {
		struct device_node *parent = of_get_parent(chan);

		of_node_put(chan);
		chan = parent;
	}
	sink_ep = of_graph_get_endpoint_by_regs(chan, 0, -1);
	if (!sink_ep) {
		of_node_put(chan);
		return dev_err_probe(vi->dev, -EINVAL,
				     "CSI channel %pOF: no port@0 endpoint\n", chan);
	}
	ret = v4l2_fwnode_endpoint_parse(of_fwnode_handle(sink_ep), &vep);
	if (ret) {
		dev_err(vi->dev, "CSI channel %pOF: bad endpoint: %d\n", chan,
			ret);
		goto out;
	}
	port->lanes = vep.bus.mipi_csi2.num_data_lanes;
	port->sensor_np = of_graph_get_remote_port_parent(sink_ep);
	if (!port->sensor_np) {
		ret = dev_err_probe(vi->dev, -EINVAL,
				    "CSI channel %pOF: no sensor linked\n", chan);
		goto out;
	}
	if (of_property_read_bool(chan, "nvidia,mipi-calibrate")) {
		port->mipi = tegra_mipi_request(vi->csi_dev, chan);
		if (IS_ERR(port->mipi)) {
			ret = dev_err_probe(vi->dev, PTR_ERR(port->mipi),
					    "CSI channel %pOF: MIPI calibration\n",
					    chan);
			port->mipi = NULL;
			goto out;
		}
	}
	vi->num_sensors++;
out:
	of_node_put(sink_ep);
	of_node_put(chan);
	return ret;
}

static void h1x_put_ports(struct h1x_vi *vi)
{
	unsigned int p;

	for (p = 0; p < T210_PORTS; p++) {
		if (vi->ports[p].mipi)
			tegra_mipi_free(vi->ports[p].mipi);
		of_node_put(vi->ports[p].sensor_np);
		vi->ports[p].mipi = NULL;
		vi->ports[p].sensor_np = NULL;
	}
}

/* Sensors from the graph, the TPG on the ports of tpg_ports. */
static int h1x_parse_graph(struct h1x_vi *vi)
{
	struct device_node *ep;
	unsigned int p;
	int ret;

	for_each_endpoint_of_node(vi->dev->of_node, ep) {
		struct of_endpoint oe;

		of_graph_parse_endpoint(ep, &oe);
		if (oe.port >= T210_PORTS) {
			dev_err(vi->dev, "VI port %u: Tegra210 has ports 0..5\n",
				oe.port);
			of_node_put(ep);
			return -EINVAL;
		}
		ret = h1x_parse_port(vi, ep, oe.port);
		if (ret) {
			of_node_put(ep);
			return ret;
		}
		vi->hw.sources[oe.port] = NULL;	/* set when bound */
	}
	for (p = 0; p < T210_PORTS; p++) {
		if (!(tpg_ports & BIT(p)))
			continue;
		if (vi->ports[p].sensor_np) {
			dev_err(vi->dev, "tpg_ports: CSI %c has a sensor\n",
				'A' + p);
			return -EINVAL;
		}
		tcs_t210_tpg_source(&vi->ports[p].src);
		vi->hw.sources[p] = &vi->ports[p].src;
	}
	if (!vi->num_sensors && !(tpg_ports & GENMASK(T210_PORTS - 1, 0)))
		return dev_err_probe(vi->dev, -ENODEV,
				     "no sensor in the device tree's graph and tpg_ports=0: nothing to capture (docs/jetson.md)\n");
	return 0;
}

/* The CSI child: populated here, bound by h1x_csi_driver. */
static int h1x_get_csi(struct h1x_vi *vi)
{
	struct device_node *np;
	struct platform_device *pdev;
	int ret;

	ret = devm_of_platform_populate(vi->dev);
	if (ret)
		return ret;
	np = of_get_compatible_child(vi->dev->of_node, "nvidia,tegra210-csi");
	if (!np)
		return dev_err_probe(vi->dev, -ENODEV, "no csi child node\n");
	pdev = of_find_device_by_node(np);
	of_node_put(np);
	if (!pdev)
		return -EPROBE_DEFER;
	vi->csi_dev = &pdev->dev;
	vi->csi = platform_get_drvdata(pdev);
	if (!vi->csi) {
		put_device(vi->csi_dev);
		return -EPROBE_DEFER;
	}
	/* the CSI goes away only after the VI */
	if (!device_link_add(vi->dev, vi->csi_dev,
			     DL_FLAG_AUTOREMOVE_CONSUMER)) {
		put_device(vi->csi_dev);
		return -EINVAL;
	}
	return 0;
}

/* DMA: through the SMMU when the vi node has iommus, else contiguous. */
static void h1x_dma(struct h1x_vi *vi)
{
	bool iommu = of_property_read_bool(vi->dev->of_node, "iommus");

	tcs_t210_dma_constraints(&vi->hw.dma, iommu);
	if (iommu) {
		vi->hw.dma.dma_dev = vi->csi_dev;
		vi->hw.dma.iommu_master = vi->dev;
	} else {
		vi->hw.dma.dma_dev = vi->dev;
	}
}

static int h1x_vi_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct h1x_vi *vi;
	unsigned int p;
	int ret;

	vi = devm_kzalloc(dev, sizeof(*vi), GFP_KERNEL);
	if (!vi)
		return -ENOMEM;
	vi->dev = dev;
	mutex_init(&vi->lock);
	platform_set_drvdata(pdev, vi);
	for (p = 0; p < T210_PORTS; p++) {
		vi->ports[p].vi = vi;
		vi->ports[p].port = p;
	}

	vi->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(vi->base))
		return PTR_ERR(vi->base);
	vi->clk = devm_clk_get(dev, NULL);
	if (IS_ERR(vi->clk))
		return dev_err_probe(dev, PTR_ERR(vi->clk), "VI clock\n");
	vi->avdd = devm_regulator_get(dev, "avdd-dsi-csi");
	if (IS_ERR(vi->avdd))
		return dev_err_probe(dev, PTR_ERR(vi->avdd),
				     "avdd-dsi-csi supply\n");
	if (!dev->pm_domain)
		return dev_err_probe(dev, -ENOENT,
				     "no power domain (power-domains = <&pd_venc>)\n");
	ret = h1x_get_csi(vi);
	if (ret)
		return ret;

	vi->hw.regs = devm_regmap_init(dev, NULL, vi, &h1x_regmap_config);
	if (IS_ERR(vi->hw.regs)) {
		ret = PTR_ERR(vi->hw.regs);
		goto err_csi;
	}
	ret = h1x_parse_graph(vi);
	if (ret)
		goto err_ports;
	vi->hw.dev = dev;
	vi->hw.sp_ops = &h1x_sp_ops;
	vi->hw.sp_ctx = vi;
	vi->hw.cil_clk_hz = clk_get_rate(vi->csi->clks[1].clk) ?: 102000000;
	vi->hw.power = h1x_power;
	h1x_dma(vi);

	pm_runtime_enable(dev);
	INIT_LIST_HEAD(&vi->client.list);
	vi->client.ops = &h1x_client_ops;
	vi->client.dev = dev;
	ret = host1x_client_register(&vi->client);
	if (ret) {
		dev_err(dev, "host1x client: %d\n", ret);
		goto err_pm;
	}
	return 0;

err_pm:
	pm_runtime_disable(dev);
err_ports:
	h1x_put_ports(vi);
err_csi:
	put_device(vi->csi_dev);
	return ret;
}

static void h1x_vi_remove(struct platform_device *pdev)
{
	struct h1x_vi *vi = platform_get_drvdata(pdev);

	host1x_client_unregister(&vi->client);
	pm_runtime_disable(&pdev->dev);
	h1x_put_ports(vi);
	put_device(vi->csi_dev);
	mutex_destroy(&vi->lock);
}

static int h1x_csi_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct resource *res;
	struct h1x_csi *csi;
	unsigned int i;
	int ret;

	csi = devm_kzalloc(dev, sizeof(*csi), GFP_KERNEL);
	if (!csi)
		return -ENOMEM;
	csi->dev = dev;
	csi->base = devm_platform_get_and_ioremap_resource(pdev, 0, &res);
	if (IS_ERR(csi->base))
		return PTR_ERR(csi->base);
	csi->size = resource_size(res);
	for (i = 0; i < ARRAY_SIZE(h1x_csi_clocks); i++)
		csi->clks[i].id = h1x_csi_clocks[i];
	ret = devm_clk_bulk_get_optional(dev, ARRAY_SIZE(csi->clks),
					 csi->clks);
	if (ret)
		return dev_err_probe(dev, ret, "CSI clocks\n");
	if (!csi->clks[0].clk)
		return dev_err_probe(dev, -ENOENT, "no \"csi\" clock\n");
	if (!dev->pm_domain)
		return dev_err_probe(dev, -ENOENT,
				     "no power domain (power-domains = <&pd_sor>)\n");
	platform_set_drvdata(pdev, csi);
	pm_runtime_enable(dev);
	return 0;
}

static void h1x_csi_remove(struct platform_device *pdev)
{
	pm_runtime_disable(&pdev->dev);
}

static const struct dev_pm_ops h1x_vi_pm_ops = {
	SET_RUNTIME_PM_OPS(h1x_vi_runtime_suspend, h1x_vi_runtime_resume,
			   NULL)
};

static const struct dev_pm_ops h1x_csi_pm_ops = {
	SET_RUNTIME_PM_OPS(h1x_csi_runtime_suspend, h1x_csi_runtime_resume,
			   NULL)
};

static const struct of_device_id h1x_vi_of_match[] = {
	{ .compatible = "nvidia,tegra210-vi" },
	{ }
};
MODULE_DEVICE_TABLE(of, h1x_vi_of_match);

static const struct of_device_id h1x_csi_of_match[] = {
	{ .compatible = "nvidia,tegra210-csi" },
	{ }
};
MODULE_DEVICE_TABLE(of, h1x_csi_of_match);

static struct platform_driver h1x_vi_driver = {
	.driver = {
		.name = "tegra-csi-sg-vi",
		.of_match_table = h1x_vi_of_match,
		.pm = &h1x_vi_pm_ops,
	},
	.probe = h1x_vi_probe,
	.TCS_PLATFORM_REMOVE = h1x_vi_remove,
};

static struct platform_driver h1x_csi_driver = {
	.driver = {
		.name = "tegra-csi-sg-csi",
		.of_match_table = h1x_csi_of_match,
		.pm = &h1x_csi_pm_ops,
	},
	.probe = h1x_csi_probe,
	.TCS_PLATFORM_REMOVE = h1x_csi_remove,
};

static struct platform_driver * const h1x_drivers[] = {
	&h1x_csi_driver, &h1x_vi_driver,
};

/* The logical host1x device: its probe runs every client's init. */
static int h1x_host1x_probe(struct host1x_device *dev)
{
	return host1x_device_init(dev);
}

static int h1x_host1x_remove(struct host1x_device *dev)
{
	host1x_device_exit(dev);
	return 0;
}

static const struct of_device_id h1x_host1x_subdevs[] = {
	{ .compatible = "nvidia,tegra210-vi" },
	{ }
};

static struct host1x_driver h1x_host1x_driver = {
	.driver = { .name = "tegra-csi-sg" },
	.probe = h1x_host1x_probe,
	.remove = h1x_host1x_remove,
	.subdevs = h1x_host1x_subdevs,
};

/**
 * tcs_t210_host1x_init() - register the glue's drivers (module init)
 *
 * The host1x driver first, then the CSI and VI platform drivers, as
 * mainline video.c does. Return: 0 or the first error (nothing left
 * registered).
 */
int tcs_t210_host1x_init(void)
{
	int ret;

	ret = host1x_driver_register(&h1x_host1x_driver);
	if (ret)
		return ret;
	ret = platform_register_drivers(h1x_drivers, ARRAY_SIZE(h1x_drivers));
	if (ret)
		host1x_driver_unregister(&h1x_host1x_driver);
	return ret;
}

/**
 * tcs_t210_host1x_exit() - unregister them (module exit)
 */
void tcs_t210_host1x_exit(void)
{
	platform_unregister_drivers(h1x_drivers, ARRAY_SIZE(h1x_drivers));
	host1x_driver_unregister(&h1x_host1x_driver);
}
