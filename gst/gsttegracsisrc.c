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
 * `timestamp/x-clock-monotonic`. The PTS is that capture time in running
 * time of the pipeline clock, whatever that clock is.
 *
 * A driver buffer goes back to the driver only when nothing can read it
 * any more: neither its buffer nor any memory of it (a shallow copy, an
 * application's reference) is alive. A consumer that does not read
 * #GstVideoMeta gets the default layout of the caps (asked of the driver,
 * else copied, with a warning). A new format or a stop ends the driver's
 * queue at once, even while downstream holds buffers, which stay valid.
 *
 * Buffer starvation: when downstream holds every buffer, the element adds
 * one (VIDIOC_CREATE_BUFS) up to #GstTegraCsiSrc:capture-buffers; beyond
 * that the driver drops the frames it has no buffer for. Frames the driver
 * skipped (gaps in the sequence) are counted in #GstTegraCsiSrc:stats and
 * posted as QoS messages; with #GstTegraCsiSrc:copy-on-starvation the
 * element instead pushes a system-memory copy of a frame that would leave
 * the driver without a buffer, counted in #GstTegraCsiSrc:stats as
 * bytes-copied. Frames the driver flags as erroneous are dropped or pushed
 * marked %GST_BUFFER_FLAG_CORRUPTED (#GstTegraCsiSrc:error-frames). When
 * no frame arrives for #GstTegraCsiSrc:timeout milliseconds the element
 * posts an error instead of waiting forever.
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
#include "gsttegracsiallocation.h"
#include "gsttegracsicaps.h"
#include "gsttegracsicapturequeue.h"
#include "gsttegracsicolorbalance.h"
#include "gsttegracsiclock.h"
#include "gsttegracsicontrols.h"
#include "gsttegracsicopier.h"
#include "gsttegracsicrop.h"
#include "gsttegracsidebug.h"
#include "gsttegracsidevice.h"
#include "gsttegracsiopen.h"
#include "gsttegracsistats.h"
#include "gsttegracsisrcproperties.h"

#include <errno.h>
#include <string.h>

#define GST_CAT_DEFAULT gst_tegra_csi_src_debug

enum
{
  SIGNAL_PREPARE_FORMAT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
  guint crop_edges[4];          /* left, top, right, bottom */

  /* The open device and the capture queue. Written under the object lock
   * in start(), stop() and the negotiation (streaming thread), which
   * reads them without it; other threads (property getters, unlock())
   * read them under the lock and take a reference. */
  GstTegraCsiDevice *device;
  GstTegraCsiCaptureQueue *queue;
  /* GstColorBalanceChannels of the open device: written in open_device()
   * and close_device() (state changes) only. */
  GList *channels;

  /* Written in start() only; probed_caps also cleared in stop(), both
   * under the object lock since get_caps() reads it from any thread. */
  GstTegraCsiAllocationParams alloc;    /* io memory; device: as above */
  GstCaps *probed_caps;
  GstTegraCsiProbe probe;       /* formats offered, PAR, field order */
  GstTegraCsiCrop crop;         /* what was cropped (object lock: bounds) */

  /* Negotiated state, streaming thread only. */
  GstCaps *requested;           /* the fixated caps last configured */
  GstTegraCsiConfigured cfg;    /* what the device does for them */
  GstTegraCsiCopier *copier;    /* frames copied into the default layout */
  GstClockTime frame_duration;
  gboolean format_changed;      /* configured since the queue was made */
  GstTegraCsiClockSync clock_sync;      /* CLOCK_MONOTONIC -> pipeline */

  /* Protected by the object lock (the sequence fields: the streaming
   * thread). */
  GstTegraCsiStats stats;
};

static void gst_tegra_csi_src_color_balance_init (GstColorBalanceInterface *
    iface);

#define gst_tegra_csi_src_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstTegraCsiSrc, gst_tegra_csi_src, GST_TYPE_PUSH_SRC,
    G_IMPLEMENT_INTERFACE (GST_TYPE_COLOR_BALANCE,
        gst_tegra_csi_src_color_balance_init));
