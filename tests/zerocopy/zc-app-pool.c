/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ZcAppPool: what an application does to have tegracsisrc
 * io-mode=dmabuf-import capture into its own dma-bufs. The pool allocates
 * vgem dumb buffers, exports each once as a dma-buf (PRIME, read-write) and
 * wraps it with the GStreamer dma-buf allocator; appsink's sink pad answers
 * the ALLOCATION query with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <drm.h>
#include <drm_mode.h>
#include <gst/allocators/allocators.h>
#include <gst/video/video.h>

#include "zc-app-pool.h"

struct _ZcAppPool {
	GstBufferPool parent;

	int drm_fd;			/* the vgem node */
	GstAllocator *allocator;	/* GstDmaBufAllocator */
	gboolean fresh;			/* discard every buffer that comes back */
	guint count;			/* buffers offered in the ALLOCATION query */

	GMutex lock;			/* protects inodes */
	GHashTable *inodes;		/* st_ino of every dma-buf made */
};

G_DEFINE_TYPE(ZcAppPool, zc_app_pool, GST_TYPE_BUFFER_POOL)

static int drm_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, request, arg);
	while (ret < 0 && (errno == EINTR || errno == EAGAIN));
	return ret;
}

/* The first /dev/dri/cardN whose driver (DRM_IOCTL_VERSION) is vgem. */
static int open_vgem(void)
{
	for (int i = 0; i < 16; i++) {
		gchar *path = g_strdup_printf("/dev/dri/card%d", i);
		int fd = open(path, O_RDWR | O_CLOEXEC);
		char name[32] = "";
		struct drm_version v = { .name_len = sizeof(name) - 1, .name = name };

		g_free(path);
		if (fd < 0)
			continue;
		if (drm_ioctl(fd, DRM_IOCTL_VERSION, &v) == 0 && strcmp(name, "vgem") == 0)
			return fd;
		close(fd);
	}
	return -1;
}

/* A dumb buffer of at least @size bytes, exported once as a dma-buf. */
static GstFlowReturn zc_app_pool_alloc_buffer(GstBufferPool *bpool, GstBuffer **buffer,
					      GstBufferPoolAcquireParams *params)
{
	ZcAppPool *self = ZC_APP_POOL(bpool);
	GstStructure *config = gst_buffer_pool_get_config(bpool);
	struct drm_mode_create_dumb create = { 0 };
	struct drm_prime_handle prime = { 0 };
	struct drm_gem_close gem_close = { 0 };
	struct stat st;
	guint size = 0;
	GstMemory *mem;

	(void)params;
	gst_buffer_pool_config_get_params(config, NULL, &size, NULL, NULL);
	gst_structure_free(config);

	/* bytes as 8-bit pixels, 4096 to a line: the layout does not matter */
	create.width = 4096;
	create.height = (size + 4095) / 4096;
	create.bpp = 8;
	if (drm_ioctl(self->drm_fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) < 0) {
		GST_ERROR_OBJECT(self, "vgem DRM_IOCTL_MODE_CREATE_DUMB failed: %s", g_strerror(errno));
		return GST_FLOW_ERROR;
	}
	prime.handle = create.handle;
	prime.flags = DRM_CLOEXEC | DRM_RDWR;
	if (drm_ioctl(self->drm_fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &prime) < 0)
		prime.fd = -1;
	/* the dma-buf keeps the object alive; the handle is not needed */
	gem_close.handle = create.handle;
	drm_ioctl(self->drm_fd, DRM_IOCTL_GEM_CLOSE, &gem_close);
	if (prime.fd < 0 || fstat(prime.fd, &st) < 0) {
		GST_ERROR_OBJECT(self, "vgem DRM_IOCTL_PRIME_HANDLE_TO_FD failed: %s", g_strerror(errno));
		if (prime.fd >= 0)
			close(prime.fd);
		return GST_FLOW_ERROR;
	}

	mem = gst_dmabuf_allocator_alloc(self->allocator, prime.fd, size);
	*buffer = gst_buffer_new();
	gst_buffer_append_memory(*buffer, mem);
	g_mutex_lock(&self->lock);
	g_hash_table_add(self->inodes, GSIZE_TO_POINTER(st.st_ino));
	g_mutex_unlock(&self->lock);
	GST_DEBUG_OBJECT(self, "dma-buf fd %d inode %lu, %u bytes", prime.fd,
			 (unsigned long)st.st_ino, size);
	return GST_FLOW_OK;
}

