// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcs-limits: the DMA limits of tegra-csi-sg, one case per run, in the
 * guest. Each case proves a fix of the kernel-core issue (docs/driver.md,
 * "Which test proves what"):
 *
 *   dma32          (guest with memory above 4 GiB, --mem 6144) MMAP buffers
 *                  of the 32-bit engine lie below 4 GiB (/proc/self/pagemap),
 *                  so no frame bounces; frames are right.
 *   userptr-bound  a USERPTR plane declared 1 GiB long over a 1 MiB mapping
 *                  pins only the pages the format needs (userptr_pages) and
 *                  streams; all of them are unpinned at REQBUFS(0).
 *   iova-budget    (virtual_dma=iommu virtual_iova_mb=384 virtual_channels=2:
 *                  64 MiB per channel) channel 0 exhausting its IOVA budget
 *                  gets fewer buffers than asked, channel 1 still gets all of
 *                  its own, and both stream.
 *   bounce         (virtual_dma=iommu, swiotlb=force) every plane the DMA API
 *                  bounces is refused (MMAP, USERPTR, DMABUF): the engine
 *                  would write the real pages while the cache sync copied a
 *                  stale bounce slot over them. Nothing is mapped.
 *   master-mask B  (virtual_dma=iommu virtual_iova_bits=B) the DMA master's
 *                  mask is B bits (PCI sysfs dma_mask_bits).
 *
 * Usage: tcs-limits CASE [ARG]. Exit status: 0 pass, 1 failure.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

#define PAGE		4096ull
#define GIB		(1ull << 30)

static int reqbufs(int fd, enum v4l2_memory memory, unsigned int count)
{
	struct v4l2_requestbuffers req = {
		.count = count, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = memory,
	};
	int ret = tcs_ioctl(fd, VIDIOC_REQBUFS, &req);

	return ret ? ret : (int)req.count;
}

static int streamon(int fd, bool on)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	return tcs_ioctl(fd, on ? VIDIOC_STREAMON : VIDIOC_STREAMOFF, &type);
}

/* Physical address of the page at @p (root: /proc/self/pagemap has PFNs). */
static unsigned long long phys_of(const void *p)
{
	unsigned long long entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &entry, 8, ((unsigned long)p / PAGE) * 8) != 8)
		entry = 0;
	close(fd);
	if (!(entry & (1ull << 63)))
		return 0;
	return (entry & ((1ull << 55) - 1)) * PAGE;
}

static bool memory_above_4g(void)
{
	FILE *f = fopen("/proc/iomem", "r");
	char line[256];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f)) {
		unsigned long long start, end;

		if (strstr(line, "System RAM") &&
		    sscanf(line, " %llx-%llx", &start, &end) == 2 && end >= 4 * GIB)
			found = true;
	}
	if (f)
		fclose(f);
	return found;
}

/* Stream MMAP buffers @maps (@n of them) for @frames frames; 0 or -1. */
static int stream_check(int fd, uint8_t **maps, unsigned int n,
			const struct v4l2_pix_format *fmt, unsigned int frames,
			const char *what)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP, .index = i,
		};

		if (tcs_ioctl(fd, VIDIOC_QBUF, &b)) {
			tcs_fail("%s: QBUF %u", what, i);
			return -1;
		}
	}
	if (streamon(fd, true)) {
		tcs_fail("%s: STREAMON", what);
		return -1;
	}
	for (i = 0; i < frames; i++) {
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP,
		};

		if (tcs_dqbuf(fd, &b, 5000)) {
			tcs_fail("%s: no frame %u", what, i);
			break;
		}
		if (tcs_check_counter(maps[b.index], fmt, b.sequence, what))
			break;
		tcs_ioctl(fd, VIDIOC_QBUF, &b);
	}
	streamon(fd, false);
	return i == frames ? 0 : -1;
}

/* REQBUFS @n MMAP buffers and map them; returns how many. */
static unsigned int map_buffers(int fd, unsigned int n, uint8_t **maps,
				size_t *len)
{
	int count = reqbufs(fd, V4L2_MEMORY_MMAP, n);
	int i;

	for (i = 0; i < count; i++) {
		struct v4l2_buffer b = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP, .index = i,
		};

		if (tcs_ioctl(fd, VIDIOC_QUERYBUF, &b))
			return i;
		len[i] = b.length;
		maps[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, fd,
			       b.m.offset);
		if (maps[i] == MAP_FAILED)
			return i;
	}
	return count < 0 ? 0 : count;
}

static void unmap_buffers(int fd, unsigned int n, uint8_t **maps, size_t *len)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		munmap(maps[i], len[i]);
	reqbufs(fd, V4L2_MEMORY_MMAP, 0);
}

