// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg: the Tegra210 CSI receiver of one port: its pixel parser
 * (PP), its CIL (the D-PHY lanes) and its test pattern generator.
 *
 * The sequences are those of mainline tegra-video (6.1.192 tegra210.c
 * :815-1024, csi.c:255-292), the values come from tcs-t210-values.c. A
 * 4-lane port (A, C or E) takes both CILs of its brick. Unverified on
 * silicon.
 */

#include <linux/delay.h>
#include <linux/regmap.h>

#include "tcs-t210.h"
#include "tcs-t210-regs.h"

static void pp_write(const struct tcs_t210_hw *hw, unsigned int port, u32 reg,
		     u32 val)
{
	regmap_write(hw->regs, T210_CSI_PP(port) + reg, val);
}

static u32 pp_read(const struct tcs_t210_hw *hw, unsigned int port, u32 reg)
{
	unsigned int val = 0;

	regmap_read(hw->regs, T210_CSI_PP(port) + reg, &val);
	return val;
}

static void cil_write(const struct tcs_t210_hw *hw, unsigned int port,
		      u32 reg, u32 val)
{
	regmap_write(hw->regs, T210_CSI_CIL(port) + reg, val);
}

static u32 cil_read(const struct tcs_t210_hw *hw, unsigned int port, u32 reg)
{
	unsigned int val = 0;

	regmap_read(hw->regs, T210_CSI_CIL(port) + reg, &val);
	return val;
}

static void tpg_write(const struct tcs_t210_hw *hw, unsigned int port,
		      u32 reg, u32 val)
{
	regmap_write(hw->regs, T210_CSI_TPG(port) + reg, val);
}

/* Clear a CIL's status and mask its interrupts. */
static void cil_clear(const struct tcs_t210_hw *hw, unsigned int port)
{
	cil_write(hw, port, T210_CIL_STATUS, 0xffffffff);
	cil_write(hw, port, T210_CILX_STATUS, 0xffffffff);
	cil_write(hw, port, T210_CIL_INTERRUPT_MASK, 0);
}

/*
 * Reset the pixel parser, configure it and enable it in single-shot mode
 * (tegra210.c:931-953, 978-980).
 */
static void pp_start(const struct tcs_t210_hw *hw, unsigned int port)
{
	pp_write(hw, port, T210_PP_PIXEL_STREAM_PP_COMMAND,
		 t210_pp_command(T210_PP_RESET));
	pp_write(hw, port, T210_PP_INTERRUPT_MASK, 0);
	pp_write(hw, port, T210_PP_PIXEL_STREAM_CONTROL0,
		 t210_pp_stream_control0(port));
	pp_write(hw, port, T210_PP_PIXEL_STREAM_CONTROL1,
		 t210_pp_stream_control1());
	pp_write(hw, port, T210_PP_PIXEL_STREAM_GAP, t210_pp_stream_gap());
	pp_write(hw, port, T210_PP_PIXEL_STREAM_EXPECTED_FRAME, 0);
	pp_write(hw, port, T210_PP_INPUT_STREAM_CONTROL,
		 t210_pp_input_stream_control(hw->sources[port]->lanes));
}

static void pp_enable(const struct tcs_t210_hw *hw, unsigned int port)
{
	pp_write(hw, port, T210_PP_PIXEL_STREAM_PP_COMMAND,
		 t210_pp_command(T210_PP_ENABLE));
}

/**
 * tcs_t210_csi_start() - start one CSI port
 * @hw: the hardware.
 * @port: CSI port 0..5, with a source.
 * @tpg_mode: with the TPG as source: 0 direct, 1 colour patch.
 * @width: frame width (the TPG's blanking depends on it).
 *
 * Order (tegra210.c:876-983): CLKEN_OVERRIDE off; clear the statuses;
 * pads and settle times; the PHY on; the parser reset, configured; the TPG
 * programmed when it is the source; the parser enabled in single-shot
 * mode. Process context.
 */
void tcs_t210_csi_start(const struct tcs_t210_hw *hw, unsigned int port,
			u32 tpg_mode, u32 width)
{
	const struct tcs_t210_source *src = hw->sources[port];
	u32 lanes = src->lanes, clk_settle = 0, ths_settle = 10, phy;

	/* The TPG needs no PHY timing (csi.c:268-273). */
	if (!src->tpg)
		t210_cil_settle(hw->cil_clk_hz, src->pixel_rate, &clk_settle,
				&ths_settle);
	phy = t210_cil_phy_control(clk_settle, ths_settle);

	regmap_write(hw->regs, T210_CSI_CLKEN_OVERRIDE(port), 0);
	pp_write(hw, port, T210_PP_STATUS, 0xffffffff);
	cil_clear(hw, port);
	cil_write(hw, port, T210_CIL_PAD_CONFIG0, t210_cil_pad_config0(port, lanes));
	cil_write(hw, port, T210_CIL_PHY_CONTROL, phy);
	if (lanes == 4) {
		cil_clear(hw, port + 1);
		cil_write(hw, port + 1, T210_CIL_PAD_CONFIG0,
			  t210_cil_pad_config0(port + 1, lanes));
		cil_write(hw, port + 1, T210_CIL_PHY_CONTROL, phy);
	}
	regmap_write(hw->regs, T210_CSI_PHY_CIL_COMMAND(port),
		     t210_phy_cil_command(port, lanes, true));

	pp_start(hw, port);
	if (src->tpg) {
		/* Blanking of tegra210.c's TPG table (tegra210.c:1061-1104) */
		u32 hblank = width > 1920 ? 8 : 512;

		tpg_write(hw, port, T210_TPG_CTRL, t210_tpg_ctrl(tpg_mode));
		tpg_write(hw, port, T210_TPG_BLANK, t210_tpg_blank(hblank, 8));
		tpg_write(hw, port, T210_TPG_PHASE, 0);
		tpg_write(hw, port, T210_TPG_RED_FREQ, t210_tpg_freq(0x10, 0x10));
		tpg_write(hw, port, T210_TPG_RED_FREQ_RATE, 0);
		tpg_write(hw, port, T210_TPG_GREEN_FREQ, t210_tpg_freq(0x10, 0x10));
		tpg_write(hw, port, T210_TPG_GREEN_FREQ_RATE, 0);
		tpg_write(hw, port, T210_TPG_BLUE_FREQ, t210_tpg_freq(0x10, 0x10));
		tpg_write(hw, port, T210_TPG_BLUE_FREQ_RATE, 0);
	}
	pp_enable(hw, port);
}

