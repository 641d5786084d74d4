// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg-t210-model: the VI and CSI register file.
 *
 * The backend's regmap calls t210m_reg_read() and t210m_reg_write() for
 * every access, so the model sees each one in order. Every register the
 * backend may touch is known with the bits it may write (the others are
 * reserved: only fields known from public sources are writable) and
 * whether it is write-one-to-clear. On top, each write is checked against
 * the programming contract of mainline tegra-video (tegra210.c, csi.c) and
 * NVIDIA's L4T driver:
 *
 * - VI: a channel's soft reset only with second-level clock gating off,
 *   nothing else written to the channel while it is held; INCR_SYNCPT only
 *   after NO_STALL, only the conditions the backend uses (frame start,
 *   memory-write ack), for a syncpoint that exists, never into a full
 *   condition FIFO; SINGLE_SHOT only with the image and every surface
 *   programmed since the soft reset, consistent with each other (format,
 *   data type, word count, pixel transform bypass, stride, 64-byte
 *   alignment of the memory atom, the address width of the path), the
 *   parser enabled and both conditions queued; nothing of the armed frame
 *   changed before it starts;
 * - CSI: the parser configured after its reset and before it is enabled,
 *   in single-shot mode, with the lanes and CIL of its source, enabled only
 *   when its input runs (the TPG, or the CIL's PHY); the TPG and a CIL's
 *   reset only while the parser is disabled; the PHY's settle times inside
 *   the D-PHY limits for the sensor's bit rate; CSI_SW_STATUS_RESET only in
 *   x4 mode.
 *
 * A breach is a violation: logged at error level (which fails a test run)
 * and counted; the write still happens, as it would on the chip.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/regmap.h>

#include "tcs-t210-model.h"

/* Register names, for messages */
static const char *const t210m_vi_names[] = {
	[T210_VI_CSI_SW_RESET / 4] = "SW_RESET",
	[T210_VI_CSI_SINGLE_SHOT / 4] = "SINGLE_SHOT",
	[T210_VI_CSI_IMAGE_DEF / 4] = "IMAGE_DEF",
	[T210_VI_CSI_IMAGE_SIZE / 4] = "IMAGE_SIZE",
	[T210_VI_CSI_IMAGE_SIZE_WC / 4] = "IMAGE_SIZE_WC",
	[T210_VI_CSI_IMAGE_DT / 4] = "IMAGE_DT",
	[T210_VI_CSI_SURFACE0_OFFSET_MSB / 4] = "SURFACE0_OFFSET_MSB",
	[T210_VI_CSI_SURFACE0_OFFSET_LSB / 4] = "SURFACE0_OFFSET_LSB",
	[T210_VI_CSI_SURFACE1_OFFSET_MSB / 4] = "SURFACE1_OFFSET_MSB",
	[T210_VI_CSI_SURFACE1_OFFSET_LSB / 4] = "SURFACE1_OFFSET_LSB",
	[T210_VI_CSI_SURFACE0_STRIDE / 4] = "SURFACE0_STRIDE",
	[T210_VI_CSI_SURFACE1_STRIDE / 4] = "SURFACE1_STRIDE",
	[T210_VI_CSI_ERROR_STATUS / 4] = "ERROR_STATUS",
};

static const char *const t210m_pp_names[] = {
	"INPUT_STREAM_CONTROL", "PIXEL_STREAM_CONTROL0",
	"PIXEL_STREAM_CONTROL1", "PIXEL_STREAM_GAP", "PIXEL_STREAM_PP_COMMAND",
	"PIXEL_STREAM_EXPECTED_FRAME", "PIXEL_PARSER_INTERRUPT_MASK",
	"PIXEL_PARSER_STATUS",
};

static const char *const t210m_cil_names[] = {
	"CIL_PAD_CONFIG0", "CIL_PAD_CONFIG1", "CIL_PHY_CONTROL",
	"CIL_INTERRUPT_MASK", "CIL_STATUS", "CILX_STATUS", NULL, NULL,
	"CIL_SW_SENSOR_RESET",
};

static const char *const t210m_tpg_names[] = {
	"PATTERN_GENERATOR_CTRL", "PG_BLANK", "PG_PHASE", "PG_RED_FREQ",
	"PG_RED_FREQ_RATE", "PG_GREEN_FREQ", "PG_GREEN_FREQ_RATE",
	"PG_BLUE_FREQ", "PG_BLUE_FREQ_RATE",
};

/* What an offset is */
enum t210m_block {
	T210M_NONE,
	T210M_VI_GLOBAL,
	T210M_VI_CHAN,
	T210M_PP,
	T210M_CIL,
	T210M_TPG,
	T210M_BRICK,
};

struct t210m_where {
	enum t210m_block block;
	unsigned int port;	/* VI channel or CSI port; brick for BRICK */
	u32 reg;		/* offset inside the block */
};

static struct t210m_where t210m_decode(u32 off)
{
	struct t210m_where w = { T210M_NONE, 0, 0 };
	unsigned int b, p;

	if (off < 0x100) {
		w.block = T210M_VI_GLOBAL;
		w.reg = off;
		return w;
	}
	if (off < T210_VI_CSI_BASE(T210_PORTS)) {
		w.block = T210M_VI_CHAN;
		w.port = (off - 0x100) / 0x100;
		w.reg = off - T210_VI_CSI_BASE(w.port);
		return w;
	}
	for (p = 0; p < T210_PORTS; p++) {
		if (off >= T210_CSI_PP(p) && off < T210_CSI_PP(p) + 0x20) {
			w = (struct t210m_where){ T210M_PP, p, off - T210_CSI_PP(p) };
			return w;
		}
		if (off >= T210_CSI_CIL(p) && off < T210_CSI_CIL(p) + 0x24) {
			w = (struct t210m_where){ T210M_CIL, p, off - T210_CSI_CIL(p) };
			return w;
		}
		if (off >= T210_CSI_TPG(p) && off < T210_CSI_TPG(p) + 0x24) {
			w = (struct t210m_where){ T210M_TPG, p, off - T210_CSI_TPG(p) };
			return w;
		}
	}
	for (b = 0; b < T210_PORTS; b += 2)
		if (off == T210_CSI_PHY_CIL_COMMAND(b) ||
		    off == T210_CSI_SW_STATUS_RESET(b) ||
		    off == T210_CSI_CLKEN_OVERRIDE(b)) {
			w = (struct t210m_where){ T210M_BRICK, b,
						  off - T210_CSI_BRICK(b) };
			return w;
		}
	return w;
}

static const char *t210m_name(const char *const *names, size_t n, u32 reg)
{
	return reg / 4 < n && names[reg / 4] ? names[reg / 4] : "?";
}

/* "VI channel A IMAGE_DEF (0x10c)" and the like. */
static void t210m_reg_name(u32 off, char *buf, size_t len)
{
	struct t210m_where w = t210m_decode(off);
	char port = 'A' + w.port;

	switch (w.block) {
	case T210M_VI_GLOBAL:
		snprintf(buf, len, "VI %s (0x%03x)",
			 off == T210_VI_INCR_SYNCPT ? "INCR_SYNCPT" :
			 off == T210_VI_INCR_SYNCPT_CNTRL ? "INCR_SYNCPT_CNTRL" :
			 off == T210_VI_INCR_SYNCPT_ERROR ? "INCR_SYNCPT_ERROR" :
			 off == T210_VI_CG_CTRL ? "CG_CTRL" : "?", off);
		break;
	case T210M_VI_CHAN:
		snprintf(buf, len, "VI channel %c %s (0x%03x)", port,
			 t210m_name(t210m_vi_names, ARRAY_SIZE(t210m_vi_names),
				    w.reg), off);
		break;
	case T210M_PP:
		snprintf(buf, len, "CSI %c %s (0x%03x)", port,
			 t210m_name(t210m_pp_names, ARRAY_SIZE(t210m_pp_names),
				    w.reg), off);
		break;
	case T210M_CIL:
		snprintf(buf, len, "CSI %c %s (0x%03x)", port,
			 t210m_name(t210m_cil_names, ARRAY_SIZE(t210m_cil_names),
				    w.reg), off);
		break;
	case T210M_TPG:
		snprintf(buf, len, "CSI %c %s (0x%03x)", port,
			 t210m_name(t210m_tpg_names, ARRAY_SIZE(t210m_tpg_names),
				    w.reg), off);
		break;
	case T210M_BRICK:
		snprintf(buf, len, "CSI brick %c%c %s (0x%03x)", port, port + 1,
			 w.reg == 0x0d0 ? "PHY_CIL_COMMAND" :
			 w.reg == 0x214 ? "CSI_SW_STATUS_RESET" :
			 "CLKEN_OVERRIDE", off);
		break;
	default:
		snprintf(buf, len, "0x%03x", off);
	}
}

u32 t210m_reg(struct t210m *m, u32 offset)
{
	return m->reg[offset / 4];
}

void t210m_reg_set_bits(struct t210m *m, u32 offset, u32 bits)
{
	m->reg[offset / 4] |= bits;
}

static void t210m_def(struct t210m *m, u32 off, u32 wmask, bool w1c)
{
	m->known[off / 4] = true;
	m->wmask[off / 4] = wmask;
	m->w1c[off / 4] = w1c;
}

/**
 * t210m_regs_init() - the registers the model knows, and their fields
 * @m: the model.
 *
 * Writable masks from the fields of tcs-t210-regs.h (mainline and L4T);
 * registers mainline writes as whole words without naming fields
 * (EXPECTED_FRAME, the interrupt masks, the TPG frequencies and blanking)
 * are wholly writable.
 *
 * Return: 0.
 */
int t210m_regs_init(struct t210m *m)
{
	unsigned int p;

	t210m_def(m, T210_VI_INCR_SYNCPT, T210_VI_INCR_SYNCPT_COND |
		  T210_VI_INCR_SYNCPT_INDX, false);
	t210m_def(m, T210_VI_INCR_SYNCPT_CNTRL, T210_VI_INCR_SYNCPT_NO_STALL,
		  false);
	t210m_def(m, T210_VI_INCR_SYNCPT_ERROR, ~0u, true);
	t210m_def(m, T210_VI_CG_CTRL, T210_VI_CG_2ND_LEVEL_EN, false);

	for (p = 0; p < T210_PORTS; p++) {
		u32 vi = T210_VI_CSI_BASE(p), pp = T210_CSI_PP(p);
		u32 cil = T210_CSI_CIL(p), tpg = T210_CSI_TPG(p), r;

		t210m_def(m, vi + T210_VI_CSI_SW_RESET, T210_VI_CSI_SW_RESET_ALL,
			  false);
		t210m_def(m, vi + T210_VI_CSI_SINGLE_SHOT,
			  T210_VI_CSI_SINGLE_SHOT_CAPTURE, false);
		t210m_def(m, vi + T210_VI_CSI_IMAGE_DEF, T210_IMAGE_DEF_DEST_MEM |
			  T210_IMAGE_DEF_FORMAT |
			  T210_IMAGE_DEF_BYPASS_PXL_TRANSFORM, false);
		t210m_def(m, vi + T210_VI_CSI_IMAGE_SIZE, ~0u, false);
		t210m_def(m, vi + T210_VI_CSI_IMAGE_SIZE_WC, ~0u, false);
		t210m_def(m, vi + T210_VI_CSI_IMAGE_DT, T210_IMAGE_DT_DATA_TYPE,
			  false);
		for (r = T210_VI_CSI_SURFACE0_OFFSET_MSB;
		     r <= T210_VI_CSI_SURFACE1_OFFSET_LSB; r += 4)
			t210m_def(m, vi + r, ~0u, false);
		t210m_def(m, vi + T210_VI_CSI_SURFACE0_STRIDE, ~0u, false);
		t210m_def(m, vi + T210_VI_CSI_SURFACE1_STRIDE, ~0u, false);
		t210m_def(m, vi + T210_VI_CSI_ERROR_STATUS, ~0u, true);

		t210m_def(m, pp + T210_PP_INPUT_STREAM_CONTROL,
			  T210_PP_ISC_LANES_MINUS_ONE |
			  T210_PP_ISC_SKIP_PACKET_THRESHOLD, false);
		t210m_def(m, pp + T210_PP_PIXEL_STREAM_CONTROL0,
			  T210_PP_PSC0_STREAM_SOURCE |
			  T210_PP_PSC0_PACKET_HEADER_SENT |
			  T210_PP_PSC0_DATA_IDENTIFIER_ENABLE |
			  T210_PP_PSC0_WORD_COUNT_SELECT_HEADER |
			  T210_PP_PSC0_CRC_CHECK_ENABLE | T210_PP_PSC0_WC_CHECK |
			  T210_PP_PSC0_OUTPUT_FORMAT | T210_PP_PSC0_PAD_LINE |
			  T210_PP_PSC0_HEADER_EC_DISABLE |
			  T210_PP_PSC0_PAD_FRAME, false);
		t210m_def(m, pp + T210_PP_PIXEL_STREAM_CONTROL1,
			  T210_PP_PSC1_TOP_FIELD_FRAME |
			  T210_PP_PSC1_TOP_FIELD_FRAME_MASK, false);
		t210m_def(m, pp + T210_PP_PIXEL_STREAM_GAP,
			  T210_PP_GAP_FRAME_MIN_GAP, false);
		t210m_def(m, pp + T210_PP_PIXEL_STREAM_PP_COMMAND,
			  T210_PP_CMD_ENABLE | T210_PP_CMD_SINGLE_SHOT |
			  T210_PP_CMD_START_MARKER_FRAME_MAX, false);
		t210m_def(m, pp + T210_PP_PIXEL_STREAM_EXPECTED_FRAME, ~0u, false);
		t210m_def(m, pp + T210_PP_INTERRUPT_MASK, ~0u, false);
		t210m_def(m, pp + T210_PP_STATUS, ~0u, true);

		t210m_def(m, cil + T210_CIL_PAD_CONFIG0, T210_CIL_PAD_BRICK_CLOCK,
			  false);
		t210m_def(m, cil + T210_CIL_PAD_CONFIG1, ~0u, false);
		t210m_def(m, cil + T210_CIL_PHY_CONTROL, T210_CIL_THS_SETTLE |
			  T210_CIL_BYPASS_LP_SEQ | T210_CIL_CLK_SETTLE, false);
		t210m_def(m, cil + T210_CIL_INTERRUPT_MASK, ~0u, false);
		t210m_def(m, cil + T210_CIL_STATUS, ~0u, true);
		t210m_def(m, cil + T210_CILX_STATUS, ~0u, true);
		t210m_def(m, cil + T210_CIL_SW_SENSOR_RESET,
			  T210_CIL_SENSOR_RESET, false);

		t210m_def(m, tpg + T210_TPG_CTRL, T210_TPG_ENABLE | T210_TPG_MODE,
			  false);
		for (r = T210_TPG_BLANK; r <= T210_TPG_BLUE_FREQ_RATE; r += 4)
			t210m_def(m, tpg + r, ~0u, false);
	}
	for (p = 0; p < T210_PORTS; p += 2) {
		t210m_def(m, T210_CSI_PHY_CIL_COMMAND(p),
			  T210_PHY_CIL_A | T210_PHY_CIL_B, false);
		t210m_def(m, T210_CSI_SW_STATUS_RESET(p), 1, false);
		t210m_def(m, T210_CSI_CLKEN_OVERRIDE(p), ~0u, false);
	}
	return 0;
}

/* Memory formats the model writes: bytes per pixel of surface 0, the data
 * type the VI takes for it, and its surfaces (tegra210.c's table). */
static bool t210m_img_fmt(u32 img_fmt, u32 dt, u32 *bpp, unsigned int *surfaces)
{
	*surfaces = 1;
	switch (img_fmt) {
	case T210_IMG_T_L8:
		*bpp = 1;
		return dt == T210_DT_RAW8;
	case T210_IMG_T_R16_I:
		*bpp = 2;
		return dt == T210_DT_RAW10 || dt == T210_DT_RAW12;
	case T210_IMG_T_A8B8G8R8:
	case T210_IMG_T_A8R8G8B8:
		*bpp = 4;
		return dt == T210_DT_RGB888;
	case T210_IMG_T_Y8__V8U8_N422:
		*bpp = 1;
		*surfaces = 2;
		return dt == T210_DT_YUV422_8;
	}
	return false;
}

/* Bits per pixel on the CSI-2 bus of a data type, 0 if unknown. */
static u32 t210m_dt_bits(u32 dt)
{
	switch (dt) {
	case T210_DT_RAW8:
		return 8;
	case T210_DT_RAW10:
		return 10;
	case T210_DT_RAW12:
		return 12;
	case T210_DT_YUV422_8:
		return 16;
	case T210_DT_RGB888:
		return 24;
	}
	return 0;
}

static u32 t210m_vi(struct t210m *m, unsigned int port, u32 reg)
{
	return m->reg[(T210_VI_CSI_BASE(port) + reg) / 4];
}

static bool t210m_is_raw(u32 dt)
{
	return dt == T210_DT_RAW8 || dt == T210_DT_RAW10 || dt == T210_DT_RAW12;
}

#define T210M_CFG_S0	(T210M_CFG_IMAGE_DEF | T210M_CFG_IMAGE_SIZE | \
			 T210M_CFG_IMAGE_WC | T210M_CFG_IMAGE_DT | \
			 T210M_CFG_SURFACE0)

