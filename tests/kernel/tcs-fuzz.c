// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcs-fuzz: a seeded, structure-aware fuzzer of the tegra-csi-sg video
 * node, run in the guest (under the debug kernel, whose checkers turn any
 * memory, locking, DMA-API or dma-buf misuse into a failed run).
 *
 * Each step picks an operation and random but well-formed-looking
 * arguments: every ioctl the node supports (formats of every kind and
 * size, zero, odd and huge sizes, unknown fourccs; REQBUFS/CREATE_BUFS of
 * every memory type with zero, small and absurd counts; QUERYBUF/QBUF/
 * PREPARE_BUF/DQBUF with random indices and planes, USERPTR from malloc,
 * misaligned, read-only, NULL, kernel addresses and past the end of a
 * mapping, DMABUF from vgem dma-bufs of random sizes and from fds that are
 * not dma-bufs; EXPBUF, STREAMON/OFF, S_PARM, controls with random values,
 * the fault controls among them), mmap/munmap of buffers, poll, closing
 * and reopening the node mid-stream, and, rarely, unbinding and binding
 * the device mid-stream. Any result is accepted except a crash of this
 * process: the kernel's reports decide (the runner fails on them). At the
 * end the driver must still stream right frames.
 *
 * Usage: tcs-fuzz [--seed N] [--calls N]. Exit status: 0 pass, 1 failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <libdrm/drm.h>
#include <libdrm/drm_mode.h>
#include <linux/tegra-csi-sg.h>

#include "tcs-test.h"
#include "tcs-vgem.h"

#define MAXFD		3
#define MAXBUF		8
#define MAXMAP		16
#define PAGE		4096ul
#define DRV		"/sys/bus/platform/drivers/tegra-csi-sg-virt"
#define DEV		"tegra-csi-sg-virt"

static uint64_t rng;