static void case_dma32(void)
{
	uint8_t *maps[8];
	size_t len[8];
	struct v4l2_pix_format fmt;
	unsigned int n, i, above = 0, pages = 0;
	int fd = tcs_open_channel(0);

	if (fd < 0)
		return tcs_fail("no tegra-csi-sg channel 0");
	if (!memory_above_4g())
		return tcs_fail("the guest has no memory above 4 GiB (tests/vm/run --mem 6144)");
	if (tcs_set_format(fd, V4L2_PIX_FMT_UYVY, 1920, 1080, &fmt))
		return tcs_fail("S_FMT");
	tcs_set_ctrl(fd, V4L2_CID_TEST_PATTERN, TEGRA_CSI_SG_PATTERN_COUNTER);
	n = map_buffers(fd, 8, maps, len);
	if (n != 8)
		return tcs_fail("%u of 8 MMAP buffers", n);
	for (i = 0; i < n; i++) {
		size_t off;

		for (off = 0; off < len[i]; off += PAGE, pages++)
			if (phys_of(maps[i] + off) >= 4 * GIB)
				above++;
	}
	if (above)
		tcs_fail("%u of %u pages of MMAP buffers lie above 4 GiB, beyond the engine's 32 bits",
			 above, pages);
	else
		tcs_ok("dma32: all %u pages of 8 MMAP buffers below 4 GiB", pages);
	if (!stream_check(fd, maps, n, &fmt, 10, "dma32"))
		tcs_ok("dma32: 10 frames right");
	unmap_buffers(fd, n, maps, len);
	close(fd);
}

static void case_userptr_bound(void)
{
	const size_t map_len = 1 << 20;
	struct v4l2_pix_format fmt;
	struct v4l2_buffer b = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_USERPTR, .index = 0,
	};
	long long pages;
	uint8_t *mem;
	int fd = tcs_open_channel(0), ret;

	if (fd < 0)
		return tcs_fail("no tegra-csi-sg channel 0");
	if (tcs_set_format(fd, V4L2_PIX_FMT_UYVY, 640, 480, &fmt))
		return tcs_fail("S_FMT");
	tcs_set_ctrl(fd, V4L2_CID_TEST_PATTERN, TEGRA_CSI_SG_PATTERN_COUNTER);
	mem = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return tcs_fail("mmap");
	if (reqbufs(fd, V4L2_MEMORY_USERPTR, 1) != 1)
		return tcs_fail("REQBUFS USERPTR");
	b.m.userptr = (unsigned long)mem;
	b.length = GIB;		/* far past the mapping's end */
	ret = tcs_ioctl(fd, VIDIOC_QBUF, &b);
	if (ret)
		return tcs_fail("QBUF of a USERPTR plane declared 1 GiB long: %s",
				strerror(-ret));
	pages = tcs_stat(0, "userptr_pages");
	if (pages != (long long)((fmt.sizeimage + PAGE - 1) / PAGE))
		tcs_fail("%lld pages pinned, the format needs %llu", pages,
			 (fmt.sizeimage + PAGE - 1) / PAGE);
	if (streamon(fd, true))
		return tcs_fail("STREAMON");
	memset(&b, 0, sizeof(b));
	b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	b.memory = V4L2_MEMORY_USERPTR;
	if (tcs_dqbuf(fd, &b, 5000))
		tcs_fail("no frame");
	else if (!tcs_check_counter(mem, &fmt, b.sequence, "userptr-bound"))
		tcs_ok("userptr-bound: %lld pages pinned for a 1 GiB declaration, frame right",
		       pages);
	streamon(fd, false);
	reqbufs(fd, V4L2_MEMORY_USERPTR, 0);
	if (tcs_stat(0, "userptr_pages") != 0)
		tcs_fail("%lld pages still pinned after REQBUFS(0)",
			 tcs_stat(0, "userptr_pages"));
	munmap(mem, map_len);
	close(fd);
}

static void case_iova_budget(void)
{
	uint8_t *maps0[32], *maps1[8];
	size_t len0[32], len1[8];
	struct v4l2_pix_format fmt;
	unsigned int n0, n1;
	int fd0 = tcs_open_channel(0), fd1 = tcs_open_channel(1);

	if (fd0 < 0 || fd1 < 0)
		return tcs_fail("channels 0 and 1 are needed");
	if (tcs_set_format(fd0, V4L2_PIX_FMT_UYVY, 1920, 1080, &fmt) ||
	    tcs_set_format(fd1, V4L2_PIX_FMT_UYVY, 1920, 1080, &fmt))
		return tcs_fail("S_FMT");
	tcs_set_ctrl(fd0, V4L2_CID_TEST_PATTERN, TEGRA_CSI_SG_PATTERN_COUNTER);
	tcs_set_ctrl(fd1, V4L2_CID_TEST_PATTERN, TEGRA_CSI_SG_PATTERN_COUNTER);
	/* 32 frames of 4 MB: twice channel 0's 64 MiB */
	n0 = map_buffers(fd0, 32, maps0, len0);
	n1 = map_buffers(fd1, 8, maps1, len1);
	tcs_info("channel 0: %u of 32 buffers, channel 1: %u of 8", n0, n1);
	if (n0 == 0 || n0 >= 32)
		tcs_fail("channel 0 got %u of 32 buffers: its IOVA budget did not bound it", n0);
	if (n1 != 8)
		tcs_fail("channel 1 got %u of its 8 buffers: channel 0 used its IOVA space", n1);
	if (n0 && !stream_check(fd0, maps0, n0, &fmt, 5, "iova-budget ch0") &&
	    n1 && !stream_check(fd1, maps1, n1, &fmt, 5, "iova-budget ch1"))
		tcs_ok("iova-budget: channel 0 bounded at %u buffers, channel 1 got its 8, both stream",
		       n0);
	unmap_buffers(fd0, n0, maps0, len0);
	unmap_buffers(fd1, n1, maps1, len1);
	close(fd0);
	close(fd1);
}

