/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the tegracsisrc element.
 */

/**
 * SECTION:element-tegracsisrc
 * @title: tegracsisrc
 *
 * Captures video from a V4L2 video capture device: the tegra-csi-sg driver,
 * and any other capture node, single- or multi-planar (vivid, a USB
 * camera). Frames are handed downstream without a copy, as dma-bufs
 * exported from the driver's buffers (io-mode=auto or dmabuf), as
 * mappings of them (io-mode=mmap), or written straight into the buffers
 * of downstream's pool: its dma-bufs (io-mode=dmabuf-import) or its
 * memory (io-mode=userptr; an application can supply that pool by
 * answering the ALLOCATION query). Every buffer carries a #GstVideoMeta
 * with the driver's strides and offsets, its V4L2 sequence number as
 * offset, and the driver's CLOCK_MONOTONIC capture time as a
 * #GstReferenceTimestampMeta with reference caps
 * `timestamp/x-clock-monotonic`. The PTS is that capture time expressed
 * in pipeline running time.
 *
 * Buffer starvation: when downstream holds every buffer, the element adds
 * one (VIDIOC_CREATE_BUFS) up to #capture-buffers; beyond that the driver
 * drops the frames it has no buffer for. Frames the driver skipped (gaps
 * in the sequence) are counted in #stats and posted as QoS messages; with
 * #copy-on-starvation the element instead pushes a system-memory copy of a
 * frame that would leave the driver without a buffer, counted in #stats as
 * bytes-copied. Nothing is ever copied otherwise.
 * Frames frames the driver flags as erroneous are
 * dropped or pushed marked %GST_BUFFER_FLAG_CORRUPTED (#error-frames).
 * When no frame arrives for #timeout milliseconds the element posts an
 * error instead of waiting forever.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 tegracsisrc device=/dev/video0 ! videoconvert ! autovideosink
 * ]| Shows the default format of the first capture device.
 * |[
 * gst-launch-1.0 tegracsisrc io-mode=dmabuf num-buffers=100 \
 *     ! 'video/x-raw(memory:DMABuf),format=UYVY,width=1920,height=1080' \
 *     ! fakesink
 * ]| Captures 100 frames as dma-bufs exported by the driver.
 * |[
 * gst-launch-1.0 tegracsisrc extra-controls="c,test_pattern=1" \
 *     ! 'video/x-bayer,format=rggb' ! bayer2rgb ! videoconvert ! autovideosink
 * ]| Selects a test pattern through a V4L2 control and shows 8-bit Bayer.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsisrc.h"
#include "gsttegracsibufferpool.h"
#include "gsttegracsiimportqueue.h"
#include "gsttegracsicaps.h"
#include "gsttegracsiclock.h"
#include "gsttegracsicontrols.h"
#include "gsttegracsicopier.h"
#include "gsttegracsidevice.h"
#include "gsttegracsiformat.h"
#include "gsttegracsistats.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

GST_DEBUG_CATEGORY_STATIC (gst_tegra_csi_src_debug);
#define GST_CAT_DEFAULT gst_tegra_csi_src_debug

#define DEFAULT_DEVICE "/dev/video0"
#define DEFAULT_IO_MODE GST_TEGRA_CSI_IO_MODE_AUTO
#define DEFAULT_CAPTURE_BUFFERS 0
#define DEFAULT_COPY_ON_STARVATION FALSE
#define MIN_CAPTURE_BUFFERS 2
#define MAX_CAPTURE_BUFFERS 32
#define AUTO_CAPTURE_BUFFERS 4
#define DEFAULT_TIMEOUT 5000
#define MAX_TIMEOUT 3600000
#define DEFAULT_ERROR_FRAMES GST_TEGRA_CSI_ERROR_FRAMES_DROP

enum
{
  PROP_0,
  PROP_DEVICE,
  PROP_DEVICE_NAME,
  PROP_DEVICE_FD,
  PROP_IO_MODE,
  PROP_CAPTURE_BUFFERS,
  PROP_EXTRA_CONTROLS,
  PROP_TIMEOUT,
  PROP_ERROR_FRAMES,
  PROP_STATS,
  PROP_COPY_ON_STARVATION,
  PROP_PIXEL_ASPECT_RATIO,
};

struct _GstTegraCsiSrc
{
  GstPushSrc parent;

  /* Properties, protected by the object lock. */
  gchar *device_path;
  GstTegraCsiIoMode io_mode;
  guint capture_buffers;
  GstStructure *extra_controls;
  guint timeout;
  GstTegraCsiErrorFrames error_frames;
  gboolean copy_on_starvation;
  gint par_n, par_d;            /* 0/1: the device's */

  /* The open device and the active pool. Written in start(), stop() and
   * the negotiation vfuncs; the pointers are also read under the object
   * lock from property getters and unlock(), which take a reference. */
  GstTegraCsiDevice *device;
  GstTegraCsiBufferPool *pool;
  GstTegraCsiImportQueue *importq;      /* dmabuf-import, userptr */

  /* Written in start() only; probed_caps also cleared in stop(), both
   * under the object lock since get_caps() reads it from any thread. */
  GstTegraCsiPoolMemory memory;
  guint32 import_memory;        /* V4L2_MEMORY_DMABUF/USERPTR, or 0 */
  GstCaps *probed_caps;
  GstTegraCsiProbe probe;       /* formats offered, PAR, field order */

  /* Negotiated state, written by negotiate() and decide_allocation() in
   * the streaming thread. */
  GstCaps *requested;           /* the fixated caps last configured */
  GstCaps *configured;          /* what the device does for them */
  GstVideoInterlaceMode interlace_mode;
  GstVideoFieldOrder field_order;
  struct v4l2_format fmt;       /* what VIDIOC_S_FMT answered */
  GstTegraCsiCopier *copier;    /* frames copied into the default layout */
  GstVideoInfo info;
  const GstTegraCsiFormat *format;
  guint n_memories;
  gsize memory_sizes[VIDEO_MAX_PLANES];
  GstClockTime frame_duration;

  /* Streaming thread only. */
  gboolean negotiation_error_posted;
  gboolean format_changed;      /* set_caps ran since the pool was made */
  GstTegraCsiClockSync clock_sync;      /* CLOCK_MONOTONIC -> pipeline */

  /* Statistics, protected by the object lock (sequence fields: the
   * streaming thread). */
  GstTegraCsiStats stats;
};

#define gst_tegra_csi_src_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstTegraCsiSrc, gst_tegra_csi_src, GST_TYPE_PUSH_SRC,
    GST_DEBUG_CATEGORY_INIT (gst_tegra_csi_src_debug, "tegracsi-src", 0,
        "tegracsisrc element"));
GST_ELEMENT_REGISTER_DEFINE (tegracsisrc, "tegracsisrc", GST_RANK_NONE,
    GST_TYPE_TEGRA_CSI_SRC);

