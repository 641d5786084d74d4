/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tegra-csi-sg: the values the Tegra210 backend writes to VI and CSI
 * registers, as pure functions of their inputs (tcs-t210-values.c). The
 * same file is compiled into the module and into the host unit tests
 * (tests/host/t210-values.c), which check every function against values
 * from public sources.
 */
#ifndef TCS_T210_VALUES_H
#define TCS_T210_VALUES_H

#include "tcs-t210-bits.h"

/*
 * MIPI CSI-2 data types (CSI-2 specification, "Data Type"; tegra-video
 * vi.h's TEGRA_IMAGE_DT_*).
 */
#define T210_DT_YUV422_8	0x1e
#define T210_DT_RGB888		0x24
#define T210_DT_RAW8		0x2a
#define T210_DT_RAW10		0x2b
#define T210_DT_RAW12		0x2c

/*
 * VI memory formats of IMAGE_DEF's format field (tegra210.c's
 * tegra_image_format enum, mainline numbering).
 */
#define T210_IMG_T_L8			16
#define T210_IMG_T_R16_I		32
#define T210_IMG_T_A8B8G8R8		64
#define T210_IMG_T_A8R8G8B8		65
#define T210_IMG_T_Y8_U8__Y8_V8		199
#define T210_IMG_T_Y8_V8__Y8_U8		200
#define T210_IMG_T_U8_Y8__V8_Y8		201
#define T210_IMG_T_V8_Y8__U8_Y8		202
#define T210_IMG_T_Y8__V8U8_N422	229

/**
 * struct t210_format - a memory format of the VI, with its CSI-2 input
 * @fourcc: V4L2 pixel format in memory.
 * @mbus_code: the media bus code the CSI receives.
 * @data_type: CSI-2 data type (T210_DT_*).
 * @bit_width: bits per pixel on the CSI bus.
 * @img_fmt: IMAGE_DEF format (T210_IMG_*).
 * @surfaces: 1, or 2 for the luma and chroma surfaces of NV16.
 */
struct t210_format {
	u32 fourcc;
	u32 mbus_code;
	u32 data_type;
	u32 bit_width;
	u32 img_fmt;
	u32 surfaces;
};

/**
 * enum t210_pp_command - what PIXEL_STREAM_PP_COMMAND tells the parser
 * @T210_PP_ENABLE: start parsing (single-shot mode).
 * @T210_PP_DISABLE: stop.
 * @T210_PP_RESET: reset the parser.
 */
enum t210_pp_command {
	T210_PP_ENABLE,
	T210_PP_DISABLE,
	T210_PP_RESET,
};

u32 t210_image_def(u32 img_fmt, bool bypass);
bool t210_bypass_pixel_transform(u32 data_type, bool tpg);
u32 t210_image_size(u32 width, u32 height);
u32 t210_image_size_wc(u32 width, u32 bit_width);
u32 t210_incr_syncpt(u32 cond, u32 syncpt_id);
u32 t210_pp_input_stream_control(u32 lanes);
u32 t210_pp_stream_control0(u32 port);
u32 t210_pp_stream_control1(void);
u32 t210_pp_stream_gap(void);
u32 t210_pp_command(enum t210_pp_command cmd);
void t210_cil_settle(u32 cil_clk_hz, u64 pixel_rate, u32 *clk_settle,
		     u32 *ths_settle);
u32 t210_cil_phy_control(u32 clk_settle, u32 ths_settle);
u32 t210_cil_pad_config0(u32 port, u32 lanes);
u32 t210_phy_cil_command(u32 port, u32 lanes, bool enable);
u32 t210_tpg_ctrl(u32 mode);
u32 t210_tpg_blank(u32 hblank, u32 vblank);
u32 t210_tpg_freq(u32 hor, u32 vert);
u32 t210_pp_status_errors(u32 status);
size_t t210_pp_status_names(u32 status, char *buf, size_t len);

extern const struct t210_format t210_formats[];
extern const unsigned int t210_num_formats;

#endif /* TCS_T210_VALUES_H */
