// SPDX-License-Identifier: GPL-2.0-only
/*
 * tcs-export: VIDIOC_TEGRA_CSI_SG_EXPORT_USERPTR, application memory as a
 * dma-buf (uapi header). Runs in the guest (tests/vm/run --with vgem) as
 * root, on channel 0 of the virtual backend:
 *   refusals  every refusal with its errno: reserved fields, flags, zero
 *             length, over the bound, wrapping, a hole, VM_PFNMAP memory
 *             (vgem's mmap), a read-only mapping; RLIMIT_MEMLOCK for a
 *             process without CAP_IPC_LOCK (and VmPin charged, then back),
 *             waived with CAP_IPC_LOCK (VmPin still charged, then back);
 *             another process's memory
 *   capture   frames captured (V4L2_MEMORY_DMABUF) into malloc()ed memory
 *             at a 16-byte offset in its page, exported: every byte right
 *             through the application's pointer and through mmap() of the
 *             dma-buf, malloc()'s own bytes before the pointer untouched
 *   freed     the application frees its memory while the queue still holds
 *             the dma-buf: capture goes on into the pinned pages (read
 *             through the dma-buf's mmap), no fault; pinned_pages back to 0
 *             once the last reference drops
 *   cycles    100 export/close cycles: nothing stays pinned or charged
 * Usage: tcs-export [refusals|capture|freed|cycles|all]. Exit 1 on failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/tegra-csi-sg.h>

#include "tcs-test.h"
#include "tcs-vgem.h"

#define NBUF 4
#define FRAMES 24
#define MALLOC_OFFSET 16

static long page_size;

/* The export ioctl: 0 and @fd/@offset, or -errno. */
static int export(int vfd, void *addr, size_t len, int *fd, unsigned int *offset)
{
	struct tegra_csi_sg_export_userptr e = {
		.addr = (uintptr_t)addr, .length = len, .flags = O_CLOEXEC,
	};
	int ret = tcs_ioctl(vfd, VIDIOC_TEGRA_CSI_SG_EXPORT_USERPTR, &e);

	if (!ret) {
		*fd = e.fd;
		if (offset)
			*offset = e.offset;
	}
	return ret;
}

/* A module-wide counter of debugfs tegra-csi-sg/exports; -1 on error. */
static long long export_stat(const char *name)
{
	return tcs_stat_file("/sys/kernel/debug/tegra-csi-sg/exports", name);
}

/* VmPin of /proc/self/status in kB; -1 when absent. */
static long vm_pin_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void expect_errno(int vfd, const char *what, void *addr, size_t len, int want,
			 struct tegra_csi_sg_export_userptr *raw)
{
	int fd, ret;

	if (raw)
		ret = tcs_ioctl(vfd, VIDIOC_TEGRA_CSI_SG_EXPORT_USERPTR, raw);
	else
		ret = export(vfd, addr, len, &fd, NULL);
	if (ret == -want) {
		tcs_ok("%s: %s", what, strerror(want));
		return;
	}
	tcs_fail("%s: got %s, want %s", what, ret ? strerror(-ret) : "success", strerror(want));
	if (!ret)
		close(raw ? raw->fd : fd);
}

/* In a child that is not root (no CAP_IPC_LOCK) with RLIMIT_MEMLOCK 64 KiB. */
static int limit_child(int vfd)
{
	struct rlimit rl = { 64 << 10, 64 << 10 };
	size_t small = 16 << 10, big = 1 << 20;
	void *mem = aligned_alloc(page_size, big);
	long pin0, pin1, pin2;
	int fd, ret, bad = 0;

	if (!mem || setrlimit(RLIMIT_MEMLOCK, &rl) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534)) {
		printf("FAIL: limit: cannot set up the child: %s\n", strerror(errno));
		return 1;
	}
	memset(mem, 1, big);
	ret = export(vfd, mem, big, &fd, NULL);
	if (ret != -ENOMEM) {
		printf("FAIL: limit: 1 MiB over a 64 KiB RLIMIT_MEMLOCK: %s, want %s\n",
		       ret ? strerror(-ret) : "success", strerror(ENOMEM));
		bad = 1;
	} else {
		printf("ok: limit: 1 MiB over a 64 KiB RLIMIT_MEMLOCK: %s\n", strerror(ENOMEM));
	}
	pin0 = vm_pin_kb();
	ret = export(vfd, mem, small, &fd, NULL);
	pin1 = vm_pin_kb();
	if (ret) {
		printf("FAIL: limit: 16 KiB within the limit: %s\n", strerror(-ret));
		return 1;
	}
	close(fd);
	pin2 = vm_pin_kb();
	if (pin1 - pin0 != (long)(small >> 10) || pin2 != pin0) {
		printf("FAIL: limit: VmPin %ld kB, %ld kB with 16 KiB exported, %ld kB after close\n",
		       pin0, pin1, pin2);
		bad = 1;
	} else {
		printf("ok: limit: VmPin %ld kB, %ld kB with 16 KiB exported, %ld kB after close\n",
		       pin0, pin1, pin2);
	}
	return bad;
}