#define GST_TYPE_TEGRA_CSI_IO_MODE (gst_tegra_csi_io_mode_get_type ())
static GType
gst_tegra_csi_io_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_TEGRA_CSI_IO_MODE_AUTO,
        "Export dma-bufs when the device can, else mmap", "auto"},
    {GST_TEGRA_CSI_IO_MODE_MMAP, "Map the driver's buffers", "mmap"},
    {GST_TEGRA_CSI_IO_MODE_DMABUF,
        "Export the driver's buffers as dma-bufs", "dmabuf"},
    {GST_TEGRA_CSI_IO_MODE_DMABUF_IMPORT,
        "Capture into the dma-bufs of downstream's pool",
        "dmabuf-import"},
    {GST_TEGRA_CSI_IO_MODE_USERPTR,
        "Capture into the memory of downstream's (or the application's) pool",
        "userptr"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstTegraCsiIoMode", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

#define GST_TYPE_TEGRA_CSI_ERROR_FRAMES (gst_tegra_csi_error_frames_get_type ())
static GType
gst_tegra_csi_error_frames_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_TEGRA_CSI_ERROR_FRAMES_DROP, "Drop the frame", "drop"},
    {GST_TEGRA_CSI_ERROR_FRAMES_MARK,
        "Push the frame flagged as corrupted", "mark"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstTegraCsiErrorFrames", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

/* *@field (the device, the pool or the import queue) with a reference, or
 * NULL; the pointers change under the object lock. */
static gpointer
ref_locked (GstTegraCsiSrc * self, gpointer field)
{
  GstObject *obj;

  GST_OBJECT_LOCK (self);
  obj = *(GstObject **) field ? gst_object_ref (*(GstObject **) field) : NULL;
  GST_OBJECT_UNLOCK (self);

  return obj;
}

#define get_device(self) \
    ((GstTegraCsiDevice *) ref_locked ((self), &(self)->device))
#define get_pool(self) \
    ((GstTegraCsiBufferPool *) ref_locked ((self), &(self)->pool))
#define get_import_queue(self) \
    ((GstTegraCsiImportQueue *) ref_locked ((self), &(self)->importq))

/* Posts @error (a GstResourceError or GstStreamError made by a helper that
 * knows the precise cause) as the element's error message; frees it. */
static void
post_gerror (GstTegraCsiSrc * self, GError * error)
{
  gst_element_message_full (GST_ELEMENT (self), GST_MESSAGE_ERROR,
      error->domain, error->code, g_strdup (error->message), NULL, __FILE__,
      GST_FUNCTION, __LINE__);
  g_error_free (error);
}


/* ------------------------------------------------------------------ */
/* Probing */


/* Asks for one buffer to learn whether the queue is free (another file
 * handle streaming makes REQBUFS fail with EBUSY) and whether VIDIOC_EXPBUF
 * works, then frees it. Returns 0 or the -errno of REQBUFS; *can_export
 * tells about EXPBUF. */
static gint
probe_queue (GstTegraCsiDevice * device,
    gboolean * can_export, gint * export_error)
{
  guint32 count = 1, zero = 0;
  gint ret, fd;

  *can_export = FALSE;
  *export_error = 0;

  ret = gst_tegra_csi_device_request_buffers (device, V4L2_MEMORY_MMAP,
      &count);
  if (ret < 0)
    return ret;

  if (count > 0) {
    fd = gst_tegra_csi_device_export_buffer (device, 0, 0);
    if (fd >= 0) {
      *can_export = TRUE;
      close (fd);
    } else {
      *export_error = fd;
    }
  }

  gst_tegra_csi_device_request_buffers (device, V4L2_MEMORY_MMAP, &zero);
  return 0;
}

/* ------------------------------------------------------------------ */
/* GstBaseSrc */

static void
post_open_error (GstTegraCsiSrc * self, const gchar * path, gint err)
{
  switch (err) {
    case -ENOENT:
      GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
          ("Device '%s' does not exist.", path), (NULL));
      break;
    case -ENODEV:
    case -ENOTTY:
    case GST_TEGRA_CSI_DEVICE_ENOTCAPTURE:
      GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
          ("Device '%s' is not a V4L2 video capture device.", path),
          ("%s", err == -ENODEV ? "not a character device" :
              err == -ENOTTY ? "VIDIOC_QUERYCAP failed" :
              "no streaming video capture capability"));
      break;
    case -EBUSY:
      GST_ELEMENT_ERROR (self, RESOURCE, BUSY,
          ("Device '%s' is busy: another application is using it.", path),
          (NULL));
      break;
    default:
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ_WRITE,
          ("Cannot open device '%s' for reading and writing: %s.", path,
              g_strerror (-err)), (NULL));
      break;
  }
}

static gboolean
gst_tegra_csi_src_start (GstBaseSrc * bsrc)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (bsrc);
  GstTegraCsiDevice *device;
  GstStructure *controls;
  GstTegraCsiIoMode io_mode;
  GstCaps *probed;
  gboolean can_export;
  gchar *path;
  gint ret, export_error, par_n, par_d;

  GST_OBJECT_LOCK (self);
  path = g_strdup (self->device_path);
  io_mode = self->io_mode;
  par_n = self->par_n;
  par_d = self->par_d;
  controls = self->extra_controls ? gst_structure_copy (self->extra_controls)
      : NULL;
  memset (&self->stats, 0, sizeof (self->stats));
  GST_OBJECT_UNLOCK (self);

  device = gst_tegra_csi_device_new (path);
  ret = gst_tegra_csi_device_open (device);
  if (ret < 0) {
    post_open_error (self, path, ret);
    gst_object_unref (device);
    goto err_free;
  }

  ret = probe_queue (device, &can_export, &export_error);
  if (ret < 0) {
    post_open_error (self, path, ret);
    goto err_close;
  }

  if (io_mode == GST_TEGRA_CSI_IO_MODE_DMABUF && !can_export) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("Device '%s' cannot export dma-bufs: %s.", path,
            g_strerror (-export_error)),
        ("VIDIOC_EXPBUF failed; use io-mode=mmap or auto"));
    goto err_close;
  }

  self->memory = (io_mode == GST_TEGRA_CSI_IO_MODE_MMAP || !can_export) ?
      GST_TEGRA_CSI_POOL_MEMORY_MMAP : GST_TEGRA_CSI_POOL_MEMORY_DMABUF;
  self->import_memory = 0;
  if (io_mode == GST_TEGRA_CSI_IO_MODE_DMABUF_IMPORT ||
      io_mode == GST_TEGRA_CSI_IO_MODE_USERPTR) {
    guint32 memory = io_mode == GST_TEGRA_CSI_IO_MODE_USERPTR ?
        V4L2_MEMORY_USERPTR : V4L2_MEMORY_DMABUF;
    guint32 zero = 0;

    ret = gst_tegra_csi_device_request_buffers (device, memory, &zero);
    if (ret < 0) {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("Device '%s' cannot capture into %s: %s.", path,
              memory == V4L2_MEMORY_DMABUF ? "imported dma-bufs" :
              "user memory", g_strerror (-ret)),
          ("VIDIOC_REQBUFS with V4L2_MEMORY_%s failed; use io-mode=dmabuf "
              "or mmap", memory == V4L2_MEMORY_DMABUF ? "DMABUF" : "USERPTR"));
      goto err_close;
    }
    self->import_memory = memory;
    self->memory = GST_TEGRA_CSI_POOL_MEMORY_MMAP;
  }

  gst_tegra_csi_caps_probe_clear (&self->probe);
  gst_tegra_csi_caps_probe_init (&self->probe, device,
      self->memory == GST_TEGRA_CSI_POOL_MEMORY_DMABUF ||
      self->import_memory == V4L2_MEMORY_DMABUF);
  if (par_n > 0) {
    self->probe.par_n = par_n;
    self->probe.par_d = par_d;
  }
  probed = gst_tegra_csi_caps_probe (device, &self->probe);
  if (gst_caps_is_empty (probed)) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT,
        ("Device '%s' offers no format this element supports; it offers: %s.",
            path, self->probe.offered[0] ? self->probe.offered : "nothing"),
        (NULL));
    gst_caps_unref (probed);
    goto err_close;
  }
  GST_DEBUG_OBJECT (self, "probed caps: %" GST_PTR_FORMAT, probed);
  /* get_caps() reads them from other threads */
  GST_OBJECT_LOCK (self);
  gst_caps_replace (&self->probed_caps, probed);
  GST_OBJECT_UNLOCK (self);
  gst_caps_unref (probed);

  gst_tegra_csi_controls_apply (GST_ELEMENT (self), device, controls);

  GST_OBJECT_LOCK (self);
  self->device = device;
  GST_OBJECT_UNLOCK (self);

  self->stats.have_sequence = FALSE;
  self->format = NULL;
  self->frame_duration = GST_CLOCK_TIME_NONE;

  GST_INFO_OBJECT (self, "started on '%s' (%s), %s memory", path,
      gst_tegra_csi_device_get_card (device),
      self->import_memory == V4L2_MEMORY_DMABUF ? "imported dma-buf" :
      self->import_memory == V4L2_MEMORY_USERPTR ? "user" :
      self->memory == GST_TEGRA_CSI_POOL_MEMORY_DMABUF ? "dma-buf" : "mmap");

  g_free (path);
  if (controls)
    gst_structure_free (controls);
  return TRUE;

