/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The plugin's "tegracsi-app" allocator (gst/gsttegracsiappallocator.c),
 * against our driver in the guest (tests/vm/run, virtual_channels=1):
 *  - registered by name once the plugin loads, a dma-buf allocator;
 *  - "wrap": malloc()ed memory 16 bytes into its page becomes dma-buf
 *    memory at offset 16 whose map is the application's own pointer (also
 *    for a shared sub-memory), whose dma-buf's mmap() shows the same bytes,
 *    and whose pages go back when the memory goes;
 *  - gst_allocator_alloc(): page-aligned memory honouring prefix, padding,
 *    flags and alignment, the same properties, freed with the memory; sizes
 *    that overflow or exceed the driver's bound refused;
 *  - every refusal a GError naming its cause: an empty range, over the
 *    bound, a hole, read-only memory, a node that is not the driver's, a
 *    node that does not exist.
 * The whole pipeline (capture, kmssink, vicodec) is examples/app-dmabuf.c.
 */
#include <gst/check/gstcheck.h>
#include <gst/allocators/allocators.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/tegra-csi-sg.h>

#include "tcs-check.h"

#define EXPORTS_STATS "/sys/kernel/debug/tegra-csi-sg/exports"

static gint64
pinned_pages (void)
{
  gchar *text = NULL, *at;
  gint64 n = -1;

  if (g_file_get_contents (EXPORTS_STATS, &text, NULL, NULL) &&
      (at = strstr (text, "pinned_pages ")) != NULL)
    n = g_ascii_strtoll (at + strlen ("pinned_pages "), NULL, 10);
  g_free (text);
  return n;
}

static GstAllocator *
app_allocator (void)
{
  GstAllocator *allocator;

  fail_unless (gst_plugin_load_by_name ("tegracsi") != NULL);
  allocator = gst_allocator_find ("tegracsi-app");
  fail_unless (allocator != NULL, "no \"tegracsi-app\" allocator");
  g_object_set (allocator, "device", NULL, NULL);
  return allocator;
}

static GstMemory *
wrap (GstAllocator * allocator, gpointer data, guint64 size, GError ** error)
{
  GstMemory *mem = NULL;

  g_signal_emit_by_name (allocator, "wrap", data, size, error, &mem);
  return mem;
}

/* Bytes of [offset, offset + size) of @mem's dma-buf, read through mmap(). */
static guint8 *
read_dmabuf (GstMemory * mem, gsize offset, gsize size)
{
  gint fd = gst_dmabuf_memory_get_fd (mem);
  off_t len = lseek (fd, 0, SEEK_END);
  struct dma_buf_sync sync = { DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ };
  guint8 *p, *copy;

  fail_unless (len > 0 && (gsize) len >= offset + size);
  p = mmap (NULL, len, PROT_READ, MAP_SHARED, fd, 0);
  fail_unless (p != MAP_FAILED, "mmap of the dma-buf: %s", g_strerror (errno));
  fail_unless (ioctl (fd, DMA_BUF_IOCTL_SYNC, &sync) == 0);
  copy = g_memdup2 (p + offset, size);
  sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
  fail_unless (ioctl (fd, DMA_BUF_IOCTL_SYNC, &sync) == 0);
  munmap (p, len);
  return copy;
}

static void
fill (guint8 * p, gsize n, guint8 seed)
{
  gsize i;

  for (i = 0; i < n; i++)
    p[i] = (guint8) (i * 7 + seed);
}

GST_START_TEST (test_registered)
{
  GstAllocator *allocator = app_allocator ();

  fail_unless_equals_string (allocator->mem_type, GST_ALLOCATOR_DMABUF);
  fail_unless (GST_IS_DMABUF_ALLOCATOR (allocator));
  fail_unless (g_type_from_name ("GstTegraCsiAppAllocator") ==
      G_OBJECT_TYPE (allocator));
  gst_object_unref (allocator);
}

GST_END_TEST;

GST_START_TEST (test_wrap_malloc)
{
  GstAllocator *allocator = app_allocator ();
  gsize size = 3 * 4096 + 100, offset, maxsize;
  guint8 *block = NULL, *data, *seen;
  GError *error = NULL;
  GstMemory *mem, *sub;
  GstMapInfo map;
  gint64 pinned0 = pinned_pages ();

  fail_unless (pinned0 == 0, "%" G_GINT64_FORMAT " pages pinned before",
      pinned0);
  fail_unless (posix_memalign ((void **) &block, 4096, size + 4096) == 0);
  data = block + 16;            /* as malloc() gives big blocks */
  mem = wrap (allocator, data, size, &error);
  fail_unless (mem != NULL, "wrap: %s", error ? error->message : "?");
  fail_unless (gst_is_dmabuf_memory (mem));
  fail_unless_equals_int (gst_memory_get_sizes (mem, &offset, &maxsize),
      size);
  fail_unless_equals_int (offset, 16);
  fail_unless_equals_int (maxsize, 4 * 4096);
  fail_unless_equals_int (pinned_pages (), 4);

  fail_unless (gst_memory_map (mem, &map, GST_MAP_WRITE));
  fail_unless (map.data == data, "mapped at %p, not at %p", map.data, data);
  fail_unless_equals_int (map.size, size);
  fill (map.data, map.size, 3);
  gst_memory_unmap (mem, &map);
  seen = read_dmabuf (mem, 16, size);
  fail_unless (memcmp (seen, data, size) == 0,
      "the dma-buf's mmap shows other bytes than the application's memory");
  g_free (seen);

  /* a share maps inside the same memory */
  sub = gst_memory_share (mem, 100, 50);
  fail_unless (gst_memory_map (sub, &map, GST_MAP_READ));
  fail_unless (map.data == data + 100);
  gst_memory_unmap (sub, &map);
  gst_memory_unref (sub);

  gst_memory_unref (mem);
  free (block);
  fail_unless_equals_int (pinned_pages (), 0);
  gst_object_unref (allocator);
}

