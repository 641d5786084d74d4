// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * raw-loop: the floor of tests/bench. The least a V4L2 application does per
 * frame: VIDIOC_DQBUF, VIDIOC_QBUF, MMAP buffers, no pixel access (or, with
 * --read, one read of every byte, the work of a consumer that reads every
 * frame). CPU time of the process (getrusage) between two frame counts, so
 * that start-up cancels.
 *
 * Usage: raw-loop DEVICE WIDTH HEIGHT FOURCC WARMUP FRAMES [--read]
 * Prints one JSON object: frames, user_us, sys_us (over FRAMES frames after
 * WARMUP), dropped (sequence gaps), rss_kb, latency_us (median and p99 of
 * CLOCK_MONOTONIC at DQBUF minus the buffer's timestamp). Exit 1 on error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <linux/videodev2.h>

#define NBUF 4

static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, req, arg);
	while (ret < 0 && errno == EINTR);
	return ret;
}

static int64_t tv_us(struct timeval tv)
{
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static long rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_requestbuffers req = { 0 };
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	void *maps[NBUF];
	size_t lens[NBUF];
	struct rusage r0, r1;
	int64_t *lat;
	unsigned int warmup, frames, i, n = 0, nlat = 0;
	uint32_t last_seq = 0, dropped = 0;
	volatile uint64_t sink = 0;
	int fd, do_read;

	if (argc < 7) {
		fprintf(stderr, "usage: %s DEVICE WIDTH HEIGHT FOURCC WARMUP FRAMES [--read]\n",
			argv[0]);
		return 2;
	}
	warmup = strtoul(argv[5], NULL, 0);
	frames = strtoul(argv[6], NULL, 0);
	do_read = argc > 7 && !strcmp(argv[7], "--read");
	lat = calloc(frames, sizeof(*lat));
	fd = open(argv[1], O_RDWR | O_NONBLOCK);
	if (fd < 0 || !lat) {
		fprintf(stderr, "raw-loop: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	fmt.fmt.pix.width = strtoul(argv[2], NULL, 0);
	fmt.fmt.pix.height = strtoul(argv[3], NULL, 0);
	fmt.fmt.pix.pixelformat = v4l2_fourcc(argv[4][0], argv[4][1], argv[4][2], argv[4][3]);
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	req.count = NBUF;
	req.type = type;
	req.memory = V4L2_MEMORY_MMAP;
	if (xioctl(fd, VIDIOC_S_FMT, &fmt) || xioctl(fd, VIDIOC_REQBUFS, &req) || req.count != NBUF) {
		fprintf(stderr, "raw-loop: S_FMT/REQBUFS: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < NBUF; i++) {
		struct v4l2_buffer b = { .type = type, .memory = V4L2_MEMORY_MMAP, .index = i };

		if (xioctl(fd, VIDIOC_QUERYBUF, &b))
			return 1;
		lens[i] = b.length;
		maps[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, fd, b.m.offset);
		if (maps[i] == MAP_FAILED || xioctl(fd, VIDIOC_QBUF, &b))
			return 1;
	}
	if (xioctl(fd, VIDIOC_STREAMON, &type))
		return 1;

	while (n < warmup + frames) {
		struct v4l2_buffer b = { .type = type, .memory = V4L2_MEMORY_MMAP };
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct timespec now;

		if (poll(&p, 1, 5000) <= 0) {
			fprintf(stderr, "raw-loop: no frame in 5 s\n");
			return 1;
		}
		if (xioctl(fd, VIDIOC_DQBUF, &b)) {
			if (errno == EAGAIN)
				continue;
			fprintf(stderr, "raw-loop: DQBUF: %s\n", strerror(errno));
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (n == warmup)
			getrusage(RUSAGE_SELF, &r0);
		if (n >= warmup) {
			lat[nlat++] = ((int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000) -
				      tv_us(b.timestamp);
			if (n > warmup)
				dropped += b.sequence - last_seq - 1;
		}
		last_seq = b.sequence;
		if (do_read) {
			const uint64_t *w = maps[b.index];
			uint64_t acc = 0;

			for (size_t k = 0; k < b.bytesused / 8 && k < lens[b.index] / 8; k++)
				acc += w[k];
			sink += acc;
		}
		if (xioctl(fd, VIDIOC_QBUF, &b))
			return 1;
		n++;
	}
	getrusage(RUSAGE_SELF, &r1);
	xioctl(fd, VIDIOC_STREAMOFF, &type);
	qsort(lat, nlat, sizeof(*lat), cmp_i64);
	printf("{\"frames\": %u, \"user_us\": %lld, \"sys_us\": %lld, \"dropped\": %u, "
	       "\"rss_kb\": %ld, \"latency_median_us\": %lld, \"latency_p99_us\": %lld}\n",
	       frames, (long long)(tv_us(r1.ru_utime) - tv_us(r0.ru_utime)),
	       (long long)(tv_us(r1.ru_stime) - tv_us(r0.ru_stime)), dropped, rss_kb(),
	       (long long)lat[nlat / 2], (long long)lat[(nlat * 99) / 100]);
	for (i = 0; i < NBUF; i++)
		munmap(maps[i], lens[i]);
	close(fd);
	free(lat);
	return 0;
}