err_close:
  gst_tegra_csi_device_close (device);
  gst_object_unref (device);
err_free:
  g_free (path);
  if (controls)
    gst_structure_free (controls);
  return FALSE;
}

/* Ends the current queue (pool or import queue), for a new format or a
 * stop: the driver's queue ends at once even while downstream holds
 * buffers (they stay valid and are freed when they come back). Returns
 * how many buffers downstream still held when the driver could not
 * orphan them (0 otherwise); a warning message says so. Runs in the
 * streaming thread or once it stopped, with the device open. */
static guint
end_queue (GstTegraCsiSrc * self)
{
  GstTegraCsiBufferPool *pool;
  GstTegraCsiImportQueue *importq;
  guint held = 0;

  GST_OBJECT_LOCK (self);
  pool = self->pool;
  self->pool = NULL;
  importq = self->importq;
  self->importq = NULL;
  GST_OBJECT_UNLOCK (self);

  if (importq) {
    gst_tegra_csi_import_queue_stop (importq);
    gst_object_unref (importq);
  }

  if (pool) {
    held = gst_tegra_csi_buffer_pool_orphan (pool);
    if (held > 0 && !gst_tegra_csi_device_can_orphan_buffers (self->device))
      GST_ELEMENT_WARNING (self, RESOURCE, BUSY,
          ("Downstream still holds %u buffers of device '%s', whose driver "
              "cannot let them go early (no V4L2_BUF_CAP_SUPPORTS_ORPHANED_"
              "BUFS): the device stays busy until they are released.", held,
              gst_tegra_csi_device_get_path (self->device)), (NULL));
    else
      held = 0;
    /* GstBufferPool runs our stop() once every GstBuffer is back; after
     * the orphaning above it makes no ioctl. */
    gst_buffer_pool_set_active (GST_BUFFER_POOL (pool), FALSE);
    gst_object_unref (pool);
  }
  return held;
}

static gboolean
gst_tegra_csi_src_stop (GstBaseSrc * bsrc)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (bsrc);
  GstTegraCsiDevice *device;

  if (self->device)
    end_queue (self);

  GST_OBJECT_LOCK (self);
  device = self->device;
  self->device = NULL;
  GST_OBJECT_UNLOCK (self);

  if (device) {
    gst_tegra_csi_device_close (device);
    gst_object_unref (device);
  }

  GST_OBJECT_LOCK (self);
  gst_clear_caps (&self->probed_caps);
  GST_OBJECT_UNLOCK (self);
  self->format = NULL;
  gst_clear_caps (&self->requested);
  gst_clear_caps (&self->configured);
  g_clear_pointer (&self->copier, gst_tegra_csi_copier_free);
  gst_tegra_csi_clock_sync_clear (&self->clock_sync);

  return TRUE;
}

static GstCaps *
gst_tegra_csi_src_get_caps (GstBaseSrc * bsrc, GstCaps * filter)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (bsrc);
  GstCaps *caps;

  GST_OBJECT_LOCK (self);
  if (self->probed_caps)
    caps = gst_caps_ref (self->probed_caps);
  else
    caps = gst_pad_get_pad_template_caps (GST_BASE_SRC_PAD (bsrc));
  GST_OBJECT_UNLOCK (self);

  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, caps,
        GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (caps);
    caps = tmp;
  }

  return caps;
}

/* Says what downstream wanted and what the device has. */
static void
post_not_supported (GstTegraCsiSrc * self, GstCaps * wanted)
{
  gchar *str = wanted ? gst_caps_to_string (wanted) : g_strdup ("nothing");

  GST_ELEMENT_ERROR (self, STREAM, FORMAT,
      ("Device '%s' does not support the format downstream wants (%s); "
          "it offers: %s.", gst_tegra_csi_device_get_path (self->device),
          str, self->probe.offered), (NULL));
  g_free (str);
}

/* Downstream refused what the device does (@actual) instead of what was
 * asked (@asked): names each field the driver changed. */
static void
post_refused (GstTegraCsiSrc * self, GstCaps * asked, GstCaps * actual)
{
  static const gchar *fields[] = { "framerate", "colorimetry",
    "interlace-mode", "field-order", "pixel-aspect-ratio"
  };
  GstStructure *a = gst_caps_get_structure (asked, 0);
  GstStructure *d = gst_caps_get_structure (actual, 0);
  GString *diff = g_string_new (NULL);
  gchar *str;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (fields); i++) {
    const GValue *av = gst_structure_get_value (a, fields[i]);
    const GValue *dv = gst_structure_get_value (d, fields[i]);
    gchar *as, *ds;

    if (dv == NULL || (av && gst_value_compare (av, dv) == GST_VALUE_EQUAL))
      continue;
    as = av ? gst_value_serialize (av) : g_strdup ("none");
    ds = gst_value_serialize (dv);
    g_string_append_printf (diff, "%s%s %s instead of %s", diff->len ?
        ", " : "", fields[i], ds, as);
    g_free (as);
    g_free (ds);
  }
  str = gst_caps_to_string (actual);
  GST_ELEMENT_ERROR (self, STREAM, FORMAT,
      ("Device '%s' set %s (%s), which downstream does not accept.",
          gst_tegra_csi_device_get_path (self->device),
          diff->len ? diff->str : "another format", str), (NULL));
  g_free (str);
  g_string_free (diff, TRUE);
}

/* Sets @fixated on the device; the caps of what it does become the
 * negotiated caps. */
static gboolean
configure (GstTegraCsiSrc * self, GstCaps * fixated)
{
  GstBaseSrc *bsrc = GST_BASE_SRC (self);
  GstTegraCsiConfigured out;
  GError *warning = NULL, *error = NULL;
  guint held;

  /* A new format needs the old buffers freed first: the queue ends now,
   * what downstream holds stays valid. */
  held = end_queue (self);
  gst_clear_caps (&self->requested);
  gst_clear_caps (&self->configured);
  self->format = NULL;

  if (!gst_tegra_csi_caps_configure (self->device, &self->probe, fixated,
          held, &out, &warning, &error)) {
    post_gerror (self, error);
    return FALSE;
  }
  if (warning) {
    gst_element_message_full (GST_ELEMENT (self), GST_MESSAGE_WARNING,
        warning->domain, warning->code, g_strdup (warning->message), NULL,
        __FILE__, GST_FUNCTION, __LINE__);
    g_error_free (warning);
  }

  self->fmt = out.fmt;
  self->format = out.format;
  self->info = out.info;
  self->n_memories = out.format->n_memories;
  memcpy (self->memory_sizes, out.memory_sizes, sizeof (out.memory_sizes));
  self->interlace_mode = out.interlace_mode;
  self->field_order = out.field_order;
  self->frame_duration = out.fps_n > 0 ?
      gst_util_uint64_scale (GST_SECOND, out.fps_d, out.fps_n) :
      GST_CLOCK_TIME_NONE;
  self->requested = gst_caps_ref (fixated);
  self->configured = out.caps;
  self->stats.have_sequence = FALSE;
  self->format_changed = TRUE;
  GST_INFO_OBJECT (self, "device set to %" GST_PTR_FORMAT ", stride %d, "
      "frame duration %" GST_TIME_FORMAT, self->configured,
      self->info.stride[0], GST_TIME_ARGS (self->frame_duration));

  if (!gst_pad_peer_query_accept_caps (GST_BASE_SRC_PAD (bsrc),
          self->configured)) {
    post_refused (self, fixated, self->configured);
    return FALSE;
  }
  return TRUE;
}

