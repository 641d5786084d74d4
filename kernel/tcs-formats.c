// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg: pixel formats, frame sizes and frame intervals.
 *
 * The formats are the memory formats Tegra210 VI writes: Bayer RAW8, RAW10
 * and RAW12 (10 and 12 bits in 16-bit little-endian containers), UYVY, YUYV
 * and 32-bit RGB. Every line is padded to a multiple of 64 bytes.
 */

#include <linux/kernel.h>
#include <linux/math.h>

#include "tcs.h"

#define TCS_RAW(fcc, b) {						\
	.fourcc = fcc, .bpp = b,					\
	.colorspace = V4L2_COLORSPACE_RAW,				\
	.xfer_func = V4L2_XFER_FUNC_NONE,				\
	.ycbcr_enc = V4L2_YCBCR_ENC_601,				\
	.quantization = V4L2_QUANTIZATION_FULL_RANGE,			\
}

#define TCS_YUV(fcc) {							\
	.fourcc = fcc, .bpp = 2,					\
	.colorspace = V4L2_COLORSPACE_REC709,				\
	.xfer_func = V4L2_XFER_FUNC_709,				\
	.ycbcr_enc = V4L2_YCBCR_ENC_709,				\
	.quantization = V4L2_QUANTIZATION_LIM_RANGE,			\
}

const struct tcs_format tcs_formats[] = {
	/* The first entry is the default format. */
	TCS_YUV(V4L2_PIX_FMT_UYVY),
	TCS_YUV(V4L2_PIX_FMT_YUYV),
	{
		.fourcc = V4L2_PIX_FMT_XBGR32, .bpp = 4,
		.colorspace = V4L2_COLORSPACE_SRGB,
		.xfer_func = V4L2_XFER_FUNC_SRGB,
		.ycbcr_enc = V4L2_YCBCR_ENC_601,
		.quantization = V4L2_QUANTIZATION_FULL_RANGE,
	},
	TCS_RAW(V4L2_PIX_FMT_SRGGB8, 1),
	TCS_RAW(V4L2_PIX_FMT_SGRBG8, 1),
	TCS_RAW(V4L2_PIX_FMT_SGBRG8, 1),
	TCS_RAW(V4L2_PIX_FMT_SBGGR8, 1),
	TCS_RAW(V4L2_PIX_FMT_SRGGB10, 2),
	TCS_RAW(V4L2_PIX_FMT_SGRBG10, 2),
	TCS_RAW(V4L2_PIX_FMT_SGBRG10, 2),
	TCS_RAW(V4L2_PIX_FMT_SBGGR10, 2),
	TCS_RAW(V4L2_PIX_FMT_SRGGB12, 2),
	TCS_RAW(V4L2_PIX_FMT_SGRBG12, 2),
	TCS_RAW(V4L2_PIX_FMT_SGBRG12, 2),
	TCS_RAW(V4L2_PIX_FMT_SBGGR12, 2),
};

const unsigned int tcs_num_formats = ARRAY_SIZE(tcs_formats);

/*
 * Frame intervals offered for every size, shortest first: a discrete list
 * (60, 30 and 15 frames per second).
 */
static const struct v4l2_fract tcs_intervals[] = {
	{ 1, 60 },
	{ 1, 30 },
	{ 1, 15 },
};

const struct tcs_format *tcs_format_find(u32 fourcc)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tcs_formats); i++)
		if (tcs_formats[i].fourcc == fourcc)
			return &tcs_formats[i];
	return NULL;
}

/**
 * tcs_format_fill() - turn a requested format into one the engine produces
 * @pix: the request, adjusted in place.
 * @tfmt: if not NULL, returns the format table entry.
 *
 * Unknown pixel formats become the default one, sizes are clamped and
 * rounded to the step, and every derived field is set by the driver.
 */
void tcs_format_fill(struct v4l2_pix_format *pix, const struct tcs_format **tfmt)
{
	const struct tcs_format *f = tcs_format_find(pix->pixelformat);

	if (!f)
		f = &tcs_formats[0];

	pix->pixelformat = f->fourcc;
	pix->width = clamp_t(u32, pix->width, TCS_MIN_WIDTH, TCS_MAX_WIDTH);
	pix->width = rounddown(pix->width, TCS_SIZE_STEP);
	pix->height = clamp_t(u32, pix->height, TCS_MIN_HEIGHT, TCS_MAX_HEIGHT);
	pix->height = rounddown(pix->height, TCS_SIZE_STEP);
	pix->field = V4L2_FIELD_NONE;
	pix->bytesperline = ALIGN(pix->width * f->bpp, TCS_BPL_ALIGN);
	pix->sizeimage = pix->bytesperline * pix->height;
	pix->colorspace = f->colorspace;
	pix->xfer_func = f->xfer_func;
	pix->ycbcr_enc = f->ycbcr_enc;
	pix->quantization = f->quantization;
	pix->flags = 0;
	pix->priv = 0;

	if (tfmt)
		*tfmt = f;
}

int tcs_format_enum_sizes(struct v4l2_frmsizeenum *fsize)
{
	if (fsize->index || !tcs_format_find(fsize->pixel_format))
		return -EINVAL;

	fsize->type = V4L2_FRMSIZE_TYPE_STEPWISE;
	fsize->stepwise.min_width = TCS_MIN_WIDTH;
	fsize->stepwise.max_width = TCS_MAX_WIDTH;
	fsize->stepwise.step_width = TCS_SIZE_STEP;
	fsize->stepwise.min_height = TCS_MIN_HEIGHT;
	fsize->stepwise.max_height = TCS_MAX_HEIGHT;
	fsize->stepwise.step_height = TCS_SIZE_STEP;
	return 0;
}

int tcs_format_enum_intervals(struct v4l2_frmivalenum *fival)
{
	if (fival->index >= ARRAY_SIZE(tcs_intervals) ||
	    !tcs_format_find(fival->pixel_format))
		return -EINVAL;
	if (fival->width < TCS_MIN_WIDTH || fival->width > TCS_MAX_WIDTH ||
	    fival->width % TCS_SIZE_STEP ||
	    fival->height < TCS_MIN_HEIGHT || fival->height > TCS_MAX_HEIGHT ||
	    fival->height % TCS_SIZE_STEP)
		return -EINVAL;

	fival->type = V4L2_FRMIVAL_TYPE_DISCRETE;
	fival->discrete = tcs_intervals[fival->index];
	return 0;
}

/**
 * tcs_format_snap_interval() - pick the supported interval nearest a request
 * @tpf: requested time per frame, replaced by a supported one.
 *
 * A zero numerator or denominator selects the default, 1/30 s.
 */
void tcs_format_snap_interval(struct v4l2_fract *tpf)
{
	u64 want, best_diff = U64_MAX;
	unsigned int i, best = 1;

	if (!tpf->numerator || !tpf->denominator) {
		*tpf = tcs_intervals[1];
		return;
	}

	/* Compare in microseconds. */
	want = div_u64((u64)tpf->numerator * USEC_PER_SEC, tpf->denominator);
	for (i = 0; i < ARRAY_SIZE(tcs_intervals); i++) {
		u64 us = div_u64((u64)tcs_intervals[i].numerator * USEC_PER_SEC,
				 tcs_intervals[i].denominator);
		u64 diff = us > want ? us - want : want - us;

		if (diff < best_diff) {
			best_diff = diff;
			best = i;
		}
	}
	*tpf = tcs_intervals[best];
}
