/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/types.h>
#include <linux/videodev2.h>
#include <linux/tegra-csi-sg.h>
#include <gst/allocators/allocators.h>
#include <gst/video/video.h>

#include "zc-common.h"

struct zc_evidence zc_ev;
const gchar *zc_pool_prefix;

gint zc_fail(const gchar *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_printerr("FAIL: ");
	vfprintf(stderr, fmt, ap);
	g_printerr("\n");
	va_end(ap);
	return 1;
}

/* First /dev/videoN whose driver is @driver and whose device caps have all of @need_caps. */
gchar *zc_find_node(const gchar *driver, guint32 need_caps)
{
	for (int i = 0; i < 64; i++) {
		gchar *path = g_strdup_printf("/dev/video%d", i);
		struct v4l2_capability cap = { 0 };
		int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		gboolean match = fd >= 0 && ioctl(fd, VIDIOC_QUERYCAP, &cap) == 0 &&
				 strcmp((const char *)cap.driver, driver) == 0 &&
				 (cap.device_caps & need_caps) == need_caps;

		if (fd >= 0)
			close(fd);
		if (match)
			return path;
		g_free(path);
	}
	return NULL;
}

/*
 * The importers' own evidence (GStreamer 1.22 log records): the v4l2 pools
 * log "importing dmabuf" in gst_v4l2_buffer_pool_import_dmabuf for every
 * frame they import, and go through gst_v4l2_buffer_pool_copy_buffer when
 * they copy; kmssink logs every PRIME import in gst_kms_sink_import_dmabuf.
 * Only pools of the raw side count (their name ends in ":sink"): an
 * encoder's CAPTURE pool copies the encoded bytes, which is no frame copy.
 */
static void count_evidence(GstDebugCategory *cat, GstDebugLevel level, const gchar *file,
			   const gchar *function, gint line, GObject *obj,
			   GstDebugMessage *message, gpointer data)
{
	const gchar *name = gst_debug_category_get_name(cat);
	gboolean raw_pool = GST_IS_OBJECT(obj) && GST_OBJECT_NAME(obj) &&
			    g_str_has_suffix(GST_OBJECT_NAME(obj), ":sink") &&
			    (!zc_pool_prefix || g_str_has_prefix(GST_OBJECT_NAME(obj), zc_pool_prefix));
	const gchar *text;

	if ((strcmp(name, "kmssink") != 0 && strcmp(name, "v4l2bufferpool") != 0) ||
	    level <= GST_LEVEL_WARNING) {
		gst_debug_log_default(cat, level, file, function, line, obj, message, data);
		return;
	}
	text = gst_debug_message_get(message);
	if (strcmp(function, "gst_kms_sink_import_dmabuf") == 0) {
		if (g_str_has_prefix(text, "setting KMS mem")) {
			g_atomic_int_inc(&zc_ev.kms_imports);
			g_atomic_int_inc(&zc_ev.kms_new_fbs);
		} else if (g_str_has_prefix(text, "found KMS mem")) {
			g_atomic_int_inc(&zc_ev.kms_imports);
		}
	} else if (strcmp(function, "gst_v4l2_buffer_pool_import_dmabuf") == 0 &&
		   strcmp(text, "importing dmabuf") == 0 && raw_pool) {
		g_atomic_int_inc(&zc_ev.v4l2_imports);
	} else if (strcmp(function, "gst_v4l2_buffer_pool_copy_buffer") == 0 && raw_pool) {
		g_atomic_int_inc(&zc_ev.v4l2_copies);
	}
}

void zc_evidence_reset(void)
{
	memset(&zc_ev, 0, sizeof(zc_ev));
}

void zc_watch_importers(void)
{
	zc_evidence_reset();
	gst_debug_remove_log_function(gst_debug_log_default);
	gst_debug_add_log_function(count_evidence, NULL, NULL);
	gst_debug_set_threshold_for_name("kmssink", GST_LEVEL_LOG);
	gst_debug_set_threshold_for_name("v4l2bufferpool", GST_LEVEL_LOG);
	gst_debug_set_active(TRUE);
}