/* GstBaseSrc's negotiation (intersect with downstream, fixate, set caps)
 * with the device configured between fixation and the caps event: the
 * caps pushed are what the driver answered (its frame rate, colorimetry,
 * field order), not what was asked. */
static gboolean
gst_tegra_csi_src_negotiate (GstBaseSrc * bsrc)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (bsrc);
  GstPad *pad = GST_BASE_SRC_PAD (bsrc);
  GstCaps *ours, *peer, *fixated;
  gboolean ok;

  self->negotiation_error_posted = FALSE;
  ours = gst_pad_query_caps (pad, NULL);
  peer = gst_pad_peer_query_caps (pad, ours);
  gst_caps_unref (ours);
  if (peer == NULL || gst_caps_is_empty (peer)) {
    GstCaps *wanted = gst_pad_peer_query_caps (pad, NULL);

    post_not_supported (self, wanted);
    gst_clear_caps (&wanted);
    gst_clear_caps (&peer);
    return FALSE;
  }

  fixated = gst_tegra_csi_caps_fixate (peer, self->device,
      self->probe.fourccs);
  GST_DEBUG_OBJECT (self, "fixated to %" GST_PTR_FORMAT, fixated);
  /* the same as before (a RECONFIGURE): the device is set already */
  if (self->configured && gst_caps_is_equal (fixated, self->requested))
    ok = TRUE;
  else
    ok = configure (self, fixated);
  gst_caps_unref (fixated);
  if (!ok) {
    self->negotiation_error_posted = TRUE;
    return FALSE;
  }
  return gst_base_src_set_caps (bsrc, self->configured);
}

/* Largest size at the highest rate of the preferred format, with the
 * driver's colorimetry (gst_tegra_csi_caps_fixate()). */
static GstCaps *
gst_tegra_csi_src_fixate (GstBaseSrc * bsrc, GstCaps * caps)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (bsrc);

  return gst_tegra_csi_caps_fixate (caps, self->device, self->probe.fourccs);
}

static guint32
fmt_fourcc (const struct v4l2_format *fmt, guint * width, guint * height)
{
  if (fmt->type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE) {
    *width = fmt->fmt.pix_mp.width;
    *height = fmt->fmt.pix_mp.height;
    return fmt->fmt.pix_mp.pixelformat;
  }
  *width = fmt->fmt.pix.width;
  *height = fmt->fmt.pix.height;
  return fmt->fmt.pix.pixelformat;
}

/* negotiate() set the device for these caps already. */
static gboolean
gst_tegra_csi_src_set_caps (GstBaseSrc * bsrc, GstCaps * caps)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (bsrc);

  if (self->configured && gst_caps_is_equal (caps, self->configured))
    return TRUE;
  GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
      ("caps %" GST_PTR_FORMAT " were not negotiated by the element", caps));
  return FALSE;
}

static void post_pool_error (GstTegraCsiSrc * self,
    GstTegraCsiBufferPool * pool);

/* io-mode=dmabuf-import and userptr: capture into the buffers of
 * downstream's pool (or, for userptr, our own system memory). */
static gboolean
decide_import_allocation (GstTegraCsiSrc * self, GstQuery * query,
    guint count)
{
  GstTegraCsiImportQueue *importq;
  GstBufferPool *source;
  GError *error = NULL;
  guint depth = count;

  /* count becomes what the pool holds: depth plus downstream's share */
  source = gst_tegra_csi_import_queue_configure_source (query,
      self->import_memory, &self->info, &count, &error);
  if (source == NULL)
    goto failed;

  importq = gst_tegra_csi_import_queue_new (self->device, self->import_memory,
      source, &self->info, self->n_memories, self->memory_sizes, count,
      depth);
  GST_OBJECT_LOCK (self);
  gst_tegra_csi_import_queue_set_timeout (importq, self->timeout);
  GST_OBJECT_UNLOCK (self);
  if (!gst_tegra_csi_import_queue_start (importq, &error)) {
    gst_object_unref (importq);
    gst_buffer_pool_set_active (source, FALSE);
    gst_object_unref (source);
    goto failed;
  }

  /* GstBaseSrc deactivates the source pool at stop, after ours. */
  if (gst_query_get_n_allocation_pools (query) > 0)
    gst_query_set_nth_allocation_pool (query, 0, source, self->info.size,
        count, count);
  else
    gst_query_add_allocation_pool (query, source, self->info.size, count,
        count);
  gst_object_unref (source);

  GST_OBJECT_LOCK (self);
  gst_object_replace ((GstObject **) & self->importq, GST_OBJECT (importq));
  GST_OBJECT_UNLOCK (self);
  gst_object_unref (importq);
  self->format_changed = FALSE;
  return TRUE;

failed:
  post_gerror (self, error);
  self->negotiation_error_posted = TRUE;
  return FALSE;
}

/* Asks the driver (VIDIOC_S_FMT, no buffers exist yet) for the default
 * layout of the negotiated caps. Whatever it answers becomes the layout;
 * returns whether that is the default one. */
static gboolean
ask_default_layout (GstTegraCsiSrc * self, const GstVideoInfo * plain)
{
  struct v4l2_format fmt = self->fmt;
  GstVideoInfo info;
  gsize sizes[VIDEO_MAX_PLANES];
  guint w, h;

  if (self->n_memories != 1)
    return FALSE;               /* the default layout is one memory */
  if (fmt.type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE) {
    fmt.fmt.pix_mp.plane_fmt[0].bytesperline = plain->stride[0];
    fmt.fmt.pix_mp.plane_fmt[0].sizeimage = 0;
  } else {
    fmt.fmt.pix.bytesperline = plain->stride[0];
    fmt.fmt.pix.sizeimage = 0;
  }
  if (gst_tegra_csi_device_set_format (self->device, &fmt) < 0 ||
      fmt_fourcc (&fmt, &w, &h) != self->format->fourcc ||
      w != (guint) GST_VIDEO_INFO_WIDTH (&self->info) ||
      h != (guint) GST_VIDEO_INFO_HEIGHT (&self->info) ||
      !gst_tegra_csi_format_fill_video_info (self->format, &fmt, &info,
          sizes))
    return FALSE;

  self->fmt = fmt;
  self->info = info;
  memcpy (self->memory_sizes, sizes, sizeof (sizes));
  GST_DEBUG_OBJECT (self, "asked for stride %d, the driver gave %d",
      plain->stride[0], info.stride[0]);
  return gst_tegra_csi_layout_is_default (&info, 1, NULL);
}

/* A downstream that does not read GstVideoMeta gets GStreamer's default
 * layout of the caps: the driver's if it is that already or can be made
 * so, else a copy (one warning message, every byte counted). In the import
 * modes the queue refuses buffers it cannot fill in that layout itself. */