static uint64_t next_rand(void)
{
	/* xorshift64*: deterministic for a seed */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static uint32_t pick(uint32_t n)
{
	return n ? next_rand() % n : 0;
}

static int fds[MAXFD] = { -1, -1, -1 };
static int vgem = -1;
static struct {
	void *addr;
	size_t len;
} maps[MAXMAP];
static uint8_t *user_mem;	/* 8 MiB of ordinary memory for USERPTR */
static uint8_t *ro_mem;		/* a read-only mapping */
static unsigned long calls, counts[32];

static const uint32_t fourccs[] = {
	V4L2_PIX_FMT_UYVY, V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_VYUY,
	V4L2_PIX_FMT_YVYU, V4L2_PIX_FMT_NV16, V4L2_PIX_FMT_NV16M,
	V4L2_PIX_FMT_XBGR32, V4L2_PIX_FMT_SRGGB8, V4L2_PIX_FMT_SBGGR10,
	V4L2_PIX_FMT_SGRBG12, V4L2_PIX_FMT_NV12, 0, 0xffffffff,
	v4l2_fourcc('J', 'U', 'N', 'K'),
};

static uint32_t rand_dim(uint32_t max)
{
	switch (pick(8)) {
	case 0: return 0;
	case 1: return pick(64);
	case 2: return 0xffffffff - pick(4);
	case 3: return max + pick(100);
	default: return 16 + pick(max > 640 ? 640 : max);
	}
}

static int any_fd(void)
{
	int fd = fds[pick(MAXFD)];

	return fd >= 0 ? fd : fds[0];
}

static int open_node(void)
{
	char path[64];

	if (!tcs_find_node("tegra-csi-sg ch0", path, sizeof(path)))
		return -1;
	return open(path, O_RDWR | (pick(2) ? O_NONBLOCK : 0) | O_CLOEXEC);
}

static int buf_type(int fd)
{
	struct v4l2_capability cap;

	if (ioctl(fd, VIDIOC_QUERYCAP, &cap) == 0 &&
	    (cap.device_caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE))
		return V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
	return pick(16) ? V4L2_BUF_TYPE_VIDEO_CAPTURE : pick(20);
}

static enum v4l2_memory rand_memory(void)
{
	static const enum v4l2_memory m[] = {
		V4L2_MEMORY_MMAP, V4L2_MEMORY_USERPTR, V4L2_MEMORY_DMABUF,
		V4L2_MEMORY_MMAP, 0, 7,
	};

	return m[pick(sizeof(m) / sizeof(m[0]))];
}

static unsigned long rand_userptr(size_t *len)
{
	switch (pick(10)) {
	case 0: return 0;				/* NULL */
	case 1: return 0xffff888000000000ul;		/* a kernel address */
	case 2: *len = 1ul << 31;			/* past the mapping */
		return (unsigned long)user_mem;
	case 3: return (unsigned long)ro_mem;		/* read-only */
	case 4: return (unsigned long)user_mem + 1 + pick(7);	/* misaligned */
	case 5: return (unsigned long)user_mem + (8 << 20) - PAGE; /* the end */
	default: return (unsigned long)user_mem + PAGE * pick(64) +
			8 * pick(PAGE / 8);
	}
}

static void op_fmt(int fd)
{
	struct v4l2_format f = { .type = buf_type(fd) };
	unsigned long req = pick(3) == 0 ? VIDIOC_TRY_FMT :
			    pick(2) ? VIDIOC_S_FMT : VIDIOC_G_FMT;

	f.fmt.pix.pixelformat = fourccs[pick(sizeof(fourccs) / 4)];
	f.fmt.pix.width = rand_dim(3840);
	f.fmt.pix.height = rand_dim(2160);
	f.fmt.pix.bytesperline = pick(4) ? 0 : next_rand();
	f.fmt.pix.sizeimage = pick(4) ? 0 : next_rand();
	if (f.type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE)
		f.fmt.pix_mp.num_planes = pick(10);
	ioctl(fd, req, &f);
}

static void op_reqbufs(int fd)
{
	struct v4l2_requestbuffers r = {
		.type = buf_type(fd), .memory = rand_memory(),
	};

	r.count = pick(4) == 0 ? 0 : pick(8) == 0 ? (1u << 31) : pick(MAXBUF + 2);
	r.flags = pick(4) ? 0 : V4L2_MEMORY_FLAG_NON_COHERENT;
	ioctl(fd, VIDIOC_REQBUFS, &r);
}

static void op_create_bufs(int fd)
{
	struct v4l2_create_buffers c = { .memory = rand_memory() };

	c.format.type = buf_type(fd);
	ioctl(fd, VIDIOC_G_FMT, &c.format);
	c.count = pick(4);
	if (pick(3) == 0)
		c.format.fmt.pix.sizeimage = pick(2) ? 1 : 0xffffffffu;
	ioctl(fd, VIDIOC_CREATE_BUFS, &c);
}

static void op_buffer(int fd, unsigned long req)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	struct v4l2_buffer b = { .type = buf_type(fd), .memory = rand_memory() };
	int dmabuf = -1;
	size_t len;

	memset(planes, 0, sizeof(planes));
	b.index = pick(8) ? pick(MAXBUF) : next_rand();
	if (b.type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE) {
		b.m.planes = pick(10) ? planes : NULL;
		b.length = pick(5);
	}
	len = PAGE * (1 + pick(2048));
	if (b.memory == V4L2_MEMORY_USERPTR) {
		unsigned long p = rand_userptr(&len);

		if (b.m.planes) {
			planes[0].m.userptr = planes[1].m.userptr = p;
			planes[0].length = planes[1].length = len;
		} else {
			b.m.userptr = p;
			b.length = len;
		}
	} else if (b.memory == V4L2_MEMORY_DMABUF) {
		dmabuf = pick(6) ? tcs_vgem_dmabuf(vgem, len, NULL) : pick(2) ? fd : 1000;
		if (b.m.planes) {
			planes[0].m.fd = planes[1].m.fd = dmabuf;
		} else {
			b.m.fd = dmabuf;
			b.length = pick(3) ? 0 : len;
		}
	}
	ioctl(fd, req, &b);
	if (dmabuf >= 0 && dmabuf != fd)
		close(dmabuf);
}

