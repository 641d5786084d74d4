/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The capture device under test, found and queried with plain V4L2,
 * independent of the element (tcs-v4l2.c).
 */
#ifndef TCS_V4L2_H
#define TCS_V4L2_H

#include <gst/check/gstcheck.h>

#include <linux/videodev2.h>

/* Set by main() before the suite runs (find_nodes fills the nodes). */
extern const gchar *driver;     /* driver name under test */
extern gchar *device;           /* its capture node */
extern gchar *device2;          /* a second capture node, if any */
extern gchar *other_node;       /* a V4L2 node of it that cannot capture */
extern gboolean ours;           /* driver is tegra-csi-sg */

/* A format the device offers that the element can produce, at its
 * smallest size and the rate the tests use. */
typedef struct
{
  guint32 fourcc;
  gchar *caps;                  /* "video/x-raw,format=UYVY" */
  guint width, height;
  gchar *rate;                  /* ",framerate=10/1", or "" */
} DeviceFormat;

gint open_node (const gchar * path, struct v4l2_capability *cap);
void find_nodes (void);
gchar *capture_node_of (const gchar * driver_name);
guint32 buf_type_of (gint fd);
void get_format (struct v4l2_format *fmt);
guint32 fmt_bytesperline (const struct v4l2_format *fmt, guint plane);
GArray *device_formats (void);
void free_formats (GArray * formats);
gboolean device_offers (guint32 fourcc);
gchar *small_caps (void);
gboolean fd_exported_by_vb2 (gint fd);

/* How many bytes of a frame of @height lines of @stride bytes differ from
 * tegra-csi-sg's counter pattern for sequence @seq (uapi header); only the
 * first @line_bytes bytes of each line are compared (a copy into another
 * layout drops the driver's padding), all of them when 0. */
gsize counter_mismatches (const guint8 * data, gsize size, guint stride,
    guint line_bytes, guint height, guint32 seq);

#endif /* TCS_V4L2_H */