static gboolean
choose_layout (GstTegraCsiSrc * self, GstQuery * query, GstCaps * caps)
{
  const gchar *path = gst_tegra_csi_device_get_path (self->device);
  GstVideoInfo plain;
  gint driver_stride;
  gchar *str;

  g_clear_pointer (&self->copier, gst_tegra_csi_copier_free);
  if (gst_query_find_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL))
    return TRUE;
  if (gst_tegra_csi_layout_is_default (&self->info, self->n_memories, &plain)
      || ask_default_layout (self, &plain)) {
    /* a buffer holds exactly the frame */
    if (!self->import_memory)
      self->memory_sizes[0] = plain.size;
    return TRUE;
  }
  if (self->import_memory)
    return TRUE;

  driver_stride = self->info.stride[0];
  str = gst_caps_to_string (caps);
  if (gst_caps_features_contains (gst_caps_get_features (caps, 0),
          GST_CAPS_FEATURE_MEMORY_DMABUF)) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT,
        ("Downstream negotiated dma-buf memory (%s) but does not read "
            "GstVideoMeta, and device '%s' lays frames out otherwise than "
            "the default layout (plane 0: %d bytes per line, the default "
            "has %d%s): downstream would read them wrong. Use a consumer "
            "that supports GstVideoMeta, or system-memory caps (the "
            "element then copies).", str, path, driver_stride,
            plain.stride[0], self->n_memories > 1 ?
            "; one memory per plane, the default has one in all" : ""),
        (NULL));
    g_free (str);
    self->negotiation_error_posted = TRUE;
    return FALSE;
  }

  self->copier = gst_tegra_csi_copier_new (&self->info, caps);
  if (self->copier == NULL) {
    g_free (str);
    return FALSE;
  }
  GST_ELEMENT_WARNING (self, STREAM, FORMAT,
      ("Downstream does not read GstVideoMeta, and device '%s' lays %s "
          "frames out otherwise than GStreamer's default layout (plane 0: %d "
          "bytes per line, the default has %d%s): every frame is copied "
          "into the default layout, %" G_GSIZE_FORMAT " bytes per frame, "
          "counted in stats bytes-copied.", path, str, driver_stride,
          plain.stride[0], self->n_memories > 1 ?
          "; one memory per plane, the default has one in all" : "",
          gst_tegra_csi_copier_get_frame_size (self->copier)), (NULL));
  g_free (str);
  return TRUE;
}

static gboolean
gst_tegra_csi_src_decide_allocation (GstBaseSrc * bsrc, GstQuery * query)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (bsrc);
  GstTegraCsiBufferPool *pool;
  GstStructure *config;
  GstCaps *caps;
  guint count, max_count, min = 0, max = 0, size = 0, want;

  if (self->format == NULL)
    return FALSE;

  if (!self->format_changed && self->importq) {
    GstBufferPool *source =
        gst_tegra_csi_import_queue_get_source (self->importq);

    count = gst_tegra_csi_import_queue_get_count (self->importq);
    GST_DEBUG_OBJECT (self, "same format: keeping the import queue");
    if (gst_query_get_n_allocation_pools (query) > 0)
      gst_query_set_nth_allocation_pool (query, 0, source, self->info.size,
          count, count);
    else
      gst_query_add_allocation_pool (query, source, self->info.size, count,
          count);
    return TRUE;
  }

  /* Renegotiation to the same format (a RECONFIGURE from downstream):
   * keep streaming with the same pool, whose buffers may be downstream. */
  if (!self->format_changed && self->pool &&
      gst_buffer_pool_is_active (GST_BUFFER_POOL (self->pool))) {
    count = gst_tegra_csi_buffer_pool_get_count (self->pool);
    GST_DEBUG_OBJECT (self, "same format: keeping the pool");
    if (gst_query_get_n_allocation_pools (query) > 0)
      gst_query_set_nth_allocation_pool (query, 0,
          GST_BUFFER_POOL (self->pool), self->info.size, count, count);
    else
      gst_query_add_allocation_pool (query, GST_BUFFER_POOL (self->pool),
          self->info.size, count, count);
    return TRUE;
  }

  gst_query_parse_allocation (query, &caps, NULL);
  if (!choose_layout (self, query, caps))
    return FALSE;
  if (gst_query_get_n_allocation_pools (query) > 0)
    gst_query_parse_nth_allocation_pool (query, 0, NULL, &size, &min, &max);

  GST_OBJECT_LOCK (self);
  want = self->capture_buffers;
  GST_OBJECT_UNLOCK (self);

  /* Start with enough for the driver to fill while downstream holds what
   * it said it needs; grow up to capture-buffers (automatic: twice that)
   * when downstream holds them all. */
  count = CLAMP (min + 2, AUTO_CAPTURE_BUFFERS, MAX_CAPTURE_BUFFERS);
  max_count = want ? want : MIN (2 * count, MAX_CAPTURE_BUFFERS);
  count = MIN (count, max_count);

  /* Another pool's buffers: as many as capture-buffers, no growth. */
  if (self->import_memory)
    return decide_import_allocation (self, query, want ? want : count);

  pool = gst_tegra_csi_buffer_pool_new (self->device, self->memory);
  gst_tegra_csi_buffer_pool_set_layout (pool, &self->info, self->n_memories,
      self->memory_sizes, count, max_count);
  GST_OBJECT_LOCK (self);
  gst_tegra_csi_buffer_pool_set_timeout (pool, self->timeout);
  GST_OBJECT_UNLOCK (self);

  config = gst_buffer_pool_get_config (GST_BUFFER_POOL (pool));
  gst_buffer_pool_config_set_params (config, caps, self->info.size, count,
      count);
  gst_buffer_pool_config_add_option (config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  if (!gst_buffer_pool_set_config (GST_BUFFER_POOL (pool), config)) {
    gst_object_unref (pool);
    return FALSE;
  }

  /* Start it here rather than in GstBaseSrc so that a failure (the driver
   * refusing the buffers) gets its own message. */
  if (!gst_buffer_pool_set_active (GST_BUFFER_POOL (pool), TRUE)) {
    post_pool_error (self, pool);
    self->negotiation_error_posted = TRUE;
    gst_object_unref (pool);
    return FALSE;
  }

  /* Our pool replaces whatever downstream offered: basesrc activates it. */
  if (gst_query_get_n_allocation_pools (query) > 0)
    gst_query_set_nth_allocation_pool (query, 0, GST_BUFFER_POOL (pool),
        self->info.size, count, count);
  else
    gst_query_add_allocation_pool (query, GST_BUFFER_POOL (pool),
        self->info.size, count, count);

  GST_OBJECT_LOCK (self);
  gst_object_replace ((GstObject **) & self->pool, GST_OBJECT (pool));
  GST_OBJECT_UNLOCK (self);
  gst_object_unref (pool);
  self->format_changed = FALSE;

  return TRUE;
}

static void
post_pool_error (GstTegraCsiSrc * self, GstTegraCsiBufferPool * pool)
{
  const gchar *path = gst_tegra_csi_device_get_path (self->device);
  guint32 index = 0;
  gint err = gst_tegra_csi_buffer_pool_get_error (pool, &index);

  switch (err) {
    case -EPROTO:
      GST_ELEMENT_ERROR (self, RESOURCE, READ,
          ("Device '%s' returned buffer %u, which was not queued to it.",
              path, index), (NULL));
      break;
    case -EBUSY:
      post_open_error (self, path, err);
      break;
    case -EIO:
    case -ENODEV:
    case -ENXIO:
    case -EBADF:
      GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
          ("Device '%s' is gone: %s.", path, g_strerror (-err)), (NULL));
      break;
    default:
      GST_ELEMENT_ERROR (self, RESOURCE, READ,
          ("Capture from device '%s' failed: %s.", path,
              g_strerror (-err)), (NULL));
      break;
  }
}

/* A frame from the pool (mmap, dmabuf) or the import queue. Errors of the
 * import queue are posted here; *posted says so. */
static GstFlowReturn
acquire_frame (GstTegraCsiSrc * self, GstTegraCsiBufferPool * pool,
    GstTegraCsiImportQueue * importq, GstBuffer ** buf, gboolean * posted)
{
  GError *error = NULL;
  GstFlowReturn flow;

  if (pool)
    return gst_buffer_pool_acquire_buffer (GST_BUFFER_POOL (pool), buf, NULL);

  flow = gst_tegra_csi_import_queue_capture (importq, buf, &error);
  if (flow == GST_TEGRA_CSI_IMPORT_QUEUE_FLOW_STALLED)
    return GST_TEGRA_CSI_BUFFER_POOL_FLOW_STALLED;
  if (flow == GST_FLOW_ERROR) {
    post_gerror (self, error);
    *posted = TRUE;
  }
  return flow;
}