/* SINGLE_SHOT: check everything the frame needs, then latch it. */
static void t210m_arm(struct t210m *m, struct t210m_port *mp)
{
	unsigned int port = mp->port, s, surfaces;
	u32 def = t210m_vi(m, port, T210_VI_CSI_IMAGE_DEF);
	u32 size = t210m_vi(m, port, T210_VI_CSI_IMAGE_SIZE);
	u32 dt = t210m_vi(m, port, T210_VI_CSI_IMAGE_DT);
	u32 wc = t210m_vi(m, port, T210_VI_CSI_IMAGE_SIZE_WC);
	u32 fmt = FIELD_GET(T210_IMAGE_DEF_FORMAT, def);
	u32 width = FIELD_GET(T210_IMAGE_SIZE_WIDTH, size);
	u32 height = FIELD_GET(T210_IMAGE_SIZE_HEIGHT, size);
	u64 limit = m->iommu ? BIT_ULL(32) : BIT_ULL(34);
	struct t210m_shot shot = { };
	bool bypass;
	u32 bpp;
	char c = 'A' + port;

	if (mp->armed) {
		t210m_violation(m, "VI channel %c: SINGLE_SHOT while a frame is already armed",
				c);
		return;
	}
	if (!mp->src) {
		t210m_violation(m, "VI channel %c: SINGLE_SHOT on a port with no source", c);
		return;
	}
	if ((mp->configured & T210M_CFG_S0) != T210M_CFG_S0) {
		t210m_violation(m, "VI channel %c: SINGLE_SHOT before the image and surface 0 were programmed since the soft reset (have 0x%x)",
				c, mp->configured);
		return;
	}
	if (!(def & T210_IMAGE_DEF_DEST_MEM) ||
	    !t210m_img_fmt(fmt, dt, &bpp, &surfaces)) {
		t210m_violation(m, "VI channel %c: IMAGE_DEF 0x%08x with IMAGE_DT 0x%02x is no memory format of the model",
				c, def, dt);
		return;
	}
	if (!width || !height || width > 32768 || height > 32768 ||
	    wc != width * t210m_dt_bits(dt) / 8) {
		t210m_violation(m, "VI channel %c: IMAGE_SIZE %ux%u and IMAGE_SIZE_WC %u do not fit data type 0x%02x",
				c, width, height, wc, dt);
		return;
	}
	bypass = def & T210_IMAGE_DEF_BYPASS_PXL_TRANSFORM;
	if (bypass != (t210m_is_raw(dt) && !mp->src->tpg)) {
		t210m_violation(m, "VI channel %c: pixel transform %s for data type 0x%02x from %s (tegra210.c:183-196)",
				c, bypass ? "bypassed" : "used", dt, mp->src->name);
		return;
	}
	if (!mp->src->tpg &&
	    (!mp->sensor_fmt || mp->sensor_fmt->data_type != dt ||
	     mp->sensor_width != width || mp->sensor_height != height)) {
		t210m_violation(m, "VI channel %c: expects data type 0x%02x %ux%u, the sensor sends 0x%02x %ux%u",
				c, dt, width, height,
				mp->sensor_fmt ? mp->sensor_fmt->data_type : 0,
				mp->sensor_width, mp->sensor_height);
		return;
	}
	if (surfaces == 2 && !(mp->configured & T210M_CFG_SURFACE1)) {
		t210m_violation(m, "VI channel %c: a two-surface format without SURFACE1", c);
		return;
	}

	shot.surfaces = surfaces;
	shot.width = width;
	shot.height = height;
	shot.bpp = bpp;
	for (s = 0; s < surfaces; s++) {
		u32 msb = s ? T210_VI_CSI_SURFACE1_OFFSET_MSB :
			      T210_VI_CSI_SURFACE0_OFFSET_MSB;
		u32 lsb = s ? T210_VI_CSI_SURFACE1_OFFSET_LSB :
			      T210_VI_CSI_SURFACE0_OFFSET_LSB;
		u32 str = s ? T210_VI_CSI_SURFACE1_STRIDE :
			      T210_VI_CSI_SURFACE0_STRIDE;

		shot.addr[s] = (u64)t210m_vi(m, port, msb) << 32 |
			       t210m_vi(m, port, lsb);
		shot.stride[s] = t210m_vi(m, port, str);
		if (shot.addr[s] % 64 || shot.stride[s] % 64 ||
		    shot.stride[s] < width * bpp ||
		    shot.addr[s] + (u64)shot.stride[s] * height > limit) {
			t210m_violation(m, "VI channel %c: surface %u at 0x%llx, stride %u: not 64-byte aligned (the memory atom), shorter than a line of %u bytes, or beyond the %u-bit address space",
					c, s, shot.addr[s], shot.stride[s],
					width * bpp, m->iommu ? 32 : 34);
			return;
		}
	}
	if (!(mp->pp_enabled)) {
		t210m_violation(m, "VI channel %c: SINGLE_SHOT with the pixel parser disabled", c);
		return;
	}
	if (!mp->fifo_len[0] || !mp->fifo_len[1]) {
		t210m_violation(m, "VI channel %c: SINGLE_SHOT without a frame-start and a memory-write-ack condition queued (%u, %u): the frame would go unseen",
				c, mp->fifo_len[0], mp->fifo_len[1]);
		return;
	}
	mp->shot = shot;
	mp->armed = true;
}

