// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcs-controls: the sensor controls of tegra-csi-sg.
 *
 * - V4L2_CID_TEST_PATTERN is a menu: 0 the counter pattern, 1 "75% Colorbar",
 *   then the other v4l2-tpg patterns;
 * - V4L2_CID_EXPOSURE and V4L2_CID_ANALOGUE_GAIN change the brightness of the
 *   tpg patterns: the mean luma of a colorbar UYVY frame grows with each;
 * - the counter pattern does not change with them;
 * - TEGRA_CSI_SG_CID_DMA_ALIGN ("DMA Start Alignment") is a read-only
 *   integer that reads 8 (the virtual backend) and cannot be set; a USERPTR
 *   buffer starting half that far from an aligned address is refused by
 *   QBUF with EINVAL, one starting at the alignment is accepted.
 * Exit status: 0 pass, 1 failure (no device included).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/tegra-csi-sg.h>

#include "tcs-test.h"

#define NBUF	2

static int fd;
static struct v4l2_pix_format fmt;

/* Capture one frame (the second, so the controls surely apply) into @out. */
static int capture(uint8_t *out, uint32_t *seq)
{
	struct v4l2_requestbuffers req = {
		.count = NBUF, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	uint8_t *maps[NBUF] = { NULL };
	struct v4l2_buffer b;
	unsigned int i, n;
	int ret;

	ret = tcs_ioctl(fd, VIDIOC_REQBUFS, &req);
	for (i = 0; !ret && i < NBUF; i++) {
		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		b.index = i;
		ret = tcs_ioctl(fd, VIDIOC_QUERYBUF, &b);
		if (ret)
			break;
		maps[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, fd,
			       b.m.offset);
		if (maps[i] == MAP_FAILED) {
			maps[i] = NULL;
			ret = -errno;
			break;
		}
		ret = tcs_ioctl(fd, VIDIOC_QBUF, &b);
	}
	if (!ret)
		ret = tcs_ioctl(fd, VIDIOC_STREAMON, &type);
	for (n = 0; !ret && n < 2; n++) {
		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		ret = tcs_dqbuf(fd, &b, 5000);
		if (ret)
			break;
		memcpy(out, maps[b.index], fmt.sizeimage);
		*seq = b.sequence;
		ret = tcs_ioctl(fd, VIDIOC_QBUF, &b);
	}
	tcs_ioctl(fd, VIDIOC_STREAMOFF, &type);
	for (i = 0; i < NBUF; i++)
		if (maps[i])
			munmap(maps[i], fmt.sizeimage);
	req.count = 0;
	tcs_ioctl(fd, VIDIOC_REQBUFS, &req);
	return ret;
}

/* Mean luma of a UYVY frame (the odd bytes). */
static double mean_luma(const uint8_t *p)
{
	uint64_t sum = 0, n = 0;
	uint32_t line, x;

	for (line = 0; line < fmt.height; line++)
		for (x = 1; x < fmt.width * 2; x += 2, n++)
			sum += p[line * fmt.bytesperline + x];
	return (double)sum / n;
}

static double luma_at(uint8_t *frame, int32_t exposure, int32_t gain)
{
	uint32_t seq;

	if (tcs_set_ctrl(fd, V4L2_CID_EXPOSURE, exposure) ||
	    tcs_set_ctrl(fd, V4L2_CID_ANALOGUE_GAIN, gain) ||
	    capture(frame, &seq)) {
		tcs_fail("capture at exposure %d gain %d", exposure, gain);
		return -1;
	}
	return mean_luma(frame);
}

static void check_menu(void)
{
	static const char *const expect[] = {
		"Line/Sequence Counter", "75% Colorbar",
	};
	struct v4l2_queryctrl q = { .id = V4L2_CID_TEST_PATTERN };
	unsigned int i;

	if (tcs_ioctl(fd, VIDIOC_QUERYCTRL, &q) || q.type != V4L2_CTRL_TYPE_MENU)
		return tcs_fail("no test pattern menu");
	if (q.default_value != TEGRA_CSI_SG_PATTERN_COUNTER || q.maximum < 2)
		tcs_fail("test pattern menu: default %d, maximum %d",
			 q.default_value, q.maximum);
	for (i = 0; i < 2; i++) {
		struct v4l2_querymenu m = {
			.id = V4L2_CID_TEST_PATTERN, .index = i,
		};

		if (tcs_ioctl(fd, VIDIOC_QUERYMENU, &m) ||
		    strcmp((char *)m.name, expect[i]))
			tcs_fail("menu item %u is '%s', expected '%s'", i,
				 (char *)m.name, expect[i]);
	}
	if (!tcs_failures())
		tcs_ok("test pattern menu: %d entries, 0 counter, 1 colorbar",
		       q.maximum + 1);
}

/* QBUF of a USERPTR buffer @offset bytes into page-aligned memory. */
static int qbuf_userptr_at(size_t offset)
{
	struct v4l2_requestbuffers req = {
		.count = 1, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_USERPTR,
	};
	struct v4l2_buffer b = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_USERPTR,
	};
	void *mem;
	int ret;

	if (posix_memalign(&mem, 4096, fmt.sizeimage + 4096))
		return -ENOMEM;
	ret = tcs_ioctl(fd, VIDIOC_REQBUFS, &req);
	if (!ret) {
		b.m.userptr = (unsigned long)mem + offset;
		b.length = fmt.sizeimage;
		ret = tcs_ioctl(fd, VIDIOC_QBUF, &b);
	}
	req.count = 0;
	tcs_ioctl(fd, VIDIOC_REQBUFS, &req);
	free(mem);
	return ret;
}

