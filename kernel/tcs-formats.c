// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg: pixel formats, frame sizes and frame intervals.
 *
 * What a channel offers comes from its backend (&struct tcs_channel_caps);
 * the plane layout of each format from the V4L2 core's format table
 * (v4l2_format_info(): memory planes, component planes, bytes per pixel,
 * subsampling). Every line is padded to the backend's line alignment; the
 * component planes of a format share one line pitch scaled by their bytes
 * per pixel, so that a frame's planes together are a whole number of lines
 * of plane 0's bytesperline (the counter test pattern relies on it).
 */

#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math.h>

#include "tcs.h"

/**
 * tcs_format_find() - the channel's table entry of a pixel format
 * @chan: the channel.
 * @fourcc: the V4L2 pixel format.
 *
 * Return: the entry, or NULL when the channel does not offer @fourcc (or
 * offers it only through the multi-planar API and the node is not).
 */
const struct tcs_format *tcs_format_find(const struct tcs_channel *chan,
					 u32 fourcc)
{
	unsigned int i;

	for (i = 0; i < chan->caps.num_formats; i++) {
		const struct tcs_format *f = &chan->caps.formats[i];

		if (f->fourcc != fourcc)
			continue;
		if (!chan->caps.mplane && v4l2_format_info(fourcc)->mem_planes != 1)
			return NULL;
		return f;
	}
	return NULL;
}

/* The mode nearest @w x @h (the smallest sum of the differences). */
static const struct v4l2_frmsize_discrete *
tcs_format_nearest_mode(const struct tcs_channel_caps *caps, u32 w, u32 h)
{
	const struct v4l2_frmsize_discrete *best = &caps->modes[0];
	u64 best_d = U64_MAX;
	unsigned int i;

	for (i = 0; i < caps->num_modes; i++) {
		const struct v4l2_frmsize_discrete *m = &caps->modes[i];
		u64 d = abs((s64)m->width - w) + abs((s64)m->height - h);

		if (d < best_d) {
			best_d = d;
			best = m;
		}
	}
	return best;
}

/* Clamp and round a size to the stepwise range, or pick the nearest mode. */
static void tcs_format_fit_size(const struct tcs_channel_caps *caps,
				u32 *w, u32 *h)
{
	const struct v4l2_frmsize_stepwise *sz = &caps->sizes;

	if (caps->num_modes) {
		const struct v4l2_frmsize_discrete *m =
			tcs_format_nearest_mode(caps, *w, *h);

		*w = m->width;
		*h = m->height;
		return;
	}
	*w = clamp_t(u32, *w, sz->min_width, sz->max_width);
	*w = sz->min_width + rounddown(*w - sz->min_width, sz->step_width);
	*h = clamp_t(u32, *h, sz->min_height, sz->max_height);
	*h = sz->min_height + rounddown(*h - sz->min_height, sz->step_height);
}

/**
 * tcs_format_fill() - turn a requested format into one the engine produces
 * @chan: the channel.
 * @pix: the request, adjusted in place.
 * @info: if not NULL, returns the plane layout of the result.
 *
 * Unknown pixel formats become the default one, sizes are clamped and
 * rounded to the step (or become the nearest mode), and every derived field (planes, bytesperline,
 * sizeimage, colorimetry, field) is set by the driver.
 *
 * Return: the format table entry of the result.
 */