/* VI_INCR_SYNCPT: queue a syncpoint increment on a condition. */
static void t210m_incr_syncpt(struct t210m *m, u32 val)
{
	u32 cond = FIELD_GET(T210_VI_INCR_SYNCPT_COND, val);
	u32 id = FIELD_GET(T210_VI_INCR_SYNCPT_INDX, val);
	unsigned int port, kind, q;
	struct t210m_port *mp;

	if (!(t210m_reg(m, T210_VI_INCR_SYNCPT_CNTRL) &
	      T210_VI_INCR_SYNCPT_NO_STALL)) {
		t210m_violation(m, "VI INCR_SYNCPT 0x%04x before INCR_SYNCPT_CNTRL NO_STALL: a full FIFO would stall the host interface",
				val);
		return;
	}
	if (!t210m_syncpt_valid(m, id)) {
		t210m_violation(m, "VI INCR_SYNCPT 0x%04x: syncpoint %u was not requested",
				val, id);
		return;
	}
	if (cond < 4 || cond >= 4 + 4 * T210_PORTS) {
		t210m_violation(m, "VI INCR_SYNCPT 0x%04x: condition %u is not a port's", val, cond);
		return;
	}
	port = (cond - 4) / 4;
	kind = (cond - 4) % 4;
	if (kind != 1 && kind != 3) {
		t210m_violation(m, "VI INCR_SYNCPT 0x%04x: condition %u (line start or memory request done) is not modelled",
				val, cond);
		return;
	}
	q = kind == 1 ? 0 : 1;
	mp = &m->ports[port];
	if (mp->fifo_len[q] >= T210_SYNCPT_FIFO_DEPTH) {
		/* NO_STALL: dropped and flagged (bit per condition: the model's) */
		t210m_reg_set_bits(m, T210_VI_INCR_SYNCPT_ERROR, BIT(cond % 32));
		t210m_violation(m, "VI INCR_SYNCPT 0x%04x: the condition FIFO of %s on port %c is full (depth %u): the increment is lost",
				val, q ? "memory-write ack" : "frame start",
				'A' + port, T210_SYNCPT_FIFO_DEPTH);
		return;
	}
	mp->fifo[q][mp->fifo_len[q]++] = id;
}

