// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg-t210-model: the frames.
 *
 * Per port a thread plays the source and the VI's capture path. While the
 * port runs (its parser enabled and its input on: the TPG enabled, or the
 * model sensor streaming into an enabled PHY) a frame starts every frame
 * interval. A frame the channel is armed for is captured: its frame-start
 * condition fires (the oldest queued syncpoint of the port's FIFO is
 * incremented), the frame is written line by line to the latched surfaces
 * through the address space the engine sees, then its memory-write ack
 * fires. A frame nothing is armed for is lost, as on the chip; the model
 * fires a frame-start condition only for a captured frame (whether the
 * hardware also signals the others is not public).
 *
 * The pixels are the model's own: the counter test pattern of the uapi
 * header (tegra_csi_sg_counter_byte()), the lines of all surfaces numbered
 * one after the other and every byte of each stride written, with the
 * number of frames captured since the source started as the sequence
 * number; the TPG's colour patch mode writes its bitwise inverse. The real
 * TPG's patterns are not public.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/tegra-csi-sg.h>

#include "tcs-t210-model.h"
#include "tcs-compat.h"

/* The TPG's frame rate in the model (the backend offers 1/60 s). */
#define T210M_TPG_INTERVAL_US	16667

/**
 * t210m_port_running() - does the port's source send frames?
 * @mp: the port; the model lock held.
 *
 * Return: true while the parser is enabled and its input on.
 */
bool t210m_port_running(struct t210m_port *mp)
{
	if (!mp->src || !mp->pp_enabled)
		return false;
	if (mp->src->tpg)
		return mp->tpg_on;
	return mp->sensor_on && t210m_phy_on(mp->m, mp->port);
}

/**
 * t210m_frames_wake() - the port's state changed: let its thread look
 * @mp: the port.
 */
void t210m_frames_wake(struct t210m_port *mp)
{
	wake_up(&mp->wq);
}

/* Pop the oldest syncpoint of a condition FIFO and increment it. */
static void t210m_fire(struct t210m_port *mp, unsigned int q)
{
	u32 id;

	if (WARN_ON(!mp->fifo_len[q]))
		return;
	id = mp->fifo[q][0];
	memmove(&mp->fifo[q][0], &mp->fifo[q][1],
		(T210_SYNCPT_FIFO_DEPTH - 1) * sizeof(u32));
	mp->fifo_len[q]--;
	t210m_syncpt_fire(mp->m, id);
}

/* The physical address the engine reaches at @addr, or 0 (a fault). */
static phys_addr_t t210m_translate(struct t210m *m, u64 addr)
{
	phys_addr_t phys;

	if (m->iommu) {
		struct iommu_domain *d = iommu_get_domain_for_dev(&m->edu->dev);

		phys = d ? iommu_iova_to_phys(d, addr) : 0;
	} else {
		phys = tcs_bus_to_phys(m->dev, addr);
	}
	if (!phys || !pfn_valid(PHYS_PFN(phys)))
		return 0;
	return phys;
}

/* DMA of @len bytes to @addr, page by page; 0 or -EFAULT. */
static int t210m_dma_write(struct t210m *m, u64 addr, const u8 *src, size_t len)
{
	while (len) {
		size_t chunk = min_t(size_t, len, PAGE_SIZE - offset_in_page(addr));
		phys_addr_t phys = t210m_translate(m, addr);
		void *p;

		if (!phys)
			return -EFAULT;
		p = kmap_local_page(pfn_to_page(PHYS_PFN(phys)));
		memcpy(p + offset_in_page(phys), src, chunk);
		kunmap_local(p);
		addr += chunk;
		src += chunk;
		len -= chunk;
	}
	return 0;
}

/*
 * Write the captured frame @seq to the surfaces of @shot; false when a soft
 * reset of generation @gen abandoned it or a DMA fault stopped it.
 */
static bool t210m_write_frame(struct t210m_port *mp,
			      const struct t210m_shot *shot, u32 gen, u32 seq,
			      bool invert, u8 *line)
{
	struct t210m *m = mp->m;
	unsigned int s, y, c, n = 0;

	for (s = 0; s < shot->surfaces; s++) {
		for (y = 0; y < shot->height; y++, n++) {
			u64 addr = shot->addr[s] + (u64)y * shot->stride[s];
			bool ok;

			for (c = 0; c < shot->stride[s]; c++)
				line[c] = tegra_csi_sg_counter_byte(seq, n, c) ^
					  (invert ? 0xff : 0);
			mutex_lock(&mp->write_lock);
			if (mp->gen != gen) {
				mutex_unlock(&mp->write_lock);
				return false;
			}
			ok = !t210m_dma_write(m, addr, line, shot->stride[s]);
			mutex_unlock(&mp->write_lock);
			if (!ok) {
				t210m_violation(m, "VI channel %c: DMA fault: surface %u line %u at 0x%llx reaches no memory (%s)",
						'A' + mp->port, s, y, addr,
						m->iommu ? "unmapped IOVA" : "bad bus address");
				return false;
			}
		}
	}
	return true;
}