const struct tcs_format *tcs_format_fill(const struct tcs_channel *chan,
					 struct v4l2_pix_format_mplane *pix,
					 const struct v4l2_format_info **info)
{
	const struct tcs_format *f = tcs_format_find(chan, pix->pixelformat);
	const struct v4l2_format_info *fi;
	unsigned int c, bpl0, lines;

	if (!f)
		f = &chan->caps.formats[0];
	fi = v4l2_format_info(f->fourcc);

	pix->pixelformat = f->fourcc;
	tcs_format_fit_size(&chan->caps, &pix->width, &pix->height);
	pix->field = V4L2_FIELD_NONE;
	pix->colorspace = f->colorspace;
	pix->xfer_func = f->xfer_func;
	pix->ycbcr_enc = f->ycbcr_enc;
	pix->quantization = f->quantization;
	pix->flags = 0;
	memset(pix->reserved, 0, sizeof(pix->reserved));
	memset(pix->plane_fmt, 0, sizeof(pix->plane_fmt));
	pix->num_planes = fi->mem_planes;

	bpl0 = ALIGN(pix->width * fi->bpp[0], chan->caps.bpl_align);
	for (c = 0; c < fi->comp_planes; c++) {
		/* Chroma planes: the same pitch, scaled to their samples. */
		unsigned int bpl = c ? bpl0 * fi->bpp[c] / (fi->bpp[0] * fi->hdiv) :
				   bpl0;
		unsigned int p = min_t(unsigned int, c, fi->mem_planes - 1);

		lines = c ? DIV_ROUND_UP(pix->height, fi->vdiv) : pix->height;
		if (!pix->plane_fmt[p].bytesperline)
			pix->plane_fmt[p].bytesperline = bpl;
		pix->plane_fmt[p].sizeimage += bpl * lines;
	}

	if (info)
		*info = fi;
	return f;
}

/**
 * tcs_format_to_single() - the single-planar view of a format
 * @mp: a format with one memory plane.
 * @pix: the single-planar format (V4L2 "Single-planar format structure").
 */
void tcs_format_to_single(const struct v4l2_pix_format_mplane *mp,
			  struct v4l2_pix_format *pix)
{
	memset(pix, 0, sizeof(*pix));
	pix->width = mp->width;
	pix->height = mp->height;
	pix->pixelformat = mp->pixelformat;
	pix->field = mp->field;
	pix->bytesperline = mp->plane_fmt[0].bytesperline;
	pix->sizeimage = mp->plane_fmt[0].sizeimage;
	pix->colorspace = mp->colorspace;
	pix->ycbcr_enc = mp->ycbcr_enc;
	pix->quantization = mp->quantization;
	pix->xfer_func = mp->xfer_func;
}

/**
 * tcs_format_from_single() - the multi-planar form of a request
 * @pix: a single-planar request.
 * @mp: the request in multi-planar form (fields tcs_format_fill() sets
 *	are left zero).
 */
void tcs_format_from_single(const struct v4l2_pix_format *pix,
			    struct v4l2_pix_format_mplane *mp)
{
	memset(mp, 0, sizeof(*mp));
	mp->width = pix->width;
	mp->height = pix->height;
	mp->pixelformat = pix->pixelformat;
}

/**
 * tcs_format_enum_sizes() - VIDIOC_ENUM_FRAMESIZES
 * @chan: the channel.
 * @fsize: the request, for a format the channel offers: index 0 of the
 *	stepwise range, or index N of the modes.
 *
 * Return: 0 (one stepwise range, or one discrete size), or -EINVAL.
 */
int tcs_format_enum_sizes(const struct tcs_channel *chan,
			  struct v4l2_frmsizeenum *fsize)
{
	const struct tcs_channel_caps *caps = &chan->caps;

	if (!tcs_format_find(chan, fsize->pixel_format))
		return -EINVAL;
	if (caps->num_modes) {
		if (fsize->index >= caps->num_modes)
			return -EINVAL;
		fsize->type = V4L2_FRMSIZE_TYPE_DISCRETE;
		fsize->discrete = caps->modes[fsize->index];
		return 0;
	}
	if (fsize->index)
		return -EINVAL;
	fsize->type = V4L2_FRMSIZE_TYPE_STEPWISE;
	fsize->stepwise = chan->caps.sizes;
	return 0;
}

static bool tcs_format_size_ok(const struct tcs_channel *chan, u32 w, u32 h)
{
	const struct v4l2_frmsize_stepwise *sz = &chan->caps.sizes;
	unsigned int i;

	if (chan->caps.num_modes) {
		for (i = 0; i < chan->caps.num_modes; i++)
			if (chan->caps.modes[i].width == w &&
			    chan->caps.modes[i].height == h)
				return true;
		return false;
	}
	return w >= sz->min_width && w <= sz->max_width &&
	       !((w - sz->min_width) % sz->step_width) &&
	       h >= sz->min_height && h <= sz->max_height &&
	       !((h - sz->min_height) % sz->step_height);
}

