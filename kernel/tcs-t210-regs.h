/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tegra-csi-sg: Tegra210 VI and CSI registers.
 *
 * Offsets are from the start of the VI aperture (0x54080000, 0x700 bytes of
 * VI registers; the CSI block "csi@838" follows inside the same 0x2000
 * window: tegra210.dtsi, vi@54080000 "ranges"). Sources, cited per group:
 * mainline drivers/staging/media/tegra-video/tegra210.c (6.1.192 line
 * numbers, "tegra210.c:N"), csi.c and csi.h of the same tree; where a
 * register or field is not used by mainline, NVIDIA's L4T 4.9 camera
 * driver headers ("L4T registers.h"). None of it has been checked on
 * silicon. Fields not known from public sources are not defined.
 */
#ifndef TCS_T210_REGS_H
#define TCS_T210_REGS_H

#include "tcs-t210-bits.h"

/* --- VI, global (tegra210.c:22-31) ------------------------------------ */

/* Ask host1x to increment a syncpoint when a condition fires. */
#define T210_VI_INCR_SYNCPT			0x000
#define   T210_VI_INCR_SYNCPT_COND		T210_GENMASK(15, 8)
#define   T210_VI_INCR_SYNCPT_INDX		T210_GENMASK(7, 0)
/* Conditions of port P (0..5 = CSI A..F); tegra210.c:25-26, L4T for the rest */
#define   T210_COND_PP_LINE_START(p)		(4 + 4 * (p))
#define   T210_COND_PP_FRAME_START(p)		(5 + 4 * (p))
#define   T210_COND_MW_REQ_DONE(p)		(6 + 4 * (p))
#define   T210_COND_MW_ACK_DONE(p)		(7 + 4 * (p))
#define T210_VI_INCR_SYNCPT_CNTRL		0x004
/* A full condition FIFO drops the request (flagged in _ERROR), no stall. */
#define   T210_VI_INCR_SYNCPT_NO_STALL		T210_BIT(8)
#define T210_VI_INCR_SYNCPT_ERROR		0x008
#define T210_VI_CG_CTRL				0x0b8
#define   T210_VI_CG_2ND_LEVEL_EN		T210_BIT(0)

/* The condition FIFO of each syncpoint condition is two deep. */
#define T210_SYNCPT_FIFO_DEPTH			2

/* --- VI, per port: the VI_CSI block of port P (tegra210.c:33-55, 137) --- */

#define T210_VI_CSI_BASE(p)			(0x100 + (p) * 0x100)
#define T210_VI_CSI_SW_RESET			0x000
/* four reset bits (memory client, pixel format, sensor control, shadow) */
#define   T210_VI_CSI_SW_RESET_ALL		T210_GENMASK(3, 0)
#define T210_VI_CSI_SINGLE_SHOT			0x004
#define   T210_VI_CSI_SINGLE_SHOT_CAPTURE	T210_BIT(0)
#define T210_VI_CSI_IMAGE_DEF			0x00c
#define   T210_IMAGE_DEF_DEST_MEM		T210_BIT(0)
#define   T210_IMAGE_DEF_FORMAT			T210_GENMASK(23, 16)
#define   T210_IMAGE_DEF_BYPASS_PXL_TRANSFORM	T210_BIT(24)
#define T210_VI_CSI_IMAGE_SIZE			0x018
#define   T210_IMAGE_SIZE_WIDTH			T210_GENMASK(15, 0)
#define   T210_IMAGE_SIZE_HEIGHT		T210_GENMASK(31, 16)
/* bytes per line on the CSI bus */
#define T210_VI_CSI_IMAGE_SIZE_WC		0x01c
#define T210_VI_CSI_IMAGE_DT			0x020
#define   T210_IMAGE_DT_DATA_TYPE		T210_GENMASK(7, 0)
#define T210_VI_CSI_SURFACE0_OFFSET_MSB		0x024
#define T210_VI_CSI_SURFACE0_OFFSET_LSB		0x028
#define T210_VI_CSI_SURFACE1_OFFSET_MSB		0x02c
#define T210_VI_CSI_SURFACE1_OFFSET_LSB		0x030
#define T210_VI_CSI_SURFACE0_STRIDE		0x054
#define T210_VI_CSI_SURFACE1_STRIDE		0x058
#define T210_VI_CSI_ERROR_STATUS		0x084

/* --- CSI (tegra210.c:57-137, csi.h:13-37) ----------------------------- */

/* Three bricks (CIL AB, CD, EF) of two ports; port B of a brick is +0x34. */
#define T210_CSI_BASE				0x838
#define T210_CSI_BRICK(p)			(T210_CSI_BASE + ((p) >> 1) * 0x800)
#define T210_CSI_PORT_B_OFFSET			0x34
#define T210_CSI_PP(p)				(T210_CSI_BRICK(p) + \
						 ((p) & 1) * T210_CSI_PORT_B_OFFSET)
#define T210_CSI_CIL(p)				(T210_CSI_PP(p) + 0x0f4)
#define T210_CSI_TPG(p)				(T210_CSI_PP(p) + 0x18c)

