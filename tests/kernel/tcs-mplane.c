// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcs-mplane: the multi-planar API of tegra-csi-sg (virtual_mplane=1), in
 * the guest. For NV16M (luma and chroma in two memory planes, one surface
 * each), NV16 (both surfaces in one plane) and UYVY, in MMAP, USERPTR and
 * DMABUF (two vgem dma-bufs per buffer) memory: every byte of every plane
 * of every frame is the counter pattern, the lines of plane 1 numbered on
 * from those of plane 0 (uapi header), and every plane's bytesperline,
 * sizeimage and payload are what the format says.
 *
 * Usage: tcs-mplane [--frames N]. Exit status: 0 pass, 1 failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libdrm/drm.h>
#include <libdrm/drm_mode.h>
#include <linux/dma-buf.h>
#include <linux/tegra-csi-sg.h>

#include "tcs-test.h"
#include "tcs-vgem.h"

#define NBUF	4
#define PAGE	4096u
#define TYPE	V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE

struct plane {
	uint8_t *data;
	size_t len;
	int fd;
	void *alloc;
};

static int vgem = -1;

/* The counter pattern over the planes of a frame, lines numbered on. */
static size_t check_frame(const struct plane *pl,
			  const struct v4l2_pix_format_mplane *fmt,
			  uint32_t seq, const char *what)
{
	uint32_t bpl = fmt->plane_fmt[0].bytesperline, line0 = 0;
	size_t bad = 0;
	unsigned int p;

	for (p = 0; p < fmt->num_planes; p++) {
		struct v4l2_pix_format one = {
			.bytesperline = bpl,
			.sizeimage = fmt->plane_fmt[p].sizeimage,
		};
		uint32_t lines = one.sizeimage / bpl, l, c;

		if (fmt->plane_fmt[p].bytesperline != bpl) {
			tcs_fail("%s: plane %u has %u bytes a line, plane 0 %u",
				 what, p, fmt->plane_fmt[p].bytesperline, bpl);
			return 1;
		}
		/* tcs_check_counter() numbers from line 0: check by hand. */
		for (l = 0; l < lines && !bad; l++)
			for (c = 0; c < bpl; c++)
				if (pl[p].data[(size_t)l * bpl + c] !=
				    tegra_csi_sg_counter_byte(seq, line0 + l, c)) {
					tcs_fail("%s: plane %u seq %u line %u byte %u wrong",
						 what, p, seq, line0 + l, c);
					bad++;
					break;
				}
		line0 += lines;
		(void)one;
	}
	return bad;
}