/*
 * In a child that stays root (CAP_IPC_LOCK) with RLIMIT_MEMLOCK 64 KiB: the
 * limit is waived, the pin still counted in VmPin (as ib_umem_get()).
 */
static int limit_root_child(int vfd)
{
	struct rlimit rl = { 64 << 10, 64 << 10 };
	size_t big = 1 << 20;
	void *mem = aligned_alloc(page_size, big);
	long pin0, pin1, pin2;
	int fd, ret;

	if (!mem || setrlimit(RLIMIT_MEMLOCK, &rl)) {
		printf("FAIL: limit-root: cannot set up the child: %s\n", strerror(errno));
		return 1;
	}
	memset(mem, 1, big);
	pin0 = vm_pin_kb();
	ret = export(vfd, mem, big, &fd, NULL);
	pin1 = vm_pin_kb();
	if (ret) {
		printf("FAIL: limit-root: 1 MiB over a 64 KiB RLIMIT_MEMLOCK with CAP_IPC_LOCK: %s\n",
		       strerror(-ret));
		return 1;
	}
	close(fd);
	pin2 = vm_pin_kb();
	if (pin1 - pin0 != (long)(big >> 10) || pin2 != pin0) {
		printf("FAIL: limit-root: VmPin %ld kB, %ld kB with 1 MiB exported, %ld kB after close "
		       "(CAP_IPC_LOCK waives the limit, not the count)\n", pin0, pin1, pin2);
		return 1;
	}
	printf("ok: limit-root: 1 MiB over the limit with CAP_IPC_LOCK; VmPin %ld kB, %ld kB, %ld kB after close\n",
	       pin0, pin1, pin2);
	return 0;
}

/* Wait for a child; its exit status counts as failures. */
static void reap(pid_t pid, const char *what)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		tcs_fail("%s: the child process failed", what);
}