static void zc_app_pool_release_buffer(GstBufferPool *bpool, GstBuffer *buffer)
{
	/* the base class discards a buffer whose memory is tagged */
	if (ZC_APP_POOL(bpool)->fresh)
		GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_TAG_MEMORY);
	GST_BUFFER_POOL_CLASS(zc_app_pool_parent_class)->release_buffer(bpool, buffer);
}

static void zc_app_pool_finalize(GObject *object)
{
	ZcAppPool *self = ZC_APP_POOL(object);

	gst_clear_object(&self->allocator);
	if (self->drm_fd >= 0)
		close(self->drm_fd);
	g_hash_table_unref(self->inodes);
	g_mutex_clear(&self->lock);
	G_OBJECT_CLASS(zc_app_pool_parent_class)->finalize(object);
}

static void zc_app_pool_class_init(ZcAppPoolClass *klass)
{
	GST_BUFFER_POOL_CLASS(klass)->alloc_buffer = zc_app_pool_alloc_buffer;
	GST_BUFFER_POOL_CLASS(klass)->release_buffer = zc_app_pool_release_buffer;
	G_OBJECT_CLASS(klass)->finalize = zc_app_pool_finalize;
}

static void zc_app_pool_init(ZcAppPool *self)
{
	self->drm_fd = -1;
	g_mutex_init(&self->lock);
	self->inodes = g_hash_table_new(g_direct_hash, g_direct_equal);
}

ZcAppPool *zc_app_pool_new(gboolean fresh)
{
	int fd = open_vgem();
	ZcAppPool *self;

	if (fd < 0)
		return NULL;
	self = g_object_new(ZC_TYPE_APP_POOL, NULL);
	gst_object_ref_sink(self);
	gst_object_set_name(GST_OBJECT(self), "zc-app-vgem-pool");
	self->drm_fd = fd;
	self->allocator = gst_dmabuf_allocator_new();
	self->fresh = fresh;
	return self;
}

gboolean zc_app_pool_owns_inode(ZcAppPool *self, guint64 inode)
{
	gboolean owns;

	g_mutex_lock(&self->lock);
	owns = g_hash_table_contains(self->inodes, GSIZE_TO_POINTER(inode));
	g_mutex_unlock(&self->lock);
	return owns;
}

guint zc_app_pool_n_allocated(ZcAppPool *self)
{
	guint n;

	g_mutex_lock(&self->lock);
	n = g_hash_table_size(self->inodes);
	g_mutex_unlock(&self->lock);
	return n;
}

/* Before appsink sees the ALLOCATION query: offer our pool and GstVideoMeta. */
static GstPadProbeReturn answer_allocation(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	ZcAppPool *self = data;
	GstQuery *query = GST_PAD_PROBE_INFO_QUERY(info);
	GstCaps *caps = NULL;
	GstVideoInfo vinfo;

	(void)pad;
	if (GST_QUERY_TYPE(query) != GST_QUERY_ALLOCATION || !(info->type & GST_PAD_PROBE_TYPE_PUSH))
		return GST_PAD_PROBE_OK;
	gst_query_parse_allocation(query, &caps, NULL);
	if (!caps || !gst_video_info_from_caps(&vinfo, caps))
		return GST_PAD_PROBE_OK;
	gst_query_add_allocation_pool(query, GST_BUFFER_POOL(self), GST_VIDEO_INFO_SIZE(&vinfo),
				      self->count, self->count);
	gst_query_add_allocation_meta(query, GST_VIDEO_META_API_TYPE, NULL);
	g_print("appsink: ALLOCATION query answered with %s, %u buffers of %zu bytes\n",
		GST_OBJECT_NAME(self), self->count, GST_VIDEO_INFO_SIZE(&vinfo));
	/* handled: the query returns TRUE with our answer */
	return GST_PAD_PROBE_HANDLED;
}

void zc_app_pool_offer(ZcAppPool *self, GstElement *sink, guint count)
{
	GstPad *pad = gst_element_get_static_pad(sink, "sink");

	self->count = count;
	gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM | GST_PAD_PROBE_TYPE_PUSH,
			  answer_allocation, self, NULL);
	gst_object_unref(pad);
}