/* One frame time of the port. */
static void t210m_frame(struct t210m_port *mp, u8 *line)
{
	struct t210m *m = mp->m;
	struct t210m_shot shot;
	bool crc, stall, invert;
	u32 gen, seq;

	mutex_lock(&m->lock);
	if (!t210m_port_running(mp) || mp->hung)
		goto out;
	mp->frames++;
	if (atomic_dec_if_positive(&mp->faults.drop_frame_start) >= 0)
		goto out;
	if (atomic_dec_if_positive(&mp->faults.lost_sync) >= 0) {
		t210m_reg_set_bits(m, T210_CSI_PP(mp->port) + T210_PP_STATUS,
				   BIT(14));	/* UNC_HDR_ERR */
		goto out;
	}
	if (!mp->armed)
		goto out;
	crc = atomic_dec_if_positive(&mp->faults.crc_error) >= 0;
	stall = atomic_dec_if_positive(&mp->faults.stall_mw_ack) >= 0;
	t210m_fire(mp, 0);
	shot = mp->shot;
	mp->armed = false;
	gen = mp->gen;
	seq = mp->captured++;
	invert = mp->src->tpg &&
		 FIELD_GET(T210_TPG_MODE,
			   t210m_reg(m, T210_CSI_TPG(mp->port) + T210_TPG_CTRL));
	mutex_unlock(&m->lock);

	if (!t210m_write_frame(mp, &shot, gen, seq, invert, line))
		return;

	mutex_lock(&m->lock);
	if (mp->gen != gen)
		goto out;
	if (crc)
		t210m_reg_set_bits(m, T210_CSI_PP(mp->port) + T210_PP_STATUS,
				   BIT(4));	/* PL_CRC_ERR */
	if (stall) {
		mp->hung = true;
		goto out;
	}
	t210m_fire(mp, 1);
out:
	mutex_unlock(&m->lock);
}

static bool t210m_thread_should_run(struct t210m_port *mp)
{
	bool run;

	mutex_lock(&mp->m->lock);
	run = t210m_port_running(mp);
	mutex_unlock(&mp->m->lock);
	return run;
}

/*
 * Sleep until the port may run (or a second passed). The condition takes
 * the model's mutex, so it is evaluated the wait_woken() way, in
 * TASK_RUNNING, not inside wait_event()'s prepared sleep.
 */
static void t210m_wait_runnable(struct t210m_port *mp)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	add_wait_queue(&mp->wq, &wait);
	while (!kthread_should_stop() && !t210m_thread_should_run(mp))
		if (!wait_woken(&wait, TASK_INTERRUPTIBLE, HZ))
			break;
	remove_wait_queue(&mp->wq, &wait);
}

static int t210m_thread(void *data)
{
	struct t210m_port *mp = data;
	ktime_t next = ktime_get();

	while (!kthread_should_stop()) {
		u32 us = mp->src->tpg ? T210M_TPG_INTERVAL_US :
			 READ_ONCE(mp->interval_us);
		ktime_t now;

		if (!t210m_thread_should_run(mp)) {
			t210m_wait_runnable(mp);
			next = ktime_get();
			continue;
		}
		next = ktime_add_us(next, us);
		now = ktime_get();
		if (ktime_after(now, ktime_add_us(next, us)))
			next = now;	/* fell behind: no burst */
		else if (ktime_before(now, next))
			usleep_range(ktime_us_delta(next, now),
				     ktime_us_delta(next, now) + 200);
		t210m_frame(mp, mp->line);
	}
	return 0;
}

/**
 * t210m_frames_start() - start a frame thread per port with a source
 * @m: the model.
 *
 * Return: 0 or the error of kthread_run().
 */
int t210m_frames_start(struct t210m *m)
{
	unsigned int p;

	for (p = 0; p < T210_PORTS; p++) {
		struct t210m_port *mp = &m->ports[p];
		struct task_struct *t;

		if (!mp->src)
			continue;
		/* The longest line: 32768 pixels of 4 bytes. */
		mp->line = kvmalloc(32768 * 4, GFP_KERNEL);
		if (!mp->line) {
			t210m_frames_stop(m);
			return -ENOMEM;
		}
		t = kthread_run(t210m_thread, mp, "t210-model/%c", 'A' + p);
		if (IS_ERR(t)) {
			t210m_frames_stop(m);
			return PTR_ERR(t);
		}
		mp->thread = t;
	}
	return 0;
}

/**
 * t210m_frames_stop() - stop the frame threads
 * @m: the model.
 */
void t210m_frames_stop(struct t210m *m)
{
	unsigned int p;

	for (p = 0; p < T210_PORTS; p++) {
		if (m->ports[p].thread)
			kthread_stop(m->ports[p].thread);
		m->ports[p].thread = NULL;
		kvfree(m->ports[p].line);
		m->ports[p].line = NULL;
	}
}