/**
 * tcs_t210_csi_status() - read a port's receiver status
 * @hw: the hardware.
 * @port: CSI port.
 * @pp: returns PP STATUS.
 * @cil: returns CIL STATUS.
 * @cilx: returns CILX STATUS.
 */
void tcs_t210_csi_status(const struct tcs_t210_hw *hw, unsigned int port,
			 u32 *pp, u32 *cil, u32 *cilx)
{
	*pp = pp_read(hw, port, T210_PP_STATUS);
	*cil = cil_read(hw, port, T210_CIL_STATUS);
	*cilx = cil_read(hw, port, T210_CILX_STATUS);
}

/**
 * tcs_t210_csi_stop() - stop one CSI port
 * @hw: the hardware.
 * @port: CSI port.
 *
 * Clears the statuses, disables the parser, then the TPG and the PHY
 * (tegra210.c:985-1024; mainline leaves a TPG port's PHY enabled, though
 * its start enables it). Process context.
 */
void tcs_t210_csi_stop(const struct tcs_t210_hw *hw, unsigned int port)
{
	const struct tcs_t210_source *src = hw->sources[port];
	u32 pp, cil, cilx;

	tcs_t210_csi_status(hw, port, &pp, &cil, &cilx);
	tcs_t210_csi_clear_status(hw, port, pp, cil, cilx);
	pp_write(hw, port, T210_PP_PIXEL_STREAM_PP_COMMAND,
		 t210_pp_command(T210_PP_DISABLE));
	if (src->tpg)
		tpg_write(hw, port, T210_TPG_CTRL, 0);
	regmap_write(hw->regs, T210_CSI_PHY_CIL_COMMAND(port),
		     t210_phy_cil_command(port, src->lanes, false));
}

/**
 * tcs_t210_csi_recover() - reset a port's receiver after an error
 * @hw: the hardware.
 * @port: CSI port, started.
 *
 * Disables the parser; holds the CIL (both for 4 lanes) in reset for about
 * 20 clock cycles so that its FIFO drains, then clears the statuses (a
 * 4-lane brick with CSI_SW_STATUS_RESET, tegra210.c:815-865); then the
 * parser is reset, configured and enabled again. The source (sensor or
 * TPG) keeps running, as in NVIDIA's L4T recovery; mainline restarts the
 * whole port (csi.c:599-608). Process context, sleeps.
 */
void tcs_t210_csi_recover(const struct tcs_t210_hw *hw, unsigned int port)
{
	const struct tcs_t210_source *src = hw->sources[port];

	pp_write(hw, port, T210_PP_PIXEL_STREAM_PP_COMMAND,
		 t210_pp_command(T210_PP_DISABLE));
	if (src->lanes == 4) {
		cil_write(hw, port, T210_CIL_SW_SENSOR_RESET, T210_CIL_SENSOR_RESET);
		cil_write(hw, port + 1, T210_CIL_SW_SENSOR_RESET,
			  T210_CIL_SENSOR_RESET);
		regmap_write(hw->regs, T210_CSI_SW_STATUS_RESET(port), 1);
		usleep_range(10, 20);
		cil_write(hw, port + 1, T210_CIL_SW_SENSOR_RESET, 0);
		cil_write(hw, port, T210_CIL_SW_SENSOR_RESET, 0);
		regmap_write(hw->regs, T210_CSI_SW_STATUS_RESET(port), 0);
	} else {
		cil_write(hw, port, T210_CIL_SW_SENSOR_RESET,
			  T210_CIL_SENSOR_RESET);
		usleep_range(10, 20);
		cil_write(hw, port, T210_CIL_SW_SENSOR_RESET, 0);
		pp_write(hw, port, T210_PP_STATUS, 0xffffffff);
		cil_write(hw, port, T210_CIL_STATUS, 0xffffffff);
		cil_write(hw, port, T210_CILX_STATUS, 0xffffffff);
	}
	pp_start(hw, port);
	pp_enable(hw, port);
}

/**
 * tcs_t210_csi_clear_status() - clear status bits that were read
 * @hw: the hardware.
 * @port: CSI port.
 * @pp: PP STATUS bits to clear (write one to clear, as mainline's stop).
 * @cil: CIL STATUS bits.
 * @cilx: CILX STATUS bits.
 */
void tcs_t210_csi_clear_status(const struct tcs_t210_hw *hw, unsigned int port,
			       u32 pp, u32 cil, u32 cilx)
{
	pp_write(hw, port, T210_PP_STATUS, pp);
	cil_write(hw, port, T210_CIL_STATUS, cil);
	cil_write(hw, port, T210_CILX_STATUS, cilx);
}