GST_ELEMENT_REGISTER_DEFINE (tegracsisrc, "tegracsisrc", GST_RANK_NONE,
    GST_TYPE_TEGRA_CSI_SRC);

/* *@field (the device or the queue) with a reference, or NULL; the
 * pointers change under the object lock. */
static gpointer
ref_locked (GstTegraCsiSrc * self, gpointer field)
{
  GObject *obj;

  GST_OBJECT_LOCK (self);
  obj = *(GObject **) field ? g_object_ref (*(GObject **) field) : NULL;
  GST_OBJECT_UNLOCK (self);

  return obj;
}

#define get_device(self) \
    ((GstTegraCsiDevice *) ref_locked ((self), &(self)->device))
#define get_queue(self) \
    ((GstTegraCsiCaptureQueue *) ref_locked ((self), &(self)->queue))

/* Posts @error (made by a helper that knows the precise cause) as the
 * element's error or warning message; frees it. */
static void
post_gerror (GstTegraCsiSrc * self, GstMessageType type, GError * error)
{
  gst_element_message_full (GST_ELEMENT (self), type, error->domain,
      error->code, g_strdup (error->message), NULL, __FILE__, GST_FUNCTION,
      __LINE__);
  g_error_free (error);
}

/* ------------------------------------------------------------------ */
/* Opening */

/* The caps of @device, for get_caps(), with the memory:DMABuf feature
 * when @dmabuf. */
static gboolean
probe_caps (GstTegraCsiSrc * self, GstTegraCsiDevice * device,
    gboolean dmabuf, gint par_n, gint par_d)
{
  GstCaps *probed;

  gst_tegra_csi_caps_probe_clear (&self->probe);
  gst_tegra_csi_caps_probe_init (&self->probe, device, dmabuf);
  if (self->crop.active) {
    self->probe.crop_width = self->crop.rect.width;
    self->probe.crop_height = self->crop.rect.height;
  }
  if (par_n > 0) {
    self->probe.par_n = par_n;
    self->probe.par_d = par_d;
  }
  probed = gst_tegra_csi_caps_probe (device, &self->probe);
  if (gst_caps_is_empty (probed)) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT,
        ("Device '%s' offers no format this element supports; it offers: %s.",
            gst_tegra_csi_device_get_path (device), self->probe.offered[0] ?
            self->probe.offered : "nothing"), (NULL));
    gst_caps_unref (probed);
    return FALSE;
  }
  GST_DEBUG_OBJECT (self, "probed caps: %" GST_PTR_FORMAT, probed);
  GST_OBJECT_LOCK (self);
  gst_caps_replace (&self->probed_caps, probed);
  GST_OBJECT_UNLOCK (self);
  gst_caps_unref (probed);
  return TRUE;
}

/* Whether frames of @io_mode can be dma-bufs (the probed caps then offer
 * memory:DMABuf first; whether the device exports is known at start). */
static gboolean
io_mode_dmabuf (GstTegraCsiIoMode io_mode)
{
  return io_mode != GST_TEGRA_CSI_IO_MODE_MMAP &&
      io_mode != GST_TEGRA_CSI_IO_MODE_USERPTR;
}

/* Sets the crop of the crop-* properties on @device (the caps then
 * follow it). */
static gboolean
apply_crop (GstTegraCsiSrc * self, GstTegraCsiDevice * device)
{
  GstTegraCsiCrop crop = { 0 };
  GError *error = NULL;
  gboolean ok;

  GST_OBJECT_LOCK (self);
  crop.left = self->crop_edges[0];
  crop.top = self->crop_edges[1];
  crop.right = self->crop_edges[2];
  crop.bottom = self->crop_edges[3];
  GST_OBJECT_UNLOCK (self);

  ok = gst_tegra_csi_crop_apply (&crop, device, &error);
  if (!ok)
    post_gerror (self, GST_MESSAGE_ERROR, error);
  GST_OBJECT_LOCK (self);
  self->crop = crop;
  GST_OBJECT_UNLOCK (self);
  return ok;
}