static void case_bounce(void)
{
	struct v4l2_pix_format fmt;
	struct v4l2_buffer b = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	int fd = tcs_open_channel(0), ret, dmabuf;
	void *mem;

	if (fd < 0)
		return tcs_fail("no tegra-csi-sg channel 0");
	if (tcs_set_format(fd, V4L2_PIX_FMT_UYVY, 640, 480, &fmt))
		return tcs_fail("S_FMT");

	ret = reqbufs(fd, V4L2_MEMORY_MMAP, 4);
	if (ret > 0)
		tcs_fail("MMAP: %d bounced buffers accepted", ret);
	reqbufs(fd, V4L2_MEMORY_MMAP, 0);

	if (posix_memalign(&mem, PAGE, fmt.sizeimage))
		return tcs_fail("posix_memalign");
	memset(mem, 0, fmt.sizeimage);
	reqbufs(fd, V4L2_MEMORY_USERPTR, 1);
	b.memory = V4L2_MEMORY_USERPTR;
	b.m.userptr = (unsigned long)mem;
	b.length = fmt.sizeimage;
	ret = tcs_ioctl(fd, VIDIOC_QBUF, &b);
	if (ret != -EINVAL)
		tcs_fail("USERPTR: QBUF of a bounced plane returned %d, expected -EINVAL", ret);
	reqbufs(fd, V4L2_MEMORY_USERPTR, 0);

	/* the vgem fd stays open: the test exits soon */
	dmabuf = tcs_vgem_dmabuf(tcs_vgem_open(), fmt.sizeimage + PAGE, NULL);
	if (dmabuf < 0)
		return tcs_fail("no vgem dma-buf (tests/vm/run --with vgem)");
	reqbufs(fd, V4L2_MEMORY_DMABUF, 1);
	memset(&b, 0, sizeof(b));
	b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	b.memory = V4L2_MEMORY_DMABUF;
	b.m.fd = dmabuf;
	ret = tcs_ioctl(fd, VIDIOC_QBUF, &b);
	if (ret != -EINVAL)
		tcs_fail("DMABUF: QBUF of a bounced plane returned %d, expected -EINVAL", ret);
	reqbufs(fd, V4L2_MEMORY_DMABUF, 0);

	if (tcs_stat(0, "iova_ranges_mapped") != 0)
		tcs_fail("%lld IOVA ranges were mapped from bounce buffers",
			 tcs_stat(0, "iova_ranges_mapped"));
	if (!tcs_failures())
		tcs_ok("bounce: MMAP, USERPTR and DMABUF planes bounced by swiotlb refused, nothing mapped");
	close(dmabuf);
	free(mem);
	close(fd);
}

static void case_master_mask(unsigned int bits)
{
	const char *base = "/sys/bus/pci/devices";
	DIR *dir = opendir(base);
	struct dirent *de;
	bool found = false;

	while (dir && (de = readdir(dir))) {
		char path[512], vendor[16] = "", device[16] = "";
		unsigned int got = 0;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s/vendor", base, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		fscanf(f, "%15s", vendor);
		fclose(f);
		snprintf(path, sizeof(path), "%s/%s/device", base, de->d_name);
		f = fopen(path, "r");
		if (f) {
			fscanf(f, "%15s", device);
			fclose(f);
		}
		if (strcmp(vendor, "0x1234") || strcmp(device, "0x11e8"))
			continue;
		found = true;
		snprintf(path, sizeof(path), "%s/%s/dma_mask_bits", base,
			 de->d_name);
		f = fopen(path, "r");
		if (!f || fscanf(f, "%u", &got) != 1)
			tcs_fail("cannot read %s", path);
		else if (got != bits)
			tcs_fail("the DMA master's mask is %u bits, the engine's IOVAs %u", got, bits);
		else
			tcs_ok("master-mask: the DMA master (edu) has a %u-bit mask", got);
		if (f)
			fclose(f);
	}
	if (dir)
		closedir(dir);
	if (!found)
		tcs_fail("no edu device (tests/vm/run --iommu)");
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	if (!strcmp(what, "dma32"))
		case_dma32();
	else if (!strcmp(what, "userptr-bound"))
		case_userptr_bound();
	else if (!strcmp(what, "iova-budget"))
		case_iova_budget();
	else if (!strcmp(what, "bounce"))
		case_bounce();
	else if (!strcmp(what, "master-mask") && argc > 2)
		case_master_mask(strtoul(argv[2], NULL, 0));
	else {
		fprintf(stderr, "usage: %s dma32|userptr-bound|iova-budget|bounce|master-mask BITS\n",
			argv[0]);
		return 2;
	}
	printf("# %d failure(s)\n", tcs_failures());
	return tcs_failures() ? 1 : 0;
}
