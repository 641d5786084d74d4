// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcs-frames: frame content test of tegra-csi-sg, run in the guest.
 *
 * For every io mode (MMAP; USERPTR from malloc(), from posix_memalign() and
 * at page offset 0xff8; DMABUF imported from vgem and from vivid) it
 * captures frames of the counter test pattern and checks every byte of
 * every frame, the buffer metadata, and that guard bytes around the buffers
 * stay untouched. New MMAP buffers must read as zero, and while the same
 * buffers are requeued the driver's mapping counters (IOMMU maps and unmaps,
 * USERPTR pins, dma-buf attachments and mappings) must not move.
 *
 * With --contig (the driver loaded with virtual_dma=contig) every USERPTR
 * and DMABUF buffer that is physically scattered (as /proc/self/pagemap
 * shows; dma-bufs are judged through their mmap) must be refused with EINVAL
 * at QBUF and PREPARE_BUF instead; one case builds scattered memory on
 * purpose (pages remapped with mremap()) so that the refusal is always
 * exercised. Memory that happens to be contiguous must stream normally.
 *
 * Rotating dma-bufs (5 through 4 slots) are mapped and unmapped as vb2
 * attaches and detaches them; with --iommu (virtual_dma=iommu) the live
 * IOVA ranges must equal vb2's live attachment mappings at every frame, and
 * in every mode a dma-buf that left its slot and that the application
 * released must be gone (no reference kept by the driver).
 *
 * A USERPTR plane that starts off the engine's DMA start alignment (the
 * read-only TEGRA_CSI_SG_CID_DMA_ALIGN control: 8 on the virtual backend,
 * 64 on Tegra210) must be refused with EINVAL the same way; with an
 * alignment of 16 or more the page offset 0xff8 case always is.
 *
 * With --no-userptr (a contig engine that does not offer USERPTR, as the
 * Tegra210 backend without an IOMMU) every USERPTR case must instead see
 * VIDIOC_REQBUFS fail with EINVAL and no V4L2_BUF_CAP_SUPPORTS_USERPTR.
 *
 * Usage: tcs-frames [--contig|--iommu] [--frames N] [--channel N]
 *                   [--formats FOURCC:WxH,...] [--no-pattern-control]
 *                   [--no-userptr]
 * --formats replaces the default list (UYVY:640x480,RG10:650x482,
 * NV16:322x240); --no-pattern-control is for a source without
 * V4L2_CID_TEST_PATTERN whose frames are the counter pattern anyway (the
 * Tegra210 model's sensor).
 * Exit status: 0 pass, 1 failure (a missing device or test driver included:
 * every case must run).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libdrm/drm.h>
#include <libdrm/drm_mode.h>
#include <linux/dma-buf.h>
#include <linux/tegra-csi-sg.h>

#include "tcs-test.h"
#include "tcs-vgem.h"

#define NBUF		4
/* Buffers of a case: one more than slots when dma-bufs rotate. */
#define MAXBUF		(NBUF + 1)
#define GUARD_BYTE	0xa5
#define PAGE		4096u

enum source {
	SRC_MMAP,
	SRC_MALLOC,
	SRC_MEMALIGN,
	SRC_OFFSET,
	SRC_SCATTER,
	SRC_VGEM,
	SRC_VGEM_ROTATE,
	SRC_VIVID,
};

static const struct {
	const char *name;
	enum source src;
	enum v4l2_memory memory;
} cases[] = {
	{ "MMAP", SRC_MMAP, V4L2_MEMORY_MMAP },
	{ "USERPTR malloc", SRC_MALLOC, V4L2_MEMORY_USERPTR },
	{ "USERPTR posix_memalign", SRC_MEMALIGN, V4L2_MEMORY_USERPTR },
	{ "USERPTR page offset 0xff8", SRC_OFFSET, V4L2_MEMORY_USERPTR },
	{ "USERPTR scattered by mremap", SRC_SCATTER, V4L2_MEMORY_USERPTR },
	{ "DMABUF from vgem", SRC_VGEM, V4L2_MEMORY_DMABUF },
	{ "DMABUF from vgem, 5 rotating through 4 slots", SRC_VGEM_ROTATE,
	  V4L2_MEMORY_DMABUF },
	{ "DMABUF from vivid", SRC_VIVID, V4L2_MEMORY_DMABUF },
};

struct test_format {
	uint32_t fourcc, width, height;
};

#define MAX_FORMATS 16

static struct test_format formats[MAX_FORMATS] = {
	{ V4L2_PIX_FMT_UYVY, 640, 480 },
	/* 650 x 2 bytes = 1300, padded to 1344 bytes per line */
	{ V4L2_PIX_FMT_SRGGB10, 650, 482 },
	/* two surfaces in one plane: luma, then chroma, both 384 bytes a line */
	{ V4L2_PIX_FMT_NV16, 322, 240 },
};
static unsigned int num_formats = 3;

/* "RG10:648x482,NV16:324x240"; 0, or -1 on a malformed list. */
static int parse_formats(const char *arg)
{
	const char *p = arg;

	num_formats = 0;
	while (*p && num_formats < MAX_FORMATS) {
		struct test_format *f = &formats[num_formats];
		char fcc[5] = { 0 };
		int n = 0;

		if (sscanf(p, "%4[^:]:%ux%u%n", fcc, &f->width, &f->height, &n) != 3 ||
		    strlen(fcc) != 4)
			return -1;
		f->fourcc = v4l2_fourcc(fcc[0], fcc[1], fcc[2], fcc[3]);
		num_formats++;
		p += n;
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	return num_formats && !*p ? 0 : -1;
}

/**
 * struct tbuf - one buffer of a case
 * @alloc: what was allocated (malloc, posix_memalign, mmap of a dma-buf).
 * @alloc_len: bytes at @alloc.
 * @data: where the frame goes, inside @alloc.
 * @len: plane length given to the driver.
 * @fd: dma-buf fd, or -1.
 * @src: SRC_SCATTER: the source mapping the pages came from.
 * @src_len: bytes at @src.
 * @contiguous: 1 physically contiguous, 0 scattered, -1 unknown.
 */
struct tbuf {
	uint8_t *alloc;
	size_t alloc_len;
	uint8_t *data;
	size_t len;
	int fd;
	uint8_t *src;
	size_t src_len;
	int contiguous;
};

struct ctx {
	int fd;
	bool contig;
	bool no_userptr;
	bool iommu;
	unsigned int frames;
	struct v4l2_pix_format fmt;
	struct tbuf bufs[MAXBUF];
	unsigned int nbufs;
	unsigned int slot[NBUF];
	unsigned int spare;
	enum source src;
	int vgem;
	int vivid;
	unsigned int refused;
	unsigned int misaligned_refused;
	unsigned int channel;
	unsigned int align;
};

/*
 * Is [p, p + len) physically contiguous? The pages must be present (written
 * to). Returns 1 or 0, or -1 when /proc/self/pagemap shows no frame numbers.
 */
static int phys_contiguous(const void *p, size_t len)
{
	uintptr_t va = (uintptr_t)p & ~(uintptr_t)(PAGE - 1);
	uintptr_t end = (uintptr_t)p + len;
	uint64_t e, pfn, prev = 0;
	int fd, ret = 1;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (; va < end; va += PAGE) {
		if (pread(fd, &e, sizeof(e), (va / PAGE) * sizeof(e)) !=
		    sizeof(e) || !(e >> 63)) {
			ret = -1;
			break;
		}
		pfn = e & ((1ULL << 55) - 1);
		if (!pfn) {
			ret = -1;
			break;
		}
		if (va != ((uintptr_t)p & ~(uintptr_t)(PAGE - 1)) &&
		    pfn != prev + 1)
			ret = 0;
		prev = pfn;
	}
	close(fd);
	return ret;
}

/*
 * Every other page of a larger mapping, moved next to each other with
 * mremap(): virtually contiguous, physically never.
 */
static int alloc_scattered(struct tbuf *b, size_t size)
{
	size_t n = (size + PAGE - 1) / PAGE, i;
	uint8_t *dst;

	b->src_len = 2 * n * PAGE;
	b->src = mmap(NULL, b->src_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->src == MAP_FAILED) {
		b->src = NULL;
		return -errno;
	}
	madvise(b->src, b->src_len, MADV_NOHUGEPAGE);
	memset(b->src, 0, b->src_len);
	dst = mmap(NULL, n * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	if (dst == MAP_FAILED)
		return -errno;
	b->alloc = dst;
	b->alloc_len = n * PAGE;
	for (i = 0; i < n; i++)
		if (mremap(b->src + (2 * i + 1) * PAGE, PAGE, PAGE,
			   MREMAP_MAYMOVE | MREMAP_FIXED,
			   dst + i * PAGE) == MAP_FAILED)
			return -errno;
	b->data = b->alloc;
	return 0;
}

/* vivid capture buffers exported as dma-bufs; vivid keeps them alive. */
static int vivid_setup(struct ctx *c)
{
	struct v4l2_requestbuffers req = {
		.count = NBUF, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	struct v4l2_pix_format f;
	char path[64];
	unsigned int i;

	if (!tcs_find_node("vivid-000-vid-cap", path, sizeof(path)))
		return -ENODEV;
	c->vivid = open(path, O_RDWR | O_CLOEXEC);
	if (c->vivid < 0)
		return -errno;
	/* Larger than any frame of this test. */
	if (tcs_set_format(c->vivid, V4L2_PIX_FMT_YUYV, 1280, 720, &f) ||
	    tcs_ioctl(c->vivid, VIDIOC_REQBUFS, &req) || req.count < NBUF)
		return -EINVAL;
	for (i = 0; i < NBUF; i++) {
		struct v4l2_exportbuffer exp = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .index = i,
			.flags = O_RDWR | O_CLOEXEC,
		};

		if (tcs_ioctl(c->vivid, VIDIOC_EXPBUF, &exp))
			return -EINVAL;
		c->bufs[i].fd = exp.fd;
		c->bufs[i].alloc_len = f.sizeimage;
	}
	return 0;
}

static void fill_guards(struct tbuf *b, size_t frame)
{
	size_t before = b->data - b->alloc;

	memset(b->alloc, GUARD_BYTE, before);
	memset(b->data + frame, GUARD_BYTE, b->alloc_len - before - frame);
}

static void check_guards(struct tbuf *b, size_t frame, const char *what)
{
	size_t before = b->data - b->alloc, i;
	size_t after = b->alloc_len - before - frame;

	for (i = 0; i < before; i++)
		if (b->alloc[i] != GUARD_BYTE) {
			tcs_fail("%s: guard byte %zu before the buffer changed",
				 what, before - i);
			return;
		}
	for (i = 0; i < after; i++)
		if (b->data[frame + i] != GUARD_BYTE) {
			tcs_fail("%s: guard byte %zu after the frame changed",
				 what, i);
			return;
		}
}

/* Allocate the buffers of a case; returns 0, -ENODEV without vivid, or -errno. */
static int alloc_bufs(struct ctx *c, enum v4l2_memory memory)
{
	size_t size = c->fmt.sizeimage;
	unsigned int i;
	int ret;

	if (c->src == SRC_VIVID) {
		ret = vivid_setup(c);
		if (ret)
			return ret;
	}

	for (i = 0; i < c->nbufs; i++) {
		struct tbuf *b = &c->bufs[i];
		void *p = NULL;

		switch (c->src) {
		case SRC_MMAP: {
			struct v4l2_buffer qb = {
				.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
				.memory = memory, .index = i,
			};

			if (tcs_ioctl(c->fd, VIDIOC_QUERYBUF, &qb))
				return -EINVAL;
			b->len = qb.length;
			b->alloc_len = qb.length;
			b->alloc = mmap(NULL, qb.length, PROT_READ | PROT_WRITE,
					MAP_SHARED, c->fd, qb.m.offset);
			if (b->alloc == MAP_FAILED) {
				b->alloc = NULL;
				return -errno;
			}
			b->data = b->alloc;
			continue;
		}
		case SRC_MALLOC:
			/* 64 guard bytes each side. */
			b->alloc_len = size + 128;
			b->alloc = malloc(b->alloc_len);
			b->data = b->alloc + 64;
			break;
		case SRC_MEMALIGN:
		case SRC_OFFSET:
			b->alloc_len = size + 2 * PAGE;
			if (posix_memalign(&p, PAGE, b->alloc_len))
				return -ENOMEM;
			b->alloc = p;
			b->data = b->alloc + (c->src == SRC_OFFSET ? 0xff8 : PAGE);
			break;
		case SRC_SCATTER:
			ret = alloc_scattered(b, size);
			if (ret)
				return ret;
			break;
		case SRC_VGEM:
		case SRC_VGEM_ROTATE:
			b->alloc_len = size + PAGE;
			b->fd = tcs_vgem_dmabuf(c->vgem, b->alloc_len, NULL);
			if (b->fd < 0)
				return -ENOMEM;
			/* fall through */
		case SRC_VIVID:
			b->alloc = mmap(NULL, b->alloc_len, PROT_READ | PROT_WRITE,
					MAP_SHARED, b->fd, 0);
			if (b->alloc == MAP_FAILED) {
				b->alloc = NULL;
				return -errno;
			}
			b->data = b->alloc;
			break;
		}
		if (!b->alloc)
			return -ENOMEM;
		b->len = memory == V4L2_MEMORY_DMABUF ? b->alloc_len : size;
		if (b->fd >= 0)
			tcs_dmabuf_sync(b->fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW);
		/*
		 * Writing faults every page in, for phys_contiguous(), which
		 * judges the whole plane the driver is given (for a dma-buf,
		 * all of it).
		 */
		memset(b->data, 0, size);
		fill_guards(b, size);
		b->contiguous = phys_contiguous(b->data, b->len);
		if (b->fd >= 0)
			tcs_dmabuf_sync(b->fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW);
	}
	return 0;
}

static void free_bufs(struct ctx *c)
{
	unsigned int i;

	for (i = 0; i < MAXBUF; i++) {
		struct tbuf *b = &c->bufs[i];

		if (b->alloc) {
			if (c->src == SRC_MALLOC || c->src == SRC_MEMALIGN ||
			    c->src == SRC_OFFSET)
				free(b->alloc);
			else
				munmap(b->alloc, b->alloc_len);
		}
		if (b->src)
			munmap(b->src, b->src_len);
		if (b->fd >= 0)
			close(b->fd);
		memset(b, 0, sizeof(*b));
		b->fd = -1;
	}
	if (c->vivid >= 0) {
		close(c->vivid);
		c->vivid = -1;
	}
}

/* QBUF argument for buffer slot @i, holding the buffer c->slot[@i]. */
static void fill_qbuf(struct ctx *c, struct v4l2_buffer *qb, unsigned int i,
		      enum v4l2_memory memory)
{
	struct tbuf *b = &c->bufs[c->slot[i]];

	memset(qb, 0, sizeof(*qb));
	qb->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	qb->memory = memory;
	qb->index = i;
	if (memory == V4L2_MEMORY_USERPTR) {
		qb->m.userptr = (unsigned long)b->data;
		qb->length = b->len;
	} else if (memory == V4L2_MEMORY_DMABUF) {
		qb->m.fd = b->fd;
		qb->length = b->len;
	}
}

/*
 * Must the driver refuse buffer @b: 1 yes (a USERPTR plane off the DMA
 * start alignment, or scattered memory in contig mode), 0 no, -1 unknown
 * (contig mode, the layout could not be read).
 */
static int must_refuse(const struct ctx *c, const struct tbuf *b,
		       enum v4l2_memory memory)
{
	if (memory == V4L2_MEMORY_USERPTR && (uintptr_t)b->data % c->align)
		return 1;
	if (!c->contig || memory == V4L2_MEMORY_MMAP)
		return 0;
	return b->contiguous == 1 ? 0 : b->contiguous == 0 ? 1 : -1;
}

/*
 * Every buffer the engine cannot reach (scattered in contig mode, or
 * misaligned) must be refused with EINVAL, by PREPARE_BUF and by QBUF.
 * Returns true when none is, and the case can stream.
 */
static bool check_refusals(struct ctx *c, enum v4l2_memory memory,
			   const char *what)
{
	unsigned int i, refuse = 0;
	int ret, fails = tcs_failures(), m;
	struct v4l2_buffer qb;

	for (i = 0; i < NBUF; i++)
		if (must_refuse(c, &c->bufs[i], memory))
			break;
	if (i == NBUF)
		return true;

	for (i = 0; i < NBUF; i++) {
		m = must_refuse(c, &c->bufs[i], memory);
		fill_qbuf(c, &qb, i, memory);
		if (!m) {
			/* Memory the engine reaches is fine. */
			ret = tcs_ioctl(c->fd, VIDIOC_PREPARE_BUF, &qb);
			if (ret)
				tcs_fail("%s: PREPARE_BUF of usable buffer %u: %s",
					 what, i, strerror(-ret));
			continue;
		}
		refuse++;
		ret = tcs_ioctl(c->fd, i % 2 ? VIDIOC_QBUF : VIDIOC_PREPARE_BUF,
				&qb);
		if (ret == -EINVAL) {
			if (memory == V4L2_MEMORY_USERPTR &&
			    (uintptr_t)c->bufs[i].data % c->align)
				c->misaligned_refused++;
			else
				c->refused++;
		} else if (m > 0) {
			tcs_fail("%s: %s of buffer %u (%s) returned %d, expected -EINVAL",
				 what, i % 2 ? "QBUF" : "PREPARE_BUF", i,
				 (uintptr_t)c->bufs[i].data % c->align ?
				 "off the DMA start alignment" : "scattered",
				 ret);
		} else {
			tcs_info("%s: buffer %u (layout unknown) accepted",
				 what, i);
		}
	}
	if (tcs_failures() == fails)
		tcs_ok("%s: %u buffer(s) the engine cannot reach refused with EINVAL",
		       what, refuse);
	return false;
}

static void check_buffer(struct ctx *c, const struct v4l2_buffer *qb,
			 uint32_t *last_seq, uint64_t *last_ts, bool first,
			 const char *what)
{
	struct tbuf *b = &c->bufs[c->slot[qb->index]];
	uint64_t ts = qb->timestamp.tv_sec * 1000000000ULL +
		      qb->timestamp.tv_usec * 1000ULL;
	char label[160];
	size_t bad;

	snprintf(label, sizeof(label), "%s buffer %u", what, qb->index);
	if (qb->flags & V4L2_BUF_FLAG_ERROR)
		tcs_fail("%s: ERROR flag set", label);
	if ((qb->flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) !=
	    V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
		tcs_fail("%s: timestamp is not CLOCK_MONOTONIC", label);
	if (qb->field != V4L2_FIELD_NONE)
		tcs_fail("%s: field %u", label, qb->field);
	if (qb->bytesused != c->fmt.sizeimage)
		tcs_fail("%s: bytesused %u, expected %u", label, qb->bytesused,
			 c->fmt.sizeimage);
	if (!first && qb->sequence <= *last_seq)
		tcs_fail("%s: sequence %u after %u", label, qb->sequence,
			 *last_seq);
	if (!first && ts < *last_ts)
		tcs_fail("%s: timestamp went backwards", label);
	*last_seq = qb->sequence;
	*last_ts = ts;

	if (b->fd >= 0)
		tcs_dmabuf_sync(b->fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	bad = tcs_check_counter(b->data, &c->fmt, qb->sequence, label);
	if (bad)
		tcs_fail("%s: %zu of %u bytes wrong", label, bad,
			 c->fmt.sizeimage);
	if (c->src != SRC_MMAP && c->src != SRC_VIVID)
		check_guards(b, c->fmt.sizeimage, label);
	if (b->fd >= 0)
		tcs_dmabuf_sync(b->fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
}

/* Counters that must not move while the same buffers are requeued. */
static const char *const steady_stats[] = {
	"iommu_map", "iommu_unmap", "userptr_pins", "dmabuf_attach",
	"dmabuf_map",
};

#define NSTATS (sizeof(steady_stats) / sizeof(steady_stats[0]))

static void stats_snapshot(struct ctx *c, long long *v)
{
	unsigned int i;

	for (i = 0; i < NSTATS; i++)
		v[i] = tcs_stat(c->channel, steady_stats[i]);
}

static void stats_compare(const long long *before, const long long *after,
			  unsigned int nstats, unsigned int frames,
			  const char *what)
{
	unsigned int i;

	for (i = 0; i < nstats; i++) {
		if (before[i] < 0 || after[i] < 0) {
			tcs_fail("%s: cannot read the debugfs counter %s", what,
				 steady_stats[i]);
			return;
		}
		if (after[i] != before[i])
			tcs_fail("%s: %s went from %lld to %lld over %u frames of steady streaming",
				 what, steady_stats[i], before[i], after[i],
				 frames);
	}
}

/*
 * Rotating dma-bufs, iommu mode: a dma-buf is in the driver's IOMMU domain
 * exactly as long as vb2 keeps its attachment mapped, so the live IOVA
 * ranges equal the live attachment mappings (one per slot).
 */
static void check_iova_lifetime(struct ctx *c, const char *what)
{
	long long mapped = tcs_stat(c->channel, "iova_ranges_mapped") -
			   tcs_stat(c->channel, "iova_ranges_unmapped");
	long long attached = tcs_stat(c->channel, "dmabuf_map") -
			     tcs_stat(c->channel, "dmabuf_unmap");

	if (mapped != attached || attached != NBUF)
		tcs_fail("%s: %lld IOVA ranges live for %lld mapped attachments (%d slots)",
			 what, mapped, attached, NBUF);
}

/* Whether /sys/kernel/debug/dma_buf/bufinfo lists a dma-buf of inode @ino. */
static bool dmabuf_alive(unsigned long ino)
{
	FILE *f = fopen("/sys/kernel/debug/dma_buf/bufinfo", "r");
	char line[512];
	bool found = false;

	if (!f) {
		tcs_fail("cannot read /sys/kernel/debug/dma_buf/bufinfo");
		return true;
	}
	/* "size flags mode count exp_name ino name" */
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long size, flags, mode, count, i;
		char exp[64];

		if (sscanf(line, "%lu %lx %lx %lu %63s %lu", &size, &flags,
			   &mode, &count, exp, &i) == 6 && i == ino)
			found = true;
	}
	fclose(f);
	return found;
}

/*
 * The spare dma-buf, out of every slot, is released by the application:
 * the driver must hold no reference to it (an IOVA cache that outlived
 * vb2's mapping kept it alive).
 */
static void check_spare_released(struct ctx *c, const char *what)
{
	struct tbuf *b = &c->bufs[c->spare];
	struct stat st;

	if (b->fd < 0 || fstat(b->fd, &st)) {
		tcs_fail("%s: no spare dma-buf", what);
		return;
	}
	munmap(b->alloc, b->alloc_len);
	b->alloc = NULL;
	close(b->fd);
	b->fd = -1;
	if (dmabuf_alive(st.st_ino))
		tcs_fail("%s: the dma-buf out of every slot (inode %lu) is still alive after the application released it",
			 what, (unsigned long)st.st_ino);
}

static void run_case(struct ctx *c, unsigned int ci)
{
	enum v4l2_memory memory = cases[ci].memory;
	struct v4l2_requestbuffers req = {
		.count = NBUF, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = memory,
	};
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	uint32_t last_seq = 0;
	uint64_t last_ts = 0;
	unsigned int i, n;
	char what[128];
	int ret, fails = tcs_failures();
	long long before[NSTATS], after[NSTATS];

	snprintf(what, sizeof(what), "%s %.4s %ux%u", cases[ci].name,
		 (char *)&c->fmt.pixelformat, c->fmt.width, c->fmt.height);
	c->src = cases[ci].src;
	c->nbufs = c->src == SRC_VGEM_ROTATE ? MAXBUF : NBUF;
	for (i = 0; i < NBUF; i++)
		c->slot[i] = i;
	c->spare = NBUF;

	if ((c->src == SRC_VGEM || c->src == SRC_VGEM_ROTATE) && c->vgem < 0) {
		tcs_fail("%s: no vgem (tests/vm/run --with vgem)", what);
		return;
	}
	ret = tcs_ioctl(c->fd, VIDIOC_REQBUFS, &req);
	if (memory == V4L2_MEMORY_USERPTR && c->no_userptr) {
		if (ret != -EINVAL)
			tcs_fail("%s: REQBUFS: %d, not EINVAL: USERPTR must not be offered",
				 what, ret);
		else if (req.capabilities & V4L2_BUF_CAP_SUPPORTS_USERPTR)
			tcs_fail("%s: REQBUFS refused USERPTR but claims V4L2_BUF_CAP_SUPPORTS_USERPTR",
				 what);
		else
			printf("ok: %s: not offered (EINVAL)\n", what);
		return;
	}
	if (ret || req.count < NBUF) {
		tcs_fail("%s: REQBUFS: %d (count %u)", what, ret, req.count);
		goto out;
	}
	ret = alloc_bufs(c, memory);
	if (ret == -ENODEV) {
		tcs_fail("%s: no vivid (tests/vm/run --with vivid)", what);
		goto out;
	}
	if (ret) {
		tcs_fail("%s: allocating buffers: %s", what, strerror(-ret));
		goto out;
	}

	if (c->src == SRC_MMAP) {
		struct v4l2_pix_format other;

		/* The buffers are sized for this format: no change now. */
		ret = tcs_set_format(c->fd, c->fmt.pixelformat, c->fmt.width / 2,
				     c->fmt.height / 2, &other);
		if (ret != -EBUSY)
			tcs_fail("%s: S_FMT with buffers allocated returned %d, expected -EBUSY",
				 what, ret);

		/* A new MMAP buffer never shows stale kernel memory. */
		for (i = 0; i < NBUF; i++) {
			size_t k;

			for (k = 0; k < c->bufs[i].len; k++)
				if (c->bufs[i].data[k])
					break;
			if (k < c->bufs[i].len) {
				tcs_fail("%s: new buffer %u has data at byte %zu",
					 what, i, k);
				break;
			}
		}
	}

	if (!check_refusals(c, memory, what))
		goto out;

	for (i = 0; i < NBUF; i++) {
		struct v4l2_buffer qb;

		fill_qbuf(c, &qb, i, memory);
		ret = tcs_ioctl(c->fd, VIDIOC_QBUF, &qb);
		if (ret) {
			tcs_fail("%s: QBUF %u: %s", what, i, strerror(-ret));
			goto out;
		}
	}
	ret = tcs_ioctl(c->fd, VIDIOC_STREAMON, &type);
	if (ret) {
		tcs_fail("%s: STREAMON: %s", what, strerror(-ret));
		goto out;
	}
	stats_snapshot(c, before);
	for (n = 0; n < c->frames; n++) {
		if (c->src == SRC_VGEM_ROTATE && c->iommu)
			check_iova_lifetime(c, what);

		struct v4l2_buffer qb = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = memory,
		};

		ret = tcs_dqbuf(c->fd, &qb, 5000);
		if (ret) {
			tcs_fail("%s: DQBUF after %u frames: %s", what, n,
				 strerror(-ret));
			break;
		}
		check_buffer(c, &qb, &last_seq, &last_ts, n == 0, what);
		if (c->src == SRC_VGEM_ROTATE) {
			unsigned int done = c->slot[qb.index];

			c->slot[qb.index] = c->spare;
			c->spare = done;
		}
		fill_qbuf(c, &qb, qb.index, memory);
		ret = tcs_ioctl(c->fd, VIDIOC_QBUF, &qb);
		if (ret) {
			tcs_fail("%s: re-QBUF: %s", what, strerror(-ret));
			break;
		}
	}
	stats_snapshot(c, after);
	/*
	 * Rotation: vb2 attaches and maps a dma-buf again whenever it lands
	 * in another slot, and so does the driver's IOMMU domain; nothing
	 * must outlive vb2's mapping.
	 */
	if (c->src == SRC_VGEM_ROTATE) {
		if (c->iommu)
			check_iova_lifetime(c, what);
		check_spare_released(c, what);
	} else {
		stats_compare(before, after, NSTATS, n, what);
	}
	tcs_ioctl(c->fd, VIDIOC_STREAMOFF, &type);
	if (c->src != SRC_MMAP && c->src != SRC_VIVID)
		for (i = 0; i < c->nbufs; i++) {
			struct tbuf *b = &c->bufs[i];

			if (!b->alloc)	/* the released spare */
				continue;
			if (b->fd >= 0)
				tcs_dmabuf_sync(b->fd, DMA_BUF_SYNC_START |
					    DMA_BUF_SYNC_READ);
			check_guards(b, c->fmt.sizeimage, what);
			if (b->fd >= 0)
				tcs_dmabuf_sync(b->fd, DMA_BUF_SYNC_END |
					    DMA_BUF_SYNC_READ);
		}
	if (tcs_failures() == fails)
		tcs_ok("%s: %u frames, every byte as expected, guards intact",
		       what, n);
out:
	free_bufs(c);
	req.count = 0;
	tcs_ioctl(c->fd, VIDIOC_REQBUFS, &req);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "contig", no_argument, NULL, 'c' },
		{ "iommu", no_argument, NULL, 'i' },
		{ "frames", required_argument, NULL, 'f' },
		{ "channel", required_argument, NULL, 'n' },
		{ "formats", required_argument, NULL, 'F' },
		{ "no-pattern-control", no_argument, NULL, 'P' },
		{ "no-userptr", no_argument, NULL, 'U' },
		{ }
	};
	bool pattern_control = true;
	int32_t align = 0;
	struct ctx c = { .frames = 20, .vivid = -1 };
	struct v4l2_streamparm parm = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	unsigned int channel = 0, f, ci, i;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			c.contig = true;
			break;
		case 'i':
			c.iommu = true;
			break;
		case 'f':
			c.frames = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			channel = strtoul(optarg, NULL, 0);
			break;
		case 'F':
			if (parse_formats(optarg)) {
				fprintf(stderr, "%s: bad --formats '%s' (FOURCC:WxH,...)\n",
					argv[0], optarg);
				return 2;
			}
			break;
		case 'P':
			pattern_control = false;
			break;
		case 'U':
			c.no_userptr = true;
			break;
		default:
			fprintf(stderr, "usage: %s [--contig|--iommu] [--frames N] [--channel N] [--formats FOURCC:WxH,...] [--no-pattern-control] [--no-userptr]\n",
				argv[0]);
			return 2;
		}
	}
	for (i = 0; i < MAXBUF; i++)
		c.bufs[i].fd = -1;

	c.channel = channel;
	c.fd = tcs_open_channel(channel);
	if (c.fd < 0) {
		tcs_fail("no tegra-csi-sg channel %u", channel);
		return 1;
	}
	c.vgem = tcs_vgem_open();
	if (pattern_control &&
	    tcs_set_ctrl(c.fd, V4L2_CID_TEST_PATTERN,
			 TEGRA_CSI_SG_PATTERN_COUNTER))
		tcs_fail("cannot select the counter pattern");
	if (tcs_get_ctrl(c.fd, TEGRA_CSI_SG_CID_DMA_ALIGN, &align) || align < 1) {
		tcs_fail("cannot read the DMA start alignment");
		align = 1;
	}
	c.align = align;
	parm.parm.capture.timeperframe.numerator = 1;
	parm.parm.capture.timeperframe.denominator = 60;
	tcs_ioctl(c.fd, VIDIOC_S_PARM, &parm);

	for (f = 0; f < num_formats; f++) {
		if (tcs_set_format(c.fd, formats[f].fourcc, formats[f].width,
				   formats[f].height, &c.fmt)) {
			tcs_fail("S_FMT %.4s", (char *)&formats[f].fourcc);
			continue;
		}
		if (c.fmt.pixelformat != formats[f].fourcc ||
		    c.fmt.width != formats[f].width ||
		    c.fmt.height != formats[f].height) {
			tcs_fail("S_FMT %.4s %ux%u gave %.4s %ux%u",
				 (char *)&formats[f].fourcc, formats[f].width,
				 formats[f].height, (char *)&c.fmt.pixelformat,
				 c.fmt.width, c.fmt.height);
			continue;
		}
		for (ci = 0; ci < sizeof(cases) / sizeof(cases[0]); ci++)
			run_case(&c, ci);
	}

	if (c.contig && !c.refused)
		tcs_fail("contig mode: no scattered buffer was refused");
	if (c.align >= 16 && !c.no_userptr && !c.misaligned_refused)
		tcs_fail("DMA start alignment %u: no misaligned USERPTR buffer was refused",
			 c.align);
	printf("# %d failure(s)\n", tcs_failures());
	return tcs_failures() ? 1 : 0;
}