/* VI_CSI_SW_RESET of a channel: nothing armed, no condition, no write. */
static void t210m_soft_reset(struct t210m *m, struct t210m_port *mp, u32 old,
			     u32 val)
{
	if (!val || old)
		return;
	if (t210m_reg(m, T210_VI_CG_CTRL) & T210_VI_CG_2ND_LEVEL_EN)
		t210m_violation(m, "VI channel %c: SW_RESET with second-level clock gating on (tegra210.c:219-234 turns it off first)",
				'A' + mp->port);
	mp->armed = false;
	mp->fifo_len[0] = 0;
	mp->fifo_len[1] = 0;
	mp->configured = 0;
	mp->hung = false;
	mutex_lock(&mp->write_lock);
	mp->gen++;
	mutex_unlock(&mp->write_lock);
}

static void t210m_vi_chan_write(struct t210m *m, unsigned int port, u32 reg,
				u32 old, u32 val)
{
	static const struct { u32 reg, flag; } cfg[] = {
		{ T210_VI_CSI_IMAGE_DEF, T210M_CFG_IMAGE_DEF },
		{ T210_VI_CSI_IMAGE_SIZE, T210M_CFG_IMAGE_SIZE },
		{ T210_VI_CSI_IMAGE_SIZE_WC, T210M_CFG_IMAGE_WC },
		{ T210_VI_CSI_IMAGE_DT, T210M_CFG_IMAGE_DT },
	};
	struct t210m_port *mp = &m->ports[port];
	unsigned int i;

	if (reg != T210_VI_CSI_SW_RESET && reg != T210_VI_CSI_ERROR_STATUS &&
	    t210m_vi(m, port, T210_VI_CSI_SW_RESET))
		t210m_violation(m, "VI channel %c: register 0x%03x written while SW_RESET is held",
				'A' + port, reg);

	switch (reg) {
	case T210_VI_CSI_SW_RESET:
		t210m_soft_reset(m, mp, old, val);
		return;
	case T210_VI_CSI_SINGLE_SHOT:
		if (val & T210_VI_CSI_SINGLE_SHOT_CAPTURE)
			t210m_arm(m, mp);
		/* Reads back 1 while armed ([DS-VI2]); kept by t210m_reg_read */
		return;
	case T210_VI_CSI_ERROR_STATUS:
		return;
	}
	if (mp->armed)
		t210m_violation(m, "VI channel %c: register 0x%03x changed while a frame is armed and has not started",
				'A' + port, reg);
	for (i = 0; i < ARRAY_SIZE(cfg); i++)
		if (reg == cfg[i].reg)
			mp->configured |= cfg[i].flag;
	/* A surface counts once its address and stride are written. */
	if (reg == T210_VI_CSI_SURFACE0_STRIDE)
		mp->configured |= T210M_CFG_SURFACE0;
	if (reg == T210_VI_CSI_SURFACE1_STRIDE)
		mp->configured |= T210M_CFG_SURFACE1;
}

