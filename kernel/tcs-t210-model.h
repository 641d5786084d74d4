/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tegra-csi-sg-t210-model: a register-level model of Tegra210's VI and CSI
 * for the guest, a test module of its own. The Tegra210 backend of
 * tegra-csi-sg (tcs-t210*.c, unchanged) runs against it:
 *
 * - tcs-t210-model-regs.c is the register file behind the backend's regmap:
 *   it sees every access as it happens, checks it against the programming
 *   sequence mainline tegra-video and NVIDIA's L4T driver document (order,
 *   reserved bits, values) and reports each breach as a violation (an
 *   error-level kernel message, which fails any test run);
 * - tcs-t210-model-frames.c is the sensor side: per port a thread that
 *   produces frames (the TPG, or a model sensor), fires the syncpoint
 *   conditions the backend queued and writes each captured frame by DMA to
 *   the surfaces it programmed, through the core's IOMMU domain or at bus
 *   addresses; faults can be injected (debugfs);
 * - tcs-t210-model.c is the module: the platform device, the syncpoint
 *   model, the sources, debugfs.
 *
 * What the model cannot know (the real TPG's pixels, which status bits
 * real errors set, timing) it defines, and docs/jetson.md says so.
 */
#ifndef TCS_T210_MODEL_H
#define TCS_T210_MODEL_H

#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/wait.h>

#include "tcs-t210.h"
#include "tcs-t210-regs.h"

#define T210M_REGS		((T210_MAX_REGISTER + 4) / 4)
#define T210M_SYNCPTS		192	/* Tegra210 host1x (dev.c:128-141) */
#define T210M_MAX_SURFACES	2

/**
 * struct t210m_syncpt - a model host1x syncpoint
 * @id: its index, 0..T210M_SYNCPTS-1.
 * @value: the counter the "hardware" increments.
 * @max: the expected value clients raised with incr_max.
 * @wq: waiters.
 * @m: the model.
 */
struct t210m_syncpt {
	u32 id;
	atomic_t value;
	atomic_t max;
	wait_queue_head_t wq;
	struct t210m *m;
};

/**
 * struct t210m_shot - a frame the VI channel is armed for, as latched
 * @addr: surface addresses (bus or IOVA).
 * @stride: bytes per line of each surface.
 * @surfaces: 1, or 2 (NV16).
 * @width: pixels.
 * @height: lines.
 * @bpp: bytes per pixel in memory of surface 0.
 */
struct t210m_shot {
	u64 addr[T210M_MAX_SURFACES];
	u32 stride[T210M_MAX_SURFACES];
	unsigned int surfaces;
	u32 width;
	u32 height;
	u32 bpp;
};

/**
 * struct t210m_faults - faults to inject on a port (debugfs, counts)
 * @drop_frame_start: the next N frames never start (no status bit).
 * @lost_sync: the next N frames are lost to an uncorrectable header error
 *	(PP status UNC_HDR_ERR) and never start.
 * @crc_error: the next N captured frames carry a payload CRC error (PP
 *	status PL_CRC_ERR); they start and are written.
 * @stall_mw_ack: the memory writer hangs after writing the next captured
 *	frame: no acknowledgement, nothing more is captured until the
 *	channel's soft reset.
 */
struct t210m_faults {
	atomic_t drop_frame_start;
	atomic_t lost_sync;
	atomic_t crc_error;
	atomic_t stall_mw_ack;
};

/**
 * struct t210m_port - one CSI port and its VI channel
 * @m: the model.
 * @port: 0..5.
 * @src: its source (NULL: no source).
 * @sensor_on: the model sensor streams (s_stream).
 * @interval_us: the sensor's frame interval.
 * @sensor_fmt: the format the model sensor sends.
 * @sensor_width: its width.
 * @sensor_height: its height.
 * @fifo: per condition of the port (0 frame start, 1 memory-write ack),
 *	the queued syncpoint ids.
 * @fifo_len: entries in each of @fifo.
 * @armed: a single shot is armed.
 * @shot: what it was armed with.
 * @configured: registers written since the last soft reset (T210M_CFG_*).
 * @hung: the memory writer hangs (stall fault) until the soft reset.
 * @gen: soft-reset generation; a frame being written when it changes is
 *	abandoned.
 * @captured: frames captured since the source started (the counter
 *	pattern's sequence number).
 * @pp_configured: PP registers written since the last parser reset.
 * @pp_enabled: the parser is enabled.
 * @tpg_on: the TPG is enabled.
 * @write_lock: held while a line is written; a soft reset takes it, so
 *	that no write follows it.
 * @thread: the frame thread.
 * @line: its line buffer.
 * @wq: the thread waits here for its source to start.
 * @faults: injected faults.
 * @frames: frames the port's source produced.
 * @dir: its debugfs directory.
 */