/* What the one object-lock section of a frame read. */
typedef struct
{
  GstClock *clock;              /* the pipeline clock, or NULL */
  gboolean clock_ref;           /* a reference was taken (a new clock) */
  GstClockTime base_time;
  gboolean drop;                /* an errored frame, error-frames=drop */
  gboolean copy;                /* copy-on-starvation copies this one */
  guint32 gap;                  /* frames lost before this one */
  guint64 captured, dropped;
} FrameSettings;

/* Everything a frame needs of the element, and its counting, in one
 * object-lock round trip. @starved: the driver has no other buffer. */
static void
account_frame (GstTegraCsiSrc * self, GstBuffer * buf, gboolean starved,
    FrameSettings * f)
{
  gboolean corrupted = GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_CORRUPTED);
  gsize copied = 0;

  GST_OBJECT_LOCK (self);
  f->clock = GST_ELEMENT_CLOCK (self);
  /* clock_sync keeps a reference to the clock it knows */
  f->clock_ref = f->clock && f->clock != self->clock_sync.clock;
  if (f->clock_ref)
    gst_object_ref (f->clock);
  f->base_time = GST_ELEMENT_CAST (self)->base_time;
  f->drop = corrupted && self->error_frames == GST_TEGRA_CSI_ERROR_FRAMES_DROP;
  f->copy = !f->drop && !self->copier && starved && self->copy_on_starvation;
  if (!f->drop)
    copied = self->copier ? gst_tegra_csi_copier_get_frame_size (self->copier)
        : f->copy ? gst_buffer_get_size (buf) : 0;
  f->gap = gst_tegra_csi_stats_count_frame (&self->stats,
      GST_BUFFER_OFFSET (buf), corrupted, copied);
  f->captured = self->stats.captured;
  f->dropped = self->stats.dropped;
  GST_OBJECT_UNLOCK (self);
}

/* PTS = the driver's capture time (CLOCK_MONOTONIC) in running time of the
 * pipeline clock (gsttegracsiclock.c: as it is on a clock proven to read
 * CLOCK_MONOTONIC, else moved by the measured offset). Without a monotonic
 * driver timestamp, the arrival time. */
static void
timestamp_buffer (GstTegraCsiSrc * self, GstBuffer * buf, FrameSettings * f)
{
  GstReferenceTimestampMeta *meta = gst_tegra_csi_clock_find_raw_meta (buf);
  GstClockTime pts = GST_CLOCK_TIME_NONE;

  if (f->clock) {
    GstClockTime capture = gst_tegra_csi_clock_sync_capture_time
        (&self->clock_sync, f->clock, meta ? meta->timestamp :
        GST_CLOCK_TIME_NONE);

    pts = capture > f->base_time ? capture - f->base_time : 0;
    /* clock_sync holds its own reference now */
    if (f->clock_ref)
      gst_object_unref (f->clock);
  }

  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DTS (buf) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (buf) = self->frame_duration;
  if (self->interlace_mode == GST_VIDEO_INTERLACE_MODE_INTERLEAVED) {
    GST_BUFFER_FLAG_SET (buf, GST_VIDEO_BUFFER_FLAG_INTERLACED);
    if (self->field_order == GST_VIDEO_FIELD_ORDER_TOP_FIELD_FIRST)
      GST_BUFFER_FLAG_SET (buf, GST_VIDEO_BUFFER_FLAG_TFF);
  }
}

static GstFlowReturn
gst_tegra_csi_src_create (GstPushSrc * psrc, GstBuffer ** outbuf)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (psrc);
  /* The streaming thread's own: negotiation (in this thread) and stop
   * (after it) are the only writers. */
  GstTegraCsiBufferPool *pool = self->pool;
  GstTegraCsiImportQueue *importq = pool ? NULL : self->importq;
  GstFlowReturn flow = GST_FLOW_ERROR;
  gboolean posted = FALSE;
  GstBuffer *buf;

  if (pool == NULL && importq == NULL) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL), ("no buffer pool"));
    return GST_FLOW_NOT_NEGOTIATED;
  }

  for (;;) {
    FrameSettings f;
    gboolean starved;

    flow = acquire_frame (self, pool, importq, &buf, &posted);
    if (flow != GST_FLOW_OK)
      break;

    starved = (pool ? gst_tegra_csi_buffer_pool_get_queued (pool) :
        gst_tegra_csi_import_queue_get_queued (importq)) == 0;
    account_frame (self, buf, starved, &f);
    timestamp_buffer (self, buf, &f);
    if (f.gap > 0)
      gst_tegra_csi_stats_post_drop (GST_ELEMENT (self),
          GST_BUFFER_OFFSET (buf), f.gap, f.captured, f.dropped,
          GST_BUFFER_PTS (buf), self->frame_duration);

    if (f.drop) {
      GST_DEBUG_OBJECT (self, "dropping errored frame %" G_GUINT64_FORMAT,
          GST_BUFFER_OFFSET (buf));
      gst_buffer_unref (buf);
      continue;
    }

    if (self->copier) {
      /* downstream cannot read the driver's layout */
      *outbuf = gst_tegra_csi_copier_copy (self->copier, buf);
      if (*outbuf == NULL) {
        GST_ELEMENT_ERROR (self, STREAM, FAILED, (NULL),
            ("a frame did not map for copying"));
        flow = GST_FLOW_ERROR;
        posted = TRUE;
      }
    } else if (f.copy) {
      /* the driver's last buffer: push a copy, give it back at once */
      *outbuf = gst_buffer_copy_deep (buf);
      gst_buffer_unref (buf);
      GST_DEBUG_OBJECT (self, "starved: pushing a %" G_GSIZE_FORMAT "-byte "
          "copy of frame %" G_GUINT64_FORMAT, gst_buffer_get_size (*outbuf),
          GST_BUFFER_OFFSET (*outbuf));
    } else {
      *outbuf = buf;
    }
    break;
  }

  if (flow == GST_TEGRA_CSI_BUFFER_POOL_FLOW_STALLED) {
    guint timeout;

    GST_OBJECT_LOCK (self);
    timeout = self->timeout;
    GST_OBJECT_UNLOCK (self);
    GST_ELEMENT_ERROR (self, RESOURCE, READ,
        ("Device '%s' stalled: no frame for %u ms.",
            gst_tegra_csi_device_get_path (self->device), timeout), (NULL));
    flow = GST_FLOW_ERROR;
  } else if (flow == GST_FLOW_ERROR && !posted) {
    post_pool_error (self, pool);
  }

  return flow;
}

/* Interrupts (or allows again) a capture waiting for a frame or a buffer. */
static void
set_flushing (GstTegraCsiSrc * self, gboolean flushing)
{
  GstTegraCsiBufferPool *pool = get_pool (self);
  GstTegraCsiImportQueue *importq = get_import_queue (self);

  if (pool) {
    gst_buffer_pool_set_flushing (GST_BUFFER_POOL (pool), flushing);
    gst_object_unref (pool);
  }
  if (importq) {
    gst_tegra_csi_import_queue_set_flushing (importq, flushing);
    gst_object_unref (importq);
  }
}

static gboolean
gst_tegra_csi_src_unlock (GstBaseSrc * bsrc)
{
  set_flushing (GST_TEGRA_CSI_SRC (bsrc), TRUE);
  return TRUE;
}

static gboolean
gst_tegra_csi_src_unlock_stop (GstBaseSrc * bsrc)
{
  set_flushing (GST_TEGRA_CSI_SRC (bsrc), FALSE);
  return TRUE;
}