/**
 * tcs_format_enum_intervals() - VIDIOC_ENUM_FRAMEINTERVALS
 * @chan: the channel.
 * @fival: the request, for a format and a size the channel offers.
 *
 * Return: 0 (a discrete interval), or -EINVAL.
 */
int tcs_format_enum_intervals(const struct tcs_channel *chan,
			      struct v4l2_frmivalenum *fival)
{
	if (fival->index >= chan->caps.num_intervals ||
	    !tcs_format_find(chan, fival->pixel_format) ||
	    !tcs_format_size_ok(chan, fival->width, fival->height))
		return -EINVAL;

	fival->type = V4L2_FRMIVAL_TYPE_DISCRETE;
	fival->discrete = chan->caps.intervals[fival->index];
	return 0;
}

/**
 * tcs_format_snap_interval() - pick the offered interval nearest a request
 * @chan: the channel.
 * @tpf: requested time per frame, replaced by an offered one.
 *
 * A zero numerator or denominator selects the default.
 */
void tcs_format_snap_interval(const struct tcs_channel *chan,
			      struct v4l2_fract *tpf)
{
	const struct tcs_channel_caps *caps = &chan->caps;
	u64 want, best_diff = U64_MAX;
	unsigned int i, best = caps->def_interval;

	if (!tpf->numerator || !tpf->denominator) {
		*tpf = caps->intervals[caps->def_interval];
		return;
	}

	/* Compare in microseconds. */
	want = div_u64((u64)tpf->numerator * USEC_PER_SEC, tpf->denominator);
	for (i = 0; i < caps->num_intervals; i++) {
		u64 us = div_u64((u64)caps->intervals[i].numerator * USEC_PER_SEC,
				 caps->intervals[i].denominator);
		u64 diff = us > want ? us - want : want - us;

		if (diff < best_diff) {
			best_diff = diff;
			best = i;
		}
	}
	*tpf = caps->intervals[best];
}

static bool tcs_format_modes_ok(const struct tcs_channel_caps *caps)
{
	unsigned int i;

	if (!caps->modes)
		return false;
	for (i = 0; i < caps->num_modes; i++)
		if (!caps->modes[i].width || !caps->modes[i].height)
			return false;
	return true;
}

/**
 * tcs_format_check_caps() - refuse a backend's channel caps that are wrong
 * @chan: the channel, after the backend's channel_init.
 *
 * Return: 0, or -EINVAL with a message naming what is wrong.
 */
int tcs_format_check_caps(struct tcs_channel *chan)
{
	const struct tcs_channel_caps *caps = &chan->caps;
	const struct v4l2_frmsize_stepwise *sz = &caps->sizes;
	struct device *dev = chan->tcs->dev;
	const char *why = NULL;
	unsigned int i;

	if (!caps->num_formats || !caps->formats)
		why = "no format";
	else if (caps->num_modes ? !tcs_format_modes_ok(caps) :
		 (!sz->min_width || !sz->min_height || !sz->step_width ||
		  !sz->step_height || sz->max_width < sz->min_width ||
		  sz->max_height < sz->min_height))
		why = caps->num_modes ? "modes" : "frame size range";
	else if (!tcs_format_size_ok(chan, caps->def_width, caps->def_height))
		why = "default size";
	else if (!caps->num_intervals || !caps->intervals ||
		 caps->def_interval >= caps->num_intervals)
		why = "frame intervals";
	else if (!caps->bpl_align || !is_power_of_2(caps->bpl_align))
		why = "line alignment";
	for (i = 0; !why && i < caps->num_formats; i++) {
		const struct v4l2_format_info *fi =
			v4l2_format_info(caps->formats[i].fourcc);
		const struct v4l2_fract *tpf = &caps->intervals[0];

		if (!fi || fi->mem_planes > TCS_MAX_PLANES ||
		    fi->comp_planes > TCS_MAX_PLANES)
			why = "a format the core does not know";
		else if (!caps->mplane && !i && fi->mem_planes != 1)
			why = "a multi-planar default format on a single-planar node";
		else if (!tpf->numerator || !tpf->denominator)
			why = "a zero frame interval";
	}
	if (why) {
		dev_err(dev, "ch%u: the backend's channel caps are invalid: %s\n",
			chan->id, why);
		return -EINVAL;
	}
	return 0;
}
