/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: a V4L2 video capture device, with no knowledge of pads or caps.
 */
#ifndef __GST_TEGRA_CSI_DEVICE_H__
#define __GST_TEGRA_CSI_DEVICE_H__

#include <gst/gst.h>
#include <linux/videodev2.h>

G_BEGIN_DECLS

#define GST_TYPE_TEGRA_CSI_DEVICE (gst_tegra_csi_device_get_type ())
G_DECLARE_FINAL_TYPE (GstTegraCsiDevice, gst_tegra_csi_device, GST,
    TEGRA_CSI_DEVICE, GstObject)

/**
 * GST_TEGRA_CSI_DEVICE_ENOTCAPTURE:
 *
 * The negative error code gst_tegra_csi_device_open() returns for a
 * character device that answers VIDIOC_QUERYCAP but has no video capture
 * capability. (-ENOTTY means it is not a V4L2 device at all.)
 */
#define GST_TEGRA_CSI_DEVICE_ENOTCAPTURE (-EMEDIUMTYPE)

GstTegraCsiDevice *gst_tegra_csi_device_new (const gchar * path);

const gchar *gst_tegra_csi_device_get_path (GstTegraCsiDevice * self);

gint gst_tegra_csi_device_open (GstTegraCsiDevice * self);

void gst_tegra_csi_device_close (GstTegraCsiDevice * self);

gint gst_tegra_csi_device_get_fd (GstTegraCsiDevice * self);

gboolean gst_tegra_csi_device_can_orphan_buffers (GstTegraCsiDevice * self);

const gchar *gst_tegra_csi_device_get_card (GstTegraCsiDevice * self);

const gchar *gst_tegra_csi_device_get_driver (GstTegraCsiDevice * self);

const struct v4l2_capability *gst_tegra_csi_device_get_capability (
    GstTegraCsiDevice * self);

guint32 gst_tegra_csi_device_get_buf_type (GstTegraCsiDevice * self);
void gst_tegra_csi_device_init_format (GstTegraCsiDevice * self,
    struct v4l2_format * fmt, guint width, guint height, guint32 fourcc);

GArray *gst_tegra_csi_device_enum_formats (GstTegraCsiDevice * self);

GArray *gst_tegra_csi_device_enum_frame_sizes (GstTegraCsiDevice * self,
    guint32 fourcc);

GArray *gst_tegra_csi_device_enum_frame_intervals (GstTegraCsiDevice * self,
    guint32 fourcc, guint32 width, guint32 height);

gint gst_tegra_csi_device_try_format (GstTegraCsiDevice * self,
    struct v4l2_format *fmt);

gint gst_tegra_csi_device_set_format (GstTegraCsiDevice * self,
    struct v4l2_format *fmt);

gint gst_tegra_csi_device_set_frame_interval (GstTegraCsiDevice * self,
    guint32 * numerator, guint32 * denominator);

gint gst_tegra_csi_device_get_frame_interval (GstTegraCsiDevice * self,
    guint32 * numerator, guint32 * denominator);

void gst_tegra_csi_device_set_capture_error (GstTegraCsiDevice * self,
    gint err, GError ** error);

void gst_tegra_csi_device_set_stall_error (GstTegraCsiDevice * self,
    guint timeout_ms, GError ** error);

gint gst_tegra_csi_device_get_pixel_aspect (GstTegraCsiDevice * self,
    guint32 * numerator, guint32 * denominator);

gint gst_tegra_csi_device_get_selection (GstTegraCsiDevice * self,
    guint32 target, struct v4l2_rect *rect);

gint gst_tegra_csi_device_set_selection (GstTegraCsiDevice * self,
    guint32 target, struct v4l2_rect *rect);

gint gst_tegra_csi_device_subscribe_source_change (GstTegraCsiDevice * self);

gint gst_tegra_csi_device_dequeue_event (GstTegraCsiDevice * self,
    guint32 * type);

void gst_tegra_csi_device_follow_source (GstTegraCsiDevice * self);

gint gst_tegra_csi_device_get_standard (GstTegraCsiDevice * self,
    guint64 * std);

gint gst_tegra_csi_device_request_buffers (GstTegraCsiDevice * self,
    guint32 memory, guint32 * count);

gint gst_tegra_csi_device_create_buffers (GstTegraCsiDevice * self,
    guint32 memory, guint32 * index);

gint gst_tegra_csi_device_query_buffer (GstTegraCsiDevice * self,
    struct v4l2_buffer *buf);

gint gst_tegra_csi_device_export_buffer (GstTegraCsiDevice * self,
    guint32 index, guint32 plane);

gint gst_tegra_csi_device_queue_buffer (GstTegraCsiDevice * self,
    struct v4l2_buffer *buf);

gint gst_tegra_csi_device_dequeue_buffer (GstTegraCsiDevice * self,
    struct v4l2_buffer *buf);

gint gst_tegra_csi_device_stream_on (GstTegraCsiDevice * self);

gint gst_tegra_csi_device_stream_off (GstTegraCsiDevice * self);

gint gst_tegra_csi_device_query_control (GstTegraCsiDevice * self,
    guint32 id, struct v4l2_query_ext_ctrl *ctrl);

gint gst_tegra_csi_device_find_control (GstTegraCsiDevice * self,
    const gchar * name, struct v4l2_query_ext_ctrl *ctrl);

gint gst_tegra_csi_device_set_control (GstTegraCsiDevice * self,
    guint32 id, gint64 value);

gint gst_tegra_csi_device_set_control_string (GstTegraCsiDevice * self,
    guint32 id, const gchar * value);

gint gst_tegra_csi_device_find_menu_entry (GstTegraCsiDevice * self,
    const struct v4l2_query_ext_ctrl *ctrl, const gchar * name,
    gint64 * index);

gint gst_tegra_csi_device_get_control (GstTegraCsiDevice * self,
    guint32 id, gint64 * value);

G_END_DECLS

#endif /* __GST_TEGRA_CSI_DEVICE_H__ */