static gboolean
gst_tegra_csi_src_query (GstBaseSrc * bsrc, GstQuery * query)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (bsrc);

  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY &&
      GST_CLOCK_TIME_IS_VALID (self->frame_duration)) {
    GstTegraCsiBufferPool *pool = get_pool (self);
    GstTegraCsiImportQueue *importq = get_import_queue (self);
    guint count = 0;
    GstClockTime min, max;

    if (pool) {
      count = gst_tegra_csi_buffer_pool_get_max_count (pool);
      gst_object_unref (pool);
    }
    if (importq) {
      count = gst_tegra_csi_import_queue_get_count (importq);
      gst_object_unref (importq);
    }
    if (count == 0) {
      GST_OBJECT_LOCK (self);
      count = self->capture_buffers ? self->capture_buffers :
          AUTO_CAPTURE_BUFFERS;
      GST_OBJECT_UNLOCK (self);
    }

    /* A frame is complete one interval after it started; the driver
     * holds at most count of them (the most it can grow to) before we
     * take one. */
    min = self->frame_duration;
    max = self->frame_duration * count;
    gst_query_set_latency (query, TRUE, min, max);
    GST_DEBUG_OBJECT (self, "latency min %" GST_TIME_FORMAT " max %"
        GST_TIME_FORMAT, GST_TIME_ARGS (min), GST_TIME_ARGS (max));
    return TRUE;
  }

  return GST_BASE_SRC_CLASS (parent_class)->query (bsrc, query);
}

/* ------------------------------------------------------------------ */
/* GObject */

static GstStructure *
build_stats (GstTegraCsiSrc * self)
{
  GstTegraCsiBufferPool *pool = get_pool (self);
  GstTegraCsiImportQueue *importq = get_import_queue (self);
  guint queued = 0, buffers = 0;
  guint64 delayed = 0;
  GstStructure *s;

  if (pool) {
    queued = gst_tegra_csi_buffer_pool_get_queued (pool);
    buffers = gst_tegra_csi_buffer_pool_get_count (pool);
    delayed = gst_tegra_csi_buffer_pool_get_delayed (pool);
    gst_object_unref (pool);
  }
  if (importq) {
    queued = gst_tegra_csi_import_queue_get_queued (importq);
    buffers = gst_tegra_csi_import_queue_get_count (importq);
    delayed = gst_tegra_csi_import_queue_get_delayed (importq);
    gst_object_unref (importq);
  }

  GST_OBJECT_LOCK (self);
  s = gst_tegra_csi_stats_to_structure (&self->stats, queued, buffers,
      delayed);
  GST_OBJECT_UNLOCK (self);

  return s;
}

