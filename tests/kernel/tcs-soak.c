// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcs-soak: stream many small frames in each io mode and check that
 * nothing grows (driver loaded with virtual_max_fps=1000 for speed).
 *
 * For MMAP, USERPTR (malloc) and DMABUF (vgem) in turn: N frames of 64x32
 * UYVY through 4 buffers, every frame's first line checked against the
 * counter pattern. Between the end of the first 10,000 frames and the end
 * of the run these must not grow: the process's open fds and the driver's
 * pinned USERPTR pages (not at all), its RSS (by at most 256 KiB: malloc's
 * arenas) and the kernel's unreclaimable slab (by at most 1 MiB: other
 * activity of the guest). A leak of one object per frame grows by
 * megabytes over 90,000 frames.
 *
 * Usage: tcs-soak [--frames N]. Exit status: 0 pass, 1 failure.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

#define NBUF		4
#define WARMUP		10000
#define RSS_SLACK_KB	256
#define SLAB_SLACK_KB	1024

struct sample {
	long fds, rss_kb, slab_kb, pinned;
};

static long status_kb(const char *file, const char *key)
{
	FILE *f = fopen(file, "r");
	char line[256];
	long v = -1;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = strtol(line + strlen(key), NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static long count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	long n = 0;

	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

static void take(struct sample *s)
{
	s->fds = count_fds();
	s->rss_kb = status_kb("/proc/self/status", "VmRSS:");
	s->slab_kb = status_kb("/proc/meminfo", "SUnreclaim:");
	s->pinned = tcs_stat(0, "userptr_pages");
}

static int vgem = -1;

static void soak(int fd, enum v4l2_memory memory, unsigned long frames)
{
	const char *name = memory == V4L2_MEMORY_MMAP ? "MMAP" :
			   memory == V4L2_MEMORY_USERPTR ? "USERPTR" : "DMABUF";
	struct v4l2_requestbuffers req = { .count = NBUF,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = memory };
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE, dfd[NBUF];
	struct v4l2_pix_format fmt, line;
	uint8_t *data[NBUF];
	size_t len[NBUF];
	struct sample first = { 0 }, last;
	unsigned long n, bad = 0;
	time_t t0 = time(NULL);
	unsigned int i;

	if (tcs_set_format(fd, V4L2_PIX_FMT_UYVY, 64, 32, &fmt) ||
	    tcs_ioctl(fd, VIDIOC_REQBUFS, &req) || req.count != NBUF)
		return tcs_fail("%s: setup", name);
	line = fmt;
	line.sizeimage = fmt.bytesperline;	/* check the first line */
	for (i = 0; i < NBUF; i++) {
		struct v4l2_buffer b = { .type = type, .memory = memory, .index = i };

		dfd[i] = -1;
		len[i] = (fmt.sizeimage + 4095) & ~4095ul;
		if (memory == V4L2_MEMORY_MMAP) {
			tcs_ioctl(fd, VIDIOC_QUERYBUF, &b);
			data[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, fd,
				       b.m.offset);
		} else if (memory == V4L2_MEMORY_USERPTR) {
			void *p = NULL;

			if (posix_memalign(&p, 4096, len[i]))
				return tcs_fail("posix_memalign");
			data[i] = p;
			b.m.userptr = (unsigned long)p;
			b.length = len[i];
		} else {
			dfd[i] = tcs_vgem_dmabuf(vgem, len[i], NULL);
			if (dfd[i] < 0)
				return tcs_fail("no vgem (tests/vm/run --with vgem)");
			data[i] = mmap(NULL, len[i], PROT_READ, MAP_SHARED,
				       dfd[i], 0);
			b.m.fd = dfd[i];
		}
		if (data[i] == MAP_FAILED || tcs_ioctl(fd, VIDIOC_QBUF, &b))
			return tcs_fail("%s: buffer %u", name, i);
	}
	if (tcs_ioctl(fd, VIDIOC_STREAMON, &type))
		return tcs_fail("%s: STREAMON", name);
	for (n = 0; n < frames; n++) {
		struct v4l2_buffer b = { .type = type, .memory = memory };

		if (n == WARMUP)
			take(&first);
		if (tcs_dqbuf(fd, &b, 5000)) {
			tcs_fail("%s: no frame after %lu", name, n);
			break;
		}
		if (!(b.flags & V4L2_BUF_FLAG_ERROR) &&
		    tcs_check_counter(data[b.index], &line, b.sequence, name))
			bad++;
		if (memory == V4L2_MEMORY_USERPTR) {
			b.m.userptr = (unsigned long)data[b.index];
			b.length = len[b.index];
		} else if (memory == V4L2_MEMORY_DMABUF) {
			b.m.fd = dfd[b.index];
		}
		if (tcs_ioctl(fd, VIDIOC_QBUF, &b)) {
			tcs_fail("%s: QBUF after %lu frames", name, n);
			break;
		}
		if (bad > 3)
			break;
	}
	take(&last);
	tcs_ioctl(fd, VIDIOC_STREAMOFF, &type);
	tcs_info("%s: %lu frames in %ld s; from frame %d to the end: fds %ld -> %ld, RSS %ld -> %ld KiB, slab %ld -> %ld KiB, pinned pages %ld -> %ld",
		 name, n, (long)(time(NULL) - t0), WARMUP, first.fds, last.fds,
		 first.rss_kb, last.rss_kb, first.slab_kb, last.slab_kb,
		 first.pinned, last.pinned);
	if (n < frames || bad)
		tcs_fail("%s: %lu of %lu frames, %lu wrong", name, n, frames, bad);
	if (last.fds != first.fds)
		tcs_fail("%s: open fds grew from %ld to %ld", name, first.fds, last.fds);
	if (last.pinned != first.pinned)
		tcs_fail("%s: pinned pages went from %ld to %ld", name, first.pinned,
			 last.pinned);
	if (last.rss_kb - first.rss_kb > RSS_SLACK_KB)
		tcs_fail("%s: RSS grew by %ld KiB", name, last.rss_kb - first.rss_kb);
	if (last.slab_kb - first.slab_kb > SLAB_SLACK_KB)
		tcs_fail("%s: unreclaimable slab grew by %ld KiB", name,
			 last.slab_kb - first.slab_kb);
	for (i = 0; i < NBUF; i++) {
		if (memory == V4L2_MEMORY_USERPTR)
			free(data[i]);
		else
			munmap(data[i], len[i]);
		if (dfd[i] >= 0)
			close(dfd[i]);
	}
	req.count = 0;
	tcs_ioctl(fd, VIDIOC_REQBUFS, &req);
}

int main(int argc, char **argv)
{
	struct v4l2_streamparm parm = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	unsigned long frames = argc > 2 ? strtoul(argv[2], NULL, 0) : 100000;
	int fd;

	fd = tcs_open_channel(0);
	if (fd < 0) {
		tcs_fail("no tegra-csi-sg channel 0");
		return 1;
	}
	vgem = tcs_vgem_open();
	tcs_set_ctrl(fd, V4L2_CID_TEST_PATTERN, TEGRA_CSI_SG_PATTERN_COUNTER);
	parm.parm.capture.timeperframe = (struct v4l2_fract){ 1, 1000 };
	if (tcs_ioctl(fd, VIDIOC_S_PARM, &parm) ||
	    parm.parm.capture.timeperframe.denominator != 1000)
		tcs_info("the sensor runs at %u/%u s a frame (virtual_max_fps=1000 is faster)",
			 parm.parm.capture.timeperframe.numerator,
			 parm.parm.capture.timeperframe.denominator);
	soak(fd, V4L2_MEMORY_MMAP, frames);
	soak(fd, V4L2_MEMORY_USERPTR, frames);
	soak(fd, V4L2_MEMORY_DMABUF, frames);
	close(fd);
	return tcs_failures() ? 1 : 0;
}