/* Pixel parser, at T210_CSI_PP(p) */
#define T210_PP_INPUT_STREAM_CONTROL		0x000
#define   T210_PP_ISC_LANES_MINUS_ONE		T210_GENMASK(1, 0)
#define   T210_PP_ISC_SKIP_PACKET_THRESHOLD	T210_GENMASK(21, 16)
#define T210_PP_PIXEL_STREAM_CONTROL0		0x004
#define   T210_PP_PSC0_STREAM_SOURCE		T210_GENMASK(2, 0)
#define   T210_PP_PSC0_PACKET_HEADER_SENT	T210_BIT(4)
#define   T210_PP_PSC0_DATA_IDENTIFIER_ENABLE	T210_BIT(5)
#define   T210_PP_PSC0_WORD_COUNT_SELECT_HEADER	T210_BIT(6)
#define   T210_PP_PSC0_CRC_CHECK_ENABLE		T210_BIT(7)
#define   T210_PP_PSC0_WC_CHECK			T210_BIT(8)
#define   T210_PP_PSC0_OUTPUT_FORMAT		T210_GENMASK(19, 16)
#define     T210_PP_OUTPUT_FORMAT_STORE		3
#define   T210_PP_PSC0_PAD_LINE			T210_GENMASK(25, 24)
#define     T210_PP_PAD_NONE			2
#define   T210_PP_PSC0_HEADER_EC_DISABLE	T210_BIT(27)
#define   T210_PP_PSC0_PAD_FRAME		T210_GENMASK(29, 28)
#define T210_PP_PIXEL_STREAM_CONTROL1		0x008
#define   T210_PP_PSC1_TOP_FIELD_FRAME		T210_GENMASK(3, 0)
#define   T210_PP_PSC1_TOP_FIELD_FRAME_MASK	T210_GENMASK(7, 4)
#define T210_PP_PIXEL_STREAM_GAP		0x00c
#define   T210_PP_GAP_FRAME_MIN_GAP		T210_GENMASK(31, 16)
#define T210_PP_PIXEL_STREAM_PP_COMMAND		0x010
#define   T210_PP_CMD_ENABLE			T210_GENMASK(1, 0)
#define     T210_PP_CMD_EN			1
#define     T210_PP_CMD_DIS			2
#define     T210_PP_CMD_RST			3
#define   T210_PP_CMD_SINGLE_SHOT		T210_BIT(2)
#define   T210_PP_CMD_START_MARKER_FRAME_MAX	T210_GENMASK(15, 12)
#define T210_PP_PIXEL_STREAM_EXPECTED_FRAME	0x014
#define T210_PP_INTERRUPT_MASK			0x018
#define T210_PP_STATUS				0x01c

/* One PHY command register per brick (tegra210.c:86-95) */
#define T210_CSI_PHY_CIL_COMMAND(p)		(T210_CSI_BRICK(p) + 0x0d0)
#define   T210_PHY_CIL_A			T210_GENMASK(1, 0)
#define   T210_PHY_CIL_B			T210_GENMASK(9, 8)
#define     T210_PHY_CIL_NOP			0
#define     T210_PHY_CIL_ENABLE			1
#define     T210_PHY_CIL_DISABLE		2
/* Per brick: clears the PP and CIL status of both ports (x4 only) */
#define T210_CSI_SW_STATUS_RESET(p)		(T210_CSI_BRICK(p) + 0x214)
#define T210_CSI_CLKEN_OVERRIDE(p)		(T210_CSI_BRICK(p) + 0x218)

/* CIL, at T210_CSI_CIL(p) (tegra210.c:97-107) */
#define T210_CIL_PAD_CONFIG0			0x000
#define   T210_CIL_PAD_BRICK_CLOCK		T210_GENMASK(17, 16)
#define     T210_BRICK_CLOCK_A_4X		1
#define T210_CIL_PAD_CONFIG1			0x004
#define T210_CIL_PHY_CONTROL			0x008
#define   T210_CIL_THS_SETTLE			T210_GENMASK(5, 0)
#define   T210_CIL_BYPASS_LP_SEQ		T210_BIT(6)
#define   T210_CIL_CLK_SETTLE			T210_GENMASK(13, 8)
#define T210_CIL_INTERRUPT_MASK			0x00c
#define T210_CIL_STATUS				0x010
#define T210_CILX_STATUS			0x014
#define T210_CIL_SW_SENSOR_RESET		0x020
#define   T210_CIL_SENSOR_RESET			T210_BIT(0)

/* Test pattern generator, at T210_CSI_TPG(p) (tegra210.c:109-128) */
#define T210_TPG_CTRL				0x000
#define   T210_TPG_ENABLE			T210_BIT(0)
/* 0: black/white direct mode, 1: colour patch mode (tegra210.c:960) */
#define   T210_TPG_MODE				T210_GENMASK(2, 2)
#define T210_TPG_BLANK				0x004
#define   T210_TPG_HBLANK			T210_GENMASK(15, 0)
#define   T210_TPG_VBLANK			T210_GENMASK(31, 16)
#define T210_TPG_PHASE				0x008
#define T210_TPG_RED_FREQ			0x00c
#define T210_TPG_RED_FREQ_RATE			0x010
#define T210_TPG_GREEN_FREQ			0x014
#define T210_TPG_GREEN_FREQ_RATE		0x018
#define T210_TPG_BLUE_FREQ			0x01c
#define T210_TPG_BLUE_FREQ_RATE			0x020
#define   T210_TPG_FREQ_HOR			T210_GENMASK(15, 0)
#define   T210_TPG_FREQ_VERT			T210_GENMASK(31, 16)

/* The last register of the window the driver touches, for regmap. */
#define T210_MAX_REGISTER			0x1ffc

#endif /* TCS_T210_REGS_H */