/* Whether the crop-* properties changed since apply_crop(). */
static gboolean
crop_changed (GstTegraCsiSrc * self)
{
  gboolean changed;

  GST_OBJECT_LOCK (self);
  changed = self->crop_edges[0] != self->crop.left ||
      self->crop_edges[1] != self->crop.top ||
      self->crop_edges[2] != self->crop.right ||
      self->crop_edges[3] != self->crop.bottom;
  GST_OBJECT_UNLOCK (self);
  return changed;
}

/* NULL -> READY: opens the device, applies extra-controls and the crop and
 * probes the caps, so that a caps query in READY answers the device's. */
static gboolean
open_device (GstTegraCsiSrc * self)
{
  GstTegraCsiDevice *device;
  GstStructure *controls;
  GstTegraCsiIoMode io_mode;
  gchar *path;
  gint ret, par_n, par_d;
  gboolean ok = FALSE;

  GST_OBJECT_LOCK (self);
  path = g_strdup (self->device_path);
  io_mode = self->io_mode;
  par_n = self->par_n;
  par_d = self->par_d;
  controls = self->extra_controls ? gst_structure_copy (self->extra_controls)
      : NULL;
  GST_OBJECT_UNLOCK (self);

  device = gst_tegra_csi_open_device (GST_ELEMENT (self), path);
  if (device == NULL)
    goto out;
  gst_tegra_csi_controls_apply (GST_ELEMENT (self), device, controls);
  if (!apply_crop (self, device) ||
      !probe_caps (self, device, io_mode_dmabuf (io_mode), par_n, par_d))
    goto out;

  self->channels = gst_tegra_csi_color_balance_probe (device);
  ret = gst_tegra_csi_device_subscribe_source_change (device);
  GST_DEBUG_OBJECT (self, "source change events: %s", ret < 0 ?
      g_strerror (-ret) : "subscribed");
  GST_OBJECT_LOCK (self);
  self->device = gst_object_ref (device);
  self->alloc.device = device;
  GST_OBJECT_UNLOCK (self);
  GST_INFO_OBJECT (self, "opened '%s' (%s)", path,
      gst_tegra_csi_device_get_card (device));
  ok = TRUE;

out:
  if (device && !ok)
    gst_tegra_csi_device_close (device);
  g_clear_object (&device);
  g_free (path);
  if (controls)
    gst_structure_free (controls);
  return ok;
}

/* READY -> NULL: closes the device. */
static void
close_device (GstTegraCsiSrc * self)
{
  GstTegraCsiDevice *device;

  GST_OBJECT_LOCK (self);
  device = self->device;
  self->device = NULL;
  self->alloc.device = NULL;
  gst_clear_caps (&self->probed_caps);
  GST_OBJECT_UNLOCK (self);

  if (device) {
    gst_tegra_csi_device_close (device);
    gst_object_unref (device);
  }
  gst_tegra_csi_caps_probe_clear (&self->probe);
  g_clear_pointer (&self->channels, gst_tegra_csi_color_balance_free);
  GST_OBJECT_LOCK (self);
  memset (&self->crop, 0, sizeof (self->crop));
  GST_OBJECT_UNLOCK (self);
}

static GstStateChangeReturn
gst_tegra_csi_src_change_state (GstElement * element,
    GstStateChange transition)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_NULL_TO_READY && !open_device (self))
    return GST_STATE_CHANGE_FAILURE;

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);

  if (transition == GST_STATE_CHANGE_READY_TO_NULL ||
      (transition == GST_STATE_CHANGE_NULL_TO_READY &&
          ret == GST_STATE_CHANGE_FAILURE))
    close_device (self);
  return ret;
}

/* READY -> PAUSED: the queue is free, the io mode works; the caps are
 * probed again when what decides them changed since the device opened. */
