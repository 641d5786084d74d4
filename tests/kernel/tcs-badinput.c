// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcs-badinput: named bad inputs to the tegra-csi-sg video node, each with
 * the result it must get (the errno of the V4L2 specification, or the value
 * the driver must correct a format to), in the guest. Under the debug
 * kernel the runner also fails the run on any report, kmemleak's scan at
 * the end included, so nothing a refused input allocated may leak.
 *
 * Usage: tcs-badinput. Exit status: 0 pass, 1 failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libdrm/drm.h>
#include <libdrm/drm_mode.h>
#include <linux/tegra-csi-sg.h>

#include "tcs-test.h"
#include "tcs-vgem.h"

#define PAGE	4096ul
#define CAP	V4L2_BUF_TYPE_VIDEO_CAPTURE

static int fd;
static struct v4l2_pix_format fmt;	/* 640x480 UYVY */
static int vgem = -1;

static int xioctl(unsigned long req, void *arg)
{
	return tcs_ioctl(fd, req, arg);
}

static int reqbufs(enum v4l2_memory memory, unsigned int count)
{
	struct v4l2_requestbuffers r = { .count = count, .type = CAP,
					 .memory = memory };

	return xioctl(VIDIOC_REQBUFS, &r);
}

static int qbuf_userptr(unsigned long p, unsigned long len)
{
	struct v4l2_buffer b = { .type = CAP, .memory = V4L2_MEMORY_USERPTR };

	reqbufs(V4L2_MEMORY_USERPTR, 0);
	if (reqbufs(V4L2_MEMORY_USERPTR, 1))
		return -1000;
	b.m.userptr = p;
	b.length = len;
	return xioctl(VIDIOC_QBUF, &b);
}

static int qbuf_dmabuf(int dfd, unsigned int length)
{
	struct v4l2_buffer b = { .type = CAP, .memory = V4L2_MEMORY_DMABUF };

	reqbufs(V4L2_MEMORY_DMABUF, 0);
	if (reqbufs(V4L2_MEMORY_DMABUF, 1))
		return -1000;
	b.m.fd = dfd;
	b.length = length;
	return xioctl(VIDIOC_QBUF, &b);
}

static int set_fmt(uint32_t fourcc, uint32_t w, uint32_t h,
		   struct v4l2_pix_format *out)
{
	return tcs_set_format(fd, fourcc, w, h, out);
}

/* S_FMT is corrected, never refused: the result must be @w x @h @fourcc. */
static int fmt_fixed(uint32_t fourcc, uint32_t w, uint32_t h, uint32_t want_fcc,
		     uint32_t want_w, uint32_t want_h)
{
	struct v4l2_pix_format f;
	int ret = set_fmt(fourcc, w, h, &f);

	if (ret)
		return ret;
	return f.pixelformat == want_fcc && f.width == want_w &&
	       f.height == want_h && f.sizeimage == f.bytesperline * f.height ? 0 : -2000;
}

static int c_fmt_zero(void) { return fmt_fixed(V4L2_PIX_FMT_UYVY, 0, 0, V4L2_PIX_FMT_UYVY, 32, 32); }
static int c_fmt_huge(void) { return fmt_fixed(V4L2_PIX_FMT_UYVY, 0xffffffff, 0xffffffff, V4L2_PIX_FMT_UYVY, 3840, 2160); }
static int c_fmt_odd(void) { return fmt_fixed(V4L2_PIX_FMT_SRGGB10, 641, 481, V4L2_PIX_FMT_SRGGB10, 640, 480); }
static int c_fmt_junk(void) { return fmt_fixed(v4l2_fourcc('J', 'U', 'N', 'K'), 640, 480, V4L2_PIX_FMT_UYVY, 640, 480); }
static int c_fmt_mplane_only(void) { return fmt_fixed(V4L2_PIX_FMT_NV16M, 640, 480, V4L2_PIX_FMT_UYVY, 640, 480); }

static int c_fmt_wrong_type(void)
{
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_OUTPUT };

	return xioctl(VIDIOC_S_FMT, &f);
}

static int c_fmt_busy(void)
{
	int ret;

	reqbufs(V4L2_MEMORY_MMAP, 2);
	ret = set_fmt(V4L2_PIX_FMT_YUYV, 320, 240, NULL);
	reqbufs(V4L2_MEMORY_MMAP, 0);
	return ret;
}

