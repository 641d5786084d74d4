// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of the Tegra210 register values (kernel/tcs-t210-values.c,
 * compiled here as plain C). Every expected value is one a public source
 * writes for the same inputs, cited per check: mainline
 * drivers/staging/media/tegra-video of linux-source-6.1 (6.1.192) by file
 * and line, and for the settle times the worked numbers of csi.c's
 * formulas for the clocks tegra210.dtsi assigns (CIL 102 MHz) and the pixel
 * rates of the mainline imx219 and ov5693 drivers. Exit status 0 when every
 * check holds.
 */
#include <stdio.h>
#include <string.h>

#include "tcs-t210-regs.h"
#include "tcs-t210-values.h"

static int failures, checks;

#define CHECK(expr, want, source) check((expr), (want), #expr, source)

static void check(unsigned long long got, unsigned long long want,
		  const char *what, const char *source)
{
	checks++;
	if (got == want)
		return;
	failures++;
	printf("FAIL: %s = %#llx, expected %#llx (%s)\n", what, got, want, source);
}

int main(void)
{
	u32 clk, ths;
	char names[128];

	/* IMAGE_DEF: bypass | fmt << 16 | DEST_MEM (tegra210.c:183-211) */
	CHECK(t210_image_def(T210_IMG_T_R16_I, true), 0x01200001,
	      "tegra210.c:208-211, RAW10 from a sensor");
	CHECK(t210_image_def(T210_IMG_T_L8, true), 0x01100001,
	      "tegra210.c:208-211, RAW8 from a sensor");
	CHECK(t210_image_def(T210_IMG_T_R16_I, false), 0x00200001,
	      "tegra210.c:195, RAW10 from the TPG");
	CHECK(t210_image_def(T210_IMG_T_A8B8G8R8, false), 0x00400001,
	      "tegra210.c:195, RGB888 from the TPG");
	CHECK(t210_image_def(T210_IMG_T_Y8__V8U8_N422, false), 0x00e50001,
	      "tegra210.c:195 and :714, NV16 from YUV 4:2:2");
	CHECK(t210_bypass_pixel_transform(T210_DT_RAW10, false), 1, "tegra210.c:183-196");
	CHECK(t210_bypass_pixel_transform(T210_DT_RAW10, true), 0, "tegra210.c:192, TPG");
	CHECK(t210_bypass_pixel_transform(T210_DT_YUV422_8, false), 0, "tegra210.c:193");
	CHECK(t210_bypass_pixel_transform(T210_DT_RGB888, false), 0, "tegra210.c:194");

	/* IMAGE_SIZE, IMAGE_SIZE_WC (tegra210.c:182, 213-215) */
	CHECK(t210_image_size(1920, 1080), 0x04380780, "tegra210.c:214-215");
	CHECK(t210_image_size(3280, 2464), 0x09a00cd0, "tegra210.c:214-215, IMX219 full");
	CHECK(t210_image_size_wc(1920, 10), 2400, "tegra210.c:182, 1920 RAW10");
	CHECK(t210_image_size_wc(1920, 16), 3840, "tegra210.c:182, 1920 YUV 4:2:2");
	CHECK(t210_image_size_wc(1280, 24), 3840, "tegra210.c:182, 1280 RGB888");

	/* INCR_SYNCPT: cond << 8 | id (tegra210.c:24-26, 366-378) */
	CHECK(t210_incr_syncpt(T210_COND_PP_FRAME_START(0), 17), 0x0511,
	      "tegra210.c:25, 366: frame start on port A");
	CHECK(t210_incr_syncpt(T210_COND_MW_ACK_DONE(0), 18), 0x0712,
	      "tegra210.c:26, 376: memory write ack on port A");
	CHECK(t210_incr_syncpt(T210_COND_PP_FRAME_START(5), 3), 0x1903,
	      "tegra210.c:25: frame start on port F (5 + 4 * 5 = 25)");
	CHECK(t210_incr_syncpt(T210_COND_MW_ACK_DONE(4), 0), 0x1700,
	      "tegra210.c:26: ack on port E (7 + 4 * 4 = 23)");

	/* Pixel parser (tegra210.c:933-953, 978-980, 1004-1006) */
	CHECK(t210_pp_input_stream_control(1), 0x003f0000, "tegra210.c:951-953, x1");
	CHECK(t210_pp_input_stream_control(2), 0x003f0001, "tegra210.c:951-953, x2");
	CHECK(t210_pp_input_stream_control(4), 0x003f0003, "tegra210.c:951-953, x4");
	CHECK(t210_pp_stream_control0(0), 0x2a0301f0, "tegra210.c:937-944, port A");
	CHECK(t210_pp_stream_control0(1), 0x2a0301f1, "tegra210.c:937-944, port B");
	CHECK(t210_pp_stream_control0(4), 0x2a0301f0, "tegra210.c:937-944, port E");
	CHECK(t210_pp_stream_control1(), 0x11, "tegra210.c:945-947");
	CHECK(t210_pp_stream_gap(), 0x00140000, "tegra210.c:948-949");
	CHECK(t210_pp_command(T210_PP_RESET), 0xf007, "tegra210.c:933-935");
	CHECK(t210_pp_command(T210_PP_ENABLE), 0xf005, "tegra210.c:978-980");
	CHECK(t210_pp_command(T210_PP_DISABLE), 0xf002, "tegra210.c:1004-1006");

	/* CIL (tegra210.c:898-929, 1011-1019) */
	CHECK(t210_cil_pad_config0(0, 2), 0, "tegra210.c:898, x2");
	CHECK(t210_cil_pad_config0(0, 4), 0x10000, "tegra210.c:916, x4 CIL A");
	CHECK(t210_cil_pad_config0(1, 4), 0, "tegra210.c:918, x4 CIL B");
	CHECK(t210_phy_cil_command(0, 4, true), 0x0101, "tegra210.c:923-924, x4 start");
	CHECK(t210_phy_cil_command(0, 2, true), 0x0001, "tegra210.c:926-929, port A start");
	CHECK(t210_phy_cil_command(1, 2, true), 0x0100, "tegra210.c:926-929, port B start");
	CHECK(t210_phy_cil_command(2, 4, false), 0x0202, "tegra210.c:1012-1014, x4 stop");
	CHECK(t210_phy_cil_command(0, 1, false), 0x0002, "tegra210.c:1016-1019, port A stop");
	CHECK(t210_phy_cil_command(3, 2, false), 0x0200, "tegra210.c:1016-1019, port B stop");

	/* Settle times (csi.c:255-292), CIL clock 102 MHz (tegra210.dtsi:167) */
	t210_cil_settle(102000000, 182400000, &clk, &ths);
	CHECK(clk, 13, "csi.c:277 at 102 MHz");
	CHECK(ths, 8, "csi.c:290-291, IMX219 2 lanes (imx219.c:46, 182.4 MHz)");
	CHECK(t210_cil_phy_control(clk, ths), 0x0d08, "tegra210.c:899-900");
	t210_cil_settle(102000000, 167680000, &clk, &ths);
	CHECK(ths, 9, "csi.c:290-291, OV5693 (ov5693.c:127, 167.68 MHz)");
	t210_cil_settle(102000000, 0, &clk, &ths);
	CHECK(ths, 10, "csi.c:272-273: no pixel rate (the TPG)");
	t210_cil_settle(0, 0, &clk, &ths);
	CHECK(clk, 0, "clamped at 0 (the formula goes negative)");

	/* TPG (tegra210.c:955-976, 1061-1104) */
	CHECK(t210_tpg_ctrl(0), 0x1, "tegra210.c:957-960, direct mode (pg_mode 1)");
	CHECK(t210_tpg_ctrl(1), 0x5, "tegra210.c:957-960, patch mode (pg_mode 2)");
	CHECK(t210_tpg_blank(512, 8), 0x00080200, "tegra210.c:1061-1104, 1080p60");
	CHECK(t210_tpg_blank(8, 8), 0x00080008, "tegra210.c:1061-1104, 2160p20");
	CHECK(t210_tpg_freq(0x10, 0x10), 0x00100010, "tegra210.c:964-975");

	/* Register addresses of port A and F (tegra210.c:132-137) */
	CHECK(T210_VI_CSI_BASE(0) + T210_VI_CSI_SINGLE_SHOT, 0x104, "tegra210.c:35, 137");
	CHECK(T210_CSI_PP(0) + T210_PP_STATUS, 0x854, "tegra210.c:83, 132-136");
	CHECK(T210_CSI_PP(1), 0x86c, "tegra210.c:134: port B = A + 0x34");
	CHECK(T210_CSI_CIL(0), 0x92c, "tegra210.c:135: CIL at PP + 0xf4");
	CHECK(T210_CSI_TPG(5), 0x19f8, "tegra210.c:136: brick EF, port B, TPG at PP + 0x18c");
	CHECK(T210_CSI_PHY_CIL_COMMAND(3), 0x1108, "tegra210.c:87: brick CD + 0xd0");

	/* Status decoding */
	t210_pp_status_names(0x4021, names, sizeof(names));
	check(strcmp(names, "HDR_ERR_COR FIFO_OVRF UNC_HDR_ERR"), 0, "status names",
	      "Tegra20/30 csi.h names, L4T's Tegra210 use of bits 5 and 14");
	t210_pp_status_names(1u << 20, names, sizeof(names));
	check(strcmp(names, "BIT20"), 0, "unnamed bit", "no public name");
	/* what fails a frame: not the ECC-corrected header nor SL_PROCESSED */
	CHECK(t210_pp_status_errors(0x1 | 0x4), 0, "Tegra20/30 csi.h: informational bits");
	CHECK(t210_pp_status_errors(0x4010), 0x4010, "L4T vi2: UNC_HDR_ERR (0x4000), PL_CRC_ERR");
	CHECK(t210_pp_status_errors(0xffffffff), 0x43fa, "every named error bit, no unnamed one");

	/* The format table: every entry's CSI word count of one pixel */
	for (unsigned int i = 0; i < t210_num_formats; i++)
		check(t210_formats[i].bit_width % 8 == 0 ||
		      t210_formats[i].data_type == T210_DT_RAW10 ||
		      t210_formats[i].data_type == T210_DT_RAW12, 1,
		      "format bit width", "tegra210.c:687-717");

	printf("%d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