/**
 * t210m_phy_on() - is the PHY of a port's input on?
 * @m: the model, locked.
 * @port: CSI port; with 4 lanes both CILs of its brick count.
 *
 * Return: true when every CIL of the port was last enabled.
 */
bool t210m_phy_on(struct t210m *m, unsigned int port)
{
	struct t210m_port *mp = &m->ports[port];
	u32 cmd = t210m_reg(m, T210_CSI_PHY_CIL_COMMAND(port));

	/* The command register keeps the last command of each CIL. */
	if (mp->src && mp->src->lanes == 4)
		return FIELD_GET(T210_PHY_CIL_A, cmd) == T210_PHY_CIL_ENABLE &&
		       FIELD_GET(T210_PHY_CIL_B, cmd) == T210_PHY_CIL_ENABLE;
	if (port & 1)
		return FIELD_GET(T210_PHY_CIL_B, cmd) == T210_PHY_CIL_ENABLE;
	return FIELD_GET(T210_PHY_CIL_A, cmd) == T210_PHY_CIL_ENABLE;
}

static void t210m_pp_command(struct t210m *m, struct t210m_port *mp, u32 val)
{
	u32 en = FIELD_GET(T210_PP_CMD_ENABLE, val);
	u32 isc = t210m_reg(m, T210_CSI_PP(mp->port) + T210_PP_INPUT_STREAM_CONTROL);
	u32 psc0 = t210m_reg(m, T210_CSI_PP(mp->port) + T210_PP_PIXEL_STREAM_CONTROL0);
	char c = 'A' + mp->port;

	if (en == T210_PP_CMD_RST) {
		mp->pp_enabled = false;
		mp->pp_configured = 0;
		return;
	}
	if (en == T210_PP_CMD_DIS) {
		mp->pp_enabled = false;
		return;
	}
	if (en != T210_PP_CMD_EN)
		return;
	if (!mp->src) {
		t210m_violation(m, "CSI %c: parser enabled on a port with no source", c);
		return;
	}
	if (mp->pp_configured != T210M_PP_ALL)
		t210m_violation(m, "CSI %c: parser enabled before it was configured since its reset (have 0x%x)",
				c, mp->pp_configured);
	if (!(val & T210_PP_CMD_SINGLE_SHOT))
		t210m_violation(m, "CSI %c: parser enabled in continuous mode: the model knows single-shot mode only",
				c);
	if (FIELD_GET(T210_PP_ISC_LANES_MINUS_ONE, isc) + 1 != mp->src->lanes)
		t210m_violation(m, "CSI %c: parser set for %lu lanes, its source has %u",
				c, FIELD_GET(T210_PP_ISC_LANES_MINUS_ONE, isc) + 1,
				mp->src->lanes);
	if (FIELD_GET(T210_PP_PSC0_STREAM_SOURCE, psc0) != (mp->port & 1) ||
	    FIELD_GET(T210_PP_PSC0_OUTPUT_FORMAT, psc0) != T210_PP_OUTPUT_FORMAT_STORE)
		t210m_violation(m, "CSI %c: PIXEL_STREAM_CONTROL0 0x%08x: stream source must be CIL %c, output format store",
				c, psc0, mp->port & 1 ? 'B' : 'A');
	if (mp->src->tpg ? !mp->tpg_on : !t210m_phy_on(m, mp->port))
		t210m_violation(m, "CSI %c: parser enabled before its input (%s) is on",
				c, mp->src->tpg ? "the TPG" : "the CIL's PHY");
	mp->pp_enabled = true;
	t210m_frames_wake(mp);
}