static gboolean
gst_tegra_csi_src_start (GstBaseSrc * bsrc)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (bsrc);
  GstTegraCsiIoMode io_mode;
  gint par_n, par_d;
  gboolean dmabuf;

  GST_OBJECT_LOCK (self);
  io_mode = self->io_mode;
  par_n = self->par_n;
  par_d = self->par_d;
  memset (&self->stats, 0, sizeof (self->stats));
  GST_OBJECT_UNLOCK (self);

  if (self->device == NULL || !gst_tegra_csi_open_memory (GST_ELEMENT (self),
          self->device, io_mode, &self->alloc))
    return FALSE;
  dmabuf = self->alloc.memory == GST_TEGRA_CSI_POOL_MEMORY_DMABUF ||
      self->alloc.import_memory == V4L2_MEMORY_DMABUF;
  if (crop_changed (self)) {
    if (!apply_crop (self, self->device) ||
        !probe_caps (self, self->device, dmabuf, par_n, par_d))
      return FALSE;
  } else if ((dmabuf != self->probe.dmabuf || (par_n > 0 &&
              (par_n != self->probe.par_n || par_d != self->probe.par_d))) &&
      !probe_caps (self, self->device, dmabuf, par_n, par_d)) {
    return FALSE;
  }
  self->frame_duration = GST_CLOCK_TIME_NONE;

  GST_INFO_OBJECT (self, "started on '%s', %s memory",
      gst_tegra_csi_device_get_path (self->device),
      self->alloc.import_memory == V4L2_MEMORY_DMABUF ? "imported dma-buf" :
      self->alloc.import_memory == V4L2_MEMORY_USERPTR ? "user" :
      self->alloc.memory == GST_TEGRA_CSI_POOL_MEMORY_DMABUF ? "dma-buf" :
      "mmap");
  return TRUE;
}

/* Ends the capture queue, for a new format or a stop: the driver's queue
 * ends at once even while downstream holds buffers (they stay valid and
 * are freed when they come back). Returns how many buffers downstream
 * still holds when the driver could not let them go early (a warning
 * message says so), else 0. Streaming thread, or once it stopped, with
 * the device open. */
static guint
end_queue (GstTegraCsiSrc * self)
{
  GstTegraCsiCaptureQueue *queue;
  guint held = 0;

  GST_OBJECT_LOCK (self);
  queue = self->queue;
  self->queue = NULL;
  GST_OBJECT_UNLOCK (self);

  if (queue) {
    held = gst_tegra_csi_capture_queue_end (queue);
    if (held > 0)
      GST_ELEMENT_WARNING (self, RESOURCE, BUSY,
          ("Downstream still holds %u buffer%s of device '%s', whose driver "
              "cannot let them go early (no V4L2_BUF_CAP_SUPPORTS_ORPHANED_"
              "BUFS): the device stays busy until %s released.", held,
              held == 1 ? "" : "s",
              gst_tegra_csi_device_get_path (self->device),
              held == 1 ? "it is" : "they are"), (NULL));
    g_object_unref (queue);
  }
  g_clear_pointer (&self->copier, gst_tegra_csi_copier_free);
  return held;
}

/* PAUSED -> READY: the queue ends; the device stays open. */
static gboolean
gst_tegra_csi_src_stop (GstBaseSrc * bsrc)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (bsrc);

  if (self->device)
    end_queue (self);
  gst_clear_caps (&self->requested);
  gst_tegra_csi_caps_configured_clear (&self->cfg);
  gst_tegra_csi_clock_sync_clear (&self->clock_sync);

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Negotiation */

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
  GError *warning = NULL, *error = NULL;
  GstTegraCsiConfigured *cfg = &self->cfg;
  guint held;

  /* A new format needs the old buffers freed first: the queue ends now,
   * what downstream holds stays valid. */
  held = end_queue (self);
  gst_clear_caps (&self->requested);
  gst_tegra_csi_caps_configured_clear (cfg);

  /* the application's last word before the format is set */
  g_signal_emit (self, signals[SIGNAL_PREPARE_FORMAT], 0,
      gst_tegra_csi_device_get_fd (self->device), fixated);

  if (!gst_tegra_csi_caps_configure (self->device, &self->probe, fixated,
          held, cfg, &warning, &error) ||
      !gst_tegra_csi_crop_reapply (&self->crop, self->device, &error)) {
    post_gerror (self, GST_MESSAGE_ERROR, error);
    return FALSE;
  }
  if (warning)
    post_gerror (self, GST_MESSAGE_WARNING, warning);

  self->frame_duration = cfg->fps_n > 0 ?
      gst_util_uint64_scale (GST_SECOND, cfg->fps_d, cfg->fps_n) :
      GST_CLOCK_TIME_NONE;
  self->requested = gst_caps_ref (fixated);
  self->stats.have_sequence = FALSE;
  self->format_changed = TRUE;
  GST_INFO_OBJECT (self, "device set to %" GST_PTR_FORMAT ", stride %d, "
      "frame duration %" GST_TIME_FORMAT, cfg->caps, cfg->info.stride[0],
      GST_TIME_ARGS (self->frame_duration));

  if (!gst_pad_peer_query_accept_caps (GST_BASE_SRC_PAD (self), cfg->caps)) {
    post_refused (self, fixated, cfg->caps);
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
  if (self->cfg.caps && gst_caps_is_equal (fixated, self->requested))
    ok = TRUE;
  else
    ok = configure (self, fixated);
  gst_caps_unref (fixated);

  return ok && gst_base_src_set_caps (bsrc, self->cfg.caps);
}