static void op_mmap(int fd)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	struct v4l2_buffer b = { .type = buf_type(fd), .memory = V4L2_MEMORY_MMAP,
				 .index = pick(MAXBUF) };
	unsigned int slot = pick(MAXMAP);
	unsigned long offset;
	size_t len;
	void *p;

	if (maps[slot].addr) {
		munmap(maps[slot].addr, maps[slot].len);
		maps[slot].addr = NULL;
		return;
	}
	memset(planes, 0, sizeof(planes));
	if (b.type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE) {
		b.m.planes = planes;
		b.length = VIDEO_MAX_PLANES;
	}
	if (ioctl(fd, VIDIOC_QUERYBUF, &b))
		return;
	offset = b.m.planes ? planes[0].m.mem_offset : b.m.offset;
	len = b.m.planes ? planes[0].length : b.length;
	if (pick(6) == 0)
		len += PAGE * (1 + pick(4));		/* longer than the buffer */
	p = mmap(NULL, len, PROT_READ | (pick(4) ? 0 : PROT_WRITE), MAP_SHARED,
		 fd, offset);
	if (p != MAP_FAILED) {
		maps[slot].addr = p;
		maps[slot].len = len;
		(void)*(volatile uint8_t *)p;
	}
}

static void op_expbuf(int fd)
{
	struct v4l2_exportbuffer e = { .type = buf_type(fd), .index = pick(MAXBUF),
				       .plane = pick(3), .flags = O_CLOEXEC };

	if (ioctl(fd, VIDIOC_EXPBUF, &e) == 0) {
		void *p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, e.fd, 0);

		if (p != MAP_FAILED) {
			(void)*(volatile uint8_t *)p;
			munmap(p, PAGE);
		}
		close(e.fd);
	}
}

static void op_stream(int fd)
{
	int type = buf_type(fd);

	ioctl(fd, pick(2) ? VIDIOC_STREAMON : VIDIOC_STREAMOFF, &type);
}

static void op_dqbuf(int fd)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct v4l2_buffer b = { .type = buf_type(fd), .memory = rand_memory() };

	memset(planes, 0, sizeof(planes));
	if (b.type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE) {
		b.m.planes = planes;
		b.length = VIDEO_MAX_PLANES;
	}
	if (poll(&p, 1, pick(3) * 20) > 0 && !(p.revents & POLLERR))
		ioctl(fd, VIDIOC_DQBUF, &b);
}

static void op_ctrl(int fd)
{
	static const uint32_t ids[] = {
		V4L2_CID_TEST_PATTERN, V4L2_CID_EXPOSURE, V4L2_CID_ANALOGUE_GAIN,
		TEGRA_CSI_SG_CID_DROP_FRAMES, TEGRA_CSI_SG_CID_ERROR_FRAMES,
		TEGRA_CSI_SG_CID_STALL, TEGRA_CSI_SG_CID_DMA_ALIGN,
		TEGRA_CSI_SG_CID_FAIL_PROGRAM, TEGRA_CSI_SG_CID_RESET,
		TEGRA_CSI_SG_CID_DISCONNECT, 0, 0x12345678,
	};
	struct v4l2_control c = { .id = ids[pick(sizeof(ids) / 4)] };

	c.value = pick(3) ? (int32_t)pick(8) : (int32_t)next_rand();
	/* a stalled or disconnected sensor would end the fun early */
	if (c.id == TEGRA_CSI_SG_CID_STALL)
		c.value = 0;
	if (c.id == TEGRA_CSI_SG_CID_DISCONNECT && pick(20))
		return;
	ioctl(fd, pick(2) ? VIDIOC_S_CTRL : VIDIOC_G_CTRL, &c);
}

static void op_parm(int fd)
{
	struct v4l2_streamparm p = { .type = buf_type(fd) };

	p.parm.capture.timeperframe.numerator = pick(3);
	p.parm.capture.timeperframe.denominator = pick(3) ? pick(200) : next_rand();
	ioctl(fd, pick(2) ? VIDIOC_S_PARM : VIDIOC_G_PARM, &p);
}

static void op_enum(int fd)
{
	struct v4l2_fmtdesc d = { .type = buf_type(fd), .index = pick(30) };
	struct v4l2_frmsizeenum s = { .index = pick(3) };
	struct v4l2_frmivalenum i = { .index = pick(6) };

	ioctl(fd, VIDIOC_ENUM_FMT, &d);
	s.pixel_format = fourccs[pick(sizeof(fourccs) / 4)];
	ioctl(fd, VIDIOC_ENUM_FRAMESIZES, &s);
	i.pixel_format = s.pixel_format;
	i.width = rand_dim(3840);
	i.height = rand_dim(2160);
	ioctl(fd, VIDIOC_ENUM_FRAMEINTERVALS, &i);
}