void zc_unwatch_importers(void)
{
	gst_debug_set_threshold_for_name("kmssink", GST_LEVEL_WARNING);
	gst_debug_set_threshold_for_name("v4l2bufferpool", GST_LEVEL_WARNING);
}

/* The "exp_name:" line of a dma-buf fd's fdinfo (kernel 5.x and later). */
static gchar *exporter_of(int fd)
{
	gchar *path = g_strdup_printf("/proc/self/fdinfo/%d", fd);
	gchar *text = NULL, *name = NULL;

	if (g_file_get_contents(path, &text, NULL, NULL)) {
		gchar *p = strstr(text, "exp_name:");

		if (p)
			name = g_strstrip(g_strndup(p + 9, strcspn(p + 9, "\n")));
	}
	g_free(text);
	g_free(path);
	return name;
}

static GstPadProbeReturn follow_buffer(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	struct zc_follow *f = data;
	GstBuffer *buf;
	guint64 seq;

	(void)pad;
	if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
		GstEvent *ev = GST_PAD_PROBE_INFO_EVENT(info);
		GstCaps *caps;

		if (GST_EVENT_TYPE(ev) == GST_EVENT_CAPS) {
			gst_event_parse_caps(ev, &caps);
			gst_caps_replace(&f->caps, caps);
		}
		return GST_PAD_PROBE_OK;
	}
	buf = GST_PAD_PROBE_INFO_BUFFER(info);
	seq = GST_BUFFER_OFFSET(buf);
	f->frames++;
	g_array_append_val(f->seqs, seq);
	if (gst_buffer_n_memory(buf) != 1)
		f->multi_memory++;
	if (f->verify) {
		GstVideoMeta *meta = gst_buffer_get_video_meta(buf);
		GstMapInfo map;

		if (!meta || !gst_buffer_map(buf, &map, GST_MAP_READ)) {
			f->bad_content++;
		} else {
			if (zc_counter_mismatches(map.data, map.size, meta->stride[0], (guint32)seq))
				f->bad_content++;
			gst_buffer_unmap(buf, &map);
		}
	}
	for (guint i = 0; i < gst_buffer_n_memory(buf); i++) {
		GstMemory *mem = gst_buffer_peek_memory(buf, i);
		struct stat st;
		int fd;

		if (!gst_is_dmabuf_memory(mem)) {
			f->not_dmabuf++;
			continue;
		}
		if (!mem->allocator || strcmp(G_OBJECT_TYPE_NAME(mem->allocator),
					      "GstTegraCsiAllocator") != 0)
			f->foreign++;
		fd = gst_dmabuf_memory_get_fd(mem);
		if (fstat(fd, &st) != 0) {
			f->not_dmabuf++;
			continue;
		}
		if (!g_hash_table_contains(f->inodes, GSIZE_TO_POINTER(st.st_ino))) {
			gchar *exp = exporter_of(fd);

			g_print("dma-buf fd %d inode %lu exporter %s\n", fd,
				(unsigned long)st.st_ino, exp ? exp : "?");
			if (g_strcmp0(exp, ZC_EXPORTER) != 0)
				f->wrong_exporter++;
			g_free(exp);
			g_hash_table_insert(f->inodes, GSIZE_TO_POINTER(st.st_ino),
					    GINT_TO_POINTER(fd));
		}
	}
	return GST_PAD_PROBE_OK;
}

struct zc_follow *zc_follow_pad(GstElement *pipe, const gchar *element, const gchar *pad_name)
{
	struct zc_follow *f = g_new0(struct zc_follow, 1);
	GstElement *e = gst_bin_get_by_name(GST_BIN(pipe), element);
	GstPad *pad;

	g_assert(e);
	pad = gst_element_get_static_pad(e, pad_name);
	g_assert(pad);
	f->seqs = g_array_new(FALSE, FALSE, sizeof(guint64));
	f->inodes = g_hash_table_new(g_direct_hash, g_direct_equal);
	gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
			  follow_buffer, f, NULL);
	gst_object_unref(pad);
	gst_object_unref(e);
	return f;
}