/* Largest size at the highest rate of the preferred format, with the
 * driver's colorimetry (gst_tegra_csi_caps_fixate()). */
static GstCaps *
gst_tegra_csi_src_fixate (GstBaseSrc * bsrc, GstCaps * caps)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (bsrc);

  return gst_tegra_csi_caps_fixate (caps, self->device, self->probe.fourccs);
}

/* negotiate() set the device for these caps already. */
static gboolean
gst_tegra_csi_src_set_caps (GstBaseSrc * bsrc, GstCaps * caps)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (bsrc);

  if (self->cfg.caps && gst_caps_is_equal (caps, self->cfg.caps))
    return TRUE;
  GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
      ("caps %" GST_PTR_FORMAT " were not negotiated by the element", caps));
  return FALSE;
}

static gboolean
gst_tegra_csi_src_decide_allocation (GstBaseSrc * bsrc, GstQuery * query)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (bsrc);
  GError *warning = NULL, *error = NULL;
  GstTegraCsiCaptureQueue *queue;

  if (self->cfg.caps == NULL)
    return FALSE;

  /* Renegotiation to the same format (a RECONFIGURE from downstream):
   * keep streaming with the same queue, whose buffers may be downstream. */
  if (!self->format_changed && self->queue) {
    gst_tegra_csi_allocation_keep (self->queue, query, self->cfg.info.size);
    return TRUE;
  }

  GST_OBJECT_LOCK (self);
  self->alloc.capture_buffers = self->capture_buffers;
  self->alloc.timeout_ms = self->timeout;
  GST_OBJECT_UNLOCK (self);

  g_clear_pointer (&self->copier, gst_tegra_csi_copier_free);
  queue = gst_tegra_csi_allocation_decide (&self->alloc, &self->cfg, query,
      &self->copier, &warning, &error);
  if (warning)
    post_gerror (self, GST_MESSAGE_WARNING, warning);
  if (queue == NULL) {
    post_gerror (self, GST_MESSAGE_ERROR, error);
    return FALSE;
  }

  GST_OBJECT_LOCK (self);
  self->queue = queue;
  GST_OBJECT_UNLOCK (self);
  self->format_changed = FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Capture */

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
  if (self->cfg.interlace_mode == GST_VIDEO_INTERLACE_MODE_INTERLEAVED) {
    GST_BUFFER_FLAG_SET (buf, GST_VIDEO_BUFFER_FLAG_INTERLACED);
    if (self->cfg.field_order == GST_VIDEO_FIELD_ORDER_TOP_FIELD_FIRST)
      GST_BUFFER_FLAG_SET (buf, GST_VIDEO_BUFFER_FLAG_TFF);
  }
}

/* What is pushed for @buf (transfer full): a default-layout copy, a copy
 * on starvation, or @buf. */