struct t210m_port {
	struct t210m *m;
	unsigned int port;
	struct tcs_t210_source *src;
	bool sensor_on;
	u32 interval_us;
	const struct t210_format *sensor_fmt;
	u32 sensor_width;
	u32 sensor_height;
	u32 fifo[2][T210_SYNCPT_FIFO_DEPTH];
	unsigned int fifo_len[2];
	bool armed;
	struct t210m_shot shot;
	u32 configured;
	bool hung;
	u32 gen;
	u32 captured;
	u32 pp_configured;
	bool pp_enabled;
	bool tpg_on;
	/* Serialises a line's DMA against the soft reset */
	struct mutex write_lock;
	struct task_struct *thread;
	u8 *line;
	wait_queue_head_t wq;
	struct t210m_faults faults;
	u64 frames;
	struct dentry *dir;
};

/**
 * struct t210m - the model
 * @dev: its platform device (the backend's VI).
 * @edu: iommu mode: QEMU's edu device, the DMA master.
 * @iommu: iommu mode.
 * @hw: what the backend is given.
 * @regs: the regmap over @reg.
 * @lock: protects @reg and every port's state but @write_lock's.
 * @reg: the register file, 32-bit words.
 * @known: per word, a register the model knows.
 * @wmask: per word, the bits that may be written (the rest reserved).
 * @w1c: per word, a write-one-to-clear status register.
 * @ports: the ports.
 * @syncpts: the allocated syncpoints, by id.
 * @violations: breaches of the programming contract so far.
 * @tcs: the capture device.
 * @dir: debugfs directory of the model.
 */
struct t210m {
	struct device *dev;
	struct pci_dev *edu;
	bool iommu;
	struct tcs_t210_hw hw;
	struct regmap *regs;
	/* The register file and the port state */
	struct mutex lock;
	u32 reg[T210M_REGS];
	bool known[T210M_REGS];
	u32 wmask[T210M_REGS];
	bool w1c[T210M_REGS];
	struct t210m_port ports[T210_PORTS];
	struct t210m_syncpt *syncpts[T210M_SYNCPTS];
	atomic_t violations;
	struct tcs_device *tcs;
	struct dentry *dir;
};

/* Flags of &t210m_port.configured */
#define T210M_CFG_IMAGE_DEF	BIT(0)
#define T210M_CFG_IMAGE_SIZE	BIT(1)
#define T210M_CFG_IMAGE_WC	BIT(2)
#define T210M_CFG_IMAGE_DT	BIT(3)
#define T210M_CFG_SURFACE0	BIT(4)
#define T210M_CFG_SURFACE1	BIT(5)
/* Flags of &t210m_port.pp_configured */
#define T210M_PP_ISC		BIT(0)
#define T210M_PP_PSC0		BIT(1)
#define T210M_PP_PSC1		BIT(2)
#define T210M_PP_GAP		BIT(3)
#define T210M_PP_ALL		(BIT(4) - 1)

__printf(2, 3) void t210m_violation(struct t210m *m, const char *fmt, ...);

/* tcs-t210-model-regs.c */
int t210m_regs_init(struct t210m *m);
struct regmap *t210m_regmap(struct t210m *m);
bool t210m_phy_on(struct t210m *m, unsigned int port);
u32 t210m_reg(struct t210m *m, u32 offset);
void t210m_reg_set_bits(struct t210m *m, u32 offset, u32 bits);

/* tcs-t210-model.c: the syncpoints */
void t210m_syncpt_fire(struct t210m *m, u32 id);
bool t210m_syncpt_valid(struct t210m *m, u32 id);

/* tcs-t210-model-frames.c */
int t210m_frames_start(struct t210m *m);
void t210m_frames_stop(struct t210m *m);
void t210m_frames_wake(struct t210m_port *mp);
bool t210m_port_running(struct t210m_port *mp);

#endif /* TCS_T210_MODEL_H */
