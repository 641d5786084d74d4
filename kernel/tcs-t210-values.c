// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg: Tegra210 VI and CSI register values, as pure functions.
 *
 * Each function gives the value one register needs for its inputs; the
 * backend (tcs-t210.c, tcs-t210-csi.c) only decides when to write what. The
 * values follow mainline drivers/staging/media/tegra-video (6.1.192:
 * tegra210.c, csi.c; cited by line), which is the only public description
 * of this hardware's programming besides NVIDIA's L4T driver; the host unit
 * tests (tests/host/t210-values.c) check each one against the values
 * those sources write. This file must stay plain C: it is also built on the
 * host.
 */

#ifdef __KERNEL__
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/media-bus-format.h>
#include <linux/videodev2.h>
#else
#include <stdio.h>
#include <string.h>
#include <linux/media-bus-format.h>
#include <linux/videodev2.h>
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#include "tcs-t210-regs.h"
#include "tcs-t210-values.h"

#define T210_BAYER(fcc, code, dt, bits, fmt) \
	{ V4L2_PIX_FMT_##fcc, MEDIA_BUS_FMT_##code, dt, bits, fmt, 1 }

/*
 * The formats of tegra210.c's TEGRA210_VIDEO_FMT table (tegra210.c:687-717)
 * whose memory layout is not in doubt: Bayer RAW8 (T_L8), RAW10 and RAW12
 * (T_R16_I: 16-bit containers), 32-bit RGB from RGB888_1X32_PADHI
 * (T_A8B8G8R8) and NV16 from UYVY8_1X16 (T_Y8__V8U8_N422, two surfaces).
 * The packed YUV 4:2:2 entries are left out: mainline numbers their memory
 * formats 199-202 and NVIDIA's L4T driver 200-203, and pairs them with
 * other fourccs; which is right needs a board (docs/jetson.md).
 */
const struct t210_format t210_formats[] = {
	T210_BAYER(SRGGB10, SRGGB10_1X10, T210_DT_RAW10, 10, T210_IMG_T_R16_I),
	T210_BAYER(SGRBG10, SGRBG10_1X10, T210_DT_RAW10, 10, T210_IMG_T_R16_I),
	T210_BAYER(SGBRG10, SGBRG10_1X10, T210_DT_RAW10, 10, T210_IMG_T_R16_I),
	T210_BAYER(SBGGR10, SBGGR10_1X10, T210_DT_RAW10, 10, T210_IMG_T_R16_I),
	T210_BAYER(SRGGB8, SRGGB8_1X8, T210_DT_RAW8, 8, T210_IMG_T_L8),
	T210_BAYER(SGRBG8, SGRBG8_1X8, T210_DT_RAW8, 8, T210_IMG_T_L8),
	T210_BAYER(SGBRG8, SGBRG8_1X8, T210_DT_RAW8, 8, T210_IMG_T_L8),
	T210_BAYER(SBGGR8, SBGGR8_1X8, T210_DT_RAW8, 8, T210_IMG_T_L8),
	T210_BAYER(SRGGB12, SRGGB12_1X12, T210_DT_RAW12, 12, T210_IMG_T_R16_I),
	T210_BAYER(SGRBG12, SGRBG12_1X12, T210_DT_RAW12, 12, T210_IMG_T_R16_I),
	T210_BAYER(SGBRG12, SGBRG12_1X12, T210_DT_RAW12, 12, T210_IMG_T_R16_I),
	T210_BAYER(SBGGR12, SBGGR12_1X12, T210_DT_RAW12, 12, T210_IMG_T_R16_I),
	{ V4L2_PIX_FMT_RGBX32, MEDIA_BUS_FMT_RGB888_1X32_PADHI, T210_DT_RGB888,
	  24, T210_IMG_T_A8B8G8R8, 1 },
	{ V4L2_PIX_FMT_NV16, MEDIA_BUS_FMT_UYVY8_1X16, T210_DT_YUV422_8, 16,
	  T210_IMG_T_Y8__V8U8_N422, 2 },
};

const unsigned int t210_num_formats = ARRAY_SIZE(t210_formats);
#ifdef __KERNEL__
/* for the register-level model (tegra-csi-sg-t210-model) */
EXPORT_SYMBOL_GPL(t210_formats);
EXPORT_SYMBOL_GPL(t210_num_formats);
#endif

/**
 * t210_image_def() - VI_CSI_IMAGE_DEF
 * @img_fmt: memory format (T210_IMG_*).
 * @bypass: bypass the pixel transform (RAW input from a sensor).
 *
 * Source: tegra210.c:208-211 (DEST_MEM, format at bit 16, bypass bit 24).
 *
 * Return: the register value.
 */
u32 t210_image_def(u32 img_fmt, bool bypass)
{
	return (bypass ? T210_IMAGE_DEF_BYPASS_PXL_TRANSFORM : 0) |
	       T210_FIELD_PREP(T210_IMAGE_DEF_FORMAT, img_fmt) |
	       T210_IMAGE_DEF_DEST_MEM;
}

/**
 * t210_bypass_pixel_transform() - whether the pixel transform is bypassed
 * @data_type: the CSI-2 data type received.
 * @tpg: the CSI pattern generator is the source.
 *
 * Source: tegra210.c:183-196: used for the TPG and for YUV 4:2:2 and RGB888
 * input, bypassed for RAW input.
 *
 * Return: true to bypass.
 */
bool t210_bypass_pixel_transform(u32 data_type, bool tpg)
{
	return !tpg && data_type != T210_DT_YUV422_8 &&
	       data_type != T210_DT_RGB888;
}

/**
 * t210_image_size() - VI_CSI_IMAGE_SIZE
 * @width: pixels, 1..65535.
 * @height: lines, 1..65535.
 *
 * Source: tegra210.c:214-215.
 *
 * Return: the register value.
 */
u32 t210_image_size(u32 width, u32 height)
{
	return T210_FIELD_PREP(T210_IMAGE_SIZE_HEIGHT, height) |
	       T210_FIELD_PREP(T210_IMAGE_SIZE_WIDTH, width);
}

/**
 * t210_image_size_wc() - VI_CSI_IMAGE_SIZE_WC, the CSI-2 line in bytes
 * @width: pixels.
 * @bit_width: bits per pixel on the bus.
 *
 * Source: tegra210.c:182 (width * bit_width / 8).
 *
 * Return: the register value.
 */
u32 t210_image_size_wc(u32 width, u32 bit_width)
{
	return width * bit_width / 8;
}

/**
 * t210_incr_syncpt() - VI_INCR_SYNCPT: increment a syncpoint on a condition
 * @cond: the condition (T210_COND_*(port)).
 * @syncpt_id: the host1x syncpoint, 0..255.
 *
 * Source: tegra210.c:24, 366-378.
 *
 * Return: the register value.
 */
u32 t210_incr_syncpt(u32 cond, u32 syncpt_id)
{
	return T210_FIELD_PREP(T210_VI_INCR_SYNCPT_COND, cond) |
	       T210_FIELD_PREP(T210_VI_INCR_SYNCPT_INDX, syncpt_id);
}

/**
 * t210_pp_input_stream_control() - PP INPUT_STREAM_CONTROL
 * @lanes: CSI-2 data lanes, 1, 2 or 4.
 *
 * Source: tegra210.c:951-953 (skip-packet threshold 0x3f, lanes - 1).
 *
 * Return: the register value.
 */
u32 t210_pp_input_stream_control(u32 lanes)
{
	return T210_FIELD_PREP(T210_PP_ISC_SKIP_PACKET_THRESHOLD, 0x3f) |
	       T210_FIELD_PREP(T210_PP_ISC_LANES_MINUS_ONE, lanes - 1);
}

/**
 * t210_pp_stream_control0() - PP PIXEL_STREAM_CONTROL0
 * @port: CSI port 0..5; the stream source is CIL A or B of its brick.
 *
 * Packet header, data identifier, word count from the header, CRC and
 * word-count checks, output format "store", no line or frame padding,
 * header ECC off. Source: tegra210.c:937-944 (0x2a0301f0 | (port & 1)).
 *
 * Return: the register value.
 */
u32 t210_pp_stream_control0(u32 port)
{
	return T210_PP_PSC0_PACKET_HEADER_SENT |
	       T210_PP_PSC0_DATA_IDENTIFIER_ENABLE |
	       T210_PP_PSC0_WORD_COUNT_SELECT_HEADER |
	       T210_PP_PSC0_CRC_CHECK_ENABLE | T210_PP_PSC0_WC_CHECK |
	       T210_FIELD_PREP(T210_PP_PSC0_OUTPUT_FORMAT,
			       T210_PP_OUTPUT_FORMAT_STORE) |
	       T210_FIELD_PREP(T210_PP_PSC0_PAD_LINE, T210_PP_PAD_NONE) |
	       T210_PP_PSC0_HEADER_EC_DISABLE |
	       T210_FIELD_PREP(T210_PP_PSC0_PAD_FRAME, T210_PP_PAD_NONE) |
	       T210_FIELD_PREP(T210_PP_PSC0_STREAM_SOURCE, port & 1);
}

/**
 * t210_pp_stream_control1() - PP PIXEL_STREAM_CONTROL1 (top field frame)
 *
 * Source: tegra210.c:945-947 (0x11).
 *
 * Return: the register value.
 */
u32 t210_pp_stream_control1(void)
{
	return T210_FIELD_PREP(T210_PP_PSC1_TOP_FIELD_FRAME_MASK, 1) |
	       T210_FIELD_PREP(T210_PP_PSC1_TOP_FIELD_FRAME, 1);
}

/**
 * t210_pp_stream_gap() - PP PIXEL_STREAM_GAP (minimum gap between frames)
 *
 * Source: tegra210.c:948-949 (0x14 << 16).
 *
 * Return: the register value.
 */
u32 t210_pp_stream_gap(void)
{
	return T210_FIELD_PREP(T210_PP_GAP_FRAME_MIN_GAP, 0x14);
}

/**
 * t210_pp_command() - PP PIXEL_STREAM_PP_COMMAND
 * @cmd: enable, disable or reset, always in single-shot mode with the
 *	start-marker frame maximum 0xf.
 *
 * Source: tegra210.c:933-935, 978-980, 1004-1006 (0xf007, 0xf005, 0xf002).
 *
 * Return: the register value.
 */
u32 t210_pp_command(enum t210_pp_command cmd)
{
	u32 en = cmd == T210_PP_ENABLE ? T210_PP_CMD_EN :
		 cmd == T210_PP_DISABLE ? T210_PP_CMD_DIS : T210_PP_CMD_RST;

	return T210_FIELD_PREP(T210_PP_CMD_START_MARKER_FRAME_MAX, 0xf) |
	       (cmd == T210_PP_DISABLE ? 0 : T210_PP_CMD_SINGLE_SHOT) |
	       T210_FIELD_PREP(T210_PP_CMD_ENABLE, en);
}

/**
 * t210_cil_settle() - CIL clock and HS settle times
 * @cil_clk_hz: rate of the brick's CIL clock (cilab, cilcd or cile).
 * @pixel_rate: the sensor's pixel rate (V4L2_CID_PIXEL_RATE), 0 when
 *	unknown (the TPG).
 * @clk_settle: returns T-CLK-SETTLE in CIL clock periods, 0..63.
 * @ths_settle: returns T-HS-SETTLE in CIL clock periods, 0..63.
 *
 * The D-PHY allows T-CLK-SETTLE 95..300 ns and T-HS-SETTLE 85 ns + 6 UI to
 * 145 ns + 10 UI; the CIL adds 7 and 5 LP clock periods to what is
 * programmed, so the values aim at the middle of both ranges (the UI taken
 * as half a pixel clock period). Source: csi.c:255-292 (integer MHz, the
 * same formulas); 10 when the pixel rate is unknown (csi.c:272-273).
 */
void t210_cil_settle(u32 cil_clk_hz, u64 pixel_rate, u32 *clk_settle,
		     u32 *ths_settle)
{
	long cil = cil_clk_hz / 1000000, pix = (long)(pixel_rate / 1000000);
	long clk = ((95 + 300) * cil - 14000) / 2000;
	long ths = 10;

	if (pix)
		ths = (115 * cil + 8000 * cil / (2 * pix) - 5000) / 1000;
	*clk_settle = clk < 0 ? 0 : clk > 63 ? 63 : (u32)clk;
	*ths_settle = ths < 0 ? 0 : ths > 63 ? 63 : (u32)ths;
}

/**
 * t210_cil_phy_control() - CIL PHY_CONTROL
 * @clk_settle: clock-lane settle time, 0..63 CIL clock periods.
 * @ths_settle: data-lane settle time, 0..63 CIL clock periods.
 *
 * Source: tegra210.c:899-900 (clk << 8 | ths).
 *
 * Return: the register value.
 */
u32 t210_cil_phy_control(u32 clk_settle, u32 ths_settle)
{
	return T210_FIELD_PREP(T210_CIL_CLK_SETTLE, clk_settle) |
	       T210_FIELD_PREP(T210_CIL_THS_SETTLE, ths_settle);
}

/**
 * t210_cil_pad_config0() - CIL PAD_CONFIG0 of a port
 * @port: CSI port 0..5.
 * @lanes: data lanes of the stream the port belongs to.
 *
 * A 4-lane stream takes both CILs of its brick, clocked from CIL A.
 * Source: tegra210.c:898, 916-918.
 *
 * Return: the register value.
 */
u32 t210_cil_pad_config0(u32 port, u32 lanes)
{
	if (lanes == 4 && !(port & 1))
		return T210_FIELD_PREP(T210_CIL_PAD_BRICK_CLOCK,
				       T210_BRICK_CLOCK_A_4X);
	return 0;
}

/**
 * t210_phy_cil_command() - the brick's PHY_CIL_COMMAND
 * @port: CSI port 0..5.
 * @lanes: data lanes (4 takes both CILs of the brick).
 * @enable: enable or disable.
 *
 * The other CIL's half is left NOP, so a write to one port does not touch
 * the other. Source: tegra210.c:922-929, 1011-1019 (0x0101 x4, 0x0001 A,
 * 0x0100 B; 0x0202, 0x0002, 0x0200 to disable).
 *
 * Return: the register value.
 */
u32 t210_phy_cil_command(u32 port, u32 lanes, bool enable)
{
	u32 cmd = enable ? T210_PHY_CIL_ENABLE : T210_PHY_CIL_DISABLE;

	if (lanes == 4)
		return T210_FIELD_PREP(T210_PHY_CIL_A, cmd) |
		       T210_FIELD_PREP(T210_PHY_CIL_B, cmd);
	return (port & 1) ? T210_FIELD_PREP(T210_PHY_CIL_B, cmd) :
			    T210_FIELD_PREP(T210_PHY_CIL_A, cmd);
}

/**
 * t210_tpg_ctrl() - TPG PATTERN_GENERATOR_CTRL, enabled
 * @mode: 0 black/white direct mode, 1 colour patch mode.
 *
 * Source: tegra210.c:957-960 (((pg_mode - 1) << 2) | 1, pg_mode 1 or 2).
 *
 * Return: the register value.
 */
u32 t210_tpg_ctrl(u32 mode)
{
	return T210_FIELD_PREP(T210_TPG_MODE, mode) | T210_TPG_ENABLE;
}

/**
 * t210_tpg_blank() - TPG PG_BLANK
 * @hblank: horizontal blanking, pixel clocks.
 * @vblank: vertical blanking, lines.
 *
 * Source: tegra210.c:961-962.
 *
 * Return: the register value.
 */
u32 t210_tpg_blank(u32 hblank, u32 vblank)
{
	return T210_FIELD_PREP(T210_TPG_VBLANK, vblank) |
	       T210_FIELD_PREP(T210_TPG_HBLANK, hblank);
}

/**
 * t210_tpg_freq() - TPG PG_{RED,GREEN,BLUE}_FREQ
 * @hor: horizontal initial frequency.
 * @vert: vertical initial frequency.
 *
 * Source: tegra210.c:964-975 (0x10 and 0x10 for every colour).
 *
 * Return: the register value.
 */
u32 t210_tpg_freq(u32 hor, u32 vert)
{
	return T210_FIELD_PREP(T210_TPG_FREQ_VERT, vert) |
	       T210_FIELD_PREP(T210_TPG_FREQ_HOR, hor);
}

/*
 * The pixel parser's status bits. Mainline tegra-video names none of them;
 * these names are those of the Tegra20/30 parser (arch/arm/mach-tegra
 * csi.h) that NVIDIA's Tegra210 L4T driver also uses (bit 5 FIFO
 * overflow, bit 14 the uncorrectable header error it treats as fatal).
 * Unverified on Tegra210 silicon.
 */
static const char *const t210_pp_status_bits[32] = {
	[0] = "HDR_ERR_COR", [1] = "ILL_WD_CNT", [2] = "SL_PROCESSED",
	[3] = "SL_PKT_DROPPED", [4] = "PL_CRC_ERR", [5] = "FIFO_OVRF",
	[6] = "STMERR", [7] = "SHORT_FRAME", [8] = "EXTRA_SF",
	[9] = "INTERFRAME_LINE", [14] = "UNC_HDR_ERR",
};

/*
 * The bits of a frame that must not be trusted: everything named above
 * except the informational SL_PROCESSED and the single-bit header error the
 * ECC corrected (HDR_ERR_COR).
 */
#define T210_PP_STATUS_ERROR_BITS	(T210_BIT(1) | T210_BIT(3) | T210_BIT(4) | \
					 T210_BIT(5) | T210_BIT(6) | T210_BIT(7) | \
					 T210_BIT(8) | T210_BIT(9) | T210_BIT(14))

/**
 * t210_pp_status_errors() - the error bits of a PP STATUS value
 * @status: the register value.
 *
 * Return: the bits that make the frame they were seen with an error (0:
 * none).
 */
u32 t210_pp_status_errors(u32 status)
{
	return status & T210_PP_STATUS_ERROR_BITS;
}

/**
 * t210_pp_status_names() - the set bits of PP STATUS, by name
 * @status: the register value.
 * @buf: where the names go, separated by spaces ("BIT<n>" for a bit with
 *	no public name).
 * @len: size of @buf.
 *
 * Return: the length of the text (truncated to fit @buf, NUL-terminated).
 */
size_t t210_pp_status_names(u32 status, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int bit;

	if (!len)
		return 0;
	buf[0] = '\0';
	for (bit = 0; bit < 32 && n + 1 < len; bit++) {
		if (!(status & T210_BIT(bit)))
			continue;
		if (t210_pp_status_bits[bit])
			n += snprintf(buf + n, len - n, "%s%s", n ? " " : "",
				      t210_pp_status_bits[bit]);
		else
			n += snprintf(buf + n, len - n, "%sBIT%u", n ? " " : "",
				      bit);
	}
	return n < len ? n : len - 1;
}