static void run(int fd, uint32_t fourcc, enum v4l2_memory memory,
		unsigned int frames)
{
	struct v4l2_format f = { .type = TYPE };
	struct v4l2_requestbuffers req = {
		.count = NBUF, .type = TYPE, .memory = memory,
	};
	struct plane planes[NBUF][VIDEO_MAX_PLANES];
	const char *mem = memory == V4L2_MEMORY_MMAP ? "MMAP" :
			  memory == V4L2_MEMORY_USERPTR ? "USERPTR" : "DMABUF";
	int type = TYPE, fails = tcs_failures();
	struct v4l2_pix_format_mplane *mp = &f.fmt.pix_mp;
	unsigned int i, p, n;
	char what[64];

	memset(planes, 0, sizeof(planes));
	mp->pixelformat = fourcc;
	mp->width = 322;
	mp->height = 240;
	if (tcs_ioctl(fd, VIDIOC_S_FMT, &f) || mp->pixelformat != fourcc)
		return tcs_fail("S_FMT %.4s", (char *)&fourcc);
	snprintf(what, sizeof(what), "%s %.4s %ux%u, %u plane(s)", mem,
		 (char *)&fourcc, mp->width, mp->height, mp->num_planes);
	if ((fourcc == V4L2_PIX_FMT_NV16M) != (mp->num_planes == 2))
		return tcs_fail("%s: wrong number of planes", what);
	if (tcs_ioctl(fd, VIDIOC_REQBUFS, &req) || req.count != NBUF)
		return tcs_fail("%s: REQBUFS", what);

	for (i = 0; i < NBUF; i++) {
		struct v4l2_plane vp[VIDEO_MAX_PLANES] = { 0 };
		struct v4l2_buffer b = {
			.type = TYPE, .memory = memory, .index = i,
			.m.planes = vp, .length = mp->num_planes,
		};

		if (tcs_ioctl(fd, VIDIOC_QUERYBUF, &b))
			return tcs_fail("%s: QUERYBUF", what);
		for (p = 0; p < mp->num_planes; p++) {
			struct plane *pl = &planes[i][p];
			size_t size = mp->plane_fmt[p].sizeimage;

			pl->fd = -1;
			if (memory == V4L2_MEMORY_MMAP) {
				pl->len = vp[p].length;
				pl->data = mmap(NULL, pl->len, PROT_READ,
						MAP_SHARED, fd, vp[p].m.mem_offset);
			} else if (memory == V4L2_MEMORY_USERPTR) {
				pl->len = size;
				if (posix_memalign(&pl->alloc, PAGE, size))
					return tcs_fail("posix_memalign");
				memset(pl->alloc, 0, size);
				pl->data = pl->alloc;
				vp[p].m.userptr = (unsigned long)pl->data;
				vp[p].length = size;
			} else {
				pl->len = (size + PAGE - 1) / PAGE * PAGE;
				pl->fd = tcs_vgem_dmabuf(vgem, pl->len, NULL);
				if (pl->fd < 0)
					return tcs_fail("no vgem dma-buf (tests/vm/run --with vgem)");
				pl->data = mmap(NULL, pl->len, PROT_READ,
						MAP_SHARED, pl->fd, 0);
				vp[p].m.fd = pl->fd;
			}
			if (pl->data == MAP_FAILED)
				return tcs_fail("%s: mmap", what);
		}
		if (tcs_ioctl(fd, VIDIOC_QBUF, &b))
			return tcs_fail("%s: QBUF %u", what, i);
	}
	if (tcs_ioctl(fd, VIDIOC_STREAMON, &type))
		return tcs_fail("%s: STREAMON", what);
	for (n = 0; n < frames; n++) {
		struct v4l2_plane vp[VIDEO_MAX_PLANES] = { 0 };
		struct v4l2_buffer b = {
			.type = TYPE, .memory = memory,
			.m.planes = vp, .length = mp->num_planes,
		};

		if (tcs_dqbuf(fd, &b, 5000)) {
			tcs_fail("%s: no frame %u", what, n);
			break;
		}
		for (p = 0; p < mp->num_planes; p++)
			if (vp[p].bytesused != mp->plane_fmt[p].sizeimage)
				tcs_fail("%s: plane %u payload %u, sizeimage %u",
					 what, p, vp[p].bytesused,
					 mp->plane_fmt[p].sizeimage);
		for (p = 0; p < mp->num_planes; p++)
			if (planes[b.index][p].fd >= 0) {
				struct dma_buf_sync s = {
					.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ,
				};

				tcs_ioctl(planes[b.index][p].fd, DMA_BUF_IOCTL_SYNC, &s);
			}
		if (check_frame(planes[b.index], mp, b.sequence, what))
			break;
		for (p = 0; p < mp->num_planes; p++)
			if (planes[b.index][p].fd >= 0) {
				struct dma_buf_sync s = {
					.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ,
				};

				tcs_ioctl(planes[b.index][p].fd, DMA_BUF_IOCTL_SYNC, &s);
			}
		if (tcs_ioctl(fd, VIDIOC_QBUF, &b)) {
			tcs_fail("%s: re-QBUF", what);
			break;
		}
	}
	tcs_ioctl(fd, VIDIOC_STREAMOFF, &type);
	req.count = 0;
	tcs_ioctl(fd, VIDIOC_REQBUFS, &req);
	for (i = 0; i < NBUF; i++)
		for (p = 0; p < mp->num_planes; p++) {
			struct plane *pl = &planes[i][p];

			if (memory != V4L2_MEMORY_USERPTR && pl->data &&
			    pl->data != MAP_FAILED)
				munmap(pl->data, pl->len);
			free(pl->alloc);
			if (pl->fd >= 0)
				close(pl->fd);
		}
	if (tcs_failures() == fails)
		tcs_ok("%s: %u frames, every byte of every plane right", what, n);
}

int main(int argc, char **argv)
{
	static const uint32_t fourccs[] = {
		V4L2_PIX_FMT_NV16M, V4L2_PIX_FMT_NV16, V4L2_PIX_FMT_UYVY,
	};
	static const enum v4l2_memory memories[] = {
		V4L2_MEMORY_MMAP, V4L2_MEMORY_USERPTR, V4L2_MEMORY_DMABUF,
	};
	unsigned int frames = argc > 2 ? strtoul(argv[2], NULL, 0) : 10, f, m;
	struct v4l2_capability cap;
	int fd = tcs_open_channel(0);

	if (fd < 0) {
		tcs_fail("no tegra-csi-sg channel 0");
		return 1;
	}
	if (tcs_ioctl(fd, VIDIOC_QUERYCAP, &cap) ||
	    !(cap.device_caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE)) {
		tcs_fail("the node does not use the multi-planar API (virtual_mplane=1)");
		return 1;
	}
	vgem = tcs_vgem_open();
	tcs_set_ctrl(fd, V4L2_CID_TEST_PATTERN, TEGRA_CSI_SG_PATTERN_COUNTER);
	for (f = 0; f < sizeof(fourccs) / sizeof(fourccs[0]); f++)
		for (m = 0; m < sizeof(memories) / sizeof(memories[0]); m++)
			run(fd, fourccs[f], memories[m], frames);
	printf("# %d failure(s)\n", tcs_failures());
	return tcs_failures() ? 1 : 0;
}