static GstBuffer *
deliver (GstTegraCsiSrc * self, GstBuffer * buf, gboolean copy)
{
  GstBuffer *out;

  if (self->copier)
    return gst_tegra_csi_copier_copy (self->copier, buf);
  if (!copy)
    return buf;

  /* the driver's last buffer: push a copy, give it back at once */
  out = gst_buffer_copy_deep (buf);
  gst_buffer_unref (buf);
  GST_DEBUG_OBJECT (self, "starved: pushing a %" G_GSIZE_FORMAT "-byte copy "
      "of frame %" G_GUINT64_FORMAT, gst_buffer_get_size (out),
      GST_BUFFER_OFFSET (out));
  return out;
}

/* The device polled an event: when it is a source change
 * (V4L2_EVENT_SOURCE_CHANGE) the caps are probed again and the element
 * renegotiates from scratch, following what the input now receives.
 * Returns GST_FLOW_OK to capture on, GST_FLOW_ERROR when the events or the
 * probe failed (posted), GST_FLOW_NOT_NEGOTIATED when downstream takes
 * none of the new caps. */
static GstFlowReturn
follow_source_change (GstTegraCsiSrc * self)
{
  gboolean changed = FALSE;
  gint ret, par_n, par_d;
  guint32 type;

  while ((ret = gst_tegra_csi_device_dequeue_event (self->device,
              &type)) == 0)
    changed |= type == V4L2_EVENT_SOURCE_CHANGE;
  if (ret != -ENOENT) {
    GError *error = NULL;

    gst_tegra_csi_device_set_capture_error (self->device, ret, &error);
    post_gerror (self, GST_MESSAGE_ERROR, error);
    return GST_FLOW_ERROR;
  }
  if (!changed)
    return GST_FLOW_OK;

  GST_INFO_OBJECT (self, "the source of '%s' changed: renegotiating",
      gst_tegra_csi_device_get_path (self->device));
  end_queue (self);
  gst_tegra_csi_device_follow_source (self->device);
  GST_OBJECT_LOCK (self);
  par_n = self->par_n;
  par_d = self->par_d;
  GST_OBJECT_UNLOCK (self);
  if (!probe_caps (self, self->device, self->probe.dmabuf, par_n, par_d))
    return GST_FLOW_ERROR;
  gst_clear_caps (&self->requested);
  gst_tegra_csi_caps_configured_clear (&self->cfg);
  if (!gst_base_src_negotiate (GST_BASE_SRC (self)) || self->queue == NULL)
    return GST_FLOW_NOT_NEGOTIATED;
  return GST_FLOW_OK;
}

static GstFlowReturn
gst_tegra_csi_src_create (GstPushSrc * psrc, GstBuffer ** outbuf)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (psrc);
  /* The streaming thread's own: negotiation (in this thread) and stop
   * (after it) are the only writers. */
  GstTegraCsiCaptureQueue *queue = self->queue;
  GError *error = NULL;
  GstFlowReturn flow;
  FrameSettings f;
  GstBuffer *buf;

  if (queue == NULL) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL), ("no capture queue"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
#ifdef TCS_BREAK_EARLY_EOS
  {
    /* deliberate breakage (tests/breakage/): the stream ends early */
    static guint frames;

    if (++frames > 12)
      return GST_FLOW_EOS;
  }
#endif

  for (;;) {
    flow = gst_tegra_csi_capture_queue_capture (queue, &buf, &error);
    if (flow == GST_TEGRA_CSI_CAPTURE_QUEUE_FLOW_SOURCE_CHANGE) {
      flow = follow_source_change (self);
      if (flow != GST_FLOW_OK)
        return flow;
      queue = self->queue;
      continue;
    }
    if (flow != GST_FLOW_OK)
      break;

    account_frame (self, buf, gst_tegra_csi_capture_queue_is_starved (queue),
        &f);
    timestamp_buffer (self, buf, &f);
    if (f.gap > 0)
      gst_tegra_csi_stats_post_drop (GST_ELEMENT (self),
          GST_BUFFER_OFFSET (buf), f.gap, f.captured, f.dropped,
          GST_BUFFER_PTS (buf), self->frame_duration);

    if (!f.drop)
      break;
    GST_DEBUG_OBJECT (self, "dropping errored frame %" G_GUINT64_FORMAT,
        GST_BUFFER_OFFSET (buf));
    gst_buffer_unref (buf);
  }

  if (flow == GST_FLOW_ERROR && error)
    post_gerror (self, GST_MESSAGE_ERROR, error);
  if (flow != GST_FLOW_OK)
    return flow;

  *outbuf = deliver (self, buf, f.copy);
  if (*outbuf == NULL) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED, (NULL),
        ("a frame did not map for copying"));
    return GST_FLOW_ERROR;
  }
  return GST_FLOW_OK;
}