static void t210m_pp_write(struct t210m *m, unsigned int port, u32 reg, u32 val)
{
	static const struct { u32 reg, flag; } cfg[] = {
		{ T210_PP_INPUT_STREAM_CONTROL, T210M_PP_ISC },
		{ T210_PP_PIXEL_STREAM_CONTROL0, T210M_PP_PSC0 },
		{ T210_PP_PIXEL_STREAM_CONTROL1, T210M_PP_PSC1 },
		{ T210_PP_PIXEL_STREAM_GAP, T210M_PP_GAP },
	};
	struct t210m_port *mp = &m->ports[port];
	unsigned int i;

	if (reg == T210_PP_PIXEL_STREAM_PP_COMMAND) {
		t210m_pp_command(m, mp, val);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(cfg); i++) {
		if (reg != cfg[i].reg)
			continue;
		if (mp->pp_enabled)
			t210m_violation(m, "CSI %c: parser register 0x%02x written while it is enabled",
					'A' + port, reg);
		mp->pp_configured |= cfg[i].flag;
	}
}

/*
 * The settle times a CIL is programmed with, against the D-PHY limits for
 * the source's rate: T-CLK-SETTLE 95..300 ns and T-HS-SETTLE 85 ns + 6 UI
 * to 145 ns + 10 UI, where the receiver counts the programmed value plus 7
 * (clock lane) and 5 (data lanes) periods of the CIL clock (csi.c:255-292's
 * comments), and the UI is half a pixel clock period as mainline takes it.
 */