static void op_reopen(void)
{
	unsigned int k = pick(MAXFD);

	if (fds[k] >= 0) {
		close(fds[k]);
		fds[k] = -1;
	}
	fds[k] = open_node();
	if (fds[0] < 0)
		fds[0] = open_node();
}

static void op_rebind(void)
{
	int fd = open(DRV "/unbind", O_WRONLY), i;

	if (fd >= 0) {
		if (write(fd, DEV, strlen(DEV)) < 0)
			tcs_info("unbind: %s", strerror(errno));
		close(fd);
	}
	/* old handles now get ENODEV: use them a little, then bind again */
	for (i = 0; i < MAXFD; i++)
		if (fds[i] >= 0)
			op_fmt(fds[i]);
	fd = open(DRV "/bind", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, DEV, strlen(DEV)) < 0)
			tcs_info("bind: %s", strerror(errno));
		close(fd);
	}
	for (i = 0; i < 50 && !tcs_find_node("tegra-csi-sg ch0", (char[64]){ 0 }, 64); i++)
		usleep(100000);
	op_reopen();
}

static void step(void)
{
	unsigned int op = pick(100);
	int fd;

	if (fds[0] < 0)
		op_reopen();
	fd = any_fd();
	if (fd < 0)
		return;
	counts[op % 32]++;
	if (op < 10) op_fmt(fd);
	else if (op < 18) op_reqbufs(fd);
	else if (op < 22) op_create_bufs(fd);
	else if (op < 28) op_buffer(fd, VIDIOC_QUERYBUF);
	else if (op < 44) op_buffer(fd, VIDIOC_QBUF);
	else if (op < 48) op_buffer(fd, VIDIOC_PREPARE_BUF);
	else if (op < 60) op_dqbuf(fd);
	else if (op < 66) op_mmap(fd);
	else if (op < 69) op_expbuf(fd);
	else if (op < 78) op_stream(fd);
	else if (op < 86) op_ctrl(fd);
	else if (op < 90) op_parm(fd);
	else if (op < 96) op_enum(fd);
	else if (op < 99 || pick(400)) op_reopen();
	else op_rebind();
	calls++;
}

/* After the storm: a fresh handle streams right frames. */
static void check_still_works(void)
{
	int i;

	for (i = 0; i < MAXFD; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	for (i = 0; i < MAXMAP; i++)
		if (maps[i].addr)
			munmap(maps[i].addr, maps[i].len);
	if (system("v4l2-ctl -d \"$(for n in /sys/class/video4linux/video*; do "
		   "[ \"$(cat $n/name)\" = 'tegra-csi-sg ch0' ] && echo /dev/${n##*/}; done)\" "
		   "-c test_pattern=0,stall_sensor=0 -v width=320,height=240,pixelformat=UYVY "
		   "--stream-mmap --stream-count=10 >/dev/null 2>&1"))
		tcs_fail("the node does not stream after the fuzzing");
	else
		tcs_ok("the node streams after the fuzzing");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "calls", required_argument, NULL, 'c' },
		{ }
	};
	unsigned long target = 100000, seed = 1;
	time_t start = time(NULL);
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 's')
			seed = strtoul(optarg, NULL, 0);
		else if (opt == 'c')
			target = strtoul(optarg, NULL, 0);
		else
			return 2;
	}
	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	user_mem = mmap(NULL, 8 << 20, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ro_mem = mmap(NULL, 8 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	if (user_mem == MAP_FAILED || ro_mem == MAP_FAILED) {
		tcs_fail("mmap");
		return 1;
	}
	vgem = tcs_vgem_open();
	if (vgem < 0)
		tcs_info("no vgem: DMABUF operations use fds that are not dma-bufs");
	fds[0] = open_node();
	if (fds[0] < 0) {
		tcs_fail("no tegra-csi-sg channel 0");
		return 1;
	}
	tcs_info("seed %lu, %lu calls", seed, target);
	while (calls < target) {
		step();
		if (!(calls % 10000))
			tcs_info("%lu calls, %ld s", calls, (long)(time(NULL) - start));
	}
	tcs_ok("%lu calls with seed %lu in %ld s", calls, seed,
	       (long)(time(NULL) - start));
	check_still_works();
	return tcs_failures() ? 1 : 0;
}
