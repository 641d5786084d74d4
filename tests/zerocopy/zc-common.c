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
const gchar *const zc_io_mode_names[ZC_N_IO_MODES] = { "dmabuf", "dmabuf-import", "userptr" };

gboolean zc_io_mode_parse(const gchar *name, enum zc_io_mode *mode)
{
	for (int m = 0; m < ZC_N_IO_MODES; m++)
		if (strcmp(name, zc_io_mode_names[m]) == 0) {
			*mode = m;
			return TRUE;
		}
	return FALSE;
}

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
 * log "importing dmabuf" in gst_v4l2_buffer_pool_import_dmabuf and
 * "importing userptr" in gst_v4l2_buffer_pool_import_userptr for every
 * frame they import, and go through gst_v4l2_buffer_pool_copy_buffer when
 * they copy; an OUTPUT pool given one of its own buffers logs "processing
 * buffer N from our pool" in gst_v4l2_buffer_pool_process when it queues it
 * as it is, "alloc buffer from our pool" when it takes one of its buffers
 * to import (or copy) the frame into; kmssink logs every PRIME import in gst_kms_sink_import_dmabuf,
 * and finding the framebuffer of a dma-buf it made or imported before.
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

	/* ZC_GST_LOG: show the importers' records too (debugging a case) */
	if ((strcmp(name, "kmssink") != 0 && strcmp(name, "v4l2bufferpool") != 0) ||
	    level <= GST_LEVEL_WARNING || g_getenv("ZC_GST_LOG"))
		gst_debug_log_default(cat, level, file, function, line, obj, message, data);
	if ((strcmp(name, "kmssink") != 0 && strcmp(name, "v4l2bufferpool") != 0) ||
	    level <= GST_LEVEL_WARNING)
		return;
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
	} else if (strcmp(function, "gst_v4l2_buffer_pool_import_userptr") == 0 &&
		   strcmp(text, "importing userptr") == 0 && raw_pool) {
		g_atomic_int_inc(&zc_ev.v4l2_userptr);
	} else if (strcmp(function, "gst_v4l2_buffer_pool_process") == 0 && raw_pool &&
		   g_str_has_prefix(text, "processing buffer ") &&
		   g_str_has_suffix(text, " from our pool")) {
		g_atomic_int_inc(&zc_ev.v4l2_own_direct);
	} else if (strcmp(function, "gst_v4l2_buffer_pool_process") == 0 && raw_pool &&
		   strcmp(text, "alloc buffer from our pool") == 0) {
		g_atomic_int_inc(&zc_ev.v4l2_own_fallback);
	} else if (strcmp(function, "gst_v4l2_buffer_pool_copy_buffer") == 0 && raw_pool) {
		g_atomic_int_inc(&zc_ev.v4l2_copies);
	}
}

void zc_evidence_reset(void)
{
	memset(&zc_ev, 0, sizeof(zc_ev));
}

/* Counts from now on; the log function is installed once per process. */
void zc_watch_importers(void)
{
	static gboolean installed;

	zc_evidence_reset();
	if (!installed) {
		gst_debug_remove_log_function(gst_debug_log_default);
		gst_debug_add_log_function(count_evidence, NULL, NULL);
		installed = TRUE;
	}
	gst_debug_set_threshold_for_name("kmssink", GST_LEVEL_LOG);
	gst_debug_set_threshold_for_name("v4l2bufferpool", GST_LEVEL_LOG);
	gst_debug_set_active(TRUE);
}