static void check_dma_align(void)
{
	struct v4l2_queryctrl q = { .id = TEGRA_CSI_SG_CID_DMA_ALIGN };
	struct v4l2_ext_control c = { .id = TEGRA_CSI_SG_CID_DMA_ALIGN };
	struct v4l2_ext_controls cs = {
		.which = V4L2_CTRL_WHICH_CUR_VAL, .count = 1, .controls = &c,
	};
	int failures = tcs_failures();
	int32_t align = 0;
	int ret;

	if (tcs_ioctl(fd, VIDIOC_QUERYCTRL, &q))
		return tcs_fail("no DMA alignment control");
	if (q.type != V4L2_CTRL_TYPE_INTEGER ||
	    strcmp((char *)q.name, "DMA Start Alignment") ||
	    q.minimum != 1 || q.maximum != 4096 ||
	    !(q.flags & V4L2_CTRL_FLAG_READ_ONLY))
		tcs_fail("DMA alignment control: type %u, name '%s', range %d..%d, flags %#x",
			 q.type, (char *)q.name, q.minimum, q.maximum,
			 q.flags);
	if (tcs_get_ctrl(fd, TEGRA_CSI_SG_CID_DMA_ALIGN, &align) ||
	    align != 8)
		return tcs_fail("DMA alignment reads %d, expected 8", align);
	if (tcs_ioctl(fd, VIDIOC_G_EXT_CTRLS, &cs) || c.value != align)
		tcs_fail("G_EXT_CTRLS reads %d, G_CTRL %d", c.value, align);

	/* V4L2: setting a read-only control fails with EACCES. */
	ret = tcs_set_ctrl(fd, TEGRA_CSI_SG_CID_DMA_ALIGN, 16);
	if (ret != -EACCES)
		tcs_fail("S_CTRL of the DMA alignment: %d, expected -EACCES",
			 ret);
	c.value = 16;
	cs.which = 0;
	ret = tcs_ioctl(fd, VIDIOC_S_EXT_CTRLS, &cs);
	if (ret != -EACCES)
		tcs_fail("S_EXT_CTRLS of the DMA alignment: %d, expected -EACCES",
			 ret);
	if (tcs_get_ctrl(fd, TEGRA_CSI_SG_CID_DMA_ALIGN, &align) ||
	    align != 8)
		tcs_fail("DMA alignment reads %d after setting it", align);

	ret = qbuf_userptr_at(align / 2);
	if (ret != -EINVAL)
		tcs_fail("USERPTR at offset %d: QBUF returned %d, expected -EINVAL",
			 align / 2, ret);
	ret = qbuf_userptr_at(align);
	if (ret)
		tcs_fail("USERPTR at offset %d: QBUF returned %d", align, ret);
	if (tcs_failures() == failures)
		tcs_ok("DMA start alignment %d, read-only; USERPTR at offset %d refused, at %d accepted",
		       align, align / 2, align);
}

int main(void)
{
	double dark, mid, bright, gained;
	uint8_t *frame;
	uint32_t seq;

	fd = tcs_open_channel(0);
	if (fd < 0) {
		tcs_fail("no tegra-csi-sg device");
		return 1;
	}
	if (tcs_set_format(fd, V4L2_PIX_FMT_UYVY, 320, 240, &fmt))
		return 1;
	frame = malloc(fmt.sizeimage);
	if (!frame)
		return 1;

	check_menu();
	check_dma_align();

	/* Menu index 1 is tpg's "75% Colorbar". */
	if (tcs_set_ctrl(fd, V4L2_CID_TEST_PATTERN, 1))
		tcs_fail("cannot select a tpg pattern");
	dark = luma_at(frame, 100, 16);
	mid = luma_at(frame, 500, 16);
	bright = luma_at(frame, 1000, 16);
	gained = luma_at(frame, 100, 64);
	tcs_info("mean luma: exposure 100: %.1f, 500: %.1f, 1000: %.1f; exposure 100 gain 4x: %.1f",
		 dark, mid, bright, gained);
	if (!(dark < mid && mid < bright))
		tcs_fail("brightness does not grow with exposure");
	if (!(gained > dark))
		tcs_fail("brightness does not grow with gain");

	/* The counter pattern ignores exposure and gain. */
	if (tcs_set_ctrl(fd, V4L2_CID_TEST_PATTERN,
			 TEGRA_CSI_SG_PATTERN_COUNTER) ||
	    tcs_set_ctrl(fd, V4L2_CID_EXPOSURE, 1000) ||
	    tcs_set_ctrl(fd, V4L2_CID_ANALOGUE_GAIN, 128) ||
	    capture(frame, &seq))
		tcs_fail("counter capture");
	else if (tcs_check_counter(frame, &fmt, seq, "counter pattern"))
		tcs_fail("counter pattern changed with exposure and gain");

	if (!tcs_failures())
		tcs_ok("exposure and gain change the tpg brightness, not the counter pattern");
	free(frame);
	return tcs_failures() ? 1 : 0;
}