void zc_follow_free(struct zc_follow *f)
{
	gst_caps_replace(&f->caps, NULL);
	g_array_unref(f->seqs);
	g_hash_table_unref(f->inodes);
	g_free(f);
}

/*
 * Every memory that reached the pad is a dma-buf of the element's allocator
 * exported by our driver, and the distinct dma-bufs (inodes) are exactly the
 * element's @buffers capture buffers: exported once, recycled, never a new
 * one per frame.
 */
gint zc_follow_check(const struct zc_follow *f, guint buffers)
{
	guint distinct = g_hash_table_size(f->inodes);
	gint failures = 0;

	g_print("downstream: %u frames, %u distinct dma-bufs (capture-buffers %u)\n",
		f->frames, distinct, buffers);
	if (f->frames == 0)
		failures += zc_fail("no frame reached the importer");
	if (f->not_dmabuf)
		failures += zc_fail("%u memories were not dma-buf memory", f->not_dmabuf);
	if (f->foreign)
		failures += zc_fail("%u memories were not the element's", f->foreign);
	if (f->wrong_exporter)
		failures += zc_fail("%u dma-bufs not exported by %s", f->wrong_exporter, ZC_EXPORTER);
	if (f->multi_memory)
		failures += zc_fail("%u buffers with more than one memory", f->multi_memory);
	if (f->verify && f->bad_content)
		failures += zc_fail("%u frames handed to the importer are not the counter pattern",
				    f->bad_content);
	if (distinct != buffers)
		failures += zc_fail("%u distinct dma-bufs, the element has %u buffers",
				    distinct, buffers);
	return failures;
}

gchar *zc_run(GstElement *pipe, guint timeout_s)
{
	GstMessage *msg;
	gchar *error = NULL;

	if (gst_element_set_state(pipe, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
		g_printerr("the pipeline did not start\n");
	msg = gst_bus_timed_pop_filtered(GST_ELEMENT_BUS(pipe), timeout_s * GST_SECOND,
					 GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
	if (!msg) {
		error = g_strdup_printf("no EOS within %u s", timeout_s);
	} else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
		GError *err = NULL;
		gchar *dbg = NULL;

		gst_message_parse_error(msg, &err, &dbg);
		error = g_strdup_printf("%s: %s (%s)", GST_OBJECT_NAME(msg->src),
					err->message, dbg ? dbg : "");
		g_error_free(err);
		g_free(dbg);
	}
	if (msg)
		gst_message_unref(msg);
	gst_element_set_state(pipe, GST_STATE_NULL);
	return error;
}

gint zc_check_stats(GstElement *pipe, guint frames)
{
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipe), "src");
	GstStructure *stats = NULL;
	guint64 captured = 0, copied = G_MAXUINT64;
	gint failures = 0;
	gchar *text;

	g_object_get(src, "stats", &stats, NULL);
	gst_object_unref(src);
	if (!stats)
		return zc_fail("no stats");
	gst_structure_get_uint64(stats, "captured", &captured);
	gst_structure_get_uint64(stats, "bytes-copied", &copied);
	text = gst_structure_to_string(stats);
	g_print("element stats: %s\n", text);
	g_free(text);
	gst_structure_free(stats);
	if (captured != frames)
		failures += zc_fail("stats captured %" G_GUINT64_FORMAT ", %u frames pushed",
				    captured, frames);
	if (copied != 0)
		failures += zc_fail("stats bytes-copied %" G_GUINT64_FORMAT, copied);
	return failures;
}

guint8 zc_counter_byte(guint32 seq, guint32 line, guint32 col)
{
	return tegra_csi_sg_counter_byte(seq, line, col);
}

gsize zc_counter_mismatches(const guint8 *data, gsize size, gsize stride, guint32 seq)
{
	gsize bad = 0;

	for (gsize off = 0; off < size; off++)
		if (data[off] != tegra_csi_sg_counter_byte(seq, off / stride, off % stride))
			bad++;
	return bad;
}