GST_END_TEST;

GST_START_TEST (test_alloc)
{
  GstAllocator *allocator = app_allocator ();
  GstAllocationParams params;
  guint8 *seen;
  GstMemory *mem;
  GstMapInfo map;
  gsize offset, maxsize;

  gst_allocation_params_init (&params);
  params.prefix = 32;
  params.align = 8191;          /* more than a page */
  mem = gst_allocator_alloc (allocator, 10000, &params);
  fail_unless (mem != NULL);
  fail_unless (gst_is_dmabuf_memory (mem));
  fail_unless_equals_int (gst_memory_get_sizes (mem, &offset, NULL), 10000);
  fail_unless_equals_int (offset, 32);
  fail_unless_equals_int (pinned_pages (), 3);   /* 10032 bytes */
  fail_unless (gst_memory_map (mem, &map, GST_MAP_READWRITE));
  fail_unless (((guintptr) map.data - 32) % 8192 == 0,
      "memory at %p is not 8192-aligned before its 32-byte prefix", map.data);
  fill (map.data, map.size, 11);
  gst_memory_unmap (mem, &map);
  seen = read_dmabuf (mem, 32, 10000);
  fail_unless (gst_memory_map (mem, &map, GST_MAP_READ));
  fail_unless (memcmp (seen, map.data, 10000) == 0);
  gst_memory_unmap (mem, &map);
  g_free (seen);
  gst_memory_unref (mem);
  fail_unless_equals_int (pinned_pages (), 0);

  /* padding stays inside the memory, flags as asked */
  gst_allocation_params_init (&params);
  params.padding = 5000;
  params.flags = GST_MEMORY_FLAG_ZERO_PADDED;
  mem = gst_allocator_alloc (allocator, 100, &params);
  fail_unless (mem != NULL);
  gst_memory_get_sizes (mem, &offset, &maxsize);
  fail_unless (maxsize >= 5100, "maxsize %" G_GSIZE_FORMAT, maxsize);
  fail_unless (GST_MEMORY_FLAG_IS_SET (mem, GST_MEMORY_FLAG_ZERO_PADDED));
  fail_unless_equals_int (pinned_pages (), 2);
  gst_memory_unref (mem);

  /* sizes that overflow or exceed the driver's bound: refused, not wrapped */
  gst_allocation_params_init (&params);
  params.prefix = 64;
  fail_unless (gst_allocator_alloc (allocator, G_MAXSIZE - 10, &params) ==
      NULL);
  fail_unless (gst_allocator_alloc (allocator,
          TEGRA_CSI_SG_EXPORT_MAX_BYTES, &params) == NULL);
  fail_unless_equals_int (pinned_pages (), 0);
  gst_object_unref (allocator);
}

GST_END_TEST;

/* wrap() must fail with a GST_RESOURCE_ERROR whose message has @text. */
static void
expect_refusal (GstAllocator * allocator, gpointer data, guint64 size,
    const gchar * text)
{
  GError *error = NULL;
  GstMemory *mem = wrap (allocator, data, size, &error);

  fail_unless (mem == NULL, "wrapping %p (%" G_GUINT64_FORMAT " bytes) "
      "succeeded; expected: %s", data, size, text);
  fail_unless (error != NULL, "refused without a GError");
  fail_unless (error->domain == GST_RESOURCE_ERROR);
  fail_unless (strstr (error->message, text) != NULL,
      "\"%s\" does not say \"%s\"", error->message, text);
  GST_INFO ("refused as expected: %s", error->message);
  g_error_free (error);
}

GST_START_TEST (test_refusals)
{
  GstAllocator *allocator = app_allocator ();
  gsize page = getpagesize ();
  guint8 *p = g_malloc (page);
  guint8 *ro, *hole;

  expect_refusal (allocator, p, 0, "the range is empty");
  expect_refusal (allocator, p, TEGRA_CSI_SG_EXPORT_MAX_BYTES + 1,
      "longer than the driver's bound");

  hole = mmap (NULL, 2 * page, PROT_READ | PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  fail_unless (hole != MAP_FAILED);
  munmap (hole + page, page);
  expect_refusal (allocator, hole, 2 * page, "not all of the range is mapped");
  munmap (hole, page);

  ro = mmap (NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  fail_unless (ro != MAP_FAILED);
  expect_refusal (allocator, ro, page, "mapped read-only");
  munmap (ro, page);

  g_object_set (allocator, "device", "/dev/null", NULL);
  expect_refusal (allocator, p, page,
      "through '/dev/null': it is not a tegra-csi-sg video node");
  g_object_set (allocator, "device", "/dev/video-none", NULL);
  expect_refusal (allocator, p, page, "through '/dev/video-none': No such "
      "file or directory");
  g_object_set (allocator, "device", NULL, NULL);

  g_free (p);
  fail_unless_equals_int (pinned_pages (), 0);
  gst_object_unref (allocator);
}

GST_END_TEST;

static Suite *
tegracsi_appallocator_suite (void)
{
  Suite *s = suite_create ("tegracsi-appallocator");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_registered);
  tcase_add_test (tc, test_wrap_malloc);
  tcase_add_test (tc, test_alloc);
  tcase_add_test (tc, test_refusals);
  return s;
}

TCS_CHECK_MAIN (tegracsi_appallocator);