static void
gst_tegra_csi_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (object);

  switch (prop_id) {
    case PROP_DEVICE:
      GST_OBJECT_LOCK (self);
      g_free (self->device_path);
      self->device_path = g_value_dup_string (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_IO_MODE:
      GST_OBJECT_LOCK (self);
      self->io_mode = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_CAPTURE_BUFFERS:{
      guint n = g_value_get_uint (value);

      if (n == 1) {
        GST_WARNING_OBJECT (self, "capture-buffers must be 0 or 2 to 32, "
            "using 2");
        n = MIN_CAPTURE_BUFFERS;
      }
      GST_OBJECT_LOCK (self);
      self->capture_buffers = n;
      GST_OBJECT_UNLOCK (self);
      break;
    }
    case PROP_EXTRA_CONTROLS:{
      const GstStructure *s = gst_value_get_structure (value);
      GstTegraCsiDevice *device;

      GST_OBJECT_LOCK (self);
      if (self->extra_controls)
        gst_structure_free (self->extra_controls);
      self->extra_controls = s ? gst_structure_copy (s) : NULL;
      GST_OBJECT_UNLOCK (self);

      /* Applied now when the device is open, else at start. */
      device = get_device (self);
      if (device) {
        gst_tegra_csi_controls_apply (GST_ELEMENT (self), device, s);
        gst_object_unref (device);
      }
      break;
    }
    case PROP_TIMEOUT:{
      GstTegraCsiBufferPool *pool;
      GstTegraCsiImportQueue *importq;

      GST_OBJECT_LOCK (self);
      self->timeout = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      pool = get_pool (self);
      if (pool) {
        gst_tegra_csi_buffer_pool_set_timeout (pool, g_value_get_uint (value));
        gst_object_unref (pool);
      }
      importq = get_import_queue (self);
      if (importq) {
        gst_tegra_csi_import_queue_set_timeout (importq,
            g_value_get_uint (value));
        gst_object_unref (importq);
      }
      break;
    }
    case PROP_ERROR_FRAMES:
      GST_OBJECT_LOCK (self);
      self->error_frames = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_COPY_ON_STARVATION:
      GST_OBJECT_LOCK (self);
      self->copy_on_starvation = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_PIXEL_ASPECT_RATIO:
      GST_OBJECT_LOCK (self);
      self->par_n = gst_value_get_fraction_numerator (value);
      self->par_d = gst_value_get_fraction_denominator (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_tegra_csi_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (object);

  switch (prop_id) {
    case PROP_DEVICE:
      GST_OBJECT_LOCK (self);
      g_value_set_string (value, self->device_path);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_DEVICE_NAME:{
      GstTegraCsiDevice *device = get_device (self);

      g_value_set_string (value, device ?
          gst_tegra_csi_device_get_card (device) : NULL);
      if (device)
        gst_object_unref (device);
      break;
    }
    case PROP_DEVICE_FD:{
      GstTegraCsiDevice *device = get_device (self);

      g_value_set_int (value, device ? gst_tegra_csi_device_get_fd (device) :
          -1);
      if (device)
        gst_object_unref (device);
      break;
    }
    case PROP_IO_MODE:
      GST_OBJECT_LOCK (self);
      g_value_set_enum (value, self->io_mode);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_CAPTURE_BUFFERS:
      GST_OBJECT_LOCK (self);
      g_value_set_uint (value, self->capture_buffers);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_EXTRA_CONTROLS:
      GST_OBJECT_LOCK (self);
      gst_value_set_structure (value, self->extra_controls);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_TIMEOUT:
      GST_OBJECT_LOCK (self);
      g_value_set_uint (value, self->timeout);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_ERROR_FRAMES:
      GST_OBJECT_LOCK (self);
      g_value_set_enum (value, self->error_frames);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_STATS:
      g_value_take_boxed (value, build_stats (self));
      break;
    case PROP_COPY_ON_STARVATION:
      GST_OBJECT_LOCK (self);
      g_value_set_boolean (value, self->copy_on_starvation);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_PIXEL_ASPECT_RATIO:
      GST_OBJECT_LOCK (self);
      gst_value_set_fraction (value, self->par_n, self->par_d);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_tegra_csi_src_finalize (GObject * object)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (object);

  g_free (self->device_path);
  if (self->extra_controls)
    gst_structure_free (self->extra_controls);
  gst_clear_caps (&self->probed_caps);
  gst_tegra_csi_clock_sync_clear (&self->clock_sync);
  gst_tegra_csi_caps_probe_clear (&self->probe);
  gst_clear_caps (&self->requested);
  gst_clear_caps (&self->configured);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_tegra_csi_src_class_init (GstTegraCsiSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);
  GstPushSrcClass *pushsrc_class = GST_PUSH_SRC_CLASS (klass);
  GstPadTemplate *templ;
  GstCaps *caps;

  gobject_class->set_property = gst_tegra_csi_src_set_property;
  gobject_class->get_property = gst_tegra_csi_src_get_property;
  gobject_class->finalize = gst_tegra_csi_src_finalize;

  g_object_class_install_property (gobject_class, PROP_DEVICE,
      g_param_spec_string ("device", "Device",
          "Path of the V4L2 video capture device node to open. "
          "Default: " DEFAULT_DEVICE ".", DEFAULT_DEVICE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  g_object_class_install_property (gobject_class, PROP_DEVICE_NAME,
      g_param_spec_string ("device-name", "Device Name",
          "Card name the driver reports for the open device (VIDIOC_QUERYCAP), "
          "or NULL while the device is closed.", NULL,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_property (gobject_class, PROP_DEVICE_FD,
      g_param_spec_int ("device-fd", "Device File Descriptor",
          "File descriptor of the open device, or -1 while it is closed "
          "(from -1 to the largest int).", -1, G_MAXINT, -1,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_property (gobject_class, PROP_IO_MODE,
      g_param_spec_enum ("io-mode", "I/O Mode",
          "How frames reach the pipeline: auto exports dma-bufs when the "
          "device supports VIDIOC_EXPBUF and maps the buffers otherwise; "
          "mmap maps them; dmabuf exports them and fails if the device "
          "cannot; dmabuf-import captures into the dma-bufs of downstream's "
          "buffer pool (v4l2 elements with io-mode=dmabuf, kmssink, an "
          "application's pool) and fails without one; userptr captures "
          "into the memory of downstream's pool, or of a page-aligned "
          "system-memory pool of the element's when downstream offers none, "
          "and fails with a specific message on memory the device cannot "
          "use (misaligned, too small, device-mapped VM_PFNMAP memory such "
          "as DRM dumb buffers). Default: auto.", GST_TYPE_TEGRA_CSI_IO_MODE,
          DEFAULT_IO_MODE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  g_object_class_install_property (gobject_class, PROP_CAPTURE_BUFFERS,
      g_param_spec_uint ("capture-buffers", "Capture Buffers",
          "Most buffers the driver may hold. The element starts with 4, or 2 "
          "more than downstream needs, but not above this, and adds one "
          "(VIDIOC_CREATE_BUFS) whenever downstream holds them all, up to "
          "this; beyond it the driver drops frames (see copy-on-starvation). "
          "In io-mode=dmabuf-import and userptr it is the most buffers "
          "queued to the driver at once; the other pool is asked for that "
          "many plus the minimum downstream needs. 0 = automatic: at most "
          "twice the starting number (import modes: the starting number). "
          "From 0 to 32. Default: 0.", 0, MAX_CAPTURE_BUFFERS, DEFAULT_CAPTURE_BUFFERS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  g_object_class_install_property (gobject_class, PROP_EXTRA_CONTROLS,
      g_param_spec_boxed ("extra-controls", "Extra Controls",
          "V4L2 controls to set, as a structure whose field names are the "
          "control names v4l2-ctl uses and whose values are integers or "
          "booleans, for example \"c,exposure=10000,test_pattern=1\". "
          "Applied when the device opens and at once when set while it is "
          "open. Default: none.", GST_TYPE_STRUCTURE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  g_object_class_install_property (gobject_class, PROP_TIMEOUT,
      g_param_spec_uint ("timeout", "Timeout",
          "Time in milliseconds without a frame, while buffers are queued to "
          "the driver, after which the sensor counts as stalled and the "
          "element posts an error instead of waiting for ever. From 1 to "
          "3600000. Default: 5000.", 1, MAX_TIMEOUT, DEFAULT_TIMEOUT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  g_object_class_install_property (gobject_class, PROP_ERROR_FRAMES,
      g_param_spec_enum ("error-frames", "Error Frames",
          "What to do with a frame the driver flags with "
          "V4L2_BUF_FLAG_ERROR: drop it, or push it with "
          "GST_BUFFER_FLAG_CORRUPTED set (mark). Default: drop.",
          GST_TYPE_TEGRA_CSI_ERROR_FRAMES, DEFAULT_ERROR_FRAMES,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Counters since the element started: captured (frames dequeued "
          "from the driver), dropped (frames missing from the driver's "
          "sequence numbers), errored (frames flagged V4L2_BUF_FLAG_ERROR), "
          "bytes-copied (bytes the element copied: 0 unless "
          "copy-on-starvation is on), delayed-returns (buffers whose return to "
          "the driver waited for a memory still referenced elsewhere), all "
          "guint64, queued (guint, buffers "
          "queued to the driver now) and buffers (guint, buffers the driver "
          "has now, grown by VIDIOC_CREATE_BUFS).", GST_TYPE_STRUCTURE,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_property (gobject_class, PROP_COPY_ON_STARVATION,
      g_param_spec_boolean ("copy-on-starvation", "Copy On Starvation",
          "When downstream holds every buffer but the one just captured "
          "and no more can be added (capture-buffers reached), push a "
          "system-memory copy of that frame and give its buffer back to "
          "the driver at once, so that the driver is not left without one. "
          "Every "
          "byte copied is counted in stats bytes-copied. Off: nothing is "
          "ever copied; the driver drops frames while it has no buffer, "
          "counted in stats dropped and posted as QoS. Default: off.",
          DEFAULT_COPY_ON_STARVATION, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstTegraCsiSrc:pixel-aspect-ratio:
   *
   * The pixel aspect ratio the raw caps carry, overriding the device's:
   * without it, the inverse of the `pixelaspect` that VIDIOC_CROPCAP
   * reports (V4L2 gives height over width; 1/1 when the driver gives
   * none). 0/1 (the default) means the device's. Read when the device
   * opens.
   *
   * Since: 0.2
   */
  g_object_class_install_property (gobject_class, PROP_PIXEL_ASPECT_RATIO,
      gst_param_spec_fraction ("pixel-aspect-ratio", "Pixel Aspect Ratio",
          "Pixel aspect ratio of the raw caps, overriding the device's "
          "(VIDIOC_CROPCAP); 0/1 means the device's.", 0, 1, G_MAXINT, 1, 0,
          1, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  gst_element_class_set_static_metadata (element_class,
      "Tegra CSI video source", "Source/Video",
      "Captures video from a V4L2 capture device as dma-bufs",
      "tegracsi developers");

  caps = gst_tegra_csi_format_template_caps ();
  templ = gst_pad_template_new ("src", GST_PAD_SRC, GST_PAD_ALWAYS, caps);
  gst_element_class_add_pad_template (element_class, templ);
  gst_caps_unref (caps);

  basesrc_class->start = GST_DEBUG_FUNCPTR (gst_tegra_csi_src_start);
  basesrc_class->stop = GST_DEBUG_FUNCPTR (gst_tegra_csi_src_stop);
  basesrc_class->get_caps = GST_DEBUG_FUNCPTR (gst_tegra_csi_src_get_caps);
  basesrc_class->negotiate = GST_DEBUG_FUNCPTR (gst_tegra_csi_src_negotiate);
  basesrc_class->fixate = GST_DEBUG_FUNCPTR (gst_tegra_csi_src_fixate);
  basesrc_class->set_caps = GST_DEBUG_FUNCPTR (gst_tegra_csi_src_set_caps);
  basesrc_class->decide_allocation =
      GST_DEBUG_FUNCPTR (gst_tegra_csi_src_decide_allocation);
  basesrc_class->unlock = GST_DEBUG_FUNCPTR (gst_tegra_csi_src_unlock);
  basesrc_class->unlock_stop =
      GST_DEBUG_FUNCPTR (gst_tegra_csi_src_unlock_stop);
  basesrc_class->query = GST_DEBUG_FUNCPTR (gst_tegra_csi_src_query);
  pushsrc_class->create = GST_DEBUG_FUNCPTR (gst_tegra_csi_src_create);

  gst_type_mark_as_plugin_api (GST_TYPE_TEGRA_CSI_IO_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_TEGRA_CSI_ERROR_FRAMES, 0);
}

static void
gst_tegra_csi_src_init (GstTegraCsiSrc * self)
{
  self->device_path = g_strdup (DEFAULT_DEVICE);
  self->io_mode = DEFAULT_IO_MODE;
  self->capture_buffers = DEFAULT_CAPTURE_BUFFERS;
  self->timeout = DEFAULT_TIMEOUT;
  self->error_frames = DEFAULT_ERROR_FRAMES;
  self->copy_on_starvation = DEFAULT_COPY_ON_STARVATION;
  self->frame_duration = GST_CLOCK_TIME_NONE;
  self->par_d = 1;

  gst_base_src_set_live (GST_BASE_SRC (self), TRUE);
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
  gst_base_src_set_do_timestamp (GST_BASE_SRC (self), FALSE);
}