/* Interrupts (or allows again) a capture waiting for a frame or a buffer. */
static void
set_flushing (GstTegraCsiSrc * self, gboolean flushing)
{
  GstTegraCsiCaptureQueue *queue = get_queue (self);

  if (queue) {
    gst_tegra_csi_capture_queue_set_flushing (queue, flushing);
    g_object_unref (queue);
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
    GstTegraCsiCaptureQueue *queue = get_queue (self);
    GstClockTime min, max;
    guint count = 0;

    if (queue) {
      count = gst_tegra_csi_capture_queue_get_max_buffers (queue);
      g_object_unref (queue);
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
/* GstColorBalance (gsttegracsicolorbalance.c): the device's brightness,
 * contrast, saturation and hue, while it is open (READY and up). */

static const GList *
gst_tegra_csi_src_list_channels (GstColorBalance * balance)
{
  return GST_TEGRA_CSI_SRC (balance)->channels;
}

static void
gst_tegra_csi_src_set_channel (GstColorBalance * balance,
    GstColorBalanceChannel * channel, gint value)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (balance);
  GstTegraCsiDevice *device = get_device (self);

  if (device && gst_tegra_csi_color_balance_set (device, channel, value))
    gst_color_balance_value_changed (balance, channel, value);
  else
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        ("Device '%s' did not take %s=%d.", device ?
            gst_tegra_csi_device_get_path (device) : "(closed)",
            channel->label, value), (NULL));
  g_clear_object (&device);
}

static gint
gst_tegra_csi_src_get_channel (GstColorBalance * balance,
    GstColorBalanceChannel * channel)
{
  GstTegraCsiDevice *device = get_device (GST_TEGRA_CSI_SRC (balance));
  gint value = channel->min_value;

  if (device) {
    value = gst_tegra_csi_color_balance_get (device, channel);
    gst_object_unref (device);
  }
  return value;
}

static GstColorBalanceType
gst_tegra_csi_src_get_balance_type (G_GNUC_UNUSED GstColorBalance * balance)
{
  return GST_COLOR_BALANCE_HARDWARE;
}

static void
gst_tegra_csi_src_color_balance_init (GstColorBalanceInterface * iface)
{
  iface->list_channels = gst_tegra_csi_src_list_channels;
  iface->set_value = gst_tegra_csi_src_set_channel;
  iface->get_value = gst_tegra_csi_src_get_channel;
  iface->get_balance_type = gst_tegra_csi_src_get_balance_type;
}

/* ------------------------------------------------------------------ */
/* GObject */

static GstStructure *
build_stats (GstTegraCsiSrc * self)
{
  GstTegraCsiCaptureQueue *queue = get_queue (self);
  guint queued = 0, buffers = 0;
  guint64 delayed = 0;
  GstStructure *s;

  if (queue) {
    gst_tegra_csi_capture_queue_get_stats (queue, &queued, &buffers,
        &delayed);
    g_object_unref (queue);
  }

  GST_OBJECT_LOCK (self);
  s = gst_tegra_csi_stats_to_structure (&self->stats, queued, buffers,
      delayed);
  GST_OBJECT_UNLOCK (self);

  return s;
}

/* The crop_edges[] entry of a crop-* property. */
static guint
crop_edge (guint prop_id)
{
  switch (prop_id) {
    case PROP_CROP_LEFT:
      return 0;
    case PROP_CROP_TOP:
      return 1;
    case PROP_CROP_RIGHT:
      return 2;
    default:
      return 3;
  }
}

static void
gst_tegra_csi_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstTegraCsiSrc *self = GST_TEGRA_CSI_SRC (object);

  switch (prop_id) {
    case PROP_DEVICE:{
      gboolean reopen;

      GST_OBJECT_LOCK (self);
      g_free (self->device_path);
      self->device_path = g_value_dup_string (value);
      /* in READY the open device is the old one: open the new one */
      reopen = self->device != NULL && GST_STATE (self) == GST_STATE_READY;
      GST_OBJECT_UNLOCK (self);
      if (reopen) {
        close_device (self);
        open_device (self);
      }
      break;
    }
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
      GstTegraCsiCaptureQueue *queue;

      GST_OBJECT_LOCK (self);
      self->timeout = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      queue = get_queue (self);
      if (queue) {
        gst_tegra_csi_capture_queue_set_timeout (queue,
            g_value_get_uint (value));
        g_object_unref (queue);
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
    case PROP_CROP_LEFT:
    case PROP_CROP_TOP:
    case PROP_CROP_RIGHT:
    case PROP_CROP_BOTTOM:
      GST_OBJECT_LOCK (self);
      self->crop_edges[crop_edge (prop_id)] = g_value_get_uint (value);
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
  GstTegraCsiDevice *device;

  switch (prop_id) {
    case PROP_DEVICE:
      GST_OBJECT_LOCK (self);
      g_value_set_string (value, self->device_path);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_DEVICE_NAME:
      device = get_device (self);
      g_value_set_string (value, device ?
          gst_tegra_csi_device_get_card (device) : NULL);
      g_clear_object (&device);
      break;
    case PROP_DEVICE_FD:
      device = get_device (self);
      g_value_set_int (value, device ? gst_tegra_csi_device_get_fd (device) :
          -1);
      g_clear_object (&device);
      break;
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
    case PROP_CROP_LEFT:
    case PROP_CROP_TOP:
    case PROP_CROP_RIGHT:
    case PROP_CROP_BOTTOM:
      GST_OBJECT_LOCK (self);
      g_value_set_uint (value, self->crop_edges[crop_edge (prop_id)]);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_CROP_BOUNDS:{
      GValue bounds = G_VALUE_INIT;

      GST_OBJECT_LOCK (self);
      gst_tegra_csi_crop_get_bounds (&self->crop, &bounds);
      GST_OBJECT_UNLOCK (self);
      g_value_copy (&bounds, value);
      g_value_unset (&bounds);
      break;
    }
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
  gst_tegra_csi_caps_configured_clear (&self->cfg);
  gst_tegra_csi_color_balance_free (self->channels);

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
  gst_tegra_csi_src_properties_install (gobject_class);

  /**
   * GstTegraCsiSrc::prepare-format:
   * @tegracsisrc: the element
   * @fd: the file descriptor of the open device
   * @caps: the caps whose format is about to be set
   *
   * Emitted in the streaming thread right before the element sets the
   * format of @caps with VIDIOC_S_FMT (at each negotiation that changes
   * the format): the place to configure what the element does not, such
   * as the links and subdevice formats of a media-controller pipeline,
   * through @fd. As v4l2src's signal of the same name.
   *
   * Since: 0.2
   */
  signals[SIGNAL_PREPARE_FORMAT] = g_signal_new ("prepare-format",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, G_TYPE_INT, GST_TYPE_CAPS);

  gst_element_class_set_static_metadata (element_class,
      "Tegra CSI video source", "Source/Video",
      "Captures video from a V4L2 capture device as dma-bufs",
      "tegracsi developers");

  caps = gst_tegra_csi_format_template_caps ();
  templ = gst_pad_template_new ("src", GST_PAD_SRC, GST_PAD_ALWAYS, caps);
  gst_element_class_add_pad_template (element_class, templ);
  gst_caps_unref (caps);

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_tegra_csi_src_change_state);
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
  self->par_d = 1;
  self->frame_duration = GST_CLOCK_TIME_NONE;

  gst_base_src_set_live (GST_BASE_SRC (self), TRUE);
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
  gst_base_src_set_do_timestamp (GST_BASE_SRC (self), FALSE);
}