void zc_unwatch_importers(void)
{
	gst_debug_unset_threshold_for_name("kmssink");
	gst_debug_unset_threshold_for_name("v4l2bufferpool");
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

static void count_key(GHashTable *table, const gchar *key)
{
	gpointer n = g_hash_table_lookup(table, key);

	g_hash_table_insert(table, g_strdup(key), GUINT_TO_POINTER(GPOINTER_TO_UINT(n) + 1));
}

static void follow_memory(struct zc_follow *f, GstMemory *mem)
{
	struct stat st;
	gchar *exp;
	int fd;

	if (!gst_is_dmabuf_memory(mem)) {
		GstMapInfo map;

		f->not_dmabuf++;
		if (gst_memory_map(mem, &map, GST_MAP_READ)) {
			g_hash_table_add(f->addresses, map.data);
			gst_memory_unmap(mem, &map);
		}
		return;
	}
	if (!mem->allocator || strcmp(G_OBJECT_TYPE_NAME(mem->allocator), "GstTegraCsiAllocator") != 0)
		f->foreign++;
	fd = gst_dmabuf_memory_get_fd(mem);
	if (fstat(fd, &st) != 0 || g_hash_table_contains(f->inodes, GSIZE_TO_POINTER(st.st_ino)))
		return;
	exp = exporter_of(fd);
	g_print("dma-buf fd %d inode %lu exporter %s\n", fd, (unsigned long)st.st_ino,
		exp ? exp : "?");
	count_key(f->exporters, exp ? exp : "?");
	g_free(exp);
	g_hash_table_insert(f->inodes, GSIZE_TO_POINTER(st.st_ino), GINT_TO_POINTER(fd));
}

/* stats "buffers" of the element named "src" in @pad's pipeline. */
static guint source_buffers(GstPad *pad)
{
	GstElement *sink = GST_ELEMENT(gst_pad_get_parent(pad));
	GstObject *pipe = sink ? gst_object_get_parent(GST_OBJECT(sink)) : NULL;
	GstElement *src = pipe ? gst_bin_get_by_name(GST_BIN(pipe), "src") : NULL;
	GstStructure *stats = NULL;
	guint n = 0;

	if (src) {
		g_object_get(src, "stats", &stats, NULL);
		if (stats)
			gst_structure_get_uint(stats, "buffers", &n);
		g_clear_pointer(&stats, gst_structure_free);
		gst_object_unref(src);
	}
	g_clear_object(&pipe);
	g_clear_object(&sink);
	return n;
}

static GstPadProbeReturn follow_buffer(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	struct zc_follow *f = data;
	GstBuffer *buf;
	guint64 seq;
	guint distinct;

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
	count_key(f->pools, buf->pool ? GST_OBJECT_NAME(buf->pool) : "none");
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
	distinct = g_hash_table_size(f->inodes) + g_hash_table_size(f->addresses);
	for (guint i = 0; i < gst_buffer_n_memory(buf); i++)
		follow_memory(f, gst_buffer_peek_memory(buf, i));
	/*
	 * The first round lasts until the last new memory arrives: what the
	 * driver did until then is setup, everything after it steady state.
	 */
	if (g_hash_table_size(f->inodes) + g_hash_table_size(f->addresses) > distinct) {
		f->element_buffers = source_buffers(pad);
		if (f->steady) {
			zc_read_counters(&f->steady->first);
			f->steady->after = f->steady->seen + 1;
		}
	}
	if (f->steady)
		f->steady->seen++;
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
	f->addresses = g_hash_table_new(g_direct_hash, g_direct_equal);
	f->exporters = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	f->pools = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
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
	g_hash_table_unref(f->addresses);
	g_hash_table_unref(f->exporters);
	g_hash_table_unref(f->pools);
	g_free(f);
}

static gchar *describe_counts(GHashTable *table)
{
	GString *s = g_string_new(NULL);
	GHashTableIter it;
	gpointer key, n;

	g_hash_table_iter_init(&it, table);
	while (g_hash_table_iter_next(&it, &key, &n))
		g_string_append_printf(s, "%s%s x%u", s->len ? ", " : "", (const gchar *)key,
				       GPOINTER_TO_UINT(n));
	return g_string_free(s, FALSE);
}

/* Buffers whose pool name does not start with @prefix. */
guint zc_follow_not_from(const struct zc_follow *f, const gchar *prefix)
{
	GHashTableIter it;
	gpointer key, n;
	guint other = 0;

	g_hash_table_iter_init(&it, f->pools);
	while (g_hash_table_iter_next(&it, &key, &n))
		if (!g_str_has_prefix(key, prefix))
			other += GPOINTER_TO_UINT(n);
	return other;
}

/*
 * The identity of what reached the pad, per io mode:
 *  - dmabuf: every memory a dma-buf of the element's allocator exported by
 *    our driver; the distinct dma-bufs (inodes) exactly the element's
 *    @buffers capture buffers: exported once, recycled, never one per frame;
 *  - dmabuf-import: every buffer from the expected pool (the importer's or
 *    the application's), every memory a dma-buf of that exporter, never
 *    ours; exactly @buffers distinct dma-bufs;
 *  - userptr: every buffer from the expected pool, system memory, exactly
 *    @buffers distinct memories (by address).
 */
gint zc_follow_check(const struct zc_follow *f, const struct zc_expect *e)
{
	guint n_dmabufs = g_hash_table_size(f->inodes);
	guint n_user = g_hash_table_size(f->addresses);
	guint n_memories = f->frames - f->multi_memory;	/* when each has one */
	guint own = GPOINTER_TO_UINT(g_hash_table_lookup(f->exporters, ZC_EXPORTER));
	gchar *pools = describe_counts(f->pools), *exporters = describe_counts(f->exporters);
	gint failures = 0;
	guint distinct;

	g_print("downstream: %u frames; pools: %s; %u distinct dma-bufs (exporters: %s), "
		"%u distinct other memories; the element's buffers %u\n",
		f->frames, pools, n_dmabufs, exporters, n_user, e->buffers);
	if (f->frames == 0)
		failures += zc_fail("no frame reached the importer");
	if (f->multi_memory)
		failures += zc_fail("%u buffers with more than one memory", f->multi_memory);
	if (f->verify && f->bad_content)
		failures += zc_fail("%u frames handed to the importer are not the counter pattern",
				    f->bad_content);
	switch (e->mode) {
	case ZC_DMABUF:
		if (f->not_dmabuf)
			failures += zc_fail("%u memories were not dma-buf memory", f->not_dmabuf);
		if (f->foreign)
			failures += zc_fail("%u memories were not the element's", f->foreign);
		if (own != n_dmabufs)
			failures += zc_fail("%u dma-bufs not exported by %s", n_dmabufs - own,
					    ZC_EXPORTER);
		break;
	case ZC_DMABUF_IMPORT:
		if (f->not_dmabuf)
			failures += zc_fail("%u memories were not dma-buf memory", f->not_dmabuf);
		if (own)
			failures += zc_fail("%u dma-bufs exported by our driver: not imported", own);
		if (e->exporter && GPOINTER_TO_UINT(g_hash_table_lookup(f->exporters, e->exporter)) !=
				   n_dmabufs)
			failures += zc_fail("dma-bufs not exported by %s", e->exporter);
		break;
	case ZC_USERPTR:
		if (f->not_dmabuf != n_memories)
			failures += zc_fail("%u memories were dma-bufs, not user memory",
					    n_memories - f->not_dmabuf);
		break;
	default:
		g_assert_not_reached();
	}
	if (e->pool && zc_follow_not_from(f, e->pool))
		failures += zc_fail("%u buffers not from pool %s*", zc_follow_not_from(f, e->pool),
				    e->pool);
	distinct = e->mode == ZC_USERPTR ? n_user : n_dmabufs;
	if (distinct != e->buffers)
		failures += zc_fail("%u distinct %s, the element has %u buffers", distinct,
				    e->mode == ZC_USERPTR ? "memories" : "dma-bufs", e->buffers);
	g_free(pools);
	g_free(exporters);
	return failures;
}

/* The "name value" lines of the driver's debugfs stats of channel 0. */
void zc_read_counters(struct zc_counters *c)
{
	gchar *text = NULL, **lines;

	memset(c, 0, sizeof(*c));
	if (!g_file_get_contents(ZC_DEBUGFS_STATS, &text, NULL, NULL))
		return;
	c->valid = TRUE;
	lines = g_strsplit(text, "\n", -1);
	for (gchar **l = lines; *l; l++) {
		gchar name[64];
		guint64 v;

		if (sscanf(*l, "%63s %" G_GUINT64_FORMAT, name, &v) != 2)
			continue;
		if (strcmp(name, "frames_produced") == 0)
			c->frames_produced = v;
		else if (strcmp(name, "frames_dropped") == 0)
			c->frames_dropped = v;
		else if (strcmp(name, "userptr_pins") == 0)
			c->userptr_pins = v;
		else if (strcmp(name, "dmabuf_attach") == 0)
			c->dmabuf_attach = v;
		else if (strcmp(name, "dmabuf_map") == 0)
			c->dmabuf_map = v;
	}
	g_strfreev(lines);
	g_free(text);
}

static void print_counters(const gchar *when, guint frames, const struct zc_counters *a,
			   const struct zc_counters *b)
{
	g_print("driver counters %s%u frames: frames_produced +%" G_GUINT64_FORMAT
		", frames_dropped +%" G_GUINT64_FORMAT ", userptr_pins +%" G_GUINT64_FORMAT
		", dmabuf_attach +%" G_GUINT64_FORMAT ", dmabuf_map +%" G_GUINT64_FORMAT "\n", when, frames,
		b->frames_produced - a->frames_produced, b->frames_dropped - a->frames_dropped,
		b->userptr_pins - a->userptr_pins, b->dmabuf_attach - a->dmabuf_attach,
		b->dmabuf_map - a->dmabuf_map);
}

/*
 * During the first round the driver attaches and maps each dma-buf once
 * (dmabuf-import) or pins each user memory once (userptr), nothing in
 * dmabuf mode; after it, nothing at all, however many frames follow.
 */
gint zc_steady_check(const struct zc_steady *s, enum zc_io_mode mode, guint buffers)
{
	const struct zc_counters *a = &s->start, *b = &s->first, *c = &s->end;
	guint64 want_attach = mode == ZC_DMABUF_IMPORT ? buffers : 0;
	guint64 want_pins = mode == ZC_USERPTR ? buffers : 0;
	gint failures = 0;

	if (!a->valid || !b->valid || !c->valid)
		return zc_fail("cannot read %s (%s)", ZC_DEBUGFS_STATS,
			       s->seen == 0 ? "no frame arrived" : "no debugfs");
	print_counters("in the first round, ", s->after, a, b);
	print_counters("after it, ", s->seen - s->after, b, c);
	if (b->dmabuf_attach - a->dmabuf_attach != want_attach ||
	    b->dmabuf_map - a->dmabuf_map != want_attach ||
	    b->userptr_pins - a->userptr_pins != want_pins)
		failures += zc_fail("first round: expected %" G_GUINT64_FORMAT " attach and map, %"
				    G_GUINT64_FORMAT " pins", want_attach, want_pins);
	if (c->dmabuf_attach != b->dmabuf_attach || c->dmabuf_map != b->dmabuf_map ||
	    c->userptr_pins != b->userptr_pins)
		failures += zc_fail("steady state: the driver attached, mapped or pinned memory "
				    "after the first round");
	/* a steady state too short to mean anything is a failure too */
	if (s->seen - s->after < s->after)
		failures += zc_fail("steady state: %u frames after a first round of %u",
				    s->seen - s->after, s->after);
	return failures;
}

GError *zc_run_error(GstElement *pipe, guint timeout_s, gchar **source)
{
	GstMessage *msg;
	GError *err = NULL;

	if (gst_element_set_state(pipe, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
		g_printerr("the pipeline did not start\n");
	msg = gst_bus_timed_pop_filtered(GST_ELEMENT_BUS(pipe), timeout_s * GST_SECOND,
					 GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
	*source = NULL;
	if (!msg) {
		err = g_error_new(GST_CORE_ERROR, GST_CORE_ERROR_FAILED, "no EOS within %u s",
				  timeout_s);
		*source = g_strdup("(none)");
	} else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
		gchar *dbg = NULL;

		gst_message_parse_error(msg, &err, &dbg);
		*source = g_strdup(GST_OBJECT_NAME(msg->src));
		if (dbg)
			g_print("error details: %s\n", dbg);
		g_free(dbg);
	}
	if (msg)
		gst_message_unref(msg);
	gst_element_set_state(pipe, GST_STATE_NULL);
	return err;
}

gchar *zc_run(GstElement *pipe, guint timeout_s)
{
	gchar *source = NULL, *text = NULL;
	GError *err = zc_run_error(pipe, timeout_s, &source);

	if (err)
		text = g_strdup_printf("%s: %s", source, err->message);
	g_clear_error(&err);
	g_free(source);
	return text;
}

gint zc_check_frames(const struct zc_follow *f, guint want)
{
	if (f->frames != want)
		return zc_fail("%u of the %u frames requested reached the importer", f->frames,
			       want);
	return 0;
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