static void test_refusals(int vfd)
{
	struct tegra_csi_sg_export_userptr raw = { 0 };
	size_t len = 3 * page_size;
	char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *ro = mmap(NULL, page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int vgem, pfd[2];
	void *vmap;
	pid_t pid;

	if (mem == MAP_FAILED || ro == MAP_FAILED) {
		tcs_fail("refusals: mmap: %s", strerror(errno));
		return;
	}
	raw.addr = (uintptr_t)mem;
	raw.length = page_size;
	raw.reserved[2] = 1;
	expect_errno(vfd, "a nonzero reserved field", NULL, 0, EINVAL, &raw);
	raw.reserved[2] = 0;
	raw.flags = O_NONBLOCK;
	expect_errno(vfd, "flags O_NONBLOCK", NULL, 0, EINVAL, &raw);
	expect_errno(vfd, "length 0", mem, 0, EINVAL, NULL);
	expect_errno(vfd, "length over TEGRA_CSI_SG_EXPORT_MAX_BYTES", mem,
		     TEGRA_CSI_SG_EXPORT_MAX_BYTES + 1, E2BIG, NULL);
	expect_errno(vfd, "a range that wraps", (void *)-4096L, 8192, EOVERFLOW, NULL);
	munmap(mem + page_size, page_size);
	expect_errno(vfd, "a range with a hole", mem, len, EFAULT, NULL);
	expect_errno(vfd, "a read-only mapping", ro, page_size, EACCES, NULL);

	vgem = tcs_vgem_open();
	if (vgem < 0) {
		tcs_fail("refusals: no vgem (tests/vm/run --with vgem)");
	} else {
		int dfd = tcs_vgem_dmabuf(vgem, 4 * page_size, &vmap);

		if (dfd < 0 || vmap == MAP_FAILED)
			tcs_fail("refusals: no mapped vgem dma-buf");
		else
			expect_errno(vfd, "VM_PFNMAP memory (a vgem dma-buf's mmap)", vmap,
				     page_size, EOPNOTSUPP, NULL);
		if (dfd >= 0 && vmap != MAP_FAILED)
			munmap(vmap, 4 * page_size);
		if (dfd >= 0)
			close(dfd);
		close(vgem);
	}

	/* RLIMIT_MEMLOCK, in a child that drops root */
	pid = fork();
	if (pid == 0)
		_exit(limit_child(vfd));
	reap(pid, "limit");
	pid = fork();
	if (pid == 0)
		_exit(limit_root_child(vfd));
	reap(pid, "limit-root");

	/* another process's memory: mapped by the parent after the fork */
	if (pipe(pfd) == 0) {
		pid = fork();
		if (pid == 0) {
			uintptr_t addr;
			int fd, ret;

			close(pfd[1]);
			if (read(pfd[0], &addr, sizeof(addr)) != sizeof(addr))
				_exit(1);
			ret = export(vfd, (void *)addr, page_size, &fd, NULL);
			printf("%s: the parent's memory, not mapped here: %s\n",
			       ret == -EFAULT ? "ok" : "FAIL", ret ? strerror(-ret) : "success");
			_exit(ret != -EFAULT);
		}
		close(pfd[0]);
		{
			char *other = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			uintptr_t addr = (uintptr_t)other;

			other[0] = 1;
			if (write(pfd[1], &addr, sizeof(addr)) != sizeof(addr))
				tcs_fail("other process: pipe write failed");
			reap(pid, "another process's memory");
			munmap(other, page_size);
		}
		close(pfd[1]);
	}
	munmap(mem, page_size);
	munmap(mem + 2 * page_size, page_size);
	munmap(ro, page_size);
}

static void dmabuf_sync(int fd, unsigned long flags)
{
	if (tcs_dmabuf_sync(fd, flags))
		tcs_fail("DMA_BUF_IOCTL_SYNC failed");
}

struct xbuf {
	uint8_t *block;		/* what malloc() returned, MALLOC_OFFSET before data */
	uint8_t *data;		/* the application's pointer, exported */
	int fd;			/* the dma-buf */
	unsigned int offset;	/* data's offset in the dma-buf */
	uint8_t *map;		/* mmap() of the dma-buf */
	size_t map_len;
};

/*
 * Frames of UYVY 640x480 into NBUF exported malloc() blocks. With @free_early,
 * the blocks are freed right after export (the dma-bufs keep the pages) and
 * checked through the dma-bufs' mmap only.
 */
static void capture(int vfd, bool free_early)
{
	const char *what = free_early ? "freed" : "capture";
	struct v4l2_requestbuffers rb = { .count = NBUF, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					  .memory = V4L2_MEMORY_DMABUF };
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct xbuf b[NBUF];
	struct v4l2_pix_format fmt;
	unsigned int i, n, wrong = 0;
	long long pinned0 = export_stat("pinned_pages");
	uint8_t guard[MALLOC_OFFSET];

	if (tcs_set_format(vfd, V4L2_PIX_FMT_UYVY, 640, 480, &fmt)) {
		tcs_fail("%s: S_FMT failed", what);
		return;
	}
	tcs_set_ctrl(vfd, V4L2_CID_TEST_PATTERN, 0);
	memset(guard, 0xa5, sizeof(guard));
	for (i = 0; i < NBUF; i++) {
		/* a page-aligned block, the application's frame 16 bytes in */
		b[i].block = aligned_alloc(page_size, fmt.sizeimage + page_size);
		b[i].data = b[i].block + MALLOC_OFFSET;
		memcpy(b[i].block, guard, sizeof(guard));
		memset(b[i].data, 0, fmt.sizeimage);
		if (export(vfd, b[i].data, fmt.sizeimage, &b[i].fd, &b[i].offset)) {
			tcs_fail("%s: export of buffer %u failed", what, i);
			return;
		}
		if (b[i].offset != MALLOC_OFFSET)
			tcs_fail("%s: offset %u, want %u", what, b[i].offset, MALLOC_OFFSET);
		b[i].map_len = lseek(b[i].fd, 0, SEEK_END);
		b[i].map = mmap(NULL, b[i].map_len, PROT_READ, MAP_SHARED, b[i].fd, 0);
		if (b[i].map == MAP_FAILED) {
			tcs_fail("%s: mmap of the dma-buf: %s", what, strerror(errno));
			return;
		}
		if (free_early) {
			free(b[i].block);
			b[i].block = b[i].data = NULL;
		}
	}
	if (tcs_ioctl(vfd, VIDIOC_REQBUFS, &rb) || rb.count != NBUF) {
		tcs_fail("%s: REQBUFS DMABUF", what);
		return;
	}
	for (i = 0; i < NBUF; i++) {
		struct v4l2_buffer qb = { .index = i, .type = rb.type, .memory = rb.memory,
					  .m.fd = b[i].fd };

		if (tcs_ioctl(vfd, VIDIOC_QBUF, &qb))
			tcs_fail("%s: QBUF %u of the exported dma-buf refused", what, i);
	}
	if (tcs_ioctl(vfd, VIDIOC_STREAMON, &type)) {
		tcs_fail("%s: STREAMON", what);
		return;
	}
	for (n = 0; n < FRAMES; n++) {
		struct v4l2_buffer db = { .type = rb.type, .memory = rb.memory };
		struct xbuf *x;

		if (tcs_dqbuf(vfd, &db, 5000)) {
			tcs_fail("%s: DQBUF after %u frames", what, n);
			break;
		}
		x = &b[db.index];
		dmabuf_sync(x->fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
		if (x->data) {
			wrong += tcs_check_counter(x->data, &fmt, db.sequence, "the application's pointer") != 0;
			if (memcmp(x->block, guard, sizeof(guard))) {
				tcs_fail("capture: malloc's %u bytes before the pointer were overwritten",
					 MALLOC_OFFSET);
				wrong++;
			}
		}
		wrong += tcs_check_counter(x->map + x->offset, &fmt, db.sequence, "the dma-buf's mmap") != 0;
		dmabuf_sync(x->fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
		if (tcs_ioctl(vfd, VIDIOC_QBUF, &db))
			tcs_fail("%s: re-QBUF", what);
	}
	tcs_ioctl(vfd, VIDIOC_STREAMOFF, &type);
	if (n == FRAMES && !wrong)
		tcs_ok("%s: %u frames of UYVY 640x480 into exported memory at offset %u, every byte right%s",
		       what, n, MALLOC_OFFSET, free_early ? " (freed by the application, read through the dma-buf)" :
		       " through the application's pointer and the dma-buf's mmap, malloc's bytes untouched");
	else if (wrong)
		tcs_fail("%s: %u frame reads wrong", what, wrong);
	if (export_stat("pinned_pages") <= pinned0)
		tcs_fail("%s: pinned_pages %lld while the dma-bufs live", what, export_stat("pinned_pages"));
	rb.count = 0;
	tcs_ioctl(vfd, VIDIOC_REQBUFS, &rb);
	for (i = 0; i < NBUF; i++) {
		munmap(b[i].map, b[i].map_len);
		close(b[i].fd);
		free(b[i].block);
	}
	if (export_stat("pinned_pages") != pinned0)
		tcs_fail("%s: pinned_pages %lld after the last reference dropped, %lld before",
			 what, export_stat("pinned_pages"), pinned0);
	else
		tcs_ok("%s: pinned_pages back to %lld", what, pinned0);
}

static void test_cycles(int vfd)
{
	size_t len = 256 << 10;
	void *mem = malloc(len);
	long long made0 = export_stat("exports"), released0 = export_stat("releases");
	long long pinned0 = export_stat("pinned_pages");
	long pin0 = vm_pin_kb();
	unsigned int i;
	int fd;

	memset(mem, 0, len);
	for (i = 0; i < 100; i++) {
		if (export(vfd, (char *)mem + i, len - i, &fd, NULL)) {
			tcs_fail("cycles: export %u failed", i);
			break;
		}
		close(fd);
	}
	free(mem);
	if (export_stat("exports") - made0 != 100 || export_stat("releases") - released0 != 100 ||
	    export_stat("pinned_pages") != pinned0 || vm_pin_kb() != pin0)
		tcs_fail("cycles: exports +%lld, releases +%lld, pinned_pages %lld (%lld before), VmPin %ld kB (%ld before)",
			 export_stat("exports") - made0, export_stat("releases") - released0,
			 export_stat("pinned_pages"), pinned0, vm_pin_kb(), pin0);
	else
		tcs_ok("cycles: 100 exports and releases, nothing left pinned or charged");
}

int main(int argc, char **argv)
{
	const char *which = argc > 1 ? argv[1] : "all";
	bool all = !strcmp(which, "all");
	int vfd;

	page_size = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	vfd = tcs_open_channel(0);
	if (vfd < 0) {
		tcs_fail("cannot open channel 0: %s", strerror(-vfd));
		return 1;
	}
	if (all || !strcmp(which, "refusals"))
		test_refusals(vfd);
	if (all || !strcmp(which, "capture"))
		capture(vfd, false);
	if (all || !strcmp(which, "freed"))
		capture(vfd, true);
	if (all || !strcmp(which, "cycles"))
		test_cycles(vfd);
	close(vfd);
	return tcs_failures() ? 1 : 0;
}
