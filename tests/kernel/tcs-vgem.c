// SPDX-License-Identifier: GPL-2.0-only
/* tcs-vgem: dma-bufs from vgem for the kernel tests (tcs-vgem.h). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libdrm/drm.h>
#include <libdrm/drm_mode.h>
#include <linux/dma-buf.h>

#include "tcs-test.h"
#include "tcs-vgem.h"

int tcs_vgem_open(void)
{
	char path[32];
	int i, fd;

	for (i = 0; i < 8; i++) {
		struct drm_version v = { 0 };
		char name[16] = "";

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v.name = name;
		v.name_len = sizeof(name) - 1;
		if (!tcs_ioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "vgem"))
			return fd;
		close(fd);
	}
	return -1;
}

int tcs_vgem_dmabuf(int vgem, size_t size, void **map)
{
	long page = sysconf(_SC_PAGESIZE);
	struct drm_mode_create_dumb create = {
		.width = page, .bpp = 8,
		.height = size ? (size + page - 1) / page : 1,
	};
	struct drm_prime_handle prime = { .flags = DRM_CLOEXEC | DRM_RDWR };
	struct drm_gem_close gclose = { 0 };

	if (vgem < 0 || tcs_ioctl(vgem, DRM_IOCTL_MODE_CREATE_DUMB, &create))
		return -1;
	prime.handle = create.handle;
	gclose.handle = create.handle;
	if (tcs_ioctl(vgem, DRM_IOCTL_PRIME_HANDLE_TO_FD, &prime))
		prime.fd = -1;
	tcs_ioctl(vgem, DRM_IOCTL_GEM_CLOSE, &gclose);
	if (map && prime.fd >= 0)
		*map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			    prime.fd, 0);
	return prime.fd;
}

int tcs_dmabuf_sync(int fd, unsigned long long flags)
{
	struct dma_buf_sync s = { .flags = flags };

	return tcs_ioctl(fd, DMA_BUF_IOCTL_SYNC, &s);
}
