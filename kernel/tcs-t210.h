/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tegra-csi-sg: the Tegra210 VI/CSI backend.
 *
 * The backend (tcs-t210.c: VI channels, syncpoints, capture threads,
 * recovery; tcs-t210-csi.c: the CSI pixel parsers, CILs and the pattern
 * generator) reaches the hardware only through what &struct tcs_t210_hw
 * gives it: a regmap over the VI aperture (the CSI block is inside it), a
 * set of syncpoint operations, the DMA constraints and the video sources of
 * its ports. On a Jetson the platform glue (tcs-t210-host1x.c: device
 * tree, host1x client, clocks, supply, power domain, sensors through
 * v4l2-async) fills it in; in the guest the register-level model
 * (tegra-csi-sg-t210-model) does, so that the same backend source runs
 * against a model of the register file.
 */
#ifndef TCS_T210_H
#define TCS_T210_H

#include <linux/types.h>
#include <linux/videodev2.h>

#include "tcs.h"
#include "tcs-t210-values.h"

struct regmap;

/* Ports (CSI A..F) and so channels of Tegra210's VI (tegra210.c:719-741). */
#define T210_PORTS		6
/* A syncpoint wait (tegra210.c:20). */
#define T210_SYNCPT_TIMEOUT_MS	200
/* Formats a source may list (the whole t210_formats table). */
#define T210_MAX_FORMATS	16

/**
 * struct tcs_t210_syncpt_ops - host1x syncpoints, or the model's
 * @request: allocate a client-managed syncpoint named @name; NULL on
 *	failure. Process context.
 * @put: release it.
 * @id: its hardware index, 0..255 (the INDX field of VI_INCR_SYNCPT).
 * @incr_max: raise its expected value by @incrs; returns the new expected
 *	value (the threshold of the increment just asked for).
 * @incr: increment it from the CPU (to keep it in step after a timeout).
 * @read: its current value.
 * @wait: wait until it reaches @thresh (wrap-safe), at most @timeout
 *	jiffies; 0, or -EAGAIN on timeout (host1x_syncpt_wait()'s contract in
 *	6.1 and 6.12). Sleeps.
 */
struct tcs_t210_syncpt_ops {
	void *(*request)(void *ctx, const char *name);
	void (*put)(void *sp);
	u32 (*id)(void *sp);
	u32 (*incr_max)(void *sp, u32 incrs);
	int (*incr)(void *sp);
	u32 (*read)(void *sp);
	int (*wait)(void *sp, u32 thresh, long timeout, u32 *value);
};

/**
 * struct tcs_t210_source - what feeds a CSI port
 * @name: for messages ("tpg", or the sensor's subdev name).
 * @tpg: the port's own pattern generator (no sensor).
 * @lanes: CSI-2 data lanes, 1, 2 or 4 (4: ports A, C or E only).
 * @formats: the formats the source can send (t210_formats entries), the
 *	first one the default.
 * @num_formats: entries in @formats, 1 to T210_MAX_FORMATS.
 * @sizes: frame sizes, when the source takes any size in a range (the
 *	TPG); ignored when @modes is set.
 * @modes: the discrete frame sizes of a sensor (its modes), or NULL.
 * @num_modes: entries in @modes.
 * @def_width: default width (a size of @sizes or @modes).
 * @def_height: default height.
 * @intervals: frame intervals, shortest first.
 * @num_intervals: entries in @intervals.
 * @def_interval: index of the default one.
 * @pixel_rate: pixels per second on the bus, for the settle times (0: the
 *	TPG, or unknown).
 * @ctrl_handler: the source's controls, shown on the video node (a
 *	sensor's), or NULL.
 * @set_format: optional: the source is to send @fmt at @width x @height
 *	(VIDIOC_S_FMT; a sensor's pad format). Process context.
 * @s_stream: start (@on, at @interval) or stop the source; NULL for the
 *	TPG. Called after the CSI port started and before it stops, as the
 *	receiver must see the first LP to HS transition (mainline csi.c's
 *	order). Process context.
 * @ctx: the argument of @set_format and @s_stream.
 */
struct tcs_t210_source {
	const char *name;
	bool tpg;
	u32 lanes;
	const struct t210_format *formats[T210_MAX_FORMATS];
	unsigned int num_formats;
	struct v4l2_frmsize_stepwise sizes;
	const struct v4l2_frmsize_discrete *modes;
	unsigned int num_modes;
	u32 def_width;
	u32 def_height;
	const struct v4l2_fract *intervals;
	unsigned int num_intervals;
	unsigned int def_interval;
	u64 pixel_rate;
	struct v4l2_ctrl_handler *ctrl_handler;
	int (*set_format)(void *ctx, const struct t210_format *fmt, u32 width,
			  u32 height);
	int (*s_stream)(void *ctx, bool on, const struct v4l2_fract *interval);
	void *ctx;
};

/**
 * struct tcs_t210_hw - everything the backend needs of the platform
 * @dev: the VI device.
 * @regs: 32-bit registers of the VI aperture, VI+0x000..T210_MAX_REGISTER.
 * @sp_ops: syncpoint operations.
 * @sp_ctx: the first argument of @sp_ops->request.
 * @dma: DMA constraints (contig, or iommu with the VI as master).
 * @cil_clk_hz: the CIL clocks' rate (102 MHz on Tegra210, tegra210.dtsi).
 * @sources: per port, what feeds it, or NULL for a port not used.
 * @power: optional: power the VI and CSI up (runtime PM, clocks, supply)
 *	or down. Process context.
 */
struct tcs_t210_hw {
	struct device *dev;
	struct regmap *regs;
	const struct tcs_t210_syncpt_ops *sp_ops;
	void *sp_ctx;
	struct tcs_dma_constraints dma;
	u32 cil_clk_hz;
	const struct tcs_t210_source *sources[T210_PORTS];
	int (*power)(struct device *dev, bool on);
};

/* tcs-t210.c: the backend, for the platform glue and the model */
struct tcs_device *tcs_t210_create(const struct tcs_t210_hw *hw);
int tcs_t210_set_source(struct tcs_device *tcs, unsigned int port,
			const struct tcs_t210_source *src);
int tcs_t210_add_channels(struct tcs_device *tcs);
void tcs_t210_destroy(struct tcs_device *tcs);
void tcs_t210_tpg_source(struct tcs_t210_source *src);
void tcs_t210_dma_constraints(struct tcs_dma_constraints *c, bool iommu);

/* tcs-t210-host1x.c: the platform glue (kernels with host1x only) */
int tcs_t210_host1x_init(void);
void tcs_t210_host1x_exit(void);

/* tcs-t210-csi.c: one CSI port */
void tcs_t210_csi_start(const struct tcs_t210_hw *hw, unsigned int port,
			u32 tpg_mode, u32 width);
void tcs_t210_csi_stop(const struct tcs_t210_hw *hw, unsigned int port);
void tcs_t210_csi_recover(const struct tcs_t210_hw *hw, unsigned int port);
void tcs_t210_csi_status(const struct tcs_t210_hw *hw, unsigned int port,
			 u32 *pp, u32 *cil, u32 *cilx);
void tcs_t210_csi_clear_status(const struct tcs_t210_hw *hw, unsigned int port,
			       u32 pp, u32 cil, u32 cilx);

#endif /* TCS_T210_H */