static int c_fmt_streaming(void)
{
	int type = CAP, ret, i;

	reqbufs(V4L2_MEMORY_MMAP, 2);
	for (i = 0; i < 2; i++) {
		struct v4l2_buffer b = { .type = CAP, .memory = V4L2_MEMORY_MMAP,
					 .index = i };

		xioctl(VIDIOC_QBUF, &b);
	}
	xioctl(VIDIOC_STREAMON, &type);
	ret = set_fmt(V4L2_PIX_FMT_YUYV, 320, 240, NULL);
	xioctl(VIDIOC_STREAMOFF, &type);
	reqbufs(V4L2_MEMORY_MMAP, 0);
	return ret;
}

static int c_parm_streaming(void)
{
	struct v4l2_streamparm p = { .type = CAP };
	int type = CAP, ret;
	struct v4l2_buffer b = { .type = CAP, .memory = V4L2_MEMORY_MMAP };

	reqbufs(V4L2_MEMORY_MMAP, 1);
	xioctl(VIDIOC_QBUF, &b);
	xioctl(VIDIOC_STREAMON, &type);
	p.parm.capture.timeperframe = (struct v4l2_fract){ 1, 15 };
	ret = xioctl(VIDIOC_S_PARM, &p);
	xioctl(VIDIOC_STREAMOFF, &type);
	reqbufs(V4L2_MEMORY_MMAP, 0);
	return ret;
}

static int c_reqbufs_memory(void) { return reqbufs(7, 2); }

static int c_reqbufs_type(void)
{
	struct v4l2_requestbuffers r = { .count = 2, .memory = V4L2_MEMORY_MMAP,
					 .type = V4L2_BUF_TYPE_VIDEO_OUTPUT };

	return xioctl(VIDIOC_REQBUFS, &r);
}

/* 2^31 buffers: granted as many as vb2 allows (32), never 2^31. */
static int c_reqbufs_huge(void)
{
	struct v4l2_requestbuffers r = { .count = 1u << 31, .type = CAP,
					 .memory = V4L2_MEMORY_USERPTR };
	int ret = xioctl(VIDIOC_REQBUFS, &r);

	reqbufs(V4L2_MEMORY_USERPTR, 0);
	return ret ? ret : r.count <= 32 ? 0 : -2000;
}

static int c_querybuf_index(void)
{
	struct v4l2_buffer b = { .type = CAP, .memory = V4L2_MEMORY_MMAP,
				 .index = 2 };
	int ret;

	reqbufs(V4L2_MEMORY_MMAP, 2);
	ret = xioctl(VIDIOC_QUERYBUF, &b);
	reqbufs(V4L2_MEMORY_MMAP, 0);
	return ret;
}

static int c_qbuf_index(void)
{
	struct v4l2_buffer b = { .type = CAP, .memory = V4L2_MEMORY_MMAP,
				 .index = 1000 };
	int ret;

	reqbufs(V4L2_MEMORY_MMAP, 2);
	ret = xioctl(VIDIOC_QBUF, &b);
	reqbufs(V4L2_MEMORY_MMAP, 0);
	return ret;
}

static int c_qbuf_memory_mismatch(void)
{
	struct v4l2_buffer b = { .type = CAP, .memory = V4L2_MEMORY_USERPTR };
	int ret;

	reqbufs(V4L2_MEMORY_MMAP, 2);
	ret = xioctl(VIDIOC_QBUF, &b);
	reqbufs(V4L2_MEMORY_MMAP, 0);
	return ret;
}

static uint8_t *user;		/* 2 MiB, page aligned, writable */

static int c_userptr_null(void) { return qbuf_userptr(0, fmt.sizeimage); }
static int c_userptr_kernel(void) { return qbuf_userptr(0xffff888000000000ul, fmt.sizeimage); }
static int c_userptr_misaligned(void) { return qbuf_userptr((unsigned long)user + 4, fmt.sizeimage); }
static int c_userptr_short(void) { return qbuf_userptr((unsigned long)user, fmt.sizeimage - 1); }

