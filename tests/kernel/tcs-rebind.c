// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcs-rebind: unbind the virtual device while a process holds everything
 * of it (an open node with MMAP buffers, one of them mmap()ed and one
 * exported as a dma-buf), then bind it again and stream from the new node
 * while the old file handle is still open.
 *
 * Proves that the driver tears down its hardware and V4L2 state in
 * remove() instead of at the last close: the old handle then gets ENODEV,
 * the memory it maps stays readable, the exported dma-buf stays usable, the
 * IOMMU domain (virtual_dma=iommu) is gone so that binding again can attach
 * the DMA master anew, and the new node streams right frames. Under the
 * debug kernel DMA-API debugging also checks that nothing of the device is
 * left mapped at unbind.
 *
 * Usage: tcs-rebind. Exit status: 0 pass, 1 failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/tegra-csi-sg.h>

#include "tcs-test.h"

#define NBUF	4
#define DRV	"/sys/bus/platform/drivers/tegra-csi-sg-virt"
#define DEV	"tegra-csi-sg-virt"

static int sysfs_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Stream @frames frames of MMAP buffers from channel 0; failures counted. */
static void stream_new_node(unsigned int frames)
{
	struct v4l2_requestbuffers req = {
		.count = NBUF, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE, fd, i;
	struct v4l2_pix_format fmt;
	uint8_t *maps[NBUF] = { 0 };
	size_t lens[NBUF];
	unsigned int n;

	fd = tcs_open_channel(0);
	if (fd < 0)
		return tcs_fail("no channel 0 after binding again: %s",
				strerror(-fd));
	if (tcs_set_format(fd, V4L2_PIX_FMT_UYVY, 320, 240, &fmt) ||
	    tcs_set_ctrl(fd, V4L2_CID_TEST_PATTERN, TEGRA_CSI_SG_PATTERN_COUNTER) ||
	    tcs_ioctl(fd, VIDIOC_REQBUFS, &req) || req.count != NBUF)
		return tcs_fail("setting up the new node");
	for (i = 0; i < NBUF; i++) {
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP, .index = i,
		};

		if (tcs_ioctl(fd, VIDIOC_QUERYBUF, &b))
			return tcs_fail("QUERYBUF on the new node");
		lens[i] = b.length;
		maps[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, fd,
			       b.m.offset);
		if (maps[i] == MAP_FAILED || tcs_ioctl(fd, VIDIOC_QBUF, &b))
			return tcs_fail("mapping or queueing on the new node");
	}
	if (tcs_ioctl(fd, VIDIOC_STREAMON, &type))
		return tcs_fail("STREAMON on the new node");
	for (n = 0; n < frames; n++) {
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP,
		};

		if (tcs_dqbuf(fd, &b, 5000)) {
			tcs_fail("no frame %u from the new node", n);
			break;
		}
		if (tcs_check_counter(maps[b.index], &fmt, b.sequence,
				      "new node"))
			break;
		tcs_ioctl(fd, VIDIOC_QBUF, &b);
	}
	tcs_ioctl(fd, VIDIOC_STREAMOFF, &type);
	for (i = 0; i < NBUF; i++)
		if (maps[i] && maps[i] != MAP_FAILED)
			munmap(maps[i], lens[i]);
	close(fd);
	if (n == frames)
		tcs_ok("the new node streams %u right frames while the old handle is open",
		       frames);
}

int main(void)
{
	struct v4l2_requestbuffers req = {
		.count = NBUF, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	struct v4l2_exportbuffer exp = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .index = 1,
		.flags = O_RDONLY | O_CLOEXEC,
	};
	struct v4l2_buffer b = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP, .index = 0,
	};
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE, fd, ret;
	struct v4l2_capability cap;
	struct v4l2_pix_format fmt;
	volatile uint8_t sink;
	uint8_t *map, *dmap;
	unsigned int i;

	fd = tcs_open_channel(0);
	if (fd < 0) {
		tcs_fail("no tegra-csi-sg channel 0");
		return 1;
	}
	if (tcs_set_format(fd, V4L2_PIX_FMT_UYVY, 320, 240, &fmt) ||
	    tcs_set_ctrl(fd, V4L2_CID_TEST_PATTERN, TEGRA_CSI_SG_PATTERN_COUNTER) ||
	    tcs_ioctl(fd, VIDIOC_REQBUFS, &req) ||
	    tcs_ioctl(fd, VIDIOC_QUERYBUF, &b) ||
	    tcs_ioctl(fd, VIDIOC_EXPBUF, &exp)) {
		tcs_fail("setting up the old node");
		return 1;
	}
	map = mmap(NULL, b.length, PROT_READ, MAP_SHARED, fd, b.m.offset);
	dmap = mmap(NULL, b.length, PROT_READ, MAP_SHARED, exp.fd, 0);
	if (map == MAP_FAILED || dmap == MAP_FAILED) {
		tcs_fail("mmap");
		return 1;
	}
	/* Stream a little, so that buffer 0 holds a frame. */
	for (i = 0; i < NBUF; i++) {
		struct v4l2_buffer q = b;

		q.index = i;
		tcs_ioctl(fd, VIDIOC_QBUF, &q);
	}
	tcs_ioctl(fd, VIDIOC_STREAMON, &type);
	for (i = 0; i < 6; i++) {
		struct v4l2_buffer q = { .type = b.type, .memory = b.memory };

		if (tcs_dqbuf(fd, &q, 5000))
			break;
		tcs_ioctl(fd, VIDIOC_QBUF, &q);
	}

	tcs_info("unbinding %s while streaming, a buffer mapped and one exported", DEV);
	ret = sysfs_write(DRV "/unbind", DEV);
	if (ret) {
		tcs_fail("unbind: %s", strerror(-ret));
		return 1;
	}
	ret = tcs_ioctl(fd, VIDIOC_QUERYCAP, &cap);
	if (ret != -ENODEV)
		tcs_fail("QUERYCAP on the old handle after unbind returned %d, expected -ENODEV",
			 ret);
	ret = tcs_ioctl(fd, VIDIOC_QBUF, &b);
	if (ret != -ENODEV)
		tcs_fail("QBUF on the old handle after unbind returned %d, expected -ENODEV",
			 ret);
	/* The memory the process maps stays valid: reading it must not fault. */
	sink = map[0] ^ dmap[fmt.sizeimage - 1];
	tcs_ok("after unbind the old handle gets ENODEV; its mapping and dma-buf stay readable");

	ret = sysfs_write(DRV "/bind", DEV);
	if (ret) {
		tcs_fail("binding again while the old handle is open: %s",
			 strerror(-ret));
		return 1;
	}
	stream_new_node(20);

	(void)sink;
	munmap(map, b.length);
	munmap(dmap, b.length);
	close(exp.fd);
	close(fd);
	printf("# %d failure(s)\n", tcs_failures());
	return tcs_failures() ? 1 : 0;
}