static void t210m_check_settle(struct t210m *m, unsigned int port)
{
	/* CIL B of an x4 brick carries port A's stream */
	unsigned int sp = (port & 1) && m->ports[port - 1].src &&
			  m->ports[port - 1].src->lanes == 4 ? port - 1 : port;
	const struct tcs_t210_source *src = m->ports[sp].src;
	u32 phy = t210m_reg(m, T210_CSI_CIL(port) + T210_CIL_PHY_CONTROL);
	u64 cil = m->hw.cil_clk_hz, pix;
	u64 clk_ps, ths_ps, ui_ps;

	if (!src || src->tpg || !src->pixel_rate)
		return;
	pix = src->pixel_rate;
	clk_ps = div64_u64((FIELD_GET(T210_CIL_CLK_SETTLE, phy) + 7) *
			   1000000000000ULL, cil);
	ths_ps = div64_u64((FIELD_GET(T210_CIL_THS_SETTLE, phy) + 5) *
			   1000000000000ULL, cil);
	ui_ps = div64_u64(1000000000000ULL, 2 * pix);
	if (clk_ps < 95000 || clk_ps > 300000 ||
	    ths_ps < 85000 + 6 * ui_ps || ths_ps > 145000 + 10 * ui_ps)
		t210m_violation(m, "CSI %c: CIL_PHY_CONTROL 0x%04x gives T-CLK-SETTLE %llu ps and T-HS-SETTLE %llu ps at a %llu Hz CIL clock: outside the D-PHY limits for %llu pixels/s",
				'A' + port, phy, clk_ps, ths_ps, cil, pix);
}

static void t210m_brick_write(struct t210m *m, unsigned int brick, u32 reg,
			      u32 old, u32 val)
{
	const struct tcs_t210_source *a = m->ports[brick].src;
	const struct tcs_t210_source *b = m->ports[brick + 1].src;
	char c = 'A' + brick;

	if (reg == T210_CSI_PHY_CIL_COMMAND(0) - T210_CSI_BRICK(0)) {
		u32 ca = FIELD_GET(T210_PHY_CIL_A, val);
		u32 cb = FIELD_GET(T210_PHY_CIL_B, val);

		/* Mainline enables the PHY of a TPG port too (tegra210.c:922) */
		if (ca == T210_PHY_CIL_ENABLE) {
			if (!a)
				t210m_violation(m, "CSI %c: PHY enabled on a port with no source", c);
			t210m_check_settle(m, brick);
		}
		if (cb == T210_PHY_CIL_ENABLE) {
			if (!(a && a->lanes == 4) && !b)
				t210m_violation(m, "CSI %c: PHY enabled on a port with no source",
						c + 1);
			t210m_check_settle(m, brick + 1);
		}
		/* NOP keeps a CIL's state: store the effective command. */
		m->reg[(T210_CSI_BRICK(brick) + reg) / 4] =
			FIELD_PREP(T210_PHY_CIL_A,
				   ca ? ca : FIELD_GET(T210_PHY_CIL_A, old)) |
			FIELD_PREP(T210_PHY_CIL_B,
				   cb ? cb : FIELD_GET(T210_PHY_CIL_B, old));
		t210m_frames_wake(&m->ports[brick]);
		t210m_frames_wake(&m->ports[brick + 1]);
		return;
	}
	if (reg == T210_CSI_SW_STATUS_RESET(0) - T210_CSI_BRICK(0) && (val & 1)) {
		if (!a || a->lanes != 4)
			t210m_violation(m, "CSI brick %c%c: CSI_SW_STATUS_RESET outside x4 mode (tegra210.c:831)",
					c, c + 1);
		m->reg[(T210_CSI_PP(brick) + T210_PP_STATUS) / 4] = 0;
		m->reg[(T210_CSI_PP(brick + 1) + T210_PP_STATUS) / 4] = 0;
		m->reg[(T210_CSI_CIL(brick) + T210_CIL_STATUS) / 4] = 0;
		m->reg[(T210_CSI_CIL(brick + 1) + T210_CIL_STATUS) / 4] = 0;
		return;
	}
	if (reg == T210_CSI_CLKEN_OVERRIDE(0) - T210_CSI_BRICK(0) && val)
		t210m_violation(m, "CSI brick %c%c: CLKEN_OVERRIDE 0x%x: the model knows only 0 (tegra210.c:886)",
				c, c + 1, val);
}