static int c_userptr_readonly(void)
{
	void *ro = mmap(NULL, 2 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ret = qbuf_userptr((unsigned long)ro, fmt.sizeimage);

	munmap(ro, 2 << 20);
	return ret;
}

static int c_userptr_past_end(void)
{
	/* one page mapped, the plane needs 150: the rest is a hole */
	void *p = mmap(NULL, 300 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	int ret;

	mprotect(p, PAGE, PROT_READ | PROT_WRITE);
	munmap((uint8_t *)p + PAGE, 299 * PAGE);
	ret = qbuf_userptr((unsigned long)p, fmt.sizeimage);
	munmap(p, PAGE);
	return ret;
}

/* Memory mapped from a device (VM_PFNMAP: a vgem dumb buffer's mmap). */
static int c_userptr_pfnmap(void)
{
	void *map = MAP_FAILED;
	int dfd = tcs_vgem_dmabuf(vgem, 2 << 20, &map), ret;

	if (dfd < 0 || map == MAP_FAILED)
		return -3000;
	ret = qbuf_userptr((unsigned long)map, fmt.sizeimage);
	munmap(map, 2 << 20);
	close(dfd);
	return ret;
}

static int c_dmabuf_not_dmabuf(void) { return qbuf_dmabuf(fd, 0); }
static int c_dmabuf_bad_fd(void) { return qbuf_dmabuf(-1, 0); }

static int c_dmabuf_small(void)
{
	int dfd = tcs_vgem_dmabuf(vgem, PAGE * 4, NULL), ret;

	if (dfd < 0)
		return -3000;
	ret = qbuf_dmabuf(dfd, 0);
	close(dfd);
	return ret;
}

static int c_dqbuf_not_streaming(void)
{
	struct v4l2_buffer b = { .type = CAP, .memory = V4L2_MEMORY_MMAP };
	int ret;

	reqbufs(V4L2_MEMORY_MMAP, 2);
	ret = xioctl(VIDIOC_DQBUF, &b);
	reqbufs(V4L2_MEMORY_MMAP, 0);
	return ret;
}

static int c_dqbuf_nothing_done(void)
{
	struct v4l2_buffer b = { .type = CAP, .memory = V4L2_MEMORY_MMAP };
	int type = CAP, ret;

	/* streaming with no buffer queued: nothing can be done */
	reqbufs(V4L2_MEMORY_MMAP, 2);
	xioctl(VIDIOC_STREAMON, &type);
	ret = xioctl(VIDIOC_DQBUF, &b);		/* fd is O_NONBLOCK */
	xioctl(VIDIOC_STREAMOFF, &type);
	reqbufs(V4L2_MEMORY_MMAP, 0);
	return ret;
}

static int c_streamon_no_buffers(void)
{
	int type = CAP;

	reqbufs(V4L2_MEMORY_MMAP, 0);
	return xioctl(VIDIOC_STREAMON, &type);
}

static int c_ctrl_readonly(void) { return tcs_set_ctrl(fd, TEGRA_CSI_SG_CID_DMA_ALIGN, 16); }
/* out of range: clamped to the maximum (the V4L2 control framework's rule) */
static int c_ctrl_range(void)
{
	int32_t v = 0;
	int ret = tcs_set_ctrl(fd, V4L2_CID_EXPOSURE, 5000);

	if (!ret)
		ret = tcs_get_ctrl(fd, V4L2_CID_EXPOSURE, &v);
	tcs_set_ctrl(fd, V4L2_CID_EXPOSURE, 500);
	return ret ? ret : v == 1000 ? 0 : -2000;
}
static int c_ctrl_unknown(void) { return tcs_set_ctrl(fd, 0x12345678, 1); }

static int c_expbuf_userptr(void)
{
	struct v4l2_exportbuffer e = { .type = CAP, .index = 0 };
	int ret;

	reqbufs(V4L2_MEMORY_USERPTR, 1);
	ret = xioctl(VIDIOC_EXPBUF, &e);
	reqbufs(V4L2_MEMORY_USERPTR, 0);
	return ret;
}

static int c_expbuf_index(void)
{
	struct v4l2_exportbuffer e = { .type = CAP, .index = 5 };
	int ret;

	reqbufs(V4L2_MEMORY_MMAP, 2);
	ret = xioctl(VIDIOC_EXPBUF, &e);
	reqbufs(V4L2_MEMORY_MMAP, 0);
	return ret;
}

static int c_create_small(void)
{
	struct v4l2_create_buffers c = { .count = 1, .memory = V4L2_MEMORY_MMAP };
	int ret;

	c.format.type = CAP;
	xioctl(VIDIOC_G_FMT, &c.format);
	c.format.fmt.pix.sizeimage = 4096;
	ret = xioctl(VIDIOC_CREATE_BUFS, &c);
	reqbufs(V4L2_MEMORY_MMAP, 0);
	return ret;
}

static int c_mmap_bad_offset(void)
{
	void *p;
	int ret = 0;

	reqbufs(V4L2_MEMORY_MMAP, 1);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0x7000000);
	if (p == MAP_FAILED)
		ret = -errno;
	else
		munmap(p, PAGE);
	reqbufs(V4L2_MEMORY_MMAP, 0);
	return ret;
}

static int c_mmap_too_long(void)
{
	struct v4l2_buffer b = { .type = CAP, .memory = V4L2_MEMORY_MMAP };
	void *p;
	int ret = 0;

	reqbufs(V4L2_MEMORY_MMAP, 1);
	xioctl(VIDIOC_QUERYBUF, &b);
	p = mmap(NULL, b.length + 16 * PAGE, PROT_READ, MAP_SHARED, fd, b.m.offset);
	if (p == MAP_FAILED)
		ret = -errno;
	else
		munmap(p, b.length + 16 * PAGE);
	reqbufs(V4L2_MEMORY_MMAP, 0);
	return ret;
}

static int c_enum_fmt_index(void)
{
	struct v4l2_fmtdesc d = { .type = CAP, .index = 1000 };

	return xioctl(VIDIOC_ENUM_FMT, &d);
}

static int c_enum_ival_size(void)
{
	struct v4l2_frmivalenum i = { .pixel_format = V4L2_PIX_FMT_UYVY,
				      .width = 641, .height = 480 };

	return xioctl(VIDIOC_ENUM_FRAMEINTERVALS, &i);
}

struct blocked {
	int fd;
	int ret;
};

static void *blocking_dqbuf(void *arg)
{
	struct blocked *bl = arg;
	struct v4l2_buffer b = { .type = CAP, .memory = V4L2_MEMORY_MMAP };

	bl->ret = tcs_ioctl(bl->fd, VIDIOC_DQBUF, &b);
	return NULL;
}

/*
 * close() of the handle while another thread blocks in DQBUF on it: the
 * file lives until the ioctl returns; once the sensor runs again (via
 * another handle) the DQBUF completes normally, and nothing leaks.
 */
static int c_close_during_dqbuf(void)
{
	struct blocked bl = { .ret = -4000 };
	struct v4l2_requestbuffers r = { .count = 2, .type = CAP,
					 .memory = V4L2_MEMORY_MMAP };
	int type = CAP, i, other;
	char path[64];
	pthread_t t;

	if (!tcs_find_node("tegra-csi-sg ch0", path, sizeof(path)))
		return -3000;
	bl.fd = open(path, O_RDWR | O_CLOEXEC);		/* blocking */
	other = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (bl.fd < 0 || other < 0 || tcs_ioctl(bl.fd, VIDIOC_REQBUFS, &r))
		return -3000;
	for (i = 0; i < 2; i++) {
		struct v4l2_buffer b = { .type = CAP, .memory = V4L2_MEMORY_MMAP,
					 .index = i };

		tcs_ioctl(bl.fd, VIDIOC_QBUF, &b);
	}
	tcs_set_ctrl(other, TEGRA_CSI_SG_CID_STALL, 1);
	tcs_ioctl(bl.fd, VIDIOC_STREAMON, &type);
	pthread_create(&t, NULL, blocking_dqbuf, &bl);
	usleep(300000);
	close(bl.fd);			/* the ioctl still holds the file */
	usleep(100000);
	tcs_set_ctrl(other, TEGRA_CSI_SG_CID_STALL, 0);
	pthread_join(t, NULL);
	close(other);
	return bl.ret;
}

static const struct {
	const char *name;
	int (*run)(void);
	int want;		/* 0, or -errno */
} cases[] = {
	{ "S_FMT 0x0 becomes the smallest size (32x32)", c_fmt_zero, 0 },
	{ "S_FMT 0xffffffff x 0xffffffff becomes the largest (3840x2160)", c_fmt_huge, 0 },
	{ "S_FMT odd 641x481 RAW10 becomes 640x480", c_fmt_odd, 0 },
	{ "S_FMT of an unknown fourcc becomes the default (UYVY)", c_fmt_junk, 0 },
	{ "S_FMT of NV16M on a single-planar node becomes UYVY", c_fmt_mplane_only, 0 },
	{ "S_FMT with an output buffer type", c_fmt_wrong_type, -EINVAL },
	{ "S_FMT with buffers allocated", c_fmt_busy, -EBUSY },
	{ "S_FMT while streaming", c_fmt_streaming, -EBUSY },
	{ "S_PARM while streaming", c_parm_streaming, -EBUSY },
	{ "REQBUFS of an unknown memory type", c_reqbufs_memory, -EINVAL },
	{ "REQBUFS with an output buffer type", c_reqbufs_type, -EINVAL },
	{ "REQBUFS of 2^31 buffers gets at most 32", c_reqbufs_huge, 0 },
	{ "QUERYBUF of an index past the buffers", c_querybuf_index, -EINVAL },
	{ "QBUF of index 1000", c_qbuf_index, -EINVAL },
	{ "QBUF USERPTR into an MMAP queue", c_qbuf_memory_mismatch, -EINVAL },
	{ "QBUF USERPTR at NULL", c_userptr_null, -EFAULT },
	{ "QBUF USERPTR at a kernel address", c_userptr_kernel, -EFAULT },
	{ "QBUF USERPTR 4 bytes past an aligned address", c_userptr_misaligned, -EINVAL },
	{ "QBUF USERPTR one byte shorter than sizeimage", c_userptr_short, -EINVAL },
	{ "QBUF USERPTR of read-only memory", c_userptr_readonly, -EFAULT },
	{ "QBUF USERPTR past the end of a mapping", c_userptr_past_end, -EFAULT },
	{ "QBUF USERPTR of device memory (VM_PFNMAP)", c_userptr_pfnmap, -EFAULT },
	{ "QBUF DMABUF of an fd that is not a dma-buf", c_dmabuf_not_dmabuf, -EINVAL },
	{ "QBUF DMABUF of fd -1", c_dmabuf_bad_fd, -EINVAL },
	{ "QBUF DMABUF of a dma-buf smaller than sizeimage", c_dmabuf_small, -EINVAL },
	{ "DQBUF while not streaming", c_dqbuf_not_streaming, -EINVAL },
	{ "DQBUF (non-blocking) with nothing done", c_dqbuf_nothing_done, -EAGAIN },
	{ "STREAMON without buffers", c_streamon_no_buffers, -EINVAL },
	{ "S_CTRL of the read-only dma_start_alignment", c_ctrl_readonly, -EACCES },
	{ "S_CTRL exposure 5000 (1..1000) is clamped to 1000", c_ctrl_range, 0 },
	{ "S_CTRL of an unknown control", c_ctrl_unknown, -EINVAL },
	{ "EXPBUF of a USERPTR buffer", c_expbuf_userptr, -EINVAL },
	{ "EXPBUF of index 5 of 2", c_expbuf_index, -EINVAL },
	{ "CREATE_BUFS smaller than the format", c_create_small, -EINVAL },
	{ "mmap at an offset of no buffer", c_mmap_bad_offset, -EINVAL },
	{ "mmap longer than the buffer", c_mmap_too_long, -EINVAL },
	{ "ENUM_FMT index 1000", c_enum_fmt_index, -EINVAL },
	{ "ENUM_FRAMEINTERVALS of a size not offered (641x480)", c_enum_ival_size, -EINVAL },
	{ "close() while another thread blocks in DQBUF", c_close_during_dqbuf, 0 },
};

int main(void)
{
	unsigned int i, n = sizeof(cases) / sizeof(cases[0]);

	fd = tcs_open_channel(0);
	if (fd < 0) {
		tcs_fail("no tegra-csi-sg channel 0");
		return 1;
	}
	vgem = tcs_vgem_open();
	user = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	for (i = 0; i < n; i++) {
		int got;

		/* every case starts at 640x480 UYVY with no buffers */
		reqbufs(V4L2_MEMORY_MMAP, 0);
		set_fmt(V4L2_PIX_FMT_UYVY, 640, 480, &fmt);
		got = cases[i].run();
		if (got == cases[i].want)
			tcs_ok("%s: %s", cases[i].name,
			       got ? strerror(-got) : "as specified");
		else if (got <= -1000)
			tcs_fail("%s: the case could not be set up (%d)",
				 cases[i].name, got);
		else
			tcs_fail("%s: got %d (%s), expected %d (%s)", cases[i].name,
				 got, got ? strerror(-got) : "success",
				 cases[i].want,
				 cases[i].want ? strerror(-cases[i].want) : "success");
	}
	tcs_info("%u named bad inputs", n);
	close(fd);
	return tcs_failures() ? 1 : 0;
}