static void t210m_cil_write(struct t210m *m, unsigned int port, u32 reg, u32 val)
{
	unsigned int pp_port = port;

	if (reg != T210_CIL_SW_SENSOR_RESET || !(val & T210_CIL_SENSOR_RESET))
		return;
	/* CIL B of an x4 brick belongs to port A's parser. */
	if ((port & 1) && m->ports[port - 1].src &&
	    m->ports[port - 1].src->lanes == 4)
		pp_port = port - 1;
	if (m->ports[pp_port].pp_enabled)
		t210m_violation(m, "CSI %c: CIL held in reset while its parser is enabled",
				'A' + port);
}

static void t210m_tpg_write(struct t210m *m, unsigned int port, u32 reg, u32 val)
{
	struct t210m_port *mp = &m->ports[port];
	bool on;

	if (mp->pp_enabled)
		t210m_violation(m, "CSI %c: TPG register 0x%02x written while the parser is enabled",
				'A' + port, reg);
	if (reg != T210_TPG_CTRL)
		return;
	on = val & T210_TPG_ENABLE;
	if (on && (!mp->src || !mp->src->tpg))
		t210m_violation(m, "CSI %c: TPG enabled on a port whose source is %s",
				'A' + port, mp->src ? mp->src->name : "none");
	if (on && !mp->tpg_on)
		mp->captured = 0;	/* the source starts */
	mp->tpg_on = on;
	t210m_frames_wake(mp);
}

static int t210m_reg_write(void *ctx, unsigned int off, unsigned int val)
{
	struct t210m *m = ctx;
	struct t210m_where w;
	u32 idx = off / 4, old;
	char name[64];

	mutex_lock(&m->lock);
	if (off % 4 || idx >= T210M_REGS || !m->known[idx]) {
		t210m_violation(m, "write 0x%08x to 0x%03x: no register the backend may touch",
				val, off);
		goto out;
	}
	if (val & ~m->wmask[idx]) {
		t210m_reg_name(off, name, sizeof(name));
		t210m_violation(m, "write 0x%08x to %s: reserved bits 0x%08x",
				val, name, val & ~m->wmask[idx]);
	}
	old = m->reg[idx];
	if (m->w1c[idx])
		m->reg[idx] &= ~val;
	else
		m->reg[idx] = val & m->wmask[idx];

	w = t210m_decode(off);
	switch (w.block) {
	case T210M_VI_GLOBAL:
		if (off == T210_VI_INCR_SYNCPT)
			t210m_incr_syncpt(m, val);
		break;
	case T210M_VI_CHAN:
		t210m_vi_chan_write(m, w.port, w.reg, old, val);
		break;
	case T210M_PP:
		t210m_pp_write(m, w.port, w.reg, val);
		break;
	case T210M_CIL:
		t210m_cil_write(m, w.port, w.reg, val);
		break;
	case T210M_TPG:
		t210m_tpg_write(m, w.port, w.reg, val);
		break;
	case T210M_BRICK:
		t210m_brick_write(m, w.port, w.reg, old, val);
		break;
	default:
		break;
	}
out:
	mutex_unlock(&m->lock);
	return 0;
}

static int t210m_reg_read(void *ctx, unsigned int off, unsigned int *val)
{
	struct t210m *m = ctx;
	struct t210m_where w;
	u32 idx = off / 4;

	mutex_lock(&m->lock);
	*val = 0;
	if (off % 4 || idx >= T210M_REGS || !m->known[idx]) {
		t210m_violation(m, "read of 0x%03x: no register the backend may touch", off);
		goto out;
	}
	*val = m->reg[idx];
	w = t210m_decode(off);
	if (w.block == T210M_VI_CHAN && w.reg == T210_VI_CSI_SINGLE_SHOT)
		*val = m->ports[w.port].armed;
out:
	mutex_unlock(&m->lock);
	return 0;
}

static const struct regmap_config t210m_regmap_config = {
	.name = "t210-model",
	.reg_bits = 32,
	.val_bits = 32,
	.reg_stride = 4,
	.max_register = T210_MAX_REGISTER,
	.reg_read = t210m_reg_read,
	.reg_write = t210m_reg_write,
	.cache_type = REGCACHE_NONE,
};

/**
 * t210m_regmap() - the regmap the backend is given
 * @m: the model.
 *
 * Return: the regmap (device managed), or an ERR_PTR().
 */
struct regmap *t210m_regmap(struct t210m *m)
{
	return devm_regmap_init(m->dev, NULL, m, &t210m_regmap_config);
}
